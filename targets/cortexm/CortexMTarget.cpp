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

namespace strata {

llvm::Expected<TargetDescription>
resolveCortexMTarget(llvm::StringRef name, llvm::StringRef cpu,
                     llvm::StringRef floatABI) {
  if (!cpu.empty() && cpu != "native" && cpu != name)
    return llvm::createStringError("--cpu '" + cpu.str() + "' does not apply to --target=" +
                                   name.str() + " (the target names the core)");
  if (!floatABI.empty() && floatABI != "hard" && floatABI != "soft")
    return llvm::createStringError("unknown --float-abi '" + floatABI.str() +
                                   "' (supported: hard, soft)");
  bool soft = floatABI == "soft";
  TargetDescription target;
  target.name = name.str();
  target.cpu = name.str();
  target.bareMetal = true;
  target.indexBits = 32;
  target.vectorBits = 0;
  target.softFloat = soft;
  std::string suffix = soft ? "-none-eabi" : "-none-eabihf";
  if (name == "cortex-m4" || name == "cortex-m7")
    target.triple = "thumbv7em" + suffix;
  else if (name == "cortex-m55") {
    target.triple = "thumbv8.1m.main" + suffix;
    // MVE (Helium): 128-bit vectors of f32 when the FPU is used.
    if (!soft)
      target.vectorBits = 128;
  }
  else
    return llvm::createStringError("unknown Cortex-M target '" + name.str() + "'");
  if (soft)
    target.features = "-fpregs";
  return target;
}

} // namespace strata
