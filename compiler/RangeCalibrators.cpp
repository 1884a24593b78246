//===- RangeCalibrators.cpp - From observed values to int8 ranges -*- C++ -*-===//
//
// Implements RangeCalibrators.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/RangeCalibrators.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata {

std::optional<Calibrator> parseCalibrator(llvm::StringRef text) {
  auto [name, argument] = text.split(':');
  bool hasArgument = text.contains(':');
  Calibrator calibrator;
  double value = 0.0;
  if (hasArgument && (argument.empty() || argument.getAsDouble(value)))
    return std::nullopt;
  if (name == "minmax" && !hasArgument)
    return calibrator;
  if (name == "percentile") {
    calibrator.kind = Calibrator::Kind::Percentile;
    calibrator.parameter = hasArgument ? value : 99.99;
    if (!(calibrator.parameter > 50.0 && calibrator.parameter <= 100.0))
      return std::nullopt;
    return calibrator;
  }
  if (name == "mse") {
    calibrator.kind = Calibrator::Kind::Mse;
    calibrator.parameter = hasArgument ? value : 0.0;
    if (!(calibrator.parameter >= 0.0) || !std::isfinite(calibrator.parameter))
      return std::nullopt;
    return calibrator;
  }
  return std::nullopt;
}

Histogram::Histogram(double low, double high, size_t bins)
    : low_(low), high_(std::max(high, low)), counts_(std::max<size_t>(bins, 1), 0.0) {
  width_ = (high_ - low_) / double(counts_.size());
}

void Histogram::add(double value) {
  size_t bin = width_ > 0 ? size_t(std::clamp((value - low_) / width_, 0.0,
                                              double(counts_.size() - 1)))
                          : 0;
  counts_[bin] += 1.0;
  prefix_.clear();
}

size_t Histogram::binsBelow(double x) const {
  if (width_ <= 0)
    return x > low_ ? counts_.size() : 0;
  double bins = std::ceil((x - low_) / width_ - 0.5);
  return size_t(std::clamp(bins, 0.0, double(counts_.size())));
}

Histogram::Moments Histogram::moments(double from, double to) const {
  if (prefix_.empty()) {
    prefix_.resize(counts_.size() + 1);
    for (size_t i = 0; i < counts_.size(); ++i) {
      double x = center(i), c = counts_[i];
      prefix_[i + 1] = {prefix_[i].count + c, prefix_[i].sum + c * x,
                        prefix_[i].squares + c * x * x};
    }
  }
  size_t a = binsBelow(from), b = std::max(a, binsBelow(to));
  return {prefix_[b].count - prefix_[a].count, prefix_[b].sum - prefix_[a].sum,
          prefix_[b].squares - prefix_[a].squares};
}

namespace {

/// The value below which `fraction` of the histogram's mass lies
/// (interpolating within a bin).
double quantile(const Histogram &histogram, double fraction) {
  const std::vector<double> &counts = histogram.counts();
  double total = 0.0;
  for (double c : counts)
    total += c;
  double width = (histogram.high() - histogram.low()) / double(counts.size());
  double target = fraction * total, seen = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (seen + counts[i] >= target && counts[i] > 0)
      return histogram.low() + (double(i) + (target - seen) / counts[i]) * width;
    seen += counts[i];
  }
  return histogram.high();
}

} // namespace

double quantizationLoss(const Histogram &histogram, double low, double high,
                        double lambda) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  double scale = (high - low) / 255.0;
  // Clipped values are off by their distance to the nearest end:
  // sum (x - e)^2 = squares - 2 e sum + e^2 count.
  Histogram::Moments below = histogram.moments(-kInfinity, low);
  Histogram::Moments above = histogram.moments(high, kInfinity);
  Histogram::Moments inside = histogram.moments(low, high);
  Histogram::Moments zeros = histogram.moments(-scale / 2, scale / 2);
  double clipped = below.squares - 2 * low * below.sum + low * low * below.count +
                   above.squares - 2 * high * above.sum + high * high * above.count;
  double rounding = inside.count * scale * scale / 12.0;
  double total = below.count + above.count + inside.count;
  return clipped + rounding + lambda * (total - zeros.count);
}

std::pair<double, double> chooseRange(const Calibrator &calibrator,
                                      const Histogram &histogram) {
  double low = std::min(0.0, histogram.low()), high = std::max(0.0, histogram.high());
  if (calibrator.kind == Calibrator::Kind::MinMax || high - low <= 0.0)
    return {histogram.low(), histogram.high()};
  if (calibrator.kind == Calibrator::Kind::Percentile) {
    double tail = (100.0 - calibrator.parameter) / 100.0;
    return {std::min(0.0, quantile(histogram, tail)),
            std::max(0.0, quantile(histogram, 1.0 - tail))};
  }
  // mse: a grid of ranges shrinking each end of [low, high] towards 0.
  constexpr int kSteps = 128;
  std::pair<double, double> best = {low, high};
  double bestLoss = std::numeric_limits<double>::infinity();
  for (int i = 1; i <= kSteps; ++i) {
    double candidateLow = low * double(i) / kSteps;
    if (low == 0.0 && i != kSteps)
      continue; // Nothing below 0 to clip.
    for (int j = 1; j <= kSteps; ++j) {
      double candidateHigh = high * double(j) / kSteps;
      if (high == 0.0 && j != kSteps)
        continue;
      if (candidateHigh - candidateLow <= 0.0)
        continue;
      double loss =
          quantizationLoss(histogram, candidateLow, candidateHigh, calibrator.parameter);
      if (loss < bestLoss) {
        bestLoss = loss;
        best = {candidateLow, candidateHigh};
      }
    }
  }
  return best;
}

} // namespace strata
