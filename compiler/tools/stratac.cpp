//===- stratac.cpp - The Strata compiler driver -----------------*- C++ -*-===//
//
// A thin command line over compileModel: it parses flags, prints errors as
// one line each naming the file and the ONNX node, and exits non-zero on any
// failure (2 for bad input, as the rest of the toolchain does).
//
//===----------------------------------------------------------------------===//
#include "compiler/Compiler.h"
#include "compiler/onnx/OnnxImporter.h"
#include "compiler/Pipeline.h"
#include "compiler/Pruning.h"
#include "compiler/RangeCalibrators.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {

cl::OptionCategory category("stratac options");

cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::cat(category));
cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                               cl::value_desc("dir"), cl::cat(category));
cl::opt<std::string> depfile(
    "depfile",
    cl::desc("Write a Makefile dependency file for the object (the model, its "
             "external data and the frozen inputs' files)"),
    cl::value_desc("file"), cl::cat(category));
cl::opt<bool> listOps("list-ops",
                      cl::desc("Print the supported ONNX operators and exit"),
                      cl::cat(category));
cl::opt<std::string> floatABI(
    "float-abi", cl::desc("Cortex-M float ABI: hard (default) or soft (no FPU)"),
    cl::init(""), cl::cat(category));
cl::opt<std::string> target(
    "target",
    cl::desc("Target (default: this machine's); `stratac --list-targets` "
             "describes each"),
    cl::init(STRATA_HOST_TARGET), cl::cat(category));
cl::opt<bool> listTargets("list-targets",
                          cl::desc("Print the supported targets and exit"),
                          cl::cat(category));
cl::opt<std::string> cpu("cpu",
                         cl::desc("CPU or ISA level (default: native); each "
                                  "target's error lists what it accepts"),
                         cl::init("native"), cl::cat(category));
cl::opt<std::string> gpuBinary(
    "gpu-binary",
    cl::desc("GPU targets: embed a cubin (needs ptxas), PTX (compiled by the "
             "driver at load), or auto (default): a cubin when ptxas is found"),
    cl::init(""), cl::value_desc("auto|cubin|ptx"), cl::cat(category));
cl::opt<bool> gpuLoopsOnHost(
    "gpu-loops-on-host",
    cl::desc("GPU targets: compile the loop nests as distributed onto blocks "
             "and threads for this CPU instead of kernels, to check the GPU "
             "lowering's numbers without a GPU (a host artifact)"),
    cl::init(false), cl::cat(category));
cl::opt<bool> winograd(
    "winograd",
    cl::desc("Hosted CPU targets: compute 3x3 stride-1 convolutions with "
             "constant weights by Winograd's transforms (default; "
             "--winograd=false keeps them direct, with smaller weights)"),
    cl::init(true), cl::cat(category));
cl::opt<bool> quiet("quiet",
                    cl::desc("Print no progress line (shown on a terminal "
                             "for compiles longer than a second)"),
                    cl::cat(category));
cl::opt<unsigned> progressAfterMs(
    "progress-after-ms", cl::Hidden, cl::init(1000),
    cl::desc("Show the progress line once the compile has taken this long"));
cl::opt<bool> timeStages(
    "time-stages",
    cl::desc("Print to stderr how long each stage and pass took"),
    cl::cat(category));
cl::opt<bool> dumpPassPipeline(
    "dump-pass-pipeline",
    cl::desc("Print each stage's pass pipeline to stderr before running it "
             "(as strata-opt --dump-pass-pipeline does)"),
    cl::cat(category));
cl::opt<std::string> name("name",
                          cl::desc("Artifact name (default: the model file's "
                                   "stem); symbols are NAME_model, NAME_entry"),
                          cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Bind an input's shape, e.g. --input-shape input=1x3x224x224 "
             "(a symbolic leading dimension defaults to 1)"),
    cl::value_desc("NAME=DxDx..."), cl::cat(category));
cl::list<std::string> frozenInputs(
    "freeze-input",
    cl::desc("Make an input a constant with the value in a TensorProto .pb "
             "file, e.g. --freeze-input shape=shape.pb (for shape-like inputs)"),
    cl::value_desc("NAME=FILE"), cl::cat(category));
cl::opt<strata::EmitStage> emit(
    "emit", cl::desc("Stop after a stage and write its output"),
    cl::init(strata::EmitStage::Object),
    cl::values(
        clEnumValN(strata::EmitStage::Graph, "graph", "NAME.graph.mlir: imported graph dialect"),
        clEnumValN(strata::EmitStage::Linalg, "linalg", "NAME.linalg.mlir: linalg on tensors"),
        clEnumValN(strata::EmitStage::LLVMMLIR, "llvm-mlir", "NAME.llvm.mlir: the LLVM dialect"),
        clEnumValN(strata::EmitStage::LLVMIR, "llvm-ir", "NAME.ll: optimized LLVM IR"),
        clEnumValN(strata::EmitStage::PTX, "ptx", "NAME.ptx: the kernels (GPU targets)"),
        clEnumValN(strata::EmitStage::Assembly, "asm", "NAME.s: assembly"),
        clEnumValN(strata::EmitStage::Object, "obj", "NAME.o, NAME.h, NAME.json (default)"),
        clEnumValN(strata::EmitStage::Shared, "shared", "obj plus libNAME.so for strata-run")),
    cl::cat(category));
cl::opt<strata::HalideMode> halide(
    "halide",
    cl::desc("Fused groups (elementwise chains, reductions, pools) given to "
             "Halide pipelines on hosted CPU targets"),
    cl::init(strata::HalideMode::Auto),
    cl::values(clEnumValN(strata::HalideMode::None, "none", "none: all MLIR"),
               clEnumValN(strata::HalideMode::Auto, "auto",
                          "those the cost model prefers (default)"),
               clEnumValN(strata::HalideMode::All, "all",
                          "every group Halide can express")),
    cl::cat(category));
cl::opt<bool> autotune(
    "autotune",
    cl::desc("Time each group's MLIR and Halide implementations on this "
             "machine and keep the faster (cached by the group's hash)"),
    cl::cat(category));
cl::opt<std::string> autotuneCache(
    "autotune-cache",
    cl::desc("Directory of --autotune's timings (default: "
             "$XDG_CACHE_HOME/strata/autotune or ~/.cache/strata/autotune)"),
    cl::value_desc("DIR"), cl::cat(category));
cl::opt<std::string> halideAutoscheduler(
    "halide-autoscheduler",
    cl::desc("Halide's autoscheduler for the groups: Mullapudi2016 "
             "(default), Adams2019 or Li2018"),
    cl::init("Mullapudi2016"), cl::cat(category));
cl::opt<bool> report("report", cl::desc("Print code, weight and arena sizes"),
                     cl::cat(category));
cl::opt<std::string> quantize(
    "quantize",
    cl::desc("Quantize Conv, MatMul and Gemm after calibrating on "
             "--calibration's samples: int8"),
    cl::cat(category));
cl::opt<std::string> calibration(
    "calibration",
    cl::desc("Folder of calibration samples for --quantize and --prune: a .npy "
             "or .pb file each, or a folder each of input_K.npy|.pb (and "
             "output_K.npy|.pb, reference outputs for --prune-criterion)"),
    cl::value_desc("DIR"), cl::cat(category));
cl::opt<std::string> calibrator(
    "calibrator",
    cl::desc("How --quantize turns samples into ranges: mse[:LAMBDA] (the "
             "default; LAMBDA 0), percentile[:P] (P 99.99) or minmax"),
    cl::init("mse"), cl::cat(category));
cl::list<std::string> quantExclude(
    "quant-exclude",
    cl::desc("ONNX node names (globs) whose ops --quantize leaves float"),
    cl::value_desc("GLOB,..."), cl::CommaSeparated, cl::cat(category));
cl::opt<std::string> prune(
    "prune",
    cl::desc("Remove a fraction S of the convolutions' output channels, the "
             "lowest-scoring (--prune-criterion), with every op reading them: "
             "channels:S"),
    cl::value_desc("channels:S"), cl::cat(category));
cl::opt<std::string> pruneCriterion(
    "prune-criterion",
    cl::desc("How --prune scores channels: magnitude (the filters' L2 norm, "
             "the default), importance (1/2 |w|^2 + the mean squared gradient "
             "of a loss on --calibration) or taylor ((sum w dL/dw)^2, "
             "Molchanov et al.)"),
    cl::value_desc("magnitude|importance|taylor"), cl::init("magnitude"),
    cl::cat(category));
cl::opt<bool> gradient(
    "gradient",
    cl::desc("Compile the model's gradient instead: inputs, then a seed "
             "d_OUTPUT per output; outputs grad_WEIGHT, dL/dW for every "
             "Conv, Gemm and MatMul weight"),
    cl::cat(category));
cl::list<std::string> pruneExclude(
    "prune-exclude",
    cl::desc("ONNX node names (globs) of convolutions whose channels --prune "
             "keeps, with those coupled to them"),
    cl::value_desc("GLOB,..."), cl::CommaSeparated, cl::cat(category));

/// "model.onnx: node 'conv1'" for a node, "model.onnx" for the file.
std::string describeLocation(mlir::Location loc) {
  if (auto named = dyn_cast<mlir::NameLoc>(loc))
    return describeLocation(named.getChildLoc()) + ": node '" +
           named.getName().str() + "'";
  if (auto file = dyn_cast<mlir::FileLineColLoc>(loc))
    return file.getLine() ? (file.getFilename().str() + ":" +
                             std::to_string(file.getLine()))
                          : file.getFilename().str();
  if (auto fused = dyn_cast<mlir::FusedLoc>(loc))
    for (mlir::Location inner : fused.getLocations())
      if (isa<mlir::NameLoc>(inner))
        return describeLocation(inner);
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

bool parseShape(StringRef text, std::vector<int64_t> &shape) {
  SmallVector<StringRef> parts;
  text.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t extent;
    if (part.getAsInteger(10, extent) || extent <= 0)
      return false;
    shape.push_back(extent);
  }
  return !shape.empty();
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "stratac: compile an ONNX model to a native "
                              "object, C header and manifest\n");

  if (listTargets) {
    for (const strata::TargetTableEntry &entry : strata::targetTable())
      outs() << left_justify(entry.name, 12) << entry.summary << "\n";
    return 0;
  }
  if (listOps) {
    for (const std::string &op : strata::supportedOnnxOperators())
      outs() << op << "\n";
    return 0;
  }
  if (modelPath.empty() || outputDir.empty()) {
    errs() << "stratac: error: a model and -o DIR are required (see --help)\n";
    return 2;
  }

  strata::CompileOptions options;
  options.modelPath = modelPath;
  options.outputDir = outputDir;
  options.target = target;
  options.targetChoices.cpu = cpu;
  options.targetChoices.floatABI = floatABI;
  options.targetChoices.gpuBinary = gpuBinary;
  options.targetChoices.gpuLoopsOnHost = gpuLoopsOnHost;
  options.targetChoices.winograd = winograd;
  options.dumpPassPipeline = dumpPassPipeline;
  options.timeStages = timeStages;
  options.name = name;
  options.emit = emit;
  options.report = report;
  options.halide = halide;
  options.autotune = autotune;
  options.autotuneCache = autotuneCache;
  options.halideAutoscheduler = halideAutoscheduler;
  if (halideAutoscheduler != "Mullapudi2016" && halideAutoscheduler != "Adams2019" &&
      halideAutoscheduler != "Li2018") {
    errs() << "stratac: error: unknown --halide-autoscheduler '"
           << halideAutoscheduler << "' (Mullapudi2016, Adams2019 or Li2018)\n";
    return 2;
  }
  options.depfile = depfile;
  if (!quantize.empty() && quantize != "int8") {
    errs() << "stratac: error: unknown --quantize '" << quantize << "' (int8)\n";
    return 2;
  }
  if (!quantize.empty() && calibration.empty()) {
    errs() << "stratac: error: --quantize=int8 needs --calibration DIR, a folder "
              "of samples to measure the activations' ranges on\n";
    return 2;
  }
  if (!quantExclude.empty() && quantize.empty()) {
    errs() << "stratac: error: --quant-exclude applies to --quantize=int8\n";
    return 2;
  }
  if (!calibration.empty() && quantize.empty() && prune.empty()) {
    errs() << "stratac: error: --calibration applies to --quantize=int8 and "
              "--prune\n";
    return 2;
  }
  if (!strata::isPruneCriterion(pruneCriterion)) {
    errs() << "stratac: error: unknown --prune-criterion '" << pruneCriterion
           << "' (magnitude, importance or taylor)\n";
    return 2;
  }
  if (pruneCriterion.getNumOccurrences() && prune.empty()) {
    errs() << "stratac: error: --prune-criterion applies to --prune\n";
    return 2;
  }
  if (pruneCriterion != "magnitude" && calibration.empty() && !prune.empty()) {
    errs() << "stratac: error: --prune-criterion=" << pruneCriterion
           << " needs --calibration DIR: the gradients are measured on its samples\n";
    return 2;
  }
  if (gradient && (!prune.empty() || !quantize.empty())) {
    errs() << "stratac: error: --gradient compiles the float model's gradient; "
              "it does not combine with --prune or --quantize\n";
    return 2;
  }
  if (!strata::parseCalibrator(calibrator)) {
    errs() << "stratac: error: unknown --calibrator '" << calibrator
           << "' (minmax, percentile[:P] with P in (50, 100], or mse[:LAMBDA] with "
              "LAMBDA >= 0)\n";
    return 2;
  }
  if (!prune.empty()) {
    std::string error;
    if (!strata::parsePruneSpec(prune, error)) {
      errs() << "stratac: error: " << error << "\n";
      return 2;
    }
  } else if (!pruneExclude.empty()) {
    errs() << "stratac: error: --prune-exclude applies to --prune\n";
    return 2;
  }
  options.prune = prune;
  options.pruneExclude.assign(pruneExclude.begin(), pruneExclude.end());
  options.pruneCriterion = pruneCriterion;
  options.gradient = gradient;
  options.quantizeInt8 = quantize == "int8";
  options.calibrationDir = calibration;
  options.calibrator = calibrator;
  options.quantExclude.assign(quantExclude.begin(), quantExclude.end());
  for (const std::string &binding : inputShapes) {
    auto [input, shapeText] = StringRef(binding).rsplit('=');
    std::vector<int64_t> shape;
    if (input.empty() || !parseShape(shapeText, shape)) {
      errs() << "stratac: error: --input-shape '" << binding
             << "' is not NAME=DxDx... with positive extents\n";
      return 2;
    }
    options.import.inputShapes[input.str()] = shape;
  }

  for (const std::string &binding : frozenInputs) {
    auto [input, file] = StringRef(binding).split('=');
    if (input.empty() || file.empty()) {
      errs() << "stratac: error: --freeze-input '" << binding
             << "' is not NAME=FILE\n";
      return 2;
    }
    options.import.frozenInputs[input.str()] = file.str();
  }

  mlir::DialectRegistry registry;
  strata::registerCompilerDialects(registry);
  mlir::registerAllPasses();
  strata::registerStrataPipelines();
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  unsigned errors = 0;
  strata::ProgressReporter progress(
      !quiet && llvm::sys::Process::StandardErrIsDisplayed(),
      llvm::sys::path::filename(modelPath),
      std::chrono::milliseconds(progressAfterMs));
  options.progress = &progress;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Warning) {
      progress.stop();
      errs() << "stratac: warning: " << describeLocation(diag.getLocation())
             << ": " << diag.str() << "\n";
      return mlir::success();
    }
    if (diag.getSeverity() != mlir::DiagnosticSeverity::Error)
      return mlir::success();
    // Only the first error is the cause; later ones are consequences. It
    // goes on a line of its own, not after the progress line.
    progress.stop();
    if (errors++ == 0)
      errs() << "stratac: error: " << describeLocation(diag.getLocation())
             << ": " << diag.str() << "\n";
    return mlir::success();
  });
  if (mlir::failed(strata::compileModel(context, options))) {
    if (errors == 0)
      errs() << "stratac: error: " << modelPath << ": compilation failed\n";
    return 2;
  }
  return 0;
}
