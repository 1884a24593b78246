//===- CudaLowering.h - Linalg to kernels and host code ---------*- C++ -*-===//
//
// The GPU targets' lowering: bufferize, plan the arena, pool the constants,
// map loop nests to blocks and threads, outline kernels and compile them
// through NVVM, with the host code converted to LLVM around them.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CUDA_CUDALOWERING_H
#define STRATA_TARGETS_CUDA_CUDALOWERING_H

#include "targets/Target.h"

namespace strata::cuda {

/// Threads per block of every kernel.
constexpr int64_t kBlockSize = 256;

/// Appends the lowering of `entryName` for the GPU `target`: host LLVM plus
/// one gpu.binary of kernels, or, for a --gpu-loops-on-host description,
/// the distributed loop nests compiled for the host.
mlir::LogicalResult buildCudaLowering(mlir::OpPassManager &pm,
                                      const TargetDescription &target,
                                      llvm::StringRef entryName);

} // namespace strata::cuda

#endif // STRATA_TARGETS_CUDA_CUDALOWERING_H
