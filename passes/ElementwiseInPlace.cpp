//===- ElementwiseInPlace.cpp - Elementwise ops into their dying input -*- C++ -*-===//
//
// Implements strata-elementwise-in-place. An elementwise op writes a new
// tensor (its init is a tensor.empty), so bufferization gives it a buffer of
// its own even when one of its inputs, of the same type, dies there: a ReLU
// after a convolution holds two copies of the activation at once. Writing the
// result into that input instead lets bufferization reuse its buffer: the
// memory planner has one activation less to place.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace strata {
#define GEN_PASS_DEF_ELEMENTWISEINPLACE
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

/// The input of `op` its result can overwrite: read with the identity map,
/// of the result's type, used by `op` alone, and computed by an op of this
/// function (not an argument, whose buffer the caller owns, nor a constant).
OpOperand *overwritableInput(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops() ||
      op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)) ||
      !op.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>())
    return nullptr;
  Type result = op->getResult(0).getType();
  for (OpOperand *input : op.getDpsInputOperands()) {
    Value value = input->get();
    Operation *producer = value.getDefiningOp();
    if (value.getType() != result || !value.hasOneUse() || !producer ||
        matchPattern(value, m_Constant()) ||
        !op.getMatchingIndexingMap(input).isIdentity())
      continue;
    return input;
  }
  return nullptr;
}

struct ElementwiseInPlacePass
    : strata::impl::ElementwiseInPlaceBase<ElementwiseInPlacePass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](linalg::GenericOp op) {
      if (OpOperand *input = overwritableInput(op))
        rewriter.modifyOpInPlace(op, [&] { op.getDpsInitOperand(0)->set(input->get()); });
    });
  }
};

} // namespace
