//===- OnnxImporter.cpp - ONNX model to graph dialect -----------*- C++ -*-===//
//
// Loads an ONNX file, validates it with the ONNX checker, binds symbolic input
// dimensions, runs ONNX shape inference so every value has a static type, and
// builds one func.func of graph ops. Ops are created with createOrFold, so
// shape arithmetic on constants disappears while the graph is built. The ONNX
// library throws: every call into it sits inside one try block here, and this
// file is compiled with exceptions enabled.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"
#include "compiler/onnx/NodeConverters.h"
#include "compiler/onnx/TensorProtoConversion.h"

#include "dialects/Graph/GraphOps.h"
#include "passes/EntryAttributes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <map>

using namespace mlir;

namespace strata {
namespace {

constexpr int64_t kMinOpset = 1;
constexpr int64_t kMaxOpset = 17;

/// Converter errors gathered over the whole graph: one report per op type
/// and problem, naming every node that has it.
class ConversionFailures {
public:
  void add(const std::string &opType, std::string problem,
           const std::string &node) {
    // Converters word errors "OpType: problem"; the report names the type.
    StringRef text(problem);
    if (text.consume_front(opType + ": "))
      problem = text.str();
    auto &nodes = byProblem[{opType, problem}];
    nodes.push_back(node);
  }
  bool empty() const { return byProblem.empty(); }
  /// One error, the problems separated by "; " like the unsupported
  /// operators list (drivers print an error per line).
  void report(Location loc, int64_t opset) const {
    auto diag = emitError(loc);
    bool first = true;
    for (const auto &[key, nodes] : byProblem) {
      diag << (first ? "" : "; ") << key.first << " (opset " << opset
           << "): " << key.second << " (nodes: ";
      first = false;
      for (size_t i = 0; i < nodes.size(); ++i)
        diag << (i ? ", " : "") << "'" << nodes[i] << "'";
      diag << ")";
    }
  }

private:
  std::map<std::pair<std::string, std::string>, std::vector<std::string>>
      byProblem;
};

/// What to do instead, for the operator families Strata deliberately does
/// not compile.
StringRef whyUnsupported(StringRef opType) {
  if (llvm::is_contained({"NonZero", "NonMaxSuppression", "Unique", "Compress"},
                         opType))
    return "[its output shape depends on the data; Strata compiles static "
           "shapes: run it after the compiled model]";
  if (llvm::is_contained({"If", "Loop", "Scan"}, opType))
    return "[control flow: export the model with the loop unrolled or the "
           "branch taken]";
  if (llvm::is_contained({"RandomNormal", "RandomNormalLike", "RandomUniform",
                          "RandomUniformLike", "Bernoulli", "Multinomial"},
                         opType))
    return "[random sampling: pass the samples in as an input]";
  if (llvm::is_contained({"Adagrad", "Adam", "Momentum", "Gradient"}, opType))
    return "[training operator: Strata compiles inference graphs]";
  return "";
}

class Importer {
public:
  Importer(MLIRContext &context, StringRef path, const OnnxImportOptions &options)
      : context(context), path(path.str()), options(options),
        fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {}

  OwningOpRef<ModuleOp> run();

private:
  InFlightDiagnostic error() { return emitError(fileLoc); }
  static std::string nodeName(const onnx::NodeProto &node, size_t index) {
    return node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                               : node.name();
  }
  Location nodeLoc(const onnx::NodeProto &node, size_t index) {
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(index)
                           : node.name();
    return NameLoc::get(StringAttr::get(&context, name), fileLoc);
  }

  LogicalResult load();
  /// Calls `visit` on every tensor the file stores: initializers and
  /// tensor-valued node attributes.
  void forEachStoredTensor(
      llvm::function_ref<void(const onnx::TensorProto &)> visit) const;
  /// Refuses external data outside the model's folder before anything
  /// (the ONNX checker included) opens those files.
  LogicalResult checkExternalDataLocations();
  LogicalResult freezeInputs();
  LogicalResult bindInputShapes();
  /// Rejects attribute values that ONNX's own shape inference divides by
  /// (a zero stride, group or block size kills the process with SIGFPE).
  LogicalResult checkCountAttributes();
  LogicalResult inferShapes();
  LogicalResult checkOperatorsSupported();
  /// Fills options.dependencies from the loaded model.
  void recordDependencies();
  FailureOr<RankedTensorType> typeOf(const onnx::TypeProto &type, StringRef what);
  /// The type when it is a fully static tensor, else null (no diagnostic).
  RankedTensorType staticTypeOf(const onnx::TypeProto &type);
  LogicalResult buildFunction(ModuleOp module);

  MLIRContext &context;
  std::string path;
  const OnnxImportOptions &options;
  Location fileLoc;
  onnx::ModelProto model;
  int64_t opset = 0;
  /// The inferred type of every named value.
  std::map<std::string, const onnx::TypeProto *> valueTypes;
};

LogicalResult Importer::load() {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error() << "cannot read the model: " << buffer.getError().message();
    return failure();
  }
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.empty()) {
    error() << "the model file is empty";
    return failure();
  }
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  stream.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    error() << "not a valid ONNX model (the Protobuf data is corrupt or "
               "truncated)";
    return failure();
  }
  if (failed(checkExternalDataLocations()))
    return failure();
  try {
    onnx::checker::check_model(path);
  } catch (const std::exception &e) {
    StringRef what(e.what());
    error() << "the ONNX checker rejects the model: "
            << what.split('\n').first.trim();
    return failure();
  }
  for (const auto &import : model.opset_import())
    if (import.domain().empty() || import.domain() == "ai.onnx")
      opset = import.version();
  if (opset < kMinOpset || opset > kMaxOpset) {
    error() << "opset " << opset << " is not supported (supported: "
            << kMinOpset << " to " << kMaxOpset << ")";
    return failure();
  }
  return success();
}

void Importer::forEachStoredTensor(
    llvm::function_ref<void(const onnx::TensorProto &)> visit) const {
  for (const auto &init : model.graph().initializer())
    visit(init);
  for (const auto &node : model.graph().node())
    for (const auto &attr : node.attribute())
      if (attr.has_t())
        visit(attr.t());
}

LogicalResult Importer::checkExternalDataLocations() {
  std::string directory = llvm::sys::path::parent_path(path).str();
  std::string problem;
  forEachStoredTensor([&](const onnx::TensorProto &tensor) {
    if (problem.empty() &&
        tensor.data_location() == onnx::TensorProto::EXTERNAL)
      (void)onnx_import::resolveExternalDataFile(tensor, directory, problem);
  });
  if (problem.empty())
    return success();
  error() << problem;
  return failure();
}

LogicalResult Importer::freezeInputs() {
  auto *graph = model.mutable_graph();
  for (const auto &[name, file] : options.frozenInputs) {
    auto input = llvm::find_if(graph->input(), [&, name = name](const auto &in) {
      return in.name() == name;
    });
    if (input == graph->input().end()) {
      error() << "--freeze-input names '" << name
              << "', which is not an input of the model";
      return failure();
    }
    auto buffer = llvm::MemoryBuffer::getFile(file, false, false);
    onnx::TensorProto tensor;
    if (!buffer || !tensor.ParseFromArray((*buffer)->getBufferStart(),
                                          (*buffer)->getBufferSize())) {
      error() << "--freeze-input " << name << ": cannot read a TensorProto from '"
              << file << "'";
      return failure();
    }
    tensor.set_name(name);
    *graph->add_initializer() = tensor;
    graph->mutable_input()->erase(input);
  }
  return success();
}

LogicalResult Importer::bindInputShapes() {
  llvm::StringSet<> initializers;
  for (const auto &init : model.graph().initializer())
    initializers.insert(init.name());
  llvm::StringSet<> modelInputs;
  for (const auto &input : model.graph().input())
    if (!initializers.contains(input.name()))
      modelInputs.insert(input.name());
  for (const auto &[name, shape] : options.inputShapes)
    if (!modelInputs.contains(name)) {
      error() << "--input-shape names '" << name
              << "', which is not an input of the model";
      return failure();
    }
  for (auto &input : *model.mutable_graph()->mutable_input()) {
    if (initializers.contains(input.name()))
      continue;
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    auto bound = options.inputShapes.find(input.name());
    if (bound != options.inputShapes.end()) {
      if (static_cast<size_t>(shape->dim_size()) != bound->second.size()) {
        error() << "--input-shape for '" << input.name() << "' has "
                << bound->second.size() << " dimensions, the model's input has "
                << shape->dim_size();
        return failure();
      }
      for (int i = 0; i < shape->dim_size(); ++i) {
        auto *dim = shape->mutable_dim(i);
        // A negative extent is no extent: the binding replaces it.
        if (dim->has_dim_value() && dim->dim_value() >= 0 &&
            dim->dim_value() != bound->second[i]) {
          error() << "--input-shape for '" << input.name() << "' sets dimension "
                  << i << " to " << bound->second[i]
                  << " but the model fixes it at " << dim->dim_value();
          return failure();
        }
        dim->set_dim_value(bound->second[i]);
      }
      continue;
    }
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto *dim = shape->mutable_dim(i);
      if (dim->has_dim_value() && dim->dim_value() < 0) {
        error() << "input '" << input.name() << "' has a negative dimension "
                << i << " (" << dim->dim_value()
                << "); bind it with --input-shape " << input.name() << "=...";
        return failure();
      }
      if (dim->has_dim_value())
        continue;
      if (i == 0) { // A symbolic leading batch dimension defaults to 1.
        dim->set_dim_value(1);
        continue;
      }
      error() << "input '" << input.name() << "' has a symbolic dimension " << i
              << (dim->has_dim_param() ? " ('" + dim->dim_param() + "')" : "")
              << "; bind it with --input-shape " << input.name() << "=...";
      return failure();
    }
  }
  return success();
}

LogicalResult Importer::checkCountAttributes() {
  // Attributes that count or step in every operator that has them; ONNX
  // defines none of them as zero or negative.
  static const llvm::StringLiteral positive[] = {
      "strides", "dilations", "kernel_shape", "group", "blocksize"};
  for (const auto &[index, node] : llvm::enumerate(model.graph().node()))
    for (const auto &attr : node.attribute()) {
      if (!llvm::is_contained(positive, attr.name()))
        continue;
      SmallVector<int64_t> values(attr.ints().begin(), attr.ints().end());
      if (attr.has_i())
        values.push_back(attr.i());
      for (int64_t value : values)
        if (value < 1) {
          emitError(nodeLoc(node, index))
              << node.op_type() << " attribute '" << attr.name()
              << "' must be positive, got " << value;
          return failure();
        }
    }
  return success();
}

LogicalResult Importer::inferShapes() {
  // Stale or symbolic annotations would conflict with the bound shapes.
  model.mutable_graph()->clear_value_info();
  for (auto &output : *model.mutable_graph()->mutable_output())
    output.mutable_type()->mutable_tensor_type()->clear_shape();
  try {
    onnx::ShapeInferenceOptions inferenceOptions(/*check_type=*/true,
                                                 /*strict_mode=*/1,
                                                 /*data_prop=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       inferenceOptions);
  } catch (const std::exception &e) {
    StringRef what(e.what());
    error() << "ONNX shape inference failed: " << what.split('\n').first.trim();
    return failure();
  }
  const onnx::GraphProto &graph = model.graph();
  for (const auto &list : {&graph.input(), &graph.value_info(), &graph.output()})
    for (const auto &info : *list)
      valueTypes[info.name()] = &info.type();
  return success();
}

LogicalResult Importer::checkOperatorsSupported() {
  const auto &converters = onnx_import::nodeConverters();
  std::map<std::string, std::vector<std::string>> unsupported;
  for (const auto &[index, node] : llvm::enumerate(model.graph().node())) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    if (defaultDomain && converters.count(node.op_type()))
      continue;
    std::string type = defaultDomain ? node.op_type()
                                     : node.domain() + "." + node.op_type();
    unsupported[type].push_back(nodeName(node, index));
  }
  if (unsupported.empty())
    return success();
  auto diag = error();
  diag << "unsupported operators (opset " << opset << "): ";
  bool first = true;
  for (const auto &[type, nodes] : unsupported) {
    diag << (first ? "" : "; ") << type << " (nodes: ";
    first = false;
    for (size_t i = 0; i < nodes.size(); ++i)
      diag << (i ? ", " : "") << "'" << nodes[i] << "'";
    diag << ")";
    if (StringRef why = whyUnsupported(type); !why.empty())
      diag << " " << why;
  }
  diag << "; `stratac --list-ops` lists the supported operators";
  return failure();
}

RankedTensorType Importer::staticTypeOf(const onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return {};
  Type element = onnx_import::elementTypeFor(context, type.tensor_type().elem_type());
  if (!element)
    return {};
  SmallVector<int64_t> shape;
  for (const auto &dim : type.tensor_type().shape().dim()) {
    if (!dim.has_dim_value())
      return {};
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, element);
}

FailureOr<RankedTensorType> Importer::typeOf(const onnx::TypeProto &type,
                                             StringRef what) {
  if (!type.has_tensor_type()) {
    error() << what << " is not a tensor (sequence, map and optional types are "
                       "not supported)";
    return failure();
  }
  const auto &tensor = type.tensor_type();
  Type element = onnx_import::elementTypeFor(context, tensor.elem_type());
  if (!element) {
    error() << what << " has unsupported element type "
            << onnx::TensorProto::DataType_Name(
                   static_cast<onnx::TensorProto::DataType>(tensor.elem_type()));
    return failure();
  }
  SmallVector<int64_t> shape;
  if (!tensor.has_shape()) {
    error() << what << " has no shape after ONNX shape inference";
    return failure();
  }
  for (const auto &dim : tensor.shape().dim()) {
    if (!dim.has_dim_value()) {
      error() << what << " has a dimension that is not static after shape "
                         "inference";
      return failure();
    }
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, element);
}

LogicalResult Importer::buildFunction(ModuleOp module) {
  const onnx::GraphProto &graph = model.graph();
  OpBuilder builder(&context);
  llvm::StringMap<Value> values;

  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  SmallVector<Type> inputTypes;
  SmallVector<Attribute> inputNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    auto type = typeOf(input.type(), "input '" + input.name() + "'");
    if (failed(type))
      return failure();
    inputTypes.push_back(*type);
    inputNames.push_back(builder.getStringAttr(input.name()));
  }
  SmallVector<Attribute> outputNames;
  for (const auto &output : graph.output())
    outputNames.push_back(builder.getStringAttr(output.name()));

  builder.setInsertionPointToEnd(module.getBody());
  auto function = func::FuncOp::create(
      builder, fileLoc, options.entryName,
      builder.getFunctionType(inputTypes, {}));
  function->setAttr(strata::entry::kInputNames, builder.getArrayAttr(inputNames));
  function->setAttr(strata::entry::kOutputNames, builder.getArrayAttr(outputNames));
  Block *body = function.addEntryBlock();
  builder.setInsertionPointToStart(body);
  for (auto [name, argument] : llvm::zip(inputNames, body->getArguments()))
    values[cast<StringAttr>(name).getValue()] = argument;

  std::string modelDirectory = llvm::sys::path::parent_path(path).str();
  for (const auto &init : graph.initializer()) {
    std::string problem;
    auto value = onnx_import::convertTensorProto(context, init, modelDirectory,
                                                 problem);
    if (failed(value))
      return error() << problem;
    values[init.name()] = graph::ConstantOp::create(
        builder, NameLoc::get(builder.getStringAttr(init.name()), fileLoc),
        value->getType(), *value);
  }

  const auto &converters = onnx_import::nodeConverters();
  // A node that cannot be converted is recorded and the import goes on, so
  // that one run reports every problem: the node's outputs become
  // placeholders and the nodes that depend on them are skipped (their own
  // problems cannot be judged without the real values).
  ConversionFailures failures;
  llvm::StringSet<> poisoned;
  for (const auto &[index, node] : llvm::enumerate(graph.node())) {
    Location loc = nodeLoc(node, index);
    SmallVector<Value> inputs;
    bool dependsOnFailure = false;
    for (const std::string &name : node.input()) {
      if (name.empty()) {
        inputs.push_back({});
        continue;
      }
      if (poisoned.contains(name)) {
        dependsOnFailure = true;
        continue;
      }
      auto it = values.find(name);
      if (it == values.end())
        return emitError(loc) << "input '" << name << "' is not defined";
      inputs.push_back(it->second);
    }
    if (dependsOnFailure) {
      for (const std::string &name : node.output())
        poisoned.insert(name);
      continue;
    }
    SmallVector<Type> resultTypes;
    for (const std::string &name : node.output()) {
      auto it = valueTypes.find(name);
      RankedTensorType type;
      if (!name.empty() && it != valueTypes.end())
        type = staticTypeOf(*it->second);
      // Ops whose shape operand folded can type themselves when ONNX's
      // shape inference could not follow the shape arithmetic.
      if (!type && !name.empty() &&
          !onnx_import::computesOwnResultType(node.op_type()))
        return emitError(loc) << node.op_type() << ": output '" << name
                              << "' has no static shape after ONNX shape "
                                 "inference";
      resultTypes.push_back(type);
    }
    onnx_import::NodeContext nodeContext(node, builder, loc, inputs,
                                         resultTypes, opset, modelDirectory);
    SmallVector<Value> results;
    std::string problem;
    LogicalResult converted = success();
    {
      ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diag) {
        if (diag.getSeverity() != DiagnosticSeverity::Error)
          return failure();
        if (problem.empty())
          problem = diag.str();
        return success();
      });
      converted = converters.lookup(node.op_type())(nodeContext, results);
    }
    if (failed(converted)) {
      failures.add(node.op_type(), problem, nodeName(node, index));
      for (const std::string &name : node.output())
        poisoned.insert(name);
      continue;
    }
    for (auto [name, result] : llvm::zip(node.output(), results))
      if (!name.empty() && result)
        values[name] = result;
  }
  if (!failures.empty()) {
    failures.report(fileLoc, opset);
    return failure();
  }

  SmallVector<Value> returned;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return error() << "output '" << output.name() << "' is never computed";
    returned.push_back(it->second);
  }
  func::ReturnOp::create(builder, fileLoc, returned);
  function.setFunctionType(
      builder.getFunctionType(inputTypes, ValueRange(returned).getTypes()));
  return success();
}

void Importer::recordDependencies() {
  if (!options.dependencies)
    return;
  std::vector<std::string> &files = *options.dependencies;
  files.push_back(path);
  std::string directory = llvm::sys::path::parent_path(path).str();
  auto addExternal = [&](const onnx::TensorProto &tensor) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      return;
    for (const auto &entry : tensor.external_data())
      if (entry.key() == "location") {
        llvm::SmallString<256> file(directory);
        llvm::sys::path::append(file, entry.value());
        files.push_back(file.str().str());
      }
  };
  forEachStoredTensor(addExternal);
  for (const auto &[name, file] : options.frozenInputs)
    files.push_back(file);
  llvm::sort(files);
  files.erase(std::unique(files.begin(), files.end()), files.end());
}

OwningOpRef<ModuleOp> Importer::run() {
  if (succeeded(load()))
    recordDependencies();
  else
    return {};
  if (failed(checkOperatorsSupported()) ||
      failed(freezeInputs()) || failed(bindInputShapes()) ||
      failed(checkCountAttributes()) || failed(inferShapes()))
    return {};
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (failed(buildFunction(*module)))
    return {};
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &context, StringRef path,
                                      const OnnxImportOptions &options) {
  context.loadDialect<graph::GraphDialect, func::FuncDialect>();
  Importer importer(context, path, options);
  return importer.run();
}

std::string onnxNodeName(mlir::Location loc) { return graph::nodeName(loc); }

} // namespace strata

std::vector<std::string> strata::supportedOnnxOperators() {
  std::vector<std::string> names;
  for (const auto &entry : onnx_import::nodeConverters())
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}
