//===- GraphToLinalg.cpp - The strata-convert-graph-to-linalg pass -----*- C++ -*-===//
//
// Collects every op family's lowering patterns and applies them as a partial
// conversion in which the whole graph dialect is illegal: an op left over is
// an error at its location, which carries the ONNX node's name.
//
//===----------------------------------------------------------------------===//
#include "passes/GraphToLinalg/Patterns.h"
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
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
    // Unsigned tensors become signless on the way (arith has no unsigned
    // types); function signatures and returns convert with them.
    strata::lowering::SignlessTypeConverter typeConverter;
    ConversionTarget target(*context);
    target.addIllegalDialect<strata::graph::GraphDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return typeConverter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return typeConverter.isLegal(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(context);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(
        patterns, typeConverter);
    populateReturnOpTypeConversionPattern(patterns, typeConverter);
    strata::populateElementwiseToLinalgPatterns(typeConverter, patterns);
    strata::populateContractionToLinalgPatterns(typeConverter, patterns);
    strata::populatePoolingToLinalgPatterns(typeConverter, patterns);
    strata::populateReductionToLinalgPatterns(typeConverter, patterns);
    strata::populateDataMovementToLinalgPatterns(typeConverter, patterns);
    strata::populateSamplingToLinalgPatterns(typeConverter, patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
