//===- Compiler.h - From an ONNX file to artifacts --------------*- C++ -*-===//
//
// The one entry point stratac (and through it the CMake function and CI
// recipes) uses. A straight line of stages with typed results
// (compiler/Stages.h): import, graph passes, partitioning, each partition's
// lowering by its target, emission of one artifact per partition. Nothing is
// written unless every stage succeeded.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_COMPILER_H
#define STRATA_COMPILER_COMPILER_H

#include "compiler/ProgressReporter.h"
#include "compiler/onnx/OnnxImporter.h"
#include "targets/Target.h"

#include "mlir/IR/MLIRContext.h"

#include <string>
#include <vector>

namespace strata {

/// Where compilation stops, and so which files it writes.
enum class EmitStage {
  Graph,
  Linalg,
  LLVMMLIR,
  LLVMIR,
  PTX, // GPU targets: the kernels
  Assembly,
  Object,
  Shared
};

/// Which fused groups the Halide path implements (--halide).
enum class HalideMode {
  None, // all by the MLIR codegen
  Auto, // the cost model chooses (the default)
  All   // every group Halide can express
};

struct CompileOptions {
  std::string modelPath;
  std::string outputDir;
  /// Artifact name; defaults to the model file's stem.
  std::string name;
  /// --target, and the choices (--cpu, --float-abi, --gpu-binary,
  /// --gpu-loops-on-host) the target resolves.
  std::string target = STRATA_HOST_TARGET;
  TargetChoices targetChoices;
  EmitStage emit = EmitStage::Object;
  OnnxImportOptions import;
  /// Print a size and memory summary to stdout.
  bool report = false;
  /// Print each stage's pass pipeline to stderr before running it, as
  /// strata-opt --dump-pass-pipeline prints its own.
  bool dumpPassPipeline = false;
  /// Print to stderr how long each stage, and each pass within the
  /// pipelines, took (a tree, as mlir-opt's -mlir-timing prints it).
  bool timeStages = false;
  /// Told each stage as the compile enters it (stratac's progress line);
  /// null for none.
  ProgressReporter *progress = nullptr;
  /// Write a Makefile dependency file here (target: the object): the files
  /// the compile read, for build systems to re-run it only when they change.
  std::string depfile;
  /// The Halide path (hosted CPU targets): see HalidePath.h.
  HalideMode halide = HalideMode::Auto;
  /// Time each group's MLIR and Halide implementations on this machine and
  /// keep the faster (overrides --halide).
  bool autotune = false;
  /// Where --autotune keeps its timings, by group hash ("" for
  /// $XDG_CACHE_HOME/strata/autotune or ~/.cache/strata/autotune).
  std::string autotuneCache;
  std::string halideAutoscheduler = "Mullapudi2016";
  /// --quantize=int8: post-training int8 quantization (compiler/Calibration.h),
  /// calibrated on the samples in `calibrationDir` by `calibrator`
  /// (compiler/RangeCalibrators.h); ops of the ONNX nodes `quantExclude`'s
  /// globs match stay float.
  bool quantizeInt8 = false;
  std::string calibrationDir;
  std::string calibrator = "mse";
  std::vector<std::string> quantExclude;
  /// --prune=channels:S (compiler/Pruning.h): the spec, and globs of
  /// convolution node names whose channel groups stay whole.
  std::string prune;
  std::vector<std::string> pruneExclude;
  /// How --prune scores channels: "magnitude", "importance" or "taylor"
  /// (the last two measure gradients on the samples in `calibrationDir`).
  std::string pruneCriterion = "magnitude";
  /// --gradient: compile the model's vector-Jacobian product instead
  /// (strata-differentiate), with no Winograd convolutions.
  bool gradient = false;
};

/// Runs the compile. Errors are emitted on `context`'s diagnostic engine.
mlir::LogicalResult compileModel(mlir::MLIRContext &context,
                                 const CompileOptions &options);

/// Registers every dialect and translation the compiler uses.
void registerCompilerDialects(mlir::DialectRegistry &registry);

} // namespace strata

#endif // STRATA_COMPILER_COMPILER_H
