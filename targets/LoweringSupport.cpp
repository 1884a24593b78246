//===- LoweringSupport.cpp - Pieces every target's lowering shares -*- C++ -*-===//
//
// Implements LoweringSupport.h.
//
//===----------------------------------------------------------------------===//
#include "targets/LoweringSupport.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace strata {

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

const char *const kBufferizePipeline =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map}, "
    "buffer-results-to-out-params{hoist-static-allocs=true "
    "modify-public-functions=true}, ";

std::string convertToLLVMDialect(llvm::StringRef indexOption) {
  return llvm::formatv(
      "expand-strided-metadata, lower-affine, finalize-memref-to-llvm{{{0}}, "
      "convert-math-to-llvm, "
      "convert-arith-to-llvm{{{0}}, convert-cf-to-llvm{{{0}}, "
      "convert-ub-to-llvm{{{0}}, "
      "convert-func-to-llvm{{use-bare-ptr-memref-call-conv=1 {0}}, "
      "reconcile-unrealized-casts, canonicalize",
      indexOption);
}

} // namespace strata
