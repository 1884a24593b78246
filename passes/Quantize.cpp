//===- Quantize.cpp - Float Conv, MatMul and Gemm to int8 kernels ---------===//
//
// Implements strata-quantize, post-training int8 quantization in TFLite's
// scheme, at the graph level so that every target lowers the same integer
// arithmetic: weights per output channel, symmetric, in [-127, 127];
// activations per tensor, asymmetric int8, from the ranges calibration
// recorded on each op (Quantize.h); int32 bias at scale s_in * s_w; and a
// fixed-point graph.requantize back to int8. Between two quantized ops the
// int8 tensor flows as it is; an op that stays float gets the tensor
// dequantized, and a float tensor entering a quantized op is quantized.
//
//===----------------------------------------------------------------------===//
#include "passes/Quantize.h"
#include "passes/Passes.h"

#include "dialects/Graph/GraphOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <cmath>

namespace strata {
#define GEN_PASS_DEF_QUANTIZE
#include "passes/Passes.h.inc"
} // namespace strata

using namespace mlir;
using namespace strata;
using namespace strata::graph;
using strata::quant::activationParameters;
using strata::quant::TensorParameters;

namespace {

bool isF32Tensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32();
}

/// The float32 constant `v` holds, or null.
DenseElementsAttr f32Constant(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32())
    return {};
  return attr;
}

/// The activation folded into a quantized op's clamp: the result's only
/// user, a ReLU or a Clip whose lower bound is 0.
Operation *foldableActivation(Operation *op) {
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return nullptr;
  Operation *user = *result.getUsers().begin();
  if (isa<ReluOp>(user))
    return user;
  if (auto clip = dyn_cast<ClipOp>(user))
    if (clip.getMin() && clip.getMin()->convertToDouble() == 0.0)
      return user;
  return nullptr;
}

/// A float Add of two tensors of its result's shape: a residual
/// connection, which findCandidates takes when both come from candidates.
bool isResidualAdd(Operation *op) {
  auto add = dyn_cast<AddOp>(op);
  return add && isF32Tensor(add.getResult()) &&
         add.getLhs().getType() == add.getResult().getType() &&
         add.getRhs().getType() == add.getResult().getType();
}

bool isQuantizable(Operation *op) {
  if (auto conv = dyn_cast<ConvOp>(op))
    return isF32Tensor(conv.getInput()) && f32Constant(conv.getWeight()) &&
           (!conv.getBias() || f32Constant(conv.getBias()));
  if (auto matmul = dyn_cast<MatMulOp>(op))
    return isF32Tensor(matmul.getLhs()) && f32Constant(matmul.getRhs()) &&
           cast<RankedTensorType>(matmul.getRhs().getType()).getRank() == 2;
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    DenseElementsAttr bias = f32Constant(gemm.getC());
    int64_t columns = cast<RankedTensorType>(gemm.getResult().getType()).getDimSize(1);
    return isF32Tensor(gemm.getA()) && f32Constant(gemm.getB()) &&
           !gemm.getTransA() && gemm.getAlpha().convertToDouble() == 1.0 &&
           (!gemm.getC() ||
            (bias && gemm.getBeta().convertToDouble() == 1.0 &&
             bias.getType().getRank() == 1 &&
             (bias.getNumElements() == columns || bias.getNumElements() == 1)));
  }
  return false;
}

/// Symmetric per-channel int8 weights: `values` quantized along `axis`
/// (each channel's largest magnitude maps to 127), with their scales.
struct ChannelWeights {
  SmallVector<int32_t> values;
  SmallVector<double> scales;
};

ChannelWeights quantizeWeights(DenseElementsAttr weights, int64_t axis) {
  ArrayRef<int64_t> shape = weights.getType().getShape();
  int64_t channels = shape[axis], inner = 1;
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  SmallVector<float> values = llvm::to_vector(weights.getValues<float>());
  if (weights.isSplat())
    values.assign(weights.getNumElements(), weights.getSplatValue<float>());
  auto channelOf = [&](size_t index) { return (int64_t(index) / inner) % channels; };
  ChannelWeights result;
  result.scales.assign(channels, 0.0);
  for (size_t i = 0; i < values.size(); ++i)
    result.scales[channelOf(i)] =
        std::max(result.scales[channelOf(i)], std::fabs(double(values[i])));
  for (double &scale : result.scales)
    scale = scale > 0.0 ? scale / 127.0 : 1.0;
  for (size_t i = 0; i < values.size(); ++i) {
    double q = std::nearbyint(double(values[i]) / result.scales[channelOf(i)]);
    result.values.push_back(static_cast<int32_t>(std::clamp(q, -127.0, 127.0)));
  }
  return result;
}

/// `real` as multiplier * 2^-shift, the multiplier in [2^30, 2^31) and the
/// shift in [1, 62]; failure when `real` is too large for that (2^30 or
/// more). Factors too small for a shift of 62 lose low multiplier bits.
FailureOr<std::pair<int32_t, int32_t>> fixedPoint(double real) {
  if (!(real > 0.0))
    return std::make_pair(int32_t(0), int32_t(1));
  int exponent = 0;
  double mantissa = std::frexp(real, &exponent); // [0.5, 1)
  int64_t multiplier = std::llround(mantissa * 2147483648.0);
  if (multiplier == (int64_t(1) << 31)) {
    multiplier /= 2;
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  if (shift < 1)
    return failure();
  if (shift > 62) {
    multiplier >>= std::min<int64_t>(shift - 62, 63);
    shift = 62;
  }
  return std::make_pair(int32_t(multiplier), int32_t(shift));
}

/// Builds the graph ops of the integer path at one place.
class QuantBuilder {
public:
  QuantBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value constant(ArrayRef<int64_t> shape, Type element, ArrayRef<int32_t> values) {
    auto type = RankedTensorType::get(shape, element);
    SmallVector<Attribute> attrs;
    for (int32_t v : values)
      attrs.push_back(IntegerAttr::get(element, v));
    return ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, attrs));
  }
  Value scalar(Type element, double value) {
    auto type = RankedTensorType::get({}, element);
    Attribute attr = isa<FloatType>(element)
                         ? Attribute(FloatAttr::get(element, value))
                         : Attribute(IntegerAttr::get(element, int64_t(value)));
    return ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, attr));
  }
  Value castTo(Value v, Type element) {
    return CastOp::create(b, loc, llvm::cast<RankedTensorType>(v.getType()).clone(element), v);
  }

  /// saturate(round_half_even(x / scale) + zeroPoint) as int8.
  Value quantize(Value x, TensorParameters p) {
    Type f32 = b.getF32Type();
    Value q = RoundOp::create(b, loc, DivOp::create(b, loc, x, scalar(f32, p.scale)));
    q = AddOp::create(b, loc, q, scalar(f32, p.zeroPoint));
    q = ClipOp::create(b, loc, q, b.getF64FloatAttr(-128), b.getF64FloatAttr(127));
    return castTo(q, b.getIntegerType(8));
  }
  /// (q - zeroPoint) * scale in float32.
  Value dequantize(Value q, TensorParameters p) {
    Type f32 = b.getF32Type();
    Value x = SubOp::create(b, loc, castTo(q, f32), scalar(f32, p.zeroPoint));
    return MulOp::create(b, loc, x, scalar(f32, p.scale));
  }
private:
  OpBuilder &b;
  Location loc;
};

/// The integer clamp of a quantized op's output: int8's range, narrowed to
/// [real 0, real max] by a folded ReLU or Clip.
std::pair<int32_t, int32_t> outputClamp(Operation *activation, TensorParameters p) {
  int32_t low = -128, high = 127;
  if (!activation)
    return {low, high};
  low = std::max(low, p.zeroPoint);
  if (auto clip = dyn_cast<ClipOp>(activation); clip && clip.getMax()) {
    double top = std::nearbyint(clip.getMax()->convertToDouble() / p.scale) + p.zeroPoint;
    high = static_cast<int32_t>(std::clamp(top, double(low), 127.0));
  }
  return {low, high};
}

/// Ops an int8 tensor goes through with its parameters, since they commute
/// with dequantization: those that only move elements (a Flatten between a
/// convolution and a Gemm), and MaxPool, whose max is the same on q as on
/// the increasing scale * (q - z) (its padding, int8's lowest, never wins
/// over a real element).
bool commutesWithDequantization(Operation *op) {
  return isa<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp, TransposeOp, IdentityOp,
             MaxPoolOp>(op) &&
         op->getNumOperands() == 1 && op->getNumResults() == 1;
}

using Int8Map = llvm::DenseMap<Value, std::pair<Value, TensorParameters>>;

/// The int8 tensor (and its parameters) that float `value` dequantizes, or
/// null: a quantized op's output, possibly through ops that commute with
/// dequantization (rebuilt here on the int8 tensor).
std::optional<std::pair<Value, TensorParameters>> int8Version(OpBuilder &b, Value value,
                                                              Int8Map &int8Of) {
  if (auto known = int8Of.find(value); known != int8Of.end())
    return known->second;
  Operation *def = value.getDefiningOp();
  if (!def || !commutesWithDequantization(def))
    return std::nullopt;
  auto source = int8Version(b, def->getOperand(0), int8Of);
  if (!source)
    return std::nullopt;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(def);
  Operation *moved = b.clone(*def);
  moved->setOperand(0, source->first);
  auto type = cast<RankedTensorType>(value.getType());
  moved->getResult(0).setType(type.clone(b.getIntegerType(8)));
  int8Of[value] = {moved->getResult(0), source->second};
  return int8Of[value];
}

struct QuantizePass : strata::impl::QuantizeBase<QuantizePass> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    // Dequantized values and the int8 tensors (and parameters) behind them.
    Int8Map int8Of;
    int64_t quantized = 0;
    for (const quant::Candidate &candidate : quant::findCandidates(function)) {
      Operation *op = candidate.op;
      auto inputRange = op->getAttrOfType<DenseF64ArrayAttr>(quant::kInputRange);
      auto outputRange = op->getAttrOfType<DenseF64ArrayAttr>(quant::kOutputRange);
      if (!inputRange && !outputRange)
        continue; // Not calibrated (excluded): stays float.
      if (!inputRange || !outputRange || inputRange.size() != 2 ||
          outputRange.size() != 2) {
        op->emitOpError("needs both ") << quant::kInputRange << " and "
                                       << quant::kOutputRange << " as [low, high]";
        return signalPassFailure();
      }
      if (failed(quantizeOne(candidate, inputRange, outputRange, int8Of, quantized++)))
        return signalPassFailure();
    }
  }

  /// Makes the requantization `output` of `candidate` (tagged with its
  /// `index` and the parameters `in` of its int8 input) the value its float
  /// users read dequantized, and the int8 tensor quantized users find.
  void finish(const quant::Candidate &candidate, QuantBuilder &q, Value output,
              TensorParameters in, TensorParameters out, Int8Map &int8Of,
              int64_t index) {
    OpBuilder b(candidate.op);
    Operation *requantize = output.getDefiningOp();
    requantize->setAttr(quant::kCandidateIndex, b.getI64IntegerAttr(index));
    requantize->setAttr(quant::kInputParameters,
                        b.getDenseF64ArrayAttr({in.scale, double(in.zeroPoint)}));
    Value real = q.dequantize(output, out);
    Value(candidate.output).replaceAllUsesWith(real);
    int8Of[real] = {output, out};
    if (candidate.activation)
      candidate.activation->erase();
    candidate.op->erase();
  }

  /// A residual Add of two int8 tensors a and b (scales s_a, s_b): both
  /// rescaled to an int32 sum at scale s = max(s_a, s_b) / 2^20,
  ///   acc = (a - z_a) * m_a + (b - z_b) * m_b,  m_x = round(s_x / s),
  /// then requantized to the output's parameters like any accumulator. The
  /// 2^20 keeps the rescaling's rounding 2^-20 of the larger scale, and
  /// |acc| below 2^29.
  LogicalResult quantizeAdd(const quant::Candidate &candidate,
                            DenseF64ArrayAttr outputRange, Int8Map &int8Of,
                            int64_t index) {
    Operation *op = candidate.op;
    OpBuilder b(op);
    QuantBuilder q(b, op->getLoc());
    auto lhs = int8Version(b, op->getOperand(0), int8Of);
    auto rhs = int8Version(b, op->getOperand(1), int8Of);
    if (!lhs || !rhs)
      return op->emitOpError("internal error: a residual Add's inputs are not int8");
    TensorParameters out = activationParameters(outputRange[0], outputRange[1]);
    constexpr int kHeadroomBits = 20;
    double common = std::max(lhs->second.scale, rhs->second.scale) / (1 << kHeadroomBits);
    Type i32 = b.getI32Type();
    auto rescaled = [&](Value int8, TensorParameters p) {
      Value wide = q.castTo(int8, i32);
      Value centered = SubOp::create(b, op->getLoc(), wide, q.scalar(i32, p.zeroPoint));
      return MulOp::create(b, op->getLoc(), centered,
                           q.scalar(i32, std::nearbyint(p.scale / common)));
    };
    Value accumulator = AddOp::create(b, op->getLoc(), rescaled(lhs->first, lhs->second),
                                      rescaled(rhs->first, rhs->second));
    auto fixed = fixedPoint(common / out.scale);
    if (failed(fixed))
      return op->emitOpError("cannot requantize: the output's range is too narrow "
                             "for its inputs'");
    auto [low, high] = outputClamp(candidate.activation, out);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Value output = RequantizeOp::create(
        b, op->getLoc(), resultType.clone(b.getIntegerType(8)), accumulator,
        b.getI64IntegerAttr(0), b.getDenseI32ArrayAttr({fixed->first}),
        b.getDenseI32ArrayAttr({fixed->second}), b.getI32IntegerAttr(out.zeroPoint),
        b.getI32IntegerAttr(low), b.getI32IntegerAttr(high));
    finish(candidate, q, output, lhs->second, out, int8Of, index);
    return success();
  }

  LogicalResult
  quantizeOne(const quant::Candidate &candidate, DenseF64ArrayAttr inputRange,
              DenseF64ArrayAttr outputRange, Int8Map &int8Of, int64_t index) {
    Operation *op = candidate.op;
    if (isa<AddOp>(op))
      return quantizeAdd(candidate, outputRange, int8Of, index);
    Location loc = op->getLoc();
    OpBuilder b(op);
    QuantBuilder q(b, loc);
    Type i32 = b.getI32Type();
    TensorParameters in = activationParameters(inputRange[0], inputRange[1]);
    TensorParameters out = activationParameters(outputRange[0], outputRange[1]);

    // The int8 input: the tensor a quantized producer left, else the float
    // input quantized here. (The
    // operand, not candidate.input: a producer quantized before this op
    // replaced that value.)
    // Its parameters then replace the calibrated ones (as TFLite keeps a
    // tensor's parameters through a MaxPool or a Reshape): no round trip
    // through float.
    Value floatInput = op->getOperand(0);
    Value input;
    if (auto known = int8Version(b, floatInput, int8Of))
      std::tie(input, in) = *known;
    else
      input = q.quantize(floatInput, in);

    // The int32 accumulator of int8 products, its channel axis, the
    // weights' scales and, per channel, the sum of its int8 weights:
    // sum((x - z) * w) = sum(x * w) - z * sum(w), so the products read the
    // int8 input as it is and the zero point's share joins the bias.
    Value accumulator;
    int64_t axis;
    ChannelWeights weights;
    SmallVector<int64_t> weightSums;
    DenseElementsAttr bias;
    Type i8 = b.getIntegerType(8);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (auto conv = dyn_cast<ConvOp>(op)) {
      DenseElementsAttr w = f32Constant(conv.getWeight());
      weights = quantizeWeights(w, 0);
      axis = 1;
      int64_t filters = w.getType().getDimSize(0);
      int64_t perFilter = int64_t(weights.values.size()) / filters;
      for (int64_t f = 0; f < filters; ++f) {
        int64_t sum = 0;
        for (int64_t i = 0; i < perFilter; ++i)
          sum += weights.values[f * perFilter + i];
        weightSums.push_back(sum);
      }
      // The padding must be the real 0, the zero point, for the weight-sum
      // correction to hold at the borders: an explicit Pad unless it is 0.
      DenseI64ArrayAttr pads = conv.getPadsAttr();
      bool padded = llvm::any_of(pads.asArrayRef(), [](int64_t p) { return p != 0; });
      if (padded && in.zeroPoint != 0) {
        int64_t spatial = pads.size() / 2;
        SmallVector<int64_t> full(2, 0);
        full.append(pads.asArrayRef().begin(), pads.asArrayRef().begin() + spatial);
        full.append(2, 0);
        full.append(pads.asArrayRef().begin() + spatial, pads.asArrayRef().end());
        input = PadOp::create(b, loc, input, q.scalar(i8, in.zeroPoint),
                              b.getDenseI64ArrayAttr(full), b.getStringAttr("constant"));
        pads = b.getDenseI64ArrayAttr(SmallVector<int64_t>(pads.size(), 0));
      }
      Value wq = q.constant(w.getType().getShape(), i8, weights.values);
      accumulator = ConvOp::create(b, loc, resultType.clone(i32), input, wq, Value(),
                                   conv.getStridesAttr(), pads,
                                   conv.getDilationsAttr(), conv.getGroupAttr());
      bias = f32Constant(conv.getBias());
    } else {
      // MatMul and Gemm: B as [K, N], quantized per column.
      DenseElementsAttr w;
      bool transposed = false;
      if (auto matmul = dyn_cast<MatMulOp>(op)) {
        w = f32Constant(matmul.getRhs());
      } else {
        auto gemm = cast<GemmOp>(op);
        w = f32Constant(gemm.getB());
        transposed = gemm.getTransB();
        bias = f32Constant(gemm.getC());
      }
      weights = quantizeWeights(w, transposed ? 0 : 1);
      ArrayRef<int64_t> shape = w.getType().getShape();
      int64_t k = transposed ? shape[1] : shape[0], n = transposed ? shape[0] : shape[1];
      SmallVector<int32_t> kn(k * n);
      weightSums.assign(n, 0);
      for (int64_t r = 0; r < k; ++r)
        for (int64_t c = 0; c < n; ++c) {
          kn[r * n + c] = transposed ? weights.values[c * k + r] : weights.values[r * n + c];
          weightSums[c] += kn[r * n + c];
        }
      accumulator = MatMulOp::create(b, loc, resultType.clone(i32), input,
                                     q.constant({k, n}, i8, kn));
      axis = resultType.getRank() - 1;
    }
    int64_t channels = resultType.getDimSize(axis);

    // The bias in int32 at scale s_in * s_w[c], less the zero point's share.
    SmallVector<float> biasValues;
    if (bias) {
      biasValues = llvm::to_vector(bias.getValues<float>());
      if (bias.isSplat())
        biasValues.assign(bias.getNumElements(), bias.getSplatValue<float>());
    }
    if (bias || in.zeroPoint != 0) {
      SmallVector<int32_t> biasQ;
      for (int64_t c = 0; c < channels; ++c) {
        double real = bias ? biasValues[biasValues.size() == 1 ? 0 : c] : 0.0;
        double v = std::nearbyint(real / (in.scale * weights.scales[c])) -
                   double(in.zeroPoint) * double(weightSums[c]);
        biasQ.push_back(static_cast<int32_t>(std::clamp(v, -2147483648.0, 2147483647.0)));
      }
      SmallVector<int64_t> shape(resultType.getRank(), 1);
      shape[axis] = channels;
      accumulator = AddOp::create(b, loc, accumulator, q.constant(shape, i32, biasQ));
    }

    // Requantization to the output's parameters, the activation folded in.
    SmallVector<int32_t> multipliers, shifts;
    for (int64_t c = 0; c < channels; ++c) {
      auto fixed = fixedPoint(in.scale * weights.scales[c] / out.scale);
      if (failed(fixed))
        return op->emitOpError("cannot requantize: the output's range is too "
                               "narrow for its inputs' (scale ratio ")
               << in.scale * weights.scales[c] / out.scale << ")";
      multipliers.push_back(fixed->first);
      shifts.push_back(fixed->second);
    }
    auto [low, high] = outputClamp(candidate.activation, out);
    Value output = RequantizeOp::create(
        b, loc, resultType.clone(b.getIntegerType(8)), accumulator,
        b.getI64IntegerAttr(axis), b.getDenseI32ArrayAttr(multipliers),
        b.getDenseI32ArrayAttr(shifts), b.getI32IntegerAttr(out.zeroPoint),
        b.getI32IntegerAttr(low), b.getI32IntegerAttr(high));
    // Float users read it dequantized; quantized ones find the int8 tensor.
    finish(candidate, q, output, in, out, int8Of, index);
    return success();
  }
};

} // namespace

quant::TensorParameters quant::activationParameters(double low, double high) {
  low = std::min(0.0, low);
  high = std::max(0.0, high);
  double scale = (high - low) / 255.0;
  if (!(scale > 0.0) || !std::isfinite(scale))
    scale = 1.0; // A tensor of zeros: any scale represents it.
  double zero = std::nearbyint(-128.0 - low / scale);
  return {scale, static_cast<int32_t>(std::clamp(zero, -128.0, 127.0))};
}

std::vector<quant::Candidate>
quant::findCandidates(func::FuncOp function, llvm::function_ref<bool(Operation *)> excluded) {
  std::vector<Candidate> candidates;
  // The float values candidates so far replace: what an Add may read.
  llvm::DenseSet<Value> outputs;
  auto fromCandidate = [&](Value value) {
    while (Operation *def = value.getDefiningOp()) {
      if (!commutesWithDequantization(def))
        break;
      value = def->getOperand(0);
    }
    return outputs.contains(value);
  };
  function.walk([&](Operation *op) {
    bool residual = isResidualAdd(op) && fromCandidate(op->getOperand(0)) &&
                    fromCandidate(op->getOperand(1));
    if ((!isQuantizable(op) && !residual) || (excluded && excluded(op)))
      return;
    Operation *activation = foldableActivation(op);
    Value output = activation ? activation->getResult(0) : op->getResult(0);
    candidates.push_back({op, op->getOperand(0), output, activation});
    outputs.insert(output);
  });
  return candidates;
}
