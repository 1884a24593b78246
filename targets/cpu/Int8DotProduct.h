//===- Int8DotProduct.h - int8 convolutions on dot-product units -*- C++ -*-===//
//
// strata-tile-and-vectorize's int8 convolution kernels on CPUs with a byte
// dot product: x86 VNNI's vpdpbusd adds four byte products into every
// 32-bit lane, 4x the multiply-adds of widening to int32 first, which is what
// vectorizing the int8 convolution as it stands gives (vpmovsxbd and
// vpmulld), and so does AArch64's sdot, signed by signed; Cortex-M's smlad adds two halfword products into a register,
// with the accumulators kept there (scalar loops reload them from memory
// for every product).
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CPU_INT8DOTPRODUCT_H
#define STRATA_TARGETS_CPU_INT8DOTPRODUCT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace strata::cpu {

/// The dot-product instruction a target has.
enum class DotProduct {
  /// x86 AVX-512 VNNI (or AVX-VNNI at 256 bits): vpdpbusd multiplies
  /// unsigned bytes by signed ones.
  Vpdpbusd,
  /// Arm's DSP extension (Cortex-M4, M7): smlad adds the products of two
  /// pairs of signed halfwords, which sxtb16 makes of bytes 0 and 2 (or 1
  /// and 3) of a word; scalar, one output channel per accumulator.
  Smlad,
  /// AArch64's dot product extension (+dotprod: Cortex-A55/A76, Neoverse):
  /// sdot adds four signed byte products into every 32-bit lane.
  Sdot,
};

/// Parses strata-tile-and-vectorize's `dot-product` option ("" is none).
std::optional<std::optional<DotProduct>> parseDotProduct(llvm::StringRef name);

/// Rewrites every int8 linalg.matmul of `function` whose right-hand side is
/// a constant ([M, K] x [K, N] to int32) as the 1x1 convolution it is: an
/// input of [1, 1, M, K] (M output columns of K channels), a filter of
/// [1, 1, K, N] and a result of [1, 1, M, N], collapsed back. It then takes
/// the convolutions' dot-product kernels (a classifier's Gemm, 6% of
/// MobileNetV2 int8's time widened to int32).
void convertInt8MatmulsToConvolutions(mlir::RewriterBase &rewriter,
                                      mlir::func::FuncOp function);

/// Prepares every int8 NHWC convolution of `function` with a constant
/// filter for emitInt8DotTile (input channels that are not a multiple of
/// 4, a first layer's 3, are padded with zero weights for vpdpbusd, and
/// left to scalar loops for smlad): its
/// filter becomes a constant packed as [F/B][KH][KW*C/4][B * 4], blocks of
/// `outputBlock(conv)` output channels, the tiles' (four bytes of a filter
/// row, taps x input channels, of one output channel are the four bytes of
/// a 32-bit lane),
/// read through a generic that unpacks it (what the tiles that do not
/// become dot-product kernels compute from). For vpdpbusd, whose first
/// operand is unsigned, the kernels add 128 to every activation and take
/// 128 times each output channel's filter sum from their accumulators to
/// make up for it (the unpacking generic carries those sums): only the
/// tiles that become kernels change their arithmetic.
void packInt8ConvolutionFilters(
    mlir::RewriterBase &rewriter, mlir::func::FuncOp function, DotProduct kind,
    llvm::function_ref<int64_t(mlir::linalg::Conv2DNhwcHwcfOp)> outputBlock);

/// Whether packInt8ConvolutionFilters prepared `conv`.
bool isPackedForDotProduct(mlir::linalg::Conv2DNhwcHwcfOp conv);

/// Whether `op` is the generic packInt8ConvolutionFilters reads a packed
/// filter through (not an elementwise op to spread over threads).
bool isPackedFilterUnpack(mlir::Operation *op);

/// Whether `op` is the generic packInt8DepthwiseFilters reads a widened
/// depthwise filter through.
bool isDepthwiseFilterUnpack(mlir::Operation *op);

/// Replaces `tile`, a static tile of a convolution that
/// packInt8ConvolutionFilters prepared (whose output channels are a
/// multiple of `lanes`, or of half as many), by a dot-product kernel: the accumulators stay in
/// vector registers while each group of 4 input channels of each filter tap
/// adds, per output column, its 4 activation bytes broadcast to every lane
/// times one packed vector of filter bytes. Fails, changing nothing, on any
/// other op.
mlir::LogicalResult emitInt8DotTile(mlir::RewriterBase &rewriter,
                                    mlir::linalg::Conv2DNhwcHwcfOp tile,
                                    DotProduct kind, int64_t lanes);

/// Prepares every int8 NHWC depthwise convolution of `function` with a
/// constant filter for emitInt8DepthwiseTile: its filter [KH][KW][C]
/// becomes a constant of int32 lanes, each weight in the low halfword and
/// zero in the high one, read through a generic that truncates it back
/// (what tiles that do not become kernels compute from).
void packInt8DepthwiseFilters(mlir::RewriterBase &rewriter, mlir::func::FuncOp function);

/// Whether packInt8DepthwiseFilters prepared `conv`.
bool isPackedForDepthwiseKernel(mlir::linalg::DepthwiseConv2DNhwcHwcOp conv);

/// Replaces `tile`, a static tile of one output row of at most 24 columns
/// by `lanes` (8 or 16) channels of a depthwise convolution that
/// packInt8DepthwiseFilters prepared, by a VNNI kernel over the whole
/// filter: the accumulators stay in registers, each input column is loaded
/// and sign-extended to int32 once per filter row, and one vpdpwssd per
/// (column, tap) adds its product with the widened weight (the
/// activation's sign bits in the high halfword meet the weight's zero).
/// Fails, changing nothing, on any other op.
mlir::LogicalResult emitInt8DepthwiseTile(mlir::RewriterBase &rewriter,
                                          mlir::linalg::DepthwiseConv2DNhwcHwcOp tile,
                                          int64_t lanes);

} // namespace strata::cpu

#endif // STRATA_TARGETS_CPU_INT8DOTPRODUCT_H
