//===- X86Target.cpp - The x86-64 target ------------------------*- C++ -*-===//
//
// x86-64 Linux: --cpu=native (the build machine's CPU and features, VNNI's
// vpdpbusd for int8 convolutions where it has them), x86-64-v3 (AVX2, FMA)
// or x86-64-v4 (AVX-512). Objects are position
// independent so the same object serves static and shared linking. Lowers
// with the shared CPU strategy at the CPU's vector width.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"
#include "targets/cpu/CpuLowering.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

namespace strata {
namespace {

class X86Target : public cpu::CpuTarget {
public:
  using CpuTarget::CpuTarget;

protected:
  llvm::Expected<TargetDescription>
  resolve(const TargetChoices &choices) const override {
    if (llvm::Error error = rejectFloatABI(choices))
      return std::move(error);
    if (llvm::Error error = rejectGpuChoices(choices))
      return std::move(error);
    TargetDescription target;
    target.name = getName().str();
    target.triple = "x86_64-unknown-linux-gnu";
    llvm::StringRef cpu = choices.cpu;
    if (cpu.empty() || cpu == "native") {
      target.cpu = llvm::sys::getHostCPUName().str();
      const llvm::StringMap<bool> hostFeatures = llvm::sys::getHostCPUFeatures();
      llvm::SmallVector<std::string> features;
      for (const auto &[feature, enabled] : hostFeatures)
        features.push_back((enabled ? "+" : "-") + feature.str());
      llvm::sort(features); // StringMap order is unspecified.
      target.features = llvm::join(features, ",");
      target.vectorBits = hostFeatures.lookup("avx512f") ? 512
                          : hostFeatures.lookup("avx2")  ? 256
                                                         : 128;
      // int8 convolutions on vpdpbusd: AVX-512 VNNI at 512 bits, AVX-VNNI
      // (or AVX-512 VNNI with VL) at 256. The ISA levels promise no VNNI.
      bool vnni512 = hostFeatures.lookup("avx512vnni");
      if ((target.vectorBits == 512 && vnni512) ||
          (target.vectorBits == 256 &&
           (hostFeatures.lookup("avxvnni") || (vnni512 && hostFeatures.lookup("avx512vl")))))
        target.dotProduct = "vpdpbusd";
      return target;
    }
    // ISA levels and the widest vectors they guarantee.
    static const std::pair<llvm::StringRef, unsigned> levels[] = {
        {"x86-64", 128}, {"x86-64-v2", 128}, {"x86-64-v3", 256},
        {"x86-64-v4", 512}};
    for (const auto &[level, bits] : levels)
      if (cpu == level) {
        target.cpu = level.str();
        target.vectorBits = bits;
        return target;
      }
    return llvm::createStringError("unknown --cpu '" + cpu.str() +
                                   "' for x86_64 (supported: native, x86-64, "
                                   "x86-64-v2, x86-64-v3, x86-64-v4)");
  }
};

} // namespace

void registerX86Targets(TargetRegistry &registry) {
  registerFamily(registry, "x86", [](const TargetTableEntry &entry) {
    return std::make_unique<X86Target>(entry);
  });
}

} // namespace strata
