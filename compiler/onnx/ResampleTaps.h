//===- ResampleTaps.h - Per-axis interpolation tables for Resize -*- C++ -*-===//
//
// ONNX Resize is separable: along each axis, output position o reads a few
// input positions (taps) with fixed weights, all known at compile time once
// shapes, scales and the ROI are. This computes those tables exactly as
// ONNX's reference defines them (coordinate transformation, nearest
// rounding, linear and cubic coefficients, edge clamping, exclude_outside,
// tf_crop_and_resize extrapolation); the importer turns them into Gather,
// Mul and ReduceSum.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_ONNX_RESAMPLETAPS_H
#define STRATA_COMPILER_ONNX_RESAMPLETAPS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace strata::onnx_import {

enum class ResampleMode { Nearest, Linear, Cubic };

struct ResampleOptions {
  ResampleMode mode = ResampleMode::Nearest;
  std::string coordinateMode = "half_pixel";
  std::string nearestMode = "round_prefer_floor";
  double cubicCoeffA = -0.75;
  bool excludeOutside = false;
};

/// One axis's table: output position o reads input index
/// `indices[o * taps + t]` with weight `weights[o * taps + t]`; an
/// extrapolated position (tf_crop_and_resize outside the ROI) has all
/// weights zero and takes the extrapolation value instead.
struct AxisTaps {
  int64_t taps = 0;
  llvm::SmallVector<int64_t> indices;
  llvm::SmallVector<double> weights;
  llvm::SmallVector<bool> extrapolated;

  /// Output o reads input o for every o (with as many outputs as inputs,
  /// the axis is left alone).
  bool isIdentity() const;
  /// Every output reads one input with weight 1: a plain gather.
  bool isSelection() const;
};

/// The table for an axis of `inSize` elements resized to `outSize` with
/// `scale` (ONNX's scale: given, or outSize / inSize when sizes were), and
/// the axis's ROI bounds for tf_crop_and_resize. Returns std::nullopt and
/// sets `problem` for an unknown mode.
std::optional<AxisTaps> computeAxisTaps(const ResampleOptions &options,
                                        int64_t inSize, int64_t outSize,
                                        double scale, double roiStart,
                                        double roiEnd, std::string &problem);

} // namespace strata::onnx_import

#endif // STRATA_COMPILER_ONNX_RESAMPLETAPS_H
