//===- tensor_io_test.cpp - .npy and ONNX .pb readers and the .npy writer -===//
//
// The readers take files users hand to strata-run, so besides reading every
// supported dtype and encoding correctly they must turn any corrupt or
// truncated file into a message naming the file. The .pb inputs are built
// byte by byte here, which also documents the wire format the reader expects.
//
//===----------------------------------------------------------------------===//

#include "tensor_io.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

/// A throwaway directory, removed with its files at the end of each test.
class TensorIoTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "strata-tensor-io-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    ASSERT_NE(mkdtemp(buffer.data()), nullptr);
    directory = buffer.data();
  }
  void TearDown() override {
    for (const std::string &file : files)
      unlink(file.c_str());
    rmdir(directory.c_str());
  }

  std::string path(const std::string &name) {
    files.push_back(directory + "/" + name);
    return files.back();
  }

  std::string writeFile(const std::string &name, const Bytes &bytes) {
    std::string file = path(name);
    FILE *stream = std::fopen(file.c_str(), "wb");
    EXPECT_NE(stream, nullptr);
    if (stream) {
      std::fwrite(bytes.data(), 1, bytes.size(), stream);
      std::fclose(stream);
    }
    return file;
  }

  static Bytes readFile(const std::string &file) {
    Bytes bytes;
    FILE *stream = std::fopen(file.c_str(), "rb");
    EXPECT_NE(stream, nullptr);
    if (!stream)
      return bytes;
    int c;
    while ((c = std::fgetc(stream)) != EOF)
      bytes.push_back(static_cast<uint8_t>(c));
    std::fclose(stream);
    return bytes;
  }

  std::string directory;
  std::vector<std::string> files;
};

/// Builds protobuf wire-format bytes field by field.
struct Proto {
  Bytes bytes;

  Proto &varint(uint64_t value) {
    do {
      uint8_t byte = value & 0x7f;
      value >>= 7;
      bytes.push_back(byte | (value ? 0x80 : 0));
    } while (value);
    return *this;
  }
  Proto &key(uint32_t field, uint32_t wireType) {
    return varint(uint64_t(field) << 3 | wireType);
  }
  Proto &integer(uint32_t field, int64_t value) {
    return key(field, 0).varint(uint64_t(value));
  }
  Proto &lengthDelimited(uint32_t field, const void *data, size_t size) {
    key(field, 2).varint(size);
    const uint8_t *begin = static_cast<const uint8_t *>(data);
    bytes.insert(bytes.end(), begin, begin + size);
    return *this;
  }
  Proto &text(uint32_t field, const std::string &value) {
    return lengthDelimited(field, value.data(), value.size());
  }
  Proto &packedIntegers(uint32_t field, const std::vector<int64_t> &values) {
    Proto packed;
    for (int64_t value : values)
      packed.varint(uint64_t(value));
    return lengthDelimited(field, packed.bytes.data(), packed.bytes.size());
  }
  Proto &fixed32(uint32_t field, float value) {
    key(field, 5);
    const uint8_t *raw = reinterpret_cast<const uint8_t *>(&value);
    bytes.insert(bytes.end(), raw, raw + 4);
    return *this;
  }
  Proto &fixed64(uint32_t field, double value) {
    key(field, 1);
    const uint8_t *raw = reinterpret_cast<const uint8_t *>(&value);
    bytes.insert(bytes.end(), raw, raw + 8);
    return *this;
  }
};

// TensorProto field numbers (onnx/onnx.proto).
enum : uint32_t {
  kDims = 1,
  kDataType = 2,
  kFloatData = 4,
  kInt32Data = 5,
  kStringData = 6,
  kInt64Data = 7,
  kName = 8,
  kRawData = 9,
  kDoubleData = 10,
  kUint64Data = 11,
  kExternalData = 13,
  kDocString = 12,
};

const float kValues[6] = {0.5f, -1.0f, 2.25f, 3.0f, -4.5f, 100.0f};

/// A float32 [2, 3] tensor named "x" in raw_data, as onnx.numpy_helper writes.
Proto rawFloatTensor() {
  Proto proto;
  proto.integer(kDims, 2).integer(kDims, 3).integer(kDataType, 1);
  proto.text(kName, "x").lengthDelimited(kRawData, kValues, sizeof kValues);
  return proto;
}

struct Parsed {
  bool ok;
  strata_host_tensor_t tensor;
  std::string message;
};

Parsed parsePb(const Bytes &bytes) {
  Parsed parsed{};
  strata_io_error_t error{};
  parsed.ok = strata_host_tensor_parse_pb(bytes.data(), bytes.size(), "t.pb",
                                          &parsed.tensor, &error);
  parsed.message = error.message;
  return parsed;
}

Parsed parseNpy(const Bytes &bytes) {
  Parsed parsed{};
  strata_io_error_t error{};
  parsed.ok = strata_host_tensor_parse_npy(bytes.data(), bytes.size(), "t.npy",
                                           &parsed.tensor, &error);
  parsed.message = error.message;
  return parsed;
}

/// A .npy file with a hand-written header, padded as NumPy does.
Bytes handMadeNpy(uint8_t major, const std::string &dict, const Bytes &data) {
  Bytes bytes = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((preamble + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  for (size_t i = 0; i < preamble - 8; ++i)
    bytes.push_back(uint8_t(header.size() >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

Bytes floatBytes() {
  const uint8_t *raw = reinterpret_cast<const uint8_t *>(kValues);
  return Bytes(raw, raw + sizeof kValues);
}

void expectFloatTensor(const strata_host_tensor_t &tensor) {
  EXPECT_EQ(tensor.dtype, STRATA_DTYPE_FLOAT32);
  ASSERT_EQ(tensor.rank, 2);
  EXPECT_EQ(tensor.shape[0], 2);
  EXPECT_EQ(tensor.shape[1], 3);
  ASSERT_EQ(tensor.bytes, sizeof kValues);
  EXPECT_EQ(std::memcmp(tensor.data, kValues, sizeof kValues), 0);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

// Every dtype survives write-then-read with its shape and bytes intact.
TEST_F(TensorIoTest, NpyRoundTripKeepsEveryDtype) {
  const int32_t dtypes[] = {
      STRATA_DTYPE_FLOAT32, STRATA_DTYPE_FLOAT64, STRATA_DTYPE_FLOAT16,
      STRATA_DTYPE_INT8,    STRATA_DTYPE_INT16,   STRATA_DTYPE_INT32,
      STRATA_DTYPE_INT64,   STRATA_DTYPE_UINT8,   STRATA_DTYPE_UINT16,
      STRATA_DTYPE_UINT32,  STRATA_DTYPE_UINT64,  STRATA_DTYPE_BOOL};
  for (int32_t dtype : dtypes) {
    SCOPED_TRACE(strata_dtype_name(dtype));
    Bytes data(4 * 5 * strata_dtype_size(dtype));
    for (size_t i = 0; i < data.size(); ++i)
      data[i] = dtype == STRATA_DTYPE_BOOL ? i % 2 : uint8_t(i * 7 + 1);
    strata_host_tensor_t tensor{};
    tensor.dtype = dtype;
    tensor.rank = 2;
    tensor.shape[0] = 4;
    tensor.shape[1] = 5;
    tensor.data = data.data();
    tensor.bytes = data.size();
    std::string file = path(std::string(strata_dtype_name(dtype)) + ".npy");
    strata_io_error_t error{};
    ASSERT_TRUE(strata_host_tensor_write_npy(file.c_str(), &tensor, &error))
        << error.message;

    strata_host_tensor_t back{};
    ASSERT_TRUE(strata_host_tensor_read_npy(file.c_str(), &back, &error))
        << error.message;
    EXPECT_EQ(back.dtype, dtype);
    ASSERT_EQ(back.rank, 2);
    EXPECT_EQ(back.shape[0], 4);
    EXPECT_EQ(back.shape[1], 5);
    ASSERT_EQ(back.bytes, data.size());
    EXPECT_EQ(std::memcmp(back.data, data.data(), data.size()), 0);
    strata_host_tensor_free(&back);
    EXPECT_EQ(back.data, nullptr);
  }
}

// The header is exactly what np.save writes, padded to 64 bytes.
TEST_F(TensorIoTest, NpyWriterMatchesNumPyHeaders) {
  struct Case {
    int32_t rank;
    int64_t shape[2];
    const char *text;
  } cases[] = {
      {0, {0, 0}, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }"},
      {1, {3, 0}, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"},
      {2,
       {2, 3},
       "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"},
  };
  float data[6] = {};
  for (const Case &c : cases) {
    strata_host_tensor_t tensor{};
    tensor.dtype = STRATA_DTYPE_FLOAT32;
    tensor.rank = c.rank;
    tensor.shape[0] = c.shape[0];
    tensor.shape[1] = c.shape[1];
    tensor.data = data;
    tensor.bytes = 4 * (c.rank == 0 ? 1 : c.rank == 1 ? 3 : 6);
    std::string file = path("h" + std::to_string(c.rank) + ".npy");
    strata_io_error_t error{};
    ASSERT_TRUE(strata_host_tensor_write_npy(file.c_str(), &tensor, &error))
        << error.message;
    Bytes bytes = readFile(file);
    ASSERT_GE(bytes.size(), 10u);
    size_t headerLength = bytes[8] | bytes[9] << 8;
    EXPECT_EQ((10 + headerLength) % 64, 0u);
    EXPECT_EQ(bytes.size(), 10 + headerLength + tensor.bytes);
    std::string header(bytes.begin() + 10, bytes.begin() + 10 + headerLength);
    EXPECT_EQ(header.substr(0, std::strlen(c.text)), c.text);
    EXPECT_EQ(header.back(), '\n');
  }
}

// Version 2 and 3 headers (4-byte length), double quotes and Python 2 longs.
TEST_F(TensorIoTest, NpyReadsOtherHeaderVersionsAndSpellings) {
  for (uint8_t major : {1, 2, 3}) {
    SCOPED_TRACE(int(major));
    Parsed parsed = parseNpy(handMadeNpy(
        major,
        "{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"<f4\"}",
        floatBytes()));
    ASSERT_TRUE(parsed.ok) << parsed.message;
    expectFloatTensor(parsed.tensor);
    strata_host_tensor_free(&parsed.tensor);
  }
}

// Fortran order is harmless for one-dimensional data and refused otherwise.
TEST_F(TensorIoTest, NpyFortranOrderOnlyForVectors) {
  Parsed vector = parseNpy(
      handMadeNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (6,), }",
                  floatBytes()));
  EXPECT_TRUE(vector.ok) << vector.message;
  strata_host_tensor_free(&vector.tensor);
  Parsed matrix = parseNpy(handMadeNpy(
      1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
      floatBytes()));
  EXPECT_FALSE(matrix.ok);
  EXPECT_NE(matrix.message.find("Fortran"), std::string::npos);
}

// Each unsupported or malformed header is refused with a message saying why.
TEST_F(TensorIoTest, NpyBadHeadersNameTheProblem) {
  struct Case {
    const char *header;
    const char *mentions;
  } cases[] = {
      {"{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }",
       "big-endian"},
      {"{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }",
       "not supported"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
       "structured"},
      {"{'descr': '<f4', 'fortran_order': False}", "shape"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }", "shape"},
      {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }",
       "fortran_order"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}",
       "unexpected key"},
      {"['descr']", "'{'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} junk",
       "after"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': "
       "(1,1,1,1,1,1,1,1,1), }",
       "more than 8"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': "
       "(99999999999999999999,), }",
       "shape"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': "
       "(4294967296, 4294967296, 4294967296), }",
       "too large"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.header);
    Parsed parsed = parseNpy(handMadeNpy(1, c.header, floatBytes()));
    EXPECT_FALSE(parsed.ok);
    EXPECT_EQ(parsed.message.rfind("t.npy: ", 0), 0u) << parsed.message;
    EXPECT_NE(parsed.message.find(c.mentions), std::string::npos)
        << parsed.message;
  }
}

TEST_F(TensorIoTest, NpyDataMustMatchTheShape) {
  Bytes shortData = floatBytes();
  shortData.pop_back();
  Parsed parsed = parseNpy(handMadeNpy(
      1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      shortData));
  EXPECT_FALSE(parsed.ok);
  EXPECT_NE(parsed.message.find("holds 23 bytes"), std::string::npos)
      << parsed.message;
  Bytes longData = floatBytes();
  longData.push_back(0);
  EXPECT_FALSE(parseNpy(handMadeNpy(1,
                                    "{'descr': '<f4', 'fortran_order': False, "
                                    "'shape': (2, 3), }",
                                    longData))
                   .ok);
}

// Every proper prefix of a valid file, and the empty file, is an error.
TEST_F(TensorIoTest, NpyEveryTruncationIsAnError) {
  Bytes valid = handMadeNpy(
      1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      floatBytes());
  Parsed whole = parseNpy(valid);
  ASSERT_TRUE(whole.ok) << whole.message;
  strata_host_tensor_free(&whole.tensor);
  for (size_t size = 0; size < valid.size(); ++size) {
    Parsed parsed = parseNpy(Bytes(valid.begin(), valid.begin() + size));
    EXPECT_FALSE(parsed.ok) << "prefix of " << size << " bytes";
    EXPECT_EQ(parsed.message.rfind("t.npy: ", 0), 0u) << parsed.message;
    EXPECT_EQ(parsed.tensor.data, nullptr);
  }
}

TEST_F(TensorIoTest, NpyUnknownVersionAndMissingMagic) {
  Bytes future = handMadeNpy(
      1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      floatBytes());
  future[6] = 9;
  EXPECT_NE(parseNpy(future).message.find("version 9.0"), std::string::npos);
  EXPECT_NE(parseNpy(Bytes{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0})
                .message.find("not a NumPy"),
            std::string::npos);
}

TEST_F(TensorIoTest, NpyWriterRefusesWhatNumPyCannotHold) {
  uint16_t data[6] = {};
  strata_host_tensor_t tensor{};
  tensor.dtype = STRATA_DTYPE_BFLOAT16;
  tensor.rank = 2;
  tensor.shape[0] = 2;
  tensor.shape[1] = 3;
  tensor.data = data;
  tensor.bytes = sizeof data;
  strata_io_error_t error{};
  std::string file = path("bf16.npy");
  EXPECT_FALSE(strata_host_tensor_write_npy(file.c_str(), &tensor, &error));
  EXPECT_NE(std::string(error.message).find("bfloat16"), std::string::npos);

  tensor.dtype = STRATA_DTYPE_FLOAT32; // 12 bytes cannot be six floats
  tensor.bytes = 12;
  EXPECT_FALSE(strata_host_tensor_write_npy(file.c_str(), &tensor, &error));
  EXPECT_NE(std::string(error.message).find("does not match"),
            std::string::npos);

  tensor.bytes = 24;
  std::string noDirectory = directory + "/missing/out.npy";
  EXPECT_FALSE(
      strata_host_tensor_write_npy(noDirectory.c_str(), &tensor, &error));
  EXPECT_EQ(std::string(error.message).rfind(noDirectory + ": ", 0), 0u);
}

//===----------------------------------------------------------------------===//
// ONNX TensorProto .pb
//===----------------------------------------------------------------------===//

TEST_F(TensorIoTest, PbReadsRawData) {
  Parsed parsed = parsePb(rawFloatTensor().bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  expectFloatTensor(parsed.tensor);
  strata_host_tensor_free(&parsed.tensor);
}

// Packed dims and float_data, both packed and one value per field, with an
// unknown field (doc_string) in between that must be skipped.
TEST_F(TensorIoTest, PbReadsFloatDataPackedAndUnpacked) {
  Proto proto;
  proto.packedIntegers(kDims, {2, 3}).integer(kDataType, 1);
  proto.lengthDelimited(kFloatData, kValues, 3 * sizeof(float));
  proto.text(kDocString, "ignored");
  for (int i = 3; i < 6; ++i)
    proto.fixed32(kFloatData, kValues[i]);
  Parsed parsed = parsePb(proto.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  expectFloatTensor(parsed.tensor);
  strata_host_tensor_free(&parsed.tensor);
}

// int8 values travel in int32_data; negatives are 10-byte varints.
TEST_F(TensorIoTest, PbReadsInt8FromInt32Data) {
  Proto proto;
  proto.integer(kDims, 4).integer(kDataType, STRATA_DTYPE_INT8);
  proto.packedIntegers(kInt32Data, {-128, -1, 0, 127});
  Parsed parsed = parsePb(proto.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  ASSERT_EQ(parsed.tensor.bytes, 4u);
  const int8_t expected[4] = {-128, -1, 0, 127};
  EXPECT_EQ(std::memcmp(parsed.tensor.data, expected, 4), 0);
  strata_host_tensor_free(&parsed.tensor);
}

// float16 bit patterns and bools also use int32_data.
TEST_F(TensorIoTest, PbReadsFloat16AndBoolFromInt32Data) {
  Proto half;
  half.integer(kDims, 2).integer(kDataType, STRATA_DTYPE_FLOAT16);
  half.integer(kInt32Data, 0x3c00).integer(kInt32Data, 0xc000);
  Parsed parsed = parsePb(half.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  const uint16_t halfBits[2] = {0x3c00, 0xc000};
  EXPECT_EQ(std::memcmp(parsed.tensor.data, halfBits, 4), 0);
  strata_host_tensor_free(&parsed.tensor);

  Proto flags;
  flags.integer(kDims, 3).integer(kDataType, STRATA_DTYPE_BOOL);
  flags.packedIntegers(kInt32Data, {1, 0, 1});
  parsed = parsePb(flags.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  const uint8_t bools[3] = {1, 0, 1};
  EXPECT_EQ(std::memcmp(parsed.tensor.data, bools, 3), 0);
  strata_host_tensor_free(&parsed.tensor);
}

TEST_F(TensorIoTest, PbReadsInt64DoubleAndUint64Data) {
  Proto wide;
  wide.integer(kDims, 2).integer(kDataType, STRATA_DTYPE_INT64);
  wide.packedIntegers(kInt64Data, {INT64_MIN, INT64_C(1) << 40});
  Parsed parsed = parsePb(wide.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  const int64_t longs[2] = {INT64_MIN, INT64_C(1) << 40};
  EXPECT_EQ(std::memcmp(parsed.tensor.data, longs, 16), 0);
  strata_host_tensor_free(&parsed.tensor);

  Proto doubles;
  doubles.integer(kDims, 2).integer(kDataType, STRATA_DTYPE_FLOAT64);
  doubles.fixed64(kDoubleData, 1.5).fixed64(kDoubleData, -2.0);
  parsed = parsePb(doubles.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  const double reals[2] = {1.5, -2.0};
  EXPECT_EQ(std::memcmp(parsed.tensor.data, reals, 16), 0);
  strata_host_tensor_free(&parsed.tensor);

  Proto unsigned32;
  unsigned32.integer(kDims, 2).integer(kDataType, STRATA_DTYPE_UINT32);
  unsigned32.packedIntegers(kUint64Data, {0xffffffff, 7});
  parsed = parsePb(unsigned32.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  const uint32_t words[2] = {0xffffffffu, 7};
  EXPECT_EQ(std::memcmp(parsed.tensor.data, words, 8), 0);
  strata_host_tensor_free(&parsed.tensor);
}

// A scalar has no dims and one value.
TEST_F(TensorIoTest, PbReadsScalar) {
  Proto proto;
  proto.integer(kDataType, STRATA_DTYPE_INT32).integer(kInt32Data, -5);
  Parsed parsed = parsePb(proto.bytes);
  ASSERT_TRUE(parsed.ok) << parsed.message;
  EXPECT_EQ(parsed.tensor.rank, 0);
  ASSERT_EQ(parsed.tensor.bytes, 4u);
  int32_t value;
  std::memcpy(&value, parsed.tensor.data, 4);
  EXPECT_EQ(value, -5);
  strata_host_tensor_free(&parsed.tensor);
}

// Each well-formed but unusable TensorProto is refused with the reason.
TEST_F(TensorIoTest, PbUnusableTensorsNameTheProblem) {
  struct Case {
    Proto proto;
    const char *mentions;
  };
  std::vector<Case> cases;
  {
    Proto p;
    p.integer(kDims, 2).integer(kDataType, STRATA_DTYPE_INT8);
    p.packedIntegers(kInt32Data, {1, 300});
    cases.push_back({p, "300 at index 1 does not fit int8"});
  }
  {
    Proto p;
    p.integer(kDims, 2).integer(kDataType, STRATA_DTYPE_UINT32);
    p.packedIntegers(kUint64Data, {1, INT64_C(1) << 33});
    cases.push_back({p, "does not fit uint32"});
  }
  {
    Proto p = rawFloatTensor();
    p.fixed32(kFloatData, 1.0f);
    cases.push_back({p, "both raw_data and float_data"});
  }
  {
    Proto p;
    p.integer(kDims, 2)
        .integer(kDataType, 1)
        .packedIntegers(kInt64Data, {1, 2});
    cases.push_back({p, "keeps its values in float_data"});
  }
  {
    Proto p;
    p.integer(kDims, 3).integer(kDataType, 1).fixed32(kFloatData, 1.0f);
    cases.push_back({p, "float_data holds 1 values, but shape [3] needs 3"});
  }
  {
    Proto p;
    p.integer(kDims, 2).integer(kDataType, 1);
    p.lengthDelimited(kRawData, kValues, 4);
    cases.push_back({p, "raw_data holds 4 bytes"});
  }
  {
    Proto p;
    p.integer(kDims, 1).integer(kDataType, 8).text(kStringData, "hi");
    cases.push_back({p, "data_type 8 (string) is not supported"});
  }
  {
    Proto p;
    p.integer(kDims, 2).integer(kDims, -1).integer(kDataType, 1);
    cases.push_back({p, "dims[1] is negative"});
  }
  {
    Proto p;
    for (int i = 0; i < 9; ++i)
      p.integer(kDims, 1);
    p.integer(kDataType, 1);
    cases.push_back({p, "more than 8 dims"});
  }
  {
    Proto p;
    p.integer(kDims, 2).text(kName, "no type");
    cases.push_back({p, "has no data_type"});
  }
  {
    Proto p;
    p.integer(kDims, 2).integer(kDataType, 1).text(kExternalData, "x");
    cases.push_back({p, "external file"});
  }
  {
    Proto p;
    p.integer(kDims, 2).integer(kDataType, 1);
    p.lengthDelimited(kFloatData, kValues, 6); // not a multiple of 4
    cases.push_back({p, "not a multiple of 4"});
  }
  {
    Proto p;
    p.text(kDataType, "1"); // data_type must be a varint
    cases.push_back({p, "data_type at byte 0 has wire type 2"});
  }
  {
    Proto p;
    p.key(kDims, 3); // a group start: not in TensorProto
    cases.push_back({p, "wire type 3"});
  }
  for (const Case &c : cases) {
    SCOPED_TRACE(c.mentions);
    Parsed parsed = parsePb(c.proto.bytes);
    EXPECT_FALSE(parsed.ok);
    EXPECT_EQ(parsed.message.rfind("t.pb: ", 0), 0u) << parsed.message;
    EXPECT_NE(parsed.message.find(c.mentions), std::string::npos)
        << parsed.message;
    EXPECT_EQ(parsed.tensor.data, nullptr);
  }
}

// Every proper prefix of a valid message is an error, never a crash.
TEST_F(TensorIoTest, PbEveryTruncationIsAnError) {
  Bytes valid = rawFloatTensor().bytes;
  for (size_t size = 0; size < valid.size(); ++size) {
    Parsed parsed = parsePb(Bytes(valid.begin(), valid.begin() + size));
    EXPECT_FALSE(parsed.ok) << "prefix of " << size << " bytes";
    EXPECT_EQ(parsed.message.rfind("t.pb: ", 0), 0u) << parsed.message;
  }
}

// Random corruption of valid files: whatever the readers accept is
// self-consistent. Run under sanitizers this also checks memory safety.
TEST_F(TensorIoTest, CorruptedBytesNeverBreakTheReaders) {
  Bytes pb = rawFloatTensor().bytes;
  Proto packed;
  packed.packedIntegers(kDims, {2, 3}).integer(kDataType, STRATA_DTYPE_INT16);
  packed.packedIntegers(kInt32Data, {1, -2, 3, -4, 5, -6});
  Bytes npy = handMadeNpy(
      1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      floatBytes());
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1103515245u + 12345u; };
  for (int round = 0; round < 20000; ++round) {
    const Bytes &source = round % 3 == 0   ? pb
                          : round % 3 == 1 ? packed.bytes
                                           : npy;
    Bytes bytes = source;
    int flips = 1 + next() % 4;
    for (int f = 0; f < flips; ++f)
      bytes[(next() >> 8) % bytes.size()] = uint8_t(next() >> 16);
    if (next() % 4 == 0)
      bytes.resize((next() >> 8) % bytes.size());
    Parsed parsed = round % 3 == 2 ? parseNpy(bytes) : parsePb(bytes);
    if (!parsed.ok) {
      EXPECT_FALSE(parsed.message.empty());
      continue;
    }
    size_t elements = 1;
    for (int32_t d = 0; d < parsed.tensor.rank; ++d)
      elements *= size_t(parsed.tensor.shape[d]);
    EXPECT_EQ(parsed.tensor.bytes,
              elements * strata_dtype_size(parsed.tensor.dtype));
    strata_host_tensor_free(&parsed.tensor);
  }
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

// The reader picks the format by extension, and by magic otherwise.
TEST_F(TensorIoTest, ReadPicksTheFormat) {
  Bytes npy = handMadeNpy(
      1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      floatBytes());
  Bytes pb = rawFloatTensor().bytes;
  for (const auto &[name, bytes] : std::vector<std::pair<std::string, Bytes>>{
           {"a.npy", npy}, {"b.pb", pb}, {"c.tensor", npy}, {"d.tensor", pb}}) {
    SCOPED_TRACE(name);
    std::string file = writeFile(name, bytes);
    strata_host_tensor_t tensor{};
    strata_io_error_t error{};
    ASSERT_TRUE(strata_host_tensor_read(file.c_str(), &tensor, &error))
        << error.message;
    expectFloatTensor(tensor);
    strata_host_tensor_free(&tensor);
  }
}

TEST_F(TensorIoTest, ReadErrorsNameTheFile) {
  strata_host_tensor_t tensor{};
  strata_io_error_t error{};
  std::string missing = directory + "/missing.npy";
  EXPECT_FALSE(strata_host_tensor_read(missing.c_str(), &tensor, &error));
  EXPECT_EQ(std::string(error.message).rfind(missing + ": cannot open", 0), 0u)
      << error.message;

  EXPECT_FALSE(strata_host_tensor_read(directory.c_str(), &tensor, &error));
  EXPECT_EQ(std::string(error.message).rfind(directory + ": ", 0), 0u)
      << error.message;

  std::string pbAsNpy = writeFile("wrong.npy", rawFloatTensor().bytes);
  EXPECT_FALSE(strata_host_tensor_read(pbAsNpy.c_str(), &tensor, &error));
  EXPECT_NE(std::string(error.message).find("not a NumPy"), std::string::npos);
}

TEST(FormatShapeTest, FormatsAndTruncates) {
  const int64_t shape[3] = {2, 3, 400};
  char buffer[64];
  EXPECT_STREQ(strata_host_format_shape(shape, 3, buffer, sizeof buffer),
               "[2, 3, 400]");
  EXPECT_STREQ(strata_host_format_shape(nullptr, 0, buffer, sizeof buffer),
               "[]");
  char tiny[5];
  EXPECT_STREQ(strata_host_format_shape(shape, 3, tiny, sizeof tiny), "[2, ");
}

} // namespace
