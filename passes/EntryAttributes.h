//===- EntryAttributes.h - Facts recorded on the model's entry --*- C++ -*-===//
//
// The importer and some passes leave facts on the model's entry function
// that later stages read back: the ONNX tensor names, the arena the memory
// plan chose and, on GPUs, the size of the pooled weights. Each attribute is
// named here once, with typed accessors, so the stage that writes a fact and
// the stage that reads it cannot disagree on its spelling or type. They are
// discardable attributes: upstream passes carry them through to the LLVM
// dialect's function.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES_ENTRYATTRIBUTES_H
#define STRATA_PASSES_ENTRYATTRIBUTES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace strata::entry {

/// ONNX names of the model's inputs and outputs, in order (ArrayAttr of
/// StringAttr), set by the importer.
inline constexpr llvm::StringLiteral kInputNames = "strata.input_names";
inline constexpr llvm::StringLiteral kOutputNames = "strata.output_names";
/// The arena strata-plan-memory laid out, and the lower bound it is
/// measured against (the most bytes live at once), in bytes.
inline constexpr llvm::StringLiteral kArenaBytes = "strata.arena_bytes";
inline constexpr llvm::StringLiteral kArenaLowerBound = "strata.arena_lower_bound";
/// The loop nests the entry runs once bufferized, which strata-plan-memory
/// counts at its top level: kernels (loops, calls and linalg ops that
/// compute), fills (linalg.fill) and copies (memref.copy, linalg.copy and
/// linalg.transpose: padding, layout changes).
inline constexpr llvm::StringLiteral kKernels = "strata.kernels";
inline constexpr llvm::StringLiteral kFills = "strata.fills";
inline constexpr llvm::StringLiteral kCopies = "strata.copies";
/// Bytes of the weights strata-pool-constants pooled into one block (GPUs).
inline constexpr llvm::StringLiteral kConstantsBytes = "strata.constants_bytes";
/// How many parallel loops strata-outline-parallel-loops made tasks of
/// (hosted CPUs); loop k is dispatchName(entry, k) calling taskName(entry, k).
inline constexpr llvm::StringLiteral kParallelLoops = "strata.parallel_loops";

/// strata-prune-channels: for each pruned producer its node, channels and
/// kept channels (ArrayAttr of DictionaryAttr), read by stratac's report.
inline constexpr llvm::StringLiteral kPrunedChannels = "strata.pruned_channels";
/// strata-differentiate: the node of each gradient's weight's consumer, in
/// result order (ArrayAttr of StringAttr).
inline constexpr llvm::StringLiteral kGradientNodes = "strata.gradient_nodes";

inline std::string taskName(llvm::StringRef entryName, int64_t loop) {
  return (entryName + ".parallel." + llvm::Twine(loop)).str();
}
inline std::string dispatchName(llvm::StringRef entryName, int64_t loop) {
  return (entryName + ".dispatch." + llvm::Twine(loop)).str();
}

inline void setInt(mlir::Operation *entry, llvm::StringRef name, int64_t value) {
  entry->setAttr(name, mlir::Builder(entry->getContext()).getI64IntegerAttr(value));
}

/// The fact `name`, when the stage that records it has run.
inline std::optional<int64_t> getInt(mlir::Operation *entry,
                                     llvm::StringRef name) {
  if (auto value = entry->getAttrOfType<mlir::IntegerAttr>(name))
    return value.getInt();
  return std::nullopt;
}

/// Name `index` of the list `name`, or "" when there is none.
inline std::string getName(mlir::Operation *entry, llvm::StringRef name,
                           size_t index) {
  auto names = entry->getAttrOfType<mlir::ArrayAttr>(name);
  if (!names || index >= names.size())
    return "";
  auto text = llvm::dyn_cast<mlir::StringAttr>(names[index]);
  return text ? text.str() : "";
}

} // namespace strata::entry

#endif // STRATA_PASSES_ENTRYATTRIBUTES_H
