//===- ConverterSupport.cpp - Helpers shared by the node converters -------===//
//
// Constant inputs read back as numbers, broadcast checks worded as node
// errors, and graph.constant builders from plain doubles.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ConverterSupport.h"

#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx_import {

namespace {
LogicalResult notConstant(NodeContext &ctx, StringRef what) {
  return ctx.error() << "input '" << what
                     << "' must be a compile-time constant (it did not fold; "
                        "fix a model input with --freeze-input NAME=FILE.pb)";
}
} // namespace

FailureOr<SmallVector<int64_t>> requireConstantInts(NodeContext &ctx, size_t i,
                                                    StringRef what) {
  if (auto values = ctx.constantInts(i))
    return *values;
  return notConstant(ctx, what);
}

FailureOr<SmallVector<double>> requireConstantDoubles(NodeContext &ctx, size_t i,
                                                      StringRef what) {
  if (!ctx.input(i))
    return SmallVector<double>{};
  if (auto values = constantDoubles(ctx, i))
    return *values;
  return notConstant(ctx, what);
}

std::optional<SmallVector<double>> constantDoubles(NodeContext &ctx, size_t i) {
  DenseElementsAttr values;
  if (!ctx.input(i) || !matchPattern(ctx.input(i), m_Constant(&values)))
    return std::nullopt;
  SmallVector<double> result;
  if (isa<FloatType>(values.getElementType())) {
    for (const APFloat &v : values.getValues<APFloat>())
      result.push_back(v.convertToDouble());
  } else {
    bool isUnsigned = values.getElementType().isUnsignedInteger();
    for (const APInt &v : values.getValues<APInt>())
      result.push_back(isUnsigned ? static_cast<double>(v.getZExtValue())
                                  : static_cast<double>(v.getSExtValue()));
  }
  return result;
}

LogicalResult expectBroadcast(NodeContext &ctx, Value a, Value b,
                              StringRef what) {
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  if (broadcastShapes(shapeOf(a), shapeOf(b)))
    return success();
  return ctx.error() << what << " do not broadcast";
}

Value constantTensor(NodeContext &ctx, ArrayRef<int64_t> shape, Type element,
                     ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, element);
  SmallVector<Attribute> attrs;
  attrs.reserve(values.size());
  for (double value : values) {
    if (isa<FloatType>(element))
      attrs.push_back(FloatAttr::get(element, value));
    else if (element.isInteger(1))
      attrs.push_back(BoolAttr::get(ctx.builder.getContext(), value != 0));
    else
      attrs.push_back(IntegerAttr::get(element, static_cast<int64_t>(value)));
  }
  return ConstantOp::create(ctx.builder, ctx.loc, type,
                            DenseElementsAttr::get(type, attrs));
}

Value padOrCrop(NodeContext &ctx, Value x, ArrayRef<int64_t> pads,
                StringRef mode, Value value) {
  OpBuilder &b = ctx.builder;
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps, growth(2 * rank, 0);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[d + rank];
    if (before < 0 || after < 0) {
      starts.push_back(std::max<int64_t>(0, -before));
      ends.push_back(type.getDimSize(d) - std::max<int64_t>(0, -after));
      axes.push_back(d);
      steps.push_back(1);
    }
    growth[d] = std::max<int64_t>(0, before);
    growth[d + rank] = std::max<int64_t>(0, after);
  }
  if (!axes.empty())
    x = b.createOrFold<SliceOp>(ctx.loc, x, b.getDenseI64ArrayAttr(starts),
                                b.getDenseI64ArrayAttr(ends),
                                b.getDenseI64ArrayAttr(axes),
                                b.getDenseI64ArrayAttr(steps));
  if (llvm::all_of(growth, [](int64_t p) { return p == 0; }))
    return x;
  return b.createOrFold<PadOp>(ctx.loc, x, value, b.getDenseI64ArrayAttr(growth),
                               b.getStringAttr(mode));
}

Value scalarTensor(NodeContext &ctx, Type element, double value) {
  return constantTensor(ctx, {}, element, {value});
}

} // namespace strata::onnx_import
