//===- SamplingToLinalg.cpp - GridSample to a gathering generic -*- C++ -*-===//
//
// GridSample reads its input at positions computed from data (the grid), so
// it lowers to a generic over the output whose body computes the source
// coordinates, applies the padding mode, and blends the 1 (nearest), 4
// (bilinear) or 16 (bicubic) neighbours read with tensor.extract. The
// arithmetic follows PyTorch's grid_sample, which ONNX specifies by.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "passes/GraphToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace strata;
using namespace strata::lowering;

namespace {

/// Scalar helpers for one output point's body.
class Sampler {
public:
  Sampler(OpBuilder &b, Location loc, Value input, Type element, int64_t height,
          int64_t width, StringRef padding, bool alignCorners)
      : b(b), loc(loc), input(input), element(element), height(height),
        width(width), padding(padding), alignCorners(alignCorners) {}

  Value constant(double v) { return scalarConstant(b, loc, element, v); }

  /// [-1, 1] to pixel coordinates along an axis of `size`.
  Value unnormalize(Value coordinate, int64_t size) {
    Value one = constant(1);
    Value shifted = add(b, loc, coordinate, one);
    if (alignCorners)
      return mul(b, loc, shifted, constant((size - 1) / 2.0));
    return div(b, loc, sub(b, loc, mul(b, loc, shifted, constant(size)), one),
               constant(2));
  }

  Value clip(Value coordinate, int64_t size) {
    return min(b, loc, max(b, loc, coordinate, constant(0)), constant(size - 1));
  }

  /// Mirrors `coordinate` into [twiceLow / 2, twiceHigh / 2].
  Value reflect(Value coordinate, int64_t twiceLow, int64_t twiceHigh) {
    if (twiceLow == twiceHigh)
      return constant(0);
    double low = twiceLow / 2.0, span = (twiceHigh - twiceLow) / 2.0;
    Value distance = math::AbsFOp::create(b, loc, sub(b, loc, coordinate, constant(low)));
    Value flips = math::FloorOp::create(b, loc, div(b, loc, distance, constant(span)));
    Value extra = sub(b, loc, distance, mul(b, loc, flips, constant(span)));
    // An even number of flips keeps the direction.
    Value half = mul(b, loc, flips, constant(0.5));
    Value even = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                       math::FloorOp::create(b, loc, half), half);
    return arith::SelectOp::create(
        b, loc, even, add(b, loc, extra, constant(low)),
        add(b, loc, sub(b, loc, constant(span), extra), constant(low)));
  }

  /// The padding mode applied to a pixel coordinate.
  Value applyPadding(Value coordinate, int64_t size) {
    if (padding == "border")
      return clip(coordinate, size);
    if (padding == "reflection") {
      Value reflected = alignCorners ? reflect(coordinate, 0, 2 * (size - 1))
                                     : reflect(coordinate, -1, 2 * size - 1);
      return clip(reflected, size);
    }
    return coordinate;
  }

  /// input[n, c, y, x] for whole-number coordinates (as floats), 0 outside.
  Value read(ValueRange batchChannel, Value x, Value y) {
    auto inside = [&](Value v, int64_t size) {
      Value aboveLow = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, v,
                                             constant(0));
      Value belowHigh = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, v,
                                              constant(size - 1));
      return arith::AndIOp::create(b, loc, aboveLow, belowHigh);
    };
    auto toIndex = [&](Value v, int64_t size) -> Value {
      Value safe = clip(v, size);
      Value integer = arith::FPToSIOp::create(b, loc, b.getI64Type(), safe);
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), integer);
    };
    Value valid = arith::AndIOp::create(b, loc, inside(x, width), inside(y, height));
    Value value = tensor::ExtractOp::create(
        b, loc, input,
        ValueRange{batchChannel[0], batchChannel[1], toIndex(y, height),
                   toIndex(x, width)});
    return arith::SelectOp::create(b, loc, valid, value, constant(0));
  }

  /// The four cubic convolution weights for a fractional offset t (A = -0.75).
  SmallVector<Value> cubicWeights(Value t) {
    const double a = -0.75;
    auto outer = [&](Value s) { // |distance| in [1, 2)
      Value v = sub(b, loc, mul(b, loc, constant(a), s), constant(5 * a));
      v = add(b, loc, mul(b, loc, v, s), constant(8 * a));
      return sub(b, loc, mul(b, loc, v, s), constant(4 * a));
    };
    auto inner = [&](Value s) { // |distance| in [0, 1)
      Value v = sub(b, loc, mul(b, loc, constant(a + 2), s), constant(a + 3));
      return add(b, loc, mul(b, loc, mul(b, loc, v, s), s), constant(1));
    };
    Value one = constant(1);
    return {outer(add(b, loc, t, one)), inner(t), inner(sub(b, loc, one, t)),
            outer(sub(b, loc, constant(2), t))};
  }

  OpBuilder &b;
  Location loc;
  Value input;
  Type element;
  int64_t height, width;
  StringRef padding;
  bool alignCorners;
};

struct GridSampleOpLowering : GraphLoweringPattern<graph::GridSampleOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::GridSampleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = this->convertedType(op.getResult());
    auto inType = this->convertedType(op.getInput());
    Type element = type.getElementType();
    int64_t height = inType.getDimSize(2), width = inType.getDimSize(3);
    StringRef mode = op.getMode();
    Value input = adaptor.getInput(), grid = adaptor.getGrid();
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), type, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Sampler s(b, l, input, element, height, width, op.getPaddingMode(),
                    op.getAlignCorners());
          SmallVector<Value> at;
          for (int64_t d = 0; d < 4; ++d)
            at.push_back(linalg::IndexOp::create(b, l, d));
          auto gridAt = [&](int64_t component) {
            return tensor::ExtractOp::create(
                b, l, grid,
                ValueRange{at[0], at[2], at[3],
                           arith::ConstantIndexOp::create(b, l, component)});
          };
          Value x = s.unnormalize(gridAt(0), width);
          Value y = s.unnormalize(gridAt(1), height);
          ValueRange nc(ValueRange(at).take_front(2));
          if (mode == "nearest")
            return s.read(nc, math::RoundEvenOp::create(b, l, s.applyPadding(x, width)),
                          math::RoundEvenOp::create(b, l, s.applyPadding(y, height)));
          if (mode == "bilinear") {
            x = s.applyPadding(x, width);
            y = s.applyPadding(y, height);
            Value x0 = math::FloorOp::create(b, l, x), y0 = math::FloorOp::create(b, l, y);
            Value one = s.constant(1);
            Value x1 = add(b, l, x0, one), y1 = add(b, l, y0, one);
            Value wx1 = sub(b, l, x, x0), wx0 = sub(b, l, x1, x);
            Value wy1 = sub(b, l, y, y0), wy0 = sub(b, l, y1, y);
            Value sum = mul(b, l, mul(b, l, wx0, wy0), s.read(nc, x0, y0));
            sum = add(b, l, sum, mul(b, l, mul(b, l, wx1, wy0), s.read(nc, x1, y0)));
            sum = add(b, l, sum, mul(b, l, mul(b, l, wx0, wy1), s.read(nc, x0, y1)));
            return add(b, l, sum, mul(b, l, mul(b, l, wx1, wy1), s.read(nc, x1, y1)));
          }
          // Bicubic: 4x4 taps around floor(x), floor(y), each tap's
          // coordinate padded on its own.
          Value x0 = math::FloorOp::create(b, l, x), y0 = math::FloorOp::create(b, l, y);
          SmallVector<Value> wx = s.cubicWeights(sub(b, l, x, x0));
          SmallVector<Value> wy = s.cubicWeights(sub(b, l, y, y0));
          Value sum = s.constant(0);
          for (int j = 0; j < 4; ++j) {
            Value ty = s.applyPadding(add(b, l, y0, s.constant(j - 1)), height);
            for (int i = 0; i < 4; ++i) {
              Value tx = s.applyPadding(add(b, l, x0, s.constant(i - 1)), width);
              Value tap = s.read(nc, math::FloorOp::create(b, l, tx),
                                 math::FloorOp::create(b, l, ty));
              sum = add(b, l, sum, mul(b, l, mul(b, l, wx[i], wy[j]), tap));
            }
          }
          return sum;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void strata::populateSamplingToLinalgPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<GridSampleOpLowering>(converter, patterns.getContext());
}
