//===- HalideGroups.h - Fused groups that Halide can implement --*- C++ -*-===//
//
// The Halide path's contract between the compiler and strata-halide-gen. A
// group is one linalg.generic (strata-fuse-elementwise has already merged
// its elementwise chain) over float32 with affine indexing and a body of
// arithmetic and math ops. The compiler marks the generics it gives to
// Halide with kGroupAttr (the function's symbol) and, for reductions,
// kInitAttr (the value the output starts from, read off its linalg.fill);
// the CPU codegen leaves marked ops alone and strata-call-halide-groups
// replaces them with calls. The spec text written here is what the
// generator reads (its grammar is in docs/halide.md).
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_HALIDE_HALIDEGROUPS_H
#define STRATA_TARGETS_HALIDE_HALIDEGROUPS_H

#include "targets/Target.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>
#include <string>

namespace strata::halide {

/// The Halide function a generic is implemented by (a StringAttr).
inline constexpr llvm::StringLiteral kGroupAttr = "strata.halide_group";
/// The value a reduction's output starts from (a FloatAttr).
inline constexpr llvm::StringLiteral kInitAttr = "strata.halide_init";
/// On the generated function's declaration: the spec to generate it from.
inline constexpr llvm::StringLiteral kSpecAttr = "strata.halide_spec";

inline bool isHalideGroup(mlir::Operation *op) {
  return op->hasAttr(kGroupAttr);
}

/// The constant a reduction generic's output starts from, when its init
/// operand is a linalg.fill (or a generic yielding one value) of a float
/// constant. Tensor semantics only: after bufferization the fill is a
/// separate write to the same buffer.
std::optional<float> initValueOf(mlir::linalg::GenericOp op);

/// The spec of `op` as the function `name`, or why Halide cannot take it.
/// `init` is the reduction's start value (required when it reduces).
llvm::Expected<std::string> writeGroupSpec(mlir::linalg::GenericOp op,
                                           llvm::StringRef name,
                                           std::optional<float> init);

/// A spec without its first line (the function's name): what identifies a
/// group's computation, for caching its timings and sharing them between
/// identical groups.
inline llvm::StringRef specWithoutName(llvm::StringRef spec) {
  return spec.drop_until([](char c) { return c == '\n'; });
}

/// Whether two buffers (memrefs after the memory plan) may overlap: they do
/// not when they come from different roots or from disjoint static byte
/// ranges of one (arena views).
bool mayAlias(mlir::Value a, mlir::Value b);

/// Halide's target string for `target`, or "" when the Halide path does not
/// serve it (bare metal and GPU targets).
std::string halideTargetOf(const TargetDescription &target);

} // namespace strata::halide

#endif // STRATA_TARGETS_HALIDE_HALIDEGROUPS_H
