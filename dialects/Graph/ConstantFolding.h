//===- ConstantFolding.h - Data movement on constant tensors ----*- C++ -*-===//
//
// The raw-byte permutation the graph folders use, exposed so lowerings can
// re-layout constant weights at compile time (conv weights to HWCF) instead
// of emitting a transpose that would run on every inference.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_DIALECTS_GRAPH_CONSTANTFOLDING_H
#define STRATA_DIALECTS_GRAPH_CONSTANTFOLDING_H

#include "mlir/IR/BuiltinAttributes.h"

namespace strata::graph {

/// `value` with its axes permuted: result axis i is input axis perm[i]. Null
/// for element types that are not whole bytes (i1).
mlir::DenseElementsAttr transposeElements(mlir::DenseElementsAttr value,
                                          llvm::ArrayRef<int64_t> perm);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_CONSTANTFOLDING_H
