/*===- cuda_launch.h - Between a session and the model's launches -*- C -*-===//
 *
 * A GPU model's host code launches its kernels through the mgpu* functions
 * (the ABI MLIR's gpu-to-llvm lowering calls; cuda_launch.c implements it).
 * They reach the session through this thread's current launch context, set
 * around each call of the model's entry.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_CUDA_LAUNCH_H
#define STRATA_HOST_CUDA_LAUNCH_H

#include "cuda_driver.h"

#include <stdint.h>

typedef struct strata_cuda_launch_context {
  CUcontext context;
  CUstream stream;
  strata_status_t status; /* the first failure; later launches are skipped */
  unsigned launches;
} strata_cuda_launch_context_t;

/* The launch ABI (MLIR's names and signatures), called by model code. */
void *mgpuModuleLoad(void *data, size_t size);
void *mgpuModuleLoadJIT(void *data, int opt_level);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void *mgpuStreamCreate(void);
void mgpuStreamSynchronize(void *stream);
void mgpuStreamDestroy(void *stream);
void mgpuLaunchKernel(void *function, intptr_t grid_x, intptr_t grid_y,
                      intptr_t grid_z, intptr_t block_x, intptr_t block_y,
                      intptr_t block_z, int32_t shared_bytes, void *stream,
                      void **params, void **extra, size_t param_count);

/* Makes `launch` this thread's context for the mgpu* calls (NULL to clear). */
void strata_cuda_set_launch_context(strata_cuda_launch_context_t *launch);

#endif /* STRATA_HOST_CUDA_LAUNCH_H */
