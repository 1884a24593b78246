/*===- cuda.h - Running Strata's GPU artifacts ------------------*- C -*-===//
 *
 * A model compiled for an NVIDIA GPU exports a strata_cuda_model_t: the
 * usual descriptor (flags has STRATA_MODEL_FLAG_CUDA) whose entry launches
 * the model's kernels on device buffers, plus the weights, which a session
 * uploads once. A session is the model made ready on one GPU: the CUDA
 * driver loaded with dlopen (nothing links against CUDA), the kernels'
 * module loaded, the weights and the arena in device memory, and the
 * launches recorded as one CUDA graph per set of buffers, so a run costs
 * one submission whatever the number of kernels.
 *
 * Host-only (runtime/host/cuda): it allocates and needs dlopen.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_CUDA_H
#define STRATA_CUDA_H

#include "strata/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The descriptor of a GPU model, exported as `NAME_model`. `base.entry`
 * takes device pointers; its arena is the device workspace: the weights
 * (`constants_bytes`, padded to `base.arena_alignment`) followed by the
 * intermediate tensors, `base.arena_bytes` in all. */
typedef struct strata_cuda_model {
  strata_model_t base;
  const void *constants; /* host copy of the weights */
  uint64_t constants_bytes;
  uint32_t sm_version;   /* 80, 90: the least compute capability */
  uint32_t binary_kind;  /* STRATA_CUDA_BINARY_* */
} strata_cuda_model_t;

#define STRATA_CUDA_BINARY_PTX 0u   /* compiled by the driver when loaded */
#define STRATA_CUDA_BINARY_CUBIN 1u /* for exactly sm_version's major */

typedef struct strata_cuda_session strata_cuda_session_t;

/* Loads the driver, picks GPU `device` (an ordinal), checks it can run the
 * model, loads its kernels, uploads the weights and allocates the
 * workspace. On failure *session is NULL; strata_cuda_last_error() says why. */
strata_status_t strata_cuda_open(const strata_model_t *model, int device,
                                 strata_cuda_session_t **session);

/* Enqueues one run on `stream` (a CUstream; NULL for the session's own)
 * with device input and output buffers, and returns without waiting. The
 * first run with a set of buffers launches the kernels one by one; the
 * second records them as a CUDA graph, which later runs with the same
 * buffers replay in one launch. A session serves one thread at a time. */
strata_status_t strata_cuda_run_device(strata_cuda_session_t *session,
                                       const void *const *device_inputs,
                                       void *const *device_outputs,
                                       void *stream);

/* Copies host inputs to the session's device buffers, runs, copies the
 * outputs back and waits for them. */
strata_status_t strata_cuda_run(strata_cuda_session_t *session,
                                const void *const *inputs,
                                void *const *outputs);

/* Times `runs` runs on the session's device buffers with CUDA events, one
 * time per run in milliseconds into `times_ms`. */
strata_status_t strata_cuda_time_runs(strata_cuda_session_t *session,
                                      size_t runs, double *times_ms);

/* The GPU's name ("NVIDIA H200"), or "" before a device was chosen. */
const char *strata_cuda_device_name(const strata_cuda_session_t *session);

/* How many CUDA graphs the session holds and how often runs replayed one,
 * for tests and benchmarks. */
void strata_cuda_graph_stats(const strata_cuda_session_t *session,
                             unsigned *graphs, unsigned long *replays);

void strata_cuda_close(strata_cuda_session_t *session);

/* The last failure of this thread in words (the driver's error name and
 * message, the call that failed), "" when none. */
const char *strata_cuda_last_error(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_CUDA_H */
