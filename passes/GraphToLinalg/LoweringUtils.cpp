//===- LoweringUtils.cpp - Shared builders for graph-to-linalg --*- C++ -*-===//
//
// Implements LoweringUtils.h.
//
//===----------------------------------------------------------------------===//
#include "passes/GraphToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace strata::lowering {

AffineMap broadcastMap(MLIRContext *context, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  int64_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, extent] : llvm::enumerate(operandShape)) {
    bool broadcast = extent == 1 && resultShape[i + offset] != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, context)
                              : getAffineDimExpr(i + offset, context));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, context);
}

Value buildParallelGeneric(OpBuilder &b, Location loc,
                           RankedTensorType resultType, ValueRange inputs,
                           ArrayRef<AffineMap> maps, BodyBuilder body) {
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<AffineMap> indexingMaps(maps);
  indexingMaps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, indexingMaps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value buildBroadcastingGeneric(OpBuilder &b, Location loc,
                               RankedTensorType resultType, ValueRange inputs,
                               BodyBuilder body) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(
        broadcastMap(b.getContext(),
                     cast<RankedTensorType>(input.getType()).getShape(),
                     resultType.getShape()));
  return buildParallelGeneric(b, loc, resultType, inputs, maps, body);
}

Value buildReduction(OpBuilder &b, Location loc, Value input, int64_t axis,
                     TypedAttr initial, BodyBuilder combine) {
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(inputType.getShape());
  shape.erase(shape.begin() + axis);
  auto resultType = RankedTensorType::get(shape, inputType.getElementType());
  Value init = filledTensor(b, loc, resultType, initial);
  int64_t rank = inputType.getRank();
  SmallVector<AffineExpr> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      kept.push_back(b.getAffineDimExpr(d));
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, kept, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, input, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // combine(accumulator, element)
        Value result = combine(nested, nestedLoc, {args[1], args[0]});
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value buildSlidingWindow(OpBuilder &b, Location loc, Value input, Value weight,
                         Value init, ArrayRef<int64_t> kernel,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                         int64_t groups, BodyBuilder body) {
  MLIRContext *context = b.getContext();
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t spatial = kernel.size();
  bool convolution = static_cast<bool>(weight);
  // Loop dims: n, c (or m), out..., [c_in,] k...
  int64_t firstOut = 2, channelIn = 2 + spatial,
          firstKernel = 2 + spatial + (convolution ? 1 : 0);
  int64_t loops = firstKernel + spatial;
  auto dim = [&](int64_t d) { return getAffineDimExpr(d, context); };
  SmallVector<AffineExpr> inputExprs = {dim(0)};
  if (convolution) {
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t perGroupIn = inType.getDimSize(1) / groups;
    int64_t perGroupOut = initType.getDimSize(1) / groups;
    inputExprs.push_back(groups == 1 ? dim(channelIn)
                                     : dim(1).floorDiv(perGroupOut) * perGroupIn +
                                           dim(channelIn));
  } else {
    inputExprs.push_back(dim(1));
  }
  for (int64_t i = 0; i < spatial; ++i)
    inputExprs.push_back(dim(firstOut + i) * strides[i] +
                         dim(firstKernel + i) * dilations[i]);
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, inputExprs, context)};
  SmallVector<Value> inputs = {input};
  if (convolution) {
    SmallVector<AffineExpr> weightExprs = {dim(1), dim(channelIn)};
    for (int64_t i = 0; i < spatial; ++i)
      weightExprs.push_back(dim(firstKernel + i));
    maps.push_back(AffineMap::get(loops, 0, weightExprs, context));
    inputs.push_back(weight);
  } else {
    // Pooling has no weight: an empty kernel-shaped operand gives the
    // window loops their extents, as linalg's named pooling ops do.
    SmallVector<AffineExpr> kernelExprs;
    for (int64_t i = 0; i < spatial; ++i)
      kernelExprs.push_back(dim(firstKernel + i));
    maps.push_back(AffineMap::get(loops, 0, kernelExprs, context));
    inputs.push_back(tensor::EmptyOp::create(b, loc, kernel,
                                             initType.getElementType()));
  }
  SmallVector<AffineExpr> outExprs = {dim(0), dim(1)};
  for (int64_t i = 0; i < spatial; ++i)
    outExprs.push_back(dim(firstOut + i));
  maps.push_back(AffineMap::get(loops, 0, outExprs, context));
  SmallVector<utils::IteratorType> iterators(loops, utils::IteratorType::reduction);
  for (int64_t d = 0; d < channelIn; ++d)
    iterators[d] = utils::IteratorType::parallel;
  auto generic = linalg::GenericOp::create(
      b, loc, initType, inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> operands(args);
        if (!convolution)
          operands.erase(operands.begin() + 1); // The kernel-shape operand.
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, operands));
      });
  return generic.getResult(0);
}

Value reshapeTo(OpBuilder &b, Location loc, Value value,
                RankedTensorType type) {
  auto sourceType = cast<RankedTensorType>(value.getType());
  if (sourceType == type)
    return value;
  // A constant (a weight) is reshaped now, so that later re-layouts of it
  // fold too (a depthwise filter's transpose).
  DenseElementsAttr constant;
  if (matchPattern(value, m_Constant(&constant)))
    return arith::ConstantOp::create(b, loc, constant.reshape(type));
  if (sourceType.getRank() > type.getRank()) {
    if (auto reassociation = getReassociationIndicesForReshape(sourceType, type))
      return tensor::CollapseShapeOp::create(b, loc, type, value, *reassociation);
  } else if (sourceType.getRank() < type.getRank()) {
    if (auto reassociation = getReassociationIndicesForReshape(sourceType, type))
      return tensor::ExpandShapeOp::create(b, loc, type, value, *reassociation);
  }
  // No single collapse or expand relates the shapes: go through 1-D.
  auto flatType = RankedTensorType::get({sourceType.getNumElements()},
                                        sourceType.getElementType());
  Value flat = value;
  if (sourceType.getRank() != 1) {
    SmallVector<ReassociationIndices> all;
    if (sourceType.getRank() > 0)
      all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, sourceType.getRank())));
    flat = sourceType.getRank() == 0
               ? Value(tensor::ExpandShapeOp::create(b, loc, flatType, value, all))
               : Value(tensor::CollapseShapeOp::create(b, loc, flatType, value, all));
  }
  if (type.getRank() == 1)
    return flat;
  SmallVector<ReassociationIndices> all;
  if (type.getRank() > 0)
    all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, flat, all);
  return tensor::ExpandShapeOp::create(b, loc, type, flat, all);
}

Value padTensor(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> low,
                ArrayRef<int64_t> high, TypedAttr padding) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < shape.size(); ++i)
    shape[i] += low[i] + high[i];
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  Value padValue = arith::ConstantOp::create(b, loc, signlessAttr(padding));
  return tensor::PadOp::create(b, loc, paddedType, value,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high),
                               padValue);
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   TypedAttr value) {
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  Value scalar = arith::ConstantOp::create(b, loc, signlessAttr(value));
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

TypedAttr scalarAttr(Type type, double value) {
  if (isa<FloatType>(type))
    return FloatAttr::get(type, value);
  return IntegerAttr::get(type, static_cast<int64_t>(value));
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, scalarAttr(type, value));
}

TypedAttr lowestValue(Type type, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(
        type, APFloat::getInf(floatType.getFloatSemantics(), /*Negative=*/true));
  auto intType = cast<IntegerType>(type);
  return IntegerAttr::get(type, isUnsigned
                                    ? APInt::getMinValue(intType.getWidth())
                                    : APInt::getSignedMinValue(intType.getWidth()));
}

TypedAttr highestValue(Type type, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(type, APFloat::getInf(floatType.getFloatSemantics()));
  auto intType = cast<IntegerType>(type);
  return IntegerAttr::get(type, isUnsigned
                                    ? APInt::getMaxValue(intType.getWidth())
                                    : APInt::getSignedMaxValue(intType.getWidth()));
}

static bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return isFloat(x) ? Value(arith::AddFOp::create(b, loc, x, y))
                    : Value(arith::AddIOp::create(b, loc, x, y));
}
Value sub(OpBuilder &b, Location loc, Value x, Value y) {
  return isFloat(x) ? Value(arith::SubFOp::create(b, loc, x, y))
                    : Value(arith::SubIOp::create(b, loc, x, y));
}
Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  return isFloat(x) ? Value(arith::MulFOp::create(b, loc, x, y))
                    : Value(arith::MulIOp::create(b, loc, x, y));
}
Value div(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isFloat(x))
    return arith::DivFOp::create(b, loc, x, y);
  return isUnsigned ? Value(arith::DivUIOp::create(b, loc, x, y))
                    : Value(arith::DivSIOp::create(b, loc, x, y));
}
Value max(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isFloat(x))
    return arith::MaximumFOp::create(b, loc, x, y);
  return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, x, y))
                    : Value(arith::MaxSIOp::create(b, loc, x, y));
}
Value min(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isFloat(x))
    return arith::MinimumFOp::create(b, loc, x, y);
  return isUnsigned ? Value(arith::MinUIOp::create(b, loc, x, y))
                    : Value(arith::MinSIOp::create(b, loc, x, y));
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type from,
                    Type to) {
  Type target = signlessType(to);
  if (from == to)
    return value;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, value);
    // f64 to a 16-bit float goes through f32: the direct truncation is a
    // compiler-rt call (__truncdfhf2) that artifacts do not link. Rounding
    // twice can differ from rounding once in the last bit of rare values.
    if (fromFloat.getWidth() == 64 && toFloat.getWidth() == 16)
      value = arith::TruncFOp::create(b, loc, b.getF32Type(), value);
    return arith::TruncFOp::create(b, loc, to, value);
  }
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  bool fromSigned = fromInt && !fromInt.isUnsigned() && fromInt.getWidth() > 1;
  if (fromInt && toFloat)
    return fromSigned ? Value(arith::SIToFPOp::create(b, loc, to, value))
                      : Value(arith::UIToFPOp::create(b, loc, to, value));
  if (fromFloat && toInt) {
    if (toInt.getWidth() == 1) // Cast to bool: non-zero is true.
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   scalarConstant(b, loc, from, 0.0));
    return toInt.isUnsigned()
               ? Value(arith::FPToUIOp::create(b, loc, target, value))
               : Value(arith::FPToSIOp::create(b, loc, target, value));
  }
  if (toInt.getWidth() == 1)
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value,
                                 scalarConstant(b, loc, value.getType(), 0));
  if (fromInt.getWidth() > toInt.getWidth())
    return arith::TruncIOp::create(b, loc, target, value);
  if (fromInt.getWidth() == toInt.getWidth())
    return value; // Signedness only: the same bits.
  return fromSigned ? Value(arith::ExtSIOp::create(b, loc, target, value))
                    : Value(arith::ExtUIOp::create(b, loc, target, value));
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type to) {
  return convertScalar(b, loc, value, value.getType(), to);
}

SignlessTypeConverter::SignlessTypeConverter() {
  addConversion([](Type type) { return signlessType(type); });
}

Type signlessType(Type type) {
  auto signless = [](Type element) -> Type {
    if (auto integer = dyn_cast<IntegerType>(element);
        integer && !integer.isSignless())
      return IntegerType::get(integer.getContext(), integer.getWidth());
    return element;
  };
  if (auto shaped = dyn_cast<RankedTensorType>(type))
    return shaped.clone(signless(shaped.getElementType()));
  return signless(type);
}

TypedAttr signlessAttr(TypedAttr attr) {
  Type type = signlessType(attr.getType());
  if (type == attr.getType())
    return attr;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return dense.bitcast(cast<ShapedType>(type).getElementType());
  if (auto integer = dyn_cast<IntegerAttr>(attr))
    return IntegerAttr::get(type, integer.getValue());
  return attr;
}

bool isUnsignedElement(Value value) {
  return getElementTypeOrSelf(value.getType()).isUnsignedInteger();
}

} // namespace strata::lowering
