//===- PoolConstants.cpp - The entry's constants as one argument -*- C++ -*-===//
//
// Implements strata-pool-constants. Kernels on a GPU read device memory only,
// so the weights cannot stay host globals: they are packed into one byte
// block that the runtime uploads once, and the entry reads them through views
// of one more argument, as strata-plan-memory does for intermediates.
//
//===----------------------------------------------------------------------===//
#include "targets/cuda/Passes.h"
#include "passes/EntryAttributes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace strata::cuda {
#define GEN_PASS_DEF_POOLCONSTANTS
#include "targets/cuda/Passes.h.inc"
} // namespace strata::cuda

using namespace mlir;

namespace {

int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// Appends the bytes a buffer of `type` initialized with `value` holds in
/// memory (row-major; booleans one byte each), or fails.
LogicalResult appendBytes(memref::GlobalOp global, std::vector<char> &bytes) {
  MemRefType type = global.getType();
  Attribute value = *global.getInitialValue();
  unsigned bits = type.getElementTypeBitWidth();
  int64_t elements = type.getNumElements();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || bits % 8 != 0)
      return global.emitError("strata-pool-constants: unreadable resource");
    ArrayRef<char> data = blob->getData();
    bytes.insert(bytes.end(), data.begin(), data.end());
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return global.emitError("strata-pool-constants: unsupported initializer");
  if (bits == 1) {
    for (bool bit : dense.getValues<bool>())
      bytes.push_back(bit ? 1 : 0);
    return success();
  }
  if (bits % 8 != 0)
    return global.emitError("strata-pool-constants: ")
           << bits << "-bit elements are not byte addressable";
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (int64_t i = 0; i < elements; ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.begin() + bits / 8);
    return success();
  }
  bytes.insert(bytes.end(), raw.begin(), raw.end());
  return success();
}

struct PoolConstantsPass : strata::cuda::impl::PoolConstantsBase<PoolConstantsPass> {
  using PoolConstantsBase::PoolConstantsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = module.getContext();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal()) {
      module.emitError("strata-pool-constants: no entry function '")
          << entryName << "'";
      return signalPassFailure();
    }

    // Every constant global the entry reads, in order of first use; each
    // gets one offset however often it is read.
    SmallVector<memref::GetGlobalOp> reads;
    llvm::MapVector<memref::GlobalOp, int64_t> offsets;
    std::vector<char> bytes;
    WalkResult walk = entry.walk([&](memref::GetGlobalOp read) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          read, read.getNameAttr());
      if (!global || !global.getConstant() || !global.getInitialValue()) {
        read.emitError("strata-pool-constants: '")
            << read.getName() << "' is not an initialized constant global";
        return WalkResult::interrupt();
      }
      if (!global.getType().getLayout().isIdentity()) {
        read.emitError("strata-pool-constants: '")
            << read.getName() << "' does not have an identity layout";
        return WalkResult::interrupt();
      }
      reads.push_back(read);
      if (offsets.count(global))
        return WalkResult::advance();
      int64_t offset = alignTo(bytes.size(), alignment);
      bytes.resize(offset, 0);
      if (failed(appendBytes(global, bytes)))
        return WalkResult::interrupt();
      offsets[global] = offset;
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // The block, padded to the alignment so a following allocation made
    // from the same base stays aligned.
    bytes.resize(alignTo(bytes.size(), alignment), 0);
    int64_t size = bytes.size();
    auto i8 = IntegerType::get(context, 8);
    auto blockType = MemRefType::get({size}, i8);
    OpBuilder b(context);
    b.setInsertionPoint(entry);
    auto tensorType = RankedTensorType::get({size}, i8);
    memref::GlobalOp::create(
        b, entry.getLoc(), "strata_constants", /*sym_visibility=*/nullptr,
        blockType,
        DenseElementsAttr::getFromRawBuffer(tensorType, ArrayRef<char>(bytes)),
        /*constant=*/true, b.getI64IntegerAttr(alignment));

    unsigned index = entry.getNumArguments();
    (void)entry.insertArgument(index, blockType, /*argAttrs=*/{},
                               entry.getLoc());
    Value block = entry.getArgument(index);
    for (memref::GetGlobalOp read : reads) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          read, read.getNameAttr());
      OpBuilder at(read);
      Value offset =
          arith::ConstantIndexOp::create(at, read.getLoc(), offsets[global]);
      Value view = memref::ViewOp::create(at, read.getLoc(), read.getType(),
                                          block, offset, ValueRange{});
      read.replaceAllUsesWith(view);
      read.erase();
    }
    // Globals nobody reads any more; the entry was their only reader.
    for (auto &[global, offset] : offsets)
      if (SymbolTable::symbolKnownUseEmpty(global, module))
        global.erase();
    strata::entry::setInt(entry, strata::entry::kConstantsBytes, size);
  }
};

} // namespace
