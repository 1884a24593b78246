//===- ShapeInference.cpp - Shape rules of ONNX operators -------*- C++ -*-===//
//
// Implements the shared shape rules declared in ShapeInference.h.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/ShapeInference.h"

#include <algorithm>

namespace strata::graph {

std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  llvm::SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the trailing axis; a missing axis acts as extent 1.
    int64_t l = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t r = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    if (l != r && l != 1 && r != 1)
      return std::nullopt;
    result[rank - 1 - i] = l == 1 ? r : l;
  }
  return result;
}

std::optional<llvm::SmallVector<int64_t>>
matmulShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs) {
  if (lhs.empty() || rhs.empty())
    return std::nullopt;
  // 1-D operands are promoted to matrices and the unit axis dropped after.
  llvm::SmallVector<int64_t> a(lhs), b(rhs);
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  if (a.back() != b[b.size() - 2])
    return std::nullopt;
  auto batch = broadcastShapes(llvm::ArrayRef(a).drop_back(2),
                               llvm::ArrayRef(b).drop_back(2));
  if (!batch)
    return std::nullopt;
  llvm::SmallVector<int64_t> result(*batch);
  if (!lhsVector)
    result.push_back(a[a.size() - 2]);
  if (!rhsVector)
    result.push_back(b.back());
  return result;
}

int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode) {
  int64_t effectiveKernel = dilation * (kernel - 1) + 1;
  int64_t span = input + padBegin + padEnd - effectiveKernel;
  if (span < 0)
    return 0;
  int64_t steps = ceilMode ? (span + stride - 1) / stride : span / stride;
  // With ceil_mode a last window must still start inside the input or its
  // begin padding (ONNX and PyTorch agree on this).
  if (ceilMode && steps * stride >= input + padBegin)
    --steps;
  return steps + 1;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                     bool allowEnd) {
  int64_t limit = allowEnd ? rank + 1 : rank;
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= limit)
    return std::nullopt;
  return axis;
}

std::pair<int64_t, int64_t> shapeOpRange(int64_t start,
                                         std::optional<int64_t> end,
                                         int64_t rank) {
  auto clampAxis = [rank](int64_t axis) {
    return std::clamp<int64_t>(axis < 0 ? axis + rank : axis, 0, rank);
  };
  return {clampAxis(start), clampAxis(end.value_or(rank))};
}

SliceRange resolveSliceRange(int64_t start, int64_t end, int64_t step,
                             int64_t extent) {
  if (start < 0)
    start += extent;
  if (end < 0)
    end += extent;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, extent);
    end = std::clamp<int64_t>(end, 0, extent);
    int64_t size = end > start ? (end - start + step - 1) / step : 0;
    return {start, step, size};
  }
  start = std::clamp<int64_t>(start, 0, extent - 1);
  end = std::clamp<int64_t>(end, -1, extent - 1);
  int64_t size = start > end ? (start - end + (-step) - 1) / (-step) : 0;
  return {start, step, size};
}

} // namespace strata::graph
