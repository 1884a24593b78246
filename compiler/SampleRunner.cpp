//===- SampleRunner.cpp - Running host builds on calibration samples -*- C++ -*-===//
//
// Implements SampleRunner.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/SampleRunner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cstring>

using namespace mlir;

namespace strata {

Location fileLocation(MLIRContext *context, llvm::StringRef path) {
  return FileLineColLoc::get(context, path, 0, 0);
}

namespace {

std::string shapeText(const int64_t *shape, int32_t rank) {
  char buffer[256];
  return strata_host_format_shape(shape, rank, buffer, sizeof buffer);
}

/// Reads `path` as model input `index`, checking its dtype and shape.
FailureOr<std::unique_ptr<SampleTensor>>
readSampleTensor(MLIRContext *context, llvm::StringRef path,
                 const TensorSignature &input, llvm::StringRef role = "input") {
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
           << shapeText(t.shape, t.rank) << ", but " << role << " '" << input.name
           << "' is " << dtypeName(input.dtype) << " "
           << shapeText(input.shape.data(), int32_t(input.shape.size()));
  return tensor;
}

bool isTensorFile(llvm::StringRef path) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  return extension == ".npy" || extension == ".pb";
}

} // namespace

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
      for (auto [index, output] : llvm::enumerate(signature.outputs)) {
        std::string stem = entry + "/output_" + std::to_string(index);
        std::string path = llvm::sys::fs::exists(stem + ".npy") ? stem + ".npy" : stem + ".pb";
        if (!llvm::sys::fs::exists(path))
          break;
        auto tensor = readSampleTensor(context, path, output, "output");
        if (failed(tensor))
          return failure();
        sample.references.push_back(std::move(*tensor));
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


FailureOr<std::vector<Sample>> readModelSamples(ImportedModel &model,
                                                llvm::StringRef directory) {
  FailureOr<std::vector<Sample>> samples =
      readSamples(model.module->getContext(), directory, model.signature);
  if (succeeded(samples))
    for (const Sample &sample : *samples)
      model.dependencies.insert(model.dependencies.end(), sample.files.begin(),
                                sample.files.end());
  return samples;
}

llvm::Expected<std::unique_ptr<SampleRunner>> SampleRunner::load(llvm::StringRef library) {
  auto loaded = LoadedModel::load(library, kCalibrationName);
  if (!loaded)
    return loaded.takeError();
  std::unique_ptr<SampleRunner> runner(new SampleRunner(std::move(*loaded)));
  const strata_model_t &model = runner->model();
  for (uint32_t i = 0; i < model.num_outputs; ++i) {
    runner->outputs.emplace_back(strata_tensor_elements(&model.outputs[i]));
    runner->outputPointers.push_back(runner->outputs.back().data());
  }
  size_t alignment = std::max<size_t>(model.arena_alignment, 64);
  size_t bytes =
      (std::max<size_t>(model.arena_bytes, 1) + alignment - 1) / alignment * alignment;
  runner->arena.reset(std::aligned_alloc(alignment, bytes));
  if (!runner->arena)
    return llvm::createStringError("cannot allocate the measurement arena");
  return runner;
}

void SampleRunner::run(const std::vector<const void *> &newInputs) {
  inputs = newInputs;
  model().entry(inputs.data(), outputPointers.data(), arena.get(), nullptr);
}

void SampleRunner::run(const Sample &sample) {
  std::vector<const void *> pointers;
  for (const auto &tensor : sample.inputs)
    pointers.push_back(tensor->tensor.data);
  run(pointers);
}

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
                                      TimingScope &scope, Location loc, bool gradient) {
  auto entry = module.lookupSymbol<func::FuncOp>(options.import.entryName);
  FailureOr<ModelSignature> signature = readSignature(entry, kCalibrationName);
  if (failed(signature) || failed(runGraphPasses(module, options, scope)))
    return failure();
  CompileOptions hostOptions;
  hostOptions.emit = EmitStage::Shared;
  hostOptions.gradient = gradient;
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


} // namespace strata
