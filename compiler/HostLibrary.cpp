//===- HostLibrary.cpp - Compiling and running models in stratac -*- C++ -*-===//
//
// Implements HostLibrary.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/HostLibrary.h"

#include "compiler/ArtifactWriters.h"
#include "compiler/ObjectEmitter.h"
#include "passes/EntryAttributes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;

namespace strata {

llvm::Expected<std::string> compileSharedLibrary(ModuleOp module,
                                                 const Partition &partition,
                                                 ModelSignature signature,
                                                 const HalideGroups &groups,
                                                 llvm::StringRef entryName) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  if (failed(partition.target->buildLowering(pm, partition.description, entryName)))
    return llvm::createStringError("cannot build the target's lowering");
  if (failed(pm.run(module)))
    return llvm::createStringError("the module did not lower");
  // What the memory plan decided, as lowerPartition reads it.
  auto lowered = module.lookupSymbol<LLVM::LLVMFuncOp>(entryName);
  if (!lowered)
    return llvm::createStringError("the lowered entry is missing");
  signature.arenaBytes = entry::getInt(lowered, entry::kArenaBytes).value_or(0);
  std::optional<int64_t> parallelLoops =
      entry::getInt(lowered, entry::kParallelLoops);
  signature.takesExecutor = parallelLoops.has_value();
  signature.parallelLoops = parallelLoops.value_or(0);
  llvm::LLVMContext context;
  auto llvmModule = translateToLLVMIR(module, context, partition.description,
                                      signature, entryName);
  if (!llvmModule)
    return llvmModule.takeError();
  // As for the model: the call's spec decides which group is linked (the
  // lowering may have dropped an unused operand, e.g. a pool's window).
  if (llvm::Error error = linkHalideGroups(module, **llvmModule,
                                           partition.description, groups))
    return std::move(error);
  if (llvm::Error error = optimizeLLVMIR(**llvmModule, partition.description))
    return std::move(error);
  auto object = emitMachineCode(**llvmModule, partition.description,
                                MachineCodeKind::Object);
  if (!object)
    return object.takeError();
  return linkSharedLibrary(*object, signature.name);
}

llvm::Expected<std::unique_ptr<LoadedModel>>
LoadedModel::load(llvm::StringRef library, llvm::StringRef name) {
  std::unique_ptr<LoadedModel> loaded(new LoadedModel());
  if (llvm::Error error = writeTemporary("strata-" + name, "so", library, loaded->file))
    return std::move(error);
  loaded->handle = dlopen(loaded->file.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!loaded->handle)
    return llvm::createStringError(std::string("cannot load the compiled library: ") +
                                   dlerror());
  loaded->descriptor = static_cast<const strata_model_t *>(
      dlsym(loaded->handle, (name + "_model").str().c_str()));
  if (!loaded->descriptor)
    return llvm::createStringError("the compiled library has no model");
  return loaded;
}

LoadedModel::~LoadedModel() {
  if (handle)
    dlclose(handle);
}

namespace {

/// Writes all of `bytes` to `fd`.
bool writeAll(int fd, llvm::StringRef bytes) {
  while (!bytes.empty()) {
    ssize_t written = write(fd, bytes.data(), bytes.size());
    if (written <= 0)
      return false;
    bytes = bytes.drop_front(written);
  }
  return true;
}

} // namespace

llvm::Expected<std::string>
runInChild(llvm::function_ref<llvm::Expected<std::string>()> work,
           llvm::StringRef what) {
  int channel[2];
  if (pipe(channel) != 0)
    return llvm::createStringError("cannot create a pipe to run " + what);
  pid_t child = fork();
  if (child < 0)
    return llvm::createStringError("cannot fork to run " + what);
  if (child == 0) {
    close(channel[0]);
    // One status byte (0: result, 1: error message), then the bytes.
    llvm::Expected<std::string> result = work();
    std::string message = result ? std::string(1, '\0') + *result
                                 : std::string(1, '\1') + llvm::toString(result.takeError());
    _exit(writeAll(channel[1], message) ? 0 : 1);
  }
  close(channel[1]);
  std::string received;
  char buffer[65536];
  for (ssize_t got; (got = read(channel[0], buffer, sizeof buffer)) > 0;)
    received.append(buffer, size_t(got));
  close(channel[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status))
    return llvm::createStringError(
        llvm::formatv("{0} crashed (signal {1})", what, WTERMSIG(status)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || received.empty())
    return llvm::createStringError(what + " did not finish");
  if (received[0] != '\0')
    return llvm::createStringError(received.substr(1));
  return received.substr(1);
}

} // namespace strata
