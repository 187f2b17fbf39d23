// Tests of core/stats/summary.h: moments, counts and extremes on hand-computed vectors, non-finite
// entries, histograms (edges, the bin of every value, the special ranges, values on and next to
// every edge), saturation shares, and bit-identical results for any thread count.

#include <QtTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/compute/parallel.h"
#include "core/stats/summary.h"

namespace initscope {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

using Values = std::vector<float>;

/// n values of N(mean, std²) from a fixed seed, as float.
Values random_values(std::size_t n, unsigned seed, double mean, double std) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(mean, std);
  Values v(n);
  for (float& x : v) x = static_cast<float>(normal(engine));
  return v;
}

/// The bin whose edges hold v: [e_i, e_{i+1}), the last bin closed on the right; −1 outside.
int bin_by_edges(const Histogram& h, double v) {
  const int bins = static_cast<int>(h.counts.size());
  if (v < h.edges.front() || v > h.edges.back()) return -1;
  if (v == h.edges.back()) return bins - 1;
  const auto it = std::upper_bound(h.edges.begin(), h.edges.end(), v);
  return static_cast<int>(it - h.edges.begin()) - 1;
}

/// Checks the histogram's invariants against the values it was built from.
void check_histogram(const Values& values, const Histogram& h, int bins) {
  QCOMPARE(h.edges.size(), static_cast<std::size_t>(bins) + 1);
  QCOMPARE(h.counts.size(), static_cast<std::size_t>(bins));
  QVERIFY(std::is_sorted(h.edges.begin(), h.edges.end()));
  std::vector<std::int64_t> recount(static_cast<std::size_t>(bins), 0);
  std::int64_t finite = 0;
  for (float v : values) {
    if (!std::isfinite(v)) continue;
    ++finite;
    const int bin = bin_by_edges(h, v);
    QVERIFY2(bin >= 0, qPrintable(QString("%1 outside the edges").arg(v)));
    ++recount[static_cast<std::size_t>(bin)];
  }
  QCOMPARE(h.counts, recount);
  std::int64_t total = 0;
  for (std::int64_t c : h.counts) total += c;
  QCOMPARE(total, finite);
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Mean and population variance of the finite entries, two passes in long double.
std::pair<long double, long double> reference_moments(const Values& values) {
  long double sum = 0, squares = 0, n = 0;
  for (float v : values) {
    if (std::isfinite(v)) sum += v, n += 1;
  }
  const long double mean = sum / n;
  for (float v : values) {
    if (std::isfinite(v)) squares += (v - mean) * (v - mean);
  }
  return {mean, squares / n};
}

/// The floats within two steps of each inner edge of a histogram over [lo, hi], inside [lo, hi]
/// (of about a thousand edges spread over the range, when there are more).
Values floats_at_edges(float lo, float hi, int bins) {
  const Histogram frame = histogram(Values{lo, hi}, bins);
  Values out;
  for (int i = 1; i < bins; i += std::max(1, bins / 1000)) {
    float f = static_cast<float>(frame.edges[static_cast<std::size_t>(i)]);
    f = std::nextafter(std::nextafter(f, -kInf), -kInf);
    for (int step = 0; step < 5; ++step, f = std::nextafter(f, kInf)) {
      if (f >= lo && f <= hi) out.push_back(f);
    }
  }
  return out;
}

}  // namespace

class TestSummary : public QObject {
  Q_OBJECT

 private slots:
  void exact_values_data() {
    QTest::addColumn<Values>("values");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<qint64>("finite");
    QTest::addColumn<qint64>("zeros");
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("variance");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    // mean = 10/4 = 2.5; variance = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25.
    QTest::newRow("1 2 3 4") << Values{1, 2, 3, 4} << 4LL << 4LL << 0LL << 2.5 << 1.25 << 1.0
                             << 4.0;
    // Finite entries 1, −0, +0, 5: mean = 6/4 = 1.5; variance = (0.25 + 2.25 + 2.25 + 12.25)/4
    // = 17/4 = 4.25. Inf, −Inf and NaN are counted but left out of the moments and extremes.
    QTest::newRow("non-finite and signed zeros") << Values{1, -0.0f, 0.0f, kInf, kNaN, 5, -kInf}
                                                 << 7LL << 4LL << 2LL << 1.5 << 4.25 << -0.0 << 5.0;
    // mean = (−0.5 + 0.25 − 2 + 0.25)/4 = −0.5; deviations 0, 0.75, −1.5, 0.75, so variance =
    // (0 + 0.5625 + 2.25 + 0.5625)/4 = 3.375/4 = 0.84375. All values are exact in binary.
    QTest::newRow("binary fractions") << Values{-0.5f, 0.25f, -2.0f, 0.25f} << 4LL << 4LL << 0LL
                                      << -0.5 << 0.84375 << -2.0 << 0.25;
    QTest::newRow("single") << Values{-3} << 1LL << 1LL << 0LL << -3.0 << 0.0 << -3.0 << -3.0;
    QTest::newRow("all NaN") << Values{kNaN, kNaN, kInf} << 3LL << 0LL << 0LL << 0.0 << 0.0 << 0.0
                             << 0.0;
    QTest::newRow("empty") << Values{} << 0LL << 0LL << 0LL << 0.0 << 0.0 << 0.0 << 0.0;
    // 100003 values over several blocks, cycling 1, 2, 3, 4 then a final 1, 2, 3: n = 100003,
    // sum = 25000·10 + 6 = 250006, mean = 2.4999950001499955; Σx² = 25000·30 + 14 = 750014, so
    // variance = Σx²/n − mean² (exact in rationals; checked to 1e-12 below).
    Values cycle(100003);
    for (std::size_t i = 0; i < cycle.size(); ++i) cycle[i] = static_cast<float>(i % 4 + 1);
    const double n = 100003.0, mean = 250006.0 / n;
    QTest::newRow("many blocks") << cycle << 100003LL << 100003LL << 0LL << mean
                                 << 750014.0 / n - mean * mean << 1.0 << 4.0;
  }
  void exact_values() {
    QFETCH(Values, values);
    QFETCH(qint64, count);
    QFETCH(qint64, finite);
    QFETCH(qint64, zeros);
    QFETCH(double, mean);
    QFETCH(double, variance);
    QFETCH(double, min);
    QFETCH(double, max);
    const Summary s = summarize(values);
    QCOMPARE(s.count, count);
    QCOMPARE(s.finite, finite);
    QCOMPARE(s.zeros, zeros);
    QCOMPARE(s.all_finite(), count == finite);
    QVERIFY2(std::abs(s.mean - mean) <= 1e-12 * std::max(1.0, std::abs(mean)),
             qPrintable(QString("mean %1 vs %2").arg(s.mean, 0, 'g', 17).arg(mean, 0, 'g', 17)));
    QVERIFY2(std::abs(s.variance - variance) <= 1e-12 * std::max(1.0, variance),
             qPrintable(QString("variance %1 vs %2").arg(s.variance, 0, 'g', 17).arg(variance)));
    QCOMPARE(s.std(), std::sqrt(s.variance));
    QCOMPARE(s.min, min);  // −0 == +0: either sign of zero is a right minimum
    QCOMPARE(s.max, max);
  }

  void exact_on_small_vectors_bit_for_bit() {
    // With one block and exactly representable sums the result is exact, not merely close.
    const Summary s = summarize(Values{1, 2, 3, 4});
    QVERIFY(s.mean == 2.5);
    QVERIFY(s.variance == 1.25);
  }

  void histogram_special_ranges_data() {
    QTest::addColumn<Values>("values");
    QTest::addColumn<int>("bins");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    // A constant v spans [v − |v|/2, v + |v|/2]; 0 spans [−0.5, 0.5]; no finite entry [0, 1].
    QTest::newRow("constant 2") << Values{2, 2, 2} << 5 << 1.0 << 3.0;
    QTest::newRow("constant 2, 64 bins") << Values{2, 2, 2} << 64 << 1.0 << 3.0;
    QTest::newRow("constant -4") << Values{-4, -4} << 4 << -6.0 << -2.0;
    QTest::newRow("constant 0") << Values{0, -0.0f, 0} << 3 << -0.5 << 0.5;
    QTest::newRow("constant with NaN") << Values{2, kNaN, 2, kInf} << 5 << 1.0 << 3.0;
    QTest::newRow("all NaN") << Values{kNaN, -kInf} << 4 << 0.0 << 1.0;
    QTest::newRow("empty") << Values{} << 4 << 0.0 << 1.0;
    Values constant(50001, -4.0f);
    constant[20000] = kNaN;
    QTest::newRow("constant, many blocks") << constant << 8 << -6.0 << -2.0;
  }
  void histogram_special_ranges() {
    QFETCH(Values, values);
    QFETCH(int, bins);
    QFETCH(double, low);
    QFETCH(double, high);
    const Histogram h = histogram(values, bins);
    QCOMPARE(h.edges.front(), low);
    QCOMPARE(h.edges.back(), high);
    for (int i = 0; i <= bins; ++i) {
      QCOMPARE(h.edges[static_cast<std::size_t>(i)], low + i * (high - low) / bins);
    }
    check_histogram(values, h, bins);
    // A constant lands in the middle bin (odd bins) or the bin starting at the middle (even).
    const Summary s = summarize(values);
    if (s.finite > 0) QCOMPARE(h.counts[static_cast<std::size_t>(bins / 2)], s.finite);
  }

  void histogram_values_on_edges() {
    // Edges 0, 1, 2, 3, 4: a value on an inner edge belongs to the bin it starts; the maximum
    // belongs to the last bin.
    const Values values{0, 1, 2, 3, 4, 0.5f, kNaN};
    const Histogram h = histogram(values, 4);
    QCOMPARE(h.edges, (std::vector<double>{0, 1, 2, 3, 4}));
    QCOMPARE(h.counts, (std::vector<std::int64_t>{2, 1, 1, 2}));
  }

  void histogram_rounding_near_edges_data() {
    QTest::addColumn<Values>("values");
    // Found by search: the float nearest an inner edge, where floor((v − min)·bins/(max − min))
    // is one bin off the edges' verdict, once too high and once too low.
    QTest::newRow("guess too high")
        << Values{-2.1348981857299805f, 4.8651018142700195f, -0.38489818572998047f};
    QTest::newRow("guess too low")
        << Values{-6.00967264175415f, -5.709672451019287f, -5.859672546386719f};
  }
  void histogram_rounding_near_edges() {
    QFETCH(Values, values);
    check_histogram(values, histogram(values, 100), 100);
  }

  void histogram_random_data() {
    QTest::addColumn<int>("bins");
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("std");
    QTest::newRow("64 bins N(0,1)") << 64 << 0.0 << 1.0;
    QTest::newRow("7 bins N(1000,1e-3)") << 7 << 1000.0 << 1e-3;  // float spacing near the width
    QTest::newRow("1 bin") << 1 << -3.0 << 2.0;
    QTest::newRow("1000 bins") << 1000 << 0.0 << 1e-30;
  }
  void histogram_random() {
    QFETCH(int, bins);
    QFETCH(double, mean);
    QFETCH(double, std);
    Values values = random_values(100000, 21, mean, std);
    values[17] = kNaN;
    values[99] = kInf;
    values[5000] = -kInf;
    const Histogram h = histogram(values, bins);
    const Summary s = summarize(values);
    QCOMPARE(h.edges.front(), s.min);
    QCOMPARE(h.edges.back(), s.max);
    const double width = (s.max - s.min) / bins;
    for (int i = 0; i < bins; ++i)
      QCOMPARE(h.edges[static_cast<std::size_t>(i)], s.min + i * width);
    check_histogram(values, h, bins);
  }

  void histogram_every_edge_data() {
    QTest::addColumn<float>("low");
    QTest::addColumn<float>("high");
    QTest::addColumn<int>("bins");
    QTest::addColumn<bool>("non_finite");  // Inf and NaN among the values: the masked loops
    QTest::newRow("64 bins") << -3.7f << 5.1f << 64 << false;
    QTest::newRow("64 bins, Inf and NaN") << -3.7f << 5.1f << 64 << true;
    QTest::newRow("[0, 1], 100 bins") << 0.0f << 1.0f << 100 << false;
    QTest::newRow("1e4 ± 5") << 9995.0f << 10005.0f << 64 << true;
    QTest::newRow("1000 ± 0.01, 7 bins") << 999.99f << 1000.01f << 7 << false;
    QTest::newRow("tiny, 1000 bins") << -1e-30f << 3e-30f << 1000 << false;
    QTest::newRow("guess too high") << -2.1348981857299805f << 4.8651018142700195f << 100 << false;
    QTest::newRow("guess too low") << -6.00967264175415f << -5.709672451019287f << 100 << true;
    QTest::newRow("1 bin") << -1.0f << 2.0f << 1 << false;
    QTest::newRow("2 bins") << -1.0f << 2.0f << 2 << true;
    // Ranges where the float guess is not used: every value is binned against the edges.
    QTest::newRow("near FLT_MAX") << -3e38f << 3e38f << 64 << false;
    QTest::newRow("subnormal") << 0.0f << 1e-40f << 64 << true;
    QTest::newRow("400000 bins") << 1.0f << 2.0f << 400000 << false;
  }
  void histogram_every_edge() {
    // The floats on and next to every inner edge, among uniform values, shuffled over several
    // blocks (a partial last one included): each lands in the bin its edges say.
    QFETCH(float, low);
    QFETCH(float, high);
    QFETCH(int, bins);
    QFETCH(bool, non_finite);
    const Values at_edges = floats_at_edges(low, high, bins);
    Values values{low, high};
    std::mt19937_64 engine(7);
    std::uniform_real_distribution<float> uniform(low, high);
    while (values.size() < 40000 || values.size() < 3 * at_edges.size()) {
      values.insert(values.end(), at_edges.begin(), at_edges.end());
      for (int i = 0; i < 1000; ++i) values.push_back(std::clamp(uniform(engine), low, high));
    }
    while (values.size() % 16 != 5) values.push_back(high);  // a last step of 5 values
    std::shuffle(values.begin() + 2, values.end(), engine);
    if (non_finite) {
      for (std::size_t i = 3; i < values.size(); i += 997) values[i] = i % 2 ? kNaN : -kInf;
      values[40] = kInf;
    }
    const SummaryHistogram both = summarize_with_histogram(values, bins);
    QCOMPARE(both.histogram.edges.front(), static_cast<double>(low));
    QCOMPARE(both.histogram.edges.back(), static_cast<double>(high));
    check_histogram(values, both.histogram, bins);
    QCOMPARE(histogram(values, bins, both.summary).counts, both.histogram.counts);
  }

  void fused_equals_separate() {
    // summarize_with_histogram makes the same passes as summarize: the same bits.
    Values values = random_values(70001, 5, -2.0, 3.0);
    values[100] = kNaN;
    const SummaryHistogram both = summarize_with_histogram(values, 64);
    const Summary alone = summarize(values);
    QCOMPARE(both.summary.count, alone.count);
    QCOMPARE(both.summary.finite, alone.finite);
    QCOMPARE(both.summary.zeros, alone.zeros);
    QVERIFY(same_bits(both.summary.mean, alone.mean));
    QVERIFY(same_bits(both.summary.variance, alone.variance));
    QVERIFY(same_bits(both.summary.min, alone.min));
    QVERIFY(same_bits(both.summary.max, alone.max));
    QCOMPARE(both.histogram.counts, histogram(values, 64).counts);
    QCOMPARE(both.histogram.counts, histogram(values, 64, alone).counts);
  }

  void large_mean_without_cancellation() {
    // 10⁴ + N(0, 1) in float: E[x²] − E[x]² would lose 8 of double's 16 digits; the two passes
    // keep the mean and the variance to 1e-12 relative of a long double reference.
    const Values values = random_values(1000005, 41, 1e4, 1.0);
    const auto [mean, variance] = reference_moments(values);
    for (const Summary& s : {summarize(values), summarize_with_histogram(values).summary}) {
      QVERIFY2(std::abs(s.mean - static_cast<double>(mean)) <= 1e-12 * static_cast<double>(mean),
               qPrintable(QString("mean %1").arg(s.mean, 0, 'g', 17)));
      QVERIFY2(std::abs(s.variance - static_cast<double>(variance)) <=
                   1e-12 * static_cast<double>(variance),
               qPrintable(QString("variance %1 vs %2")
                              .arg(s.variance, 0, 'g', 17)
                              .arg(static_cast<double>(variance), 0, 'g', 17)));
    }
  }

  void non_finite_in_large_tensors() {
    // Inf and NaN in some blocks and in the tail, zeros of both signs: counts, extremes and
    // moments over the finite entries, as on small vectors.
    Values values = random_values(100007, 17, 0.5, 2.0);
    values[5] = kInf;              // block 0: an Inf alone
    values[16384 * 2 + 3] = kNaN;  // block 2: a NaN
    values[16384 * 3 + 1] = kInf;  // block 3: Inf and −Inf
    values[16384 * 3 + 2] = -kInf;
    values[100005] = kNaN;  // the tail
    values[7] = 0.0f;
    values[16384 * 2 + 8] = -0.0f;
    values[100006] = 0.0f;
    const float lowest = -25.0f, highest = 30.0f;  // beyond N(0.5, 4)'s reach in 10⁵ draws
    values[16384 * 3 + 9] = lowest;
    values[100004] = highest;
    const auto [mean, variance] = reference_moments(values);
    const SummaryHistogram both = summarize_with_histogram(values, 64);
    const Summary& s = both.summary;
    QCOMPARE(s.count, 100007LL);
    QCOMPARE(s.finite, 100007LL - 5);
    QCOMPARE(s.zeros, 3LL);
    QCOMPARE(s.min, static_cast<double>(lowest));
    QCOMPARE(s.max, static_cast<double>(highest));
    QVERIFY(std::abs(s.mean - static_cast<double>(mean)) <= 1e-13);
    QVERIFY(std::abs(s.variance - static_cast<double>(variance)) <= 1e-12);
    check_histogram(values, both.histogram, 64);
  }

  void histogram_rejects_no_bins() {
    bool thrown = false;
    try {
      histogram(Values{1, 2}, 0);
    } catch (const InputError&) {
      thrown = true;
    }
    QVERIFY(thrown);
  }

  void share_beyond_hand_made() {
    // Sigmoid outputs, saturated when |2h − 1| > 0.97, i.e. h > 0.985 or h < 0.015:
    // 0.99, 0.01, 1 and 0 are; 0.5, 0.7, 0.98, 0.02 and NaN are not. 4 of 9 entries.
    const Values sigmoid{0.5f, 0.99f, 0.01f, 0.98f, 0.02f, 1.0f, 0.0f, 0.7f, kNaN};
    QCOMPARE(share_beyond(sigmoid, 2.0, -1.0, 0.97), 4.0 / 9.0);
    // tanh outputs, |h| > 0.97: 0.99, −0.98 and −Inf are; 0.5, −0.96, 0 are not. 3 of 6.
    const Values tanh{0.99f, -0.98f, 0.5f, -0.96f, 0.0f, -kInf};
    QCOMPARE(share_beyond(tanh, 1.0, 0.0, 0.97), 0.5);
    QCOMPARE(share_beyond(Values{}, 1.0, 0.0, 0.97), 0.0);
  }

  void thread_count_independent() {
    // 10⁶ + 3 values (a partial last block) around 1000, where the order of the additions shows
    // in the last bits of the variance.
    Values values = random_values(1000003, 31, 1000.0, 1.0);
    values[12345] = kNaN;
    values[999999] = 0.0f;
    const int saved = max_threads();
    set_max_threads(1);
    const Summary one = summarize(values);
    const Histogram h_one = histogram(values);
    const SummaryHistogram both_one = summarize_with_histogram(values, 100);
    const double share_one = share_beyond(values, 1.0, -1000.0, 1.5);
    auto check_same = [](const Summary& many, const Summary& first) {
      QCOMPARE(many.count, first.count);
      QCOMPARE(many.finite, first.finite);
      QCOMPARE(many.zeros, first.zeros);
      QVERIFY(same_bits(many.mean, first.mean));
      QVERIFY(same_bits(many.variance, first.variance));
      QVERIFY(same_bits(many.min, first.min));
      QVERIFY(same_bits(many.max, first.max));
    };
    for (int threads : {2, 3}) {
      set_max_threads(threads);
      check_same(summarize(values), one);
      const Histogram h_many = histogram(values);
      QCOMPARE(h_many.counts, h_one.counts);
      QVERIFY(std::equal(h_one.edges.begin(), h_one.edges.end(), h_many.edges.begin(), same_bits));
      const SummaryHistogram both_many = summarize_with_histogram(values, 100);
      check_same(both_many.summary, both_one.summary);
      QCOMPARE(both_many.histogram.counts, both_one.histogram.counts);
      QVERIFY(same_bits(share_beyond(values, 1.0, -1000.0, 1.5), share_one));
    }
    set_max_threads(saved);
    // And the moments are right: against a plain two-pass sum in long double over the finite
    // entries (the zero included, which alone adds about 1000²/10⁶ = 1 to the variance).
    const auto [mean, variance] = reference_moments(values);
    QVERIFY(std::abs(one.mean - static_cast<double>(mean)) <= 1e-13 * 1000.0);
    QVERIFY(std::abs(one.variance - static_cast<double>(variance)) <= 1e-12);
  }
};

}  // namespace initscope

QTEST_APPLESS_MAIN(initscope::TestSummary)
#include "tst_summary.moc"
