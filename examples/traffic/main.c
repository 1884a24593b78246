/* main.c - the traffic-flow demo: run the compiled forecaster once.
 *
 * Links traffic.o (from stratac) and the Strata runtime, nothing else: the
 * input window and PyTorch's forecast are compiled in from traffic_data.h,
 * and the arena is a static array sized by the generated header. Prints the
 * 12-step forecast and its largest difference from PyTorch; exits non-zero
 * if that difference exceeds 1e-4 of the forecast's scale. */
#include <math.h>
#include <stdio.h>

#include "traffic.h"
#include "traffic_data.h"

static unsigned char arena[TRAFFIC_ARENA_BYTES + 1]
    __attribute__((aligned(TRAFFIC_ARENA_ALIGNMENT)));
static float forecast[TRAFFIC_OUTPUT_0_ELEMENTS];

int main(void) {
  const void *inputs[] = {traffic_input};
  void *outputs[] = {forecast};
  strata_status_t status =
      traffic_run(inputs, outputs, arena, sizeof arena);
  if (status != STRATA_OK) {
    fprintf(stderr, "traffic: %s\n", strata_strerror(status));
    return 1;
  }

  float max_error = 0.0f, scale = 0.0f;
  for (int i = 0; i < TRAFFIC_OUTPUT_0_ELEMENTS; ++i) {
    max_error = fmaxf(max_error, fabsf(forecast[i] - traffic_expected[i]));
    scale = fmaxf(scale, fabsf(traffic_expected[i]));
  }
  printf("traffic forecast, 12 steps x 8 sensors (arena %d bytes):\n",
         TRAFFIC_ARENA_BYTES);
  for (int step = 0; step < 12; ++step) {
    printf("  t+%02d:", step + 1);
    for (int sensor = 0; sensor < 8; ++sensor)
      printf(" %8.5f", forecast[step * 8 + sensor]);
    printf("\n");
  }
  printf("max |strata - pytorch| = %.3g (scale %.3g)\n", max_error, scale);
  return max_error <= 1e-4f * scale ? 0 : 1;
}
