/*===- gpu_runner.c - strata-run's way to run GPU models ---------*- C -*-===//
 *
 * The strata_runner_gpu_t strata-run hands the model runner: one CUDA
 * session on GPU 0 (or $STRATA_CUDA_DEVICE). A machine without a usable GPU
 * ends the program with status 3, which the test drivers read as "skipped:
 * no GPU"; every other failure is status 1.
 *
 *===----------------------------------------------------------------------===*/
#include "gpu_runner.h"

#include "strata/cuda.h"

#include <stdio.h>
#include <stdlib.h>

static void fail_gpu(strata_status_t status, const char *what) {
  fprintf(stderr, "strata-run: error: %s: %s: %s\n", what,
          strata_strerror(status), strata_cuda_last_error());
  exit(status == STRATA_ERROR_NO_GPU ? STRATA_RUN_EXIT_NO_GPU : 1);
}

static void *open_session(const strata_model_t *model) {
  strata_cuda_session_t *session = NULL;
  const char *device = getenv("STRATA_CUDA_DEVICE");
  strata_status_t status =
      strata_cuda_open(model, device ? atoi(device) : 0, &session);
  if (status != STRATA_OK)
    fail_gpu(status, "cannot run the model on a GPU");
  return session;
}

static void run(void *session, const void **inputs, void **outputs) {
  strata_status_t status = strata_cuda_run(session, inputs, outputs);
  if (status != STRATA_OK)
    fail_gpu(status, "the GPU run failed");
}

static void time_runs(void *session, size_t runs, double *times_ms) {
  strata_status_t status = strata_cuda_time_runs(session, runs, times_ms);
  unsigned graphs = 0;
  unsigned long replays = 0;
  if (status != STRATA_OK)
    fail_gpu(status, "the GPU benchmark failed");
  strata_cuda_graph_stats(session, &graphs, &replays);
  printf("gpu: %s, CUDA graphs=%u replays=%lu\n",
         strata_cuda_device_name(session), graphs, replays);
}

static void close_session(void *session) { strata_cuda_close(session); }

const strata_runner_gpu_t strata_run_cuda_backend = {open_session, run,
                                                     time_runs, close_session};
