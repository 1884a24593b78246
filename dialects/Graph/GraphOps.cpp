//===- GraphOps.cpp - Type inference and verifiers of graph ops -*- C++ -*-===//
//
// Most graph ops infer their result type (InferTypeOpInterface): passes build
// them from operands alone, and the interface's verifier compares declared
// and inferred types. The inference functions are also where malformed
// operands and attributes are reported, with messages that name the operand
// or attribute at fault. Ops whose target shape is their result type
// (Reshape, Expand, Cast, ConstantOfShape) have verifiers instead.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace strata::graph;

namespace {

RankedTensorType tensorTypeOf(Value value) {
  return dyn_cast_if_present<RankedTensorType>(value.getType());
}

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

/// Prints a shape as ONNX users write it: 1x3x224x224, or "scalar".
std::string formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

/// Reports an inference error worded like emitOpError ("'graph.conv' op
/// ..."), when there is a location to report it at.
template <typename OpT, typename... Args>
LogicalResult inferenceError(std::optional<Location> loc, Args &&...args) {
  return emitOptionalError(loc, "'", OpT::getOperationName(), "' op ",
                           std::forward<Args>(args)...);
}

/// Appends a tensor type of `shape` and `element` to `types`.
LogicalResult inferred(SmallVectorImpl<Type> &types, ArrayRef<int64_t> shape,
                       Type element) {
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

/// All operands ranked tensors, or the error every inference reports.
template <typename OpT>
LogicalResult expectRankedOperands(std::optional<Location> loc,
                                   ValueRange operands) {
  for (Value operand : operands)
    if (operand && !tensorTypeOf(operand))
      return inferenceError<OpT>(loc, "expects ranked tensor operands");
  return success();
}

/// Output shape of a sliding-window op over `spatial` axes, checking its
/// attributes.
template <typename OpT>
FailureOr<SmallVector<int64_t>>
inferWindow(std::optional<Location> loc, ArrayRef<int64_t> input,
            ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
            ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations, bool ceilMode,
            int64_t channels) {
  size_t spatial = input.size() - 2;
  if (kernel.size() != spatial || strides.size() != spatial ||
      dilations.size() != spatial || pads.size() != 2 * spatial)
    return inferenceError<OpT>(loc, "expects ", spatial,
                               " kernel, stride and dilation entries and ",
                               2 * spatial, " pads for a rank-", input.size(),
                               " input");
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return inferenceError<OpT>(loc,
                               "kernel, strides and dilations must be positive");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return inferenceError<OpT>(loc, "pads must be non-negative");
  SmallVector<int64_t> shape = {input[0], channels};
  for (size_t i = 0; i < spatial; ++i)
    shape.push_back(windowOutputSize(input[i + 2], kernel[i], strides[i],
                                     pads[i], pads[i + spatial], dilations[i],
                                     ceilMode));
  return shape;
}

/// Broadcasting binary ops: equal element types, numpy broadcast shape.
template <typename OpT>
LogicalResult inferBroadcast(std::optional<Location> loc, Value lhs, Value rhs,
                             SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<OpT>(loc, {lhs, rhs})))
    return failure();
  if (elementTypeOf(lhs) != elementTypeOf(rhs))
    return inferenceError<OpT>(loc, "element types of the operands differ: ",
                               elementTypeOf(lhs), " vs ", elementTypeOf(rhs));
  auto shape = broadcastShapes(shapeOf(lhs), shapeOf(rhs));
  if (!shape)
    return inferenceError<OpT>(loc, "operand shapes ",
                               formatShape(shapeOf(lhs)), " and ",
                               formatShape(shapeOf(rhs)), " do not broadcast");
  return inferred(types, *shape, elementTypeOf(lhs));
}

/// Ops whose result has their first operand's type.
template <typename OpT>
LogicalResult inferSameType(std::optional<Location> loc, Value input,
                            SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<OpT>(loc, input)))
    return failure();
  types.push_back(input.getType());
  return success();
}

template <typename SoftmaxLike>
LogicalResult inferSoftmax(std::optional<Location> loc, Value input,
                           int64_t axis, SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<SoftmaxLike>(loc, input)))
    return failure();
  int64_t rank = tensorTypeOf(input).getRank();
  if (!normalizeAxis(axis, rank))
    return inferenceError<SoftmaxLike>(loc, "axis ", axis,
                                       " is outside the input's rank ", rank);
  types.push_back(input.getType());
  return success();
}

/// Squeeze's and Unsqueeze's result shapes.
FailureOr<SmallVector<int64_t>> squeezedShape(std::optional<Location> loc,
                                              ArrayRef<int64_t> x,
                                              ArrayRef<int64_t> axes) {
  llvm::SmallDenseSet<int64_t> squeezed;
  for (int64_t axis : axes) {
    auto normalized = normalizeAxis(axis, x.size());
    if (!normalized || x[*normalized] != 1)
      return inferenceError<SqueezeOp>(loc, "axis ", axis,
                                       " is not a unit axis of the input");
    squeezed.insert(*normalized);
  }
  SmallVector<int64_t> shape;
  for (auto [i, extent] : llvm::enumerate(x))
    if (!squeezed.contains(i))
      shape.push_back(extent);
  return shape;
}

FailureOr<SmallVector<int64_t>> unsqueezedShape(std::optional<Location> loc,
                                                ArrayRef<int64_t> x,
                                                ArrayRef<int64_t> axes) {
  int64_t rank = x.size() + axes.size();
  llvm::SmallDenseSet<int64_t> inserted;
  for (int64_t axis : axes) {
    auto normalized = normalizeAxis(axis, rank);
    if (!normalized || !inserted.insert(*normalized).second)
      return inferenceError<UnsqueezeOp>(loc, "axis ", axis,
                                         " is invalid or repeated");
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0, next = 0; i < rank; ++i)
    shape.push_back(inserted.contains(i) ? 1 : x[next++]);
  return shape;
}

} // namespace

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

#define STRATA_INFER_BINARY(OpT)                                               \
  LogicalResult OpT::inferReturnTypes(MLIRContext *,                           \
                                      std::optional<Location> loc,             \
                                      Adaptor adaptor,                         \
                                      SmallVectorImpl<Type> &types) {          \
    return inferBroadcast<OpT>(loc, adaptor.getLhs(), adaptor.getRhs(),        \
                               types);                                         \
  }
STRATA_INFER_BINARY(AddOp)
STRATA_INFER_BINARY(SubOp)
STRATA_INFER_BINARY(MulOp)
STRATA_INFER_BINARY(DivOp)
STRATA_INFER_BINARY(MaxOp)
STRATA_INFER_BINARY(MinOp)
STRATA_INFER_BINARY(AndOp)
STRATA_INFER_BINARY(OrOp)
STRATA_INFER_BINARY(XorOp)
STRATA_INFER_BINARY(ModOp)
STRATA_INFER_BINARY(BitShiftOp)
#undef STRATA_INFER_BINARY

/// Pow: the exponent's element type may differ; the result has the base's.
LogicalResult PowOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<PowOp>(loc, adaptor.getOperands())))
    return failure();
  auto shape = broadcastShapes(shapeOf(adaptor.getLhs()),
                               shapeOf(adaptor.getRhs()));
  if (!shape)
    return inferenceError<PowOp>(loc, "operand shapes ",
                                 formatShape(shapeOf(adaptor.getLhs())), " and ",
                                 formatShape(shapeOf(adaptor.getRhs())),
                                 " do not broadcast");
  return inferred(types, *shape, elementTypeOf(adaptor.getLhs()));
}

/// Comparisons broadcast like arithmetic and produce bool.
#define STRATA_INFER_COMPARE(OpT)                                              \
  LogicalResult OpT::inferReturnTypes(MLIRContext *context,                    \
                                      std::optional<Location> loc,             \
                                      Adaptor adaptor,                         \
                                      SmallVectorImpl<Type> &types) {          \
    if (failed(inferBroadcast<OpT>(loc, adaptor.getLhs(), adaptor.getRhs(),    \
                                   types)))                                    \
      return failure();                                                        \
    types.back() = cast<RankedTensorType>(types.back())                        \
                       .clone(IntegerType::get(context, 1));                   \
    return success();                                                          \
  }
STRATA_INFER_COMPARE(EqualOp)
STRATA_INFER_COMPARE(LessOp)
STRATA_INFER_COMPARE(LessOrEqualOp)
STRATA_INFER_COMPARE(GreaterOp)
STRATA_INFER_COMPARE(GreaterOrEqualOp)
#undef STRATA_INFER_COMPARE

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<WhereOp>(loc, adaptor.getOperands())))
    return failure();
  if (!elementTypeOf(adaptor.getCondition()).isInteger(1))
    return inferenceError<WhereOp>(loc, "condition must be a bool tensor");
  if (failed(inferBroadcast<WhereOp>(loc, adaptor.getLhs(), adaptor.getRhs(),
                                     types)))
    return failure();
  auto shape = broadcastShapes(shapeOf(adaptor.getCondition()),
                               cast<RankedTensorType>(types.back()).getShape());
  if (!shape)
    return inferenceError<WhereOp>(loc, "condition shape ",
                                   formatShape(shapeOf(adaptor.getCondition())),
                                   " does not broadcast with the values");
  types.back() = cast<RankedTensorType>(types.back()).clone(*shape);
  return success();
}

#define STRATA_INFER_SAME_TYPE(OpT)                                            \
  LogicalResult OpT::inferReturnTypes(MLIRContext *,                           \
                                      std::optional<Location> loc,             \
                                      Adaptor adaptor,                         \
                                      SmallVectorImpl<Type> &types) {          \
    return inferSameType<OpT>(loc, adaptor.getInput(), types);                 \
  }
STRATA_INFER_SAME_TYPE(IdentityOp)
STRATA_INFER_SAME_TYPE(ReluOp)
STRATA_INFER_SAME_TYPE(SigmoidOp)
STRATA_INFER_SAME_TYPE(TanhOp)
STRATA_INFER_SAME_TYPE(ClipOp)
STRATA_INFER_SAME_TYPE(NegOp)
STRATA_INFER_SAME_TYPE(AbsOp)
STRATA_INFER_SAME_TYPE(ExpOp)
STRATA_INFER_SAME_TYPE(LogOp)
STRATA_INFER_SAME_TYPE(SqrtOp)
STRATA_INFER_SAME_TYPE(ReciprocalOp)
STRATA_INFER_SAME_TYPE(FloorOp)
STRATA_INFER_SAME_TYPE(CeilOp)
STRATA_INFER_SAME_TYPE(ErfOp)
STRATA_INFER_SAME_TYPE(SinOp)
STRATA_INFER_SAME_TYPE(CosOp)
STRATA_INFER_SAME_TYPE(SoftplusOp)
STRATA_INFER_SAME_TYPE(SoftsignOp)
STRATA_INFER_SAME_TYPE(HardSwishOp)
STRATA_INFER_SAME_TYPE(NotOp)
STRATA_INFER_SAME_TYPE(LeakyReluOp)
STRATA_INFER_SAME_TYPE(EluOp)
STRATA_INFER_SAME_TYPE(CeluOp)
STRATA_INFER_SAME_TYPE(ThresholdedReluOp)
STRATA_INFER_SAME_TYPE(SeluOp)
STRATA_INFER_SAME_TYPE(HardSigmoidOp)
STRATA_INFER_SAME_TYPE(ShrinkOp)
STRATA_INFER_SAME_TYPE(TanOp)
STRATA_INFER_SAME_TYPE(AsinOp)
STRATA_INFER_SAME_TYPE(AcosOp)
STRATA_INFER_SAME_TYPE(AtanOp)
STRATA_INFER_SAME_TYPE(SinhOp)
STRATA_INFER_SAME_TYPE(CoshOp)
STRATA_INFER_SAME_TYPE(AsinhOp)
STRATA_INFER_SAME_TYPE(AcoshOp)
STRATA_INFER_SAME_TYPE(AtanhOp)
STRATA_INFER_SAME_TYPE(SignOp)
STRATA_INFER_SAME_TYPE(RoundOp)
#undef STRATA_INFER_SAME_TYPE

/// Float classification tests: the input's shape, bool elements.
template <typename OpT>
LogicalResult inferFloatTest(MLIRContext *context, std::optional<Location> loc,
                             Value input, SmallVectorImpl<Type> &types) {
  if (failed(inferSameType<OpT>(loc, input, types)))
    return failure();
  if (!isa<FloatType>(elementTypeOf(input)))
    return inferenceError<OpT>(loc, "expects a floating-point tensor");
  types.back() =
      cast<RankedTensorType>(types.back()).clone(IntegerType::get(context, 1));
  return success();
}

LogicalResult IsNaNOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  return inferFloatTest<IsNaNOp>(context, loc, adaptor.getInput(), types);
}

LogicalResult IsInfOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  return inferFloatTest<IsInfOp>(context, loc, adaptor.getInput(), types);
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferSoftmax<SoftmaxOp>(loc, adaptor.getInput(),
                                 static_cast<int64_t>(adaptor.getAxis()), types);
}

LogicalResult LogSoftmaxOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &types) {
  return inferSoftmax<LogSoftmaxOp>(
      loc, adaptor.getInput(), static_cast<int64_t>(adaptor.getAxis()), types);
}

std::optional<std::pair<DenseElementsAttr, DenseElementsAttr>>
strata::graph::foldBatchNormParameters(BatchNormalizationOp op) {
  DenseElementsAttr scale, bias, mean, variance;
  if (!matchPattern(op.getScale(), m_Constant(&scale)) ||
      !matchPattern(op.getBias(), m_Constant(&bias)) ||
      !matchPattern(op.getMean(), m_Constant(&mean)) ||
      !matchPattern(op.getVariance(), m_Constant(&variance)))
    return std::nullopt;
  for (DenseElementsAttr attr : {scale, bias, mean, variance})
    if (!attr.getElementType().isF32() || attr.getType().getRank() != 1)
      return std::nullopt;
  int64_t channels = scale.getNumElements();
  if (bias.getNumElements() != channels || mean.getNumElements() != channels ||
      variance.getNumElements() != channels)
    return std::nullopt;
  auto values = [channels](DenseElementsAttr attr) {
    SmallVector<double> out;
    for (int64_t c = 0; c < channels; ++c)
      out.push_back(attr.isSplat() ? attr.getSplatValue<float>()
                                   : attr.getValues<float>()[c]);
    return out;
  };
  SmallVector<double> s = values(scale), b = values(bias), m = values(mean),
                      v = values(variance);
  double epsilon = op.getEpsilon().convertToDouble();
  SmallVector<float> multiplier, shift;
  for (int64_t c = 0; c < channels; ++c) {
    double factor = s[c] / std::sqrt(v[c] + epsilon);
    multiplier.push_back(static_cast<float>(factor));
    shift.push_back(static_cast<float>(b[c] - m[c] * factor));
  }
  auto type = scale.getType();
  return std::make_pair(DenseElementsAttr::get(type, llvm::ArrayRef(multiplier)),
                        DenseElementsAttr::get(type, llvm::ArrayRef(shift)));
}

LogicalResult BatchNormalizationOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<BatchNormalizationOp>(loc,
                                                        adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  if (x.size() < 2)
    return inferenceError<BatchNormalizationOp>(
        loc, "expects an input of rank 2 or more");
  for (Value param : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                      adaptor.getVariance()})
    if (shapeOf(param) != ArrayRef<int64_t>{x[1]})
      return inferenceError<BatchNormalizationOp>(
          loc, "scale, bias, mean and variance must be 1-D with ", x[1],
          " entries (the channel count)");
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getResult().getType().getShape())
    return emitOpError("cast changes the shape");
  return success();
}

LogicalResult RequantizeOp::verify() {
  RankedTensorType input = getInput().getType(), result = getResult().getType();
  if (!input.getElementType().isSignlessInteger(32))
    return emitOpError("input must be int32 accumulators, not ")
           << input.getElementType();
  if (!result.getElementType().isSignlessInteger(8))
    return emitOpError("result must be int8, not ") << result.getElementType();
  if (input.getShape() != result.getShape())
    return emitOpError("requantization changes the shape");
  int64_t axis = getAxis();
  if (axis < 0 || axis >= input.getRank())
    return emitOpError("axis ") << axis << " is outside a rank-"
                                << input.getRank() << " input";
  ArrayRef<int32_t> multiplier = getMultiplier(), shift = getShift();
  int64_t channels = input.getDimSize(axis);
  if (multiplier.size() != shift.size() ||
      (multiplier.size() != 1 && int64_t(multiplier.size()) != channels))
    return emitOpError("needs one multiplier and one shift, or one of each "
                       "per channel of axis ")
           << axis << " (" << channels << "), not " << multiplier.size()
           << " and " << shift.size();
  for (auto [m, s] : llvm::zip(multiplier, shift)) {
    if (m < 0)
      return emitOpError("multiplier ") << m << " is negative";
    if (s < 1 || s > 62)
      return emitOpError("shift ") << s << " is outside [1, 62]";
  }
  // I32Attr's getters return the bits unsigned.
  auto zeroPoint = int32_t(getZeroPoint()), low = int32_t(getMin()),
       high = int32_t(getMax());
  auto inInt8 = [](int32_t v) { return v >= -128 && v <= 127; };
  if (!inInt8(zeroPoint))
    return emitOpError("zero point ") << zeroPoint << " is outside the int8 range";
  if (!inInt8(low) || !inInt8(high) || low > high)
    return emitOpError("clamp [") << low << ", " << high
                                  << "] is not a range within int8";
  return success();
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult ConstantOfShapeOp::verify() {
  auto shapeType = cast<RankedTensorType>(getShape().getType());
  if (shapeType.getRank() != 1 || !shapeType.getElementType().isInteger(64))
    return emitOpError("shape operand must be a 1-D int64 tensor");
  if (cast<TypedAttr>(getValue()).getType() !=
      getResult().getType().getElementType())
    return emitOpError("value type ")
           << cast<TypedAttr>(getValue()).getType()
           << " differs from the result's element type";
  if (shapeType.getDimSize(0) != getResult().getType().getRank())
    return emitOpError("shape operand has ")
           << shapeType.getDimSize(0) << " entries for a rank-"
           << getResult().getType().getRank() << " result";
  return success();
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<ShapeOp>(loc, adaptor.getInput())))
    return failure();
  std::optional<int64_t> end;
  if (adaptor.getEnd())
    end = static_cast<int64_t>(*adaptor.getEnd());
  auto [start, stop] =
      shapeOpRange(static_cast<int64_t>(adaptor.getStart()), end,
                   tensorTypeOf(adaptor.getInput()).getRank());
  return inferred(types, {std::max<int64_t>(stop - start, 0)},
                  IntegerType::get(context, 64));
}

//===----------------------------------------------------------------------===//
// Contractions, convolution and pooling
//===----------------------------------------------------------------------===//

/// The result types an op inferring `inferred` may declare: the same, or
/// for int8 operands an int32 result of the same shape (integer products
/// accumulate wider).
static bool isSameOrWidenedInt8(TypeRange inferred, TypeRange actual) {
  if (inferred == actual)
    return true;
  if (inferred.size() != 1 || actual.size() != 1)
    return false;
  auto from = dyn_cast<RankedTensorType>(inferred.front());
  auto to = dyn_cast<RankedTensorType>(actual.front());
  return from && to && from.getShape() == to.getShape() &&
         from.getElementType().isSignlessInteger(8) &&
         to.getElementType().isSignlessInteger(32);
}

bool MatMulOp::isCompatibleReturnTypes(TypeRange inferred, TypeRange actual) {
  return isSameOrWidenedInt8(inferred, actual);
}

bool ConvOp::isCompatibleReturnTypes(TypeRange inferred, TypeRange actual) {
  return isSameOrWidenedInt8(inferred, actual);
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
  if (failed(expectRankedOperands<MatMulOp>(loc, {lhs, rhs})))
    return failure();
  if (elementTypeOf(lhs) != elementTypeOf(rhs))
    return inferenceError<MatMulOp>(loc, "element types of the operands differ: ",
                                    elementTypeOf(lhs), " vs ",
                                    elementTypeOf(rhs));
  auto shape = matmulShape(shapeOf(lhs), shapeOf(rhs));
  if (!shape)
    return inferenceError<MatMulOp>(loc, "operand shapes ",
                                    formatShape(shapeOf(lhs)), " and ",
                                    formatShape(shapeOf(rhs)),
                                    " do not multiply");
  return inferred(types, *shape, elementTypeOf(lhs));
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<GemmOp>(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> a = shapeOf(adaptor.getA()), b = shapeOf(adaptor.getB());
  if (a.size() != 2 || b.size() != 2)
    return inferenceError<GemmOp>(loc, "A and B must be matrices");
  bool transA = adaptor.getTransA(), transB = adaptor.getTransB();
  int64_t m = transA ? a[1] : a[0], k = transA ? a[0] : a[1];
  int64_t kB = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
  if (k != kB)
    return inferenceError<GemmOp>(loc, "inner dimensions differ: ", k, " vs ",
                                  kB);
  if (Value c = adaptor.getC()) {
    auto shape = broadcastShapes(shapeOf(c), {m, n});
    if (!shape || *shape != ArrayRef<int64_t>{m, n})
      return inferenceError<GemmOp>(loc, "C of shape ", formatShape(shapeOf(c)),
                                    " does not broadcast to ", m, "x", n);
  }
  return inferred(types, {m, n}, elementTypeOf(adaptor.getA()));
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<ConvOp>(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> w = shapeOf(adaptor.getWeight());
  if (x.size() < 3 || x.size() > 5 || w.size() != x.size())
    return inferenceError<ConvOp>(
        loc, "expects a 1-D, 2-D or 3-D convolution (rank-3 to rank-5 input "
             "and weight of the same rank)");
  int64_t group = adaptor.getGroup();
  if (group <= 0 || x[1] != w[1] * group || w[0] % group != 0)
    return inferenceError<ConvOp>(loc, "input channels ", x[1],
                                  " do not match weight ", formatShape(w),
                                  " with group ", group);
  if (Value bias = adaptor.getBias())
    if (shapeOf(bias) != ArrayRef<int64_t>{w[0]})
      return inferenceError<ConvOp>(loc, "bias must be 1-D with ", w[0],
                                    " entries");
  auto shape = inferWindow<ConvOp>(loc, x, w.drop_front(2), adaptor.getStrides(),
                                   adaptor.getPads(), adaptor.getDilations(),
                                   /*ceilMode=*/false, w[0]);
  if (failed(shape))
    return failure();
  return inferred(types, *shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult MaxPoolIndicesOp::inferReturnTypes(MLIRContext *context,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<MaxPoolIndicesOp>(loc, adaptor.getInput())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  if (x.size() != 4)
    return inferenceError<MaxPoolIndicesOp>(loc, "expects a rank-4 NCHW input");
  auto shape = inferWindow<MaxPoolIndicesOp>(
      loc, x, adaptor.getKernelShape(), adaptor.getStrides(), adaptor.getPads(),
      adaptor.getDilations(), adaptor.getCeilMode(), x[1]);
  if (failed(shape))
    return failure();
  return inferred(types, *shape, IntegerType::get(context, 64));
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<MaxPoolOp>(loc, adaptor.getInput())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  if (x.size() < 3)
    return inferenceError<MaxPoolOp>(loc, "expects an input of rank 3 or more");
  auto shape = inferWindow<MaxPoolOp>(
      loc, x, adaptor.getKernelShape(), adaptor.getStrides(), adaptor.getPads(),
      adaptor.getDilations(), adaptor.getCeilMode(), x[1]);
  if (failed(shape))
    return failure();
  return inferred(types, *shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult AveragePoolOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<AveragePoolOp>(loc, adaptor.getInput())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  if (x.size() < 3)
    return inferenceError<AveragePoolOp>(loc,
                                         "expects an input of rank 3 or more");
  SmallVector<int64_t> dilations(x.size() - 2, 1);
  auto shape = inferWindow<AveragePoolOp>(
      loc, x, adaptor.getKernelShape(), adaptor.getStrides(), adaptor.getPads(),
      dilations, adaptor.getCeilMode(), x[1]);
  if (failed(shape))
    return failure();
  return inferred(types, *shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult GlobalAveragePoolOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<GlobalAveragePoolOp>(loc, adaptor.getInput())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  if (x.size() < 3)
    return inferenceError<GlobalAveragePoolOp>(
        loc, "expects an input of rank 3 or more");
  SmallVector<int64_t> shape(x.size(), 1);
  shape[0] = x[0];
  shape[1] = x[1];
  return inferred(types, shape, elementTypeOf(adaptor.getInput()));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

namespace {

/// The shape left after reducing `axes` (kept as extent 1 with `keepdims`).
template <typename OpT>
FailureOr<SmallVector<int64_t>> reducedShape(std::optional<Location> loc,
                                             ArrayRef<int64_t> shape,
                                             ArrayRef<int64_t> axes,
                                             bool keepdims) {
  llvm::SmallDenseSet<int64_t> reduced;
  for (int64_t axis : axes) {
    auto normalized = normalizeAxis(axis, shape.size());
    if (!normalized || !reduced.insert(*normalized).second)
      return inferenceError<OpT>(loc, "axis ", axis, " is invalid or repeated");
  }
  SmallVector<int64_t> result;
  for (auto [i, extent] : llvm::enumerate(shape)) {
    if (!reduced.contains(i))
      result.push_back(extent);
    else if (keepdims)
      result.push_back(1);
  }
  return result;
}

template <typename OpT>
LogicalResult inferReduce(std::optional<Location> loc, typename OpT::Adaptor adaptor,
                          SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<OpT>(loc, adaptor.getInput())))
    return failure();
  auto shape = reducedShape<OpT>(loc, shapeOf(adaptor.getInput()),
                                 adaptor.getAxes(), adaptor.getKeepdims());
  if (failed(shape))
    return failure();
  return inferred(types, *shape, elementTypeOf(adaptor.getInput()));
}

template <typename OpT>
LogicalResult inferArgExtreme(MLIRContext *context, std::optional<Location> loc,
                              typename OpT::Adaptor adaptor,
                              SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<OpT>(loc, adaptor.getInput())))
    return failure();
  int64_t axis = static_cast<int64_t>(adaptor.getAxis());
  auto shape = reducedShape<OpT>(loc, shapeOf(adaptor.getInput()), {axis},
                                 adaptor.getKeepdims());
  if (failed(shape))
    return failure();
  return inferred(types, *shape, IntegerType::get(context, 64));
}

} // namespace

#define STRATA_INFER_REDUCE(OpT)                                               \
  LogicalResult OpT::inferReturnTypes(MLIRContext *,                           \
                                      std::optional<Location> loc,             \
                                      Adaptor adaptor,                         \
                                      SmallVectorImpl<Type> &types) {          \
    return inferReduce<OpT>(loc, adaptor, types);                              \
  }
STRATA_INFER_REDUCE(ReduceSumOp)
STRATA_INFER_REDUCE(ReduceMeanOp)
STRATA_INFER_REDUCE(ReduceMaxOp)
STRATA_INFER_REDUCE(ReduceMinOp)
STRATA_INFER_REDUCE(ReduceProdOp)
STRATA_INFER_REDUCE(ReduceSumSquareOp)
STRATA_INFER_REDUCE(ReduceL1Op)
STRATA_INFER_REDUCE(ReduceL2Op)
STRATA_INFER_REDUCE(ReduceLogSumOp)
STRATA_INFER_REDUCE(ReduceLogSumExpOp)
#undef STRATA_INFER_REDUCE

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return inferArgExtreme<ArgMaxOp>(context, loc, adaptor, types);
}

LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return inferArgExtreme<ArgMinOp>(context, loc, adaptor, types);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getElementType() !=
      getResult().getType().getElementType())
    return emitOpError("element types of input and result differ: ")
           << getInput().getType().getElementType() << " vs "
           << getResult().getType().getElementType();
  if (getInput().getType().getNumElements() !=
      getResult().getType().getNumElements())
    return emitOpError("cannot reshape ")
           << formatShape(shapeOf(getInput())) << " into "
           << formatShape(shapeOf(getResult()));
  return success();
}

LogicalResult ExpandOp::verify() {
  if (getInput().getType().getElementType() !=
      getResult().getType().getElementType())
    return emitOpError("element types of input and result differ: ")
           << getInput().getType().getElementType() << " vs "
           << getResult().getType().getElementType();
  auto shape = broadcastShapes(shapeOf(getInput()), shapeOf(getResult()));
  if (!shape || *shape != shapeOf(getResult()))
    return emitOpError("cannot expand ")
           << formatShape(shapeOf(getInput())) << " to "
           << formatShape(shapeOf(getResult()));
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<FlattenOp>(loc, adaptor.getInput())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  int64_t axisValue = static_cast<int64_t>(adaptor.getAxis());
  auto axis = normalizeAxis(axisValue, x.size(), /*allowEnd=*/true);
  if (!axis)
    return inferenceError<FlattenOp>(loc, "axis ", axisValue,
                                     " is outside the input's rank");
  int64_t outer = 1, inner = 1;
  for (auto [i, extent] : llvm::enumerate(x))
    (static_cast<int64_t>(i) < *axis ? outer : inner) *= extent;
  return inferred(types, {outer, inner}, elementTypeOf(adaptor.getInput()));
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<SqueezeOp>(loc, adaptor.getInput())))
    return failure();
  auto shape = squeezedShape(loc, shapeOf(adaptor.getInput()), adaptor.getAxes());
  if (failed(shape))
    return failure();
  return inferred(types, *shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<UnsqueezeOp>(loc, adaptor.getInput())))
    return failure();
  auto shape =
      unsqueezedShape(loc, shapeOf(adaptor.getInput()), adaptor.getAxes());
  if (failed(shape))
    return failure();
  return inferred(types, *shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<TransposeOp>(loc, adaptor.getInput())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (perm.size() != x.size())
    return inferenceError<TransposeOp>(loc, "perm has ", perm.size(),
                                       " entries for a rank-", x.size(),
                                       " input");
  SmallVector<bool> seen(x.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(x.size()) || seen[p])
      return inferenceError<TransposeOp>(loc, "perm is not a permutation");
    seen[p] = true;
    shape.push_back(x[p]);
  }
  return inferred(types, shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return inferenceError<ConcatOp>(loc, "needs at least one input");
  if (failed(expectRankedOperands<ConcatOp>(loc, inputs)))
    return failure();
  ArrayRef<int64_t> first = shapeOf(inputs.front());
  int64_t axisValue = static_cast<int64_t>(adaptor.getAxis());
  auto axis = normalizeAxis(axisValue, first.size());
  if (!axis)
    return inferenceError<ConcatOp>(loc, "axis ", axisValue,
                                    " is outside the inputs' rank");
  SmallVector<int64_t> shape(first);
  shape[*axis] = 0;
  for (Value input : inputs) {
    ArrayRef<int64_t> inputShape = shapeOf(input);
    if (elementTypeOf(input) != elementTypeOf(inputs.front()))
      return inferenceError<ConcatOp>(loc, "element types of the inputs differ: ",
                                      elementTypeOf(inputs.front()), " vs ",
                                      elementTypeOf(input));
    for (size_t i = 0; i < first.size(); ++i)
      if (inputShape.size() != first.size() ||
          (static_cast<int64_t>(i) != *axis && inputShape[i] != first[i]))
        return inferenceError<ConcatOp>(loc,
                                        "inputs differ off the concatenation axis");
    shape[*axis] += inputShape[*axis];
  }
  return inferred(types, shape, elementTypeOf(inputs.front()));
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<PadOp>(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> pads = adaptor.getPads();
  size_t rank = x.size();
  if (pads.size() != 2 * rank)
    return inferenceError<PadOp>(loc, "expects ", 2 * rank,
                                 " pads for a rank-", rank, " input, not ",
                                 pads.size());
  if (!shapeOf(adaptor.getValue()).empty() ||
      elementTypeOf(adaptor.getValue()) != elementTypeOf(adaptor.getInput()))
    return inferenceError<PadOp>(
        loc, "value must be a rank-0 tensor of the input's element type");
  StringRef mode = adaptor.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return inferenceError<PadOp>(loc, "mode must be constant, reflect or edge, not '",
                                 mode, "'");
  SmallVector<int64_t> shape(x);
  for (size_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[d + rank];
    if (before < 0 || after < 0)
      return inferenceError<PadOp>(loc, "pads must be non-negative");
    if (mode == "reflect" && (before >= x[d] || after >= x[d]) &&
        before + after > 0)
      return inferenceError<PadOp>(loc, "reflect pads of axis ", d,
                                   " must be smaller than its extent ", x[d]);
    if (mode == "edge" && x[d] == 0 && before + after > 0)
      return inferenceError<PadOp>(loc, "edge padding of an empty axis");
    shape[d] += before + after;
  }
  return inferred(types, shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<SliceOp>(loc, adaptor.getInput())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    axes = adaptor.getAxes(), steps = adaptor.getSteps();
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return inferenceError<SliceOp>(loc,
                                   "starts, ends, axes and steps differ in length");
  SmallVector<int64_t> shape(x);
  llvm::SmallDenseSet<int64_t> seen;
  for (size_t i = 0; i < starts.size(); ++i) {
    auto axis = normalizeAxis(axes[i], x.size());
    if (!axis || !seen.insert(*axis).second)
      return inferenceError<SliceOp>(loc, "axis ", axes[i],
                                     " is invalid or repeated");
    if (steps[i] == 0)
      return inferenceError<SliceOp>(loc, "steps must be non-zero");
    shape[*axis] = resolveSliceRange(starts[i], ends[i], steps[i], x[*axis]).size;
  }
  return inferred(types, shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<GatherOp>(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  int64_t axisValue = static_cast<int64_t>(adaptor.getAxis());
  auto axis = normalizeAxis(axisValue, x.size());
  if (!axis)
    return inferenceError<GatherOp>(loc, "axis ", axisValue,
                                    " is outside the input's rank");
  if (!isa<IntegerType>(elementTypeOf(adaptor.getIndices())))
    return inferenceError<GatherOp>(loc, "indices must be integers");
  SmallVector<int64_t> shape(x.begin(), x.begin() + *axis);
  llvm::append_range(shape, shapeOf(adaptor.getIndices()));
  shape.append(x.begin() + *axis + 1, x.end());
  return inferred(types, shape, elementTypeOf(adaptor.getInput()));
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<GatherElementsOp>(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> indices = shapeOf(adaptor.getIndices());
  int64_t axisValue = static_cast<int64_t>(adaptor.getAxis());
  if (!normalizeAxis(axisValue, x.size()))
    return inferenceError<GatherElementsOp>(loc, "axis ", axisValue,
                                            " is outside the input's rank");
  if (indices.size() != x.size())
    return inferenceError<GatherElementsOp>(
        loc, "indices must have the input's rank ", x.size());
  if (!isa<IntegerType>(elementTypeOf(adaptor.getIndices())))
    return inferenceError<GatherElementsOp>(loc, "indices must be integers");
  return inferred(types, indices, elementTypeOf(adaptor.getInput()));
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<GatherNDOp>(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> indices = shapeOf(adaptor.getIndices());
  int64_t batch = adaptor.getBatchDims();
  if (!isa<IntegerType>(elementTypeOf(adaptor.getIndices())))
    return inferenceError<GatherNDOp>(loc, "indices must be integers");
  if (indices.empty() || batch < 0 ||
      batch >= static_cast<int64_t>(std::min(x.size(), indices.size())))
    return inferenceError<GatherNDOp>(loc, "batch_dims ", batch,
                                      " must be below both ranks");
  int64_t k = indices.back();
  if (k < 1 || batch + k > static_cast<int64_t>(x.size()))
    return inferenceError<GatherNDOp>(loc, "index tuples of ", k,
                                      " coordinates do not fit a rank-",
                                      x.size(), " input");
  for (int64_t d = 0; d < batch; ++d)
    if (x[d] != indices[d])
      return inferenceError<GatherNDOp>(loc, "batch axis ", d, " differs");
  SmallVector<int64_t> shape(indices.drop_back());
  shape.append(x.begin() + batch + k, x.end());
  return inferred(types, shape, elementTypeOf(adaptor.getInput()));
}

/// Scatters return their input's type; the reduction must be known.
template <typename OpT>
LogicalResult inferScatter(std::optional<Location> loc, ValueRange operands,
                           Value input, StringRef reduction,
                           SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<OpT>(loc, operands)))
    return failure();
  if (reduction != "none" && reduction != "add" && reduction != "mul")
    return inferenceError<OpT>(loc, "reduction must be none, add or mul, not '",
                               reduction, "'");
  if (!isa<IntegerType>(elementTypeOf(operands[1])))
    return inferenceError<OpT>(loc, "indices must be integers");
  if (elementTypeOf(operands[2]) != elementTypeOf(input))
    return inferenceError<OpT>(loc, "updates must have the input's element type");
  types.push_back(input.getType());
  return success();
}

LogicalResult ScatterElementsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  if (failed(inferScatter<ScatterElementsOp>(loc, adaptor.getOperands(),
                                             adaptor.getInput(),
                                             adaptor.getReduction(), types)))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> indices = shapeOf(adaptor.getIndices());
  if (!normalizeAxis(adaptor.getAxis(), x.size()))
    return inferenceError<ScatterElementsOp>(loc, "axis is outside the input's rank");
  if (indices != shapeOf(adaptor.getUpdates()) || indices.size() != x.size())
    return inferenceError<ScatterElementsOp>(
        loc, "indices and updates must share a shape of the input's rank");
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  if (failed(inferScatter<ScatterNDOp>(loc, adaptor.getOperands(),
                                       adaptor.getInput(),
                                       adaptor.getReduction(), types)))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> indices = shapeOf(adaptor.getIndices());
  if (indices.empty() || indices.back() < 1 ||
      indices.back() > static_cast<int64_t>(x.size()))
    return inferenceError<ScatterNDOp>(loc, "index tuples do not fit the input");
  SmallVector<int64_t> expected(indices.drop_back());
  expected.append(x.begin() + indices.back(), x.end());
  if (shapeOf(adaptor.getUpdates()) != ArrayRef<int64_t>(expected))
    return inferenceError<ScatterNDOp>(loc, "updates must be ",
                                       formatShape(expected));
  return success();
}

LogicalResult GridSampleOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<GridSampleOp>(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(adaptor.getInput());
  ArrayRef<int64_t> grid = shapeOf(adaptor.getGrid());
  if (x.size() != 4 || grid.size() != 4 || grid[0] != x[0] || grid[3] != 2)
    return inferenceError<GridSampleOp>(
        loc, "expects a rank-4 NCHW input and an [N, H_out, W_out, 2] grid");
  if (!isa<FloatType>(elementTypeOf(adaptor.getInput())) ||
      elementTypeOf(adaptor.getGrid()) != elementTypeOf(adaptor.getInput()))
    return inferenceError<GridSampleOp>(
        loc, "expects floating-point input and grid of one element type");
  StringRef mode = adaptor.getMode(), padding = adaptor.getPaddingMode();
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    return inferenceError<GridSampleOp>(loc, "mode must be bilinear, nearest "
                                             "or bicubic, not '", mode, "'");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return inferenceError<GridSampleOp>(loc, "padding_mode must be zeros, "
                                             "border or reflection, not '",
                                        padding, "'");
  return inferred(types, {x[0], x[1], grid[1], grid[2]},
                  elementTypeOf(adaptor.getInput()));
}

LogicalResult TriluOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<TriluOp>(loc, adaptor.getInput())))
    return failure();
  if (tensorTypeOf(adaptor.getInput()).getRank() < 2)
    return inferenceError<TriluOp>(loc, "expects an input of rank 2 or more");
  types.push_back(adaptor.getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Recurrent
//===----------------------------------------------------------------------===//

/// The recurrent ops: `gates` blocks of weights per direction, results Y
/// [seq, dirs, batch, hidden] then `states` of [dirs, batch, hidden].
template <typename OpT>
LogicalResult inferRecurrent(std::optional<Location> loc, ValueRange operands,
                             Value x, Value w, Value r, Value b, Value h0,
                             Value c0, int64_t hidden, StringRef direction,
                             int64_t gates, int states,
                             SmallVectorImpl<Type> &types) {
  if (failed(expectRankedOperands<OpT>(loc, operands)))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(x);
  if (xs.size() != 3)
    return inferenceError<OpT>(loc, "X must be [seq_length, batch, input_size]");
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return inferenceError<OpT>(loc, "direction must be forward, reverse or "
                                    "bidirectional, not '", direction, "'");
  if (hidden <= 0)
    return inferenceError<OpT>(loc, "hidden_size must be positive");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  int64_t seq = xs[0], batch = xs[1];
  auto expectShape = [&](Value v, ArrayRef<int64_t> shape,
                         StringRef name) -> LogicalResult {
    if (v && shapeOf(v) != shape)
      return inferenceError<OpT>(loc, name, " must be ", formatShape(shape),
                                 ", got ", formatShape(shapeOf(v)));
    return success();
  };
  if (failed(expectShape(w, {dirs, gates * hidden, xs[2]}, "W")) ||
      failed(expectShape(r, {dirs, gates * hidden, hidden}, "R")) ||
      failed(expectShape(b, {dirs, 2 * gates * hidden}, "B")) ||
      failed(expectShape(h0, {dirs, batch, hidden}, "initial_h")) ||
      failed(expectShape(c0, {dirs, batch, hidden}, "initial_c")))
    return failure();
  Type element = elementTypeOf(x);
  (void)inferred(types, {seq, dirs, batch, hidden}, element);
  for (int i = 0; i < states; ++i)
    (void)inferred(types, {dirs, batch, hidden}, element);
  return success();
}

LogicalResult LSTMOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  if (Value p = adaptor.getPeepholes()) {
    int64_t dirs = adaptor.getDirection() == "bidirectional" ? 2 : 1;
    SmallVector<int64_t> expected = {dirs, 3 * static_cast<int64_t>(adaptor.getHiddenSize())};
    if (tensorTypeOf(p) && shapeOf(p) != ArrayRef<int64_t>(expected))
      return inferenceError<LSTMOp>(loc, "peepholes must be ", formatShape(expected),
                                    ", got ", formatShape(shapeOf(p)));
  }
  return inferRecurrent<LSTMOp>(
      loc, adaptor.getOperands(), adaptor.getX(), adaptor.getW(),
      adaptor.getR(), adaptor.getB(), adaptor.getInitialH(),
      adaptor.getInitialC(), adaptor.getHiddenSize(), adaptor.getDirection(),
      /*gates=*/4, /*states=*/2, types);
}

LogicalResult GRUOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  return inferRecurrent<GRUOp>(
      loc, adaptor.getOperands(), adaptor.getX(), adaptor.getW(),
      adaptor.getR(), adaptor.getB(), adaptor.getInitialH(), Value(),
      adaptor.getHiddenSize(), adaptor.getDirection(), /*gates=*/3,
      /*states=*/1, types);
}

LogicalResult RNNOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  return inferRecurrent<RNNOp>(
      loc, adaptor.getOperands(), adaptor.getX(), adaptor.getW(),
      adaptor.getR(), adaptor.getB(), adaptor.getInitialH(), Value(),
      adaptor.getHiddenSize(), adaptor.getDirection(), /*gates=*/1,
      /*states=*/1, types);
}

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.cpp.inc"

std::string strata::graph::nodeName(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string name = nodeName(inner); !name.empty())
        return name;
  return "";
}
