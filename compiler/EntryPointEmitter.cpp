//===- EntryPointEmitter.cpp - The ABI surface of an artifact ---*- C++ -*-===//
//
// Lays out strata_tensor_desc_t and strata_model_t exactly as runtime.h
// declares them; the data layout of the module decides padding, as the C
// compiler does for the same target.
//
//===----------------------------------------------------------------------===//
#include "compiler/EntryPointEmitter.h"

#include "passes/EntryAttributes.h"

#include "strata/cuda.h"
#include "strata/runtime.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

namespace strata {

namespace {

llvm::Constant *stringConstant(llvm::Module &module, llvm::StringRef text,
                               const llvm::Twine &symbol) {
  llvm::LLVMContext &context = module.getContext();
  llvm::Constant *data = llvm::ConstantDataArray::getString(context, text);
  auto *global = new llvm::GlobalVariable(
      module, data->getType(), /*isConstant=*/true,
      llvm::GlobalValue::PrivateLinkage, data, symbol);
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return global;
}

/// An array of strata_tensor_desc_t {ptr name, i32 dtype, i32 rank, ptr shape}.
llvm::Constant *tensorTable(llvm::Module &module,
                            const std::vector<TensorSignature> &tensors,
                            const std::string &prefix) {
  llvm::LLVMContext &context = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *descType = llvm::StructType::get(context, {ptr, i32, i32, ptr});
  std::vector<llvm::Constant *> entries;
  for (const auto &[index, tensor] : llvm::enumerate(tensors)) {
    std::string base = prefix + "." + std::to_string(index);
    llvm::Constant *name = stringConstant(module, tensor.name, base + ".name");
    llvm::Constant *shapeData = llvm::ConstantDataArray::get(
        context, llvm::ArrayRef<uint64_t>(
                     reinterpret_cast<const uint64_t *>(tensor.shape.data()),
                     tensor.shape.size()));
    llvm::Constant *shape = llvm::ConstantPointerNull::get(ptr);
    if (!tensor.shape.empty()) {
      auto *global = new llvm::GlobalVariable(
          module, shapeData->getType(), true, llvm::GlobalValue::PrivateLinkage,
          shapeData, base + ".shape");
      global->setAlignment(llvm::Align(8));
      shape = global;
    }
    entries.push_back(llvm::ConstantStruct::get(
        descType, {name, llvm::ConstantInt::get(i32, tensor.dtype),
                   llvm::ConstantInt::get(i32, tensor.shape.size()), shape}));
  }
  if (entries.empty())
    return llvm::ConstantPointerNull::get(ptr);
  auto *arrayType = llvm::ArrayType::get(descType, entries.size());
  return new llvm::GlobalVariable(module, arrayType, true,
                                  llvm::GlobalValue::PrivateLinkage,
                                  llvm::ConstantArray::get(arrayType, entries),
                                  prefix);
}

/// Defines parallel loop `loop`'s dispatch (declared by
/// strata-outline-parallel-loops): `void dispatch(const strata_executor_t *,
/// i64 n, ptr args...)` runs `task(args..., i)` for i in [0, n), through the
/// executor's parallel_for with a closure of the arguments, or in order on
/// this thread when there is no executor.
llvm::Error defineDispatch(llvm::Module &module, llvm::StringRef entryName,
                           int64_t loop) {
  llvm::LLVMContext &context = module.getContext();
  std::string dispatchName = entry::dispatchName(entryName, loop);
  std::string taskName = entry::taskName(entryName, loop);
  llvm::Function *dispatch = module.getFunction(dispatchName);
  llvm::Function *task = module.getFunction(taskName);
  if (!dispatch || !dispatch->isDeclaration() || !task || task->isDeclaration() ||
      dispatch->arg_size() < 2 || task->arg_size() != dispatch->arg_size() - 1)
    return llvm::createStringError("parallel loop " + std::to_string(loop) +
                                   " is missing its task or dispatch");
  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto *voidType = llvm::Type::getVoidTy(context);
  unsigned forwarded = task->arg_size() - 1;
  task->setLinkage(llvm::GlobalValue::InternalLinkage);
  dispatch->setLinkage(llvm::GlobalValue::InternalLinkage);

  // strata_task_fn: void (void *closure, int64_t index), the closure being
  // the forwarded pointers.
  auto *trampoline = llvm::Function::Create(
      llvm::FunctionType::get(voidType, {ptr, i64}, false),
      llvm::GlobalValue::InternalLinkage, taskName + ".task", module);
  {
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", trampoline));
    std::vector<llvm::Value *> args;
    for (unsigned i = 0; i < forwarded; ++i)
      args.push_back(b.CreateLoad(
          ptr, b.CreateConstInBoundsGEP1_64(ptr, trampoline->getArg(0), i)));
    args.push_back(trampoline->getArg(1));
    b.CreateCall(task, args);
    b.CreateRetVoid();
  }

  llvm::Value *executor = dispatch->getArg(0);
  llvm::Value *trips = dispatch->getArg(1);
  std::vector<llvm::Value *> forwardedArgs;
  for (unsigned i = 0; i < forwarded; ++i)
    forwardedArgs.push_back(dispatch->getArg(2 + i));
  auto *start = llvm::BasicBlock::Create(context, "entry", dispatch);
  auto *hasExecutor = llvm::BasicBlock::Create(context, "has_executor", dispatch);
  auto *parallel = llvm::BasicBlock::Create(context, "parallel", dispatch);
  auto *serial = llvm::BasicBlock::Create(context, "serial", dispatch);
  auto *body = llvm::BasicBlock::Create(context, "body", dispatch);
  auto *done = llvm::BasicBlock::Create(context, "done", dispatch);
  // strata_executor_t {parallel_for, pool}.
  auto *executorType = llvm::StructType::get(context, {ptr, ptr});
  llvm::IRBuilder<> b(start);
  b.CreateCondBr(b.CreateIsNull(executor), serial, hasExecutor);
  b.SetInsertPoint(hasExecutor);
  llvm::Value *parallelFor =
      b.CreateLoad(ptr, b.CreateStructGEP(executorType, executor, 0));
  b.CreateCondBr(b.CreateIsNull(parallelFor), serial, parallel);

  b.SetInsertPoint(parallel);
  llvm::Value *closure =
      b.CreateAlloca(llvm::ArrayType::get(ptr, std::max(forwarded, 1u)));
  for (unsigned i = 0; i < forwarded; ++i)
    b.CreateStore(forwardedArgs[i], b.CreateConstInBoundsGEP1_64(ptr, closure, i));
  llvm::Value *pool =
      b.CreateLoad(ptr, b.CreateStructGEP(executorType, executor, 1));
  b.CreateCall(llvm::FunctionType::get(voidType, {ptr, i64, ptr, ptr}, false),
               parallelFor, {pool, trips, trampoline, closure});
  b.CreateBr(done);

  b.SetInsertPoint(serial);
  b.CreateCondBr(b.CreateICmpSGT(trips, b.getInt64(0)), body, done);
  b.SetInsertPoint(body);
  llvm::PHINode *index = b.CreatePHI(i64, 2);
  index->addIncoming(b.getInt64(0), serial);
  std::vector<llvm::Value *> args = forwardedArgs;
  args.push_back(index);
  b.CreateCall(task, args);
  llvm::Value *next = b.CreateAdd(index, b.getInt64(1));
  index->addIncoming(next, body);
  b.CreateCondBr(b.CreateICmpSLT(next, trips), body, done);

  b.SetInsertPoint(done);
  b.CreateRetVoid();
  return llvm::Error::success();
}

} // namespace

llvm::Error emitEntryPoint(llvm::Module &module, llvm::StringRef implName,
                           const ModelSignature &signature) {
  llvm::LLVMContext &context = module.getContext();
  llvm::Function *impl = module.getFunction(implName);
  const bool gpu = signature.gpu.has_value();
  const bool pooled = gpu || signature.hostPooledConstants;
  size_t arity = signature.inputs.size() + signature.outputs.size() + 1 +
                 pooled + signature.takesExecutor;
  if (!impl || impl->arg_size() != arity)
    return llvm::createStringError(
        "lowered model function '" + implName.str() + "' is missing or takes " +
        (impl ? std::to_string(impl->arg_size()) : std::string("no")) +
        " arguments instead of " + std::to_string(arity));
  for (int64_t loop = 0; loop < signature.parallelLoops; ++loop)
    if (llvm::Error error = defineDispatch(module, implName, loop))
      return error;
  impl->setName(signature.name + "_impl");
  impl->setLinkage(llvm::GlobalValue::InternalLinkage);

  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *voidType = llvm::Type::getVoidTy(context);
  auto *i8 = llvm::Type::getInt8Ty(context);
  // strata_entry_fn: inputs, outputs, arena, executor.
  auto *entryType =
      llvm::FunctionType::get(voidType, {ptr, ptr, ptr, ptr}, false);
  auto *entry = llvm::Function::Create(entryType, llvm::GlobalValue::ExternalLinkage,
                                       signature.name + "_entry", module);
  entry->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", entry));
  std::vector<llvm::Value *> args;
  auto loadPointers = [&](llvm::Value *array, size_t count) {
    for (size_t i = 0; i < count; ++i)
      args.push_back(b.CreateLoad(
          ptr, b.CreateConstInBoundsGEP1_64(ptr, array, i)));
  };
  loadPointers(entry->getArg(0), signature.inputs.size());
  loadPointers(entry->getArg(1), signature.outputs.size());
  if (gpu) {
    // The device workspace: weights first, then the arena.
    llvm::Value *workspace = entry->getArg(2);
    args.push_back(b.CreateConstInBoundsGEP1_64(
        i8, workspace, signature.gpu->constantsBytes));
    args.push_back(workspace);
  } else {
    args.push_back(entry->getArg(2));
  }
  llvm::GlobalVariable *constants = nullptr;
  if (pooled) {
    constants = module.getGlobalVariable("strata_constants");
    if (!constants)
      return llvm::createStringError("the model's pooled weights are missing");
    constants->setName(signature.name + "_constants");
    constants->setLinkage(llvm::GlobalValue::InternalLinkage);
    if (!gpu) // On the host the weights are read where they are.
      args.push_back(constants);
  }
  if (signature.takesExecutor)
    args.push_back(entry->getArg(3));
  b.CreateCall(impl, args);
  b.CreateRetVoid();

  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto *modelType = llvm::StructType::get(
      context, {i32, i32, i32, i32, ptr, ptr, ptr, i64, i64, ptr});
  std::string prefix = ".strata." + signature.name;
  llvm::Constant *descriptor = llvm::ConstantStruct::get(
      modelType,
      {llvm::ConstantInt::get(i32, STRATA_ABI_VERSION),
       llvm::ConstantInt::get(i32, signature.inputs.size()),
       llvm::ConstantInt::get(i32, signature.outputs.size()),
       llvm::ConstantInt::get(
           i32, (gpu ? STRATA_MODEL_FLAG_CUDA : 0) |
                    (signature.parallelLoops ? STRATA_MODEL_FLAG_PARALLEL : 0)),
       stringConstant(module, signature.name, prefix + ".name"),
       tensorTable(module, signature.inputs, prefix + ".inputs"),
       tensorTable(module, signature.outputs, prefix + ".outputs"),
       llvm::ConstantInt::get(i64, signature.arenaBytes),
       llvm::ConstantInt::get(i64, signature.arenaAlignment), entry});
  if (gpu) {
    // strata_cuda_model_t {base, constants, constants_bytes, sm_version,
    // binary_kind}.
    auto *gpuModelType =
        llvm::StructType::get(context, {modelType, ptr, i64, i32, i32});
    descriptor = llvm::ConstantStruct::get(
        gpuModelType,
        {descriptor, constants,
         llvm::ConstantInt::get(i64, signature.gpu->constantsBytes),
         llvm::ConstantInt::get(i32, signature.gpu->smVersion),
         llvm::ConstantInt::get(i32, signature.gpu->cubin
                                         ? STRATA_CUDA_BINARY_CUBIN
                                         : STRATA_CUDA_BINARY_PTX)});
  }
  new llvm::GlobalVariable(module, descriptor->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, descriptor,
                           signature.name + "_model");
  return llvm::Error::success();
}

} // namespace strata
