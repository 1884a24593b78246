//===- CudaLowering.cpp - Linalg to kernels and host code --------*- C++ -*-===//
//
// Implements CudaLowering.h.
//
//===----------------------------------------------------------------------===//
#include "targets/cuda/CudaLowering.h"

#include "targets/LoweringSupport.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace strata::cuda {

LogicalResult buildCudaLowering(OpPassManager &pm,
                                const TargetDescription &target,
                                llvm::StringRef entryName) {
  // Up to here the GPU and its host emulation agree: weights pooled, every
  // loop nest distributed onto blocks and threads. Loop fusion runs while
  // buffers are still distinct allocations; once the arena is planned they
  // are views of one block, which alias analysis cannot tell apart.
  std::string loops = llvm::formatv(
      "canonicalize, cse, {2}canonicalize, cse, "
      "func.func(strata-lower-strided-copies{{all-copies=true}, "
      "convert-linalg-to-parallel-loops, scf-parallel-loop-fusion), "
      "strata-plan-memory{{entry={0}}, strata-pool-constants{{entry={0}}, "
      "func.func(strata-expand-math, "
      "strata-gpu-distribute-loops{{block-size={1}}",
      entryName, kBlockSize, kBufferizePipeline);
  // Host code (and, on the host, the loops themselves) to LLVM.
  std::string hostToLLVM = "convert-scf-to-cf, " + convertToLLVMDialect("");
  if (target.gpuLoopsOnHost)
    return appendPipeline(pm, loops + "), lower-affine, " + hostToLLVM);

  // Math is expanded before outlining and strata-gpu-to-nvvm sends the rest
  // to LLVM intrinsics, not libdevice's __nv_* functions: kernels link
  // nothing from the CUDA toolkit.
  std::string kernels = llvm::formatv(
      ", convert-parallel-loops-to-gpu), "
      "lower-affine, canonicalize, cse, "
      "gpu-launch-sink-index-computations, gpu-kernel-outlining, "
      "strata-gpu-merge-kernel-modules, canonicalize, "
      "nvvm-attach-target{{chip={0} features={1} O=3}, "
      "gpu.module(convert-scf-to-cf, strata-gpu-to-nvvm, canonicalize, cse, "
      "reconcile-unrealized-casts), "
      "gpu-to-llvm{{use-bare-pointers-for-kernels=1 "
      "use-bare-pointers-for-host=1}, ",
      target.gpuChip, target.gpuFeatures);
  std::string binary = llvm::formatv(
      ", gpu-module-to-binary{{format={0}{1}}", target.gpuBinaryFormat,
      target.gpuToolkit.empty() ? "" : " toolkit=" + target.gpuToolkit);
  return appendPipeline(pm, loops + kernels + hostToLLVM + binary);
}

} // namespace strata::cuda
