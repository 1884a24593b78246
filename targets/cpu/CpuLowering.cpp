//===- CpuLowering.cpp - The lowering the CPU targets share ------*- C++ -*-===//
//
// Implements CpuLowering.h.
//
//===----------------------------------------------------------------------===//
#include "targets/cpu/CpuLowering.h"

#include "targets/LoweringSupport.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace strata::cpu {

const char *const kVectorToLLVM =
    "convert-vector-to-llvm{vector-contract-lowering=outerproduct}";

LogicalResult buildCpuLowering(OpPassManager &pm,
                               const TargetDescription &target,
                               llvm::StringRef entryName,
                               llvm::StringRef vectorToLLVM) {
  // Targets without vectors (Cortex-M4/M7) keep scalar loops; 32-bit
  // targets lower index arithmetic to i32; bare-metal ones expand the float
  // min/max that would otherwise call libm.
  // Hosted targets spread large ops over the run's executor's threads, and
  // compute 3x3 convolutions with Winograd's transforms (their transformed
  // weights are up to 4x larger: not for microcontrollers' flash).
  std::string winograd =
      target.winograd
          ? llvm::formatv("strata-winograd-conv2d{{vector-bits={0} "
                          "parallel-loops=true}, ",
                          target.vectorBits)
                .str()
          : "";
  // Targets without vectors still tile their int8 convolutions into
  // dot-product kernels where the CPU has one.
  std::string vectorize =
      target.vectorBits || !target.dotProduct.empty()
          ? llvm::formatv(", strata-tile-and-vectorize{{vector-bits={0} "
                          "parallel-loops={1} pad-weight-rows={1} "
                          "dot-product={2}}",
                          target.vectorBits, !target.bareMetal, target.dotProduct)
                .str()
          : "";
  // Every CPU target lets the producers of padded tensors write into them,
  // and gives each accumulating op its own init, so that bufferization
  // copies neither.
  // On targets without vectors, elementwise ops write into an input that
  // dies there and every init is made right before its op: microcontrollers'
  // arenas are the budget. Vector targets fuse a convolution's elementwise
  // user into its tiles instead, and both measured slower there (ResNet-18
  // on x86: 3% and 6%).
  std::string inPlace = target.vectorBits ? "" : "strata-elementwise-in-place, ";
  std::string unshare = llvm::formatv("strata-unshare-inits{{last-user-too={0}}",
                                      target.vectorBits == 0)
                            .str();
  std::string prepare = "func.func(" + winograd + "strata-pad-in-producer, " + inPlace +
                        unshare + vectorize + "), ";
  // Hosted targets also call the Halide pipelines the compiler chose for
  // some fused groups (targets/halide).
  std::string outline =
      target.bareMetal
          ? ""
          : llvm::formatv("strata-call-halide-groups, "
                          "strata-outline-parallel-loops{{entry={0}}, ",
                          entryName)
                .str();
  std::string index = llvm::formatv("index-bitwidth={0}", target.indexBits).str();
  std::string text = llvm::formatv(
      "{1}canonicalize, cse, {2}canonicalize, cse, "
      "strata-plan-memory{{entry={0}}, {5}"
      "func.func(scf-forall-to-for, strata-lower-strided-copies, "
      "convert-linalg-to-loops, "
      "strata-expand-math, {3}lower-vector-multi-reduction, "
      "convert-vector-to-scf{{full-unroll=true}), "
      "lower-affine, convert-scf-to-cf, canonicalize, cse, {4}, ",
      entryName, prepare, kBufferizePipeline,
      target.bareMetal ? "arith-expand, " : "", vectorToLLVM, outline);
  return appendPipeline(pm, text + convertToLLVMDialect(index));
}

} // namespace strata::cpu
