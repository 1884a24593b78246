//===- FoldBatchNorm.cpp - BatchNormalization into its Conv -----*- C++ -*-===//
//
// Implements strata-fold-batch-norm. In inference a BatchNormalization is a
// per-channel y = x * m + s; after a Conv with constant weights it becomes
// those weights scaled by m and a bias b * m + s, and the Conv's ReLU then
// follows the Conv directly. Quantization needs that form: the activation
// folds into the integer kernel's clamp, and the int8 tensor the Conv
// leaves is the one the next op reads, with no float op between.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;
using namespace strata::graph;

namespace {

/// `attr`'s float32 values, a splat expanded.
SmallVector<float> floatValues(DenseElementsAttr attr) {
  if (attr.isSplat())
    return SmallVector<float>(attr.getNumElements(), attr.getSplatValue<float>());
  return llvm::to_vector(attr.getValues<float>());
}

struct FoldIntoConv : OpRewritePattern<BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormalizationOp norm,
                                PatternRewriter &rewriter) const override {
    auto conv = norm.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(norm, "not the only user of a Conv");
    DenseElementsAttr weights, bias;
    if (!matchPattern(conv.getWeight(), m_Constant(&weights)) ||
        !weights.getElementType().isF32() ||
        (conv.getBias() && !matchPattern(conv.getBias(), m_Constant(&bias))))
      return rewriter.notifyMatchFailure(norm, "the Conv's weights are not constants");
    auto parameters = foldBatchNormParameters(norm);
    int64_t channels = weights.getType().getDimSize(0);
    if (!parameters || parameters->first.getNumElements() != channels)
      return rewriter.notifyMatchFailure(norm, "parameters are not constants");
    SmallVector<float> multiplier = floatValues(parameters->first);
    SmallVector<float> shift = floatValues(parameters->second);
    SmallVector<float> w = floatValues(weights);
    int64_t perChannel = w.size() / channels;
    for (size_t i = 0; i < w.size(); ++i)
      w[i] *= multiplier[i / perChannel];
    SmallVector<float> b(channels, 0.0f);
    if (bias)
      b = floatValues(bias);
    for (int64_t c = 0; c < channels; ++c)
      b[c] = b[c] * multiplier[c] + shift[c];
    Location loc = conv.getLoc();
    auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
    Value newWeights = ConstantOp::create(
        rewriter, loc, weights.getType(), DenseElementsAttr::get(weights.getType(), ArrayRef(w)));
    Value newBias = ConstantOp::create(rewriter, loc, biasType,
                                       DenseElementsAttr::get(biasType, ArrayRef(b)));
    // The Conv's node first: messages and --report name the convolution.
    Location fused = rewriter.getFusedLoc({conv.getLoc(), norm.getLoc()});
    Value folded = ConvOp::create(rewriter, fused, norm.getResult().getType(),
                                  conv.getInput(), newWeights, newBias,
                                  conv.getStridesAttr(), conv.getPadsAttr(),
                                  conv.getDilationsAttr(), conv.getGroupAttr());
    rewriter.replaceOp(norm, folded);
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormPass : strata::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
