//===- ComposedConverters.cpp - ONNX ops built from other graph ops -*- C++ -*-===//
//
// Operators whose ONNX definition is a small formula over ops the graph
// dialect already has: normalizations from reductions, one-hot encodings
// from comparisons against index ranges, banded sums (CumSum, LRN's channel
// window) from a constant 0/1 band matrix, and operators whose output is a
// compile-time constant (EyeLike, the spectral windows). Composing them here
// keeps the dialect small and lets fusion see through them.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ConverterSupport.h"
#include "compiler/onnx/TensorProtoConversion.h"

#include "dialects/Graph/GraphOps.h"
#include "dialects/Graph/ShapeInference.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx_import {

namespace {

/// out[.., i, ..] = sum over k of band(i, k) * x[.., k, ..] along `axis`:
/// x gains a unit axis at `axis`, is multiplied by the [n, n] 0/1 band
/// matrix (broadcast over the trailing axes) and summed over k.
Value bandSum(NodeContext &ctx, Value x, int64_t axis,
              llvm::function_ref<bool(int64_t i, int64_t k)> band) {
  OpBuilder &b = ctx.builder;
  auto type = cast<RankedTensorType>(x.getType());
  int64_t n = type.getDimSize(axis);
  SmallVector<double> mask;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < n; ++k)
      mask.push_back(band(i, k) ? 1.0 : 0.0);
  SmallVector<int64_t> maskShape = {n, n};
  maskShape.append(type.getRank() - axis - 1, 1);
  Value expanded = b.createOrFold<UnsqueezeOp>(ctx.loc, x,
                                               b.getDenseI64ArrayAttr({axis}));
  Value masked = b.createOrFold<MulOp>(
      ctx.loc, expanded,
      constantTensor(ctx, maskShape, type.getElementType(), mask));
  return b.createOrFold<ReduceSumOp>(ctx.loc, masked,
                                     b.getDenseI64ArrayAttr({axis + 1}),
                                     b.getBoolAttr(false));
}

/// 0, 1, ..., n-1 along `axis` of a rank-`rank` tensor (unit elsewhere).
Value indexRamp(NodeContext &ctx, int64_t n, int64_t axis, int64_t rank,
                Type element) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = n;
  SmallVector<double> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(i);
  return constantTensor(ctx, shape, element, values);
}

FailureOr<int64_t> requireAxis(NodeContext &ctx, int64_t axis, int64_t rank) {
  auto normalized = normalizeAxis(axis, rank);
  if (!normalized) {
    ctx.error() << "axis " << axis << " is outside a rank-" << rank << " input";
    return failure();
  }
  return *normalized;
}

} // namespace

/// Pad: pads (and the constant) are an attribute before opset 11 and
/// constant inputs from 11; negative pads crop.
LogicalResult convertPad(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  std::string mode = ctx.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return ctx.error() << "mode '" << mode
                       << "' is not supported (constant, reflect and edge are)";
  SmallVector<int64_t> pads;
  double fill = 0;
  Value value;
  if (ctx.opset < 11) {
    pads = ctx.intsAttr(ctx.opset < 2 ? "paddings" : "pads")
               .value_or(SmallVector<int64_t>{});
    fill = ctx.floatAttr("value", 0.0f);
  } else {
    auto constant = requireConstantInts(ctx, 1, "pads");
    if (failed(constant))
      return failure();
    pads = *constant;
    if (ctx.input(2)) {
      auto valueType = ctx.inputType(2);
      value = ctx.builder.createOrFold<ReshapeOp>(
          ctx.loc, valueType.clone(ArrayRef<int64_t>{}), ctx.input(2));
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return ctx.error() << "pads has " << pads.size() << " entries for a rank-"
                       << rank << " input (expects " << 2 * rank << ")";
  for (int64_t d = 0; d < rank; ++d)
    if (mode == "reflect" &&
        (pads[d] >= type.getDimSize(d) || pads[d + rank] >= type.getDimSize(d)))
      return ctx.error() << "reflect pads of axis " << d
                         << " must be smaller than its extent "
                         << type.getDimSize(d);
  if (!value)
    value = scalarTensor(ctx, type.getElementType(), fill);
  results.push_back(padOrCrop(ctx, ctx.input(0), pads, mode, value));
  return success();
}

/// ConvTranspose as the convolution it is the adjoint of: zeros inserted
/// between input elements (stride), the border padded so that every kernel
/// tap sees the output range, and a stride-1 Conv with the kernel flipped
/// and its channel axes swapped per group.
LogicalResult convertConvTranspose(NodeContext &ctx,
                                   SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType xType = ctx.inputType(0), wType = ctx.inputType(1);
  int64_t rank = xType.getRank(), spatial = rank - 2;
  if (spatial < 1 || spatial > 3)
    return ctx.error() << spatial << "-D transposed convolution is not "
                                     "supported (1-D, 2-D and 3-D are)";
  Type element = xType.getElementType();
  if (!isa<FloatType>(element))
    return ctx.error() << "expects floating-point tensors";
  int64_t group = ctx.intAttr("group", 1);
  int64_t inChannels = xType.getDimSize(1);
  if (group <= 0 || inChannels % group != 0 || wType.getDimSize(0) != inChannels)
    return ctx.error() << "weight shape and group " << group
                       << " do not match " << inChannels << " input channels";
  int64_t outPerGroup = wType.getDimSize(1), outChannels = outPerGroup * group;
  SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
  auto attrOr = [&](StringRef name, int64_t fallback) {
    return ctx.intsAttr(name).value_or(SmallVector<int64_t>(spatial, fallback));
  };
  SmallVector<int64_t> strides = attrOr("strides", 1),
                       dilations = attrOr("dilations", 1),
                       outputPadding = attrOr("output_padding", 0);
  if (auto shape = ctx.intsAttr("kernel_shape"); shape && *shape != kernel)
    return ctx.error() << "kernel_shape does not match the weight's shape";
  if (static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(dilations.size()) != spatial ||
      static_cast<int64_t>(outputPadding.size()) != spatial)
    return ctx.error() << "strides, dilations and output_padding need "
                       << spatial << " entries";
  // Begin/end padding of the output, as ONNX resolves it.
  SmallVector<int64_t> pads(2 * spatial, 0);
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  auto outputShape = ctx.intsAttr("output_shape");
  if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = xType.getDimSize(i + 2);
      int64_t target = outputShape ? (*outputShape)[outputShape->size() - spatial + i]
                                   : in * strides[i];
      int64_t total = strides[i] * (in - 1) + outputPadding[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - target;
      // Floor division: an output_shape larger than the natural one (a
      // negative total) extends the end, as ONNX's reference does.
      int64_t half = total >= 0 ? total / 2 : -((1 - total) / 2);
      bool upper = autoPad == "SAME_UPPER";
      pads[i] = upper ? half : total - half;
      pads[i + spatial] = upper ? total - half : half;
    }
  } else if (autoPad == "NOTSET") {
    pads = ctx.intsAttr("pads").value_or(pads);
    if (static_cast<int64_t>(pads.size()) != 2 * spatial)
      return ctx.error() << "pads has " << pads.size() << " entries, expected "
                         << 2 * spatial;
  } else if (autoPad != "VALID") {
    return ctx.error() << "unknown auto_pad '" << autoPad << "'";
  }

  // Zeros between the input elements: a unit axis after each spatial axis,
  // padded to the stride and merged back.
  Value x = ctx.input(0);
  SmallVector<int64_t> interleaved = {xType.getDimSize(0), inChannels};
  SmallVector<int64_t> zeroPads(2 * (2 + 2 * spatial), 0), merged;
  for (int64_t i = 0; i < spatial; ++i) {
    interleaved.append({xType.getDimSize(i + 2), 1});
    zeroPads[2 + 2 * spatial + 2 + 2 * i + 1] = strides[i] - 1;
    merged.push_back(xType.getDimSize(i + 2) * strides[i]);
  }
  Value zero = scalarTensor(ctx, element, 0);
  if (llvm::any_of(strides, [](int64_t s) { return s > 1; })) {
    x = b.createOrFold<ReshapeOp>(ctx.loc, xType.clone(interleaved), x);
    x = padOrCrop(ctx, x, zeroPads, "constant", zero);
    SmallVector<int64_t> spread = {xType.getDimSize(0), inChannels};
    spread.append(merged);
    x = b.createOrFold<ReshapeOp>(ctx.loc, xType.clone(spread), x);
  }
  // Border: every kernel tap (effective extent e) reaches each output; the
  // spread axis already carries stride - 1 trailing zeros.
  SmallVector<int64_t> border(2 * rank, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t effective = (kernel[i] - 1) * dilations[i] + 1;
    border[i + 2] = effective - 1 - pads[i];
    border[rank + i + 2] =
        effective - 1 - pads[i + spatial] + outputPadding[i] - (strides[i] - 1);
  }
  x = padOrCrop(ctx, x, border, "constant", zero);

  // Weight [Cin, Cout/g, k...] -> [Cout, Cin/g, k...], spatially flipped.
  Value w = ctx.input(1);
  SmallVector<int64_t> grouped = {group, inChannels / group, outPerGroup};
  grouped.append(kernel);
  w = b.createOrFold<ReshapeOp>(ctx.loc, wType.clone(grouped), w);
  SmallVector<int64_t> perm = {0, 2, 1};
  for (int64_t i = 0; i < spatial; ++i)
    perm.push_back(3 + i);
  w = b.createOrFold<TransposeOp>(ctx.loc, w, b.getDenseI64ArrayAttr(perm));
  SmallVector<int64_t> convShape = {outChannels, inChannels / group};
  convShape.append(kernel);
  w = b.createOrFold<ReshapeOp>(ctx.loc, wType.clone(convShape), w);
  SmallVector<int64_t> starts(spatial, -1), ends(spatial, INT64_MIN),
      axes, steps(spatial, -1);
  for (int64_t i = 0; i < spatial; ++i)
    axes.push_back(2 + i);
  w = b.createOrFold<SliceOp>(ctx.loc, w, b.getDenseI64ArrayAttr(starts),
                              b.getDenseI64ArrayAttr(ends),
                              b.getDenseI64ArrayAttr(axes),
                              b.getDenseI64ArrayAttr(steps));
  auto result = ctx.buildTyped<ConvOp>(
      0, x, w, ctx.input(2), b.getDenseI64ArrayAttr(SmallVector<int64_t>(spatial, 1)),
      b.getDenseI64ArrayAttr(SmallVector<int64_t>(2 * spatial, 0)),
      b.getDenseI64ArrayAttr(dilations), b.getI64IntegerAttr(group));
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// MaxUnpool: zeros of the unpooled shape with each input value written at
/// the flattened index MaxPool reported (a 1-D ScatterElements). The indices
/// refer to the shape the pooling attributes imply; an output_shape larger
/// than that pads the end of each axis with zeros.
LogicalResult convertMaxUnpool(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType xType = ctx.inputType(0);
  int64_t rank = xType.getRank(), spatial = rank - 2;
  auto kernel = ctx.intsAttr("kernel_shape");
  if (!kernel || static_cast<int64_t>(kernel->size()) != spatial)
    return ctx.error() << "kernel_shape needs " << spatial << " entries";
  SmallVector<int64_t> strides =
      ctx.intsAttr("strides").value_or(SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> pads =
      ctx.intsAttr("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  SmallVector<int64_t> shape = {xType.getDimSize(0), xType.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i)
    shape.push_back((xType.getDimSize(i + 2) - 1) * strides[i] + (*kernel)[i] -
                    pads[i] - pads[i + spatial]);
  SmallVector<int64_t> outputShape = shape;
  if (ctx.input(2)) {
    auto given = requireConstantInts(ctx, 2, "output_shape");
    if (failed(given))
      return failure();
    outputShape = *given;
    if (static_cast<int64_t>(outputShape.size()) != rank)
      return ctx.error() << "output_shape has " << outputShape.size()
                         << " entries for a rank-" << rank << " input";
    for (int64_t d = 0; d < rank; ++d)
      if (outputShape[d] < shape[d])
        return ctx.error() << "output_shape is smaller than the unpooled shape "
                           << "on axis " << d;
  }
  int64_t total = 1;
  for (int64_t extent : shape)
    total *= extent;
  Type element = xType.getElementType();
  auto flat = [&](Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    return b.createOrFold<ReshapeOp>(
        ctx.loc, type.clone({type.getNumElements()}), v);
  };
  Value zeros = constantTensor(ctx, {total}, element,
                               SmallVector<double>(total, 0.0));
  auto scattered = ctx.buildInferred<ScatterElementsOp>(
      zeros, flat(ctx.input(1)), flat(ctx.input(0)), b.getI64IntegerAttr(0),
      b.getStringAttr("none"));
  if (failed(scattered))
    return failure();
  Value y = b.createOrFold<ReshapeOp>(
      ctx.loc, RankedTensorType::get(shape, element), *scattered);
  SmallVector<int64_t> growth(2 * rank, 0);
  for (int64_t d = 0; d < rank; ++d)
    growth[rank + d] = outputShape[d] - shape[d];
  results.push_back(
      padOrCrop(ctx, y, growth, "constant", scalarTensor(ctx, element, 0)));
  return success();
}

namespace {

/// The DFT of `x` [batch, ..., 1 or 2] (real, or real and imaginary parts)
/// along signal axis `axis`, as two matrix products with constant cosine and
/// sine tables; the result's last axis always holds both parts.
Value dftAlong(NodeContext &ctx, Value x, int64_t axis, bool inverse,
               bool onesided) {
  OpBuilder &b = ctx.builder;
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  Type element = type.getElementType();
  int64_t n = type.getDimSize(axis);
  int64_t m = onesided ? n / 2 + 1 : n;
  // Signal axis last: [..., n] for the real and imaginary parts.
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  auto part = [&](int64_t index) {
    Value slice = b.createOrFold<SliceOp>(
        ctx.loc, x, b.getDenseI64ArrayAttr({index}),
        b.getDenseI64ArrayAttr({index + 1}), b.getDenseI64ArrayAttr({rank - 1}),
        b.getDenseI64ArrayAttr({1}));
    Value squeezed = b.createOrFold<SqueezeOp>(ctx.loc, slice,
                                               b.getDenseI64ArrayAttr({rank - 1}));
    return b.createOrFold<TransposeOp>(ctx.loc, squeezed, b.getDenseI64ArrayAttr(perm));
  };
  // X[k] = sum_j x[j] e^(-+ 2 pi i j k / n), scaled by 1/n when inverse.
  double sign = inverse ? 1.0 : -1.0, scale = inverse ? 1.0 / n : 1.0;
  SmallVector<double> cosines, sines;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < m; ++k) {
      double angle = 2 * llvm::numbers::pi * static_cast<double>((j * k) % n) / n;
      cosines.push_back(scale * std::cos(angle));
      sines.push_back(scale * sign * std::sin(angle));
    }
  Value cosine = constantTensor(ctx, {n, m}, element, cosines);
  Value sine = constantTensor(ctx, {n, m}, element, sines);
  Value real = part(0);
  Value outReal = b.createOrFold<MatMulOp>(ctx.loc, real, cosine);
  Value outImag = b.createOrFold<MatMulOp>(ctx.loc, real, sine);
  if (type.getShape().back() == 2) {
    Value imag = part(1);
    // (a + ib)(c + is) = (ac - bs) + i(as + bc)
    outReal = b.createOrFold<SubOp>(ctx.loc, outReal,
                                    b.createOrFold<MatMulOp>(ctx.loc, imag, sine));
    outImag = b.createOrFold<AddOp>(ctx.loc, outImag,
                                    b.createOrFold<MatMulOp>(ctx.loc, imag, cosine));
  }
  // Back to the input's axis order, with the complex axis restored.
  SmallVector<int64_t> inverseOrder(perm.size());
  for (auto [to, from] : llvm::enumerate(perm))
    inverseOrder[from] = to;
  auto restore = [&](Value v) {
    Value back = b.createOrFold<TransposeOp>(ctx.loc, v,
                                             b.getDenseI64ArrayAttr(inverseOrder));
    return b.createOrFold<UnsqueezeOp>(ctx.loc, back, b.getDenseI64ArrayAttr({rank - 1}));
  };
  return b.createOrFold<ConcatOp>(ctx.loc,
                                  ValueRange{restore(outReal), restore(outImag)},
                                  b.getI64IntegerAttr(rank - 1));
}

bool isSignal(RankedTensorType type) {
  return isa<FloatType>(type.getElementType()) && type.getRank() >= 3 &&
         (type.getShape().back() == 1 || type.getShape().back() == 2);
}

} // namespace

/// DFT (opset 17) along `axis`: forward or inverse (scaled by 1/n), and
/// one-sided (n/2 + 1 bins) for the forward transform.
LogicalResult convertDFT(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  if (!isSignal(type))
    return ctx.error() << "expects a float tensor [batch, ..., 1 or 2]";
  if (ctx.input(1))
    return ctx.error() << "dft_length is not supported (the signal's own "
                          "length is used)";
  auto axis = normalizeAxis(ctx.intAttr("axis", 1), type.getRank() - 1);
  if (!axis || *axis == 0)
    return ctx.error() << "axis must name a signal axis (not the batch or the "
                          "complex axis)";
  bool inverse = ctx.intAttr("inverse", 0) != 0;
  bool onesided = ctx.intAttr("onesided", 0) != 0;
  if (inverse && onesided)
    return ctx.error() << "an inverse one-sided DFT is not supported";
  results.push_back(dftAlong(ctx, ctx.input(0), *axis, inverse, onesided));
  return success();
}

/// STFT (opset 17): frames of `frame_length` every `frame_step` samples (a
/// Gather of a constant index table), times the window, then a DFT of each
/// frame: [batch, frames, bins, 2].
LogicalResult convertSTFT(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType type = ctx.inputType(0);
  if (!isSignal(type) || type.getRank() != 3)
    return ctx.error() << "expects a float signal [batch, length, 1 or 2]";
  auto step = requireConstantInts(ctx, 1, "frame_step");
  if (failed(step))
    return failure();
  int64_t frameLength = 0;
  if (ctx.input(2))
    frameLength = ctx.inputType(2).getNumElements();
  if (ctx.input(3)) {
    auto length = requireConstantInts(ctx, 3, "frame_length");
    if (failed(length))
      return failure();
    if (frameLength && length->front() != frameLength)
      return ctx.error() << "frame_length differs from the window's length";
    frameLength = length->front();
  }
  int64_t length = type.getDimSize(1), hop = step->front();
  if (frameLength <= 0 || frameLength > length || hop <= 0)
    return ctx.error() << "needs a frame length in [1, " << length
                       << "] and a positive frame_step";
  int64_t frames = (length - frameLength) / hop + 1;
  SmallVector<double> positions;
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t j = 0; j < frameLength; ++j)
      positions.push_back(f * hop + j);
  Value framed = b.createOrFold<GatherOp>(
      ctx.loc, ctx.input(0),
      constantTensor(ctx, {frames, frameLength}, b.getI64Type(), positions),
      b.getI64IntegerAttr(1));
  if (Value window = ctx.input(2)) {
    auto windowType = ctx.inputType(2);
    framed = b.createOrFold<MulOp>(
        ctx.loc, framed,
        b.createOrFold<ReshapeOp>(ctx.loc, windowType.clone({frameLength, 1}),
                                  window));
  }
  results.push_back(dftAlong(ctx, framed, 2, /*inverse=*/false,
                             ctx.intAttr("onesided", 1) != 0));
  return success();
}

/// CumSum(x, axis): a lower (or, reversed, upper) triangular band sum;
/// exclusive drops the diagonal.
LogicalResult convertCumSum(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto axisValues = requireConstantInts(ctx, 1, "axis");
  if (failed(axisValues))
    return failure();
  if (axisValues->size() != 1)
    return ctx.error() << "input 'axis' must hold one value";
  RankedTensorType type = ctx.inputType(0);
  auto axis = requireAxis(ctx, axisValues->front(), type.getRank());
  if (failed(axis))
    return failure();
  if (type.getElementType().isInteger(1) || type.getElementType().isUnsignedInteger())
    return ctx.error() << "expects a signed integer or floating-point input, not "
                       << type.getElementType();
  bool exclusive = ctx.intAttr("exclusive", 0) != 0;
  bool reverse = ctx.intAttr("reverse", 0) != 0;
  results.push_back(bandSum(ctx, ctx.input(0), *axis, [&](int64_t i, int64_t k) {
    if (exclusive && i == k)
      return false;
    return reverse ? k >= i : k <= i;
  }));
  return success();
}

/// TopK by selection: K rounds of ArgMax (ArgMin for the smallest), each
/// masking out what it picked, so values come out sorted and ties keep the
/// lower index as ONNX requires. K is limited to keep the graph small.
LogicalResult convertTopK(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  constexpr int64_t kMaxK = 64;
  OpBuilder &b = ctx.builder;
  RankedTensorType type = ctx.inputType(0);
  int64_t k;
  if (ctx.opset < 10) {
    k = ctx.intAttr("k", 0);
  } else {
    auto values = requireConstantInts(ctx, 1, "K");
    if (failed(values))
      return failure();
    if (values->size() != 1)
      return ctx.error() << "input 'K' must hold one value";
    k = values->front();
  }
  auto axis = requireAxis(ctx, ctx.intAttr("axis", -1), type.getRank());
  if (failed(axis))
    return failure();
  int64_t extent = type.getDimSize(*axis);
  if (k < 0 || k > extent)
    return ctx.error() << "K = " << k << " is outside [0, " << extent << "]";
  if (k > kMaxK)
    return ctx.error() << "K = " << k << " is above the " << kMaxK
                       << " that selection-based TopK supports";
  Type element = type.getElementType();
  if (!isa<FloatType>(element) && (!isa<IntegerType>(element) ||
                                   element.isUnsignedInteger()))
    return ctx.error() << "expects a floating-point or signed integer input";
  bool largest = ctx.intAttr("largest", 1) != 0;
  // What masks a picked element out of later rounds.
  double sentinel;
  if (auto floatType = dyn_cast<FloatType>(element))
    sentinel = largest ? -INFINITY : INFINITY;
  else {
    unsigned width = element.getIntOrFloatBitWidth();
    sentinel = largest ? -std::ldexp(1.0, width - 1) : std::ldexp(1.0, width - 1) - 1;
  }
  Type i64 = b.getI64Type();
  Value ramp = indexRamp(ctx, extent, *axis, type.getRank(), i64);
  Value remaining = ctx.input(0);
  SmallVector<Value> values, indices;
  auto axisAttr = b.getI64IntegerAttr(*axis);
  for (int64_t round = 0; round < k; ++round) {
    Value picked =
        largest ? b.createOrFold<ArgMaxOp>(ctx.loc, remaining, axisAttr,
                                           b.getBoolAttr(true), b.getBoolAttr(false))
                : b.createOrFold<ArgMinOp>(ctx.loc, remaining, axisAttr,
                                           b.getBoolAttr(true), b.getBoolAttr(false));
    indices.push_back(picked);
    values.push_back(b.createOrFold<GatherElementsOp>(ctx.loc, ctx.input(0),
                                                      picked, axisAttr));
    if (round + 1 < k)
      remaining = b.createOrFold<WhereOp>(
          ctx.loc, b.createOrFold<EqualOp>(ctx.loc, ramp, picked),
          scalarTensor(ctx, element, sentinel), remaining);
  }
  if (k == 0)
    return ctx.error() << "K = 0 gives empty outputs, which Strata does not "
                          "compile";
  auto concat = [&](ArrayRef<Value> parts) {
    return parts.size() == 1 ? parts.front()
                             : b.createOrFold<ConcatOp>(ctx.loc, parts, axisAttr);
  };
  results.push_back(concat(values));
  results.push_back(concat(indices));
  return success();
}

/// Hardmax: 1 where ArgMax picks (the first maximum), else 0. Before opset
/// 13 the input is viewed as 2-D around `axis`, as Softmax was.
LogicalResult convertHardmax(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType type = ctx.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return ctx.error() << "expects a floating-point input";
  auto axis = requireAxis(ctx, ctx.intAttr("axis", ctx.opset >= 13 ? -1 : 1),
                          type.getRank());
  if (failed(axis))
    return failure();
  Value x = ctx.input(0);
  int64_t reduced = *axis;
  if (ctx.opset < 13) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < type.getRank(); ++d)
      (d < *axis ? outer : inner) *= type.getDimSize(d);
    x = b.createOrFold<ReshapeOp>(ctx.loc, type.clone({outer, inner}), x);
    reduced = 1;
  }
  auto xType = cast<RankedTensorType>(x.getType());
  Value picked = b.createOrFold<ArgMaxOp>(ctx.loc, x, b.getI64IntegerAttr(reduced),
                                          b.getBoolAttr(true), b.getBoolAttr(false));
  Value ramp = indexRamp(ctx, xType.getDimSize(reduced), reduced, xType.getRank(),
                         b.getI64Type());
  Value isMax = b.createOrFold<EqualOp>(ctx.loc, picked, ramp);
  Value y = b.createOrFold<CastOp>(ctx.loc, xType, isMax);
  if (ctx.opset < 13)
    y = b.createOrFold<ReshapeOp>(ctx.loc, type, y);
  results.push_back(y);
  return success();
}

/// OneHot(indices, depth, values): compare the indices (negative ones count
/// from depth) against 0..depth-1 along the new axis, pick on/off values.
LogicalResult convertOneHot(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  auto depthValues = requireConstantDoubles(ctx, 1, "depth");
  if (failed(depthValues))
    return failure();
  if (depthValues->size() != 1)
    return ctx.error() << "input 'depth' must hold one value";
  int64_t depth = static_cast<int64_t>(depthValues->front());
  if (depth <= 0)
    return ctx.error() << "depth must be positive, not " << depth;
  RankedTensorType indicesType = ctx.inputType(0);
  RankedTensorType valuesType = ctx.inputType(2);
  if (valuesType.getNumElements() != 2)
    return ctx.error() << "input 'values' must hold [off_value, on_value]";
  int64_t rank = indicesType.getRank() + 1;
  auto axis = requireAxis(ctx, ctx.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  Type i64 = b.getI64Type();
  Value indices = b.createOrFold<CastOp>(ctx.loc, indicesType.clone(i64),
                                         ctx.input(0));
  Value zero = scalarTensor(ctx, i64, 0);
  Value wrapped = b.createOrFold<AddOp>(ctx.loc, indices,
                                        scalarTensor(ctx, i64, depth));
  indices = b.createOrFold<WhereOp>(
      ctx.loc, b.createOrFold<LessOp>(ctx.loc, indices, zero), wrapped, indices);
  indices = b.createOrFold<UnsqueezeOp>(ctx.loc, indices,
                                        b.getDenseI64ArrayAttr({*axis}));
  Value hot = b.createOrFold<EqualOp>(ctx.loc, indices,
                                      indexRamp(ctx, depth, *axis, rank, i64));
  auto pick = [&](int64_t i) {
    Value one = b.createOrFold<SliceOp>(
        ctx.loc, b.createOrFold<ReshapeOp>(ctx.loc, valuesType.clone({2}),
                                           ctx.input(2)),
        b.getDenseI64ArrayAttr({i}), b.getDenseI64ArrayAttr({i + 1}),
        b.getDenseI64ArrayAttr({0}), b.getDenseI64ArrayAttr({1}));
    return b.createOrFold<ReshapeOp>(ctx.loc, valuesType.clone(ArrayRef<int64_t>{}),
                                     one);
  };
  results.push_back(b.createOrFold<WhereOp>(ctx.loc, hot, pick(1), pick(0)));
  return success();
}

/// EyeLike: ones on diagonal k of a 2-D tensor shaped like the input.
LogicalResult convertEyeLike(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() != 2)
    return ctx.error() << "expects a rank-2 input";
  Type element = type.getElementType();
  if (const auto *attr = ctx.attribute("dtype")) {
    element = elementTypeFor(*ctx.builder.getContext(), attr->i());
    if (!element)
      return ctx.error() << "unsupported dtype " << attr->i();
  }
  int64_t k = ctx.intAttr("k", 0);
  SmallVector<double> values;
  for (int64_t i = 0; i < type.getDimSize(0); ++i)
    for (int64_t j = 0; j < type.getDimSize(1); ++j)
      values.push_back(j - i == k ? 1.0 : 0.0);
  results.push_back(constantTensor(ctx, type.getShape(), element, values));
  return success();
}

namespace {

/// (x - mean) / sqrt(var + epsilon) over `axes`, statistics kept as
/// broadcastable dims; the shared core of the instance-style norms.
Value normalizeOver(NodeContext &ctx, Value x, ArrayRef<int64_t> axes,
                    double epsilon) {
  OpBuilder &b = ctx.builder;
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  auto axesAttr = b.getDenseI64ArrayAttr(axes);
  auto keep = b.getBoolAttr(true);
  Value mean = b.createOrFold<ReduceMeanOp>(ctx.loc, x, axesAttr, keep);
  Value centered = b.createOrFold<SubOp>(ctx.loc, x, mean);
  Value variance = b.createOrFold<ReduceMeanOp>(
      ctx.loc, b.createOrFold<MulOp>(ctx.loc, centered, centered), axesAttr, keep);
  Value stddev = b.createOrFold<SqrtOp>(
      ctx.loc, b.createOrFold<AddOp>(ctx.loc, variance,
                                     scalarTensor(ctx, element, epsilon)));
  return b.createOrFold<DivOp>(ctx.loc, centered, stddev);
}

SmallVector<int64_t> spatialAxes(int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(2, rank));
}

/// A per-channel [C] parameter reshaped to broadcast over N, C, spatial...
Value perChannel(NodeContext &ctx, Value parameter, int64_t rank) {
  auto type = cast<RankedTensorType>(parameter.getType());
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = type.getNumElements();
  return ctx.builder.createOrFold<ReshapeOp>(ctx.loc, type.clone(shape),
                                             parameter);
}

} // namespace

/// InstanceNormalization: per sample and channel over the spatial axes, then
/// the per-channel scale and bias.
LogicalResult convertInstanceNormalization(NodeContext &ctx,
                                           SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType type = ctx.inputType(0);
  if (!isa<FloatType>(type.getElementType()) || type.getRank() < 3)
    return ctx.error() << "expects a floating-point input of rank 3 or more";
  int64_t channels = type.getDimSize(1), rank = type.getRank();
  if (ctx.inputType(1).getNumElements() != channels ||
      ctx.inputType(2).getNumElements() != channels)
    return ctx.error() << "scale and B must have " << channels << " elements";
  Value y = normalizeOver(ctx, ctx.input(0), spatialAxes(rank),
                          ctx.floatAttr("epsilon", 1e-5f));
  y = b.createOrFold<MulOp>(ctx.loc, y, perChannel(ctx, ctx.input(1), rank));
  results.push_back(
      b.createOrFold<AddOp>(ctx.loc, y, perChannel(ctx, ctx.input(2), rank)));
  return success();
}

/// MeanVarianceNormalization, as its ONNX function: (x - E[x]) /
/// (sqrt(E[x^2] - E[x]^2) + 1e-9) over `axes` (default N and spatial).
LogicalResult convertMeanVarianceNormalization(NodeContext &ctx,
                                               SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType type = ctx.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return ctx.error() << "expects a floating-point input";
  SmallVector<int64_t> axes =
      ctx.intsAttr("axes").value_or(SmallVector<int64_t>{0, 2, 3});
  for (int64_t axis : axes)
    if (!normalizeAxis(axis, type.getRank()))
      return ctx.error() << "axis " << axis << " is outside a rank-"
                         << type.getRank() << " input";
  auto axesAttr = b.getDenseI64ArrayAttr(axes);
  auto keep = b.getBoolAttr(true);
  Value x = ctx.input(0);
  Value mean = b.createOrFold<ReduceMeanOp>(ctx.loc, x, axesAttr, keep);
  Value meanOfSquares = b.createOrFold<ReduceMeanOp>(
      ctx.loc, b.createOrFold<MulOp>(ctx.loc, x, x), axesAttr, keep);
  Value variance = b.createOrFold<SubOp>(
      ctx.loc, meanOfSquares, b.createOrFold<MulOp>(ctx.loc, mean, mean));
  Value denominator = b.createOrFold<AddOp>(
      ctx.loc, b.createOrFold<SqrtOp>(ctx.loc, variance),
      scalarTensor(ctx, type.getElementType(), 1e-9));
  results.push_back(b.createOrFold<DivOp>(
      ctx.loc, b.createOrFold<SubOp>(ctx.loc, x, mean), denominator));
  return success();
}

/// LRN: x / (bias + alpha / size * sum of x^2 over a channel window)^beta,
/// the window [c - floor((size-1)/2), c + ceil((size-1)/2)].
LogicalResult convertLRN(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  RankedTensorType type = ctx.inputType(0);
  if (!isa<FloatType>(type.getElementType()) || type.getRank() < 3)
    return ctx.error() << "expects a floating-point input of rank 3 or more";
  int64_t size = ctx.intAttr("size", 0);
  if (size <= 0)
    return ctx.error() << "attribute 'size' must be positive";
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  Type element = type.getElementType();
  Value x = ctx.input(0);
  Value squares = bandSum(ctx, b.createOrFold<MulOp>(ctx.loc, x, x), 1,
                          [&](int64_t c, int64_t k) {
                            return k >= c - before && k <= c + after;
                          });
  Value scaled = b.createOrFold<MulOp>(
      ctx.loc, squares,
      scalarTensor(ctx, element, ctx.floatAttr("alpha", 1e-4f) / size));
  Value base = b.createOrFold<AddOp>(
      ctx.loc, scaled, scalarTensor(ctx, element, ctx.floatAttr("bias", 1.0f)));
  Value denominator = b.createOrFold<PowOp>(
      ctx.loc, base, scalarTensor(ctx, element, ctx.floatAttr("beta", 0.75f)));
  results.push_back(b.createOrFold<DivOp>(ctx.loc, x, denominator));
  return success();
}

/// GlobalMaxPool: the maximum over every spatial axis, kept as unit dims.
LogicalResult convertGlobalMaxPool(NodeContext &ctx,
                                   SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() < 3)
    return ctx.error() << "expects an input of rank 3 or more";
  OpBuilder &b = ctx.builder;
  results.push_back(b.createOrFold<ReduceMaxOp>(
      ctx.loc, ctx.input(0), b.getDenseI64ArrayAttr(spatialAxes(type.getRank())),
      b.getBoolAttr(true)));
  return success();
}

namespace {

/// The generalized cosine windows of opset 17: sum over j of
/// (-1)^j a_j cos(2 pi j n / N), N the size (periodic) or size - 1.
LogicalResult convertCosineWindow(NodeContext &ctx, ArrayRef<double> a,
                                  SmallVectorImpl<Value> &results) {
  auto sizeValues = requireConstantDoubles(ctx, 0, "size");
  if (failed(sizeValues))
    return failure();
  if (sizeValues->size() != 1)
    return ctx.error() << "input 'size' must hold one value";
  int64_t size = static_cast<int64_t>(sizeValues->front());
  if (size <= 0)
    return ctx.error() << "size must be positive, not " << size;
  Type element = elementTypeFor(*ctx.builder.getContext(),
                                ctx.intAttr("output_datatype", 1));
  if (!element)
    return ctx.error() << "unsupported output_datatype";
  bool periodic = ctx.intAttr("periodic", 1) != 0;
  double period = periodic ? size : size - 1;
  SmallVector<double> values;
  for (int64_t n = 0; n < size; ++n) {
    double value = 0, sign = 1;
    for (size_t j = 0; j < a.size(); ++j, sign = -sign)
      value += sign * a[j] *
               std::cos(2 * llvm::numbers::pi * static_cast<double>(j * n) / period);
    values.push_back(value);
  }
  results.push_back(constantTensor(ctx, {size}, element, values));
  return success();
}

} // namespace

LogicalResult convertBlackmanWindow(NodeContext &ctx,
                                    SmallVectorImpl<Value> &results) {
  return convertCosineWindow(ctx, {0.42, 0.5, 0.08}, results);
}
LogicalResult convertHammingWindow(NodeContext &ctx,
                                   SmallVectorImpl<Value> &results) {
  return convertCosineWindow(ctx, {25.0 / 46.0, 21.0 / 46.0}, results);
}
LogicalResult convertHannWindow(NodeContext &ctx,
                                SmallVectorImpl<Value> &results) {
  return convertCosineWindow(ctx, {0.5, 0.5}, results);
}

} // namespace strata::onnx_import
