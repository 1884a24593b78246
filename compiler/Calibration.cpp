//===- Calibration.cpp - --quantize: calibrate, then quantize ---*- C++ -*-===//
//
// Implements Calibration.h. The instrumented build is the imported module
// with the observed tensors appended to its entry's results, compiled for
// the host exactly as a model is (through the graph passes and the host
// target's lowering), so the ranges are those of the float code Strata
// itself runs.
//
//===----------------------------------------------------------------------===//
#include "compiler/Calibration.h"

#include "compiler/SampleRunner.h"
#include "compiler/RangeCalibrators.h"
#include "compiler/onnx/OnnxImporter.h"
#include "dialects/Graph/GraphOps.h"
#include "passes/Passes.h"
#include "passes/Quantize.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace mlir;

namespace strata {
namespace {

/// The quantization candidates of `entry` that --quant-exclude spares.
FailureOr<std::vector<quant::Candidate>>
selectCandidates(func::FuncOp entry, const std::vector<std::string> &excluded) {
  std::vector<llvm::GlobPattern> patterns;
  for (const std::string &text : excluded) {
    auto pattern = llvm::GlobPattern::create(text);
    if (!pattern)
      return entry.emitError("--quant-exclude '")
             << text << "': " << llvm::toString(pattern.takeError());
    patterns.push_back(std::move(*pattern));
  }
  return quant::findCandidates(entry, [&](Operation *op) {
    std::string name = onnxNodeName(op->getLoc());
    return llvm::any_of(patterns, [&](const llvm::GlobPattern &p) { return p.match(name); });
  });
}

/// The tensors calibration observes: each candidate's input and output,
/// each tensor once, with the index of each candidate's two.
struct Observations {
  std::vector<Value> values;
  std::vector<std::string> nodes; // who computes each, for messages
  std::vector<std::pair<size_t, size_t>> ofCandidate;
};

Observations observe(const std::vector<quant::Candidate> &candidates) {
  Observations observations;
  llvm::DenseMap<Value, size_t> index;
  auto indexOf = [&](Value value) {
    auto [it, inserted] = index.try_emplace(value, observations.values.size());
    if (inserted) {
      observations.values.push_back(value);
      Operation *def = value.getDefiningOp();
      observations.nodes.push_back(def ? onnxNodeName(def->getLoc()) : "a model input");
    }
    return it->second;
  };
  for (const quant::Candidate &candidate : candidates) {
    size_t input = indexOf(candidate.input);
    observations.ofCandidate.emplace_back(input, indexOf(candidate.output));
  }
  return observations;
}

/// Where the instrumented build finds an observed tensor: among its
/// inputs (a model input the first op reads) or its outputs (the model's
/// own, or one appended for calibration).
struct Source {
  bool isInput;
  size_t index;
};

/// Makes every observed value reachable, appending results to `entry` for
/// those that are neither an input nor already a result (returning an
/// argument would not bufferize).
std::vector<Source> exposeObservations(func::FuncOp entry, ArrayRef<Value> observed) {
  Operation *terminator = entry.getBody().front().getTerminator();
  SmallVector<Value> results(terminator->getOperands());
  std::vector<Source> sources;
  for (Value value : observed) {
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      sources.push_back({true, argument.getArgNumber()});
      continue;
    }
    auto existing = llvm::find(results, value);
    sources.push_back({false, size_t(existing - results.begin())});
    if (existing == results.end())
      results.push_back(value);
  }
  terminator->setOperands(results);
  entry.setType(FunctionType::get(entry.getContext(), entry.getArgumentTypes(),
                                  ValueRange(results).getTypes()));
  entry.removeResAttrsAttr();
  return sources;
}

/// The observed tensor at `source` of `runner`'s last run, and its
/// description.
std::pair<const void *, const strata_tensor_desc_t *> observedTensor(const SampleRunner &runner,
                                                               const Source &source) {
  if (source.isInput)
    return {runner.lastInputs()[source.index], &runner.model().inputs[source.index]};
  return {runner.output(source.index), &runner.model().outputs[source.index]};
}

/// Runs the instrumented library on every sample and returns the range
/// [low, high] `calibrator` chooses for each observed tensor, found at
/// `sources`: each tensor's min and max, from a second pass its histogram.
llvm::Expected<std::vector<double>>
measureRanges(llvm::StringRef library, const std::vector<Sample> &samples,
              const std::vector<Source> &sources, const std::vector<std::string> &nodes,
              const Calibrator &calibrator) {
  auto runner = SampleRunner::load(library);
  if (!runner)
    return runner.takeError();
  for (const Source &source : sources)
    if (observedTensor(**runner, source).second->dtype != STRATA_DTYPE_FLOAT32)
      return llvm::createStringError("an observed tensor is not float32");

  size_t observed = sources.size();
  std::vector<double> ranges;
  for (size_t i = 0; i < observed; ++i) {
    ranges.push_back(std::numeric_limits<double>::infinity());
    ranges.push_back(-std::numeric_limits<double>::infinity());
  }
  // Runs `sample` and calls visit(i, values, count) for each observed tensor.
  auto runSample = [&](const Sample &sample, auto visit) -> llvm::Error {
    (*runner)->run(sample);
    for (size_t i = 0; i < observed; ++i) {
      auto [data, desc] = observedTensor(**runner, sources[i]);
      const float *values = static_cast<const float *>(data);
      size_t count = strata_tensor_elements(desc);
      for (size_t k = 0; k < count; ++k)
        if (!std::isfinite(values[k]))
          return llvm::createStringError(
              sample.origin + ": the float model computes NaN or infinity at node '" +
              nodes[i] + "'; it cannot be calibrated");
      visit(i, values, count);
    }
    return llvm::Error::success();
  };
  for (const Sample &sample : samples)
    if (llvm::Error error = runSample(sample, [&](size_t i, const float *values, size_t count) {
          for (size_t k = 0; k < count; ++k) {
            ranges[2 * i] = std::min(ranges[2 * i], double(values[k]));
            ranges[2 * i + 1] = std::max(ranges[2 * i + 1], double(values[k]));
          }
        }))
      return std::move(error);
  if (!calibrator.needsHistogram())
    return ranges;
  std::vector<Histogram> histograms;
  for (size_t i = 0; i < observed; ++i)
    histograms.emplace_back(ranges[2 * i], ranges[2 * i + 1]);
  for (const Sample &sample : samples)
    if (llvm::Error error = runSample(sample, [&](size_t i, const float *values, size_t count) {
          for (size_t k = 0; k < count; ++k)
            histograms[i].add(values[k]);
        }))
      return std::move(error);
  for (size_t i = 0; i < observed; ++i)
    std::tie(ranges[2 * i], ranges[2 * i + 1]) = chooseRange(calibrator, histograms[i]);
  return ranges;
}

/// Each quantized op's SQNR on the calibration samples, in dB: its int8
/// output (at `quantized` in the int8 build, dequantized with its
/// parameters) against the float tensor it replaces (at `reference` in the
/// float build), 10 log10(sum f^2 / sum (f - q)^2) over all samples.
llvm::Expected<std::vector<double>>
measureSqnr(llvm::StringRef floatLibrary, llvm::StringRef int8Library,
            const std::vector<Sample> &samples, const std::vector<Source> &reference,
            const std::vector<Source> &quantized,
            const std::vector<ModelSignature::QuantizedOp> &ops) {
  auto floats = SampleRunner::load(floatLibrary);
  if (!floats)
    return floats.takeError();
  auto int8s = SampleRunner::load(int8Library);
  if (!int8s)
    return int8s.takeError();
  std::vector<double> signal(ops.size(), 0.0), noise(ops.size(), 0.0);
  for (const Sample &sample : samples) {
    (*floats)->run(sample);
    (*int8s)->run(sample);
    for (size_t i = 0; i < ops.size(); ++i) {
      auto [real, realDesc] = observedTensor(**floats, reference[i]);
      auto [q, qDesc] = observedTensor(**int8s, quantized[i]);
      size_t count = strata_tensor_elements(realDesc);
      if (qDesc->dtype != STRATA_DTYPE_INT8 || strata_tensor_elements(qDesc) != count)
        return llvm::createStringError("internal error: the int8 build's tensors differ");
      for (size_t k = 0; k < count; ++k) {
        double f = static_cast<const float *>(real)[k];
        double d = ops[i].outputScale *
                   (double(static_cast<const int8_t *>(q)[k]) - ops[i].outputZeroPoint);
        signal[i] += f * f;
        noise[i] += (f - d) * (f - d);
      }
    }
  }
  std::vector<double> sqnr;
  for (size_t i = 0; i < ops.size(); ++i)
    sqnr.push_back(noise[i] > 0 ? 10 * std::log10(signal[i] / noise[i])
                                : std::numeric_limits<double>::infinity());
  return sqnr;
}

} // namespace

LogicalResult quantizeModel(ImportedModel &model, const CompileOptions &options,
                            TimingScope &timing) {
  MLIRContext *context = model.module->getContext();
  Location loc = fileLocation(context, options.modelPath);
  TimingScope scope = enterStage(options, timing, "calibration");
  std::optional<Calibrator> calibrator = parseCalibrator(options.calibrator);
  if (!calibrator)
    return emitError(loc) << "unknown calibrator '" << options.calibrator << "'";
  // Normalizations folded into their convolutions first, so that a ReLU
  // after one follows its convolution and folds into the integer kernel.
  PassManager fold(context, ModuleOp::getOperationName());
  fold.addNestedPass<func::FuncOp>(createFoldBatchNorm());
  if (failed(fold.run(*model.module)))
    return failure();
  auto entry = model.module->lookupSymbol<func::FuncOp>(options.import.entryName);
  FailureOr<std::vector<quant::Candidate>> candidates =
      selectCandidates(entry, options.quantExclude);
  if (failed(candidates))
    return failure();
  if (candidates->empty()) {
    emitWarning(loc) << "--quantize: no Conv, MatMul or Gemm with constant "
                        "weights to quantize; the model stays float";
    return success();
  }
  FailureOr<std::vector<Sample>> samples = readModelSamples(model, options.calibrationDir);
  if (failed(samples))
    return failure();

  // The instrumented build: the observed tensors as extra results.
  OwningOpRef<ModuleOp> instrumented = model.module->clone();
  auto instrumentedEntry =
      instrumented->lookupSymbol<func::FuncOp>(options.import.entryName);
  auto instrumentedCandidates =
      selectCandidates(instrumentedEntry, options.quantExclude);
  if (failed(instrumentedCandidates) ||
      instrumentedCandidates->size() != candidates->size())
    return emitError(loc) << "internal error: the instrumented build differs";
  Observations observations = observe(*instrumentedCandidates);
  std::vector<Source> sources = exposeObservations(instrumentedEntry, observations.values);
  FailureOr<std::string> library = compileForHost(*instrumented, options, scope, loc);
  if (failed(library))
    return failure();
  auto ranges = doublesFromChild(
      [&] { return measureRanges(*library, *samples, sources, observations.nodes, *calibrator); },
      observations.values.size() * 2, "the calibration build");
  if (!ranges)
    return emitError(loc) << llvm::toString(ranges.takeError());

  // The ranges on the ops, then the quantization itself.
  for (auto [candidate, observed] :
       llvm::zip(*candidates, observations.ofCandidate)) {
    auto rangeOf = [&](size_t i) { return std::make_pair((*ranges)[2 * i], (*ranges)[2 * i + 1]); };
    auto [inLow, inHigh] = rangeOf(observed.first);
    auto [outLow, outHigh] = rangeOf(observed.second);
    candidate.op->setAttr(quant::kInputRange, DenseF64ArrayAttr::get(context, {inLow, inHigh}));
    candidate.op->setAttr(quant::kOutputRange,
                          DenseF64ArrayAttr::get(context, {outLow, outHigh}));
    quant::TensorParameters in = quant::activationParameters(inLow, inHigh);
    quant::TensorParameters out = quant::activationParameters(outLow, outHigh);
    ModelSignature::QuantizedOp record;
    record.node = onnxNodeName(candidate.op->getLoc());
    record.op = candidate.op->getName().stripDialect().str();
    record.inputScale = in.scale;
    record.inputZeroPoint = in.zeroPoint;
    record.outputScale = out.scale;
    record.outputZeroPoint = out.zeroPoint;
    model.signature.quantizedOps.push_back(std::move(record));
  }
  PassManager pm(context, ModuleOp::getOperationName());
  pm.addNestedPass<func::FuncOp>(createQuantize());
  pm.addPass(createCanonicalizerPass());
  if (failed(pm.run(*model.module)))
    return failure();

  // Each quantized tensor's SQNR against float on the calibration set: the
  // int8 build with every requantization's result as an extra output, run
  // beside the float one.
  OwningOpRef<ModuleOp> int8 = model.module->clone();
  auto int8Entry = int8->lookupSymbol<func::FuncOp>(options.import.entryName);
  std::vector<Value> requantized(model.signature.quantizedOps.size());
  int8Entry.walk([&](graph::RequantizeOp op) {
    auto index = op->getAttrOfType<IntegerAttr>(quant::kCandidateIndex);
    if (!index || size_t(index.getInt()) >= requantized.size())
      return;
    requantized[index.getInt()] = op.getResult();
    // The input parameters the op was given (its producer's, when an int8
    // tensor reached it).
    ModelSignature::QuantizedOp &record = model.signature.quantizedOps[index.getInt()];
    if (auto input = op->getAttrOfType<DenseF64ArrayAttr>(quant::kInputParameters);
        input && input.size() == 2) {
      record.inputScale = input[0];
      record.inputZeroPoint = static_cast<int32_t>(input[1]);
    }
  });
  if (llvm::any_of(requantized, [](Value v) { return !v; }))
    return emitError(loc) << "internal error: a quantized op has no requantization";
  std::vector<Source> int8Sources = exposeObservations(int8Entry, requantized);
  FailureOr<std::string> int8Library = compileForHost(*int8, options, scope, loc);
  if (failed(int8Library))
    return failure();
  std::vector<Source> reference;
  for (const auto &observed : observations.ofCandidate)
    reference.push_back(sources[observed.second]);
  auto sqnr = doublesFromChild(
      [&] {
        return measureSqnr(*library, *int8Library, *samples, reference, int8Sources,
                           model.signature.quantizedOps);
      },
      requantized.size(), "the int8 calibration build");
  if (!sqnr)
    return emitError(loc) << llvm::toString(sqnr.takeError());
  for (auto [op, value] : llvm::zip(model.signature.quantizedOps, *sqnr))
    op.sqnrDb = value;
  return success();
}

} // namespace strata
