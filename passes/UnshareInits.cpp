//===- UnshareInits.cpp - One accumulator init per accumulating op -*- C++ -*-===//
//
// Implements strata-unshare-inits. CSE merges equal fills and bias
// broadcasts, so that several convolutions accumulate into one init value;
// bufferization must then copy it once per convolution, since each writes
// its buffer. KWS's nine convolutions shared one zero fill, copied eight
// times. Here each accumulating op gets its own init, recomputed right
// before it: a fill or a broadcast of constants writes the buffer once,
// where a copy reads and writes it. With last-user-too the last user gets
// one as well, so that no init's buffer lives longer than its op needs.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace strata {
#define GEN_PASS_DEF_UNSHAREINITS
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

/// A single-result linalg op computed from constants alone (a fill, a
/// broadcast bias) that writes its init without reading it: recomputing it
/// costs no more than the copy it saves.
bool isCheapInit(linalg::LinalgOp op) {
  if (!op || !op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
      op.getNumDpsInits() != 1 ||
      op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)))
    return false;
  return llvm::all_of(op.getDpsInputs(), [](Value input) {
    return !isa<ShapedType>(input.getType()) || matchPattern(input, m_Constant());
  });
}

struct UnshareInitsPass : strata::impl::UnshareInitsBase<UnshareInitsPass> {
  using UnshareInitsBase::UnshareInitsBase;

  void runOnOperation() override {
    // Inits read by the op they are the init of, from a cheap shared producer.
    SmallVector<OpOperand *> shared;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics())
        return;
      for (OpOperand &init : op.getDpsInitsMutable()) {
        auto producer = init.get().getDefiningOp<linalg::LinalgOp>();
        if (isCheapInit(producer) && !init.get().hasOneUse() &&
            op.payloadUsesValueFromOperand(&init))
          shared.push_back(&init);
      }
    });
    IRRewriter rewriter(&getContext());
    for (OpOperand *init : shared) {
      auto producer = init->get().getDefiningOp<linalg::LinalgOp>();
      // With `lastUserToo`, the last user gets its own as well: the
      // original sits where CSE left it, at the first user, and its buffer
      // lives from there to the last (in KWS, a 32 KB zero fill held through
      // the whole model).
      if (!lastUserToo && init->get().hasOneUse())
        continue; // The last user keeps the original.
      // Its own buffer: an alloc_tensor, which CSE cannot merge with
      // another (a tensor.empty it would), written right before the user.
      rewriter.setInsertionPoint(init->getOwner());
      auto type = cast<RankedTensorType>(init->get().getType());
      Value buffer = bufferization::AllocTensorOp::create(rewriter, producer.getLoc(),
                                                          type, ValueRange{});
      Operation *copy = rewriter.clone(*producer);
      rewriter.modifyOpInPlace(copy, [&] {
        cast<linalg::LinalgOp>(copy).getDpsInitOperand(0)->set(buffer);
      });
      rewriter.modifyOpInPlace(init->getOwner(), [&] { init->set(copy->getResult(0)); });
      if (producer->use_empty())
        rewriter.eraseOp(producer);
    }
  }
};

} // namespace
