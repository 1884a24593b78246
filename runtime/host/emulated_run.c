/*===- emulated_run.c - Run strata-run for another target under QEMU -*- C -*-===//
 *
 * Implements emulated_run.h with POSIX only: the sibling runner is found
 * through /proc/self/exe, QEMU through PATH, and the target's libc through
 * STRATA_QEMU_LD_PREFIX (default: Debian's /usr/TRIPLE cross sysroot).
 *
 *===----------------------------------------------------------------------===*/

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "emulated_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *strata_host_target(void) {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

const char *strata_take_target_option(int *argc, char **argv) {
  const char *target = NULL;
  int i, kept = 1;
  for (i = 1; i < *argc; ++i) {
    if (strncmp(argv[i], "--target=", 9) == 0) {
      target = argv[i] + 9;
    } else if (strcmp(argv[i], "--target") == 0) {
      if (i + 1 >= *argc) {
        fputs("strata-run: error: --target needs a value\n", stderr);
        exit(1);
      }
      target = argv[++i];
    } else {
      argv[kept++] = argv[i];
    }
  }
  argv[kept] = NULL;
  *argc = kept;
  return target;
}

/* Debian's cross sysroot for a --target name. */
static const char *default_sysroot(const char *target) {
  if (strcmp(target, "aarch64") == 0)
    return "/usr/aarch64-linux-gnu";
  return NULL;
}

void strata_exec_emulated(const char *target, int argc, char **argv) {
  char self[4096], runner[4200], emulator[64], library_flag[] = "-L";
  char library_path[4096];
  const char *sysroot = getenv("STRATA_QEMU_LD_PREFIX");
  char **args;
  ssize_t length;
  char *slash;
  int i;

  if (sysroot == NULL)
    sysroot = default_sysroot(target);
  if (sysroot == NULL) {
    fprintf(stderr,
            "strata-run: error: --target=%s cannot run here (supported: %s, "
            "aarch64 under qemu-aarch64)\n",
            target, strata_host_target());
    return;
  }
  length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length < 0) {
    fprintf(stderr, "strata-run: error: cannot find this program: %s\n",
            strerror(errno));
    return;
  }
  self[length] = '\0';
  slash = strrchr(self, '/');
  if (slash != NULL)
    slash[1] = '\0';
  snprintf(runner, sizeof runner, "%sstrata-run-%s", slash ? self : "", target);
  if (access(runner, X_OK) != 0) {
    fprintf(stderr,
            "strata-run: error: %s is missing: the %s runtime was not built "
            "(its cross compiler was not found at configure time)\n",
            runner, target);
    return;
  }
  snprintf(emulator, sizeof emulator, "qemu-%s", target);
  args = malloc(sizeof *args * (size_t)(argc + 4));
  if (args == NULL) {
    fputs("strata-run: error: out of memory\n", stderr);
    return;
  }
  args[0] = emulator;
  snprintf(library_path, sizeof library_path, "%s", sysroot);
  args[1] = library_flag;
  args[2] = library_path;
  args[3] = runner;
  for (i = 1; i < argc; ++i)
    args[3 + i] = argv[i];
  args[3 + argc] = NULL;
  execvp(emulator, args);
  fprintf(stderr, "strata-run: error: cannot start %s: %s\n", emulator,
          strerror(errno));
  free(args);
}
