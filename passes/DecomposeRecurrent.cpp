//===- DecomposeRecurrent.cpp - Unroll LSTM, GRU and RNN into graph ops ---===//
//
// Implements strata-graph-decompose-recurrent. With static sequence lengths a
// recurrent layer is a fixed chain of matmuls and elementwise ops; unrolling
// it at the graph level means the cells need no code generation of their
// own and every later pass (fusion, quantization, placement) sees ordinary
// ops. Each direction projects the whole input sequence with one matmul,
// then steps through time (backwards for the reverse direction); weight
// transposes and bias sums fold to constants as they are built.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_GRAPHDECOMPOSERECURRENT
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;
using namespace strata::graph;

namespace {

/// Builds graph ops whose result types the ops infer, folding as it goes.
class GraphBuilder {
public:
  GraphBuilder(PatternRewriter &rewriter, Location loc, Type element)
      : b(rewriter), loc(loc), element(element) {}

  static ArrayRef<int64_t> shape(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }

  Value squeezeLeading(Value v) {
    return b.createOrFold<SqueezeOp>(loc, v, b.getDenseI64ArrayAttr({0}));
  }
  Value unsqueezeLeading(Value v, int64_t count) {
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, count));
    return b.createOrFold<UnsqueezeOp>(loc, v, b.getDenseI64ArrayAttr(axes));
  }
  Value transpose2d(Value v) {
    return b.createOrFold<TransposeOp>(loc, v, b.getDenseI64ArrayAttr({1, 0}));
  }
  /// Elements [begin, end) along `axis`.
  Value slice(Value v, int64_t axis, int64_t begin, int64_t end) {
    return b.createOrFold<SliceOp>(
        loc, v, b.getDenseI64ArrayAttr({begin}), b.getDenseI64ArrayAttr({end}),
        b.getDenseI64ArrayAttr({axis}), b.getDenseI64ArrayAttr({1}));
  }
  Value matmul(Value lhs, Value rhs) {
    return b.createOrFold<MatMulOp>(loc, lhs, rhs);
  }
  template <typename BinaryOp>
  Value binary(Value lhs, Value rhs) {
    return b.createOrFold<BinaryOp>(loc, lhs, rhs);
  }
  template <typename UnaryOp>
  Value unary(Value v) {
    return b.createOrFold<UnaryOp>(loc, v);
  }
  Value zeros(ArrayRef<int64_t> newShape) {
    auto type = RankedTensorType::get(newShape, element);
    return ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getZeroAttr(element)));
  }
  Value concat(ValueRange values, int64_t axis) {
    if (values.size() == 1)
      return values.front();
    return b.createOrFold<ConcatOp>(loc, values, b.getI64IntegerAttr(axis));
  }
  Value ones(ArrayRef<int64_t> newShape) {
    auto type = RankedTensorType::get(newShape, element);
    return ConstantOp::create(
        b, loc, type,
        DenseElementsAttr::get(type, b.getFloatAttr(element, 1.0)));
  }

private:
  PatternRewriter &b;
  Location loc;
  Type element;
};

/// What every recurrent op shares: its operands, sizes and directions.
/// Per direction d, `weights(d)` gives the squeezed W, R and bias halves.
struct RecurrentLayer {
  Value x, w, r, b, initialH;
  int64_t seq, batch, hidden, gates, directions;
  bool reverseOnly;

  template <typename OpT>
  static RecurrentLayer of(OpT op, int64_t gates) {
    auto xType = op.getX().getType();
    StringRef direction = op.getDirection();
    return {op.getX(), op.getW(), op.getR(), op.getB(), op.getInitialH(),
            xType.getDimSize(0), xType.getDimSize(1),
            static_cast<int64_t>(op.getHiddenSize()), gates,
            direction == "bidirectional" ? 2 : 1, direction == "reverse"};
  }

  /// Entry d of a per-direction operand ([dirs, ...] -> [...]).
  static Value direction(GraphBuilder &g, Value v, int64_t d, int64_t dirs) {
    return g.squeezeLeading(dirs == 1 ? v : g.slice(v, 0, d, d + 1));
  }
  bool reversed(int64_t d) const { return reverseOnly || d == 1; }
  /// Time steps in the order direction d visits them.
  SmallVector<int64_t> timeOrder(int64_t d) const {
    SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, seq));
    if (reversed(d))
      std::reverse(order.begin(), order.end());
    return order;
  }
  Value initialState(GraphBuilder &g, Value given, int64_t d) const {
    return given ? direction(g, given, d, directions) : g.zeros({batch, hidden});
  }
};

/// x W^T plus the input bias for every step at once: [seq, batch, gates *
/// hidden]. The recurrent bias is added too, unless the caller asks for it
/// back through `recurrentBias` (GRU places part of it inside the reset gate;
/// it stays null when the layer has no bias).
Value projectInput(GraphBuilder &g, const RecurrentLayer &layer, int64_t d,
                   Value *recurrentBias = nullptr) {
  int64_t width = layer.gates * layer.hidden;
  Value wT = g.transpose2d(RecurrentLayer::direction(g, layer.w, d, layer.directions));
  Value projected = g.matmul(layer.x, wT);
  if (!layer.b)
    return projected;
  Value flat = RecurrentLayer::direction(g, layer.b, d, layer.directions);
  Value inputBias = g.slice(flat, 0, 0, width);
  Value hiddenBias = g.slice(flat, 0, width, 2 * width);
  if (!recurrentBias)
    return g.binary<AddOp>(projected, g.binary<AddOp>(inputBias, hiddenBias));
  *recurrentBias = hiddenBias;
  return g.binary<AddOp>(projected, inputBias);
}

/// One step's output as a [1, 1, batch, hidden] slab of Y.
Value stepOutput(GraphBuilder &g, Value h) { return g.unsqueezeLeading(h, 2); }

struct DecomposeLSTMPattern : OpRewritePattern<LSTMOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LSTMOp op,
                                PatternRewriter &rewriter) const override {
    auto xType = op.getX().getType();
    if (!isa<FloatType>(xType.getElementType()))
      return rewriter.notifyMatchFailure(op, "expects floating-point tensors");
    GraphBuilder g(rewriter, op.getLoc(), xType.getElementType());
    RecurrentLayer layer = RecurrentLayer::of(op, 4);
    int64_t hidden = layer.hidden;
    SmallVector<Value> ys, hs, cs;
    for (int64_t d = 0; d < layer.directions; ++d) {
      // Wb + Rb both add linearly: the whole bias goes into the projection.
      Value projected = projectInput(g, layer, d);
      Value rT = g.transpose2d(RecurrentLayer::direction(g, layer.r, d, layer.directions));
      Value h = layer.initialState(g, op.getInitialH(), d);
      Value c = layer.initialState(g, op.getInitialC(), d);
      // Peepholes P_i, P_o, P_f: the input and forget gates see the previous
      // cell state, the output gate the new one.
      Value peepI, peepO, peepF;
      if (Value p = op.getPeepholes()) {
        Value flat = RecurrentLayer::direction(g, p, d, layer.directions);
        peepI = g.slice(flat, 0, 0, hidden);
        peepO = g.slice(flat, 0, hidden, 2 * hidden);
        peepF = g.slice(flat, 0, 2 * hidden, 3 * hidden);
      }
      auto peep = [&](Value gate, Value peephole, Value cell) {
        return peephole ? g.binary<AddOp>(gate, g.binary<MulOp>(peephole, cell))
                        : gate;
      };
      SmallVector<Value> byTime(layer.seq);
      for (int64_t t : layer.timeOrder(d)) {
        Value inputGates = g.squeezeLeading(g.slice(projected, 0, t, t + 1));
        Value gates = g.binary<AddOp>(inputGates, g.matmul(h, rT));
        // ONNX gate order: input, output, forget, cell.
        Value i = g.unary<SigmoidOp>(peep(g.slice(gates, 1, 0, hidden), peepI, c));
        Value outputGate = g.slice(gates, 1, hidden, 2 * hidden);
        Value o = peepO ? Value() : g.unary<SigmoidOp>(outputGate);
        Value f = g.unary<SigmoidOp>(
            peep(g.slice(gates, 1, 2 * hidden, 3 * hidden), peepF, c));
        Value candidate = g.unary<TanhOp>(g.slice(gates, 1, 3 * hidden, 4 * hidden));
        c = g.binary<AddOp>(g.binary<MulOp>(f, c), g.binary<MulOp>(i, candidate));
        if (peepO)
          o = g.unary<SigmoidOp>(peep(outputGate, peepO, c));
        h = g.binary<MulOp>(o, g.unary<TanhOp>(c));
        byTime[t] = stepOutput(g, h);
      }
      ys.push_back(g.concat(byTime, 0));
      hs.push_back(g.unsqueezeLeading(h, 1));
      cs.push_back(g.unsqueezeLeading(c, 1));
    }
    rewriter.replaceOp(op, {g.concat(ys, 1), g.concat(hs, 0), g.concat(cs, 0)});
    return success();
  }
};

/// GRU, gate order z, r, h:
///   z = sigmoid(xWz + hRz + b), r = sigmoid(xWr + hRr + b),
///   n = tanh(xWh + (r * h) Rh + b)        (linear_before_reset = 0)
///   n = tanh(xWh + r * (h Rh + Rbh) + Wbh) (linear_before_reset = 1)
///   h' = (1 - z) * n + z * h.
struct DecomposeGRUPattern : OpRewritePattern<GRUOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GRUOp op,
                                PatternRewriter &rewriter) const override {
    auto xType = op.getX().getType();
    if (!isa<FloatType>(xType.getElementType()))
      return rewriter.notifyMatchFailure(op, "expects floating-point tensors");
    GraphBuilder g(rewriter, op.getLoc(), xType.getElementType());
    RecurrentLayer layer = RecurrentLayer::of(op, 3);
    int64_t hidden = layer.hidden;
    bool linearBeforeReset = op.getLinearBeforeReset();
    SmallVector<Value> ys, hs;
    for (int64_t d = 0; d < layer.directions; ++d) {
      Value recurrentBias;
      Value projected = projectInput(g, layer, d, &recurrentBias);
      // The z and r recurrent biases add linearly; the hidden gate's only
      // when the reset gate comes first.
      Value hiddenGateBias;
      if (recurrentBias) {
        Value zr = g.slice(recurrentBias, 0, 0, 2 * hidden);
        Value rbh = g.slice(recurrentBias, 0, 2 * hidden, 3 * hidden);
        if (linearBeforeReset) {
          hiddenGateBias = rbh;
          rbh = g.zeros({hidden});
        }
        projected = g.binary<AddOp>(projected, g.concat({zr, rbh}, 0));
      }
      Value rT = g.transpose2d(RecurrentLayer::direction(g, layer.r, d, layer.directions));
      Value rTzr = g.slice(rT, 1, 0, 2 * hidden);
      Value rTh = g.slice(rT, 1, 2 * hidden, 3 * hidden);
      Value one = g.ones({1});
      Value h = layer.initialState(g, op.getInitialH(), d);
      SmallVector<Value> byTime(layer.seq);
      for (int64_t t : layer.timeOrder(d)) {
        Value inputGates = g.squeezeLeading(g.slice(projected, 0, t, t + 1));
        Value zr = g.binary<AddOp>(g.slice(inputGates, 1, 0, 2 * hidden),
                                   g.matmul(h, rTzr));
        Value z = g.unary<SigmoidOp>(g.slice(zr, 1, 0, hidden));
        Value r = g.unary<SigmoidOp>(g.slice(zr, 1, hidden, 2 * hidden));
        Value recurrent;
        if (linearBeforeReset) {
          recurrent = g.matmul(h, rTh);
          if (hiddenGateBias)
            recurrent = g.binary<AddOp>(recurrent, hiddenGateBias);
          recurrent = g.binary<MulOp>(r, recurrent);
        } else {
          recurrent = g.matmul(g.binary<MulOp>(r, h), rTh);
        }
        Value n = g.unary<TanhOp>(g.binary<AddOp>(
            g.slice(inputGates, 1, 2 * hidden, 3 * hidden), recurrent));
        h = g.binary<AddOp>(g.binary<MulOp>(g.binary<SubOp>(one, z), n),
                            g.binary<MulOp>(z, h));
        byTime[t] = stepOutput(g, h);
      }
      ys.push_back(g.concat(byTime, 0));
      hs.push_back(g.unsqueezeLeading(h, 1));
    }
    rewriter.replaceOp(op, {g.concat(ys, 1), g.concat(hs, 0)});
    return success();
  }
};

/// RNN: h' = tanh(x W^T + h R^T + Wb + Rb).
struct DecomposeRNNPattern : OpRewritePattern<RNNOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RNNOp op,
                                PatternRewriter &rewriter) const override {
    auto xType = op.getX().getType();
    if (!isa<FloatType>(xType.getElementType()))
      return rewriter.notifyMatchFailure(op, "expects floating-point tensors");
    GraphBuilder g(rewriter, op.getLoc(), xType.getElementType());
    RecurrentLayer layer = RecurrentLayer::of(op, 1);
    SmallVector<Value> ys, hs;
    for (int64_t d = 0; d < layer.directions; ++d) {
      Value projected = projectInput(g, layer, d);
      Value rT = g.transpose2d(RecurrentLayer::direction(g, layer.r, d, layer.directions));
      Value h = layer.initialState(g, op.getInitialH(), d);
      SmallVector<Value> byTime(layer.seq);
      for (int64_t t : layer.timeOrder(d)) {
        Value inputGates = g.squeezeLeading(g.slice(projected, 0, t, t + 1));
        h = g.unary<TanhOp>(g.binary<AddOp>(inputGates, g.matmul(h, rT)));
        byTime[t] = stepOutput(g, h);
      }
      ys.push_back(g.concat(byTime, 0));
      hs.push_back(g.unsqueezeLeading(h, 1));
    }
    rewriter.replaceOp(op, {g.concat(ys, 1), g.concat(hs, 0)});
    return success();
  }
};

struct GraphDecomposeRecurrentPass
    : strata::impl::GraphDecomposeRecurrentBase<GraphDecomposeRecurrentPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeLSTMPattern, DecomposeGRUPattern, DecomposeRNNPattern>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
