/*===- targets.h - The one table of Strata's targets -------------*- C -*-===//
 *
 * Every --target name Strata knows, with the folder of targets/ that
 * compiles it and how strata-run runs its artifacts. The compiler's target
 * registry, stratac's and strata-run's help, the C runner's dispatch, the
 * CMake package (strata_add_model's TARGET, the cross runtimes) and the
 * tests all read this list, so a target name is spelled here and in
 * targets/ only. C99 and C++; CMake parses the STRATA_TARGET lines.
 *
 * STRATA_TARGETS(X) expands X(NAME, FAMILY, RUNNER, GNU_TRIPLE, SUMMARY):
 *   NAME        the --target spelling
 *   FAMILY      the targets/ folder whose code compiles it
 *   RUNNER      how strata-run executes an artifact on this machine:
 *               NATIVE      in process, when it is the host's own target
 *               QEMU_USER   strata-run-NAME under qemu-ARCH, with the
 *                           Debian cross sysroot /usr/GNU_TRIPLE
 *               QEMU_SYSTEM a firmware for the board that
 *                           cmake/toolchains/NAME.cmake names
 *               GPU         a CUDA session on a GPU, when there is one
 *   GNU_TRIPLE  the Debian cross toolchain's triple ("" where none is used)
 *   SUMMARY     one line for help texts
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_TARGETS_H
#define STRATA_TARGETS_H

/* clang-format off */
#define STRATA_TARGETS(X)                                                          \
  X("x86_64",     x86,     NATIVE,      "x86_64-linux-gnu",  "x86-64 Linux, SSE2 to AVX-512 by --cpu") \
  X("aarch64",    aarch64, QEMU_USER,   "aarch64-linux-gnu", "AArch64 Linux with NEON, --cpu picks the core") \
  X("cortex-m4",  cortexm, QEMU_SYSTEM, "",                  "Cortex-M4 (FPv4-SP), bare metal")            \
  X("cortex-m7",  cortexm, QEMU_SYSTEM, "",                  "Cortex-M7 (FPv5-D16), bare metal")           \
  X("cortex-m55", cortexm, QEMU_SYSTEM, "",                  "Cortex-M55 with MVE (Helium), bare metal")   \
  X("sm_80",      cuda,    GPU,         "",                  "NVIDIA Ampere GPUs (PTX ISA 7.0)")           \
  X("sm_90",      cuda,    GPU,         "",                  "NVIDIA Hopper GPUs (PTX ISA 7.8)")
/* clang-format on */

/* Other spellings --target accepts: X(ALIAS, NAME). */
#define STRATA_TARGET_ALIASES(X) X("x86-64", "x86_64") X("arm64", "aarch64")

typedef enum strata_target_runner {
  STRATA_RUNNER_NATIVE,
  STRATA_RUNNER_QEMU_USER,
  STRATA_RUNNER_QEMU_SYSTEM,
  STRATA_RUNNER_GPU
} strata_target_runner_t;

/* The target whose artifacts this build runs natively. */
#if defined(__x86_64__)
#define STRATA_HOST_TARGET "x86_64"
#elif defined(__aarch64__)
#define STRATA_HOST_TARGET "aarch64"
#else
#define STRATA_HOST_TARGET ""
#endif

#endif /* STRATA_TARGETS_H */
