/*===- npy.c - NumPy .npy files -----------------------------------*- C -*-===//
 *
 * Users hand strata-run arrays saved with np.save and read its results with
 * np.load, so this file parses the small Python-dict header NumPy writes and
 * writes the same header back. Only what a model can consume is accepted:
 * little-endian numeric and bool dtypes, C order, at most 8 dimensions, and
 * exactly as many data bytes as the shape needs.
 *
 *===----------------------------------------------------------------------===*/

#include "tensor_io_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The layout: the magic "\x93NUMPY", a major and minor version byte, the
 * header length (2 bytes little-endian in version 1, 4 bytes in versions 2
 * and 3), then a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * padded with spaces and a newline, then the raw data. */

/* The NumPy type codes Strata understands, as "<kind><bytes>". */
static const struct npy_type {
  const char *code;
  int32_t dtype;
} npy_types[] = {
    {"f2", STRATA_DTYPE_FLOAT16}, {"f4", STRATA_DTYPE_FLOAT32},
    {"f8", STRATA_DTYPE_FLOAT64}, {"i1", STRATA_DTYPE_INT8},
    {"i2", STRATA_DTYPE_INT16},   {"i4", STRATA_DTYPE_INT32},
    {"i8", STRATA_DTYPE_INT64},   {"u1", STRATA_DTYPE_UINT8},
    {"u2", STRATA_DTYPE_UINT16},  {"u4", STRATA_DTYPE_UINT32},
    {"u8", STRATA_DTYPE_UINT64},  {"b1", STRATA_DTYPE_BOOL},
};

#define NPY_TYPE_COUNT (sizeof npy_types / sizeof npy_types[0])

/* The fields of a header, parsed from text that may be anything at all. */
typedef struct npy_header {
  char descr[32];
  bool fortran_order;
  int32_t rank;
  int64_t shape[STRATA_HOST_MAX_RANK];
  bool has_descr, has_fortran_order, has_shape;
} npy_header_t;

typedef struct text_cursor {
  const char *begin, *at, *end;
} text_cursor_t;

static void text_skip_space(text_cursor_t *text) {
  while (text->at < text->end && (*text->at == ' ' || *text->at == '\t' ||
                                  *text->at == '\n' || *text->at == '\r'))
    ++text->at;
}

static bool text_take(text_cursor_t *text, char expected) {
  text_skip_space(text);
  if (text->at < text->end && *text->at == expected) {
    ++text->at;
    return true;
  }
  return false;
}

static bool text_take_word(text_cursor_t *text, const char *word) {
  size_t length = strlen(word);
  text_skip_space(text);
  if ((size_t)(text->end - text->at) < length ||
      memcmp(text->at, word, length) != 0)
    return false;
  text->at += length;
  return true;
}

/* A '...' or "..." string without escapes, copied into `out`. */
static bool text_take_string(text_cursor_t *text, char *out, size_t capacity) {
  const char *start;
  char quote;
  text_skip_space(text);
  if (text->at >= text->end || (*text->at != '\'' && *text->at != '"'))
    return false;
  quote = *text->at++;
  start = text->at;
  while (text->at < text->end && *text->at != quote)
    ++text->at;
  if (text->at >= text->end || (size_t)(text->at - start) >= capacity)
    return false;
  memcpy(out, start, (size_t)(text->at - start));
  out[text->at - start] = '\0';
  ++text->at;
  return true;
}

/* A non-negative decimal, with the 'L' suffix Python 2 wrote for longs. */
static bool text_take_extent(text_cursor_t *text, int64_t *value) {
  int64_t result = 0;
  const char *start;
  text_skip_space(text);
  start = text->at;
  while (text->at < text->end && *text->at >= '0' && *text->at <= '9') {
    int digit = *text->at - '0';
    if (result > (INT64_MAX - digit) / 10)
      return false;
    result = result * 10 + digit;
    ++text->at;
  }
  if (text->at == start)
    return false;
  if (text->at < text->end && *text->at == 'L')
    ++text->at;
  *value = result;
  return true;
}

/* `(2, 3)`, `(3,)` or `()`. */
static bool npy_parse_shape(text_cursor_t *text, npy_header_t *header,
                            const char *origin, strata_io_error_t *error) {
  if (!text_take(text, '('))
    return strata_io_fail(error, origin,
                          "malformed .npy header: 'shape' is not a "
                          "tuple");
  header->rank = 0;
  while (!text_take(text, ')')) {
    if (header->rank == STRATA_HOST_MAX_RANK)
      return strata_io_fail(error, origin, "shape has more than %d dimensions",
                            STRATA_HOST_MAX_RANK);
    if (!text_take_extent(text, &header->shape[header->rank]))
      return strata_io_fail(error, origin,
                            "malformed .npy header: 'shape' holds "
                            "something other than non-negative "
                            "integers");
    ++header->rank;
    if (!text_take(text, ',')) {
      if (!text_take(text, ')'))
        return strata_io_fail(error, origin,
                              "malformed .npy header: unterminated "
                              "'shape' tuple");
      break;
    }
  }
  header->has_shape = true;
  return true;
}

static bool npy_parse_header(const char *chars, size_t length,
                             npy_header_t *header, const char *origin,
                             strata_io_error_t *error) {
  text_cursor_t text = {chars, chars, chars + length};
  memset(header, 0, sizeof *header);
  if (!text_take(&text, '{'))
    return strata_io_fail(error, origin,
                          "malformed .npy header: it does not start "
                          "with '{'");
  while (!text_take(&text, '}')) {
    char key[32];
    if (!text_take_string(&text, key, sizeof key) || !text_take(&text, ':'))
      return strata_io_fail(error, origin,
                            "malformed .npy header at character %" STRATA_PRIuSIZE ": "
                            "expected 'key': value",
                            (size_t)(text.at - text.begin));
    if (strcmp(key, "descr") == 0) {
      text_skip_space(&text);
      if (text.at < text.end && *text.at == '[')
        return strata_io_fail(error, origin,
                              "structured dtypes (a list 'descr') are "
                              "not supported; save a plain array");
      if (!text_take_string(&text, header->descr, sizeof header->descr))
        return strata_io_fail(error, origin,
                              "malformed .npy header: 'descr' is not "
                              "a short string");
      header->has_descr = true;
    } else if (strcmp(key, "fortran_order") == 0) {
      if (text_take_word(&text, "True"))
        header->fortran_order = true;
      else if (!text_take_word(&text, "False"))
        return strata_io_fail(error, origin,
                              "malformed .npy header: 'fortran_order' "
                              "is neither True nor False");
      header->has_fortran_order = true;
    } else if (strcmp(key, "shape") == 0) {
      if (!npy_parse_shape(&text, header, origin, error))
        return false;
    } else {
      return strata_io_fail(error, origin, "unexpected key '%s' in .npy header",
                            key);
    }
    if (!text_take(&text, ',')) {
      if (!text_take(&text, '}'))
        return strata_io_fail(error, origin,
                              "malformed .npy header at character "
                              "%" STRATA_PRIuSIZE ": expected ',' or '}'",
                              (size_t)(text.at - text.begin));
      break;
    }
  }
  text_skip_space(&text);
  if (text.at != text.end)
    return strata_io_fail(error, origin,
                          "malformed .npy header: text after the "
                          "closing '}'");
  if (!header->has_descr || !header->has_fortran_order || !header->has_shape)
    return strata_io_fail(error, origin, ".npy header lacks '%s'",
                          !header->has_descr           ? "descr"
                          : !header->has_fortran_order ? "fortran_order"
                                                       : "shape");
  return true;
}

/* Maps "<f4", "|b1", ... to a dtype. '=' (native) means little-endian here. */
static bool npy_dtype_from_descr(const char *descr, int32_t *dtype,
                                 const char *origin, strata_io_error_t *error) {
  size_t i;
  char order = descr[0];
  const char *code = descr + 1;
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return strata_io_fail(error, origin,
                          "malformed dtype '%s' (no byte-order "
                          "character)",
                          descr);
  for (i = 0; i < NPY_TYPE_COUNT; ++i) {
    if (strcmp(code, npy_types[i].code) != 0)
      continue;
    if (order == '>' && code[1] != '1')
      return strata_io_fail(error, origin,
                            "big-endian dtype '%s' is not supported; "
                            "save with arr.astype('<%s')",
                            descr, code);
    *dtype = npy_types[i].dtype;
    return true;
  }
  return strata_io_fail(error, origin,
                        "dtype '%s' is not supported (supported: f2 "
                        "f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)",
                        descr);
}

bool strata_host_tensor_parse_npy(const void *bytes, size_t size,
                                  const char *origin,
                                  strata_host_tensor_t *tensor,
                                  strata_io_error_t *error) {
  const unsigned char *data = bytes;
  size_t header_length, header_start, elements, expected;
  npy_header_t header;
  int32_t dtype = STRATA_DTYPE_UNDEFINED, i, long_extents = 0;
  char shape_text[200];
  strata_io_error_t scratch;
  if (error == NULL)
    error = &scratch;
  memset(tensor, 0, sizeof *tensor);
  if (size < STRATA_NPY_MAGIC_SIZE ||
      memcmp(data, STRATA_NPY_MAGIC, STRATA_NPY_MAGIC_SIZE))
    return strata_io_fail(error, origin,
                          "not a NumPy .npy file (no \\x93NUMPY "
                          "magic)");
  if (size < 10)
    return strata_io_fail(error, origin, "truncated .npy file (%" STRATA_PRIuSIZE " bytes)",
                          size);
  if (data[6] == 1) {
    header_length = (size_t)data[8] | (size_t)data[9] << 8;
    header_start = 10;
  } else if (data[6] == 2 || data[6] == 3) {
    if (size < 12)
      return strata_io_fail(error, origin, "truncated .npy file (%" STRATA_PRIuSIZE " bytes)",
                            size);
    header_length = (size_t)data[8] | (size_t)data[9] << 8 |
                    (size_t)data[10] << 16 | (size_t)data[11] << 24;
    header_start = 12;
  } else {
    return strata_io_fail(error, origin,
                          "unsupported .npy format version %u.%u", data[6],
                          data[7]);
  }
  if (header_length > size - header_start)
    return strata_io_fail(error, origin,
                          "truncated .npy file: the header claims "
                          "%" STRATA_PRIuSIZE " bytes, only %" STRATA_PRIuSIZE " follow",
                          header_length, size - header_start);
  if (!npy_parse_header((const char *)data + header_start, header_length,
                        &header, origin, error) ||
      !npy_dtype_from_descr(header.descr, &dtype, origin, error))
    return false;
  for (i = 0; i < header.rank; ++i)
    long_extents += header.shape[i] > 1;
  if (header.fortran_order && long_extents > 1)
    return strata_io_fail(error, origin,
                          "Fortran-order arrays are not supported; "
                          "save np.ascontiguousarray(arr)");
  strata_host_format_shape(header.shape, header.rank, shape_text,
                           sizeof shape_text);
  if (!strata_io_shape_bytes(header.shape, header.rank,
                             strata_dtype_size(dtype), &elements, &expected))
    return strata_io_fail(error, origin, "shape %s is too large", shape_text);
  if (size - header_start - header_length != expected)
    return strata_io_fail(error, origin,
                          "holds %" STRATA_PRIuSIZE " bytes of data, but a %s tensor "
                          "of shape %s needs %" STRATA_PRIuSIZE "",
                          size - header_start - header_length,
                          strata_dtype_name(dtype), shape_text, expected);
  if (!strata_io_allocate_data(tensor, expected, origin, error))
    return false;
  if (expected > 0)
    memcpy(tensor->data, data + header_start + header_length, expected);
  tensor->dtype = dtype;
  tensor->rank = header.rank;
  memcpy(tensor->shape, header.shape, sizeof header.shape);
  return true;
}

static const char *npy_descr_for(int32_t dtype) {
  switch (dtype) {
  case STRATA_DTYPE_FLOAT16:
    return "<f2";
  case STRATA_DTYPE_FLOAT32:
    return "<f4";
  case STRATA_DTYPE_FLOAT64:
    return "<f8";
  case STRATA_DTYPE_INT8:
    return "|i1";
  case STRATA_DTYPE_INT16:
    return "<i2";
  case STRATA_DTYPE_INT32:
    return "<i4";
  case STRATA_DTYPE_INT64:
    return "<i8";
  case STRATA_DTYPE_UINT8:
    return "|u1";
  case STRATA_DTYPE_UINT16:
    return "<u2";
  case STRATA_DTYPE_UINT32:
    return "<u4";
  case STRATA_DTYPE_UINT64:
    return "<u8";
  case STRATA_DTYPE_BOOL:
    return "|b1";
  default:
    return NULL;
  }
}

bool strata_host_tensor_write_npy(const char *path,
                                  const strata_host_tensor_t *tensor,
                                  strata_io_error_t *error) {
  /* Preamble and header together are padded to a multiple of 64 bytes, as
   * NumPy does, so the data that follows is aligned when memory-mapped. */
  char header[512], shape_text[200];
  unsigned char preamble[10];
  size_t length, elements, expected, padded;
  const char *descr = npy_descr_for(tensor->dtype);
  int32_t i;
  FILE *file;
  strata_io_error_t scratch;
  if (error == NULL)
    error = &scratch;
  if (descr == NULL)
    return strata_io_fail(error, path,
                          "cannot write a %s tensor as .npy (NumPy has "
                          "no such dtype)",
                          strata_dtype_name(tensor->dtype));
  if (tensor->rank < 0 || tensor->rank > STRATA_HOST_MAX_RANK)
    return strata_io_fail(error, path, "cannot write a tensor of rank %d",
                          (int)tensor->rank);
  strata_host_format_shape(tensor->shape, tensor->rank, shape_text,
                           sizeof shape_text);
  if (!strata_io_shape_bytes(tensor->shape, tensor->rank,
                             strata_dtype_size(tensor->dtype), &elements,
                             &expected) ||
      expected != tensor->bytes || (expected > 0 && tensor->data == NULL))
    return strata_io_fail(error, path,
                          "tensor of shape %s holds %" STRATA_PRIuSIZE " bytes, which "
                          "does not match its shape",
                          shape_text, tensor->bytes);
  length = (size_t)snprintf(header, sizeof header,
                            "{'descr': '%s', 'fortran_order': False, "
                            "'shape': (",
                            descr);
  for (i = 0; i < tensor->rank; ++i)
    length +=
        (size_t)snprintf(header + length, sizeof header - length, "%lld%s",
                         (long long)tensor->shape[i],
                         tensor->rank == 1 || i + 1 < tensor->rank ? ", " : "");
  if (tensor->rank == 1)
    length -= 1; /* NumPy writes "(3,)", not "(3, )". */
  length += (size_t)snprintf(header + length, sizeof header - length, "), }");
  padded = (sizeof preamble + length + 1 + 63) / 64 * 64 - sizeof preamble;
  memset(header + length, ' ', padded - length - 1);
  header[padded - 1] = '\n';
  memcpy(preamble, STRATA_NPY_MAGIC, STRATA_NPY_MAGIC_SIZE);
  preamble[6] = 1;
  preamble[7] = 0;
  preamble[8] = (unsigned char)(padded & 0xff);
  preamble[9] = (unsigned char)(padded >> 8);

  file = fopen(path, "wb");
  if (file == NULL)
    return strata_io_fail(error, path, "cannot create: %s", strerror(errno));
  if (fwrite(preamble, 1, sizeof preamble, file) != sizeof preamble ||
      fwrite(header, 1, padded, file) != padded ||
      (expected > 0 && fwrite(tensor->data, 1, expected, file) != expected)) {
    int saved = errno;
    fclose(file);
    return strata_io_fail(error, path, "cannot write: %s", strerror(saved));
  }
  if (fclose(file) != 0)
    return strata_io_fail(error, path, "cannot write: %s", strerror(errno));
  return true;
}
