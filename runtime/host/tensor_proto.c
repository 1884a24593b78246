/*===- tensor_proto.c - ONNX TensorProto .pb files ----------------*- C -*-===//
 *
 * ONNX's own test data (onnx/backend/test/data) stores tensors as serialized
 * TensorProto messages, so strata-run reads those as well. The protobuf wire
 * format is decoded by hand to keep the host tools free of a protobuf
 * runtime: one pass validates every field and counts values, a second copies
 * them out, narrowing int32_data to the tensor's element type as ONNX
 * prescribes (int8, int16, uint8, uint16, bool and both 16-bit floats travel
 * there).
 *
 *===----------------------------------------------------------------------===*/

#include "tensor_io_internal.h"

#include <string.h>

/*===----------------------------------------------------------------------===*
 * Protobuf wire format
 *===----------------------------------------------------------------------===*/

enum wire_type {
  WIRE_VARINT = 0,
  WIRE_FIXED64 = 1,
  WIRE_LENGTH_DELIMITED = 2,
  WIRE_FIXED32 = 5
};

typedef struct wire_reader {
  const unsigned char *begin, *at, *end;
} wire_reader_t;

/* One field: `varint` for WIRE_VARINT, `payload`/`length` for the others. */
typedef struct wire_field {
  uint32_t number;
  uint32_t type;
  size_t offset;
  uint64_t varint;
  const unsigned char *payload;
  size_t length;
} wire_field_t;

/* False when the bytes end inside the varint or it runs past 10 bytes. */
static bool wire_read_varint(wire_reader_t *reader, uint64_t *value) {
  uint64_t result = 0;
  unsigned shift;
  for (shift = 0; shift < 64 && reader->at < reader->end; shift += 7) {
    unsigned char byte = *reader->at++;
    result |= (uint64_t)(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

/* Returns 1 and fills `field`, 0 at the end of the message, -1 on an error. */
static int wire_next_field(wire_reader_t *reader, wire_field_t *field,
                           const char *origin, strata_io_error_t *error) {
  uint64_t key, length;
  size_t remaining;
  if (reader->at == reader->end)
    return 0;
  memset(field, 0, sizeof *field);
  field->offset = (size_t)(reader->at - reader->begin);
  if (!wire_read_varint(reader, &key) || (key >> 3) == 0 ||
      (key >> 3) > 0x1fffffff) {
    strata_io_fail(error, origin,
                   "malformed protobuf field key at byte %" STRATA_PRIuSIZE " (is this "
                   "an ONNX TensorProto .pb file?)",
                   field->offset);
    return -1;
  }
  field->number = (uint32_t)(key >> 3);
  field->type = (uint32_t)(key & 7);
  switch (field->type) {
  case WIRE_VARINT:
    if (wire_read_varint(reader, &field->varint))
      return 1;
    strata_io_fail(error, origin, "truncated varint in field %u at byte %" STRATA_PRIuSIZE "",
                   (unsigned)field->number, field->offset);
    return -1;
  case WIRE_FIXED64:
  case WIRE_FIXED32:
  case WIRE_LENGTH_DELIMITED:
    if (field->type == WIRE_LENGTH_DELIMITED) {
      if (!wire_read_varint(reader, &length)) {
        strata_io_fail(error, origin,
                       "truncated length of field %u at byte %" STRATA_PRIuSIZE "",
                       (unsigned)field->number, field->offset);
        return -1;
      }
    } else {
      length = field->type == WIRE_FIXED64 ? 8 : 4;
    }
    remaining = (size_t)(reader->end - reader->at);
    if (length > remaining) {
      strata_io_fail(error, origin,
                     "truncated: field %u at byte %" STRATA_PRIuSIZE " needs %llu "
                     "bytes, only %" STRATA_PRIuSIZE " remain",
                     (unsigned)field->number, field->offset,
                     (unsigned long long)length,
                     remaining);
      return -1;
    }
    field->payload = reader->at;
    field->length = (size_t)length;
    reader->at += length;
    return 1;
  default:
    strata_io_fail(error, origin,
                   "unsupported protobuf wire type %u in field %u at "
                   "byte %" STRATA_PRIuSIZE " (is this an ONNX TensorProto .pb file?)",
                   (unsigned)field->type, (unsigned)field->number, field->offset);
    return -1;
  }
}

/* Two's complement reinterpretation without implementation-defined casts. */
static int64_t wire_signed(uint64_t value) {
  return value <= (uint64_t)INT64_MAX ? (int64_t)value : -(int64_t)(~value) - 1;
}

/*===----------------------------------------------------------------------===*
 * ONNX TensorProto
 *===----------------------------------------------------------------------===*/

enum tensor_proto_field {
  PB_DIMS = 1,
  PB_DATA_TYPE = 2,
  PB_SEGMENT = 3,
  PB_FLOAT_DATA = 4,
  PB_INT32_DATA = 5,
  PB_STRING_DATA = 6,
  PB_INT64_DATA = 7,
  PB_NAME = 8,
  PB_RAW_DATA = 9,
  PB_DOUBLE_DATA = 10,
  PB_UINT64_DATA = 11,
  PB_EXTERNAL_DATA = 13,
  PB_DATA_LOCATION = 14,
  PB_FIELD_LIMIT = 15
};

static const char *pb_field_name(uint32_t number) {
  switch (number) {
  case PB_FLOAT_DATA:
    return "float_data";
  case PB_INT32_DATA:
    return "int32_data";
  case PB_STRING_DATA:
    return "string_data";
  case PB_INT64_DATA:
    return "int64_data";
  case PB_DOUBLE_DATA:
    return "double_data";
  case PB_UINT64_DATA:
    return "uint64_data";
  case PB_DIMS:
    return "dims";
  case PB_DATA_TYPE:
    return "data_type";
  case PB_NAME:
    return "name";
  case PB_RAW_DATA:
    return "raw_data";
  default:
    return "field";
  }
}

/* ONNX names for the types a TensorProto may carry but Strata cannot run. */
static const char *pb_onnx_type_name(int64_t data_type) {
  switch (data_type) {
  case 8:
    return "string";
  case 14:
    return "complex64";
  case 15:
    return "complex128";
  case 17:
  case 18:
  case 19:
  case 20:
    return "float8";
  case 21:
    return "uint4";
  case 22:
    return "int4";
  case 23:
    return "float4e2m1";
  default:
    return "unknown";
  }
}

/* The typed field that holds values of `dtype` when raw_data is absent. The
 * narrow integer types, bool and both 16-bit floats (as bit patterns) all
 * travel in int32_data. */
static uint32_t pb_values_field(int32_t dtype) {
  switch (dtype) {
  case STRATA_DTYPE_FLOAT32:
    return PB_FLOAT_DATA;
  case STRATA_DTYPE_FLOAT64:
    return PB_DOUBLE_DATA;
  case STRATA_DTYPE_INT64:
    return PB_INT64_DATA;
  case STRATA_DTYPE_UINT32:
  case STRATA_DTYPE_UINT64:
    return PB_UINT64_DATA;
  default:
    return PB_INT32_DATA;
  }
}

/* What one pass over the message learned. */
typedef struct pb_summary {
  bool has_data_type;
  int64_t data_type;
  int32_t rank;
  int64_t shape[STRATA_HOST_MAX_RANK];
  bool has_raw_data;
  const unsigned char *raw_data;
  size_t raw_bytes;
  size_t value_counts[PB_FIELD_LIMIT];
} pb_summary_t;

/* Where decoded values go: counted only while `out` is NULL. */
typedef struct pb_values {
  size_t count;
  unsigned char *out;
  int32_t dtype;
} pb_values_t;

/* Range-checks one integer from int32_data, int64_data or uint64_data and
 * stores it at `index` in the width of `dtype`. */
static bool pb_store_integer(pb_values_t *values, uint32_t field, uint64_t raw,
                             const char *origin, strata_io_error_t *error) {
  int64_t value = field == PB_UINT64_DATA ? 0 : wire_signed(raw);
  int64_t low = 0, high = 0;
  size_t index = values->count;
  unsigned char *out = values->out;
  switch (values->dtype) {
  case STRATA_DTYPE_INT8:
    low = INT8_MIN, high = INT8_MAX;
    break;
  case STRATA_DTYPE_UINT8:
    low = 0, high = UINT8_MAX;
    break;
  case STRATA_DTYPE_INT16:
    low = INT16_MIN, high = INT16_MAX;
    break;
  case STRATA_DTYPE_UINT16:
  case STRATA_DTYPE_FLOAT16:
  case STRATA_DTYPE_BFLOAT16:
    low = 0, high = UINT16_MAX;
    break;
  case STRATA_DTYPE_INT32:
    low = INT32_MIN, high = INT32_MAX;
    break;
  case STRATA_DTYPE_INT64:
    low = INT64_MIN, high = INT64_MAX;
    break;
  case STRATA_DTYPE_BOOL:
    out[index] = raw != 0;
    return true;
  case STRATA_DTYPE_UINT32:
    if (raw > UINT32_MAX)
      return strata_io_fail(error, origin,
                            "uint64_data value %llu at index %" STRATA_PRIuSIZE " "
                            "does not fit uint32",
                            (unsigned long long)raw, index);
    {
      uint32_t narrow = (uint32_t)raw;
      memcpy(out + 4 * index, &narrow, 4);
    }
    return true;
  case STRATA_DTYPE_UINT64:
    memcpy(out + 8 * index, &raw, 8);
    return true;
  default:
    return strata_io_fail(error, origin,
                          "internal error: no integer storage for %s",
                          strata_dtype_name(values->dtype));
  }
  if (value < low || value > high)
    return strata_io_fail(error, origin,
                          "%s value %lld at index %" STRATA_PRIuSIZE " does not fit %s",
                          pb_field_name(field), (long long)value, index,
                          strata_dtype_name(values->dtype));
  switch (strata_dtype_size(values->dtype)) {
  case 1: {
    unsigned char narrow = (unsigned char)(value & 0xff);
    out[index] = narrow;
    break;
  }
  case 2: {
    uint16_t narrow = (uint16_t)((uint64_t)value & 0xffff);
    memcpy(out + 2 * index, &narrow, 2);
    break;
  }
  case 4: {
    uint32_t narrow = (uint32_t)((uint64_t)value & 0xffffffffu);
    memcpy(out + 4 * index, &narrow, 4);
    break;
  }
  default:
    memcpy(out + 8 * index, &raw, 8);
    break;
  }
  return true;
}

/* Visits the values of one occurrence of a repeated numeric field, packed or
 * not: counts them, and stores them when `values->out` is set. */
static bool pb_take_values(const wire_field_t *field, pb_values_t *values,
                           const char *origin, strata_io_error_t *error) {
  bool is_varint_field = field->number == PB_INT32_DATA ||
                         field->number == PB_INT64_DATA ||
                         field->number == PB_UINT64_DATA;
  size_t width = field->number == PB_FLOAT_DATA ? 4 : 8;
  uint32_t scalar_type = is_varint_field                  ? WIRE_VARINT
                         : field->number == PB_FLOAT_DATA ? WIRE_FIXED32
                                                          : WIRE_FIXED64;
  if (field->type == scalar_type && is_varint_field) {
    if (values->out &&
        !pb_store_integer(values, field->number, field->varint, origin, error))
      return false;
    ++values->count;
    return true;
  }
  if (field->type == scalar_type) {
    if (values->out)
      memcpy(values->out + width * values->count, field->payload, width);
    ++values->count;
    return true;
  }
  if (field->type != WIRE_LENGTH_DELIMITED)
    return strata_io_fail(error, origin, "%s at byte %" STRATA_PRIuSIZE " has wire type %u",
                          pb_field_name(field->number), field->offset,
                          (unsigned)field->type);
  if (!is_varint_field) {
    if (field->length % width != 0)
      return strata_io_fail(error, origin,
                            "packed %s at byte %" STRATA_PRIuSIZE " is %" STRATA_PRIuSIZE " bytes, not "
                            "a multiple of %" STRATA_PRIuSIZE "",
                            pb_field_name(field->number), field->offset,
                            field->length, width);
    if (values->out)
      memcpy(values->out + width * values->count, field->payload,
             field->length);
    values->count += field->length / width;
    return true;
  }
  {
    wire_reader_t packed = {field->payload, field->payload,
                            field->payload + field->length};
    while (packed.at < packed.end) {
      uint64_t raw;
      if (!wire_read_varint(&packed, &raw))
        return strata_io_fail(error, origin,
                              "packed %s at byte %" STRATA_PRIuSIZE " ends inside a "
                              "varint",
                              pb_field_name(field->number), field->offset);
      if (values->out &&
          !pb_store_integer(values, field->number, raw, origin, error))
        return false;
      ++values->count;
    }
  }
  return true;
}

static bool pb_add_dim(pb_summary_t *summary, uint64_t raw, const char *origin,
                       strata_io_error_t *error) {
  int64_t extent = wire_signed(raw);
  if (summary->rank == STRATA_HOST_MAX_RANK)
    return strata_io_fail(error, origin, "tensor has more than %d dims",
                          STRATA_HOST_MAX_RANK);
  if (extent < 0)
    return strata_io_fail(error, origin, "dims[%d] is negative (%lld)",
                          (int)summary->rank, (long long)extent);
  summary->shape[summary->rank++] = extent;
  return true;
}

static bool pb_expect_type(const wire_field_t *field, uint32_t type,
                           const char *origin, strata_io_error_t *error) {
  if (field->type == type)
    return true;
  return strata_io_fail(
      error, origin, "%s at byte %" STRATA_PRIuSIZE " has wire type %u, expected %u",
      pb_field_name(field->number), field->offset, (unsigned)field->type,
      (unsigned)type);
}

/* The first pass: shape, type, where raw_data lies, how many typed values. */
static bool pb_summarize(const unsigned char *data, size_t size,
                         pb_summary_t *summary, const char *origin,
                         strata_io_error_t *error) {
  wire_reader_t reader = {data, data, data + size};
  wire_field_t field;
  int status;
  memset(summary, 0, sizeof *summary);
  while ((status = wire_next_field(&reader, &field, origin, error)) > 0) {
    switch (field.number) {
    case PB_DIMS:
      if (field.type == WIRE_LENGTH_DELIMITED) {
        wire_reader_t packed = {field.payload, field.payload,
                                field.payload + field.length};
        while (packed.at < packed.end) {
          uint64_t raw;
          if (!wire_read_varint(&packed, &raw))
            return strata_io_fail(error, origin,
                                  "packed dims at byte %" STRATA_PRIuSIZE " end "
                                  "inside a varint",
                                  field.offset);
          if (!pb_add_dim(summary, raw, origin, error))
            return false;
        }
      } else if (!pb_expect_type(&field, WIRE_VARINT, origin, error) ||
                 !pb_add_dim(summary, field.varint, origin, error)) {
        return false;
      }
      break;
    case PB_DATA_TYPE:
      if (!pb_expect_type(&field, WIRE_VARINT, origin, error))
        return false;
      summary->has_data_type = true;
      summary->data_type = wire_signed(field.varint);
      break;
    case PB_SEGMENT:
      return strata_io_fail(error, origin,
                            "holds one segment of a larger tensor; "
                            "segmented TensorProtos are not "
                            "supported");
    case PB_FLOAT_DATA:
    case PB_INT32_DATA:
    case PB_INT64_DATA:
    case PB_DOUBLE_DATA:
    case PB_UINT64_DATA: {
      pb_values_t values = {0, NULL, 0};
      if (!pb_take_values(&field, &values, origin, error))
        return false;
      summary->value_counts[field.number] += values.count;
      break;
    }
    case PB_STRING_DATA:
      if (!pb_expect_type(&field, WIRE_LENGTH_DELIMITED, origin, error))
        return false;
      summary->value_counts[PB_STRING_DATA] += 1;
      break;
    case PB_NAME:
      if (!pb_expect_type(&field, WIRE_LENGTH_DELIMITED, origin, error))
        return false;
      break;
    case PB_RAW_DATA:
      if (!pb_expect_type(&field, WIRE_LENGTH_DELIMITED, origin, error))
        return false;
      summary->has_raw_data = true;
      summary->raw_data = field.payload;
      summary->raw_bytes = field.length;
      break;
    case PB_EXTERNAL_DATA:
      return strata_io_fail(error, origin,
                            "keeps its data in an external file; "
                            "convert it to .npy with "
                            "onnx.numpy_helper.to_array");
    case PB_DATA_LOCATION:
      if (field.type == WIRE_VARINT && field.varint == 1)
        return strata_io_fail(error, origin,
                              "keeps its data in an external file; "
                              "convert it to .npy with "
                              "onnx.numpy_helper.to_array");
      break;
    default:
      break; /* doc_string, metadata_props and future fields. */
    }
  }
  return status == 0;
}

static const uint32_t pb_typed_fields[] = {PB_FLOAT_DATA,  PB_INT32_DATA,
                                           PB_STRING_DATA, PB_INT64_DATA,
                                           PB_DOUBLE_DATA, PB_UINT64_DATA};

bool strata_host_tensor_parse_pb(const void *bytes, size_t size,
                                 const char *origin,
                                 strata_host_tensor_t *tensor,
                                 strata_io_error_t *error) {
  const unsigned char *data = bytes;
  pb_summary_t summary;
  size_t elements, expected, element_size, i;
  uint32_t values_field;
  int32_t dtype;
  char shape_text[200];
  strata_io_error_t scratch;
  if (error == NULL)
    error = &scratch;
  memset(tensor, 0, sizeof *tensor);
  if (!pb_summarize(data, size, &summary, origin, error))
    return false;
  if (!summary.has_data_type || summary.data_type == 0)
    return strata_io_fail(error, origin,
                          "has no data_type (is this an ONNX "
                          "TensorProto .pb file?)");
  dtype = summary.data_type > 0 && summary.data_type <= INT32_MAX
              ? (int32_t)summary.data_type
              : 0;
  element_size = strata_dtype_size(dtype);
  if (element_size == 0)
    return strata_io_fail(error, origin, "data_type %lld (%s) is not supported",
                          (long long)summary.data_type,
                          pb_onnx_type_name(summary.data_type));
  strata_host_format_shape(summary.shape, summary.rank, shape_text,
                           sizeof shape_text);
  if (!strata_io_shape_bytes(summary.shape, summary.rank, element_size,
                             &elements, &expected))
    return strata_io_fail(error, origin, "dims %s are too large", shape_text);

  values_field = pb_values_field(dtype);
  for (i = 0; i < sizeof pb_typed_fields / sizeof pb_typed_fields[0]; ++i) {
    uint32_t field = pb_typed_fields[i];
    if (summary.value_counts[field] == 0)
      continue;
    if (summary.has_raw_data)
      return strata_io_fail(error, origin, "has both raw_data and %s",
                            pb_field_name(field));
    if (field != values_field)
      return strata_io_fail(error, origin,
                            "a %s tensor keeps its values in %s or "
                            "raw_data, but this one has %s",
                            strata_dtype_name(dtype),
                            pb_field_name(values_field), pb_field_name(field));
  }
  if (summary.has_raw_data && summary.raw_bytes != expected)
    return strata_io_fail(error, origin,
                          "raw_data holds %" STRATA_PRIuSIZE " bytes, but a %s tensor "
                          "of shape %s needs %" STRATA_PRIuSIZE "",
                          summary.raw_bytes, strata_dtype_name(dtype),
                          shape_text, expected);
  if (!summary.has_raw_data && summary.value_counts[values_field] != elements)
    return strata_io_fail(
        error, origin, "%s holds %" STRATA_PRIuSIZE " values, but shape %s needs %" STRATA_PRIuSIZE "",
        pb_field_name(values_field), summary.value_counts[values_field],
        shape_text, elements);
  if (!strata_io_allocate_data(tensor, expected, origin, error))
    return false;

  if (summary.has_raw_data) {
    if (expected > 0)
      memcpy(tensor->data, summary.raw_data, expected);
  } else {
    /* The second pass: the first validated every field, so only range
     * checks on narrowed integers can fail here. */
    wire_reader_t reader = {data, data, data + size};
    wire_field_t field;
    pb_values_t values = {0, tensor->data, dtype};
    while (wire_next_field(&reader, &field, origin, error) > 0) {
      if (field.number == values_field &&
          !pb_take_values(&field, &values, origin, error)) {
        strata_host_tensor_free(tensor);
        return false;
      }
    }
  }
  tensor->dtype = dtype;
  tensor->rank = summary.rank;
  memcpy(tensor->shape, summary.shape, sizeof summary.shape);
  return true;
}
