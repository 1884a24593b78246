//===- GraphFolders.cpp - Constant folding of graph ops ---------*- C++ -*-===//
//
// Folders make shape arithmetic vanish at compile time: PyTorch exports compute
// reshape targets and slice bounds with Shape, Gather, Unsqueeze and Concat on
// tensors whose shapes are static after import, so every one of those ops
// folds to a constant as the importer builds it. Data-movement folds work on
// raw element bytes, so they cost one copy even for large weights.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/ConstantFolding.h"
#include "dialects/Graph/GraphOps.h"
#include "llvm/ADT/APSInt.h"
#include "dialects/Graph/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace strata::graph;

namespace {

/// Largest constant, in elements, that elementwise arithmetic folds; larger
/// ones are left for generated code rather than slowing the compiler.
constexpr int64_t kMaxFoldedArithmeticElements = 1 << 16;

DenseElementsAttr asDense(Attribute attr) {
  return dyn_cast_if_present<DenseElementsAttr>(attr);
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Builds a constant of `type` whose element at each result index is the
/// element of `source` at `sourceIndex(resultIndex)` (a linear index).
DenseElementsAttr
permuteElements(DenseElementsAttr source, RankedTensorType type,
                llvm::function_ref<int64_t(ArrayRef<int64_t>)> sourceIndex) {
  if (source.isSplat())
    return source.resizeSplat(type);
  unsigned bits = source.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return {};
  size_t bytes = bits / 8;
  ArrayRef<char> raw = source.getRawData();
  std::vector<char> data(type.getNumElements() * bytes);
  SmallVector<int64_t> index(type.getRank(), 0);
  for (int64_t linear = 0; linear < type.getNumElements(); ++linear) {
    std::memcpy(&data[linear * bytes], &raw[sourceIndex(index) * bytes], bytes);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(type, data);
}

/// Folds a broadcasting binary op on two constants with `compute` on each
/// pair of elements; `compute` returns nullopt to refuse (division by zero).
template <typename ValueT, typename Compute>
DenseElementsAttr foldBroadcast(DenseElementsAttr lhs, DenseElementsAttr rhs,
                                RankedTensorType type, Compute compute) {
  if (type.getNumElements() > kMaxFoldedArithmeticElements)
    return {};
  auto lhsValues = llvm::to_vector(lhs.getValues<ValueT>());
  auto rhsValues = llvm::to_vector(rhs.getValues<ValueT>());
  ArrayRef<int64_t> shape = type.getShape();
  auto operandIndex = [&](DenseElementsAttr operand, ArrayRef<int64_t> index) {
    ArrayRef<int64_t> operandShape = operand.getType().getShape();
    SmallVector<int64_t> strides = stridesOf(operandShape);
    int64_t offset = shape.size() - operandShape.size(), linear = 0;
    for (size_t d = 0; d < operandShape.size(); ++d)
      if (operandShape[d] != 1)
        linear += index[d + offset] * strides[d];
    return operand.isSplat() ? 0 : linear;
  };
  SmallVector<ValueT> results;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t linear = 0; linear < type.getNumElements(); ++linear) {
    std::optional<ValueT> value = compute(lhsValues[operandIndex(lhs, index)],
                                          rhsValues[operandIndex(rhs, index)]);
    if (!value)
      return {};
    results.push_back(*value);
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, results);
}

/// A constant whose every element is zero.
bool isZeroConstant(DenseElementsAttr attr) {
  if (!attr || !attr.isSplat())
    return false;
  if (isa<FloatType>(attr.getElementType()))
    return attr.getSplatValue<APFloat>().isZero();
  if (isa<IntegerType>(attr.getElementType()))
    return attr.getSplatValue<APInt>().isZero();
  return false;
}

/// A constant with no infinity or NaN (integers always qualify).
bool isFiniteConstant(DenseElementsAttr attr) {
  if (!attr)
    return false;
  if (!isa<FloatType>(attr.getElementType()))
    return true;
  return llvm::all_of(attr.getValues<APFloat>(),
                      [](const APFloat &v) { return v.isFinite(); });
}

enum class Arithmetic { Add, Sub, Mul, Div };

OpFoldResult foldArithmetic(Operation *op, Attribute lhsAttr,
                            Attribute rhsAttr, Arithmetic kind) {
  DenseElementsAttr lhs = asDense(lhsAttr), rhs = asDense(rhsAttr);
  if (!lhs || !rhs)
    return {};
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (isa<FloatType>(type.getElementType()))
    return foldBroadcast<APFloat>(
        lhs, rhs, type, [&](APFloat a, const APFloat &b) -> std::optional<APFloat> {
          switch (kind) {
          case Arithmetic::Add: a.add(b, APFloat::rmNearestTiesToEven); break;
          case Arithmetic::Sub: a.subtract(b, APFloat::rmNearestTiesToEven); break;
          case Arithmetic::Mul: a.multiply(b, APFloat::rmNearestTiesToEven); break;
          case Arithmetic::Div: a.divide(b, APFloat::rmNearestTiesToEven); break;
          }
          return a;
        });
  if (auto integer = dyn_cast<IntegerType>(type.getElementType())) {
    bool isUnsigned = integer.isUnsigned();
    return foldBroadcast<APInt>(
        lhs, rhs, type, [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
          switch (kind) {
          case Arithmetic::Add: return a + b;
          case Arithmetic::Sub: return a - b;
          case Arithmetic::Mul: return a * b;
          case Arithmetic::Div:
            if (b.isZero())
              return std::nullopt;
            return isUnsigned ? a.udiv(b) : a.sdiv(b);
          }
          return std::nullopt;
        });
  }
  return {};
}

/// Reshape-like ops (same elements, new shape) fold a constant input into a
/// reshaped constant and vanish when the type does not change.
OpFoldResult foldReshapeLike(Value input, Attribute inputAttr,
                             RankedTensorType resultType) {
  if (input.getType() == resultType)
    return input;
  if (DenseElementsAttr dense = asDense(inputAttr))
    return dense.reshape(resultType);
  return {};
}

} // namespace

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  if (!getResult().getType().hasStaticShape())
    return {};
  return DenseElementsAttr::get(getResult().getType(),
                                cast<TypedAttr>(getValue()));
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  RankedTensorType input = getInput().getType();
  if (!input.hasStaticShape())
    return {};
  auto [start, end] = shapeOpRange(getStart(), getEnd(), input.getRank());
  SmallVector<int64_t> extents;
  for (int64_t i = start; i < end; ++i)
    extents.push_back(input.getDimSize(i));
  return DenseElementsAttr::get(getResult().getType(), ArrayRef(extents));
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + 0 and 0 + x, when the zero does not widen the result.
  if (isZeroConstant(asDense(adaptor.getRhs())) &&
      getLhs().getType() == getType())
    return getLhs();
  if (isZeroConstant(asDense(adaptor.getLhs())) &&
      getRhs().getType() == getType())
    return getRhs();
  return foldArithmetic(*this, adaptor.getLhs(), adaptor.getRhs(),
                        Arithmetic::Add);
}
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isZeroConstant(asDense(adaptor.getRhs())) &&
      getLhs().getType() == getType())
    return getLhs();
  return foldArithmetic(*this, adaptor.getLhs(), adaptor.getRhs(),
                        Arithmetic::Sub);
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = asDense(adaptor.getInput());
  if (!input || input.getNumElements() > kMaxFoldedArithmeticElements)
    return {};
  Type element = input.getElementType();
  if (isa<FloatType>(element))
    return input.mapValues(element, [](const APFloat &value) {
      return neg(value).bitcastToAPInt();
    });
  if (isa<IntegerType>(element))
    return input.mapValues(element, [](const APInt &value) { return -value; });
  return {};
}

OpFoldResult MatMulOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr lhs = asDense(adaptor.getLhs());
  DenseElementsAttr rhs = asDense(adaptor.getRhs());
  if ((isZeroConstant(lhs) && isFiniteConstant(rhs)) ||
      (isZeroConstant(rhs) && isFiniteConstant(lhs)))
    return DenseElementsAttr::get(getType(),
                                  Builder(getContext()).getZeroAttr(
                                      getType().getElementType()));
  return {};
}
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(*this, adaptor.getLhs(), adaptor.getRhs(),
                        Arithmetic::Mul);
}
OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(*this, adaptor.getLhs(), adaptor.getRhs(),
                        Arithmetic::Div);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  DenseElementsAttr input = asDense(adaptor.getInput());
  auto type = getResult().getType();
  if (!input || type.getNumElements() > kMaxFoldedArithmeticElements)
    return {};
  Type from = input.getElementType(), to = type.getElementType();
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromInt && toInt) {
    SmallVector<APInt> values;
    for (const APInt &v : input.getValues<APInt>())
      values.push_back(toInt.getWidth() == 1 // To bool: non-zero is true.
                           ? APInt(1, !v.isZero())
                       : fromInt.isUnsigned() || fromInt.getWidth() == 1
                           ? v.zextOrTrunc(toInt.getWidth())
                           : v.sextOrTrunc(toInt.getWidth()));
    return DenseElementsAttr::get(type, values);
  }
  // Conversions to float round to nearest even, as the generated
  // sitofp/uitofp/fptrunc/fpext do.
  if (toFloat) {
    SmallVector<APFloat> values;
    bool isSigned = fromInt && !fromInt.isUnsigned() && fromInt.getWidth() > 1;
    for (auto it = input.value_begin<Attribute>(), end = input.value_end<Attribute>();
         it != end; ++it) {
      APFloat value(toFloat.getFloatSemantics());
      bool losesInfo;
      if (fromInt)
        value.convertFromAPInt(cast<IntegerAttr>(*it).getValue(), isSigned,
                               APFloat::rmNearestTiesToEven);
      else {
        value = cast<FloatAttr>(*it).getValue();
        value.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                      &losesInfo);
      }
      values.push_back(value);
    }
    return DenseElementsAttr::get(type, values);
  }
  // Float to integer truncates toward zero; a value out of the integer's
  // range (undefined in ONNX) is left to generated code.
  if (toInt && toInt.getWidth() > 1 && isa<FloatType>(from)) {
    SmallVector<APInt> values;
    for (const APFloat &v : input.getValues<APFloat>()) {
      APSInt result(toInt.getWidth(), toInt.isUnsigned());
      bool exact;
      if (v.convertToInteger(result, APFloat::rmTowardZero, &exact) &
          APFloat::opInvalidOp)
        return {};
      values.push_back(result);
    }
    return DenseElementsAttr::get(type, values);
  }
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getResult().getType());
}
OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getResult().getType());
}
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getResult().getType());
}
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getResult().getType());
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  DenseElementsAttr input = asDense(adaptor.getInput());
  if (!input)
    return {};
  if (input.isSplat())
    return input.resizeSplat(getResult().getType());
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  SmallVector<int64_t> strides = stridesOf(shape);
  int64_t offset = getResult().getType().getRank() - shape.size();
  return permuteElements(input, getResult().getType(),
                         [&](ArrayRef<int64_t> index) {
                           int64_t linear = 0;
                           for (size_t d = 0; d < shape.size(); ++d)
                             if (shape[d] != 1)
                               linear += index[d + offset] * strides[d];
                           return linear;
                         });
}

DenseElementsAttr strata::graph::transposeElements(DenseElementsAttr value,
                                                   ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> shape = value.getType().getShape();
  SmallVector<int64_t> resultShape;
  for (int64_t p : perm)
    resultShape.push_back(shape[p]);
  auto resultType =
      RankedTensorType::get(resultShape, value.getType().getElementType());
  SmallVector<int64_t> strides = stridesOf(shape);
  return permuteElements(value, resultType, [&](ArrayRef<int64_t> index) {
    int64_t linear = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      linear += index[d] * strides[perm[d]];
    return linear;
  });
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return getInput();
  if (DenseElementsAttr input = asDense(adaptor.getInput()))
    return transposeElements(input, getPerm());
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType() &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  DenseElementsAttr input = asDense(adaptor.getInput());
  if (!input)
    return {};
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  SmallVector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1);
  for (size_t i = 0; i < getAxes().size(); ++i) {
    int64_t axis = *normalizeAxis(getAxes()[i], shape.size());
    SliceRange range = resolveSliceRange(getStarts()[i], getEnds()[i],
                                         getSteps()[i], shape[axis]);
    starts[axis] = range.start;
    steps[axis] = range.step;
  }
  SmallVector<int64_t> strides = stridesOf(shape);
  return permuteElements(input, getResult().getType(),
                         [&](ArrayRef<int64_t> index) {
                           int64_t linear = 0;
                           for (size_t d = 0; d < shape.size(); ++d)
                             linear += (starts[d] + index[d] * steps[d]) *
                                       strides[d];
                           return linear;
                         });
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = asDense(adaptor.getInput());
  DenseElementsAttr indices = asDense(adaptor.getIndices());
  if (!input || !indices)
    return {};
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t axis = *normalizeAxis(getAxis(), shape.size());
  SmallVector<int64_t> picks;
  for (const APInt &v : indices.getValues<APInt>()) {
    int64_t pick = v.getSExtValue();
    if (pick < 0)
      pick += shape[axis];
    if (pick < 0 || pick >= shape[axis])
      return {}; // Out of range: left for the verifier of generated code.
    picks.push_back(pick);
  }
  SmallVector<int64_t> strides = stridesOf(shape);
  SmallVector<int64_t> indexStrides =
      stridesOf(getIndices().getType().getShape());
  int64_t indexRank = getIndices().getType().getRank();
  return permuteElements(
      input, getResult().getType(), [&](ArrayRef<int64_t> index) {
        // Result axes: input[:axis], indices' axes, input[axis+1:].
        int64_t linear = 0, pickLinear = 0;
        for (int64_t d = 0; d < axis; ++d)
          linear += index[d] * strides[d];
        for (int64_t d = 0; d < indexRank; ++d)
          pickLinear += index[axis + d] * indexStrides[d];
        linear += picks[pickLinear] * strides[axis];
        for (size_t d = axis + 1; d < shape.size(); ++d)
          linear += index[d - 1 + indexRank] * strides[d];
        return linear;
      });
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 &&
      getInputs().front().getType() == getResult().getType())
    return getInputs().front();
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    DenseElementsAttr dense = asDense(attr);
    if (!dense)
      return {};
    inputs.push_back(dense);
  }
  ArrayRef<int64_t> shape = getResult().getType().getShape();
  int64_t axis = *normalizeAxis(getAxis(), shape.size());
  unsigned bits = getResult().getType().getElementTypeBitWidth();
  if (bits % 8 != 0)
    return {};
  size_t bytes = bits / 8;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  // Row by row of the outer axes, append each input's block along `axis`.
  std::vector<char> data;
  data.reserve(getResult().getType().getNumElements() * bytes);
  for (int64_t o = 0; o < outer; ++o)
    for (DenseElementsAttr input : inputs) {
      int64_t block = input.getType().getDimSize(axis) * inner;
      ArrayRef<char> raw = input.getRawData();
      for (int64_t e = 0; e < block; ++e) {
        int64_t source = input.isSplat() ? 0 : o * block + e;
        data.insert(data.end(), raw.begin() + source * bytes,
                    raw.begin() + (source + 1) * bytes);
      }
    }
  return DenseElementsAttr::getFromRawBuffer(getResult().getType(), data);
}
