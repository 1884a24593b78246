//===- ExpandMath.cpp - Polynomial approximations for math ops --*- C++ -*-===//
//
// Implements strata-expand-math: generated code calls no libm.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_EXPANDMATH
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

struct ExpandMathPass : strata::impl::ExpandMathBase<ExpandMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // powf and the hyperbolic functions become exp/log/sqrt, tan becomes
    // sin/cos, roundeven becomes integer arithmetic; the approximations below
    // then replace the transcendental functions left.
    math::populateExpansionPatterns(
        patterns, {"powf", "tan", "sinh", "cosh", "asinh", "acosh", "atanh",
                   "roundeven", "round"});
    // rsqrt's approximation uses x86 AVX intrinsics: keep every target's
    // code target-neutral and leave it to LLVM.
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) { return name != "rsqrt"; });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
