//===- ShapeInference.h - Shape rules of ONNX operators --------*- C++ -*-===//
//
// The shape arithmetic ONNX operators share (broadcasting, windows, matmul
// batch dimensions), written once so that verifiers, folders, the importer and
// decomposition passes agree on every rule.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_DIALECTS_GRAPH_SHAPEINFERENCE_H
#define STRATA_DIALECTS_GRAPH_SHAPEINFERENCE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace strata::graph {

/// The numpy broadcast of two shapes, or nullopt when they do not broadcast.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// The result shape of numpy matmul, or nullopt when the operands disagree.
std::optional<llvm::SmallVector<int64_t>>
matmulShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// The output extent of a sliding window (conv or pool) along one axis.
int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode);

/// `axis` made non-negative for a tensor of `rank` (a negative axis counts
/// from the end), or nullopt when out of range. With `allowEnd` the position
/// after the last axis, `rank`, is valid too (Flatten's axis).
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                     bool allowEnd = false);

/// ONNX Shape's [start, end) for a rank-`rank` input: negative values count
/// from the end, and both are clamped to [0, rank].
std::pair<int64_t, int64_t> shapeOpRange(int64_t start,
                                         std::optional<int64_t> end,
                                         int64_t rank);

/// One resolved Slice axis: the first index, the step and the element count.
struct SliceRange {
  int64_t start;
  int64_t step;
  int64_t size;
};

/// Resolves ONNX Slice's start/end/step for an axis of `extent` elements,
/// with ONNX's negative-index and clamping rules.
SliceRange resolveSliceRange(int64_t start, int64_t end, int64_t step,
                             int64_t extent);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_SHAPEINFERENCE_H
