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

#include "compiler/HostLibrary.h"
#include "compiler/onnx/OnnxImporter.h"
#include "compiler/RangeCalibrators.h"
#include "passes/Passes.h"
#include "passes/Quantize.h"

#include "tensor_io.h"

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

constexpr llvm::StringLiteral kCalibrationName = "strata_calibration";

/// A tensor file's contents, freed with it.
struct SampleTensor {
  strata_host_tensor_t tensor{};
  ~SampleTensor() { std::free(tensor.data); }
};

/// One calibration sample: a tensor per model input.
struct Sample {
  std::string origin; // the file or folder, for messages
  std::vector<std::unique_ptr<SampleTensor>> inputs;
  std::vector<std::string> files; // for the depfile
};

Location fileLocation(MLIRContext *context, llvm::StringRef path) {
  return FileLineColLoc::get(context, path, 0, 0);
}

std::string shapeText(const int64_t *shape, int32_t rank) {
  char buffer[256];
  return strata_host_format_shape(shape, rank, buffer, sizeof buffer);
}

/// Reads `path` as model input `index`, checking its dtype and shape.
FailureOr<std::unique_ptr<SampleTensor>>
readSampleTensor(MLIRContext *context, llvm::StringRef path,
                 const TensorSignature &input) {
  auto tensor = std::make_unique<SampleTensor>();
  strata_io_error_t error;
  std::string file = path.str();
  if (!strata_host_tensor_read(file.c_str(), &tensor->tensor, &error))
    return emitError(fileLocation(context, path)) << error.message;
  const strata_host_tensor_t &t = tensor->tensor;
  bool sameShape = t.rank == int32_t(input.shape.size()) &&
                   std::equal(input.shape.begin(), input.shape.end(), t.shape);
  if (t.dtype != input.dtype || !sameShape)
    return emitError(fileLocation(context, path))
           << "a calibration sample of " << dtypeName(t.dtype) << " "
           << shapeText(t.shape, t.rank) << ", but input '" << input.name
           << "' is " << dtypeName(input.dtype) << " "
           << shapeText(input.shape.data(), int32_t(input.shape.size()));
  return tensor;
}

bool isTensorFile(llvm::StringRef path) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  return extension == ".npy" || extension == ".pb";
}

/// The samples in `directory`: a tensor file each (one-input models), or a
/// folder each holding input_K.npy or input_K.pb (ONNX's test_data_set_N).
FailureOr<std::vector<Sample>> readSamples(MLIRContext *context,
                                           llvm::StringRef directory,
                                           const ModelSignature &signature) {
  Location where = fileLocation(context, directory);
  if (!llvm::sys::fs::is_directory(directory))
    return emitError(where) << (llvm::sys::fs::exists(directory)
                                    ? "the calibration folder is not a folder"
                                    : "the calibration folder does not exist");
  std::vector<std::string> entries;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(directory, ec), end; it != end && !ec;
       it.increment(ec))
    entries.push_back(it->path());
  if (ec)
    return emitError(where) << "cannot list the calibration folder: " << ec.message();
  std::sort(entries.begin(), entries.end());

  std::vector<Sample> samples;
  for (const std::string &entry : entries) {
    Sample sample;
    sample.origin = entry;
    if (llvm::sys::fs::is_directory(entry)) {
      for (auto [index, input] : llvm::enumerate(signature.inputs)) {
        std::string stem = entry + "/input_" + std::to_string(index);
        std::string path = llvm::sys::fs::exists(stem + ".npy") ? stem + ".npy" : stem + ".pb";
        if (!llvm::sys::fs::exists(path))
          return emitError(fileLocation(context, entry))
                 << "no input_" << index << ".npy or input_" << index
                 << ".pb for input '" << input.name << "'";
        auto tensor = readSampleTensor(context, path, input);
        if (failed(tensor))
          return failure();
        sample.inputs.push_back(std::move(*tensor));
        sample.files.push_back(path);
      }
    } else if (isTensorFile(entry)) {
      if (signature.inputs.size() != 1)
        return emitError(fileLocation(context, entry))
               << "a model of " << signature.inputs.size()
               << " inputs takes a folder per calibration sample "
                  "(input_0.npy, input_1.npy, ...), not a file";
      auto tensor = readSampleTensor(context, entry, signature.inputs.front());
      if (failed(tensor))
        return failure();
      sample.inputs.push_back(std::move(*tensor));
      sample.files.push_back(entry);
    } else {
      continue; // Not a sample (a README, say).
    }
    samples.push_back(std::move(sample));
  }
  if (samples.empty())
    return emitError(where) << "the calibration folder holds no samples: "
                               "*.npy or *.pb files (one-input models) or "
                               "folders of input_K.npy or input_K.pb";
  return samples;
}

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
  std::vector<quant::Candidate> selected;
  for (const quant::Candidate &candidate : quant::findCandidates(entry)) {
    std::string name = onnxNodeName(candidate.op->getLoc());
    if (llvm::none_of(patterns, [&](const llvm::GlobPattern &p) { return p.match(name); }))
      selected.push_back(candidate);
  }
  return selected;
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

/// Runs the instrumented library on every sample and returns the range
/// [low, high] `calibrator` chooses for each observed tensor, found at
/// `sources`: each tensor's min and max, from a second pass its histogram.
llvm::Expected<std::vector<double>>
measureRanges(llvm::StringRef library, const std::vector<Sample> &samples,
              const std::vector<Source> &sources, const std::vector<std::string> &nodes,
              const Calibrator &calibrator) {
  auto loaded = LoadedModel::load(library, kCalibrationName);
  if (!loaded)
    return loaded.takeError();
  const strata_model_t &model = (*loaded)->model();
  std::vector<std::vector<float>> outputs;
  std::vector<void *> outputPointers;
  for (uint32_t i = 0; i < model.num_outputs; ++i) {
    // Float32 or not, a buffer of 8-byte elements holds any output.
    outputs.emplace_back(2 * strata_tensor_elements(&model.outputs[i]));
    outputPointers.push_back(outputs.back().data());
  }
  for (const Source &source : sources) {
    const strata_tensor_desc_t &desc =
        source.isInput ? model.inputs[source.index] : model.outputs[source.index];
    if (desc.dtype != STRATA_DTYPE_FLOAT32)
      return llvm::createStringError("an observed tensor is not float32");
  }
  size_t alignment = std::max<size_t>(model.arena_alignment, 64);
  size_t arenaBytes =
      (std::max<size_t>(model.arena_bytes, 1) + alignment - 1) / alignment * alignment;
  std::unique_ptr<void, decltype(&std::free)> arena(
      std::aligned_alloc(alignment, arenaBytes), &std::free);
  if (!arena)
    return llvm::createStringError("cannot allocate the calibration arena");

  size_t observed = sources.size();
  std::vector<double> ranges;
  for (size_t i = 0; i < observed; ++i) {
    ranges.push_back(std::numeric_limits<double>::infinity());
    ranges.push_back(-std::numeric_limits<double>::infinity());
  }
  // Runs `sample` and calls visit(i, values, count) for each observed tensor.
  auto runSample = [&](const Sample &sample, auto visit) -> llvm::Error {
    std::vector<const void *> inputs;
    for (const auto &tensor : sample.inputs)
      inputs.push_back(tensor->tensor.data);
    model.entry(inputs.data(), outputPointers.data(), arena.get(), nullptr);
    for (size_t i = 0; i < observed; ++i) {
      const Source &source = sources[i];
      const float *values =
          source.isInput ? static_cast<const float *>(inputs[source.index])
                         : outputs[source.index].data();
      size_t count = strata_tensor_elements(source.isInput ? &model.inputs[source.index]
                                                           : &model.outputs[source.index]);
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
  FailureOr<std::vector<Sample>> samples =
      readSamples(context, options.calibrationDir, model.signature);
  if (failed(samples))
    return failure();
  for (const Sample &sample : *samples)
    model.dependencies.insert(model.dependencies.end(), sample.files.begin(),
                              sample.files.end());

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
  FailureOr<ModelSignature> signature = readSignature(instrumentedEntry, kCalibrationName);
  if (failed(signature) || failed(runGraphPasses(*instrumented, options, scope)))
    return failure();
  CompileOptions hostOptions;
  hostOptions.emit = EmitStage::Shared;
  FailureOr<ResolvedTarget> host = resolveTarget(hostOptions, loc);
  if (failed(host))
    return failure();
  Partition partition;
  partition.target = host->target;
  partition.description = host->description;
  auto library = compileSharedLibrary(*instrumented, partition, *signature,
                                      HalideGroups(), options.import.entryName);
  if (!library)
    return emitError(loc) << "the calibration build: " << llvm::toString(library.takeError());

  auto bytes = runInChild(
      [&]() -> llvm::Expected<std::string> {
        auto ranges =
            measureRanges(*library, *samples, sources, observations.nodes, *calibrator);
        if (!ranges)
          return ranges.takeError();
        return std::string(reinterpret_cast<const char *>(ranges->data()),
                           ranges->size() * sizeof(double));
      },
      "the calibration build");
  if (!bytes)
    return emitError(loc) << llvm::toString(bytes.takeError());
  std::vector<double> ranges(observations.values.size() * 2);
  if (bytes->size() != ranges.size() * sizeof(double))
    return emitError(loc) << "internal error: calibration returned "
                          << bytes->size() << " bytes";
  std::memcpy(ranges.data(), bytes->data(), bytes->size());

  // The ranges on the ops, then the quantization itself.
  for (auto [candidate, observed] :
       llvm::zip(*candidates, observations.ofCandidate)) {
    auto range = [&](size_t i) {
      return DenseF64ArrayAttr::get(context, {ranges[2 * i], ranges[2 * i + 1]});
    };
    candidate.op->setAttr(quant::kInputRange, range(observed.first));
    candidate.op->setAttr(quant::kOutputRange, range(observed.second));
    quant::TensorParameters in = quant::activationParameters(
        ranges[2 * observed.first], ranges[2 * observed.first + 1]);
    quant::TensorParameters out = quant::activationParameters(
        ranges[2 * observed.second], ranges[2 * observed.second + 1]);
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
  return success();
}

} // namespace strata
