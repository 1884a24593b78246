/*===- cuda_launch.c - The launch ABI of Strata's GPU host code -*- C -*-===//
 *
 * Implements the mgpu* functions that MLIR's GPU-to-LLVM lowering calls, on
 * the driver loaded by cuda_driver.c. The model object loads its kernel
 * image from a static constructor, before any session exists, so
 * mgpuModuleLoad only records the image; the module is loaded in the
 * session's context on the first launch, and functions are looked up once.
 * Every launch goes to the current session's stream and nothing waits:
 * the session decides when to synchronize, and can record the launches as
 * a CUDA graph.
 *
 *===----------------------------------------------------------------------===*/
#include "cuda_launch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct strata_cuda_function {
  const char *name;
  CUfunction function;
} strata_cuda_function_t;

typedef struct strata_cuda_image {
  const void *data;
  CUcontext context; /* where `module` was loaded */
  CUmodule module;
  strata_cuda_function_t *functions;
  size_t function_count;
} strata_cuda_image_t;

static __thread strata_cuda_launch_context_t *current;

void strata_cuda_set_launch_context(strata_cuda_launch_context_t *launch) {
  current = launch;
}

static void fail_launch(strata_status_t status) {
  if (current != NULL && current->status == STRATA_OK)
    current->status = status;
}

static void *record_image(const void *data) {
  strata_cuda_image_t *image = calloc(1, sizeof *image);
  if (image != NULL)
    image->data = data;
  return image;
}

void *mgpuModuleLoad(void *data, size_t size) {
  (void)size; /* A cubin is an ELF image: the driver reads its size. */
  return record_image(data);
}

void *mgpuModuleLoadJIT(void *data, int opt_level) {
  (void)opt_level; /* The driver's JIT default is its highest level. */
  return record_image(data);
}

void mgpuModuleUnload(void *module) {
  strata_cuda_image_t *image = module;
  const strata_cuda_driver_t *driver = strata_cuda_driver_if_loaded();
  if (image == NULL)
    return;
  if (image->module != NULL && driver != NULL)
    driver->cuModuleUnload(image->module);
  free(image->functions);
  free(image);
}

static CUfunction find_function(strata_cuda_image_t *image, const char *name) {
  const strata_cuda_driver_t *driver = strata_cuda_driver_if_loaded();
  strata_cuda_function_t *grown;
  CUfunction function = NULL;
  size_t i;
  if (current == NULL || driver == NULL) {
    strata_cuda_set_error("a GPU model was called outside a session (use "
                          "strata_cuda_run)");
    fail_launch(STRATA_ERROR_NO_GPU);
    return NULL;
  }
  if (image->module != NULL && image->context != current->context) {
    strata_cuda_set_error("a GPU model runs on one device per process");
    fail_launch(STRATA_ERROR_GPU);
    return NULL;
  }
  if (image->module == NULL) {
    strata_status_t status = strata_cuda_check(
        driver->cuModuleLoadData(&image->module, image->data),
        "cuModuleLoadData");
    if (status != STRATA_OK) {
      image->module = NULL;
      fail_launch(status);
      return NULL;
    }
    image->context = current->context;
  }
  for (i = 0; i < image->function_count; ++i)
    if (image->functions[i].name == name ||
        strcmp(image->functions[i].name, name) == 0)
      return image->functions[i].function;
  if (strata_cuda_check(driver->cuModuleGetFunction(&function, image->module,
                                                    name),
                        "cuModuleGetFunction") != STRATA_OK) {
    fail_launch(STRATA_ERROR_GPU);
    return NULL;
  }
  grown = realloc(image->functions,
                  (image->function_count + 1) * sizeof *image->functions);
  if (grown != NULL) {
    image->functions = grown;
    image->functions[image->function_count].name = name;
    image->functions[image->function_count].function = function;
    ++image->function_count;
  }
  return function;
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  if (current == NULL || current->status != STRATA_OK || module == NULL)
    return NULL; /* mgpuLaunchKernel reports it. */
  return find_function(module, name);
}

void *mgpuStreamCreate(void) {
  return current != NULL ? (void *)current->stream : NULL;
}

/* The session synchronizes and owns the stream. */
void mgpuStreamSynchronize(void *stream) { (void)stream; }
void mgpuStreamDestroy(void *stream) { (void)stream; }

void mgpuLaunchKernel(void *function, intptr_t grid_x, intptr_t grid_y,
                      intptr_t grid_z, intptr_t block_x, intptr_t block_y,
                      intptr_t block_z, int32_t shared_bytes, void *stream,
                      void **params, void **extra, size_t param_count) {
  const strata_cuda_driver_t *driver = strata_cuda_driver_if_loaded();
  (void)param_count;
  if (current == NULL || current->status != STRATA_OK)
    return;
  if (driver == NULL || function == NULL) {
    strata_cuda_set_error("a kernel of the model was not loaded");
    fail_launch(STRATA_ERROR_GPU);
    return;
  }
  ++current->launches;
  fail_launch(strata_cuda_check(
      driver->cuLaunchKernel((CUfunction)function, (unsigned)grid_x,
                             (unsigned)grid_y, (unsigned)grid_z,
                             (unsigned)block_x, (unsigned)block_y,
                             (unsigned)block_z, (unsigned)shared_bytes,
                             (CUstream)stream, params, extra),
      "cuLaunchKernel"));
}
