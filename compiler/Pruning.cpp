//===- Pruning.cpp - --prune: structured pruning before the rest -*- C++ -*-===//
//
// Implements Pruning.h: batch normalizations folded first (their
// parameters then prune with the convolution's filters), then
// strata-prune-channels, with the graph's multiply-adds and weight bytes
// counted on both sides.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pruning.h"

#include "compiler/ImportanceScores.h"
#include "compiler/SampleRunner.h"
#include "dialects/Graph/GraphOps.h"
#include "passes/EntryAttributes.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>

using namespace mlir;

namespace strata {
namespace {

/// The multiply-adds of the graph's convolutions, Gemms and MatMuls, and
/// the bytes of its constants.
struct GraphCost {
  int64_t macs = 0;
  int64_t weightBytes = 0;
};

int64_t elements(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  return shaped && shaped.hasStaticShape() ? shaped.getNumElements() : 0;
}

GraphCost measure(func::FuncOp entry) {
  GraphCost cost;
  entry.walk([&](Operation *op) {
    if (auto conv = dyn_cast<graph::ConvOp>(op)) {
      auto weight = cast<RankedTensorType>(conv.getWeight().getType());
      // Each output element takes one filter of C / group x kernel taps.
      cost.macs += elements(conv.getResult().getType()) *
                   (weight.hasStaticShape() ? weight.getNumElements() / weight.getDimSize(0)
                                            : 0);
    } else if (auto gemm = dyn_cast<graph::GemmOp>(op)) {
      auto a = cast<RankedTensorType>(gemm.getA().getType());
      if (a.hasStaticShape())
        cost.macs += elements(gemm.getResult().getType()) *
                     a.getDimSize(gemm.getTransA() ? 0 : 1);
    } else if (auto matmul = dyn_cast<graph::MatMulOp>(op)) {
      auto a = cast<RankedTensorType>(matmul.getLhs().getType());
      if (a.hasStaticShape() && a.getRank() >= 1)
        cost.macs += elements(matmul.getResult().getType()) * a.getShape().back();
    } else if (auto constant = dyn_cast<graph::ConstantOp>(op)) {
      auto type = cast<RankedTensorType>(constant.getResult().getType());
      if (type.hasStaticShape())
        cost.weightBytes +=
            type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
    }
  });
  return cost;
}

/// The pruned model's outputs against the unpruned model's on every
/// sample: sqrt(sum (p - u)^2 / sum u^2) over all outputs and samples.
llvm::Expected<std::vector<double>> measureOutputError(llvm::StringRef unprunedLibrary,
                                                       llvm::StringRef prunedLibrary,
                                                       const std::vector<Sample> &samples) {
  auto unpruned = SampleRunner::load(unprunedLibrary);
  if (!unpruned)
    return unpruned.takeError();
  auto pruned = SampleRunner::load(prunedLibrary);
  if (!pruned)
    return pruned.takeError();
  double signal = 0.0, noise = 0.0;
  const strata_model_t &model = (*unpruned)->model();
  for (const Sample &sample : samples) {
    (*unpruned)->run(sample);
    (*pruned)->run(sample);
    for (uint32_t o = 0; o < model.num_outputs; ++o) {
      if (model.outputs[o].dtype != STRATA_DTYPE_FLOAT32)
        continue;
      const float *u = (*unpruned)->floats(o), *p = (*pruned)->floats(o);
      for (size_t k = 0, n = strata_tensor_elements(&model.outputs[o]); k < n; ++k) {
        signal += double(u[k]) * u[k];
        noise += (double(p[k]) - u[k]) * (double(p[k]) - u[k]);
      }
    }
  }
  return std::vector<double>{signal > 0 ? std::sqrt(noise / signal) : std::sqrt(noise)};
}

/// Compiles the pruned `model` for this machine and measures its output
/// error against `unprunedLibrary` on `samples` into `pruning`.
LogicalResult recordOutputError(llvm::StringRef unprunedLibrary,
                                const std::vector<Sample> &samples, ImportedModel &model,
                                const CompileOptions &options, TimingScope &scope,
                                Location loc, ModelSignature::Pruning &pruning) {
  OwningOpRef<ModuleOp> pruned = model.module->clone();
  FailureOr<std::string> prunedLibrary = compileForHost(*pruned, options, scope, loc);
  if (failed(prunedLibrary))
    return failure();
  auto error = doublesFromChild(
      [&] { return measureOutputError(unprunedLibrary, *prunedLibrary, samples); }, 1,
      "the pruning error build");
  if (!error)
    return emitError(loc) << llvm::toString(error.takeError());
  pruning.outputError = error->front();
  pruning.errorSamples = int64_t(samples.size());
  return success();
}

} // namespace

bool isPruneCriterion(llvm::StringRef criterion) {
  return criterion == "magnitude" || criterion == "importance" || criterion == "taylor";
}

std::optional<PruneSpec> parsePruneSpec(llvm::StringRef text, std::string &error) {
  auto [structure, fractionText] = text.split(':');
  if (structure == "magnitude") {
    error = "--prune=magnitude (unstructured) is not implemented yet; "
            "channels:S is";
    return std::nullopt;
  }
  if (structure != "channels" || fractionText.empty()) {
    error = "--prune '" + text.str() + "' is not channels:S";
    return std::nullopt;
  }
  double fraction = 0.0;
  if (fractionText.getAsDouble(fraction) || !(fraction > 0.0 && fraction < 1.0)) {
    error = "--prune's fraction '" + fractionText.str() +
            "' is not a number in (0, 1): the fraction of channels removed";
    return std::nullopt;
  }
  return PruneSpec{structure.str(), fraction};
}

LogicalResult pruneModel(ImportedModel &model, const CompileOptions &options,
                         const TargetDescription &target, TimingScope &timing) {
  MLIRContext *context = model.module->getContext();
  Location loc = FileLineColLoc::get(context, options.modelPath, 0, 0);
  TimingScope scope = enterStage(options, timing, "pruning");
  std::string error;
  std::optional<PruneSpec> spec = parsePruneSpec(options.prune, error);
  if (!spec)
    return emitError(loc) << error;
  auto entry = model.module->lookupSymbol<func::FuncOp>(options.import.entryName);
  if (!entry)
    return emitError(loc) << "internal error: no entry function to prune";
  GraphCost before = measure(entry);
  PassManager fold(context, ModuleOp::getOperationName());
  fold.addNestedPass<func::FuncOp>(createFoldBatchNorm());
  if (failed(fold.run(*model.module)))
    return failure();
  // With calibration samples: read once, and the unpruned model compiled
  // once for the host, for the gradient criteria and the output error.
  std::optional<std::vector<Sample>> samples;
  std::string unprunedLibrary;
  if (!options.calibrationDir.empty()) {
    FailureOr<std::vector<Sample>> read = readModelSamples(model, options.calibrationDir);
    if (failed(read))
      return failure();
    samples = std::move(*read);
    OwningOpRef<ModuleOp> unpruned = model.module->clone();
    FailureOr<std::string> library = compileForHost(*unpruned, options, scope, loc);
    if (failed(library))
      return failure();
    unprunedLibrary = std::move(*library);
  }
  if (options.pruneCriterion != "magnitude") {
    if (!samples)
      return emitError(loc) << "--prune-criterion=" << options.pruneCriterion
                            << " needs calibration samples";
    if (failed(scoreChannelsByGradient(model, options, *samples, unprunedLibrary, scope)))
      return failure();
  }
  PassManager pm(context, ModuleOp::getOperationName());
  PruneChannelsOptions pruneOptions;
  pruneOptions.fraction = spec->fraction;
  pruneOptions.multiple = std::max<int64_t>(target.vectorBits / 32, 4);
  pruneOptions.exclude.assign(options.pruneExclude.begin(), options.pruneExclude.end());
  pm.addNestedPass<func::FuncOp>(createPruneChannels(pruneOptions));
  if (failed(pm.run(*model.module)))
    return failure();
  GraphCost after = measure(entry);
  ModelSignature::Pruning pruning;
  pruning.structure = spec->structure;
  pruning.criterion = options.pruneCriterion;
  pruning.fraction = spec->fraction;
  pruning.macsBefore = before.macs;
  pruning.macsAfter = after.macs;
  pruning.weightBytesBefore = before.weightBytes;
  pruning.weightBytesAfter = after.weightBytes;
  if (auto layers = entry->getAttrOfType<ArrayAttr>(strata::entry::kPrunedChannels))
    for (auto layer : layers.getAsRange<DictionaryAttr>())
      pruning.layers.push_back(
          {layer.getAs<StringAttr>("node").str(),
           layer.getAs<IntegerAttr>("channels").getInt(),
           layer.getAs<IntegerAttr>("kept").getInt()});
  entry->removeAttr(strata::entry::kPrunedChannels);
  if (samples && failed(recordOutputError(unprunedLibrary, *samples, model, options, scope,
                                          loc, pruning)))
    return failure();
  model.signature.pruning = std::move(pruning);
  return success();
}

} // namespace strata
