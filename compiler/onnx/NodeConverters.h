//===- NodeConverters.h - One converter per ONNX op type --------*- C++ -*-===//
//
// The table from ONNX op type to the function that builds its graph ops. The
// table is also the importer's list of supported operators, so "unsupported"
// errors and the converters can never disagree.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_ONNX_NODECONVERTERS_H
#define STRATA_COMPILER_ONNX_NODECONVERTERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <optional>
#include <string>

namespace onnx {
class NodeProto;
class AttributeProto;
} // namespace onnx

namespace strata::onnx_import {

/// What a converter sees of one node: its inputs as values (null for an
/// omitted optional input), the inferred type of each output, and the opset.
class NodeContext {
public:
  NodeContext(const onnx::NodeProto &node, mlir::OpBuilder &builder,
              mlir::Location loc, llvm::SmallVector<mlir::Value> inputs,
              llvm::SmallVector<mlir::Type> resultTypes, int64_t opset,
              llvm::StringRef modelDirectory)
      : node(node), builder(builder), loc(loc), inputs(std::move(inputs)),
        resultTypes(std::move(resultTypes)), opset(opset),
        modelDirectory(modelDirectory) {}

  const onnx::NodeProto &node;
  mlir::OpBuilder &builder;
  mlir::Location loc;
  llvm::SmallVector<mlir::Value> inputs;
  llvm::SmallVector<mlir::Type> resultTypes; // null where the output is unused
  int64_t opset;
  /// Where external tensor data files are found.
  llvm::StringRef modelDirectory;

  mlir::Value input(size_t i) const {
    return i < inputs.size() ? inputs[i] : mlir::Value();
  }
  mlir::RankedTensorType resultType(size_t i = 0) const;
  mlir::RankedTensorType inputType(size_t i) const;

  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t fallback) const;
  float floatAttr(llvm::StringRef name, float fallback) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef fallback) const;
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name) const;

  /// The constant integer values of input `i`, when it folded to a constant.
  std::optional<llvm::SmallVector<int64_t>> constantInts(size_t i) const;
  /// The constant scalar value of input `i` as a double.
  std::optional<double> constantScalar(size_t i) const;

  /// The constant a tensor-valued attribute holds.
  mlir::FailureOr<mlir::DenseElementsAttr>
  tensorAttr(const onnx::AttributeProto &attr) const;

  /// Builds a graph op with the type ONNX inferred for output `i`, or, where
  /// ONNX left it unknown, with the type the op infers itself. Inference
  /// runs on the operation state first, so operands it rejects give an error
  /// at the node (an inferring builder would abort). Folds like createOrFold.
  template <typename Op, typename... Args>
  mlir::FailureOr<mlir::Value> buildTyped(size_t i, Args &&...args) {
    return buildWithType<Op>(resultType(i), std::forward<Args>(args)...);
  }

  /// buildTyped for an intermediate value: the op always infers its type.
  template <typename Op, typename... Args>
  mlir::FailureOr<mlir::Value> buildInferred(Args &&...args) {
    return buildWithType<Op>(mlir::RankedTensorType(),
                             std::forward<Args>(args)...);
  }

  /// Reports an error at the node; converters return failure after it.
  mlir::InFlightDiagnostic error() const;

private:
  template <typename Op, typename... Args>
  mlir::FailureOr<mlir::Value> buildWithType(mlir::RankedTensorType declared,
                                             Args &&...args) {
    mlir::OperationState state(loc, Op::getOperationName());
    // Any type will do as the placeholder: inference replaces it.
    Op::build(builder, state, declared ? mlir::Type(declared) : builder.getNoneType(),
              std::forward<Args>(args)...);
    if (!declared) {
      llvm::SmallVector<mlir::Type> types;
      if (mlir::failed(Op::inferReturnTypes(
              builder.getContext(), loc, state.operands,
              state.attributes.getDictionary(builder.getContext()),
              state.getRawProperties(), state.regions, types)))
        return mlir::failure();
      state.types.assign(types.begin(), types.end());
    }
    mlir::Operation *op = builder.create(state);
    llvm::SmallVector<mlir::Value, 1> folded;
    if (mlir::succeeded(builder.tryFold(op, folded)) && !folded.empty()) {
      op->erase();
      return folded.front();
    }
    return op->getResult(0);
  }
};

using NodeConverter = std::function<mlir::LogicalResult(
    NodeContext &, llvm::SmallVectorImpl<mlir::Value> &results)>;

/// Op types whose converters compute their result type (from folded shape
/// operands, or by the graph op's own inference) when ONNX's shape inference
/// leaves it unknown.
bool computesOwnResultType(llvm::StringRef opType);

/// Every supported ONNX op type (default domain) and its converter.
const llvm::StringMap<NodeConverter> &nodeConverters();

} // namespace strata::onnx_import

#endif // STRATA_COMPILER_ONNX_NODECONVERTERS_H
