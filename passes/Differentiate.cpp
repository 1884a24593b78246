//===- Differentiate.cpp - Reverse-mode gradients of the graph --*- C++ -*-===//
//
// Implements strata-differentiate. Pruning by importance needs the gradient
// of a loss with respect to the weights, on real data; the compiler builds
// it itself, in the graph dialect, so that the same pipeline compiles it for
// the host (stratac --prune-criterion) or for a target (stratac --gradient).
// The pass turns the entry into its vector-Jacobian product: one seed
// argument per result (dL/dresult) is appended, the ops are visited in
// reverse, each one's adjoint rule is written with graph ops (a convolution's
// input gradient is a convolution of the dilated seed with the flipped
// filters, its filter gradient a convolution of the input with the seed),
// and the entry returns dL/dW for every constant weight of a Conv, Gemm or
// MatMul. Forward ops the gradients do not need are left for DCE.
//
//===----------------------------------------------------------------------===//
#include "passes/EntryAttributes.h"
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"

#include <limits>
#include <numeric>

namespace strata {
#define GEN_PASS_DEF_DIFFERENTIATE
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;
using namespace strata::graph;

namespace {

ArrayRef<int64_t> shapeOf(Value v) { return cast<RankedTensorType>(v.getType()).getShape(); }

/// Builds the adjoint ops: graph ops whose result types they infer.
class AdjointBuilder {
public:
  AdjointBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value scalar(double value) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    return ConstantOp::create(b, loc, type,
                              DenseElementsAttr::get(type, b.getF32FloatAttr(value)));
  }
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    if (auto inner = v.getDefiningOp<ReshapeOp>()) // One reshape, not a chain.
      v = inner.getInput();
    if (shapeOf(v) == shape)
      return v;
    return b.createOrFold<ReshapeOp>(loc, RankedTensorType::get(shape, b.getF32Type()), v);
  }
  Value transpose(Value v, ArrayRef<int64_t> perm) {
    // Moving only unit axes keeps the elements' order: a reshape.
    ArrayRef<int64_t> shape = shapeOf(v);
    SmallVector<int64_t> moved, result;
    for (int64_t axis : perm) {
      result.push_back(shape[axis]);
      if (shape[axis] != 1)
        moved.push_back(axis);
    }
    if (llvm::is_sorted(moved))
      return reshape(v, result);
    return b.createOrFold<TransposeOp>(loc, v, b.getDenseI64ArrayAttr(perm));
  }
  Value slice(Value v, ArrayRef<int64_t> axes, ArrayRef<int64_t> starts,
              ArrayRef<int64_t> ends, ArrayRef<int64_t> steps) {
    return b.createOrFold<SliceOp>(loc, v, b.getDenseI64ArrayAttr(starts),
                                   b.getDenseI64ArrayAttr(ends), b.getDenseI64ArrayAttr(axes),
                                   b.getDenseI64ArrayAttr(steps));
  }
  /// The leading `sizes` of every axis from `firstAxis` on, from `starts`.
  Value crop(Value v, int64_t firstAxis, ArrayRef<int64_t> starts, ArrayRef<int64_t> sizes) {
    SmallVector<int64_t> axes, begins, ends, steps;
    for (auto [i, start] : llvm::enumerate(starts)) {
      int64_t axis = firstAxis + int64_t(i);
      if (start == 0 && sizes[i] == shapeOf(v)[axis])
        continue;
      axes.push_back(axis);
      begins.push_back(start);
      ends.push_back(start + sizes[i]);
      steps.push_back(1);
    }
    return axes.empty() ? v : slice(v, axes, begins, ends, steps);
  }
  template <typename OpT>
  Value binary(Value lhs, Value rhs) {
    return b.createOrFold<OpT>(loc, lhs, rhs);
  }
  Value where(Value condition, Value lhs, Value rhs) {
    return b.createOrFold<WhereOp>(loc, condition, lhs, rhs);
  }
  Value broadcastTo(Value v, ArrayRef<int64_t> shape) {
    return b.createOrFold<ExpandOp>(loc, RankedTensorType::get(shape, b.getF32Type()), v);
  }
  Value conv(Value input, Value weight, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
             ArrayRef<int64_t> dilations, int64_t group) {
    return ConvOp::create(b, loc, input, weight, Value(), strides, pads, dilations, group);
  }
  Value gemm(Value a, Value bMatrix, double alpha, bool transA, bool transB) {
    return GemmOp::create(b, loc, a, bMatrix, Value(), llvm::APFloat(float(alpha)),
                          llvm::APFloat(1.0f), transA, transB);
  }
  /// `grad` summed over the axes numpy broadcasting stretched to reach it
  /// from `shape`.
  Value reduceTo(Value grad, ArrayRef<int64_t> shape) {
    ArrayRef<int64_t> full = shapeOf(grad);
    if (full == shape)
      return grad;
    size_t lead = full.size() - shape.size();
    SmallVector<int64_t> axes;
    for (size_t d = 0; d < full.size(); ++d)
      if (d < lead || (shape[d - lead] == 1 && full[d] != 1))
        axes.push_back(int64_t(d));
    Value summed = axes.empty() ? grad
                                : b.createOrFold<ReduceSumOp>(loc, grad, axes, /*keepdims=*/true);
    return reshape(summed, shape);
  }
  /// Inserts stride - 1 zeros between the elements of every axis from 2 on.
  Value dilate(Value v, ArrayRef<int64_t> strides) {
    if (llvm::all_of(strides, [](int64_t s) { return s == 1; }))
      return v;
    ArrayRef<int64_t> shape = shapeOf(v);
    SmallVector<int64_t> split(shape.take_front(2)), pads(2 * (2 + 2 * strides.size()), 0);
    SmallVector<int64_t> dilated(shape.take_front(2)), sizes;
    size_t rank = split.size() + 2 * strides.size();
    for (auto [i, s] : llvm::enumerate(strides)) {
      int64_t n = shape[2 + i];
      split.append({n, 1});
      pads[rank + 2 + 2 * i + 1] = s - 1; // after the unit axis
      dilated.push_back(n * s);
      sizes.push_back((n - 1) * s + 1);
    }
    Value padded = PadOp::create(b, loc, reshape(v, split), scalar(0.0), pads);
    return crop(reshape(padded, dilated), 2, SmallVector<int64_t>(strides.size(), 0), sizes);
  }

private:
  OpBuilder &b;
  Location loc;
};

/// The weights whose gradients the entry returns: each constant float
/// operand a Conv (filters), Gemm (B) or MatMul (right-hand side) reads.
struct Weight {
  Value value;
  Operation *consumer;
};

class Differentiator {
public:
  explicit Differentiator(func::FuncOp function) : function(function) {}

  LogicalResult run();

private:
  bool isWeight(Value v) const { return weightSet.contains(v); }
  /// Whether `v`'s adjoint is wanted: a weight, or an activation computed
  /// from an input (inputs' own gradients are not returned).
  bool needs(Value v) const {
    return isWeight(v) || (varied.contains(v) && !isa<BlockArgument>(v));
  }
  void accumulate(OpBuilder &b, Value v, Value grad) {
    if (!needs(v))
      return;
    auto [it, inserted] = adjoints.try_emplace(v, grad);
    if (!inserted)
      it->second = AddOp::create(b, grad.getLoc(), it->second, grad);
  }
  LogicalResult backpropagate(Operation *op, Value grad);
  LogicalResult convolution(ConvOp conv, Value grad, AdjointBuilder &g, OpBuilder &b);
  LogicalResult maxPool(MaxPoolOp pool, Value grad, AdjointBuilder &g, OpBuilder &b);

  func::FuncOp function;
  SmallVector<Weight> weights;
  llvm::DenseSet<Value> weightSet;
  llvm::DenseSet<Value> varied;
  llvm::DenseMap<Value, Value> adjoints;
};

/// The filters a convolution's weight gradient needs, as a convolution:
/// dW[k, c, r] = sum_{n, o} dY[n, k, o] Xpadded[n, c, o * s + r * d], so the
/// input's batch becomes channels and the seed becomes the filters.
LogicalResult Differentiator::convolution(ConvOp conv, Value grad, AdjointBuilder &g,
                                          OpBuilder &b) {
  Value x = conv.getInput(), w = conv.getWeight();
  ArrayRef<int64_t> xShape = shapeOf(x), wShape = shapeOf(w), yShape = shapeOf(grad);
  size_t spatial = xShape.size() - 2;
  int64_t n = xShape[0], c = xShape[1], k = wShape[0], group = conv.getGroup();
  int64_t cg = c / group, kg = k / group;
  ArrayRef<int64_t> strides = conv.getStrides(), dilations = conv.getDilations();
  ArrayRef<int64_t> pads = conv.getPads();
  auto withSpatial = [&](std::initializer_list<int64_t> lead, ArrayRef<int64_t> from) {
    SmallVector<int64_t> shape(lead);
    shape.append(from.begin(), from.end());
    return shape;
  };
  auto identityTail = [&](std::initializer_list<int64_t> lead) {
    SmallVector<int64_t> perm(lead);
    for (size_t i = 0; i < spatial; ++i)
      perm.push_back(int64_t(lead.size() + i));
    return perm;
  };
  if (conv.getBias() && needs(conv.getBias()))
    return conv.emitOpError("strata-differentiate: no gradient for a computed bias");

  if (needs(w)) {
    ArrayRef<int64_t> xSpatial = xShape.drop_front(2), ySpatial = yShape.drop_front(2);
    // Input [N, C, S] -> [Cg, G * N, S]; seed [N, K, O] -> [K, N, O].
    Value in = g.reshape(
        g.transpose(g.reshape(x, withSpatial({n, group, cg}, xSpatial)), identityTail({2, 1, 0})),
        withSpatial({cg, group * n}, xSpatial));
    Value filters = g.reshape(
        g.transpose(g.reshape(grad, withSpatial({n, group, kg}, ySpatial)),
                    identityTail({1, 2, 0})),
        withSpatial({k, n}, ySpatial));
    Value full = g.conv(in, filters, dilations, pads, strides, group); // [Cg, K, R' ...]
    Value cropped = g.crop(full, 2, SmallVector<int64_t>(spatial, 0), wShape.drop_front(2));
    accumulate(b, w, g.transpose(cropped, identityTail({1, 0})));
  }
  if (needs(x)) {
    // dXpadded[i] = sum_r dYdilated[i - r * d] W[r]: a full correlation of
    // the dilated seed with the flipped filters, transposed per group.
    SmallVector<int64_t> convPads(2 * spatial), starts(spatial);
    for (size_t i = 0; i < spatial; ++i) {
      int64_t r = wShape[2 + i], d = dilations[i], s = strides[i];
      int64_t padded = xShape[2 + i] + pads[i] + pads[spatial + i];
      int64_t remainder = padded - (r - 1) * d - 1 - (yShape[2 + i] - 1) * s;
      int64_t before = (r - 1) * d - pads[i];
      int64_t after = (r - 1) * d - pads[spatial + i] + remainder;
      convPads[i] = std::max<int64_t>(before, 0);
      convPads[spatial + i] = std::max<int64_t>(after, 0);
      starts[i] = std::max<int64_t>(-before, 0);
    }
    ArrayRef<int64_t> kernel = wShape.drop_front(2);
    Value flipped = g.reshape(
        g.transpose(g.reshape(w, withSpatial({group, kg, cg}, kernel)), identityTail({0, 2, 1})),
        withSpatial({c, kg}, kernel));
    SmallVector<int64_t> axes, begins, ends, steps;
    for (size_t i = 0; i < spatial; ++i) {
      axes.push_back(int64_t(2 + i));
      begins.push_back(kernel[i] - 1);
      ends.push_back(-kernel[i] - 1);
      steps.push_back(-1);
    }
    flipped = g.slice(flipped, axes, begins, ends, steps);
    Value full = g.conv(g.dilate(grad, strides), flipped, SmallVector<int64_t>(spatial, 1),
                        convPads, dilations, group);
    accumulate(b, x, g.crop(full, 2, starts, xShape.drop_front(2)));
  }
  return success();
}

/// Each window's seed goes to its maximum, the first in scan order on ties
/// (as PyTorch and ONNX's Indices choose), summed where windows overlap.
/// Tap by tap of the kernel: the input padded with -inf, read at the tap's
/// offset with the pool's strides, equals the window's maximum where that
/// tap wins (and no earlier one did); the seed there is dilated by the
/// strides and padded back into place. Elementwise work per tap, where a
/// scatter of the seed to the maxima's indices would be as large as the
/// input times the windows in the scatter's lowering.
LogicalResult Differentiator::maxPool(MaxPoolOp pool, Value grad, AdjointBuilder &g,
                                      OpBuilder &b) {
  Location loc = pool.getLoc();
  Value x = pool.getInput(), y = pool.getResult();
  ArrayRef<int64_t> xShape = shapeOf(x), yShape = shapeOf(y);
  size_t spatial = xShape.size() - 2;
  ArrayRef<int64_t> kernel = pool.getKernelShape(), strides = pool.getStrides();
  ArrayRef<int64_t> pads = pool.getPads(), dilations = pool.getDilations();
  SmallVector<int64_t> padAll(2 * xShape.size(), 0), padded(xShape), spans(spatial);
  for (size_t i = 0; i < spatial; ++i) {
    spans[i] = (yShape[2 + i] - 1) * strides[i] + 1;
    int64_t needed = spans[i] + (kernel[i] - 1) * dilations[i]; // ceil_mode reaches past
    padAll[2 + i] = pads[i];
    padAll[xShape.size() + 2 + i] =
        std::max<int64_t>(pads[spatial + i], needed - xShape[2 + i] - pads[i]);
    padded[2 + i] = xShape[2 + i] + padAll[2 + i] + padAll[xShape.size() + 2 + i];
  }
  Value lowest = g.scalar(-std::numeric_limits<double>::infinity());
  auto pad = [&](Value v, Value value, ArrayRef<int64_t> amounts) -> Value {
    if (llvm::all_of(amounts, [](int64_t a) { return a == 0; }))
      return v;
    return PadOp::create(b, loc, v, value, amounts);
  };
  Value xPadded = pad(x, lowest, padAll);
  int64_t taps = std::accumulate(kernel.begin(), kernel.end(), int64_t(1), std::multiplies<>());
  Value taken, total;
  for (int64_t tap = 0; tap < taps; ++tap) {
    SmallVector<int64_t> axes, starts, ends, offsets(spatial);
    for (int64_t rest = tap, i = int64_t(spatial) - 1; i >= 0; --i) {
      offsets[i] = (rest % kernel[i]) * dilations[i];
      rest /= kernel[i];
    }
    for (size_t i = 0; i < spatial; ++i) {
      axes.push_back(int64_t(2 + i));
      starts.push_back(offsets[i]);
      ends.push_back(offsets[i] + spans[i]);
    }
    Value read = g.slice(xPadded, axes, starts, ends, strides);
    Value wins = g.binary<EqualOp>(read, y);
    if (taken)
      wins = g.binary<AndOp>(wins, NotOp::create(b, loc, taken));
    if (tap + 1 < taps)
      taken = taken ? g.binary<OrOp>(taken, wins) : wins;
    Value part = g.dilate(g.where(wins, grad, g.scalar(0.0)), strides);
    SmallVector<int64_t> place(2 * xShape.size(), 0);
    for (size_t i = 0; i < spatial; ++i) {
      place[2 + i] = offsets[i];
      place[xShape.size() + 2 + i] = padded[2 + i] - offsets[i] - spans[i];
    }
    part = pad(part, g.scalar(0.0), place);
    total = total ? g.binary<AddOp>(total, part) : part;
  }
  accumulate(b, x, g.crop(total, 2, pads.take_front(spatial), xShape.drop_front(2)));
  return success();
}

LogicalResult Differentiator::backpropagate(Operation *op, Value grad) {
  OpBuilder b(op->getContext());
  b.setInsertionPoint(function.getBody().front().getTerminator());
  Location loc = op->getLoc();
  AdjointBuilder g(b, loc);
  auto unsupported = [&](const Twine &why) {
    return op->emitOpError("strata-differentiate: ") << why;
  };
  if (!cast<RankedTensorType>(op->getResult(0).getType()).getElementType().isF32())
    return unsupported("gradients are float32 only");

  if (auto conv = dyn_cast<ConvOp>(op))
    return convolution(conv, grad, g, b);

  if (auto gemm = dyn_cast<GemmOp>(op)) {
    Value a = gemm.getA(), bm = gemm.getB();
    double alpha = gemm.getAlpha().convertToFloat();
    bool ta = gemm.getTransA(), tb = gemm.getTransB();
    if (needs(a))
      accumulate(b, a, ta ? g.gemm(bm, grad, alpha, tb, true) : g.gemm(grad, bm, alpha, false, !tb));
    if (needs(bm))
      accumulate(b, bm, tb ? g.gemm(grad, a, alpha, true, ta) : g.gemm(a, grad, alpha, !ta, false));
    if (Value c = gemm.getC(); c && needs(c))
      accumulate(b, c,
                 g.reduceTo(g.binary<MulOp>(grad, g.scalar(gemm.getBeta().convertToFloat())),
                            shapeOf(c)));
    return success();
  }
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    Value lhs = matmul.getLhs(), rhs = matmul.getRhs();
    ArrayRef<int64_t> l = shapeOf(lhs), r = shapeOf(rhs);
    if (l.size() < 2 || r.size() != 2)
      return unsupported("MatMul gradients need a 2-D right-hand side and a left of rank >= 2");
    if (needs(lhs))
      accumulate(b, lhs, g.binary<MatMulOp>(grad, g.transpose(rhs, {1, 0})));
    if (needs(rhs)) {
      int64_t rows = std::accumulate(l.begin(), l.end() - 1, int64_t(1), std::multiplies<>());
      Value lhs2 = g.reshape(lhs, {rows, l.back()});
      Value grad2 = g.reshape(grad, {rows, r[1]});
      accumulate(b, rhs, g.binary<MatMulOp>(g.transpose(lhs2, {1, 0}), grad2));
    }
    return success();
  }
  if (auto add = dyn_cast<AddOp>(op)) {
    accumulate(b, add.getLhs(), g.reduceTo(grad, shapeOf(add.getLhs())));
    accumulate(b, add.getRhs(), g.reduceTo(grad, shapeOf(add.getRhs())));
    return success();
  }
  if (auto sub = dyn_cast<SubOp>(op)) {
    accumulate(b, sub.getLhs(), g.reduceTo(grad, shapeOf(sub.getLhs())));
    if (needs(sub.getRhs()))
      accumulate(b, sub.getRhs(), g.reduceTo(NegOp::create(b, loc, grad), shapeOf(sub.getRhs())));
    return success();
  }
  if (auto mul = dyn_cast<MulOp>(op)) {
    if (needs(mul.getLhs()))
      accumulate(b, mul.getLhs(),
                 g.reduceTo(g.binary<MulOp>(grad, mul.getRhs()), shapeOf(mul.getLhs())));
    if (needs(mul.getRhs()))
      accumulate(b, mul.getRhs(),
                 g.reduceTo(g.binary<MulOp>(grad, mul.getLhs()), shapeOf(mul.getRhs())));
    return success();
  }
  if (auto div = dyn_cast<DivOp>(op)) {
    Value quotient = g.binary<DivOp>(grad, div.getRhs());
    if (needs(div.getLhs()))
      accumulate(b, div.getLhs(), g.reduceTo(quotient, shapeOf(div.getLhs())));
    if (needs(div.getRhs())) // d(a/b)/db = -(a/b)/b
      accumulate(b, div.getRhs(),
                 g.reduceTo(NegOp::create(b, loc, g.binary<MulOp>(quotient, div.getResult())),
                            shapeOf(div.getRhs())));
    return success();
  }
  if (auto neg = dyn_cast<NegOp>(op)) {
    accumulate(b, neg.getInput(), NegOp::create(b, loc, grad));
    return success();
  }
  if (auto relu = dyn_cast<ReluOp>(op)) {
    Value positive = g.binary<GreaterOp>(relu.getInput(), g.scalar(0.0));
    accumulate(b, relu.getInput(), g.where(positive, grad, g.scalar(0.0)));
    return success();
  }
  if (auto clip = dyn_cast<ClipOp>(op)) {
    // Like PyTorch's hardtanh: no gradient at or beyond either bound.
    Value x = clip.getInput(), kept = grad;
    if (auto low = clip.getMin())
      kept = g.where(g.binary<GreaterOp>(x, g.scalar(low->convertToDouble())), kept, g.scalar(0.0));
    if (auto high = clip.getMax())
      kept = g.where(g.binary<LessOp>(x, g.scalar(high->convertToDouble())), kept, g.scalar(0.0));
    accumulate(b, x, kept);
    return success();
  }
  if (auto sigmoid = dyn_cast<SigmoidOp>(op)) {
    Value y = sigmoid.getResult();
    Value slope = g.binary<MulOp>(y, g.binary<SubOp>(g.scalar(1.0), y));
    accumulate(b, sigmoid.getInput(), g.binary<MulOp>(grad, slope));
    return success();
  }
  if (auto tanh = dyn_cast<TanhOp>(op)) {
    Value y = tanh.getResult();
    Value slope = g.binary<SubOp>(g.scalar(1.0), g.binary<MulOp>(y, y));
    accumulate(b, tanh.getInput(), g.binary<MulOp>(grad, slope));
    return success();
  }
  if (auto exp = dyn_cast<ExpOp>(op)) {
    accumulate(b, exp.getInput(), g.binary<MulOp>(grad, exp.getResult()));
    return success();
  }
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    // dX = Y * (dY - sum(dY * Y)) along the axis.
    Value y = softmax.getResult();
    int64_t rank = shapeOf(y).size(), axis = softmax.getAxis();
    axis = axis < 0 ? axis + rank : axis;
    Value dot = ReduceSumOp::create(b, loc, g.binary<MulOp>(grad, y),
                                    ArrayRef<int64_t>{axis}, /*keepdims=*/true);
    accumulate(b, softmax.getInput(), g.binary<MulOp>(y, g.binary<SubOp>(grad, dot)));
    return success();
  }
  if (auto logSoftmax = dyn_cast<LogSoftmaxOp>(op)) {
    Value y = logSoftmax.getResult();
    int64_t rank = shapeOf(y).size(), axis = logSoftmax.getAxis();
    axis = axis < 0 ? axis + rank : axis;
    Value total = ReduceSumOp::create(b, loc, grad, ArrayRef<int64_t>{axis}, /*keepdims=*/true);
    Value probabilities = ExpOp::create(b, loc, y);
    accumulate(b, logSoftmax.getInput(),
               g.binary<SubOp>(grad, g.binary<MulOp>(probabilities, total)));
    return success();
  }
  if (auto norm = dyn_cast<BatchNormalizationOp>(op)) {
    // Inference mode: a per-channel scale, scale / sqrt(variance + eps).
    for (Value parameter : {norm.getScale(), norm.getBias(), norm.getMean(), norm.getVariance()})
      if (needs(parameter))
        return unsupported("no gradient for computed normalization parameters");
    Value x = norm.getInput();
    int64_t rank = shapeOf(x).size(), channels = shapeOf(x)[1];
    Value stddev = SqrtOp::create(
        b, loc, g.binary<AddOp>(norm.getVariance(), g.scalar(norm.getEpsilon().convertToFloat())));
    SmallVector<int64_t> perChannel(rank - 1, 1);
    perChannel[0] = channels;
    Value factor = g.reshape(g.binary<DivOp>(norm.getScale(), stddev), perChannel);
    accumulate(b, x, g.binary<MulOp>(grad, factor));
    return success();
  }
  if (auto pool = dyn_cast<GlobalAveragePoolOp>(op)) {
    ArrayRef<int64_t> x = shapeOf(pool.getInput());
    int64_t window = std::accumulate(x.begin() + 2, x.end(), int64_t(1), std::multiplies<>());
    accumulate(b, pool.getInput(),
               g.broadcastTo(g.binary<MulOp>(grad, g.scalar(1.0 / double(window))), x));
    return success();
  }
  if (auto pool = dyn_cast<MaxPoolOp>(op))
    return maxPool(pool, grad, g, b);
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> perm = transpose.getPerm();
    SmallVector<int64_t> inverse(perm.size());
    for (auto [i, p] : llvm::enumerate(perm))
      inverse[p] = int64_t(i);
    accumulate(b, transpose.getInput(), g.transpose(grad, inverse));
    return success();
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t rank = shapeOf(grad).size(), axis = concat.getAxis();
    axis = axis < 0 ? axis + rank : axis;
    int64_t offset = 0;
    for (Value input : concat.getInputs()) {
      int64_t size = shapeOf(input)[axis];
      if (needs(input))
        accumulate(b, input, g.slice(grad, {axis}, {offset}, {offset + size}, {1}));
      offset += size;
    }
    return success();
  }
  if (auto pad = dyn_cast<PadOp>(op)) {
    if (pad.getMode() != "constant")
      return unsupported("no gradient for '" + pad.getMode() + "' padding");
    ArrayRef<int64_t> x = shapeOf(pad.getInput());
    SmallVector<int64_t> starts(pad.getPads().take_front(x.size()));
    accumulate(b, pad.getInput(), g.crop(grad, 0, starts, x));
    return success();
  }
  if (auto expand = dyn_cast<ExpandOp>(op)) {
    accumulate(b, expand.getInput(), g.reduceTo(grad, shapeOf(expand.getInput())));
    return success();
  }
  // The reshape family: the seed takes the input's shape back.
  if (isa<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp, IdentityOp>(op)) {
    Value input = op->getOperand(0);
    accumulate(b, input, g.reshape(grad, shapeOf(input)));
    return success();
  }
  return unsupported("no gradient rule for this op");
}

LogicalResult Differentiator::run() {
  if (!llvm::hasSingleElement(function.getBody()))
    return function.emitError("strata-differentiate: the entry must be one block");
  Block &body = function.getBody().front();
  Operation *terminator = body.getTerminator();
  MLIRContext *context = function.getContext();

  for (Value argument : body.getArguments())
    varied.insert(argument);
  for (Operation &op : body.without_terminator()) {
    if (llvm::none_of(op.getOperands(), [&](Value v) { return varied.contains(v); }))
      continue;
    varied.insert(op.result_begin(), op.result_end());
    auto addWeight = [&](Value v) {
      DenseElementsAttr attr;
      if (matchPattern(v, m_Constant(&attr)) && attr.getElementType().isF32() &&
          weightSet.insert(v).second)
        weights.push_back({v, &op});
    };
    if (auto conv = dyn_cast<ConvOp>(op))
      addWeight(conv.getWeight());
    else if (auto gemm = dyn_cast<GemmOp>(op))
      addWeight(gemm.getB());
    else if (auto matmul = dyn_cast<MatMulOp>(op))
      addWeight(matmul.getRhs());
  }
  if (weights.empty())
    return function.emitError("strata-differentiate: no Conv, Gemm or MatMul with constant "
                              "float weights computed from the inputs");
  for (Type type : function.getResultTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape() || !tensor.getElementType().isF32())
      return function.emitError("strata-differentiate: every result must be a static "
                                "float32 tensor, not ")
             << type;
  }

  // The seeds: dL/d(result i), appended to the arguments.
  unsigned originalArguments = function.getNumArguments();
  SmallVector<Attribute> inputNames, outputNames;
  for (unsigned i = 0; i < originalArguments; ++i)
    inputNames.push_back(StringAttr::get(
        context, strata::entry::getName(function, strata::entry::kInputNames, i)));
  OpBuilder b(terminator);
  for (auto [i, result] : llvm::enumerate(terminator->getOperands())) {
    std::string name = strata::entry::getName(function, strata::entry::kOutputNames, i);
    if (name.empty())
      name = "t" + std::to_string(i);
    inputNames.push_back(StringAttr::get(context, "d_" + name));
    if (failed(function.insertArgument(function.getNumArguments(), result.getType(), {},
                                       function.getLoc())))
      return failure();
    Value seed = body.getArguments().back();
    if (varied.contains(result) && !isa<BlockArgument>(result))
      accumulate(b, result, seed);
  }

  // Reverse sweep.
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops)) {
    if (op->getNumResults() != 1)
      continue;
    auto it = adjoints.find(op->getResult(0));
    if (it == adjoints.end())
      continue;
    if (!llvm::any_of(op->getOperands(), [&](Value v) { return needs(v); }))
      continue;
    if (failed(backpropagate(op, it->second)))
      return failure();
  }

  SmallVector<Value> gradients;
  SmallVector<Attribute> consumers;
  for (auto [i, weight] : llvm::enumerate(weights)) {
    Value grad = adjoints.lookup(weight.value);
    if (!grad) { // No path from this weight to a result: zero.
      auto type = cast<RankedTensorType>(weight.value.getType());
      grad = ConstantOp::create(b, weight.consumer->getLoc(), type,
                                DenseElementsAttr::get(type, b.getF32FloatAttr(0.0f)));
    }
    gradients.push_back(grad);
    std::string node = strata::graph::nodeName(weight.consumer->getLoc());
    std::string name = strata::graph::nodeName(weight.value.getLoc());
    if (name.empty())
      name = node.empty() ? "w" + std::to_string(i) : node + "_weight";
    outputNames.push_back(StringAttr::get(context, "grad_" + name));
    consumers.push_back(StringAttr::get(context, node));
  }
  terminator->setOperands(gradients);
  function.setType(FunctionType::get(context, body.getArgumentTypes(),
                                     ValueRange(gradients).getTypes()));
  function.removeResAttrsAttr();
  function->setAttr(strata::entry::kInputNames, ArrayAttr::get(context, inputNames));
  function->setAttr(strata::entry::kOutputNames, ArrayAttr::get(context, outputNames));
  function->setAttr(strata::entry::kGradientNodes, ArrayAttr::get(context, consumers));
  return success();
}

} // namespace

namespace strata {
namespace {
struct DifferentiatePass : impl::DifferentiateBase<DifferentiatePass> {
  void runOnOperation() override {
    if (failed(Differentiator(getOperation()).run()))
      signalPassFailure();
  }
};
} // namespace
} // namespace strata
