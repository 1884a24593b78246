//===- ImportanceScores.cpp - Gradient criteria for --prune -----*- C++ -*-===//
//
// Implements ImportanceScores.h. Two host builds run on each sample: the
// float model, whose outputs give the loss's seed dL/doutput (computed
// here, so the gradient build needs no loss ops), and its vector-Jacobian
// product, which takes the inputs and the seeds and returns dL/dW per
// weight. Per-sample gradients are reduced to per-channel scores in the
// child that runs them.
//
//===----------------------------------------------------------------------===//
#include "compiler/ImportanceScores.h"

#include "compiler/SampleRunner.h"
#include "dialects/Graph/GraphOps.h"
#include "passes/EntryAttributes.h"
#include "passes/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace strata {
namespace {

constexpr llvm::StringLiteral kScoredPrefix = "strata.scored_conv.";

/// How the loss is formed from the model's outputs.
enum class Loss { MeanSquaredError, CrossEntropyLogits, CrossEntropyProbabilities };

/// A convolution being scored: its filters and their channel count.
struct ScoredConv {
  graph::ConvOp op;
  std::vector<float> weights;
  int64_t channels = 0;
};

/// The float32 filters of `conv` when they are a constant (the
/// convolutions the criteria score), or null.
DenseElementsAttr scoredWeight(graph::ConvOp conv) {
  DenseElementsAttr weight;
  if (!matchPattern(conv.getWeight(), m_Constant(&weight)) || !weight.getElementType().isF32())
    return {};
  return weight;
}

/// dL/doutput for each output of the last forward run.
std::vector<std::vector<float>> lossSeeds(const SampleRunner &forward, const Sample &sample,
                                          Loss loss) {
  const strata_model_t &model = forward.model();
  std::vector<std::vector<float>> seeds;
  for (uint32_t o = 0; o < model.num_outputs; ++o) {
    size_t count = strata_tensor_elements(&model.outputs[o]);
    const float *y = forward.floats(o);
    std::vector<float> seed(count, 0.0f);
    if (loss == Loss::MeanSquaredError) {
      // L = sum over outputs of mean((y - r)^2).
      const float *r = static_cast<const float *>(sample.references[o]->tensor.data);
      for (size_t k = 0; k < count; ++k)
        seed[k] = float(2.0 * (double(y[k]) - r[k]) / double(count));
    } else {
      // L = mean over rows of -log p[top-1], the top-1 of the model itself.
      const strata_tensor_desc_t &desc = model.outputs[o];
      size_t classes = size_t(desc.shape[desc.rank - 1]), rows = count / classes;
      for (size_t row = 0; row < rows; ++row) {
        const float *z = y + row * classes;
        float *s = seed.data() + row * classes;
        size_t top = size_t(std::max_element(z, z + classes) - z);
        if (loss == Loss::CrossEntropyProbabilities) {
          s[top] = float(-1.0 / (double(rows) * std::max(double(z[top]), 1e-30)));
          continue;
        }
        double total = 0.0;
        for (size_t k = 0; k < classes; ++k)
          total += std::exp(double(z[k]) - z[top]);
        for (size_t k = 0; k < classes; ++k)
          s[k] = float((std::exp(double(z[k]) - z[top]) / total - (k == top ? 1.0 : 0.0)) /
                       double(rows));
      }
    }
    seeds.push_back(std::move(seed));
  }
  return seeds;
}

/// Runs both builds on every sample and returns each scored convolution's
/// channel scores, concatenated.
llvm::Expected<std::vector<double>>
measureScores(llvm::StringRef forwardLibrary, llvm::StringRef gradientLibrary,
              const std::vector<Sample> &samples, Loss loss,
              const std::vector<ScoredConv> &convs, const std::vector<int64_t> &gradientOf,
              bool taylor) {
  auto forward = SampleRunner::load(forwardLibrary);
  if (!forward)
    return forward.takeError();
  auto gradient = SampleRunner::load(gradientLibrary);
  if (!gradient)
    return gradient.takeError();
  std::vector<size_t> offsets;
  size_t total = 0;
  for (const ScoredConv &conv : convs) {
    offsets.push_back(total);
    total += size_t(conv.channels);
  }
  std::vector<double> sums(total, 0.0);
  for (const Sample &sample : samples) {
    (*forward)->run(sample);
    std::vector<std::vector<float>> seeds = lossSeeds(**forward, sample, loss);
    std::vector<const void *> inputs;
    for (const auto &tensor : sample.inputs)
      inputs.push_back(tensor->tensor.data);
    for (const std::vector<float> &seed : seeds)
      inputs.push_back(seed.data());
    (*gradient)->run(inputs);
    for (auto [output, index] : llvm::enumerate(gradientOf)) {
      if (index < 0)
        continue;
      const ScoredConv &conv = convs[size_t(index)];
      const float *g = (*gradient)->floats(output);
      size_t perChannel = conv.weights.size() / size_t(conv.channels);
      for (int64_t c = 0; c < conv.channels; ++c) {
        double acc = 0.0;
        for (size_t k = c * perChannel; k < (c + 1) * perChannel; ++k) {
          if (!std::isfinite(g[k]))
            return llvm::createStringError(sample.origin +
                                           ": the gradient is NaN or infinite");
          acc += taylor ? double(conv.weights[k]) * g[k] : double(g[k]) * g[k];
        }
        sums[offsets[size_t(index)] + size_t(c)] += taylor ? acc * acc : acc;
      }
    }
  }
  double n = double(samples.size());
  for (auto [i, conv] : llvm::enumerate(convs)) {
    size_t perChannel = conv.weights.size() / size_t(conv.channels);
    for (int64_t c = 0; c < conv.channels; ++c) {
      double &score = sums[offsets[i] + size_t(c)];
      score /= n;
      if (!taylor) // The seed's magnitude term.
        for (size_t k = c * perChannel; k < (c + 1) * perChannel; ++k)
          score += 0.5 * double(conv.weights[k]) * conv.weights[k];
    }
  }
  return sums;
}

/// The loss the samples allow: MSE with references for every sample, else
/// cross-entropy for a single classifier output, else an error.
FailureOr<Loss> chooseLoss(func::FuncOp entry, const ModelSignature &signature,
                           const std::vector<Sample> &samples, llvm::StringRef criterion,
                           Location loc) {
  size_t withReferences = llvm::count_if(
      samples, [&](const Sample &s) { return s.references.size() == signature.outputs.size(); });
  if (withReferences == samples.size())
    return Loss::MeanSquaredError;
  if (withReferences != 0 || llvm::any_of(samples, [](const Sample &s) {
        return !s.references.empty();
      })) {
    auto lacking = llvm::find_if(samples, [&](const Sample &s) {
      return s.references.size() != signature.outputs.size();
    });
    return emitError(fileLocation(entry.getContext(), lacking->origin))
           << "--prune-criterion=" << criterion << ": this sample lacks output_K reference "
           << "files that others hold (one per model output)";
  }
  const TensorSignature *output =
      signature.outputs.size() == 1 ? &signature.outputs.front() : nullptr;
  if (!output || output->dtype != STRATA_DTYPE_FLOAT32 || output->shape.empty() ||
      output->shape.size() > 2 || output->shape.back() < 2)
    return emitError(loc) << "--prune-criterion=" << criterion
                          << " needs a loss: the calibration samples hold no reference "
                             "outputs (output_0.npy beside input_0.npy in each sample's "
                             "folder) and the model's output is not one classifier's "
                             "scores ([classes] or [batch, classes])";
  Operation *terminator = entry.getBody().front().getTerminator();
  return isa_and_nonnull<graph::SoftmaxOp>(terminator->getOperand(0).getDefiningOp())
             ? Loss::CrossEntropyProbabilities
             : Loss::CrossEntropyLogits;
}

} // namespace

LogicalResult scoreChannelsByGradient(ImportedModel &model, const CompileOptions &options,
                                      const std::vector<Sample> &samples,
                                      llvm::StringRef floatLibrary, TimingScope &timing) {
  llvm::StringRef criterion = options.pruneCriterion;
  MLIRContext *context = model.module->getContext();
  Location loc = fileLocation(context, options.modelPath);
  TimingScope scope = enterStage(options, timing, "gradients (" + criterion.str() + ")");
  auto entry = model.module->lookupSymbol<func::FuncOp>(options.import.entryName);
  std::vector<ScoredConv> convs;
  entry.walk([&](graph::ConvOp conv) {
    DenseElementsAttr weight = scoredWeight(conv);
    if (!weight)
      return;
    auto values = weight.getValues<float>();
    ScoredConv scored{conv, std::vector<float>(values.begin(), values.end()),
                      weight.getType().getDimSize(0)};
    convs.push_back(std::move(scored));
  });
  if (convs.empty())
    return success(); // strata-prune-channels says why nothing prunes.
  FailureOr<Loss> loss = chooseLoss(entry, model.signature, samples, criterion, loc);
  if (failed(loss))
    return failure();

  // The gradient build: convolutions renamed so that each gradient is
  // matched to its convolution by strata.gradient_nodes.
  OwningOpRef<ModuleOp> gradient = model.module->clone();
  auto gradientEntry = gradient->lookupSymbol<func::FuncOp>(options.import.entryName);
  int64_t next = 0;
  gradientEntry.walk([&](graph::ConvOp conv) {
    if (scoredWeight(conv))
      conv->setLoc(NameLoc::get(StringAttr::get(context, kScoredPrefix + Twine(next++)),
                                conv->getLoc()));
  });
  PassManager pm(context, func::FuncOp::getOperationName());
  pm.addPass(createDifferentiate());
  if (failed(pm.run(gradientEntry)))
    return failure();
  std::vector<int64_t> gradientOf;
  for (Attribute node : gradientEntry->getAttrOfType<ArrayAttr>(entry::kGradientNodes)) {
    llvm::StringRef name = cast<StringAttr>(node).getValue();
    int64_t index = -1;
    if (name.consume_front(kScoredPrefix) && name.getAsInteger(10, index))
      index = -1;
    gradientOf.push_back(index);
  }
  FailureOr<std::string> gradientLibrary =
      compileForHost(*gradient, options, scope, loc, /*gradient=*/true);
  if (failed(gradientLibrary))
    return failure();

  size_t channels = 0;
  for (const ScoredConv &conv : convs)
    channels += size_t(conv.channels);
  auto scores = doublesFromChild(
      [&] {
        return measureScores(floatLibrary, *gradientLibrary, samples, *loss, convs,
                             gradientOf, criterion == "taylor");
      },
      channels, "the gradient build");
  if (!scores)
    return emitError(loc) << llvm::toString(scores.takeError());
  size_t offset = 0;
  for (const ScoredConv &conv : convs) {
    ArrayRef<double> own(scores->data() + offset, size_t(conv.channels));
    conv.op->setAttr(kChannelScoresAttr, DenseF64ArrayAttr::get(context, own));
    offset += size_t(conv.channels);
  }
  return success();
}

} // namespace strata
