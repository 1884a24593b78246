//===- OnnxImporter.h - ONNX model to graph dialect -------------*- C++ -*-===//
//
// The importer turns an ONNX file into a module holding one function of graph
// ops with static shapes. It is the only code that sees Protobuf or the ONNX
// library; everything downstream works on MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_ONNX_ONNXIMPORTER_H
#define STRATA_COMPILER_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace strata {

struct OnnxImportOptions {
  /// Shapes for inputs with symbolic dimensions, by input name
  /// (--input-shape NAME=1x3x224x224).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Inputs turned into constants, by input name: the value is a TensorProto
  /// (.pb) file (--freeze-input NAME=FILE). For shape-like inputs an
  /// ahead-of-time compile must know.
  std::map<std::string, std::string> frozenInputs;
  /// The name of the function the model becomes.
  std::string entryName = "main";
  /// When set, receives every file the import reads (the model, its external
  /// data, the frozen inputs' files): what a build must watch.
  std::vector<std::string> *dependencies = nullptr;
};

/// Imports `path`. On failure, the errors have been emitted on `context`
/// (located at the file, or at the node with the node's name) and nothing is
/// returned. Input and output names are recorded on the function as
/// `strata.input_names` / `strata.output_names`.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(mlir::MLIRContext &context, llvm::StringRef path,
                const OnnxImportOptions &options);

/// The ONNX operator types (default domain) the importer converts, sorted.
std::vector<std::string> supportedOnnxOperators();

/// The name of the ONNX node an op was imported from (graph::nodeName).
std::string onnxNodeName(mlir::Location loc);

} // namespace strata

#endif // STRATA_COMPILER_ONNX_ONNXIMPORTER_H
