//===- AArch64Target.cpp - The AArch64 Linux target -------------*- C++ -*-===//
//
// Edge boards: aarch64-linux-gnu with NEON (128-bit vectors, always present on
// AArch64). --cpu picks the core LLVM schedules for and with it the optional
// extensions LLVM knows the core has (dot product on cortex-a55/a76 and the
// Neoverse cores); the default, generic, runs on every AArch64 Linux board.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace strata {

llvm::Expected<TargetDescription> resolveAArch64Target(llvm::StringRef cpu) {
  static const llvm::StringRef cpus[] = {
      "generic",    "cortex-a53", "cortex-a55",  "cortex-a57",  "cortex-a72",
      "cortex-a73", "cortex-a76", "cortex-a78",  "neoverse-n1", "neoverse-n2",
      "neoverse-v1"};
  if (cpu.empty() || cpu == "native")
    cpu = "generic";
  if (!llvm::is_contained(cpus, cpu))
    return llvm::createStringError("unknown --cpu '" + cpu.str() +
                                   "' for aarch64 (supported: " +
                                   llvm::join(llvm::ArrayRef(cpus), ", ") + ")");
  TargetDescription target;
  target.name = "aarch64";
  target.triple = "aarch64-unknown-linux-gnu";
  target.cpu = cpu.str();
  target.features = "+neon";
  target.vectorBits = 128;
  return target;
}

} // namespace strata
