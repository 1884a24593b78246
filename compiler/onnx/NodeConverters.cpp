//===- NodeConverters.cpp - One converter per ONNX op type ------*- C++ -*-===//
//
// Each converter reads one node's attributes with ONNX's defaults for the
// model's opset, normalizes what later passes should not have to know
// (auto_pad, opset-dependent axes, inputs that must be constants) and builds
// graph ops with createOrFold so constant subgraphs vanish on the spot.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/NodeConverters.h"
#include "compiler/onnx/ConverterSupport.h"
#include "compiler/onnx/TensorProtoConversion.h"

#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

#include <cmath>

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx_import {

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

RankedTensorType NodeContext::resultType(size_t i) const {
  return i < resultTypes.size()
             ? dyn_cast_if_present<RankedTensorType>(resultTypes[i])
             : RankedTensorType();
}

RankedTensorType NodeContext::inputType(size_t i) const {
  Value v = input(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

const onnx::AttributeProto *NodeContext::attribute(StringRef name) const {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t fallback) const {
  const auto *attr = attribute(name);
  return attr ? attr->i() : fallback;
}

float NodeContext::floatAttr(StringRef name, float fallback) const {
  const auto *attr = attribute(name);
  return attr ? attr->f() : fallback;
}

std::string NodeContext::stringAttr(StringRef name, StringRef fallback) const {
  const auto *attr = attribute(name);
  return attr ? attr->s() : fallback.str();
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name) const {
  const auto *attr = attribute(name);
  if (!attr)
    return std::nullopt;
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::optional<SmallVector<int64_t>> NodeContext::constantInts(size_t i) const {
  DenseIntElementsAttr values;
  if (!input(i) || !matchPattern(input(i), m_Constant(&values)))
    return std::nullopt;
  SmallVector<int64_t> result;
  for (const APInt &v : values)
    result.push_back(v.getSExtValue());
  return result;
}

std::optional<double> NodeContext::constantScalar(size_t i) const {
  DenseElementsAttr values;
  if (!input(i) || !matchPattern(input(i), m_Constant(&values)) ||
      values.getNumElements() != 1)
    return std::nullopt;
  if (isa<FloatType>(values.getElementType()))
    return (*values.value_begin<APFloat>()).convertToDouble();
  return static_cast<double>((*values.value_begin<APInt>()).getSExtValue());
}

FailureOr<DenseElementsAttr>
NodeContext::tensorAttr(const onnx::AttributeProto &attr) const {
  std::string problem;
  auto value = convertTensorProto(*builder.getContext(), attr.t(),
                                  modelDirectory, problem);
  if (failed(value))
    error() << "attribute '" << attr.name() << "': " << problem;
  return value;
}

InFlightDiagnostic NodeContext::error() const {
  return emitError(loc) << node.op_type() << ": ";
}

namespace {

DenseI64ArrayAttr i64Array(NodeContext &ctx, ArrayRef<int64_t> values) {
  return ctx.builder.getDenseI64ArrayAttr(values);
}

//===----------------------------------------------------------------------===//
// Simple one-to-one converters
//===----------------------------------------------------------------------===//

template <typename Op>
LogicalResult convertUnary(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto result = ctx.buildTyped<Op>(0, ctx.input(0));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// Before opset 7, binary ops broadcast only with `broadcast=1`, aligning the
/// right operand's axes at `axis` (default: the trailing axes). Padding it
/// with trailing unit axes turns that into numpy broadcasting.
Value alignLegacyBroadcast(NodeContext &ctx, Value rhs) {
  if (ctx.opset >= 7 || ctx.intAttr("broadcast", 0) == 0 ||
      !ctx.attribute("axis"))
    return rhs;
  int64_t lhsRank = ctx.inputType(0).getRank();
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t axis = ctx.intAttr("axis", 0);
  if (axis < 0)
    axis += lhsRank;
  int64_t trailing = lhsRank - axis - rhsType.getRank();
  if (trailing <= 0)
    return rhs;
  SmallVector<int64_t> shape(rhsType.getShape());
  shape.append(trailing, 1);
  return ctx.builder.createOrFold<ReshapeOp>(
      ctx.loc, RankedTensorType::get(shape, rhsType.getElementType()), rhs);
}

template <typename Op>
LogicalResult convertBinary(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (ctx.inputType(0).getElementType() != ctx.inputType(1).getElementType())
    return ctx.error() << "operands have different element types";
  auto result = ctx.buildTyped<Op>(0, ctx.input(0),
                                   alignLegacyBroadcast(ctx, ctx.input(1)));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// Variadic Max, Min and Sum: a left-to-right chain of binary ops (each
/// broadcasting, as ONNX's multidirectional broadcast does).
template <typename Op>
LogicalResult convertVariadic(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (ctx.inputs.empty())
    return ctx.error() << "needs at least one input";
  Value accumulated = ctx.input(0);
  for (Value next : ArrayRef(ctx.inputs).drop_front()) {
    if (cast<RankedTensorType>(next.getType()).getElementType() !=
        cast<RankedTensorType>(accumulated.getType()).getElementType())
      return ctx.error() << "inputs have different element types";
    if (failed(expectBroadcast(ctx, accumulated, next, "inputs")))
      return failure();
    accumulated = ctx.builder.createOrFold<Op>(ctx.loc, accumulated, next);
  }
  if (accumulated.getType() != ctx.resultType())
    accumulated = ctx.builder.createOrFold<ExpandOp>(ctx.loc, ctx.resultType(),
                                                     accumulated);
  results.push_back(accumulated);
  return success();
}

/// Mod: `fmod` chooses C's or Python's remainder; floats need fmod=1.
LogicalResult convertMod(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  bool fmod = ctx.intAttr("fmod", 0) != 0;
  if (!fmod && isa<FloatType>(ctx.inputType(0).getElementType()))
    return ctx.error() << "fmod=0 is invalid for floating-point inputs "
                          "(ONNX requires fmod=1)";
  if (ctx.inputType(0).getElementType() != ctx.inputType(1).getElementType())
    return ctx.error() << "operands have different element types";
  auto result = ctx.buildTyped<ModOp>(0, ctx.input(0), ctx.input(1),
                                      ctx.builder.getBoolAttr(fmod));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// BitShift: ONNX defines it on unsigned integers only.
LogicalResult convertBitShift(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  std::string direction = ctx.stringAttr("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return ctx.error() << "direction must be LEFT or RIGHT, not '" << direction
                       << "'";
  if (!ctx.inputType(0).getElementType().isUnsignedInteger() ||
      ctx.inputType(0).getElementType() != ctx.inputType(1).getElementType())
    return ctx.error() << "expects two tensors of the same unsigned integer type";
  auto result = ctx.buildTyped<BitShiftOp>(
      0, ctx.input(0), ctx.input(1), ctx.builder.getBoolAttr(direction == "LEFT"));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

LogicalResult convertIsInf(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto result = ctx.buildTyped<IsInfOp>(
      0, ctx.input(0),
      ctx.builder.getBoolAttr(ctx.intAttr("detect_negative", 1) != 0),
      ctx.builder.getBoolAttr(ctx.intAttr("detect_positive", 1) != 0));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// Mean: the Sum chain divided by the input count.
LogicalResult convertMean(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(convertVariadic<AddOp>(ctx, results)))
    return failure();
  RankedTensorType type = ctx.resultType();
  if (!isa<FloatType>(type.getElementType()))
    return ctx.error() << "Mean of non-floating-point tensors is not supported";
  auto countType = RankedTensorType::get({}, type.getElementType());
  Value count = ConstantOp::create(
      ctx.builder, ctx.loc, countType,
      DenseElementsAttr::get(countType,
                             ctx.builder.getFloatAttr(type.getElementType(),
                                                      ctx.inputs.size())));
  results.back() =
      ctx.builder.createOrFold<DivOp>(ctx.loc, type, results.back(), count);
  return success();
}

LogicalResult convertWhere(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  results.push_back(ctx.builder.createOrFold<WhereOp>(
      ctx.loc, ctx.resultType(), ctx.input(0), ctx.input(1), ctx.input(2)));
  return success();
}

/// Activations whose float attributes the graph op keeps under the same names.
template <typename Op>
LogicalResult convertActivation(NodeContext &ctx,
                                SmallVectorImpl<Value> &results) {
  Op op = Op::create(ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0));
  // Attributes ONNX sets override the op's ONNX defaults.
  for (const auto &attr : ctx.node.attribute()) {
    StringRef name = attr.name();
    if (name == "consumed_inputs") // Opset 1's in-place hint: no semantics.
      continue;
    if (!llvm::is_contained(Op::getAttributeNames(), name))
      return ctx.error() << "unknown attribute '" << name << "'";
    op->setAttr(name, ctx.builder.getF32FloatAttr(attr.f()));
  }
  results.push_back(op);
  return success();
}

/// Reduce*: `axes` is an attribute, except ReduceSum from opset 13 where it
/// is an optional (constant) input. No axes means every axis, unless
/// noop_with_empty_axes makes the op an identity.
template <typename Op>
LogicalResult convertReduce(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  SmallVector<int64_t> axes;
  bool axesFromInput = std::is_same_v<Op, ReduceSumOp> && ctx.opset >= 13;
  if (axesFromInput && ctx.input(1)) {
    auto constant = requireConstantInts(ctx, 1, "axes");
    if (failed(constant))
      return failure();
    axes = *constant;
  } else if (!axesFromInput) {
    axes = ctx.intsAttr("axes").value_or(SmallVector<int64_t>{});
  }
  if (axes.empty()) {
    if (ctx.intAttr("noop_with_empty_axes", 0) != 0) {
      results.push_back(ctx.input(0));
      return success();
    }
    axes = llvm::to_vector(llvm::seq<int64_t>(0, ctx.inputType(0).getRank()));
  }
  auto reduced = ctx.buildTyped<Op>(
      0, ctx.input(0), ctx.builder.getDenseI64ArrayAttr(axes),
      ctx.builder.getBoolAttr(ctx.intAttr("keepdims", 1) != 0));
  if (failed(reduced))
    return failure();
  results.push_back(*reduced);
  return success();
}

template <typename Op>
LogicalResult convertArgExtreme(NodeContext &ctx,
                                SmallVectorImpl<Value> &results) {
  Builder &b = ctx.builder;
  results.push_back(ctx.builder.createOrFold<Op>(
      ctx.loc, ctx.resultType(), ctx.input(0),
      b.getI64IntegerAttr(ctx.intAttr("axis", 0)),
      b.getBoolAttr(ctx.intAttr("keepdims", 1) != 0),
      b.getBoolAttr(ctx.intAttr("select_last_index", 0) != 0)));
  return success();
}

//===----------------------------------------------------------------------===//
// Operators composed from other graph ops at import
//===----------------------------------------------------------------------===//

/// Size: the (static) element count, an int64 scalar.
LogicalResult convertSize(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  results.push_back(scalarTensor(ctx, ctx.builder.getI64Type(),
                                 ctx.inputType(0).getNumElements()));
  return success();
}

/// CastLike: Cast to the second input's element type.
LogicalResult convertCastLike(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto type = ctx.inputType(0).clone(ctx.inputType(1).getElementType());
  results.push_back(ctx.builder.createOrFold<CastOp>(ctx.loc, type, ctx.input(0)));
  return success();
}

/// Dropout at inference: the input, and an all-true mask when asked for.
LogicalResult convertDropout(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (ctx.intAttr("is_test", 1) == 0)
    return ctx.error() << "training mode (is_test=0) is not supported";
  if (ctx.input(2)) {
    DenseElementsAttr training;
    if (!matchPattern(ctx.input(2), m_Constant(&training)) ||
        training.getSplatValue<bool>())
      return ctx.error() << "training mode is not supported";
  }
  results.push_back(ctx.input(0));
  if (RankedTensorType maskType = ctx.resultType(1))
    results.push_back(ConstantOp::create(
        ctx.builder, ctx.loc, maskType,
        DenseElementsAttr::get(maskType, ctx.builder.getBoolAttr(true))));
  return success();
}

/// PRelu: where(x < 0, x * slope, x), the slope broadcasting to x.
LogicalResult convertPRelu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  Value x = ctx.input(0), slope = ctx.input(1);
  OpBuilder &b = ctx.builder;
  RankedTensorType xType = ctx.inputType(0), slopeType = ctx.inputType(1);
  // Before opset 7 a [C] slope applies per channel (axis 1).
  if (ctx.opset < 7 && slopeType.getRank() == 1 && xType.getRank() > 2 &&
      slopeType.getDimSize(0) == xType.getDimSize(1)) {
    SmallVector<int64_t> shape(xType.getRank() - 1, 1);
    shape[0] = slopeType.getDimSize(0);
    slope = b.createOrFold<ReshapeOp>(ctx.loc, slopeType.clone(shape), slope);
  }
  if (failed(expectBroadcast(ctx, x, slope, "input and slope")))
    return failure();
  Value zero = scalarTensor(ctx, ctx.inputType(0).getElementType(), 0);
  Value negative = b.createOrFold<LessOp>(ctx.loc, x, zero);
  Value scaled = b.createOrFold<MulOp>(ctx.loc, x, slope);
  results.push_back(b.createOrFold<WhereOp>(ctx.loc, ctx.resultType(), negative,
                                            scaled, x));
  return success();
}

/// Pow: an exponent of another type is cast to the base's.
LogicalResult convertPow(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto result = ctx.buildTyped<PowOp>(0, ctx.input(0), ctx.input(1));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// LayerNormalization over the axes from `axis` on:
/// y = (x - mean) / sqrt(var + epsilon) * scale + bias, with optional Mean
/// and InvStdDev outputs (kept dims), all from graph ops.
LogicalResult convertLayerNormalization(NodeContext &ctx,
                                        SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return ctx.error() << "expects a floating-point input";
  if (ctx.intAttr("stash_type", 1) != 1)
    return ctx.error() << "only stash_type=1 (float32 statistics) is supported";
  int64_t rank = type.getRank();
  auto axis = normalizeAxis(ctx.intAttr("axis", -1), rank);
  if (!axis)
    return ctx.error() << "axis is outside the input's rank";
  OpBuilder &b = ctx.builder;
  Location loc = ctx.loc;
  auto axes = b.getDenseI64ArrayAttr(llvm::to_vector(llvm::seq<int64_t>(*axis, rank)));
  auto keep = b.getBoolAttr(true);
  Value x = ctx.input(0);
  Value mean = b.createOrFold<ReduceMeanOp>(loc, x, axes, keep);
  Value centered = b.createOrFold<SubOp>(loc, x, mean);
  Value variance = b.createOrFold<ReduceMeanOp>(
      loc, b.createOrFold<MulOp>(loc, centered, centered), axes, keep);
  Value epsilon = scalarTensor(ctx, type.getElementType(),
                               ctx.floatAttr("epsilon", 1e-5f));
  Value stddev = b.createOrFold<SqrtOp>(loc, b.createOrFold<AddOp>(loc, variance, epsilon));
  Value inverse = b.createOrFold<ReciprocalOp>(loc, stddev);
  if (failed(expectBroadcast(ctx, x, ctx.input(1), "input and scale")) ||
      (ctx.input(2) &&
       failed(expectBroadcast(ctx, x, ctx.input(2), "input and bias"))))
    return failure();
  Value y = b.createOrFold<MulOp>(loc, b.createOrFold<MulOp>(loc, centered, inverse),
                                  ctx.input(1));
  if (ctx.input(2))
    y = b.createOrFold<AddOp>(loc, y, ctx.input(2));
  results.push_back(y);
  results.push_back(mean);
  results.push_back(inverse);
  return success();
}

/// Split into equal parts or the given sizes (attribute before opset 13, an
/// optional constant input from 13).
LogicalResult convertSplit(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  auto axis = normalizeAxis(ctx.intAttr("axis", 0), type.getRank());
  if (!axis)
    return ctx.error() << "axis is outside the input's rank";
  SmallVector<int64_t> sizes;
  if (ctx.opset >= 13 && ctx.input(1)) {
    auto constant = requireConstantInts(ctx, 1, "split");
    if (failed(constant))
      return failure();
    sizes = *constant;
  } else if (ctx.opset < 13) {
    sizes = ctx.intsAttr("split").value_or(SmallVector<int64_t>{});
  }
  int64_t outputs = ctx.node.output_size(), extent = type.getDimSize(*axis);
  if (sizes.empty()) {
    if (extent % outputs != 0)
      return ctx.error() << "axis extent " << extent << " does not split into "
                         << outputs << " equal parts";
    sizes.assign(outputs, extent / outputs);
  }
  if (static_cast<int64_t>(sizes.size()) != outputs)
    return ctx.error() << sizes.size() << " split sizes for " << outputs
                       << " outputs";
  int64_t begin = 0;
  for (int64_t size : sizes) {
    OpBuilder &b = ctx.builder;
    results.push_back(b.createOrFold<SliceOp>(
        ctx.loc, ctx.input(0), b.getDenseI64ArrayAttr({begin}),
        b.getDenseI64ArrayAttr({begin + size}), b.getDenseI64ArrayAttr({*axis}),
        b.getDenseI64ArrayAttr({1})));
    begin += size;
  }
  return success();
}

/// Fails, naming the node, when input `i` holds constant indices with an
/// entry outside [-extent, extent): ONNX calls such a model invalid (at run
/// time gathers clamp and scatters drop such an index instead).
/// `extentOf(k)` is the length of the axis the k-th entry, row-major, picks
/// along.
LogicalResult checkConstantIndices(NodeContext &ctx, size_t i,
                                   function_ref<int64_t(int64_t)> extentOf) {
  std::optional<SmallVector<int64_t>> indices = ctx.constantInts(i);
  if (!indices)
    return success();
  for (auto [k, index] : llvm::enumerate(*indices)) {
    int64_t extent = extentOf(k);
    if (index < -extent || index >= extent)
      return ctx.error() << "index " << index
                         << " (entry " << k
                         << " of the indices) is out of range for an axis of "
                         << extent;
  }
  return success();
}

/// checkConstantIndices for ops whose indices all pick along attribute
/// `axis` of input 0 (a bad axis is left to the op's verifier).
LogicalResult checkConstantIndicesAlongAxis(NodeContext &ctx, size_t i) {
  RankedTensorType data = ctx.inputType(0);
  int64_t rank = data.getRank(), axis = ctx.intAttr("axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return success();
  return checkConstantIndices(
      ctx, i, [&](int64_t) { return data.getDimSize(axis); });
}

/// checkConstantIndices for GatherND and ScatterND: the last axis of the
/// indices holds coordinates into input 0's axes from `batchDims` on.
LogicalResult checkConstantCoordinates(NodeContext &ctx, size_t i,
                                       int64_t batchDims) {
  RankedTensorType data = ctx.inputType(0), indices = ctx.inputType(i);
  if (indices.getRank() == 0)
    return success();
  int64_t depth = indices.getShape().back();
  if (depth < 1 || batchDims < 0 || batchDims + depth > data.getRank())
    return success();
  return checkConstantIndices(ctx, i, [&](int64_t k) {
    return data.getDimSize(batchDims + k % depth);
  });
}

LogicalResult convertGatherElements(NodeContext &ctx,
                                    SmallVectorImpl<Value> &results) {
  if (failed(checkConstantIndicesAlongAxis(ctx, 1)))
    return failure();
  results.push_back(GatherElementsOp::create(
      ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0), ctx.input(1),
      ctx.builder.getI64IntegerAttr(ctx.intAttr("axis", 0))));
  return success();
}

/// Trilu: the diagonal offset k is an optional constant input.
LogicalResult convertTrilu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  int64_t k = 0;
  if (ctx.input(1)) {
    auto constant = requireConstantInts(ctx, 1, "k");
    if (failed(constant))
      return failure();
    k = constant->front();
  }
  results.push_back(TriluOp::create(
      ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0),
      ctx.builder.getBoolAttr(ctx.intAttr("upper", 1) != 0),
      ctx.builder.getI64IntegerAttr(k)));
  return success();
}

/// The negative log-likelihood of `logProb` [N, C, d...] at integer
/// `target` [N, d...], with optional class `weight` [C], `ignore_index` and
/// ONNX's reduction (none, sum, mean over the weights that count). Shared by
/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
FailureOr<Value> negativeLogLikelihood(NodeContext &ctx, Value logProb,
                                       Value target, Value weight) {
  OpBuilder &b = ctx.builder;
  Location loc = ctx.loc;
  auto logType = cast<RankedTensorType>(logProb.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  Type element = logType.getElementType();
  if (!isa<FloatType>(element) || !isa<IntegerType>(targetType.getElementType()))
    return ctx.error() << "expects float scores and integer targets";
  if (logType.getRank() != targetType.getRank() + 1)
    return ctx.error() << "target must have the input's rank minus one";
  std::string reduction = ctx.stringAttr("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return ctx.error() << "unknown reduction '" << reduction << "'";

  // Ignored targets count as class 0 with weight 0.
  Value counted = scalarTensor(ctx, b.getI1Type(), 1);
  Value index = target;
  if (const auto *ignore = ctx.attribute("ignore_index")) {
    Value ignored = scalarTensor(ctx, targetType.getElementType(), ignore->i());
    counted = b.createOrFold<NotOp>(loc, b.createOrFold<EqualOp>(loc, target, ignored));
    index = b.createOrFold<WhereOp>(
        loc, counted, target, scalarTensor(ctx, targetType.getElementType(), 0));
  }
  Value one = scalarTensor(ctx, element, 1), zero = scalarTensor(ctx, element, 0);
  Value classWeight = one;
  if (weight)
    classWeight = b.createOrFold<GatherOp>(loc, weight, index, b.getI64IntegerAttr(0));
  Value effectiveWeight = b.createOrFold<WhereOp>(
      loc, b.createOrFold<ExpandOp>(loc, targetType.clone(b.getI1Type()), counted),
      b.createOrFold<ExpandOp>(loc, targetType.clone(element), classWeight),
      zero);

  // picked[n, d...] = logProb[n, index[n, d...], d...]
  auto unitAxis = b.getDenseI64ArrayAttr({1});
  Value column = b.createOrFold<UnsqueezeOp>(loc, index, unitAxis);
  Value picked = b.createOrFold<SqueezeOp>(
      loc, b.createOrFold<GatherElementsOp>(loc, logProb, column, b.getI64IntegerAttr(1)),
      unitAxis);
  Value loss = b.createOrFold<NegOp>(loc, b.createOrFold<MulOp>(loc, picked, effectiveWeight));
  if (reduction == "none")
    return loss;
  auto all = b.getDenseI64ArrayAttr(llvm::to_vector(llvm::seq<int64_t>(0, targetType.getRank())));
  Value total = b.createOrFold<ReduceSumOp>(loc, loss, all, b.getBoolAttr(false));
  if (reduction == "sum")
    return total;
  Value weightSum = b.createOrFold<ReduceSumOp>(loc, effectiveWeight, all,
                                                b.getBoolAttr(false));
  return b.createOrFold<DivOp>(loc, total, weightSum);
}

LogicalResult convertNegativeLogLikelihoodLoss(NodeContext &ctx,
                                               SmallVectorImpl<Value> &results) {
  auto loss = negativeLogLikelihood(ctx, ctx.input(0), ctx.input(1), ctx.input(2));
  if (failed(loss))
    return failure();
  results.push_back(*loss);
  return success();
}

/// SoftmaxCrossEntropyLoss: LogSoftmax over the class axis, then the
/// negative log-likelihood; the optional second output is the log-probability.
LogicalResult convertSoftmaxCrossEntropyLoss(NodeContext &ctx,
                                             SmallVectorImpl<Value> &results) {
  if (ctx.inputType(0).getRank() < 2)
    return ctx.error() << "scores must have a class axis";
  Value logProb = LogSoftmaxOp::create(ctx.builder, ctx.loc, ctx.input(0),
                                       ctx.builder.getI64IntegerAttr(1));
  auto loss = negativeLogLikelihood(ctx, logProb, ctx.input(1), ctx.input(2));
  if (failed(loss))
    return failure();
  results.push_back(*loss);
  results.push_back(logProb);
  return success();
}

/// Range with constant start, limit and delta folds to a constant.
LogicalResult convertRange(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  std::optional<double> start = ctx.constantScalar(0), limit = ctx.constantScalar(1),
                        delta = ctx.constantScalar(2);
  if (!start || !limit || !delta)
    return ctx.error() << "start, limit and delta must be compile-time constants "
                          "(fix model inputs with --freeze-input NAME=FILE.pb)";
  if (*delta == 0)
    return ctx.error() << "delta must be non-zero";
  int64_t count = std::max<int64_t>(
      0, static_cast<int64_t>(std::ceil((*limit - *start) / *delta)));
  Type element = ctx.inputType(0).getElementType();
  auto type = RankedTensorType::get({count}, element);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double value = *start + i * *delta;
    values.push_back(isa<FloatType>(element)
                         ? Attribute(FloatAttr::get(element, value))
                         : Attribute(IntegerAttr::get(element, static_cast<int64_t>(value))));
  }
  results.push_back(ConstantOp::create(ctx.builder, ctx.loc, type,
                                       DenseElementsAttr::get(type, values)));
  return success();
}

/// Tile: each axis gains a leading copy axis (unsqueeze), the copies are
/// broadcast (expand) and folded back into the axis (reshape).
LogicalResult convertTile(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto repeats = requireConstantInts(ctx, 1, "repeats");
  if (failed(repeats))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(repeats->size()) != rank)
    return ctx.error() << "repeats has " << repeats->size() << " entries for a rank-"
                       << rank << " input";
  OpBuilder &b = ctx.builder;
  SmallVector<int64_t> axes, expanded, tiled;
  for (int64_t d = 0; d < rank; ++d) {
    axes.push_back(2 * d);
    expanded.append({(*repeats)[d], type.getDimSize(d)});
    tiled.push_back((*repeats)[d] * type.getDimSize(d));
  }
  Value x = b.createOrFold<UnsqueezeOp>(ctx.loc, ctx.input(0),
                                        b.getDenseI64ArrayAttr(axes));
  x = b.createOrFold<ExpandOp>(ctx.loc, type.clone(expanded), x);
  results.push_back(b.createOrFold<ReshapeOp>(ctx.loc, type.clone(tiled), x));
  return success();
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth on NCHW: reshape, transpose,
/// reshape, as ONNX defines them.
template <bool ToSpace>
LogicalResult convertDepthSpace(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() != 4)
    return ctx.error() << "expects a rank-4 NCHW input";
  int64_t bs = ctx.intAttr("blocksize", 0);
  int64_t n = type.getDimSize(0), c = type.getDimSize(1), h = type.getDimSize(2),
          w = type.getDimSize(3);
  if (bs <= 0 || (ToSpace ? c % (bs * bs) : h % bs + w % bs) != 0)
    return ctx.error() << "blocksize " << bs << " does not divide the input";
  OpBuilder &b = ctx.builder;
  SmallVector<int64_t> split, perm, merged;
  if (ToSpace) {
    bool crd = ctx.stringAttr("mode", "DCR") == "CRD";
    int64_t depth = c / (bs * bs);
    split = crd ? SmallVector<int64_t>{n, depth, bs, bs, h, w}
                : SmallVector<int64_t>{n, bs, bs, depth, h, w};
    perm = crd ? SmallVector<int64_t>{0, 1, 4, 2, 5, 3}
               : SmallVector<int64_t>{0, 3, 4, 1, 5, 2};
    merged = {n, depth, h * bs, w * bs};
  } else {
    split = {n, c, h / bs, bs, w / bs, bs};
    perm = {0, 3, 5, 1, 2, 4};
    merged = {n, c * bs * bs, h / bs, w / bs};
  }
  Value x = b.createOrFold<ReshapeOp>(ctx.loc, type.clone(split), ctx.input(0));
  x = b.createOrFold<TransposeOp>(ctx.loc, x, b.getDenseI64ArrayAttr(perm));
  results.push_back(b.createOrFold<ReshapeOp>(ctx.loc, type.clone(merged), x));
  return success();
}

LogicalResult convertConstant(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.resultType();
  Attribute value;
  if (const auto *attr = ctx.attribute("value")) {
    auto tensor = ctx.tensorAttr(*attr);
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else if (const auto *attr = ctx.attribute("value_float")) {
    value = DenseElementsAttr::get(type, attr->f());
  } else if (const auto *attr = ctx.attribute("value_int")) {
    value = DenseElementsAttr::get(type, static_cast<int64_t>(attr->i()));
  } else if (const auto *attr = ctx.attribute("value_floats")) {
    value = DenseElementsAttr::get(
        type, ArrayRef<float>(attr->floats().data(), attr->floats_size()));
  } else if (const auto *attr = ctx.attribute("value_ints")) {
    value = DenseElementsAttr::get(
        type, ArrayRef<int64_t>(attr->ints().data(), attr->ints_size()));
  } else {
    return ctx.error() << "only tensor, float, int, floats and ints values are "
                          "supported";
  }
  auto elements = cast<ElementsAttr>(value);
  results.push_back(
      ConstantOp::create(ctx.builder, ctx.loc, elements.getType(), elements));
  return success();
}

LogicalResult convertCast(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.resultType();
  if (!type) {
    Type element = elementTypeFor(*ctx.builder.getContext(), ctx.intAttr("to", 0));
    if (!element)
      return ctx.error() << "unsupported target type " << ctx.intAttr("to", 0);
    type = ctx.inputType(0).clone(element);
  }
  results.push_back(ctx.builder.createOrFold<CastOp>(ctx.loc, type, ctx.input(0)));
  return success();
}

LogicalResult convertClip(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FloatAttr low, high;
  Builder &b = ctx.builder;
  if (ctx.opset < 11) {
    if (ctx.attribute("min"))
      low = b.getF64FloatAttr(ctx.floatAttr("min", 0));
    if (ctx.attribute("max"))
      high = b.getF64FloatAttr(ctx.floatAttr("max", 0));
  } else {
    // Constant bounds become attributes; a bound computed at run time is a
    // Max or Min with that (broadcast) tensor instead.
    Value result = ctx.input(0);
    SmallVector<std::pair<size_t, Value>> dynamicBounds;
    for (size_t i : {1, 2}) {
      if (!ctx.input(i))
        continue;
      if (auto bound = ctx.constantScalar(i))
        (i == 1 ? low : high) = b.getF64FloatAttr(*bound);
      else
        dynamicBounds.push_back({i, ctx.input(i)});
    }
    result = ClipOp::create(ctx.builder, ctx.loc, ctx.resultType(), result, low,
                            high);
    for (auto [i, bound] : dynamicBounds)
      result = i == 1 ? ctx.builder.createOrFold<MaxOp>(ctx.loc, result, bound)
                      : ctx.builder.createOrFold<MinOp>(ctx.loc, result, bound);
    results.push_back(result);
    return success();
  }
  results.push_back(ClipOp::create(ctx.builder, ctx.loc, ctx.resultType(),
                                   ctx.input(0), low, high));
  return success();
}

//===----------------------------------------------------------------------===//
// Contractions, convolution and pooling
//===----------------------------------------------------------------------===//

LogicalResult convertGemm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  Builder &b = ctx.builder;
  results.push_back(GemmOp::create(
      ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0), ctx.input(1),
      ctx.input(2), b.getF32FloatAttr(ctx.floatAttr("alpha", 1.0f)),
      b.getF32FloatAttr(ctx.floatAttr("beta", 1.0f)),
      b.getBoolAttr(ctx.intAttr("transA", 0)),
      b.getBoolAttr(ctx.intAttr("transB", 0))));
  return success();
}

/// Explicit begin/end pads for a window op, resolving auto_pad against the
/// static input extents.
FailureOr<SmallVector<int64_t>>
resolvePads(NodeContext &ctx, ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
            ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  size_t spatial = kernel.size();
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads =
        ctx.intsAttr("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
    if (pads.size() != 2 * spatial) {
      ctx.error() << "pads has " << pads.size() << " entries, expected "
                  << 2 * spatial;
      return failure();
    }
    return pads;
  }
  SmallVector<int64_t> pads(2 * spatial, 0);
  if (autoPad == "VALID")
    return pads;
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER") {
    ctx.error() << "unknown auto_pad '" << autoPad << "'";
    return failure();
  }
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = input[i + 2];
    int64_t out = (in + strides[i] - 1) / strides[i];
    int64_t effective = dilations[i] * (kernel[i] - 1) + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + effective - in);
    int64_t small = total / 2, large = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : large;
    pads[i + spatial] = autoPad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

LogicalResult convertConv(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto weightShape = ctx.inputType(1).getShape();
  SmallVector<int64_t> kernel(weightShape.drop_front(2));
  size_t spatial = kernel.size();
  if (spatial < 1 || spatial > 3)
    return ctx.error() << spatial << "-D convolution is not supported (1-D, 2-D "
                                     "and 3-D are)";
  SmallVector<int64_t> strides =
      ctx.intsAttr("strides").value_or(SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> dilations =
      ctx.intsAttr("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  auto pads = resolvePads(ctx, ctx.inputType(0).getShape(), kernel, strides,
                          dilations);
  if (failed(pads))
    return failure();
  results.push_back(ConvOp::create(
      ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0), ctx.input(1),
      ctx.input(2), i64Array(ctx, strides), i64Array(ctx, *pads),
      i64Array(ctx, dilations),
      ctx.builder.getI64IntegerAttr(ctx.intAttr("group", 1))));
  return success();
}

template <typename PoolOp>
LogicalResult convertPool(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto kernel = ctx.intsAttr("kernel_shape");
  if (!kernel)
    return ctx.error() << "kernel_shape is required";
  size_t spatial = kernel->size();
  bool wantsIndices = ctx.resultTypes.size() > 1 && ctx.resultTypes[1];
  SmallVector<int64_t> strides =
      ctx.intsAttr("strides").value_or(SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> dilations =
      ctx.intsAttr("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  auto pads = resolvePads(ctx, ctx.inputType(0).getShape(), *kernel, strides,
                          dilations);
  if (failed(pads))
    return failure();
  Builder &b = ctx.builder;
  bool ceil = ctx.intAttr("ceil_mode", 0) != 0;
  if constexpr (std::is_same_v<PoolOp, MaxPoolOp>) {
    results.push_back(MaxPoolOp::create(
        ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0),
        i64Array(ctx, *kernel), i64Array(ctx, strides), i64Array(ctx, *pads),
        i64Array(ctx, dilations), b.getBoolAttr(ceil)));
    if (wantsIndices) {
      if (spatial != 2)
        return ctx.error() << "the Indices output needs a 2-D pool";
      auto indices = ctx.buildTyped<MaxPoolIndicesOp>(
          1, ctx.input(0), i64Array(ctx, *kernel), i64Array(ctx, strides),
          i64Array(ctx, *pads), i64Array(ctx, dilations), b.getBoolAttr(ceil),
          b.getBoolAttr(ctx.intAttr("storage_order", 0) != 0));
      if (failed(indices))
        return failure();
      results.push_back(*indices);
    }
  } else {
    if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
      return ctx.error() << "dilations are not supported for AveragePool";
    results.push_back(AveragePoolOp::create(
        ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0),
        i64Array(ctx, *kernel), i64Array(ctx, strides), i64Array(ctx, *pads),
        b.getBoolAttr(ceil),
        b.getBoolAttr(ctx.intAttr("count_include_pad", 0) != 0)));
  }
  return success();
}

LogicalResult convertBatchNormalization(NodeContext &ctx,
                                        SmallVectorImpl<Value> &results) {
  if (ctx.intAttr("training_mode", 0) != 0 ||
      llvm::any_of(ArrayRef(ctx.resultTypes).drop_front(),
                   [](Type t) { return static_cast<bool>(t); }))
    return ctx.error() << "training mode (running statistics outputs) is not "
                          "supported";
  results.push_back(BatchNormalizationOp::create(
      ctx.builder, ctx.loc, ctx.resultType(), ctx.input(0), ctx.input(1),
      ctx.input(2), ctx.input(3), ctx.input(4),
      ctx.builder.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f))));
  return success();
}

template <typename SoftmaxLike>
LogicalResult convertSoftmax(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.resultType();
  int64_t rank = type.getRank();
  int64_t axis = ctx.intAttr("axis", ctx.opset < 13 ? 1 : -1);
  auto normalized = normalizeAxis(axis, rank);
  if (!normalized)
    return ctx.error() << "axis " << axis << " is outside rank " << rank;
  OpBuilder &b = ctx.builder;
  if (ctx.opset >= 13 || *normalized == rank - 1) {
    results.push_back(SoftmaxLike::create(b, ctx.loc, type, ctx.input(0),
                                          b.getI64IntegerAttr(*normalized)));
    return success();
  }
  // Before opset 13 the input is coerced to 2-D at `axis` and normalized over
  // the trailing block.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *normalized ? outer : inner) *= type.getDimSize(d);
  auto flatType = RankedTensorType::get({outer, inner}, type.getElementType());
  Value flat = b.createOrFold<ReshapeOp>(ctx.loc, flatType, ctx.input(0));
  Value normalizedFlat = SoftmaxLike::create(b, ctx.loc, flatType, flat,
                                             b.getI64IntegerAttr(1));
  results.push_back(b.createOrFold<ReshapeOp>(ctx.loc, type, normalizedFlat));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

/// Reshape's target: the inferred type, or the folded shape operand with
/// ONNX's 0 (copy the input extent) and -1 (infer) entries resolved.
LogicalResult convertReshape(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.resultType();
  RankedTensorType inputType = ctx.inputType(0);
  if (!type) {
    auto target = requireConstantInts(ctx, 1, "shape");
    if (failed(target))
      return failure();
    SmallVector<int64_t> shape(*target);
    int64_t known = 1, inferred = -1;
    for (auto [i, extent] : llvm::enumerate(shape)) {
      if (extent == 0 && ctx.intAttr("allowzero", 0) == 0)
        extent = inputType.getDimSize(i);
      if (extent == -1)
        inferred = i;
      else
        known *= extent;
    }
    if (inferred >= 0)
      shape[inferred] = known ? inputType.getNumElements() / known : 0;
    type = RankedTensorType::get(shape, inputType.getElementType());
  }
  results.push_back(
      ctx.builder.createOrFold<ReshapeOp>(ctx.loc, type, ctx.input(0)));
  return success();
}

/// Expand's target: the inferred type, or the input broadcast with the
/// folded shape operand.
LogicalResult convertExpand(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.resultType();
  RankedTensorType inputType = ctx.inputType(0);
  if (!type) {
    auto target = requireConstantInts(ctx, 1, "shape");
    if (failed(target))
      return failure();
    auto shape = broadcastShapes(inputType.getShape(), *target);
    if (!shape)
      return ctx.error() << "the input does not broadcast to the shape operand";
    type = RankedTensorType::get(*shape, inputType.getElementType());
  }
  results.push_back(
      ctx.builder.createOrFold<ExpandOp>(ctx.loc, type, ctx.input(0)));
  return success();
}

LogicalResult convertFlatten(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  results.push_back(ctx.builder.createOrFold<FlattenOp>(
      ctx.loc, ctx.resultType(), ctx.input(0),
      ctx.builder.getI64IntegerAttr(ctx.intAttr("axis", 1))));
  return success();
}

LogicalResult convertTranspose(NodeContext &ctx,
                               SmallVectorImpl<Value> &results) {
  int64_t rank = ctx.inputType(0).getRank();
  SmallVector<int64_t> perm = ctx.intsAttr("perm").value_or(
      llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank))));
  results.push_back(ctx.builder.createOrFold<TransposeOp>(
      ctx.loc, ctx.resultType(), ctx.input(0), i64Array(ctx, perm)));
  return success();
}

LogicalResult convertConcat(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  // Concat-1 defaulted to axis 1; from opset 4 the axis is required.
  IntegerAttr axis =
      ctx.builder.getI64IntegerAttr(ctx.intAttr("axis", ctx.opset < 4 ? 1 : 0));
  // ONNX infers no shape for Concat-1: the op infers its own then.
  if (!ctx.resultType())
    results.push_back(
        ctx.builder.createOrFold<ConcatOp>(ctx.loc, ctx.inputs, axis));
  else
    results.push_back(ctx.builder.createOrFold<ConcatOp>(
        ctx.loc, ctx.resultType(), ctx.inputs, axis));
  return success();
}

LogicalResult convertSlice(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.intsAttr("starts").value_or(SmallVector<int64_t>{});
    ends = ctx.intsAttr("ends").value_or(SmallVector<int64_t>{});
    axes = ctx.intsAttr("axes").value_or(SmallVector<int64_t>{});
  } else {
    auto s = requireConstantInts(ctx, 1, "starts");
    auto e = requireConstantInts(ctx, 2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (ctx.input(3)) {
      auto a = requireConstantInts(ctx, 3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.input(4)) {
      auto st = requireConstantInts(ctx, 4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  auto sliced = ctx.buildTyped<SliceOp>(
      0, ctx.input(0), i64Array(ctx, starts), i64Array(ctx, ends),
      i64Array(ctx, axes), i64Array(ctx, steps));
  if (failed(sliced))
    return failure();
  results.push_back(*sliced);
  return success();
}

LogicalResult convertGather(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(checkConstantIndicesAlongAxis(ctx, 1)))
    return failure();
  results.push_back(ctx.builder.createOrFold<GatherOp>(
      ctx.loc, ctx.resultType(), ctx.input(0), ctx.input(1),
      ctx.builder.getI64IntegerAttr(ctx.intAttr("axis", 0))));
  return success();
}

LogicalResult convertGatherND(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(checkConstantCoordinates(ctx, 1, ctx.intAttr("batch_dims", 0))))
    return failure();
  auto result = ctx.buildTyped<GatherNDOp>(
      0, ctx.input(0), ctx.input(1),
      ctx.builder.getI64IntegerAttr(ctx.intAttr("batch_dims", 0)));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// ScatterElements, and the deprecated Scatter it replaced.
LogicalResult convertScatterElements(NodeContext &ctx,
                                     SmallVectorImpl<Value> &results) {
  if (failed(checkConstantIndicesAlongAxis(ctx, 1)))
    return failure();
  auto result = ctx.buildTyped<ScatterElementsOp>(
      0, ctx.input(0), ctx.input(1), ctx.input(2),
      ctx.builder.getI64IntegerAttr(ctx.intAttr("axis", 0)),
      ctx.builder.getStringAttr(ctx.stringAttr("reduction", "none")));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

LogicalResult convertScatterND(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(checkConstantCoordinates(ctx, 1, /*batchDims=*/0)))
    return failure();
  auto result = ctx.buildTyped<ScatterNDOp>(
      0, ctx.input(0), ctx.input(1), ctx.input(2),
      ctx.builder.getStringAttr(ctx.stringAttr("reduction", "none")));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

LogicalResult convertGridSample(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto result = ctx.buildTyped<GridSampleOp>(
      0, ctx.input(0), ctx.input(1),
      ctx.builder.getStringAttr(ctx.stringAttr("mode", "bilinear")),
      ctx.builder.getStringAttr(ctx.stringAttr("padding_mode", "zeros")),
      ctx.builder.getBoolAttr(ctx.intAttr("align_corners", 0) != 0));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// Squeeze and Unsqueeze: axes from the attribute (before opset 13) or the
/// constant second input; Squeeze without axes drops every unit axis.
template <typename Op>
LogicalResult convertSqueezeLike(NodeContext &ctx,
                                 SmallVectorImpl<Value> &results) {
  SmallVector<int64_t> axes;
  if (ctx.opset < 13) {
    axes = ctx.intsAttr("axes").value_or(SmallVector<int64_t>{});
  } else if (ctx.input(1)) {
    auto constant = requireConstantInts(ctx, 1, "axes");
    if (failed(constant))
      return failure();
    axes = *constant;
  }
  if (axes.empty() && std::is_same_v<Op, SqueezeOp>)
    for (auto [i, extent] : llvm::enumerate(ctx.inputType(0).getShape()))
      if (extent == 1)
        axes.push_back(i);
  auto reshaped = ctx.buildTyped<Op>(0, ctx.input(0), i64Array(ctx, axes));
  if (failed(reshaped))
    return failure();
  results.push_back(*reshaped);
  return success();
}

LogicalResult convertShape(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  IntegerAttr end; // Absent means "to the last axis".
  if (ctx.attribute("end"))
    end = ctx.builder.getI64IntegerAttr(ctx.intAttr("end", 0));
  results.push_back(ctx.builder.createOrFold<ShapeOp>(
      ctx.loc, ctx.resultType(), ctx.input(0),
      ctx.builder.getI64IntegerAttr(ctx.intAttr("start", 0)), end));
  return success();
}

LogicalResult convertConstantOfShape(NodeContext &ctx,
                                     SmallVectorImpl<Value> &results) {
  // The value is a one-element tensor whose dtype is the result's; float 0
  // when absent.
  TypedAttr value = ctx.builder.getF32FloatAttr(0.0f);
  if (const auto *attr = ctx.attribute("value")) {
    auto tensor = ctx.tensorAttr(*attr);
    if (failed(tensor))
      return failure();
    if (tensor->getNumElements() != 1)
      return ctx.error() << "value must hold exactly one element";
    value = cast<TypedAttr>(*tensor->value_begin<Attribute>());
  }
  RankedTensorType type = ctx.resultType();
  if (!type) {
    auto shape = requireConstantInts(ctx, 0, "input");
    if (failed(shape))
      return failure();
    type = RankedTensorType::get(*shape, value.getType());
  }
  if (type.getElementType() != value.getType())
    return ctx.error() << "value type " << value.getType()
                       << " differs from the output type " << type;
  results.push_back(ctx.builder.createOrFold<ConstantOfShapeOp>(
      ctx.loc, type, ctx.input(0), value));
  return success();
}

} // namespace

bool computesOwnResultType(StringRef opType) {
  // Elementwise ops infer their type from operands whose shapes folded
  // (the expanded spectral windows multiply a folded Range).
  static const llvm::StringSet<> elementwise = {
      "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Equal", "Less",
      "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Xor", "Neg",
      "Abs", "Exp", "Log", "Sqrt", "Sin", "Cos", "Tan", "Tanh", "Sigmoid",
      "Relu", "Floor", "Ceil", "Reciprocal", "Erf", "Not", "Cast"};
  if (elementwise.contains(opType))
    return true;
  return llvm::is_contained(
      {"Reshape", "Expand", "ConstantOfShape", "Concat", "ReduceSum", "Slice",
       "Squeeze", "Unsqueeze", "Identity", "NegativeLogLikelihoodLoss",
       "SoftmaxCrossEntropyLoss", "Range", "Tile", "DepthToSpace",
       "SpaceToDepth", "Resize", "Upsample", "OneHot", "Einsum", "MaxUnpool", "DFT", "STFT",
       "BlackmanWindow",
       "HammingWindow", "HannWindow"},
      opType);
}

const llvm::StringMap<NodeConverter> &nodeConverters() {
  static const llvm::StringMap<NodeConverter> table = {
      {"Abs", convertUnary<AbsOp>},
      {"BitShift", convertBitShift},
      {"BlackmanWindow", convertBlackmanWindow},
      {"ConvInteger", convertConvInteger},
      {"ConvTranspose", convertConvTranspose},
      {"DequantizeLinear", convertDequantizeLinear},
      {"DynamicQuantizeLinear", convertDynamicQuantizeLinear},
      {"MatMulInteger", convertMatMulInteger},
      {"QLinearConv", convertQLinearConv},
      {"QLinearMatMul", convertQLinearMatMul},
      {"QuantizeLinear", convertQuantizeLinear},
      {"CumSum", convertCumSum},
      {"DFT", convertDFT},
      {"Pad", convertPad},
      {"Einsum", convertEinsum},
      {"EyeLike", convertEyeLike},
      {"GlobalMaxPool", convertGlobalMaxPool},
      {"HammingWindow", convertHammingWindow},
      {"HannWindow", convertHannWindow},
      {"Hardmax", convertHardmax},
      {"InstanceNormalization", convertInstanceNormalization},
      {"LRN", convertLRN},
      {"MaxUnpool", convertMaxUnpool},
      {"MeanVarianceNormalization", convertMeanVarianceNormalization},
      {"OneHot", convertOneHot},
      {"Resize", convertResize},
      {"Upsample", convertUpsample},
      {"Acos", convertUnary<AcosOp>},
      {"Acosh", convertUnary<AcoshOp>},
      {"Asin", convertUnary<AsinOp>},
      {"Asinh", convertUnary<AsinhOp>},
      {"Atan", convertUnary<AtanOp>},
      {"Atanh", convertUnary<AtanhOp>},
      {"Cosh", convertUnary<CoshOp>},
      {"IsInf", convertIsInf},
      {"IsNaN", convertUnary<IsNaNOp>},
      {"Mod", convertMod},
      {"Round", convertUnary<RoundOp>},
      {"Shrink", convertActivation<ShrinkOp>},
      {"STFT", convertSTFT},
      {"Sign", convertUnary<SignOp>},
      {"Sinh", convertUnary<SinhOp>},
      {"Tan", convertUnary<TanOp>},
      {"Add", convertBinary<AddOp>},
      {"DepthToSpace", convertDepthSpace</*ToSpace=*/true>},
      {"Range", convertRange},
      {"SpaceToDepth", convertDepthSpace</*ToSpace=*/false>},
      {"Tile", convertTile},
      {"NegativeLogLikelihoodLoss", convertNegativeLogLikelihoodLoss},
      {"SoftmaxCrossEntropyLoss", convertSoftmaxCrossEntropyLoss},
      {"GatherElements", convertGatherElements},
      {"GatherND", convertGatherND},
      {"GridSample", convertGridSample},
      {"Scatter", convertScatterElements},
      {"ScatterElements", convertScatterElements},
      {"ScatterND", convertScatterND},
      {"TopK", convertTopK},
      {"Trilu", convertTrilu},
      {"CastLike", convertCastLike},
      {"Dropout", convertDropout},
      {"LayerNormalization", convertLayerNormalization},
      {"PRelu", convertPRelu},
      {"Size", convertSize},
      {"Split", convertSplit},
      {"ArgMax", convertArgExtreme<ArgMaxOp>},
      {"ArgMin", convertArgExtreme<ArgMinOp>},
      {"ReduceL1", convertReduce<ReduceL1Op>},
      {"ReduceL2", convertReduce<ReduceL2Op>},
      {"ReduceLogSum", convertReduce<ReduceLogSumOp>},
      {"ReduceLogSumExp", convertReduce<ReduceLogSumExpOp>},
      {"ReduceMax", convertReduce<ReduceMaxOp>},
      {"ReduceMean", convertReduce<ReduceMeanOp>},
      {"ReduceMin", convertReduce<ReduceMinOp>},
      {"ReduceProd", convertReduce<ReduceProdOp>},
      {"ReduceSum", convertReduce<ReduceSumOp>},
      {"ReduceSumSquare", convertReduce<ReduceSumSquareOp>},
      {"And", convertBinary<AndOp>},
      {"Ceil", convertUnary<CeilOp>},
      {"Celu", convertActivation<CeluOp>},
      {"Cos", convertUnary<CosOp>},
      {"Elu", convertActivation<EluOp>},
      {"Equal", convertBinary<EqualOp>},
      {"Erf", convertUnary<ErfOp>},
      {"Exp", convertUnary<ExpOp>},
      {"Floor", convertUnary<FloorOp>},
      {"Greater", convertBinary<GreaterOp>},
      {"GreaterOrEqual", convertBinary<GreaterOrEqualOp>},
      {"HardSigmoid", convertActivation<HardSigmoidOp>},
      {"HardSwish", convertUnary<HardSwishOp>},
      {"LeakyRelu", convertActivation<LeakyReluOp>},
      {"Less", convertBinary<LessOp>},
      {"LessOrEqual", convertBinary<LessOrEqualOp>},
      {"Log", convertUnary<LogOp>},
      {"Max", convertVariadic<MaxOp>},
      {"Mean", convertMean},
      {"Min", convertVariadic<MinOp>},
      {"Neg", convertUnary<NegOp>},
      {"Not", convertUnary<NotOp>},
      {"Or", convertBinary<OrOp>},
      {"Pow", convertPow},
      {"Reciprocal", convertUnary<ReciprocalOp>},
      {"Selu", convertActivation<SeluOp>},
      {"Sin", convertUnary<SinOp>},
      {"Softplus", convertUnary<SoftplusOp>},
      {"Softsign", convertUnary<SoftsignOp>},
      {"Sqrt", convertUnary<SqrtOp>},
      {"Sum", convertVariadic<AddOp>},
      {"ThresholdedRelu", convertActivation<ThresholdedReluOp>},
      {"Where", convertWhere},
      {"Xor", convertBinary<XorOp>},
      {"AveragePool", convertPool<AveragePoolOp>},
      {"BatchNormalization", convertBatchNormalization},
      {"Cast", convertCast},
      {"Clip", convertClip},
      {"Concat", convertConcat},
      {"Constant", convertConstant},
      {"ConstantOfShape", convertConstantOfShape},
      {"Conv", convertConv},
      {"Div", convertBinary<DivOp>},
      {"Expand", convertExpand},
      {"Flatten", convertFlatten},
      {"Gather", convertGather},
      {"Gemm", convertGemm},
      {"GlobalAveragePool", convertUnary<GlobalAveragePoolOp>},
      {"Identity", convertUnary<IdentityOp>},
      {"LogSoftmax", convertSoftmax<LogSoftmaxOp>},
      {"GRU", convertGRU},
      {"LSTM", convertLSTM},
      {"RNN", convertRNN},
      {"MatMul", convertBinary<MatMulOp>},
      {"MaxPool", convertPool<MaxPoolOp>},
      {"Mul", convertBinary<MulOp>},
      {"Relu", convertUnary<ReluOp>},
      {"Reshape", convertReshape},
      {"Shape", convertShape},
      {"Sigmoid", convertUnary<SigmoidOp>},
      {"Slice", convertSlice},
      {"Softmax", convertSoftmax<SoftmaxOp>},
      {"Squeeze", convertSqueezeLike<SqueezeOp>},
      {"Sub", convertBinary<SubOp>},
      {"Tanh", convertUnary<TanhOp>},
      {"Transpose", convertTranspose},
      {"Unsqueeze", convertSqueezeLike<UnsqueezeOp>},
  };
  return table;
}

} // namespace strata::onnx_import
