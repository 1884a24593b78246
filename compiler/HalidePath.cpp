//===- HalidePath.cpp - Which fused groups Halide implements -----*- C++ -*-===//
//
// Implements HalidePath.h except the timing harness (GroupAutotuner.cpp).
//
//===----------------------------------------------------------------------===//
#include "compiler/HalidePath.h"

#include "compiler/TemporaryFile.h"
#include "compiler/onnx/OnnxImporter.h"
#include "targets/cpu/Passes.h"
#include "targets/halide/HalideGroups.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

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

/// --autotune keeps Halide only when it measured at least 5% faster: closer
/// timings are within this machine's noise.
constexpr double kAutotuneMargin = 0.95;

/// The cost model: Halide vectorizes exp, log and tanh (polynomial vector
/// code) where the MLIR path's loops of them stay scalar, and elsewhere
/// --autotune measured no consistent gain (its pow is slower than MLIR's
/// expansion of x^2), so groups computing exp, log or tanh without reducing
/// go to Halide, when they are large enough for vectors to matter: an LSTM's
/// per-step gates (a few hundred elements) gained nothing and each costs
/// the generator a scheduling.
constexpr int64_t kCostModelMinIterations = 1024;

bool costModelPrefersHalide(linalg::GenericOp op) {
  if (op.getNumReductionLoops() > 0)
    return false;
  int64_t iterations = 1;
  for (int64_t bound : op.getStaticLoopRanges())
    iterations *= bound;
  if (iterations < kCostModelMinIterations)
    return false;
  bool transcendental = false;
  op.getBody()->walk([&](Operation *inner) {
    transcendental |= isa<math::ExpOp, math::LogOp, math::TanhOp>(inner);
  });
  return transcendental;
}

llvm::Expected<std::unique_ptr<llvm::Module>>
parseGroupBitcode(llvm::StringRef bitcode, llvm::LLVMContext &context) {
  auto buffer = llvm::MemoryBuffer::getMemBuffer(bitcode, "halide group", false);
  return llvm::parseBitcodeFile(buffer->getMemBufferRef(), context);
}

/// A group's bitcode as a module of `context`, ready to link into `into`:
/// its triple and data layout, and no load or store assuming more than its
/// element's alignment. Halide 14 assumes its output buffer is aligned to
/// the vector width (it is not told otherwise, unlike for inputs), while a
/// model's outputs are the caller's buffers.
llvm::Expected<std::unique_ptr<llvm::Module>>
loadGroupBitcode(llvm::StringRef bitcode, llvm::LLVMContext &context,
                 const llvm::Module &into) {
  auto module = parseGroupBitcode(bitcode, context);
  if (!module)
    return module.takeError();
  (*module)->setTargetTriple(into.getTargetTriple());
  (*module)->setDataLayout(into.getDataLayout());
  const llvm::DataLayout &layout = (*module)->getDataLayout();
  for (llvm::Function &function : **module)
    for (llvm::Instruction &inst : llvm::instructions(function)) {
      if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst))
        load->setAlignment(std::min(
            load->getAlign(), layout.getABITypeAlign(load->getType()->getScalarType())));
      if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst))
        store->setAlignment(std::min(
            store->getAlign(),
            layout.getABITypeAlign(store->getValueOperand()->getType()->getScalarType())));
      // Predicated loads and stores carry theirs on the pointer.
      if (auto *call = llvm::dyn_cast<llvm::IntrinsicInst>(&inst)) {
        llvm::Intrinsic::ID id = call->getIntrinsicID();
        if (id != llvm::Intrinsic::masked_load && id != llvm::Intrinsic::masked_store)
          continue;
        llvm::Type *element = (id == llvm::Intrinsic::masked_load
                                   ? call->getType()
                                   : call->getArgOperand(0)->getType())
                                  ->getScalarType();
        unsigned pointer = id == llvm::Intrinsic::masked_load ? 0 : 1;
        if (call->getParamAlign(pointer)) {
          call->removeParamAttr(pointer, llvm::Attribute::Alignment);
          call->addParamAttr(pointer, llvm::Attribute::getWithAlignment(
                                          function.getContext(),
                                          layout.getABITypeAlign(element)));
        }
      }
    }
  return std::move(*module);
}

/// The functions a group's code calls that it does not define (Halide's
/// runtime, libm): such a group is not taken, so artifacts stay free of it.
std::vector<std::string> undefinedSymbols(const llvm::Module &module) {
  std::vector<std::string> undefined;
  for (const llvm::Function &function : module)
    if (function.isDeclaration() && !function.isIntrinsic() && !function.use_empty())
      undefined.push_back(function.getName().str());
  return undefined;
}

} // namespace

std::map<std::string, llvm::Expected<std::string>>
generateHalideGroups(llvm::ArrayRef<std::pair<std::string, std::string>> specs,
                     llvm::StringRef target, llvm::StringRef autoscheduler) {
  std::map<std::string, llvm::Expected<std::string>> results;
  auto failAll = [&](const llvm::Twine &why) {
    for (const auto &[name, spec] : specs)
      results.emplace(name, llvm::createStringError(why));
    return std::move(results);
  };
  std::optional<std::string> generator = findGenerator();
  if (!generator)
    return failAll("cannot find strata-halide-gen beside stratac or on PATH "
                   "(build it with libhalide14-0-dev installed)");
  llvm::SmallString<128> directory;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("strata-halide", directory))
    return failAll("cannot create a directory for the Halide groups");
  std::vector<TemporaryFile> files(specs.size() + 1);
  llvm::scope_exit removeDirectory([&] {
    for (const auto &[name, spec] : specs)
      llvm::sys::fs::remove(directory + "/" + name + ".bc");
    llvm::sys::fs::remove(directory);
  });
  std::vector<std::string> args = {*generator, ("--target=" + target).str(),
                                   "--output-dir=" + directory.str().str(),
                                   ("--autoscheduler=" + autoscheduler).str(),
                                   "--emit=bitcode"};
  for (auto [spec, file] : llvm::zip(specs, files)) {
    if (llvm::Error error = writeTemporary("strata-halide", "txt", spec.second, file))
      return failAll(llvm::toString(std::move(error)));
    args.push_back(("--spec=" + file.path).str());
  }
  TemporaryFile &log = files.back();
  if (llvm::Error error = writeTemporary("strata-halide", "log", "", log))
    return failAll(llvm::toString(std::move(error)));
  llvm::SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path, log.path};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*generator, argRefs, std::nullopt,
                                         redirects, 0, 0, &message);
  std::string logText;
  if (auto text = llvm::MemoryBuffer::getFile(log.path))
    logText = (*text)->getBuffer().str();
  for (const auto &[name, spec] : specs) {
    auto bitcode = llvm::MemoryBuffer::getFile(directory + "/" + name + ".bc",
                                               false, false);
    if (bitcode) {
      results.emplace(name, (*bitcode)->getBuffer().str());
      continue;
    }
    // The generator names each group it could not schedule.
    std::string prefix = "strata-halide-gen: " + name + ": ";
    size_t at = logText.find(prefix);
    std::string why =
        at != std::string::npos
            ? llvm::StringRef(logText).substr(at).split('\n').first.str()
            : status != 0 ? "strata-halide-gen failed: " +
                                llvm::StringRef(logText).trim().str() + message
                          : "strata-halide-gen wrote no " + name + ".bc";
    results.emplace(name, llvm::createStringError(why));
  }
  return results;
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

  // 1. The groups worth generating, with their specs.
  struct Pending {
    linalg::LinalgOp candidate;
    linalg::GenericOp op; // the candidate, or a generic clone of a named op
    std::optional<float> init;
    std::string spec;
    HalideDecision decision;
    bool named() { return op.getOperation() != candidate.getOperation(); }
    /// Drops the generic clone of a named op that stays MLIR's.
    void keepNamed(IRRewriter &rewriter) {
      if (named())
        rewriter.eraseOp(op);
    }
  };
  std::vector<Pending> pending;
  unsigned next = 0;
  for (linalg::LinalgOp candidate : candidates) {
    // A generic without inputs fills its output: nothing to compute.
    if (candidate.getNumDpsInputs() == 0)
      continue;
    // Halide groups run on the calling thread: one the MLIR codegen spreads
    // over threads stays MLIR's (faster alone, it would lose on two), except
    // with --halide=all.
    if (options.halide != HalideMode::All && cpu::spreadsOverThreads(candidate))
      continue;
    Pending group;
    group.candidate = candidate;
    group.op = dyn_cast<linalg::GenericOp>(*candidate);
    if (!group.op) {
      // Named stencils are considered as a generic clone of themselves.
      rewriter.setInsertionPoint(candidate);
      auto clone = cast<linalg::LinalgOp>(rewriter.clone(*candidate));
      FailureOr<linalg::GenericOp> generic = linalg::generalizeNamedOp(rewriter, clone);
      if (failed(generic)) {
        rewriter.eraseOp(clone);
        continue;
      }
      group.op = *generic;
    }
    group.init = halide::initValueOf(group.op);
    std::string function = partition.name + "_halide_" + std::to_string(next++);
    llvm::Expected<std::string> spec =
        halide::writeGroupSpec(group.op, function, group.init);
    if (!spec || (!options.autotune && options.halide == HalideMode::Auto &&
                  !costModelPrefersHalide(group.op))) {
      // Not expressible, or not worth a look: MLIR's, and not reported.
      if (!spec)
        llvm::consumeError(spec.takeError());
      group.keepNamed(rewriter);
      continue;
    }
    group.spec = std::move(*spec);
    group.decision.function = function;
    group.decision.node = onnxNodeName(group.op.getLoc());
    pending.push_back(std::move(group));
  }

  // 2. One generator run compiles them all.
  std::vector<std::pair<std::string, std::string>> specs;
  for (const Pending &group : pending)
    specs.emplace_back(group.decision.function, group.spec);
  auto bitcodes = generateHalideGroups(specs, halideTarget, options.halideAutoscheduler);

  // 3. Each group's decision. Timings by spec (with the group's name left
  //    out): identical groups in one model are measured once.
  std::map<std::string, GroupTiming> measured;
  for (Pending &group : pending) {
    HalideDecision &decision = group.decision;
    const std::string &function = decision.function;
    auto decideMlir = [&](std::string reason) {
      decision.reason = std::move(reason);
      groups.decisions.push_back(decision);
      group.keepNamed(rewriter);
    };
    llvm::Expected<std::string> &bitcode = bitcodes.at(function);
    if (!bitcode) {
      std::string why = llvm::toString(bitcode.takeError());
      if (options.halide == HalideMode::All)
        return group.op.emitError("Halide group ") << function << ": " << why;
      decideMlir("not compiled by Halide: " + why);
      continue;
    }
    llvm::LLVMContext scratch;
    auto parsed = parseGroupBitcode(*bitcode, scratch);
    if (!parsed)
      return group.op.emitError("Halide group ")
             << function << ": " << llvm::toString(parsed.takeError());
    std::vector<std::string> undefined = undefinedSymbols(**parsed);
    if (!undefined.empty()) {
      decideMlir("calls " + undefined.front() + ", which artifacts do not link");
      continue;
    }
    if (options.autotune) {
      std::string key = halide::specWithoutName(group.spec).str();
      auto known = measured.find(key);
      if (known == measured.end()) {
        llvm::Expected<GroupTiming> timing =
            timeGroup(group.candidate, group.op, group.init, function,
                      group.spec, *bitcode, partition, options);
        if (!timing) {
          // A version that cannot be timed is not taken (and not cached).
          decideMlir("not timed: " + llvm::toString(timing.takeError()));
          continue;
        }
        known = measured.emplace(key, *timing).first;
      }
      decision.mlirMicros = known->second.mlirMicros;
      decision.halideMicros = known->second.halideMicros;
      decision.cached = known->second.cached;
      decision.halide = known->second.halideMicros <
                        kAutotuneMargin * known->second.mlirMicros;
      if (!decision.halide) {
        decideMlir("measured");
        continue;
      }
      decision.reason = "measured";
    } else {
      decision.halide = true;
      decision.reason = options.halide == HalideMode::All ? "--halide=all"
                                                          : "cost model";
    }
    groups.decisions.push_back(decision);
    if (group.named())
      rewriter.replaceOp(group.candidate, group.op->getResults());
    // Halide assumes its buffers do not alias (overlapping tail vectors
    // re-read what they wrote): an output initialized from one of the
    // inputs, which bufferizes in place, gets a buffer of its own.
    OpOperand *init = group.op.getDpsInitOperand(0);
    if (!group.init && llvm::is_contained(group.op.getDpsInputs(), init->get())) {
      rewriter.setInsertionPoint(group.op);
      auto type = cast<RankedTensorType>(init->get().getType());
      init->set(tensor::EmptyOp::create(rewriter, group.op.getLoc(), type.getShape(),
                                                 type.getElementType()));
    }
    Builder b(group.op.getContext());
    group.op->setAttr(halide::kGroupAttr, b.getStringAttr(function));
    if (group.init)
      group.op->setAttr(halide::kInitAttr, b.getF32FloatAttr(*group.init));
    groups.objects[function] = {group.spec, std::move(*bitcode)};
  }
  return groups;
}

llvm::Error linkHalideGroups(mlir::ModuleOp lowered, llvm::Module &module,
                             const TargetDescription &target,
                             const HalideGroups &groups) {
  for (auto callee : lowered.getOps<LLVM::LLVMFuncOp>()) {
    auto spec = callee->getAttrOfType<StringAttr>(halide::kSpecAttr);
    if (!spec)
      continue;
    std::string name = callee.getName().str();
    auto known = groups.objects.find(name);
    std::string bitcode;
    if (known != groups.objects.end() && known->second.first == spec.getValue()) {
      bitcode = known->second.second;
    } else {
      // The group changed on its way to the call (lowering dropped an
      // unused operand): generate what the call expects.
      auto fresh = generateHalideGroups({{name, spec.getValue().str()}},
                                        halide::halideTargetOf(target),
                                        groups.autoscheduler);
      llvm::Expected<std::string> &generated = fresh.at(name);
      if (!generated)
        return generated.takeError();
      bitcode = std::move(*generated);
    }
    auto group = loadGroupBitcode(bitcode, module.getContext(), module);
    if (!group)
      return group.takeError();
    std::vector<std::string> undefined = undefinedSymbols(**group);
    if (!undefined.empty())
      return llvm::createStringError("Halide group " + name + " calls " +
                                     undefined.front() +
                                     ", which artifacts do not link");
    if (llvm::Linker::linkModules(module, std::move(*group)))
      return llvm::createStringError("cannot link Halide group " + name);
  }
  return llvm::Error::success();
}

} // namespace strata
