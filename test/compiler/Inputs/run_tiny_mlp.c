/* run_tiny_mlp.c - links tiny_mlp.o and the runtime like a user program:
 * checks the header's macros, calls the model through strata_run, and
 * shows that a missing output buffer is refused before any code runs. */
#include <stdio.h>

#include "tiny_mlp.h"

static unsigned char arena[TINY_MLP_ARENA_BYTES + 1]
    __attribute__((aligned(TINY_MLP_ARENA_ALIGNMENT)));

int main(void) {
  static const long long shape[] = TINY_MLP_INPUT_0_SHAPE;
  float x[TINY_MLP_INPUT_0_ELEMENTS] = {1.0f, -2.0f, 0.5f, 3.0f};
  float y[TINY_MLP_OUTPUT_0_ELEMENTS];
  const void *inputs[] = {x};
  void *outputs[] = {y};
  printf("input %s rank %d shape %lldx%lld dtype %s\n", TINY_MLP_INPUT_0_NAME,
         TINY_MLP_INPUT_0_RANK, shape[0], shape[1],
         strata_dtype_name(TINY_MLP_INPUT_0_DTYPE));
  strata_status_t status = tiny_mlp_run(inputs, outputs, arena, sizeof arena);
  printf("run: %s\n", strata_strerror(status));
  for (int i = 0; i < TINY_MLP_OUTPUT_0_ELEMENTS; ++i)
    printf("y[%d] = %.4f\n", i, y[i]);
  void *missing[] = {NULL};
  status = tiny_mlp_run(inputs, missing, arena, sizeof arena);
  printf("null output: %s\n", strata_strerror(status));
  return 0;
}
