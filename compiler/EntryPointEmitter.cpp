//===- EntryPointEmitter.cpp - The ABI surface of an artifact ---*- C++ -*-===//
//
// Lays out strata_tensor_desc_t and strata_model_t exactly as runtime.h
// declares them; the data layout of the module decides padding, as the C
// compiler does for the same target.
//
//===----------------------------------------------------------------------===//
#include "compiler/EntryPointEmitter.h"

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

} // namespace

llvm::Error emitEntryPoint(llvm::Module &module, llvm::StringRef implName,
                           const ModelSignature &signature) {
  llvm::LLVMContext &context = module.getContext();
  llvm::Function *impl = module.getFunction(implName);
  const bool gpu = signature.gpu.has_value();
  const bool pooled = gpu || signature.hostPooledConstants;
  size_t arity = signature.inputs.size() + signature.outputs.size() + 1 + pooled;
  if (!impl || impl->arg_size() != arity)
    return llvm::createStringError(
        "lowered model function '" + implName.str() + "' is missing or takes " +
        (impl ? std::to_string(impl->arg_size()) : std::string("no")) +
        " arguments instead of " + std::to_string(arity));
  impl->setName(signature.name + "_impl");
  impl->setLinkage(llvm::GlobalValue::InternalLinkage);

  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *voidType = llvm::Type::getVoidTy(context);
  auto *i8 = llvm::Type::getInt8Ty(context);
  auto *entryType = llvm::FunctionType::get(voidType, {ptr, ptr, ptr}, false);
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
       llvm::ConstantInt::get(i32, gpu ? STRATA_MODEL_FLAG_CUDA : 0),
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
