//===- PoolingToLinalg.cpp - Pooling graph ops to linalg --------*- C++ -*-===//
//
// MaxPool and AveragePool become linalg's NCHW pooling ops over a padded
// input (1-D pools run as 2-D with a unit height). ceil_mode lengthens the end
// padding so the last window fits. AveragePool divides by a per-position
// count computed at compile time, which handles count_include_pad and the
// windows that ceil_mode clips.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "passes/GraphToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace strata;
using namespace strata::lowering;

namespace {

/// A pooling window in 2-D form: 1-D pools get a unit leading axis.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;
  SmallVector<int64_t> inputSpatial, outputSpatial;

  Window(ArrayRef<int64_t> kernelShape, ArrayRef<int64_t> strideValues,
         ArrayRef<int64_t> dilationValues, ArrayRef<int64_t> pads,
         ArrayRef<int64_t> input, ArrayRef<int64_t> output) {
    size_t spatial = kernelShape.size();
    kernel.assign(kernelShape.begin(), kernelShape.end());
    strides.assign(strideValues.begin(), strideValues.end());
    dilations.assign(dilationValues.begin(), dilationValues.end());
    padBegin.assign(pads.begin(), pads.begin() + spatial);
    padEnd.assign(pads.begin() + spatial, pads.end());
    inputSpatial.assign(input.begin() + 2, input.end());
    outputSpatial.assign(output.begin() + 2, output.end());
    if (spatial == 1) {
      // The unit height: extent, kernel, stride and dilation 1, no padding.
      for (SmallVector<int64_t> *v :
           {&kernel, &strides, &dilations, &inputSpatial, &outputSpatial})
        v->insert(v->begin(), 1);
      padBegin.insert(padBegin.begin(), 0);
      padEnd.insert(padEnd.begin(), 0);
    }
    for (int d = 0; d < 2; ++d) {
      // The padded input must cover the last window (ceil_mode may need more
      // than the explicit end padding; extra is never read otherwise).
      int64_t needed = (outputSpatial[d] - 1) * strides[d] +
                       dilations[d] * (kernel[d] - 1) + 1;
      extraEnd[d] = std::max<int64_t>(
          0, needed - (inputSpatial[d] + padBegin[d] + padEnd[d]));
    }
  }

  int64_t extraEnd[2] = {0, 0};

  SmallVector<int64_t> low() const { return {0, 0, padBegin[0], padBegin[1]}; }
  SmallVector<int64_t> high() const {
    return {0, 0, padEnd[0] + extraEnd[0], padEnd[1] + extraEnd[1]};
  }
};

RankedTensorType as2d(RankedTensorType type) {
  if (type.getRank() == 4)
    return type;
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 2, 1);
  return RankedTensorType::get(shape, type.getElementType());
}

/// Padding of an N-D window: explicit pads, plus what ceil_mode's last
/// window reads past the end. Low and high cover every axis (N, C: none).
struct PaddedWindow {
  SmallVector<int64_t> low, high;

  PaddedWindow(ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
               ArrayRef<int64_t> input, ArrayRef<int64_t> output)
      : low{0, 0}, high{0, 0} {
    size_t spatial = kernel.size();
    for (size_t d = 0; d < spatial; ++d) {
      int64_t needed = (output[d + 2] - 1) * strides[d] +
                       dilations[d] * (kernel[d] - 1) + 1;
      int64_t padded = input[d + 2] + pads[d] + pads[d + spatial];
      low.push_back(pads[d]);
      high.push_back(pads[d + spatial] + std::max<int64_t>(0, needed - padded));
    }
  }
};

/// The element count each output position of an average pool divides by:
/// the window's elements inside the input, plus those in the explicit
/// padding when count_include_pad is set. Row-major over `output`.
SmallVector<float> averageDivisors(ArrayRef<int64_t> kernel,
                                   ArrayRef<int64_t> strides,
                                   ArrayRef<int64_t> pads,
                                   ArrayRef<int64_t> input,
                                   ArrayRef<int64_t> output,
                                   bool countIncludePad) {
  size_t spatial = kernel.size();
  int64_t total = 1;
  for (int64_t extent : output)
    total *= extent;
  SmallVector<float> counts;
  SmallVector<int64_t> position(spatial, 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rest = flat;
    for (int64_t d = spatial - 1; d >= 0; --d) {
      position[d] = rest % output[d];
      rest /= output[d];
    }
    int64_t count = 1;
    for (size_t d = 0; d < spatial; ++d) {
      int64_t begin = position[d] * strides[d] - pads[d];
      int64_t end = begin + kernel[d];
      int64_t lowLimit = countIncludePad ? -pads[d] : 0;
      int64_t highLimit = input[d] + (countIncludePad ? pads[d + spatial] : 0);
      count *= std::max<int64_t>(
          0, std::min(end, highLimit) - std::max(begin, lowLimit));
    }
    counts.push_back(static_cast<float>(std::max<int64_t>(count, 1)));
  }
  return counts;
}

/// Divides pooled sums [N, C, out...] by their per-position counts.
Value divideByCounts(OpBuilder &b, Location loc, Value sums,
                     ArrayRef<float> counts, ArrayRef<int64_t> outSpatial) {
  auto type = cast<RankedTensorType>(sums.getType());
  Type element = type.getElementType();
  int64_t rank = type.getRank();
  auto countType = RankedTensorType::get(outSpatial, b.getF32Type());
  Value divisor = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(countType, counts));
  SmallVector<AffineExpr> spatialDims;
  for (int64_t d = 2; d < rank; ++d)
    spatialDims.push_back(b.getAffineDimExpr(d));
  return buildParallelGeneric(
      b, loc, type, {sums, divisor},
      {b.getMultiDimIdentityMap(rank),
       AffineMap::get(rank, 0, spatialDims, b.getContext())},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        return div(nb, l, args[0], convertScalar(nb, l, args[1], element));
      });
}

/// Max and average pooling of any rank (and unsigned max pooling) as one
/// sliding-window generic; averages then divide by the window counts.
template <typename PoolOp>
LogicalResult lowerWindowGeneric(PoolOp op, typename PoolOp::Adaptor adaptor,
                                 ConversionPatternRewriter &rewriter) {
  constexpr bool isMax = std::is_same_v<PoolOp, graph::MaxPoolOp>;
  Location loc = op.getLoc();
  auto inType = cast<RankedTensorType>(signlessType(op.getInput().getType()));
  auto outType = cast<RankedTensorType>(signlessType(op.getResult().getType()));
  Type element = outType.getElementType();
  bool isUnsigned = isUnsignedElement(op.getInput());
  SmallVector<int64_t> dilations(op.getKernelShape().size(), 1);
  if constexpr (isMax)
    dilations.assign(op.getDilations().begin(), op.getDilations().end());
  PaddedWindow window(op.getKernelShape(), op.getStrides(), dilations,
                      op.getPads(), inType.getShape(), outType.getShape());
  TypedAttr start = isMax ? lowestValue(element, isUnsigned) : scalarAttr(element, 0);
  Value input = padTensor(rewriter, loc, adaptor.getInput(), window.low,
                          window.high, start);
  Value init = filledTensor(rewriter, loc, outType, start);
  Value pooled = buildSlidingWindow(
      rewriter, loc, input, Value(), init, op.getKernelShape(), op.getStrides(),
      dilations, 1, [&](OpBuilder &b, Location l, ValueRange args) {
        return isMax ? max(b, l, args[1], args[0], isUnsigned)
                     : add(b, l, args[1], args[0]);
      });
  if constexpr (!isMax) {
    ArrayRef<int64_t> outSpatial = outType.getShape().drop_front(2);
    pooled = divideByCounts(
        rewriter, loc, pooled,
        averageDivisors(op.getKernelShape(), op.getStrides(), op.getPads(),
                        inType.getShape().drop_front(2), outSpatial,
                        op.getCountIncludePad()),
        outSpatial);
  }
  rewriter.replaceOp(op, pooled);
  return success();
}

/// MaxPool's Indices: one generic over (n, c, oh, ow, kh, kw) carrying the
/// best value and its flattened input index; window positions in the
/// padding read as -inf, and a later equal value never replaces an earlier.
struct MaxPoolIndicesOpLowering : GraphLoweringPattern<graph::MaxPoolIndicesOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::MaxPoolIndicesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = this->convertedType(op.getInput());
    auto outType = this->convertedType(op.getResult());
    Type element = inType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    int64_t channels = inType.getDimSize(1), height = inType.getDimSize(2),
            width = inType.getDimSize(3);
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dilations = op.getDilations(), pads = op.getPads();
    bool columnMajor = op.getColumnMajor();
    MLIRContext *context = rewriter.getContext();
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, context); };
    AffineMap out = AffineMap::get(6, 0, {dim(0), dim(1), dim(2), dim(3)}, context);
    AffineMap window = AffineMap::get(6, 0, {dim(4), dim(5)}, context);
    auto valueType = RankedTensorType::get(outType.getShape(), element);
    Value values = filledTensor(rewriter, loc, valueType, lowestValue(element));
    Value indices = filledTensor(rewriter, loc, outType, rewriter.getI64IntegerAttr(0));
    Value shape = tensor::EmptyOp::create(rewriter, loc, kernel, element);
    Value input = adaptor.getInput();
    SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, outType}, shape,
        ValueRange{values, indices}, {window, out, out}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value best = args[1], bestIndex = args[2];
          auto index = [&](int64_t d) -> Value {
            return linalg::IndexOp::create(b, l, d);
          };
          auto constant = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          // Input row and column of this window tap (may be in the padding).
          auto source = [&](int64_t axis) {
            Value scaled = arith::MulIOp::create(b, l, index(2 + axis),
                                                 constant(strides[axis]));
            Value tap = arith::MulIOp::create(b, l, index(4 + axis),
                                              constant(dilations[axis]));
            return arith::SubIOp::create(
                b, l, arith::AddIOp::create(b, l, scaled, tap), constant(pads[axis]));
          };
          Value h = source(0), w = source(1);
          auto within = [&](Value v, int64_t size) {
            return arith::AndIOp::create(
                b, l,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, v, constant(0)),
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, v, constant(size)));
          };
          Value inside = arith::AndIOp::create(b, l, within(h, height), within(w, width));
          auto clamp = [&](Value v, int64_t size) {
            return arith::MaxSIOp::create(
                b, l, arith::MinSIOp::create(b, l, v, constant(size - 1)), constant(0));
          };
          Value x = tensor::ExtractOp::create(
              b, l, input,
              ValueRange{index(0), index(1), clamp(h, height), clamp(w, width)});
          Value lowest = arith::ConstantOp::create(b, l, lowestValue(element));
          x = arith::SelectOp::create(b, l, inside, x, lowest);
          Value better = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, best);
          // (n * C + c) * H * W, then the row-major or column-major offset.
          Value plane = arith::MulIOp::create(
              b, l,
              arith::AddIOp::create(b, l,
                                    arith::MulIOp::create(b, l, index(0), constant(channels)),
                                    index(1)),
              constant(height * width));
          Value offset = columnMajor
                             ? arith::AddIOp::create(
                                   b, l, arith::MulIOp::create(b, l, w, constant(height)), h)
                             : arith::AddIOp::create(
                                   b, l, arith::MulIOp::create(b, l, h, constant(width)), w);
          Value flat = arith::IndexCastOp::create(
              b, l, b.getI64Type(), arith::AddIOp::create(b, l, plane, offset));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, flat, bestIndex)});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

struct MaxPoolOpLowering : GraphLoweringPattern<graph::MaxPoolOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = this->convertedType(op.getInput()),
         outType = this->convertedType(op.getResult());
    // linalg's NCHW max pool is 2-D and signed: the rest is one generic.
    if (inType.getRank() > 4 || isUnsignedElement(op.getInput()))
      return lowerWindowGeneric(op, adaptor, rewriter);
    Type element = outType.getElementType();
    Window window(op.getKernelShape(), op.getStrides(), op.getDilations(),
                  op.getPads(), inType.getShape(), outType.getShape());
    Value input = reshapeTo(rewriter, loc, adaptor.getInput(), as2d(inType));
    input = padTensor(rewriter, loc, input, window.low(), window.high(),
                      lowestValue(element));
    auto out2d = as2d(outType);
    Value init = filledTensor(rewriter, loc, out2d, lowestValue(element));
    Value shape = tensor::EmptyOp::create(rewriter, loc, window.kernel, element);
    Value pooled = linalg::PoolingNchwMaxOp::create(
                       rewriter, loc, TypeRange{out2d}, ValueRange{input, shape},
                       init, rewriter.getI64TensorAttr(window.strides),
                       rewriter.getI64TensorAttr(window.dilations))
                       .getResult(0);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, pooled, outType));
    return success();
  }
};

struct AveragePoolOpLowering : GraphLoweringPattern<graph::AveragePoolOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = this->convertedType(op.getInput()),
         outType = this->convertedType(op.getResult());
    Type element = outType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    if (inType.getRank() > 4)
      return lowerWindowGeneric(op, adaptor, rewriter);
    SmallVector<int64_t> unitDilations(op.getKernelShape().size(), 1);
    Window window(op.getKernelShape(), op.getStrides(), unitDilations,
                  op.getPads(), inType.getShape(), outType.getShape());
    Value input = reshapeTo(rewriter, loc, adaptor.getInput(), as2d(inType));
    input = padTensor(rewriter, loc, input, window.low(), window.high(),
                      scalarAttr(element, 0));
    auto out2d = as2d(outType);
    Value init = filledTensor(rewriter, loc, out2d, scalarAttr(element, 0));
    Value shape = tensor::EmptyOp::create(rewriter, loc, window.kernel, element);
    Value sums = linalg::PoolingNchwSumOp::create(
                     rewriter, loc, TypeRange{out2d}, ValueRange{input, shape},
                     init, rewriter.getI64TensorAttr(window.strides),
                     rewriter.getI64TensorAttr(window.dilations))
                     .getResult(0);

    SmallVector<int64_t> pads2d(window.padBegin);
    pads2d.append(window.padEnd);
    Value averaged = divideByCounts(
        rewriter, loc, sums,
        averageDivisors(window.kernel, window.strides, pads2d,
                        window.inputSpatial, window.outputSpatial,
                        op.getCountIncludePad()),
        window.outputSpatial);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, averaged, outType));
    return success();
  }
};

/// The mean over every axis after the channel: successive sum reductions of
/// the last axis, then one division.
struct GlobalAveragePoolOpLowering
    : GraphLoweringPattern<graph::GlobalAveragePoolOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::GlobalAveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    Type element = inType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    int64_t count = 1;
    for (int64_t extent : inType.getShape().drop_front(2))
      count *= extent;
    // Flatten the spatial axes so one reduction covers them.
    Value flat = reshapeTo(
        rewriter, loc, adaptor.getInput(),
        RankedTensorType::get({inType.getDimSize(0), inType.getDimSize(1), count},
                              element));
    Value sums = buildReduction(rewriter, loc, flat, 2, scalarAttr(element, 0),
                                [](OpBuilder &b, Location l, ValueRange args) {
                                  return add(b, l, args[0], args[1]);
                                });
    auto sumType = cast<RankedTensorType>(sums.getType());
    Value mean = buildBroadcastingGeneric(
        rewriter, loc, sumType, sums,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return div(b, l, args[0], scalarConstant(b, l, element, count));
        });
    rewriter.replaceOp(op,
                       reshapeTo(rewriter, loc, mean, this->convertedType(op.getResult())));
    return success();
  }
};

} // namespace

void strata::populatePoolingToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<MaxPoolOpLowering, MaxPoolIndicesOpLowering, AveragePoolOpLowering,
               GlobalAveragePoolOpLowering>(converter, patterns.getContext());
}
