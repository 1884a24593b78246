//===- Pipeline.h - Strata's pipelines, as stratac runs them ----*- C++ -*-===//
//
// The pipelines stratac runs, as named functions, so strata-opt registers the
// very same ones and one flag reproduces any stage of a compile for any
// target: --strata-graph-to-linalg, then
// --strata-lower{target=... cpu=... float-abi=... index-bitwidth=...}, whose
// options are stratac's target flags.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_PIPELINE_H
#define STRATA_COMPILER_PIPELINE_H

#include "targets/Target.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace strata {

/// graph ops -> linalg/tensor/arith/math on tensors (every target).
mlir::LogicalResult buildGraphToLinalgPipeline(mlir::OpPassManager &pm);

/// The options of --strata-lower: the target and stratac's flags for it.
struct LoweringPipelineOptions
    : mlir::PassPipelineOptions<LoweringPipelineOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("The --target to lower for"),
                             llvm::cl::init(STRATA_HOST_TARGET)};
  Option<std::string> cpu{*this, "cpu", llvm::cl::desc("As stratac's --cpu"),
                          llvm::cl::init("native")};
  Option<std::string> floatABI{*this, "float-abi",
                               llvm::cl::desc("As stratac's --float-abi")};
  Option<unsigned> indexBitwidth{
      *this, "index-bitwidth",
      llvm::cl::desc("Width of index in the LLVM dialect (0: the target's)"),
      llvm::cl::init(0)};
  Option<std::string> gpuBinary{*this, "gpu-binary",
                                llvm::cl::desc("As stratac's --gpu-binary")};
  Option<bool> gpuLoopsOnHost{
      *this, "gpu-loops-on-host",
      llvm::cl::desc("As stratac's --gpu-loops-on-host"),
      llvm::cl::init(false)};
  Option<bool> winograd{*this, "winograd",
                        llvm::cl::desc("As stratac's --winograd"),
                        llvm::cl::init(true)};
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("The function holding the model"),
                            llvm::cl::init("main")};

  TargetChoices choices() const;
};

/// Registers the pipelines and every pass they use, for strata-opt and for
/// pipelines parsed from text.
void registerStrataPipelines();

} // namespace strata

#endif // STRATA_COMPILER_PIPELINE_H
