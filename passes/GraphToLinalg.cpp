//===- GraphToLinalg.cpp - The convert-graph-to-linalg pass -----*- C++ -*-===//
//
// Collects every op family's lowering patterns and applies them as a partial
// conversion in which the whole graph dialect is illegal: an op left over is
// an error at its location, which carries the ONNX node's name.
//
//===----------------------------------------------------------------------===//
#include "passes/GraphToLinalg/Patterns.h"
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace strata {
#define GEN_PASS_DEF_CONVERTGRAPHTOLINALG
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

struct ConvertGraphToLinalgPass
    : strata::impl::ConvertGraphToLinalgBase<ConvertGraphToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // arith works on signless integers: ONNX's unsigned tensors (uint8 ...)
    // need a signedness-aware lowering that does not exist yet.
    WalkResult unsignedTypes = getOperation().walk([](Operation *op) {
      auto isUnsigned = [](Type type) {
        auto tensor = dyn_cast<RankedTensorType>(type);
        return tensor && tensor.getElementType().isUnsignedInteger();
      };
      if (llvm::any_of(op->getOperandTypes(), isUnsigned) ||
          llvm::any_of(op->getResultTypes(), isUnsigned)) {
        op->emitError("unsigned integer tensors are not supported yet (")
            << op->getName() << ")";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (unsignedTypes.wasInterrupted())
      return signalPassFailure();
    ConversionTarget target(*context);
    target.addIllegalDialect<strata::graph::GraphDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(context);
    strata::populateElementwiseToLinalgPatterns(patterns);
    strata::populateContractionToLinalgPatterns(patterns);
    strata::populatePoolingToLinalgPatterns(patterns);
    strata::populateReductionToLinalgPatterns(patterns);
    strata::populateDataMovementToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
