//===- Target.cpp - The target table and registry ---------------*- C++ -*-===//
//
// Turns the C table of runtime/include/strata/targets.h into entries, and
// fills the registry from each target folder's registration function.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"

#include "targets/cortexm/Passes.h"
#include "targets/cpu/Passes.h"
#include "targets/cuda/Passes.h"
#include "targets/halide/Passes.h"

#include "llvm/ADT/StringExtras.h"

namespace strata {

Target::~Target() = default;

llvm::Expected<TargetDescription>
Target::describe(const TargetChoices &choices) const {
  llvm::Expected<TargetDescription> target = resolve(choices);
  if (target && choices.indexBits) {
    if (choices.indexBits != 32 && choices.indexBits != 64)
      return llvm::createStringError("index width " +
                                     llvm::Twine(choices.indexBits) +
                                     " is not supported (32 or 64)");
    target->indexBits = choices.indexBits;
  }
  if (target)
    target->winograd = choices.winograd && !target->bareMetal &&
                       target->vectorBits > 0 && !target->isGpu();
  return target;
}

llvm::Error Target::rejectGpuChoices(const TargetChoices &choices) {
  if (choices.gpuLoopsOnHost)
    return llvm::createStringError("--gpu-loops-on-host applies to GPU "
                                   "targets only");
  if (!choices.gpuBinary.empty())
    return llvm::createStringError("--gpu-binary applies to GPU targets only");
  return llvm::Error::success();
}

llvm::Error Target::rejectFloatABI(const TargetChoices &choices) {
  if (!choices.floatABI.empty())
    return llvm::createStringError("--float-abi applies to the Cortex-M "
                                   "targets only");
  return llvm::Error::success();
}

llvm::ArrayRef<TargetTableEntry> targetTable() {
#define STRATA_TABLE_ENTRY(name, family, runner, gnuTriple, summary)           \
  TargetTableEntry{name, #family, STRATA_RUNNER_##runner, gnuTriple, summary},
  static const TargetTableEntry table[] = {STRATA_TARGETS(STRATA_TABLE_ENTRY)};
#undef STRATA_TABLE_ENTRY
  return table;
}

std::string supportedTargetNames() {
  llvm::SmallVector<llvm::StringRef> names;
  for (const TargetTableEntry &entry : targetTable())
    names.push_back(entry.name);
  return llvm::join(names, ", ");
}

const TargetRegistry &TargetRegistry::get() {
  static const TargetRegistry registry = [] {
    TargetRegistry registry;
    registerX86Targets(registry);
    registerAArch64Targets(registry);
    registerCortexMTargets(registry);
    registerCudaTargets(registry);
    return registry;
  }();
  return registry;
}

void TargetRegistry::add(std::unique_ptr<Target> target) {
  all.push_back(std::move(target));
}

void registerFamily(
    TargetRegistry &registry, llvm::StringRef family,
    llvm::function_ref<std::unique_ptr<Target>(const TargetTableEntry &)> make) {
  for (const TargetTableEntry &entry : targetTable())
    if (entry.family == family)
      if (std::unique_ptr<Target> target = make(entry))
        registry.add(std::move(target));
}

llvm::Expected<const Target &>
TargetRegistry::lookup(llvm::StringRef name) const {
#define STRATA_TABLE_ALIAS(alias, canonical)                                   \
  if (name == alias)                                                           \
    name = canonical;
  STRATA_TARGET_ALIASES(STRATA_TABLE_ALIAS)
#undef STRATA_TABLE_ALIAS
  for (const std::unique_ptr<Target> &target : all)
    if (target->getName() == name)
      return *target;
  return llvm::createStringError("unknown target '" + name.str() +
                                 "' (supported: " + supportedTargetNames() +
                                 ")");
}

void registerTargetPasses() {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  cpu::registerStrataCpuPasses();
  cortexm::registerStrataCortexMPasses();
  cuda::registerStrataCudaPasses();
  halide::registerStrataHalidePasses();
}

llvm::Expected<TargetDescription> resolveHostTarget() {
  auto host = TargetRegistry::get().lookup(STRATA_HOST_TARGET);
  if (!host)
    return host.takeError();
  TargetChoices choices;
  choices.cpu = "native";
  return host->describe(choices);
}

} // namespace strata
