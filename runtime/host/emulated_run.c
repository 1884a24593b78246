/*===- emulated_run.c - Run strata-run for another target under QEMU -*- C -*-===//
 *
 * Implements emulated_run.h with POSIX only. Linux targets: the sibling
 * strata-run-TARGET is found through /proc/self/exe, QEMU through PATH, and
 * the target's libc through STRATA_QEMU_LD_PREFIX (default: Debian's
 * /usr/TRIPLE cross sysroot). Cortex-M targets: the model's object is linked
 * with the firmware kit in ../lib/strata/TARGET (runner, start code, board
 * linker script, newlib with semihosting) by arm-none-eabi-gcc, and the
 * firmware boots under qemu-system-arm with the arguments passed through
 * semihosting.
 *
 *===----------------------------------------------------------------------===*/

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "emulated_run.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define STRATA_TARGET_ROW(name, family, runner, gnu_triple, summary)           \
  {name, STRATA_RUNNER_##runner, gnu_triple, summary},
static const strata_target_info_t targets[] = {STRATA_TARGETS(STRATA_TARGET_ROW)};
#undef STRATA_TARGET_ROW

const strata_target_info_t *strata_find_target(const char *name) {
  size_t i;
#define STRATA_TARGET_ALIAS(alias, canonical)                                  \
  if (strcmp(name, alias) == 0)                                                \
    name = canonical;
  STRATA_TARGET_ALIASES(STRATA_TARGET_ALIAS)
#undef STRATA_TARGET_ALIAS
  for (i = 0; i < sizeof targets / sizeof targets[0]; ++i)
    if (strcmp(targets[i].name, name) == 0)
      return &targets[i];
  return NULL;
}

void strata_describe_targets(char *text, size_t size) {
  size_t i, used = 0;
  text[0] = '\0';
  for (i = 0; i < sizeof targets / sizeof targets[0] && used < size; ++i) {
    const strata_target_info_t *target = &targets[i];
    const char *how = "";
    int written;
    if (strcmp(target->name, STRATA_HOST_TARGET) == 0)
      how = "runs here";
    else if (target->runner == STRATA_RUNNER_QEMU_USER)
      how = "under qemu-user with strata-run-NAME";
    else if (target->runner == STRATA_RUNNER_QEMU_SYSTEM)
      how = "as firmware on its qemu-system-arm board";
    else if (target->runner == STRATA_RUNNER_GPU)
      how = "on GPU $STRATA_CUDA_DEVICE (default 0); exit 3 without one";
    else
      how = "not here";
    written = snprintf(text + used, size - used, "    %-11s %s; %s\n",
                       target->name, target->summary, how);
    if (written < 0)
      return;
    used += (size_t)written;
  }
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

/* This program's directory, with a trailing '/'; false after printing why. */
static int self_directory(char *buffer, size_t size) {
  ssize_t length = readlink("/proc/self/exe", buffer, size - 1);
  char *slash;
  if (length < 0) {
    fprintf(stderr, "strata-run: error: cannot find this program: %s\n",
            strerror(errno));
    return 0;
  }
  buffer[length] = '\0';
  slash = strrchr(buffer, '/');
  if (slash != NULL)
    slash[1] = '\0';
  return 1;
}

/*===----------------------------------------------------------------------===*
 * Cortex-M: link a firmware, boot it under qemu-system-arm
 *===----------------------------------------------------------------------===*/

/* The first line of KIT/FILE (flags written at configure time). */
static int read_kit_line(const char *kit, const char *file, char *line,
                         size_t size) {
  char path[4400];
  FILE *stream;
  snprintf(path, sizeof path, "%s/%s", kit, file);
  stream = fopen(path, "r");
  if (stream == NULL || fgets(line, (int)size, stream) == NULL) {
    fprintf(stderr, "strata-run: error: cannot read %s: the firmware kit is "
                    "incomplete\n", path);
    if (stream != NULL)
      fclose(stream);
    return 0;
  }
  fclose(stream);
  line[strcspn(line, "\n")] = '\0';
  return 1;
}

/* Appends the space-separated words of `text` (modified in place). */
static int split_words(char *text, char **words, int count, int capacity) {
  char *word = strtok(text, " ");
  while (word != NULL && count < capacity) {
    words[count++] = word;
    word = strtok(NULL, " ");
  }
  return count;
}

/* NAME of the one NAME.o in `dir` (or `name` when given); 0 on failure. */
static int find_object(const char *dir, const char *name, char *stem,
                       size_t size) {
  DIR *listing;
  struct dirent *entry;
  int found = 0;
  if (name != NULL) {
    snprintf(stem, size, "%s", name);
    return 1;
  }
  listing = opendir(dir);
  if (listing == NULL) {
    fprintf(stderr, "strata-run: error: cannot open OUT_DIR '%s': %s\n", dir,
            strerror(errno));
    return 0;
  }
  while ((entry = readdir(listing)) != NULL) {
    size_t length = strlen(entry->d_name);
    if (length <= 2 || strcmp(entry->d_name + length - 2, ".o") != 0)
      continue;
    if (found++) {
      fprintf(stderr, "strata-run: error: several objects in '%s'; choose one "
                      "with --name NAME\n", dir);
      closedir(listing);
      return 0;
    }
    snprintf(stem, size, "%.*s", (int)(length - 2), entry->d_name);
  }
  closedir(listing);
  if (!found)
    fprintf(stderr, "strata-run: error: no NAME.o in '%s'; pass the directory "
                    "stratac wrote the model to\n", dir);
  return found;
}

static int run_and_wait(char **args) {
  int status;
  pid_t child = fork();
  if (child < 0)
    return -1;
  if (child == 0) {
    execvp(args[0], args);
    fprintf(stderr, "strata-run: error: cannot start %s: %s\n", args[0],
            strerror(errno));
    _exit(127);
  }
  if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

/* QEMU's -semihosting-config takes `arg=` values with ',' doubled. */
static char *semihosting_arg(const char *value) {
  size_t length = strlen(value), i, j = 4;
  char *text = malloc(2 * length + 5);
  if (text == NULL)
    return NULL;
  memcpy(text, "arg=", 4);
  for (i = 0; i < length; ++i) {
    text[j++] = value[i];
    if (value[i] == ',')
      text[j++] = ',';
  }
  text[j] = '\0';
  return text;
}

static void exec_firmware(const char *target, int argc, char **argv) {
  char self[4096], kit[4300], flags[1024], machine[256], board[64];
  char stem[256], object[4400], elf[4400], script[320], define[320], libs[4400];
  char *link[64], *run[32 + 2 * 256];
  const char *out_dir = NULL, *name = NULL;
  char *firmware_args[256];
  int firmware_argc = 0, n = 0, i, status;
  char semihosting[8192];

  if (!self_directory(self, sizeof self))
    return;
  snprintf(kit, sizeof kit, "%s../lib/strata/%s", self, target);
  if (!read_kit_line(kit, "firmware.flags", flags, sizeof flags) ||
      !read_kit_line(kit, "qemu.flags", machine, sizeof machine) ||
      !read_kit_line(kit, "board", board, sizeof board))
    return;
  if (strcmp(board, "none") == 0) {
    fprintf(stderr, "strata-run: error: no emulated board runs %s firmware "
                    "yet (its toolchain file names none)\n",
            target);
    return;
  }
  /* OUT_DIR and --name stay here; the rest goes to the firmware. */
  firmware_args[firmware_argc++] = (char[]){"strata-run"};
  for (i = 1; i < argc && firmware_argc < 255; ++i) {
    if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
      name = argv[++i];
    else if (strncmp(argv[i], "--name=", 7) == 0)
      name = argv[i] + 7;
    else if (argv[i][0] != '-' && out_dir == NULL &&
             (i == 1 || argv[i - 1][0] != '-' ||
              strchr(argv[i - 1], '=') != NULL))
      out_dir = argv[i];
    else
      firmware_args[firmware_argc++] = argv[i];
  }
  if (out_dir == NULL) {
    fputs("strata-run: error: missing OUT_DIR, the directory stratac wrote "
          "(see --help)\n", stderr);
    return;
  }
  if (!find_object(out_dir, name, stem, sizeof stem))
    return;
  snprintf(object, sizeof object, "%s/%s.o", out_dir, stem);
  snprintf(elf, sizeof elf, "%s/%s.%s.elf", out_dir, stem, target);
  snprintf(script, sizeof script, "-T%s.ld", board);
  snprintf(define, sizeof define,
           "-Wl,--defsym=strata_firmware_model=%s_model", stem);
  snprintf(libs, sizeof libs, "-L%s", kit);

  link[n++] = (char[]){"arm-none-eabi-gcc"};
  n = split_words(flags, link, n, 40);
  link[n++] = (char[]){"--specs=rdimon.specs"};
  link[n++] = libs;
  link[n++] = script;
  link[n++] = define;
  link[n++] = (char[]){"-Wl,--gc-sections"};
  link[n++] = (char[]){"-Wl,--no-warn-execstack"};
  link[n++] = object;
  link[n++] = (char[]){"-Wl,--start-group"};
  link[n++] = (char[]){"-lstrata_firmware"};
  link[n++] = (char[]){"-lstrata_startup"};
  link[n++] = (char[]){"-lstrata_model_runner"};
  link[n++] = (char[]){"-lstrata_runtime_host"};
  link[n++] = (char[]){"-lstrata_runtime"};
  link[n++] = (char[]){"-lm"};
  link[n++] = (char[]){"-lc"};
  link[n++] = (char[]){"-lrdimon"};
  link[n++] = (char[]){"-Wl,--end-group"};
  link[n++] = (char[]){"-o"};
  link[n++] = elf;
  link[n] = NULL;
  status = run_and_wait(link);
  if (status != 0) {
    fprintf(stderr, "strata-run: error: linking %s for the %s board failed "
                    "(the linker's message is above; a region overflow means "
                    "the model does not fit the board's flash or RAM)\n",
            object, board);
    return;
  }

  /* The firmware's command line, passed through semihosting. */
  snprintf(semihosting, sizeof semihosting, "enable=on,target=native");
  for (i = 0; i < firmware_argc; ++i) {
    char *arg = semihosting_arg(firmware_args[i]);
    if (arg == NULL ||
        strlen(semihosting) + strlen(arg) + 2 >= sizeof semihosting) {
      fputs("strata-run: error: the firmware's command line is too long\n",
            stderr);
      free(arg);
      return;
    }
    strcat(semihosting, ",");
    strcat(semihosting, arg);
    free(arg);
  }
  n = 0;
  run[n++] = (char[]){"qemu-system-arm"};
  n = split_words(machine, run, n, 16);
  run[n++] = (char[]){"-nographic"};
  run[n++] = (char[]){"-monitor"};
  run[n++] = (char[]){"none"};
  run[n++] = (char[]){"-serial"};
  run[n++] = (char[]){"none"};
  run[n++] = (char[]){"-semihosting-config"};
  run[n++] = semihosting;
  run[n++] = (char[]){"-kernel"};
  run[n++] = elf;
  run[n] = NULL;
  execvp(run[0], run);
  fprintf(stderr, "strata-run: error: cannot start qemu-system-arm: %s\n",
          strerror(errno));
}

/*===----------------------------------------------------------------------===*
 * Linux targets: strata-run-TARGET under qemu-TARGET
 *===----------------------------------------------------------------------===*/

void strata_exec_emulated(const strata_target_info_t *info, int argc,
                          char **argv) {
  char self[4096], runner[4200], emulator[64], library_flag[] = "-L";
  char library_path[4096];
  const char *sysroot = getenv("STRATA_QEMU_LD_PREFIX");
  const char *target = info->name;
  size_t arch_length;
  char **args;
  int i;

  if (info->runner == STRATA_RUNNER_QEMU_SYSTEM) {
    exec_firmware(target, argc, argv);
    return;
  }
  if (info->runner != STRATA_RUNNER_QEMU_USER || info->gnu_triple[0] == '\0') {
    fprintf(stderr,
            "strata-run: error: --target=%s cannot run on this machine (a %s "
            "machine; see --help for the targets that run here)\n",
            target, STRATA_HOST_TARGET);
    return;
  }
  /* Debian's cross sysroot is /usr/GNU_TRIPLE, its emulator qemu-ARCH. */
  if (sysroot != NULL)
    snprintf(library_path, sizeof library_path, "%s", sysroot);
  else
    snprintf(library_path, sizeof library_path, "/usr/%s", info->gnu_triple);
  arch_length = strcspn(info->gnu_triple, "-");
  snprintf(emulator, sizeof emulator, "qemu-%.*s", (int)arch_length,
           info->gnu_triple);
  if (!self_directory(self, sizeof self))
    return;
  snprintf(runner, sizeof runner, "%sstrata-run-%s", self, target);
  if (access(runner, X_OK) != 0) {
    fprintf(stderr,
            "strata-run: error: %s is missing: the %s runtime was not built "
            "(its cross compiler was not found at configure time)\n",
            runner, target);
    return;
  }
  args = malloc(sizeof *args * (size_t)(argc + 4));
  if (args == NULL) {
    fputs("strata-run: error: out of memory\n", stderr);
    return;
  }
  args[0] = emulator;
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
