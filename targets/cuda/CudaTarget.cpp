//===- CudaTarget.cpp - NVIDIA GPUs through NVPTX ---------------*- C++ -*-===//
//
// sm_80 (Ampere) and sm_90 (Hopper). A GPU artifact is two programs: kernels
// in PTX for the chip (lowered through NVVM) and host code that launches them
// through the runtime's CUDA loader. The description's triple and CPU are the
// host's, baseline x86-64, because artifacts are compiled on one machine and
// run on another; `gpuChip` and `gpuFeatures` describe the device.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"

namespace strata {

llvm::Expected<TargetDescription> resolveCudaTarget(llvm::StringRef name,
                                                    llvm::StringRef cpu) {
  if (!cpu.empty() && cpu != "native")
    return llvm::createStringError("--cpu does not apply to " + name.str() +
                                   " (the chip is the target)");
  TargetDescription target;
  target.name = name.str();
  target.triple = "x86_64-unknown-linux-gnu";
  target.cpu = "x86-64";
  target.vectorBits = 0; // Host code only launches kernels.
  target.gpuChip = name.str();
  // The oldest PTX ISA each chip exists in, so older drivers JIT it too.
  if (name == "sm_80")
    target.gpuFeatures = "+ptx70";
  else if (name == "sm_90")
    target.gpuFeatures = "+ptx78";
  else
    return llvm::createStringError("unknown GPU target '" + name.str() +
                                   "' (supported: sm_80, sm_90)");
  return target;
}

} // namespace strata
