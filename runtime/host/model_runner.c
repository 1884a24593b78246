/*===- model_runner.c - Feed a model tensors from files, save its outputs -*- C -*-===//
 *
 * Implements model_runner.h in C99 plus stdio: the same code checks models
 * in strata-run on Linux and in the firmware runner on a microcontroller.
 *
 *===----------------------------------------------------------------------===*/

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "model_runner.h"
#include "tensor_io.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define fail strata_runner_fail

void strata_runner_fail(const char *format, ...) {
  va_list args;
  fputs("strata-run: error: ", stderr);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
  exit(1);
}

void *strata_runner_malloc(size_t bytes) {
  void *memory = malloc(bytes ? bytes : 1);
  if (memory == NULL)
    fail("out of memory allocating %" STRATA_PRIuSIZE " bytes", bytes);
  return memory;
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

void strata_runner_parse(int argc, char **argv, bool with_out_dir,
                         const char *usage, strata_runner_options_t *options) {
  int i;
  const char *value;
  memset(options, 0, sizeof *options);
  options->threads = 1;
  options->inputs = strata_runner_malloc(sizeof(char *) * (size_t)argc);
  options->outputs = strata_runner_malloc(sizeof(char *) * (size_t)argc);
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage, stdout);
      exit(0);
    }
  }
  for (i = 1; i < argc; ++i) {
    if ((value = option_value(argc, argv, &i, "--input")) != NULL) {
      options->inputs[options->input_count++] = value;
    } else if ((value = option_value(argc, argv, &i, "--output")) != NULL) {
      options->outputs[options->output_count++] = value;
    } else if (with_out_dir &&
               (value = option_value(argc, argv, &i, "--name")) != NULL) {
      options->name = value;
    } else if ((value = option_value(argc, argv, &i, "--benchmark")) != NULL) {
      char *end;
      errno = 0;
      options->benchmark_runs = strtol(value, &end, 10);
      if (errno != 0 || *value == '\0' || *end != '\0' ||
          options->benchmark_runs < 1 || options->benchmark_runs > 100000000)
        fail("--benchmark needs a positive number of runs, got '%s'", value);
    } else if ((value = option_value(argc, argv, &i, "--threads")) != NULL) {
      char *end;
      errno = 0;
      options->threads = strtol(value, &end, 10);
      if (errno != 0 || *value == '\0' || *end != '\0' || options->threads < 1 ||
          options->threads > 1024)
        fail("--threads needs a number of threads from 1 to 1024, got '%s'",
             value);
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fail("unknown option '%s' (see --help)", argv[i]);
    } else if (with_out_dir && options->out_dir == NULL) {
      options->out_dir = argv[i];
    } else {
      fail("unexpected argument '%s'%s (see --help)", argv[i],
           with_out_dir ? ": give one OUT_DIR" : "");
    }
  }
  if (with_out_dir && options->out_dir == NULL)
    fail("missing OUT_DIR, the directory stratac wrote (see --help)");
  if (options->output_count == 0 && options->benchmark_runs == 0)
    fail("nothing to do: give one --output per model output, or "
         "--benchmark N");
}

/*===----------------------------------------------------------------------===*
 * Checking and running the model
 *===----------------------------------------------------------------------===*/

static void check_descriptions(const char *what,
                               const strata_tensor_desc_t *descs,
                               uint32_t count) {
  uint32_t i;
  if (count > 0 && descs == NULL)
    fail("the model descriptor lists %u %ss but no descriptions",
         (unsigned)count, what);
  for (i = 0; i < count; ++i) {
    const strata_tensor_desc_t *desc = &descs[i];
    int32_t d;
    if (strata_dtype_size(desc->dtype) == 0)
      fail("%s %u ('%s') has dtype %d, which this runtime does not know", what,
           (unsigned)i, desc->name ? desc->name : "?", (int)desc->dtype);
    if (desc->rank < 0 || desc->rank > STRATA_HOST_MAX_RANK ||
        (desc->rank > 0 && desc->shape == NULL))
      fail("%s %u ('%s') has rank %d; strata-run handles 0 to %d", what,
           (unsigned)i, desc->name ? desc->name : "?", (int)desc->rank,
           STRATA_HOST_MAX_RANK);
    for (d = 0; d < desc->rank; ++d)
      if (desc->shape[d] < 0)
        fail("%s %u ('%s') has a negative extent", what, (unsigned)i,
             desc->name ? desc->name : "?");
  }
}

void strata_runner_check_model(const strata_model_t *model, const char *where) {
  if (model->abi_version != STRATA_ABI_VERSION)
    fail("%s was compiled for runtime ABI version %u, but strata-run speaks "
         "version %u; recompile the model with the matching stratac",
         where, (unsigned)model->abi_version, (unsigned)STRATA_ABI_VERSION);
  check_descriptions("input", model->inputs, model->num_inputs);
  check_descriptions("output", model->outputs, model->num_outputs);
}

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
                                         const strata_runner_options_t *options) {
  strata_host_tensor_t *tensors;
  uint32_t i;
  if ((uint32_t)options->input_count != model->num_inputs)
    fail("model '%s' takes %u input(s), got %d --input",
         model->name ? model->name : "?", (unsigned)model->num_inputs,
         options->input_count);
  tensors = strata_runner_malloc(sizeof *tensors * model->num_inputs);
  for (i = 0; i < model->num_inputs; ++i) {
    const strata_tensor_desc_t *desc = &model->inputs[i];
    const char *name = desc->name ? desc->name : "?";
    const char *file = options->inputs[i];
    strata_io_error_t error;
    char expected[200], got[200];
    if (!strata_host_tensor_read(file, &tensors[i], &error))
      fail("%s", error.message);
    /* NumPy has no bfloat16: its 16-bit patterns travel as uint16 (ONNX's
     * own test data stores them so). */
    if (tensors[i].dtype == STRATA_DTYPE_UINT16 &&
        desc->dtype == STRATA_DTYPE_BFLOAT16)
      tensors[i].dtype = STRATA_DTYPE_BFLOAT16;
    if (tensors[i].dtype != desc->dtype)
      fail("input %u ('%s') from %s has dtype %s, but the model expects %s",
           (unsigned)i,
           name, file, strata_dtype_name(tensors[i].dtype),
           strata_dtype_name(desc->dtype));
    if (!same_shape(&tensors[i], desc))
      fail("input %u ('%s') from %s has shape %s, but the model expects %s",
           (unsigned)i,
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
  tensors = strata_runner_malloc(sizeof *tensors * model->num_outputs);
  for (i = 0; i < model->num_outputs; ++i) {
    const strata_tensor_desc_t *desc = &model->outputs[i];
    size_t bytes = strata_tensor_bytes(desc);
    int32_t d;
    bool empty = false;
    for (d = 0; d < desc->rank; ++d)
      empty = empty || desc->shape[d] == 0;
    if (bytes == 0 && !empty)
      fail("output %u ('%s') is too large to allocate", (unsigned)i,
           desc->name ? desc->name : "?");
    memset(&tensors[i], 0, sizeof tensors[i]);
    tensors[i].dtype = desc->dtype;
    tensors[i].rank = desc->rank;
    for (d = 0; d < desc->rank; ++d)
      tensors[i].shape[d] = desc->shape[d];
    tensors[i].data = strata_runner_malloc(bytes);
    tensors[i].bytes = bytes;
  }
  return tensors;
}

/* The arena, aligned as the model asks and sized up to that alignment;
 * *block is what to free. */
static void *allocate_arena(const strata_model_t *model, size_t *arena_bytes,
                            void **block) {
  uint64_t alignment = model->arena_alignment;
  uintptr_t address;
  *arena_bytes = 0;
  *block = NULL;
  if (model->arena_bytes == 0)
    return NULL;
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  if ((alignment & (alignment - 1)) != 0)
    fail("the model's arena_alignment %llu is not a power of two",
         (unsigned long long)model->arena_alignment);
  if (model->arena_bytes > (uint64_t)SIZE_MAX - 2 * alignment)
    fail("the model's arena (%llu bytes) does not fit in memory",
         (unsigned long long)model->arena_bytes);
  *arena_bytes =
      (size_t)((model->arena_bytes + alignment - 1) / alignment * alignment);
  *block = malloc(*arena_bytes + (size_t)alignment);
  if (*block == NULL)
    fail("cannot allocate the %" STRATA_PRIuSIZE "-byte arena", *arena_bytes);
  address = ((uintptr_t)*block + (uintptr_t)alignment - 1) &
            ~((uintptr_t)alignment - 1);
  return (void *)address;
}

static double now_ms(void) {
#if defined(CLOCK_MONOTONIC)
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e3 + (double)time.tv_nsec / 1e6;
#else /* Bare metal: whatever clock() the C library has. */
  return (double)clock() * 1e3 / CLOCKS_PER_SEC;
#endif
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void run_once(const strata_model_t *model, const void **inputs,
                     void **outputs, void *arena, size_t arena_bytes,
                     const strata_executor_t *executor) {
  strata_status_t status =
      strata_run_with(model, inputs, outputs, arena, arena_bytes, executor);
  if (status != STRATA_OK)
    fail("strata_run refused the model: %s", strata_strerror(status));
}

int strata_runner_run(const strata_model_t *model,
                      const strata_runner_options_t *options) {
  strata_host_tensor_t *inputs, *outputs;
  const void **input_buffers;
  void **output_buffers, *arena, *arena_block, *gpu_state = NULL;
  size_t arena_bytes;
  uint32_t i;

  if (options->output_count > 0 &&
      (uint32_t)options->output_count != model->num_outputs)
    fail("model '%s' has %u output(s), got %d --output",
         model->name ? model->name : "?", (unsigned)model->num_outputs,
         options->output_count);
  if (options->threads > 1 && options->executor == NULL)
    fail("--threads %ld: this runner has no threads (models for terminals "
         "run on one)", options->threads);
  if ((model->flags & STRATA_MODEL_FLAG_CUDA) && options->gpu == NULL)
    fail("model '%s' was compiled for a GPU; run it with strata-run on a "
         "machine with one", model->name ? model->name : "?");
  inputs = read_inputs(model, options);
  outputs = allocate_outputs(model);
  if (model->flags & STRATA_MODEL_FLAG_CUDA) {
    gpu_state = options->gpu->open(model);
    arena = arena_block = NULL;
    arena_bytes = 0;
  } else {
    arena = allocate_arena(model, &arena_bytes, &arena_block);
  }
  input_buffers = strata_runner_malloc(sizeof *input_buffers * model->num_inputs);
  output_buffers = strata_runner_malloc(sizeof *output_buffers * model->num_outputs);
  for (i = 0; i < model->num_inputs; ++i)
    input_buffers[i] = inputs[i].data;
  for (i = 0; i < model->num_outputs; ++i)
    output_buffers[i] = outputs[i].data;

  /* The first run produces the outputs and doubles as the warm-up. */
  if (gpu_state != NULL)
    options->gpu->run(gpu_state, input_buffers, output_buffers);
  else
    run_once(model, input_buffers, output_buffers, arena, arena_bytes,
             options->executor);
  if (options->benchmark_runs > 0) {
    size_t runs = (size_t)options->benchmark_runs, r;
    double *times = strata_runner_malloc(sizeof *times * runs), median;
    if (gpu_state != NULL) /* Device time, from CUDA events. */
      options->gpu->time_runs(gpu_state, runs, times);
    else
      for (r = 0; r < runs; ++r) {
        double start = now_ms();
        run_once(model, input_buffers, output_buffers, arena, arena_bytes,
                 options->executor);
        times[r] = now_ms() - start;
      }
    qsort(times, runs, sizeof *times, compare_doubles);
    median = runs % 2 ? times[runs / 2]
                      : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    printf("benchmark: runs=%" STRATA_PRIuSIZE " median_ms=%.6f min_ms=%.6f\n", runs, median,
           times[0]);
    free(times);
  }
  for (i = 0; i < (uint32_t)options->output_count; ++i) {
    strata_io_error_t error;
    strata_host_tensor_t written = outputs[i];
    if (written.dtype == STRATA_DTYPE_BFLOAT16) /* As its bit patterns. */
      written.dtype = STRATA_DTYPE_UINT16;
    if (!strata_host_tensor_write_npy(options->outputs[i], &written, &error))
      fail("output %u ('%s'): %s", (unsigned)i,
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
  free(arena_block);
  if (gpu_state != NULL)
    options->gpu->close(gpu_state);
  return 0;
}

void strata_runner_free_options(strata_runner_options_t *options) {
  free(options->inputs);
  free(options->outputs);
}
