/*===- strata-run.c - Run a compiled model on tensors from files --*- C -*-===//
 *
 * The host-side way to try a model stratac compiled: load the one shared
 * library in its output directory, feed it tensors from .npy or ONNX .pb
 * files, and save what it computes as .npy, or time it with --benchmark. It
 * reaches the model only through the exported descriptor and strata_run, as
 * firmware does, so a model that runs here differs on a device only in the
 * device. Every failure is one line on stderr and exit status 1.
 *
 *===----------------------------------------------------------------------===*/

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "emulated_run.h"
#include "gpu_runner.h"
#include "model_runner.h"
#include "strata/runtime.h"
#include "strata/threads.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage_text[] =
    "usage: strata-run OUT_DIR --input FILE [--input FILE ...]\n"
    "                  --output FILE [--output FILE ...] [--benchmark N]\n"
    "                  [--threads N] [--name NAME] [--target NAME]\n"
    "\n"
    "Runs the model stratac compiled into OUT_DIR (the one lib*.so there) on\n"
    "tensors read from .npy or ONNX TensorProto .pb files and writes each\n"
    "output as .npy. Inputs must match the model's dtypes and shapes exactly;\n"
    "nothing is converted (bfloat16, which NumPy lacks, travels as its bit\n"
    "patterns in uint16 files).\n"
    "\n"
    "  --input FILE    the next model input, in model order (.npy or .pb)\n"
    "  --output FILE   where to write the next model output (.npy); give one\n"
    "                  per output\n"
    "  --benchmark N   after one warm-up run, time N runs and print\n"
    "                  'benchmark: runs=N median_ms=X min_ms=Y'; --output is\n"
    "                  then optional\n"
    "  --threads N     run the model's parallel loops on N threads (default\n"
    "                  1); outputs are the same bit for bit for every N\n"
    "  --name NAME     load OUT_DIR/libNAME.so (for a directory with several)\n"
    "  --target NAME   the artifact's target (default: this machine's), one of\n"
    "                  the targets below\n"
    "  --help          show this message\n"
    "\n"
    "Targets (runtime/include/strata/targets.h):\n";

#define fail strata_runner_fail
#define checked_malloc strata_runner_malloc

static char *concat3(const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *joined = checked_malloc(la + lb + lc + 1);
  memcpy(joined, a, la);
  memcpy(joined + la, b, lb);
  memcpy(joined + la + lb, c, lc + 1);
  return joined;
}

/*===----------------------------------------------------------------------===*
 * Loading the model
 *===----------------------------------------------------------------------===*/

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The one lib*.so in `dir` (or libNAME.so), returned as "lib<name>.so". */
static char *find_library(const char *dir, const char *name) {
  DIR *listing;
  struct dirent *entry;
  char **found = NULL, *list;
  size_t count = 0, capacity = 0, list_length = 0, i;
  if (name != NULL) {
    char *file = concat3("lib", name, ".so");
    char *path = concat3(dir, "/", file);
    struct stat info;
    if (stat(path, &info) != 0)
      fail("no %s in '%s' (--name %s): %s", file, dir, name, strerror(errno));
    free(path);
    return file;
  }
  listing = opendir(dir);
  if (listing == NULL)
    fail("cannot open OUT_DIR '%s': %s", dir, strerror(errno));
  while ((entry = readdir(listing)) != NULL) {
    size_t length = strlen(entry->d_name);
    if (length <= 6 || strncmp(entry->d_name, "lib", 3) != 0 ||
        strcmp(entry->d_name + length - 3, ".so") != 0)
      continue;
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 4;
      found = realloc(found, capacity * sizeof *found);
      if (found == NULL)
        fail("out of memory listing '%s'", dir);
    }
    found[count] = concat3(entry->d_name, "", "");
    list_length += length + 2;
    ++count;
  }
  closedir(listing);
  if (count == 0)
    fail("no lib*.so in '%s'; pass the directory stratac wrote the model to",
         dir);
  if (count == 1) {
    char *file = found[0];
    free(found);
    return file;
  }
  qsort(found, count, sizeof *found, compare_strings);
  list = checked_malloc(list_length + 1);
  list[0] = '\0';
  for (i = 0; i < count; ++i) {
    if (i > 0)
      strcat(list, ", ");
    strcat(list, found[i]);
  }
  fail("several libraries in '%s' (%s); choose one with --name NAME", dir,
       list);
}

static const strata_model_t *load_model(const char *dir, const char *file) {
  size_t length = strlen(file);
  char *name = checked_malloc(length);
  char *path = concat3(dir, "/", file);
  char *symbol;
  void *library, *address;
  const strata_model_t *model;
  const char *why;
  /* "lib" + NAME + ".so" */
  memcpy(name, file + 3, length - 6);
  name[length - 6] = '\0';
  symbol = concat3(name, "_model", "");
  library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL)
    fail("cannot load %s: %s", path, dlerror());
  dlerror();
  address = dlsym(library, symbol);
  why = dlerror();
  if (address == NULL || why != NULL)
    fail("%s does not export the model descriptor '%s'", path, symbol);
  model = address;
  strata_runner_check_model(model, path);
  free(symbol);
  free(name);
  free(path);
  return model; /* The library stays loaded until the process exits. */
}

int main(int argc, char **argv) {
  strata_runner_options_t options;
  const strata_model_t *model;
  const strata_target_info_t *info;
  const char *target;
  static char usage[sizeof usage_text + 2048];
  char *file;
  int status;
  strata_thread_pool_t *pool = NULL;
  strata_executor_t executor;

  target = strata_take_target_option(&argc, argv);
  info = target != NULL ? strata_find_target(target) : NULL;
  if (target != NULL && info == NULL)
    fail("unknown --target '%s' (see --help for the targets)", target);
  /* GPU artifacts are host code that launches kernels: they run here. */
  if (info != NULL && info->runner != STRATA_RUNNER_GPU &&
      strcmp(info->name, STRATA_HOST_TARGET) != 0) {
    strata_exec_emulated(info, argc, argv);
    return 1;
  }
  snprintf(usage, sizeof usage, "%s", usage_text);
  strata_describe_targets(usage + strlen(usage), sizeof usage - strlen(usage));
  strata_runner_parse(argc, argv, true, usage, &options);
  file = find_library(options.out_dir, options.name);
  model = load_model(options.out_dir, file);
  options.gpu = &strata_run_cuda_backend;
  if (info != NULL && info->runner == STRATA_RUNNER_GPU &&
      !(model->flags & STRATA_MODEL_FLAG_CUDA))
    fail("--target %s: %s/%s is not a GPU model", target, options.out_dir,
         file);
  if (options.threads > 1) {
    pool = strata_thread_pool_create((int)options.threads);
    if (pool == NULL)
      fail("cannot start %ld threads", options.threads);
    executor = strata_thread_pool_executor(pool);
    options.executor = &executor;
  }
  status = strata_runner_run(model, &options);
  strata_thread_pool_destroy(pool);
  free(file);
  strata_runner_free_options(&options);
  return status;
}
