//===- ResampleTapsTest.cpp - Resize's per-axis interpolation tables ------===//
//
// The tables behind Resize, checked against values worked out by hand from
// the ONNX reference: each mode's taps and weights, edge clamping, and the
// modes whose results only differ at the borders.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ResampleTaps.h"

#include <gtest/gtest.h>

using namespace strata::onnx_import;

namespace {

AxisTaps taps(const ResampleOptions &options, int64_t in, int64_t out,
              double scale, double roiStart = 0, double roiEnd = 1) {
  std::string problem;
  auto table = computeAxisTaps(options, in, out, scale, roiStart, roiEnd, problem);
  EXPECT_TRUE(table.has_value()) << problem;
  return table.value_or(AxisTaps{});
}

TEST(ResampleTaps, LinearHalfPixelUpsampleClampsAtTheEdges) {
  ResampleOptions options;
  options.mode = ResampleMode::Linear;
  AxisTaps t = taps(options, 2, 4, 2.0);
  ASSERT_EQ(t.taps, 2);
  // Output 0 maps to -0.25: both taps clamp to input 0.
  EXPECT_EQ(t.indices[0], 0);
  EXPECT_EQ(t.indices[1], 0);
  // Output 1 maps to 0.25: 0.75 of input 0, 0.25 of input 1.
  EXPECT_EQ(t.indices[2], 0);
  EXPECT_EQ(t.indices[3], 1);
  EXPECT_DOUBLE_EQ(t.weights[2], 0.75);
  EXPECT_DOUBLE_EQ(t.weights[3], 0.25);
  EXPECT_FALSE(t.isSelection());
}

TEST(ResampleTaps, NearestAsymmetricFloorIsAGather) {
  ResampleOptions options;
  options.coordinateMode = "asymmetric";
  options.nearestMode = "floor";
  AxisTaps t = taps(options, 2, 6, 3.0);
  ASSERT_TRUE(t.isSelection());
  std::vector<int64_t> picked;
  for (size_t o = 0; o < 6; ++o)
    for (int64_t k = 0; k < t.taps; ++k)
      if (t.weights[o * t.taps + k] != 0)
        picked.push_back(t.indices[o * t.taps + k]);
  EXPECT_EQ(picked, (std::vector<int64_t>{0, 0, 0, 1, 1, 1}));
}

TEST(ResampleTaps, UnitScaleIsTheIdentityInEveryMode) {
  for (ResampleMode mode :
       {ResampleMode::Nearest, ResampleMode::Linear, ResampleMode::Cubic}) {
    ResampleOptions options;
    options.mode = mode;
    EXPECT_TRUE(taps(options, 5, 5, 1.0).isIdentity());
  }
}

TEST(ResampleTaps, CubicWeightsSumToOneAndExcludeOutsideRenormalizes) {
  ResampleOptions options;
  options.mode = ResampleMode::Cubic;
  options.cubicCoeffA = -0.5;
  options.excludeOutside = true;
  AxisTaps t = taps(options, 4, 8, 2.0);
  ASSERT_EQ(t.taps, 4);
  for (size_t o = 0; o < 8; ++o) {
    double sum = 0;
    for (int64_t k = 0; k < 4; ++k)
      sum += t.weights[o * 4 + k];
    EXPECT_NEAR(sum, 1.0, 1e-12) << "output " << o;
  }
}

TEST(ResampleTaps, CropAndResizeMarksPositionsOutsideTheRoi) {
  ResampleOptions options;
  options.mode = ResampleMode::Linear;
  options.coordinateMode = "tf_crop_and_resize";
  // ROI [0.5, 1.5] of a 3-element axis, 3 outputs: source 1, 2, 3 -> the
  // last is outside [0, 2].
  AxisTaps t = taps(options, 3, 3, 1.0, 0.5, 1.5);
  EXPECT_FALSE(t.extrapolated[0]);
  EXPECT_FALSE(t.extrapolated[1]);
  EXPECT_TRUE(t.extrapolated[2]);
  EXPECT_EQ(t.weights[4], 0.0);
  EXPECT_EQ(t.weights[5], 0.0);
}

TEST(ResampleTaps, UnknownCoordinateModeIsAnError) {
  ResampleOptions options;
  options.coordinateMode = "half_pixel_symmetric";
  std::string problem;
  EXPECT_FALSE(computeAxisTaps(options, 2, 4, 2.0, 0, 1, problem));
  EXPECT_NE(problem.find("half_pixel_symmetric"), std::string::npos);
}

} // namespace
