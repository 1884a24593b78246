//===- ImportanceScores.h - Gradient criteria for --prune -------*- C++ -*-===//
//
// `--prune-criterion=importance` scores a weight by the seed's
// 1/2 w^2 + (1/N) sum_i (dL/dw (x_i))^2, and `taylor` a channel by
// Molchanov et al.'s first-order Taylor term (1/N) sum_i (sum_w w dL/dw)^2.
// Both need the loss's gradient on data: the compiler builds it with
// strata-differentiate, compiles it for this machine with the model's own
// pipeline and runs it on the calibration samples. The loss is the mean
// squared error to the samples' reference outputs (output_K beside
// input_K) or, without them, the cross-entropy against the model's own
// top-1 for a classifier.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_IMPORTANCESCORES_H
#define STRATA_COMPILER_IMPORTANCESCORES_H

#include "compiler/SampleRunner.h"
#include "compiler/Stages.h"

namespace strata {

/// Scores every output channel of `model`'s convolutions with constant
/// weights by options.pruneCriterion ("importance" or "taylor") on
/// `samples`, and records each convolution's scores on it
/// (kChannelScoresAttr), where strata-prune-channels reads them.
/// `floatLibrary` is `model` as it is, compiled for the host
/// (compileForHost): its outputs give the loss's seeds.
mlir::LogicalResult scoreChannelsByGradient(ImportedModel &model,
                                            const CompileOptions &options,
                                            const std::vector<Sample> &samples,
                                            llvm::StringRef floatLibrary,
                                            mlir::TimingScope &timing);

} // namespace strata

#endif // STRATA_COMPILER_IMPORTANCESCORES_H
