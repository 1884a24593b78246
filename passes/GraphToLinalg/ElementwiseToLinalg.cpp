//===- ElementwiseToLinalg.cpp - Elementwise graph ops to linalg -*- C++ -*-===//
//
// Broadcasting arithmetic, activations, Cast, BatchNormalization and the
// softmax family become linalg.generic ops; transcendental functions stay as
// `math` ops, which the target pipeline expands into polynomials so that
// generated code needs no libm.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"
#include "passes/GraphToLinalg/LoweringUtils.h"
#include "passes/GraphToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace strata;
using namespace strata::lowering;

namespace {

/// graph.requantize as one generic: the int32 accumulator and its channel's
/// multiplier, rounding term and shift (constants read along the op's axis)
/// give clamp(zero_point + ((a * m + 2^(s-1)) >>s s), min, max) in int64,
/// then int8. Every step is exact, so the result is bit-identical to a
/// reference of the same integer arithmetic. The zero point joins the
/// rounding term as zero_point * 2^s, a multiple of 2^s that the shift
/// moves out whole: one add per element fewer, where every shift is at most
/// 55 (so that |a * m| < 2^62 plus the term stays within int64). The multiplier is an int32
/// constant sign-extended in the body, so that the product is one of two
/// sign-extended int32s (x86's vpmuldq, Arm's smull) rather than a full
/// 64-bit multiply (vpmullq, 3 uops), and 2^(s-1) is a constant per channel
/// rather than a variable shift per element.
struct RequantizeOpLowering : GraphLoweringPattern<graph::RequantizeOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = this->convertedType(op.getResult());
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    int64_t rank = type.getRank();
    Type i64 = rewriter.getI64Type();
    auto channelConstant = [&](auto values) -> Value {
      auto tensorType = RankedTensorType::get(
          {int64_t(values.size())},
          rewriter.getIntegerType(8 * sizeof(typename decltype(values)::value_type)));
      return arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(tensorType, ArrayRef(values)));
    };
    SmallVector<int32_t> multipliers(op.getMultiplier());
    // I32Attr's getters return the bits unsigned.
    int64_t zeroPoint = int32_t(op.getZeroPoint()), low = int32_t(op.getMin()),
            high = int32_t(op.getMax());
    bool zeroPointInRounding =
        llvm::all_of(op.getShift(), [](int32_t s) { return s <= 55; });
    SmallVector<int64_t> shifts, roundings;
    for (int32_t s : op.getShift()) {
      shifts.push_back(s);
      roundings.push_back((int64_t(1) << (s - 1)) +
                          (zeroPointInRounding ? zeroPoint * (int64_t(1) << s) : 0));
    }
    Value multiplier = channelConstant(multipliers);
    Value rounding = channelConstant(roundings);
    Value shift = channelConstant(shifts);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel =
        op.getMultiplier().size() == 1
            ? AffineMap::get(rank, 0, rewriter.getAffineConstantExpr(0), context)
            : AffineMap::get(rank, 0, rewriter.getAffineDimExpr(op.getAxis()),
                             context);
    Value result = buildParallelGeneric(
        rewriter, loc, type, {adaptor.getInput(), multiplier, rounding, shift},
        {identity, channel, channel, channel},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          auto constant = [&](int64_t v) {
            return arith::ConstantOp::create(b, l, b.getI64IntegerAttr(v));
          };
          Value wide = arith::ExtSIOp::create(b, l, i64, args[0]);
          Value product = arith::MulIOp::create(
              b, l, wide, arith::ExtSIOp::create(b, l, i64, args[1]));
          Value rounded = arith::ShRSIOp::create(
              b, l, arith::AddIOp::create(b, l, product, args[2]), args[3]);
          Value shifted =
              zeroPointInRounding
                  ? rounded
                  : arith::AddIOp::create(b, l, rounded, constant(zeroPoint)).getResult();
          Value clamped = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, shifted, constant(low)),
              constant(high));
          return arith::TruncIOp::create(b, l, type.getElementType(), clamped);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct BatchNormalizationOpLowering
    : GraphLoweringPattern<graph::BatchNormalizationOp> {
  using GraphLoweringPattern::GraphLoweringPattern;
  LogicalResult
  matchAndRewrite(graph::BatchNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = this->convertedType(op.getResult());
    if (!isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    MLIRContext *context = rewriter.getContext();
    int64_t rank = type.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel =
        AffineMap::get(rank, 0, rewriter.getAffineDimExpr(1), context);
    if (auto folded = graph::foldBatchNormParameters(op)) {
      Location loc = op.getLoc();
      Value multiplier = arith::ConstantOp::create(rewriter, loc, folded->first);
      Value shift = arith::ConstantOp::create(rewriter, loc, folded->second);
      rewriter.replaceOp(
          op, buildParallelGeneric(rewriter, loc, type,
                                   {adaptor.getInput(), multiplier, shift},
                                   {identity, channel, channel},
                                   [&](OpBuilder &b, Location l, ValueRange args) {
                                     return add(b, l, mul(b, l, args[0], args[1]),
                                                args[2]);
                                   }));
      return success();
    }
    double epsilon = op.getEpsilon().convertToDouble();
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), type,
        {adaptor.getInput(), adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
         adaptor.getVariance()},
        {identity, channel, channel, channel, channel},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value eps = scalarConstant(b, loc, args[0].getType(), epsilon);
          Value stddev = math::SqrtOp::create(b, loc, add(b, loc, args[4], eps));
          Value centered = sub(b, loc, args[0], args[3]);
          Value scaled = mul(b, loc, centered, div(b, loc, args[1], stddev));
          return add(b, loc, scaled, args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Softmax and LogSoftmax along one axis, numerically stable:
/// shifted = x - max(x); softmax = exp(shifted) / sum(exp(shifted));
/// log_softmax = shifted - log(sum(exp(shifted))).
template <typename SoftmaxLike, bool IsLog>
struct SoftmaxLowering : GraphLoweringPattern<SoftmaxLike> {
  using GraphLoweringPattern<SoftmaxLike>::GraphLoweringPattern;
  using typename GraphLoweringPattern<SoftmaxLike>::OpAdaptor;
  LogicalResult
  matchAndRewrite(SoftmaxLike op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = this->convertedType(op.getResult());
    Type element = type.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "expects a floating-point tensor");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    int64_t axis = *graph::normalizeAxis(op.getAxis(), rank);
    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineExpr> kept;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        kept.push_back(rewriter.getAffineDimExpr(d));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = AffineMap::get(rank, 0, kept, context);

    Value maximum = buildReduction(
        rewriter, loc, adaptor.getInput(), axis, lowestValue(element),
        [](OpBuilder &b, Location l, ValueRange args) {
          return max(b, l, args[0], args[1]);
        });
    Value shifted = buildParallelGeneric(
        rewriter, loc, type, {adaptor.getInput(), maximum}, {identity, reduced},
        [](OpBuilder &b, Location l, ValueRange args) {
          return sub(b, l, args[0], args[1]);
        });
    Value exponentials = buildParallelGeneric(
        rewriter, loc, type, shifted, identity,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return math::ExpOp::create(b, l, args[0]);
        });
    Value sum = buildReduction(rewriter, loc, exponentials, axis,
                               scalarAttr(element, 0.0),
                               [](OpBuilder &b, Location l, ValueRange args) {
                                 return add(b, l, args[0], args[1]);
                               });
    Value result;
    if constexpr (IsLog)
      result = buildParallelGeneric(
          rewriter, loc, type, {shifted, sum}, {identity, reduced},
          [](OpBuilder &b, Location l, ValueRange args) {
            return sub(b, l, args[0], math::LogOp::create(b, l, args[1]));
          });
    else
      result = buildParallelGeneric(
          rewriter, loc, type, {exponentials, sum}, {identity, reduced},
          [](OpBuilder &b, Location l, ValueRange args) {
            return div(b, l, args[0], args[1]);
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Elementwise ops built from one scalar body each. `scalarBody` maps the
// input scalars (broadcast to the result) to the result scalar, or returns
// null for element types the op does not support.
//===----------------------------------------------------------------------===//

bool isFloatScalar(Value v) { return isa<FloatType>(v.getType()); }

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return scalarConstant(b, loc, like.getType(), value);
}

Value compare(OpBuilder &b, Location loc, Value x, Value y,
              arith::CmpFPredicate floatPredicate,
              arith::CmpIPredicate integerPredicate) {
  if (isFloatScalar(x))
    return arith::CmpFOp::create(b, loc, floatPredicate, x, y);
  return arith::CmpIOp::create(b, loc, integerPredicate, x, y);
}

/// The unsigned form of a signed integer predicate.
arith::CmpIPredicate unsignedPredicate(arith::CmpIPredicate predicate) {
  switch (predicate) {
  case arith::CmpIPredicate::slt: return arith::CmpIPredicate::ult;
  case arith::CmpIPredicate::sle: return arith::CmpIPredicate::ule;
  case arith::CmpIPredicate::sgt: return arith::CmpIPredicate::ugt;
  case arith::CmpIPredicate::sge: return arith::CmpIPredicate::uge;
  default: return predicate;
  }
}

/// `compare` whose integer predicate turns unsigned for the ops whose
/// operands were unsigned at the graph level.
Value compareFor(Operation *op, OpBuilder &b, Location loc, Value x, Value y,
                 arith::CmpFPredicate floatPredicate,
                 arith::CmpIPredicate integerPredicate) {
  if (isUnsignedElement(op->getOperand(0)))
    integerPredicate = unsignedPredicate(integerPredicate);
  return compare(b, loc, x, y, floatPredicate, integerPredicate);
}

bool unsignedOperands(Operation *op) {
  return isUnsignedElement(op->getOperand(0));
}

Value scalarBody(graph::AddOp, OpBuilder &b, Location loc, ValueRange a) {
  return add(b, loc, a[0], a[1]);
}
Value scalarBody(graph::SubOp, OpBuilder &b, Location loc, ValueRange a) {
  return sub(b, loc, a[0], a[1]);
}
Value scalarBody(graph::MulOp, OpBuilder &b, Location loc, ValueRange a) {
  return mul(b, loc, a[0], a[1]);
}
Value scalarBody(graph::DivOp op, OpBuilder &b, Location loc, ValueRange a) {
  return div(b, loc, a[0], a[1], unsignedOperands(op));
}
Value scalarBody(graph::ReluOp op, OpBuilder &b, Location loc, ValueRange a) {
  return max(b, loc, a[0], constantLike(b, loc, a[0], 0), unsignedOperands(op));
}
Value scalarBody(graph::SigmoidOp, OpBuilder &b, Location loc, ValueRange a) {
  // 1 / (1 + exp(-x)): exp overflows to +inf for very negative x, giving 0.
  if (!isFloatScalar(a[0]))
    return {};
  Value one = constantLike(b, loc, a[0], 1);
  Value exp = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, a[0]));
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, exp));
}
Value scalarBody(graph::TanhOp, OpBuilder &b, Location loc, ValueRange a) {
  if (!isFloatScalar(a[0]))
    return {};
  return math::TanhOp::create(b, loc, a[0]);
}
Value scalarBody(graph::ClipOp op, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  bool isUnsigned = unsignedOperands(op);
  if (op.getMin())
    x = max(b, loc, x, constantLike(b, loc, x, op.getMin()->convertToDouble()),
            isUnsigned);
  if (op.getMax())
    x = min(b, loc, x, constantLike(b, loc, x, op.getMax()->convertToDouble()),
            isUnsigned);
  return x;
}
Value scalarBody(graph::CastOp op, OpBuilder &b, Location loc, ValueRange a) {
  return convertScalar(b, loc, a[0], op.getInput().getType().getElementType(),
                       op.getType().getElementType());
}
Value scalarBody(graph::MaxOp op, OpBuilder &b, Location loc, ValueRange a) {
  return max(b, loc, a[0], a[1], unsignedOperands(op));
}
Value scalarBody(graph::MinOp op, OpBuilder &b, Location loc, ValueRange a) {
  return min(b, loc, a[0], a[1], unsignedOperands(op));
}
/// base^exponent for integers by repeated squaring over the exponent's low
/// six bits (larger exponents overflow any base but 0 and +-1); a negative
/// exponent gives 0, as C's integer pow conventions do.
Value integerPow(OpBuilder &b, Location loc, Value base, Value exponent) {
  Value zero = constantLike(b, loc, base, 0);
  Value one = constantLike(b, loc, base, 1);
  Value result = one, square = base;
  for (int bit = 0; bit < 6; ++bit) {
    Value mask = constantLike(b, loc, exponent, 1 << bit);
    Value set = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(b, loc, exponent, mask),
        constantLike(b, loc, exponent, 0));
    result = arith::SelectOp::create(b, loc, set, mul(b, loc, result, square),
                                     result);
    square = mul(b, loc, square, square);
  }
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                         exponent,
                                         constantLike(b, loc, exponent, 0));
  return arith::SelectOp::create(b, loc, negative, zero, result);
}

Value scalarBody(graph::PowOp op, OpBuilder &b, Location loc, ValueRange a) {
  Value base = a[0], exponent = a[1];
  Type baseType = base.getType();
  Type exponentType = op.getRhs().getType().getElementType();
  if (isFloatScalar(base))
    return math::PowFOp::create(
        b, loc, base, convertScalar(b, loc, exponent, exponentType, baseType));
  if (!isFloatScalar(exponent))
    return integerPow(b, loc, base,
                      convertScalar(b, loc, exponent, exponentType, baseType));
  // Integer base, float exponent: exact when the exponent is integral,
  // otherwise the f64 power truncated toward zero (numpy's cast).
  Value integral = arith::CmpFOp::create(
      b, loc, arith::CmpFPredicate::OEQ, math::FloorOp::create(b, loc, exponent),
      exponent);
  Type baseElement = op.getLhs().getType().getElementType();
  Value exact = integerPow(
      b, loc, base, convertScalar(b, loc, exponent, exponentType, baseElement));
  Type f64 = b.getF64Type();
  Value real = math::PowFOp::create(
      b, loc, convertScalar(b, loc, base, baseElement, f64),
      convertScalar(b, loc, exponent, f64));
  return arith::SelectOp::create(
      b, loc, integral, exact, convertScalar(b, loc, real, f64, baseElement));
}
Value scalarBody(graph::AndOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::AndIOp::create(b, loc, a[0], a[1]);
}
Value scalarBody(graph::OrOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::OrIOp::create(b, loc, a[0], a[1]);
}
Value scalarBody(graph::XorOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::XOrIOp::create(b, loc, a[0], a[1]);
}
Value scalarBody(graph::EqualOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compareFor(op, b, loc, a[0], a[1], arith::CmpFPredicate::OEQ,
                    arith::CmpIPredicate::eq);
}
Value scalarBody(graph::LessOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compareFor(op, b, loc, a[0], a[1], arith::CmpFPredicate::OLT,
                    arith::CmpIPredicate::slt);
}
Value scalarBody(graph::LessOrEqualOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compareFor(op, b, loc, a[0], a[1], arith::CmpFPredicate::OLE,
                    arith::CmpIPredicate::sle);
}
Value scalarBody(graph::GreaterOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compareFor(op, b, loc, a[0], a[1], arith::CmpFPredicate::OGT,
                    arith::CmpIPredicate::sgt);
}
Value scalarBody(graph::GreaterOrEqualOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compareFor(op, b, loc, a[0], a[1], arith::CmpFPredicate::OGE,
                    arith::CmpIPredicate::sge);
}
Value scalarBody(graph::WhereOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
}
Value scalarBody(graph::NegOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloatScalar(a[0]))
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, constantLike(b, loc, a[0], 0), a[0]);
}
Value scalarBody(graph::AbsOp op, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloatScalar(a[0]))
    return math::AbsFOp::create(b, loc, a[0]);
  if (unsignedOperands(op))
    return a[0];
  return math::AbsIOp::create(b, loc, a[0]);
}
Value scalarBody(graph::NotOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::XOrIOp::create(b, loc, a[0], constantLike(b, loc, a[0], 1));
}

/// Float-only unary math: `MathOp` on one scalar.
template <typename MathOp>
Value floatMath(OpBuilder &b, Location loc, Value x) {
  if (!isFloatScalar(x))
    return {};
  return MathOp::create(b, loc, x);
}
Value scalarBody(graph::ExpOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::ExpOp>(b, loc, a[0]);
}
Value scalarBody(graph::LogOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::LogOp>(b, loc, a[0]);
}
Value scalarBody(graph::SqrtOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::SqrtOp>(b, loc, a[0]);
}
Value scalarBody(graph::FloorOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::FloorOp>(b, loc, a[0]);
}
Value scalarBody(graph::CeilOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::CeilOp>(b, loc, a[0]);
}
Value scalarBody(graph::ErfOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::ErfOp>(b, loc, a[0]);
}
Value scalarBody(graph::SinOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::SinOp>(b, loc, a[0]);
}
Value scalarBody(graph::CosOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::CosOp>(b, loc, a[0]);
}
Value scalarBody(graph::TanOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::TanOp>(b, loc, a[0]);
}
Value scalarBody(graph::AsinOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::AsinOp>(b, loc, a[0]);
}
Value scalarBody(graph::AcosOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::AcosOp>(b, loc, a[0]);
}
Value scalarBody(graph::AtanOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::AtanOp>(b, loc, a[0]);
}
Value scalarBody(graph::SinhOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::SinhOp>(b, loc, a[0]);
}
Value scalarBody(graph::CoshOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::CoshOp>(b, loc, a[0]);
}
Value scalarBody(graph::AsinhOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::AsinhOp>(b, loc, a[0]);
}
Value scalarBody(graph::AcoshOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::AcoshOp>(b, loc, a[0]);
}
Value scalarBody(graph::AtanhOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatMath<math::AtanhOp>(b, loc, a[0]);
}
/// Round half to even by the FPU's own rounding: for |x| below 2^p (p the
/// mantissa's bits) (|x| + 2^p) - 2^p is |x| rounded to nearest, ties to
/// even; larger magnitudes, infinities and NaN are returned as they are,
/// and the sign is x's sign bit (so -0.4 gives -0). math.roundeven's
/// expansion computed every element of a vector<16xf32> wrong on the
/// Cortex-M55 (MVE); this needs no copysign and no integer bit tricks.
Value scalarBody(graph::RoundOp, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  auto type = dyn_cast<FloatType>(x.getType());
  if (!type)
    return {};
  int mantissaBits = int(llvm::APFloat::semanticsPrecision(type.getFloatSemantics())) - 1;
  Value magic = scalarConstant(b, loc, type, std::ldexp(1.0, mantissaBits));
  Value magnitude = math::AbsFOp::create(b, loc, x);
  Value rounded = arith::SubFOp::create(
      b, loc, arith::AddFOp::create(b, loc, magnitude, magic), magic);
  Type bits = b.getIntegerType(type.getWidth());
  Value negative = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::slt, arith::BitcastOp::create(b, loc, bits, x),
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(bits, 0)));
  Value signedRounded = arith::SelectOp::create(
      b, loc, negative, arith::NegFOp::create(b, loc, rounded), rounded);
  Value small = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, magnitude, magic);
  return arith::SelectOp::create(b, loc, small, signedRounded, x);
}
Value scalarBody(graph::SignOp op, OpBuilder &b, Location loc, ValueRange a) {
  // x > 0 ? 1 : (x < 0 ? -1 : x): zero and NaN pass through unchanged.
  Value x = a[0];
  Value zero = constantLike(b, loc, x, 0);
  Value positive = compareFor(op, b, loc, x, zero, arith::CmpFPredicate::OGT,
                              arith::CmpIPredicate::sgt);
  Value negative = compareFor(op, b, loc, x, zero, arith::CmpFPredicate::OLT,
                              arith::CmpIPredicate::slt);
  Value belowOrSame = arith::SelectOp::create(
      b, loc, negative, constantLike(b, loc, x, -1), x);
  return arith::SelectOp::create(b, loc, positive, constantLike(b, loc, x, 1),
                                 belowOrSame);
}
Value scalarBody(graph::IsNaNOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0], a[0]);
}
Value scalarBody(graph::IsInfOp op, OpBuilder &b, Location loc, ValueRange a) {
  auto floatType = cast<FloatType>(a[0].getType());
  auto infinity = [&](bool negative) -> Value {
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(floatType, APFloat::getInf(
                                              floatType.getFloatSemantics(),
                                              negative)));
  };
  Value result = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  if (op.getDetectPositive())
    result = arith::OrIOp::create(
        b, loc, result,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[0],
                              infinity(false)));
  if (op.getDetectNegative())
    result = arith::OrIOp::create(
        b, loc, result,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[0],
                              infinity(true)));
  return result;
}
Value scalarBody(graph::ShrinkOp op, OpBuilder &b, Location loc, ValueRange a) {
  // x < -lambd ? x + bias : (x > lambd ? x - bias : 0)
  Value x = a[0];
  double lambd = op.getLambd().convertToDouble();
  Value bias = constantLike(b, loc, x, op.getBias().convertToDouble());
  Value below = compare(b, loc, x, constantLike(b, loc, x, -lambd),
                        arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt);
  Value above = compare(b, loc, x, constantLike(b, loc, x, lambd),
                        arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt);
  Value upper = arith::SelectOp::create(b, loc, above, sub(b, loc, x, bias),
                                        constantLike(b, loc, x, 0));
  return arith::SelectOp::create(b, loc, below, add(b, loc, x, bias), upper);
}
Value scalarBody(graph::BitShiftOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  if (isFloatScalar(a[0]))
    return {};
  if (op.getLeft())
    return arith::ShLIOp::create(b, loc, a[0], a[1]);
  return arith::ShRUIOp::create(b, loc, a[0], a[1]);
}
Value scalarBody(graph::ModOp op, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0], y = a[1];
  if (isFloatScalar(x)) {
    // fmod as x - trunc(x / y) * y: arith.remf would become a libm call.
    if (!op.getFmod())
      return {};
    Value quotient = math::TruncOp::create(b, loc, div(b, loc, x, y));
    return sub(b, loc, x, mul(b, loc, quotient, y));
  }
  if (unsignedOperands(op))
    return arith::RemUIOp::create(b, loc, x, y); // Both conventions agree.
  Value remainder = arith::RemSIOp::create(b, loc, x, y);
  if (op.getFmod())
    return remainder;
  // Python's %: a non-zero remainder whose sign differs from the divisor's
  // moves by one divisor.
  Value zero = constantLike(b, loc, x, 0);
  Value nonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                        remainder, zero);
  Value signsDiffer = arith::XOrIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, remainder, zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero));
  Value adjust = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, adjust, add(b, loc, remainder, y),
                                 remainder);
}
Value scalarBody(graph::ReciprocalOp, OpBuilder &b, Location loc, ValueRange a) {
  if (!isFloatScalar(a[0]))
    return {};
  return arith::DivFOp::create(b, loc, constantLike(b, loc, a[0], 1), a[0]);
}
Value scalarBody(graph::SoftplusOp, OpBuilder &b, Location loc, ValueRange a) {
  // log(1 + exp(x)), as log1p for accuracy near zero.
  if (!isFloatScalar(a[0]))
    return {};
  return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, a[0]));
}
Value scalarBody(graph::SoftsignOp, OpBuilder &b, Location loc, ValueRange a) {
  // x / (1 + |x|)
  if (!isFloatScalar(a[0]))
    return {};
  Value denominator = add(b, loc, constantLike(b, loc, a[0], 1),
                          math::AbsFOp::create(b, loc, a[0]));
  return div(b, loc, a[0], denominator);
}

/// max(0, min(1, alpha * x + beta)), shared by HardSigmoid and HardSwish.
Value hardSigmoid(OpBuilder &b, Location loc, Value x, double alpha,
                  double beta) {
  Value linear = add(b, loc, mul(b, loc, x, constantLike(b, loc, x, alpha)),
                     constantLike(b, loc, x, beta));
  return max(b, loc, constantLike(b, loc, x, 0),
             min(b, loc, constantLike(b, loc, x, 1), linear));
}
Value scalarBody(graph::HardSigmoidOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  if (!isFloatScalar(a[0]))
    return {};
  return hardSigmoid(b, loc, a[0], op.getAlpha().convertToDouble(),
                     op.getBeta().convertToDouble());
}
Value scalarBody(graph::HardSwishOp, OpBuilder &b, Location loc, ValueRange a) {
  if (!isFloatScalar(a[0]))
    return {};
  return mul(b, loc, a[0], hardSigmoid(b, loc, a[0], 1.0 / 6.0, 0.5));
}

/// `x < 0 ? negative : x` for the ReLU family.
Value belowZero(OpBuilder &b, Location loc, Value x, Value negative) {
  Value isNegative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                           constantLike(b, loc, x, 0));
  return arith::SelectOp::create(b, loc, isNegative, negative, x);
}
Value scalarBody(graph::LeakyReluOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  if (!isFloatScalar(a[0]))
    return {};
  Value alpha = constantLike(b, loc, a[0], op.getAlpha().convertToDouble());
  return belowZero(b, loc, a[0], mul(b, loc, a[0], alpha));
}
Value scalarBody(graph::EluOp op, OpBuilder &b, Location loc, ValueRange a) {
  // alpha * (exp(x) - 1) below zero.
  if (!isFloatScalar(a[0]))
    return {};
  Value alpha = constantLike(b, loc, a[0], op.getAlpha().convertToDouble());
  Value expm1 = sub(b, loc, math::ExpOp::create(b, loc, a[0]),
                    constantLike(b, loc, a[0], 1));
  return belowZero(b, loc, a[0], mul(b, loc, alpha, expm1));
}
Value scalarBody(graph::CeluOp op, OpBuilder &b, Location loc, ValueRange a) {
  // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
  if (!isFloatScalar(a[0]))
    return {};
  Value x = a[0];
  Value alpha = constantLike(b, loc, x, op.getAlpha().convertToDouble());
  Value zero = constantLike(b, loc, x, 0);
  Value expm1 = sub(b, loc, math::ExpOp::create(b, loc, div(b, loc, x, alpha)),
                    constantLike(b, loc, x, 1));
  return add(b, loc, max(b, loc, zero, x),
             min(b, loc, zero, mul(b, loc, alpha, expm1)));
}
Value scalarBody(graph::ThresholdedReluOp op, OpBuilder &b, Location loc,
                 ValueRange a) {
  if (!isFloatScalar(a[0]))
    return {};
  Value alpha = constantLike(b, loc, a[0], op.getAlpha().convertToDouble());
  Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, a[0],
                                      alpha);
  return arith::SelectOp::create(b, loc, above, a[0],
                                 constantLike(b, loc, a[0], 0));
}
Value scalarBody(graph::SeluOp op, OpBuilder &b, Location loc, ValueRange a) {
  // gamma * (x > 0 ? x : alpha * (exp(x) - 1))
  if (!isFloatScalar(a[0]))
    return {};
  Value x = a[0];
  Value alpha = constantLike(b, loc, x, op.getAlpha().convertToDouble());
  Value gamma = constantLike(b, loc, x, op.getGamma().convertToDouble());
  Value expm1 = sub(b, loc, math::ExpOp::create(b, loc, x),
                    constantLike(b, loc, x, 1));
  Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                         constantLike(b, loc, x, 0));
  Value inner = arith::SelectOp::create(b, loc, positive, x,
                                        mul(b, loc, alpha, expm1));
  return mul(b, loc, gamma, inner);
}

/// One broadcasting generic whose body is `scalarBody(op, ...)`.
template <typename OpT>
struct ElementwiseLowering : GraphLoweringPattern<OpT> {
  using GraphLoweringPattern<OpT>::GraphLoweringPattern;
  using typename GraphLoweringPattern<OpT>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpT op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = this->convertedType(op->getResult(0));
    bool unsupported = false;
    Value result = buildBroadcastingGeneric(
        rewriter, op.getLoc(), type, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value value = scalarBody(op, b, loc, args);
          if (!value) {
            unsupported = true;
            return args[0]; // Keeps the generic valid; it is erased below.
          }
          return value;
        });
    if (unsupported) {
      rewriter.eraseOp(result.getDefiningOp());
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void strata::populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<BatchNormalizationOpLowering, RequantizeOpLowering,
               SoftmaxLowering<graph::SoftmaxOp, false>,
               SoftmaxLowering<graph::LogSoftmaxOp, true>>(converter, context);
  patterns.add<
      ElementwiseLowering<graph::AddOp>, ElementwiseLowering<graph::SubOp>,
      ElementwiseLowering<graph::MulOp>, ElementwiseLowering<graph::DivOp>,
      ElementwiseLowering<graph::ReluOp>, ElementwiseLowering<graph::SigmoidOp>,
      ElementwiseLowering<graph::TanhOp>, ElementwiseLowering<graph::ClipOp>,
      ElementwiseLowering<graph::CastOp>,
      ElementwiseLowering<graph::MaxOp>, ElementwiseLowering<graph::MinOp>,
      ElementwiseLowering<graph::PowOp>, ElementwiseLowering<graph::AndOp>,
      ElementwiseLowering<graph::OrOp>, ElementwiseLowering<graph::XorOp>,
      ElementwiseLowering<graph::EqualOp>, ElementwiseLowering<graph::LessOp>,
      ElementwiseLowering<graph::LessOrEqualOp>,
      ElementwiseLowering<graph::GreaterOp>,
      ElementwiseLowering<graph::GreaterOrEqualOp>,
      ElementwiseLowering<graph::WhereOp>, ElementwiseLowering<graph::NegOp>,
      ElementwiseLowering<graph::AbsOp>, ElementwiseLowering<graph::NotOp>,
      ElementwiseLowering<graph::ExpOp>, ElementwiseLowering<graph::LogOp>,
      ElementwiseLowering<graph::SqrtOp>, ElementwiseLowering<graph::FloorOp>,
      ElementwiseLowering<graph::CeilOp>, ElementwiseLowering<graph::ErfOp>,
      ElementwiseLowering<graph::SinOp>, ElementwiseLowering<graph::CosOp>,
      ElementwiseLowering<graph::ReciprocalOp>,
      ElementwiseLowering<graph::SoftplusOp>,
      ElementwiseLowering<graph::SoftsignOp>,
      ElementwiseLowering<graph::HardSigmoidOp>,
      ElementwiseLowering<graph::HardSwishOp>,
      ElementwiseLowering<graph::LeakyReluOp>, ElementwiseLowering<graph::EluOp>,
      ElementwiseLowering<graph::CeluOp>,
      ElementwiseLowering<graph::ThresholdedReluOp>,
      ElementwiseLowering<graph::SeluOp>, ElementwiseLowering<graph::TanOp>,
      ElementwiseLowering<graph::AsinOp>, ElementwiseLowering<graph::AcosOp>,
      ElementwiseLowering<graph::AtanOp>, ElementwiseLowering<graph::SinhOp>,
      ElementwiseLowering<graph::CoshOp>, ElementwiseLowering<graph::AsinhOp>,
      ElementwiseLowering<graph::AcoshOp>, ElementwiseLowering<graph::AtanhOp>,
      ElementwiseLowering<graph::RoundOp>, ElementwiseLowering<graph::SignOp>,
      ElementwiseLowering<graph::IsNaNOp>, ElementwiseLowering<graph::IsInfOp>,
      ElementwiseLowering<graph::ShrinkOp>, ElementwiseLowering<graph::ModOp>,
      ElementwiseLowering<graph::BitShiftOp>>(
      converter, context);
}
