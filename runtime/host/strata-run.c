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
#include "strata/runtime.h"
#include "tensor_io.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#if defined(__GNUC__)
#define STRATA_NORETURN_PRINTF __attribute__((noreturn, format(printf, 1, 2)))
#else
#define STRATA_NORETURN_PRINTF
#endif

static const char usage_text[] =
    "usage: strata-run OUT_DIR --input FILE [--input FILE ...]\n"
    "                  --output FILE [--output FILE ...] [--benchmark N]\n"
    "                  [--name NAME] [--target NAME]\n"
    "\n"
    "Runs the model stratac compiled into OUT_DIR (the one lib*.so there) on\n"
    "tensors read from .npy or ONNX TensorProto .pb files and writes each\n"
    "output as .npy. Inputs must match the model's dtypes and shapes exactly;\n"
    "nothing is converted.\n"
    "\n"
    "  --input FILE    the next model input, in model order (.npy or .pb)\n"
    "  --output FILE   where to write the next model output (.npy); give one\n"
    "                  per output\n"
    "  --benchmark N   after one warm-up run, time N runs and print\n"
    "                  'benchmark: runs=N median_ms=X min_ms=Y'; --output is\n"
    "                  then optional\n"
    "  --name NAME     load OUT_DIR/libNAME.so (for a directory with several)\n"
    "  --target NAME   the artifact's target; one other than this machine's\n"
    "                  (aarch64) runs under QEMU with strata-run-NAME\n"
    "  --help          show this message\n";

typedef struct options {
  const char *out_dir;
  const char *name;
  const char **inputs;
  int input_count;
  const char **outputs;
  int output_count;
  long benchmark_runs; /* 0: no benchmark */
} options_t;

static void fail(const char *format, ...) STRATA_NORETURN_PRINTF;

static void fail(const char *format, ...) {
  va_list args;
  fputs("strata-run: error: ", stderr);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
  exit(1);
}

static void *checked_malloc(size_t bytes) {
  void *memory = malloc(bytes ? bytes : 1);
  if (memory == NULL)
    fail("out of memory allocating %zu bytes", bytes);
  return memory;
}

static char *concat3(const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *joined = checked_malloc(la + lb + lc + 1);
  memcpy(joined, a, la);
  memcpy(joined + la, b, lb);
  memcpy(joined + la + lb, c, lc + 1);
  return joined;
}

/*===----------------------------------------------------------------------===*
 * Command line
 *===----------------------------------------------------------------------===*/

/* Accepts both `--flag VALUE` and `--flag=VALUE`; NULL if argv[*i] is not
 * `flag`. */
static const char *option_value(int argc, char **argv, int *i,
                                const char *flag) {
  size_t length = strlen(flag);
  if (strncmp(argv[*i], flag, length) != 0)
    return NULL;
  if (argv[*i][length] == '=')
    return argv[*i] + length + 1;
  if (argv[*i][length] != '\0')
    return NULL;
  if (*i + 1 >= argc)
    fail("%s needs a value (see --help)", flag);
  return argv[++*i];
}

static void parse_options(int argc, char **argv, options_t *options) {
  int i;
  const char *value;
  memset(options, 0, sizeof *options);
  options->inputs = checked_malloc(sizeof(char *) * (size_t)argc);
  options->outputs = checked_malloc(sizeof(char *) * (size_t)argc);
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage_text, stdout);
      exit(0);
    }
  }
  for (i = 1; i < argc; ++i) {
    if ((value = option_value(argc, argv, &i, "--input")) != NULL) {
      options->inputs[options->input_count++] = value;
    } else if ((value = option_value(argc, argv, &i, "--output")) != NULL) {
      options->outputs[options->output_count++] = value;
    } else if ((value = option_value(argc, argv, &i, "--name")) != NULL) {
      options->name = value;
    } else if ((value = option_value(argc, argv, &i, "--benchmark")) != NULL) {
      char *end;
      errno = 0;
      options->benchmark_runs = strtol(value, &end, 10);
      if (errno != 0 || *value == '\0' || *end != '\0' ||
          options->benchmark_runs < 1 || options->benchmark_runs > 100000000)
        fail("--benchmark needs a positive number of runs, got '%s'", value);
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fail("unknown option '%s' (see --help)", argv[i]);
    } else if (options->out_dir == NULL) {
      options->out_dir = argv[i];
    } else {
      fail("unexpected argument '%s': give one OUT_DIR (see --help)", argv[i]);
    }
  }
  if (options->out_dir == NULL)
    fail("missing OUT_DIR, the directory stratac wrote (see --help)");
  if (options->output_count == 0 && options->benchmark_runs == 0)
    fail("nothing to do: give one --output per model output, or "
         "--benchmark N");
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

static void check_descriptions(const char *what,
                               const strata_tensor_desc_t *descs,
                               uint32_t count) {
  uint32_t i;
  if (count > 0 && descs == NULL)
    fail("the model descriptor lists %u %ss but no descriptions", count, what);
  for (i = 0; i < count; ++i) {
    const strata_tensor_desc_t *desc = &descs[i];
    int32_t d;
    if (strata_dtype_size(desc->dtype) == 0)
      fail("%s %u ('%s') has dtype %d, which this runtime does not know", what,
           i, desc->name ? desc->name : "?", desc->dtype);
    if (desc->rank < 0 || desc->rank > STRATA_HOST_MAX_RANK ||
        (desc->rank > 0 && desc->shape == NULL))
      fail("%s %u ('%s') has rank %d; strata-run handles 0 to %d", what, i,
           desc->name ? desc->name : "?", desc->rank, STRATA_HOST_MAX_RANK);
    for (d = 0; d < desc->rank; ++d)
      if (desc->shape[d] < 0)
        fail("%s %u ('%s') has a negative extent", what, i,
             desc->name ? desc->name : "?");
  }
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
  if (model->abi_version != STRATA_ABI_VERSION)
    fail("%s was compiled for runtime ABI version %u, but strata-run speaks "
         "version %u; recompile the model with the matching stratac",
         path, model->abi_version, STRATA_ABI_VERSION);
  check_descriptions("input", model->inputs, model->num_inputs);
  check_descriptions("output", model->outputs, model->num_outputs);
  free(symbol);
  free(name);
  free(path);
  return model; /* The library stays loaded until the process exits. */
}

/*===----------------------------------------------------------------------===*
 * Running
 *===----------------------------------------------------------------------===*/

static bool same_shape(const strata_host_tensor_t *tensor,
                       const strata_tensor_desc_t *desc) {
  int32_t d;
  if (tensor->rank != desc->rank)
    return false;
  for (d = 0; d < desc->rank; ++d)
    if (tensor->shape[d] != desc->shape[d])
      return false;
  return true;
}

/* Reads every --input and checks it against the model, in model order. */
static strata_host_tensor_t *read_inputs(const strata_model_t *model,
                                         const options_t *options) {
  strata_host_tensor_t *tensors;
  uint32_t i;
  if ((uint32_t)options->input_count != model->num_inputs)
    fail("model '%s' takes %u input(s), got %d --input",
         model->name ? model->name : "?", model->num_inputs,
         options->input_count);
  tensors = checked_malloc(sizeof *tensors * model->num_inputs);
  for (i = 0; i < model->num_inputs; ++i) {
    const strata_tensor_desc_t *desc = &model->inputs[i];
    const char *name = desc->name ? desc->name : "?";
    const char *file = options->inputs[i];
    strata_io_error_t error;
    char expected[200], got[200];
    if (!strata_host_tensor_read(file, &tensors[i], &error))
      fail("%s", error.message);
    if (tensors[i].dtype != desc->dtype)
      fail("input %u ('%s') from %s has dtype %s, but the model expects %s", i,
           name, file, strata_dtype_name(tensors[i].dtype),
           strata_dtype_name(desc->dtype));
    if (!same_shape(&tensors[i], desc))
      fail("input %u ('%s') from %s has shape %s, but the model expects %s", i,
           name, file,
           strata_host_format_shape(tensors[i].shape, tensors[i].rank, got,
                                    sizeof got),
           strata_host_format_shape(desc->shape, desc->rank, expected,
                                    sizeof expected));
  }
  return tensors;
}

/* One buffer per output, sized from the descriptor. */
static strata_host_tensor_t *allocate_outputs(const strata_model_t *model) {
  strata_host_tensor_t *tensors;
  uint32_t i;
  tensors = checked_malloc(sizeof *tensors * model->num_outputs);
  for (i = 0; i < model->num_outputs; ++i) {
    const strata_tensor_desc_t *desc = &model->outputs[i];
    size_t bytes = strata_tensor_bytes(desc);
    int32_t d;
    bool empty = false;
    for (d = 0; d < desc->rank; ++d)
      empty = empty || desc->shape[d] == 0;
    if (bytes == 0 && !empty)
      fail("output %u ('%s') is too large to allocate", i,
           desc->name ? desc->name : "?");
    memset(&tensors[i], 0, sizeof tensors[i]);
    tensors[i].dtype = desc->dtype;
    tensors[i].rank = desc->rank;
    for (d = 0; d < desc->rank; ++d)
      tensors[i].shape[d] = desc->shape[d];
    tensors[i].data = checked_malloc(bytes);
    tensors[i].bytes = bytes;
  }
  return tensors;
}

/* The arena, aligned as the model asks and sized up to that alignment. */
static void *allocate_arena(const strata_model_t *model, size_t *arena_bytes) {
  uint64_t alignment = model->arena_alignment;
  void *arena = NULL;
  int status;
  *arena_bytes = 0;
  if (model->arena_bytes == 0)
    return NULL;
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  if ((alignment & (alignment - 1)) != 0)
    fail("the model's arena_alignment %llu is not a power of two",
         (unsigned long long)model->arena_alignment);
  if (model->arena_bytes > (uint64_t)SIZE_MAX - alignment)
    fail("the model's arena (%llu bytes) does not fit in memory",
         (unsigned long long)model->arena_bytes);
  *arena_bytes =
      (size_t)((model->arena_bytes + alignment - 1) / alignment * alignment);
  status = posix_memalign(&arena, (size_t)alignment, *arena_bytes);
  if (status != 0)
    fail("cannot allocate the %zu-byte arena: %s", *arena_bytes,
         strerror(status));
  return arena;
}

static double now_ms(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e3 + (double)time.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void run_once(const strata_model_t *model, const void **inputs,
                     void **outputs, void *arena, size_t arena_bytes) {
  strata_status_t status =
      strata_run(model, inputs, outputs, arena, arena_bytes);
  if (status != STRATA_OK)
    fail("strata_run refused the model: %s", strata_strerror(status));
}

int main(int argc, char **argv) {
  options_t options;
  const strata_model_t *model;
  strata_host_tensor_t *inputs, *outputs;
  const void **input_buffers;
  void **output_buffers, *arena;
  size_t arena_bytes;
  char *file;
  uint32_t i;

  {
    const char *target = strata_take_target_option(&argc, argv);
    if (target != NULL && strcmp(target, strata_host_target()) != 0) {
      strata_exec_emulated(target, argc, argv);
      return 1;
    }
  }
  parse_options(argc, argv, &options);
  file = find_library(options.out_dir, options.name);
  model = load_model(options.out_dir, file);
  if (options.output_count > 0 &&
      (uint32_t)options.output_count != model->num_outputs)
    fail("model '%s' has %u output(s), got %d --output",
         model->name ? model->name : "?", model->num_outputs,
         options.output_count);
  inputs = read_inputs(model, &options);
  outputs = allocate_outputs(model);
  arena = allocate_arena(model, &arena_bytes);
  input_buffers = checked_malloc(sizeof *input_buffers * model->num_inputs);
  output_buffers = checked_malloc(sizeof *output_buffers * model->num_outputs);
  for (i = 0; i < model->num_inputs; ++i)
    input_buffers[i] = inputs[i].data;
  for (i = 0; i < model->num_outputs; ++i)
    output_buffers[i] = outputs[i].data;

  /* The first run produces the outputs and doubles as the warm-up. */
  run_once(model, input_buffers, output_buffers, arena, arena_bytes);
  if (options.benchmark_runs > 0) {
    size_t runs = (size_t)options.benchmark_runs, r;
    double *times = checked_malloc(sizeof *times * runs), median;
    for (r = 0; r < runs; ++r) {
      double start = now_ms();
      run_once(model, input_buffers, output_buffers, arena, arena_bytes);
      times[r] = now_ms() - start;
    }
    qsort(times, runs, sizeof *times, compare_doubles);
    median = runs % 2 ? times[runs / 2]
                      : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    printf("benchmark: runs=%zu median_ms=%.6f min_ms=%.6f\n", runs, median,
           times[0]);
    free(times);
  }
  for (i = 0; i < (uint32_t)options.output_count; ++i) {
    strata_io_error_t error;
    if (!strata_host_tensor_write_npy(options.outputs[i], &outputs[i], &error))
      fail("output %u ('%s'): %s", i,
           model->outputs[i].name ? model->outputs[i].name : "?",
           error.message);
  }

  for (i = 0; i < model->num_inputs; ++i)
    strata_host_tensor_free(&inputs[i]);
  for (i = 0; i < model->num_outputs; ++i)
    strata_host_tensor_free(&outputs[i]);
  free(inputs);
  free(outputs);
  free(input_buffers);
  free(output_buffers);
  free(arena);
  free(file);
  free(options.inputs);
  free(options.outputs);
  return 0;
}
