//===- CpuLowering.h - The lowering the CPU targets share -------*- C++ -*-===//
//
// x86-64, AArch64 and the Cortex-M cores lower alike: tile and vectorize to
// the target's vector width (or keep scalar loops), bufferize, plan the
// arena, lower loops and math, convert to LLVM. They differ in the vector
// conversion, which each target names.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CPU_CPULOWERING_H
#define STRATA_TARGETS_CPU_CPULOWERING_H

#include "targets/Target.h"

namespace strata::cpu {

/// The vector-to-LLVM conversion of the 64-bit CPUs: upstream's, with
/// contractions lowered to outer products (FMAs).
extern const char *const kVectorToLLVM;

/// Appends the CPU lowering of `entryName` for `target`; `vectorToLLVM` is
/// the textual pass that converts vector ops to the LLVM dialect.
mlir::LogicalResult buildCpuLowering(mlir::OpPassManager &pm,
                                     const TargetDescription &target,
                                     llvm::StringRef entryName,
                                     llvm::StringRef vectorToLLVM);

/// A target that lowers with the CPU strategy; it names its vector
/// conversion (upstream's by default).
class CpuTarget : public Target {
public:
  using Target::Target;

  mlir::LogicalResult buildLowering(mlir::OpPassManager &pm,
                                    const TargetDescription &target,
                                    llvm::StringRef entryName) const override {
    return buildCpuLowering(pm, target, entryName, vectorToLLVM(target));
  }

protected:
  virtual std::string vectorToLLVM(const TargetDescription &) const {
    return kVectorToLLVM;
  }
};

} // namespace strata::cpu

#endif // STRATA_TARGETS_CPU_CPULOWERING_H
