//===- ConverterSupport.h - Helpers shared by the node converters -*- C++ -*-===//
//
// The converters are spread over files by family (one-to-one ops in
// NodeConverters.cpp, ops composed from graph ops in ComposedConverters.cpp,
// resampling in ResizeConverter.cpp, recurrent layers in
// RecurrentConverters.cpp, quantization in QuantizationConverters.cpp,
// Einsum in EinsumConverter.cpp); the checks and constant builders they
// share live here, and every converter outside NodeConverters.cpp is
// declared here for its table.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_ONNX_CONVERTERSUPPORT_H
#define STRATA_COMPILER_ONNX_CONVERTERSUPPORT_H

#include "compiler/onnx/NodeConverters.h"

namespace strata::onnx_import {

/// Input `i` as integers, which must have folded to a constant; otherwise an
/// error naming the input as `what` and the --freeze-input remedy.
mlir::FailureOr<llvm::SmallVector<int64_t>>
requireConstantInts(NodeContext &ctx, size_t i, llvm::StringRef what);

/// Input `i` as doubles (any element type), when it folded to a constant.
std::optional<llvm::SmallVector<double>> constantDoubles(NodeContext &ctx,
                                                         size_t i);

/// Input `i` as doubles, which must have folded to a constant (same error
/// as requireConstantInts); an omitted optional input gives no values.
mlir::FailureOr<llvm::SmallVector<double>>
requireConstantDoubles(NodeContext &ctx, size_t i, llvm::StringRef what);

/// Reports (and fails) unless `a` and `b` broadcast: guards the builders
/// that infer their result type.
mlir::LogicalResult expectBroadcast(NodeContext &ctx, mlir::Value a,
                                    mlir::Value b, llvm::StringRef what);

/// A graph.constant of `shape` and `element` type holding `values` (one per
/// element, row-major), converted to the element type.
mlir::Value constantTensor(NodeContext &ctx, llvm::ArrayRef<int64_t> shape,
                           mlir::Type element, llvm::ArrayRef<double> values);

/// `x` padded by `pads` (every leading count, then every trailing count);
/// negative counts crop (a Slice before the graph.pad). `value` is the
/// rank-0 fill for constant mode.
mlir::Value padOrCrop(NodeContext &ctx, mlir::Value x,
                      llvm::ArrayRef<int64_t> pads, llvm::StringRef mode,
                      mlir::Value value);

/// A rank-0 graph.constant of `element` type.
mlir::Value scalarTensor(NodeContext &ctx, mlir::Type element, double value);

// Converters defined outside NodeConverters.cpp.
using ConverterFn = mlir::LogicalResult(NodeContext &,
                                        llvm::SmallVectorImpl<mlir::Value> &);
ConverterFn convertQuantizeLinear;
ConverterFn convertDequantizeLinear;
ConverterFn convertDynamicQuantizeLinear;
ConverterFn convertMatMulInteger;
ConverterFn convertConvInteger;
ConverterFn convertQLinearMatMul;
ConverterFn convertQLinearConv;
ConverterFn convertLSTM;
ConverterFn convertGRU;
ConverterFn convertRNN;
ConverterFn convertPad;
ConverterFn convertEinsum;
ConverterFn convertConvTranspose;
ConverterFn convertResize;
ConverterFn convertUpsample;
ConverterFn convertCumSum;
ConverterFn convertDFT;
ConverterFn convertSTFT;
ConverterFn convertMaxUnpool;
ConverterFn convertTopK;
ConverterFn convertHardmax;
ConverterFn convertOneHot;
ConverterFn convertEyeLike;
ConverterFn convertInstanceNormalization;
ConverterFn convertLRN;
ConverterFn convertMeanVarianceNormalization;
ConverterFn convertGlobalMaxPool;
ConverterFn convertBlackmanWindow;
ConverterFn convertHammingWindow;
ConverterFn convertHannWindow;

} // namespace strata::onnx_import

#endif // STRATA_COMPILER_ONNX_CONVERTERSUPPORT_H
