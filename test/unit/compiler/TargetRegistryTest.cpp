//===- TargetRegistryTest.cpp - The target table and registry ---*- C++ -*-===//
//
// Every name in runtime/include/strata/targets.h is a registered target that
// resolves with its defaults and whose lowering parses; aliases and unknown
// names behave as --target promises.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipeline.h"
#include "targets/Target.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <set>

using namespace strata;

namespace {

TEST(TargetRegistryTest, EveryTableEntryIsRegisteredOnce) {
  const TargetRegistry &registry = TargetRegistry::get();
  std::set<std::string> registered;
  for (const auto &target : registry.targets())
    EXPECT_TRUE(registered.insert(target->getName().str()).second)
        << target->getName().str() << " is registered twice";
  EXPECT_EQ(registered.size(), targetTable().size());
  for (const TargetTableEntry &entry : targetTable()) {
    auto target = registry.lookup(entry.name);
    ASSERT_TRUE(static_cast<bool>(target)) << llvm::toString(target.takeError());
    EXPECT_EQ(target->getName(), entry.name);
    EXPECT_EQ(target->getTableEntry().family, entry.family);
  }
}

TEST(TargetRegistryTest, AliasesAndUnknownNames) {
  const TargetRegistry &registry = TargetRegistry::get();
  auto alias = registry.lookup("arm64");
  ASSERT_TRUE(static_cast<bool>(alias)) << llvm::toString(alias.takeError());
  EXPECT_EQ(alias->getName(), "aarch64");
  auto unknown = registry.lookup("riscv");
  ASSERT_FALSE(static_cast<bool>(unknown));
  std::string message = llvm::toString(unknown.takeError());
  EXPECT_NE(message.find("unknown target 'riscv'"), std::string::npos);
  for (const TargetTableEntry &entry : targetTable())
    EXPECT_NE(message.find(entry.name.str()), std::string::npos) << message;
}

// Each target's default description names it, and its lowering is a
// pipeline of registered passes (a typo in one would not parse).
TEST(TargetRegistryTest, EveryTargetResolvesAndBuildsItsLowering) {
  mlir::registerAllPasses();
  registerStrataPipelines();
  for (const auto &target : TargetRegistry::get().targets()) {
    TargetChoices choices;
    choices.gpuBinary = target->getTableEntry().runner == STRATA_RUNNER_GPU
                            ? "ptx"
                            : "";
    auto description = target->describe(choices);
    ASSERT_TRUE(static_cast<bool>(description))
        << target->getName().str() << ": " << llvm::toString(description.takeError());
    EXPECT_EQ(description->name, target->getName().str());
    mlir::OpPassManager pm("builtin.module");
    EXPECT_TRUE(mlir::succeeded(target->buildLowering(pm, *description, "main")))
        << target->getName().str();
    EXPECT_GT(pm.size(), 5u) << target->getName().str();
  }
}

// Choices a target does not take are errors naming the flag.
TEST(TargetRegistryTest, ChoicesOfOtherTargetsAreRejected) {
  const TargetRegistry &registry = TargetRegistry::get();
  TargetChoices soft;
  soft.floatABI = "soft";
  auto x86 = registry.lookup("x86_64");
  ASSERT_TRUE(static_cast<bool>(x86));
  auto rejected = x86->describe(soft);
  ASSERT_FALSE(static_cast<bool>(rejected));
  EXPECT_NE(llvm::toString(rejected.takeError()).find("--float-abi"),
            std::string::npos);
  TargetChoices narrow;
  narrow.indexBits = 32;
  auto described = x86->describe(narrow);
  ASSERT_TRUE(static_cast<bool>(described));
  EXPECT_EQ(described->indexBits, 32u);
  narrow.indexBits = 16;
  auto odd = x86->describe(narrow);
  ASSERT_FALSE(static_cast<bool>(odd));
  llvm::consumeError(odd.takeError());
}

} // namespace
