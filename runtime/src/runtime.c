/*===- runtime.c - Argument checks in front of every model --------*- C -*-===//
 *
 * Generated entry points trust their arguments completely, so this file is the
 * one place that checks them before a model runs: the descriptor's ABI
 * version, every buffer pointer, and the arena's size and alignment. It also
 * answers the questions a caller asks to allocate buffers (bytes per element,
 * elements and bytes per tensor). The same file runs on microcontrollers and
 * hosts, so it is freestanding C99: no libc, no allocation, and no 64-bit
 * division, which would pull compiler helper routines into 32-bit firmware.
 *
 *===----------------------------------------------------------------------===*/

#include "strata/runtime.h"

const char *strata_strerror(strata_status_t status) {
  /* No default label: the compiler then flags a status added without text. */
  switch (status) {
  case STRATA_OK:
    return "success";
  case STRATA_ERROR_NULL_ARGUMENT:
    return "a required pointer (model, entry, input, output or arena) is NULL";
  case STRATA_ERROR_ABI_MISMATCH:
    return "the model was compiled for a different runtime ABI version";
  case STRATA_ERROR_ARENA_TOO_SMALL:
    return "the arena is smaller than the model's arena_bytes";
  case STRATA_ERROR_ARENA_MISALIGNED:
    return "the arena is not aligned to the model's arena_alignment";
  case STRATA_ERROR_UNKNOWN_DTYPE:
    return "unknown element type";
  case STRATA_ERROR_INDEX_OUT_OF_RANGE:
    return "index out of range";
  case STRATA_ERROR_WRONG_DEVICE:
    return "the model was compiled for another kind of device";
  case STRATA_ERROR_NO_GPU:
    return "no CUDA driver or no GPU the model can run on";
  case STRATA_ERROR_GPU:
    return "a CUDA driver call failed";
  }
  return "unknown status";
}

size_t strata_dtype_size(int32_t dtype) {
#define STRATA_DTYPE_SIZE_CASE(name, code, bytes, text)                        \
  case code:                                                                   \
    return bytes;
  switch (dtype) {
    STRATA_DTYPES(STRATA_DTYPE_SIZE_CASE)
  default:
    return 0;
  }
#undef STRATA_DTYPE_SIZE_CASE
}

const char *strata_dtype_name(int32_t dtype) {
#define STRATA_DTYPE_NAME_CASE(name, code, bytes, text)                        \
  case code:                                                                   \
    return text;
  switch (dtype) {
    STRATA_DTYPES(STRATA_DTYPE_NAME_CASE)
  default:
    return "unknown";
  }
#undef STRATA_DTYPE_NAME_CASE
}

/* Returns 0 for a malformed description (negative rank or extent, missing
 * shape) and when the count does not fit in size_t, so a caller that
 * allocates strata_tensor_bytes() never under-allocates silently: a
 * non-empty tensor with 0 bytes is always an error it can see. */
size_t strata_tensor_elements(const strata_tensor_desc_t *desc) {
  size_t count = 1;
  int32_t i;
  if (desc == NULL || desc->rank < 0 || (desc->rank > 0 && desc->shape == NULL))
    return 0;
  for (i = 0; i < desc->rank; ++i) {
    int64_t extent = desc->shape[i];
    if (extent <= 0)
      return 0;
#if SIZE_MAX < UINT64_MAX
    if ((uint64_t)extent > (uint64_t)SIZE_MAX)
      return 0;
#endif
    if (count > SIZE_MAX / (size_t)extent)
      return 0;
    count *= (size_t)extent;
  }
  return count;
}

size_t strata_tensor_bytes(const strata_tensor_desc_t *desc) {
  size_t count = strata_tensor_elements(desc);
  size_t element = desc == NULL ? 0 : strata_dtype_size(desc->dtype);
  if (count == 0 || element == 0 || count > SIZE_MAX / element)
    return 0;
  return count * element;
}

/* Alignments are powers of two in practice and take the mask path; any other
 * value is honoured with a pointer-width remainder. */
static int strata_is_aligned(const void *pointer, uint64_t alignment) {
  uintptr_t address = (uintptr_t)pointer;
  if (alignment <= 1)
    return 1;
  if ((alignment & (alignment - 1)) == 0)
    return (address & (uintptr_t)(alignment - 1)) == 0;
#if UINTPTR_MAX < UINT64_MAX
  if (alignment > (uint64_t)UINTPTR_MAX)
    return address == 0;
#endif
  return address % (uintptr_t)alignment == 0;
}

strata_status_t strata_run(const strata_model_t *model,
                           const void *const *inputs, void *const *outputs,
                           void *arena, size_t arena_bytes) {
  return strata_run_with(model, inputs, outputs, arena, arena_bytes, NULL);
}

strata_status_t strata_run_with(const strata_model_t *model,
                                const void *const *inputs,
                                void *const *outputs, void *arena,
                                size_t arena_bytes,
                                const strata_executor_t *executor) {
  uint32_t i;
  if (model == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  if (model->abi_version != STRATA_ABI_VERSION)
    return STRATA_ERROR_ABI_MISMATCH;
  if (model->flags & STRATA_MODEL_FLAG_CUDA) /* strata_cuda_run's */
    return STRATA_ERROR_WRONG_DEVICE;
  if (model->entry == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  if (model->num_inputs > 0 && inputs == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  for (i = 0; i < model->num_inputs; ++i)
    if (inputs[i] == NULL)
      return STRATA_ERROR_NULL_ARGUMENT;
  if (model->num_outputs > 0 && outputs == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  for (i = 0; i < model->num_outputs; ++i)
    if (outputs[i] == NULL)
      return STRATA_ERROR_NULL_ARGUMENT;
  if (model->arena_bytes > 0 && arena == NULL)
    return STRATA_ERROR_NULL_ARGUMENT;
  if ((uint64_t)arena_bytes < model->arena_bytes)
    return STRATA_ERROR_ARENA_TOO_SMALL;
  if (!strata_is_aligned(arena, model->arena_alignment))
    return STRATA_ERROR_ARENA_MISALIGNED;
  model->entry(inputs, outputs, arena, executor);
  return STRATA_OK;
}
