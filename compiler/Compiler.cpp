//===- Compiler.cpp - From an ONNX file to artifacts ------------*- C++ -*-===//
//
// Implements compileModel as the stages of Stages.h. Each stage's output is
// collected in memory (PendingFiles) and written together at the end, so a
// failure anywhere leaves the output directory untouched. Nothing here
// depends on which target a partition has: its Target lowers it, and the
// emission reads what kind of artifact it is from the description.
//
//===----------------------------------------------------------------------===//
#include "compiler/Compiler.h"

#include "compiler/ArtifactWriters.h"
#include "compiler/Calibration.h"
#include "compiler/HalidePath.h"
#include "compiler/ObjectEmitter.h"
#include "compiler/Pipeline.h"
#include "compiler/Pruning.h"
#include "compiler/Stages.h"
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Graph/GraphOps.h"
#include "passes/EntryAttributes.h"
#include "passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace strata {
namespace {

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

/// Runs the passes `build` appends on `module`, timing each under `timing`
/// with --time-stages; with --dump-pass-pipeline prints them first, as
/// strata-opt does. An error diagnostic fails the stage even when its pass
/// succeeds: upstream gpu-module-to-binary reports a toolkit without
/// libdevice that way, and its output must not be written.
LogicalResult runPipeline(ModuleOp module, const CompileOptions &options,
                          TimingScope &timing,
                          llvm::function_ref<LogicalResult(OpPassManager &)> build) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  if (failed(build(pm)))
    return failure();
  if (options.dumpPassPipeline) {
    pm.dump();
    llvm::errs() << "\n";
  }
  if (options.timeStages)
    pm.enableTiming(timing);
  bool errorReported = false;
  ScopedDiagnosticHandler watchErrors(module.getContext(), [&](Diagnostic &d) {
    errorReported |= d.getSeverity() == DiagnosticSeverity::Error;
    return failure(); // Not handled: the caller's handler prints it.
  });
  return failure(failed(pm.run(module)) || errorReported);
}

std::string sha256Of(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    return "";
  auto digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef((*buffer)->getBuffer()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

/// The PTX of the model's kernels (the one gpu.binary, compiled to "isa").
FailureOr<std::string> kernelAssembly(ModuleOp module) {
  SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
  if (binaries.size() != 1 || binaries.front().getObjects().size() != 1)
    return module.emitError("internal error: expected one GPU binary");
  auto object = cast<gpu::ObjectAttr>(binaries.front().getObjects()[0]);
  return object.getObject().getValue().str();
}

/// The graph dialect's ops in `module` that compute (not constants): one
/// kernel each, were nothing fused.
int64_t countGraphOps(ModuleOp module) {
  int64_t count = 0;
  module.walk([&](Operation *op) {
    if (isa<graph::GraphDialect>(op->getDialect()) && !isa<graph::ConstantOp>(op) &&
        !op->hasTrait<OpTrait::IsTerminator>())
      ++count;
  });
  return count;
}

/// The report line of --report.
void printReport(const Partition &partition, const ManifestFacts &facts) {
  const ModelSignature &signature = partition.signature;
  const TargetDescription &target = partition.description;
  if (signature.gpu) {
    llvm::outs() << "model " << signature.name << " (" << target.name << ", "
                 << (signature.gpu->cubin ? "cubin" : "PTX") << "): host code "
                 << facts.codeBytes << " B, weights "
                 << signature.gpu->constantsBytes << " B, device workspace "
                 << signature.arenaBytes << " B (lower bound "
                 << signature.arenaLowerBound << " B)\n";
    return;
  }
  llvm::outs() << "model " << signature.name << " (" << target.name
               << "): flash " << facts.codeBytes + facts.weightBytes
               << " B (code " << facts.codeBytes << " B, weights "
               << facts.weightBytes << " B), arena " << signature.arenaBytes
               << " B (lower bound " << signature.arenaLowerBound
               << " B), stack ~" << facts.stackBytes << " B\n";
  llvm::outs() << "model " << signature.name << " (" << target.name
               << "): " << signature.graphOps << " graph ops run as "
               << signature.kernels << " kernels, " << signature.fills
               << " fills and " << signature.copies << " copies\n";
}

/// --report's lines on pruning: each pruned layer's channels, and the
/// whole graph's multiply-adds and weight bytes before and after.
void printPruningReport(const ModelSignature &signature) {
  if (!signature.pruning)
    return;
  const ModelSignature::Pruning &pruning = *signature.pruning;
  for (const ModelSignature::Pruning::Layer &layer : pruning.layers)
    llvm::outs() << "pruned conv (node '" << layer.node << "'): " << layer.kept
                 << " of " << layer.channels << " channels kept\n";
  llvm::outs() << llvm::formatv(
      "pruned model: {0} of {1} multiply-adds ({2:f1}%), weights {3} of {4} B\n",
      pruning.macsAfter, pruning.macsBefore,
      pruning.macsBefore ? 100.0 * pruning.macsAfter / pruning.macsBefore : 0.0,
      pruning.weightBytesAfter, pruning.weightBytesBefore);
  if (pruning.outputError)
    llvm::outs() << llvm::formatv("pruned model ({0} criterion): output error {1:e2} "
                                  "(relative L2) against the unpruned model on {2} "
                                  "calibration samples\n",
                                  pruning.criterion, *pruning.outputError,
                                  pruning.errorSamples);
}

/// --report's lines on quantization: each op made an integer kernel, with
/// its input's and output's int8 parameters.
void printQuantizationReport(const ModelSignature &signature) {
  for (const ModelSignature::QuantizedOp &op : signature.quantizedOps)
    llvm::outs() << llvm::formatv(
        "int8 {0} (node '{1}'): input scale {2:e9} zero point {3}, output "
        "scale {4:e9} zero point {5}, SQNR {6:f1} dB\n",
        op.op, op.node, op.inputScale, op.inputZeroPoint, op.outputScale,
        op.outputZeroPoint, op.sqnrDb);
}

/// --report's lines on the Halide path: each group considered, what was
/// chosen and why (with --autotune, both measured times).
void printHalideReport(const HalideGroups &groups) {
  for (const HalideDecision &decision : groups.decisions) {
    llvm::outs() << "halide group " << decision.function;
    if (!decision.node.empty())
      llvm::outs() << " (node '" << decision.node << "')";
    llvm::outs() << ": " << (decision.halide ? "Halide" : "MLIR") << ", "
                 << decision.reason;
    if (decision.mlirMicros && decision.halideMicros)
      llvm::outs() << llvm::formatv(" (Halide {0:f3} us, MLIR {1:f3} us{2})",
                                    *decision.halideMicros, *decision.mlirMicros,
                                    decision.cached ? ", cached" : "");
    llvm::outs() << "\n";
  }
}

} // namespace

TimingScope enterStage(const CompileOptions &options, TimingScope &timing,
                       const std::string &name) {
  if (options.progress)
    options.progress->stage(name);
  return timing.nest(name);
}

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary: the NVVM target and the translations it runs.
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerAllGPUToLLVMIRTranslations(registry);
  registry.insert<graph::GraphDialect>();
}

FailureOr<ImportedModel> importModel(MLIRContext &context,
                                     const CompileOptions &options,
                                     llvm::StringRef name) {
  ImportedModel model;
  OnnxImportOptions importOptions = options.import;
  importOptions.dependencies = &model.dependencies;
  model.module = importOnnxModel(context, options.modelPath, importOptions);
  if (!model.module || failed(verify(*model.module)))
    return failure();
  auto entry = model.module->lookupSymbol<func::FuncOp>(options.import.entryName);
  FailureOr<ModelSignature> signature = readSignature(entry, name);
  if (failed(signature))
    return failure();
  model.signature = std::move(*signature);
  return model;
}

/// --gradient: the model becomes its vector-Jacobian product.
static LogicalResult differentiateModel(ImportedModel &model, const CompileOptions &options,
                                 llvm::StringRef name) {
  auto entry = model.module->lookupSymbol<func::FuncOp>(options.import.entryName);
  PassManager pm(model.module->getContext(), func::FuncOp::getOperationName());
  pm.addPass(createDifferentiate());
  if (failed(pm.run(entry)))
    return failure();
  FailureOr<ModelSignature> signature = readSignature(entry, name);
  if (failed(signature))
    return failure();
  model.signature = std::move(*signature);
  return success();
}

LogicalResult runGraphPasses(ModuleOp module, const CompileOptions &options,
                             TimingScope &timing) {
  TimingScope scope = enterStage(options, timing, "graph passes");
  return runPipeline(module, options, scope, buildGraphToLinalgPipeline);
}

FailureOr<ResolvedTarget> resolveTarget(const CompileOptions &options,
                                        Location loc) {
  auto target = TargetRegistry::get().lookup(options.target);
  if (!target)
    return emitError(loc) << llvm::toString(target.takeError());
  TargetChoices choices = options.targetChoices;
  // Gradients sum many terms of both signs, and Winograd's rounding
  // (about 1e-5 of a convolution's output) grows to 1e-3 of them.
  choices.winograd = choices.winograd && !options.gradient;
  auto description = target->describe(choices);
  if (!description)
    return emitError(loc) << llvm::toString(description.takeError());
  if (options.emit == EmitStage::PTX) {
    if (!description->isGpu())
      return emitError(loc) << (description->gpuLoopsOnHost
                                    ? "--gpu-loops-on-host makes no kernels "
                                      "(no --emit=ptx)"
                                    : "--emit=ptx applies to GPU targets, not " +
                                          description->name);
    // The PTX is read from the lowered module; a cubin would hide it.
    description->gpuBinaryFormat = "isa";
    description->gpuToolkit.clear();
  }
  if (options.emit == EmitStage::Shared && description->bareMetal)
    return emitError(loc) << "--emit=shared needs an operating system; "
                          << description->name << " artifacts link into "
                          << "firmware (use the object)";
  return ResolvedTarget{&*target, std::move(*description)};
}

std::vector<Partition> partitionModel(ImportedModel model,
                                      const ResolvedTarget &target,
                                      llvm::StringRef name) {
  std::vector<Partition> partitions;
  Partition &whole = partitions.emplace_back();
  whole.name = name.str();
  whole.target = target.target;
  whole.description = target.description;
  whole.module = std::move(model.module);
  whole.signature = std::move(model.signature);
  return partitions;
}

FailureOr<MemoryPlan> lowerPartition(Partition &partition,
                                     const CompileOptions &options,
                                     TimingScope &timing) {
  ModuleOp module = *partition.module;
  TimingScope scope =
      enterStage(options, timing, "lowering for " + partition.description.name);
  if (failed(runPipeline(module, options, scope, [&](OpPassManager &pm) {
        return partition.target->buildLowering(pm, partition.description,
                                               options.import.entryName);
      })))
    return failure();
  auto lowered = module.lookupSymbol<LLVM::LLVMFuncOp>(options.import.entryName);
  std::optional<int64_t> arena =
      lowered ? entry::getInt(lowered, entry::kArenaBytes) : std::nullopt;
  if (!arena)
    return module.emitError("internal error: the memory plan is missing");
  MemoryPlan plan;
  plan.arenaBytes = *arena;
  plan.arenaLowerBound =
      entry::getInt(lowered, entry::kArenaLowerBound).value_or(0);
  plan.pooledWeightsBytes = entry::getInt(lowered, entry::kConstantsBytes);
  plan.parallelLoops = entry::getInt(lowered, entry::kParallelLoops);
  plan.kernels = entry::getInt(lowered, entry::kKernels).value_or(0);
  plan.fills = entry::getInt(lowered, entry::kFills).value_or(0);
  plan.copies = entry::getInt(lowered, entry::kCopies).value_or(0);
  if (partition.description.isGpu() && !plan.pooledWeightsBytes)
    return module.emitError("internal error: the weights are missing");
  return plan;
}

LogicalResult emitPartition(Partition &partition, const MemoryPlan &plan,
                            const HalideGroups &halideGroups,
                            const CompileOptions &options, PendingFiles &files,
                            TimingScope &timing) {
  ModuleOp module = *partition.module;
  const TargetDescription &target = partition.description;
  ModelSignature &signature = partition.signature;
  const std::string &name = partition.name;
  Location loc = module.getLoc();

  signature.arenaBytes = plan.arenaBytes;
  signature.arenaLowerBound = plan.arenaLowerBound;
  signature.kernels = plan.kernels;
  signature.fills = plan.fills;
  signature.copies = plan.copies;
  signature.takesExecutor = plan.parallelLoops.has_value();
  signature.parallelLoops = plan.parallelLoops.value_or(0);
  if (plan.pooledWeightsBytes && target.isGpu()) {
    // The device workspace is the weights followed by the arena.
    ModelSignature::Gpu gpu;
    gpu.constantsBytes = *plan.pooledWeightsBytes;
    gpu.smVersion = target.gpuComputeCapability;
    gpu.cubin = target.gpuBinaryFormat == "bin";
    signature.gpu = gpu;
    signature.arenaBytes += gpu.constantsBytes;
    signature.arenaLowerBound += gpu.constantsBytes;
  } else if (plan.pooledWeightsBytes) {
    // A host artifact of pooled weights: its entry passes its own copy.
    signature.hostPooledConstants = true;
  }

  if (options.emit == EmitStage::PTX) {
    FailureOr<std::string> assembly = kernelAssembly(module);
    if (failed(assembly))
      return failure();
    files.add(name + ".ptx", std::move(*assembly));
    return success();
  }
  if (options.emit == EmitStage::LLVMMLIR) {
    files.add(name + ".llvm.mlir", printModule(module));
    return success();
  }

  llvm::LLVMContext llvmContext;
  TimingScope translation = enterStage(options, timing, "translation to LLVM IR");
  auto llvmModule = translateToLLVMIR(module, llvmContext, target, signature,
                                      options.import.entryName);
  translation.stop();
  if (!llvmModule)
    return emitError(loc) << llvm::toString(llvmModule.takeError());
  if (llvm::Error error = linkHalideGroups(module, **llvmModule, target, halideGroups))
    return emitError(loc) << llvm::toString(std::move(error));
  TimingScope optimization = enterStage(options, timing, "LLVM optimization");
  if (llvm::Error error = optimizeLLVMIR(**llvmModule, target))
    return emitError(loc) << llvm::toString(std::move(error));
  optimization.stop();
  if (options.emit == EmitStage::LLVMIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    (*llvmModule)->print(os, nullptr);
    files.add(name + ".ll", text);
    return success();
  }
  auto kind = options.emit == EmitStage::Assembly ? MachineCodeKind::Assembly
                                                  : MachineCodeKind::Object;
  TimingScope machineCode = enterStage(options, timing, "machine code");
  auto code = emitMachineCode(**llvmModule, target, kind);
  machineCode.stop();
  if (!code)
    return emitError(loc) << llvm::toString(code.takeError());
  if (options.emit == EmitStage::Assembly) {
    files.add(name + ".s", *code);
    return success();
  }

  ManifestFacts facts;
  facts.modelFile = llvm::sys::path::filename(options.modelPath).str();
  facts.modelSha256 = sha256Of(options.modelPath);
  if (llvm::Error error = measureObject(*code, facts))
    return emitError(loc) << llvm::toString(std::move(error));
  facts.artifacts = {name + ".o", name + ".h", name + ".json"};
  if (options.emit == EmitStage::Shared) {
    auto library = linkSharedLibrary(*code, name);
    if (!library)
      return emitError(loc) << llvm::toString(library.takeError());
    facts.artifacts.push_back("lib" + name + ".so");
    files.add("lib" + name + ".so", std::move(*library));
  }
  files.add(name + ".o", std::move(*code));
  files.add(name + ".h", writeHeader(signature));
  files.add(name + ".json", writeManifest(signature, target, facts));
  if (options.report) {
    if (options.progress)
      options.progress->stop();
    printReport(partition, facts);
    printPruningReport(partition.signature);
    printQuantizationReport(partition.signature);
    printHalideReport(halideGroups);
  }
  return success();
}

LogicalResult compileModel(MLIRContext &context, const CompileOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, options.modelPath, 0, 0);
  std::string name = options.name.empty()
                         ? sanitizeIdentifier(llvm::sys::path::stem(options.modelPath))
                         : options.name;
  if (name != sanitizeIdentifier(name))
    return emitError(fileLoc) << "--name '" << name
                              << "' is not a C identifier";
  // The target and its choices are checked before the model is read.
  FailureOr<ResolvedTarget> target = resolveTarget(options, fileLoc);
  if (failed(target))
    return failure();

  PendingFiles files;
  std::vector<std::string> dependencies;
  auto finish = [&]() -> LogicalResult {
    if (failed(files.write(fileLoc, options.outputDir)))
      return failure();
    if (options.depfile.empty() || files.empty())
      return success();
    // The target is the object when there is one, else the stage's file.
    std::vector<std::string> names = files.names();
    std::string object = names.front();
    for (const std::string &file : names)
      if (llvm::StringRef(file).ends_with(".o"))
        object = file;
    llvm::SmallString<256> objectPath(options.outputDir);
    llvm::sys::path::append(objectPath, object);
    return writeDepfile(fileLoc, options.depfile, objectPath, dependencies);
  };

  DefaultTimingManager timingManager;
  timingManager.setEnabled(options.timeStages);
  timingManager.setDisplayMode(DefaultTimingManager::DisplayMode::Tree);
  TimingScope timing = timingManager.getRootScope();
  // The progress line goes before anything else reaches the terminal: the
  // report and the timing tree (printed when timingManager goes away).
  llvm::scope_exit stopProgress([&] {
    if (options.progress)
      options.progress->stop();
  });
  TimingScope importTiming = enterStage(options, timing, "import");
  FailureOr<ImportedModel> model = importModel(context, options, name);
  importTiming.stop();
  if (failed(model))
    return failure();
  if (options.gradient && failed(differentiateModel(*model, options, name)))
    return failure();
  if (!options.prune.empty() &&
      failed(pruneModel(*model, options, target->description, timing)))
    return failure();
  if (options.quantizeInt8 && failed(quantizeModel(*model, options, timing)))
    return failure();
  dependencies = model->dependencies;
  if (options.emit == EmitStage::Graph) {
    files.add(name + ".graph.mlir", printModule(*model->module));
    return finish();
  }
  model->signature.graphOps = countGraphOps(*model->module);
  if (failed(runGraphPasses(*model->module, options, timing)))
    return failure();
  if (options.emit == EmitStage::Linalg) {
    files.add(name + ".linalg.mlir", printModule(*model->module));
    return finish();
  }
  std::vector<Partition> partitions =
      partitionModel(std::move(*model), *target, name);
  for (Partition &partition : partitions) {
    FailureOr<HalideGroups> halideGroups =
        chooseHalideGroups(partition, options, timing);
    if (failed(halideGroups))
      return failure();
    FailureOr<MemoryPlan> plan = lowerPartition(partition, options, timing);
    if (failed(plan) || failed(emitPartition(partition, *plan, *halideGroups,
                                             options, files, timing)))
      return failure();
  }
  return finish();
}

} // namespace strata
