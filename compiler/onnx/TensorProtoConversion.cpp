//===- TensorProtoConversion.cpp - ONNX tensors to MLIR constants -*- C++ -*-===//
//
// Implements TensorProtoConversion.h. Tensor bytes are little-endian, as
// ONNX specifies and every Strata host is.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/TensorProtoConversion.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

using namespace mlir;

namespace strata::onnx_import {

Type elementTypeFor(MLIRContext &context, int32_t dataType) {
  Builder b(&context);
  switch (dataType) {
  case onnx::TensorProto::FLOAT: return b.getF32Type();
  case onnx::TensorProto::DOUBLE: return b.getF64Type();
  case onnx::TensorProto::FLOAT16: return b.getF16Type();
  case onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  case onnx::TensorProto::INT8: return b.getIntegerType(8);
  case onnx::TensorProto::INT16: return b.getIntegerType(16);
  case onnx::TensorProto::INT32: return b.getIntegerType(32);
  case onnx::TensorProto::INT64: return b.getIntegerType(64);
  case onnx::TensorProto::UINT8: return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::UINT16: return b.getIntegerType(16, false);
  case onnx::TensorProto::UINT32: return b.getIntegerType(32, false);
  case onnx::TensorProto::UINT64: return b.getIntegerType(64, false);
  case onnx::TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

FailureOr<std::string>
resolveExternalDataFile(const onnx::TensorProto &tensor,
                        StringRef modelDirectory, std::string &error) {
  // The checks guard the build machine: a model must not be able to copy an
  // arbitrary file (a CI runner's secrets) into a device artifact's weights.
  std::string location;
  for (const auto &entry : tensor.external_data())
    if (entry.key() == "location")
      location = entry.value();
  auto fail = [&](const Twine &message) -> FailureOr<std::string> {
    error = ("tensor '" + tensor.name() + "': " + message).str();
    return failure();
  };
  if (location.empty())
    return fail("external data has no location");
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::path::has_root_name(location))
    return fail("external data location '" + location +
                "' is an absolute path; it must be relative to the model's "
                "folder");
  SmallString<256> folder, file;
  StringRef directory = modelDirectory.empty() ? "." : modelDirectory;
  if (std::error_code ec = llvm::sys::fs::real_path(directory, folder))
    return fail("cannot resolve the model's folder '" + directory +
                "': " + ec.message());
  SmallString<256> joined(directory);
  llvm::sys::path::append(joined, location);
  if (std::error_code ec = llvm::sys::fs::real_path(joined, file))
    return fail("cannot read external data file '" + joined +
                "': " + ec.message());
  StringRef inside = file.str();
  if (!inside.consume_front(folder) || inside.empty() ||
      !llvm::sys::path::is_separator(inside.front()))
    return fail("external data location '" + location + "' resolves to '" +
                file + "', outside the model's folder '" + folder + "'");
  return file.str().str();
}

FailureOr<DenseElementsAttr>
convertTensorProto(MLIRContext &context, const onnx::TensorProto &tensor,
                   StringRef modelDirectory, std::string &error) {
  std::string what = "tensor '" + tensor.name() + "'";
  auto fail = [&](const Twine &message) -> FailureOr<DenseElementsAttr> {
    error = (what + message).str();
    return failure();
  };
  Type element = elementTypeFor(context, tensor.data_type());
  if (!element)
    return fail(" has an unsupported element type");
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(shape, element);
  int64_t count = type.getNumElements();
  size_t width = (element.getIntOrFloatBitWidth() + 7) / 8;

  std::string raw;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    int64_t offset = 0, length = -1;
    for (const auto &entry : tensor.external_data()) {
      StringRef value = entry.value();
      if ((entry.key() == "offset" && value.getAsInteger(10, offset)) ||
               (entry.key() == "length" && value.getAsInteger(10, length)))
        return fail(": external data " + entry.key() + " '" + value +
                    "' is not an integer");
    }
    FailureOr<std::string> file =
        resolveExternalDataFile(tensor, modelDirectory, error);
    if (failed(file))
      return failure();
    auto buffer = llvm::MemoryBuffer::getFile(*file, false, false);
    if (!buffer)
      return fail(": cannot read external data file '" + *file + "': " +
                  buffer.getError().message());
    if (length < 0)
      length = count * width;
    int64_t size = static_cast<int64_t>((*buffer)->getBufferSize());
    if (offset < 0 || offset > size || length > size - offset)
      return fail(": external data range is outside '" + *file + "'");
    raw.assign((*buffer)->getBufferStart() + offset, length);
  } else if (tensor.has_raw_data()) {
    raw = tensor.raw_data();
  } else {
    // Typed fields, widened as ONNX stores them: narrow integers and 16-bit
    // floats in int32_data, unsigned 32/64-bit in uint64_data.
    auto append = [&](auto value) {
      raw.append(reinterpret_cast<const char *>(&value), width);
    };
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      for (float v : tensor.float_data()) append(v);
      break;
    case onnx::TensorProto::DOUBLE:
      for (double v : tensor.double_data()) append(v);
      break;
    case onnx::TensorProto::INT64:
      for (int64_t v : tensor.int64_data()) append(v);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      for (uint64_t v : tensor.uint64_data()) append(v);
      break;
    default:
      for (int32_t v : tensor.int32_data()) append(v);
      break;
    }
  }
  if (element.isInteger(1)) {
    if (static_cast<int64_t>(raw.size()) != count)
      return fail(" holds " + Twine(raw.size()) + " bytes for " + Twine(count) +
                  " booleans");
    SmallVector<bool> values;
    for (char c : raw)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  if (static_cast<int64_t>(raw.size()) != count * static_cast<int64_t>(width))
    return fail(" holds " + Twine(raw.size()) + " bytes, its shape needs " +
                Twine(count * width));
  if (count == 0)
    return DenseElementsAttr::get(type, ArrayRef<Attribute>{});
  return DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(raw.data(), raw.size()));
}

} // namespace strata::onnx_import
