//===- Patterns.h - graph-to-linalg pattern sets ----------------*- C++ -*-===//
//
// Each op family's lowering patterns live in their own file; the pass
// (GraphToLinalg.cpp) collects them through these functions.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES_GRAPHTOLINALG_PATTERNS_H
#define STRATA_PASSES_GRAPHTOLINALG_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace strata {

void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateContractionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populatePoolingToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateDataMovementToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace strata

#endif // STRATA_PASSES_GRAPHTOLINALG_PATTERNS_H
