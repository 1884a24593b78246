//===- PruneChannels.cpp - Structured pruning of convolution channels -*- C++ -*-===//
//
// Implements strata-prune-channels. Removing a convolution's output channel
// is only sound when every op that reads the channel is rewired with it, so
// the pass first groups the tensors whose channel axes must stay aligned (a
// dependency graph over coupled tensors, like DepGraph's): a convolution's
// output, what elementwise ops, normalizations, pools and depthwise
// convolutions make of it, and through an Add everything added to it. A
// group whose every producer is a convolution with constant weights and
// whose every reader is one the pass can rewire (a convolution's input
// channels, a Gemm's or MatMul's rows after a Flatten) is prunable; a group
// that reaches a model output, an input or any other op is kept whole. Each
// channel's score is the L2 norm of its filters over all of the group's
// producers, or the sum of the scores they carry (strata.channel_scores, from
// a gradient criterion); the lowest-scoring ones are removed from every
// producer, reader and normalization of the group, and the result types are
// inferred again.
//
//===----------------------------------------------------------------------===//
#include "passes/EntryAttributes.h"
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Support/GlobPattern.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace strata {
#define GEN_PASS_DEF_PRUNECHANNELS
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;
using namespace strata::graph;

namespace {

/// The ONNX node `op` came from (graph::nodeName).
std::string nodeName(Operation *op) { return strata::graph::nodeName(op->getLoc()); }

/// The float32 constant an operand holds, or null.
DenseElementsAttr floatConstant(Value value) {
  DenseElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isF32() || !attr.getType().hasStaticShape())
    return {};
  return attr;
}

/// Whether `conv` is a plain (one group) 2-D convolution with constant
/// float weights and bias: it may produce, or read, prunable channels.
bool isPrunableConv(ConvOp conv) {
  auto type = dyn_cast<RankedTensorType>(conv.getResult().getType());
  return type && type.hasStaticShape() && type.getRank() == 4 &&
         conv.getGroup() == 1 && floatConstant(conv.getWeight()) &&
         (!conv.getBias() || floatConstant(conv.getBias()));
}

/// Whether `conv` is depthwise (one input channel per group, one output
/// channel per group) with constant weights: its channels are its input's.
bool isDepthwiseConv(ConvOp conv) {
  auto type = dyn_cast<RankedTensorType>(conv.getResult().getType());
  auto weight = floatConstant(conv.getWeight());
  return type && type.hasStaticShape() && type.getRank() == 4 && weight &&
         conv.getGroup() > 1 &&
         weight.getType().getDimSize(0) == int64_t(conv.getGroup()) &&
         weight.getType().getDimSize(1) == 1 &&
         (!conv.getBias() || floatConstant(conv.getBias()));
}

/// `attr` with only the `keep` indices of dimension `dim`.
DenseElementsAttr gather(DenseElementsAttr attr, int64_t dim, ArrayRef<int64_t> keep) {
  auto type = cast<RankedTensorType>(attr.getType());
  SmallVector<float> values = llvm::to_vector(attr.getValues<float>());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t inner = std::accumulate(shape.begin() + dim + 1, shape.end(), int64_t(1),
                                  std::multiplies<int64_t>());
  int64_t outer = std::accumulate(shape.begin(), shape.begin() + dim, int64_t(1),
                                  std::multiplies<int64_t>());
  SmallVector<float> kept;
  kept.reserve(outer * keep.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : keep)
      for (int64_t i = 0; i < inner; ++i)
        kept.push_back(values[(o * shape[dim] + k) * inner + i]);
  SmallVector<int64_t> newShape(shape);
  newShape[dim] = keep.size();
  return DenseElementsAttr::get(RankedTensorType::get(newShape, type.getElementType()),
                                llvm::ArrayRef(kept));
}

/// Replaces `owner`'s operand `index`, a float constant, by one with only
/// the `keep` indices of dimension `dim` (a constant of its own: another
/// user of the old one keeps it).
void pruneOperand(Operation *owner, unsigned index, int64_t dim, ArrayRef<int64_t> keep) {
  DenseElementsAttr attr = floatConstant(owner->getOperand(index));
  OpBuilder builder(owner);
  DenseElementsAttr kept = gather(attr, dim, keep);
  Value pruned = ConstantOp::create(builder, owner->getOperand(index).getLoc(),
                                    kept.getType(), kept);
  Operation *old = owner->getOperand(index).getDefiningOp();
  owner->setOperand(index, pruned);
  if (old && old->use_empty())
    old->erase();
}

/// A group of tensors whose channel axes (dimension 1) must stay aligned.
struct Group {
  SmallVector<Value> members;
  bool prunable = true;
  std::string why; // The first reason it is not.
  void freeze(const Twine &reason) {
    if (!prunable)
      return;
    prunable = false;
    why = reason.str();
  }
};

struct PruneChannelsPass : strata::impl::PruneChannelsBase<PruneChannelsPass> {
  using PruneChannelsBase::PruneChannelsBase;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (!(fraction > 0.0 && fraction < 1.0)) {
      function.emitError() << "strata-prune-channels: fraction " << fraction
                           << " is not in (0, 1)";
      return signalPassFailure();
    }
    SmallVector<llvm::GlobPattern> excluded;
    for (const std::string &glob : exclude) {
      llvm::Expected<llvm::GlobPattern> pattern = llvm::GlobPattern::create(glob);
      if (!pattern) {
        function.emitError() << "strata-prune-channels: bad glob '" << glob
                             << "': " << llvm::toString(pattern.takeError());
        return signalPassFailure();
      }
      excluded.push_back(std::move(*pattern));
    }
    // A glob that matches no convolution is a mistake worth hearing of.
    for (size_t index = 0; index < excluded.size(); ++index) {
      const llvm::GlobPattern &pattern = excluded[index];
      bool matched = false;
      function.walk([&](ConvOp conv) { matched |= pattern.match(nodeName(conv)); });
      if (!matched) {
        function.emitError() << "strata-prune-channels: exclude glob '" << exclude[index]
                             << "' matches no convolution";
        return signalPassFailure();
      }
    }

    // 1. The coupled tensors, grown from every prunable convolution's result.
    llvm::EquivalenceClasses<Value> classes;
    llvm::DenseSet<Value> seen;
    SmallVector<Value> worklist;
    llvm::DenseMap<Value, std::string> frozen; // member -> reason
    auto join = [&](Value a, Value b) {
      classes.unionSets(a, b);
      if (seen.insert(b).second)
        worklist.push_back(b);
    };
    function.walk([&](ConvOp conv) {
      if (isPrunableConv(conv) && seen.insert(conv.getResult()).second) {
        classes.insert(conv.getResult());
        worklist.push_back(conv.getResult());
      }
    });
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      if (Operation *producer = value.getDefiningOp()) {
        // What produced a member of a group must be one whose channels the
        // pass can remove: a prunable conv, or an op it followed.
        if (!isa<ConvOp, ReluOp, ClipOp, MaxPoolOp, AveragePoolOp, GlobalAveragePoolOp,
                 BatchNormalizationOp, IdentityOp, AddOp, FlattenOp>(producer))
          frozen[value] = "'" + nodeName(producer) + "' (" +
                          producer->getName().getStringRef().str() +
                          ") produces channels it cannot prune";
        if (auto conv = dyn_cast<ConvOp>(producer);
            conv && !isPrunableConv(conv) && !isDepthwiseConv(conv))
          frozen[value] = "'" + nodeName(producer) + "' is not a convolution it can prune";
        // An op that keeps channels has its input's: pruning its output
        // prunes its input (a ReLU of a model input added to a convolution).
        auto conv = dyn_cast<ConvOp>(producer);
        if (isa<ReluOp, ClipOp, MaxPoolOp, AveragePoolOp, GlobalAveragePoolOp,
                BatchNormalizationOp, IdentityOp, FlattenOp>(producer) ||
            (conv && isDepthwiseConv(conv)))
          join(value, producer->getOperand(0));
      } else {
        frozen[value] = "the channels reach a model input";
      }
      for (OpOperand &use : value.getUses()) {
        Operation *user = use.getOwner();
        auto follow = [&] { join(value, user->getResult(0)); };
        if (isa<ReluOp, ClipOp, MaxPoolOp, AveragePoolOp, GlobalAveragePoolOp,
                IdentityOp>(user)) {
          follow();
        } else if (auto norm = dyn_cast<BatchNormalizationOp>(user)) {
          if (use.getOperandNumber() == 0 && floatConstant(norm.getScale()) &&
              floatConstant(norm.getBias()) && floatConstant(norm.getMean()) &&
              floatConstant(norm.getVariance()))
            follow();
          else
            frozen[value] = "'" + nodeName(user) + "' has parameters that are not constants";
        } else if (auto add = dyn_cast<AddOp>(user)) {
          auto lhs = dyn_cast<RankedTensorType>(add.getLhs().getType());
          auto rhs = dyn_cast<RankedTensorType>(add.getRhs().getType());
          if (lhs && rhs && lhs == rhs && lhs == add.getResult().getType()) {
            follow();
            join(value, add.getLhs());
            join(value, add.getRhs());
          } else {
            frozen[value] = "'" + nodeName(user) + "' broadcasts the channels";
          }
        } else if (auto conv = dyn_cast<ConvOp>(user)) {
          if (use.getOperandNumber() != 0)
            frozen[value] = "'" + nodeName(user) + "' reads them as weights";
          else if (isDepthwiseConv(conv))
            follow(); // Its channels are its input's.
          else if (!isPrunableConv(conv))
            frozen[value] = "'" + nodeName(user) + "' is not a convolution it can rewire";
        } else if (auto flatten = dyn_cast<FlattenOp>(user)) {
          auto type = cast<RankedTensorType>(value.getType());
          if (flatten.getAxis() == 1 && type.getRank() == 4 && type.getDimSize(2) == 1 &&
              type.getDimSize(3) == 1)
            follow(); // [N, C, 1, 1] to [N, C]: still the channels.
          else
            frozen[value] = "'" + nodeName(user) + "' mixes the channels with positions";
        } else if (auto gemm = dyn_cast<GemmOp>(user)) {
          if (use.getOperandNumber() != 0 || gemm.getTransA() ||
              !floatConstant(gemm.getB()))
            frozen[value] = "'" + nodeName(user) + "' is not a Gemm it can rewire";
        } else if (auto matmul = dyn_cast<MatMulOp>(user)) {
          auto type = cast<RankedTensorType>(value.getType());
          if (use.getOperandNumber() != 0 || type.getRank() != 2 ||
              !floatConstant(matmul.getRhs()))
            frozen[value] = "'" + nodeName(user) + "' is not a MatMul it can rewire";
        } else {
          frozen[value] = isa<func::ReturnOp>(user)
                              ? std::string("the channels reach a model output")
                              : "'" + nodeName(user) + "' (" +
                                    user->getName().getStringRef().str() +
                                    ") reads them and cannot be rewired";
        }
      }
    }

    // 2. The groups, each with its producers, and whether it is prunable.
    SmallVector<Group> groups;
    for (auto it = classes.begin(); it != classes.end(); ++it) {
      if (!(*it)->isLeader())
        continue;
      Group group;
      for (auto member = classes.member_begin(**it); member != classes.member_end();
           ++member)
        group.members.push_back(*member);
      int64_t channels = -1;
      for (Value member : group.members) {
        if (auto reason = frozen.find(member); reason != frozen.end())
          group.freeze(reason->second);
        int64_t c = cast<RankedTensorType>(member.getType()).getDimSize(1);
        if (channels >= 0 && c != channels)
          group.freeze("coupled tensors have different channel counts");
        channels = c;
        if (auto conv = member.getDefiningOp<ConvOp>(); conv && isPrunableConv(conv))
          for (const llvm::GlobPattern &glob : excluded)
            if (glob.match(nodeName(conv)))
              group.freeze("'" + nodeName(conv) + "' is excluded");
      }
      groups.push_back(std::move(group));
    }

    // 3. Score every prunable group on the unpruned weights and choose its
    //    channels, then rewire them all.
    Builder builder(&getContext());
    SmallVector<Attribute> report;
    SmallVector<std::pair<Group *, SmallVector<int64_t>>> choices;
    for (Group &group : groups) {
      SmallVector<ConvOp> producers;
      for (Value member : group.members)
        if (auto conv = member.getDefiningOp<ConvOp>(); conv && isPrunableConv(conv))
          producers.push_back(conv);
      // Deterministic order: the ops' positions in the function.
      llvm::sort(producers, [](ConvOp a, ConvOp b) { return a->isBeforeInBlock(b); });
      if (producers.empty() || !group.prunable)
        continue;
      int64_t channels = cast<RankedTensorType>(group.members.front().getType()).getDimSize(1);
      int64_t removed = int64_t(std::floor(fraction * double(channels)));
      int64_t kept = channels - removed;
      // Whole vectors of channels (the kernels tile channels by vectors):
      // a multiple of `multiple` where the layer has at least twice as many.
      if (multiple > 1 && channels >= 2 * multiple)
        kept = std::min<int64_t>(channels, (kept + multiple - 1) / multiple * multiple);
      kept = std::max<int64_t>(kept, 1);
      if (kept == channels) {
        group.freeze("rounded up to a multiple of " + Twine(multiple) + ", all " +
                     Twine(channels) + " channels stay");
        continue;
      }
      SmallVector<double> scores(channels, 0.0);
      bool given = llvm::all_of(producers, [&](ConvOp conv) {
        auto own = conv->getAttrOfType<DenseF64ArrayAttr>(strata::kChannelScoresAttr);
        return own && own.size() == channels;
      });
      for (ConvOp conv : producers) {
        if (given) {
          auto own = conv->getAttrOfType<DenseF64ArrayAttr>(strata::kChannelScoresAttr);
          for (int64_t c = 0; c < channels; ++c)
            scores[c] += own[c];
          continue;
        }
        DenseElementsAttr weight = floatConstant(conv.getWeight());
        int64_t perChannel = weight.getNumElements() / channels;
        int64_t index = 0;
        for (float w : weight.getValues<float>())
          scores[index++ / perChannel] += double(w) * double(w);
      }
      SmallVector<int64_t> order(channels);
      std::iota(order.begin(), order.end(), 0);
      // Highest scores first; ties keep the lower channel.
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
      SmallVector<int64_t> keep(order.begin(), order.begin() + kept);
      llvm::sort(keep);
      choices.push_back({&group, std::move(keep)});
      for (ConvOp conv : producers)
        report.push_back(builder.getDictionaryAttr(
            {builder.getNamedAttr("node", builder.getStringAttr(nodeName(conv))),
             builder.getNamedAttr("channels", builder.getI64IntegerAttr(channels)),
             builder.getNamedAttr("kept", builder.getI64IntegerAttr(kept))}));
    }
    for (auto &[group, keep] : choices)
      rewire(*group, keep);
    // The scores were per unpruned channel.
    function.walk([](ConvOp conv) { conv->removeAttr(strata::kChannelScoresAttr); });
    if (choices.empty()) {
      std::string why;
      for (const Group &group : groups)
        if (!group.prunable) {
          why = group.why;
          break;
        }
      InFlightDiagnostic diag = function.emitError()
                                << "strata-prune-channels: no convolution has "
                                   "channels it can prune";
      if (!why.empty())
        diag << " (" << why << ")";
      return signalPassFailure();
    }
    inferTypes(function);
    function->setAttr(strata::entry::kPrunedChannels, builder.getArrayAttr(report));
  }

  /// Keeps only `keep` of the group's channels in every op that makes,
  /// normalizes or reads them.
  static void rewire(const Group &group, ArrayRef<int64_t> keep) {
    // Depthwise convolutions in the group (their filters are pruned as
    // their outputs, not as readers), before any group attribute changes.
    llvm::DenseSet<Operation *> depthwise;
    for (Value member : group.members)
      if (auto conv = member.getDefiningOp<ConvOp>(); conv && isDepthwiseConv(conv))
        depthwise.insert(conv);
    for (Value member : group.members) {
      if (Operation *producer = member.getDefiningOp()) {
        if (auto conv = dyn_cast<ConvOp>(producer)) {
          pruneOperand(conv, 1, 0, keep); // Its filters (depthwise too).
          if (conv.getBias())
            pruneOperand(conv, 2, 0, keep);
          if (depthwise.contains(conv))
            conv.setGroup(keep.size());
        } else if (auto norm = dyn_cast<BatchNormalizationOp>(producer)) {
          for (unsigned operand = 1; operand < 5; ++operand)
            pruneOperand(norm, operand, 0, keep);
        }
      }
      for (OpOperand &use : member.getUses()) {
        Operation *user = use.getOwner();
        if (auto conv = dyn_cast<ConvOp>(user);
            conv && use.getOperandNumber() == 0 && !depthwise.contains(conv))
          pruneOperand(conv, 1, 1, keep); // Its input channels.
        else if (auto gemm = dyn_cast<GemmOp>(user); gemm && use.getOperandNumber() == 0)
          pruneOperand(gemm, 1, gemm.getTransB() ? 1 : 0, keep);
        else if (auto matmul = dyn_cast<MatMulOp>(user); matmul && use.getOperandNumber() == 0)
          pruneOperand(matmul, 1, 0, keep);
      }
    }
  }

  /// Infers every op's result types again, in order.
  static void inferTypes(func::FuncOp function) {
    function.walk([](Operation *op) {
      auto infer = dyn_cast<InferTypeOpInterface>(op);
      if (!infer)
        return;
      SmallVector<Type> types;
      if (failed(infer.inferReturnTypes(op->getContext(), op->getLoc(), op->getOperands(),
                                        op->getRawDictionaryAttrs(),
                                        op->getPropertiesStorage(), op->getRegions(), types)))
        return;
      for (auto [result, type] : llvm::zip(op->getResults(), types))
        result.setType(type);
    });
  }
};

} // namespace
