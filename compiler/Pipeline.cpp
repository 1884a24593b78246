//===- Pipeline.cpp - Strata's pipelines, as stratac runs them ---*- C++ -*-===//
//
// The graph-to-linalg pipeline is the same for every target; the lowering
// after it is the target's own (Target::buildLowering). Both are written as
// textual pass pipelines, which read like the strata-opt command lines that
// reproduce them.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipeline.h"

#include "passes/Passes.h"
#include "targets/LoweringSupport.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace strata {

LogicalResult buildGraphToLinalgPipeline(OpPassManager &pm) {
  return appendPipeline(pm, "func.func(strata-graph-decompose-recurrent, "
                            "canonicalize, strata-convert-graph-to-linalg, "
                            "canonicalize, strata-propagate-layout, "
                            "canonicalize, cse, strata-fuse-elementwise, "
                            "canonicalize, cse)");
}

TargetChoices LoweringPipelineOptions::choices() const {
  TargetChoices choices;
  choices.cpu = cpu;
  choices.floatABI = floatABI;
  choices.indexBits = indexBitwidth;
  choices.gpuBinary = gpuBinary;
  choices.gpuLoopsOnHost = gpuLoopsOnHost;
  choices.winograd = winograd;
  return choices;
}

void registerStrataPipelines() {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  registerStrataPasses();
  registerTargetPasses();
  PassPipelineRegistration<>(
      "strata-graph-to-linalg",
      "The graph dialect to linalg on tensors, as stratac runs it",
      [](OpPassManager &pm) { (void)buildGraphToLinalgPipeline(pm); });
  // Registered by hand rather than with PassPipelineRegistration, so that an
  // unknown target or a choice it rejects fails the pipeline's parsing.
  registerPassPipeline(
      "strata-lower",
      "Linalg on tensors to the LLVM dialect for a target, as stratac runs it",
      [](OpPassManager &pm, llvm::StringRef text,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler)
          -> LogicalResult {
        LoweringPipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        auto target = TargetRegistry::get().lookup(options.target);
        if (!target)
          return errorHandler(llvm::toString(target.takeError()));
        auto description = target->describe(options.choices());
        if (!description)
          return errorHandler(llvm::toString(description.takeError()));
        return target->buildLowering(pm, *description, options.entry);
      },
      [](llvm::function_ref<void(const detail::PassOptions &)> optionsHandler) {
        optionsHandler(LoweringPipelineOptions());
      });
}

} // namespace strata
