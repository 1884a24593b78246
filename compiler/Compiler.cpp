//===- Compiler.cpp - From an ONNX file to artifacts ------------*- C++ -*-===//
//
// Implements compileModel: each stage's output is collected in memory and the
// files are written together at the end, so a failure anywhere leaves the
// output directory untouched.
//
//===----------------------------------------------------------------------===//
#include "compiler/Compiler.h"

#include "compiler/ArtifactWriters.h"
#include "compiler/ModelSignature.h"
#include "compiler/ObjectEmitter.h"
#include "compiler/Pipeline.h"
#include "dialects/Graph/GraphDialect.h"
#include "targets/Target.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace strata {
namespace {

/// The files of one compile, written only once every stage has succeeded.
/// A Makefile rule `target: dependencies...` (spaces escaped), for
/// --depfile.
LogicalResult writeDepfile(Location loc, llvm::StringRef path,
                           llvm::StringRef target,
                           llvm::ArrayRef<std::string> dependencies) {
  auto escape = [](llvm::StringRef file) {
    std::string text;
    for (char c : file) {
      if (c == ' ' || c == '#')
        text += '\\';
      if (c == '$')
        text += '$';
      text += c;
    }
    return text;
  };
  std::error_code ec;
  llvm::raw_fd_ostream stream(path, ec);
  if (!ec) {
    stream << escape(target) << ":";
    for (const std::string &file : dependencies)
      stream << " \\\n  " << escape(file);
    stream << "\n";
    stream.close();
    ec = stream.error();
  }
  if (ec)
    return emitError(loc) << "cannot write the depfile '" << path
                          << "': " << ec.message();
  return success();
}

struct PendingFiles {
  std::vector<std::pair<std::string, std::string>> files; // name, contents

  void add(std::string name, std::string contents) {
    files.emplace_back(std::move(name), std::move(contents));
  }

  LogicalResult write(Location loc, llvm::StringRef directory) {
    if (auto ec = llvm::sys::fs::create_directories(directory))
      return emitError(loc) << "cannot create output directory '" << directory
                            << "': " << ec.message();
    std::vector<std::string> written;
    for (const auto &[name, contents] : files) {
      llvm::SmallString<256> path(directory);
      llvm::sys::path::append(path, name);
      std::error_code ec;
      llvm::raw_fd_ostream stream(path, ec);
      if (!ec) {
        stream << contents;
        stream.close();
        ec = stream.error();
      }
      if (ec) {
        for (const std::string &done : written)
          llvm::sys::fs::remove(done);
        return emitError(loc) << "cannot write '" << path << "': " << ec.message();
      }
      written.push_back(path.str().str());
    }
    return success();
  }
};

std::string printModule(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  flags.elideLargeElementsAttrs(64);
  // Locations carry the ONNX node names: keep them in every emitted stage.
  flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module.print(os, flags);
  return text;
}

LogicalResult runPipeline(ModuleOp module,
                          llvm::function_ref<LogicalResult(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  if (failed(build(pm)) || failed(pm.run(module)))
    return failure();
  return success();
}

std::string sha256Of(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    return "";
  auto digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef((*buffer)->getBuffer()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

/// The CUDA toolkit whose bin/ptxas can make cubins: $CUDA_HOME,
/// $CUDA_PATH, the parent of a ptxas on PATH, or /usr/local/cuda; "" when
/// none has one.
std::string findCudaToolkit() {
  auto hasPtxas = [](llvm::StringRef root) {
    llvm::SmallString<256> path(root);
    llvm::sys::path::append(path, "bin", "ptxas");
    return !root.empty() && llvm::sys::fs::can_execute(path);
  };
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *root = std::getenv(variable); root && hasPtxas(root))
      return root;
  if (auto ptxas = llvm::sys::findProgramByName("ptxas")) {
    llvm::SmallString<256> root(*ptxas);
    llvm::sys::fs::real_path(*ptxas, root);
    llvm::sys::path::remove_filename(root); // bin/
    llvm::sys::path::remove_filename(root);
    if (hasPtxas(root))
      return root.str().str();
  }
  return hasPtxas("/usr/local/cuda") ? "/usr/local/cuda" : "";
}

/// The PTX of the model's kernels (the one gpu.binary, compiled to "isa").
FailureOr<std::string> kernelAssembly(ModuleOp module) {
  SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
  if (binaries.size() != 1 || binaries.front().getObjects().size() != 1)
    return module.emitError("internal error: expected one GPU binary");
  auto object = cast<gpu::ObjectAttr>(binaries.front().getObjects()[0]);
  return object.getObject().getValue().str();
}

} // namespace

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary: the NVVM target and the translations it runs.
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerAllGPUToLLVMIRTranslations(registry);
  registry.insert<graph::GraphDialect>();
}

LogicalResult compileModel(MLIRContext &context, const CompileOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, options.modelPath, 0, 0);
  auto target = resolveTarget(options.target, options.cpu, options.floatABI);
  if (!target)
    return emitError(fileLoc) << llvm::toString(target.takeError());
  std::string name = options.name.empty()
                         ? sanitizeIdentifier(llvm::sys::path::stem(options.modelPath))
                         : options.name;
  if (name != sanitizeIdentifier(name))
    return emitError(fileLoc) << "--name '" << name
                              << "' is not a C identifier";
  PipelineOptions pipeline;
  pipeline.vectorBits = target->vectorBits;
  pipeline.indexBits = target->indexBits;
  pipeline.bareMetal = target->bareMetal;
  if (options.emit == EmitStage::Shared && target->bareMetal)
    return emitError(fileLoc) << "--emit=shared needs an operating system; "
                              << target->name << " artifacts link into "
                              << "firmware (use the object)";
  pipeline.entryName = options.import.entryName;
  bool cubin = false;
  const bool loopsOnHost = options.gpuLoopsOnHost;
  if (loopsOnHost && (!target->isGpu() || options.emit == EmitStage::PTX))
    return emitError(fileLoc) << "--gpu-loops-on-host applies to GPU targets "
                              << "and makes no kernels (no --emit=ptx)";
  pipeline.gpuLoopsOnHost = loopsOnHost;
  if (target->isGpu() && !loopsOnHost) {
    pipeline.gpuChip = target->gpuChip;
    pipeline.gpuFeatures = target->gpuFeatures;
    if (options.gpuBinary != "auto" && options.gpuBinary != "cubin" &&
        options.gpuBinary != "ptx")
      return emitError(fileLoc) << "--gpu-binary must be auto, cubin or ptx, "
                                << "not '" << options.gpuBinary << "'";
    if (options.emit != EmitStage::PTX && options.gpuBinary != "ptx") {
      pipeline.gpuToolkit = findCudaToolkit();
      cubin = !pipeline.gpuToolkit.empty();
      if (!cubin && options.gpuBinary == "cubin")
        return emitError(fileLoc)
               << "--gpu-binary=cubin needs ptxas, found in none of "
               << "$CUDA_HOME/bin, $CUDA_PATH/bin, PATH, /usr/local/cuda/bin";
    }
    pipeline.gpuBinaryFormat = cubin ? "bin" : "isa";
  } else if (options.emit == EmitStage::PTX && !loopsOnHost) {
    return emitError(fileLoc) << "--emit=ptx applies to GPU targets (sm_80, "
                              << "sm_90), not " << target->name;
  }

  std::vector<std::string> dependencies;
  OnnxImportOptions importOptions = options.import;
  importOptions.dependencies = &dependencies;
  OwningOpRef<ModuleOp> module =
      importOnnxModel(context, options.modelPath, importOptions);
  if (!module)
    return failure();
  auto entry = module->lookupSymbol<func::FuncOp>(options.import.entryName);
  if (failed(verify(*module)))
    return failure();
  auto signature = readSignature(entry, name);
  if (failed(signature))
    return failure();

  PendingFiles files;
  auto finish = [&]() -> LogicalResult {
    if (failed(files.write(fileLoc, options.outputDir)))
      return failure();
    if (options.depfile.empty() || files.files.empty())
      return success();
    // The target is the object when there is one, else the stage's file.
    std::string target = files.files.front().first;
    for (const auto &[file, contents] : files.files)
      if (llvm::StringRef(file).ends_with(".o"))
        target = file;
    llvm::SmallString<256> targetPath(options.outputDir);
    llvm::sys::path::append(targetPath, target);
    return writeDepfile(fileLoc, options.depfile, targetPath, dependencies);
  };
  if (options.emit == EmitStage::Graph) {
    files.add(name + ".graph.mlir", printModule(*module));
    return finish();
  }
  if (failed(runPipeline(*module, [&](OpPassManager &pm) {
        return buildGraphToLinalgPipeline(pm, pipeline);
      })))
    return failure();
  if (options.emit == EmitStage::Linalg) {
    files.add(name + ".linalg.mlir", printModule(*module));
    return finish();
  }
  if (failed(runPipeline(*module, [&](OpPassManager &pm) {
        return target->isGpu() ? buildLinalgToGpuPipeline(pm, pipeline)
                               : buildLinalgToLLVMPipeline(pm, pipeline);
      })))
    return failure();
  auto lowered = module->lookupSymbol<LLVM::LLVMFuncOp>(options.import.entryName);
  auto arenaBytes = lowered ? lowered->getAttrOfType<IntegerAttr>("strata.arena_bytes")
                            : IntegerAttr();
  if (!arenaBytes)
    return emitError(fileLoc) << "internal error: the memory plan is missing";
  signature->arenaBytes = arenaBytes.getInt();
  if (auto bound = lowered->getAttrOfType<IntegerAttr>("strata.arena_lower_bound"))
    signature->arenaLowerBound = bound.getInt();
  if (loopsOnHost) {
    // A CPU artifact for this machine (whose float16 conversions are
    // instructions, not compiler-rt calls); the entry passes its own copy
    // of the weights.
    auto host = resolveX86Target("native");
    if (!host)
      return emitError(fileLoc) << llvm::toString(host.takeError());
    host->name = target->name + "-loops-on-host";
    *target = *host;
    signature->hostPooledConstants = true;
  } else if (target->isGpu()) {
    // The device workspace is the weights followed by the arena.
    auto constants =
        lowered->getAttrOfType<IntegerAttr>("strata.constants_bytes");
    if (!constants)
      return emitError(fileLoc) << "internal error: the weights are missing";
    ModelSignature::Gpu gpu;
    gpu.constantsBytes = constants.getInt();
    llvm::StringRef(target->gpuChip).drop_front(3).getAsInteger(10,
                                                               gpu.smVersion);
    gpu.cubin = cubin;
    signature->gpu = gpu;
    signature->arenaBytes += gpu.constantsBytes;
    signature->arenaLowerBound += gpu.constantsBytes;
  }
  if (options.emit == EmitStage::PTX) {
    auto assembly = kernelAssembly(*module);
    if (failed(assembly))
      return failure();
    files.add(name + ".ptx", std::move(*assembly));
    return finish();
  }
  if (options.emit == EmitStage::LLVMMLIR) {
    files.add(name + ".llvm.mlir", printModule(*module));
    return finish();
  }

  llvm::LLVMContext llvmContext;
  auto llvmModule = translateToLLVMIR(*module, llvmContext, *target, *signature,
                                      options.import.entryName);
  if (!llvmModule)
    return emitError(fileLoc) << llvm::toString(llvmModule.takeError());
  if (options.emit == EmitStage::LLVMIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    (*llvmModule)->print(os, nullptr);
    files.add(name + ".ll", text);
    return finish();
  }
  auto kind = options.emit == EmitStage::Assembly ? MachineCodeKind::Assembly
                                                  : MachineCodeKind::Object;
  auto code = emitMachineCode(**llvmModule, *target, kind);
  if (!code)
    return emitError(fileLoc) << llvm::toString(code.takeError());
  if (options.emit == EmitStage::Assembly) {
    files.add(name + ".s", *code);
    return finish();
  }

  ManifestFacts facts;
  facts.modelFile = llvm::sys::path::filename(options.modelPath).str();
  facts.modelSha256 = sha256Of(options.modelPath);
  if (llvm::Error error = measureObject(*code, facts))
    return emitError(fileLoc) << llvm::toString(std::move(error));
  facts.artifacts = {name + ".o", name + ".h", name + ".json"};
  if (options.emit == EmitStage::Shared) {
    auto library = linkSharedLibrary(*code, name);
    if (!library)
      return emitError(fileLoc) << llvm::toString(library.takeError());
    facts.artifacts.push_back("lib" + name + ".so");
    files.add("lib" + name + ".so", std::move(*library));
  }
  files.add(name + ".o", std::move(*code));
  files.add(name + ".h", writeHeader(*signature));
  files.add(name + ".json", writeManifest(*signature, *target, facts));
  if (options.report && target->isGpu())
    llvm::outs() << "model " << name << " (" << target->name << ", "
                 << (cubin ? "cubin" : "PTX") << "): host code "
                 << facts.codeBytes << " B, weights "
                 << signature->gpu->constantsBytes << " B, device workspace "
                 << signature->arenaBytes << " B (lower bound "
                 << signature->arenaLowerBound << " B)\n";
  else if (options.report)
    llvm::outs() << "model " << name << " (" << target->name << "): flash "
                 << facts.codeBytes + facts.weightBytes << " B (code "
                 << facts.codeBytes << " B, weights " << facts.weightBytes
                 << " B), arena " << signature->arenaBytes << " B (lower bound "
                 << signature->arenaLowerBound << " B), stack ~"
                 << facts.stackBytes << " B\n";
  return finish();
}

} // namespace strata
