//===- CortexMVectorToLLVM.cpp - Vector to LLVM at 32-bit index --*- C++ -*-===//
//
// Implements strata-cortexm-vector-to-llvm: the vector dialect's progressive
// lowerings and its LLVM conversion patterns, driven with the index width
// of a 32-bit microcontroller instead of the default 64 bits that upstream's
// pass hard-wires.
//
//===----------------------------------------------------------------------===//
#include "targets/cortexm/Passes.h"

#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata::cortexm {
#define GEN_PASS_DEF_CORTEXMVECTORTOLLVM
#include "targets/cortexm/Passes.h.inc"
} // namespace strata::cortexm

using namespace mlir;

namespace {

struct CortexMVectorToLLVMPass
    : strata::cortexm::impl::CortexMVectorToLLVMBase<CortexMVectorToLLVMPass> {
  using CortexMVectorToLLVMBase::CortexMVectorToLLVMBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // Progressive lowering to 1-D vector ops that have LLVM counterparts;
    // contractions become outer products (FMAs), as on the other CPUs.
    {
      RewritePatternSet patterns(context);
      vector::populateVectorToVectorCanonicalizationPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorMaskOpLoweringPatterns(patterns);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorTransferLoweringPatterns(patterns,
                                                     /*maxTransferRank=*/1);
      vector::populateVectorMaskMaterializationPatterns(
          patterns, /*force32BitVectorIndices=*/true);
      vector::populateVectorInsertExtractStridedSliceTransforms(patterns);
      vector::populateVectorStepLoweringPatterns(patterns);
      vector::populateVectorRankReducingFMAPattern(patterns);
      vector::populateVectorFromElementsUnrollPatterns(patterns);
      vector::populateVectorToElementsUnrollPatterns(patterns);
      (void)applyPatternsGreedily(getOperation(), std::move(patterns));
    }

    LowerToLLVMOptions options(context);
    options.overrideIndexBitwidth(indexBitwidth);
    LLVMTypeConverter converter(context, options);
    RewritePatternSet patterns(context);
    vector::populateVectorTransferLoweringPatterns(patterns);
    populateVectorToLLVMConversionPatterns(
        converter, patterns, /*reassociateFPReductions=*/false,
        /*force32BitVectorIndices=*/true);
    LLVMConversionTarget target(*context);
    target.addLegalDialect<arith::ArithDialect, memref::MemRefDialect>();
    target.addLegalOp<UnrealizedConversionCastOp>();
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
