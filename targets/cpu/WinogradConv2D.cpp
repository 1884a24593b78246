//===- WinogradConv2D.cpp - 3x3 convolutions as Winograd products -*- C++ -*-===//
//
// Implements strata-winograd-conv2d. A 3x3 stride-1 convolution with
// constant weights computes each m x m block of outputs from an (m+2) x
// (m+2) block of inputs with (m+2)^2 multiply-adds per channel pair instead
// of 9 m^2 (Lavin and Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016): 2.25x fewer for F(2x2, 3x3), 4x fewer for F(4x4, 3x3).
// The filter transform runs here, at compile time; the input and output
// transforms are vector loops over blocks and channels, and the products
// are one linalg.batch_matmul, so the CPU strategy's matmul tiles do the
// work.
//
//===----------------------------------------------------------------------===//
#include "targets/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace strata::cpu {
#define GEN_PASS_DEF_WINOGRADCONV2D
#include "targets/cpu/Passes.h.inc"
} // namespace strata::cpu

using namespace mlir;

namespace {

/// The matrices of F(m x m, 3 x 3): outputs = AT [(G g GT) * (BT d B)] A for
/// a 3x3 filter g and an alpha x alpha input block d, alpha = m + 2.
struct WinogradMatrices {
  int64_t alpha;
  ArrayRef<double> bt; // alpha x alpha
  ArrayRef<double> g;  // alpha x 3
  ArrayRef<double> at; // m x alpha
};

// Interpolation points 0, 1, -1 and infinity.
constexpr double kBT2[] = {1, 0, -1, 0,  //
                           0, 1, 1,  0,  //
                           0, -1, 1, 0,  //
                           0, 1,  0, -1};
constexpr double kG2[] = {1,   0,    0,    //
                          0.5, 0.5,  0.5,  //
                          0.5, -0.5, 0.5,  //
                          0,   0,    1};
constexpr double kAT2[] = {1, 1, 1,  0, //
                           0, 1, -1, -1};

// Interpolation points 0, 1, -1, 2, -2 and infinity.
constexpr double kBT4[] = {4, 0,  -5, 0,  1, 0, //
                           0, -4, -4, 1,  1, 0, //
                           0, 4,  -4, -1, 1, 0, //
                           0, -2, -1, 2,  1, 0, //
                           0, 2,  -1, -2, 1, 0, //
                           0, 4,  0,  -5, 0, 1};
constexpr double kG4[] = {1.0 / 4,   0,          0,         //
                          -1.0 / 6,  -1.0 / 6,   -1.0 / 6,  //
                          -1.0 / 6,  1.0 / 6,    -1.0 / 6,  //
                          1.0 / 24,  1.0 / 12,   1.0 / 6,   //
                          1.0 / 24,  -1.0 / 12,  1.0 / 6,   //
                          0,         0,          1};
constexpr double kAT4[] = {1, 1, 1,  1, 1,  0, //
                           0, 1, -1, 2, -2, 0, //
                           0, 1, 1,  4, 4,  0, //
                           0, 1, -1, 8, -8, 1};

WinogradMatrices matricesFor(int64_t m) {
  if (m == 2)
    return {4, kBT2, kG2, kAT2};
  return {6, kBT4, kG4, kAT4};
}

/// Fewest input and output channels: each transformed value feeds C (or F)
/// multiply-adds, so with few channels the transforms dominate. A guess, not
/// tuned.
constexpr int64_t kMinChannels = 16;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A constant of `type` (f32 or a vector of f32) with every element `value`.
Value splat(OpBuilder &b, Location loc, Type type, double value) {
  if (auto vector = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(
        b, loc, vector,
        DenseElementsAttr::get(vector, b.getFloatAttr(vector.getElementType(), value)));
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

/// Builds sum_k coefficients[k] * values[k] with the zeros skipped and the
/// ones as plain additions; `contract` lets LLVM fuse the products into
/// FMAs.
Value linearCombination(OpBuilder &b, Location loc, ArrayRef<double> coefficients,
                        ArrayRef<Value> values) {
  auto contract =
      arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::contract);
  Type type = values.front().getType();
  Value sum;
  for (auto [coefficient, value] : llvm::zip(coefficients, values)) {
    if (coefficient == 0)
      continue;
    double magnitude = std::abs(coefficient);
    Value term = value;
    if (magnitude != 1)
      term = arith::MulFOp::create(b, loc, value, splat(b, loc, type, magnitude),
                                   contract);
    if (!sum) {
      sum = coefficient < 0
                ? Value(arith::NegFOp::create(b, loc, term, contract))
                : term;
      continue;
    }
    sum = coefficient < 0
              ? Value(arith::SubFOp::create(b, loc, sum, term, contract))
              : Value(arith::AddFOp::create(b, loc, sum, term, contract));
  }
  return sum ? sum : splat(b, loc, type, 0.0);
}

/// L x block x R^T for a rows x cols `block` (row-major), L of lRows x rows
/// and R of rRows x cols: two passes of linear combinations.
SmallVector<Value> transformBlock(OpBuilder &b, Location loc, ArrayRef<Value> block,
                                  int64_t rows, int64_t cols, ArrayRef<double> left,
                                  int64_t leftRows, ArrayRef<double> right,
                                  int64_t rightRows) {
  // Rows first: partial[p][j] = sum_i left[p][i] block[i][j].
  SmallVector<Value> partial;
  for (int64_t p = 0; p < leftRows; ++p)
    for (int64_t j = 0; j < cols; ++j) {
      SmallVector<Value> column;
      for (int64_t i = 0; i < rows; ++i)
        column.push_back(block[i * cols + j]);
      partial.push_back(
          linearCombination(b, loc, left.slice(p * rows, rows), column));
    }
  // Then columns: result[p][q] = sum_j right[q][j] partial[p][j].
  SmallVector<Value> result;
  for (int64_t p = 0; p < leftRows; ++p)
    for (int64_t q = 0; q < rightRows; ++q)
      result.push_back(linearCombination(
          b, loc, right.slice(q * cols, cols),
          ArrayRef<Value>(partial).slice(p * cols, cols)));
  return result;
}

/// U[xi][nu][c][f] = (G g[:, :, c, f] GT)[xi][nu], as an (alpha^2) x C x F
/// constant: the batch matmul's right operand.
DenseElementsAttr transformFilter(DenseElementsAttr filter,
                                  const WinogradMatrices &w, int64_t c, int64_t f) {
  int64_t a = w.alpha, pairs = c * f;
  SmallVector<float> g;
  if (filter.isSplat())
    g.assign(9 * pairs, filter.getSplatValue<float>());
  else
    g = llvm::to_vector(filter.getValues<float>());
  std::vector<float> u(a * a * pairs);
  std::vector<double> partial(a * 3);
  for (int64_t pair = 0; pair < pairs; ++pair) {
    // partial = G g (alpha x 3), then U = partial GT (alpha x alpha).
    for (int64_t p = 0; p < a; ++p)
      for (int64_t j = 0; j < 3; ++j) {
        double sum = 0;
        for (int64_t i = 0; i < 3; ++i)
          sum += w.g[p * 3 + i] * g[(i * 3 + j) * pairs + pair];
        partial[p * 3 + j] = sum;
      }
    for (int64_t p = 0; p < a; ++p)
      for (int64_t q = 0; q < a; ++q) {
        double sum = 0;
        for (int64_t j = 0; j < 3; ++j)
          sum += partial[p * 3 + j] * w.g[q * 3 + j];
        u[(p * a + q) * pairs + pair] = static_cast<float>(sum);
      }
  }
  auto type = RankedTensorType::get({a * a, c, f}, Float32Type::get(filter.getContext()));
  return DenseElementsAttr::get(type, llvm::ArrayRef(u));
}

/// The block size m to use for `conv`, or 0 to leave it direct: F(4,3)
/// when it makes at least `minTiles` output blocks, else F(2,3) when that
/// does (fewer, larger blocks have too little reuse of the transformed
/// weights, which are (m+2)^2/9 times the weights' size).
int64_t chooseBlockSize(linalg::Conv2DNhwcHwcfOp conv, int64_t minTiles,
                        int64_t lanes) {
  auto input = cast<RankedTensorType>(conv.getInputs()[0].getType());
  auto filter = cast<RankedTensorType>(conv.getInputs()[1].getType());
  auto output = cast<RankedTensorType>(conv.getOutputs()[0].getType());
  if (!input.hasStaticShape() || !output.hasStaticShape() ||
      !filter.hasStaticShape() || !filter.getElementType().isF32() ||
      !input.getElementType().isF32() || !output.getElementType().isF32())
    return 0;
  int64_t c = filter.getDimSize(2), f = filter.getDimSize(3);
  if (filter.getDimSize(0) != 3 || filter.getDimSize(1) != 3 ||
      c < kMinChannels || f < kMinChannels || c % lanes || f % lanes)
    return 0;
  auto allOnes = [](DenseIntElementsAttr attr) {
    return llvm::all_of(attr.getValues<int64_t>(), [](int64_t v) { return v == 1; });
  };
  if (!allOnes(conv.getStrides()) || !allOnes(conv.getDilations()))
    return 0;
  DenseElementsAttr weights; // Not a resource: its values are needed here.
  if (!matchPattern(conv.getInputs()[1], m_Constant(&weights)))
    return 0;
  int64_t n = output.getDimSize(0), oh = output.getDimSize(1),
          ow = output.getDimSize(2);
  for (int64_t m : {4, 2})
    if (n * ceilDiv(oh, m) * ceilDiv(ow, m) >= minTiles)
      return m;
  return 0;
}

/// A static or dynamic slice: offsets, sizes and strides.
struct Slice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

/// One iteration of a transform's outer loop: a row of blocks and a group of
/// channels (the first of them).
struct Task {
  Value row;
  Value channel;
};

/// How a transform's rows of blocks become tasks.
struct TaskSplit {
  bool parallel;
  int64_t groups;
  int64_t groupSize;
};

/// Tasks that keep two threads busy: rows of blocks, each split into the
/// fewest groups of channels (halving, whole vectors) that make at least 8
/// tasks. A loop of 7 rows left one of two threads idle an eighth of the
/// time.
int64_t channelGroups(int64_t rows, int64_t channels, int64_t lanes, bool parallel) {
  int64_t groups = 1;
  while (parallel && rows * groups < 8 && channels % (2 * groups * lanes) == 0)
    groups *= 2;
  return groups;
}

/// Runs `body` once per task (row r of blocks, group g of `groups` channel
/// groups), in order r * groups + g; each returns the new contents of its
/// own slice of `dest` (`sliceOf(task)`). With `parallel` the tasks are an
/// scf.forall, which strata-outline-parallel-loops gives to the executor's
/// threads; otherwise an scf.for.
Value forEachTask(OpBuilder &b, Location loc, int64_t rows, int64_t groups,
                  int64_t groupSize, bool parallel, Value dest,
                  function_ref<Slice(OpBuilder &, Location, Task)> sliceOf,
                  function_ref<Value(OpBuilder &, Location, Task, Value)> body) {
  auto taskOf = [&](OpBuilder &nested, Location l, Value index) {
    if (groups == 1)
      return Task{index, arith::ConstantIndexOp::create(nested, l, 0)};
    Value count = arith::ConstantIndexOp::create(nested, l, groups);
    Value group = arith::RemUIOp::create(nested, l, index, count);
    return Task{arith::DivUIOp::create(nested, l, index, count),
                arith::MulIOp::create(
                    nested, l, group,
                    arith::ConstantIndexOp::create(nested, l, groupSize))};
  };
  int64_t tasks = rows * groups;
  if (parallel) {
    auto forall = scf::ForallOp::create(b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(tasks)},
                                        ValueRange{dest}, std::nullopt);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forall.getBody());
    Task task = taskOf(b, loc, forall.getInductionVar(0));
    Value shared = forall.getRegionIterArgs().front();
    Slice slice = sliceOf(b, loc, task);
    Value part = tensor::ExtractSliceOp::create(b, loc, shared, slice.offsets,
                                                slice.sizes, slice.strides);
    Value result = body(b, loc, task, part);
    b.setInsertionPointToStart(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(b, loc, result, shared, slice.offsets,
                                          slice.sizes, slice.strides);
    return forall.getResult(0);
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value count = arith::ConstantIndexOp::create(b, loc, tasks);
  auto loop = scf::ForOp::create(
      b, loc, zero, count, one, ValueRange{dest},
      [&](OpBuilder &nested, Location l, Value index, ValueRange carried) {
        Task task = taskOf(nested, l, index);
        Slice slice = sliceOf(nested, l, task);
        Value part = tensor::ExtractSliceOp::create(nested, l, carried.front(),
                                                    slice.offsets, slice.sizes,
                                                    slice.strides);
        Value result = body(nested, l, task, part);
        Value updated = tensor::InsertSliceOp::create(
            nested, l, result, carried.front(), slice.offsets, slice.sizes,
            slice.strides);
        scf::YieldOp::create(nested, l, updated);
      });
  return loop.getResult(0);
}

/// Runs `body` for every block column and every vector of `channels` (from
/// 0: the task's slice's own), threading `dest` (that slice) through it.
Value forEachBlockAndVector(
    OpBuilder &b, Location loc, int64_t columns, int64_t channels, int64_t lanes,
    Value dest, function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value zero = constant(0);
  auto outer = scf::ForOp::create(
      b, loc, zero, constant(columns), constant(1), ValueRange{dest},
      [&](OpBuilder &ob, Location ol, Value column, ValueRange carried) {
        auto inner = scf::ForOp::create(
            ob, ol, zero, constant(channels), constant(lanes), carried,
            [&](OpBuilder &ib, Location il, Value channel, ValueRange acc) {
              scf::YieldOp::create(ib, il, body(ib, il, column, channel, acc.front()));
            });
        scf::YieldOp::create(ob, ol, inner.getResult(0));
      });
  return outer.getResult(0);
}

Value addIndex(OpBuilder &b, Location loc, Value base, int64_t offset) {
  if (offset == 0)
    return base;
  return arith::AddIOp::create(b, loc, base, arith::ConstantIndexOp::create(b, loc, offset));
}

/// base, base + 1, ..., base + count - 1.
SmallVector<Value> offsetsFrom(OpBuilder &b, Location loc, Value base, int64_t count) {
  SmallVector<Value> offsets;
  for (int64_t i = 0; i < count; ++i)
    offsets.push_back(addIndex(b, loc, base, i));
  return offsets;
}

Value mulIndex(OpBuilder &b, Location loc, Value base, int64_t factor) {
  if (factor == 1)
    return base;
  return arith::MulIOp::create(b, loc, base, arith::ConstantIndexOp::create(b, loc, factor));
}

/// The pass's knobs, from its options.
struct Strategy {
  int64_t lanes;
  bool parallelLoops;
};

/// Replaces `conv` by the Winograd form with blocks of m x m outputs.
void rewriteConv(IRRewriter &rewriter, linalg::Conv2DNhwcHwcfOp conv, int64_t m,
                 const Strategy &strategy) {
  WinogradMatrices w = matricesFor(m);
  Location loc = conv.getLoc();
  Value input = conv.getInputs()[0], init = conv.getOutputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  Type f32 = inputType.getElementType();
  int64_t n = outputType.getDimSize(0), oh = outputType.getDimSize(1),
          ow = outputType.getDimSize(2), f = outputType.getDimSize(3);
  int64_t c = inputType.getDimSize(3), a = w.alpha, lanes = strategy.lanes;
  int64_t th = ceilDiv(oh, m), tw = ceilDiv(ow, m);
  int64_t blocks = n * th * tw;
  auto vectorType = VectorType::get({lanes}, f32);
  rewriter.setInsertionPoint(conv);
  Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getFloatAttr(f32, 0.0));
  auto spread = [&](int64_t written) {
    return strategy.parallelLoops &&
           written * strata::cpu::kElementwiseWeight >=
               strata::cpu::kMinParallelIterations;
  };
  // A transform writing `written` elements over `channels` channels: in
  // parallel or not, and in how many channel groups per row of blocks.
  auto split = [&](int64_t written, int64_t channels) {
    bool parallel = spread(written);
    int64_t groups = channelGroups(n * th, channels, lanes, parallel);
    return TaskSplit{parallel, groups, channels / groups};
  };
  auto index = [&](OpBuilder &b, Location l, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, l, v);
  };
  // Block row r is row r % th of image r / th.
  auto imageAndRow = [&](OpBuilder &b, Location l, Value r) -> std::pair<Value, Value> {
    if (n == 1)
      return {index(b, l, 0), r};
    return {arith::DivUIOp::create(b, l, r, index(b, l, th)),
            arith::RemUIOp::create(b, l, r, index(b, l, th))};
  };
  auto read = [&](OpBuilder &b, Location l, Value source, ValueRange indices) -> Value {
    return vector::TransferReadOp::create(b, l, vectorType, source, indices, zero,
                                          ArrayRef<bool>{true});
  };
  auto write = [&](OpBuilder &b, Location l, Value value, Value dest,
                   ValueRange indices) -> Value {
    return vector::TransferWriteOp::create(b, l, value, dest, indices,
                                           ArrayRef<bool>{true})
        .getResult();
  };

  // Whole blocks: zeros below and right of the input (and the init) where
  // m does not divide the output's height or width.
  auto padHigh = [&](Value value, ArrayRef<int64_t> shape) -> Value {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getShape() == shape)
      return value;
    return tensor::createPadHighOp(RankedTensorType::get(shape, f32), value, zero,
                                   /*nofold=*/false, loc, rewriter);
  };
  Value paddedInput = padHigh(input, {n, th * m + 2, tw * m + 2, c});
  Value paddedInit = padHigh(init, {n, th * m, tw * m, f});

  // 1. V[xi nu][block][c] = (BT d B)[xi][nu] for the alpha x alpha input
  //    block d under each output block, one row of blocks per iteration.
  Value transformed = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{a * a, blocks, c}, f32);
  TaskSplit inputTasks = split(a * a * blocks * c, c);
  int64_t inputGroupSize = inputTasks.groupSize;
  transformed = forEachTask(
      rewriter, loc, n * th, inputTasks.groups, inputGroupSize, inputTasks.parallel,
      transformed,
      [&](OpBuilder &b, Location l, Task task) {
        return Slice{{b.getIndexAttr(0), mulIndex(b, l, task.row, tw), task.channel},
                     {b.getIndexAttr(a * a), b.getIndexAttr(tw),
                      b.getIndexAttr(inputGroupSize)},
                     {b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1)}};
      },
      [&](OpBuilder &b, Location l, Task task, Value taskSlice) {
        auto [imageIndex, row] = imageAndRow(b, l, task.row);
        Value image = imageIndex;
        SmallVector<Value> rows = offsetsFrom(b, l, mulIndex(b, l, row, m), a);
        return forEachBlockAndVector(
            b, l, tw, inputGroupSize, lanes, taskSlice,
            [&](OpBuilder &ib, Location il, Value column, Value channel, Value acc) {
              Value inputChannel = arith::AddIOp::create(ib, il, task.channel, channel);
              SmallVector<Value> columns =
                  offsetsFrom(ib, il, mulIndex(ib, il, column, m), a);
              SmallVector<Value> block;
              for (int64_t i = 0; i < a; ++i)
                for (int64_t j = 0; j < a; ++j)
                  block.push_back(read(ib, il, paddedInput,
                                       {image, rows[i], columns[j], inputChannel}));
              SmallVector<Value> values =
                  transformBlock(ib, il, block, a, a, w.bt, a, w.bt, a);
              for (auto [k, value] : llvm::enumerate(values))
                acc = write(ib, il, value, acc, {index(ib, il, k), column, channel});
              return acc;
            });
      });

  // 2. M[xi nu] = V[xi nu] U[xi nu]: alpha^2 matmuls of blocks x C by C x F.
  DenseElementsAttr filter;
  matchPattern(conv.getInputs()[1], m_Constant(&filter));
  Value weights = arith::ConstantOp::create(rewriter, loc, transformFilter(filter, w, c, f));
  auto productType = RankedTensorType::get({a * a, blocks, f}, f32);
  Value products = linalg::FillOp::create(
                       rewriter, loc, ValueRange{zero},
                       ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                                          productType.getShape(), f32)})
                       .getResult(0);
  products = linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{productType},
                                           ValueRange{transformed, weights},
                                           ValueRange{products})
                 .getResult(0);

  // 3. y = init + AT M A for every block, one row of blocks (m rows of the
  //    result) per iteration.
  Value result = tensor::EmptyOp::create(rewriter, loc,
                                         ArrayRef<int64_t>{n, th * m, tw * m, f}, f32);
  TaskSplit outputTasks = split(blocks * m * m * f, f);
  int64_t outputGroupSize = outputTasks.groupSize;
  result = forEachTask(
      rewriter, loc, n * th, outputTasks.groups, outputGroupSize, outputTasks.parallel,
      result,
      [&](OpBuilder &b, Location l, Task task) {
        auto [imageIndex, row] = imageAndRow(b, l, task.row);
        Value image = imageIndex;
        return Slice{{image, mulIndex(b, l, row, m), b.getIndexAttr(0), task.channel},
                     {b.getIndexAttr(1), b.getIndexAttr(m), b.getIndexAttr(tw * m),
                      b.getIndexAttr(outputGroupSize)},
                     {b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1),
                      b.getIndexAttr(1)}};
      },
      [&](OpBuilder &b, Location l, Task task, Value taskSlice) {
        auto [imageIndex, row] = imageAndRow(b, l, task.row);
        Value image = imageIndex;
        SmallVector<Value> rows = offsetsFrom(b, l, mulIndex(b, l, row, m), m);
        Value firstBlock = mulIndex(b, l, task.row, tw);
        return forEachBlockAndVector(
            b, l, tw, outputGroupSize, lanes, taskSlice,
            [&](OpBuilder &ib, Location il, Value column, Value channel, Value acc) {
              Value outputChannel = arith::AddIOp::create(ib, il, task.channel, channel);
              Value block = arith::AddIOp::create(ib, il, firstBlock, column);
              SmallVector<Value> columns =
                  offsetsFrom(ib, il, mulIndex(ib, il, column, m), m);
              SmallVector<Value> product;
              for (int64_t k = 0; k < a * a; ++k)
                product.push_back(
                    read(ib, il, products, {index(ib, il, k), block, outputChannel}));
              SmallVector<Value> values =
                  transformBlock(ib, il, product, a, a, w.at, m, w.at, m);
              auto contract = arith::FastMathFlagsAttr::get(
                  ib.getContext(), arith::FastMathFlags::contract);
              for (int64_t i = 0; i < m; ++i)
                for (int64_t j = 0; j < m; ++j) {
                  Value bias = read(ib, il, paddedInit,
                                    {image, rows[i], columns[j], outputChannel});
                  Value sum = arith::AddFOp::create(ib, il, bias, values[i * m + j],
                                                    contract);
                  acc = write(ib, il, sum, acc,
                              {index(ib, il, 0), index(ib, il, i), columns[j], channel});
                }
              return acc;
            });
      });
  if (th * m != oh || tw * m != ow)
    result = tensor::ExtractSliceOp::create(
        rewriter, loc, outputType, result,
        getAsIndexOpFoldResult(rewriter.getContext(), {0, 0, 0, 0}),
        getAsIndexOpFoldResult(rewriter.getContext(), {n, oh, ow, f}),
        getAsIndexOpFoldResult(rewriter.getContext(), {1, 1, 1, 1}));
  rewriter.replaceOp(conv, result);
}

struct WinogradConv2DPass
    : strata::cpu::impl::WinogradConv2DBase<WinogradConv2DPass> {
  using WinogradConv2DBase::WinogradConv2DBase;

  void runOnOperation() override {
    Strategy strategy{std::max<int64_t>(vectorBits / 32, 1), parallelLoops};
    SmallVector<std::pair<linalg::Conv2DNhwcHwcfOp, int64_t>> convs;
    getOperation().walk([&](linalg::Conv2DNhwcHwcfOp conv) {
      if (!conv.hasPureTensorSemantics())
        return;
      if (int64_t m = chooseBlockSize(conv, minTiles, strategy.lanes))
        convs.push_back({conv, m});
    });
    IRRewriter rewriter(&getContext());
    for (auto [conv, m] : convs)
      rewriteConv(rewriter, conv, m, strategy);
  }
};

} // namespace
