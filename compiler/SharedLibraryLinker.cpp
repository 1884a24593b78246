//===- SharedLibraryLinker.cpp - libNAME.so for strata-run ------*- C++ -*-===//
//
// strata-run loads models with dlopen, so --emit=shared links the object
// with LLVM's ld.lld (found next to the LLVM this compiler was built with, or
// on PATH). Generated code calls nothing but memcpy/memset, which the loading
//
//===----------------------------------------------------------------------===//
#include "compiler/ArtifactWriters.h"
#include "compiler/TemporaryFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace strata {
namespace {

llvm::Expected<std::string> findLinker() {
  for (llvm::StringRef candidate : {STRATA_LLD_PATH, "ld.lld-22", "ld.lld"}) {
    if (llvm::sys::path::is_absolute(candidate)) {
      if (llvm::sys::fs::can_execute(candidate))
        return candidate.str();
      continue;
    }
    if (auto found = llvm::sys::findProgramByName(candidate))
      return *found;
  }
  return llvm::createStringError("cannot find ld.lld (install lld-22)");
}

/// Runs ld.lld with `flags` on `objects` and returns what it wrote.
llvm::Expected<std::string> runLinker(llvm::ArrayRef<llvm::StringRef> flags,
                                      llvm::ArrayRef<llvm::StringRef> objects,
                                      llvm::StringRef what) {
  auto linker = findLinker();
  if (!linker)
    return linker.takeError();
  std::vector<TemporaryFile> inputs(objects.size());
  TemporaryFile output, log;
  for (auto [object, input] : llvm::zip(objects, inputs))
    if (llvm::Error error = writeTemporary("strata", "o", object, input))
      return std::move(error);
  if (llvm::Error error = writeTemporary("strata", "out", "", output))
    return std::move(error);
  if (llvm::Error error = writeTemporary("strata", "log", "", log))
    return std::move(error);
  llvm::SmallVector<llvm::StringRef> args = {*linker};
  args.append(flags.begin(), flags.end());
  args.append({"-o", output.path});
  for (const TemporaryFile &input : inputs)
    args.push_back(input.path);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path, log.path};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto logText = llvm::MemoryBuffer::getFile(log.path);
    return llvm::createStringError(
        "ld.lld failed to link " + what + ": " +
        (logText ? (*logText)->getBuffer().trim().str() : message));
  }
  auto linked = llvm::MemoryBuffer::getFile(output.path, false, false);
  if (!linked)
    return llvm::createStringError(linked.getError(),
                                   "cannot read what ld.lld linked");
  return (*linked)->getBuffer().str();
}

} // namespace

llvm::Expected<std::string> linkSharedLibrary(llvm::StringRef object,
                                              llvm::StringRef name) {
  std::string soname = ("lib" + name + ".so").str();
  return runLinker({"-shared", "--build-id=none", "-soname", soname}, {object},
                   soname);
}

} // namespace strata
