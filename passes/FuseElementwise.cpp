//===- FuseElementwise.cpp - Elementwise fusion without recompute -*- C++ -*-===//
//
// Implements strata-fuse-elementwise: upstream's elementwise fusion patterns
// with a control that only fuses into all-parallel consumers, so reductions
// and contractions keep their shape (and their vectorization).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

struct FuseElementwisePass
    : strata::impl::FuseElementwiseBase<FuseElementwisePass> {
  using FuseElementwiseBase::FuseElementwiseBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    unsigned limit = maxBodyOps;
    linalg::ControlFusionFn intoParallelConsumers = [limit](OpOperand *fused) {
      auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
      auto producer = fused->get().getDefiningOp<linalg::LinalgOp>();
      if (!consumer || !producer ||
          consumer.getNumLoops() != consumer.getNumParallelLoops())
        return false;
      // An int8 result (a requantization) stays int8 in memory when its
      // consumer turns it into floats: a quarter of the bytes, and the
      // dequantization can then join what the floats feed (a target's
      // pool reading int8).
      auto elementOf = [](Value value) { return getElementTypeOrSelf(value.getType()); };
      if (elementOf(fused->get()).isInteger(8) &&
          isa<FloatType>(elementOf(consumer->getResult(0))))
        return false;
      // The fused body holds both bodies (less one yield).
      auto bodySize = [](linalg::LinalgOp op) {
        return op.getBlock()->getOperations().size();
      };
      return bodySize(producer) + bodySize(consumer) <= limit + 1;
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, intoParallelConsumers);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
