//===- Target.cpp - Target lookup by name -----------------------*- C++ -*-===//
//
// Maps --target names to the target folders' resolvers.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"

#include "llvm/ADT/StringExtras.h"

namespace strata {

llvm::ArrayRef<llvm::StringRef> supportedTargets() {
  static const llvm::StringRef names[] = {"x86_64", "aarch64", "cortex-m4",
                                          "cortex-m7", "cortex-m55", "sm_80",
                                          "sm_90"};
  return names;
}

llvm::Expected<TargetDescription> resolveTarget(llvm::StringRef target,
                                                llvm::StringRef cpu,
                                                llvm::StringRef floatABI) {
  if (target.starts_with("cortex-m"))
    return resolveCortexMTarget(target, cpu, floatABI);
  if (!floatABI.empty())
    return llvm::createStringError("--float-abi applies to the Cortex-M "
                                   "targets only");
  if (target == "x86_64" || target == "x86-64")
    return resolveX86Target(cpu);
  if (target == "aarch64" || target == "arm64")
    return resolveAArch64Target(cpu);
  if (target.starts_with("sm_"))
    return resolveCudaTarget(target, cpu);
  return llvm::createStringError(
      "unknown target '" + target.str() + "' (supported: " +
      llvm::join(supportedTargets(), ", ") + ")");
}

} // namespace strata
