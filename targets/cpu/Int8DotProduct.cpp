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

/// On that generic, for vpdpbusd: -128 x each output channel's filter sum,
/// which each kernel adds to its accumulators to make up for the 128 it
/// adds to every activation byte. Only the kernels add it: a tile that
/// does not become one computes from the unpacked filter as it is.
constexpr llvm::StringLiteral kCorrectionAttr = "strata.dot_init_correction";

/// Marks the generic that reads a depthwise filter widened for vpdpwssd
/// (packInt8DepthwiseFilters) as int8 again.
constexpr llvm::StringLiteral kDepthwiseUnpackMarker = "strata.unpack_depthwise_filter";

/// Bytes of one 32-bit lane: the dot product's group of input channels.
constexpr int64_t kGroup = 4;

/// Whether `op` multiplies int8 inputs (image and filter) into int32.
bool isInt8ToInt32(linalg::LinalgOp op) {
  auto elementType = [](Value value) {
    return cast<ShapedType>(value.getType()).getElementType();
  };
  return elementType(op.getDpsInputs()[0]).isInteger(8) &&
         elementType(op.getDpsInputs()[1]).isInteger(8) &&
         elementType(op.getDpsInits()[0]).isInteger(32);
}

/// The ops of type OpT in `function` on tensors that multiply int8 into
/// int32: the convolutions whose filters are packed for the kernels.
template <typename OpT>
SmallVector<OpT> int8Ops(func::FuncOp function) {
  SmallVector<OpT> ops;
  function.walk([&](OpT op) {
    if (op.hasPureTensorSemantics() && isInt8ToInt32(op))
      ops.push_back(op);
  });
  return ops;
}

/// Whether `op`'s image, filter and output have static shapes.
bool hasStaticOperands(linalg::LinalgOp op) {
  return llvm::all_of(op->getOperands(), [](Value value) {
    return cast<ShapedType>(value.getType()).hasStaticShape();
  });
}

/// The generic reading `packed` ([F / B][KH][KW * C / 4][B * 4]) as
/// [KH][KW][C][F].
Value unpackFilter(RewriterBase &rewriter, Location loc, Value packed,
                   RankedTensorType filterType, int64_t block) {
  MLIRContext *context = rewriter.getContext();
  AffineExpr kh = getAffineDimExpr(0, context), kw = getAffineDimExpr(1, context),
             c = getAffineDimExpr(2, context), f = getAffineDimExpr(3, context);
  AffineExpr rowByte = kw * filterType.getDimSize(2) + c;
  AffineMap read = AffineMap::get(
      4, 0,
      {f.floorDiv(block), kh, rowByte.floorDiv(kGroup),
       (f % block) * kGroup + rowByte % kGroup},
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

/// The unit-stride, rank-preserving tensor.extract_slice ops from `value`
/// to the tensor they slice, innermost first.
SmallVector<tensor::ExtractSliceOp> sliceChain(Value value) {
  SmallVector<tensor::ExtractSliceOp> chain;
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  while (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (slice.getSourceType().getRank() != rank || !slice.hasUnitStride())
      break;
    chain.push_back(slice);
    value = slice.getSource();
  }
  return chain;
}

/// The position of `chain`'s innermost slice (of rank `rank`) in its
/// outermost one's source; zeros for no slice.
SmallVector<OpFoldResult> sliceOffsets(RewriterBase &rewriter, Location loc,
                                       ArrayRef<tensor::ExtractSliceOp> chain,
                                       int64_t rank) {
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  AffineExpr s0, s1;
  bindSymbols(rewriter.getContext(), s0, s1);
  for (tensor::ExtractSliceOp slice : chain)
    for (auto [offset, sliceOffset] : llvm::zip(offsets, slice.getMixedOffsets()))
      offset = affine::makeComposedFoldedAffineApply(rewriter, loc, s0 + s1,
                                                     {sliceOffset, offset});
  return offsets;
}

} // namespace

std::optional<std::optional<DotProduct>> parseDotProduct(llvm::StringRef name) {
  if (name.empty())
    return std::optional<DotProduct>();
  if (name == "vpdpbusd")
    return std::optional<DotProduct>(DotProduct::Vpdpbusd);
  if (name == "smlad")
    return std::optional<DotProduct>(DotProduct::Smlad);
  if (name == "sdot")
    return std::optional<DotProduct>(DotProduct::Sdot);
  return std::nullopt;
}

void convertInt8MatmulsToConvolutions(RewriterBase &rewriter, func::FuncOp function) {
  SmallVector<linalg::MatmulOp> matmuls;
  function.walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
  for (linalg::MatmulOp matmul : matmuls) {
    DenseIntElementsAttr weights;
    auto lhsType = dyn_cast<RankedTensorType>(matmul.getInputs()[0].getType());
    auto resultType = dyn_cast<RankedTensorType>(matmul.getOutputs()[0].getType());
    if (!matmul.hasPureTensorSemantics() || !lhsType || !resultType ||
        !lhsType.hasStaticShape() || !resultType.hasStaticShape() ||
        !lhsType.getElementType().isInteger(8) ||
        !resultType.getElementType().isInteger(32) ||
        !matchPattern(matmul.getInputs()[1], m_Constant(&weights)) ||
        !weights.getElementType().isInteger(8) ||
        matmul.getIndexingMapsArray() != matmul.getDefaultIndexingMaps(
                                              matmul.getContext()))
      continue; // Not a plain [M, K] x [K, N] of int8 with constant weights.
    int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1),
            n = resultType.getDimSize(1);
    Location loc = matmul.getLoc();
    rewriter.setInsertionPoint(matmul);
    auto asImage = [&](Value value, int64_t width, int64_t channels) -> Value {
      auto type = RankedTensorType::get(
          {1, 1, width, channels}, cast<ShapedType>(value.getType()).getElementType());
      return tensor::ExpandShapeOp::create(rewriter, loc, type, value,
                                           SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
    };
    Value filter = arith::ConstantOp::create(
        rewriter, loc,
        weights.reshape(RankedTensorType::get({1, 1, k, n}, weights.getElementType())));
    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, TypeRange{RankedTensorType::get({1, 1, m, n}, resultType.getElementType())},
        ValueRange{asImage(matmul.getInputs()[0], m, k), filter},
        ValueRange{asImage(matmul.getOutputs()[0], m, n)},
        rewriter.getI64TensorAttr({1, 1}), rewriter.getI64TensorAttr({1, 1}));
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        matmul, resultType, conv.getResult(0),
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  }
}

void packInt8ConvolutionFilters(
    RewriterBase &rewriter, func::FuncOp function, DotProduct kind,
    llvm::function_ref<int64_t(linalg::Conv2DNhwcHwcfOp)> outputBlock) {
  for (linalg::Conv2DNhwcHwcfOp conv : int8Ops<linalg::Conv2DNhwcHwcfOp>(function)) {
    DenseIntElementsAttr filter;
    if (!matchPattern(conv.getInputs()[1], m_Constant(&filter)))
      continue;
    auto type = cast<RankedTensorType>(filter.getType());
    auto inputType = cast<RankedTensorType>(conv.getInputs()[0].getType());
    if (!type.hasStaticShape() || !inputType.hasStaticShape())
      continue;
    int64_t rows = type.getDimSize(0), taps = type.getDimSize(1);
    int64_t channels = type.getDimSize(2), outputs = type.getDimSize(3);
    // A filter row's taps x channels are one run of bytes in groups of 4
    // where the channels are a multiple of 4 or the taps are contiguous
    // (KWS's first layer: 4 taps of 1 channel). Else vpdpbusd pads the
    // channels (ResNet-18's 7 taps of 3), and smlad leaves the
    // convolution to scalar loops (padding would add a third more products).
    int64_t dilation = conv.getDilations().getValues<int64_t>()[1];
    int64_t padded = channels;
    if (channels % kGroup != 0 && (dilation != 1 || (taps * channels) % kGroup != 0)) {
      if (kind == DotProduct::Smlad)
        continue;
      padded = llvm::alignTo(channels, kGroup);
    }
    int64_t rowGroups = taps * padded / kGroup;
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
    // [kh][kw][c][f] to [f / B][kh][r / 4][(f % B) * 4 + r % 4], r = kw * C
    // + c the byte in the filter row: a vector of output channels' groups is
    // one contiguous load, and a tile's filter one contiguous block (rows of
    // 2 KB, 512 channels' groups, had all fallen into the same L1 sets).
    int64_t block = outputBlock(conv);
    if (outputs % block != 0)
      continue;
    int64_t groups = rows * rowGroups;
    std::vector<int8_t> packed(groups * kGroup * outputs, 0);
    SmallVector<int32_t> sums(outputs, 0);
    auto values = filter.getValues<int8_t>();
    int64_t index = 0;
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t tap = 0; tap < taps; ++tap)
        for (int64_t c = 0; c < channels; ++c)
          for (int64_t f = 0; f < outputs; ++f, ++index) {
            int8_t value = values[index];
            int64_t rowByte = tap * padded + c;
            int64_t group = row * rowGroups + rowByte / kGroup;
            packed[((f / block * groups + group) * block + f % block) * kGroup +
                   rowByte % kGroup] = value;
            sums[f] += value;
          }
    auto packedType = RankedTensorType::get(
        {outputs / block, rows, rowGroups, block * kGroup}, type.getElementType());
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
        sum *= -128;
      unpacked.getDefiningOp()->setAttr(
          kCorrectionAttr,
          DenseElementsAttr::get(RankedTensorType::get({outputs}, rewriter.getI32Type()),
                                 llvm::ArrayRef(sums)));
    }
  }
}

bool isPackedFilterUnpack(Operation *op) { return op->hasAttr(kUnpackMarker); }

bool isDepthwiseFilterUnpack(Operation *op) { return op->hasAttr(kDepthwiseUnpackMarker); }

bool isPackedForDotProduct(linalg::Conv2DNhwcHwcfOp conv) {
  Operation *filter = conv.getInputs()[1].getDefiningOp();
  return filter && isPackedFilterUnpack(filter);
}

namespace {

/// How a kernel computes with one instruction set: the accumulators'
/// type, a group of 4 activation or filter bytes as the instruction's
/// operands, and the 4-way dot product.
class DotProductOps {
public:
  DotProductOps(RewriterBase &rewriter, Location loc, DotProduct kind, int64_t lanes)
      : rewriter(rewriter), loc(loc), kind(kind), lanes(lanes),
        i8(rewriter.getI8Type()), i32(rewriter.getI32Type()) {}

  /// One output channel per scalar accumulator (smlad), or `lanes` per
  /// vector.
  bool isScalar() const { return kind == DotProduct::Smlad; }

  Value readAccumulator(Value output, ValueRange indices) {
    if (isScalar())
      return tensor::ExtractOp::create(rewriter, loc, output, indices);
    return vector::TransferReadOp::create(rewriter, loc, VectorType::get({lanes}, i32),
                                          output, indices, zero(i32),
                                          ArrayRef<bool>{true});
  }

  Value writeAccumulator(Value accumulator, Value output, ValueRange indices) {
    if (isScalar())
      return tensor::InsertOp::create(rewriter, loc, accumulator, output, indices);
    return vector::TransferWriteOp::create(rewriter, loc, accumulator, output, indices,
                                           ArrayRef<bool>{true})
        .getResult();
  }

  /// The 4 activation bytes at `indices` of `input`, as the instruction
  /// takes them: broadcast to every lane (with 128 added for vpdpbusd), or as
  /// bytes 0 and 2 and bytes 1 and 3 sign-extended to pairs of halfwords
  /// (smlad).
  SmallVector<Value, 2> activations(Value input, ValueRange indices) {
    Value word = readWord(input, indices);
    if (isScalar())
      return halfwordPairs(word);
    auto accType = VectorType::get({lanes}, i32);
    Value splat = vector::BroadcastOp::create(rewriter, loc, accType, word);
    Value bytes = vector::BitCastOp::create(rewriter, loc, bytesType(), splat);
    if (kind == DotProduct::Vpdpbusd) {
      // vpdpbusd's activations are unsigned: a + 128, the sign bit flipped.
      // Added to the bytes (not xor-ed into the words), so that LLVM keeps
      // a broadcast from memory and one vector add rather than a scalar
      // load, xor and broadcast from a register.
      Value offset = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(bytesType(), rewriter.getI8IntegerAttr(-128)));
      bytes = arith::AddIOp::create(rewriter, loc, bytes, offset);
    }
    return {bytes};
  }

  /// The filter bytes at `indices` of the packed filter: one output
  /// channel's 4 as halfword pairs (smlad), or `lanes` channels' (vpdpbusd,
  /// sdot).
  SmallVector<Value, 2> weights(Value packed, ValueRange indices) {
    if (isScalar())
      return halfwordPairs(readWord(packed, indices));
    return {vector::TransferReadOp::create(rewriter, loc, bytesType(), packed, indices,
                                           zero(i8), ArrayRef<bool>{true})};
  }

  /// accumulator + the 4 products of `activations` and `weights`.
  Value dot(Value accumulator, ArrayRef<Value> activations, ArrayRef<Value> weights) {
    if (isScalar()) {
      for (int pair = 0; pair < 2; ++pair)
        accumulator = call("llvm.arm.smlad", i32,
                           {activations[pair], weights[pair], accumulator});
      return accumulator;
    }
    std::string name =
        kind == DotProduct::Sdot
            ? "llvm.aarch64.neon.sdot.v" + std::to_string(lanes) + "i32.v" +
                  std::to_string(lanes * kGroup) + "i8"
            : "llvm.x86.avx512.vpdpbusd." + std::to_string(lanes * 32);
    return call(name, VectorType::get({lanes}, i32),
                {accumulator, activations[0], weights[0]});
  }

private:
  VectorType bytesType() const { return VectorType::get({kGroup * lanes}, i8); }

  Value zero(Type type) { return arith::ConstantIntOp::create(rewriter, loc, type, 0); }

  /// The 4 bytes at `indices` of `source` as one int32.
  Value readWord(Value source, ValueRange indices) {
    Value bytes = vector::TransferReadOp::create(rewriter, loc, VectorType::get({kGroup}, i8),
                                                 source, indices, zero(i8),
                                                 ArrayRef<bool>{true});
    Value word = vector::BitCastOp::create(rewriter, loc, VectorType::get({1}, i32), bytes);
    return vector::ExtractOp::create(rewriter, loc, word, int64_t(0));
  }

  /// sxtb16 of `word` and of `word` rotated right by a byte.
  SmallVector<Value, 2> halfwordPairs(Value word) {
    auto constant = [&](int32_t value) {
      return arith::ConstantIntOp::create(rewriter, loc, i32, value);
    };
    Value rotated = arith::OrIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, word, constant(8)),
        arith::ShLIOp::create(rewriter, loc, word, constant(24)));
    return {call("llvm.arm.sxtb16", i32, {word}), call("llvm.arm.sxtb16", i32, {rotated})};
  }

  Value call(const std::string &name, Type type, ValueRange operands) {
    return LLVM::CallIntrinsicOp::create(rewriter, loc, type,
                                         rewriter.getStringAttr(name), operands)
        .getResult(0);
  }

  RewriterBase &rewriter;
  Location loc;
  DotProduct kind;
  int64_t lanes;
  Type i8, i32;
};

} // namespace

LogicalResult emitInt8DotTile(RewriterBase &rewriter, linalg::Conv2DNhwcHwcfOp tile,
                              DotProduct kind, int64_t lanes) {
  if (!tile.hasPureTensorSemantics() || !isInt8ToInt32(tile))
    return failure();
  Value input = tile.getInputs()[0], filter = tile.getInputs()[1],
        output = tile.getOutputs()[0];
  if (!hasStaticOperands(tile))
    return failure();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(output.getType());
  // One output row of `columns` by `vectors` vectors of output channels,
  // over `rows` filter rows of `taps` taps by `channels` input channels,
  // `groups` groups of 4 bytes a row.
  int64_t rows = filterType.getDimSize(0), taps = filterType.getDimSize(1),
          channels = filterType.getDimSize(2);
  int64_t columns = outputType.getDimSize(2), outputs = filterType.getDimSize(3);
  if (kind == DotProduct::Smlad)
    lanes = 1;
  if (outputs % lanes != 0 && lanes >= 8)
    lanes /= 2; // Output channels by half vectors: MobileNetV2's 24.
  if (outputType.getDimSize(0) != 1 || outputType.getDimSize(1) != 1 ||
      (taps * channels) % kGroup != 0 || outputs % lanes != 0)
    return failure();
  int64_t groups = taps * channels / kGroup, vectors = outputs / lanes;
  if (columns * vectors > 24)
    return failure(); // More accumulators than registers.
  // Every check before any IR is made.
  SmallVector<tensor::ExtractSliceOp> chain = sliceChain(filter);
  Value unpacked = chain.empty() ? filter : chain.back().getSource();
  auto unpack = unpacked.getDefiningOp<linalg::GenericOp>();
  if (!unpack || !isPackedFilterUnpack(unpack))
    return failure();
  auto correction = unpack->getAttrOfType<DenseIntElementsAttr>(kCorrectionAttr);
  if (kind == DotProduct::Vpdpbusd && !correction)
    return failure();
  Value packed = unpack.getInputs()[0];
  auto packedType = cast<RankedTensorType>(packed.getType());
  // The tile covers whole filter rows (the packing's runs of bytes), and
  // its output channels lie in one block of them.
  int64_t block = packedType.getDimSize(3) / kGroup;
  if (packedType.getDimSize(2) != groups || block % outputs != 0)
    return failure();
  Location loc = tile.getLoc();
  rewriter.setInsertionPoint(tile);
  SmallVector<OpFoldResult> offsets =
      sliceOffsets(rewriter, loc, chain, filterType.getRank());
  int64_t stride = tile.getStrides().getValues<int64_t>()[1];
  int64_t rowDilation = tile.getDilations().getValues<int64_t>()[0];
  int64_t dilation = tile.getDilations().getValues<int64_t>()[1];

  DotProductOps ops(rewriter, loc, kind, lanes);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  AffineExpr s0, d0;
  bindSymbols(rewriter.getContext(), s0);
  bindDims(rewriter.getContext(), d0);
  auto apply = [&](AffineExpr expr, ArrayRef<OpFoldResult> operands) -> Value {
    return getValueOrCreateConstantIndexOp(
        rewriter, loc, affine::makeComposedFoldedAffineApply(rewriter, loc, expr, operands));
  };
  Value zero = index(0);
  auto outputIndices = [&](int64_t column, int64_t vector) {
    return SmallVector<Value>{zero, zero, index(column), index(vector * lanes)};
  };
  SmallVector<Value> accumulators;
  for (int64_t column = 0; column < columns; ++column)
    for (int64_t vector = 0; vector < vectors; ++vector)
      accumulators.push_back(ops.readAccumulator(output, outputIndices(column, vector)));
  if (correction) {
    // The vpdpbusd offset's correction for the tile's output channels.
    Value table = arith::ConstantOp::create(rewriter, loc, correction);
    for (int64_t vector = 0; vector < vectors; ++vector) {
      Value first = apply(s0 + vector * lanes, {offsets[3]});
      Value perChannel = vector::TransferReadOp::create(
          rewriter, loc, VectorType::get({lanes}, rewriter.getI32Type()), table,
          ValueRange{first}, arith::ConstantIntOp::create(rewriter, loc, 0, 32),
          ArrayRef<bool>{true});
      for (int64_t column = 0; column < columns; ++column) {
        Value &accumulator = accumulators[column * vectors + vector];
        accumulator = arith::AddIOp::create(rewriter, loc, accumulator, perChannel);
      }
    }
  }
  // The packed filter's block of the tile's output channels, and the
  // tile's first byte in it.
  Value filterBlock = apply(s0.floorDiv(block), {offsets[3]});
  OpFoldResult firstByte = apply((s0 % block) * kGroup, {offsets[3]});
  // The input tile's columns and channels as one run of bytes per row.
  auto inputRowsType = RankedTensorType::get(
      {inputType.getDimSize(0), inputType.getDimSize(1),
       inputType.getDimSize(2) * inputType.getDimSize(3)},
      inputType.getElementType());
  Value inputRows = tensor::CollapseShapeOp::create(
      rewriter, loc, inputRowsType, input,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  // Loops over filter rows and groups carry the accumulators: fully
  // unrolled, LLVM hoisted every broadcast to the top and spilled.
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, ValueRange{zero, zero}, ValueRange{index(rows), index(groups)},
      ValueRange{index(1), index(1)}, accumulators,
      [&](OpBuilder &, Location, ValueRange ivs, ValueRange carried) {
        Value row = ivs[0], group = ivs[1];
        SmallVector<Value> sums(carried);
        Value filterRow = apply(d0 + s0, {row, offsets[0]});
        SmallVector<SmallVector<Value, 2>> weights;
        for (int64_t vector = 0; vector < vectors; ++vector)
          weights.push_back(ops.weights(
              packed, {filterBlock, filterRow, group,
                       apply(s0 + vector * lanes * kGroup, {firstByte})}));
        Value inputRow = apply(d0 * rowDilation, {row});
        for (int64_t column = 0; column < columns; ++column) {
          // The group's first byte r = 4g of the filter row is tap r / C,
          // channel r % C.
          AffineExpr rowByte = d0 * kGroup;
          Value inputByte = apply(
              (rowByte.floorDiv(channels) * dilation + column * stride) * channels +
                  rowByte % channels,
              {group});
          SmallVector<Value, 2> activations =
              ops.activations(inputRows, {zero, inputRow, inputByte});
          for (int64_t vector = 0; vector < vectors; ++vector) {
            Value &sum = sums[column * vectors + vector];
            sum = ops.dot(sum, activations, weights[vector]);
          }
        }
        return scf::ValueVector(sums);
      });
  Value result = output;
  for (int64_t column = 0; column < columns; ++column)
    for (int64_t vector = 0; vector < vectors; ++vector)
      result = ops.writeAccumulator(nest.results[column * vectors + vector], result,
                                    outputIndices(column, vector));
  rewriter.replaceOp(tile, result);
  return success();
}

void packInt8DepthwiseFilters(RewriterBase &rewriter, func::FuncOp function) {
  for (linalg::DepthwiseConv2DNhwcHwcOp conv :
       int8Ops<linalg::DepthwiseConv2DNhwcHwcOp>(function)) {
    DenseIntElementsAttr filter;
    if (!matchPattern(conv.getInputs()[1], m_Constant(&filter)) ||
        !cast<ShapedType>(filter.getType()).hasStaticShape())
      continue;
    // Each weight as the low halfword of a 32-bit lane, the high one zero.
    SmallVector<int32_t> widened;
    for (int8_t weight : filter.getValues<int8_t>())
      widened.push_back(int32_t(uint16_t(int16_t(weight))));
    auto type = cast<RankedTensorType>(filter.getType());
    auto widenedType = RankedTensorType::get(type.getShape(), rewriter.getI32Type());
    Location loc = conv.getLoc();
    rewriter.setInsertionPoint(conv);
    Value constant = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(widenedType, llvm::ArrayRef(widened)));
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(type.getRank());
    auto unpack = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{constant}, ValueRange{empty},
        ArrayRef<AffineMap>{identity, identity},
        SmallVector<utils::IteratorType>(type.getRank(), utils::IteratorType::parallel),
        [](OpBuilder &builder, Location loc, ValueRange args) {
          linalg::YieldOp::create(
              builder, loc,
              arith::TruncIOp::create(builder, loc, builder.getI8Type(), args[0])
                  .getResult());
        });
    unpack->setAttr(kDepthwiseUnpackMarker, rewriter.getUnitAttr());
    rewriter.modifyOpInPlace(conv, [&] { conv->setOperand(1, unpack.getResult(0)); });
  }
}

bool isPackedForDepthwiseKernel(linalg::DepthwiseConv2DNhwcHwcOp conv) {
  SmallVector<tensor::ExtractSliceOp> chain = sliceChain(conv.getInputs()[1]);
  Value filter = chain.empty() ? conv.getInputs()[1] : chain.back().getSource();
  Operation *unpack = filter.getDefiningOp();
  return unpack && unpack->hasAttr(kDepthwiseUnpackMarker);
}

LogicalResult emitInt8DepthwiseTile(RewriterBase &rewriter,
                                    linalg::DepthwiseConv2DNhwcHwcOp tile,
                                    int64_t lanes) {
  if (!tile.hasPureTensorSemantics() || !isInt8ToInt32(tile) ||
      (lanes != 8 && lanes != 16))
    return failure();
  Value input = tile.getInputs()[0], filter = tile.getInputs()[1],
        output = tile.getOutputs()[0];
  if (!hasStaticOperands(tile))
    return failure();
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(output.getType());
  // One output row of `columns` columns by one vector of channels, over
  // the whole filter.
  int64_t rows = filterType.getDimSize(0), taps = filterType.getDimSize(1);
  int64_t columns = outputType.getDimSize(2);
  if (outputType.getDimSize(0) != 1 || outputType.getDimSize(1) != 1 ||
      outputType.getDimSize(3) != lanes || columns > 24)
    return failure();
  SmallVector<tensor::ExtractSliceOp> chain = sliceChain(filter);
  Value unpacked = chain.empty() ? filter : chain.back().getSource();
  auto unpack = unpacked.getDefiningOp<linalg::GenericOp>();
  if (!unpack || !unpack->hasAttr(kDepthwiseUnpackMarker))
    return failure();
  // Every check before any IR is made.
  Value widened = unpack.getInputs()[0];
  Location loc = tile.getLoc();
  rewriter.setInsertionPoint(tile);
  SmallVector<OpFoldResult> offsets =
      sliceOffsets(rewriter, loc, chain, filterType.getRank());
  int64_t stride = tile.getStrides().getValues<int64_t>()[1];
  int64_t rowDilation = tile.getDilations().getValues<int64_t>()[0];
  int64_t dilation = tile.getDilations().getValues<int64_t>()[1];
  Type i32 = rewriter.getI32Type();
  auto vectorType = VectorType::get({lanes}, i32);
  auto halfwordsType = VectorType::get({2 * lanes}, rewriter.getI16Type());
  std::string intrinsic = "llvm.x86.avx512.vpdpwssd." + std::to_string(lanes * 32);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  Value zero = index(0);
  Value zero32 = arith::ConstantIntOp::create(rewriter, loc, 0, 32);
  Value zero8 = arith::ConstantIntOp::create(rewriter, loc, 0, 8);
  SmallVector<Value> accumulators;
  for (int64_t column = 0; column < columns; ++column)
    accumulators.push_back(vector::TransferReadOp::create(
        rewriter, loc, vectorType, output,
        ValueRange{zero, zero, index(column), zero}, zero32, ArrayRef<bool>{true}));
  Value firstChannel = getValueOrCreateConstantIndexOp(rewriter, loc, offsets[2]);
  AffineExpr d0, s0;
  bindDims(rewriter.getContext(), d0);
  bindSymbols(rewriter.getContext(), s0);
  Value firstRow = getValueOrCreateConstantIndexOp(rewriter, loc, offsets[0]);
  scf::ForOp loop = scf::ForOp::create(
      rewriter, loc, zero, index(rows), index(1), accumulators,
      [&](OpBuilder &b, Location loc, Value row, ValueRange carried) {
        SmallVector<Value> sums(carried);
        Value filterRow = affine::makeComposedAffineApply(
            b, loc, d0 + s0, ArrayRef<OpFoldResult>{row, firstRow});
        SmallVector<Value> weights;
        for (int64_t tap = 0; tap < taps; ++tap)
          weights.push_back(vector::BitCastOp::create(
              b, loc, halfwordsType,
              vector::TransferReadOp::create(
                  b, loc, vectorType, widened,
                  ValueRange{filterRow, index(tap), firstChannel}, zero32,
                  ArrayRef<bool>{true})));
        Value inputRow = affine::makeComposedAffineApply(
            b, loc, d0 * rowDilation, ArrayRef<OpFoldResult>{row});
        // Each input column is loaded and widened once, then multiplied
        // into every (column, tap) that reads it: a 3-tap row of 16
        // columns loads 18, not 48. Its sign bits in the high halfword
        // meet the weights' zero.
        int64_t inputColumns = (columns - 1) * stride + (taps - 1) * dilation + 1;
        for (int64_t column = 0; column < inputColumns; ++column) {
          Value activations;
          for (int64_t tap = 0; tap < taps; ++tap) {
            int64_t reach = column - tap * dilation;
            if (reach < 0 || reach % stride != 0 || reach / stride >= columns)
              continue;
            if (!activations)
              activations = vector::BitCastOp::create(
                  b, loc, halfwordsType,
                  arith::ExtSIOp::create(
                      b, loc, vectorType,
                      vector::TransferReadOp::create(
                          b, loc, VectorType::get({lanes}, b.getI8Type()), input,
                          ValueRange{zero, inputRow, index(column), zero}, zero8,
                          ArrayRef<bool>{true})));
            Value &sum = sums[reach / stride];
            sum = LLVM::CallIntrinsicOp::create(
                      b, loc, vectorType, b.getStringAttr(intrinsic),
                      ValueRange{sum, activations, weights[tap]})
                      .getResult(0);
          }
        }
        scf::YieldOp::create(b, loc, sums);
      });
  Value result = output;
  for (int64_t column = 0; column < columns; ++column)
    result = vector::TransferWriteOp::create(
                 rewriter, loc, loop.getResult(column), result,
                 ValueRange{zero, zero, index(column), zero}, ArrayRef<bool>{true})
                 .getResult();
  rewriter.replaceOp(tile, result);
  return success();
}

} // namespace strata::cpu
