//===- RecurrentConverters.cpp - LSTM, GRU and RNN nodes ---------*- C++ -*-===//
//
// The three recurrent ops share their checks and their layout handling:
// what the graph ops do not model (custom activations, clip, input_forget,
// sequence_lens below the full length) is refused by name, and batch-major
// layout=1 is transposed to the time-major form the graph ops take and back.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ConverterSupport.h"

#include "dialects/Graph/GraphOps.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx_import {

namespace {

/// Refuses what the graph's recurrent ops do not model.
LogicalResult checkSupported(NodeContext &ctx,
                             ArrayRef<std::string> defaultActivations) {
  std::string direction = ctx.stringAttr("direction", "forward");
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return ctx.error() << "unknown direction '" << direction << "'";
  if (ctx.attribute("clip"))
    return ctx.error() << "clip is not supported";
  if (ctx.intAttr("input_forget", 0) != 0)
    return ctx.error() << "input_forget is not supported";
  if (const auto *activations = ctx.attribute("activations")) {
    SmallVector<std::string> names(activations->strings().begin(),
                                   activations->strings().end());
    SmallVector<std::string> expected;
    for (int d = 0; d < (direction == "bidirectional" ? 2 : 1); ++d)
      expected.append(defaultActivations.begin(), defaultActivations.end());
    if (names != expected) {
      auto diag = ctx.error() << "only the default activations (";
      llvm::interleaveComma(defaultActivations, diag);
      return diag << ") are supported";
    }
  }
  // sequence_lens: only the full length for every batch entry (a constant).
  if (ctx.input(4)) {
    auto lengths = requireConstantInts(ctx, 4, "sequence_lens");
    if (failed(lengths))
      return failure();
    int64_t seq = ctx.inputType(0).getDimSize(ctx.intAttr("layout", 0) == 1 ? 1 : 0);
    if (llvm::any_of(*lengths, [&](int64_t n) { return n != seq; }))
      return ctx.error() << "sequence_lens shorter than the sequence (" << seq
                         << " steps) are not supported";
  }
  int64_t layout = ctx.intAttr("layout", 0);
  if (layout != 0 && layout != 1)
    return ctx.error() << "layout must be 0 or 1";
  return success();
}

Value permute(NodeContext &ctx, Value v, ArrayRef<int64_t> perm) {
  return ctx.builder.createOrFold<TransposeOp>(ctx.loc, v,
                                               ctx.builder.getDenseI64ArrayAttr(perm));
}

/// Time-major views of X and the initial states under layout=1.
struct RecurrentInputs {
  Value x, initialH, initialC;
  bool batchMajor;
};

RecurrentInputs timeMajorInputs(NodeContext &ctx, Value initialC) {
  bool batchMajor = ctx.intAttr("layout", 0) == 1;
  RecurrentInputs in{ctx.input(0), ctx.input(5), initialC, batchMajor};
  if (!batchMajor)
    return in;
  in.x = permute(ctx, in.x, {1, 0, 2});
  if (in.initialH)
    in.initialH = permute(ctx, in.initialH, {1, 0, 2});
  if (in.initialC)
    in.initialC = permute(ctx, in.initialC, {1, 0, 2});
  return in;
}

/// Results back in the node's layout: Y [batch, seq, dirs, hidden] and the
/// states [batch, dirs, hidden] when batch-major.
void pushResults(NodeContext &ctx, ValueRange values, bool batchMajor,
                 SmallVectorImpl<Value> &results) {
  for (auto [i, v] : llvm::enumerate(values)) {
    if (!batchMajor)
      results.push_back(v);
    else
      results.push_back(i == 0 ? permute(ctx, v, {2, 0, 1, 3})
                               : permute(ctx, v, {1, 0, 2}));
  }
}

int64_t hiddenSize(NodeContext &ctx) {
  int64_t hidden = ctx.intAttr("hidden_size", 0);
  return hidden > 0 ? hidden : ctx.inputType(2).getDimSize(2);
}

/// Builds the op with its own type inference (which checks every operand's
/// shape) and reports its errors at the node.
template <typename OpT, typename... Args>
FailureOr<OpT> buildRecurrent(NodeContext &ctx, Args &&...args) {
  OperationState state(ctx.loc, OpT::getOperationName());
  OpT::build(ctx.builder, state, TypeRange{}, std::forward<Args>(args)...);
  SmallVector<Type> types;
  if (failed(OpT::inferReturnTypes(
          ctx.builder.getContext(), ctx.loc, state.operands,
          state.attributes.getDictionary(ctx.builder.getContext()),
          state.getRawProperties(), state.regions, types)))
    return failure();
  state.types.assign(types.begin(), types.end());
  return cast<OpT>(ctx.builder.create(state));
}

} // namespace

LogicalResult convertLSTM(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(checkSupported(ctx, {"Sigmoid", "Tanh", "Tanh"})))
    return failure();
  RecurrentInputs in = timeMajorInputs(ctx, ctx.input(6));
  auto lstm = buildRecurrent<LSTMOp>(
      ctx, in.x, ctx.input(1), ctx.input(2), ctx.input(3), in.initialH,
      in.initialC, ctx.input(7), ctx.builder.getI64IntegerAttr(hiddenSize(ctx)),
      ctx.builder.getStringAttr(ctx.stringAttr("direction", "forward")));
  if (failed(lstm))
    return failure();
  pushResults(ctx, lstm->getResults(), in.batchMajor, results);
  return success();
}

LogicalResult convertGRU(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(checkSupported(ctx, {"Sigmoid", "Tanh"})))
    return failure();
  RecurrentInputs in = timeMajorInputs(ctx, Value());
  auto gru = buildRecurrent<GRUOp>(
      ctx, in.x, ctx.input(1), ctx.input(2), ctx.input(3), in.initialH,
      ctx.builder.getI64IntegerAttr(hiddenSize(ctx)),
      ctx.builder.getStringAttr(ctx.stringAttr("direction", "forward")),
      ctx.builder.getBoolAttr(ctx.intAttr("linear_before_reset", 0) != 0));
  if (failed(gru))
    return failure();
  pushResults(ctx, gru->getResults(), in.batchMajor, results);
  return success();
}

LogicalResult convertRNN(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(checkSupported(ctx, {"Tanh"})))
    return failure();
  RecurrentInputs in = timeMajorInputs(ctx, Value());
  auto rnn = buildRecurrent<RNNOp>(
      ctx, in.x, ctx.input(1), ctx.input(2), ctx.input(3), in.initialH,
      ctx.builder.getI64IntegerAttr(hiddenSize(ctx)),
      ctx.builder.getStringAttr(ctx.stringAttr("direction", "forward")));
  if (failed(rnn))
    return failure();
  pushResults(ctx, rnn->getResults(), in.batchMajor, results);
  return success();
}

} // namespace strata::onnx_import
