//===- ManifestWriter.cpp - The JSON manifest of an artifact ----*- C++ -*-===//
//
// NAME.json is what CI pipelines and deployment tools read: which model (by
// hash), for which target, with which interface and memory needs. It holds
// no timestamps or absolute paths, so identical compiles give identical bytes.
//
//===----------------------------------------------------------------------===//
#include "compiler/ArtifactWriters.h"

#include "strata/runtime.h"

#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/DataExtractor.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace strata {
namespace {

llvm::json::Array tensorsToJson(const std::vector<TensorSignature> &tensors) {
  llvm::json::Array array;
  for (const TensorSignature &tensor : tensors) {
    llvm::json::Array shape;
    for (int64_t extent : tensor.shape)
      shape.push_back(extent);
    array.push_back(llvm::json::Object{{"name", tensor.name},
                                       {"dtype", dtypeName(tensor.dtype)},
                                       {"shape", std::move(shape)},
                                       {"bytes", tensor.bytes()}});
  }
  return array;
}

llvm::json::Object targetToJson(const TargetDescription &target,
                                const ModelSignature &signature) {
  llvm::json::Object object{{"name", target.name},
                            {"triple", target.triple},
                            {"cpu", target.cpu}};
  if (signature.gpu) {
    object["gpu"] = llvm::json::Object{
        {"triple", "nvptx64-nvidia-cuda"},
        {"chip", target.gpuChip},
        {"binary", signature.gpu->cubin ? "cubin" : "ptx"},
        {"weights_bytes", signature.gpu->constantsBytes}};
  }
  return object;
}

/// The int8 parameters of each quantized op, as --report prints them.
llvm::json::Array quantizationToJson(const ModelSignature &signature) {
  llvm::json::Array ops;
  for (const ModelSignature::QuantizedOp &op : signature.quantizedOps)
    ops.push_back(llvm::json::Object{
        {"node", op.node},
        {"op", op.op},
        {"input", llvm::json::Object{{"scale", op.inputScale},
                                     {"zero_point", op.inputZeroPoint}}},
        {"output", llvm::json::Object{{"scale", op.outputScale},
                                      {"zero_point", op.outputZeroPoint}}},
        // An exact output (no noise) has no finite SQNR: null.
        {"sqnr_db", std::isfinite(op.sqnrDb) ? llvm::json::Value(op.sqnrDb)
                                             : llvm::json::Value(nullptr)}});
  return ops;
}

} // namespace

std::string writeManifest(const ModelSignature &signature,
                          const TargetDescription &target,
                          const ManifestFacts &facts) {
  llvm::json::Array artifacts;
  for (const std::string &artifact : facts.artifacts)
    artifacts.push_back(artifact);
  llvm::json::Object manifest{
      {"compiler", llvm::json::Object{{"name", "stratac"},
                                      {"version", STRATA_VERSION}}},
      {"name", signature.name},
      {"model", llvm::json::Object{{"file", facts.modelFile},
                                   {"sha256", facts.modelSha256}}},
      {"target", targetToJson(target, signature)},
      {"inputs", tensorsToJson(signature.inputs)},
      {"outputs", tensorsToJson(signature.outputs)},
      {"arena", llvm::json::Object{{"bytes", signature.arenaBytes},
                                   {"lower_bound_bytes", signature.arenaLowerBound},
                                   {"alignment", signature.arenaAlignment}}},
      {"loop_nests", llvm::json::Object{{"graph_ops", signature.graphOps},
                                        {"kernels", signature.kernels},
                                        {"fills", signature.fills},
                                        {"copies", signature.copies}}},
      {"abi_version", STRATA_ABI_VERSION},
      {"parallel_loops", signature.parallelLoops},
      {"code_bytes", facts.codeBytes},
      {"weight_bytes", facts.weightBytes},
      {"stack_bytes_estimate", facts.stackBytes},
      {"artifacts", std::move(artifacts)},
  };
  if (signature.pruning) {
    const ModelSignature::Pruning &pruning = *signature.pruning;
    llvm::json::Array layers;
    for (const ModelSignature::Pruning::Layer &layer : pruning.layers)
      layers.push_back(llvm::json::Object{
          {"node", layer.node}, {"channels", layer.channels}, {"kept", layer.kept}});
    llvm::json::Object record{
        {"structure", pruning.structure},
        {"criterion", pruning.criterion},
        {"fraction", pruning.fraction},
        {"layers", std::move(layers)},
        {"macs", llvm::json::Object{{"before", pruning.macsBefore},
                                    {"after", pruning.macsAfter}}},
        {"weight_bytes", llvm::json::Object{{"before", pruning.weightBytesBefore},
                                            {"after", pruning.weightBytesAfter}}}};
    if (pruning.outputError)
      record["output_error"] = llvm::json::Object{{"relative_l2", *pruning.outputError},
                                                  {"samples", pruning.errorSamples}};
    manifest["pruning"] = std::move(record);
  }
  if (!signature.quantizedOps.empty())
    manifest["quantization"] = llvm::json::Object{
        {"scheme", "int8: weights per output channel, symmetric; activations "
                   "per tensor, asymmetric"},
        {"ops", quantizationToJson(signature)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest))) << "\n";
  return text;
}

llvm::Error measureObject(llvm::StringRef object, ManifestFacts &facts) {
  auto file = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(object, "object"));
  if (!file)
    return file.takeError();
  facts.codeBytes = facts.weightBytes = 0;
  facts.stackBytes = -1;
  unsigned addressBytes = (*file)->getBytesInAddress();
  for (const llvm::object::SectionRef &section : (*file)->sections()) {
    auto name = section.getName();
    if (!name)
      return name.takeError();
    if (section.isText()) {
      facts.codeBytes += section.getSize();
    } else if (name->starts_with(".rodata") || name->starts_with(".lrodata")) {
      facts.weightBytes += section.getSize();
    } else if (*name == ".stack_sizes") {
      // Entries: a function address, then its frame size as ULEB128.
      auto contents = section.getContents();
      if (!contents)
        return contents.takeError();
      llvm::DataExtractor data(*contents, (*file)->isLittleEndian(),
                               addressBytes);
      llvm::DataExtractor::Cursor cursor(0);
      facts.stackBytes = std::max<int64_t>(facts.stackBytes, 0);
      while (cursor && cursor.tell() < contents->size()) {
        data.getAddress(cursor);
        facts.stackBytes += data.getULEB128(cursor);
      }
      if (llvm::Error error = cursor.takeError())
        return error;
    }
  }
  return llvm::Error::success();
}

} // namespace strata
