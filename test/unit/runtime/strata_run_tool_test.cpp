//===- strata_run_tool_test.cpp - strata-run end to end on libfake.so -----===//
//
// Runs the real strata-run binary on the hand-written model in fake_model.c
// (y = 2 * x + 1 over float32 [2, 3]), as a user would: through the command
// line, with files on disk. Pins down the output it writes, the benchmark
// line, and that every mistake is one "strata-run: error:" line with exit 1.
//
//===----------------------------------------------------------------------===//

#include "tensor_io.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#ifndef STRATA_RUN_PATH
#error "the build passes the strata-run binary as STRATA_RUN_PATH"
#endif
#ifndef STRATA_FAKE_MODEL_DIR
#error "the build passes the directory holding libfake.so"
#endif

namespace {

struct ToolResult {
  int exitCode;
  std::string output; // stdout and stderr together
};

std::string quote(const std::string &argument) {
  std::string quoted = "'";
  for (char c : argument)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

ToolResult runTool(const std::vector<std::string> &arguments) {
  std::string command = quote(STRATA_RUN_PATH);
  for (const std::string &argument : arguments)
    command += " " + quote(argument);
  command += " 2>&1";
  ToolResult result{-1, ""};
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    return result;
  char buffer[512];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, got);
  int status = pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

/// Expects the single-line error strata-run promises, mentioning each of
/// `fragments`.
void expectError(const ToolResult &result,
                 const std::vector<std::string> &fragments) {
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_EQ(result.output.rfind("strata-run: error: ", 0), 0u) << result.output;
  ASSERT_FALSE(result.output.empty());
  EXPECT_EQ(result.output.find('\n'), result.output.size() - 1)
      << "more than one line: " << result.output;
  for (const std::string &fragment : fragments)
    EXPECT_NE(result.output.find(fragment), std::string::npos)
        << "no '" << fragment << "' in: " << result.output;
}

const float kX[6] = {0.0f, 1.0f, -1.5f, 2.0f, 10.0f, -0.25f};

class StrataRunToolTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "strata-run-test-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    ASSERT_NE(mkdtemp(buffer.data()), nullptr);
    directory = buffer.data();
  }
  // Removes in reverse order, so files go before their directories.
  void TearDown() override {
    for (auto it = created.rbegin(); it != created.rend(); ++it)
      if (unlink(it->c_str()) != 0)
        rmdir(it->c_str());
    rmdir(directory.c_str());
  }

  std::string path(const std::string &name) {
    created.push_back(directory + "/" + name);
    return created.back();
  }

  std::string writeTensor(const std::string &name, int32_t dtype,
                          std::vector<int64_t> shape, const void *data,
                          size_t bytes) {
    strata_host_tensor_t tensor{};
    tensor.dtype = dtype;
    tensor.rank = int32_t(shape.size());
    for (size_t d = 0; d < shape.size(); ++d)
      tensor.shape[d] = shape[d];
    tensor.data = const_cast<void *>(data);
    tensor.bytes = bytes;
    std::string file = path(name);
    strata_io_error_t error{};
    EXPECT_TRUE(strata_host_tensor_write_npy(file.c_str(), &tensor, &error))
        << error.message;
    return file;
  }

  std::string writeX() {
    return writeTensor("x.npy", STRATA_DTYPE_FLOAT32, {2, 3}, kX, sizeof kX);
  }

  /// A directory with libfake.so copied in under each of `names`.
  std::string modelDirectory(const std::vector<std::string> &names) {
    std::string models = path("models");
    EXPECT_EQ(mkdir(models.c_str(), 0755), 0);
    std::string source = std::string(STRATA_FAKE_MODEL_DIR) + "/libfake.so";
    for (const std::string &name : names) {
      std::string target = path("models/" + name);
      std::string command = "cp " + quote(source) + " " + quote(target);
      EXPECT_EQ(std::system(command.c_str()), 0);
    }
    return models;
  }

  std::string directory;
  std::vector<std::string> created;
};

// The model's output lands in the --output file as float32 [2, 3] = 2x + 1.
TEST_F(StrataRunToolTest, RunsTheModelAndWritesItsOutput) {
  std::string input = writeX(), output = path("y.npy");
  ToolResult result =
      runTool({STRATA_FAKE_MODEL_DIR, "--input", input, "--output", output});
  ASSERT_EQ(result.exitCode, 0) << result.output;
  EXPECT_EQ(result.output, "");

  strata_host_tensor_t y{};
  strata_io_error_t error{};
  ASSERT_TRUE(strata_host_tensor_read_npy(output.c_str(), &y, &error))
      << error.message;
  EXPECT_EQ(y.dtype, STRATA_DTYPE_FLOAT32);
  ASSERT_EQ(y.rank, 2);
  EXPECT_EQ(y.shape[0], 2);
  EXPECT_EQ(y.shape[1], 3);
  ASSERT_EQ(y.bytes, sizeof kX);
  const float *values = static_cast<const float *>(y.data);
  for (int i = 0; i < 6; ++i)
    EXPECT_FLOAT_EQ(values[i], 2.0f * kX[i] + 1.0f) << "element " << i;
  strata_host_tensor_free(&y);
}

// An ONNX TensorProto input works like a .npy one.
TEST_F(StrataRunToolTest, AcceptsTensorProtoInput) {
  std::vector<uint8_t> pb = {0x08, 2, 0x08, 3, 0x10, 1, 0x4a, 24};
  const uint8_t *raw = reinterpret_cast<const uint8_t *>(kX);
  pb.insert(pb.end(), raw, raw + sizeof kX);
  std::string input = path("x.pb");
  FILE *file = std::fopen(input.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  std::fwrite(pb.data(), 1, pb.size(), file);
  std::fclose(file);
  std::string output = path("y.npy");
  ToolResult result =
      runTool({STRATA_FAKE_MODEL_DIR, "--input", input, "--output=" + output});
  EXPECT_EQ(result.exitCode, 0) << result.output;
}

// --benchmark prints one parseable line, makes --output optional, and times
// the runs themselves: the fake model busy-waits 3 ms per run, so no run may
// be reported shorter.
TEST_F(StrataRunToolTest, BenchmarkPrintsOneLine) {
  std::string input = writeX();
  setenv("STRATA_FAKE_MODEL_SPIN_MS", "3", /*overwrite=*/1);
  ToolResult result =
      runTool({STRATA_FAKE_MODEL_DIR, "--input", input, "--benchmark", "5"});
  unsetenv("STRATA_FAKE_MODEL_SPIN_MS");
  ASSERT_EQ(result.exitCode, 0) << result.output;
  int runs = 0;
  double median = -1, minimum = -1;
  ASSERT_EQ(std::sscanf(result.output.c_str(),
                        "benchmark: runs=%d median_ms=%lf min_ms=%lf", &runs,
                        &median, &minimum),
            3)
      << result.output;
  EXPECT_EQ(runs, 5);
  EXPECT_GE(median, minimum);
  EXPECT_GE(minimum, 3.0);
  EXPECT_EQ(result.output.find('\n'), result.output.size() - 1);
}

TEST_F(StrataRunToolTest, WrongShapeNamesTheInputAndBothShapes) {
  std::string input =
      writeTensor("x.npy", STRATA_DTYPE_FLOAT32, {3, 2}, kX, sizeof kX);
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--input", input, "--output",
                       path("y.npy")}),
              {"input 0 ('x')", "[3, 2]", "expects [2, 3]"});
}

TEST_F(StrataRunToolTest, WrongDtypeNamesTheInputAndBothDtypes) {
  const double wide[6] = {};
  std::string input =
      writeTensor("x.npy", STRATA_DTYPE_FLOAT64, {2, 3}, wide, sizeof wide);
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--input", input, "--output",
                       path("y.npy")}),
              {"input 0 ('x')", "float64", "expects float32"});
}

TEST_F(StrataRunToolTest, InputAndOutputCountsMustMatch) {
  std::string input = writeX();
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--input", input, "--input",
                       input, "--output", path("y.npy")}),
              {"takes 1 input", "got 2"});
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--input", input, "--output",
                       path("y.npy"), "--output", path("z.npy")}),
              {"has 1 output", "got 2"});
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--input", input}), {"--output"});
}

TEST_F(StrataRunToolTest, UnreadableInputIsNamed) {
  std::string missing = directory + "/missing.npy";
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--input", missing, "--output",
                       path("y.npy")}),
              {missing, "cannot open"});
}

// Several libraries need --name; --name picks libNAME.so and NAME_model.
TEST_F(StrataRunToolTest, SeveralLibrariesNeedName) {
  std::string models = modelDirectory({"libfake.so", "libother.so"});
  std::string input = writeX();
  expectError(runTool({models, "--input", input, "--output", path("y.npy")}),
              {"libfake.so, libother.so", "--name"});
  ToolResult named = runTool(
      {models, "--name", "fake", "--input", input, "--output", path("y.npy")});
  EXPECT_EQ(named.exitCode, 0) << named.output;
  expectError(runTool({models, "--name", "other", "--input", input, "--output",
                       path("z.npy")}),
              {"other_model"});
}

TEST_F(StrataRunToolTest, DirectoryWithoutLibraryIsAnError) {
  std::string input = writeX();
  expectError(runTool({directory, "--input", input, "--output", path("y.npy")}),
              {"no lib*.so", directory});
}

TEST_F(StrataRunToolTest, BadCommandLinesAreOneLineErrors) {
  expectError(runTool({}), {"missing OUT_DIR"});
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--frobnicate"}),
              {"unknown option '--frobnicate'"});
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--benchmark", "zero"}),
              {"--benchmark"});
  expectError(runTool({STRATA_FAKE_MODEL_DIR, "--input"}),
              {"--input needs a value"});
}

TEST_F(StrataRunToolTest, HelpPrintsUsage) {
  ToolResult result = runTool({"--help"});
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_EQ(result.output.rfind("usage: strata-run OUT_DIR", 0), 0u)
      << result.output;
}

} // namespace
