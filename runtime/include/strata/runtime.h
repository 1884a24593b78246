/*===- runtime.h - The Strata runtime's public interface -------*- C -*-===//
 *
 * Every artifact Strata emits is a model descriptor (`NAME_model`, a
 * strata_model_t in read-only data) plus one entry function with a uniform
 * signature. This header is the contract between the compiler, which lays the
 * descriptor out in LLVM IR, and the C99 runtime that checks arguments before
 * calling the entry. It must stay freestanding: no libc headers beyond the
 * ones C99 guarantees without a hosted environment (stddef.h, stdint.h).
 *
 * Changing a struct here changes the ABI: bump STRATA_ABI_VERSION and the
 * compiler's emitter (compiler/EntryPointEmitter.cpp) together.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_RUNTIME_H
#define STRATA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 2: the entry point takes a strata_executor_t for its parallel loops. */
#define STRATA_ABI_VERSION 2u

/* The one table of element types, numbered as ONNX's TensorProto.DataType:
 * X(NAME, CODE, BYTES, "name"). The enum, strata_dtype_size/name and the
 * compiler's header writer all expand it. */
#define STRATA_DTYPES(X)                                                       \
  X(FLOAT32, 1, 4, "float32")                                                  \
  X(UINT8, 2, 1, "uint8")                                                      \
  X(INT8, 3, 1, "int8")                                                        \
  X(UINT16, 4, 2, "uint16")                                                    \
  X(INT16, 5, 2, "int16")                                                      \
  X(INT32, 6, 4, "int32")                                                      \
  X(INT64, 7, 8, "int64")                                                      \
  X(BOOL, 9, 1, "bool")                                                        \
  X(FLOAT16, 10, 2, "float16")                                                 \
  X(FLOAT64, 11, 8, "float64")                                                 \
  X(UINT32, 12, 4, "uint32")                                                   \
  X(UINT64, 13, 8, "uint64")                                                   \
  X(BFLOAT16, 16, 2, "bfloat16")

#define STRATA_DTYPE_ENUMERATOR(name, code, bytes, text) STRATA_DTYPE_##name = code,
typedef enum strata_dtype {
  STRATA_DTYPE_UNDEFINED = 0,
  STRATA_DTYPES(STRATA_DTYPE_ENUMERATOR)
} strata_dtype_t;
#undef STRATA_DTYPE_ENUMERATOR

typedef enum strata_status {
  STRATA_OK = 0,
  STRATA_ERROR_NULL_ARGUMENT = 1,
  STRATA_ERROR_ABI_MISMATCH = 2,
  STRATA_ERROR_ARENA_TOO_SMALL = 3,
  STRATA_ERROR_ARENA_MISALIGNED = 4,
  STRATA_ERROR_UNKNOWN_DTYPE = 5,
  STRATA_ERROR_INDEX_OUT_OF_RANGE = 6,
  STRATA_ERROR_WRONG_DEVICE = 7, /* a GPU model given to strata_run, ... */
  STRATA_ERROR_NO_GPU = 8,       /* no CUDA driver, or no fitting GPU */
  STRATA_ERROR_GPU = 9           /* a CUDA driver call failed */
} strata_status_t;

/* strata_model_t.flags */
#define STRATA_MODEL_FLAG_CUDA 1u     /* a strata_cuda_model_t (strata/cuda.h) */
#define STRATA_MODEL_FLAG_PARALLEL 2u /* has loops an executor can spread */

/* One input or output of a model. `shape` points at `rank` extents. Bool
 * tensors hold one byte per element. */
typedef struct strata_tensor_desc {
  const char *name;
  int32_t dtype; /* a strata_dtype_t */
  int32_t rank;
  const int64_t *shape;
} strata_tensor_desc_t;

/* One index of a parallel loop: what generated code hands an executor. */
typedef void (*strata_task_fn)(void *closure, int64_t index);

/* How a model's parallel loops run. parallel_for must call
 * body(closure, i) exactly once for every i in [0, n), on any threads, and
 * return when all calls have returned. Each index writes its own part of
 * the results, so outputs are the same bit for bit whichever thread runs
 * which index. A NULL executor (or parallel_for) runs the loops in order on
 * the calling thread; strata/threads.h has a pthread pool for hosted
 * systems. */
typedef struct strata_executor {
  void (*parallel_for)(void *pool, int64_t n, strata_task_fn body,
                       void *closure);
  void *pool;
} strata_executor_t;

/* The generated entry point. Inputs and outputs are dense, row-major buffers
 * in model order; the arena holds every intermediate tensor. Generated code
 * neither allocates nor checks: call it through strata_run. */
typedef void (*strata_entry_fn)(const void *const *inputs, void *const *outputs,
                                void *arena, const strata_executor_t *executor);

/* The descriptor a compiled model exports as `NAME_model`. The field order
 * and widths are fixed by the ABI (see the file comment). */
typedef struct strata_model {
  uint32_t abi_version;
  uint32_t num_inputs;
  uint32_t num_outputs;
  uint32_t flags; /* STRATA_MODEL_FLAG_*; 0 for CPU models */
  const char *name;
  const strata_tensor_desc_t *inputs;
  const strata_tensor_desc_t *outputs;
  uint64_t arena_bytes;
  uint64_t arena_alignment;
  strata_entry_fn entry;
} strata_model_t;

/* A static message for every status; never NULL. */
const char *strata_strerror(strata_status_t status);

/* Bytes per element of `dtype`, 0 when unknown. */
size_t strata_dtype_size(int32_t dtype);

/* A short lower-case name ("float32", "int64", ...), "unknown" otherwise. */
const char *strata_dtype_name(int32_t dtype);

/* Elements and bytes of one tensor described by `desc`. */
size_t strata_tensor_elements(const strata_tensor_desc_t *desc);
size_t strata_tensor_bytes(const strata_tensor_desc_t *desc);

/* Checks the descriptor, every buffer pointer and the arena (size and
 * alignment), then runs the model once on the calling thread. On error
 * nothing is written. */
strata_status_t strata_run(const strata_model_t *model,
                           const void *const *inputs, void *const *outputs,
                           void *arena, size_t arena_bytes);

/* strata_run with the model's parallel loops on `executor` (NULL: on the
 * calling thread). */
strata_status_t strata_run_with(const strata_model_t *model,
                                const void *const *inputs,
                                void *const *outputs, void *arena,
                                size_t arena_bytes,
                                const strata_executor_t *executor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_RUNTIME_H */
