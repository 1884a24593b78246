/* run_with_threads.c - runs wide_matmul.o as a user program on a hosted
 * system would: once through wide_matmul_run (the calling thread), then
 * through wide_matmul_run_with on pools of 2 and 3 threads, and checks that
 * every output bit is the same. Prints one line per run. */
#include <stdio.h>
#include <string.h>

#include "strata/threads.h"
#include "wide_matmul.h"

static unsigned char arena[WIDE_MATMUL_ARENA_BYTES + 1]
    __attribute__((aligned(WIDE_MATMUL_ARENA_ALIGNMENT)));
static float x[WIDE_MATMUL_INPUT_0_ELEMENTS];
static float serial[WIDE_MATMUL_OUTPUT_0_ELEMENTS];
static float threaded[WIDE_MATMUL_OUTPUT_0_ELEMENTS];

int main(void) {
  const void *inputs[] = {x};
  void *outputs[] = {serial};
  int i, threads, failures = 0;
  for (i = 0; i < WIDE_MATMUL_INPUT_0_ELEMENTS; ++i)
    x[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f;
  printf("parallel loops: %d\n", WIDE_MATMUL_PARALLEL_LOOPS);
  printf("serial: %s\n", strata_strerror(wide_matmul_run(inputs, outputs, arena,
                                                          sizeof arena)));
  outputs[0] = threaded;
  for (threads = 2; threads <= 3; ++threads) {
    strata_thread_pool_t *pool = strata_thread_pool_create(threads);
    strata_executor_t executor = strata_thread_pool_executor(pool);
    strata_status_t status;
    memset(threaded, 0, sizeof threaded);
    status = wide_matmul_run_with(inputs, outputs, arena, sizeof arena, &executor);
    strata_thread_pool_destroy(pool);
    int same = memcmp(serial, threaded, sizeof serial) == 0;
    failures += !same;
    printf("%d threads: %s, %s\n", threads, strata_strerror(status),
           same ? "bit-identical" : "DIFFERENT");
  }
  return failures;
}
