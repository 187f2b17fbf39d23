#include "core/summary.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <Eigen/Core>

#include "core/error.h"

namespace initscope {
namespace {

// The fixed partition behind every reduction: blocks of this many values, whatever the thread
// count, each reduced by one thread and combined in block order. 64 KiB of floats stay in L2
// for a block's second pass.
constexpr std::int64_t kBlock = 16384;
// Below this many values a reduction stays on the calling thread: starting the team costs more.
constexpr std::int64_t kParallelMin = 1 << 15;

constexpr double kInf = std::numeric_limits<double>::infinity();

// fn(block) for each block of the fixed partition, results in block order.
template <typename T, typename BlockFn>
std::vector<T> per_block(std::span<const float> values, BlockFn fn) {
  const auto n = static_cast<std::int64_t>(values.size());
  const std::int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<T> results(static_cast<std::size_t>(blocks));
#pragma omp parallel for schedule(static) if (n > kParallelMin)
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t begin = b * kBlock;
    results[static_cast<std::size_t>(b)] = fn(values.subspan(
        static_cast<std::size_t>(begin), static_cast<std::size_t>(std::min(kBlock, n - begin))));
  }
  return results;
}

// Moments of the finite entries of one block, and of a union of blocks after merge().
struct Moments {
  std::int64_t count = 0;
  std::int64_t finite = 0;
  std::int64_t zeros = 0;
  double mean = 0.0;
  double m2 = 0.0;  // Σ (x − mean)²
  double min = kInf;
  double max = -kInf;
};

// Two passes over the block in double: the mean, then the squared deviations from it (no
// cancellation as in E[x²] − E[x]²). The block is small enough to stay in cache between passes.
// The usual all-finite block takes Eigen's vectorized reductions, whose order depends only on the
// block's size, so the result is still the same for any thread count.
Moments block_moments(std::span<const float> block) {
  Moments m;
  m.count = static_cast<std::int64_t>(block.size());
  const Eigen::Map<const Eigen::ArrayXf> a(block.data(), static_cast<Eigen::Index>(block.size()));
  if (a.size() > 0 && a.allFinite()) {
    m.finite = m.count;
    m.zeros = (a == 0.0f).count();
    m.min = a.minCoeff();
    m.max = a.maxCoeff();
    m.mean = a.cast<double>().sum() / static_cast<double>(m.count);
    m.m2 = (a.cast<double>() - m.mean).square().sum();
    return m;
  }
  double sum = 0.0;
  for (const float v : block) {
    if (!std::isfinite(v)) continue;
    ++m.finite;
    if (v == 0.0f) ++m.zeros;  // true for −0 as well
    sum += static_cast<double>(v);
    if (v < m.min) m.min = v;
    if (v > m.max) m.max = v;
  }
  if (m.finite == 0) return m;
  m.mean = sum / static_cast<double>(m.finite);
  for (const float v : block) {
    if (!std::isfinite(v)) continue;
    const double d = static_cast<double>(v) - m.mean;
    m.m2 += d * d;
  }
  return m;
}

// Pairwise combination of two sets' moments (Chan, Golub & LeVeque, "Updating formulae and a
// pairwise algorithm for computing sample variances", 1979):
//   δ = mean_b − mean_a,  mean = mean_a + δ·n_b/n,  M2 = M2_a + M2_b + δ²·n_a·n_b/n.
void merge(Moments& a, const Moments& b) {
  a.count += b.count;
  a.zeros += b.zeros;
  if (b.finite == 0) return;
  if (a.finite == 0) {
    a.finite = b.finite;
    a.mean = b.mean;
    a.m2 = b.m2;
    a.min = b.min;
    a.max = b.max;
    return;
  }
  const double na = static_cast<double>(a.finite);
  const double nb = static_cast<double>(b.finite);
  const double n = na + nb;
  const double delta = b.mean - a.mean;
  a.finite += b.finite;
  a.mean += delta * (nb / n);
  a.m2 += b.m2 + delta * delta * (na * nb / n);
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
}

}  // namespace

double Summary::std() const {
  return std::sqrt(variance);
}

Summary summarize(std::span<const float> values) {
  Moments total;
  for (const Moments& block : per_block<Moments>(values, block_moments)) merge(total, block);
  Summary s;
  s.count = total.count;
  s.finite = total.finite;
  s.zeros = total.zeros;
  if (total.finite > 0) {
    s.mean = total.mean;
    s.variance = total.m2 / static_cast<double>(total.finite);
    s.min = total.min;
    s.max = total.max;
  }
  return s;
}

double share_beyond(std::span<const float> values, double scale, double offset, double threshold) {
  if (values.empty()) return 0.0;
  const auto n = static_cast<std::int64_t>(values.size());
  // An integer count: the sum is exact, so the thread count can not change it. A NaN is never
  // beyond the threshold; an Inf is.
  std::int64_t beyond = 0;
#pragma omp parallel for schedule(static) reduction(+ : beyond) if (n > kParallelMin)
  for (std::int64_t i = 0; i < n; ++i) {
    if (std::abs(scale * static_cast<double>(values[static_cast<std::size_t>(i)]) + offset) >
        threshold) {
      ++beyond;
    }
  }
  return static_cast<double>(beyond) / static_cast<double>(n);
}

Histogram histogram(std::span<const float> values, int bins) {
  return histogram(values, bins, summarize(values));
}

Histogram histogram(std::span<const float> values, int bins, const Summary& range) {
  if (bins < 1) throw InputError("histogram: bins must be at least 1, got " + std::to_string(bins));
  double lo = range.min;
  double hi = range.max;
  if (range.finite == 0) {
    lo = 0.0;
    hi = 1.0;
  } else if (lo == hi) {
    // A constant v: a bin range of width |v| (1 for v = 0) centred on v, so the bar stands in the
    // middle of the plot at a scale that matches the value.
    const double w = lo == 0.0 ? 1.0 : std::abs(lo);
    lo -= w / 2;
    hi += w / 2;
  }

  Histogram h;
  h.edges.resize(static_cast<std::size_t>(bins) + 1);
  const double width = (hi - lo) / bins;
  for (int i = 0; i < bins; ++i) h.edges[static_cast<std::size_t>(i)] = lo + i * width;
  h.edges.back() = hi;

  const std::vector<double>& edges = h.edges;
  const double per_unit = bins / (hi - lo);
  // Bin i holds [edges[i], edges[i+1]), the last bin [edges[bins−1], max]. The arithmetic guess
  // can be off by one near an edge through rounding, so it is corrected against the edges
  // themselves: every finite value lands in the one bin its edges say.
  auto bin_of = [&](double v) {
    auto i = static_cast<std::int64_t>((v - lo) * per_unit);
    i = std::clamp<std::int64_t>(i, 0, bins - 1);
    while (i > 0 && v < edges[static_cast<std::size_t>(i)]) --i;
    while (i < bins - 1 && v >= edges[static_cast<std::size_t>(i) + 1]) ++i;
    return static_cast<std::size_t>(i);
  };
  using Counts = std::vector<std::int64_t>;
  const std::vector<Counts> block_counts =
      per_block<Counts>(values, [&](std::span<const float> block) {
        Counts counts(static_cast<std::size_t>(bins), 0);
        for (const float v : block) {
          if (std::isfinite(v)) ++counts[bin_of(v)];
        }
        return counts;
      });
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  for (const Counts& counts : block_counts) {
    for (std::size_t i = 0; i < counts.size(); ++i) h.counts[i] += counts[i];
  }
  return h;
}

}  // namespace initscope
