//===- Pipeline.h - Strata's lowering pipelines -----------------*- C++ -*-===//
//
// The pipelines stratac runs, as named functions, so strata-opt registers the
// very same ones (--strata-graph-to-linalg, --strata-linalg-to-llvm,
// --strata-linalg-to-gpu) and one
// flag reproduces any stage of a compile.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_PIPELINE_H
#define STRATA_COMPILER_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace strata {

struct PipelineOptions {
  /// The widest vector the target has, in bits; 0 leaves loops scalar.
  unsigned vectorBits = 256;
  /// Width of `index` in the LLVM dialect.
  unsigned indexBits = 64;
  /// No C library beyond memcpy/memset: float min/max become compare and
  /// select (llvm.maximum would be a call to fmaximumf without an FPU).
  bool bareMetal = false;
  /// The function holding the model.
  std::string entryName = "main";
  /// GPU targets: the chip and NVPTX features of the kernels.
  std::string gpuChip = "sm_90";
  std::string gpuFeatures = "+ptx78";
  /// Threads per block of every kernel.
  int64_t gpuBlockSize = 256;
  /// What gpu.binary embeds: "isa" (PTX, compiled by the driver when the
  /// module loads) or "bin" (a cubin; needs ptxas at compile time).
  std::string gpuBinaryFormat = "isa";
  /// The CUDA toolkit whose ptxas makes the cubin ("" for MLIR's default).
  std::string gpuToolkit;
  /// Stop short of kernels: the distributed loop nests run on the host CPU
  /// (weights still pooled), to check the GPU lowering's numbers anywhere.
  bool gpuLoopsOnHost = false;
};

/// graph ops -> linalg/tensor/arith/math on tensors.
mlir::LogicalResult buildGraphToLinalgPipeline(mlir::OpPassManager &pm,
                                               const PipelineOptions &options);

/// linalg on tensors -> LLVM dialect: bufferize, plan the arena, lower loops
/// and math, convert to LLVM with bare-pointer calling conventions.
mlir::LogicalResult buildLinalgToLLVMPipeline(mlir::OpPassManager &pm,
                                              const PipelineOptions &options);

/// linalg on tensors -> host LLVM dialect plus one gpu.binary of kernels:
/// bufferize, plan the arena, pool the constants, map loop nests to blocks
/// and threads, outline kernels and compile them through NVVM.
mlir::LogicalResult buildLinalgToGpuPipeline(mlir::OpPassManager &pm,
                                             const PipelineOptions &options);

/// Registers the pipelines for strata-opt.
void registerStrataPipelines();

} // namespace strata

#endif // STRATA_COMPILER_PIPELINE_H
