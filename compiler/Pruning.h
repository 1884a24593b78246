//===- Pruning.h - --prune: structured pruning before the rest ---*- C++ -*-===//
//
// `stratac --prune=channels:S` removes a fraction S of the convolutions'
// output channels (strata-prune-channels) right after import, so that
// calibration, quantization and every target compile the smaller model.
// The stage also measures what it saved: the multiply-adds and weight
// bytes of the graph before and after, which --report and the manifest
// give with each pruned layer's channels.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_PRUNING_H
#define STRATA_COMPILER_PRUNING_H

#include "compiler/Stages.h"

#include <optional>
#include <string>

namespace strata {

/// A parsed --prune: the structure and the fraction removed.
struct PruneSpec {
  std::string structure; // "channels"
  double fraction = 0.0;
};

/// Parses "channels:S" with S in (0, 1); nullopt and `error` otherwise.
std::optional<PruneSpec> parsePruneSpec(llvm::StringRef text, std::string &error);

/// Whether `criterion` is one --prune-criterion takes: magnitude,
/// importance or taylor (compiler/ImportanceScores.h).
bool isPruneCriterion(llvm::StringRef criterion);

/// Stage 1a, with --prune: prunes `model` (the graph dialect, as imported)
/// and records what it did in `model.signature.pruning`. Fails with an
/// error naming why when nothing can be pruned.
/// Each group's kept channels are rounded up to whole vectors of the
/// target's float32 lanes (at least 4).
mlir::LogicalResult pruneModel(ImportedModel &model, const CompileOptions &options,
                               const TargetDescription &target,
                               mlir::TimingScope &timing);

} // namespace strata

#endif // STRATA_COMPILER_PRUNING_H
