//===- Target.h - What the compiler needs to know of a target ---*- C++ -*-===//
//
// A target description is everything target-specific that the pipeline and
// the object emitter consult: the LLVM triple, CPU and features, and the
// codegen strategy (vector width, tile sizes). Each target folder fills one.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_TARGET_H
#define STRATA_TARGETS_TARGET_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <string>

namespace strata {

struct TargetDescription {
  /// The name users pass to --target (x86_64, ...).
  std::string name;
  std::string triple;
  std::string cpu;
  /// LLVM feature string ("+avx2,+fma,...").
  std::string features;
  /// Widest vector register in bits: the vectorizer's unit; 0 leaves loops
  /// scalar.
  unsigned vectorBits = 128;
  /// Width of index arithmetic (32 on 32-bit microcontrollers).
  unsigned indexBits = 64;
  /// No operating system: static relocation, no shared libraries, code
  /// optimized for size.
  bool bareMetal = false;
  /// Soft-float ABI: no FPU instructions.
  bool softFloat = false;
  /// NVIDIA GPU targets: the chip kernels are compiled for ("sm_90"), empty
  /// for CPU targets. The fields above then describe the host code.
  std::string gpuChip;
  /// NVPTX features of the kernels ("+ptx78").
  std::string gpuFeatures;

  bool isGpu() const { return !gpuChip.empty(); }
};

/// The names accepted by --target, for help texts and errors.
llvm::ArrayRef<llvm::StringRef> supportedTargets();

/// Resolves --target, --cpu and --float-abi ("" for the target's default),
/// or explains what is accepted.
llvm::Expected<TargetDescription> resolveTarget(llvm::StringRef target,
                                                llvm::StringRef cpu,
                                                llvm::StringRef floatABI = "");

/// The x86-64 family (targets/x86).
llvm::Expected<TargetDescription> resolveX86Target(llvm::StringRef cpu);

/// AArch64 Linux (targets/aarch64).
llvm::Expected<TargetDescription> resolveAArch64Target(llvm::StringRef cpu);

/// Cortex-M4, M7 and M55, bare metal (targets/cortexm).
llvm::Expected<TargetDescription> resolveCortexMTarget(llvm::StringRef name,
                                                       llvm::StringRef cpu,
                                                       llvm::StringRef floatABI);

/// NVIDIA sm_80 and sm_90 (targets/cuda).
llvm::Expected<TargetDescription> resolveCudaTarget(llvm::StringRef name,
                                                    llvm::StringRef cpu);

} // namespace strata

#endif // STRATA_TARGETS_TARGET_H
