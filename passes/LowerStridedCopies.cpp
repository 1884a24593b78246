//===- LowerStridedCopies.cpp - memref.copy without memrefCopy --*- C++ -*-===//
//
// Implements strata-lower-strided-copies: artifacts call nothing but
// memcpy/memset, so copies that upstream would send to the C runner library
// become linalg.copy loops (all copies, with all-copies, for GPU kernels).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace strata {
#define GEN_PASS_DEF_LOWERSTRIDEDCOPIES
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

struct LowerStridedCopiesPass
    : strata::impl::LowerStridedCopiesBase<LowerStridedCopiesPass> {
  using LowerStridedCopiesBase::LowerStridedCopiesBase;

  void runOnOperation() override {
    getOperation()->walk([&](memref::CopyOp copy) {
      auto isContiguous = [](Value buffer) {
        auto type = dyn_cast<MemRefType>(buffer.getType());
        return type && memref::isStaticShapeAndContiguousRowMajor(type);
      };
      if (!allCopies && isContiguous(copy.getSource()) &&
          isContiguous(copy.getTarget()))
        return;
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};

} // namespace
