//===- LoweringUtils.h - Shared builders for graph-to-linalg ----*- C++ -*-===//
//
// The few building blocks every graph-to-linalg pattern uses: broadcasting
// elementwise generics, reductions, reshapes to a static type, scalar
// arithmetic that dispatches on the element type, and padding.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES_GRAPHTOLINALG_LOWERINGUTILS_H
#define STRATA_PASSES_GRAPHTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace strata::lowering {

/// arith works on signless integers, so lowering maps ONNX's unsigned
/// tensors (and scalars) uiN to iN and leaves every other type alone. The
/// graph ops keep their unsigned types: patterns that depend on signedness
/// (division, comparison, extension, conversion to float) read it there.
class SignlessTypeConverter : public mlir::TypeConverter {
public:
  SignlessTypeConverter();
};

/// `type` with unsigned integer elements (or an unsigned scalar) made
/// signless.
mlir::Type signlessType(mlir::Type type);
/// An integer or elements attribute retyped signless (same bits).
mlir::TypedAttr signlessAttr(mlir::TypedAttr attr);
/// Whether `value` (a graph-level value) holds unsigned integers.
bool isUnsignedElement(mlir::Value value);

/// The base of every graph-to-linalg pattern: operands arrive through the
/// adaptor already signless, and result types convert the same way.
template <typename OpT>
struct GraphLoweringPattern : mlir::OpConversionPattern<OpT> {
  using mlir::OpConversionPattern<OpT>::OpConversionPattern;
  using OpAdaptor = typename mlir::OpConversionPattern<OpT>::OpAdaptor;

  /// The signless type of a graph-level value (usually a result).
  mlir::RankedTensorType convertedType(mlir::Value value) const {
    return mlir::cast<mlir::RankedTensorType>(signlessType(value.getType()));
  }
};

using BodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The map reading an operand of `operandShape` broadcast numpy-style into a
/// loop nest over `resultShape` (unit axes read index 0).
mlir::AffineMap broadcastMap(mlir::MLIRContext *context,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// An all-parallel linalg.generic producing `resultType` from `inputs` read
/// through `maps` (one per input); the body maps the input scalars to the
/// result scalar.
mlir::Value buildParallelGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::RankedTensorType resultType,
                                 mlir::ValueRange inputs,
                                 llvm::ArrayRef<mlir::AffineMap> maps,
                                 BodyBuilder body);

/// buildParallelGeneric with numpy broadcasting maps for every input.
mlir::Value buildBroadcastingGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::RankedTensorType resultType,
                                     mlir::ValueRange inputs, BodyBuilder body);

/// Reduces `input` along `axis` into a tensor with that axis removed, starting
/// from `initial` and combining with `combine(accumulator, element)`.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, int64_t axis,
                           mlir::TypedAttr initial, BodyBuilder combine);

/// A linalg.generic sliding a window over the spatial axes (2 and up) of an
/// already padded N, C, spatial... `input` into `init` [N, C', out...].
/// Without `weight` (pooling) the loops are (n, c, out..., k...) and the
/// body combines (element, accumulator). With `weight` [C', C/groups, k...]
/// (convolution) they are (n, m, out..., c, k...), input channel
/// (m / (C'/groups)) * (C/groups) + c, and the body gets (element, weight,
/// accumulator). Any number of spatial axes: the N-D fallback where linalg
/// has no named op.
mlir::Value buildSlidingWindow(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value input, mlir::Value weight,
                               mlir::Value init, llvm::ArrayRef<int64_t> kernel,
                               llvm::ArrayRef<int64_t> strides,
                               llvm::ArrayRef<int64_t> dilations, int64_t groups,
                               BodyBuilder body);

/// `value` reshaped to the static `type` (same element count) with
/// collapse_shape/expand_shape.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      mlir::RankedTensorType type);

/// `value` padded by `low`/`high` elements per axis with the scalar `padding`.
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                      mlir::TypedAttr padding);

/// A tensor of `type` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::TypedAttr value);

/// A scalar constant of `type` (float or integer) holding `value`.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);
mlir::TypedAttr scalarAttr(mlir::Type type, double value);

/// The lowest representable value of a float or integer type (max-pool's
/// padding and reduction start); 0 for an unsigned integer.
mlir::TypedAttr lowestValue(mlir::Type type, bool isUnsigned = false);

/// The highest representable value (ReduceMin's start, ArgMin's sentinel).
mlir::TypedAttr highestValue(mlir::Type type, bool isUnsigned = false);

/// Scalar arithmetic on float or integer operands; integers are signed
/// unless `isUnsigned` (the graph-level type said uiN).
mlir::Value add(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value sub(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value mul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value div(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y,
                bool isUnsigned = false);
mlir::Value max(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y,
                bool isUnsigned = false);
mlir::Value min(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y,
                bool isUnsigned = false);

/// Converts a scalar between element types with ONNX Cast's rules. `from`
/// and `to` are the graph-level element types (they carry signedness the
/// signless scalar does not); the result is signless.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type from, mlir::Type to);
/// convertScalar between signed (or float) types.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type to);

} // namespace strata::lowering

#endif // STRATA_PASSES_GRAPHTOLINALG_LOWERINGUTILS_H
