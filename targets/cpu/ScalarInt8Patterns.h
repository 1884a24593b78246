//===- ScalarInt8Patterns.h - int8 cleanups without vectors ------*- C++ -*-===//
//
// Rewrites strata-tile-and-vectorize applies on targets without vectors
// (Cortex-M4/M7) once their int8 convolutions are kernels, so that an int8
// model stores neither whole int32 accumulators nor float copies of its
// int8 tensors: the arena is a microcontroller's budget. Vector targets
// take the first, for the same accumulators.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CPU_SCALARINT8PATTERNS_H
#define STRATA_TARGETS_CPU_SCALARINT8PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace strata::cpu {

/// A static slice of a fresh buffer or an empty tensor becomes one of the
/// slice's size: an int32 accumulator tile fused with the requantization
/// reading it is then a buffer of the tile's size, not a slice of the
/// whole accumulator (in an scf.forall, one per iteration).
void populateAccumulatorTilePatterns(mlir::RewritePatternSet &patterns);

/// The accumulator tile patterns; and a generic reading a transpose,
/// maybe through a collapse, reads its input permuted; a reduction reading
/// a collapse of a dequantization iterates the uncollapsed tensor, and the
/// dequantization fuses into it.
void populateScalarInt8Patterns(mlir::RewritePatternSet &patterns);

} // namespace strata::cpu

#endif // STRATA_TARGETS_CPU_SCALARINT8PATTERNS_H
