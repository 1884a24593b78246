//===- Int8DotProduct.cpp - int8 convolutions on dot-product units -*- C++ -*-===//
//
// Implements Int8DotProduct.h. The kernels are emitted on the tiles
// strata-tile-and-vectorize makes (one output row of a few columns by whole
// vectors of output channels, over one filter row and a few input
// channels), before they would be vectorized: vector.contract has no form
// for a dot product over groups of 4, so the kernel calls the instruction's
// LLVM intrinsic itself.
//
//===----------------------------------------------------------------------===//
#include "targets/cpu/Int8DotProduct.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace strata::cpu {
namespace {

/// Marks the generic that unpacks a packed filter for the tiles that read
/// it: the kernels read the packed constant it unpacks instead.
constexpr llvm::StringLiteral kUnpackMarker = "strata.unpack_dot_filter";

/// Bytes of one 32-bit lane: the dot product's group of input channels.
constexpr int64_t kGroup = 4;

bool isInt8Convolution(linalg::Conv2DNhwcHwcfOp op) {
  auto elementType = [](Value value) {
    return cast<ShapedType>(value.getType()).getElementType();
  };
  return elementType(op.getInputs()[0]).isInteger(8) &&
         elementType(op.getInputs()[1]).isInteger(8) &&
         elementType(op.getOutputs()[0]).isInteger(32);
}

/// The generic reading `packed` ([F / B][KH][KW][C/4][B * 4]) as
/// [KH][KW][C][F].
Value unpackFilter(RewriterBase &rewriter, Location loc, Value packed,
                   RankedTensorType filterType, int64_t block) {
  MLIRContext *context = rewriter.getContext();
  AffineExpr kh = getAffineDimExpr(0, context), kw = getAffineDimExpr(1, context),
             c = getAffineDimExpr(2, context), f = getAffineDimExpr(3, context);
  AffineMap read = AffineMap::get(
      4, 0,
      {f.floorDiv(block), kh, kw, c.floorDiv(kGroup), (f % block) * kGroup + c % kGroup},
      context);
  Value empty = tensor::EmptyOp::create(rewriter, loc, filterType.getShape(),
                                        filterType.getElementType());
  auto generic = linalg::GenericOp::create(
      rewriter, loc, filterType, ValueRange{packed}, ValueRange{empty},
      ArrayRef<AffineMap>{read, AffineMap::getMultiDimIdentityMap(4, context)},
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [](OpBuilder &builder, Location loc, ValueRange args) {
        linalg::YieldOp::create(builder, loc, args[0]);
      });
  generic->setAttr(kUnpackMarker, rewriter.getUnitAttr());
  return generic.getResult(0);
}

/// The convolution's init less `correction[f]` in each output channel f: a
/// zero (or constant) fill becomes a broadcast of the corrected constant,
/// anything else gets a subtraction.
void correctInit(RewriterBase &rewriter, linalg::Conv2DNhwcHwcfOp conv,
                 ArrayRef<int32_t> correction) {
  Location loc = conv.getLoc();
  MLIRContext *context = rewriter.getContext();
  Value init = conv.getOutputs()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  Type i32 = initType.getElementType();
  auto fill = init.getDefiningOp<linalg::FillOp>();
  APInt filled;
  bool constantFill = fill && fill->hasOneUse() &&
                      matchPattern(fill.getInputs()[0], m_ConstantInt(&filled));
  SmallVector<int32_t> values(correction);
  if (constantFill)
    for (int32_t &value : values)
      value = static_cast<int32_t>(filled.getSExtValue()) - value;
  else
    for (int32_t &value : values)
      value = -value;
  rewriter.setInsertionPoint(conv);
  auto vectorType = RankedTensorType::get({int64_t(values.size())}, i32);
  Value perChannel = arith::ConstantOp::create(
      rewriter, loc, DenseElementsAttr::get(vectorType, llvm::ArrayRef(values)));
  AffineMap identity = AffineMap::getMultiDimIdentityMap(4, context);
  AffineMap channel = AffineMap::get(4, 0, getAffineDimExpr(3, context), context);
  auto parallel = SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel);
  Value corrected;
  if (constantFill) {
    corrected = linalg::GenericOp::create(
                    rewriter, loc, initType, ValueRange{perChannel},
                    ValueRange{fill.getOutputs()[0]},
                    ArrayRef<AffineMap>{channel, identity}, parallel,
                    [](OpBuilder &builder, Location loc, ValueRange args) {
                      linalg::YieldOp::create(builder, loc, args[0]);
                    })
                    .getResult(0);
  } else {
    Value empty = tensor::EmptyOp::create(rewriter, loc, initType.getShape(), i32);
    corrected = linalg::GenericOp::create(
                    rewriter, loc, initType, ValueRange{init, perChannel},
                    ValueRange{empty},
                    ArrayRef<AffineMap>{identity, channel, identity}, parallel,
                    [](OpBuilder &builder, Location loc, ValueRange args) {
                      linalg::YieldOp::create(
                          builder, loc,
                          arith::AddIOp::create(builder, loc, args[0], args[1])
                              .getResult());
                    })
                    .getResult(0);
  }
  rewriter.modifyOpInPlace(conv, [&] { conv.getDpsInitsMutable()[0].set(corrected); });
  if (constantFill)
    rewriter.eraseOp(fill);
}

/// Follows unit-stride, rank-preserving tensor.extract_slice ops from
/// `value` to the tensor they slice; `offsets` becomes the position of
/// `value` in it.
Value sliceRoot(RewriterBase &rewriter, Location loc, Value value,
                SmallVectorImpl<OpFoldResult> &offsets) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  offsets.assign(rank, rewriter.getIndexAttr(0));
  AffineExpr s0, s1;
  bindSymbols(rewriter.getContext(), s0, s1);
  while (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (slice.getSourceType().getRank() != rank || !slice.hasUnitStride())
      break;
    for (auto [offset, sliceOffset] : llvm::zip(offsets, slice.getMixedOffsets()))
      offset = affine::makeComposedFoldedAffineApply(rewriter, loc, s0 + s1,
                                                     {sliceOffset, offset});
    value = slice.getSource();
  }
  return value;
}

} // namespace

std::optional<std::optional<DotProduct>> parseDotProduct(llvm::StringRef name) {
  if (name.empty())
    return std::optional<DotProduct>();
  if (name == "vpdpbusd")
    return std::optional<DotProduct>(DotProduct::Vpdpbusd);
  return std::nullopt;
}

void packInt8ConvolutionFilters(
    RewriterBase &rewriter, func::FuncOp function, DotProduct kind,
    llvm::function_ref<int64_t(int64_t)> outputBlock) {
  SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
  function.walk([&](linalg::Conv2DNhwcHwcfOp op) {
    if (op.hasPureTensorSemantics() && isInt8Convolution(op))
      convs.push_back(op);
  });
  for (linalg::Conv2DNhwcHwcfOp conv : convs) {
    DenseIntElementsAttr filter;
    if (!matchPattern(conv.getInputs()[1], m_Constant(&filter)))
      continue;
    auto type = cast<RankedTensorType>(filter.getType());
    auto inputType = cast<RankedTensorType>(conv.getInputs()[0].getType());
    if (!type.hasStaticShape() || !inputType.hasStaticShape())
      continue;
    int64_t taps = type.getDimSize(0) * type.getDimSize(1);
    int64_t channels = type.getDimSize(2), outputs = type.getDimSize(3);
    int64_t padded = llvm::alignTo(channels, kGroup);
    Location loc = conv.getLoc();
    rewriter.setInsertionPoint(conv);
    if (padded != channels) {
      // Channels of zero weights: what the input holds there is multiplied
      // by 0.
      SmallVector<OpFoldResult> low(4, rewriter.getIndexAttr(0)), high(low);
      high[3] = rewriter.getIndexAttr(padded - channels);
      SmallVector<int64_t> shape(inputType.getShape());
      shape[3] = padded;
      Value zero = arith::ConstantIntOp::create(rewriter, loc, rewriter.getI8Type(), 0);
      Value input = tensor::PadOp::create(
          rewriter, loc, RankedTensorType::get(shape, inputType.getElementType()),
          conv.getInputs()[0], low, high, zero);
      rewriter.modifyOpInPlace(conv, [&] { conv->setOperand(0, input); });
    }
    // [tap][c][f] to [f / B][tap][c / 4][(f % B) * 4 + c % 4]: a vector of
    // output channels' groups is one contiguous load, and a tile's filter
    // one contiguous block (rows of 2 KB, 512 channels' groups, had all
    // fallen into the same L1 sets).
    int64_t block = outputBlock(outputs);
    if (outputs % block != 0)
      continue;
    int64_t groups = taps * padded / kGroup;
    std::vector<int8_t> packed(taps * padded * outputs, 0);
    SmallVector<int32_t> sums(outputs, 0);
    auto values = filter.getValues<int8_t>();
    int64_t index = 0;
    for (int64_t tap = 0; tap < taps; ++tap)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t f = 0; f < outputs; ++f, ++index) {
          int8_t value = values[index];
          int64_t group = tap * (padded / kGroup) + c / kGroup;
          packed[((f / block * groups + group) * block + f % block) * kGroup + c % kGroup] =
              value;
          sums[f] += value;
        }
    auto packedType = RankedTensorType::get({outputs / block, type.getDimSize(0),
                                             type.getDimSize(1), padded / kGroup,
                                             block * kGroup},
                                            type.getElementType());
    Value packedFilter = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(packedType, llvm::ArrayRef(packed)));
    Value unpacked = unpackFilter(
        rewriter, loc, packedFilter,
        RankedTensorType::get({type.getDimSize(0), type.getDimSize(1), padded, outputs},
                              type.getElementType()),
        block);
    rewriter.modifyOpInPlace(conv, [&] { conv->setOperand(1, unpacked); });
    if (kind == DotProduct::Vpdpbusd) {
      // sum((a + 128) * w) = sum(a * w) + 128 * sum(w).
      for (int32_t &sum : sums)
        sum *= 128;
      correctInit(rewriter, conv, sums);
    }
  }
}

bool isPackedFilterUnpack(Operation *op) { return op->hasAttr(kUnpackMarker); }

bool isPackedForDotProduct(linalg::Conv2DNhwcHwcfOp conv) {
  Operation *filter = conv.getInputs()[1].getDefiningOp();
  return filter && isPackedFilterUnpack(filter);
}

LogicalResult emitInt8DotTile(RewriterBase &rewriter, linalg::Conv2DNhwcHwcfOp tile,
                              DotProduct kind, int64_t lanes) {
  if (!tile.hasPureTensorSemantics() || !isInt8Convolution(tile))
    return failure();
  Value input = tile.getInputs()[0], filter = tile.getInputs()[1],
        output = tile.getOutputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(output.getType());
  if (!inputType.hasStaticShape() || !filterType.hasStaticShape() ||
      !outputType.hasStaticShape())
    return failure();
  // One output row of `columns` by `vectors` vectors of output channels,
  // over `rows` filter rows of `taps` taps by `groups` groups of input
  // channels.
  int64_t rows = filterType.getDimSize(0), taps = filterType.getDimSize(1),
          channels = filterType.getDimSize(2);
  int64_t columns = outputType.getDimSize(2), outputs = filterType.getDimSize(3);
  if (outputs % lanes != 0 && lanes >= 8)
    lanes /= 2; // Output channels by half vectors: MobileNetV2's 24.
  if (outputType.getDimSize(0) != 1 || outputType.getDimSize(1) != 1 ||
      channels % kGroup != 0 || outputs % lanes != 0)
    return failure();
  int64_t groups = channels / kGroup, vectors = outputs / lanes;
  if (columns * vectors > 24)
    return failure(); // More accumulators than registers.
  Location loc = tile.getLoc();
  rewriter.setInsertionPoint(tile);
  SmallVector<OpFoldResult> offsets;
  Value unpacked = sliceRoot(rewriter, loc, filter, offsets);
  auto unpack = unpacked.getDefiningOp<linalg::GenericOp>();
  if (!unpack || !isPackedFilterUnpack(unpack))
    return failure();
  Value packed = unpack.getInputs()[0];
  int64_t stride = tile.getStrides().getValues<int64_t>()[1];
  int64_t rowDilation = tile.getDilations().getValues<int64_t>()[0];
  int64_t dilation = tile.getDilations().getValues<int64_t>()[1];

  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  auto accType = VectorType::get({lanes}, i32);
  auto bytesType = VectorType::get({kGroup * lanes}, i8);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  AffineExpr s0;
  bindSymbols(rewriter.getContext(), s0);
  auto plus = [&](OpFoldResult base, int64_t value) -> Value {
    return getValueOrCreateConstantIndexOp(
        rewriter, loc,
        affine::makeComposedFoldedAffineApply(rewriter, loc, s0 + value, {base}));
  };
  Value zero = index(0);
  Value paddingI8 = arith::ConstantIntOp::create(rewriter, loc, i8, 0);
  Value paddingI32 = arith::ConstantIntOp::create(rewriter, loc, i32, 0);
  // vpdpbusd's activations are unsigned: a + 128, the sign bit flipped.
  Value signBits = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(accType, rewriter.getI32IntegerAttr(
                                          static_cast<int32_t>(0x80808080u))));
  StringAttr intrinsic = rewriter.getStringAttr(
      "llvm.x86.avx512.vpdpbusd." + std::to_string(lanes * 32));
  (void)kind; // vpdpbusd is the only kind so far.

  SmallVector<Value> accumulators;
  for (int64_t column = 0; column < columns; ++column)
    for (int64_t vector = 0; vector < vectors; ++vector)
      accumulators.push_back(vector::TransferReadOp::create(
          rewriter, loc, accType, output,
          ValueRange{zero, zero, index(column), index(vector * lanes)}, paddingI32,
          ArrayRef<bool>{true}));
  // The packed filter's group of the tile's first input channel.
  AffineExpr c0;
  bindSymbols(rewriter.getContext(), c0);
  OpFoldResult firstGroup = affine::makeComposedFoldedAffineApply(
      rewriter, loc, c0.floorDiv(kGroup), {offsets[2]});
  // And its block of output channels, and the tile's first byte in it.
  int64_t block = cast<RankedTensorType>(packed.getType()).getDimSize(4) / kGroup;
  if (block % outputs != 0)
    return failure(); // The tile's channels straddle two blocks.
  Value filterBlock = getValueOrCreateConstantIndexOp(
      rewriter, loc,
      affine::makeComposedFoldedAffineApply(rewriter, loc, c0.floorDiv(block),
                                            {offsets[3]}));
  OpFoldResult firstByte = affine::makeComposedFoldedAffineApply(
      rewriter, loc, (c0 % block) * kGroup, {offsets[3]});
  // Loops over filter rows, taps and groups carry the accumulators: fully
  // unrolled, LLVM hoisted every broadcast to the top and spilled.
  AffineExpr d0;
  bindDims(rewriter.getContext(), d0);
  auto apply = [&](AffineExpr expr, ArrayRef<OpFoldResult> operands) -> Value {
    return getValueOrCreateConstantIndexOp(
        rewriter, loc, affine::makeComposedFoldedAffineApply(rewriter, loc, expr, operands));
  };
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, ValueRange{zero, zero, zero},
      ValueRange{index(rows), index(taps), index(groups)},
      ValueRange{index(1), index(1), index(1)}, accumulators,
      [&](OpBuilder &, Location, ValueRange ivs, ValueRange carried) {
        Value row = ivs[0], tap = ivs[1], group = ivs[2];
        SmallVector<Value> sums(carried);
        Value filterRow = apply(d0 + s0, {row, offsets[0]});
        Value filterTap = apply(d0 + s0, {tap, offsets[1]});
        Value filterGroup = apply(d0 + s0, {group, firstGroup});
        SmallVector<Value> weights;
        for (int64_t vector = 0; vector < vectors; ++vector)
          weights.push_back(vector::TransferReadOp::create(
              rewriter, loc, bytesType, packed,
              ValueRange{filterBlock, filterRow, filterTap, filterGroup,
                         plus(firstByte, vector * lanes * kGroup)},
              paddingI8, ArrayRef<bool>{true}));
        Value inputRow = apply(d0 * rowDilation, {row});
        Value channel = apply(d0 * kGroup, {group});
        for (int64_t column = 0; column < columns; ++column) {
          Value inputColumn = apply(d0 * dilation + column * stride, {tap});
          Value bytes = vector::TransferReadOp::create(
              rewriter, loc, VectorType::get({kGroup}, i8), input,
              ValueRange{zero, inputRow, inputColumn, channel}, paddingI8,
              ArrayRef<bool>{true});
          Value word =
              vector::BitCastOp::create(rewriter, loc, VectorType::get({1}, i32), bytes);
          Value scalar = vector::ExtractOp::create(rewriter, loc, word, int64_t(0));
          Value splat = vector::BroadcastOp::create(rewriter, loc, accType, scalar);
          splat = arith::XOrIOp::create(rewriter, loc, splat, signBits);
          Value activations = vector::BitCastOp::create(rewriter, loc, bytesType, splat);
          for (int64_t vector = 0; vector < vectors; ++vector) {
            Value &sum = sums[column * vectors + vector];
            sum = LLVM::CallIntrinsicOp::create(
                      rewriter, loc, accType, intrinsic,
                      ValueRange{sum, activations, weights[vector]})
                      .getResult(0);
          }
        }
        return scf::ValueVector(sums);
      });
  accumulators.assign(nest.results.begin(), nest.results.end());
  Value result = output;
  for (int64_t column = 0; column < columns; ++column)
    for (int64_t vector = 0; vector < vectors; ++vector)
      result = vector::TransferWriteOp::create(
                   rewriter, loc, accumulators[column * vectors + vector], result,
                   ValueRange{zero, zero, index(column), index(vector * lanes)},
                   ArrayRef<bool>{true})
                   .getResult();
  rewriter.replaceOp(tile, result);
  return success();
}

} // namespace strata::cpu
