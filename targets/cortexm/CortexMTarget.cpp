//===- CortexMTarget.cpp - Cortex-M microcontrollers -------------*- C++ -*-===//
//
// Terminals: bare-metal Thumb code for Cortex-M4 and M7 (Armv7E-M, FPv4/FPv5)
// and M55 (Armv8.1-M with MVE). Code addresses 32-bit memory, so index
// arithmetic is 32-bit; objects are position dependent (linked into one
// firmware image, weights in flash). The M4 and M7 have no vector unit and
// keep scalar loops, sized for flash; the M55 vectorizes f32 tiles to MVE's
// 128-bit registers. --float-abi=soft keeps every floating-point operation
// off the FPU (library calls instead, and no MVE).
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"
#include "targets/cpu/CpuLowering.h"

#include "llvm/Support/FormatVariadic.h"

namespace strata {
namespace {

/// What distinguishes the cores: the Thumb architecture of their triple and
/// the vector width with the FPU on (MVE on the M55).
struct CortexMCore {
  llvm::StringRef name;
  llvm::StringRef arch;
  unsigned vectorBits;
};

constexpr CortexMCore kCores[] = {
    {"cortex-m4", "thumbv7em", 0},
    {"cortex-m7", "thumbv7em", 0},
    {"cortex-m55", "thumbv8.1m.main", 128},
};

class CortexMTarget : public cpu::CpuTarget {
public:
  CortexMTarget(const TargetTableEntry &entry, const CortexMCore &core)
      : CpuTarget(entry), core(core) {}

protected:
  // Upstream's vector conversion hard-wires a 64-bit index.
  std::string vectorToLLVM(const TargetDescription &target) const override {
    return llvm::formatv("strata-cortexm-vector-to-llvm{{index-bitwidth={0}}",
                         target.indexBits);
  }

  llvm::Expected<TargetDescription>
  resolve(const TargetChoices &choices) const override {
    if (llvm::Error error = rejectGpuChoices(choices))
      return std::move(error);
    llvm::StringRef name = getName(), cpu = choices.cpu;
    if (!cpu.empty() && cpu != "native" && cpu != name)
      return llvm::createStringError("--cpu '" + cpu.str() +
                                     "' does not apply to --target=" +
                                     name.str() + " (the target names the core)");
    llvm::StringRef floatABI = choices.floatABI;
    if (!floatABI.empty() && floatABI != "hard" && floatABI != "soft")
      return llvm::createStringError("unknown --float-abi '" + floatABI.str() +
                                     "' (supported: hard, soft)");
    bool soft = floatABI == "soft";
    TargetDescription target;
    target.name = name.str();
    target.cpu = name.str();
    target.triple = (core.arch + (soft ? "-none-eabi" : "-none-eabihf")).str();
    target.bareMetal = true;
    target.indexBits = 32;
    target.softFloat = soft;
    // Without FPU registers there are no MVE float registers either.
    target.vectorBits = soft ? 0 : core.vectorBits;
    // Every core here has the DSP extension: int8 convolutions on smlad,
    // where there are no vectors to tile them for.
    if (target.vectorBits == 0)
      target.dotProduct = "smlad";
    if (soft)
      target.features = "-fpregs";
    return target;
  }

private:
  CortexMCore core;
};

} // namespace

void registerCortexMTargets(TargetRegistry &registry) {
  registerFamily(registry, "cortexm",
                 [](const TargetTableEntry &entry) -> std::unique_ptr<Target> {
                   for (const CortexMCore &core : kCores)
                     if (core.name == entry.name)
                       return std::make_unique<CortexMTarget>(entry, core);
                   return nullptr;
                 });
}

} // namespace strata
