//===- GroupAutotuner.cpp - Timing a group's two implementations -*- C++ -*-===//
//
// --autotune measures rather than guesses: each candidate group becomes a
// one-op model (its inputs are the model's inputs, its output the result),
// compiled twice through the partition's own target lowering, once by the
// MLIR codegen and once calling its Halide function. Both are linked as
// shared libraries, loaded into this process and run on the same buffers;
// the median of several batches is kept, in a child process so that a
// candidate that crashes cannot take the compiler down. Timings are cached by a hash of the
// group, the target and the autoscheduler, so a second compile does not
// re-time.
//
//===----------------------------------------------------------------------===//
#include "compiler/HalidePath.h"
#include "compiler/HostLibrary.h"
#include "targets/halide/HalideGroups.h"

#include "strata/runtime.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace mlir;

namespace strata {
namespace {

constexpr llvm::StringLiteral kTuneEntry = "strata_tune";

/// The group as the entry of a module of its own.
OwningOpRef<ModuleOp> buildGroupModule(linalg::LinalgOp group,
                                       std::optional<float> init,
                                       StringRef halideFunction) {
  MLIRContext *context = group.getContext();
  OpBuilder b(context);
  Location loc = group.getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  SmallVector<Type> inputs;
  for (OpOperand *input : group.getDpsInputOperands())
    inputs.push_back(input->get().getType());
  Type result = group->getResult(0).getType();
  auto function = func::FuncOp::create(b, loc, kTuneEntry,
                                         b.getFunctionType(inputs, {result}));
  Block *body = function.addEntryBlock();
  b.setInsertionPointToStart(body);
  auto tensor = cast<RankedTensorType>(result);
  Value output = tensor::EmptyOp::create(b, loc, tensor.getShape(),
                                           tensor.getElementType());
  if (init) {
    Value start = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(*init));
    output = linalg::FillOp::create(b, loc, start, output).getResult(0);
  }
  IRMapping mapping;
  for (auto [operand, argument] :
       llvm::zip(group.getDpsInputOperands(), body->getArguments()))
    mapping.map(operand->get(), argument);
  mapping.map(group.getDpsInitOperand(0)->get(), output);
  // Constants the body captures come along.
  group->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands())
      if (auto constant = operand.getDefiningOp<arith::ConstantOp>();
          constant && !mapping.contains(operand))
        mapping.map(operand, b.clone(*constant)->getResult(0));
  });
  Operation *copy = b.clone(*group.getOperation(), mapping);
  copy->removeAttr(halide::kGroupAttr);
  copy->removeAttr(halide::kInitAttr);
  if (!halideFunction.empty()) {
    copy->setAttr(halide::kGroupAttr, b.getStringAttr(halideFunction));
    if (init)
      copy->setAttr(halide::kInitAttr, b.getF32FloatAttr(*init));
  }
  func::ReturnOp::create(b, loc, copy->getResult(0));
  return module;
}

/// Loads the library and returns the median time of one run, in
/// microseconds.
llvm::Expected<double> timeLibrary(StringRef library, StringRef name) {
  auto loaded = LoadedModel::load(library, name);
  if (!loaded)
    return loaded.takeError();
  const strata_model_t *model = &(*loaded)->model();

  // Inputs are small non-zero values (no NaN or overflow in exp or log).
  std::vector<std::vector<float>> inputs, outputs;
  std::vector<const void *> inputPointers;
  std::vector<void *> outputPointers;
  for (uint32_t i = 0; i < model->num_inputs; ++i) {
    std::vector<float> &input =
        inputs.emplace_back(strata_tensor_elements(&model->inputs[i]));
    for (size_t k = 0; k < input.size(); ++k)
      input[k] = 0.25f + 0.5f * static_cast<float>(k % 13) / 13.0f;
    inputPointers.push_back(input.data());
  }
  for (uint32_t i = 0; i < model->num_outputs; ++i)
    outputPointers.push_back(
        outputs.emplace_back(strata_tensor_elements(&model->outputs[i])).data());
  size_t alignment = std::max<size_t>(model->arena_alignment, 64);
  size_t arenaBytes = (std::max<size_t>(model->arena_bytes, 1) + alignment - 1) /
                      alignment * alignment;
  void *arena = std::aligned_alloc(alignment, arenaBytes);
  if (!arena)
    return llvm::createStringError("cannot allocate the arena");
  auto run = [&] {
    model->entry(inputPointers.data(), outputPointers.data(), arena, nullptr);
  };
  using Clock = std::chrono::steady_clock;
  run(); // Warm the caches and the page tables.
  // Batches of at least a millisecond; the median of 9 of them.
  int64_t perBatch = 1;
  for (;;) {
    auto start = Clock::now();
    for (int64_t k = 0; k < perBatch; ++k)
      run();
    if (Clock::now() - start >= std::chrono::milliseconds(1) || perBatch >= (1 << 20))
      break;
    perBatch *= 2;
  }
  std::vector<double> samples;
  for (int batch = 0; batch < 9; ++batch) {
    auto start = Clock::now();
    for (int64_t k = 0; k < perBatch; ++k)
      run();
    std::chrono::duration<double, std::micro> elapsed = Clock::now() - start;
    samples.push_back(elapsed.count() / static_cast<double>(perBatch));
  }
  std::free(arena);
  std::nth_element(samples.begin(), samples.begin() + 4, samples.end());
  return samples[4];
}

/// timeLibrary in a child process: code that crashes while timed (a
/// candidate the measurement exists to judge) fails the timing, not the
/// compiler.
llvm::Expected<double> timeInChild(StringRef library, StringRef name) {
  auto bytes = runInChild(
      [&]() -> llvm::Expected<std::string> {
        auto micros = timeLibrary(library, name);
        if (!micros)
          return micros.takeError();
        return std::string(reinterpret_cast<const char *>(&*micros), sizeof(double));
      },
      name);
  if (!bytes)
    return bytes.takeError();
  if (bytes->size() != sizeof(double))
    return llvm::createStringError(name + " could not be loaded and timed");
  double value;
  std::memcpy(&value, bytes->data(), sizeof value);
  return value;
}

std::string cacheDirectory(const CompileOptions &options) {
  if (!options.autotuneCache.empty())
    return options.autotuneCache;
  llvm::SmallString<256> directory;
  if (auto xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME"); xdg && !xdg->empty())
    directory = *xdg;
  else if (auto home = llvm::sys::Process::GetEnv("HOME"); home && !home->empty())
    llvm::sys::path::append(directory, *home, ".cache");
  else
    return "";
  llvm::sys::path::append(directory, "strata", "autotune");
  return directory.str().str();
}

/// The cache file of a group: its spec without its name, the target and
/// the autoscheduler, hashed.
std::string cacheFile(StringRef directory, StringRef spec,
                      const TargetDescription &target, StringRef autoscheduler) {
  std::string key = halide::specWithoutName(spec).str();
  // The harness's revision: 2 times named stencils as themselves (1 timed
  // their generic form, which the MLIR path does not tile).
  key += "\nharness 2";
  key += "\n" + target.triple + "\n" + target.cpu + "\n" + target.features +
         "\n" + halide::halideTargetOf(target) + "\n" + autoscheduler.str() +
         "\nstrata " STRATA_VERSION "\n";
  auto digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef(key));
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, llvm::toHex(digest, /*LowerCase=*/true) + ".txt");
  return path.str().str();
}

std::optional<GroupTiming> readCache(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return std::nullopt;
  GroupTiming timing;
  if (sscanf((*buffer)->getBuffer().str().c_str(), "mlir_us %lf halide_us %lf",
             &timing.mlirMicros, &timing.halideMicros) != 2)
    return std::nullopt;
  timing.cached = true;
  return timing;
}

void writeCache(StringRef path, const GroupTiming &timing) {
  if (llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path)))
    return; // An unwritable cache only costs the next compile its timing.
  std::error_code ec;
  llvm::raw_fd_ostream stream(path, ec);
  if (!ec)
    stream << llvm::formatv("mlir_us {0:f3} halide_us {1:f3}\n",
                            timing.mlirMicros, timing.halideMicros);
}

} // namespace

llvm::Expected<GroupTiming> timeGroup(linalg::LinalgOp mlirVersion,
                                      linalg::GenericOp halideVersion,
                                      std::optional<float> init,
                                      StringRef function, StringRef spec,
                                      StringRef halideObject,
                                      const Partition &partition,
                                      const CompileOptions &options) {
  std::string directory = cacheDirectory(options);
  std::string cached =
      directory.empty() ? "" : cacheFile(directory, spec, partition.description,
                                         options.halideAutoscheduler);
  if (!cached.empty())
    if (std::optional<GroupTiming> timing = readCache(cached))
      return *timing;

  GroupTiming timing;
  for (bool useHalide : {false, true}) {
    OwningOpRef<ModuleOp> module =
        useHalide ? buildGroupModule(halideVersion, init, function)
                  : buildGroupModule(mlirVersion, init, "");
    auto entry = (*module).lookupSymbol<func::FuncOp>(kTuneEntry);
    std::string name = useHalide ? "strata_tune_halide" : "strata_tune_mlir";
    FailureOr<ModelSignature> signature = readSignature(entry, name);
    if (failed(signature))
      return llvm::createStringError("the group has no model signature");
    HalideGroups groups;
    groups.autoscheduler = options.halideAutoscheduler;
    if (useHalide)
      groups.objects[function.str()] = {spec.str(), halideObject.str()};
    auto library =
        compileSharedLibrary(*module, partition, *signature, groups, kTuneEntry);
    if (!library)
      return library.takeError();
    auto micros = timeInChild(*library, name);
    if (!micros)
      return micros.takeError();
    (useHalide ? timing.halideMicros : timing.mlirMicros) = *micros;
  }
  if (!cached.empty())
    writeCache(cached, timing);
  return timing;
}

} // namespace strata
