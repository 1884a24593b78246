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
#include "compiler/RangeCalibrators.h"
#include "compiler/onnx/OnnxImporter.h"
#include "dialects/Graph/GraphOps.h"
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

/// A compiled model loaded for calibration, with buffers for its outputs
/// and its arena: it runs one sample at a time, after which tensor() finds
/// an observed tensor among the sample's inputs or the model's outputs.
class SampleRunner {
public:
  static llvm::Expected<std::unique_ptr<SampleRunner>> load(llvm::StringRef library,
                                                            llvm::StringRef name) {
    auto loaded = LoadedModel::load(library, name);
    if (!loaded)
      return loaded.takeError();
    std::unique_ptr<SampleRunner> runner(new SampleRunner(std::move(*loaded)));
    const strata_model_t &model = runner->model();
    for (uint32_t i = 0; i < model.num_outputs; ++i) {
      // Whatever the dtype, a buffer of 8-byte elements holds the output.
      runner->outputs.emplace_back(strata_tensor_elements(&model.outputs[i]));
      runner->outputPointers.push_back(runner->outputs.back().data());
    }
    size_t alignment = std::max<size_t>(model.arena_alignment, 64);
    size_t bytes =
        (std::max<size_t>(model.arena_bytes, 1) + alignment - 1) / alignment * alignment;
    runner->arena.reset(std::aligned_alloc(alignment, bytes));
    if (!runner->arena)
      return llvm::createStringError("cannot allocate the calibration arena");
    return runner;
  }

  const strata_model_t &model() const { return loaded->model(); }

  void run(const Sample &sample) {
    inputs.clear();
    for (const auto &tensor : sample.inputs)
      inputs.push_back(tensor->tensor.data);
    model().entry(inputs.data(), outputPointers.data(), arena.get(), nullptr);
  }

  /// The observed tensor at `source` of the last run, and its description.
  std::pair<const void *, const strata_tensor_desc_t *> tensor(const Source &source) const {
    if (source.isInput)
      return {inputs[source.index], &model().inputs[source.index]};
    return {outputs[source.index].data(), &model().outputs[source.index]};
  }

private:
  explicit SampleRunner(std::unique_ptr<LoadedModel> loaded) : loaded(std::move(loaded)) {}
  std::unique_ptr<LoadedModel> loaded;
  std::vector<std::vector<double>> outputs;
  std::vector<void *> outputPointers;
  std::vector<const void *> inputs;
  std::unique_ptr<void, decltype(&std::free)> arena{nullptr, &std::free};
};

/// Runs the instrumented library on every sample and returns the range
/// [low, high] `calibrator` chooses for each observed tensor, found at
/// `sources`: each tensor's min and max, from a second pass its histogram.
llvm::Expected<std::vector<double>>
measureRanges(llvm::StringRef library, const std::vector<Sample> &samples,
              const std::vector<Source> &sources, const std::vector<std::string> &nodes,
              const Calibrator &calibrator) {
  auto runner = SampleRunner::load(library, kCalibrationName);
  if (!runner)
    return runner.takeError();
  for (const Source &source : sources)
    if ((*runner)->tensor(source).second->dtype != STRATA_DTYPE_FLOAT32)
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
      auto [data, desc] = (*runner)->tensor(sources[i]);
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
  auto floats = SampleRunner::load(floatLibrary, kCalibrationName);
  if (!floats)
    return floats.takeError();
  auto int8s = SampleRunner::load(int8Library, kCalibrationName);
  if (!int8s)
    return int8s.takeError();
  std::vector<double> signal(ops.size(), 0.0), noise(ops.size(), 0.0);
  for (const Sample &sample : samples) {
    (*floats)->run(sample);
    (*int8s)->run(sample);
    for (size_t i = 0; i < ops.size(); ++i) {
      auto [real, realDesc] = (*floats)->tensor(reference[i]);
      auto [q, qDesc] = (*int8s)->tensor(quantized[i]);
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

/// Runs `work` (returning doubles) in a child process.
llvm::Expected<std::vector<double>>
doublesFromChild(llvm::function_ref<llvm::Expected<std::vector<double>>()> work,
                 size_t expected, llvm::StringRef what) {
  auto bytes = runInChild(
      [&]() -> llvm::Expected<std::string> {
        auto values = work();
        if (!values)
          return values.takeError();
        return std::string(reinterpret_cast<const char *>(values->data()),
                           values->size() * sizeof(double));
      },
      what);
  if (!bytes)
    return bytes.takeError();
  if (bytes->size() != expected * sizeof(double))
    return llvm::createStringError(what + " returned " + std::to_string(bytes->size()) +
                                   " bytes");
  std::vector<double> values(expected);
  std::memcpy(values.data(), bytes->data(), bytes->size());
  return values;
}

/// Compiles the graph-level `module` for this machine, as a model named
/// kCalibrationName, into a shared library's bytes.
FailureOr<std::string> compileForHost(ModuleOp module, const CompileOptions &options,
                                      TimingScope &scope, Location loc) {
  auto entry = module.lookupSymbol<func::FuncOp>(options.import.entryName);
  FailureOr<ModelSignature> signature = readSignature(entry, kCalibrationName);
  if (failed(signature) || failed(runGraphPasses(module, options, scope)))
    return failure();
  CompileOptions hostOptions;
  hostOptions.emit = EmitStage::Shared;
  FailureOr<ResolvedTarget> host = resolveTarget(hostOptions, loc);
  if (failed(host))
    return failure();
  Partition partition;
  partition.target = host->target;
  partition.description = host->description;
  auto library = compileSharedLibrary(module, partition, *signature, HalideGroups(),
                                      options.import.entryName);
  if (!library)
    return emitError(loc) << "the calibration build: " << llvm::toString(library.takeError());
  return std::move(*library);
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
