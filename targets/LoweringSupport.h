//===- LoweringSupport.h - Pieces every target's lowering shares -*- C++ -*-===//
//
// The lowerings are written as textual pass pipelines: they read like the
// strata-opt command lines that reproduce them, and upstream passes need no
// per-pass headers. Every target starts by bufferizing the same way and ends
// by converting to the LLVM dialect the same way; those pieces live here.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_LOWERINGSUPPORT_H
#define STRATA_TARGETS_LOWERINGSUPPORT_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace strata {

/// Appends the textual pipeline `text` to `pm`; an internal error (printed)
/// when it does not parse.
mlir::LogicalResult appendPipeline(mlir::OpPassManager &pm,
                                   llvm::StringRef text);

/// Tensors to buffers, results to caller-provided out-parameters: the start
/// of every lowering (ends with ", ").
extern const char *const kBufferizePipeline;

/// Loops, memrefs and scalars to the LLVM dialect with bare-pointer calls:
/// the end of every lowering. `indexOption` is "index-bitwidth=N", or "" for
/// the data layout's width.
std::string convertToLLVMDialect(llvm::StringRef indexOption);

} // namespace strata

#endif // STRATA_TARGETS_LOWERINGSUPPORT_H
