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

struct MaxPoolOpLowering : GraphLoweringPattern<graph::MaxPoolOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = this->convertedType(op.getInput()),
         outType = this->convertedType(op.getResult());
    if (inType.getRank() > 4)
      return rewriter.notifyMatchFailure(op, "only 1-D and 2-D pooling");
    if (isUnsignedElement(op.getInput()))
      return rewriter.notifyMatchFailure(op, "unsigned max pooling");
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
    if (inType.getRank() > 4)
      return rewriter.notifyMatchFailure(op, "only 1-D and 2-D pooling");
    if (isUnsignedElement(op.getInput()))
      return rewriter.notifyMatchFailure(op, "unsigned max pooling");
    Type element = outType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
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

    // Divisor per output position: the window's elements inside the input,
    // plus those in the explicit padding when count_include_pad is set.
    int64_t oh = window.outputSpatial[0], ow = window.outputSpatial[1];
    SmallVector<float> counts;
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        int64_t count = 1;
        int64_t position[2] = {y, x};
        for (int d = 0; d < 2; ++d) {
          int64_t begin = position[d] * window.strides[d] - window.padBegin[d];
          int64_t end = begin + window.kernel[d];
          int64_t lowLimit = op.getCountIncludePad() ? -window.padBegin[d] : 0;
          int64_t highLimit = window.inputSpatial[d] +
                              (op.getCountIncludePad() ? window.padEnd[d] : 0);
          count *= std::max<int64_t>(
              0, std::min(end, highLimit) - std::max(begin, lowLimit));
        }
        counts.push_back(static_cast<float>(std::max<int64_t>(count, 1)));
      }
    auto countType = RankedTensorType::get({oh, ow}, rewriter.getF32Type());
    Value divisor = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(countType, ArrayRef(counts)));
    MLIRContext *context = rewriter.getContext();
    Value averaged = buildParallelGeneric(
        rewriter, loc, out2d, {sums, divisor},
        {rewriter.getMultiDimIdentityMap(4),
         AffineMap::get(4, 0,
                        {getAffineDimExpr(2, context),
                         getAffineDimExpr(3, context)},
                        context)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return div(b, l, args[0], convertScalar(b, l, args[1], element));
        });
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
  patterns.add<MaxPoolOpLowering, AveragePoolOpLowering,
               GlobalAveragePoolOpLowering>(converter, patterns.getContext());
}
