//===- Passes.h - Passes of the NVIDIA GPU targets --------------*- C++ -*-===//
//
// Declarations generated from targets/cuda/Passes.td, plus registration for
// strata-opt.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CUDA_PASSES_H
#define STRATA_TARGETS_CUDA_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace strata::cuda {

#define GEN_PASS_DECL
#include "targets/cuda/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "targets/cuda/Passes.h.inc"

} // namespace strata::cuda

#endif // STRATA_TARGETS_CUDA_PASSES_H
