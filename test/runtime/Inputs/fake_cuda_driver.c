/*===- fake_cuda_driver.c - A CUDA driver without a GPU, for tests -*- C -*-===//
 *
 * Stands in for libcuda.so.1 (through $STRATA_CUDA_DRIVER) so the runtime's
 * GPU sessions can be tested on machines without a GPU. Device memory is
 * host memory; kernels do not run, but every driver call is traced to
 * stderr ("fake-cuda: ..."), and for PTX modules every parameter a kernel
 * receives (its count read from the PTX entry) is checked to lie inside
 * memory allocated with cuMemAlloc, which tests the host code's address
 * arithmetic (weights, arena, inputs, outputs).
 *
 * Environment: FAKE_CUDA_CC (compute capability, default 90),
 * FAKE_CUDA_DEVICES (default 1), FAKE_CUDA_FAIL (a call to fail with
 * CUDA_ERROR_LAUNCH_FAILED).
 *
 *===----------------------------------------------------------------------===*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
#define FAKE_LAUNCH_FAILED 719
#define FAKE_INVALID_VALUE 1

static struct allocation {
  uintptr_t base;
  size_t bytes;
} allocations[256];
static int allocation_count, capturing;
static int context_tag, module_tag, stream_tag, graph_tag, exec_tag, event_tag;

static CUresult call(const char *name) {
  const char *fail = getenv("FAKE_CUDA_FAIL");
  return fail != NULL && strcmp(fail, name) == 0 ? FAKE_LAUNCH_FAILED : 0;
}

static int env_int(const char *name, int fallback) {
  const char *value = getenv(name);
  return value != NULL ? atoi(value) : fallback;
}

CUresult cuGetErrorName(CUresult error, const char **name) {
  *name = error == FAKE_LAUNCH_FAILED ? "CUDA_ERROR_LAUNCH_FAILED"
                                      : "CUDA_ERROR_INVALID_VALUE";
  return 0;
}

CUresult cuGetErrorString(CUresult error, const char **text) {
  *text = error == FAKE_LAUNCH_FAILED ? "unspecified launch failure"
                                      : "invalid argument";
  return 0;
}

CUresult cuInit(unsigned flags) {
  (void)flags;
  fprintf(stderr, "fake-cuda: cuInit\n");
  return call("cuInit");
}

CUresult cuDeviceGetCount(int *count) {
  *count = env_int("FAKE_CUDA_DEVICES", 1);
  return 0;
}

CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return 0;
}

CUresult cuDeviceGetName(char *name, int length, int device) {
  (void)device;
  snprintf(name, (size_t)length, "Fake GPU");
  return 0;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  int cc = env_int("FAKE_CUDA_CC", 90);
  (void)device;
  if (attribute != 75 && attribute != 76)
    return FAKE_INVALID_VALUE;
  *value = attribute == 75 ? cc / 10 : cc % 10;
  return 0;
}

CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  (void)device;
  *context = &context_tag;
  return 0;
}

CUresult cuDevicePrimaryCtxRelease_v2(int device) {
  (void)device;
  fprintf(stderr, "fake-cuda: cuDevicePrimaryCtxRelease\n");
  return 0;
}

CUresult cuCtxSetCurrent(void *context) {
  return context == &context_tag ? 0 : FAKE_INVALID_VALUE;
}

static const char *loaded_ptx;

CUresult cuModuleLoadData(void **module, const void *image) {
  const char *bytes = image;
  int cubin = memcmp(bytes, "\177ELF", 4) == 0;
  fprintf(stderr, "fake-cuda: cuModuleLoadData %s\n", cubin ? "cubin" : "ptx");
  loaded_ptx = cubin ? NULL : bytes;
  *module = &module_tag;
  return call("cuModuleLoadData");
}

CUresult cuModuleUnload(void *module) {
  (void)module;
  return 0;
}

/* A kernel handle: its name and, from the PTX, how many parameters. */
typedef struct fake_function {
  char name[128];
  int params; /* -1: unknown (a cubin) */
} fake_function_t;

static int count_params(const char *name) {
  char pattern[160];
  const char *entry, *end, *p;
  int count = 0;
  if (loaded_ptx == NULL)
    return -1;
  snprintf(pattern, sizeof pattern, ".entry %s(", name);
  entry = strstr(loaded_ptx, pattern);
  if (entry == NULL)
    return -1;
  end = strchr(entry, ')');
  for (p = strstr(entry, ".param"); p != NULL && p < end;
       p = strstr(p + 1, ".param"))
    ++count;
  return count;
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  fake_function_t *kernel = calloc(1, sizeof *kernel);
  (void)module;
  snprintf(kernel->name, sizeof kernel->name, "%s", name);
  kernel->params = count_params(name);
  if (loaded_ptx != NULL && kernel->params < 0) {
    fprintf(stderr, "fake-cuda: ERROR no kernel %s in the module\n", name);
    return FAKE_INVALID_VALUE;
  }
  *function = kernel;
  fprintf(stderr, "fake-cuda: cuModuleGetFunction %s params=%d\n", name,
          kernel->params);
  return 0;
}

static int is_device_pointer(uintptr_t address) {
  int i;
  for (i = 0; i < allocation_count; ++i)
    if (address >= allocations[i].base &&
        address < allocations[i].base + allocations[i].bytes)
      return 1;
  return 0;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned shared,
                        void *stream, void **params, void **extra) {
  const fake_function_t *kernel = function;
  int i;
  (void)shared;
  (void)extra;
  fprintf(stderr,
          "fake-cuda: cuLaunchKernel %s grid=%u,%u,%u block=%u,%u,%u%s%s\n",
          kernel->name, gx, gy, gz, bx, by, bz,
          stream == &stream_tag ? " stream=session" : " stream=other",
          capturing ? " captured" : "");
  /* Every parameter is a buffer today (memrefs as bare pointers). */
  for (i = 0; i < kernel->params; ++i) {
    uintptr_t value;
    memcpy(&value, params[i], sizeof value);
    if (!is_device_pointer(value))
      fprintf(stderr,
              "fake-cuda: ERROR %s parameter %d (0x%llx) is not in device "
              "memory\n",
              kernel->name, i, (unsigned long long)value);
  }
  return call("cuLaunchKernel");
}

CUresult cuMemAlloc_v2(uintptr_t *pointer, size_t bytes) {
  void *memory = calloc(1, bytes);
  if (memory == NULL || allocation_count == 256)
    return FAKE_INVALID_VALUE;
  allocations[allocation_count].base = (uintptr_t)memory;
  allocations[allocation_count].bytes = bytes;
  ++allocation_count;
  *pointer = (uintptr_t)memory;
  fprintf(stderr, "fake-cuda: cuMemAlloc %zu\n", bytes);
  return call("cuMemAlloc");
}

CUresult cuMemFree_v2(uintptr_t pointer) {
  int i;
  for (i = 0; i < allocation_count; ++i)
    if (allocations[i].base == pointer) {
      free((void *)pointer);
      allocations[i] = allocations[--allocation_count];
      return 0;
    }
  fprintf(stderr, "fake-cuda: ERROR cuMemFree of an unknown pointer\n");
  return FAKE_INVALID_VALUE;
}

CUresult cuMemcpyHtoDAsync_v2(uintptr_t to, const void *from, size_t bytes,
                              void *stream) {
  (void)stream;
  if (!is_device_pointer(to) || (bytes > 0 && !is_device_pointer(to + bytes - 1)))
    fprintf(stderr, "fake-cuda: ERROR copy to host memory\n");
  memcpy((void *)to, from, bytes);
  fprintf(stderr, "fake-cuda: cuMemcpyHtoD %zu\n", bytes);
  return 0;
}

CUresult cuMemcpyDtoHAsync_v2(void *to, uintptr_t from, size_t bytes,
                              void *stream) {
  (void)stream;
  memcpy(to, (const void *)from, bytes);
  fprintf(stderr, "fake-cuda: cuMemcpyDtoH %zu\n", bytes);
  return 0;
}

CUresult cuStreamCreate(void **stream, unsigned flags) {
  (void)flags;
  *stream = &stream_tag;
  return 0;
}

CUresult cuStreamDestroy_v2(void *stream) {
  (void)stream;
  return 0;
}

CUresult cuStreamSynchronize(void *stream) {
  (void)stream;
  return 0;
}

CUresult cuStreamBeginCapture_v2(void *stream, int mode) {
  (void)stream;
  capturing = 1;
  fprintf(stderr, "fake-cuda: cuStreamBeginCapture mode=%d\n", mode);
  return 0;
}

CUresult cuStreamEndCapture(void *stream, void **graph) {
  (void)stream;
  capturing = 0;
  *graph = &graph_tag;
  fprintf(stderr, "fake-cuda: cuStreamEndCapture\n");
  return 0;
}

CUresult cuGraphInstantiateWithFlags(void **exec, void *graph,
                                     unsigned long long flags) {
  (void)graph;
  (void)flags;
  *exec = &exec_tag;
  return 0;
}

CUresult cuGraphLaunch(void *exec, void *stream) {
  (void)exec;
  fprintf(stderr, "fake-cuda: cuGraphLaunch%s\n",
          stream == &stream_tag ? " stream=session" : " stream=other");
  return call("cuGraphLaunch");
}

CUresult cuGraphExecDestroy(void *exec) {
  (void)exec;
  return 0;
}

CUresult cuGraphDestroy(void *graph) {
  (void)graph;
  return 0;
}

CUresult cuEventCreate(void **event, unsigned flags) {
  (void)flags;
  *event = &event_tag;
  return 0;
}

CUresult cuEventRecord(void *event, void *stream) {
  (void)event;
  (void)stream;
  return 0;
}

CUresult cuEventSynchronize(void *event) {
  (void)event;
  return 0;
}

CUresult cuEventElapsedTime(float *ms, void *start, void *end) {
  (void)start;
  (void)end;
  *ms = 0.5f;
  return 0;
}

CUresult cuEventDestroy_v2(void *event) {
  (void)event;
  return 0;
}
