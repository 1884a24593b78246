//===- EntryPointEmitter.h - The ABI surface of an artifact -----*- C++ -*-===//
//
// Adds to the translated LLVM module the two symbols runtime/include/strata/
// runtime.h promises: NAME_entry (inputs, outputs, arena as pointer arrays)
// and the constant descriptor NAME_model. The model's own function becomes
// internal, so several models link into one program.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_ENTRYPOINTEMITTER_H
#define STRATA_COMPILER_ENTRYPOINTEMITTER_H

#include "compiler/ModelSignature.h"
#include "llvm/Support/Error.h"

namespace llvm {
class Module;
}

namespace strata {

/// `implName` is the lowered model function taking one pointer per input,
/// per output and the arena, in that order; GPU models (signature.gpu) take
/// the device weights last, and their descriptor is a strata_cuda_model_t
/// pointing at the global `strata_constants`.
llvm::Error emitEntryPoint(llvm::Module &module, llvm::StringRef implName,
                           const ModelSignature &signature);

} // namespace strata

#endif // STRATA_COMPILER_ENTRYPOINTEMITTER_H
