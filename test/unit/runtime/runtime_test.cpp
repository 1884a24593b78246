//===- runtime_test.cpp - strata_run's checks and the size helpers --------===//
//
// strata_run is the only guard in front of generated code, which trusts its
// arguments blindly; these tests pin down that each bad argument is refused
// with its own status before the entry runs, and that a good call reaches the
// entry with the caller's buffers untouched.
//
//===----------------------------------------------------------------------===//

#include "strata/runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace {

struct EntryCall {
  int count = 0;
  const void *const *inputs = nullptr;
  void *const *outputs = nullptr;
  void *arena = nullptr;
  const strata_executor_t *executor = nullptr;
};

EntryCall lastCall;

void recordingEntry(const void *const *inputs, void *const *outputs,
                    void *arena, const strata_executor_t *executor) {
  ++lastCall.count;
  lastCall.inputs = inputs;
  lastCall.outputs = outputs;
  lastCall.arena = arena;
  lastCall.executor = executor;
}

const int64_t kShape[2] = {2, 3};
const strata_tensor_desc_t kInputs[2] = {
    {"a", STRATA_DTYPE_FLOAT32, 2, kShape},
    {"b", STRATA_DTYPE_FLOAT32, 2, kShape}};
const strata_tensor_desc_t kOutputs[1] = {
    {"c", STRATA_DTYPE_FLOAT32, 2, kShape}};

strata_model_t makeModel() {
  return strata_model_t{
      STRATA_ABI_VERSION, 2, 1, 0, "test", kInputs, kOutputs, 64, 16,
      recordingEntry};
}

class StrataRunTest : public ::testing::Test {
protected:
  void SetUp() override { lastCall = EntryCall(); }

  alignas(64) unsigned char arena[128] = {};
  float a[6] = {}, b[6] = {}, c[6] = {};
  const void *inputs[2] = {a, b};
  void *outputs[1] = {c};
};

// A well-formed call reaches the entry once, with exactly the caller's
// pointers.
TEST_F(StrataRunTest, GoodCallRunsTheEntryWithTheCallersBuffers) {
  strata_model_t model = makeModel();
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena, 64), STRATA_OK);
  EXPECT_EQ(lastCall.count, 1);
  EXPECT_EQ(lastCall.inputs, inputs);
  EXPECT_EQ(lastCall.outputs, outputs);
  EXPECT_EQ(lastCall.arena, arena);
  EXPECT_EQ(lastCall.executor, nullptr); // strata_run: the calling thread
}

// strata_run_with hands the entry the caller's executor, after the same
// checks.
TEST_F(StrataRunTest, RunWithPassesTheExecutor) {
  strata_model_t model = makeModel();
  strata_executor_t executor = {nullptr, nullptr};
  EXPECT_EQ(strata_run_with(&model, inputs, outputs, arena, 64, &executor),
            STRATA_OK);
  EXPECT_EQ(lastCall.count, 1);
  EXPECT_EQ(lastCall.executor, &executor);
  EXPECT_EQ(strata_run_with(&model, inputs, outputs, arena, 63, &executor),
            STRATA_ERROR_ARENA_TOO_SMALL);
  EXPECT_EQ(lastCall.count, 1);
}

// A model without an arena accepts a NULL arena of size 0.
TEST_F(StrataRunTest, ModelWithoutArenaAcceptsNullArena) {
  strata_model_t model = makeModel();
  model.arena_bytes = 0;
  EXPECT_EQ(strata_run(&model, inputs, outputs, nullptr, 0), STRATA_OK);
  EXPECT_EQ(lastCall.count, 1);
}

TEST_F(StrataRunTest, NullModelIsRefused) {
  EXPECT_EQ(strata_run(nullptr, inputs, outputs, arena, 64),
            STRATA_ERROR_NULL_ARGUMENT);
}

// A descriptor from another ABI version is refused before anything else in
// it is trusted.
TEST_F(StrataRunTest, AbiMismatchIsRefused) {
  strata_model_t model = makeModel();
  model.abi_version = STRATA_ABI_VERSION + 1;
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena, 64),
            STRATA_ERROR_ABI_MISMATCH);
  EXPECT_EQ(lastCall.count, 0);
}

TEST_F(StrataRunTest, NullEntryIsRefused) {
  strata_model_t model = makeModel();
  model.entry = nullptr;
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena, 64),
            STRATA_ERROR_NULL_ARGUMENT);
}

// Missing arrays and every missing buffer inside them are refused.
TEST_F(StrataRunTest, NullBuffersAreRefused) {
  strata_model_t model = makeModel();
  EXPECT_EQ(strata_run(&model, nullptr, outputs, arena, 64),
            STRATA_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(strata_run(&model, inputs, nullptr, arena, 64),
            STRATA_ERROR_NULL_ARGUMENT);
  const void *oneMissingInput[2] = {a, nullptr};
  EXPECT_EQ(strata_run(&model, oneMissingInput, outputs, arena, 64),
            STRATA_ERROR_NULL_ARGUMENT);
  void *missingOutput[1] = {nullptr};
  EXPECT_EQ(strata_run(&model, inputs, missingOutput, arena, 64),
            STRATA_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(strata_run(&model, inputs, outputs, nullptr, 64),
            STRATA_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(lastCall.count, 0);
}

// A model with no inputs or outputs may pass NULL arrays.
TEST_F(StrataRunTest, EmptyInputAndOutputListsMayBeNull) {
  strata_model_t model = makeModel();
  model.num_inputs = 0;
  model.num_outputs = 0;
  EXPECT_EQ(strata_run(&model, nullptr, nullptr, arena, 64), STRATA_OK);
}

TEST_F(StrataRunTest, SmallArenaIsRefused) {
  strata_model_t model = makeModel();
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena, 63),
            STRATA_ERROR_ARENA_TOO_SMALL);
  EXPECT_EQ(lastCall.count, 0);
}

TEST_F(StrataRunTest, MisalignedArenaIsRefused) {
  strata_model_t model = makeModel();
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena + 8, 64),
            STRATA_ERROR_ARENA_MISALIGNED);
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena + 1, 64),
            STRATA_ERROR_ARENA_MISALIGNED);
  EXPECT_EQ(lastCall.count, 0);
}

// Alignments 0 and 1 mean "any", and a non-power-of-two is still honoured.
TEST_F(StrataRunTest, UnusualAlignments) {
  strata_model_t model = makeModel();
  model.arena_alignment = 0;
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena + 1, 64), STRATA_OK);
  model.arena_alignment = 1;
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena + 1, 64), STRATA_OK);
  model.arena_alignment = 24;
  size_t offset = (24 - reinterpret_cast<uintptr_t>(arena) % 24) % 24;
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena + offset, 64), STRATA_OK);
  EXPECT_EQ(strata_run(&model, inputs, outputs, arena + offset + 16, 64),
            STRATA_ERROR_ARENA_MISALIGNED);
}

TEST(StrataStrerrorTest, EveryStatusHasAMessage) {
  // Every status up to the last one declared has its own message.
  for (int status = STRATA_OK; status <= STRATA_ERROR_GPU; ++status) {
    const char *message = strata_strerror(static_cast<strata_status_t>(status));
    ASSERT_NE(message, nullptr);
    EXPECT_GT(std::strlen(message), 0u) << status;
    EXPECT_STRNE(message, "unknown status") << status;
  }
  EXPECT_STREQ(strata_strerror(STRATA_OK), "success");
  EXPECT_STREQ(strata_strerror(static_cast<strata_status_t>(99)),
               "unknown status");
}

// Sizes and names follow ONNX's TensorProto.DataType numbering.
TEST(StrataDtypeTest, SizesAndNames) {
  struct Expected {
    int32_t dtype;
    size_t size;
    const char *name;
  } table[] = {
      {STRATA_DTYPE_FLOAT32, 4, "float32"},
      {STRATA_DTYPE_UINT8, 1, "uint8"},
      {STRATA_DTYPE_INT8, 1, "int8"},
      {STRATA_DTYPE_UINT16, 2, "uint16"},
      {STRATA_DTYPE_INT16, 2, "int16"},
      {STRATA_DTYPE_INT32, 4, "int32"},
      {STRATA_DTYPE_INT64, 8, "int64"},
      {STRATA_DTYPE_BOOL, 1, "bool"},
      {STRATA_DTYPE_FLOAT16, 2, "float16"},
      {STRATA_DTYPE_FLOAT64, 8, "float64"},
      {STRATA_DTYPE_UINT32, 4, "uint32"},
      {STRATA_DTYPE_UINT64, 8, "uint64"},
      {STRATA_DTYPE_BFLOAT16, 2, "bfloat16"},
  };
  for (const Expected &e : table) {
    EXPECT_EQ(strata_dtype_size(e.dtype), e.size) << e.name;
    EXPECT_STREQ(strata_dtype_name(e.dtype), e.name);
  }
  for (int32_t unknown : {0, 8, 14, 15, 17, 99, -1}) {
    EXPECT_EQ(strata_dtype_size(unknown), 0u) << unknown;
    EXPECT_STREQ(strata_dtype_name(unknown), "unknown");
  }
}

TEST(StrataTensorSizeTest, ElementsAndBytes) {
  const int64_t shape[3] = {2, 3, 4};
  strata_tensor_desc_t desc = {"t", STRATA_DTYPE_INT64, 3, shape};
  EXPECT_EQ(strata_tensor_elements(&desc), 24u);
  EXPECT_EQ(strata_tensor_bytes(&desc), 192u);

  strata_tensor_desc_t scalar = {"s", STRATA_DTYPE_FLOAT16, 0, nullptr};
  EXPECT_EQ(strata_tensor_elements(&scalar), 1u);
  EXPECT_EQ(strata_tensor_bytes(&scalar), 2u);
}

// Malformed or overflowing descriptions count as 0, never as a wrapped size.
TEST(StrataTensorSizeTest, MalformedDescriptionsHaveNoSize) {
  EXPECT_EQ(strata_tensor_elements(nullptr), 0u);
  EXPECT_EQ(strata_tensor_bytes(nullptr), 0u);
  const int64_t negative[2] = {2, -3};
  strata_tensor_desc_t desc = {"n", STRATA_DTYPE_FLOAT32, 2, negative};
  EXPECT_EQ(strata_tensor_elements(&desc), 0u);
  strata_tensor_desc_t noShape = {"m", STRATA_DTYPE_FLOAT32, 2, nullptr};
  EXPECT_EQ(strata_tensor_elements(&noShape), 0u);
  const int64_t huge[2] = {INT64_C(1) << 40, INT64_C(1) << 40};
  strata_tensor_desc_t overflow = {"h", STRATA_DTYPE_FLOAT32, 2, huge};
  EXPECT_EQ(strata_tensor_elements(&overflow), 0u);
  const int64_t bytesOverflow[1] = {INT64_C(1) << 62};
  strata_tensor_desc_t wide = {"w", STRATA_DTYPE_FLOAT64, 1, bytesOverflow};
  EXPECT_EQ(strata_tensor_bytes(&wide), 0u);
  const int64_t zero[2] = {0, 5};
  strata_tensor_desc_t empty = {"e", STRATA_DTYPE_FLOAT32, 2, zero};
  EXPECT_EQ(strata_tensor_bytes(&empty), 0u);
  strata_tensor_desc_t unknown = {"u", 8, 2, kShape};
  EXPECT_EQ(strata_tensor_bytes(&unknown), 0u);
}

} // namespace
