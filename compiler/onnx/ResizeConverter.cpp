//===- ResizeConverter.cpp - Resize and Upsample from Gather and ReduceSum -===//
//
// Shapes, scales and the ROI are compile-time constants, so every axis's
// interpolation is a fixed table (ResampleTaps.h). An axis whose outputs
// each copy one input becomes a Gather; one that blends T inputs becomes
// Gather of an [out, T] index table, Mul by the weight table and ReduceSum
// over the taps. Axes left unchanged cost nothing.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ConverterSupport.h"
#include "compiler/onnx/ResampleTaps.h"

#include "dialects/Graph/GraphOps.h"

#include <onnx/onnx_pb.h>

#include <cmath>

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx_import {

namespace {

/// Applies one axis's table to `x` (rank `rank`).
Value resampleAxis(NodeContext &ctx, Value x, int64_t axis,
                   const AxisTaps &table, double extrapolationValue) {
  OpBuilder &b = ctx.builder;
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  int64_t outSize = table.extrapolated.size();
  Type i64 = b.getI64Type();
  auto axisAttr = b.getI64IntegerAttr(axis);
  if (table.isSelection()) {
    SmallVector<double> picks;
    for (int64_t o = 0; o < outSize; ++o)
      for (int64_t t = 0; t < table.taps; ++t)
        if (table.weights[o * table.taps + t] != 0)
          picks.push_back(table.indices[o * table.taps + t]);
    Value indices = constantTensor(ctx, {outSize}, i64, picks);
    return b.createOrFold<GatherOp>(ctx.loc, x, indices, axisAttr);
  }
  SmallVector<double> indexValues(table.indices.begin(), table.indices.end());
  Value indices = constantTensor(ctx, {outSize, table.taps}, i64, indexValues);
  Value gathered = b.createOrFold<GatherOp>(ctx.loc, x, indices, axisAttr);
  // Weights broadcast over the axes after the resampled one.
  SmallVector<int64_t> weightShape = {outSize, table.taps};
  weightShape.append(rank - axis - 1, 1);
  Type element = type.getElementType();
  Value weights = constantTensor(ctx, weightShape, element, table.weights);
  Value blended = b.createOrFold<ReduceSumOp>(
      ctx.loc, b.createOrFold<MulOp>(ctx.loc, gathered, weights),
      b.getDenseI64ArrayAttr({axis + 1}), b.getBoolAttr(false));
  if (!llvm::is_contained(table.extrapolated, true))
    return blended;
  SmallVector<int64_t> biasShape = {outSize};
  biasShape.append(rank - axis - 1, 1);
  SmallVector<double> bias;
  for (bool outside : table.extrapolated)
    bias.push_back(outside ? extrapolationValue : 0.0);
  return b.createOrFold<AddOp>(ctx.loc, blended,
                               constantTensor(ctx, biasShape, element, bias));
}

/// Resizes every axis of input 0 by `scales` or to `sizes` (one is empty).
LogicalResult resample(NodeContext &ctx, const ResampleOptions &options,
                       ArrayRef<double> scales, ArrayRef<int64_t> sizes,
                       ArrayRef<double> roi, double extrapolationValue,
                       SmallVectorImpl<Value> &results) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  size_t given = sizes.empty() ? scales.size() : sizes.size();
  if (static_cast<int64_t>(given) != rank)
    return ctx.error() << (sizes.empty() ? "scales" : "sizes") << " has "
                       << given << " entries for a rank-" << rank << " input";
  if (!roi.empty() && static_cast<int64_t>(roi.size()) != 2 * rank)
    return ctx.error() << "roi has " << roi.size() << " entries for a rank-"
                       << rank << " input (expects " << 2 * rank << ")";
  if (options.mode != ResampleMode::Nearest &&
      !isa<FloatType>(type.getElementType()))
    return ctx.error() << "linear and cubic modes need a floating-point input "
                          "(nearest works on every type)";
  Value x = ctx.input(0);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t inSize = type.getDimSize(d);
    double scale;
    int64_t outSize;
    if (sizes.empty()) {
      scale = scales[d];
      if (!(scale > 0))
        return ctx.error() << "scales must be positive (axis " << d << " has "
                           << scale << ")";
      outSize = static_cast<int64_t>(std::floor(scale * inSize));
    } else {
      outSize = sizes[d];
      if (outSize <= 0)
        return ctx.error() << "sizes must be positive (axis " << d << " has "
                           << outSize << ")";
      scale = static_cast<double>(outSize) / inSize;
    }
    std::string problem;
    auto table = computeAxisTaps(options, inSize, outSize, scale,
                                 roi.empty() ? 0.0 : roi[d],
                                 roi.empty() ? 1.0 : roi[rank + d], problem);
    if (!table)
      return ctx.error() << problem;
    if (inSize == outSize && table->isIdentity())
      continue;
    x = resampleAxis(ctx, x, d, *table, extrapolationValue);
  }
  results.push_back(x);
  return success();
}

FailureOr<ResampleMode> parseMode(NodeContext &ctx) {
  std::string mode = ctx.stringAttr("mode", "nearest");
  if (mode == "nearest")
    return ResampleMode::Nearest;
  if (mode == "linear" || mode == "bilinear")
    return ResampleMode::Linear;
  if (mode == "cubic")
    return ResampleMode::Cubic;
  ctx.error() << "unknown mode '" << mode
              << "' (supported: nearest, linear, cubic)";
  return failure();
}

} // namespace

/// Resize-10 scales like Upsample; from opset 11 the inputs are
/// (X, roi, scales, sizes) with the coordinate and rounding attributes.
LogicalResult convertResize(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  auto mode = parseMode(ctx);
  if (failed(mode))
    return failure();
  ResampleOptions options;
  options.mode = *mode;
  if (ctx.opset < 11) {
    options.coordinateMode = "asymmetric";
    options.nearestMode = "floor";
    auto scales = requireConstantDoubles(ctx, 1, "scales");
    if (failed(scales))
      return failure();
    return resample(ctx, options, *scales, {}, {}, 0.0, results);
  }
  options.coordinateMode =
      ctx.stringAttr("coordinate_transformation_mode", "half_pixel");
  options.nearestMode = ctx.stringAttr("nearest_mode", "round_prefer_floor");
  options.cubicCoeffA = ctx.floatAttr("cubic_coeff_a", -0.75f);
  options.excludeOutside = ctx.intAttr("exclude_outside", 0) != 0;
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor",
                           "ceil"},
                          options.nearestMode))
    return ctx.error() << "unknown nearest_mode '" << options.nearestMode << "'";
  SmallVector<double> roi, scales;
  SmallVector<int64_t> sizes;
  auto roiValues = requireConstantDoubles(ctx, 1, "roi");
  auto scaleValues = requireConstantDoubles(ctx, 2, "scales");
  auto sizeValues = requireConstantDoubles(ctx, 3, "sizes");
  if (failed(roiValues) || failed(scaleValues) || failed(sizeValues))
    return failure();
  if (options.coordinateMode == "tf_crop_and_resize")
    roi = *roiValues;
  scales = *scaleValues;
  for (double size : *sizeValues)
    sizes.push_back(static_cast<int64_t>(size));
  if (scales.empty() == sizes.empty())
    return ctx.error() << "exactly one of 'scales' and 'sizes' must be given";
  return resample(ctx, options, scales, sizes, roi,
                  ctx.floatAttr("extrapolation_value", 0.0f), results);
}

/// Upsample (opsets 7 and 9): nearest or linear with asymmetric coordinates;
/// scales are an attribute in opset 7 and an input from 9.
LogicalResult convertUpsample(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  auto mode = parseMode(ctx);
  if (failed(mode))
    return failure();
  if (*mode == ResampleMode::Cubic)
    return ctx.error() << "mode 'cubic' is not an Upsample mode";
  ResampleOptions options;
  options.mode = *mode;
  options.coordinateMode = "asymmetric";
  options.nearestMode = "floor";
  SmallVector<double> scales;
  if (ctx.input(1)) {
    auto values = requireConstantDoubles(ctx, 1, "scales");
    if (failed(values))
      return failure();
    scales = *values;
  } else if (const auto *attr = ctx.attribute("scales")) {
    scales.assign(attr->floats().begin(), attr->floats().end());
  }
  return resample(ctx, options, scales, {}, {}, 0.0, results);
}

} // namespace strata::onnx_import
