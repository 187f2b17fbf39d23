// Tests of core/summary.h: moments, counts and extremes on hand-computed vectors, non-finite
// entries, histograms (edges, the bin of every value, the special ranges), saturation shares, and
// bit-identical results for any thread count.

#include <omp.h>

#include <QtTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/error.h"
#include "core/summary.h"

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
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const Summary one = summarize(values);
    const Histogram h_one = histogram(values);
    const double share_one = share_beyond(values, 1.0, -1000.0, 1.5);
    for (int threads : {2, 3}) {
      omp_set_num_threads(threads);
      const Summary many = summarize(values);
      QCOMPARE(many.count, one.count);
      QCOMPARE(many.finite, one.finite);
      QCOMPARE(many.zeros, one.zeros);
      QVERIFY(same_bits(many.mean, one.mean));
      QVERIFY(same_bits(many.variance, one.variance));
      QVERIFY(same_bits(many.min, one.min));
      QVERIFY(same_bits(many.max, one.max));
      const Histogram h_many = histogram(values);
      QCOMPARE(h_many.counts, h_one.counts);
      QVERIFY(std::equal(h_one.edges.begin(), h_one.edges.end(), h_many.edges.begin(), same_bits));
      QVERIFY(same_bits(share_beyond(values, 1.0, -1000.0, 1.5), share_one));
    }
    omp_set_num_threads(saved);
    // And the moments are right: against a plain two-pass sum in long double over the finite
    // entries (the zero included, which alone adds about 1000²/10⁶ = 1 to the variance).
    long double sum = 0, squares = 0, n = 0;
    for (float v : values) {
      if (std::isfinite(v)) sum += v, n += 1;
    }
    const long double mean = sum / n;
    for (float v : values) {
      if (std::isfinite(v)) squares += (v - mean) * (v - mean);
    }
    QVERIFY(std::abs(one.mean - static_cast<double>(mean)) <= 1e-13 * 1000.0);
    QVERIFY(std::abs(one.variance - static_cast<double>(squares / n)) <= 1e-12);
  }
};

}  // namespace initscope

QTEST_APPLESS_MAIN(initscope::TestSummary)
#include "tst_summary.moc"
