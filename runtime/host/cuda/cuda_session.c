/*===- cuda_session.c - A model made ready on one GPU ------------*- C -*-===//
 *
 * Implements strata/cuda.h. Opening a session checks the device against the
 * model, uploads the weights to the front of one device workspace and
 * allocates device buffers for host-buffer runs. Runs are keyed by their
 * input and output buffers: the first run with a key launches the kernels
 * directly (which also loads the kernel module outside any capture), the
 * second records them into a CUDA graph, and every later run replays it
 * with one cuGraphLaunch.
 *
 *===----------------------------------------------------------------------===*/
#include "cuda_launch.h"
#include "strata/cuda.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct buffer sets a session keeps graphs for. */
#define STRATA_CUDA_MAX_GRAPHS 8

typedef struct strata_cuda_graph {
  void **buffers; /* inputs then outputs */
  CUgraphExec exec; /* NULL after the first run with these buffers */
} strata_cuda_graph_t;

struct strata_cuda_session {
  const strata_cuda_model_t *model;
  const strata_cuda_driver_t *driver;
  CUdevice device;
  CUcontext context;
  CUstream stream;
  CUdeviceptr workspace;
  void **buffers;     /* the session's device inputs then outputs */
  void **run_buffers; /* scratch: the buffers of the run being enqueued */
  strata_cuda_graph_t graphs[STRATA_CUDA_MAX_GRAPHS];
  unsigned graph_count, next_eviction;
  unsigned long replays;
  char device_name[128];
};

static CUdeviceptr device_address(const void *pointer) {
  return (CUdeviceptr)(uintptr_t)pointer;
}

static size_t buffer_count(const strata_cuda_session_t *session) {
  return session->model->base.num_inputs + session->model->base.num_outputs;
}

static const strata_tensor_desc_t *
buffer_desc(const strata_cuda_session_t *session, size_t index) {
  const strata_model_t *base = &session->model->base;
  return index < base->num_inputs ? &base->inputs[index]
                                  : &base->outputs[index - base->num_inputs];
}

/* Whether the device can run the model's kernels; says why not. */
static strata_status_t check_device(strata_cuda_session_t *session) {
  const strata_cuda_driver_t *driver = session->driver;
  unsigned needed = session->model->sm_version;
  int major = 0, minor = 0;
  strata_status_t status = strata_cuda_check(
      driver->cuDeviceGetAttribute(&major, STRATA_CU_DEVICE_ATTRIBUTE_CC_MAJOR,
                                   session->device),
      "cuDeviceGetAttribute");
  if (status == STRATA_OK)
    status = strata_cuda_check(
        driver->cuDeviceGetAttribute(
            &minor, STRATA_CU_DEVICE_ATTRIBUTE_CC_MINOR, session->device),
        "cuDeviceGetAttribute");
  if (status != STRATA_OK)
    return status;
  /* PTX runs on its chip and every later one; a cubin only within its
   * major version. */
  if ((unsigned)(major * 10 + minor) < needed ||
      (session->model->binary_kind == STRATA_CUDA_BINARY_CUBIN &&
       (unsigned)major != needed / 10)) {
    strata_cuda_set_error("model '%s' was compiled for sm_%u (%s), but GPU "
                          "'%s' is sm_%d%d",
                          session->model->base.name, needed,
                          session->model->binary_kind == STRATA_CUDA_BINARY_CUBIN
                              ? "cubin"
                              : "PTX",
                          session->device_name, major, minor);
    return STRATA_ERROR_NO_GPU;
  }
  return STRATA_OK;
}

static strata_status_t allocate_buffers(strata_cuda_session_t *session) {
  const strata_cuda_driver_t *driver = session->driver;
  const strata_cuda_model_t *model = session->model;
  strata_status_t status;
  size_t i, count = buffer_count(session);
  status = strata_cuda_check(
      driver->cuMemAlloc(&session->workspace,
                         model->base.arena_bytes ? model->base.arena_bytes : 1),
      "cuMemAlloc");
  if (status == STRATA_OK && model->constants_bytes > 0)
    status = strata_cuda_check(
        driver->cuMemcpyHtoDAsync(session->workspace, model->constants,
                                  model->constants_bytes, session->stream),
        "cuMemcpyHtoDAsync");
  if (status != STRATA_OK)
    return status;
  session->buffers = calloc(count + 1, sizeof *session->buffers);
  session->run_buffers = calloc(count + 1, sizeof *session->run_buffers);
  if (session->buffers == NULL || session->run_buffers == NULL) {
    strata_cuda_set_error("out of host memory");
    return STRATA_ERROR_GPU;
  }
  for (i = 0; i < count && status == STRATA_OK; ++i) {
    size_t bytes = strata_tensor_bytes(buffer_desc(session, i));
    CUdeviceptr buffer = 0;
    status = strata_cuda_check(driver->cuMemAlloc(&buffer, bytes ? bytes : 1),
                               "cuMemAlloc");
    session->buffers[i] = (void *)(uintptr_t)buffer;
  }
  if (status == STRATA_OK)
    status = strata_cuda_check(driver->cuStreamSynchronize(session->stream),
                               "cuStreamSynchronize");
  return status;
}

strata_status_t strata_cuda_open(const strata_model_t *model, int device,
                                 strata_cuda_session_t **out) {
  strata_cuda_session_t *session;
  strata_status_t status;
  int count = 0;
  if (out == NULL || model == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  *out = NULL;
  strata_cuda_set_error("%s", "");
  if (model->abi_version != STRATA_ABI_VERSION)
    return STRATA_ERROR_ABI_MISMATCH;
  if (!(model->flags & STRATA_MODEL_FLAG_CUDA) || model->entry == NULL) {
    strata_cuda_set_error("model '%s' is not a GPU model (use strata_run)",
                          model->name ? model->name : "?");
    return STRATA_ERROR_WRONG_DEVICE;
  }
  session = calloc(1, sizeof *session);
  if (session == NULL) {
    strata_cuda_set_error("out of host memory");
    return STRATA_ERROR_GPU;
  }
  session->model = (const strata_cuda_model_t *)model;
  session->driver = strata_cuda_driver();
  if (session->driver == NULL) {
    free(session);
    return STRATA_ERROR_NO_GPU;
  }
  status = strata_cuda_check(session->driver->cuDeviceGetCount(&count),
                             "cuDeviceGetCount");
  if (status == STRATA_OK && (device < 0 || device >= count)) {
    strata_cuda_set_error("GPU %d requested, but the driver sees %d", device,
                          count);
    status = STRATA_ERROR_NO_GPU;
  }
  if (status == STRATA_OK)
    status = strata_cuda_check(session->driver->cuDeviceGet(&session->device,
                                                            device),
                               "cuDeviceGet");
  if (status == STRATA_OK)
    status = strata_cuda_check(
        session->driver->cuDeviceGetName(session->device_name,
                                         (int)sizeof session->device_name,
                                         session->device),
        "cuDeviceGetName");
  if (status == STRATA_OK)
    status = check_device(session);
  if (status == STRATA_OK) {
    status = strata_cuda_check(
        session->driver->cuDevicePrimaryCtxRetain(&session->context,
                                                  session->device),
        "cuDevicePrimaryCtxRetain");
    if (status != STRATA_OK)
      session->context = NULL;
  }
  if (status == STRATA_OK)
    status = strata_cuda_check(session->driver->cuCtxSetCurrent(session->context),
                               "cuCtxSetCurrent");
  if (status == STRATA_OK)
    status = strata_cuda_check(
        session->driver->cuStreamCreate(&session->stream,
                                        STRATA_CU_STREAM_NON_BLOCKING),
        "cuStreamCreate");
  if (status == STRATA_OK)
    status = allocate_buffers(session);
  if (status != STRATA_OK) {
    char reason[512];
    /* Closing may overwrite the message: keep the first failure's. */
    snprintf(reason, sizeof reason, "%s", strata_cuda_last_error());
    strata_cuda_close(session);
    strata_cuda_set_error("%s", reason);
    return status;
  }
  *out = session;
  return STRATA_OK;
}

/* Calls the model's entry with launches going to `stream`. */
static strata_status_t launch_model(strata_cuda_session_t *session,
                                    void *const *buffers, CUstream stream) {
  strata_cuda_launch_context_t launch;
  const strata_model_t *base = &session->model->base;
  launch.context = session->context;
  launch.stream = stream;
  launch.status = STRATA_OK;
  launch.launches = 0;
  strata_cuda_set_launch_context(&launch);
  base->entry((const void *const *)buffers, buffers + base->num_inputs,
              (void *)(uintptr_t)session->workspace, NULL);
  strata_cuda_set_launch_context(NULL);
  return launch.status;
}

static strata_status_t record_graph(strata_cuda_session_t *session,
                                    strata_cuda_graph_t *graph,
                                    CUstream stream) {
  const strata_cuda_driver_t *driver = session->driver;
  CUgraph recorded = NULL;
  strata_status_t status = strata_cuda_check(
      driver->cuStreamBeginCapture(stream,
                                   STRATA_CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
      "cuStreamBeginCapture");
  strata_status_t launched, ended;
  if (status != STRATA_OK)
    return status;
  launched = launch_model(session, graph->buffers, stream);
  ended = strata_cuda_check(driver->cuStreamEndCapture(stream, &recorded),
                            "cuStreamEndCapture");
  status = launched != STRATA_OK ? launched : ended;
  if (status == STRATA_OK)
    status = strata_cuda_check(
        driver->cuGraphInstantiateWithFlags(&graph->exec, recorded, 0),
        "cuGraphInstantiateWithFlags");
  if (recorded != NULL)
    driver->cuGraphDestroy(recorded);
  if (status != STRATA_OK)
    graph->exec = NULL;
  return status;
}

static void release_graph(strata_cuda_session_t *session,
                          strata_cuda_graph_t *graph) {
  if (graph->exec != NULL)
    session->driver->cuGraphExecDestroy(graph->exec);
  free(graph->buffers);
  graph->buffers = NULL;
  graph->exec = NULL;
}

/* The graph slot for these buffers: an existing one, a free one, or the
 * oldest, recycled. *fresh says whether it is new. */
static strata_cuda_graph_t *graph_for(strata_cuda_session_t *session,
                                      void *const *buffers, int *fresh) {
  size_t count = buffer_count(session), bytes = count * sizeof *buffers;
  strata_cuda_graph_t *graph;
  unsigned i;
  *fresh = 0;
  for (i = 0; i < session->graph_count; ++i)
    if (memcmp(session->graphs[i].buffers, buffers, bytes) == 0)
      return &session->graphs[i];
  if (session->graph_count < STRATA_CUDA_MAX_GRAPHS) {
    graph = &session->graphs[session->graph_count++];
  } else {
    graph = &session->graphs[session->next_eviction];
    session->next_eviction =
        (session->next_eviction + 1) % STRATA_CUDA_MAX_GRAPHS;
    release_graph(session, graph);
  }
  graph->buffers = malloc(bytes ? bytes : 1);
  if (graph->buffers == NULL)
    return NULL;
  memcpy(graph->buffers, buffers, bytes);
  *fresh = 1;
  return graph;
}

strata_status_t strata_cuda_run_device(strata_cuda_session_t *session,
                                       const void *const *device_inputs,
                                       void *const *device_outputs,
                                       void *stream_handle) {
  const strata_model_t *base;
  CUstream stream;
  strata_cuda_graph_t *graph;
  void **buffers;
  strata_status_t status;
  uint32_t i;
  int fresh;
  if (session == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  base = &session->model->base;
  if ((base->num_inputs > 0 && device_inputs == NULL) ||
      (base->num_outputs > 0 && device_outputs == NULL))
    return STRATA_ERROR_NULL_ARGUMENT;
  buffers = session->run_buffers;
  for (i = 0; i < base->num_inputs; ++i)
    buffers[i] = (void *)(uintptr_t)device_inputs[i];
  for (i = 0; i < base->num_outputs; ++i)
    buffers[base->num_inputs + i] = device_outputs[i];
  for (i = 0; i < buffer_count(session); ++i)
    if (buffers[i] == NULL)
      return STRATA_ERROR_NULL_ARGUMENT;
  stream = stream_handle != NULL ? (CUstream)stream_handle : session->stream;
  status = strata_cuda_check(session->driver->cuCtxSetCurrent(session->context),
                             "cuCtxSetCurrent");
  graph = status == STRATA_OK ? graph_for(session, buffers, &fresh) : NULL;
  if (status == STRATA_OK && graph == NULL) {
    strata_cuda_set_error("out of host memory");
    status = STRATA_ERROR_GPU;
  }
  if (status == STRATA_OK) {
    if (fresh) {
      status = launch_model(session, buffers, stream);
    } else {
      if (graph->exec == NULL)
        status = record_graph(session, graph, stream);
      if (status == STRATA_OK) {
        status = strata_cuda_check(
            session->driver->cuGraphLaunch(graph->exec, stream),
            "cuGraphLaunch");
        session->replays += status == STRATA_OK;
      }
    }
  }
  return status;
}

strata_status_t strata_cuda_run(strata_cuda_session_t *session,
                                const void *const *inputs,
                                void *const *outputs) {
  const strata_cuda_driver_t *driver;
  const strata_model_t *base;
  strata_status_t status = STRATA_OK;
  uint32_t i;
  if (session == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  driver = session->driver;
  base = &session->model->base;
  if ((base->num_inputs > 0 && inputs == NULL) ||
      (base->num_outputs > 0 && outputs == NULL))
    return STRATA_ERROR_NULL_ARGUMENT;
  status = strata_cuda_check(driver->cuCtxSetCurrent(session->context),
                             "cuCtxSetCurrent");
  for (i = 0; i < base->num_inputs && status == STRATA_OK; ++i)
    status = inputs[i] == NULL
                 ? STRATA_ERROR_NULL_ARGUMENT
                 : strata_cuda_check(
                       driver->cuMemcpyHtoDAsync(
                           device_address(session->buffers[i]), inputs[i],
                           strata_tensor_bytes(&base->inputs[i]),
                           session->stream),
                       "cuMemcpyHtoDAsync");
  if (status == STRATA_OK)
    status = strata_cuda_run_device(session,
                                    (const void *const *)session->buffers,
                                    session->buffers + base->num_inputs, NULL);
  for (i = 0; i < base->num_outputs && status == STRATA_OK; ++i) {
    CUdeviceptr output = device_address(session->buffers[base->num_inputs + i]);
    status = outputs[i] == NULL
                 ? STRATA_ERROR_NULL_ARGUMENT
                 : strata_cuda_check(
                       driver->cuMemcpyDtoHAsync(
                           outputs[i], output,
                           strata_tensor_bytes(&base->outputs[i]),
                           session->stream),
                       "cuMemcpyDtoHAsync");
  }
  if (status == STRATA_OK)
    status = strata_cuda_check(driver->cuStreamSynchronize(session->stream),
                               "cuStreamSynchronize");
  return status;
}

strata_status_t strata_cuda_time_runs(strata_cuda_session_t *session,
                                      size_t runs, double *times_ms) {
  const strata_cuda_driver_t *driver;
  const strata_model_t *base;
  CUevent start = NULL, stop = NULL;
  const void *const *inputs;
  void *const *outputs;
  strata_status_t status;
  size_t r;
  if (session == NULL || (runs > 0 && times_ms == NULL))
    return STRATA_ERROR_NULL_ARGUMENT;
  driver = session->driver;
  base = &session->model->base;
  inputs = (const void *const *)session->buffers;
  outputs = session->buffers + base->num_inputs;
  status = strata_cuda_check(driver->cuCtxSetCurrent(session->context),
                             "cuCtxSetCurrent");
  if (status == STRATA_OK)
    status = strata_cuda_check(driver->cuEventCreate(&start, 0), "cuEventCreate");
  if (status == STRATA_OK)
    status = strata_cuda_check(driver->cuEventCreate(&stop, 0), "cuEventCreate");
  /* Two warm-up runs: the direct one and the one that records the graph. */
  for (r = 0; r < 2 && status == STRATA_OK; ++r)
    status = strata_cuda_run_device(session, inputs, outputs, NULL);
  for (r = 0; r < runs && status == STRATA_OK; ++r) {
    float ms = 0;
    status = strata_cuda_check(driver->cuEventRecord(start, session->stream),
                               "cuEventRecord");
    if (status == STRATA_OK)
      status = strata_cuda_run_device(session, inputs, outputs, NULL);
    if (status == STRATA_OK)
      status = strata_cuda_check(driver->cuEventRecord(stop, session->stream),
                                 "cuEventRecord");
    if (status == STRATA_OK)
      status = strata_cuda_check(driver->cuEventSynchronize(stop),
                                 "cuEventSynchronize");
    if (status == STRATA_OK)
      status = strata_cuda_check(driver->cuEventElapsedTime(&ms, start, stop),
                                 "cuEventElapsedTime");
    times_ms[r] = ms;
  }
  if (start != NULL)
    driver->cuEventDestroy(start);
  if (stop != NULL)
    driver->cuEventDestroy(stop);
  return status;
}

const char *strata_cuda_device_name(const strata_cuda_session_t *session) {
  return session != NULL ? session->device_name : "";
}

void strata_cuda_graph_stats(const strata_cuda_session_t *session,
                             unsigned *graphs, unsigned long *replays) {
  unsigned i, recorded = 0;
  if (session != NULL)
    for (i = 0; i < session->graph_count; ++i)
      recorded += session->graphs[i].exec != NULL;
  if (graphs != NULL)
    *graphs = recorded;
  if (replays != NULL)
    *replays = session != NULL ? session->replays : 0;
}

void strata_cuda_close(strata_cuda_session_t *session) {
  const strata_cuda_driver_t *driver;
  size_t i;
  unsigned g;
  if (session == NULL)
    return;
  driver = session->driver;
  if (driver != NULL && session->context != NULL) {
    driver->cuCtxSetCurrent(session->context);
    if (session->stream != NULL)
      driver->cuStreamSynchronize(session->stream);
    for (g = 0; g < session->graph_count; ++g)
      release_graph(session, &session->graphs[g]);
    if (session->buffers != NULL)
      for (i = 0; i < buffer_count(session); ++i)
        if (session->buffers[i] != NULL)
          driver->cuMemFree(device_address(session->buffers[i]));
    if (session->workspace != 0)
      driver->cuMemFree(session->workspace);
    if (session->stream != NULL)
      driver->cuStreamDestroy(session->stream);
    driver->cuDevicePrimaryCtxRelease(session->device);
  }
  free(session->buffers);
  free(session->run_buffers);
  free(session);
}
