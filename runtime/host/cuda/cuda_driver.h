/*===- cuda_driver.h - The CUDA driver API, loaded at run time --*- C -*-===//
 *
 * Strata never links against CUDA: artifacts built on machines without it
 * must run on machines that have only the driver. This header declares the
 * few driver types and entry points the runtime uses (ABI-compatible with
 * cuda.h) and a table filled by dlopen/dlsym of libcuda.so.1.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_CUDA_DRIVER_H
#define STRATA_HOST_CUDA_DRIVER_H

#include "strata/runtime.h"

#include <stddef.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUgraph_st *CUgraph;
typedef struct CUgraphExec_st *CUgraphExec;
typedef struct CUevent_st *CUevent;

#define STRATA_CUDA_SUCCESS 0
#define STRATA_CU_DEVICE_ATTRIBUTE_CC_MAJOR 75
#define STRATA_CU_DEVICE_ATTRIBUTE_CC_MINOR 76
#define STRATA_CU_STREAM_NON_BLOCKING 1u
#define STRATA_CU_STREAM_CAPTURE_MODE_THREAD_LOCAL 1

typedef struct strata_cuda_driver {
  void *library;
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuGetErrorName)(CUresult error, const char **name);
  CUresult (*cuGetErrorString)(CUresult error, const char **text);
  CUresult (*cuDeviceGetCount)(int *count);
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
  CUresult (*cuDeviceGetName)(char *name, int length, CUdevice device);
  CUresult (*cuDeviceGetAttribute)(int *value, int attribute, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device);
  CUresult (*cuCtxSetCurrent)(CUcontext context);
  CUresult (*cuModuleLoadData)(CUmodule *module, const void *image);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module,
                                  const char *name);
  CUresult (*cuLaunchKernel)(CUfunction function, unsigned grid_x,
                             unsigned grid_y, unsigned grid_z,
                             unsigned block_x, unsigned block_y,
                             unsigned block_z, unsigned shared_bytes,
                             CUstream stream, void **params, void **extra);
  CUresult (*cuMemAlloc)(CUdeviceptr *pointer, size_t bytes);
  CUresult (*cuMemFree)(CUdeviceptr pointer);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr to, const void *from,
                                size_t bytes, CUstream stream);
  CUresult (*cuMemcpyDtoHAsync)(void *to, CUdeviceptr from, size_t bytes,
                                CUstream stream);
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags);
  CUresult (*cuStreamDestroy)(CUstream stream);
  CUresult (*cuStreamSynchronize)(CUstream stream);
  CUresult (*cuStreamBeginCapture)(CUstream stream, int mode);
  CUresult (*cuStreamEndCapture)(CUstream stream, CUgraph *graph);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *exec, CUgraph graph,
                                          unsigned long long flags);
  CUresult (*cuGraphLaunch)(CUgraphExec exec, CUstream stream);
  CUresult (*cuGraphExecDestroy)(CUgraphExec exec);
  CUresult (*cuGraphDestroy)(CUgraph graph);
  CUresult (*cuEventCreate)(CUevent *event, unsigned flags);
  CUresult (*cuEventRecord)(CUevent event, CUstream stream);
  CUresult (*cuEventSynchronize)(CUevent event);
  CUresult (*cuEventElapsedTime)(float *ms, CUevent start, CUevent end);
  CUresult (*cuEventDestroy)(CUevent event);
} strata_cuda_driver_t;

/* The driver, loaded on first use from $STRATA_CUDA_DRIVER or libcuda.so.1
 * and initialized; NULL (with strata_cuda_last_error set) when it cannot be
 * loaded, lacks an entry point or fails cuInit. */
const strata_cuda_driver_t *strata_cuda_driver(void);

/* The loaded driver or NULL, without trying to load it. */
const strata_cuda_driver_t *strata_cuda_driver_if_loaded(void);

/* Records "CALL: NAME (message)" as this thread's last error and returns
 * STRATA_ERROR_GPU, or STRATA_OK when `result` is success. */
strata_status_t strata_cuda_check(CUresult result, const char *call);

/* Records a formatted message as this thread's last error. */
void strata_cuda_set_error(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif /* STRATA_HOST_CUDA_DRIVER_H */
