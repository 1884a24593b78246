/*===- fake_model.c - A hand-written stand-in for a model ---------*- C -*-===//
 *
 * The smallest artifact with the shape stratac emits: a descriptor named
 * `fake_model` in read-only data and one entry function. It computes
 * y = 2 * x + 1 over a float32 [2, 3] tensor, going through the arena so the
 * tests notice an arena that is missing or too small. Built as libfake.so,
 * it lets strata-run be tested without the compiler. With
 * STRATA_FAKE_MODEL_SPIN_MS set, each run also busy-waits that long, so a
 * test knows a lower bound on what --benchmark must report.
 *
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include "strata/runtime.h"

#include <stdlib.h>
#include <time.h>

#if defined(__GNUC__)
#define FAKE_EXPORT __attribute__((visibility("default")))
#else
#define FAKE_EXPORT
#endif

static const int64_t fake_shape[2] = {2, 3};

static const strata_tensor_desc_t fake_inputs[1] = {
    {"x", STRATA_DTYPE_FLOAT32, 2, fake_shape}};
static const strata_tensor_desc_t fake_outputs[1] = {
    {"y", STRATA_DTYPE_FLOAT32, 2, fake_shape}};

static double monotonic_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

static void spin_if_asked(void) {
  const char *text = getenv("STRATA_FAKE_MODEL_SPIN_MS");
  double until;
  if (text == NULL)
    return;
  until = monotonic_ms() + atof(text);
  while (monotonic_ms() < until)
    ;
}

static void fake_entry(const void *const *inputs, void *const *outputs,
                       void *arena, const strata_executor_t *executor) {
  const float *x = (const float *)inputs[0];
  float *y = (float *)outputs[0];
  float *scratch = (float *)arena; /* 6 of the 16 floats the arena holds */
  int i;
  (void)executor;
  for (i = 0; i < 6; ++i)
    scratch[i] = 2.0f * x[i];
  for (i = 0; i < 6; ++i)
    y[i] = scratch[i] + 1.0f;
  spin_if_asked();
}

FAKE_EXPORT extern const strata_model_t fake_model;
const strata_model_t fake_model = {
    STRATA_ABI_VERSION, 1,  1,  0,         "fake", fake_inputs,
    fake_outputs,       64, 16, fake_entry};
