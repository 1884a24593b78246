//===- TileAndVectorize.cpp - CPU tiling and vectorization ------*- C++ -*-===//
//
// Implements strata-tile-and-vectorize, the CPU codegen strategy. Loop bounds
// are static, so tile sizes are chosen as exact divisors: every tile is a
// static op the vectorizer handles without masks, and no remainder loops are
// generated. The preferred tiles keep one accumulator tile in registers:
// (rows x 2 vectors) for matmul, (8 output channels x one vector of output
// columns) for convolution.
//
//===----------------------------------------------------------------------===//
#include "targets/cpu/Passes.h"
#include "targets/cpu/Int8DotProduct.h"
#include "targets/cpu/ScalarInt8Patterns.h"
#include "targets/halide/HalideGroups.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

namespace strata::cpu {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "targets/cpu/Passes.h.inc"
} // namespace strata::cpu

using namespace mlir;

namespace {

/// Marks the ops tiling produced until they are vectorized.
constexpr llvm::StringLiteral kVectorizeMarker = "strata.vectorize";

/// The largest divisor of `extent` that is at most `preferred` (0 = untiled).
int64_t exactTile(int64_t extent, int64_t preferred) {
  if (preferred <= 0 || extent <= preferred)
    return 0; // The whole loop: a tile size of 0 leaves it untiled.
  for (int64_t tile = preferred; tile > 1; --tile)
    if (extent % tile == 0)
      return tile;
  return 1;
}

/// exactTile for a loop whose preferred tile is whole vectors: the largest
/// multiple of `lanes` not above `preferred` that divides `extent`, when
/// there is one. 144 channels in tiles of 24 (exactTile's answer for 32)
/// would be vectors and a half; tiles of 16 are whole ones (1x1
/// convolutions over 144 channels ran 40% faster).
int64_t vectorTile(int64_t extent, int64_t preferred, int64_t lanes) {
  if (lanes > 1 && preferred >= lanes && preferred % lanes == 0 &&
      extent > preferred)
    for (int64_t tile = preferred; tile >= lanes; tile -= lanes)
      if (extent % tile == 0)
        return tile;
  return exactTile(extent, preferred);
}

/// The loop over output columns of a matmul, batch matmul or NHWC
/// convolution (its output channels): its tile is the accumulators' vectors.
std::optional<int64_t> outputColumnLoop(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp>(op))
    return 1;
  if (isa<linalg::BatchMatmulOp>(op))
    return 2;
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    return 3;
  return std::nullopt;
}

/// vectorTile for the output columns, which are not whole vectors and a
/// half: 24 channels on 16 lanes were, and LLVM assembles such vectors
/// element by element (MobileNetV2's 24-channel projections ran at an
/// eighth of peak). Those take tiles of half a vector, of at least 4 lanes
/// (not NEON's 2). Other odd extents (10 columns) stay one tile, as small
/// as they are.
int64_t columnTile(int64_t extent, int64_t preferred, int64_t lanes) {
  int64_t half = lanes / 2;
  if (half >= 4 && extent > lanes && extent % lanes != 0 && extent % half == 0)
    return half;
  return vectorTile(extent, preferred, lanes);
}

/// Every loop bound of `op` is static.
bool hasStaticLoops(linalg::LinalgOp op) {
  return !llvm::any_of(op.getStaticLoopRanges(),
                       [](int64_t bound) { return ShapedType::isDynamic(bound); });
}

/// Bool tensors are bytes in memory (the runtime ABI), but vector<Nxi1>
/// loads and stores are bit-packed: ops touching them stay scalar loops.
bool touchesBoolMemory(linalg::LinalgOp op) {
  return llvm::any_of(op->getOperandTypes(), [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return shaped && shaped.getElementType().isInteger(1);
  });
}

/// Tiles for a generic that reduces its innermost loops (softmax's sums,
/// normalizations' means): up to 8 rows of the last parallel loop, 1 of the
/// others and the reduction whole, at most `maxElements` elements, so that a
/// tile is one vector.multi_reduction. LLVM would leave these scalar: it may
/// not reorder a float sum.
SmallVector<int64_t> reductionTiles(linalg::LinalgOp op, int64_t maxElements) {
  auto iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  int64_t parallel = op.getNumParallelLoops();
  int64_t reduced = 1;
  for (auto [index, iterator] : llvm::enumerate(iterators)) {
    if (linalg::isReductionIterator(iterator) != (int64_t(index) >= parallel))
      return {}; // A reduction between parallel loops.
    if (linalg::isReductionIterator(iterator))
      reduced *= bounds[index];
  }
  if (parallel == 0 || reduced > maxElements)
    return {};
  SmallVector<int64_t> tiles(bounds.size(), 0);
  for (int64_t index = 0; index < parallel; ++index)
    tiles[index] = 1;
  tiles[parallel - 1] = std::clamp<int64_t>(maxElements / reduced, 1, 8);
  return tiles;
}

/// An int8 depthwise convolution (NHWC) into int32.
bool isInt8Depthwise(linalg::LinalgOp op) {
  return isa<linalg::DepthwiseConv2DNhwcHwcOp>(op) &&
         getElementTypeOrSelf(op.getDpsInputs()[0].getType()).isInteger(8) &&
         getElementTypeOrSelf(op->getResult(0).getType()).isInteger(32);
}

/// Whether a value in `op`'s body is a 64-bit integer.
bool computesInInt64(linalg::GenericOp op) {
  WalkResult found = op.getBody()->walk([](Operation *inner) {
    for (Type type : inner->getResultTypes())
      if (type.isInteger(64))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return found.wasInterrupted();
}

/// Whether `op` computes on integers (int8 pools, which no Halide group
/// takes).
bool hasIntegerElements(linalg::LinalgOp op) {
  return isa<IntegerType>(getElementTypeOrSelf(op->getResult(0).getType()));
}

/// Tiles of an int8 convolution's loops n, oh, ow, f, kh, kw, c that
/// emitInt8DotTile makes kernels of: one output row of a few columns by a
/// few output channels, over the whole filter. The kernel streams its filter
/// bytes, so a longer reduction costs no registers, and each output tile
/// loads and stores its accumulators once (per filter row, ResNet-18's
/// first layer spent most of its time there). With vectors, as for float,
/// 8 columns by two vectors of output channels; scalar (smlad), 2 columns
/// by 2 channels, or 1 by 4 for an odd number of columns: 4 accumulators
/// leave Cortex-M's 13 registers room for the operands.
SmallVector<int64_t> dotProductTiles(ArrayRef<int64_t> bounds, int64_t lanes,
                                     bool scalar) {
  if (!scalar)
    return {1, 1, 8, 2 * lanes, 0, 0, 0};
  bool pairs = bounds[2] % 2 == 0;
  return {1, 1, pairs ? 2 : 1, pairs ? 2 : 4, 0, 0, 0};
}

/// Preferred tile sizes per loop of `op`, or empty when `op` is not one the
/// strategy tiles. `dotProduct`: int8 convolutions become dot-product
/// kernels.
SmallVector<int64_t> preferredTiles(linalg::LinalgOp op, int64_t lanes,
                                    int64_t maxElements, bool dotProduct) {
  if (isa<linalg::MatmulOp>(op))
    return {8, 2 * lanes, lanes};
  if (isa<linalg::BatchMatmulOp>(op))
    return {1, 8, 2 * lanes, lanes};
  // Loops: n, oh, ow, f, kh, kw, c. One output row of 8 columns by two
  // vectors of output channels, one filter tap and one vector of input
  // channels at a time: unit kh so the tile decomposes into a 1-D
  // convolution, unit kw so that it is one vector.contract whose operands
  // fit in registers (a whole 3-wide window spilled: 1.5x slower).
  if (isa<linalg::Conv2DNhwcHwcfOp>(op)) {
    if (dotProduct && strata::cpu::isPackedForDotProduct(
                          cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation())))
      return dotProductTiles(op.getStaticLoopRanges(), lanes, lanes == 1);
    // A filter row of at most 4 taps x channels (KWS's first layer: 4 x 1)
    // is one tile, whose taps then accumulate in registers: 13% faster KWS.
    // Wider rows spill (ResNet-18's 7 x 3: 3% slower).
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    if (bounds[5] * bounds[6] <= 4)
      return {1, 1, 8, 2 * lanes, 1, 0, 0};
    return {1, 1, 8, 2 * lanes, 1, 1, lanes};
  }
  // Loops: n, oh, ow, c, kh, kw. Without vectors, an int8 one's output
  // tiles of 8 channels over the whole filter, its requantization fused: the
  // int32 accumulator is a tile, not a tensor (KWS's arena on the
  // Cortex-M4).
  if (lanes == 1 && isInt8Depthwise(op))
    return {1, 1, 1, 8, 0, 0};
  // An int8 one on VNNI (emitInt8DepthwiseTile): 16 columns by one vector
  // of channels over the whole filter, the accumulators in registers.
  if (auto depthwise = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation()))
    if (dotProduct && strata::cpu::isPackedForDepthwiseKernel(depthwise))
      return {1, 1, 16, lanes, 0, 0};
  // 16 columns by one vector of channels.
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(op))
    return {1, 1, 16, lanes, 1, 0};
  // Loops: n, f, oh, ow, c, kh, kw. Tiles of one output row, decomposable.
  if (isa<linalg::Conv2DNchwFchwOp>(op))
    return {1, 8, 1, lanes, 16, 1, 0};
  // Depthwise loops: n, oh, ow, c, kh, kw (NCHW order of the iteration space
  // is n, c, oh, ow, kh, kw).
  if (isa<linalg::DepthwiseConv2DNchwChwOp>(op))
    return {1, 8, 1, lanes, 1, 0};
  if (isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op))
    return {1, 8, 1, lanes, 1, 0};
  // Loops: n, oh, ow, c, kh, kw. Integer NHWC pools (int8 max pools: float
  // ones are Halide's) by 8 columns of one vector of channels (of their
  // element type: 64 bytes on AVX-512), over one filter row; left whole
  // they were scalar, ResNet-18 int8's max pool a quarter of its time.
  if (isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp>(op) &&
      hasIntegerElements(op)) {
    int64_t bits = getElementTypeOrSelf(op->getResult(0).getType()).getIntOrFloatBitWidth();
    return {1, 1, 8, lanes * 32 / bits, 1, 0};
  }
  if (isa<linalg::GenericOp>(op) && !linalg::isaContractionOpInterface(op) &&
      op.getNumReductionLoops() > 0)
    return reductionTiles(op, maxElements);
  if (isa<linalg::GenericOp>(op) && linalg::isaContractionOpInterface(op)) {
    // Parallel loops get a vector's worth at the innermost, 1 elsewhere;
    // reductions a few vectors.
    SmallVector<int64_t> tiles;
    auto iterators = op.getIteratorTypesArray();
    for (size_t i = 0; i < iterators.size(); ++i)
      tiles.push_back(linalg::isReductionIterator(iterators[i]) ? lanes
                      : i + 2 == iterators.size()                ? 2 * lanes
                                                                 : 8);
    return tiles;
  }
  return {};
}

int64_t iterationCount(linalg::LinalgOp op) {
  int64_t iterations = 1;
  for (int64_t bound : op.getStaticLoopRanges())
    iterations *= bound;
  return iterations;
}

bool isAllParallelGeneric(linalg::LinalgOp op) {
  return isa<linalg::GenericOp>(op) &&
         op.getNumLoops() == op.getNumParallelLoops();
}

/// Tiles that split evenly over a few threads: a loop of 3 tiles on 2
/// threads would leave one thread idle a third of the time.
constexpr int64_t kMinParallelTiles = 8;

/// The parallel loop of `op` that `tiles` tiles to spread over threads: the
/// first in `order` with at least kMinParallelTiles tiles (the loop order's
/// cache reuse stays), else the one with the most.
std::optional<int64_t> forallLoop(linalg::LinalgOp op, ArrayRef<int64_t> tiles,
                                  ArrayRef<int64_t> order) {
  auto iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  std::optional<int64_t> dim;
  int64_t mostTiles = 0;
  for (int64_t d : order) {
    if (tiles[d] == 0 || !linalg::isParallelIterator(iterators[d]))
      continue;
    int64_t count = bounds[d] / tiles[d];
    if (count >= kMinParallelTiles)
      return d;
    if (count > mostTiles) {
      mostTiles = count;
      dim = d;
    }
  }
  return dim;
}

/// Tiles one parallel dimension that `tiles` tiles as an scf.forall of the
/// same tile size, and returns the op inside, whose tiling then goes on with
/// that dimension done (its entry in `tiles` becomes 0). The dimension is
/// forallLoop's.
FailureOr<linalg::LinalgOp> tileParallelLoopAsForall(RewriterBase &rewriter,
                                                  linalg::LinalgOp op,
                                                  SmallVectorImpl<int64_t> &tiles,
                                                  ArrayRef<int64_t> order) {
  std::optional<int64_t> dim = forallLoop(op, tiles, order);
  if (!dim)
    return failure();
  SmallVector<int64_t> outer(tiles.size(), 0);
  outer[*dim] = tiles[*dim];
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op.getContext(), outer));
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  rewriter.setInsertionPoint(op);
  auto tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled) || tiled->tiledOps.size() != 1)
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  tiles[*dim] = 0;
  return cast<linalg::LinalgOp>(tiled->tiledOps.front());
}

/// A contraction generic reading constant float32 weights as B[n][k] (a
/// Gemm with trans_b: how PyTorch exports Linear) reads them as B[k][n]
/// instead, transposed once here, and becomes the linalg.matmul the tiling
/// below handles best: vectors then run along B's rows, the output's
/// columns. Only vector targets run this pass; scalar loops keep B[n][k],
/// whose reduction is the contiguous one.
void packTransposedWeights(IRRewriter &rewriter, func::FuncOp function) {
  SmallVector<linalg::GenericOp> candidates;
  function.walk([&](linalg::GenericOp op) {
    if (op.hasPureTensorSemantics() && op.getNumDpsInputs() == 2 &&
        op.getNumLoops() == 3 && linalg::isaContractionOpInterface(op))
      candidates.push_back(op);
  });
  MLIRContext *context = function.getContext();
  AffineExpr m = getAffineDimExpr(0, context), n = getAffineDimExpr(1, context),
             k = getAffineDimExpr(2, context);
  auto map = [&](AffineExpr row, AffineExpr col) {
    return AffineMap::get(3, 0, {row, col}, context);
  };
  for (linalg::GenericOp op : candidates) {
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    if (maps[0] != map(m, k) || maps[1] != map(n, k) || maps[2] != map(m, n))
      continue;
    DenseElementsAttr weights;
    if (!matchPattern(op.getDpsInputs()[1], m_Constant(&weights)) ||
        !weights.getElementType().isF32())
      continue;
    auto type = cast<RankedTensorType>(weights.getType());
    int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
    SmallVector<float> transposed(rows * cols);
    if (weights.isSplat()) {
      std::fill(transposed.begin(), transposed.end(), weights.getSplatValue<float>());
    } else {
      auto values = weights.getValues<float>();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          transposed[c * rows + r] = values[r * cols + c];
    }
    auto packedType = RankedTensorType::get({cols, rows}, type.getElementType());
    rewriter.setInsertionPoint(op);
    Value packed = arith::ConstantOp::create(
        rewriter, op.getLoc(), DenseElementsAttr::get(packedType, llvm::ArrayRef(transposed)));
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), op.getResultTypes(),
        ValueRange{op.getDpsInputs()[0], packed}, op.getDpsInits(),
        ArrayRef<AffineMap>{map(m, k), map(k, n), map(m, n)},
        op.getIteratorTypesArray());
    rewriter.inlineRegionBefore(op.getRegion(), generic.getRegion(),
                                generic.getRegion().begin());
    rewriter.replaceOp(op, generic->getResults());
    (void)linalg::specializeGenericOp(rewriter, generic);
  }
}

/// Weights whose rows (of output channels) are a multiple of this many bytes
/// get one cache line of padding per row.
constexpr int64_t kAliasingRowBytes = 512;

/// The constant float32 weights a convolution (HWCF filter) or a matmul
/// (B, batched or not) streams are stored with one more cache line per row
/// when their rows are a multiple of kAliasingRowBytes, and the op reads a
/// slice of them. A tile of output channels then reads rows that fall into
/// different cache sets: at 512 channels a power-of-two row stride mapped
/// each tile's 590 KB of weights onto an eighth of L2's sets, streamed again
/// from L3 for every row of outputs (ResNet-18's deepest convolutions ran
/// at half speed, some of its Winograd products at two thirds).
void padConstantWeightRows(IRRewriter &rewriter, func::FuncOp function) {
  SmallVector<linalg::LinalgOp> ops;
  function.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() &&
        isa<linalg::Conv2DNhwcHwcfOp, linalg::MatmulOp, linalg::BatchMatmulOp>(op))
      ops.push_back(op);
  });
  MLIRContext *context = function.getContext();
  for (linalg::LinalgOp op : ops) {
    DenseElementsAttr weights;
    if (!matchPattern(op.getDpsInputs()[1], m_Constant(&weights)) ||
        !weights.getElementType().isF32())
      continue;
    auto type = cast<RankedTensorType>(weights.getType());
    int64_t columns = type.getShape().back();
    if ((columns * 4) % kAliasingRowBytes != 0)
      continue;
    int64_t padded = columns + 16; // One 64-byte line.
    int64_t rows = type.getNumElements() / columns;
    auto values = weights.getValues<float>();
    std::vector<float> data(rows * padded, 0.0f);
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t column = 0; column < columns; ++column)
        data[row * padded + column] = values[row * columns + column];
    SmallVector<int64_t> shape(type.getShape());
    shape.back() = padded;
    auto paddedType = RankedTensorType::get(shape, type.getElementType());
    rewriter.setInsertionPoint(op);
    Location loc = op.getLoc();
    Value stored = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(paddedType, llvm::ArrayRef(data)));
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, type, stored,
        getAsIndexOpFoldResult(context, SmallVector<int64_t>(type.getRank(), 0)),
        getAsIndexOpFoldResult(context, type.getShape()),
        getAsIndexOpFoldResult(context, SmallVector<int64_t>(type.getRank(), 1)));
    rewriter.modifyOpInPlace(op, [&] { op->setOperand(1, slice); });
  }
}

/// The elementwise op a convolution's tiles can compute right after each
/// output tile: the convolution's only user, an all-parallel generic of the
/// same shape reading it with the identity map, not a Halide group. Of the
/// same element type or not (an int8 requantization of the int32
/// accumulator: the accumulator tile is then a buffer of its own in each
/// iteration, one arena slot per iteration of an scf.forall).
linalg::GenericOp elementwiseEpilogue(linalg::LinalgOp conv) {
  Value result = conv->getResult(0);
  if (!result.hasOneUse())
    return {};
  auto consumer = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  if (!consumer || !consumer.hasPureTensorSemantics() ||
      strata::halide::isHalideGroup(consumer) || consumer->getNumResults() != 1 ||
      consumer.getNumLoops() != 4 ||
      consumer.getNumLoops() != consumer.getNumParallelLoops())
    return {};
  auto resultType = cast<RankedTensorType>(result.getType());
  auto consumerType = cast<RankedTensorType>(consumer.getResult(0).getType());
  if (consumerType.getShape() != resultType.getShape())
    return {};
  AffineMap identity = AffineMap::getMultiDimIdentityMap(4, conv.getContext());
  for (OpOperand &operand : consumer->getOpOperands())
    if (operand.get() == result && consumer.getMatchingIndexingMap(&operand) != identity)
      return {};
  return consumer;
}

/// Tiles `epilogue` by `tiles` (its 4 loops, in `order`) and fuses into
/// the tile loops the convolution and the op producing the convolution's
/// init (its bias or zero fill), nothing else; returns the fused tiles, or
/// failure.
FailureOr<scf::SCFTileAndFuseResult>
tileWithConvolution(RewriterBase &rewriter, TilingInterface epilogue,
                    Operation *conv, Operation *init, ArrayRef<int64_t> tiles,
                    ArrayRef<int64_t> order, bool forall) {
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), tiles));
  tiling.setInterchange(order);
  if (forall)
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        Operation *op = producer.getOwner();
        if (op == conv || (init && op == init))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  rewriter.setInsertionPoint(epilogue);
  return scf::tileConsumerAndFuseProducersUsingSCF(rewriter, epilogue, options);
}

/// The tiled ops of `fused` replace what they were fused from, which is
/// then erased; returns the convolution tile and the init tile among them.
std::pair<Operation *, Operation *>
replaceFused(RewriterBase &rewriter, const scf::SCFTileAndFuseResult &fused,
             ArrayRef<Operation *> originals) {
  for (auto [original, replacement] : fused.replacements)
    rewriter.replaceAllUsesWith(original, replacement);
  for (Operation *original : originals)
    if (original && original->use_empty())
      rewriter.eraseOp(original);
  Operation *conv = nullptr, *init = nullptr;
  for (Operation *tiled : fused.tiledAndFusedOps.getArrayRef().drop_front()) {
    if (isa<linalg::Conv2DNhwcHwcfOp, linalg::DepthwiseConv2DNhwcHwcOp>(tiled))
      conv = tiled;
    else
      init = tiled;
  }
  return {conv, init};
}

/// Makes the fused init tile `init` write the slice the epilogue tile
/// `epilogue` writes, the one its loop carries. Tile-and-fuse leaves the
/// init writing a slice of the tensor it started from, defined outside the
/// loop: bufferization then gives every iteration a private buffer, which in
/// an scf.forall would be one arena slot shared by all threads. Neither op
/// reads what its destination held, so the init, the convolution
/// accumulating into it and the epilogue then all work in place in the
/// loop's own slice.
void writeInitIntoEpilogueSlice(RewriterBase &rewriter, Operation *init,
                                Operation *epilogue) {
  OpOperand *initDest = cast<DestinationStyleOpInterface>(init).getDpsInitOperand(0);
  Value slice = cast<DestinationStyleOpInterface>(epilogue).getDpsInitOperand(0)->get();
  if (initDest->get() == slice || initDest->get().getType() != slice.getType())
    return;
  if (failed(moveValueDefinitions(rewriter, slice, init)))
    return; // Stays as it is: correct, with a copy.
  rewriter.modifyOpInPlace(init, [&] { initDest->set(slice); });
}

/// Tiles an NHWC convolution that has an elementwise epilogue together with
/// it and with the op computing its init (a bias broadcast or zero fill
/// only it reads): the epilogue is tiled by the convolution's output tiles,
/// output channels outermost (when `spread`, the forall runs along the loop
/// forallLoop picks, as for any other op), the other two
/// fused into its tile loop, and the convolution tile then tiled along its
/// reduction. Each output tile is then initialized, accumulated and
/// finished while in cache, in the slice of the result the tile loop
/// carries, instead of three passes over the whole output: in one run,
/// MobileNetV2 4.32 to 4.00 ms on one thread, ResNet-18 7.78 to 7.17 ms on
/// two. Fails, changing nothing, without an epilogue or without an init
/// only the convolution reads.
LogicalResult tileConvolutionWithEpilogue(RewriterBase &rewriter,
                                          linalg::LinalgOp conv,
                                          ArrayRef<int64_t> tiles, bool spread) {
  linalg::GenericOp epilogue = elementwiseEpilogue(conv);
  if (!epilogue)
    return failure();
  // The init tile and the epilogue tile come to share a destination
  // (writeInitIntoEpilogueSlice): neither may read what it held.
  auto readsDestination = [](linalg::LinalgOp op) {
    return op.payloadUsesValueFromOperand(op.getDpsInitOperand(0));
  };
  Operation *init = conv.getDpsInits()[0].getDefiningOp();
  auto initOp = dyn_cast_or_null<linalg::LinalgOp>(init);
  if (!initOp || !init->hasOneUse() || !isa<linalg::FillOp, linalg::GenericOp>(init) ||
      readsDestination(initOp) || readsDestination(epilogue))
    return failure();
  Operation *convOp = conv;
  auto consumer = cast<TilingInterface>(epilogue.getOperation());
  // Output channels outermost for a convolution (its block of filters
  // stays in cache); a depthwise one reads one input channel per output
  // channel, so its tiles sweep channels innermost, each input row once.
  SmallVector<int64_t> order = {3, 0, 1, 2};
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(conv))
    order = {0, 1, 2, 3};
  // Tiles `op` (a convolution tile the fusion left alone) by `sizes` for
  // vectorization.
  auto tileAlone = [&](Operation *op, ArrayRef<int64_t> sizes) {
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
    rewriter.setInsertionPoint(op);
    auto tiled = scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
    if (failed(tiled))
      return; // Correct as it is, only slower.
    for (Operation *tile : tiled->tiledOps)
      tile->setAttr(kVectorizeMarker, rewriter.getUnitAttr());
    rewriter.replaceOp(op, tiled->replacements);
  };
  // The output tiles left to the serial loops once the forall took its own.
  SmallVector<int64_t> outputTiles(tiles.begin(), tiles.begin() + 4);
  if (spread) {
    // The forall runs along the loop tileParallelLoopAsForall would pick:
    // output channels when there are enough tiles of them, else rows (3
    // tiles of MobileNetV2's 96 channels left one of two threads idle a
    // third of the time).
    std::optional<int64_t> dim = forallLoop(conv, tiles, order);
    if (!dim)
      return failure();
    SmallVector<int64_t> forallTiles(4, 0);
    forallTiles[*dim] = tiles[*dim];
    outputTiles[*dim] = 0;
    auto outer = tileWithConvolution(rewriter, consumer, convOp, init,
                                     forallTiles, order, /*forall=*/true);
    if (failed(outer))
      return failure();
    bool fused = outer->fusedProducers.contains(convOp);
    std::tie(convOp, init) =
        replaceFused(rewriter, *outer, {epilogue.getOperation(), convOp, init});
    consumer = cast<TilingInterface>(outer->tiledAndFusedOps.front());
    if (!fused || !convOp)
      return failure(); // The convolution is still whole, and tiled as any
                        // other.
    if (init)
      writeInitIntoEpilogueSlice(rewriter, init, consumer);
  }
  auto inner = tileWithConvolution(rewriter, consumer, convOp, init, outputTiles,
                                   order, /*forall=*/false);
  bool fused = succeeded(inner) && inner->fusedProducers.contains(convOp);
  Operation *convTile = nullptr, *initTile = nullptr;
  if (succeeded(inner))
    std::tie(convTile, initTile) =
        replaceFused(rewriter, *inner, {consumer.getOperation(), fused ? convOp : nullptr,
                                        fused ? init : nullptr});
  if (fused && initTile)
    writeInitIntoEpilogueSlice(rewriter, initTile, inner->tiledAndFusedOps.front());
  if (!fused || !convTile) {
    if (!spread)
      return failure(); // The convolution is untouched: tiled as any other.
    SmallVector<int64_t> convTiles(outputTiles);
    llvm::append_range(convTiles, tiles.drop_front(4));
    tileAlone(convOp, convTiles);
    return success();
  }
  SmallVector<int64_t> reductionTiles(4, 0);
  llvm::append_range(reductionTiles, tiles.drop_front(4));
  tileAlone(convTile, reductionTiles);
  return success();
}

struct TileAndVectorizePass
    : strata::cpu::impl::TileAndVectorizeBase<TileAndVectorizePass> {
  using TileAndVectorizeBase::TileAndVectorizeBase;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    MLIRContext *context = &getContext();
    int64_t lanes = std::max<int64_t>(vectorBits / 32, 1);
    // Without vectors (Cortex-M4/M7) only int8 convolutions on a dot
    // product are tiled, and nothing is vectorized.
    bool scalar = vectorBits == 0;
    IRRewriter rewriter(context);
    std::optional<std::optional<strata::cpu::DotProduct>> dot =
        strata::cpu::parseDotProduct(dotProduct);
    if (!dot) {
      function.emitError() << "unknown dot-product '" << dotProduct
                           << "' (supported: vpdpbusd, smlad, sdot)";
      return signalPassFailure();
    }
    if (scalar && !*dot)
      return;

    // 0. Weights read transposed are transposed once, at compile time, and
    //    rows of a power-of-two size are padded.
    if (!scalar)
      packTransposedWeights(rewriter, function);
    if (padWeightRows && !scalar)
      padConstantWeightRows(rewriter, function);
    if (*dot)
      strata::cpu::convertInt8MatmulsToConvolutions(rewriter, function);
    if (*dot == strata::cpu::DotProduct::Vpdpbusd && !scalar)
      strata::cpu::packInt8DepthwiseFilters(rewriter, function);
    if (*dot)
      strata::cpu::packInt8ConvolutionFilters(
          rewriter, function, **dot, [&](linalg::Conv2DNhwcHwcfOp conv) {
            // The output-channel tile step 1 picks.
            SmallVector<int64_t> bounds = conv.getStaticLoopRanges();
            int64_t tile = columnTile(
                bounds[3], dotProductTiles(bounds, lanes, scalar)[3], lanes);
            return tile ? tile : bounds[3];
          });

    // 1. Tile the heavy ops with exact divisors of their static bounds.
    SmallVector<linalg::LinalgOp> candidates;
    function.walk([&](linalg::LinalgOp op) {
      auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
      if (scalar && !(conv && strata::cpu::isPackedForDotProduct(conv)) &&
          !isInt8Depthwise(op))
        return;
      if (op.hasPureTensorSemantics() && hasStaticLoops(op) &&
          !strata::halide::isHalideGroup(op) &&
          !preferredTiles(op, lanes, maxVectorElements, dot->has_value()).empty())
        candidates.push_back(op);
    });
    for (linalg::LinalgOp op : candidates) {
      SmallVector<int64_t> bounds = op.getStaticLoopRanges();
      SmallVector<int64_t> preferred =
          preferredTiles(op, lanes, maxVectorElements, dot->has_value());
      SmallVector<int64_t> tiles;
      std::optional<int64_t> columns = outputColumnLoop(op);
      for (auto [index, bound, want] : llvm::enumerate(bounds, preferred))
        tiles.push_back(columns == int64_t(index) ? columnTile(bound, want, lanes)
                                                  : vectorTile(bound, want, lanes));
      if (llvm::all_of(tiles, [](int64_t t) { return t == 0; })) {
        // One tile already; a dot-product convolution's still becomes a
        // kernel (1c).
        auto depthwise = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation());
        if (dot->has_value() &&
            (isa<linalg::Conv2DNhwcHwcfOp>(op) ||
             (depthwise && strata::cpu::isPackedForDepthwiseKernel(depthwise))))
          op->setAttr(kVectorizeMarker, rewriter.getUnitAttr());
        continue;
      }
      // Output channels outermost: one block of filters stays in cache while
      // every output pixel uses it, instead of all filters streaming through
      // once per output row (deep layers' filters are megabytes).
      SmallVector<int64_t> order =
          llvm::to_vector(llvm::seq<int64_t>(0, tiles.size()));
      if (isa<linalg::Conv2DNhwcHwcfOp>(op))
        order = {3, 0, 1, 2, 4, 5, 6};
      if (isa<linalg::Conv2DNhwcHwcfOp>(op) || isInt8Depthwise(op))
        if (succeeded(tileConvolutionWithEpilogue(
                rewriter, op, tiles,
                parallelLoops && iterationCount(op) >= minParallelIterations)))
          continue;
      if (parallelLoops && iterationCount(op) >= minParallelIterations) {
        FailureOr<linalg::LinalgOp> inner = tileParallelLoopAsForall(
            rewriter, op, tiles, order);
        if (succeeded(inner))
          op = *inner;
        if (llvm::all_of(tiles, [](int64_t t) { return t == 0; })) {
          op->setAttr(kVectorizeMarker, rewriter.getUnitAttr());
          continue; // The forall's body is one tile.
        }
      }
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(context, tiles));
      options.setInterchange(order);
      rewriter.setInsertionPoint(op);
      auto tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled))
        continue; // Leaves the op whole: correct, only slower.
      for (Operation *tile : tiled->tiledOps)
        tile->setAttr(kVectorizeMarker, rewriter.getUnitAttr());
      rewriter.replaceOp(op, tiled->replacements);
    }

    // 1b. Large elementwise ops (a ReLU6 after a convolution, a residual
    //     add) are spread too, one slice of their first long dimension per
    //     index: left serial, they were half of MobileNetV2's time on two
    //     threads. Their loops stay for LLVM to vectorize.
    if (parallelLoops) {
      SmallVector<linalg::GenericOp> elementwise;
      function.walk([&](linalg::GenericOp op) {
        if (op.hasPureTensorSemantics() && hasStaticLoops(op) &&
            !strata::halide::isHalideGroup(op) &&
            !strata::cpu::isPackedFilterUnpack(op) &&
            !strata::cpu::isDepthwiseFilterUnpack(op) &&
            op.getNumLoops() == op.getNumParallelLoops() &&
            !op->getParentOfType<scf::ForallOp>() &&
            iterationCount(op) * strata::cpu::kElementwiseWeight >=
                minParallelIterations)
          elementwise.push_back(op);
      });
      for (linalg::GenericOp op : elementwise) {
        SmallVector<int64_t> bounds = op.getStaticLoopRanges();
        SmallVector<int64_t> tiles(bounds.size(), 0);
        auto longDim = llvm::find_if(
            bounds, [](int64_t bound) { return bound >= kMinParallelTiles; });
        if (longDim == bounds.end())
          continue;
        tiles[longDim - bounds.begin()] = 1;
        SmallVector<int64_t> order =
            llvm::to_vector(llvm::seq<int64_t>(0, tiles.size()));
        (void)tileParallelLoopAsForall(rewriter, op, tiles, order);
      }
    }

    // 1c. int8 convolution tiles become dot-product kernels where the
    //     target has the instruction.
    if (*dot) {
      SmallVector<linalg::Conv2DNhwcHwcfOp> tiles;
      function.walk([&](linalg::Conv2DNhwcHwcfOp op) {
        if (op->hasAttr(kVectorizeMarker))
          tiles.push_back(op);
      });
      for (linalg::Conv2DNhwcHwcfOp tile : tiles)
        (void)strata::cpu::emitInt8DotTile(rewriter, tile, **dot, lanes);
      SmallVector<linalg::DepthwiseConv2DNhwcHwcOp> depthwiseTiles;
      function.walk([&](linalg::DepthwiseConv2DNhwcHwcOp op) {
        if (op->hasAttr(kVectorizeMarker) && strata::cpu::isPackedForDepthwiseKernel(op))
          depthwiseTiles.push_back(op);
      });
      for (linalg::DepthwiseConv2DNhwcHwcOp tile : depthwiseTiles)
        (void)strata::cpu::emitInt8DepthwiseTile(rewriter, tile, lanes);
    }
    if (!scalar) {
      // Accumulator tiles fused with their requantization become buffers
      // of their own, not slices of the whole accumulator.
      RewritePatternSet patterns(context);
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
      strata::cpu::populateAccumulatorTilePatterns(patterns);
      (void)applyPatternsGreedily(function, std::move(patterns));
    }
    if (scalar) {
      // The tiles the kernels replaced leave their slices behind; the int8
      // cleanups (ScalarInt8Patterns.h) make accumulators tiles and spare
      // the pool its float copies.
      RewritePatternSet patterns(context);
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
      strata::cpu::populateScalarInt8Patterns(patterns);
      (void)applyPatternsGreedily(function, std::move(patterns));
      return;
    }

    // 2. Tiled 2-D convolutions and pools with unit height become 1-D ones.
    {
      RewritePatternSet patterns(context);
      linalg::populateDecomposeConvolutionPatterns(patterns);
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
      scf::ForOp::getCanonicalizationPatterns(patterns, context);
      if (failed(applyPatternsGreedily(function, std::move(patterns))))
        return signalPassFailure();
    }

    // 2b. A small elementwise op that computes in int64 (a requantization)
    //     is split into one-vector tiles of its innermost dimension:
    //     vectorized whole, its int64 values filled every register and
    //     became shuffles and spills, more than half of MobileNetV2 int8's
    //     convolution tiles' time.
    {
      SmallVector<linalg::GenericOp> wide;
      function.walk([&](linalg::GenericOp op) {
        if (op.hasPureTensorSemantics() && hasStaticLoops(op) &&
            op.getNumLoops() == op.getNumParallelLoops() && op.getNumLoops() > 0 &&
            iterationCount(op) <= maxVectorElements &&
            op.getStaticLoopRanges().back() % lanes == 0 &&
            iterationCount(op) > lanes && computesInInt64(op))
          wide.push_back(op);
      });
      for (linalg::GenericOp op : wide) {
        SmallVector<int64_t> tiles(op.getNumLoops(), 1);
        tiles.back() = lanes;
        scf::SCFTilingOptions options;
        options.setTileSizes(getAsIndexOpFoldResult(context, tiles));
        rewriter.setInsertionPoint(op);
        auto tiled = scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()),
                                       options);
        if (failed(tiled))
          continue; // Vectorized whole: correct, only slower.
        rewriter.replaceOp(op, tiled->replacements);
      }
    }

    // 3. Vectorize the tiles (and what decomposing them produced) and every
    //    other small static linalg op.
    SmallVector<linalg::LinalgOp> small;
    function.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || !hasStaticLoops(op) ||
          strata::halide::isHalideGroup(op) || touchesBoolMemory(op))
        return;
      bool isTile = op->hasAttr(kVectorizeMarker) ||
                    isa<linalg::Conv1DNcwFcwOp, linalg::DepthwiseConv1DNcwCwOp,
                        linalg::Conv1DNwcWcfOp, linalg::DepthwiseConv1DNwcWcOp,
                        linalg::PoolingNcwMaxOp, linalg::PoolingNcwSumOp,
                        linalg::PoolingNwcMaxOp, linalg::PoolingNwcSumOp>(op);
      op->removeAttr(kVectorizeMarker);
      if (isTile || iterationCount(op) <= maxVectorElements)
        small.push_back(op);
    });
    for (linalg::LinalgOp op : small) {
      rewriter.setInsertionPoint(op);
      // Contractions become one vector.contract in canonical matmul form
      // (not a broadcast product and a reduction), which lowers to FMAs.
      bool isContraction = linalg::isaContractionOpInterface(op);
      FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
          rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
          /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/isContraction);
      if (failed(vectorized))
        continue; // Not vectorizable (e.g. gathers): stays scalar loops.
      rewriter.replaceOp(op, vectorized->replacements);
    }

    // 4. Clean the vector code up for lowering.
    RewritePatternSet patterns(context);
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, context);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(function, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

bool strata::cpu::spreadsOverThreads(linalg::LinalgOp op) {
  int64_t weight = isAllParallelGeneric(op) ? kElementwiseWeight : 1;
  return hasStaticLoops(op) &&
         iterationCount(op) * weight >= kMinParallelIterations;
}
