//===- DataMovementToLinalg.cpp - Shape and copy ops to tensor ---*- C++ -*-===//
//
// Constants, reshapes, transposes, concatenation, slicing and gathering lower
// to the tensor dialect and linalg.transpose: views where the layout allows
// (bufferization then makes them free), copies where it does not.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "passes/GraphToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace strata;
using namespace strata::lowering;

namespace {

struct ConstantOpLowering : GraphLoweringPattern<graph::ConstantOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, signlessAttr(op.getValue()));
    return success();
  }
};

/// Ops whose result is the operand with the same elements in a new shape.
template <typename GraphOp>
struct ReshapeLikeLowering : GraphLoweringPattern<GraphOp> {
  using GraphLoweringPattern<GraphOp>::GraphLoweringPattern;
  using typename GraphLoweringPattern<GraphOp>::OpAdaptor;
  LogicalResult
  matchAndRewrite(GraphOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), adaptor.getInput(),
                                     this->convertedType(op.getResult())));
    return success();
  }
};

struct IdentityOpLowering : GraphLoweringPattern<graph::IdentityOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct ExpandOpLowering : GraphLoweringPattern<graph::ExpandOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildBroadcastingGeneric(
                               rewriter, op.getLoc(), this->convertedType(op.getResult()),
                               adaptor.getInput(),
                               [](OpBuilder &, Location, ValueRange args) {
                                 return args[0];
                               }));
    return success();
  }
};

/// Shape and ConstantOfShape have static results: they become constants.
struct ShapeOpLowering : GraphLoweringPattern<graph::ShapeOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto folded = dyn_cast_if_present<Attribute>(
        op.fold(graph::ShapeOp::FoldAdaptor(ArrayRef<Attribute>{Attribute()}, op)));
    if (!folded)
      return rewriter.notifyMatchFailure(op, "input shape is not static");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, cast<TypedAttr>(folded));
    return success();
  }
};

struct ConstantOfShapeOpLowering : GraphLoweringPattern<graph::ConstantOfShapeOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, filledTensor(rewriter, op.getLoc(),
                                        this->convertedType(op.getResult()),
                                        cast<TypedAttr>(op.getValue())));
    return success();
  }
};

struct TransposeOpLowering : GraphLoweringPattern<graph::TransposeOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = this->convertedType(op.getResult());
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(),
                                         type.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPerm())
                               .getResult());
    return success();
  }
};

/// Concat: each input inserted at its offset along the axis of one tensor.
struct ConcatOpLowering : GraphLoweringPattern<graph::ConcatOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = this->convertedType(op.getResult());
    int64_t axis = *graph::normalizeAxis(op.getAxis(), type.getRank());
    Value result = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
    int64_t offset = 0;
    for (Value input : adaptor.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<int64_t> offsets(type.getRank(), 0);
      offsets[axis] = offset;
      SmallVector<int64_t> strides(type.getRank(), 1);
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result,
          getAsIndexOpFoldResult(rewriter.getContext(), offsets),
          getAsIndexOpFoldResult(rewriter.getContext(), inputType.getShape()),
          getAsIndexOpFoldResult(rewriter.getContext(), strides));
      offset += inputType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Slice: a strided extract_slice for positive steps; negative steps read
/// through a generic that computes each source index.
struct SliceOpLowering : GraphLoweringPattern<graph::SliceOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    auto type = this->convertedType(op.getResult());
    int64_t rank = inType.getRank();
    SmallVector<int64_t> offsets(rank, 0), steps(rank, 1);
    for (size_t i = 0; i < op.getAxes().size(); ++i) {
      int64_t axis = *graph::normalizeAxis(op.getAxes()[i], rank);
      graph::SliceRange range =
          graph::resolveSliceRange(op.getStarts()[i], op.getEnds()[i],
                                   op.getSteps()[i], inType.getDimSize(axis));
      offsets[axis] = range.start;
      steps[axis] = range.step;
    }
    MLIRContext *context = rewriter.getContext();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, adaptor.getInput(), getAsIndexOpFoldResult(context, offsets),
          getAsIndexOpFoldResult(context, type.getShape()),
          getAsIndexOpFoldResult(context, steps));
      return success();
    }
    Value input = adaptor.getInput();
    Value result = buildParallelGeneric(
        rewriter, loc, type, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            Value scaled = arith::MulIOp::create(
                b, l, i, arith::ConstantIndexOp::create(b, l, steps[d]));
            indices.push_back(arith::AddIOp::create(
                b, l, scaled, arith::ConstantIndexOp::create(b, l, offsets[d])));
          }
          return tensor::ExtractOp::create(b, l, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Pad: constant mode is tensor.pad with the scalar value; reflect and edge
/// read every output element from its mirrored or clamped source index.
struct PadOpLowering : GraphLoweringPattern<graph::PadOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = this->convertedType(op.getResult());
    auto inType = this->convertedType(op.getInput());
    int64_t rank = inType.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    MLIRContext *context = rewriter.getContext();
    SmallVector<int64_t> low(pads.take_front(rank)), high(pads.drop_front(rank));
    if (op.getMode() == "constant") {
      Value scalar = tensor::ExtractOp::create(rewriter, loc, adaptor.getValue(),
                                               ValueRange{});
      rewriter.replaceOpWithNewOp<tensor::PadOp>(
          op, type, adaptor.getInput(), getAsIndexOpFoldResult(context, low),
          getAsIndexOpFoldResult(context, high), scalar);
      return success();
    }
    bool reflect = op.getMode() == "reflect";
    Value input = adaptor.getInput();
    Value result = buildParallelGeneric(
        rewriter, loc, type, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            auto constant = [&](int64_t v) -> Value {
              return arith::ConstantIndexOp::create(b, l, v);
            };
            Value i = arith::SubIOp::create(b, l, linalg::IndexOp::create(b, l, d),
                                            constant(low[d]));
            Value last = constant(inType.getDimSize(d) - 1);
            Value zero = constant(0);
            if (reflect) {
              // -i below the start, 2 * last - i past the end.
              Value below = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                                  i, zero);
              i = arith::SelectOp::create(b, l, below,
                                          arith::SubIOp::create(b, l, zero, i), i);
              Value above = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt,
                                                  i, last);
              Value mirrored = arith::SubIOp::create(
                  b, l, arith::AddIOp::create(b, l, last, last), i);
              i = arith::SelectOp::create(b, l, above, mirrored, i);
            } else {
              i = arith::MaxSIOp::create(b, l, arith::MinSIOp::create(b, l, i, last),
                                         zero);
            }
            indices.push_back(i);
          }
          return tensor::ExtractOp::create(b, l, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// An ONNX index (any integer type) as an `index`, negative values counting
/// from the end of an axis of `extent` elements.
Value wrappedIndex(OpBuilder &b, Location loc, Value index, int64_t extent) {
  Value pick = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pick,
                                         arith::ConstantIndexOp::create(b, loc, 0));
  Value wrapped = arith::AddIOp::create(
      b, loc, pick, arith::ConstantIndexOp::create(b, loc, extent));
  return arith::SelectOp::create(b, loc, negative, wrapped, pick);
}

/// Whether `indices` is a constant whose every entry lies in
/// [-extent, extent), with `extentOf(k)` the extent the k-th entry
/// (row-major) picks along: such indices need no clamp.
bool constantIndicesInRange(Value indices,
                            function_ref<int64_t(int64_t)> extentOf) {
  DenseIntElementsAttr values;
  if (!matchPattern(indices, m_Constant(&values)))
    return false;
  int64_t k = 0;
  for (const APInt &value : values.getValues<APInt>()) {
    int64_t index = value.getSExtValue(), extent = extentOf(k++);
    if (index < -extent || index >= extent)
      return false;
  }
  return true;
}

/// wrappedIndex clamped to [0, extent - 1] unless `inRange`: gathers read
/// inside their input whatever indices arrive at run time (constant ones
/// out of range are an import error, and constant ones in range need no
/// clamp). Scatters compare with wrappedIndex instead, so an update whose
/// index is out of range lands nowhere.
Value clampedIndex(OpBuilder &b, Location loc, Value index, int64_t extent,
                   bool inRange) {
  Value wrapped = wrappedIndex(b, loc, index, extent);
  if (inRange)
    return wrapped;
  Value last = arith::ConstantIndexOp::create(b, loc, std::max<int64_t>(extent - 1, 0));
  Value below = arith::MinSIOp::create(b, loc, wrapped, last);
  return arith::MaxSIOp::create(b, loc, below,
                                arith::ConstantIndexOp::create(b, loc, 0));
}

/// Gather: a generic over the result reading the index tensor and then the
/// input at that index (negative indices count from the end; out-of-range
/// ones are clamped).
struct GatherOpLowering : GraphLoweringPattern<graph::GatherOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    auto indicesType = op.getIndices().getType();
    auto type = this->convertedType(op.getResult());
    int64_t axis = *graph::normalizeAxis(op.getAxis(), inType.getRank());
    int64_t indexRank = indicesType.getRank();
    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < indexRank; ++d)
      indexExprs.push_back(getAffineDimExpr(axis + d, context));
    AffineMap indexMap = AffineMap::get(type.getRank(), 0, indexExprs, context);
    Value input = adaptor.getInput();
    int64_t extent = inType.getDimSize(axis);
    bool inRange = constantIndicesInRange(op.getIndices(),
                                          [&](int64_t) { return extent; });
    Value result = buildParallelGeneric(
        rewriter, loc, type, adaptor.getIndices(), indexMap,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value pick = clampedIndex(b, l, args[0], extent, inRange);
          SmallVector<Value> indices;
          for (int64_t d = 0; d < axis; ++d)
            indices.push_back(linalg::IndexOp::create(b, l, d));
          indices.push_back(pick);
          for (int64_t d = axis + 1; d < inType.getRank(); ++d)
            indices.push_back(linalg::IndexOp::create(b, l, d - 1 + indexRank));
          return tensor::ExtractOp::create(b, l, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// GatherElements: a generic over the indices reading the input at each
/// index along `axis` (negative indices count from the end; out-of-range
/// ones are clamped).
struct GatherElementsOpLowering : GraphLoweringPattern<graph::GatherElementsOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = op.getInput().getType();
    int64_t rank = inType.getRank();
    int64_t axis = *graph::normalizeAxis(op.getAxis(), rank);
    int64_t extent = inType.getDimSize(axis);
    bool inRange = constantIndicesInRange(op.getIndices(),
                                          [&](int64_t) { return extent; });
    Value input = adaptor.getInput();
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), this->convertedType(op.getResult()), adaptor.getIndices(),
        rewriter.getMultiDimIdentityMap(rank),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value pick = clampedIndex(b, l, args[0], extent, inRange);
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d)
            indices.push_back(d == axis ? pick
                                        : Value(linalg::IndexOp::create(b, l, d)));
          return tensor::ExtractOp::create(b, l, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// GatherND: a generic over the result reading the k coordinates of each
/// tuple from `indices` (each clamped to its axis), then the input there.
struct GatherNDOpLowering : GraphLoweringPattern<graph::GatherNDOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = op.getInput().getType();
    auto indicesType = op.getIndices().getType();
    int64_t batch = op.getBatchDims();
    int64_t tupleRank = indicesType.getRank() - 1; // Axes of indices[:-1].
    int64_t k = indicesType.getShape().back();
    bool inRange = constantIndicesInRange(op.getIndices(), [&](int64_t entry) {
      return inType.getDimSize(batch + entry % k);
    });
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), this->convertedType(op.getResult()), {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> position;
          for (int64_t d = 0; d < tupleRank; ++d)
            position.push_back(linalg::IndexOp::create(b, l, d));
          SmallVector<Value> source(position.begin(), position.begin() + batch);
          for (int64_t c = 0; c < k; ++c) {
            SmallVector<Value> at(position);
            at.push_back(arith::ConstantIndexOp::create(b, l, c));
            Value coordinate = tensor::ExtractOp::create(b, l, indices, at);
            source.push_back(clampedIndex(b, l, coordinate,
                                          inType.getDimSize(batch + c), inRange));
          }
          for (int64_t d = batch + k; d < inType.getRank(); ++d)
            source.push_back(
                linalg::IndexOp::create(b, l, tupleRank + d - batch - k));
          return tensor::ExtractOp::create(b, l, input, source);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// `update` combined into `current` by a scatter's reduction.
Value scatterCombine(OpBuilder &b, Location l, StringRef reduction,
                     Value current, Value update) {
  if (reduction == "add")
    return add(b, l, current, update);
  if (reduction == "mul")
    return mul(b, l, current, update);
  return update;
}

/// The scatters run over (result axes..., update position): each result
/// element starts as the input's and takes every update whose target is
/// that element, in update order (the innermost, reduction loop), so the
/// last write wins and add/mul accumulate. O(result x updates), which
/// suits the small index sets models scatter with.
///
/// `target` says, for result position `position` and update index `u`,
/// whether update u lands there and the update's value.
Value buildScatter(
    OpBuilder &b, Location loc, Value input, RankedTensorType type,
    int64_t updateCount, StringRef reduction,
    function_ref<std::pair<Value, Value>(OpBuilder &, Location,
                                         ValueRange position, Value u)>
        target) {
  int64_t rank = type.getRank();
  Value positions =
      tensor::EmptyOp::create(b, loc, {updateCount}, b.getI1Type());
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank + 1, 0, b.getAffineDimExpr(rank), b.getContext()),
      AffineMap::getMultiDimIdentityMap(rank + 1, b.getContext()).getMajorSubMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, type, positions, input, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> position;
        for (int64_t d = 0; d < rank; ++d)
          position.push_back(linalg::IndexOp::create(nb, l, d));
        Value u = linalg::IndexOp::create(nb, l, rank);
        Value current = args[1];
        auto [hit, update] = target(nb, l, position, u);
        Value next = arith::SelectOp::create(
            nb, l, hit, scatterCombine(nb, l, reduction, current, update),
            current);
        linalg::YieldOp::create(nb, l, next);
      });
  return generic.getResult(0);
}

struct ScatterElementsOpLowering
    : GraphLoweringPattern<graph::ScatterElementsOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = this->convertedType(op.getResult());
    auto updatesType = this->convertedType(op.getUpdates());
    int64_t rank = type.getRank();
    int64_t axis = *graph::normalizeAxis(op.getAxis(), rank);
    int64_t count = updatesType.getNumElements();
    // Flat views: update u sits at the row-major position of updates.
    auto flat = [&](Value v) {
      auto t = cast<RankedTensorType>(v.getType());
      return reshapeTo(rewriter, loc, v,
                       RankedTensorType::get({count}, t.getElementType()));
    };
    Value indices = flat(adaptor.getIndices()), updates = flat(adaptor.getUpdates());
    StringRef reduction = op.getReduction();
    ArrayRef<int64_t> updateShape = updatesType.getShape();
    Value result = buildScatter(
        rewriter, loc, adaptor.getInput(), type, count, reduction,
        [&](OpBuilder &b, Location l, ValueRange position,
            Value u) -> std::pair<Value, Value> {
          // u's coordinates in updates, row-major.
          SmallVector<Value> coords(rank);
          Value rest = u;
          for (int64_t d = rank - 1; d >= 0; --d) {
            Value extent = arith::ConstantIndexOp::create(b, l, updateShape[d]);
            coords[d] = arith::RemUIOp::create(b, l, rest, extent);
            rest = arith::DivUIOp::create(b, l, rest, extent);
          }
          Value target = wrappedIndex(
              b, l, tensor::ExtractOp::create(b, l, indices, u), type.getDimSize(axis));
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            target, position[axis]);
          for (int64_t d = 0; d < rank; ++d)
            if (d != axis)
              hit = arith::AndIOp::create(
                  b, l, hit,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                        coords[d], position[d]));
          return {hit, tensor::ExtractOp::create(b, l, updates, u)};
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ScatterNDOpLowering : GraphLoweringPattern<graph::ScatterNDOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = this->convertedType(op.getResult());
    auto indicesType = this->convertedType(op.getIndices());
    int64_t k = indicesType.getShape().back();
    int64_t count = indicesType.getNumElements() / k;
    // indices as [count, k], updates as [count, slice...].
    Value indices = reshapeTo(
        rewriter, loc, adaptor.getIndices(),
        RankedTensorType::get({count, k}, indicesType.getElementType()));
    SmallVector<int64_t> sliceShape = {count};
    sliceShape.append(type.getShape().begin() + k, type.getShape().end());
    Value updates = reshapeTo(rewriter, loc, adaptor.getUpdates(),
                              type.clone(sliceShape));
    StringRef reduction = op.getReduction();
    Value result = buildScatter(
        rewriter, loc, adaptor.getInput(), type, count, reduction,
        [&](OpBuilder &b, Location l, ValueRange position,
            Value u) -> std::pair<Value, Value> {
          Value hit = arith::ConstantIntOp::create(b, l, 1, 1);
          for (int64_t c = 0; c < k; ++c) {
            Value coordinate = tensor::ExtractOp::create(
                b, l, indices, ValueRange{u, arith::ConstantIndexOp::create(b, l, c)});
            hit = arith::AndIOp::create(
                b, l, hit,
                arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::eq,
                    wrappedIndex(b, l, coordinate, type.getDimSize(c)), position[c]));
          }
          SmallVector<Value> at = {u};
          at.append(position.begin() + k, position.end());
          return {hit, tensor::ExtractOp::create(b, l, updates, at)};
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Trilu: keep element (i, j) of the last two axes when j - i >= k (upper)
/// or j - i <= k (lower), else zero.
struct TriluOpLowering : GraphLoweringPattern<graph::TriluOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = this->convertedType(op.getResult());
    int64_t rank = type.getRank();
    bool upper = op.getUpper();
    int64_t k = op.getK();
    Value result = buildBroadcastingGeneric(
        rewriter, op.getLoc(), type, adaptor.getInput(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value row = linalg::IndexOp::create(b, l, rank - 2);
          Value column = linalg::IndexOp::create(b, l, rank - 1);
          Value offset = arith::SubIOp::create(b, l, column, row);
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              offset, arith::ConstantIndexOp::create(b, l, k));
          Type element = args[0].getType();
          Value zero = element.isInteger(1)
                           ? Value(arith::ConstantIntOp::create(b, l, 0, 1))
                           : scalarConstant(b, l, element, 0);
          return arith::SelectOp::create(b, l, keep, args[0], zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void strata::populateDataMovementToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<ConstantOpLowering, IdentityOpLowering, ShapeOpLowering,
               ConstantOfShapeOpLowering, ExpandOpLowering,
               ReshapeLikeLowering<graph::ReshapeOp>,
               ReshapeLikeLowering<graph::FlattenOp>,
               ReshapeLikeLowering<graph::SqueezeOp>,
               ReshapeLikeLowering<graph::UnsqueezeOp>, TransposeOpLowering,
               ConcatOpLowering, SliceOpLowering, PadOpLowering, GatherOpLowering,
               GatherElementsOpLowering, TriluOpLowering, GatherNDOpLowering,
               ScatterElementsOpLowering, ScatterNDOpLowering>(
      converter, patterns.getContext());
}
