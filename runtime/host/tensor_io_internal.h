/*===- tensor_io_internal.h - What the tensor codecs share --------*- C -*-===//
 *
 * The .npy and .pb codecs live in their own files (npy.c, tensor_proto.c) so
 * each stays readable on its own; this private header is what they share with
 * tensor_io.c: one way to report an error, one overflow-checked size
 * computation, one allocation rule. Not installed, not for other callers.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_HOST_TENSOR_IO_INTERNAL_H
#define STRATA_HOST_TENSOR_IO_INTERNAL_H

#include "tensor_io.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the tensor readers copy little-endian file data straight into memory"
#endif

#if defined(__GNUC__)
#define STRATA_PRINTF_LIKE(format_index, first_arg)                            \
  __attribute__((format(printf, format_index, first_arg)))
#else
#define STRATA_PRINTF_LIKE(format_index, first_arg)
#endif

/* Every .npy file starts with these bytes. */
#define STRATA_NPY_MAGIC "\x93NUMPY"
#define STRATA_NPY_MAGIC_SIZE 6

/* Fills `error` with "ORIGIN: message" and returns false, so failures read
 * `return strata_io_fail(...)`. */
bool strata_io_fail(strata_io_error_t *error, const char *origin,
                    const char *format, ...) STRATA_PRINTF_LIKE(3, 4);

/* Elements and bytes of a shape; false on a negative extent or overflow. */
bool strata_io_shape_bytes(const int64_t *shape, int32_t rank,
                           size_t element_size, size_t *elements,
                           size_t *bytes);

/* Gives `tensor` a `bytes`-long buffer; malloc never sees 0, so `data` is
 * non-NULL for empty tensors too. */
bool strata_io_allocate_data(strata_host_tensor_t *tensor, size_t bytes,
                             const char *origin, strata_io_error_t *error);

#endif /* STRATA_HOST_TENSOR_IO_INTERNAL_H */
