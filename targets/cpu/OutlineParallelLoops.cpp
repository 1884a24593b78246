//===- OutlineParallelLoops.cpp - Parallel loops as executor tasks -*- C++ -*-===//
//
// Implements strata-outline-parallel-loops. Each top-level scf.forall of the
// entry (strata-tile-and-vectorize makes one per large convolution or
// matmul) becomes a task function computing one index, and the loop becomes
// a call to a dispatch function that the entry-point emitter defines in LLVM
// IR: it hands the task to the run's strata_executor_t, or loops over it on
// the calling thread when there is none. A task takes the entry's own
// arguments and recomputes what else its body uses (arena views, weights,
// constants), so the dispatch only forwards pointers.
//
//===----------------------------------------------------------------------===//
#include "targets/cpu/Passes.h"

#include "passes/EntryAttributes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/Support/MathExtras.h"

namespace strata::cpu {
#define GEN_PASS_DEF_OUTLINEPARALLELLOOPS
#include "targets/cpu/Passes.h.inc"
} // namespace strata::cpu

using namespace mlir;

namespace {

/// Whether `value` can be recomputed in a task from the entry's arguments:
/// an argument, or a side-effect-free view or constant of such values.
bool isRecomputable(Value value, Block &entryBlock,
                    llvm::DenseMap<Value, bool> &known) {
  if (auto found = known.find(value); found != known.end())
    return found->second;
  bool result = false;
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    result = argument.getOwner() == &entryBlock;
  } else {
    Operation *op = value.getDefiningOp();
    result = op->getBlock() == &entryBlock && op->getNumRegions() == 0 &&
             isMemoryEffectFree(op) &&
             llvm::all_of(op->getOperands(), [&](Value operand) {
               return isRecomputable(operand, entryBlock, known);
             });
  }
  known[value] = result;
  return result;
}

/// Clones the ops `value` depends on into the task (arguments are mapped).
Value recompute(OpBuilder &b, Value value, IRMapping &mapping) {
  if (Value mapped = mapping.lookupOrNull(value))
    return mapped;
  Operation *op = value.getDefiningOp();
  for (Value operand : op->getOperands())
    recompute(b, operand, mapping);
  b.clone(*op, mapping);
  return mapping.lookup(value);
}

struct OutlineParallelLoopsPass
    : strata::cpu::impl::OutlineParallelLoopsBase<OutlineParallelLoopsPass> {
  using OutlineParallelLoopsBase::OutlineParallelLoopsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal())
      return;
    MLIRContext *context = &getContext();
    Block &body = entry.getBody().front();
    SmallVector<Type> forwarded(entry.getArgumentTypes());
    unsigned numForwarded = forwarded.size();

    // Every hosted entry takes the executor, whether or not it has loops
    // to give it: the ABI is the same for all of them.
    auto pointer = LLVM::LLVMPointerType::get(context);
    if (failed(entry.insertArgument(numForwarded, pointer, {}, entry.getLoc())))
      return signalPassFailure();
    Value executor = entry.getArgument(numForwarded);

    SmallVector<scf::ForallOp> loops;
    for (Operation &op : body)
      if (auto forall = dyn_cast<scf::ForallOp>(op))
        loops.push_back(forall);
    llvm::DenseMap<Value, bool> known;
    int64_t outlined = 0;
    OpBuilder b(context);
    for (scf::ForallOp forall : loops) {
      if (forall.getRank() != 1 || forall.getNumResults() != 0)
        continue;
      int64_t lower = forall.getStaticLowerBound()[0];
      int64_t upper = forall.getStaticUpperBound()[0];
      int64_t step = forall.getStaticStep()[0];
      if (llvm::any_of(ArrayRef<int64_t>{lower, upper, step}, ShapedType::isDynamic) ||
          upper <= lower || step <= 0)
        continue;
      // Whatever the body uses from outside must be recomputable, and it
      // must not allocate (an arena has no room per thread).
      llvm::SetVector<Value> captured;
      getUsedValuesDefinedAbove(forall.getRegion(), captured);
      bool allocates = forall.getRegion()
                           .walk([](memref::AllocOp) { return WalkResult::interrupt(); })
                           .wasInterrupted();
      if (allocates || llvm::any_of(captured, [&](Value value) {
            return value == executor || !isRecomputable(value, body, known);
          }))
        continue;

      std::string name = strata::entry::taskName(entryName, outlined);
      std::string dispatchName = strata::entry::dispatchName(entryName, outlined);
      ++outlined;
      Location loc = forall.getLoc();
      b.setInsertionPointAfter(entry);

      // The task: the entry's arguments and the index of one iteration.
      SmallVector<Type> taskInputs(forwarded);
      taskInputs.push_back(b.getIndexType());
      auto task = func::FuncOp::create(b, loc, name,
                                       b.getFunctionType(taskInputs, {}));
      task.setPrivate();
      Block *taskBody = task.addEntryBlock();
      b.setInsertionPointToStart(taskBody);
      IRMapping mapping;
      for (unsigned i = 0; i < numForwarded; ++i)
        mapping.map(entry.getArgument(i), taskBody->getArgument(i));
      for (Value value : captured)
        recompute(b, value, mapping);
      Value index = taskBody->getArgument(numForwarded);
      Value iv = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(
              b, loc, index, arith::ConstantIndexOp::create(b, loc, step)),
          arith::ConstantIndexOp::create(b, loc, lower));
      mapping.map(forall.getInductionVar(0), iv);
      for (Operation &op : forall.getBody()->without_terminator())
        b.clone(op, mapping);
      func::ReturnOp::create(b, loc);

      // The dispatch, defined by the entry-point emitter.
      b.setInsertionPointAfter(entry);
      SmallVector<Type> dispatchInputs{pointer, b.getIndexType()};
      dispatchInputs.append(forwarded);
      auto dispatch = func::FuncOp::create(
          b, loc, dispatchName, b.getFunctionType(dispatchInputs, {}));
      dispatch.setPrivate();

      b.setInsertionPoint(forall);
      int64_t trips = llvm::divideCeil(upper - lower, step);
      SmallVector<Value> operands{executor,
                                  arith::ConstantIndexOp::create(b, loc, trips)};
      operands.append(entry.getArguments().begin(),
                      entry.getArguments().begin() + numForwarded);
      func::CallOp::create(b, loc, dispatch, operands);
      forall.erase();
    }
    strata::entry::setInt(entry, strata::entry::kParallelLoops, outlined);
  }
};

} // namespace
