//===- PlanMemory.cpp - One static arena for every buffer -------*- C++ -*-===//
//
// Implements strata-plan-memory. Generated code must not allocate: terminals
// have no heap and the caller owns all memory. After bufferization every
// memref.alloc in the entry function becomes a memref.view into one arena
// argument. Live ranges are measured in the entry block's op order (a use
// nested in a loop counts at the loop), aliases created by view-like ops
// extend their source's range, and the offsets come from ArenaPlanner (the
// best of several greedy first-fit orders). A buffer allocated in the body
// of an scf.forall gets one slot per iteration, which it finds from the
// induction variables: the iterations may run on different threads.
//
//===----------------------------------------------------------------------===//
#include "passes/ArenaPlanner.h"
#include "passes/EntryAttributes.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace strata {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;   // Of one slot.
  int64_t slots = 1;   // The iterations of the scf.foralls around the alloc.
  int64_t firstUse = 0;
  int64_t lastUse = 0;
  int64_t offset = -1;
};

int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// The scf.foralls around `op`, outermost first.
SmallVector<scf::ForallOp> enclosingForalls(Operation *op) {
  SmallVector<scf::ForallOp> foralls;
  for (auto forall = op->getParentOfType<scf::ForallOp>(); forall;
       forall = forall->getParentOfType<scf::ForallOp>())
    foralls.insert(foralls.begin(), forall);
  return foralls;
}

/// Whether all of `forall`'s bounds and steps are static.
bool hasStaticBounds(scf::ForallOp forall) {
  auto isStatic = [](ArrayRef<int64_t> values) {
    return llvm::none_of(values, ShapedType::isDynamic);
  };
  return isStatic(forall.getStaticLowerBound()) &&
         isStatic(forall.getStaticUpperBound()) && isStatic(forall.getStaticStep());
}

/// The number of iterations of `forall`'s dimension `d` (static bounds).
int64_t tripCount(scf::ForallOp forall, unsigned d) {
  int64_t lb = forall.getStaticLowerBound()[d], ub = forall.getStaticUpperBound()[d],
          step = forall.getStaticStep()[d];
  return std::max<int64_t>((ub - lb + step - 1) / step, 0);
}

/// The number of iterations of `foralls`, or nullopt when a bound or step
/// is not static.
std::optional<int64_t> iterationCount(ArrayRef<scf::ForallOp> foralls) {
  int64_t count = 1;
  for (scf::ForallOp forall : foralls) {
    if (!hasStaticBounds(forall))
      return std::nullopt;
    for (unsigned d = 0; d < forall.getRank(); ++d)
      count *= tripCount(forall, d);
  }
  return count;
}

/// The row-major index of the current iteration of `foralls` (static,
/// outermost first), built at `b`'s insertion point.
Value iterationIndex(OpBuilder &b, Location loc, ArrayRef<scf::ForallOp> foralls) {
  Value index = arith::ConstantIndexOp::create(b, loc, 0);
  for (scf::ForallOp forall : foralls) {
    for (auto [d, iv] : llvm::enumerate(forall.getInductionVars())) {
      Value count = arith::ConstantIndexOp::create(b, loc, tripCount(forall, d));
      Value lb = arith::ConstantIndexOp::create(b, loc, forall.getStaticLowerBound()[d]);
      Value step = arith::ConstantIndexOp::create(b, loc, forall.getStaticStep()[d]);
      Value normalized = arith::DivUIOp::create(
          b, loc, arith::SubIOp::create(b, loc, iv, lb), step);
      index = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, index, count),
                                    normalized);
    }
  }
  return index;
}

/// The position of `op`'s ancestor in `block`.
int64_t positionIn(Block &block, Operation *op,
                   const llvm::DenseMap<Operation *, int64_t> &order) {
  Operation *ancestor = block.findAncestorOpInBlock(*op);
  return ancestor ? order.lookup(ancestor) : 0;
}

/// The last position at which `value` or any view of it is used.
int64_t lastUseOf(Value value, Block &block,
                  const llvm::DenseMap<Operation *, int64_t> &order) {
  int64_t last = 0;
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    for (Operation *user : current.getUsers()) {
      last = std::max(last, positionIn(block, user, order));
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == current)
          llvm::append_range(worklist, user->getResults());
    }
  }
  return last;
}

struct PlanMemoryPass : strata::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry) {
      module.emitError("strata-plan-memory: no entry function '")
          << entryName << "'";
      return signalPassFailure();
    }
    if (!entry.getBody().hasOneBlock()) {
      entry.emitError("strata-plan-memory expects a single-block entry function");
      return signalPassFailure();
    }
    Block &body = entry.getBody().front();
    llvm::DenseMap<Operation *, int64_t> order;
    for (auto [index, op] : llvm::enumerate(body))
      order[&op] = index;

    SmallVector<Buffer> buffers;
    WalkResult walk = entry.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      // One arena slot serves every iteration of a serial loop around the
      // alloc; a parallel loop's iterations each need their own.
      std::optional<int64_t> slots = iterationCount(enclosingForalls(alloc));
      if (!slots) {
        alloc.emitError("strata-plan-memory: a buffer allocated inside a "
                        "parallel loop of dynamic bounds would be shared by "
                        "its iterations");
        return WalkResult::interrupt();
      }
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitError("strata-plan-memory needs static, identity-layout "
                        "buffers; got ")
            << type;
        return WalkResult::interrupt();
      }
      Buffer buffer;
      buffer.alloc = alloc;
      unsigned bits = type.getElementTypeBitWidth();
      buffer.bytes = alignTo(type.getNumElements() * ((bits + 7) / 8),
                             alignment);
      buffer.slots = std::max<int64_t>(*slots, 1);
      buffer.firstUse = positionIn(body, alloc, order);
      buffer.lastUse = std::max(buffer.firstUse,
                                lastUseOf(alloc.getResult(), body, order));
      buffers.push_back(buffer);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    SmallVector<strata::LiveBuffer> intervals;
    for (const Buffer &buffer : buffers)
      intervals.push_back(
          {buffer.bytes * buffer.slots, buffer.firstUse, buffer.lastUse});
    strata::ArenaPlan plan = strata::planArena(intervals);
    for (auto [buffer, offset] : llvm::zip(buffers, plan.offsets))
      buffer.offset = offset;
    int64_t arenaBytes = plan.arenaBytes;
    int64_t lowerBound = strata::arenaLowerBound(intervals);
    rewriteAllocations(entry, buffers, arenaBytes);
    strata::entry::setInt(entry, strata::entry::kArenaBytes, arenaBytes);
    strata::entry::setInt(entry, strata::entry::kArenaLowerBound, lowerBound);
    recordLoopNests(entry);
  }

  /// The loop nests at the top of the entry's body, each one pass over its
  /// data: kernels, fills and copies (EntryAttributes.h). A run of vector
  /// ops (a small op vectorized whole, unrolled) is one kernel.
  static void recordLoopNests(func::FuncOp entry) {
    int64_t kernels = 0, fills = 0, copies = 0;
    bool inVectorCode = false;
    for (Operation &op : entry.getBody().front()) {
      bool isVector = isa<vector::VectorDialect>(op.getDialect());
      if (isVector && !inVectorCode)
        ++kernels;
      if (isVector)
        inVectorCode = true;
      if (isa<linalg::FillOp>(op))
        ++fills;
      else if (isa<memref::CopyOp, linalg::CopyOp, linalg::TransposeOp>(op))
        ++copies;
      else if (isa<linalg::LinalgOp, LoopLikeOpInterface, func::CallOp>(op))
        ++kernels;
      else
        continue;
      inVectorCode = false;
    }
    strata::entry::setInt(entry, strata::entry::kKernels, kernels);
    strata::entry::setInt(entry, strata::entry::kFills, fills);
    strata::entry::setInt(entry, strata::entry::kCopies, copies);
  }

  void rewriteAllocations(func::FuncOp entry, MutableArrayRef<Buffer> buffers,
                          int64_t arenaBytes) {
    MLIRContext *context = entry.getContext();
    auto arenaType = MemRefType::get({arenaBytes}, IntegerType::get(context, 8));
    unsigned index = entry.getNumArguments();
    (void)entry.insertArgument(index, arenaType, /*argAttrs=*/{}, entry.getLoc());
    Value arena = entry.getArgument(index);
    for (Buffer &buffer : buffers) {
      OpBuilder b(buffer.alloc);
      Location loc = buffer.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(b, loc, buffer.offset);
      if (buffer.slots > 1)
        offset = arith::AddIOp::create(
            b, loc, offset,
            arith::MulIOp::create(
                b, loc, iterationIndex(b, loc, enclosingForalls(buffer.alloc)),
                arith::ConstantIndexOp::create(b, loc, buffer.bytes)));
      Value view = memref::ViewOp::create(b, loc, buffer.alloc.getType(), arena,
                                          offset, ValueRange{});
      for (Operation *user : llvm::make_early_inc_range(buffer.alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      buffer.alloc.replaceAllUsesWith(view);
      buffer.alloc.erase();
    }
  }
};

} // namespace
