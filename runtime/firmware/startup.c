/*===- startup.c - Reset and fault handling for the firmware runner -*- C -*-===//
 *
 * The smallest Cortex-M start that newlib's semihosting C library (rdimon)
 * can run on: a vector table whose reset handler turns on the FPU (when the
 * firmware uses one) and enters newlib's _start, which sets up .data/.bss,
 * fetches argc/argv from the host and calls main. A fault reports itself
 * through semihosting and stops the emulator with a failure, so a bad model
 * never hangs a test.
 *
 *===----------------------------------------------------------------------===*/
#include <stdint.h>

extern uint32_t __stack_top;
extern void _start(void);

/* SYS_EXIT with a reason other than ADP_Stopped_ApplicationExit: QEMU then
 * exits with status 1. */
static void semihosting_fail(void) {
  register uint32_t operation __asm__("r0") = 0x18;    /* SYS_EXIT */
  register uint32_t reason __asm__("r1") = 0x20024;    /* ADP_Stopped_InternalError */
  __asm__ volatile("bkpt 0xab" : : "r"(operation), "r"(reason) : "memory");
  for (;;) {
  }
}

static void semihosting_write0(const char *text) {
  register uint32_t operation __asm__("r0") = 0x04;    /* SYS_WRITE0 */
  register const char *argument __asm__("r1") = text;
  __asm__ volatile("bkpt 0xab" : : "r"(operation), "r"(argument) : "memory");
}

void strata_fault_handler(void) {
  semihosting_write0("strata-run: error: the firmware faulted (hard fault)\n");
  semihosting_fail();
}

void strata_reset_handler(void) {
#if defined(__ARM_FP)
  /* CPACR: full access to CP10 and CP11, the FPU. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  _start();
  semihosting_fail();
}

/* Initial stack pointer, reset, then the fault vectors. */
__attribute__((section(".vectors"), used)) const void *const strata_vectors[16] = {
    &__stack_top,           (const void *)strata_reset_handler,
    (const void *)strata_fault_handler, /* NMI */
    (const void *)strata_fault_handler, /* HardFault */
    (const void *)strata_fault_handler, /* MemManage */
    (const void *)strata_fault_handler, /* BusFault */
    (const void *)strata_fault_handler, /* UsageFault */
};
