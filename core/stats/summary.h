#pragma once

// Summaries of float tensors for the per-layer statistics (SPEC section 4): moments in double,
// extremes, counts, and histograms. Reductions run over a fixed partition of the data, combined in
// a fixed order, so the result is bit-identical whatever the number of threads.

#include <cstdint>
#include <span>
#include <vector>

namespace initscope {

struct Summary {
  std::int64_t count = 0;   // entries
  std::int64_t finite = 0;  // entries that are neither Inf nor NaN
  std::int64_t zeros = 0;   // entries exactly 0 (+0 or −0)
  double mean = 0.0;        // population moments over the finite entries, accumulated in double
  double variance = 0.0;
  double min = 0.0;  // over the finite entries; 0 when there are none
  double max = 0.0;

  bool all_finite() const { return finite == count; }
  double std() const;
};

Summary summarize(std::span<const float> values);

/// Share of entries with |scale·x + offset| > threshold (saturation: tanh and softsign use
/// scale 1, offset 0; sigmoid scale 2, offset −1; threshold 0.97).
double share_beyond(std::span<const float> values, double scale, double offset, double threshold);

struct Histogram {
  std::vector<double> edges;         // bins + 1 ascending edges
  std::vector<std::int64_t> counts;  // bins counts; the last bin includes its right edge
};

/// `bins` equal-width bins spanning [min, max] of the finite entries (non-finite entries are left
/// out). A constant tensor v spans [v − w/2, v + w/2] with w = |v|, or w = 1 for v = 0, so its
/// value sits in the middle; a tensor with no finite entry gets edges over [0, 1] and zero counts.
Histogram histogram(std::span<const float> values, int bins = 64);

/// The same with the values' summary already at hand (its extremes and counts are read: it must be
/// the summary of these very values).
Histogram histogram(std::span<const float> values, int bins, const Summary& summary);

struct SummaryHistogram {
  Summary summary;
  Histogram histogram;
};

/// summarize() and histogram() at once, in two passes over the values: the first finds the counts,
/// extremes and a first mean, the second the squared deviations and the bin of each value. Each
/// number is the same as from the separate calls.
SummaryHistogram summarize_with_histogram(std::span<const float> values, int bins = 64);

}  // namespace initscope
