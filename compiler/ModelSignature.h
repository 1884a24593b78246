//===- ModelSignature.h - A compiled model's interface ----------*- C++ -*-===//
//
// What the artifacts say about a model (names, dtypes, shapes, arena), read
// once from the imported function so the header, the manifest and the
// descriptor in the object cannot disagree.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_MODELSIGNATURE_H
#define STRATA_COMPILER_MODELSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <string>
#include <vector>

namespace strata {

struct TensorSignature {
  std::string name;
  int32_t dtype = 0; // strata_dtype_t (ONNX numbering)
  std::vector<int64_t> shape;
  int64_t bytes() const;
};

struct ModelSignature {
  /// A C identifier: symbols are NAME_model and NAME_entry.
  std::string name;
  std::vector<TensorSignature> inputs;
  std::vector<TensorSignature> outputs;
  int64_t arenaBytes = 0;
  int64_t arenaLowerBound = 0;
  int64_t arenaAlignment = 64;
  /// The graph's compute ops as imported (and quantized), one kernel each
  /// unfused, and the loop nests the lowered entry runs after fusion:
  /// kernels, fills and copies (passes/EntryAttributes.h).
  int64_t graphOps = 0;
  int64_t kernels = 0, fills = 0, copies = 0;
  /// GPU models: the weights uploaded to the front of the device workspace
  /// (arenaBytes then counts them too), the least compute capability (90
  /// for Hopper) and whether the kernels are a cubin or PTX.
  struct Gpu {
    int64_t constantsBytes = 0;
    uint32_t smVersion = 0;
    bool cubin = false;
  };
  std::optional<Gpu> gpu;
  /// The GPU lowering emulated on the host (--gpu-loops-on-host): a CPU
  /// model whose entry also takes the pooled weights, `strata_constants`.
  bool hostPooledConstants = false;
  /// Hosted CPU models: the entry takes an executor (ABI 2), and this many
  /// of its loops run on it (strata-outline-parallel-loops).
  bool takesExecutor = false;
  int64_t parallelLoops = 0;
  /// --quantize=int8: each op made an integer kernel, from ONNX node
  /// `node`, with its input's and output's int8 parameters (real = scale *
  /// (q - zero point)).
  struct QuantizedOp {
    std::string node;
    std::string op;
    double inputScale = 1.0;
    int32_t inputZeroPoint = 0;
    double outputScale = 1.0;
    int32_t outputZeroPoint = 0;
    /// The int8 output against the float tensor it replaces, on the
    /// calibration samples.
    double sqnrDb = 0.0;
  };
  std::vector<QuantizedOp> quantizedOps;
  /// --prune: each pruned convolution's channels before and after, and the
  /// graph's multiply-adds and weight bytes before and after.
  struct Pruning {
    struct Layer {
      std::string node;
      int64_t channels = 0;
      int64_t kept = 0;
    };
    std::string structure;
    std::string criterion = "magnitude";
    double fraction = 0.0;
    /// With --calibration: the pruned model's outputs against the
    /// unpruned model's on its samples, sqrt(sum (p - u)^2 / sum u^2).
    std::optional<double> outputError;
    int64_t errorSamples = 0;
    std::vector<Layer> layers;
    int64_t macsBefore = 0, macsAfter = 0;
    int64_t weightBytesBefore = 0, weightBytesAfter = 0;
  };
  std::optional<Pruning> pruning;
};

/// The dtype code of an MLIR element type, 0 when it has none.
int32_t dtypeOf(mlir::Type elementType);
const char *dtypeName(int32_t dtype);

/// Inputs and outputs of the imported (graph-level) entry function.
mlir::FailureOr<ModelSignature> readSignature(mlir::func::FuncOp entry,
                                              llvm::StringRef name);

/// `stem` made into a C identifier (invalid characters become '_').
std::string sanitizeIdentifier(llvm::StringRef stem);

} // namespace strata

#endif // STRATA_COMPILER_MODELSIGNATURE_H
