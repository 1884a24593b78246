//===- Quantize.h - What int8 quantization rewrites and observes -*- C++ -*-===//
//
// strata-quantize (Quantize.cpp) and the compiler's calibration
// (compiler/Calibration.cpp) must agree on which ops become integer kernels
// and which float tensors' ranges those kernels need: this header is that
// agreement. Calibration observes the values named here and records their
// ranges as attributes on the op; the pass reads them back.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES_QUANTIZE_H
#define STRATA_PASSES_QUANTIZE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"

#include <cstdint>

#include <vector>

namespace strata::quant {

/// The calibrated range [low, high] of an op's float data input.
constexpr llvm::StringLiteral kInputRange = "strata.quant.input_range";
/// The calibrated range of the value the quantized op produces: its result,
/// or the result of the ReLU or Clip folded into it.
constexpr llvm::StringLiteral kOutputRange = "strata.quant.output_range";

/// On each graph.requantize strata-quantize makes: the index, among the
/// ops it quantized in program order, of the op it finishes (for the
/// compiler to find each op's int8 output).
constexpr llvm::StringLiteral kCandidateIndex = "strata.quant.index";
/// Also on it: [scale, zero point] of the int8 input the op read, its
/// producer's when an int8 tensor reached it, else the calibrated ones.
constexpr llvm::StringLiteral kInputParameters = "strata.quant.input";

/// An op strata-quantize can turn into an integer kernel.
struct Candidate {
  mlir::Operation *op;
  /// Its float data input (a Conv's input, a MatMul's or Gemm's lhs).
  mlir::Value input;
  /// The float value the integer kernel replaces: the op's result or, when
  /// its only user is a ReLU or a Clip with a lower bound of 0, that
  /// activation's result (folded into the kernel's clamp).
  mlir::Value output;
  /// The folded activation, or null.
  mlir::Operation *activation;
};

/// A tensor's int8 parameters: real = scale * (q - zeroPoint).
struct TensorParameters {
  double scale;
  int32_t zeroPoint;
};

/// The asymmetric int8 parameters of a calibrated range: [low, high]
/// widened to hold 0, scale (high - low) / 255, zero point
/// round(-128 - low / scale).
TensorParameters activationParameters(double low, double high);

/// The ops of `function` that can be quantized, in program order: float32
/// Conv, MatMul and Gemm (alpha and beta 1, A not transposed) whose weights
/// (and bias) are constants, and Adds of two tensors of the same shape (a
/// residual connection) that both come from earlier candidates (maybe
/// through ops that only move elements, or a MaxPool). `excluded` ops are
/// not candidates, nor then an Add that would read one of them.
std::vector<Candidate>
findCandidates(mlir::func::FuncOp function,
               llvm::function_ref<bool(mlir::Operation *)> excluded = nullptr);

} // namespace strata::quant

#endif // STRATA_PASSES_QUANTIZE_H
