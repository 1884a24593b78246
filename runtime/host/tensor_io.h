/*===- tensor_io.h - Tensors from and to .npy and ONNX .pb files --*- C -*-===//
 *
 * strata-run feeds models with tensors saved by NumPy (`np.save`) or by ONNX
 * (a serialized TensorProto, the format of onnx/backend/test/data), and writes
 * its results back as .npy. Both formats are decoded by hand so the host tools
 * need nothing beyond libc. Every reader treats its bytes as untrusted: a
 * corrupt or truncated file yields a message naming the file and the problem,
 * never a crash. Hosts are little-endian, as is every tensor in memory here.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_TENSOR_IO_H
#define STRATA_HOST_TENSOR_IO_H

#include "strata/runtime.h"

#include <limits.h>
#include <stdio.h> /* defines __NEWLIB__ where newlib is the C library */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRATA_HOST_MAX_RANK 8

/* printf's conversion for size_t: newlib as Debian builds it for bare metal
 * has no C99 `%zu`, and there size_t is unsigned int. */
#if defined(__NEWLIB__) && SIZE_MAX == UINT_MAX
#define STRATA_PRIuSIZE "u"
#else
#define STRATA_PRIuSIZE "zu"
#endif

/* A dense, row-major tensor owned by the host. `data` is malloc'd and holds
 * `bytes` bytes (it is non-NULL even when `bytes` is 0). */
typedef struct strata_host_tensor {
  int32_t dtype; /* a strata_dtype_t */
  int32_t rank;
  int64_t shape[STRATA_HOST_MAX_RANK];
  void *data;
  size_t bytes;
} strata_host_tensor_t;

/* Why a read or write failed: one line, starting with the file's name. */
typedef struct strata_io_error {
  char message[512];
} strata_io_error_t;

/* Each function returns true on success. On failure it fills `error`, leaves
 * `tensor` zeroed and owns nothing. `origin` names the bytes in messages. */
bool strata_host_tensor_parse_npy(const void *bytes, size_t size,
                                  const char *origin,
                                  strata_host_tensor_t *tensor,
                                  strata_io_error_t *error);
bool strata_host_tensor_parse_pb(const void *bytes, size_t size,
                                 const char *origin,
                                 strata_host_tensor_t *tensor,
                                 strata_io_error_t *error);

bool strata_host_tensor_read_npy(const char *path, strata_host_tensor_t *tensor,
                                 strata_io_error_t *error);
bool strata_host_tensor_read_pb(const char *path, strata_host_tensor_t *tensor,
                                strata_io_error_t *error);

/* Reads `.npy` or `.pb` by extension; any other name by the NumPy magic. */
bool strata_host_tensor_read(const char *path, strata_host_tensor_t *tensor,
                             strata_io_error_t *error);

/* Writes a version 1.0 .npy file (bfloat16 has no NumPy dtype: an error). */
bool strata_host_tensor_write_npy(const char *path,
                                  const strata_host_tensor_t *tensor,
                                  strata_io_error_t *error);

/* Writes `shape` as "[2, 3]" ("[]" for a scalar), truncated to fit `buffer`;
 * returns `buffer`. Used in every message that compares shapes. */
const char *strata_host_format_shape(const int64_t *shape, int32_t rank,
                                     char *buffer, size_t buffer_size);

/* Frees `data` and zeroes the tensor; safe on a zeroed tensor. */
void strata_host_tensor_free(strata_host_tensor_t *tensor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_HOST_TENSOR_IO_H */
