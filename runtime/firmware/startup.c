/*===- startup.c - Reset and fault handling for the firmware runner -*- C -*-===//
 *
 * The smallest Cortex-M start that newlib's semihosting C library (rdimon)
 * can run on: a vector table whose reset handler turns on the FPU (and MVE)
 * when the firmware uses one, clears .bss, opens the semihosted standard
 * streams, fetches argc/argv from the host and calls main, keeping the
 * stack at __stack_top and the heap between `end` and the stack, as the
 * board's linker script lays them out. A fault reports itself through
 * semihosting and stops the emulator with a failure, so a bad model never
 * hangs a test.
 *
 * It does this rather than enter newlib's _start, which asks QEMU for the
 * heap and stack (SYS_HEAPINFO): QEMU answers with the largest RAM region,
 * which on mps3-an547 is the 512 KB ITCM (the stack moved there and the
 * heap capped below `end`) and on MPS2 a PSRAM the scripts do not use; and
 * _start drops a command line longer than 255 characters (long tensor
 * paths), where this start reads up to 4 KB.
 *
 *===----------------------------------------------------------------------===*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern uint32_t __stack_top;

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

extern char __bss_start__[], __bss_end__[];
extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);
extern void __libc_fini_array(void);
extern int main(int argc, char **argv);

static char command_line[4096];
static char *arguments[256];

/* argc/argv from SYS_GET_CMDLINE, split at spaces with '...' and "..."
 * grouping, as rdimon's _start does. */
static int get_arguments(void) {
  struct {
    char *buffer;
    uint32_t length;
  } block = {command_line, sizeof command_line - 1};
  register uint32_t operation __asm__("r0") = 0x15;    /* SYS_GET_CMDLINE */
  register void *argument __asm__("r1") = &block;
  char *p = command_line;
  int argc = 0;
  __asm__ volatile("bkpt 0xab" : "+r"(operation) : "r"(argument) : "memory");
  if (operation != 0) {
    semihosting_write0("strata-run: error: the firmware's command line is too long\n");
    semihosting_fail();
  }
  command_line[block.length] = '\0';
  while (argc < 255) {
    char delimiter = ' ';
    while (*p == ' ')
      ++p;
    if (*p == '\0')
      break;
    if (*p == '"' || *p == '\'')
      delimiter = *p++;
    arguments[argc++] = p;
    while (*p != '\0' && *p != delimiter)
      ++p;
    if (*p == '\0')
      break;
    *p++ = '\0';
  }
  arguments[argc] = NULL;
  return argc;
}

void strata_reset_handler(void) {
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  /* CPACR: full access to CP10 and CP11, the FPU (and MVE on Armv8.1-M;
   * the core starts in Secure state, so NSACR does not matter). */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  {
    int argc;
    /* QEMU loaded .data; the stack is the vector table's __stack_top. */
    memset(__bss_start__, 0, (size_t)(__bss_end__ - __bss_start__));
    initialise_monitor_handles();
    argc = get_arguments();
    atexit(__libc_fini_array);
    __libc_init_array();
    exit(main(argc, arguments));
  }
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
