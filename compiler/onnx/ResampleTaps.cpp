//===- ResampleTaps.cpp - Per-axis interpolation tables for Resize --------===//
//
// Follows the ONNX specification's reference interpolation: map the output
// coordinate to the input, take the `taps` nearest input positions of the
// edge-padded axis (ties to the lower index), weight them with the mode's
// coefficients for the fractional part.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ResampleTaps.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace strata::onnx_import {

bool AxisTaps::isIdentity() const {
  if (!isSelection())
    return false;
  for (size_t o = 0; o < extrapolated.size(); ++o) {
    for (int64_t t = 0; t < taps; ++t)
      if (weights[o * taps + t] != 0 && indices[o * taps + t] != static_cast<int64_t>(o))
        return false;
  }
  return true;
}

bool AxisTaps::isSelection() const {
  for (size_t o = 0; o < extrapolated.size(); ++o) {
    if (extrapolated[o])
      return false;
    int nonZero = 0;
    for (int64_t t = 0; t < taps; ++t) {
      double w = weights[o * taps + t];
      if (w == 0)
        continue;
      if (w != 1)
        return false;
      ++nonZero;
    }
    if (nonZero != 1)
      return false;
  }
  return true;
}

namespace {

SmallVector<double> coefficients(const ResampleOptions &options, double ratio,
                                 bool integral) {
  switch (options.mode) {
  case ResampleMode::Nearest: {
    if (integral)
      return {0, 1};
    StringRef mode = options.nearestMode;
    if (mode == "round_prefer_ceil")
      return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    if (mode == "floor")
      return {1, 0};
    if (mode == "ceil")
      return {0, 1};
    return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
  }
  case ResampleMode::Linear:
    return {1 - ratio, ratio};
  case ResampleMode::Cubic: {
    double a = options.cubicCoeffA;
    auto outer = [a](double s) { // |distance| in [1, 2)
      return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a;
    };
    auto inner = [a](double s) { // |distance| in [0, 1)
      return ((a + 2) * s - (a + 3)) * s * s + 1;
    };
    return {outer(ratio + 1), inner(ratio), inner(1 - ratio),
            outer(2 - ratio)};
  }
  }
  return {};
}

/// The `n` positions of [0, limit) nearest to x, ties to the lower, ascending.
SmallVector<int64_t> nearestPositions(double x, int64_t n, int64_t limit) {
  int64_t center = std::clamp<int64_t>(static_cast<int64_t>(std::floor(x)), 0,
                                       limit - 1);
  SmallVector<int64_t> candidates;
  for (int64_t i = std::max<int64_t>(0, center - n);
       i <= std::min<int64_t>(limit - 1, center + n); ++i)
    candidates.push_back(i);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [x](int64_t a, int64_t b) {
                     double da = std::fabs(x - a), db = std::fabs(x - b);
                     return da != db ? da < db : a < b;
                   });
  candidates.resize(std::min<size_t>(candidates.size(), n));
  llvm::sort(candidates);
  return candidates;
}

} // namespace

std::optional<AxisTaps> computeAxisTaps(const ResampleOptions &options,
                                        int64_t inSize, int64_t outSize,
                                        double scale, double roiStart,
                                        double roiEnd, std::string &problem) {
  StringRef coordinates = options.coordinateMode;
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_crop_and_resize",
                           "tf_half_pixel_for_nn"},
                          coordinates)) {
    problem = "unknown coordinate_transformation_mode '" +
              options.coordinateMode + "'";
    return std::nullopt;
  }
  AxisTaps table;
  table.taps = options.mode == ResampleMode::Cubic ? 4 : 2;
  // The reference's output width is the unrounded scale * input size.
  double outputWidth = scale * static_cast<double>(inSize);
  for (int64_t o = 0; o < outSize; ++o) {
    double x = static_cast<double>(o), source = 0;
    bool extrapolate = false;
    if (coordinates == "half_pixel") {
      source = (x + 0.5) / scale - 0.5;
    } else if (coordinates == "pytorch_half_pixel") {
      source = outputWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    } else if (coordinates == "align_corners") {
      source = outputWidth == 1 ? 0 : x * (inSize - 1) / (outputWidth - 1);
    } else if (coordinates == "asymmetric") {
      source = x / scale;
    } else if (coordinates == "tf_half_pixel_for_nn") {
      source = (x + 0.5) / scale;
    } else { // tf_crop_and_resize
      double extent = (roiEnd - roiStart) * (inSize - 1);
      source = outputWidth == 1 ? extent / 2 : x * extent / (outputWidth - 1);
      source += roiStart * (inSize - 1);
      extrapolate = source < 0 || source > inSize - 1;
    }
    table.extrapolated.push_back(extrapolate);
    if (extrapolate) {
      table.indices.append(table.taps, 0);
      table.weights.append(table.taps, 0.0);
      continue;
    }
    double floor = std::floor(source);
    bool integral = floor == source;
    double ratio = integral ? 1.0 : source - floor;
    SmallVector<double> coeffs = coefficients(options, ratio, integral);
    // The reference edge-pads the axis by ceil(taps / 2) and picks the taps
    // nearest positions of the padded axis.
    int64_t pad = (table.taps + 1) / 2;
    SmallVector<int64_t> positions =
        nearestPositions(source + pad, table.taps, inSize + 2 * pad);
    double total = 0;
    for (int64_t t = 0; t < table.taps; ++t) {
      int64_t index = positions[t] - pad;
      if (options.excludeOutside && (index < 0 || index >= inSize))
        coeffs[t] = 0;
      total += coeffs[t];
    }
    for (int64_t t = 0; t < table.taps; ++t) {
      int64_t index = positions[t] - pad;
      table.indices.push_back(std::clamp<int64_t>(index, 0, inSize - 1));
      table.weights.push_back(options.excludeOutside ? coeffs[t] / total
                                                     : coeffs[t]);
    }
  }
  return table;
}

} // namespace strata::onnx_import
