//===- PadInProducer.cpp - Producers write into padded buffers ---*- C++ -*-===//
//
// Implements strata-pad-in-producer. A convolution's input is a tensor.pad
// of what the previous op produced, which bufferizes to a buffer for that
// result, a fill of the padded buffer and a copy of the interior: for
// MobileNetV2's expanded activations (up to 112 x 112 x 96) the fills and
// copies took about 14% of its time on one thread. Here the producer writes
// into the interior of the padded tensor instead, and only the border is
// filled, so that bufferization leaves one buffer, no copy and no fill of
// what the producer overwrites.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace strata {
#define GEN_PASS_DEF_PADINPRODUCER
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

/// The linalg op that produces `pad`'s source and can write it into a slice
/// of the padded tensor instead: one whose payload does not read the init
/// it writes that result into, and whose result the function does not
/// return (the returned value must stay its own buffer).
linalg::LinalgOp rewritableProducer(tensor::PadOp pad) {
  auto producer = pad.getSource().getDefiningOp<linalg::LinalgOp>();
  if (!producer || !producer.hasPureTensorSemantics())
    return {};
  auto result = cast<OpResult>(pad.getSource());
  if (producer.payloadUsesValueFromOperand(
          producer.getDpsInitOperand(result.getResultNumber())))
    return {};
  if (llvm::any_of(result.getUsers(),
                   [](Operation *user) { return isa<func::ReturnOp>(user); }))
    return {};
  return producer;
}

/// Fills the border of `padded` around an interior of `shape` at `low`,
/// one slab per padded side: along dimension d, the slab spans the interior
/// in the dimensions before d and everything in those after. The producer
/// writes the interior, so filling it too wrote MobileNetV2's padded
/// activations twice.
Value fillBorder(OpBuilder &b, Location loc, Value padded, Value fillValue,
                 ArrayRef<int64_t> low, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(padded.getType());
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t high = type.getDimSize(d) - low[d] - shape[d];
    for (auto [start, extent] : {std::pair<int64_t, int64_t>{0, low[d]},
                                 std::pair<int64_t, int64_t>{low[d] + shape[d], high}}) {
      if (extent == 0)
        continue;
      SmallVector<int64_t> offsets, sizes;
      for (int64_t e = 0; e < rank; ++e) {
        bool before = e < d;
        offsets.push_back(e == d ? start : before ? low[e] : 0);
        sizes.push_back(e == d ? extent : before ? shape[e] : type.getDimSize(e));
      }
      MLIRContext *context = b.getContext();
      SmallVector<OpFoldResult> offsetFolds = getAsIndexOpFoldResult(context, offsets);
      SmallVector<OpFoldResult> sizeFolds = getAsIndexOpFoldResult(context, sizes);
      SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
      Value slab = tensor::ExtractSliceOp::create(b, loc, padded, offsetFolds,
                                                  sizeFolds, strides);
      Value filled = linalg::FillOp::create(b, loc, fillValue, slab).getResult(0);
      padded = tensor::InsertSliceOp::create(b, loc, filled, padded, offsetFolds,
                                             sizeFolds, strides);
    }
  }
  return padded;
}

struct PadInProducerPass : strata::impl::PadInProducerBase<PadInProducerPass> {
  using PadInProducerBase::PadInProducerBase;

  void runOnOperation() override {
    SmallVector<tensor::PadOp> pads;
    getOperation().walk([&](tensor::PadOp pad) { pads.push_back(pad); });
    IRRewriter rewriter(&getContext());
    for (tensor::PadOp pad : pads) {
      RankedTensorType paddedType = pad.getResultType();
      Value padValue = pad.getConstantPaddingValue();
      arith::ConstantOp constant =
          padValue ? padValue.getDefiningOp<arith::ConstantOp>() : nullptr;
      if (!constant || !paddedType.hasStaticShape() || pad.getNofold() ||
          ShapedType::isDynamicShape(pad.getStaticLow()))
        continue;
      linalg::LinalgOp producer = rewritableProducer(pad);
      if (!producer)
        continue;
      auto result = cast<OpResult>(pad.getSource());
      auto sourceType = cast<RankedTensorType>(result.getType());
      Location loc = pad.getLoc();
      MLIRContext *context = &getContext();
      SmallVector<OpFoldResult> offsets =
          getAsIndexOpFoldResult(context, pad.getStaticLow());
      SmallVector<OpFoldResult> sizes =
          getAsIndexOpFoldResult(context, sourceType.getShape());
      SmallVector<OpFoldResult> strides(sourceType.getRank(), rewriter.getIndexAttr(1));

      // The filled padded tensor, and the producer writing its interior.
      rewriter.setInsertionPoint(producer);
      Value fillValue = rewriter.clone(*constant)->getResult(0);
      // A new buffer, not a tensor.empty: CSE would merge equal empties
      // and their fills, and two producers writing one filled tensor make
      // bufferization copy it.
      Value empty = bufferization::AllocTensorOp::create(rewriter, loc, paddedType,
                                                         ValueRange{});
      Value filled = fillBorder(rewriter, loc, empty, fillValue, pad.getStaticLow(),
                                sourceType.getShape());
      Value interior = tensor::ExtractSliceOp::create(rewriter, loc, filled, offsets,
                                                      sizes, strides);
      OpOperand *init = producer.getDpsInitOperand(result.getResultNumber());
      rewriter.modifyOpInPlace(producer, [&] { init->set(interior); });

      // The padded tensor replaces the pad; the producer's other users read
      // its interior, so that the result has no use after the write.
      rewriter.setInsertionPointAfter(producer);
      Value padded = tensor::InsertSliceOp::create(rewriter, loc, result, filled,
                                                   offsets, sizes, strides);
      Value view = tensor::ExtractSliceOp::create(rewriter, loc, padded, offsets,
                                                  sizes, strides);
      rewriter.replaceAllUsesExcept(result, view, padded.getDefiningOp());
      rewriter.replaceOp(pad, padded);
    }
  }
};

} // namespace
