/*===- main.c - The consumer application: run a model, print its outputs -*- C -*-===//
 *
 * Built twice by examples/cmake-consumer: for the host and as Cortex-M4
 * firmware. Everything about the model comes from the header
 * strata_add_model generated: the entry, the arena size, the tensor sizes.
 *
 *===----------------------------------------------------------------------===*/
#include "tiny.h"

#include <stdio.h>

static unsigned char arena[TINY_ARENA_BYTES + 1]
    __attribute__((aligned(TINY_ARENA_ALIGNMENT)));
static float input[TINY_INPUT_0_BYTES / sizeof(float)] = {1.5f, -0.5f, 2.0f, 1.0f};
static float output[TINY_OUTPUT_0_BYTES / sizeof(float)];

int main(void) {
  const void *inputs[] = {input};
  void *outputs[] = {output};
  unsigned i;
  strata_status_t status = tiny_run(inputs, outputs, arena, sizeof arena);
  if (status != STRATA_OK) {
    printf("tiny: %s\n", strata_strerror(status));
    return 1;
  }
  for (i = 0; i < sizeof output / sizeof output[0]; ++i)
    printf("y[%u] = %.6f\n", i, (double)output[i]);
  return 0;
}
