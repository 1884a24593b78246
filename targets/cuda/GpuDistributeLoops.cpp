//===- GpuDistributeLoops.cpp - Loop nests onto blocks and threads -*- C++ -*-===//
//
// Implements strata-gpu-distribute-loops. Upstream's greedy mapper gives each
// loop dimension one hardware dimension, which leaves a 1x64x56x56 nest with
// one-wide blocks and limits grids to three dimensions; collapsing every nest
// to one dimension and tiling it by the block size keeps each block full,
// keeps neighbouring threads on neighbouring addresses, and fits any grid.
// Work outside parallel loops goes into one-thread kernels, so the host
// never touches device memory.
//
//===----------------------------------------------------------------------===//
#include "targets/cuda/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <numeric>

namespace strata::cuda {
#define GEN_PASS_DEF_GPUDISTRIBUTELOOPS
#include "targets/cuda/Passes.h.inc"
} // namespace strata::cuda

using namespace mlir;

namespace {

/// Wraps the ops of `run` that touch memory (and those computed from them)
/// in a one-iteration scf.parallel placed before `end`; memory-free ops that
/// do not depend on them (views, constants) stay where they are.
LogicalResult wrapSerialRun(ArrayRef<Operation *> run, Operation *end) {
  llvm::SmallPtrSet<Operation *, 16> moved;
  SmallVector<Operation *> toMove;
  for (Operation *op : run) {
    bool dependsOnMoved = llvm::any_of(op->getOperands(), [&](Value operand) {
      Operation *producer = operand.getDefiningOp();
      return producer && moved.contains(producer);
    });
    if (!dependsOnMoved && isMemoryEffectFree(op))
      continue;
    moved.insert(op);
    toMove.push_back(op);
  }
  if (toMove.empty())
    return success();
  for (Operation *op : toMove)
    for (Operation *user : op->getUsers())
      if (!moved.contains(end->getBlock()->findAncestorOpInBlock(*user)))
        return op->emitError("strata-gpu-distribute-loops: a value computed "
                             "on the device is used outside its kernel");

  OpBuilder b(end);
  Location loc = toMove.front()->getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto wrapper = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                         ValueRange{one}, ValueRange{one});
  Operation *terminator = wrapper.getBody()->getTerminator();
  for (Operation *op : toMove)
    op->moveBefore(terminator);
  return success();
}

/// Every run of ops between top-level parallel loops that touches memory
/// becomes a one-thread loop.
LogicalResult wrapSerialWork(Block &block) {
  SmallVector<Operation *> run;
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (!isa<scf::ParallelOp>(op) && !op.hasTrait<OpTrait::IsTerminator>()) {
      run.push_back(&op);
      continue;
    }
    if (failed(wrapSerialRun(run, &op)))
      return failure();
    run.clear();
  }
  return success();
}

gpu::ParallelLoopDimMappingAttr mappingTo(MLIRContext *context,
                                          gpu::Processor processor) {
  Builder b(context);
  return gpu::ParallelLoopDimMappingAttr::get(
      context, processor, b.getDimIdentityMap(), b.getDimIdentityMap());
}

/// The constant trip count of each dimension of `loop`, or failure.
FailureOr<SmallVector<int64_t>> tripCounts(scf::ParallelOp loop) {
  SmallVector<int64_t> counts;
  for (auto [lower, upper, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lower);
    std::optional<int64_t> u = getConstantIntValue(upper);
    std::optional<int64_t> s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return failure();
    counts.push_back(std::max<int64_t>(0, (*u - *l + *s - 1) / *s));
  }
  return counts;
}

struct GpuDistributeLoopsPass
    : strata::cuda::impl::GpuDistributeLoopsBase<GpuDistributeLoopsPass> {
  using GpuDistributeLoopsBase::GpuDistributeLoopsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (blockSize <= 0) {
      func.emitError("strata-gpu-distribute-loops: block-size must be "
                     "positive");
      return signalPassFailure();
    }
    for (Block &block : func.getBody())
      if (failed(wrapSerialWork(block)))
        return signalPassFailure();

    SmallVector<scf::ParallelOp> nests;
    for (Block &block : func.getBody())
      for (auto loop : block.getOps<scf::ParallelOp>())
        nests.push_back(loop);
    for (scf::ParallelOp loop : nests)
      if (failed(distribute(loop)))
        return signalPassFailure();
  }

  LogicalResult distribute(scf::ParallelOp loop) {
    MLIRContext *context = loop.getContext();
    if (loop.getNumResults() != 0)
      return loop.emitError("strata-gpu-distribute-loops: parallel loops "
                            "with reductions are not supported");
    auto counts = tripCounts(loop);
    if (failed(counts))
      return loop.emitError("strata-gpu-distribute-loops: loop bounds must "
                            "be constants");
    int64_t total = std::accumulate(counts->begin(), counts->end(), int64_t{1},
                                    std::multiplies<int64_t>());
    if (total == 0) {
      loop.erase();
      return success();
    }
    // Collapse in order: the last (innermost, contiguous) dimension varies
    // fastest along the linear index.
    if (loop.getNumLoops() > 1) {
      Operation *next = loop->getNextNode();
      std::vector<unsigned> all(loop.getNumLoops());
      std::iota(all.begin(), all.end(), 0u);
      IRRewriter rewriter(context);
      rewriter.setInsertionPoint(loop);
      collapseParallelLoops(rewriter, loop, {all});
      loop = dyn_cast_or_null<scf::ParallelOp>(next->getPrevNode());
      if (!loop)
        return next->emitError("strata-gpu-distribute-loops: collapsing "
                               "lost the loop");
    }
    int64_t threads = std::min<int64_t>(blockSize, total);
    auto [blocks, inner] =
        scf::tileParallelLoop(loop, {threads}, /*noMinMaxBounds=*/true);
    (void)gpu::setMappingAttr(blocks,
                              {mappingTo(context, gpu::Processor::BlockX)});
    (void)gpu::setMappingAttr(inner,
                              {mappingTo(context, gpu::Processor::ThreadX)});
    // Parallel loops inside a thread run sequentially.
    inner.getBody()->walk([&](scf::ParallelOp nested) {
      SmallVector<gpu::ParallelLoopDimMappingAttr> sequential(
          nested.getNumLoops(),
          mappingTo(context, gpu::Processor::Sequential));
      (void)gpu::setMappingAttr(nested, sequential);
    });
    return success();
  }
};

} // namespace
