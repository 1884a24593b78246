//===- GpuToNVVM.cpp - Kernels to NVVM without libdevice --------*- C++ -*-===//
//
// Implements strata-gpu-to-nvvm: upstream's GPU-to-NVVM lowering with math
// going to LLVM intrinsics instead of libdevice calls, so that compiling for
// a GPU needs no CUDA toolkit and kernels link nothing.
//
//===----------------------------------------------------------------------===//
#include "targets/cuda/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata::cuda {
#define GEN_PASS_DEF_GPUTONVVM
#include "targets/cuda/Passes.h.inc"
} // namespace strata::cuda

using namespace mlir;

namespace {

struct GpuToNVVMPass : strata::cuda::impl::GpuToNVVMBase<GpuToNVVMPass> {
  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *context = module.getContext();
    {
      // All-reduce and shuffle forms the conversion expects.
      RewritePatternSet patterns(context);
      populateGpuRewritePatterns(patterns);
      // The conversion would send arith.remf to libdevice's fmod as well;
      // LLVM's frem has an NVPTX lowering.
      patterns.add(+[](arith::RemFOp rem, PatternRewriter &rewriter) {
        rewriter.replaceOpWithNewOp<LLVM::FRemOp>(rem, rem.getLhs(),
                                                  rem.getRhs());
        return success();
      });
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }

    LowerToLLVMOptions options(
        context, DataLayout(cast<DataLayoutOpInterface>(module.getOperation())));
    options.useBarePtrCallConv = true;
    LLVMTypeConverter converter(context, options);
    configureGpuToNVVMTypeConverter(converter);

    RewritePatternSet patterns(context);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    populateFuncToLLVMConversionPatterns(converter, patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
    // Ahead of the libdevice calls populateGpuToNVVMConversionPatterns
    // also offers for math ops.
    populateMathToLLVMConversionPatterns(converter, patterns,
                                         /*approximateLog1p=*/true,
                                         /*benefit=*/2);
    populateGpuToNVVMConversionPatterns(converter, patterns);

    LLVMConversionTarget target(*context);
    target.addLegalDialect<NVVM::NVVMDialect>();
    target.addIllegalDialect<gpu::GPUDialect>();
    target.addLegalOp<gpu::GPUModuleOp>();
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    // NVPTX has no float64 transcendental instructions: those need
    // libdevice too. The location names the ONNX node.
    WalkResult unsupported = module.walk([](Operation *op) {
      if (!isa<LLVM::ExpOp, LLVM::Exp2Op, LLVM::LogOp, LLVM::Log2Op,
               LLVM::Log10Op, LLVM::PowOp, LLVM::SinOp, LLVM::CosOp>(op))
        return WalkResult::advance();
      Type type = getElementTypeOrSelf(op->getResult(0).getType());
      if (type.isF32())
        return WalkResult::advance();
      op->emitError("strata-gpu-to-nvvm: ")
          << op->getName().stripDialect() << " on " << type
          << " has no NVPTX instruction (GPU targets compute it in f32 "
          << "only; libdevice is not linked)";
      return WalkResult::interrupt();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();

    // Nothing may be left that needs libdevice.
    for (auto function : module.getOps<LLVM::LLVMFuncOp>())
      if (function.isExternal() && function.getName().starts_with("__nv_")) {
        function.emitError("strata-gpu-to-nvvm: the kernels would call ")
            << function.getName() << " from libdevice, which Strata does not "
            << "link";
        return signalPassFailure();
      }
  }
};

} // namespace
