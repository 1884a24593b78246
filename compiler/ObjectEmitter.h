//===- ObjectEmitter.h - LLVM dialect to machine code -----------*- C++ -*-===//
//
// Translates the lowered module to LLVM IR, adds the artifact's entry point
// and descriptor, optimizes, and emits assembly or an object in memory with
// an in-process llvm::TargetMachine (no llc, no temporary files).
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_OBJECTEMITTER_H
#define STRATA_COMPILER_OBJECTEMITTER_H

#include "compiler/ModelSignature.h"
#include "targets/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <memory>

namespace strata {

/// The model's LLVM IR for `target`, with the entry point and descriptor.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  const TargetDescription &target,
                  const ModelSignature &signature, llvm::StringRef implName);

/// Runs LLVM's optimization pipeline for `target` on `module` (O3, or Os on
/// bare-metal targets).
llvm::Error optimizeLLVMIR(llvm::Module &module, const TargetDescription &target);

enum class MachineCodeKind { Assembly, Object };

/// Machine code for `module`.
llvm::Expected<std::string> emitMachineCode(llvm::Module &module,
                                            const TargetDescription &target,
                                            MachineCodeKind kind);

} // namespace strata

#endif // STRATA_COMPILER_OBJECTEMITTER_H
