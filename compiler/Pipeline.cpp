//===- Pipeline.cpp - Strata's lowering pipelines ---------------*- C++ -*-===//
//
// The pipelines are written as textual pass pipelines: they read like the
// strata-opt command lines that reproduce them, and upstream passes need no
// per-pass headers. Our own passes are registered so the parser finds them.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipeline.h"

#include "passes/Passes.h"
#include "targets/cortexm/Passes.h"
#include "targets/cpu/Passes.h"
#include "targets/cuda/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace strata {
namespace {

LogicalResult appendPipeline(OpPassManager &pm, llvm::StringRef text) {
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(text, pm, errorStream))) {
    llvm::errs() << "strata: internal pipeline does not parse: " << errors
                 << "\n";
    return failure();
  }
  return success();
}

/// Tensors to buffers, results to caller-provided out-parameters: the start
/// of every linalg-to-LLVM pipeline.
constexpr const char *kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map}, "
    "buffer-results-to-out-params{hoist-static-allocs=true "
    "modify-public-functions=true}, ";

/// Loops, memrefs and scalars to the LLVM dialect with bare-pointer calls;
/// `index` is a pass option ("index-bitwidth=32") or "" for the data
/// layout's width.
std::string convertToLLVMDialect(llvm::StringRef index) {
  return llvm::formatv(
      "expand-strided-metadata, lower-affine, finalize-memref-to-llvm{{{0}}, "
      "convert-math-to-llvm, "
      "convert-arith-to-llvm{{{0}}, convert-cf-to-llvm{{{0}}, "
      "convert-ub-to-llvm{{{0}}, "
      "convert-func-to-llvm{{use-bare-ptr-memref-call-conv=1 {0}}, "
      "reconcile-unrealized-casts, canonicalize",
      index);
}

} // namespace

LogicalResult buildGraphToLinalgPipeline(OpPassManager &pm,
                                         const PipelineOptions &options) {
  return appendPipeline(pm, "func.func(strata-graph-decompose-recurrent, canonicalize, "
                            "strata-convert-graph-to-linalg, canonicalize, cse, "
                            "strata-fuse-elementwise, canonicalize, cse)");
}

LogicalResult buildLinalgToLLVMPipeline(OpPassManager &pm,
                                        const PipelineOptions &options) {
  // Targets without vectors (Cortex-M) keep scalar loops; 32-bit targets
  // lower index arithmetic to i32.
  std::string vectorize =
      options.vectorBits
          ? llvm::formatv("func.func(strata-tile-and-vectorize{{vector-bits={0}}), ",
                          options.vectorBits)
                .str()
          : "";
  std::string index = llvm::formatv("index-bitwidth={0}", options.indexBits).str();
  std::string text = llvm::formatv(
      "{1}canonicalize, cse, {2}canonicalize, cse, "
      "strata-plan-memory{{entry={0}}, "
      "func.func(strata-lower-strided-copies, convert-linalg-to-loops, "
      "strata-expand-math, {3}lower-vector-multi-reduction, "
      "convert-vector-to-scf{{full-unroll=true}), "
      "lower-affine, convert-scf-to-cf, canonicalize, cse, {4}",
      options.entryName, vectorize, kBufferize,
      options.bareMetal ? "arith-expand, " : "",
      // Upstream's vector conversion hard-wires a 64-bit index.
      options.indexBits == 64
          ? "convert-vector-to-llvm{vector-contract-lowering=outerproduct}, "
          : "strata-cortexm-vector-to-llvm{" + index + "}, ");
  return appendPipeline(pm, text + convertToLLVMDialect(index));
}

LogicalResult buildLinalgToGpuPipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  // Up to here the GPU and its host emulation agree: weights pooled, every
  // loop nest distributed onto blocks and threads. Loop fusion runs while
  // buffers are still distinct allocations; once the arena is planned they
  // are views of one block, which alias analysis cannot tell apart.
  std::string loops = llvm::formatv(
      "canonicalize, cse, {2}canonicalize, cse, "
      "func.func(strata-lower-strided-copies{{all-copies=true}, "
      "convert-linalg-to-parallel-loops, scf-parallel-loop-fusion), "
      "strata-plan-memory{{entry={0}}, strata-pool-constants{{entry={0}}, "
      "func.func(strata-expand-math, "
      "strata-gpu-distribute-loops{{block-size={1}}",
      options.entryName, options.gpuBlockSize, kBufferize);
  // Host code (and, on the host, the loops themselves) to LLVM.
  std::string hostToLLVM = "convert-scf-to-cf, " + convertToLLVMDialect("");
  if (options.gpuLoopsOnHost)
    return appendPipeline(pm, loops + "), lower-affine, " + hostToLLVM);

  // Math is expanded before outlining and strata-gpu-to-nvvm sends the rest
  // to LLVM intrinsics, not libdevice's __nv_* functions: kernels link
  // nothing from the CUDA toolkit.
  std::string kernels = llvm::formatv(
      ", convert-parallel-loops-to-gpu), "
      "lower-affine, canonicalize, cse, "
      "gpu-launch-sink-index-computations, gpu-kernel-outlining, "
      "strata-gpu-merge-kernel-modules, canonicalize, "
      "nvvm-attach-target{{chip={0} features={1} O=3}, "
      "gpu.module(convert-scf-to-cf, strata-gpu-to-nvvm, canonicalize, cse, "
      "reconcile-unrealized-casts), "
      "gpu-to-llvm{{use-bare-pointers-for-kernels=1 "
      "use-bare-pointers-for-host=1}, ",
      options.gpuChip, options.gpuFeatures);
  std::string binary = llvm::formatv(
      ", gpu-module-to-binary{{format={0}{1}}", options.gpuBinaryFormat,
      options.gpuToolkit.empty() ? "" : " toolkit=" + options.gpuToolkit);
  return appendPipeline(pm, loops + kernels + hostToLLVM + binary);
}

void registerStrataPipelines() {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  registerStrataPasses();
  cpu::registerStrataCpuPasses();
  cortexm::registerStrataCortexMPasses();
  cuda::registerStrataCudaPasses();
  PassPipelineRegistration<>(
      "strata-graph-to-linalg",
      "The graph dialect to linalg on tensors, as stratac runs it",
      [](OpPassManager &pm) { (void)buildGraphToLinalgPipeline(pm, {}); });
  PassPipelineRegistration<>(
      "strata-linalg-to-llvm",
      "Linalg on tensors to the LLVM dialect, as stratac runs it",
      [](OpPassManager &pm) { (void)buildLinalgToLLVMPipeline(pm, {}); });
  PassPipelineRegistration<>(
      "strata-linalg-to-gpu",
      "Linalg on tensors to host LLVM and sm_90 PTX, as stratac runs it",
      [](OpPassManager &pm) { (void)buildLinalgToGpuPipeline(pm, {}); });
}

} // namespace strata
