//===- QuantizationConverters.cpp - ONNX's quantized operators ---*- C++ -*-===//
//
// The linear quantization operators are formulas over ops the graph dialect
// has: products accumulate in int32 (MatMul and Conv on int32 tensors after
// subtracting the zero points), requantization rounds half to even in
// float32 and saturates to the 8-bit range, exactly as ONNX's reference.
// Scales and zero points may be graph inputs: only their shapes must be
// static.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ConverterSupport.h"

#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx_import {

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

Value castTo(NodeContext &ctx, Value v, Type element) {
  return ctx.builder.createOrFold<CastOp>(ctx.loc, typeOf(v).clone(element), v);
}

/// A per-tensor (scalar or one-element) or per-axis ([C]) parameter shaped
/// to broadcast against a tensor of `shape` along `axis` (which only a
/// per-axis parameter needs to be valid).
FailureOr<Value> broadcastAlong(NodeContext &ctx, Value parameter,
                                int64_t axisAttr, ArrayRef<int64_t> target,
                                StringRef name) {
  RankedTensorType type = typeOf(parameter);
  if (type.getNumElements() == 1)
    return ctx.builder.createOrFold<ReshapeOp>(
        ctx.loc, type.clone(ArrayRef<int64_t>{}), parameter);
  int64_t rank = target.size();
  auto normalized = normalizeAxis(axisAttr, rank);
  if (!normalized) {
    ctx.error() << "axis " << axisAttr << " is outside a rank-" << rank
                << " input";
    return failure();
  }
  int64_t axis = *normalized, extent = target[axis];
  if (type.getRank() != 1 || type.getNumElements() != extent) {
    ctx.error() << name << " must be a scalar or have " << extent
                << " elements (one per entry of axis " << axis << ")";
    return failure();
  }
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = extent;
  return ctx.builder.createOrFold<ReshapeOp>(ctx.loc, type.clone(shape),
                                             parameter);
}

/// The saturation range of an 8-bit (or 32-bit) quantized type.
std::pair<double, double> rangeOf(Type element) {
  auto integer = cast<IntegerType>(element);
  unsigned width = integer.getWidth();
  if (integer.isUnsigned())
    return {0.0, std::ldexp(1.0, width) - 1};
  return {-std::ldexp(1.0, width - 1), std::ldexp(1.0, width - 1) - 1};
}

/// saturate(round_half_even(real) + zeroPoint) as `element`; `real` and
/// `zeroPoint` (already float) broadcast.
Value requantize(NodeContext &ctx, Value real, Value zeroPoint, Type element) {
  OpBuilder &b = ctx.builder;
  Value q = b.createOrFold<RoundOp>(ctx.loc, real);
  if (zeroPoint)
    q = b.createOrFold<AddOp>(ctx.loc, q, zeroPoint);
  auto [low, high] = rangeOf(element);
  q = b.createOrFold<ClipOp>(ctx.loc, q, b.getF64FloatAttr(low),
                             b.getF64FloatAttr(high));
  return castTo(ctx, q, element);
}

/// An int32 accumulator of products requantized to the output's type:
/// saturate(round(acc * inScaleA * inScaleB / outScale) + outZero).
Value requantizeAccumulator(NodeContext &ctx, Value accumulator,
                            Value inScaleA, Value inScaleB, Value outScale,
                            Value outZero) {
  OpBuilder &b = ctx.builder;
  Type f32 = b.getF32Type();
  Value multiplier = b.createOrFold<DivOp>(
      ctx.loc, b.createOrFold<MulOp>(ctx.loc, inScaleA, inScaleB), outScale);
  Value real = b.createOrFold<MulOp>(ctx.loc, castTo(ctx, accumulator, f32),
                                     multiplier);
  return requantize(ctx, real, castTo(ctx, outZero, f32),
                    typeOf(outZero).getElementType());
}

/// An integer tensor minus its zero point, in int32.
Value centered(NodeContext &ctx, Value x, Value zeroPoint) {
  Type i32 = ctx.builder.getI32Type();
  Value wide = castTo(ctx, x, i32);
  if (!zeroPoint)
    return wide;
  return ctx.builder.createOrFold<SubOp>(ctx.loc, wide, castTo(ctx, zeroPoint, i32));
}

bool isQuantizedType(Type element) {
  return element.isInteger(8) || element.isUnsignedInteger(8);
}

LogicalResult expectQuantized(NodeContext &ctx, Value v, StringRef name) {
  if (!v || isQuantizedType(typeOf(v).getElementType()))
    return success();
  return ctx.error() << name << " must be int8 or uint8, not "
                     << typeOf(v).getElementType();
}

/// expectQuantized for the inputs named (positionally) in `names`; empty
/// names are not checked.
LogicalResult expectQuantizedInputs(NodeContext &ctx,
                                    ArrayRef<StringRef> names) {
  for (size_t i = 0; i < names.size(); ++i)
    if (!names[i].empty() && failed(expectQuantized(ctx, ctx.input(i), names[i])))
      return failure();
  return success();
}

} // namespace

/// QuantizeLinear: saturate(round(x / scale) + zero_point), per tensor or
/// along `axis`; the output type is the zero point's (uint8 without one).
LogicalResult convertQuantizeLinear(NodeContext &ctx,
                                    SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType xType = ctx.inputType(0);
  Type f32 = b.getF32Type();
  Type element = ctx.input(2) ? ctx.inputType(2).getElementType()
                              : Type(IntegerType::get(b.getContext(), 8,
                                                      IntegerType::Unsigned));
  if (failed(expectQuantized(ctx, ctx.input(2), "y_zero_point")))
    return failure();
  int64_t axis = ctx.intAttr("axis", 1);
  auto scale = broadcastAlong(ctx, castTo(ctx, ctx.input(1), f32), axis,
                              xType.getShape(), "y_scale");
  if (failed(scale))
    return failure();
  Value zeroPoint;
  if (ctx.input(2)) {
    auto zp = broadcastAlong(ctx, castTo(ctx, ctx.input(2), f32), axis,
                             xType.getShape(), "y_zero_point");
    if (failed(zp))
      return failure();
    zeroPoint = *zp;
  }
  Value x = castTo(ctx, ctx.input(0), f32);
  results.push_back(requantize(ctx, b.createOrFold<DivOp>(ctx.loc, x, *scale),
                               zeroPoint, element));
  return success();
}

/// DequantizeLinear: (x - zero_point) * scale in float32.
LogicalResult convertDequantizeLinear(NodeContext &ctx,
                                      SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType xType = ctx.inputType(0);
  Type f32 = b.getF32Type();
  int64_t axis = ctx.intAttr("axis", 1);
  Value x = castTo(ctx, ctx.input(0), f32);
  if (ctx.input(2)) {
    auto zp = broadcastAlong(ctx, castTo(ctx, ctx.input(2), f32), axis,
                             xType.getShape(), "x_zero_point");
    if (failed(zp))
      return failure();
    x = b.createOrFold<SubOp>(ctx.loc, x, *zp);
  }
  auto scale = broadcastAlong(ctx, castTo(ctx, ctx.input(1), f32), axis,
                              xType.getShape(), "x_scale");
  if (failed(scale))
    return failure();
  results.push_back(b.createOrFold<MulOp>(ctx.loc, x, *scale));
  return success();
}

/// DynamicQuantizeLinear: uint8 with the scale and zero point that map
/// [min(0, min x), max(0, max x)] onto [0, 255].
LogicalResult convertDynamicQuantizeLinear(NodeContext &ctx,
                                           SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType xType = ctx.inputType(0);
  if (!xType.getElementType().isF32())
    return ctx.error() << "expects a float32 input";
  Type f32 = b.getF32Type();
  Type u8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
  SmallVector<int64_t> all = llvm::to_vector(llvm::seq<int64_t>(0, xType.getRank()));
  auto axes = b.getDenseI64ArrayAttr(all);
  auto drop = b.getBoolAttr(false);
  Value x = ctx.input(0);
  Value zero = scalarTensor(ctx, f32, 0);
  Value high = b.createOrFold<MaxOp>(
      ctx.loc, b.createOrFold<ReduceMaxOp>(ctx.loc, x, axes, drop), zero);
  Value low = b.createOrFold<MinOp>(
      ctx.loc, b.createOrFold<ReduceMinOp>(ctx.loc, x, axes, drop), zero);
  Value scale = b.createOrFold<DivOp>(ctx.loc, b.createOrFold<SubOp>(ctx.loc, high, low),
                                      scalarTensor(ctx, f32, 255));
  Value zeroPoint = requantize(
      ctx, b.createOrFold<DivOp>(ctx.loc, b.createOrFold<NegOp>(ctx.loc, low), scale),
      Value(), u8);
  Value y = requantize(ctx, b.createOrFold<DivOp>(ctx.loc, x, scale),
                       castTo(ctx, zeroPoint, f32), u8);
  results.append({y, scale, zeroPoint});
  return success();
}

/// MatMulInteger: (A - a_zp) @ (B - b_zp) accumulated in int32; a per-row
/// a_zp and a per-column b_zp broadcast along their axes.
LogicalResult convertMatMulInteger(NodeContext &ctx,
                                   SmallVectorImpl<Value> &results) {
  if (failed(expectQuantized(ctx, ctx.input(0), "A")) ||
      failed(expectQuantized(ctx, ctx.input(1), "B")))
    return failure();
  RankedTensorType aType = ctx.inputType(0), bType = ctx.inputType(1);
  Value aZero, bZero;
  if (ctx.input(2)) {
    auto zp = broadcastAlong(ctx, ctx.input(2), -2, aType.getShape(),
                             "a_zero_point");
    if (failed(zp))
      return failure();
    aZero = *zp;
  }
  if (ctx.input(3)) {
    auto zp = broadcastAlong(ctx, ctx.input(3), -1, bType.getShape(),
                             "b_zero_point");
    if (failed(zp))
      return failure();
    bZero = *zp;
  }
  auto result = ctx.buildTyped<MatMulOp>(0, centered(ctx, ctx.input(0), aZero),
                                         centered(ctx, ctx.input(1), bZero));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

namespace {

/// Conv attributes as the plain Conv converter reads them, for the integer
/// convolutions (no auto_pad beyond explicit pads and VALID).
FailureOr<Value> integerConv(NodeContext &ctx, Value x, Value w) {
  OpBuilder &b = ctx.builder;
  RankedTensorType wType = typeOf(w);
  int64_t spatial = wType.getRank() - 2;
  if (spatial < 1 || spatial > 3) {
    ctx.error() << spatial << "-D convolution is not supported (1-D, 2-D and 3-D are)";
    return failure();
  }
  auto attrOr = [&](StringRef name, int64_t fallback, int64_t count) {
    return ctx.intsAttr(name).value_or(SmallVector<int64_t>(count, fallback));
  };
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID") {
    ctx.error() << "auto_pad '" << autoPad << "' is not supported here "
                << "(explicit pads and VALID are)";
    return failure();
  }
  return ctx.buildInferred<ConvOp>(
      x, w, Value(), b.getDenseI64ArrayAttr(attrOr("strides", 1, spatial)),
      b.getDenseI64ArrayAttr(attrOr("pads", 0, 2 * spatial)),
      b.getDenseI64ArrayAttr(attrOr("dilations", 1, spatial)),
      b.getI64IntegerAttr(ctx.intAttr("group", 1)));
}

/// A weight zero point per output channel, shaped [M, 1, 1...] for the
/// [M, C/g, k...] weight.
FailureOr<Value> weightZeroPoint(NodeContext &ctx, Value zp, RankedTensorType w,
                                 StringRef name) {
  return broadcastAlong(ctx, zp, 0, w.getShape(), name);
}

} // namespace

/// ConvInteger: Conv of the zero-point-centered int32 tensors (padding with
/// the zero point, which centers to 0).
LogicalResult convertConvInteger(NodeContext &ctx,
                                 SmallVectorImpl<Value> &results) {
  if (failed(expectQuantized(ctx, ctx.input(0), "x")) ||
      failed(expectQuantized(ctx, ctx.input(1), "w")))
    return failure();
  Value wZero;
  if (ctx.input(3)) {
    auto zp = weightZeroPoint(ctx, ctx.input(3), ctx.inputType(1), "w_zero_point");
    if (failed(zp))
      return failure();
    wZero = *zp;
  }
  Value xZero;
  if (ctx.input(2)) {
    if (ctx.inputType(2).getNumElements() != 1)
      return ctx.error() << "x_zero_point must be a scalar";
    xZero = ctx.input(2);
  }
  auto result = integerConv(ctx, centered(ctx, ctx.input(0), xZero),
                            centered(ctx, ctx.input(1), wZero));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// QLinearMatMul: the int32 product requantized by a_scale * b_scale /
/// y_scale to y's zero point and type.
LogicalResult convertQLinearMatMul(NodeContext &ctx,
                                   SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  if (failed(expectQuantizedInputs(ctx, {"a", "", "a_zero_point", "b", "",
                                          "b_zero_point", "", "y_zero_point"})))
    return failure();
  Value product = b.createOrFold<MatMulOp>(
      ctx.loc, centered(ctx, ctx.input(0), ctx.input(2)),
      centered(ctx, ctx.input(3), ctx.input(5)));
  if (failed(expectBroadcast(ctx, ctx.input(1), ctx.input(4), "a_scale and b_scale")))
    return failure();
  results.push_back(requantizeAccumulator(ctx, product, ctx.input(1),
                                          ctx.input(4), ctx.input(6),
                                          ctx.input(7)));
  return success();
}

/// QLinearConv: the int32 convolution plus the int32 bias, requantized by
/// x_scale * w_scale / y_scale (w_scale per output channel or per tensor).
LogicalResult convertQLinearConv(NodeContext &ctx,
                                 SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  if (failed(expectQuantizedInputs(ctx, {"x", "", "x_zero_point", "w", "",
                                          "w_zero_point", "", "y_zero_point"})))
    return failure();
  RankedTensorType wType = ctx.inputType(3);
  auto wZero = weightZeroPoint(ctx, ctx.input(5), wType, "w_zero_point");
  if (failed(wZero))
    return failure();
  if (ctx.inputType(2).getNumElements() != 1)
    return ctx.error() << "x_zero_point must be a scalar";
  auto acc = integerConv(ctx, centered(ctx, ctx.input(0), ctx.input(2)),
                         centered(ctx, ctx.input(3), *wZero));
  if (failed(acc))
    return failure();
  ArrayRef<int64_t> accShape = typeOf(*acc).getShape();
  Value sum = *acc;
  if (Value bias = ctx.input(8)) {
    auto shaped = broadcastAlong(ctx, bias, 1, accShape, "B");
    if (failed(shaped))
      return failure();
    sum = b.createOrFold<AddOp>(ctx.loc, sum, castTo(ctx, *shaped, b.getI32Type()));
  }
  auto wScale = broadcastAlong(ctx, ctx.input(4), 1, accShape, "w_scale");
  if (failed(wScale))
    return failure();
  Value xScale = b.createOrFold<ReshapeOp>(
      ctx.loc, ctx.inputType(1).clone(ArrayRef<int64_t>{}), ctx.input(1));
  Value yScale = b.createOrFold<ReshapeOp>(
      ctx.loc, ctx.inputType(6).clone(ArrayRef<int64_t>{}), ctx.input(6));
  results.push_back(
      requantizeAccumulator(ctx, sum, xScale, *wScale, yScale, ctx.input(7)));
  return success();
}

} // namespace strata::onnx_import
