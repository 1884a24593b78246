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

#define GEN_PASS_DECL
#include "targets/cpu/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "targets/cpu/Passes.h.inc"

} // namespace strata::cpu

#endif // STRATA_TARGETS_CPU_PASSES_H
