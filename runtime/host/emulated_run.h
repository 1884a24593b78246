/*===- emulated_run.h - Run strata-run for another target under QEMU -*- C -*-===//
 *
 * `strata-run OUT/ --target=NAME ...` checks an artifact for another target
 * on this machine, as the target table (strata/targets.h) says: an edge
 * board's (QEMU_USER) with the strata-run built for that target
 * (strata-run-NAME, installed next to this one) under QEMU's user-mode
 * emulator and the target's libc; a microcontroller's (QEMU_SYSTEM) by
 * linking the model's object into a firmware and booting it on the emulated
 * board its toolchain file names.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_EMULATED_RUN_H
#define STRATA_HOST_EMULATED_RUN_H

#include "strata/targets.h"

#include <stddef.h>

/* A row of the target table (strata/targets.h). */
typedef struct strata_target_info {
  const char *name;
  strata_target_runner_t runner;
  const char *gnu_triple;
  const char *summary;
} strata_target_info_t;

/* The row for --target=`name` (an alias gives its target's row), or NULL. */
const strata_target_info_t *strata_find_target(const char *name);

/* Writes one line per target ("  NAME  SUMMARY; how it runs here") into
 * `text` (at most `size` bytes, always terminated), for --help. */
void strata_describe_targets(char *text, size_t size);

/* Removes `--target NAME` / `--target=NAME` from argv (updating *argc) and
 * returns NAME, or NULL when absent. Exits with an error when NAME is
 * missing. */
const char *strata_take_target_option(int *argc, char **argv);

/* Replaces this process with the target's way of running an artifact here
 * (strata-run-TARGET under qemu-user, or a firmware on a qemu-system board),
 * passing the remaining arguments; returns only on failure, after printing
 * why. */
void strata_exec_emulated(const strata_target_info_t *target, int argc,
                          char **argv);

#endif /* STRATA_HOST_EMULATED_RUN_H */
