//===- SampleRunner.h - Running host builds on calibration samples -*- C++ -*-===//
//
// Quantization and importance pruning both measure the model on data: they
// read the samples of --calibration, compile a variant of the graph (an
// instrumented float build, the int8 build, the gradient) for this machine
// and run it on every sample, in a child process so that a crash fails the
// measurement and not the compile. This is that machinery, shared.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_SAMPLERUNNER_H
#define STRATA_COMPILER_SAMPLERUNNER_H

#include "compiler/HostLibrary.h"
#include "compiler/Stages.h"

#include "tensor_io.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace strata {

/// The name host measurement builds are compiled under.
inline constexpr llvm::StringLiteral kCalibrationName = "strata_calibration";

/// A tensor file's contents, freed with it.
struct SampleTensor {
  strata_host_tensor_t tensor{};
  ~SampleTensor() { std::free(tensor.data); }
};

/// One calibration sample: a tensor per model input and, where the folder
/// holds output_K.npy|.pb (ONNX's test-data layout), a reference per output.
struct Sample {
  std::string origin; // the file or folder, for messages
  std::vector<std::unique_ptr<SampleTensor>> inputs;
  std::vector<std::unique_ptr<SampleTensor>> references;
  std::vector<std::string> files; // for the depfile
};

mlir::Location fileLocation(mlir::MLIRContext *context, llvm::StringRef path);

/// The samples in `directory`: a tensor file each (one-input models), or a
/// folder each holding input_K.npy or input_K.pb (ONNX's test_data_set_N),
/// with output_K where present. Errors name the file.
mlir::FailureOr<std::vector<Sample>> readSamples(mlir::MLIRContext *context,
                                                 llvm::StringRef directory,
                                                 const ModelSignature &signature);

/// readSamples on `model`'s inputs and outputs, the files recorded as the
/// model's dependencies (for the depfile).
mlir::FailureOr<std::vector<Sample>> readModelSamples(ImportedModel &model,
                                                      llvm::StringRef directory);

/// A compiled model loaded for measurement, with buffers for its outputs
/// and its arena: it runs one set of inputs at a time.
class SampleRunner {
public:
  static llvm::Expected<std::unique_ptr<SampleRunner>> load(llvm::StringRef library);

  const strata_model_t &model() const { return loaded->model(); }
  /// Runs the model on `inputs` (one pointer per model input).
  void run(const std::vector<const void *> &inputs);
  /// Runs the model on a sample's inputs.
  void run(const Sample &sample);
  /// The inputs of the last run.
  const std::vector<const void *> &lastInputs() const { return inputs; }
  /// Output `index` of the last run.
  const void *output(size_t index) const { return outputs[index].data(); }
  const float *floats(size_t index) const {
    return static_cast<const float *>(output(index));
  }

private:
  explicit SampleRunner(std::unique_ptr<LoadedModel> loaded) : loaded(std::move(loaded)) {}
  std::unique_ptr<LoadedModel> loaded;
  std::vector<std::vector<double>> outputs; // 8-byte elements hold any dtype
  std::vector<void *> outputPointers;
  std::vector<const void *> inputs;
  std::unique_ptr<void, decltype(&std::free)> arena{nullptr, &std::free};
};

/// Runs `work` (returning `expected` doubles) in a child process.
llvm::Expected<std::vector<double>>
doublesFromChild(llvm::function_ref<llvm::Expected<std::vector<double>>()> work,
                 size_t expected, llvm::StringRef what);

/// Compiles the graph-level `module` for this machine, as a model named
/// kCalibrationName, into a shared library's bytes. `gradient` says the
/// module is a strata-differentiate gradient, compiled as --gradient
/// compiles one (resolveTarget).
mlir::FailureOr<std::string> compileForHost(mlir::ModuleOp module,
                                            const CompileOptions &options,
                                            mlir::TimingScope &scope, mlir::Location loc,
                                            bool gradient = false);

} // namespace strata

#endif // STRATA_COMPILER_SAMPLERUNNER_H
