//===- GraphOps.cpp - Verifiers of the graph dialect ------------*- C++ -*-===//
//
// Every verifier checks what the lowering relies on: ranks, attribute sizes,
// and that the result type is the one ONNX's shape rules give. Errors name the
// operand or attribute at fault so that an importer bug or a hand-written test
// reads like a diagnosis.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace strata::graph;

namespace {

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

LogicalResult expectResultShape(Operation *op, ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> actual = shapeOf(op->getResult(0));
  if (actual != expected)
    return op->emitOpError("result shape ")
           << formatShape(actual) << " does not match the inferred shape "
           << formatShape(expected);
  return success();
}

LogicalResult expectSameElementType(Operation *op, Value a, Value b,
                                    StringRef what) {
  if (elementTypeOf(a) != elementTypeOf(b))
    return op->emitOpError("element types of ")
           << what << " differ: " << elementTypeOf(a) << " vs "
           << elementTypeOf(b);
  return success();
}

/// Checks a sliding-window op's attributes against `spatial` axes and the
/// result's spatial extents against windowOutputSize.
LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> input,
                           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                           bool ceilMode, int64_t channels) {
  size_t spatial = input.size() - 2;
  if (kernel.size() != spatial || strides.size() != spatial ||
      dilations.size() != spatial || pads.size() != 2 * spatial)
    return op->emitOpError("expects ")
           << spatial << " kernel, stride and dilation entries and "
           << 2 * spatial << " pads for a rank-" << input.size() << " input";
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return op->emitOpError("kernel, strides and dilations must be positive");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return op->emitOpError("pads must be non-negative");
  SmallVector<int64_t> expected = {input[0], channels};
  for (size_t i = 0; i < spatial; ++i)
    expected.push_back(windowOutputSize(input[i + 2], kernel[i], strides[i],
                                        pads[i], pads[i + spatial],
                                        dilations[i], ceilMode));
  return expectResultShape(op, expected);
}

} // namespace

LogicalResult strata::graph::verifyBroadcastsOperands(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (failed(expectSameElementType(op, lhs, rhs, "the operands")) ||
      failed(expectSameElementType(op, lhs, op->getResult(0),
                                   "operand and result")))
    return failure();
  auto shape = broadcastShapes(shapeOf(lhs), shapeOf(rhs));
  if (!shape)
    return op->emitOpError("operand shapes ")
           << formatShape(shapeOf(lhs)) << " and " << formatShape(shapeOf(rhs))
           << " do not broadcast";
  return expectResultShape(op, *shape);
}

LogicalResult strata::graph::verifySameShapeElementwise(Operation *op) {
  if (op->getOperand(0).getType() != op->getResult(0).getType())
    return op->emitOpError("result type ")
           << op->getResult(0).getType() << " differs from the input type "
           << op->getOperand(0).getType();
  return success();
}

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

LogicalResult ShapeOp::verify() {
  auto [start, end] = shapeOpRange(getStart(), getEnd(),
                                   getInput().getType().getRank());
  if (!getResult().getType().getElementType().isInteger(64))
    return emitOpError("result must hold int64 extents");
  return expectResultShape(*this, {std::max<int64_t>(end - start, 0)});
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getResult().getType().getShape())
    return emitOpError("cast changes the shape");
  return success();
}

LogicalResult MatMulOp::verify() {
  if (failed(expectSameElementType(*this, getLhs(), getRhs(), "the operands")))
    return failure();
  auto shape = matmulShape(shapeOf(getLhs()), shapeOf(getRhs()));
  if (!shape)
    return emitOpError("operand shapes ")
           << formatShape(shapeOf(getLhs())) << " and "
           << formatShape(shapeOf(getRhs())) << " do not multiply";
  return expectResultShape(*this, *shape);
}

LogicalResult GemmOp::verify() {
  ArrayRef<int64_t> a = shapeOf(getA()), b = shapeOf(getB());
  if (a.size() != 2 || b.size() != 2)
    return emitOpError("A and B must be matrices");
  int64_t m = getTransA() ? a[1] : a[0], k = getTransA() ? a[0] : a[1];
  int64_t kB = getTransB() ? b[1] : b[0], n = getTransB() ? b[0] : b[1];
  if (k != kB)
    return emitOpError("inner dimensions differ: ") << k << " vs " << kB;
  if (getC()) {
    auto shape = broadcastShapes(shapeOf(getC()), {m, n});
    if (!shape || *shape != ArrayRef<int64_t>{m, n})
      return emitOpError("C of shape ")
             << formatShape(shapeOf(getC())) << " does not broadcast to "
             << m << "x" << n;
  }
  return expectResultShape(*this, {m, n});
}

LogicalResult ConvOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput()), w = shapeOf(getWeight());
  if (x.size() < 3 || x.size() > 4 || w.size() != x.size())
    return emitOpError("expects a 1-D or 2-D convolution (rank-3 or rank-4 "
                       "input and weight of the same rank)");
  int64_t group = getGroup();
  if (group <= 0 || x[1] != w[1] * group || w[0] % group != 0)
    return emitOpError("input channels ")
           << x[1] << " do not match weight " << formatShape(w)
           << " with group " << group;
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{w[0]})
    return emitOpError("bias must be 1-D with ") << w[0] << " entries";
  return verifyWindow(*this, x, w.drop_front(2), getStrides(), getPads(),
                      getDilations(), /*ceilMode=*/false, w[0]);
}

LogicalResult MaxPoolOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() < 3)
    return emitOpError("expects an input of rank 3 or more");
  return verifyWindow(*this, x, getKernelShape(), getStrides(), getPads(),
                      getDilations(), getCeilMode(), x[1]);
}

LogicalResult AveragePoolOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() < 3)
    return emitOpError("expects an input of rank 3 or more");
  SmallVector<int64_t> dilations(x.size() - 2, 1);
  return verifyWindow(*this, x, getKernelShape(), getStrides(), getPads(),
                      dilations, getCeilMode(), x[1]);
}

LogicalResult GlobalAveragePoolOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() < 3)
    return emitOpError("expects an input of rank 3 or more");
  SmallVector<int64_t> expected(x.size(), 1);
  expected[0] = x[0];
  expected[1] = x[1];
  return expectResultShape(*this, expected);
}

LogicalResult BatchNormalizationOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() < 2)
    return emitOpError("expects an input of rank 2 or more");
  for (Value param : {getScale(), getBias(), getMean(), getVariance()})
    if (shapeOf(param) != ArrayRef<int64_t>{x[1]})
      return emitOpError("scale, bias, mean and variance must be 1-D with ")
             << x[1] << " entries (the channel count)";
  return success();
}

template <typename SoftmaxLike>
static LogicalResult verifySoftmaxAxis(SoftmaxLike op) {
  if (!normalizeAxis(op.getAxis(), op.getInput().getType().getRank()))
    return op.emitOpError("axis ")
           << static_cast<int64_t>(op.getAxis()) << " is outside the input's rank "
           << op.getInput().getType().getRank();
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxAxis(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxAxis(*this); }

LogicalResult ReshapeOp::verify() {
  if (failed(expectSameElementType(*this, getInput(), getResult(),
                                   "input and result")))
    return failure();
  if (getInput().getType().getNumElements() !=
      getResult().getType().getNumElements())
    return emitOpError("cannot reshape ")
           << formatShape(shapeOf(getInput())) << " into "
           << formatShape(shapeOf(getResult()));
  return success();
}

LogicalResult FlattenOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  auto axis = normalizeAxis(getAxis(), x.size(), /*allowEnd=*/true);
  if (!axis)
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " is outside the input's rank";
  int64_t outer = 1, inner = 1;
  for (auto [i, extent] : llvm::enumerate(x))
    (static_cast<int64_t>(i) < *axis ? outer : inner) *= extent;
  return expectResultShape(*this, {outer, inner});
}

LogicalResult SqueezeOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  llvm::SmallDenseSet<int64_t> squeezed;
  for (int64_t axis : getAxes()) {
    auto normalized = normalizeAxis(axis, x.size());
    if (!normalized || x[*normalized] != 1)
      return emitOpError("axis ") << axis << " is not a unit axis of the input";
    squeezed.insert(*normalized);
  }
  SmallVector<int64_t> expected;
  for (auto [i, extent] : llvm::enumerate(x))
    if (!squeezed.contains(i))
      expected.push_back(extent);
  return expectResultShape(*this, expected);
}

LogicalResult UnsqueezeOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  int64_t rank = x.size() + getAxes().size();
  llvm::SmallDenseSet<int64_t> inserted;
  for (int64_t axis : getAxes()) {
    auto normalized = normalizeAxis(axis, rank);
    if (!normalized || !inserted.insert(*normalized).second)
      return emitOpError("axis ") << axis << " is invalid or repeated";
  }
  SmallVector<int64_t> expected;
  for (int64_t i = 0, next = 0; i < rank; ++i)
    expected.push_back(inserted.contains(i) ? 1 : x[next++]);
  return expectResultShape(*this, expected);
}

LogicalResult ExpandOp::verify() {
  if (failed(expectSameElementType(*this, getInput(), getResult(),
                                   "input and result")))
    return failure();
  auto shape = broadcastShapes(shapeOf(getInput()), shapeOf(getResult()));
  if (!shape || *shape != shapeOf(getResult()))
    return emitOpError("cannot expand ")
           << formatShape(shapeOf(getInput())) << " to "
           << formatShape(shapeOf(getResult()));
  return success();
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<bool> seen(x.size(), false);
  if (perm.size() != x.size())
    return emitOpError("perm has ")
           << perm.size() << " entries for a rank-" << x.size() << " input";
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(x.size()) || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
    expected.push_back(x[p]);
  }
  return expectResultShape(*this, expected);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  ArrayRef<int64_t> first = shapeOf(getInputs().front());
  auto axis = normalizeAxis(getAxis(), first.size());
  if (!axis)
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " is outside the inputs' rank";
  SmallVector<int64_t> expected(first);
  expected[*axis] = 0;
  for (Value input : getInputs()) {
    ArrayRef<int64_t> shape = shapeOf(input);
    if (failed(expectSameElementType(*this, input, getResult(),
                                     "input and result")))
      return failure();
    for (size_t i = 0; i < first.size(); ++i)
      if (shape.size() != first.size() ||
          (static_cast<int64_t>(i) != *axis && shape[i] != first[i]))
        return emitOpError("inputs differ off the concatenation axis");
    expected[*axis] += shape[*axis];
  }
  return expectResultShape(*this, expected);
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  size_t count = getStarts().size();
  if (getEnds().size() != count || getAxes().size() != count ||
      getSteps().size() != count)
    return emitOpError("starts, ends, axes and steps differ in length");
  SmallVector<int64_t> expected(x);
  llvm::SmallDenseSet<int64_t> seen;
  for (size_t i = 0; i < count; ++i) {
    auto axis = normalizeAxis(getAxes()[i], x.size());
    if (!axis || !seen.insert(*axis).second)
      return emitOpError("axis ") << getAxes()[i] << " is invalid or repeated";
    if (getSteps()[i] == 0)
      return emitOpError("steps must be non-zero");
    expected[*axis] = resolveSliceRange(getStarts()[i], getEnds()[i],
                                        getSteps()[i], x[*axis])
                          .size;
  }
  return expectResultShape(*this, expected);
}

LogicalResult GatherOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  auto axis = normalizeAxis(getAxis(), x.size());
  if (!axis)
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " is outside the input's rank";
  if (!isa<IntegerType>(elementTypeOf(getIndices())))
    return emitOpError("indices must be integers");
  SmallVector<int64_t> expected(x.begin(), x.begin() + *axis);
  llvm::append_range(expected, shapeOf(getIndices()));
  expected.append(x.begin() + *axis + 1, x.end());
  return expectResultShape(*this, expected);
}

LogicalResult LSTMOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getX());
  int64_t hidden = getHiddenSize();
  if (x.size() != 3)
    return emitOpError("X must be [seq_length, batch, input_size]");
  int64_t seq = x[0], batch = x[1];
  auto expectShape = [&](Value v, ArrayRef<int64_t> shape,
                         StringRef name) -> LogicalResult {
    if (shapeOf(v) != shape)
      return emitOpError(name) << " must be " << formatShape(shape)
                               << ", got " << formatShape(shapeOf(v));
    return success();
  };
  if (failed(expectShape(getW(), {1, 4 * hidden, x[2]}, "W")) ||
      failed(expectShape(getR(), {1, 4 * hidden, hidden}, "R")) ||
      (getB() && failed(expectShape(getB(), {1, 8 * hidden}, "B"))) ||
      (getInitialH() &&
       failed(expectShape(getInitialH(), {1, batch, hidden}, "initial_h"))) ||
      (getInitialC() &&
       failed(expectShape(getInitialC(), {1, batch, hidden}, "initial_c"))) ||
      failed(expectShape(getY(), {seq, 1, batch, hidden}, "Y")) ||
      failed(expectShape(getYH(), {1, batch, hidden}, "Y_h")) ||
      failed(expectShape(getYC(), {1, batch, hidden}, "Y_c")))
    return failure();
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.cpp.inc"
