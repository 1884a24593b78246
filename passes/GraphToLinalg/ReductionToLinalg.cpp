//===- ReductionToLinalg.cpp - Reduce* and ArgMax/ArgMin to linalg -*- C++ -*-===//
//
// Every ONNX Reduce* op is one reduction generic over its axes (a per-element
// map, then a combine) followed by an elementwise finish (Mean divides,
// L2 takes the root, LogSum* the log) and a reshape for keepdims. ArgMax and
// ArgMin carry the best value and its index through one generic with two
// results.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "passes/GraphToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace strata;
using namespace strata::lowering;

namespace {

/// How one Reduce* op starts, maps, combines and finishes. Functions return
/// null for element types the op does not support.
struct ReduceKind {
  enum class Start { Zero, One, Lowest, Highest };
  enum class Map { Identity, Square, Abs, Exp };
  enum class Combine { Add, Mul, Max, Min };
  enum class Finish { None, Mean, Sqrt, Log };
  Start start;
  Map map;
  Combine combine;
  Finish finish;
  bool floatOnly;
};

ReduceKind kindOf(graph::ReduceSumOp) { return {ReduceKind::Start::Zero, ReduceKind::Map::Identity, ReduceKind::Combine::Add, ReduceKind::Finish::None, false}; }
ReduceKind kindOf(graph::ReduceMeanOp) { return {ReduceKind::Start::Zero, ReduceKind::Map::Identity, ReduceKind::Combine::Add, ReduceKind::Finish::Mean, false}; }
ReduceKind kindOf(graph::ReduceMaxOp) { return {ReduceKind::Start::Lowest, ReduceKind::Map::Identity, ReduceKind::Combine::Max, ReduceKind::Finish::None, false}; }
ReduceKind kindOf(graph::ReduceMinOp) { return {ReduceKind::Start::Highest, ReduceKind::Map::Identity, ReduceKind::Combine::Min, ReduceKind::Finish::None, false}; }
ReduceKind kindOf(graph::ReduceProdOp) { return {ReduceKind::Start::One, ReduceKind::Map::Identity, ReduceKind::Combine::Mul, ReduceKind::Finish::None, false}; }
ReduceKind kindOf(graph::ReduceSumSquareOp) { return {ReduceKind::Start::Zero, ReduceKind::Map::Square, ReduceKind::Combine::Add, ReduceKind::Finish::None, false}; }
ReduceKind kindOf(graph::ReduceL1Op) { return {ReduceKind::Start::Zero, ReduceKind::Map::Abs, ReduceKind::Combine::Add, ReduceKind::Finish::None, false}; }
ReduceKind kindOf(graph::ReduceL2Op) { return {ReduceKind::Start::Zero, ReduceKind::Map::Square, ReduceKind::Combine::Add, ReduceKind::Finish::Sqrt, true}; }
ReduceKind kindOf(graph::ReduceLogSumOp) { return {ReduceKind::Start::Zero, ReduceKind::Map::Identity, ReduceKind::Combine::Add, ReduceKind::Finish::Log, true}; }
ReduceKind kindOf(graph::ReduceLogSumExpOp) { return {ReduceKind::Start::Zero, ReduceKind::Map::Exp, ReduceKind::Combine::Add, ReduceKind::Finish::Log, true}; }

/// The reduction loop nest's map for the reduced (dropped) axes.
AffineMap droppedAxesMap(MLIRContext *context, int64_t rank,
                         const llvm::SmallDenseSet<int64_t> &reduced) {
  SmallVector<AffineExpr> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced.contains(d))
      kept.push_back(getAffineDimExpr(d, context));
  return AffineMap::get(rank, 0, kept, context);
}

template <typename OpT>
struct ReduceLowering : GraphLoweringPattern<OpT> {
  using GraphLoweringPattern<OpT>::GraphLoweringPattern;
  using typename GraphLoweringPattern<OpT>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpT op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ReduceKind kind = kindOf(op);
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    Type element = inputType.getElementType();
    bool isFloat = isa<FloatType>(element);
    if (!isFloat && (kind.floatOnly || !isa<IntegerType>(element)))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    bool isUnsigned = element.isUnsignedInteger();
    element = signlessType(element);
    int64_t rank = inputType.getRank();
    llvm::SmallDenseSet<int64_t> reduced;
    int64_t count = 1;
    for (int64_t axis : op.getAxes()) {
      int64_t normalized = *graph::normalizeAxis(axis, rank);
      reduced.insert(normalized);
      count *= inputType.getDimSize(normalized);
    }
    SmallVector<int64_t> reducedShape;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced.contains(d))
        reducedShape.push_back(inputType.getDimSize(d));
    auto reducedType = RankedTensorType::get(reducedShape, element);

    TypedAttr start;
    switch (kind.start) {
    case ReduceKind::Start::Zero: start = scalarAttr(element, 0); break;
    case ReduceKind::Start::One: start = scalarAttr(element, 1); break;
    case ReduceKind::Start::Lowest: start = lowestValue(element, isUnsigned); break;
    case ReduceKind::Start::Highest: start = highestValue(element, isUnsigned); break;
    }
    Value init = filledTensor(rewriter, loc, reducedType, start);
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d)
      iterators.push_back(reduced.contains(d) ? utils::IteratorType::reduction
                                              : utils::IteratorType::parallel);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        droppedAxesMap(rewriter.getContext(), rank, reduced)};
    auto reduction = linalg::GenericOp::create(
        rewriter, loc, reducedType, adaptor.getInput(), init, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], accumulator = args[1];
          switch (kind.map) {
          case ReduceKind::Map::Identity: break;
          case ReduceKind::Map::Square: x = mul(b, l, x, x); break;
          case ReduceKind::Map::Abs:
            if (isFloat)
              x = math::AbsFOp::create(b, l, x);
            else if (!isUnsigned)
              x = math::AbsIOp::create(b, l, x);
            break;
          case ReduceKind::Map::Exp: x = math::ExpOp::create(b, l, x); break;
          }
          Value combined;
          switch (kind.combine) {
          case ReduceKind::Combine::Add: combined = add(b, l, accumulator, x); break;
          case ReduceKind::Combine::Mul: combined = mul(b, l, accumulator, x); break;
          case ReduceKind::Combine::Max:
            combined = max(b, l, accumulator, x, isUnsigned);
            break;
          case ReduceKind::Combine::Min:
            combined = min(b, l, accumulator, x, isUnsigned);
            break;
          }
          linalg::YieldOp::create(b, l, combined);
        });
    Value result = reduction.getResult(0);
    if (kind.finish != ReduceKind::Finish::None)
      result = buildBroadcastingGeneric(
          rewriter, loc, reducedType, result,
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            switch (kind.finish) {
            case ReduceKind::Finish::Mean:
              return div(b, l, args[0], scalarConstant(b, l, element, count),
                         isUnsigned);
            case ReduceKind::Finish::Sqrt:
              return math::SqrtOp::create(b, l, args[0]);
            case ReduceKind::Finish::Log:
              return math::LogOp::create(b, l, args[0]);
            case ReduceKind::Finish::None:
              break;
            }
            return args[0];
          });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, result,
                                     this->convertedType(op.getResult())));
    return success();
  }
};

/// ArgMax / ArgMin: (best value, best index) carried through one reduction;
/// ties keep the first index unless select_last_index.
template <typename OpT, bool IsMax>
struct ArgExtremeLowering : GraphLoweringPattern<OpT> {
  using GraphLoweringPattern<OpT>::GraphLoweringPattern;
  using typename GraphLoweringPattern<OpT>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpT op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    Type element = inputType.getElementType();
    if (!isa<FloatType, IntegerType>(element))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    bool isUnsigned = element.isUnsignedInteger();
    element = signlessType(element);
    int64_t rank = inputType.getRank();
    int64_t axis = *graph::normalizeAxis(op.getAxis(), rank);
    SmallVector<int64_t> reducedShape(inputType.getShape());
    reducedShape.erase(reducedShape.begin() + axis);
    auto valueType = RankedTensorType::get(reducedShape, element);
    auto indexType = RankedTensorType::get(reducedShape, rewriter.getI64Type());
    Value values = filledTensor(rewriter, loc, valueType,
                                IsMax ? lowestValue(element, isUnsigned)
                                      : highestValue(element, isUnsigned));
    Value indices = filledTensor(rewriter, loc, indexType,
                                 rewriter.getI64IntegerAttr(0));
    llvm::SmallDenseSet<int64_t> reduced = {axis};
    AffineMap dropped = droppedAxesMap(rewriter.getContext(), rank, reduced);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    bool last = op.getSelectLastIndex();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, adaptor.getInput(),
        ValueRange{values, indices},
        {rewriter.getMultiDimIdentityMap(rank), dropped, dropped}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isa<FloatType>(element))
            better = arith::CmpFOp::create(
                b, l,
                IsMax ? (last ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
                      : (last ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT),
                x, best);
          else if (isUnsigned)
            better = arith::CmpIOp::create(
                b, l,
                IsMax ? (last ? arith::CmpIPredicate::uge : arith::CmpIPredicate::ugt)
                      : (last ? arith::CmpIPredicate::ule : arith::CmpIPredicate::ult),
                x, best);
          else
            better = arith::CmpIOp::create(
                b, l,
                IsMax ? (last ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sgt)
                      : (last ? arith::CmpIPredicate::sle : arith::CmpIPredicate::slt),
                x, best);
          // The first element always wins, so all-equal rows (and the
          // sentinel's own value) still report a valid index.
          Value first = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, index,
              arith::ConstantIntOp::create(b, l, 0, 64));
          better = arith::OrIOp::create(b, l, better, first);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, index, bestIndex)});
        });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, generic.getResult(1),
                                     this->convertedType(op.getResult())));
    return success();
  }
};

} // namespace

void strata::populateReductionToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<ReduceLowering<graph::ReduceSumOp>,
               ReduceLowering<graph::ReduceMeanOp>,
               ReduceLowering<graph::ReduceMaxOp>,
               ReduceLowering<graph::ReduceMinOp>,
               ReduceLowering<graph::ReduceProdOp>,
               ReduceLowering<graph::ReduceSumSquareOp>,
               ReduceLowering<graph::ReduceL1Op>,
               ReduceLowering<graph::ReduceL2Op>,
               ReduceLowering<graph::ReduceLogSumOp>,
               ReduceLowering<graph::ReduceLogSumExpOp>,
               ArgExtremeLowering<graph::ArgMaxOp, true>,
               ArgExtremeLowering<graph::ArgMinOp, false>>(converter, patterns.getContext());
}
