//===- PropagateLayout.cpp - Keep activations in the convolutions' layout -===//
//
// Implements strata-propagate-layout. The graph-to-linalg conversion gives
// every convolution an NHWC body between two transposes (ONNX is NCHW), so a
// chain of convolutions would transpose every activation twice. This pass
// moves the transpose after a convolution down through the ops that do not
// care about layout (elementwise generics, constant padding, pooling) until
// it meets the next convolution's inverse transpose, where the pair cancels.
// What it cannot move past stays as one transpose: results are unchanged.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_PROPAGATELAYOUT
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

/// linalg.transpose's permutation from NHWC to NCHW: result dim i is input
/// dim kNhwcToNchw[i].
constexpr int64_t kNhwcToNchw[] = {0, 3, 1, 2};

/// A statically shaped NHWC tensor transposed to NCHW: the only transpose
/// moved. Others (a transformer's heads) have no inverse to meet, and moving
/// them would only turn contiguous reads into strided ones.
linalg::TransposeOp nhwcToNchw(Value value) {
  auto transpose = value.getDefiningOp<linalg::TransposeOp>();
  if (!transpose || !transpose.getInput().getType().hasStaticShape() ||
      transpose.getPermutation() != ArrayRef(kNhwcToNchw))
    return nullptr;
  return transpose;
}

/// `map` with result d of the new map taken from result permutation[d] of
/// the old: reading a transpose's result through `map` is reading its input
/// through the returned map (linalg.transpose: result dim i is input dim
/// permutation[i]).
AffineMap readThroughTranspose(AffineMap map, ArrayRef<int64_t> permutation) {
  SmallVector<AffineExpr> results(permutation.size());
  for (auto [resultDim, inputDim] : llvm::enumerate(permutation))
    results[inputDim] = map.getResult(resultDim);
  return AffineMap::get(map.getNumDims(), 0, results, map.getContext());
}

/// The input's shape of a transpose whose result has `shape`.
SmallVector<int64_t> inputShapeOf(ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> input(shape.size());
  for (auto [resultDim, inputDim] : llvm::enumerate(permutation))
    input[inputDim] = shape[resultDim];
  return input;
}

/// transpose(transpose(x, p1), p2) is x permuted by p1[p2[i]]: nothing when
/// that is the identity.
struct ComposeTransposes : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<linalg::TransposeOp>();
    if (!producer)
      return failure();
    ArrayRef<int64_t> inner = producer.getPermutation();
    ArrayRef<int64_t> outer = op.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t dim : outer)
      composed.push_back(inner[dim]);
    if (isIdentityPermutation(composed)) {
      rewriter.replaceOp(op, producer.getInput());
      return success();
    }
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(
        op, producer.getInput(), op.getInit(), composed);
    return success();
  }
};

/// An all-parallel generic whose outputs are written in iteration order and
/// whose first transposed input is read in iteration order runs in that
/// input's layout instead: it reads the input directly, every other
/// operand through a permuted map, and its results are transposed after.
struct SinkTransposeThroughElementwise : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumLoops() != op.getNumParallelLoops() || op.hasIndexSemantics() ||
        !op.hasPureTensorSemantics())
      return failure();
    for (OpOperand &init : op.getDpsInitsMutable())
      if (!op.getMatchingIndexingMap(&init).isIdentity() ||
          op.payloadUsesValueFromOperand(&init) ||
          !cast<ShapedType>(init.get().getType()).hasStaticShape())
        return failure();
    linalg::TransposeOp moved;
    for (OpOperand *input : op.getDpsInputOperands())
      if (auto transpose = nhwcToNchw(input->get());
          transpose && op.getMatchingIndexingMap(input).isIdentity()) {
        moved = transpose;
        break;
      }
    if (!moved)
      return failure();

    // New iteration space e = the moved input's indices; the old one is
    // i[k] = e[permutation[k]].
    ArrayRef<int64_t> permutation = moved.getPermutation();
    SmallVector<AffineExpr> oldIndices;
    for (int64_t dim : permutation)
      oldIndices.push_back(rewriter.getAffineDimExpr(dim));
    AffineMap toOldSpace =
        AffineMap::get(op.getNumLoops(), 0, oldIndices, op.getContext());

    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input).compose(toOldSpace);
      Value value = input->get();
      // Any transposed input is read where it came from.
      if (auto transpose = nhwcToNchw(value)) {
        map = readThroughTranspose(map, transpose.getPermutation());
        value = transpose.getInput();
      }
      inputs.push_back(value);
      maps.push_back(map);
    }
    SmallVector<Value> inits;
    SmallVector<Type> resultTypes;
    Location loc = op.getLoc();
    for (Value init : op.getDpsInits()) {
      auto type = cast<RankedTensorType>(init.getType());
      auto permuted = RankedTensorType::get(
          inputShapeOf(type.getShape(), permutation), type.getElementType());
      inits.push_back(tensor::EmptyOp::create(rewriter, loc, permuted.getShape(),
                                              permuted.getElementType()));
      resultTypes.push_back(permuted);
      maps.push_back(rewriter.getMultiDimIdentityMap(op.getNumLoops()));
    }
    auto generic = linalg::GenericOp::create(rewriter, loc, resultTypes, inputs,
                                             inits, maps,
                                             op.getIteratorTypesArray());
    rewriter.inlineRegionBefore(op.getRegion(), generic.getRegion(),
                                generic.getRegion().begin());
    SmallVector<Value> results;
    for (auto [result, init] : llvm::zip(generic.getResults(), op.getDpsInits()))
      results.push_back(
          linalg::TransposeOp::create(rewriter, loc, result, init, permutation)
              ->getResult(0));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Constant padding of a transposed tensor pads the input instead (the
/// amounts permuted) and transposes the padded result.
struct SinkTransposeThroughPad : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp op,
                                PatternRewriter &rewriter) const override {
    auto transpose = nhwcToNchw(op.getSource());
    Value padding = op.getConstantPaddingValue();
    if (!transpose || !padding || op.getNofold() ||
        !op.getResultType().hasStaticShape())
      return failure();
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    SmallVector<OpFoldResult> oldLow = op.getMixedLowPad();
    SmallVector<OpFoldResult> oldHigh = op.getMixedHighPad();
    SmallVector<OpFoldResult> low(permutation.size()), high(permutation.size());
    for (auto [resultDim, inputDim] : llvm::enumerate(permutation)) {
      low[inputDim] = oldLow[resultDim];
      high[inputDim] = oldHigh[resultDim];
    }
    RankedTensorType type = op.getResultType();
    auto paddedType = RankedTensorType::get(
        inputShapeOf(type.getShape(), permutation), type.getElementType());
    Location loc = op.getLoc();
    auto padded = tensor::PadOp::create(rewriter, loc, paddedType,
                                        transpose.getInput(), low, high, padding);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType());
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(op, padded, init,
                                                     permutation);
    return success();
  }
};

/// NCHW pooling of an NHWC tensor transposed to NCHW pools the NHWC tensor
/// and transposes the result. The init must be a fill, refilled in NHWC.
template <typename NchwPool, typename NhwcPool>
struct SinkTransposeThroughPooling : OpRewritePattern<NchwPool> {
  using OpRewritePattern<NchwPool>::OpRewritePattern;

  LogicalResult matchAndRewrite(NchwPool op,
                                PatternRewriter &rewriter) const override {
    auto transpose = nhwcToNchw(op.getInputs()[0]);
    auto fill = op.getOutputs()[0].template getDefiningOp<linalg::FillOp>();
    if (!transpose || !fill || !op.hasPureTensorSemantics())
      return failure();
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<int64_t> nhwcShape = inputShapeOf(type.getShape(), kNhwcToNchw);
    Location loc = op.getLoc();
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, nhwcShape, type.getElementType());
    Value init = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
                     ->getResult(0);
    auto pooled = NhwcPool::create(
        rewriter, loc, TypeRange{init.getType()},
        ValueRange{transpose.getInput(), op.getInputs()[1]}, ValueRange{init},
        op.getStrides(), op.getDilations());
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(
        op, pooled->getResult(0), op.getOutputs()[0], kNhwcToNchw);
    return success();
  }
};

/// Any other generic (a reduction, a body reading its output) reads a
/// transposed input where it came from, through a permuted map: the
/// transpose is never materialized for it.
struct FoldTransposeIntoGeneric : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<Value> inputs = op.getDpsInputs();
    bool changed = false;
    for (auto [index, input] : llvm::enumerate(inputs))
      if (auto transpose = nhwcToNchw(input)) {
        maps[index] = readThroughTranspose(maps[index], transpose.getPermutation());
        input = transpose.getInput();
        changed = true;
      }
    if (!changed)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getInputsMutable().assign(inputs);
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

struct PropagateLayoutPass
    : strata::impl::PropagateLayoutBase<PropagateLayoutPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    // Moving a transpose down beats folding it into one consumer: it may
    // still meet its inverse.
    patterns.add<ComposeTransposes, SinkTransposeThroughPad,
                 SinkTransposeThroughPooling<linalg::PoolingNchwMaxOp,
                                             linalg::PoolingNhwcMaxOp>,
                 SinkTransposeThroughPooling<linalg::PoolingNchwSumOp,
                                             linalg::PoolingNhwcSumOp>>(context);
    patterns.add<SinkTransposeThroughElementwise>(context, /*benefit=*/2);
    patterns.add<FoldTransposeIntoGeneric>(context, /*benefit=*/1);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
