//===- CallHalideGroups.cpp - Marked generics as Halide calls ----*- C++ -*-===//
//
// Implements strata-call-halide-groups. Halide's ahead-of-time functions take
// (user_context, halide_buffer_t *...); the buffers are plain structs, built
// here in LLVM dialect ops from each memref's aligned pointer, offset and
// strides, so no wrapper code is generated elsewhere. Shapes are static, so
// extents are constants and only pointers and strides come from the memref.
//
//===----------------------------------------------------------------------===//
#include "targets/halide/HalideGroups.h"
#include "targets/halide/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace strata::halide {
#define GEN_PASS_DEF_CALLHALIDEGROUPS
#include "targets/halide/Passes.h.inc"
} // namespace strata::halide

using namespace mlir;

namespace {

// halide_buffer_t (Halide 14, HalideRuntime.h):
//   { uint64_t device; const void *device_interface; uint8_t *host;
//     uint64_t flags; { uint8_t code, bits; uint16_t lanes } type;
//     int32_t dimensions; halide_dimension_t *dim; void *padding; }
// halide_dimension_t: { int32_t min, extent, stride; uint32_t flags; }
enum BufferField { kDevice, kInterface, kHost, kFlags, kTypeCode, kTypeBits,
                   kTypeLanes, kDimensions, kDim, kPadding };
constexpr int64_t kHalideFloatCode = 2;

LLVM::LLVMStructType bufferType(MLIRContext *context) {
  Type i8 = IntegerType::get(context, 8), i16 = IntegerType::get(context, 16),
       i32 = IntegerType::get(context, 32), i64 = IntegerType::get(context, 64);
  Type ptr = LLVM::LLVMPointerType::get(context);
  return LLVM::LLVMStructType::getLiteral(
      context, {i64, ptr, ptr, i64, i8, i8, i16, i32, ptr, ptr});
}

LLVM::LLVMStructType dimensionType(MLIRContext *context) {
  Type i32 = IntegerType::get(context, 32);
  return LLVM::LLVMStructType::getLiteral(context, {i32, i32, i32, i32});
}

class BufferBuilder {
public:
  BufferBuilder(OpBuilder &builder, Location loc)
      : b(builder), loc(loc), context(builder.getContext()),
        ptrType(LLVM::LLVMPointerType::get(context)) {}

  /// A halide_buffer_t on the stack describing `memref`.
  Value build(Value memref) {
    auto type = cast<MemRefType>(memref.getType());
    int64_t rank = type.getRank();
    Value one = constant(b.getI64Type(), 1);
    Value buffer = LLVM::AllocaOp::create(b, loc, ptrType, bufferType(context), one);
    auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, memref);
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
    Value baseAddress =
        arith::IndexCastOp::create(b, loc, b.getI64Type(), base);
    Value basePointer = LLVM::IntToPtrOp::create(b, loc, ptrType, baseAddress);
    Value offset = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                metadata.getOffset());
    Value host = LLVM::GEPOp::create(b, loc, ptrType, b.getF32Type(),
                                       basePointer, ValueRange{offset});
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    Value dims = null;
    if (rank > 0) {
      auto arrayType = LLVM::LLVMArrayType::get(dimensionType(context), rank);
      dims = LLVM::AllocaOp::create(b, loc, ptrType, arrayType, one);
      for (int64_t d = 0; d < rank; ++d) {
        int64_t from = rank - 1 - d; // Halide's dimension 0 is the innermost.
        Value stride = arith::IndexCastOp::create(b, 
            loc, b.getI32Type(), metadata.getStrides()[from]);
        storeField(dims, arrayType, {0, d, 0}, constant(b.getI32Type(), 0));
        storeField(dims, arrayType, {0, d, 1},
                   constant(b.getI32Type(), type.getDimSize(from)));
        storeField(dims, arrayType, {0, d, 2}, stride);
        storeField(dims, arrayType, {0, d, 3}, constant(b.getI32Type(), 0));
      }
    }
    auto structType = bufferType(context);
    storeField(buffer, structType, {0, kDevice}, constant(b.getI64Type(), 0));
    storeField(buffer, structType, {0, kInterface}, null);
    storeField(buffer, structType, {0, kHost}, host);
    storeField(buffer, structType, {0, kFlags}, constant(b.getI64Type(), 0));
    storeField(buffer, structType, {0, kTypeCode},
               constant(b.getI8Type(), kHalideFloatCode));
    storeField(buffer, structType, {0, kTypeBits}, constant(b.getI8Type(), 32));
    storeField(buffer, structType, {0, kTypeLanes}, constant(b.getI16Type(), 1));
    storeField(buffer, structType, {0, kDimensions},
               constant(b.getI32Type(), rank));
    storeField(buffer, structType, {0, kDim}, dims);
    storeField(buffer, structType, {0, kPadding}, null);
    return buffer;
  }

private:
  Value constant(Type type, int64_t value) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
  }

  void storeField(Value base, Type elementType, ArrayRef<int64_t> path,
                  Value value) {
    SmallVector<LLVM::GEPArg> indices;
    for (int64_t index : path)
      indices.push_back(static_cast<int32_t>(index));
    Value address = LLVM::GEPOp::create(b, loc, ptrType, elementType, base, indices);
    LLVM::StoreOp::create(b, loc, value, address);
  }

  OpBuilder &b;
  Location loc;
  MLIRContext *context;
  Type ptrType;
};

bool hasUnitInnermostStride(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  if (type.getRank() == 0)
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
}

struct CallHalideGroupsPass
    : strata::halide::impl::CallHalideGroupsBase<CallHalideGroupsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    Type ptrType = LLVM::LLVMPointerType::get(context);
    SmallVector<linalg::GenericOp> groups;
    module.walk([&](linalg::GenericOp op) {
      if (strata::halide::isHalideGroup(op))
        groups.push_back(op);
    });
    OpBuilder moduleBuilder = OpBuilder::atBlockEnd(module.getBody());
    for (linalg::GenericOp op : groups) {
      auto name = op->getAttrOfType<StringAttr>(strata::halide::kGroupAttr);
      std::optional<float> init;
      if (auto attr = op->getAttrOfType<FloatAttr>(strata::halide::kInitAttr))
        init = attr.getValue().convertToFloat();
      op->removeAttr(strata::halide::kGroupAttr);
      op->removeAttr(strata::halide::kInitAttr);
      if (!name || !op.hasPureBufferSemantics())
        continue;
      if (!llvm::all_of(op->getOperands(), hasUnitInnermostStride)) {
        op.emitRemark("kept out of Halide group ")
            << name.getValue() << ": an operand's innermost stride is not 1";
        continue;
      }
      // Halide assumes its buffers do not alias: its tail vectors overlap
      // the ones before and would re-read what they wrote.
      Value output = op.getDpsInitOperand(0)->get();
      if (llvm::any_of(op.getDpsInputs(), [&](Value input) {
            return strata::halide::mayAlias(input, output);
          })) {
        op.emitRemark("kept out of Halide group ")
            << name.getValue() << ": an input may alias the output";
        continue;
      }
      llvm::Expected<std::string> spec =
          strata::halide::writeGroupSpec(op, name.getValue(), init);
      if (!spec) {
        op.emitError("cannot give this op to Halide: ")
            << llvm::toString(spec.takeError());
        return signalPassFailure();
      }
      OpBuilder b(op);
      BufferBuilder buffers(b, op.getLoc());
      SmallVector<Value> arguments = {LLVM::ZeroOp::create(b, op.getLoc(), ptrType)};
      for (Value operand : op->getOperands())
        arguments.push_back(buffers.build(operand));
      SmallVector<Type> argumentTypes(arguments.size(), ptrType);
      auto functionType =
          LLVM::LLVMFunctionType::get(b.getI32Type(), argumentTypes);
      auto callee = LLVM::LLVMFuncOp::create(moduleBuilder, 
          op.getLoc(), name.getValue(), functionType);
      callee->setAttr(strata::halide::kSpecAttr, b.getStringAttr(*spec));
      LLVM::CallOp::create(b, op.getLoc(), callee, arguments);
      op.erase();
    }
  }
};

} // namespace
