//===- Stages.h - The driver's stages and what each one yields --*- C++ -*-===//
//
// compileModel is a straight line of stages, each returning a typed value
// the next one takes: the imported model, the partitions (one per device; a
// single one until placement gives more), each partition's lowering with its
// memory plan, and the files of its artifact. Facts a pass records on the
// entry function are read back once, here, through passes/EntryAttributes.h.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_STAGES_H
#define STRATA_COMPILER_STAGES_H

#include "compiler/Compiler.h"
#include "compiler/ModelSignature.h"
#include "compiler/PendingFiles.h"
#include "targets/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/Timing.h"

#include <optional>
#include <string>
#include <vector>

namespace strata {

/// Stage 1: the model in the graph dialect, with its interface and the
/// files the import read (for the depfile).
struct ImportedModel {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  ModelSignature signature;
  std::vector<std::string> dependencies;
};

/// Stage 3: what one device computes: a module of its own (linalg on
/// tensors after the graph passes), the target that compiles it and the
/// artifact's name.
struct Partition {
  std::string name;
  const Target *target = nullptr;
  TargetDescription description;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  ModelSignature signature;
};

/// Stage 4: what a partition's lowering decided, read from its entry.
struct MemoryPlan {
  int64_t arenaBytes = 0;
  int64_t arenaLowerBound = 0;
  /// The weights pooled into one block (GPU lowerings), in bytes.
  std::optional<int64_t> pooledWeightsBytes;
  /// Loops made tasks for an executor; none when the entry takes none.
  std::optional<int64_t> parallelLoops;
  /// The loop nests the entry runs (strata-plan-memory's counts).
  int64_t kernels = 0, fills = 0, copies = 0;
};

/// Enters stage `name`: the progress line shows it and its time is
/// recorded under `timing`.
mlir::TimingScope enterStage(const CompileOptions &options,
                             mlir::TimingScope &timing, const std::string &name);

/// Stage 1. Errors are emitted on `context`.
mlir::FailureOr<ImportedModel> importModel(mlir::MLIRContext &context,
                                           const CompileOptions &options,
                                           llvm::StringRef name);

/// Stage 2: the graph-level passes, down to linalg on tensors. Each stage
/// from here on records its time, and its passes', under `timing`.
mlir::LogicalResult runGraphPasses(mlir::ModuleOp module,
                                   const CompileOptions &options,
                                   mlir::TimingScope &timing);

/// Stage 0: --target and its choices, checked against the requested stage
/// before anything is read.
struct ResolvedTarget {
  const Target *target = nullptr;
  TargetDescription description;
};
mlir::FailureOr<ResolvedTarget> resolveTarget(const CompileOptions &options,
                                              mlir::Location loc);

/// Stage 3: the model split into partitions. Today: the whole model, one
/// partition, on the one target.
std::vector<Partition> partitionModel(ImportedModel model,
                                      const ResolvedTarget &target,
                                      llvm::StringRef name);

/// Stage 4: the partition's target lowers it to the LLVM dialect.
mlir::FailureOr<MemoryPlan> lowerPartition(Partition &partition,
                                           const CompileOptions &options,
                                           mlir::TimingScope &timing);

/// Stage 5: the partition's artifact (up to the requested stage) into
/// `files`.
struct HalideGroups;
mlir::LogicalResult emitPartition(Partition &partition, const MemoryPlan &plan,
                                  const HalideGroups &halideGroups,
                                  const CompileOptions &options,
                                  PendingFiles &files, mlir::TimingScope &timing);

} // namespace strata

#endif // STRATA_COMPILER_STAGES_H
