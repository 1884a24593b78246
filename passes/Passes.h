//===- Passes.h - Strata's graph-level passes -------------------*- C++ -*-===//
//
// Declarations generated from Passes.td, plus registration for strata-opt.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES_PASSES_H
#define STRATA_PASSES_PASSES_H

#include "dialects/Graph/GraphDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Pass/Pass.h"

namespace strata {

/// Per output channel of a graph.conv, its pruning score (a
/// DenseF64ArrayAttr): strata-prune-channels ranks channels by it instead of
/// the filters' norms when every producer of a group has one. stratac's
/// gradient criteria (compiler/ImportanceScores.h) set it.
inline constexpr llvm::StringLiteral kChannelScoresAttr = "strata.channel_scores";

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace strata

#endif // STRATA_PASSES_PASSES_H
