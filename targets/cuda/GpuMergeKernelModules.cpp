//===- GpuMergeKernelModules.cpp - One gpu.module per model -----*- C++ -*-===//
//
// Implements strata-gpu-merge-kernel-modules: a model's kernels form one PTX
// unit, one cubin and one module load at run time instead of one per kernel.
//
//===----------------------------------------------------------------------===//
#include "targets/cuda/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace strata::cuda {
#define GEN_PASS_DEF_GPUMERGEKERNELMODULES
#include "targets/cuda/Passes.h.inc"
} // namespace strata::cuda

using namespace mlir;

namespace {

struct GpuMergeKernelModulesPass
    : strata::cuda::impl::GpuMergeKernelModulesBase<GpuMergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp top = getOperation();
    SmallVector<gpu::GPUModuleOp> modules(top.getOps<gpu::GPUModuleOp>());
    if (modules.size() < 2)
      return;
    gpu::GPUModuleOp target = modules.front();
    Block &targetBody = target.getBodyRegion().front();
    // Old (module, kernel) -> new kernel name.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : llvm::drop_begin(modules)) {
      Block &body = source.getBodyRegion().front();
      auto kernel = llvm::hasSingleElement(body)
                        ? dyn_cast<gpu::GPUFuncOp>(body.front())
                        : gpu::GPUFuncOp();
      if (!kernel || SymbolTable::lookupSymbolIn(target, source.getNameAttr())) {
        source.emitError("strata-gpu-merge-kernel-modules: expected one "
                         "kernel per outlined module");
        return signalPassFailure();
      }
      renamed[{source.getNameAttr(), kernel.getNameAttr()}] =
          source.getNameAttr();
      kernel.setName(source.getNameAttr());
      kernel->moveBefore(&targetBody, targetBody.end());
    }
    top.walk([&](gpu::LaunchFuncOp launch) {
      auto it = renamed.find(
          {launch.getKernelModuleName(), launch.getKernelName()});
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          target.getNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp source : llvm::drop_begin(modules))
      source.erase();
  }
};

} // namespace
