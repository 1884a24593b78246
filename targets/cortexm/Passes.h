//===- Passes.h - Passes of the Cortex-M targets ----------------*- C++ -*-===//
//
// Declarations generated from targets/cortexm/Passes.td, plus registration
// for strata-opt.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CORTEXM_PASSES_H
#define STRATA_TARGETS_CORTEXM_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace strata::cortexm {

#define GEN_PASS_DECL
#include "targets/cortexm/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "targets/cortexm/Passes.h.inc"

} // namespace strata::cortexm

#endif // STRATA_TARGETS_CORTEXM_PASSES_H
