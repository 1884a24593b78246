/*===- main.c - Keyword spotting on a Cortex-M -------------------*- C -*-===//
 *
 * The whole application a terminal needs: the compiled model (kws.o), the
 * runtime, one static arena sized by the header's macro, and a loop over the
 * scores. It runs one MFCC window through the model, prints every class's
 * score (through semihosting under QEMU) and the largest difference from
 * PyTorch's scores, and exits non-zero when that difference is too large.
 *
 * It also times the inference with SysTick, the core's 24-bit down-counter
 * on the processor clock (KWS_CPU_HZ: 25 MHz on the MPS2 boards, 32 MHz on
 * MPS3 AN547). Under QEMU with `-icount shift=0` every instruction advances
 * emulated time by 1 ns, so one tick is 40 (or 31.25) instructions: the count
 * printed is exact to that resolution.
 *
 *===----------------------------------------------------------------------===*/
#include "kws.h"
#include "kws_input.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

/* SysTick registers (System Control Space, the same on Armv7-M and v8-M). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#ifndef KWS_CPU_HZ
#define KWS_CPU_HZ 25000000u /* MPS2 AN386 processor clock */
#endif
/* The largest difference from PyTorch's scores allowed, as a fraction of
 * their scale: float builds match to rounding; an int8 build (stratac
 * --quantize=int8) is given more. The keyword must be PyTorch's either way. */
#ifndef KWS_TOLERANCE
#define KWS_TOLERANCE 1e-4f
#endif

/* Every activation lives here; nothing is allocated. */
static unsigned char arena[KWS_ARENA_BYTES] __attribute__((aligned(KWS_ARENA_ALIGNMENT)));
static float scores[KWS_OUTPUT_0_BYTES / sizeof(float)];

int main(void) {
  const void *inputs[] = {kws_mfcc};
  void *outputs[] = {scores};
  strata_status_t status;
  uint32_t start, ticks;
  float worst = 0, scale = 0;
  unsigned best = 0, expected_best = 0, i;

  SYST_RVR = 0xFFFFFFu; /* Count down from the top, no interrupt. */
  SYST_CVR = 0;
  SYST_CSR = 0x5u; /* Enable, processor clock. */
  start = SYST_CVR;
  status = kws_run(inputs, outputs, arena, sizeof arena);
  ticks = (start - SYST_CVR) & 0xFFFFFFu;
  if (status != STRATA_OK) {
    printf("kws: %s\n", strata_strerror(status));
    return 1;
  }
  for (i = 0; i < sizeof scores / sizeof scores[0]; ++i) {
    float error = fabsf(scores[i] - kws_expected[i]);
    worst = error > worst ? error : worst;
    scale = fabsf(kws_expected[i]) > scale ? fabsf(kws_expected[i]) : scale;
    if (scores[i] > scores[best])
      best = i;
    if (kws_expected[i] > kws_expected[expected_best])
      expected_best = i;
    printf("%-8s %9.5f\n", kws_labels[i], (double)scores[i]);
  }
  printf("keyword: %s\n", kws_labels[best]);
  printf("inference: %lu SysTick ticks at %lu Hz (= %lu instructions under "
         "QEMU -icount shift=0, +-%lu)\n",
         (unsigned long)ticks, (unsigned long)KWS_CPU_HZ,
         (unsigned long)((uint64_t)ticks * 1000000000u / KWS_CPU_HZ),
         (unsigned long)((1000000000u + KWS_CPU_HZ - 1) / KWS_CPU_HZ));
  printf("max |strata - pytorch| = %.3g (scale %.3g)\n", (double)worst,
         (double)scale);
  if (worst > KWS_TOLERANCE * scale || best != expected_best) {
    printf("kws: FAIL (tolerance %.3g of the scale; PyTorch's keyword: %s)\n",
           (double)KWS_TOLERANCE, kws_labels[expected_best]);
    return 1;
  }
  return 0;
}
