//===- ModelSignature.cpp - A compiled model's interface --------*- C++ -*-===//
//
// Implements ModelSignature.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/ModelSignature.h"
#include "passes/EntryAttributes.h"

#include "strata/runtime.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace strata {

int64_t TensorSignature::bytes() const {
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  return count * static_cast<int64_t>(strata_dtype_size(dtype));
}

int32_t dtypeOf(Type type) {
  if (type.isF32()) return STRATA_DTYPE_FLOAT32;
  if (type.isF64()) return STRATA_DTYPE_FLOAT64;
  if (type.isF16()) return STRATA_DTYPE_FLOAT16;
  if (type.isBF16()) return STRATA_DTYPE_BFLOAT16;
  if (type.isInteger(1)) return STRATA_DTYPE_BOOL;
  if (auto integer = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 8: return isUnsigned ? STRATA_DTYPE_UINT8 : STRATA_DTYPE_INT8;
    case 16: return isUnsigned ? STRATA_DTYPE_UINT16 : STRATA_DTYPE_INT16;
    case 32: return isUnsigned ? STRATA_DTYPE_UINT32 : STRATA_DTYPE_INT32;
    case 64: return isUnsigned ? STRATA_DTYPE_UINT64 : STRATA_DTYPE_INT64;
    default: return 0;
    }
  }
  return 0;
}

const char *dtypeName(int32_t dtype) { return strata_dtype_name(dtype); }

FailureOr<ModelSignature> readSignature(func::FuncOp entry, StringRef name) {
  ModelSignature signature;
  signature.name = name.str();
  auto collect = [&](TypeRange types, StringRef namesAttr,
                     std::vector<TensorSignature> &into) -> LogicalResult {
    for (auto [index, type] : llvm::enumerate(types)) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape())
        return entry.emitError("model interface needs static tensor types, got ")
               << type;
      TensorSignature t;
      t.name = strata::entry::getName(entry, namesAttr, index);
      if (t.name.empty())
        t.name = "t" + std::to_string(index);
      t.dtype = dtypeOf(tensor.getElementType());
      if (!t.dtype)
        return entry.emitError("no runtime dtype for ") << tensor.getElementType();
      t.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
      into.push_back(std::move(t));
    }
    return success();
  };
  if (failed(collect(entry.getArgumentTypes(), strata::entry::kInputNames,
                     signature.inputs)) ||
      failed(collect(entry.getResultTypes(), strata::entry::kOutputNames,
                     signature.outputs)))
    return failure();
  return signature;
}

std::string sanitizeIdentifier(StringRef stem) {
  std::string result;
  for (char c : stem)
    result.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (result.empty() || llvm::isDigit(result.front()))
    result.insert(result.begin(), '_');
  return result;
}

} // namespace strata
