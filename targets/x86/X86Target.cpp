//===- X86Target.cpp - The x86-64 target ------------------------*- C++ -*-===//
//
// x86-64 Linux: --cpu=native (the build machine's CPU and features),
// x86-64-v3 (AVX2, FMA) or x86-64-v4 (AVX-512). Objects are position
// independent so the same object serves static and shared linking.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

namespace strata {

llvm::Expected<TargetDescription> resolveX86Target(llvm::StringRef cpu) {
  TargetDescription target;
  target.name = "x86_64";
  target.triple = "x86_64-unknown-linux-gnu";
  if (cpu.empty() || cpu == "native") {
    target.cpu = llvm::sys::getHostCPUName().str();
    llvm::SmallVector<std::string> features;
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      features.push_back((enabled ? "+" : "-") + feature.str());
    llvm::sort(features); // StringMap order is unspecified.
    target.features = llvm::join(features, ",");
    const auto hostFeatures = llvm::sys::getHostCPUFeatures();
    target.vectorBits = hostFeatures.lookup("avx512f")  ? 512
                        : hostFeatures.lookup("avx2") ? 256
                                                      : 128;
    return target;
  }
  if (cpu == "x86-64-v3") {
    target.cpu = "x86-64-v3";
    target.vectorBits = 256;
    return target;
  }
  if (cpu == "x86-64-v4") {
    target.cpu = "x86-64-v4";
    target.vectorBits = 512;
    return target;
  }
  if (cpu == "x86-64" || cpu == "x86-64-v2") {
    target.cpu = cpu.str();
    return target;
  }
  return llvm::createStringError("unknown --cpu '" + cpu.str() +
                                 "' for x86_64 (supported: native, x86-64, "
                                 "x86-64-v2, x86-64-v3, x86-64-v4)");
}

} // namespace strata
