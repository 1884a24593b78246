//===- ElementwiseToLinalg.cpp - Elementwise graph ops to linalg -*- C++ -*-===//
//
// Broadcasting arithmetic, activations, Cast, BatchNormalization and the
// softmax family become linalg.generic ops; transcendental functions stay as
// `math` ops, which the target pipeline expands into polynomials so that
// generated code needs no libm.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "passes/GraphToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace strata;
using namespace strata::lowering;

namespace {

/// Binary arithmetic: one broadcasting generic whose body is `Build`.
template <typename GraphOp, Value (*Build)(OpBuilder &, Location, Value, Value)>
struct BinaryOpLowering : OpRewritePattern<GraphOp> {
  using OpRewritePattern<GraphOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(GraphOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result = buildBroadcastingGeneric(
        rewriter, op.getLoc(), type, {op.getLhs(), op.getRhs()},
        [](OpBuilder &b, Location loc, ValueRange args) {
          return Build(b, loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Unary float activations; `Build` maps one scalar.
template <typename GraphOp>
struct UnaryOpLowering : OpRewritePattern<GraphOp> {
  using Builder = Value (*)(OpBuilder &, Location, Value);
  UnaryOpLowering(MLIRContext *context, Builder build)
      : OpRewritePattern<GraphOp>(context), build(build) {}
  LogicalResult matchAndRewrite(GraphOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!isa<FloatType>(type.getElementType()) && !std::is_same_v<GraphOp, graph::ReluOp>)
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    Value result = buildBroadcastingGeneric(
        rewriter, op.getLoc(), type, op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return build(b, loc, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
  Builder build;
};

Value buildRelu(OpBuilder &b, Location loc, Value x) {
  return max(b, loc, x, scalarConstant(b, loc, x.getType(), 0.0));
}

Value buildSigmoid(OpBuilder &b, Location loc, Value x) {
  // 1 / (1 + exp(-x)): exp overflows to +inf for very negative x, giving 0.
  Value one = scalarConstant(b, loc, x.getType(), 1.0);
  Value negated = arith::NegFOp::create(b, loc, x);
  Value exp = math::ExpOp::create(b, loc, negated);
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, exp));
}

Value buildTanh(OpBuilder &b, Location loc, Value x) {
  return math::TanhOp::create(b, loc, x);
}

struct ClipOpLowering : OpRewritePattern<graph::ClipOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ClipOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getResult().getType();
    std::optional<double> low, high;
    if (op.getMin())
      low = op.getMin()->convertToDouble();
    if (op.getMax())
      high = op.getMax()->convertToDouble();
    Value result = buildBroadcastingGeneric(
        rewriter, op.getLoc(), type, op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = args[0];
          if (low)
            x = max(b, loc, x, scalarConstant(b, loc, x.getType(), *low));
          if (high)
            x = min(b, loc, x, scalarConstant(b, loc, x.getType(), *high));
          return x;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CastOpLowering : OpRewritePattern<graph::CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::CastOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getResult().getType();
    Value result = buildBroadcastingGeneric(
        rewriter, op.getLoc(), type, op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return convertScalar(b, loc, args[0], type.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// y = (x - mean) * scale / sqrt(var + eps) + bias, with the per-channel
/// parameters read along axis 1.
struct BatchNormalizationOpLowering
    : OpRewritePattern<graph::BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::BatchNormalizationOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getResult().getType();
    if (!isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    MLIRContext *context = rewriter.getContext();
    int64_t rank = type.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel =
        AffineMap::get(rank, 0, rewriter.getAffineDimExpr(1), context);
    double epsilon = op.getEpsilon().convertToDouble();
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), type,
        {op.getInput(), op.getScale(), op.getBias(), op.getMean(),
         op.getVariance()},
        {identity, channel, channel, channel, channel},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value eps = scalarConstant(b, loc, args[0].getType(), epsilon);
          Value stddev = math::SqrtOp::create(b, loc, add(b, loc, args[4], eps));
          Value centered = sub(b, loc, args[0], args[3]);
          Value scaled = mul(b, loc, centered, div(b, loc, args[1], stddev));
          return add(b, loc, scaled, args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Softmax and LogSoftmax along one axis, numerically stable:
/// shifted = x - max(x); softmax = exp(shifted) / sum(exp(shifted));
/// log_softmax = shifted - log(sum(exp(shifted))).
template <typename SoftmaxLike, bool IsLog>
struct SoftmaxLowering : OpRewritePattern<SoftmaxLike> {
  using OpRewritePattern<SoftmaxLike>::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxLike op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    int64_t axis = *graph::normalizeAxis(op.getAxis(), rank);
    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineExpr> kept;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        kept.push_back(rewriter.getAffineDimExpr(d));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = AffineMap::get(rank, 0, kept, context);

    Value maximum = buildReduction(
        rewriter, loc, op.getInput(), axis, lowestValue(element),
        [](OpBuilder &b, Location l, ValueRange args) {
          return max(b, l, args[0], args[1]);
        });
    Value shifted = buildParallelGeneric(
        rewriter, loc, type, {op.getInput(), maximum}, {identity, reduced},
        [](OpBuilder &b, Location l, ValueRange args) {
          return sub(b, l, args[0], args[1]);
        });
    Value exponentials = buildParallelGeneric(
        rewriter, loc, type, shifted, identity,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return math::ExpOp::create(b, l, args[0]);
        });
    Value sum = buildReduction(rewriter, loc, exponentials, axis,
                               scalarAttr(element, 0.0),
                               [](OpBuilder &b, Location l, ValueRange args) {
                                 return add(b, l, args[0], args[1]);
                               });
    Value result;
    if constexpr (IsLog)
      result = buildParallelGeneric(
          rewriter, loc, type, {shifted, sum}, {identity, reduced},
          [](OpBuilder &b, Location l, ValueRange args) {
            return sub(b, l, args[0], math::LogOp::create(b, l, args[1]));
          });
    else
      result = buildParallelGeneric(
          rewriter, loc, type, {exponentials, sum}, {identity, reduced},
          [](OpBuilder &b, Location l, ValueRange args) {
            return div(b, l, args[0], args[1]);
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void strata::populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<BinaryOpLowering<graph::AddOp, add>,
               BinaryOpLowering<graph::SubOp, sub>,
               BinaryOpLowering<graph::MulOp, mul>,
               BinaryOpLowering<graph::DivOp, div>, ClipOpLowering,
               CastOpLowering, BatchNormalizationOpLowering,
               SoftmaxLowering<graph::SoftmaxOp, false>,
               SoftmaxLowering<graph::LogSoftmaxOp, true>>(context);
  patterns.add<UnaryOpLowering<graph::ReluOp>>(context, buildRelu);
  patterns.add<UnaryOpLowering<graph::SigmoidOp>>(context, buildSigmoid);
  patterns.add<UnaryOpLowering<graph::TanhOp>>(context, buildTanh);
}
