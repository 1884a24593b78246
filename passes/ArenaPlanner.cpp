//===- ArenaPlanner.cpp - Offsets for buffers in one arena -----------------===//
//
// Implements ArenaPlanner.h. Buffer counts are small (one per intermediate
// tensor), so each strategy is a quadratic first-fit and trying four orders
// costs nothing next to compilation.
//
//===----------------------------------------------------------------------===//
#include "passes/ArenaPlanner.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <tuple>

namespace strata {

namespace {

bool overlapInTime(const LiveBuffer &a, const LiveBuffer &b) {
  return a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
}

/// First-fit placement of the buffers in `order`.
ArenaPlan placeInOrder(llvm::ArrayRef<LiveBuffer> buffers,
                       llvm::ArrayRef<size_t> order) {
  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), -1);
  llvm::SmallVector<size_t> placed;
  for (size_t index : order) {
    const LiveBuffer &buffer = buffers[index];
    llvm::SmallVector<std::pair<int64_t, int64_t>> occupied;
    for (size_t other : placed)
      if (overlapInTime(buffer, buffers[other]))
        occupied.push_back({plan.offsets[other],
                            plan.offsets[other] + buffers[other].bytes});
    llvm::sort(occupied);
    int64_t offset = 0;
    for (auto [begin, end] : occupied) {
      if (offset + buffer.bytes <= begin)
        break;
      offset = std::max(offset, end);
    }
    plan.offsets[index] = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + buffer.bytes);
    placed.push_back(index);
  }
  return plan;
}

} // namespace

ArenaPlan planArena(llvm::ArrayRef<LiveBuffer> buffers) {
  using Key = std::function<std::tuple<int64_t, int64_t, int64_t>(const LiveBuffer &)>;
  auto lifetime = [](const LiveBuffer &b) { return b.lastUse - b.firstUse + 1; };
  // Each key sorts ascending; ties fall back to first use, then size.
  const Key keys[] = {
      [](const LiveBuffer &b) { return std::make_tuple(-b.bytes, b.firstUse, 0L); },
      [](const LiveBuffer &b) { return std::make_tuple(b.firstUse, -b.bytes, 0L); },
      [&](const LiveBuffer &b) {
        return std::make_tuple(-lifetime(b), -b.bytes, b.firstUse);
      },
      [&](const LiveBuffer &b) {
        return std::make_tuple(-b.bytes * lifetime(b), b.firstUse, 0L);
      },
  };
  ArenaPlan best;
  bool first = true;
  for (const Key &key : keys) {
    llvm::SmallVector<size_t> order(buffers.size());
    std::iota(order.begin(), order.end(), 0);
    llvm::sort(order, [&](size_t a, size_t b) {
      return std::make_pair(key(buffers[a]), a) < std::make_pair(key(buffers[b]), b);
    });
    ArenaPlan plan = placeInOrder(buffers, order);
    if (first || plan.arenaBytes < best.arenaBytes)
      best = std::move(plan);
    first = false;
  }
  return best;
}

int64_t arenaLowerBound(llvm::ArrayRef<LiveBuffer> buffers) {
  int64_t best = 0;
  for (const LiveBuffer &at : buffers) {
    int64_t live = 0;
    for (const LiveBuffer &other : buffers)
      if (other.firstUse <= at.firstUse && at.firstUse <= other.lastUse)
        live += other.bytes;
    best = std::max(best, live);
  }
  return best;
}

bool isValidPlan(llvm::ArrayRef<LiveBuffer> buffers, const ArenaPlan &plan) {
  if (plan.offsets.size() != buffers.size())
    return false;
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (plan.offsets[i] < 0 ||
        plan.offsets[i] + buffers[i].bytes > plan.arenaBytes)
      return false;
    for (size_t j = i + 1; j < buffers.size(); ++j)
      if (overlapInTime(buffers[i], buffers[j]) &&
          plan.offsets[i] < plan.offsets[j] + buffers[j].bytes &&
          plan.offsets[j] < plan.offsets[i] + buffers[i].bytes)
        return false;
  }
  return true;
}

} // namespace strata
