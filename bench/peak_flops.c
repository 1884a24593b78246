/*===- peak_flops.c - This core's float32 multiply-add rate ------*- C -*-===//
 *
 * The bench reports how much of the machine's peak each model reaches. The
 * peak is measured, not looked up: twelve independent chains of 16-lane
 * float32 fused multiply-adds (enough to cover FMA latency on every x86 and
 * AArch64 core) run on one thread for about 0.3 s. Built by bench/run.sh
 * with -O2 -march=native -ffp-contract=fast, so the vectors are the widest
 * the machine has. Prints "peak_gflops_per_core: X".
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <time.h>

typedef float v16 __attribute__((vector_size(64)));

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* `iterations` rounds of 12 independent a*x+b chains; returns a sum so the
 * work cannot be dropped. */
__attribute__((noinline)) static float chains(long iterations, float seed) {
  v16 a = {0}, b = {0};
  v16 acc[12];
  int k;
  long i;
  float total = 0;
  for (k = 0; k < 16; ++k) {
    a[k] = 0.999999f;
    b[k] = seed * 1e-7f;
  }
  for (k = 0; k < 12; ++k)
    acc[k] = b + (float)k;
  for (i = 0; i < iterations; ++i)
    for (k = 0; k < 12; ++k)
      acc[k] = acc[k] * a + b;
  for (k = 0; k < 12; ++k)
    for (i = 0; i < 16; ++i)
      total += acc[k][i];
  return total;
}

int main(void) {
  long iterations = 1000000;
  double best = 0;
  float sink = 0;
  int round;
  chains(iterations, 1.0f); /* warm up the clock */
  for (round = 0; round < 3; ++round) {
    double start = now_s(), seconds;
    sink += chains(iterations * 10, (float)round);
    seconds = now_s() - start;
    if (10.0 * iterations * 12 * 16 * 2 / seconds > best)
      best = 10.0 * iterations * 12 * 16 * 2 / seconds;
  }
  printf("peak_gflops_per_core: %.1f\n", best / 1e9);
  return sink == 12345.0f; /* never: keeps the sums alive */
}
