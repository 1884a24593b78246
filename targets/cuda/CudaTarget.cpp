//===- CudaTarget.cpp - NVIDIA GPUs through NVPTX ---------------*- C++ -*-===//
//
// sm_80 (Ampere) and sm_90 (Hopper). A GPU artifact is two programs: kernels
// in PTX for the chip (lowered through NVVM) and host code that launches them
// through the runtime's CUDA loader. The description's triple and CPU are the
// host's, baseline x86-64, because artifacts are compiled on one machine and
// run on another; `gpuChip` and `gpuFeatures` describe the device. With
// --gpu-loops-on-host the description is this machine's CPU instead, and the
// lowering stops before kernels (targets/cuda/CudaLowering.cpp).
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"
#include "targets/cuda/CudaLowering.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

namespace strata {
namespace {

/// The CUDA toolkit that can make cubins: the first of $CUDA_HOME,
/// $CUDA_PATH, the parent of a ptxas on PATH and /usr/local/cuda with both
/// bin/ptxas and the libdevice that gpu-module-to-binary links
/// (nvvm/libdevice/libdevice.10.bc); "" when none has. A ptxas alone is not
/// a toolkit: /usr/local/bin/ptxas is often a wrapper script.
std::string findCudaToolkit() {
  auto isToolkit = [](llvm::StringRef root) {
    llvm::SmallString<256> ptxas(root), libdevice(root);
    llvm::sys::path::append(ptxas, "bin", "ptxas");
    llvm::sys::path::append(libdevice, "nvvm", "libdevice", "libdevice.10.bc");
    return !root.empty() && llvm::sys::fs::can_execute(ptxas) &&
           llvm::sys::fs::is_regular_file(libdevice);
  };
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *root = std::getenv(variable); root && isToolkit(root))
      return root;
  if (auto ptxas = llvm::sys::findProgramByName("ptxas")) {
    llvm::SmallString<256> root(*ptxas);
    llvm::sys::fs::real_path(*ptxas, root);
    llvm::sys::path::remove_filename(root); // bin/
    llvm::sys::path::remove_filename(root);
    if (isToolkit(root))
      return root.str().str();
  }
  return isToolkit("/usr/local/cuda") ? "/usr/local/cuda" : "";
}

/// The chips, each with the oldest PTX ISA it exists in, so older drivers
/// JIT it too.
struct CudaChip {
  llvm::StringRef name;
  llvm::StringRef ptxFeatures;
  unsigned computeCapability;
};

constexpr CudaChip kChips[] = {{"sm_80", "+ptx70", 80}, {"sm_90", "+ptx78", 90}};

class CudaTarget : public Target {
public:
  CudaTarget(const TargetTableEntry &entry, const CudaChip &chip)
      : Target(entry), chip(chip) {}

  mlir::LogicalResult buildLowering(mlir::OpPassManager &pm,
                                    const TargetDescription &target,
                                    llvm::StringRef entryName) const override {
    return cuda::buildCudaLowering(pm, target, entryName);
  }

protected:
  llvm::Expected<TargetDescription>
  resolve(const TargetChoices &choices) const override {
    if (!choices.cpu.empty() && choices.cpu != "native")
      return llvm::createStringError("--cpu does not apply to " +
                                     getName().str() +
                                     " (the chip is the target)");
    if (llvm::Error error = rejectFloatABI(choices))
      return std::move(error);
    llvm::StringRef binary = choices.gpuBinary.empty() ? "auto"
                                                       : llvm::StringRef(choices.gpuBinary);
    if (binary != "auto" && binary != "cubin" && binary != "ptx")
      return llvm::createStringError("--gpu-binary must be auto, cubin or "
                                     "ptx, not '" + binary.str() + "'");
    if (choices.gpuLoopsOnHost) {
      // A CPU artifact for this machine, whose float16 conversions are
      // instructions rather than compiler-rt calls.
      llvm::Expected<TargetDescription> host = resolveHostTarget();
      if (!host)
        return host.takeError();
      host->name = getName().str() + "-loops-on-host";
      host->gpuLoopsOnHost = true;
      return host;
    }
    TargetDescription target;
    target.name = getName().str();
    target.triple = "x86_64-unknown-linux-gnu";
    target.cpu = "x86-64";
    target.vectorBits = 0; // Host code only launches kernels.
    target.gpuChip = chip.name.str();
    target.gpuFeatures = chip.ptxFeatures.str();
    target.gpuComputeCapability = chip.computeCapability;
    if (binary != "ptx")
      target.gpuToolkit = findCudaToolkit();
    if (target.gpuToolkit.empty() && binary == "cubin")
      return llvm::createStringError(
          "--gpu-binary=cubin needs a CUDA toolkit (bin/ptxas and "
          "nvvm/libdevice), found in none of $CUDA_HOME, $CUDA_PATH, the "
          "parent of a ptxas on PATH, /usr/local/cuda");
    target.gpuBinaryFormat = target.gpuToolkit.empty() ? "isa" : "bin";
    return target;
  }

private:
  CudaChip chip;
};

} // namespace

void registerCudaTargets(TargetRegistry &registry) {
  registerFamily(registry, "cuda",
                 [](const TargetTableEntry &entry) -> std::unique_ptr<Target> {
                   for (const CudaChip &chip : kChips)
                     if (chip.name == entry.name)
                       return std::make_unique<CudaTarget>(entry, chip);
                   return nullptr;
                 });
}

} // namespace strata
