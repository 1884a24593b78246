//===- ContractionToLinalg.cpp - MatMul, Gemm and Conv to linalg -*- C++ -*-===//
//
// Contractions become named linalg ops wherever one fits (matmul, batch
// matmul, the NCHW convolutions), because target strategies tile and
// vectorize those best; the remaining forms (transposed Gemm operands,
// broadcast batch matmul) are contraction generics. Convolutions compute in
// NHWC (see ConvOpLowering). Biases and Gemm's C seed
// the accumulator, so no separate add pass over the output is needed.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/ConstantFolding.h"
#include "dialects/Graph/GraphOps.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "passes/GraphToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace strata;
using namespace strata::lowering;

namespace {

RankedTensorType tensorType(ArrayRef<int64_t> shape, Type element) {
  return RankedTensorType::get(shape, element);
}

/// A contraction generic: out[outMap] += lhs[lhsMap] * rhs[rhsMap] with the
/// loop dimensions listed in `iterators`.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       Value init, ArrayRef<AffineMap> maps,
                       ArrayRef<utils::IteratorType> iterators) {
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{lhs, rhs}, init, maps, iterators,
      [](OpBuilder &nested, Location l, ValueRange args) {
        Value product = mul(nested, l, args[0], args[1]);
        linalg::YieldOp::create(nested, l, add(nested, l, args[2], product));
      });
  return generic.getResult(0);
}

/// numpy matmul. 1-D operands become matrices; an N-D lhs times a matrix is
/// one linalg.matmul over the flattened rows; equal 3-D batches use
/// linalg.batch_matmul; anything else is a broadcasting contraction generic.
struct MatMulOpLowering : GraphLoweringPattern<graph::MatMulOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = this->convertedType(op.getResult());
    Type element = resultType.getElementType();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    // int8 operands of an int32 product (strata-quantize): the named ops
    // sign-extend them; the broadcasting generic below does not.
    Type operandElement = cast<RankedTensorType>(lhs.getType()).getElementType();
    SmallVector<int64_t> lhsShape(op.getLhs().getType().getShape());
    SmallVector<int64_t> rhsShape(op.getRhs().getType().getShape());
    if (lhsShape.size() == 1) {
      lhsShape.insert(lhsShape.begin(), 1);
      lhs = reshapeTo(rewriter, loc, lhs, tensorType(lhsShape, operandElement));
    }
    if (rhsShape.size() == 1) {
      rhsShape.push_back(1);
      rhs = reshapeTo(rewriter, loc, rhs, tensorType(rhsShape, operandElement));
    }
    int64_t m = lhsShape[lhsShape.size() - 2], k = lhsShape.back();
    int64_t n = rhsShape.back();
    Value result;
    if (rhsShape.size() == 2) {
      int64_t rows = 1;
      for (int64_t extent : ArrayRef(lhsShape).drop_back())
        rows *= extent;
      Value flatLhs =
          reshapeTo(rewriter, loc, lhs, tensorType({rows, k}, operandElement));
      auto outType = tensorType({rows, n}, element);
      Value init = filledTensor(rewriter, loc, outType, scalarAttr(element, 0));
      result = linalg::MatmulOp::create(rewriter, loc, TypeRange{outType},
                                        ValueRange{flatLhs, rhs}, init)
                   .getResult(0);
    } else if (lhsShape.size() == 3 && rhsShape.size() == 3 &&
               lhsShape[0] == rhsShape[0]) {
      auto outType = tensorType({lhsShape[0], m, n}, element);
      Value init = filledTensor(rewriter, loc, outType, scalarAttr(element, 0));
      result = linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{outType},
                                             ValueRange{lhs, rhs}, init)
                   .getResult(0);
    } else {
      if (operandElement != element)
        return rewriter.notifyMatchFailure(op, "widening batched products need "
                                               "a 2-D or 3-D batch matmul");
      result = lowerBroadcastMatMul(rewriter, loc, lhs, rhs, lhsShape, rhsShape,
                                    element);
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, result, resultType));
    return success();
  }

  /// Loops: batch axes of the broadcast result, then m, n, k.
  static Value lowerBroadcastMatMul(OpBuilder &b, Location loc, Value lhs,
                                    Value rhs, ArrayRef<int64_t> lhsShape,
                                    ArrayRef<int64_t> rhsShape, Type element) {
    int64_t batchRank = std::max(lhsShape.size(), rhsShape.size()) - 2;
    SmallVector<int64_t> outShape(batchRank, 1);
    auto batchOf = [&](ArrayRef<int64_t> shape) {
      return shape.drop_back(2);
    };
    for (ArrayRef<int64_t> shape : {lhsShape, rhsShape}) {
      ArrayRef<int64_t> batch = batchOf(shape);
      for (size_t i = 0; i < batch.size(); ++i) {
        int64_t &slot = outShape[batchRank - batch.size() + i];
        slot = std::max(slot, batch[i]);
      }
    }
    int64_t dims = batchRank + 3;
    MLIRContext *context = b.getContext();
    auto operandMap = [&](ArrayRef<int64_t> shape, int64_t row, int64_t col) {
      SmallVector<AffineExpr> exprs;
      ArrayRef<int64_t> batch = batchOf(shape);
      int64_t offset = batchRank - batch.size();
      for (size_t i = 0; i < batch.size(); ++i)
        exprs.push_back(batch[i] == 1 && outShape[offset + i] != 1
                            ? getAffineConstantExpr(0, context)
                            : getAffineDimExpr(offset + i, context));
      exprs.push_back(getAffineDimExpr(row, context));
      exprs.push_back(getAffineDimExpr(col, context));
      return AffineMap::get(dims, 0, exprs, context);
    };
    int64_t mDim = batchRank, nDim = batchRank + 1, kDim = batchRank + 2;
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < batchRank + 2; ++d)
      outExprs.push_back(getAffineDimExpr(d, context));
    outShape.push_back(lhsShape[lhsShape.size() - 2]);
    outShape.push_back(rhsShape.back());
    Value init = filledTensor(b, loc, tensorType(outShape, element),
                              scalarAttr(element, 0));
    SmallVector<utils::IteratorType> iterators(dims,
                                               utils::IteratorType::parallel);
    iterators[kDim] = utils::IteratorType::reduction;
    return buildContraction(b, loc, lhs, rhs, init,
                            {operandMap(lhsShape, mDim, kDim),
                             operandMap(rhsShape, kDim, nDim),
                             AffineMap::get(dims, 0, outExprs, context)},
                            iterators);
  }
};

/// Y = alpha * op(A) op(B) + beta * C: the accumulator starts as beta * C
/// (or zero) and alpha scales A's elements when it is not 1.
struct GemmOpLowering : GraphLoweringPattern<graph::GemmOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = this->convertedType(op.getResult());
    Type element = type.getElementType();
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value init;
    if (adaptor.getC() && beta != 0.0)
      init = buildBroadcastingGeneric(
          rewriter, loc, type, adaptor.getC(),
          [&](OpBuilder &b, Location l, ValueRange args) {
            return beta == 1.0
                       ? args[0]
                       : mul(b, l, args[0], scalarConstant(b, l, element, beta));
          });
    else
      init = filledTensor(rewriter, loc, type, scalarAttr(element, 0));
    Value a = adaptor.getA();
    if (alpha != 1.0)
      a = buildBroadcastingGeneric(
          rewriter, loc, cast<RankedTensorType>(a.getType()), a,
          [&](OpBuilder &b, Location l, ValueRange args) {
            return mul(b, l, args[0], scalarConstant(b, l, element, alpha));
          });
    Value result;
    if (!op.getTransA() && !op.getTransB()) {
      result = linalg::MatmulOp::create(rewriter, loc, TypeRange{type},
                                        ValueRange{a, adaptor.getB()}, init)
                   .getResult(0);
    } else {
      MLIRContext *context = rewriter.getContext();
      AffineExpr m = getAffineDimExpr(0, context), n = getAffineDimExpr(1, context),
                 k = getAffineDimExpr(2, context);
      auto map = [&](AffineExpr row, AffineExpr col) {
        return AffineMap::get(3, 0, {row, col}, context);
      };
      result = buildContraction(
          rewriter, loc, a, adaptor.getB(), init,
          {op.getTransA() ? map(k, m) : map(m, k),
           op.getTransB() ? map(n, k) : map(k, n), map(m, n)},
          {utils::IteratorType::parallel, utils::IteratorType::parallel,
           utils::IteratorType::reduction});
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// `value` with its axes permuted (result axis i is axis perm[i]): folded at
/// compile time for constants (weights), a linalg.transpose otherwise.
Value transposeTensor(OpBuilder &b, Location loc, Value value,
                      ArrayRef<int64_t> perm) {
  DenseElementsAttr constant;
  if (matchPattern(value, m_Constant(&constant)))
    if (DenseElementsAttr folded = graph::transposeElements(constant, perm))
      return arith::ConstantOp::create(b, loc, folded);
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, perm).getResult()[0];
}

/// 2-D convolution (1-D convolutions run as 2-D with a unit height; 3-D
/// ones as one linalg.generic, buildSlidingWindow).
///
/// Plain and depthwise convolutions compute in NHWC with HWCF / HWC filters:
/// channels are then the innermost, contiguous axis that the CPU strategy
/// vectorizes, where NCHW would need a transpose in every tile. The input is
/// padded and transposed once, constant filters are re-laid out at compile
/// time, and the result is transposed back to ONNX's NCHW. Other grouped
/// convolutions use linalg.conv_2d_ngchw_gfchw. The bias seeds the
/// accumulator.
struct ConvOpLowering : GraphLoweringPattern<graph::ConvOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = this->convertedType(op.getResult());
    Type element = resultType.getElementType();
    // Floats, or signed integers (ConvInteger accumulates in int32).
    if (!isa<FloatType, IntegerType>(element) || isUnsignedElement(op.getInput()))
      return rewriter.notifyMatchFailure(op, "expects float or signed tensors");
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    // int8 input and weight of an int32 convolution (strata-quantize): the
    // named ops sign-extend them; the generic of 3-D ones does not.
    Type inputElement = cast<RankedTensorType>(input.getType()).getElementType();
    Type weightElement = cast<RankedTensorType>(weight.getType()).getElementType();
    SmallVector<int64_t> strides(op.getStrides()), dilations(op.getDilations());
    SmallVector<int64_t> padsBegin, padsEnd;
    size_t spatial = strides.size();
    padsBegin.append(op.getPads().begin(), op.getPads().begin() + spatial);
    padsEnd.append(op.getPads().begin() + spatial, op.getPads().end());
    if (spatial > 2) {
      if (inputElement != element)
        return rewriter.notifyMatchFailure(op, "widening 3-D convolutions are "
                                               "not supported");
      // No named op: one generic over (n, m, out..., c, k...).
      SmallVector<int64_t> low = {0, 0}, high = {0, 0};
      low.append(padsBegin);
      high.append(padsEnd);
      input = padTensor(rewriter, loc, input, low, high, scalarAttr(element, 0));
      Value init = seedAccumulator(rewriter, loc, adaptor.getBias(), resultType, 1);
      auto kernel = cast<RankedTensorType>(weight.getType()).getShape().drop_front(2);
      rewriter.replaceOp(
          op, buildSlidingWindow(rewriter, loc, input, weight, init, kernel,
                                 strides, dilations, op.getGroup(),
                                 [](OpBuilder &b, Location l, ValueRange args) {
                                   return add(b, l, args[2],
                                              mul(b, l, args[0], args[1]));
                                 }));
      return success();
    }
    SmallVector<int64_t> outShape(resultType.getShape());
    if (spatial == 1) {
      // Insert a unit height everywhere.
      auto insertUnit = [&](Value v) {
        auto type = cast<RankedTensorType>(v.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape.insert(shape.begin() + 2, 1);
        return reshapeTo(rewriter, loc, v, tensorType(shape, type.getElementType()));
      };
      input = insertUnit(input);
      weight = insertUnit(weight);
      strides.insert(strides.begin(), 1);
      dilations.insert(dilations.begin(), 1);
      padsBegin.insert(padsBegin.begin(), 0);
      padsEnd.insert(padsEnd.begin(), 0);
      outShape.insert(outShape.begin() + 2, 1);
    }
    SmallVector<int64_t> low = {0, 0, padsBegin[0], padsBegin[1]};
    SmallVector<int64_t> high = {0, 0, padsEnd[0], padsEnd[1]};
    input = padTensor(rewriter, loc, input, low, high, scalarAttr(inputElement, 0));

    auto stridesAttr = rewriter.getI64TensorAttr(strides);
    auto dilationsAttr = rewriter.getI64TensorAttr(dilations);
    ArrayRef<int64_t> w = cast<RankedTensorType>(weight.getType()).getShape();
    ArrayRef<int64_t> x = cast<RankedTensorType>(input.getType()).getShape();
    int64_t group = op.getGroup();
    bool depthwise = group > 1 && group == x[1] && w[0] == group;
    Value result;
    if (group == 1 || depthwise) {
      auto nhwcType = tensorType(
          {outShape[0], outShape[2], outShape[3], outShape[1]}, element);
      Value init = seedAccumulator(rewriter, loc, adaptor.getBias(), nhwcType, 3);
      Value nhwcInput = transposeTensor(rewriter, loc, input, {0, 2, 3, 1});
      Value nhwc;
      if (group == 1) {
        Value filter = transposeTensor(rewriter, loc, weight, {2, 3, 1, 0});
        nhwc = linalg::Conv2DNhwcHwcfOp::create(
                   rewriter, loc, TypeRange{nhwcType},
                   ValueRange{nhwcInput, filter}, init, stridesAttr,
                   dilationsAttr)
                   .getResult(0);
      } else {
        Value chw = reshapeTo(rewriter, loc, weight,
                              tensorType({w[0], w[2], w[3]}, weightElement));
        Value filter = transposeTensor(rewriter, loc, chw, {1, 2, 0});
        nhwc = linalg::DepthwiseConv2DNhwcHwcOp::create(
                   rewriter, loc, TypeRange{nhwcType},
                   ValueRange{nhwcInput, filter}, init, stridesAttr,
                   dilationsAttr)
                   .getResult(0);
      }
      result = transposeTensor(rewriter, loc, nhwc, {0, 3, 1, 2});
    } else {
      auto outType = tensorType(outShape, element);
      Value init = seedAccumulator(rewriter, loc, adaptor.getBias(), outType, 1);
      int64_t perGroupIn = x[1] / group, perGroupOut = w[0] / group;
      Value groupedInput = reshapeTo(
          rewriter, loc, input,
          tensorType({x[0], group, perGroupIn, x[2], x[3]}, inputElement));
      Value groupedWeight = reshapeTo(
          rewriter, loc, weight,
          tensorType({group, perGroupOut, w[1], w[2], w[3]}, weightElement));
      auto groupedOutType = tensorType(
          {outShape[0], group, perGroupOut, outShape[2], outShape[3]}, element);
      Value groupedInit = reshapeTo(rewriter, loc, init, groupedOutType);
      Value grouped = linalg::Conv2DNgchwGfchwOp::create(
                          rewriter, loc, TypeRange{groupedOutType},
                          ValueRange{groupedInput, groupedWeight}, groupedInit,
                          stridesAttr, dilationsAttr)
                          .getResult(0);
      result = reshapeTo(rewriter, loc, grouped, outType);
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, result, resultType));
    return success();
  }

  /// The accumulator: the bias broadcast along `channelAxis`, or zeros.
  static Value seedAccumulator(OpBuilder &b, Location loc, Value bias,
                               RankedTensorType type, int64_t channelAxis) {
    if (!bias)
      return filledTensor(b, loc, type, scalarAttr(type.getElementType(), 0));
    MLIRContext *context = b.getContext();
    return buildParallelGeneric(
        b, loc, type, bias,
        AffineMap::get(type.getRank(), 0,
                       getAffineDimExpr(channelAxis, context), context),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  }
};

} // namespace

void strata::populateContractionToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<MatMulOpLowering, GemmOpLowering, ConvOpLowering>(
      converter, patterns.getContext());
}
