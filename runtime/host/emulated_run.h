/*===- emulated_run.h - Run strata-run for another target under QEMU -*- C -*-===//
 *
 * `strata-run OUT/ --target=aarch64 ...` checks an edge-board artifact on
 * this machine: the strata-run built for that target (strata-run-aarch64,
 * installed next to this one) runs under QEMU's user-mode emulator with the
 * target's libc. `--target=cortex-m4` (m7, m55) links the model's object
 * into a firmware and boots it on an emulated MPS2/MPS3 board.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_EMULATED_RUN_H
#define STRATA_HOST_EMULATED_RUN_H

/* The --target this strata-run runs natively ("x86_64", "aarch64"). */
const char *strata_host_target(void);

/* Removes `--target NAME` / `--target=NAME` from argv (updating *argc) and
 * returns NAME, or NULL when absent. Exits with an error when NAME is
 * missing. */
const char *strata_take_target_option(int *argc, char **argv);

/* Replaces this process with strata-run-TARGET under qemu-TARGET, passing
 * the remaining arguments; returns only on failure, after printing why. */
void strata_exec_emulated(const char *target, int argc, char **argv);

#endif /* STRATA_HOST_EMULATED_RUN_H */
