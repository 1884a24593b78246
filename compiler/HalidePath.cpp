//===- HalidePath.cpp - Which fused groups Halide implements -----*- C++ -*-===//
//
// Implements HalidePath.h except the timing harness (GroupAutotuner.cpp).
//
//===----------------------------------------------------------------------===//
#include "compiler/HalidePath.h"

#include "compiler/ArtifactWriters.h"
#include "compiler/TemporaryFile.h"
#include "targets/cpu/Passes.h"
#include "targets/halide/HalideGroups.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace strata {
namespace {

/// strata-halide-gen: beside the running compiler (the build tree's and the
/// install's bin/), else on PATH.
std::optional<std::string> findGenerator() {
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  if (!self.empty()) {
    llvm::SmallString<256> beside(llvm::sys::path::parent_path(self));
    llvm::sys::path::append(beside, "strata-halide-gen");
    if (llvm::sys::fs::can_execute(beside))
      return beside.str().str();
  }
  if (auto found = llvm::sys::findProgramByName("strata-halide-gen"))
    return *found;
  return std::nullopt;
}

/// The ONNX node a group's location names.
std::string nodeOf(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string node = nodeOf(inner); !node.empty())
        return node;
  return "";
}

/// --autotune keeps Halide only when it measured at least 5% faster: closer
/// timings are within this machine's noise.
constexpr double kAutotuneMargin = 0.95;

/// The cost model: Halide vectorizes exp, log and tanh (polynomial vector
/// code) where the MLIR path's loops of them stay scalar, and elsewhere
/// --autotune measured no consistent gain (its pow is slower than MLIR's
/// expansion of x^2), so groups computing exp, log or tanh without
/// reducing go to Halide.
bool costModelPrefersHalide(linalg::GenericOp op) {
  if (op.getNumReductionLoops() > 0)
    return false;
  bool transcendental = false;
  op.getBody()->walk([&](Operation *inner) {
    transcendental |= isa<math::ExpOp, math::LogOp, math::TanhOp>(inner);
  });
  return transcendental;
}

/// Undefined symbols of an object: a group that needs Halide's runtime
/// (allocation, its thread pool) is not taken, so artifacts stay free of it.
llvm::Expected<std::vector<std::string>> undefinedSymbols(llvm::StringRef object) {
  auto buffer = llvm::MemoryBuffer::getMemBuffer(object, "group", false);
  auto file = llvm::object::ObjectFile::createObjectFile(buffer->getMemBufferRef());
  if (!file)
    return file.takeError();
  std::vector<std::string> undefined;
  for (const llvm::object::SymbolRef &symbol : (*file)->symbols()) {
    auto flags = symbol.getFlags();
    if (!flags)
      return flags.takeError();
    if (*flags & llvm::object::SymbolRef::SF_Undefined)
      if (auto name = symbol.getName())
        undefined.push_back(name->str());
  }
  return undefined;
}

} // namespace

llvm::Expected<std::string> generateHalideObject(llvm::StringRef spec,
                                                 llvm::StringRef target,
                                                 llvm::StringRef autoscheduler) {
  std::optional<std::string> generator = findGenerator();
  if (!generator)
    return llvm::createStringError(
        "cannot find strata-halide-gen beside stratac or on PATH (build it "
        "with libhalide14-0-dev installed)");
  TemporaryFile specFile, objectFile, log;
  for (auto [file, suffix, bytes] :
       {std::tuple{&specFile, "txt", spec}, {&objectFile, "o", ""}, {&log, "log", ""}})
    if (llvm::Error error = writeTemporary("strata-halide", suffix, bytes, *file))
      return std::move(error);
  std::string specArg = ("--spec=" + specFile.path).str();
  std::string targetArg = ("--target=" + target).str();
  std::string outputArg = ("--output=" + objectFile.path).str();
  std::string schedulerArg = ("--autoscheduler=" + autoscheduler).str();
  llvm::SmallVector<llvm::StringRef> args = {*generator, specArg, targetArg,
                                             outputArg, schedulerArg};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path, log.path};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*generator, args, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto logText = llvm::MemoryBuffer::getFile(log.path);
    return llvm::createStringError(
        "strata-halide-gen failed: " +
        (logText ? (*logText)->getBuffer().trim().str() : message));
  }
  auto object = llvm::MemoryBuffer::getFile(objectFile.path, false, false);
  if (!object)
    return llvm::createStringError(object.getError(),
                                   "cannot read the Halide group's object");
  return (*object)->getBuffer().str();
}

FailureOr<HalideGroups> chooseHalideGroups(Partition &partition,
                                           const CompileOptions &options,
                                           TimingScope &timing) {
  HalideGroups groups;
  groups.autoscheduler = options.halideAutoscheduler;
  const TargetDescription &target = partition.description;
  ModuleOp module = *partition.module;
  bool asked = options.halide == HalideMode::All || options.autotune;
  if (options.halide == HalideMode::None && !options.autotune)
    return groups;
  std::string halideTarget = halide::halideTargetOf(target);
  if (halideTarget.empty()) {
    if (asked)
      return module.emitError("the Halide path serves hosted CPU targets, not ")
             << target.name;
    return groups;
  }
  if (!findGenerator()) {
    if (asked)
      return module.emitError("--halide=all and --autotune need "
                              "strata-halide-gen beside stratac");
    return groups; // The cost model's choices then fall back to MLIR.
  }
  auto entry = module.lookupSymbol<func::FuncOp>(options.import.entryName);
  if (!entry)
    return groups;

  TimingScope scope = timing.nest("Halide groups");
  if (options.progress)
    options.progress->stage(options.autotune ? "autotuning Halide groups"
                                             : "Halide groups");
  // Generics, and the stencils the MLIR path has named ops for: those are
  // written as generics when (and only when) Halide takes them.
  SmallVector<linalg::LinalgOp> candidates;
  entry.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() &&
        isa<linalg::GenericOp, linalg::DepthwiseConv2DNhwcHwcOp,
            linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp>(op))
      candidates.push_back(op);
  });
  IRRewriter rewriter(module.getContext());
  // Timings by spec (with the group's name left out): identical groups in
  // one model are measured once.
  std::map<std::string, GroupTiming> measured;
  unsigned next = 0;
  for (linalg::LinalgOp candidate : candidates) {
    // A generic without inputs fills its output: nothing to compute.
    if (candidate.getNumDpsInputs() == 0)
      continue;
    // Named stencils are considered as a generic clone of themselves.
    linalg::GenericOp op = dyn_cast<linalg::GenericOp>(*candidate);
    bool named = !op;
    if (named) {
      rewriter.setInsertionPoint(candidate);
      auto clone = cast<linalg::LinalgOp>(rewriter.clone(*candidate));
      FailureOr<linalg::GenericOp> generic = linalg::generalizeNamedOp(rewriter, clone);
      if (failed(generic)) {
        rewriter.eraseOp(clone);
        continue;
      }
      op = *generic;
    }
    // Halide groups run on the calling thread: one the MLIR codegen spreads
    // over threads stays MLIR's (faster alone, it would lose on two), except
    // with --halide=all.
    if (options.halide != HalideMode::All && !target.bareMetal &&
        cpu::spreadsOverThreads(candidate)) {
      if (named)
        rewriter.eraseOp(op);
      continue;
    }
    // Drops the generic clone of a named op that stays MLIR's.
    auto keepNamed = [&] {
      if (named)
        rewriter.eraseOp(op);
    };
    std::optional<float> init = halide::initValueOf(op);
    std::string function = partition.name + "_halide_" + std::to_string(next++);
    llvm::Expected<std::string> spec = halide::writeGroupSpec(op, function, init);
    if (!spec) {
      llvm::consumeError(spec.takeError()); // Not expressible: MLIR's.
      keepNamed();
      continue;
    }
    HalideDecision decision;
    decision.function = function;
    decision.node = nodeOf(op.getLoc());
    if (!options.autotune && options.halide == HalideMode::Auto &&
        !costModelPrefersHalide(op)) {
      keepNamed();
      continue; // Only groups worth a look are reported.
    }
    llvm::Expected<std::string> object =
        generateHalideObject(*spec, halideTarget, options.halideAutoscheduler);
    if (!object && options.halide == HalideMode::All)
      return op.emitError("Halide group ")
             << function << ": " << llvm::toString(object.takeError());
    if (!object) {
      // Halide could not compile it: the MLIR codegen keeps it.
      decision.reason = "not compiled by Halide: " +
                        llvm::StringRef(llvm::toString(object.takeError()))
                            .split('\n').first.str();
      groups.decisions.push_back(decision);
      keepNamed();
      continue;
    }
    auto undefined = undefinedSymbols(*object);
    if (!undefined)
      return op.emitError("Halide group ")
             << function << ": " << llvm::toString(undefined.takeError());
    if (!undefined->empty()) {
      decision.reason = "needs Halide's runtime (" + undefined->front() + ")";
      groups.decisions.push_back(decision);
      keepNamed();
      continue;
    }
    if (options.autotune) {
      std::string key = spec->substr(spec->find('\n'));
      auto known = measured.find(key);
      if (known == measured.end()) {
        llvm::Expected<GroupTiming> timing =
            timeGroup(op, init, *spec, *object, partition, options);
        if (!timing) {
          // A version that cannot be timed is not taken (and not cached).
          decision.reason = "not timed: " + llvm::toString(timing.takeError());
          groups.decisions.push_back(decision);
          keepNamed();
          continue;
        }
        known = measured.emplace(key, *timing).first;
      }
      decision.mlirMicros = known->second.mlirMicros;
      decision.halideMicros = known->second.halideMicros;
      decision.cached = known->second.cached;
      decision.halide = known->second.halideMicros <
                        kAutotuneMargin * known->second.mlirMicros;
      decision.reason = "measured";
    } else {
      decision.halide = true;
      decision.reason = options.halide == HalideMode::All ? "--halide=all"
                                                          : "cost model";
    }
    groups.decisions.push_back(decision);
    if (!decision.halide) {
      keepNamed();
      continue;
    }
    if (named)
      rewriter.replaceOp(candidate, op->getResults());
    Builder b(op.getContext());
    op->setAttr(halide::kGroupAttr, b.getStringAttr(function));
    if (init)
      op->setAttr(halide::kInitAttr, b.getF32FloatAttr(*init));
    groups.objects[function] = {*spec, std::move(*object)};
  }
  return groups;
}

llvm::Expected<std::string> mergeHalideObjects(ModuleOp module,
                                               const TargetDescription &target,
                                               const HalideGroups &groups,
                                               std::string object,
                                               llvm::StringRef name) {
  std::vector<std::string> generated;
  for (auto callee : module.getOps<LLVM::LLVMFuncOp>()) {
    auto spec = callee->getAttrOfType<StringAttr>(halide::kSpecAttr);
    if (!spec)
      continue;
    auto known = groups.objects.find(callee.getName().str());
    if (known != groups.objects.end() && known->second.first == spec.getValue()) {
      generated.push_back(known->second.second);
      continue;
    }
    // The group changed on its way to the call (it should not): generate
    // what the call expects.
    llvm::Expected<std::string> fresh = generateHalideObject(
        spec.getValue(), halide::halideTargetOf(target), groups.autoscheduler);
    if (!fresh)
      return fresh.takeError();
    auto undefined = undefinedSymbols(*fresh);
    if (!undefined)
      return undefined.takeError();
    if (!undefined->empty())
      return llvm::createStringError("Halide group " + callee.getName().str() +
                                     " needs Halide's runtime (" +
                                     undefined->front() + ")");
    generated.push_back(std::move(*fresh));
  }
  if (generated.empty())
    return object;
  llvm::SmallVector<llvm::StringRef> objects = {object};
  for (const std::string &group : generated)
    objects.push_back(group);
  return linkRelocatable(objects, name);
}

} // namespace strata
