//===- ArenaPlanner.h - Offsets for buffers in one arena ---------*- C++ -*-===//
//
// The placement problem behind strata-plan-memory, free of MLIR so it can be
// unit-tested on its own: buffers with sizes and live ranges (positions in
// the entry block) get offsets in one arena such that buffers live at the
// same time never overlap. The lower bound is the largest total live at one
// position; no placement beats it.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES_ARENAPLANNER_H
#define STRATA_PASSES_ARENAPLANNER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace strata {

struct LiveBuffer {
  int64_t bytes = 0;
  /// Inclusive positions of the first and last use.
  int64_t firstUse = 0;
  int64_t lastUse = 0;
};

struct ArenaPlan {
  llvm::SmallVector<int64_t> offsets; // One per buffer, in input order.
  int64_t arenaBytes = 0;
};

/// Greedy placements under several buffer orders (largest first, earliest
/// first, longest-lived first, largest size x lifetime first), each placing
/// a buffer at the lowest offset where it fits between the live buffers
/// already placed; the smallest arena wins (the first order on ties, so
/// plans are deterministic).
ArenaPlan planArena(llvm::ArrayRef<LiveBuffer> buffers);

/// The largest total of bytes live at one position.
int64_t arenaLowerBound(llvm::ArrayRef<LiveBuffer> buffers);

/// Whether `plan` keeps every pair of buffers live at the same time apart.
bool isValidPlan(llvm::ArrayRef<LiveBuffer> buffers, const ArenaPlan &plan);

} // namespace strata

#endif // STRATA_PASSES_ARENAPLANNER_H
