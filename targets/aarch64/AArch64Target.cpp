//===- AArch64Target.cpp - The AArch64 Linux target -------------*- C++ -*-===//
//
// Edge boards: aarch64-linux-gnu with NEON (128-bit vectors, always present on
// AArch64). --cpu picks the core LLVM schedules for and with it the optional
// extensions LLVM knows the core has (dot product on cortex-a55/a76 and the
// Neoverse cores); the default, generic, runs on every AArch64 Linux board.
// Lowers with the shared CPU strategy.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"
#include "targets/cpu/CpuLowering.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/AArch64TargetParser.h"

namespace strata {
namespace {

class AArch64Target : public cpu::CpuTarget {
public:
  using CpuTarget::CpuTarget;

protected:
  llvm::Expected<TargetDescription>
  resolve(const TargetChoices &choices) const override {
    static const llvm::StringRef cpus[] = {
        "generic",    "cortex-a53", "cortex-a55",  "cortex-a57",  "cortex-a72",
        "cortex-a73", "cortex-a76", "cortex-a78",  "neoverse-n1", "neoverse-n2",
        "neoverse-v1"};
    if (llvm::Error error = rejectFloatABI(choices))
      return std::move(error);
    if (llvm::Error error = rejectGpuChoices(choices))
      return std::move(error);
    llvm::StringRef cpu = choices.cpu;
    if (cpu.empty() || cpu == "native")
      cpu = "generic";
    if (!llvm::is_contained(cpus, cpu))
      return llvm::createStringError(
          "unknown --cpu '" + cpu.str() + "' for " + getName().str() +
          " (supported: " + llvm::join(llvm::ArrayRef(cpus), ", ") + ")");
    TargetDescription target;
    target.name = getName().str();
    target.triple = "aarch64-unknown-linux-gnu";
    target.cpu = cpu.str();
    target.features = "+neon";
    target.vectorBits = 128;
    // int8 convolutions on sdot where the core has the dot product
    // extension (Cortex-A55/A76/A78, Neoverse); generic's does not.
    if (std::optional<llvm::AArch64::CpuInfo> info = llvm::AArch64::parseCpu(cpu);
        info && info->getImpliedExtensions().test(llvm::AArch64::AEK_DOTPROD))
      target.dotProduct = "sdot";
    return target;
  }
};

} // namespace

void registerAArch64Targets(TargetRegistry &registry) {
  registerFamily(registry, "aarch64", [](const TargetTableEntry &entry) {
    return std::make_unique<AArch64Target>(entry);
  });
}

} // namespace strata
