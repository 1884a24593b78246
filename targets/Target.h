//===- Target.h - The Target interface and registry -------------*- C++ -*-===//
//
// A target is one folder of targets/ plus one registration: it resolves the
// user's choices (--cpu, --float-abi, ...) into a TargetDescription, builds
// its own lowering from linalg on tensors to the LLVM dialect, and says what
// kind of artifact it emits and how strata-run runs that artifact here. The
// driver, strata-opt and the tools reach targets only through this file:
// nothing outside targets/ compares target names. The names themselves come
// from the one table, runtime/include/strata/targets.h.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_TARGET_H
#define STRATA_TARGETS_TARGET_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include "strata/targets.h"

#include <memory>
#include <string>

namespace strata {

/// What the user chose for a target, before the target resolves it; an
/// empty string means the target's default. Targets reject the choices that
/// do not apply to them with an error naming the flag.
struct TargetChoices {
  /// --cpu: the core or ISA level ("native", "x86-64-v3", "cortex-a72").
  std::string cpu;
  /// --float-abi: "hard" or "soft" (Cortex-M).
  std::string floatABI;
  /// Width of `index` in the LLVM dialect; 0 for the target's own.
  unsigned indexBits = 0;
  /// --gpu-binary: "auto", "cubin" or "ptx" (GPU targets).
  std::string gpuBinary;
  /// --gpu-loops-on-host (GPU targets): stop short of kernels and compile
  /// the distributed loop nests for this machine's CPU.
  bool gpuLoopsOnHost = false;
  /// --winograd: hosted CPU targets compute 3x3 stride-1 convolutions with
  /// constant weights by Winograd's transforms (strata-winograd-conv2d).
  bool winograd = true;
};

/// Everything target-specific that the lowering and the object emitter
/// consult, resolved from a target's TargetChoices.
struct TargetDescription {
  /// The --target name (x86_64, ...).
  std::string name;
  std::string triple;
  std::string cpu;
  /// LLVM feature string ("+avx2,+fma,...").
  std::string features;
  /// Widest vector register in bits: the vectorizer's unit; 0 leaves loops
  /// scalar.
  unsigned vectorBits = 128;
  /// Width of index arithmetic (32 on 32-bit microcontrollers).
  unsigned indexBits = 64;
  /// No operating system: static relocation, no shared libraries, code
  /// optimized for size.
  bool bareMetal = false;
  /// Soft-float ABI: no FPU instructions.
  bool softFloat = false;
  /// NVIDIA GPU targets: the chip kernels are compiled for ("sm_90"), empty
  /// for CPU targets. The fields above then describe the host code.
  std::string gpuChip;
  /// NVPTX features of the kernels ("+ptx78").
  std::string gpuFeatures;
  /// The chip's compute capability as major * 10 + minor (90).
  unsigned gpuComputeCapability = 0;
  /// What the object embeds: "isa" (PTX) or "bin" (a cubin, made by the
  /// toolkit's ptxas).
  std::string gpuBinaryFormat = "isa";
  /// The CUDA toolkit whose ptxas makes the cubin ("" for PTX).
  std::string gpuToolkit;
  /// A GPU lowering stopped short of kernels: its loop nests, distributed
  /// onto blocks and threads, run on this machine's CPU (the fields above
  /// then describe that CPU, and gpuChip is empty).
  bool gpuLoopsOnHost = false;
  /// The CPU's byte dot product for int8 convolutions
  /// (strata-tile-and-vectorize's dot-product): "vpdpbusd" (x86 VNNI),
  /// "smlad" (Cortex-M's DSP extension) or "" (none).
  std::string dotProduct;
  /// Run strata-winograd-conv2d: --winograd on a hosted CPU target (its
  /// transformed weights are up to 4x larger: not for microcontrollers).
  bool winograd = false;

  bool isGpu() const { return !gpuChip.empty(); }
};

/// A --target name and what the table says of it.
struct TargetTableEntry {
  llvm::StringRef name;
  llvm::StringRef family;
  strata_target_runner_t runner;
  llvm::StringRef gnuTriple;
  llvm::StringRef summary;
};

/// The table of runtime/include/strata/targets.h, in its order.
llvm::ArrayRef<TargetTableEntry> targetTable();

class Target {
public:
  explicit Target(const TargetTableEntry &entry) : entry(entry) {}
  virtual ~Target();

  llvm::StringRef getName() const { return entry.name; }
  const TargetTableEntry &getTableEntry() const { return entry; }

  /// The description for `choices` (resolve's, with an index width the
  /// choices set), or an error naming the flag that does not apply or the
  /// value that is not supported.
  llvm::Expected<TargetDescription> describe(const TargetChoices &choices) const;

  /// Appends this target's lowering, from linalg on tensors (the output of
  /// the graph-to-linalg pipeline) to the LLVM dialect, for the function
  /// `entryName`.
  virtual mlir::LogicalResult
  buildLowering(mlir::OpPassManager &pm, const TargetDescription &target,
                llvm::StringRef entryName) const = 0;

protected:
  /// Errors for the choices that only GPU targets (--gpu-binary,
  /// --gpu-loops-on-host) or only Cortex-M targets (--float-abi) take, when
  /// this target is not one of them.
  static llvm::Error rejectGpuChoices(const TargetChoices &choices);
  static llvm::Error rejectFloatABI(const TargetChoices &choices);

  /// The target's own resolution of `choices` (all but indexBits).
  virtual llvm::Expected<TargetDescription>
  resolve(const TargetChoices &choices) const = 0;

private:
  TargetTableEntry entry;
};

/// All registered targets, by name; every name of the table is registered.
class TargetRegistry {
public:
  /// The registry with every target folder's registration done.
  static const TargetRegistry &get();

  void add(std::unique_ptr<Target> target);
  /// The target --target=`name` selects (aliases included), or an error
  /// listing the supported names.
  llvm::Expected<const Target &> lookup(llvm::StringRef name) const;
  llvm::ArrayRef<std::unique_ptr<Target>> targets() const { return all; }

private:
  llvm::SmallVector<std::unique_ptr<Target>> all;
};

/// Adds one target per table row of `family`, as `make` builds it for that
/// row (null for a row it has no code for: the registry test then fails).
void registerFamily(
    TargetRegistry &registry, llvm::StringRef family,
    llvm::function_ref<std::unique_ptr<Target>(const TargetTableEntry &)> make);

/// Each folder's registration (the table's FAMILY column names them).
void registerX86Targets(TargetRegistry &registry);
void registerAArch64Targets(TargetRegistry &registry);
void registerCortexMTargets(TargetRegistry &registry);
void registerCudaTargets(TargetRegistry &registry);

/// Registers every target folder's passes with MLIR (for pipelines parsed
/// from text and for strata-opt).
void registerTargetPasses();

/// The names of the table, for help texts: "x86_64, aarch64, ...".
std::string supportedTargetNames();

/// This machine's CPU: the x86-64 target resolved with --cpu=native (the
/// host code of --gpu-loops-on-host).
llvm::Expected<TargetDescription> resolveHostTarget();

} // namespace strata

#endif // STRATA_TARGETS_TARGET_H
