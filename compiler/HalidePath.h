//===- HalidePath.h - Which fused groups Halide implements ------*- C++ -*-===//
//
// The compiler's side of the Halide path (targets/halide has the IR side).
// Before a partition is lowered, each fused group Halide can express is
// given to Halide or left to the MLIR codegen: by a cost model, by
// --halide=all, or with --autotune by timing both implementations on this
// machine. The chosen groups are compiled by strata-halide-gen, a separate
// program (Halide 14 links LLVM 14), to bitcode that is linked into the
// partition's LLVM module before optimization.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_HALIDEPATH_H
#define STRATA_COMPILER_HALIDEPATH_H

#include "compiler/Stages.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/IR/Module.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata {

/// One group the compiler considered, as --report prints it.
struct HalideDecision {
  std::string function; // the Halide function's symbol
  std::string node;     // the ONNX node the group comes from
  bool halide = false;
  std::string reason;   // "cost model", "--halide=all", "measured", ...
  /// Median run time of each implementation (--autotune), in microseconds.
  std::optional<double> mlirMicros, halideMicros;
  bool cached = false;  // the timings came from the autotune cache
};

/// The Halide groups of one partition: the decisions, and each chosen
/// group's spec and bitcode by function name.
struct HalideGroups {
  std::string autoscheduler;
  std::vector<HalideDecision> decisions;
  std::map<std::string, std::pair<std::string, std::string>> objects;
};

/// Marks the groups of `partition` (linalg on tensors) that Halide
/// implements and compiles them. Fails, with an error, only when the user
/// asked for Halide (--halide=all, --autotune) and it cannot be had.
mlir::FailureOr<HalideGroups> chooseHalideGroups(Partition &partition,
                                                 const CompileOptions &options,
                                                 mlir::TimingScope &timing);

/// Links into `module` (the lowered `lowered` translated to LLVM IR) the
/// Halide functions it calls, whose declarations in `lowered` carry their
/// specs; before LLVM optimization, so that one code generation compiles
/// the model and its groups together.
llvm::Error linkHalideGroups(mlir::ModuleOp lowered, llvm::Module &module,
                             const TargetDescription &target,
                             const HalideGroups &groups);

/// Runs strata-halide-gen once on the groups `specs` (function name, spec)
/// for `target` (a Halide target string): each group's LLVM bitcode, or why
/// it has none.
std::map<std::string, llvm::Expected<std::string>>
generateHalideGroups(llvm::ArrayRef<std::pair<std::string, std::string>> specs,
                     llvm::StringRef target, llvm::StringRef autoscheduler);

/// Median time of each implementation of one group (GroupAutotuner.cpp):
/// `mlirVersion` as the MLIR codegen gets it (a named stencil stays named),
/// `halideVersion` its generic form calling `halideObject`.
struct GroupTiming {
  double mlirMicros = 0, halideMicros = 0;
  bool cached = false;
};
llvm::Expected<GroupTiming>
timeGroup(mlir::linalg::LinalgOp mlirVersion, mlir::linalg::GenericOp halideVersion,
          std::optional<float> init, llvm::StringRef function,
          llvm::StringRef spec, llvm::StringRef halideObject,
          const Partition &partition, const CompileOptions &options);

} // namespace strata

#endif // STRATA_COMPILER_HALIDEPATH_H
