/*===- tensor_io.c - Reading and writing tensor files -------------*- C -*-===//
 *
 * The entry points of tensor_io.h that touch the file system, and the helpers
 * the two codecs share. Files are read whole into memory and handed to the
 * codec their extension names (npy.c or tensor_proto.c), or, for any other
 * name, the one whose magic they carry; the codecs themselves never see a
 * file, which is what lets the tests feed them truncated and corrupted bytes.
 *
 *===----------------------------------------------------------------------===*/

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "tensor_io_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*===----------------------------------------------------------------------===*
 * Shared helpers
 *===----------------------------------------------------------------------===*/

bool strata_io_fail(strata_io_error_t *error, const char *origin,
                    const char *format, ...) {
  va_list args;
  int used = snprintf(error->message, sizeof error->message,
                      "%s: ", origin ? origin : "<tensor>");
  if (used < 0 || (size_t)used >= sizeof error->message)
    return false;
  va_start(args, format);
  vsnprintf(error->message + used, sizeof error->message - (size_t)used, format,
            args);
  va_end(args);
  return false;
}

const char *strata_host_format_shape(const int64_t *shape, int32_t rank,
                                     char *buffer, size_t buffer_size) {
  size_t used = 0;
  int32_t i;
  if (buffer_size == 0)
    return buffer;
  buffer[0] = '\0';
  for (i = -1; i <= rank && used < buffer_size; ++i) {
    int written;
    if (i == -1)
      written = snprintf(buffer + used, buffer_size - used, "[");
    else if (i == rank)
      written = snprintf(buffer + used, buffer_size - used, "]");
    else
      written = snprintf(buffer + used, buffer_size - used, "%s%lld",
                         i == 0 ? "" : ", ", (long long)shape[i]);
    if (written < 0)
      break;
    used += (size_t)written;
  }
  return buffer;
}

bool strata_io_shape_bytes(const int64_t *shape, int32_t rank,
                           size_t element_size, size_t *elements,
                           size_t *bytes) {
  size_t count = 1;
  int32_t i;
  for (i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return false;
#if SIZE_MAX < INT64_MAX
    if (shape[i] > (int64_t)SIZE_MAX)
      return false;
#endif
    if (shape[i] != 0 && count > SIZE_MAX / (size_t)shape[i])
      return false;
    count *= (size_t)shape[i];
  }
  if (element_size != 0 && count > SIZE_MAX / element_size)
    return false;
  *elements = count;
  *bytes = count * element_size;
  return true;
}

bool strata_io_allocate_data(strata_host_tensor_t *tensor, size_t bytes,
                             const char *origin, strata_io_error_t *error) {
  tensor->data = malloc(bytes ? bytes : 1);
  if (tensor->data == NULL)
    return strata_io_fail(error, origin, "out of memory allocating %" STRATA_PRIuSIZE " bytes",
                          bytes);
  tensor->bytes = bytes;
  return true;
}

void strata_host_tensor_free(strata_host_tensor_t *tensor) {
  if (tensor == NULL)
    return;
  free(tensor->data);
  memset(tensor, 0, sizeof *tensor);
}

/* Reads a whole file by growing a buffer, so pipes work as well as files. */
static bool read_file(const char *path, unsigned char **bytes, size_t *size,
                      strata_io_error_t *error) {
  size_t capacity = 4096, used = 0;
  unsigned char *buffer;
  FILE *file = fopen(path, "rb");
  if (file == NULL)
    return strata_io_fail(error, path, "cannot open: %s", strerror(errno));
  buffer = malloc(capacity);
  while (buffer != NULL) {
    size_t got;
    if (used == capacity) {
      unsigned char *grown =
          capacity > SIZE_MAX / 2 ? NULL : realloc(buffer, capacity * 2);
      if (grown == NULL) {
        free(buffer);
        buffer = NULL;
        break;
      }
      buffer = grown;
      capacity *= 2;
    }
    got = fread(buffer + used, 1, capacity - used, file);
    used += got;
    if (got == 0)
      break;
  }
  if (buffer == NULL) {
    fclose(file);
    return strata_io_fail(error, path, "out of memory while reading");
  }
  if (ferror(file)) {
    int saved = errno;
    free(buffer);
    fclose(file);
    return strata_io_fail(error, path, "cannot read: %s", strerror(saved));
  }
  fclose(file);
  *bytes = buffer;
  *size = used;
  return true;
}

static bool has_suffix(const char *text, const char *suffix) {
  size_t length = strlen(text), suffix_length = strlen(suffix);
  return length >= suffix_length &&
         strcmp(text + length - suffix_length, suffix) == 0;
}

/*===----------------------------------------------------------------------===*
 * Files
 *===----------------------------------------------------------------------===*/

typedef bool (*tensor_parser_fn)(const void *, size_t, const char *,
                                 strata_host_tensor_t *, strata_io_error_t *);

static bool read_with(tensor_parser_fn parse, const char *path,
                      strata_host_tensor_t *tensor, strata_io_error_t *error) {
  unsigned char *bytes = NULL;
  size_t size = 0;
  bool parsed;
  strata_io_error_t scratch;
  if (error == NULL)
    error = &scratch;
  memset(tensor, 0, sizeof *tensor);
  if (!read_file(path, &bytes, &size, error))
    return false;
  if (parse == NULL)
    parse = size >= STRATA_NPY_MAGIC_SIZE &&
                    memcmp(bytes, STRATA_NPY_MAGIC, STRATA_NPY_MAGIC_SIZE) == 0
                ? strata_host_tensor_parse_npy
                : strata_host_tensor_parse_pb;
  parsed = parse(bytes, size, path, tensor, error);
  free(bytes);
  return parsed;
}

bool strata_host_tensor_read_npy(const char *path, strata_host_tensor_t *tensor,
                                 strata_io_error_t *error) {
  return read_with(strata_host_tensor_parse_npy, path, tensor, error);
}

bool strata_host_tensor_read_pb(const char *path, strata_host_tensor_t *tensor,
                                strata_io_error_t *error) {
  return read_with(strata_host_tensor_parse_pb, path, tensor, error);
}

bool strata_host_tensor_read(const char *path, strata_host_tensor_t *tensor,
                             strata_io_error_t *error) {
  if (has_suffix(path, ".npy"))
    return strata_host_tensor_read_npy(path, tensor, error);
  if (has_suffix(path, ".pb"))
    return strata_host_tensor_read_pb(path, tensor, error);
  return read_with(NULL, path, tensor, error);
}
