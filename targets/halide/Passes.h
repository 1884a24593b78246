//===- Passes.h - Passes of the Halide path ---------------------*- C++ -*-===//
//
// Declarations generated from targets/halide/Passes.td, plus registration for
// strata-opt.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_HALIDE_PASSES_H
#define STRATA_TARGETS_HALIDE_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace strata::halide {

#define GEN_PASS_DECL
#include "targets/halide/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "targets/halide/Passes.h.inc"

} // namespace strata::halide

#endif // STRATA_TARGETS_HALIDE_PASSES_H
