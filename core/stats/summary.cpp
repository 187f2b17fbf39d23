#include "core/stats/summary.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/compute/parallel.h"

namespace initscope {
namespace {

// Every summary takes two passes over the values. Pass 1 finds the counts, the extremes and the
// plain sum; pass 2 the deviations from pass 1's mean and, for a histogram, the bin of each value
// (the edges come from pass 1's extremes).
//
// The fixed partition behind every reduction: blocks of this many values, whatever the thread
// count, each reduced by one thread and combined in block order.
constexpr std::int64_t kBlock = 16384;
// Below this many values a reduction stays on the calling thread: starting the team costs more.
constexpr std::int64_t kParallelMin = 1 << 15;

constexpr float kFloatMax = std::numeric_limits<float>::max();
constexpr float kFloatInf = std::numeric_limits<float>::infinity();

// The loops take kLanes values per step as vectors of GCC's (and Clang's) vector extension, which
// the compiler maps onto the machine's SIMD registers: one AVX-512 register each here, two AVX or
// four SSE registers elsewhere. Each lane accumulates its own share and the lanes are combined in
// lane order, so the order of the additions is fixed by the code, not by the machine. Vectors are
// passed by reference only: a vector argument would change the ABI between builds with and
// without AVX-512 (-Wpsabi).
constexpr int kLanes = 16;
using Floats = float __attribute__((vector_size(64)));  // kLanes floats
using Ints = std::int32_t __attribute__((vector_size(64)));
using Halves = float __attribute__((vector_size(32)));  // half of them, to widen to double
using HalfInts = std::int32_t __attribute__((vector_size(32)));
using Doubles = double __attribute__((vector_size(64)));

template <typename V>
void load(V& v, const float* p) {
  std::memcpy(&v, p, sizeof v);
}

// h as doubles, element by element, which GCC 12 turns into one conversion: it lowers
// __builtin_convertvector from 8 floats to 8 doubles to four instructions.
inline void widen(Doubles& d, const Halves& h) {
  d = Doubles{h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]};
}

inline bool is_finite(float x) {
  return std::abs(x) <= kFloatMax;
}

// fn(b, block) for each block b of the fixed partition, results in block order.
template <typename T, typename BlockFn>
std::vector<T> per_block(std::span<const float> values, BlockFn fn) {
  const auto n = static_cast<std::int64_t>(values.size());
  const std::int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<T> results(static_cast<std::size_t>(blocks));
  parallel_for_ranges(
      n, kBlock,
      [&](std::int64_t begin, std::int64_t length) {
        const auto b = static_cast<std::size_t>(begin / kBlock);
        results[b] = fn(
            b, values.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(length)));
      },
      n > kParallelMin);
  return results;
}

// Pass 1: the counts, the extremes and the plain sum of the finite entries.
struct Extent {
  std::int64_t count = 0;
  std::int64_t finite = 0;
  std::int64_t zeros = 0;
  double sum = 0.0;
  float min = kFloatInf;
  float max = -kFloatInf;

  bool all_finite() const { return finite == count; }
  void merge(const Extent& b) {
    count += b.count;
    finite += b.finite;
    zeros += b.zeros;
    sum += b.sum;
    min = std::min(min, b.min);
    max = std::max(max, b.max);
  }
};

// kMasked = false takes every entry as finite, which saves the masks.
template <bool kMasked>
Extent block_extent_as(std::span<const float> block) {
  const std::size_t whole = block.size() - block.size() % kLanes;
  Ints finite = {}, zeros = {};
  Floats lo = Floats{} + kFloatInf, hi = Floats{} - kFloatInf;
  Doubles sum_a = {}, sum_b = {};
  for (std::size_t i = 0; i < whole; i += kLanes) {
    Floats x;
    Halves xa, xb;
    load(x, block.data() + i);
    load(xa, block.data() + i);
    load(xb, block.data() + i + kLanes / 2);
    zeros -= x == 0.0f;  // −0 too; a true compare is −1
    if constexpr (kMasked) {
      const Ints ok = (x - x) == 0.0f;  // false for Inf and NaN, as Inf − Inf is NaN
      finite -= ok;
      lo = (ok & (x < lo)) ? x : lo;
      hi = (ok & (x > hi)) ? x : hi;
      const HalfInts ok_a = (xa - xa) == 0.0f, ok_b = (xb - xb) == 0.0f;
      xa = ok_a ? xa : 0.0f;
      xb = ok_b ? xb : 0.0f;
    } else {
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
    Doubles da, db;
    widen(da, xa);
    widen(db, xb);
    sum_a += da;
    sum_b += db;
  }
  Extent e;
  e.count = static_cast<std::int64_t>(block.size());
  e.finite = kMasked ? 0 : static_cast<std::int64_t>(whole);
  for (int j = 0; j < kLanes; ++j) {
    e.finite += kMasked ? finite[j] : 0;
    e.zeros += zeros[j];
    e.min = std::min(e.min, lo[j]);
    e.max = std::max(e.max, hi[j]);
  }
  for (int j = 0; j < kLanes / 2; ++j) e.sum += sum_a[j];
  for (int j = 0; j < kLanes / 2; ++j) e.sum += sum_b[j];
  for (std::size_t i = whole; i < block.size(); ++i) {  // the last block's tail
    const float v = block[i];
    e.zeros += v == 0.0f;
    if (!is_finite(v)) continue;
    ++e.finite;
    e.sum += static_cast<double>(v);
    e.min = std::min(e.min, v);
    e.max = std::max(e.max, v);
  }
  return e;
}

// A block read as all finite that holds Inf or NaN has an Inf or NaN sum (finite floats can not
// overflow the double sum of a block), and is read again with masks.
Extent block_extent(std::size_t, std::span<const float> block) {
  const Extent e = block_extent_as<false>(block);
  return std::isfinite(e.sum) ? e : block_extent_as<true>(block);
}

Extent total_of(const std::vector<Extent>& blocks) {
  Extent total;
  for (const Extent& e : blocks) total.merge(e);
  return total;
}

// How pass 2 finds the bin of a value. Bin i holds [edges[i], edges[i+1]), the last bin
// [edges[bins−1], max]. The guess t = (x − lo)·bins/(hi − lo), bin ⌊t⌋, is computed in float
// lanes. It can only differ from the bin the edges say when t lies within the rounding error of
// an integer: that of t, under 3·2⁻²⁴·bins, plus that of the edges, under
// 2⁻⁵³·bins·(4 + max(|lo|, |hi|)/(hi − lo)). Values within `near` (four times that) of an inner
// edge are binned again exactly against the edges themselves, so every finite value lands in the
// bin its edges say. t is clamped to [2·near, bins − 2·near], as no edge lies below bin 0 or
// inside the last bin: the minimum, often a repeated value (ReLU's zeros), never needs a second
// look.
struct Binner {
  const double* edges = nullptr;
  int bins = 1;
  double lo = 0.0;
  double per_unit = 0.0;  // bins / (hi − lo)
  bool guess = false;     // false: the float guess can not be trusted; bin every value exactly
  float lo_f = 0.0f, per_unit_f = 0.0f, near = 0.0f, t_min = 0.0f, t_max = 0.0f;

  Binner() = default;  // no binning
  explicit Binner(const Histogram& h)
      : edges(h.edges.data()), bins(static_cast<int>(h.counts.size())), lo(h.edges.front()) {
    const double hi = h.edges.back();
    const double range = hi - lo;
    per_unit = bins / range;
    const double spread = std::max(std::abs(lo), std::abs(hi)) / range;
    const double window = 4 * bins * (3 * 0x1p-24 + 0x1p-53 * (4 + spread));
    // lo and hi are float extremes, except around a constant, whose bin is found once; a float
    // guess could overflow for ranges out near FLT_MAX or below 1/FLT_MAX.
    guess = static_cast<double>(static_cast<float>(lo)) == lo &&
            static_cast<double>(static_cast<float>(hi)) == hi && range <= 1e37 &&
            per_unit <= 1e37 && window < 0.25;
    if (!guess) return;
    lo_f = static_cast<float>(lo);
    per_unit_f = static_cast<float>(per_unit);
    near = static_cast<float>(window);
    t_min = 2 * near;
    const auto bins_f = static_cast<float>(bins);
    t_max = bins_f - 2 * near;
    if (!(t_max < bins_f)) t_max = std::nextafter(bins_f, 0.0f);
  }

  // The bin the edges say: an arithmetic guess corrected against them.
  int exact(double v) const {
    const double t = (v - lo) * per_unit;
    auto i = t >= 0 ? static_cast<int>(std::min(t, static_cast<double>(bins - 1))) : 0;
    while (i > 0 && v < edges[i]) --i;
    while (i < bins - 1 && v >= edges[i + 1]) ++i;
    return i;
  }
};

// Pass 2: the deviations of the finite entries from a centre c (pass 1's mean), and optionally
// the bin counts.
struct Spread {
  double sum = 0.0;      // Σ (x − c)
  double squares = 0.0;  // Σ (x − c)²
  std::vector<std::int64_t> counts;

  void merge(const Spread& b) {
    sum += b.sum;
    squares += b.squares;
    if (counts.size() < b.counts.size()) counts.resize(b.counts.size(), 0);
    for (std::size_t i = 0; i < b.counts.size(); ++i) counts[i] += b.counts[i];
  }
};

// Counting is the one scalar part: an increment per value. Lane j counts into copy j mod kCopies
// of the bins, so that consecutive values in the same bin increment different counters and an
// increment need not wait for the previous one's store. A last counter after the copies, `redo`,
// takes the values to bin exactly (near an edge, or not finite); the slots of a chunk of kChunk
// values are kept to find them.
constexpr int kCopies = 4;
constexpr std::size_t kChunk = 128;

template <bool kMasked, bool kBin>
Spread block_spread_as(std::span<const float> block, double centre, const Binner& b) {
  const std::size_t whole = block.size() - block.size() % kLanes;
  Doubles sum_a = {}, sum_b = {}, squares_a = {}, squares_b = {};
  const int redo = kBin ? kCopies * b.bins : 0;
  std::vector<std::uint32_t> counts(kBin ? static_cast<std::size_t>(redo) + 1 : 0, 0);
  Ints offset;
  for (int j = 0; j < kLanes; ++j) offset[j] = kBin ? j % kCopies * b.bins : 0;
  // Local copies, which the compiler can keep in registers across the counting loops' stores.
  const float lo = b.lo_f, per_unit = b.per_unit_f, near = b.near, t_min = b.t_min, t_max = b.t_max;
  alignas(64) std::int32_t slot[kChunk];
  for (std::size_t begin = 0; begin < whole; begin += kChunk) {
    const std::size_t size = std::min(kChunk, whole - begin);
    for (std::size_t i = 0; i < size; i += kLanes) {
      const float* p = block.data() + begin + i;
      Halves xa, xb;
      load(xa, p);
      load(xb, p + kLanes / 2);
      Doubles da, db;
      widen(da, xa);
      widen(db, xb);
      da -= centre;
      db -= centre;
      if constexpr (kMasked) {  // x − c is Inf or NaN exactly where x is
        da = (da - da) == 0.0 ? da : 0.0;
        db = (db - db) == 0.0 ? db : 0.0;
      }
      sum_a += da;
      sum_b += db;
      squares_a += da * da;
      squares_b += db * db;
      if constexpr (kBin) {
        Floats x;
        load(x, p);
        Floats t = (x - lo) * per_unit;
        t = t > t_min ? t : t_min;  // this way round a NaN becomes t_min (and one maxps)
        t = t < t_max ? t : t_max;
        const Ints bin = __builtin_convertvector(t, Ints);             // ⌊t⌋, as t ≥ 0
        const Floats frac = t - __builtin_convertvector(bin, Floats);  // exact
        Ints again = (frac < near) | (frac > 1.0f - near);
        if constexpr (kMasked) again |= (x - x) != 0.0f;
        const Ints slots = again ? Ints{} + redo : bin + offset;
        std::memcpy(slot + i, &slots, sizeof slots);
      }
    }
    if constexpr (kBin) {
      for (std::size_t j = 0; j < size; ++j) ++counts[static_cast<std::size_t>(slot[j])];
      if (counts[static_cast<std::size_t>(redo)] != 0) {
        for (std::size_t j = 0; j < size; ++j) {
          const float v = block[begin + j];
          if (slot[j] == redo && is_finite(v)) ++counts[static_cast<std::size_t>(b.exact(v))];
        }
        counts[static_cast<std::size_t>(redo)] = 0;
      }
    }
  }

  Spread s;
  for (int j = 0; j < kLanes / 2; ++j) s.sum += sum_a[j];
  for (int j = 0; j < kLanes / 2; ++j) s.sum += sum_b[j];
  for (int j = 0; j < kLanes / 2; ++j) s.squares += squares_a[j];
  for (int j = 0; j < kLanes / 2; ++j) s.squares += squares_b[j];
  for (std::size_t i = whole; i < block.size(); ++i) {  // the last block's tail
    const float v = block[i];
    if (!is_finite(v)) continue;
    const double d = static_cast<double>(v) - centre;
    s.sum += d;
    s.squares += d * d;
    if constexpr (kBin) ++counts[static_cast<std::size_t>(b.exact(v))];
  }
  if constexpr (kBin) {
    s.counts.assign(static_cast<std::size_t>(b.bins), 0);
    for (int c = 0; c < kCopies; ++c) {
      for (std::size_t i = 0; i < s.counts.size(); ++i) {
        s.counts[i] += counts[static_cast<std::size_t>(c) * s.counts.size() + i];
      }
    }
  }
  return s;
}

template <bool kBin>
Spread block_spread(std::span<const float> block, bool all_finite, double centre,
                    const Binner& binner) {
  if constexpr (kBin) {
    if (!binner.guess) {  // a rare range: every value binned exactly
      Spread s = block_spread<false>(block, all_finite, centre, binner);
      s.counts.assign(static_cast<std::size_t>(binner.bins), 0);
      for (const float v : block) {
        if (is_finite(v)) ++s.counts[static_cast<std::size_t>(binner.exact(v))];
      }
      return s;
    }
  }
  return all_finite ? block_spread_as<false, kBin>(block, centre, binner)
                    : block_spread_as<true, kBin>(block, centre, binner);
}

// Pass 2 over all the blocks; block_finite[b] says whether block b is all finite.
template <bool kBin>
Spread spread_of(std::span<const float> values, const std::vector<char>& block_finite,
                 double centre, const Binner& binner = Binner()) {
  Spread total;
  for (const Spread& s :
       per_block<Spread>(values, [&](std::size_t b, std::span<const float> block) {
         return block_spread<kBin>(block, block_finite[b] != 0, centre, binner);
       })) {
    total.merge(s);
  }
  return total;
}

std::vector<char> finite_blocks(const std::vector<Extent>& blocks) {
  std::vector<char> finite(blocks.size());
  for (std::size_t b = 0; b < blocks.size(); ++b) finite[b] = blocks[b].all_finite();
  return finite;
}

double centre_of(const Extent& e) {
  return e.finite > 0 ? e.sum / static_cast<double>(e.finite) : 0.0;
}

// The moments about pass 1's mean c by the corrected two-pass formula (Chan, Golub & LeVeque,
// "Algorithms for computing the sample variance", 1983): mean = c + Σd/n, M2 = Σd² − (Σd)²/n with
// d = x − c. The deviations are small, so there is no cancellation as in E[x²] − E[x]², and the
// correction takes out the rounding of c.
Summary summary_of(const Extent& e, const Spread& s) {
  Summary out;
  out.count = e.count;
  out.finite = e.finite;
  out.zeros = e.zeros;
  if (e.finite > 0) {
    const double n = static_cast<double>(e.finite);
    out.mean = centre_of(e) + s.sum / n;
    out.variance = std::max(0.0, s.squares - s.sum * (s.sum / n)) / n;
    out.min = e.min;
    out.max = e.max;
  }
  return out;
}

// The edges over the bin range of a summary, with zero counts.
Histogram empty_histogram(int bins, const Summary& range) {
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
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  return h;
}

// Whether the histogram takes a pass over the values: a constant tensor's finite entries all
// share one bin, and with no finite entry there is nothing to count.
bool needs_binning(const Summary& range) {
  return range.finite > 0 && range.min != range.max;
}

void count_constant(const Summary& range, Histogram& h) {
  if (range.finite > 0) {
    h.counts[static_cast<std::size_t>(Binner(h).exact(range.min))] = range.finite;
  }
}

}  // namespace

double Summary::std() const {
  return std::sqrt(variance);
}

Summary summarize(std::span<const float> values) {
  const std::vector<Extent> blocks = per_block<Extent>(values, block_extent);
  const Extent e = total_of(blocks);
  return summary_of(e, spread_of<false>(values, finite_blocks(blocks), centre_of(e)));
}

SummaryHistogram summarize_with_histogram(std::span<const float> values, int bins) {
  const std::vector<Extent> blocks = per_block<Extent>(values, block_extent);
  const Extent e = total_of(blocks);
  // The counts and extremes are final after pass 1; they set the edges for pass 2.
  const Summary range = summary_of(e, Spread{});
  SummaryHistogram out;
  out.histogram = empty_histogram(bins, range);
  if (needs_binning(range)) {
    const Binner binner(out.histogram);
    Spread s = spread_of<true>(values, finite_blocks(blocks), centre_of(e), binner);
    out.histogram.counts = std::move(s.counts);
    out.summary = summary_of(e, s);
  } else {
    count_constant(range, out.histogram);
    out.summary = summary_of(e, spread_of<false>(values, finite_blocks(blocks), centre_of(e)));
  }
  return out;
}

double share_beyond(std::span<const float> values, double scale, double offset, double threshold) {
  if (values.empty()) return 0.0;
  const auto n = static_cast<std::int64_t>(values.size());
  // An integer count: the sum is exact, so the thread count can not change it. A NaN is never
  // beyond the threshold; an Inf is.
  std::int64_t beyond = 0;
  for (const std::int64_t count :
       per_block<std::int64_t>(values, [&](std::size_t, std::span<const float> block) {
         std::int64_t c = 0;
         for (const float v : block)
           c += std::abs(scale * static_cast<double>(v) + offset) > threshold;
         return c;
       })) {
    beyond += count;
  }
  return static_cast<double>(beyond) / static_cast<double>(n);
}

Histogram histogram(std::span<const float> values, int bins) {
  return summarize_with_histogram(values, bins).histogram;
}

Histogram histogram(std::span<const float> values, int bins, const Summary& range) {
  Histogram h = empty_histogram(bins, range);
  if (needs_binning(range)) {
    const Binner binner(h);
    const std::vector<char> block_finite(
        static_cast<std::size_t>((static_cast<std::int64_t>(values.size()) + kBlock - 1) / kBlock),
        range.all_finite());
    h.counts = spread_of<true>(values, block_finite, range.mean, binner).counts;
  } else {
    count_constant(range, h);
  }
  return h;
}

}  // namespace initscope
