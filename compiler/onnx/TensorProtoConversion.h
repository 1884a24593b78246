//===- TensorProtoConversion.h - ONNX tensors to MLIR constants -*- C++ -*-===//
//
// One decoder for the tensors an ONNX file holds, wherever they appear:
// initializers, Constant nodes and ConstantOfShape values. It reads raw_data,
// every typed field (with ONNX's widening rules) and external data files.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_ONNX_TENSORPROTOCONVERSION_H
#define STRATA_COMPILER_ONNX_TENSORPROTOCONVERSION_H

#include "mlir/IR/BuiltinAttributes.h"

#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace strata::onnx_import {

/// The MLIR element type of an ONNX TensorProto data type, or null when
/// Strata has none (strings, complex numbers).
mlir::Type elementTypeFor(mlir::MLIRContext &context, int32_t dataType);

/// The constant `tensor` holds. External data is read relative to
/// `modelDirectory`. On failure `error` says what is wrong, naming the tensor.
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensorProto(mlir::MLIRContext &context, const onnx::TensorProto &tensor,
                   llvm::StringRef modelDirectory, std::string &error);

/// For a tensor stored as external data: the file its `location` names,
/// which must be relative and, with symbolic links and `..` resolved, lie
/// inside `modelDirectory`. On failure `error` says why, naming the tensor.
mlir::FailureOr<std::string>
resolveExternalDataFile(const onnx::TensorProto &tensor,
                        llvm::StringRef modelDirectory, std::string &error);

} // namespace strata::onnx_import

#endif // STRATA_COMPILER_ONNX_TENSORPROTOCONVERSION_H
