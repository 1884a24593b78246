//===- RangeCalibratorsTest.cpp - --calibrator's range choices -----------===//
//
// The calibrators pick the int8 range of an activation from a histogram of
// its values; these tests pin what each picks on known distributions.
//
//===----------------------------------------------------------------------===//
#include "compiler/RangeCalibrators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace strata;

TEST(RangeCalibrators, ParsesEachCalibratorAndRejectsTheRest) {
  ASSERT_TRUE(parseCalibrator("minmax"));
  EXPECT_EQ(parseCalibrator("minmax")->kind, Calibrator::Kind::MinMax);
  ASSERT_TRUE(parseCalibrator("percentile"));
  EXPECT_DOUBLE_EQ(parseCalibrator("percentile")->parameter, 99.99);
  EXPECT_DOUBLE_EQ(parseCalibrator("percentile:99.9")->parameter, 99.9);
  ASSERT_TRUE(parseCalibrator("mse"));
  EXPECT_DOUBLE_EQ(parseCalibrator("mse")->parameter, 0.0);
  EXPECT_DOUBLE_EQ(parseCalibrator("mse:0.5")->parameter, 0.5);
  EXPECT_FALSE(parseCalibrator("percentile:40"));
  EXPECT_FALSE(parseCalibrator("percentile:101"));
  EXPECT_FALSE(parseCalibrator("mse:-1"));
  EXPECT_FALSE(parseCalibrator("mse:"));
  EXPECT_FALSE(parseCalibrator("minmax:3"));
  EXPECT_FALSE(parseCalibrator("entropy"));
}

TEST(RangeCalibrators, MinMaxKeepsTheWholeRange) {
  Histogram histogram(-1.0, 100.0);
  for (double v : {-1.0, 0.5, 100.0})
    histogram.add(v);
  auto [low, high] = chooseRange(*parseCalibrator("minmax"), histogram);
  EXPECT_DOUBLE_EQ(low, -1.0);
  EXPECT_DOUBLE_EQ(high, 100.0);
}

TEST(RangeCalibrators, PercentileClipsTheTails) {
  Histogram histogram(0.0, 999.0);
  for (int v = 0; v < 1000; ++v)
    histogram.add(v);
  auto [low, high] = chooseRange(*parseCalibrator("percentile:99"), histogram);
  EXPECT_DOUBLE_EQ(low, 0.0); // never above 0: the grid must hold 0
  EXPECT_NEAR(high, 989.0, 2.0);
}

TEST(RangeCalibrators, LossIsRoundingInsideAndDistanceOutside) {
  Histogram histogram(0.0, 255.0, 255);
  for (int v = 0; v < 100; ++v)
    histogram.add(10.5); // one bin, well inside [0, 255]
  // Scale 1: each value's rounding error is 1/12 on average.
  EXPECT_NEAR(quantizationLoss(histogram, 0.0, 255.0, 0.0), 100.0 / 12.0, 1e-9);
  // Clipped at 5.1: each is off by 5.4, and (5.1/255)^2 / 12 inside is 0.
  EXPECT_NEAR(quantizationLoss(histogram, 0.0, 5.1, 0.0), 100 * 5.4 * 5.4, 1e-6);
  // lambda counts the values that do not quantize to 0.
  EXPECT_NEAR(quantizationLoss(histogram, 0.0, 255.0, 2.0), 100.0 / 12.0 + 200.0, 1e-9);
}

TEST(RangeCalibrators, MseClipsARareOutlierButNotATail) {
  // A million values spread over [-1, 1] and one at 100: keeping 100 costs
  // every value rounding error (scale 101/255), 1.3e4 in all; clipping it at
  // 1.5 costs 98.5^2, 9.7e3; the best is between, clipping it near 44 (56^2
  // plus rounding at scale 45/255, 5.7e3). MSE finds that; min/max cannot.
  Histogram histogram(-1.0, 100.0);
  for (int i = 0; i < 1000000; ++i)
    histogram.add(-1.0 + 2.0 * i / 1000000.0);
  histogram.add(100.0);
  auto [low, high] = chooseRange(*parseCalibrator("mse"), histogram);
  EXPECT_GT(high, 35.0);
  EXPECT_LT(high, 55.0);
  EXPECT_NEAR(low, -1.0, 0.05);
  double chosen = quantizationLoss(histogram, low, high, 0.0);
  for (double other : {1.5, 10.0, 30.0, 60.0, 100.0})
    EXPECT_LT(chosen, quantizationLoss(histogram, -1.0, other, 0.0)) << other;

  // Twenty thousand normal values and the same outlier: now clipping 100
  // (96^2 from 4) costs more than the rounding it saves, and MSE keeps it.
  std::mt19937 generator(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  Histogram tail(-5.0, 100.0);
  for (int i = 0; i < 20000; ++i)
    tail.add(std::clamp(normal(generator), -5.0, 5.0));
  tail.add(100.0);
  EXPECT_GT(chooseRange(*parseCalibrator("mse"), tail).second, 90.0);
}
