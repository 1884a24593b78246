//===- Patterns.h - graph-to-linalg pattern sets ----------------*- C++ -*-===//
//
// Each op family's lowering patterns live in their own file; the pass
// (GraphToLinalg.cpp) collects them through these functions.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES_GRAPHTOLINALG_PATTERNS_H
#define STRATA_PASSES_GRAPHTOLINALG_PATTERNS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace strata {

// Each takes the pass's signless type converter (LoweringUtils.h).
void populateElementwiseToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
void populateContractionToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
void populatePoolingToLinalgPatterns(const mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns);
void populateReductionToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
void populateDataMovementToLinalgPatterns(const mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns);
void populateSamplingToLinalgPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);

} // namespace strata

#endif // STRATA_PASSES_GRAPHTOLINALG_PATTERNS_H
