//===- DecomposeLSTM.cpp - Unroll graph.lstm into graph ops -----*- C++ -*-===//
//
// Implements graph-decompose-lstm. With static sequence lengths an LSTM is a
// fixed chain of matmuls and elementwise ops; unrolling it at the graph level
// means the recurrent cell needs no code generation of its own and every
// later pass (fusion, quantization, placement) sees ordinary ops. Weight
// transposes and the bias sum fold to constants as they are built.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_GRAPHDECOMPOSELSTM
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
    return b.createOrFold<ConcatOp>(loc, values, b.getI64IntegerAttr(axis));
  }

private:
  PatternRewriter &b;
  Location loc;
  Type element;
};

struct DecomposeLSTMPattern : OpRewritePattern<LSTMOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LSTMOp op,
                                PatternRewriter &rewriter) const override {
    auto xType = op.getX().getType();
    if (!isa<FloatType>(xType.getElementType()))
      return rewriter.notifyMatchFailure(op, "expects floating-point tensors");
    GraphBuilder g(rewriter, op.getLoc(), xType.getElementType());
    int64_t seq = xType.getDimSize(0), batch = xType.getDimSize(1);
    int64_t hidden = op.getHiddenSize();

    // Input projection of every step at once: [seq, batch, 4H].
    Value wT = g.transpose2d(g.squeezeLeading(op.getW()));
    Value rT = g.transpose2d(g.squeezeLeading(op.getR()));
    Value projected = g.matmul(op.getX(), wT);
    if (Value bias = op.getB()) {
      Value flat = g.squeezeLeading(bias);
      Value sum = g.binary<AddOp>(g.slice(flat, 0, 0, 4 * hidden),
                                  g.slice(flat, 0, 4 * hidden, 8 * hidden));
      projected = g.binary<AddOp>(projected, sum);
    }

    Value h = op.getInitialH() ? g.squeezeLeading(op.getInitialH())
                               : g.zeros({batch, hidden});
    Value c = op.getInitialC() ? g.squeezeLeading(op.getInitialC())
                               : g.zeros({batch, hidden});
    SmallVector<Value> steps;
    for (int64_t t = 0; t < seq; ++t) {
      Value inputGates = g.squeezeLeading(g.slice(projected, 0, t, t + 1));
      Value gates = g.binary<AddOp>(inputGates, g.matmul(h, rT));
      // ONNX gate order: input, output, forget, cell.
      Value i = g.unary<SigmoidOp>(g.slice(gates, 1, 0, hidden));
      Value o = g.unary<SigmoidOp>(g.slice(gates, 1, hidden, 2 * hidden));
      Value f = g.unary<SigmoidOp>(g.slice(gates, 1, 2 * hidden, 3 * hidden));
      Value candidate = g.unary<TanhOp>(g.slice(gates, 1, 3 * hidden, 4 * hidden));
      c = g.binary<AddOp>(g.binary<MulOp>(f, c), g.binary<MulOp>(i, candidate));
      h = g.binary<MulOp>(o, g.unary<TanhOp>(c));
      steps.push_back(g.unsqueezeLeading(h, 2));
    }
    Value y = g.concat(steps, 0);
    rewriter.replaceOp(op, {y, g.unsqueezeLeading(h, 1), g.unsqueezeLeading(c, 1)});
    return success();
  }
};

struct GraphDecomposeLSTMPass
    : strata::impl::GraphDecomposeLSTMBase<GraphDecomposeLSTMPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeLSTMPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
