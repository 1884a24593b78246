//===- Passes.h - Passes of the CPU targets ---------------------*- C++ -*-===//
//
// Declarations generated from targets/cpu/Passes.td, plus registration for
// strata-opt.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CPU_PASSES_H
#define STRATA_TARGETS_CPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace strata::cpu {

/// strata-tile-and-vectorize's default min-parallel-iterations: 2^18
/// multiply-adds. At 2^20, KWS's pointwise convolutions (512K) stayed serial;
/// spread, KWS and the CNN ran ~20% faster on two threads and no bench model
/// got slower on one or two.
inline constexpr int64_t kMinParallelIterations = 1 << 18;

/// An element an elementwise loop writes weighs as much as this many of a
/// convolution's multiply-adds against that threshold: elementwise ops of at
/// least 2^17 elements are spread (more of MobileNetV2's, at 2^15, gained
/// nothing on two threads and cost its compile a second).
inline constexpr int64_t kElementwiseWeight = 2;

/// Whether strata-tile-and-vectorize{parallel-loops}, at its default
/// threshold, spreads `op` over the executor's threads (its heavy ops by
/// their iterations, elementwise ones weighted).
bool spreadsOverThreads(mlir::linalg::LinalgOp op);

#define GEN_PASS_DECL
#include "targets/cpu/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "targets/cpu/Passes.h.inc"

} // namespace strata::cpu

#endif // STRATA_TARGETS_CPU_PASSES_H
