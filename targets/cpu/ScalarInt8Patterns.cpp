//===- ScalarInt8Patterns.cpp - int8 cleanups without vectors ----*- C++ -*-===//
//
// Implements ScalarInt8Patterns.h. On KWS for the Cortex-M4 they took the
// int8 arena from 104,000 to 28,160 B: the accumulators became tiles, the
// global average pool stopped reading a transposed float copy, and then
// any float copy.
//
//===----------------------------------------------------------------------===//
#include "targets/cpu/ScalarInt8Patterns.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"

using namespace mlir;

namespace {

/// A static slice of a fresh buffer (bufferization.alloc_tensor, what
/// strata-unshare-inits gives each accumulator) is a fresh buffer of the
/// slice's size: the contents of both are undefined. A fused init tile's
/// destination then is one accumulator tile, not a slice of the whole
/// accumulator.
struct SliceOfFreshBuffer : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto fresh = slice.getSource().getDefiningOp<bufferization::AllocTensorOp>();
    if (!fresh || fresh.getCopy() || !fresh.getDynamicSizes().empty() ||
        !slice.getType().hasStaticShape())
      return failure();
    rewriter.replaceOpWithNewOp<bufferization::AllocTensorOp>(slice, slice.getType(),
                                                              ValueRange{});
    return success();
  }
};

/// A generic reading a linalg.transpose (its only use), maybe through a
/// tensor.collapse_shape, reads the transpose's input instead, its indexing
/// map permuted: the transposed copy goes away. A classifier's global
/// average pool, reducing the NCHW view of an NHWC convolution's output,
/// then reduces that output as it is (KWS's transposed 32 KB on the
/// Cortex-M4). The collapsed dimensions must be contiguous in the input too.
struct FoldTransposeIntoGeneric : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    for (OpOperand *operand : generic.getDpsInputOperands()) {
      Value value = operand->get();
      auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>();
      Value transposed = collapse ? collapse.getSrc() : value;
      auto transpose = transposed.getDefiningOp<linalg::TransposeOp>();
      if (!transpose || !transposed.hasOneUse() || (collapse && !value.hasOneUse()) ||
          !transpose.hasPureTensorSemantics())
        continue;
      ArrayRef<int64_t> permutation = transpose.getPermutation();
      // Groups of the transposed dimensions (singletons without a collapse)
      // and the input dimensions each reads, which must be consecutive.
      SmallVector<ReassociationIndices> groups;
      if (collapse)
        groups = collapse.getReassociationIndices();
      else
        for (int64_t d = 0; d < int64_t(permutation.size()); ++d)
          groups.push_back({d});
      SmallVector<std::pair<int64_t, int64_t>> firstInputDim; // (input dim, group)
      bool contiguous = true;
      for (auto [index, group] : llvm::enumerate(groups)) {
        for (size_t k = 1; k < group.size(); ++k)
          contiguous &= permutation[group[k]] == permutation[group[k - 1]] + 1;
        firstInputDim.push_back({permutation[group.front()], int64_t(index)});
      }
      if (!contiguous)
        continue;
      llvm::sort(firstInputDim);
      // The input collapsed the same way, and the map reading it.
      SmallVector<ReassociationIndices> inputGroups;
      SmallVector<AffineExpr> results;
      AffineMap map = generic.getMatchingIndexingMap(operand);
      for (auto [first, group] : firstInputDim) {
        ReassociationIndices inputGroup;
        for (size_t k = 0; k < groups[group].size(); ++k)
          inputGroup.push_back(first + k);
        inputGroups.push_back(inputGroup);
        results.push_back(map.getResult(group));
      }
      Value input = transpose.getInput();
      if (collapse)
        input = tensor::CollapseShapeOp::create(rewriter, generic.getLoc(), input,
                                                inputGroups);
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      maps[operand->getOperandNumber()] =
          AffineMap::get(map.getNumDims(), map.getNumSymbols(), results,
                         rewriter.getContext());
      rewriter.modifyOpInPlace(generic, [&] {
        operand->set(input);
        generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
      return success();
    }
    return failure();
  }
};

/// A generic reading a tensor.collapse_shape (its only use) of a
/// dequantization (a generic making floats of int8), whose collapsed groups
/// each it reads with one loop (d_k, not an expression), iterates over the
/// uncollapsed tensor instead: that loop becomes one per dimension of its
/// group, of the same iterator type. A pool reducing a collapsed
/// [N, H*W, C] then reduces [N, H, W, C] as it is, and the dequantization
/// can fuse into the pool, which then reads int8. (On a float pool the
/// 4-D reduction only cost instructions: KWS on the Cortex-M4, +0.4%.)
struct ExpandCollapsedLoops : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (generic.getNumDpsInputs() != 1 || generic.hasIndexSemantics() ||
        !generic.hasPureTensorSemantics())
      return failure();
    OpOperand *operand = generic.getDpsInputOperand(0);
    auto collapse = operand->get().getDefiningOp<tensor::CollapseShapeOp>();
    if (!collapse || !operand->get().hasOneUse() || !collapse.getSrcType().hasStaticShape())
      return failure();
    auto producer = collapse.getSrc().getDefiningOp<linalg::GenericOp>();
    if (!producer || producer.getNumDpsInputs() != 1 ||
        !getElementTypeOrSelf(producer.getDpsInputs()[0].getType()).isInteger(8) ||
        !isa<FloatType>(getElementTypeOrSelf(collapse.getSrcType())))
      return failure();
    AffineMap map = generic.getMatchingIndexingMap(operand);
    SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
    // Loop k of the generic becomes loops newLoops[k] (in order).
    int64_t numLoops = generic.getNumLoops();
    SmallVector<SmallVector<int64_t>> newLoops(numLoops);
    SmallVector<int64_t> split(numLoops, 1);
    for (auto [result, group] : llvm::zip(map.getResults(), groups)) {
      auto dim = dyn_cast<AffineDimExpr>(result);
      if (!dim || (group.size() > 1 && split[dim.getPosition()] != 1))
        return failure();
      split[dim.getPosition()] = group.size();
    }
    // Each split loop may appear in no other operand's map.
    for (OpOperand &other : generic->getOpOperands())
      if (&other != operand)
        for (int64_t k = 0; k < numLoops; ++k)
          if (split[k] > 1 && generic.getMatchingIndexingMap(&other).isFunctionOfDim(k))
            return failure();
    if (llvm::all_of(split, [](int64_t s) { return s == 1; }))
      return failure();
    int64_t next = 0;
    SmallVector<utils::IteratorType> iterators;
    for (auto [k, iterator] : llvm::enumerate(generic.getIteratorTypesArray()))
      for (int64_t s = 0; s < split[k]; ++s) {
        newLoops[k].push_back(next++);
        iterators.push_back(iterator);
      }
    MLIRContext *context = rewriter.getContext();
    auto remap = [&](AffineMap old) {
      SmallVector<AffineExpr> dims;
      for (int64_t k = 0; k < numLoops; ++k)
        dims.push_back(getAffineDimExpr(newLoops[k].front(), context));
      return old.replaceDimsAndSymbols(dims, {}, next, 0);
    };
    SmallVector<AffineMap> maps;
    for (OpOperand &other : generic->getOpOperands()) {
      if (&other != operand) {
        maps.push_back(remap(generic.getMatchingIndexingMap(&other)));
        continue;
      }
      SmallVector<AffineExpr> results;
      for (AffineExpr result : map.getResults())
        for (int64_t loop : newLoops[cast<AffineDimExpr>(result).getPosition()])
          results.push_back(getAffineDimExpr(loop, context));
      maps.push_back(AffineMap::get(next, 0, results, context));
    }
    auto expanded = linalg::GenericOp::create(
        rewriter, generic.getLoc(), generic.getResultTypes(), ValueRange{collapse.getSrc()},
        generic.getDpsInits(), maps, iterators);
    rewriter.inlineRegionBefore(generic.getRegion(), expanded.getRegion(),
                                expanded.getRegion().begin());
    rewriter.replaceOp(generic, expanded->getResults());
    return success();
  }
};

/// A dequantization (a generic making floats of int8, its only user) fuses
/// into the reduction generic reading it, which then reads int8: the float
/// tensor is never stored.
struct FuseDequantizationIntoReduction : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    if (consumer.getNumReductionLoops() == 0)
      return failure();
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
      if (!producer || !producer->hasOneUse() || producer.getNumDpsInputs() != 1 ||
          !getElementTypeOrSelf(producer.getDpsInputs()[0].getType()).isInteger(8) ||
          !isa<FloatType>(getElementTypeOrSelf(operand->get().getType())) ||
          !linalg::areElementwiseOpsFusable(operand))
        continue;
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, operand);
      if (failed(fused))
        continue;
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
          return use.getOwner() != producer;
        });
      rewriter.eraseOp(consumer);
      return success();
    }
    return failure();
  }
};

} // namespace

void strata::cpu::populateAccumulatorTilePatterns(RewritePatternSet &patterns) {
  tensor::populateFoldTensorEmptyPatterns(patterns);
  patterns.add<SliceOfFreshBuffer>(patterns.getContext());
}

void strata::cpu::populateScalarInt8Patterns(RewritePatternSet &patterns) {
  populateAccumulatorTilePatterns(patterns);
  patterns.add<FoldTransposeIntoGeneric, ExpandCollapsedLoops,
               FuseDequantizationIntoReduction>(patterns.getContext());
}
