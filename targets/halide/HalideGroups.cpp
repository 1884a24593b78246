//===- HalideGroups.cpp - Fused groups that Halide can implement -*- C++ -*-===//
//
// Implements HalideGroups.h: which generics a Halide Func can express, and
// their spec text.
//
//===----------------------------------------------------------------------===//
#include "targets/halide/HalideGroups.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/IR/AffineExpr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;

namespace strata::halide {
namespace {

llvm::Error unsupported(const llvm::Twine &why) {
  return llvm::createStringError(why);
}

std::string hexOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return llvm::formatv("{0:x8}", bits).str();
}

/// `expr` as constant + sum(coefficient[d] * d), when it is linear.
std::optional<SmallVector<int64_t>> linearCoefficients(AffineExpr expr,
                                                       unsigned dims) {
  SmallVector<int64_t> result(dims + 1, 0); // [constant, d0, d1, ...]
  std::function<bool(AffineExpr, int64_t)> add = [&](AffineExpr e,
                                                     int64_t scale) {
    if (auto dim = dyn_cast<AffineDimExpr>(e)) {
      result[dim.getPosition() + 1] += scale;
      return true;
    }
    if (auto constant = dyn_cast<AffineConstantExpr>(e)) {
      result[0] += scale * constant.getValue();
      return true;
    }
    auto binary = dyn_cast<AffineBinaryOpExpr>(e);
    if (!binary)
      return false;
    if (binary.getKind() == AffineExprKind::Add)
      return add(binary.getLHS(), scale) && add(binary.getRHS(), scale);
    if (binary.getKind() == AffineExprKind::Mul) {
      if (auto c = dyn_cast<AffineConstantExpr>(binary.getRHS()))
        return add(binary.getLHS(), scale * c.getValue());
      if (auto c = dyn_cast<AffineConstantExpr>(binary.getLHS()))
        return add(binary.getRHS(), scale * c.getValue());
    }
    return false; // floordiv, mod, products of loops
  };
  if (!add(expr, 1))
    return std::nullopt;
  return result;
}

/// "f32 4,32 map 0:1:0:0;0:0:1:0" for an operand of `op`.
llvm::Expected<std::string> operandLine(Type type, AffineMap map) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.getElementType().isF32() || !shaped.hasStaticShape())
    return unsupported("operands must be static float32 tensors");
  std::string text = "f32 ";
  text += shaped.getRank() == 0
              ? std::string("scalar")
              : llvm::join(llvm::map_range(shaped.getShape(),
                                           [](int64_t e) { return std::to_string(e); }),
                           ",");
  SmallVector<std::string> indices;
  for (AffineExpr result : map.getResults()) {
    auto coefficients = linearCoefficients(result, map.getNumDims());
    if (!coefficients)
      return unsupported("an indexing map is not linear");
    indices.push_back(llvm::join(
        llvm::map_range(*coefficients, [](int64_t c) { return std::to_string(c); }),
        ":"));
  }
  text += " map " + (indices.empty() ? std::string("scalar") : llvm::join(indices, ";"));
  return text;
}

std::optional<StringRef> predicateOf(arith::CmpFPredicate predicate) {
  switch (predicate) {
  case arith::CmpFPredicate::OLT: case arith::CmpFPredicate::ULT: return StringRef("lt");
  case arith::CmpFPredicate::OLE: case arith::CmpFPredicate::ULE: return StringRef("le");
  case arith::CmpFPredicate::OGT: case arith::CmpFPredicate::UGT: return StringRef("gt");
  case arith::CmpFPredicate::OGE: case arith::CmpFPredicate::UGE: return StringRef("ge");
  case arith::CmpFPredicate::OEQ: case arith::CmpFPredicate::UEQ: return StringRef("eq");
  case arith::CmpFPredicate::ONE: case arith::CmpFPredicate::UNE: return StringRef("ne");
  default: return std::nullopt;
  }
}

/// The spec's name for a body op, or "" when Halide has no counterpart.
StringRef kindOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case<arith::AddFOp>([](auto) { return "add"; })
      .Case<arith::SubFOp>([](auto) { return "sub"; })
      .Case<arith::MulFOp>([](auto) { return "mul"; })
      .Case<arith::DivFOp>([](auto) { return "div"; })
      .Case<arith::MaximumFOp, arith::MaxNumFOp>([](auto) { return "max"; })
      .Case<arith::MinimumFOp, arith::MinNumFOp>([](auto) { return "min"; })
      .Case<arith::NegFOp>([](auto) { return "neg"; })
      .Case<math::AbsFOp>([](auto) { return "abs"; })
      .Case<math::ExpOp>([](auto) { return "exp"; })
      .Case<math::LogOp>([](auto) { return "log"; })
      .Case<math::TanhOp>([](auto) { return "tanh"; })
      .Case<math::SqrtOp>([](auto) { return "sqrt"; })
      .Case<math::RsqrtOp>([](auto) { return "rsqrt"; })
      .Case<math::PowFOp>([](auto) { return "pow"; })
      .Case<math::FloorOp>([](auto) { return "floor"; })
      .Case<math::CeilOp>([](auto) { return "ceil"; })
      .Case<arith::SelectOp>([](auto) { return "select"; })
      .Case<arith::CmpFOp>([](auto) { return "cmp"; })
      .Default([](Operation *) { return ""; });
}

std::optional<float> constantFloat(Value value) {
  FloatAttr attr;
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    attr = dyn_cast<FloatAttr>(constant.getValue());
  if (!attr || !attr.getType().isF32())
    return std::nullopt;
  return attr.getValue().convertToFloat();
}

} // namespace

std::optional<float> initValueOf(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1)
    return std::nullopt;
  Value init = op.getDpsInitOperand(0)->get();
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return constantFloat(fill.value());
  // A generic without inputs that yields one value from outside.
  if (auto generic = init.getDefiningOp<linalg::GenericOp>())
    if (generic.getNumDpsInputs() == 0 &&
        llvm::hasSingleElement(generic.getBody()->getOperations())) {
      auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
      if (yield.getNumOperands() == 1)
        return constantFloat(yield.getOperand(0));
    }
  return std::nullopt;
}

llvm::Expected<std::string> writeGroupSpec(linalg::GenericOp op, StringRef name,
                                           std::optional<float> init) {
  if (op.getNumDpsInits() != 1 || op.getNumResults() > 1)
    return unsupported("a group has one output");
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  if (bounds.empty())
    return unsupported("a group has at least one loop");
  if (llvm::any_of(bounds, ShapedType::isDynamic))
    return unsupported("loops must have static bounds");
  bool reduces = op.getNumReductionLoops() > 0;
  if (reduces && !init)
    return unsupported("a reduction must start from a constant");

  std::string spec;
  llvm::raw_string_ostream os(spec);
  os << "group " << name << "\nloops";
  for (auto [iterator, bound] : llvm::zip(op.getIteratorTypesArray(), bounds))
    os << " " << (iterator == utils::IteratorType::parallel ? "p:" : "r:") << bound;
  os << "\n";
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto line = operandLine(input->get().getType(), maps[input->getOperandNumber()]);
    if (!line)
      return line.takeError();
    os << "input " << *line << "\n";
  }
  OpOperand *output = op.getDpsInitOperand(0);
  AffineMap outputMap = maps[output->getOperandNumber()];
  if (!outputMap.isProjectedPermutation())
    return unsupported("the output's indexing is not a projected permutation");
  auto line = operandLine(output->get().getType(), outputMap);
  if (!line)
    return line.takeError();
  os << "output " << *line << "\n";
  if (reduces)
    os << "init " << hexOf(*init) << "\n";

  // The body, one value per line; block arguments and outside constants are
  // named when first used.
  Block *body = op.getBody();
  unsigned outputArg = body->getNumArguments() - 1;
  llvm::DenseMap<Value, std::string> names;
  unsigned next = 0;
  std::function<llvm::Expected<std::string>(Value)> nameOf =
      [&](Value value) -> llvm::Expected<std::string> {
    auto known = names.find(value);
    if (known != names.end())
      return known->second;
    std::string fresh = "v" + std::to_string(next++);
    if (auto arg = dyn_cast<BlockArgument>(value); arg && arg.getOwner() == body) {
      if (arg.getArgNumber() == outputArg && !reduces)
        return unsupported("an elementwise group reads its output");
      os << fresh << " = arg " << arg.getArgNumber() << "\n";
    } else if (auto constant = constantFloat(value)) {
      os << fresh << " = const " << hexOf(*constant) << "\n";
    } else {
      return unsupported("the body uses a value from outside that is not a "
                         "float constant");
    }
    return names[value] = fresh;
  };
  for (Operation &inner : body->without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(inner)) {
      if (!constantFloat(constant))
        return unsupported("the body has a non-float constant");
      continue; // Named where used.
    }
    StringRef kind = kindOf(&inner);
    if (kind.empty() || inner.getNumResults() != 1)
      return unsupported("Halide has no counterpart of " +
                         inner.getName().getStringRef());
    if (isa<arith::SelectOp>(inner) && !inner.getOperand(0).getDefiningOp<arith::CmpFOp>())
      return unsupported("a select's condition must be a float comparison");
    Type type = inner.getResult(0).getType();
    if (!type.isF32() && !(isa<arith::CmpFOp>(inner) && type.isInteger(1)))
      return unsupported("the body computes a type other than float32");
    SmallVector<std::string> operands;
    if (auto cmp = dyn_cast<arith::CmpFOp>(inner)) {
      auto predicate = predicateOf(cmp.getPredicate());
      if (!predicate)
        return unsupported("an unsupported float comparison");
      operands.push_back(predicate->str());
    }
    for (Value operand : inner.getOperands()) {
      auto operandName = nameOf(operand);
      if (!operandName)
        return operandName.takeError();
      operands.push_back(*operandName);
    }
    std::string result = "v" + std::to_string(next++);
    os << result << " = " << kind << " " << llvm::join(operands, " ") << "\n";
    names[inner.getResult(0)] = result;
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto yielded = nameOf(yield.getOperand(0));
  if (!yielded)
    return yielded.takeError();
  os << "yield " << *yielded << "\n";
  return spec;
}

namespace {

/// Where a memref's elements lie: its root buffer and, when static, the
/// byte range [begin, end) it spans in it.
struct Footprint {
  Value root;
  std::optional<std::pair<int64_t, int64_t>> bytes;
};

Footprint footprintOf(Value value) {
  auto type = cast<MemRefType>(value.getType());
  Footprint footprint{value, std::nullopt};
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type.hasStaticShape() || failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) || llvm::any_of(strides, ShapedType::isDynamic))
    return footprint;
  int64_t span = 1;
  for (auto [size, stride] : llvm::zip(type.getShape(), strides))
    span += (size - 1) * stride;
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  int64_t shift = 0;
  // Up through subviews, casts and reshapes to the arena view (whose byte
  // shift places it) or the root itself.
  while (auto viewLike = footprint.root.getDefiningOp<ViewLikeOpInterface>()) {
    if (auto view = dyn_cast<memref::ViewOp>(viewLike.getOperation())) {
      std::optional<int64_t> constant = getConstantIntValue(view.getByteShift());
      if (!constant)
        return {view.getSource(), std::nullopt};
      shift = *constant;
      footprint.root = view.getSource();
      break;
    }
    footprint.root = viewLike.getViewSource();
  }
  int64_t begin = shift + offset * elementBytes;
  footprint.bytes = {begin, begin + span * elementBytes};
  return footprint;
}

} // namespace

bool mayAlias(Value a, Value b) {
  Footprint x = footprintOf(a), y = footprintOf(b);
  if (x.root != y.root)
    return false;
  if (!x.bytes || !y.bytes)
    return true;
  return x.bytes->first < y.bytes->second && y.bytes->first < x.bytes->second;
}

std::string halideTargetOf(const TargetDescription &target) {
  if (target.bareMetal || target.isGpu() || target.gpuLoopsOnHost)
    return "";
  StringRef triple = target.triple;
  if (triple.starts_with("aarch64"))
    return "arm-64-linux";
  if (!triple.starts_with("x86_64"))
    return "";
  StringRef features = target.features;
  bool avx512 = features.contains("+avx512f") || target.cpu == "x86-64-v4";
  bool avx2 = avx512 || features.contains("+avx2") || target.cpu == "x86-64-v3";
  std::string text = "x86-64-linux";
  if (avx2)
    text += "-avx-avx2-f16c-fma-sse41";
  if (avx512)
    text += "-avx512-avx512_skylake";
  return text;
}

} // namespace strata::halide
