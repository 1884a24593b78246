//===- RangeCalibrators.h - From observed values to int8 ranges -*- C++ -*-===//
//
// Calibration (Calibration.cpp) sees every value an activation takes on the
// samples; --calibrator decides the range [low, high] its int8 grid covers.
// min/max covers everything and so spends the grid on rare outliers;
// percentile clips a fraction of them; mse picks the range minimizing the
// quantization loss over a histogram of the values. Pure functions on
// histograms, kept apart so they can be tested on their own.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_RANGECALIBRATORS_H
#define STRATA_COMPILER_RANGECALIBRATORS_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata {

/// --calibrator: `minmax`, `percentile[:P]` (P in (50, 100], default 99.99)
/// or `mse[:LAMBDA]` (LAMBDA >= 0, default 0).
struct Calibrator {
  enum class Kind { MinMax, Percentile, Mse } kind = Kind::MinMax;
  double parameter = 0.0;
  /// Whether the range needs a histogram (a second pass over the samples).
  bool needsHistogram() const { return kind != Kind::MinMax; }
};

/// The calibrator `text` names, or nullopt when it names none.
std::optional<Calibrator> parseCalibrator(llvm::StringRef text);

/// Counts of one tensor's values in equal bins over [low, high].
class Histogram {
public:
  Histogram(double low, double high, size_t bins = 2048);
  void add(double value);
  double low() const { return low_; }
  double high() const { return high_; }
  const std::vector<double> &counts() const { return counts_; }
  /// The center of bin `i`.
  double center(size_t i) const { return low_ + (double(i) + 0.5) * width_; }

  /// Over the bins whose centers lie in [from, to): how many values, and
  /// the sums of their values and squares (bin centers standing for the
  /// values), from prefix sums made on first use after the last add.
  struct Moments {
    double count = 0, sum = 0, squares = 0;
  };
  Moments moments(double from, double to) const;

private:
  /// The number of bins whose center is below `x`.
  size_t binsBelow(double x) const;
  double low_, high_, width_;
  std::vector<double> counts_;
  mutable std::vector<Moments> prefix_; // prefix_[i]: bins [0, i)
};

/// The range the calibrator chooses for a tensor with `histogram` (built
/// over the tensor's [min, max]); always within [min, max] widened to hold
/// 0, as the int8 grid must.
std::pair<double, double> chooseRange(const Calibrator &calibrator,
                                      const Histogram &histogram);

/// The loss the mse calibrator minimizes for range [low, high]:
/// ||X_q - X||^2 + lambda * ||X_q||_0 over the histogram, the rounding error
/// inside the range taken as scale^2 / 12 per value, and ||X_q||_0 the
/// values that do not quantize to 0.
double quantizationLoss(const Histogram &histogram, double low, double high,
                        double lambda);

} // namespace strata

#endif // STRATA_COMPILER_RANGECALIBRATORS_H
