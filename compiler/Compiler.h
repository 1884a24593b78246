//===- Compiler.h - From an ONNX file to artifacts --------------*- C++ -*-===//
//
// The one entry point stratac (and later the CMake function and CI recipes
// through stratac) uses: import, lower, generate code, and write the
// artifacts of the requested stage. Nothing is written unless every stage
// succeeded.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_COMPILER_H
#define STRATA_COMPILER_COMPILER_H

#include "compiler/onnx/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"

#include <string>

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

struct CompileOptions {
  std::string modelPath;
  std::string outputDir;
  /// Artifact name; defaults to the model file's stem.
  std::string name;
  std::string target = "x86_64";
  std::string cpu = "native";
  /// --float-abi for the Cortex-M targets ("" for hard).
  std::string floatABI;
  EmitStage emit = EmitStage::Object;
  OnnxImportOptions import;
  /// Print a size and memory summary to stdout.
  bool report = false;
  /// Write a Makefile dependency file here (target: the object): the files
  /// the compile read, for build systems to re-run it only when they change.
  std::string depfile;
  /// GPU targets: what the object embeds, "cubin" (needs ptxas), "ptx" (the
  /// driver compiles it at load), or "auto" (cubin when ptxas is found).
  std::string gpuBinary = "auto";
  /// GPU targets: compile the distributed loop nests for the host CPU
  /// instead of kernels (a CPU artifact), to check numbers without a GPU.
  bool gpuLoopsOnHost = false;
};

/// Runs the compile. Errors are emitted on `context`'s diagnostic engine.
mlir::LogicalResult compileModel(mlir::MLIRContext &context,
                                 const CompileOptions &options);

/// Registers every dialect and translation the compiler uses.
void registerCompilerDialects(mlir::DialectRegistry &registry);

} // namespace strata

#endif // STRATA_COMPILER_COMPILER_H
