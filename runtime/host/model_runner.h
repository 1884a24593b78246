/*===- model_runner.h - Feed a model tensors from files, save its outputs -*- C -*-===//
 *
 * What strata-run does once it has a model descriptor, shared by the host
 * program (which finds the descriptor in a shared library) and the firmware
 * runner (linked with the model for a microcontroller under QEMU, where the
 * files are the host's, reached through semihosting).
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_MODEL_RUNNER_H
#define STRATA_HOST_MODEL_RUNNER_H

#include "strata/runtime.h"

#include <stdbool.h>

/* How a GPU model runs (strata-run provides one; firmware has none). Each
 * function fails the program on error. */
typedef struct strata_runner_gpu {
  void *(*open)(const strata_model_t *model);
  void (*run)(void *state, const void **inputs, void **outputs);
  void (*time_runs)(void *state, size_t runs, double *times_ms);
  void (*close)(void *state);
} strata_runner_gpu_t;

typedef struct strata_runner_options {
  const char *out_dir; /* host only */
  const char *name;    /* host only */
  const char **inputs;
  int input_count;
  const char **outputs;
  int output_count;
  long benchmark_runs; /* 0: no benchmark */
  long threads;        /* --threads, 1 unless given */
  const strata_runner_gpu_t *gpu; /* NULL: GPU models are refused */
  /* Runs CPU models' parallel loops; NULL: the calling thread, and
   * --threads above 1 is refused. */
  const strata_executor_t *executor;
} strata_runner_options_t;

#if defined(__GNUC__)
#define STRATA_RUNNER_NORETURN_PRINTF \
  __attribute__((noreturn, format(printf, 1, 2)))
#else
#define STRATA_RUNNER_NORETURN_PRINTF
#endif

/* Prints "strata-run: error: ..." and exits with status 1. */
void strata_runner_fail(const char *format, ...) STRATA_RUNNER_NORETURN_PRINTF;

/* malloc that fails the program instead of returning NULL. */
void *strata_runner_malloc(size_t bytes);

/* Parses --input, --output, --benchmark (and, when `with_out_dir`, --name
 * and the OUT_DIR operand); --help prints `usage`. */
void strata_runner_parse(int argc, char **argv, bool with_out_dir,
                         const char *usage, strata_runner_options_t *options);

/* Fails unless `model` speaks this runtime's ABI with sane descriptions;
 * `where` names it in messages. */
void strata_runner_check_model(const strata_model_t *model, const char *where);

/* Reads the inputs, runs the model (then the benchmark, if asked) and writes
 * the outputs as .npy. Returns 0; fails the program on any error. */
int strata_runner_run(const strata_model_t *model,
                      const strata_runner_options_t *options);

void strata_runner_free_options(strata_runner_options_t *options);

#endif /* STRATA_HOST_MODEL_RUNNER_H */
