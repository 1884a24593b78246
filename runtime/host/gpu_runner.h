/*===- gpu_runner.h - strata-run's way to run GPU models ---------*- C -*-===//
 *
 * The CUDA-session backend of the model runner, for strata-run.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_GPU_RUNNER_H
#define STRATA_HOST_GPU_RUNNER_H

#include "model_runner.h"

/* strata-run's exit status when no GPU can run the model (no driver, no
 * device, or one older than the model's chip). */
#define STRATA_RUN_EXIT_NO_GPU 3

extern const strata_runner_gpu_t strata_run_cuda_backend;

#endif /* STRATA_HOST_GPU_RUNNER_H */
