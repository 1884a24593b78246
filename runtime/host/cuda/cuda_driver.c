/*===- cuda_driver.c - Load libcuda.so.1 and name its errors ----*- C -*-===//
 *
 * Resolves every driver entry point the runtime calls once, by the versioned
 * names the driver exports (cuMemAlloc_v2, ...), so that a missing or too
 * old driver is one clear error at session open rather than a crash later.
 *
 *===----------------------------------------------------------------------===*/
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "cuda_driver.h"
#include "strata/cuda.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread char last_error[512];

void strata_cuda_set_error(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(last_error, sizeof last_error, format, arguments);
  va_end(arguments);
}

const char *strata_cuda_last_error(void) { return last_error; }

static strata_cuda_driver_t driver;
static int driver_state; /* 0: not tried, 1: loaded, -1: failed */

const strata_cuda_driver_t *strata_cuda_driver_if_loaded(void) {
  return driver_state == 1 ? &driver : NULL;
}

strata_status_t strata_cuda_check(CUresult result, const char *call) {
  const char *name = NULL, *text = NULL;
  if (result == STRATA_CUDA_SUCCESS)
    return STRATA_OK;
  if (driver.cuGetErrorName)
    driver.cuGetErrorName(result, &name);
  if (driver.cuGetErrorString)
    driver.cuGetErrorString(result, &text);
  /* Stubs (the toolkit's libcuda.so for linking) name nothing. */
  if (name == NULL && result == 34)
    name = "CUDA_ERROR_STUB_LIBRARY";
  if (name == NULL && result == 100)
    name = "CUDA_ERROR_NO_DEVICE";
  strata_cuda_set_error("%s failed: %s (%d)%s%s", call,
                        name ? name : "CUDA error", result,
                        text ? ": " : "", text ? text : "");
  return STRATA_ERROR_GPU;
}

/* The first of `names` (NULL-terminated) the library exports. */
static void *resolve(const char *const *names) {
  for (; *names != NULL; ++names) {
    void *address = dlsym(driver.library, *names);
    if (address != NULL)
      return address;
  }
  return NULL;
}

#define STRATA_RESOLVE(field, ...)                                            \
  do {                                                                        \
    static const char *const names[] = {__VA_ARGS__, NULL};                   \
    void *address = resolve(names);                                           \
    if (address == NULL) {                                                    \
      missing = names[0];                                                     \
      break;                                                                  \
    }                                                                         \
    memcpy(&driver.field, &address, sizeof address);                         \
  } while (0);                                                                \
  if (missing != NULL)                                                        \
    goto unresolved

const strata_cuda_driver_t *strata_cuda_driver(void) {
  const char *path = getenv("STRATA_CUDA_DRIVER");
  const char *missing = NULL;
  CUresult result;
  if (driver_state == 1)
    return &driver;
  if (path == NULL || *path == '\0')
    path = "libcuda.so.1";
  driver.library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (driver.library == NULL) {
    const char *why = dlerror();
    strata_cuda_set_error("cannot load the CUDA driver (%s): %s", path,
                          why ? why : "unknown reason");
    driver_state = -1;
    return NULL;
  }
  STRATA_RESOLVE(cuGetErrorName, "cuGetErrorName");
  STRATA_RESOLVE(cuGetErrorString, "cuGetErrorString");
  STRATA_RESOLVE(cuInit, "cuInit");
  STRATA_RESOLVE(cuDeviceGetCount, "cuDeviceGetCount");
  STRATA_RESOLVE(cuDeviceGet, "cuDeviceGet");
  STRATA_RESOLVE(cuDeviceGetName, "cuDeviceGetName");
  STRATA_RESOLVE(cuDeviceGetAttribute, "cuDeviceGetAttribute");
  STRATA_RESOLVE(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  STRATA_RESOLVE(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2",
                 "cuDevicePrimaryCtxRelease");
  STRATA_RESOLVE(cuCtxSetCurrent, "cuCtxSetCurrent");
  STRATA_RESOLVE(cuModuleLoadData, "cuModuleLoadData");
  STRATA_RESOLVE(cuModuleUnload, "cuModuleUnload");
  STRATA_RESOLVE(cuModuleGetFunction, "cuModuleGetFunction");
  STRATA_RESOLVE(cuLaunchKernel, "cuLaunchKernel");
  STRATA_RESOLVE(cuMemAlloc, "cuMemAlloc_v2");
  STRATA_RESOLVE(cuMemFree, "cuMemFree_v2");
  STRATA_RESOLVE(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  STRATA_RESOLVE(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  STRATA_RESOLVE(cuStreamCreate, "cuStreamCreate");
  STRATA_RESOLVE(cuStreamDestroy, "cuStreamDestroy_v2");
  STRATA_RESOLVE(cuStreamSynchronize, "cuStreamSynchronize");
  STRATA_RESOLVE(cuStreamBeginCapture, "cuStreamBeginCapture_v2");
  STRATA_RESOLVE(cuStreamEndCapture, "cuStreamEndCapture");
  STRATA_RESOLVE(cuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags");
  STRATA_RESOLVE(cuGraphLaunch, "cuGraphLaunch");
  STRATA_RESOLVE(cuGraphExecDestroy, "cuGraphExecDestroy");
  STRATA_RESOLVE(cuGraphDestroy, "cuGraphDestroy");
  STRATA_RESOLVE(cuEventCreate, "cuEventCreate");
  STRATA_RESOLVE(cuEventRecord, "cuEventRecord");
  STRATA_RESOLVE(cuEventSynchronize, "cuEventSynchronize");
  STRATA_RESOLVE(cuEventElapsedTime, "cuEventElapsedTime_v2",
                 "cuEventElapsedTime");
  STRATA_RESOLVE(cuEventDestroy, "cuEventDestroy_v2");

  result = driver.cuInit(0);
  if (strata_cuda_check(result, "cuInit") != STRATA_OK)
    goto failed;
  driver_state = 1;
  return &driver;

unresolved:
  strata_cuda_set_error("the CUDA driver %s lacks %s (a driver for CUDA 12 "
                        "or newer is needed)",
                        path, missing);
failed:
  dlclose(driver.library);
  memset(&driver, 0, sizeof driver);
  driver_state = -1;
  return NULL;
}
