//===- strata-halide-gen.cpp - One fused group as a Halide pipeline -*- C++ -*-===//
//
// stratac's Halide path runs this program rather than linking Halide: Halide
// 14 carries its own LLVM 14, which must not share a process with the LLVM
// 22 the compiler is built on (see docs/halide.md). It reads a group spec
// (what targets/halide/HalideGroups.cpp writes: loops, operands with their
// affine indexing, the scalar body), builds the Halide Func it describes,
// schedules it with one of Halide's autoschedulers and writes LLVM bitcode
// (or, with --emit=object, an object) whose function takes (user_context,
// inputs..., output) as halide_buffer_t pointers. It is built without
// Halide's runtime (no asserts, one core); stratac links the bitcode into
// the model's own LLVM module and refuses a group that would call the
// runtime.
//
//   strata-halide-gen --spec=GROUP.txt --target=T --output=GROUP.bc
//   strata-halide-gen --spec=A.txt --spec=B.txt... --target=T --output-dir=DIR
//                     [--emit=bitcode|object]
//                     [--autoscheduler=Mullapudi2016|Adams2019|Li2018]
//
// Exit status: 0 when every group was written, 1 with a message on stderr
// naming each that was not.
//
//===----------------------------------------------------------------------===//
#include "Halide.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace Halide;

namespace {

[[noreturn]] void fail(const std::string &message) {
  std::cerr << "strata-halide-gen: " << message << "\n";
  std::exit(1);
}

/// One affine index: constant + sum(coefficients[d] * loop d).
struct AffineIndex {
  int64_t constant = 0;
  std::vector<int64_t> coefficients;
};

struct Operand {
  std::vector<int> shape;
  std::vector<AffineIndex> indices; // One per dimension, outermost first.
};

struct BodyOp {
  std::string result, kind;
  std::vector<std::string> operands; // Values, or a predicate then values.
};

struct GroupSpec {
  std::string name;
  std::vector<char> iterators; // 'p' or 'r', one per loop.
  std::vector<int> extents;
  std::vector<Operand> inputs;
  Operand output;
  bool hasInit = false;
  float init = 0;
  std::vector<BodyOp> body;
  std::string yield;
};

std::vector<std::string> split(const std::string &text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator))
    parts.push_back(part);
  return parts;
}

float floatFromHex(const std::string &hex) {
  uint32_t bits = static_cast<uint32_t>(std::stoul(hex, nullptr, 16));
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// "f32 1,32,32 map 0:1:0:0;0:0:1:0;..." after the operand keyword.
Operand parseOperand(std::istringstream &line, size_t loops) {
  std::string type, shape, keyword, map;
  line >> type >> shape >> keyword >> map;
  if (type != "f32" || keyword != "map")
    fail("bad operand line");
  Operand operand;
  if (shape != "scalar")
    for (const std::string &extent : split(shape, ','))
      operand.shape.push_back(std::stoi(extent));
  if (map != "scalar")
    for (const std::string &result : split(map, ';')) {
      std::vector<std::string> numbers = split(result, ':');
      if (numbers.size() != loops + 1)
        fail("an index of " + map + " does not have one coefficient per loop");
      AffineIndex index;
      index.constant = std::stoll(numbers[0]);
      for (size_t i = 1; i < numbers.size(); ++i)
        index.coefficients.push_back(std::stoll(numbers[i]));
      operand.indices.push_back(index);
    }
  if (operand.indices.size() != operand.shape.size())
    fail("an operand's map and shape disagree");
  return operand;
}

GroupSpec parseSpec(const std::string &path) {
  std::ifstream file(path);
  if (!file)
    fail("cannot read " + path);
  GroupSpec spec;
  std::string text;
  bool sawOutput = false;
  while (std::getline(file, text)) {
    if (text.empty() || text[0] == '#')
      continue;
    std::istringstream line(text);
    std::string keyword;
    line >> keyword;
    if (keyword == "group") {
      line >> spec.name;
    } else if (keyword == "loops") {
      std::string loop;
      while (line >> loop) {
        if (loop.size() < 3 || loop[1] != ':' || (loop[0] != 'p' && loop[0] != 'r'))
          fail("bad loop '" + loop + "'");
        spec.iterators.push_back(loop[0]);
        spec.extents.push_back(std::stoi(loop.substr(2)));
      }
    } else if (keyword == "input") {
      spec.inputs.push_back(parseOperand(line, spec.iterators.size()));
    } else if (keyword == "output") {
      spec.output = parseOperand(line, spec.iterators.size());
      sawOutput = true;
    } else if (keyword == "init") {
      std::string value;
      line >> value;
      spec.hasInit = true;
      spec.init = floatFromHex(value);
    } else if (keyword == "yield") {
      line >> spec.yield;
    } else if (keyword.size() > 1 && keyword[0] == 'v') {
      BodyOp op;
      std::string equals;
      op.result = keyword;
      line >> equals >> op.kind;
      if (equals != "=")
        fail("bad body line '" + text + "'");
      std::string operand;
      while (line >> operand)
        op.operands.push_back(operand);
      spec.body.push_back(op);
    } else {
      fail("unknown spec line '" + text + "'");
    }
  }
  if (spec.name.empty() || spec.iterators.empty() || !sawOutput || spec.yield.empty())
    fail(path + " is not a complete group spec");
  return spec;
}

/// Builds the group's Func: the output over its parallel loops (Halide's
/// dimension 0 is the innermost, so indices are reversed), an update over an
/// RDom of the reduction loops when there are any.
class GroupBuilder {
public:
  explicit GroupBuilder(const GroupSpec &spec) : spec(spec) {}

  Pipeline build(std::vector<Argument> &arguments) {
    for (size_t i = 0; i < spec.inputs.size(); ++i) {
      images.emplace_back(Float(32), static_cast<int>(spec.inputs[i].shape.size()),
                          "in" + std::to_string(i));
      const std::vector<int> &shape = spec.inputs[i].shape;
      for (size_t d = 0; d < shape.size(); ++d) {
        int dim = static_cast<int>(shape.size() - 1 - d);
        images.back().dim(dim).set_bounds(0, shape[d]);
      }
      arguments.push_back(images.back());
    }
    std::vector<Region::value_type> reductionBounds;
    for (size_t loop = 0; loop < spec.iterators.size(); ++loop)
      if (spec.iterators[loop] == 'r')
        reductionBounds.push_back({0, spec.extents[loop]});
    if (!reductionBounds.empty())
      reduction = RDom(reductionBounds, "r");

    // Each loop as an expression: a Var for a parallel loop, an RVar for a
    // reduction loop.
    std::vector<Var> vars;
    int reductionIndex = 0;
    for (size_t loop = 0; loop < spec.iterators.size(); ++loop) {
      if (spec.iterators[loop] == 'p') {
        vars.emplace_back("d" + std::to_string(loop));
        loopExprs.push_back(vars.back());
        parallelVars[loop] = vars.back();
      } else {
        loopExprs.push_back(reduction[reductionIndex++]);
      }
    }

    // The output's dimensions are parallel loops (a projected permutation).
    std::vector<Var> outputVars;
    for (const AffineIndex &index : spec.output.indices) {
      int loop = -1;
      for (size_t d = 0; d < index.coefficients.size(); ++d)
        if (index.coefficients[d] != 0)
          loop = loop < 0 && index.coefficients[d] == 1 ? static_cast<int>(d) : -2;
      if (loop < 0 || index.constant != 0 || spec.iterators[loop] != 'p')
        fail("the output's indexing is not a permutation of parallel loops");
      outputVars.insert(outputVars.begin(), parallelVars.at(loop));
    }
    output = Func(spec.name);
    std::vector<Expr> outputArgs(outputVars.begin(), outputVars.end());
    if (reduction.defined()) {
      if (!spec.hasInit)
        fail("a reduction needs an init value");
      output(outputVars) = Expr(spec.init);
      outputRef = output(outputArgs);
      output(outputArgs) = value(spec.yield);
    } else {
      output(outputVars) = value(spec.yield);
    }
    for (size_t d = 0; d < spec.output.shape.size(); ++d) {
      int dim = static_cast<int>(spec.output.shape.size() - 1 - d);
      output.output_buffer().dim(dim).set_bounds(0, spec.output.shape[d]);
      output.set_estimate(outputVars[dim], 0, spec.output.shape[d]);
    }
    for (size_t i = 0; i < spec.inputs.size(); ++i) {
      Region estimates;
      const std::vector<int> &shape = spec.inputs[i].shape;
      for (auto it = shape.rbegin(); it != shape.rend(); ++it)
        estimates.push_back({0, *it});
      images[i].set_estimates(estimates);
    }
    return Pipeline(output);
  }

  void checkInputBounds(Pipeline &pipeline) {
    std::vector<int> extents(spec.output.shape.rbegin(), spec.output.shape.rend());
    Buffer<float> output(extents);
    pipeline.infer_input_bounds(output);
    for (size_t i = 0; i < images.size(); ++i) {
      Buffer<> required = images[i].get();
      if (!required.defined())
        continue; // Not read (a pool's window).
      const std::vector<int> &shape = spec.inputs[i].shape;
      for (int dim = 0; dim < required.dimensions(); ++dim) {
        int extent = shape[shape.size() - 1 - dim];
        if (required.dim(dim).min() < 0 ||
            required.dim(dim).min() + required.dim(dim).extent() > extent)
          throw CompileError("the schedule reads input " + std::to_string(i) +
                             " outside its bounds (dimension " +
                             std::to_string(dim) + ")");
      }
      images[i].reset();
    }
  }

private:
  Expr index(const AffineIndex &affine) {
    Expr result = Expr(static_cast<int>(affine.constant));
    for (size_t d = 0; d < affine.coefficients.size(); ++d)
      if (affine.coefficients[d] != 0)
        result = result + static_cast<int>(affine.coefficients[d]) * loopExprs[d];
    return simplify(result);
  }

  Expr access(size_t input) {
    std::vector<Expr> args;
    for (const AffineIndex &affine : spec.inputs[input].indices)
      args.insert(args.begin(), index(affine));
    return images[input](args);
  }

  Expr value(const std::string &name) {
    auto known = values.find(name);
    if (known != values.end())
      return known->second;
    for (const BodyOp &op : spec.body)
      if (op.result == name)
        return values[name] = compute(op);
    fail("value " + name + " is not defined");
  }

  Expr compute(const BodyOp &op) {
    const std::vector<std::string> &xs = op.operands;
    auto arg = [&](size_t i) { return value(xs.at(i)); };
    if (op.kind == "arg") {
      size_t position = std::stoul(xs.at(0));
      if (position < spec.inputs.size())
        return access(position);
      if (!outputRef.defined())
        fail("the output is read outside a reduction");
      return outputRef;
    }
    if (op.kind == "const")
      return Expr(floatFromHex(xs.at(0)));
    if (op.kind == "add") return arg(0) + arg(1);
    if (op.kind == "sub") return arg(0) - arg(1);
    if (op.kind == "mul") return arg(0) * arg(1);
    if (op.kind == "div") return arg(0) / arg(1);
    if (op.kind == "max") return max(arg(0), arg(1));
    if (op.kind == "min") return min(arg(0), arg(1));
    if (op.kind == "neg") return -arg(0);
    if (op.kind == "abs") return abs(arg(0));
    if (op.kind == "exp") return exp(arg(0));
    if (op.kind == "log") return log(arg(0));
    if (op.kind == "tanh") {
      // Through exp, which Halide computes inline: its tanh calls libm's
      // tanhf, which artifacts do not link. 1 - 2 / (e^2x + 1) saturates
      // to +-1 where e^2x overflows or vanishes.
      Expr e = exp(2.0f * arg(0));
      return 1.0f - 2.0f / (e + 1.0f);
    }
    if (op.kind == "sqrt") return sqrt(arg(0));
    if (op.kind == "rsqrt") return 1.0f / sqrt(arg(0));
    if (op.kind == "pow") return pow(arg(0), arg(1));
    if (op.kind == "floor") return floor(arg(0));
    if (op.kind == "ceil") return ceil(arg(0));
    if (op.kind == "select") return select(arg(0), arg(1), arg(2));
    if (op.kind == "cmp") {
      const std::string &predicate = xs.at(0);
      Expr a = arg(1), b = arg(2);
      if (predicate == "lt") return a < b;
      if (predicate == "le") return a <= b;
      if (predicate == "gt") return a > b;
      if (predicate == "ge") return a >= b;
      if (predicate == "eq") return a == b;
      if (predicate == "ne") return a != b;
      fail("unknown comparison '" + predicate + "'");
    }
    fail("unsupported body op '" + op.kind + "'");
  }

  const GroupSpec &spec;
  std::vector<ImageParam> images;
  RDom reduction;
  std::vector<Expr> loopExprs;
  std::map<size_t, Var> parallelVars;
  Func output;
  Expr outputRef;
  std::map<std::string, Expr> values;
};

std::string optionValue(int argc, char **argv, const std::string &name) {
  std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      return argv[i] + prefix.size();
  return "";
}

std::vector<std::string> optionValues(int argc, char **argv,
                                      const std::string &name) {
  std::string prefix = "--" + name + "=";
  std::vector<std::string> values;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      values.push_back(argv[i] + prefix.size());
  return values;
}

std::string pluginFor(const std::string &autoscheduler) {
  if (autoscheduler == "Mullapudi2016")
    return STRATA_HALIDE_MULLAPUDI2016;
  if (autoscheduler == "Adams2019")
    return STRATA_HALIDE_ADAMS2019;
  if (autoscheduler == "Li2018")
    return STRATA_HALIDE_LI2018;
  fail("unknown --autoscheduler '" + autoscheduler +
       "' (Mullapudi2016, Adams2019 or Li2018)");
}

/// Schedules and compiles one group to `outputPath`; on failure returns
/// what each autoscheduler said.
std::optional<std::string> generateGroup(const GroupSpec &spec,
                                         const std::string &outputPath,
                                         const Target &target,
                                         const std::string &requested,
                                         OutputFileType outputType) {
  // Halide 14's autoschedulers each fail internally on some pipelines
  // (Mullapudi2016 on LSTM gate groups): the others are tried in turn.
  std::vector<std::string> schedulers = {requested};
  for (const char *other : {"Mullapudi2016", "Li2018", "Adams2019"})
    if (other != requested)
      schedulers.push_back(other);
  std::string errors;
  for (const std::string &autoscheduler : schedulers) {
    try {
      load_plugin(pluginFor(autoscheduler));
      std::vector<Argument> arguments;
      GroupBuilder builder(spec);
      Pipeline pipeline = builder.build(arguments);
      // One core: the model's executor, not Halide, spreads work over
      // threads.
      pipeline.auto_schedule(autoscheduler, target,
                             MachineParams(/*parallelism=*/1,
                                           /*last_level_cache_size=*/1 << 20,
                                           /*balance=*/40));
      // The object is built without asserts, so a schedule that reads
      // outside an input (a vectorized reduction rounding up) would do so
      // silently: bounds inference on the scheduled pipeline must stay
      // within every input's shape.
      builder.checkInputBounds(pipeline);
      Target generated = target.with_feature(Target::NoRuntime)
                             .with_feature(Target::UserContext)
                             .with_feature(Target::NoAsserts);
      pipeline.compile_to({{outputType, outputPath}}, arguments, spec.name,
                          generated);
      std::cout << spec.name << ": scheduled by " << autoscheduler << "\n";
      return std::nullopt;
    } catch (const Halide::Error &error) {
      errors += autoscheduler + ": " + error.what() + "\n";
    }
  }
  return errors;
}

} // namespace

int main(int argc, char **argv) {
  std::string targetText = optionValue(argc, argv, "target");
  std::string outputPath = optionValue(argc, argv, "output");
  std::string outputDir = optionValue(argc, argv, "output-dir");
  std::vector<std::string> specPaths = optionValues(argc, argv, "spec");
  if (targetText.empty() || specPaths.empty() ||
      (outputPath.empty() == outputDir.empty()) ||
      (!outputPath.empty() && specPaths.size() != 1))
    fail("usage: strata-halide-gen --spec=FILE --target=T --output=FILE\n"
         "       strata-halide-gen --spec=FILE... --target=T --output-dir=DIR\n"
         "       [--emit=bitcode|object] [--autoscheduler=NAME]");
  if (!Target::validate_target_string(targetText))
    fail("invalid Halide target '" + targetText + "'");
  Target target(targetText);
  std::string emit = optionValue(argc, argv, "emit");
  if (emit.empty())
    emit = "bitcode";
  if (emit != "bitcode" && emit != "object")
    fail("unknown --emit '" + emit + "' (bitcode or object)");
  OutputFileType outputType =
      emit == "bitcode" ? OutputFileType::bitcode : OutputFileType::object;
  std::string requested = optionValue(argc, argv, "autoscheduler");
  if (requested.empty())
    requested = "Mullapudi2016";
  pluginFor(requested); // Rejects an unknown name before any work.

  // One process for many groups: starting Halide costs more than most
  // groups' scheduling.
  bool failed = false;
  for (const std::string &specPath : specPaths) {
    GroupSpec spec = parseSpec(specPath);
    std::string path = outputPath.empty()
                           ? outputDir + "/" + spec.name +
                                 (emit == "bitcode" ? ".bc" : ".o")
                           : outputPath;
    if (std::optional<std::string> errors =
            generateGroup(spec, path, target, requested, outputType)) {
      std::cerr << "strata-halide-gen: " << spec.name
                << ": no autoscheduler could schedule it:\n" << *errors;
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
