// Tests of core/init/rng.h and core/init/sampling.h: the Philox generator against Random123's known answers
// (one counter and many at once), the laws' fills against their exact CDFs and moments (KS test,
// moments within 5 standard errors, bounds, no pile-up at truncation bounds), the normal fill
// against the Box–Muller transform of its words, both truncated-normal samplers (inverse CDF and
// rejection, with its fallback), determinism, counter layout and thread-count independence,
// argument checking, random subsets, and Φ / Φ⁻¹ against high-precision references.
//
// Every statistical check uses a fixed seed and a tolerance derived from the sampling error, so a
// correct implementation passes for good (a row fails by chance with probability ~1e-4 at most, and
// then fails every time, which a reviewer can judge from the printed statistics).

#include <QtTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/compute/parallel.h"
#include "core/init/rng.h"
#include "core/init/sampling.h"
#include "tests/support/stat_tests.h"

namespace initscope {
namespace {

using testing::LawMoments;
using testing::TruncatedNormalRef;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// trunc_starved: trunc_normal's rejection sampler with `candidates` counters of candidates per
// block, few enough that it falls back to the inverse CDF for part of every block.
enum class Family { uniform, normal, trunc_normal, trunc_starved };

/// One law of sampling.h with its parameters: uniform (low, high), normal (mean, std),
/// trunc_normal and trunc_starved (mean, std, a, b).
struct Draw {
  Family family = Family::uniform;
  double p1 = 0.0;
  double p2 = 1.0;
  double p3 = 0.0;
  double p4 = 0.0;
  std::int64_t candidates = 0;

  void fill(std::span<float> out, Generator& gen) const {
    switch (family) {
      case Family::uniform:
        fill_uniform(out, p1, p2, gen);
        return;
      case Family::normal:
        fill_normal(out, p1, p2, gen);
        return;
      case Family::trunc_normal:
        fill_trunc_normal(out, p1, p2, p3, p4, gen);
        return;
      case Family::trunc_starved:
        detail::fill_trunc_normal_by_rejection(out, p1, p2, p3, p4, gen, candidates);
        return;
    }
  }

  bool truncated() const {
    return family == Family::trunc_normal || family == Family::trunc_starved;
  }

  bool bounded() const { return family != Family::normal; }
  double low() const { return family == Family::uniform ? p1 : p3; }
  double high() const { return family == Family::uniform ? p2 : p4; }

  LawMoments moments() const {
    switch (family) {
      case Family::uniform:
        return testing::uniform_moments(p1, p2);
      case Family::normal:
        return testing::normal_moments(p1, p2);
      case Family::trunc_normal:
      case Family::trunc_starved:
        return TruncatedNormalRef{p1, p2, p3, p4}.moments();
    }
    return {};
  }

  std::function<double(double)> cdf() const {
    const Draw d = *this;
    switch (family) {
      case Family::uniform:
        return [d](double x) { return testing::uniform_cdf(x, d.p1, d.p2); };
      case Family::normal:
        return [d](double x) { return testing::normal_cdf_ref(x, d.p1, d.p2); };
      case Family::trunc_normal:
      case Family::trunc_starved:
        return [d](double x) { return TruncatedNormalRef{d.p1, d.p2, d.p3, d.p4}.cdf(x); };
    }
    return {};
  }
};

Draw uniform_draw(double low, double high) {
  return {Family::uniform, low, high};
}
Draw normal_draw(double mean, double std) {
  return {Family::normal, mean, std};
}
Draw trunc_draw(double mean, double std, double a, double b) {
  return {Family::trunc_normal, mean, std, a, b};
}
Draw starved_draw(double mean, double std, double a, double b, std::int64_t candidates) {
  return {Family::trunc_starved, mean, std, a, b, candidates};
}

// Counters the rejection sampler reserves per block of 4096 values (sampling.h).
constexpr std::uint64_t kRejectionSpan = 4096 + 1024;

std::vector<float> fill_n(const Draw& draw, std::size_t n, Generator& gen) {
  std::vector<float> out(n);
  draw.fill(out, gen);
  return out;
}

bool same_bytes(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

std::size_t equal_positions(std::span<const float> a, std::span<const float> b) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < a.size(); ++i) count += a[i] == b[i] ? 1 : 0;
  return count;
}

}  // namespace
}  // namespace initscope

Q_DECLARE_METATYPE(initscope::Draw)
Q_DECLARE_METATYPE(initscope::PhiloxCounter)
Q_DECLARE_METATYPE(initscope::PhiloxKey)

namespace initscope {
namespace {

/// The three laws with one typical parameter set each, and each path of trunc_normal, for the
/// determinism tests.
void add_family_rows() {
  QTest::addColumn<Draw>("draw");
  QTest::newRow("uniform(-1,3)") << uniform_draw(-1.0, 3.0);
  QTest::newRow("normal(0.5,2)") << normal_draw(0.5, 2.0);
  QTest::newRow("trunc_normal(0,1,-2,2) rejection") << trunc_draw(0.0, 1.0, -2.0, 2.0);
  QTest::newRow("trunc_normal(0,1,0,0.5) inverse CDF") << trunc_draw(0.0, 1.0, 0.0, 0.5);
  QTest::newRow("trunc_normal(0,1,40,41) log space") << trunc_draw(0.0, 1.0, 40.0, 41.0);
  QTest::newRow("trunc_normal(0,1,-2,2) starved rejection")
      << starved_draw(0.0, 1.0, -2.0, 2.0, 512);
}

}  // namespace

class TestSampling : public QObject {
  Q_OBJECT

 private slots:
  void reference_helpers_data();
  void reference_helpers();
  void philox_known_answers_data();
  void philox_known_answers();
  void generator_words_data();
  void generator_words();
  void fill_matches_law_data();
  void fill_matches_law();
  void trunc_normal_default_std();
  void normal_is_box_muller();
  void trunc_normal_method_data();
  void trunc_normal_method();
  void rejection_keeps_normal_candidates();
  void same_seed_same_bytes_data();
  void same_seed_same_bytes();
  void counter_layout_data();
  void counter_layout();
  void thread_count_independent_data();
  void thread_count_independent();
  void degenerate_laws_data();
  void degenerate_laws();
  void invalid_arguments_data();
  void invalid_arguments();
  void random_subset_shape_data();
  void random_subset_shape();
  void random_subset_inclusion_data();
  void random_subset_inclusion();
  void random_subset_uniform_data();
  void random_subset_uniform();
  void random_subset_keys_data();
  void random_subset_keys();
  void random_subsets_in_parallel();
  void normal_quantile_round_trip_data();
  void normal_quantile_round_trip();
  void normal_quantile_known_values_data();
  void normal_quantile_known_values();
  void normal_cdf_known_values_data();
  void normal_cdf_known_values();
};

// The references of the other tests, checked against values computed with mpmath at 60 digits
// (truncated moments: closed form and mpmath.quad of (x − m)⁴φ(x)/Z; Q_KS: its series summed to
// 200 terms). Keras' constant 0.87962566103423978 is scipy.stats.truncnorm.std(-2, 2).
void TestSampling::reference_helpers_data() {
  QTest::addColumn<double>("mean");
  QTest::addColumn<double>("sd");
  QTest::addColumn<double>("a");
  QTest::addColumn<double>("b");
  QTest::addColumn<double>("want_mean");
  QTest::addColumn<double>("want_std");
  QTest::addColumn<double>("want_mu4");
  QTest::newRow("keras (0,1,-2,2)")
      << 0.0 << 1.0 << -2.0 << 2.0 << 0.0 << 0.87962566103423978 << 1.4161891248494627;
  QTest::newRow("tail (0,1,40,41)") << 0.0 << 1.0 << 40.0 << 41.0 << 40.024968847207264
                                    << 0.024953323998846051 << 3.4779177729821771e-6;
  QTest::newRow("left tail (0,1,-6,-5)") << 0.0 << 1.0 << -6.0 << -5.0 << -5.1831470904771735
                                         << 0.17161710511625307 << 0.0047638987155292162;
  QTest::newRow("narrow (1,2,0,0.1)") << 1.0 << 2.0 << 0.0 << 0.1 << 0.050197898313947112
                                      << 0.02886590366631196 << 1.2498455953876496e-6;
  QTest::newRow("one-sided (0,1,1.5,4)") << 0.0 << 1.0 << 1.5 << 4.0 << 1.9375924891612767
                                         << 0.38355394410771986 << 0.11041786370949604;
}

void TestSampling::reference_helpers() {
  QFETCH(double, mean);
  QFETCH(double, sd);
  QFETCH(double, a);
  QFETCH(double, b);
  QFETCH(double, want_mean);
  QFETCH(double, want_std);
  QFETCH(double, want_mu4);
  const LawMoments m = TruncatedNormalRef{mean, sd, a, b}.moments();
  QVERIFY2(std::abs(m.mean - want_mean) <= 1e-12 * (1.0 + std::abs(want_mean)),
           qPrintable(QString::number(m.mean, 'g', 17)));
  QVERIFY2(std::abs(m.std() - want_std) <= 1e-9 * want_std,
           qPrintable(QString::number(m.std(), 'g', 17)));
  // μ4 only sets a tolerance; the recursion loses digits to cancellation 40σ out.
  QVERIFY2(std::abs(m.mu4 - want_mu4) <= 1e-3 * want_mu4,
           qPrintable(QString::number(m.mu4, 'g', 17)));

  // Q_KS(2) = 6.7092525577969535e-4, Q_KS(0.8) = 0.54414241157419808 (series summed in mpmath).
  QVERIFY(std::abs(testing::kolmogorov_q(2.0) - 6.7092525577969535e-4) < 1e-15);
  QVERIFY(std::abs(testing::kolmogorov_q(0.8) - 0.54414241157419808) < 1e-12);
}

// Random123 1.09, examples/kat_vectors, lines "philox4x32 10 ...": counter, key, expected output.
// (Also reproduced with a 10-line Python transcription of the Philox round function.)
void TestSampling::philox_known_answers_data() {
  QTest::addColumn<PhiloxCounter>("counter");
  QTest::addColumn<PhiloxKey>("key");
  QTest::addColumn<PhiloxCounter>("expected");
  QTest::newRow("zeros") << PhiloxCounter{0, 0, 0, 0} << PhiloxKey{0, 0}
                         << PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
  QTest::newRow("ones") << PhiloxCounter{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}
                        << PhiloxKey{0xffffffff, 0xffffffff}
                        << PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
  QTest::newRow("pi digits") << PhiloxCounter{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}
                             << PhiloxKey{0xa4093822, 0x299f31d0}
                             << PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
}

void TestSampling::philox_known_answers() {
  QFETCH(PhiloxCounter, counter);
  QFETCH(PhiloxKey, key);
  QFETCH(PhiloxCounter, expected);
  const PhiloxCounter got = philox4x32(counter, key);
  for (int i = 0; i < 4; ++i) QCOMPARE(got[i], expected[i]);
}

void TestSampling::generator_words_data() {
  QTest::addColumn<quint64>("seed");
  QTest::addColumn<quint64>("stream");
  QTest::addColumn<quint64>("first");
  QTest::addColumn<int>("counters");
  QTest::newRow("37 from 0") << quint64{0} << quint64{0} << quint64{0} << 37;
  QTest::newRow("1") << quint64{5} << quint64{6} << quint64{7} << 1;
  QTest::newRow("64, full 64-bit seed and stream")
      << quint64{0x123456789abcdef0} << quint64{0xfedcba9876543210} << quint64{1000} << 64;
  QTest::newRow("40 across 2^32, where the counter's high word changes")
      << quint64{77} << quint64{1} << (quint64{1} << 32) - 20 << 40;
}

// Generator::words computes 16 counters at a time (SIMD) and the rest one by one; every word must
// be block()'s, which the known answers above pin to Random123.
void TestSampling::generator_words() {
  QFETCH(quint64, seed);
  QFETCH(quint64, stream);
  QFETCH(quint64, first);
  QFETCH(int, counters);
  const Generator gen(seed, stream);
  std::vector<std::uint32_t> words(4 * static_cast<std::size_t>(counters));
  gen.words(first, words);
  for (int j = 0; j < counters; ++j) {
    const PhiloxCounter want = gen.block(first + static_cast<std::uint64_t>(j));
    for (int k = 0; k < 4; ++k) {
      QVERIFY2(words[4 * j + k] == want[k],
               qPrintable(QString("counter first + %1, word %2").arg(j).arg(k)));
    }
  }
}

void TestSampling::fill_matches_law_data() {
  QTest::addColumn<Draw>("draw");
  QTest::addColumn<quint64>("seed");
  QTest::newRow("uniform [0,1)") << uniform_draw(0.0, 1.0) << quint64{1};
  QTest::newRow("uniform [-3,5)") << uniform_draw(-3.0, 5.0) << quint64{2};
  QTest::newRow("uniform [-1e-3,1e-3)") << uniform_draw(-1e-3, 1e-3) << quint64{3};
  QTest::newRow("normal (0,1)") << normal_draw(0.0, 1.0) << quint64{4};
  QTest::newRow("normal (2,0.5)") << normal_draw(2.0, 0.5) << quint64{5};
  QTest::newRow("normal (0,0.02)") << normal_draw(0.0, 0.02) << quint64{6};
  QTest::newRow("trunc (0,1,-2,2)") << trunc_draw(0.0, 1.0, -2.0, 2.0) << quint64{7};
  // Absolute bounds 100σ out: the law is a plain normal, nothing may collapse onto ±2.
  QTest::newRow("trunc (0,0.02,-2,2)") << trunc_draw(0.0, 0.02, -2.0, 2.0) << quint64{8};
  QTest::newRow("trunc (0,1,0,0.5)") << trunc_draw(0.0, 1.0, 0.0, 0.5) << quint64{9};
  QTest::newRow("trunc (0,1,1.5,4) one-sided tail")
      << trunc_draw(0.0, 1.0, 1.5, 4.0) << quint64{10};
  QTest::newRow("trunc (0,1,-6,-5) deep left tail")
      << trunc_draw(0.0, 1.0, -6.0, -5.0) << quint64{11};
  QTest::newRow("trunc (1,2,0,0.1) narrow") << trunc_draw(1.0, 2.0, 0.0, 0.1) << quint64{12};
  // Beyond 37σ Φ(a) rounds to 1 and 1 − Φ underflows: the header promises a log-space path.
  QTest::newRow("trunc (0,1,40,41) log space") << trunc_draw(0.0, 1.0, 40.0, 41.0) << quint64{13};
  // By rejection (mass >= 0.3; "trunc (0,1,-2,2)" and "(0,0.02,-2,2)" above are too): past the
  // Box–Muller reach on one side, near the mass limit, and starved so that the inverse CDF makes
  // about half (512 counters) or nearly all (16) of every block.
  QTest::newRow("trunc (0,1,-8,1) rejection past -6.76σ")
      << trunc_draw(0.0, 1.0, -8.0, 1.0) << quint64{14};
  QTest::newRow("trunc (1,2,-1.4,0.8) rejection, mass 0.35")
      << trunc_draw(1.0, 2.0, -1.4, 0.8) << quint64{15};
  QTest::newRow("trunc (0,1,-2,2) starved rejection, 512")
      << starved_draw(0.0, 1.0, -2.0, 2.0, 512) << quint64{16};
  QTest::newRow("trunc (0,1,-2,2) starved rejection, 16")
      << starved_draw(0.0, 1.0, -2.0, 2.0, 16) << quint64{17};
}

void TestSampling::fill_matches_law() {
  QFETCH(Draw, draw);
  QFETCH(quint64, seed);
  constexpr std::size_t n = 200000;
  Generator gen(seed, 7);
  const std::vector<float> values = fill_n(draw, n, gen);

  for (float v : values) QVERIFY2(std::isfinite(v), "non-finite sample");

  if (draw.bounded()) {
    const float lo = static_cast<float>(draw.low());
    const float hi = static_cast<float>(draw.high());
    const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
    QVERIFY2(*min_it >= lo, qPrintable(QString("min %1 < low %2").arg(*min_it, 0, 'g', 9).arg(lo)));
    QVERIFY2(*max_it <= hi,
             qPrintable(QString("max %1 > high %2").arg(*max_it, 0, 'g', 9).arg(hi)));
  }

  const LawMoments law = draw.moments();
  const testing::SampleMoments got = testing::sample_moments(values);
  const double se_m = testing::se_mean(law, n);
  const double se_v = testing::se_variance(law, n);
  QVERIFY2(std::abs(got.mean - law.mean) < 5.0 * se_m, qPrintable(QString("mean %1, law %2, SE %3")
                                                                      .arg(got.mean, 0, 'g', 10)
                                                                      .arg(law.mean, 0, 'g', 10)
                                                                      .arg(se_m)));
  QVERIFY2(std::abs(got.variance - law.variance) < 5.0 * se_v,
           qPrintable(QString("variance %1, law %2, SE %3")
                          .arg(got.variance, 0, 'g', 10)
                          .arg(law.variance, 0, 'g', 10)
                          .arg(se_v)));

  const testing::KsResult ks = testing::ks_test(testing::to_doubles(values), draw.cdf());
  QVERIFY2(ks.p > 1e-4, qPrintable(QString("KS D = %1, p = %2").arg(ks.d).arg(ks.p)));

  if (draw.truncated()) {
    // No pile-up: the share of values within δ = 1e-6·(b − a) of a bound may not exceed what the
    // law puts there plus 5 SE. The law's share is taken on the float grid: a float v ≤ a + δ is
    // what the doubles below the midpoint to the next float up round to (40 has an ulp of 3.8e-6,
    // more than δ).
    const TruncatedNormalRef ref{draw.p1, draw.p2, draw.p3, draw.p4};
    const double delta = 1e-6 * (draw.p4 - draw.p3);
    float lo_f = static_cast<float>(draw.p3 + delta);
    if (lo_f > draw.p3 + delta) lo_f = std::nextafter(lo_f, -INFINITY);
    float hi_f = static_cast<float>(draw.p4 - delta);
    if (hi_f < draw.p4 - delta) hi_f = std::nextafter(hi_f, INFINITY);
    const double lo_cut = 0.5 * (double{lo_f} + double{std::nextafter(lo_f, INFINITY)});
    const double hi_cut = 0.5 * (double{hi_f} + double{std::nextafter(hi_f, -INFINITY)});
    const double p_edges = ref.cdf(lo_cut) + (1.0 - ref.cdf(hi_cut));
    const auto at_edge = std::count_if(values.begin(), values.end(),
                                       [&](float v) { return v <= lo_f || v >= hi_f; });
    const double share = static_cast<double>(at_edge) / n;
    QVERIFY2(share <= p_edges + 5.0 * testing::se_share(p_edges, n),
             qPrintable(QString("%1 of %2 values within 1e-6·(b−a) of a bound, law expects %3")
                            .arg(at_edge)
                            .arg(n)
                            .arg(p_edges * n)));
  }
}

// scipy.stats.truncnorm.std(-2, 2) = 0.87962566103423978, Keras' correction constant.
void TestSampling::trunc_normal_default_std() {
  constexpr std::size_t n = 400000;
  Generator gen(2024, 3);
  const std::vector<float> values = fill_n(trunc_draw(0.0, 1.0, -2.0, 2.0), n, gen);
  const LawMoments law = TruncatedNormalRef{0.0, 1.0, -2.0, 2.0}.moments();
  QVERIFY(std::abs(law.std() - 0.87962566103423978) < 4e-16);
  const double got = testing::sample_moments(values).std();
  const double se = testing::se_std(law, n);
  QVERIFY2(std::abs(got - 0.87962566103423978) < 5.0 * se,
           qPrintable(QString("std %1, SE %2").arg(got, 0, 'g', 10).arg(se)));
}

// fill_normal is the Box–Muller transform of its words (sampling.cpp): values 2p and 2p + 1 are
// r·cos θ and r·sin θ, r = √(−2 ln u₁) with u₁ = (w₂ₚ + ½)·2⁻³² rounded as the fill rounds it
// (and kept below 1), θ = 2π·((w₂ₚ₊₁ >> 8) + ½)·2⁻²⁴; recomputed here in double from block(). The
// fill's float log, square root, sine and cosine are within an ulp or two each and its products
// round once: about 6 ulp of r in all, and the bound, 1e-6·r, is 16. A wrong quadrant or a swapped
// sine is off by about r.
void TestSampling::normal_is_box_muller() {
  constexpr std::size_t n = 2 * 4096 + 38;  // two blocks and a ragged end
  Generator gen(2718, 9);
  const std::vector<float> values = fill_n(normal_draw(0.0, 1.0), n, gen);
  const Generator ref(2718, 9);
  const auto word = [&](std::size_t i) { return ref.block(i / 4)[i % 4]; };
  for (std::size_t p = 0; p < n / 2; ++p) {
    const float u1 = std::min((static_cast<float>(word(2 * p)) + 0.5f) * 0x1p-32f, 0x1.fffffep-1f);
    const double r = std::sqrt(-2.0 * std::log(double{u1}));
    const double theta =
        2.0 * std::numbers::pi * (static_cast<double>(word(2 * p + 1) >> 8) + 0.5) * 0x1p-24;
    const double want[] = {r * std::cos(theta), r * std::sin(theta)};
    for (std::size_t k = 0; k < 2; ++k) {
      const float got = values[2 * p + k];
      QVERIFY2(std::abs(got - want[k]) <= 1e-6 * r,
               qPrintable(QString("value %1: %2, Box–Muller gives %3")
                              .arg(2 * p + k)
                              .arg(got, 0, 'g', 9)
                              .arg(want[k], 0, 'g', 9)));
    }
  }
}

void TestSampling::trunc_normal_method_data() {
  QTest::addColumn<Draw>("draw");
  QTest::addColumn<bool>("rejection");
  QTest::newRow("(0,1,-2,2) mass 0.95") << trunc_draw(0.0, 1.0, -2.0, 2.0) << true;
  QTest::newRow("(0,1,-8,1) past the Box–Muller reach") << trunc_draw(0.0, 1.0, -8.0, 1.0) << true;
  QTest::newRow("(0,0.02,-2,2) to 100σ") << trunc_draw(0.0, 0.02, -2.0, 2.0) << true;
  QTest::newRow("(1,2,-1.4,0.8) mass 0.345") << trunc_draw(1.0, 2.0, -1.4, 0.8) << true;
  QTest::newRow("(0,1,-0.39,0.39) mass 0.3035") << trunc_draw(0.0, 1.0, -0.39, 0.39) << true;
  QTest::newRow("(0,1,-0.38,0.38) mass 0.2961") << trunc_draw(0.0, 1.0, -0.38, 0.38) << false;
  QTest::newRow("(0,1,0,0.5) mass 0.19") << trunc_draw(0.0, 1.0, 0.0, 0.5) << false;
  QTest::newRow("(0,1,1.5,4) mass 0.067") << trunc_draw(0.0, 1.0, 1.5, 4.0) << false;
  QTest::newRow("(0,1,40,41) log space") << trunc_draw(0.0, 1.0, 40.0, 41.0) << false;
}

// sampling.h: rejection when [a, b] holds at least 30% of N(mean, std²), else the inverse CDF. The
// counters a fill reserves tell which ran: 5120 per block of 4096 values by rejection, ceil(n/4) by
// the inverse CDF.
void TestSampling::trunc_normal_method() {
  QFETCH(Draw, draw);
  QFETCH(bool, rejection);
  Generator gen(3, 3);
  fill_n(draw, 10, gen);
  QCOMPARE(gen.position(), rejection ? kRejectionSpan : std::uint64_t{3});
  fill_n(draw, 4097, gen);
  QCOMPARE(gen.position(), rejection ? 3 * kRejectionSpan : std::uint64_t{3 + 1025});
}

// The rejection sampler's candidates are the normal fill's values, in order: block b of a fill is
// the first values in [a, b] among the N(0, 1) values of its counters, b·5120 on (sampling.h).
// With mean 0 and std 1 they pass through the fill's mean + std·z and clamp unchanged, so the
// bytes agree, and a fill of 10 is the first 10 values of a longer one.
void TestSampling::rejection_keeps_normal_candidates() {
  constexpr std::size_t n = 4096 + 100;
  const Draw draw = trunc_draw(0.0, 1.0, -1.0, 1.5);  // mass 0.77
  Generator gen(4, 4);
  const std::vector<float> values = fill_n(draw, n, gen);
  Generator normal_gen(4, 4);
  const std::vector<float> normal =
      fill_n(normal_draw(0.0, 1.0), 4 * (kRejectionSpan + 4096), normal_gen);
  std::vector<float> want;
  for (std::size_t block = 0; block < 2; ++block) {
    const std::size_t length = std::min<std::size_t>(4096, n - 4096 * block);
    std::size_t kept = 0;
    for (std::size_t i = 4 * kRejectionSpan * block; kept < length; ++i) {
      QVERIFY2(i < 4 * kRejectionSpan * block + 4 * 4096, "ran past the block's candidates");
      if (normal[i] >= -1.0f && normal[i] <= 1.5f) {
        want.push_back(normal[i]);
        ++kept;
      }
    }
  }
  QVERIFY2(same_bytes(values, want), "not the in-range normal values in order");

  Generator short_gen(4, 4);
  const std::vector<float> first = fill_n(draw, 10, short_gen);
  QVERIFY2(same_bytes(first, std::span(values).first(10)), "a fill of 10 differs");
}

void TestSampling::same_seed_same_bytes_data() {
  add_family_rows();
}

void TestSampling::same_seed_same_bytes() {
  QFETCH(Draw, draw);
  constexpr std::size_t n = 10001;
  Generator base(12345, 6);
  const std::vector<float> first = fill_n(draw, n, base);

  Generator again(12345, 6);
  QVERIFY2(same_bytes(first, fill_n(draw, n, again)), "same seed and stream, different bytes");

  // "Different" means essentially every value differs, not just one word: the full 64 bits of
  // seed and stream take part in the key and counter.
  struct Other {
    const char* what;
    std::uint64_t seed;
    std::uint64_t stream;
  };
  const Other others[] = {{"seed + 1", 12346, 6},
                          {"seed + 2^32", 12345 + (std::uint64_t{1} << 32), 6},
                          {"stream + 1", 12345, 7},
                          {"stream + 2^32", 12345, 6 + (std::uint64_t{1} << 32)}};
  for (const Other& other : others) {
    Generator gen(other.seed, other.stream);
    const std::vector<float> values = fill_n(draw, n, gen);
    QVERIFY2(equal_positions(first, values) < n / 100, other.what);
  }

  const std::vector<float> second = fill_n(draw, n, base);
  QVERIFY2(equal_positions(first, second) < n / 100, "two successive fills are alike");
}

void TestSampling::counter_layout_data() {
  QTest::addColumn<Draw>("draw");
  QTest::newRow("uniform(-1,3)") << uniform_draw(-1.0, 3.0);
  QTest::newRow("normal(0.5,2)") << normal_draw(0.5, 2.0);
  QTest::newRow("trunc_normal(0,1,0,0.5) inverse CDF") << trunc_draw(0.0, 1.0, 0.0, 0.5);
  QTest::newRow("trunc_normal(0,1,40,41) log space") << trunc_draw(0.0, 1.0, 40.0, 41.0);
}

// sampling.h: value i of a uniform, normal or inverse-CDF fill comes from counter (first + i/4)
// alone, and a fill of n values reserves ceil(n/4) counters. So fills of 10 and 10 use counters
// 0–2 and 3–5, and a fill of 24 uses 0–5 with the same four values per counter.
void TestSampling::counter_layout() {
  QFETCH(Draw, draw);
  Generator split(99, 1);
  const std::vector<float> a = fill_n(draw, 10, split);
  QCOMPARE(split.position(), std::uint64_t{3});
  const std::vector<float> b = fill_n(draw, 10, split);
  QCOMPARE(split.position(), std::uint64_t{6});

  Generator whole(99, 1);
  const std::vector<float> c = fill_n(draw, 24, whole);
  QCOMPARE(whole.position(), std::uint64_t{6});

  QVERIFY2(same_bytes(std::span(a), std::span(c).first(10)), "first fill != values 0..9");
  QVERIFY2(same_bytes(std::span(b), std::span(c).subspan(12, 10)), "second fill != values 12..21");
}

void TestSampling::thread_count_independent_data() {
  add_family_rows();
}

void TestSampling::thread_count_independent() {
  QFETCH(Draw, draw);
  constexpr std::size_t n = 1000003;  // prime, so no thread gets a block-aligned share
  const int saved = max_threads();
  std::vector<std::vector<float>> runs;
  for (int threads : {1, 2, 3}) {
    set_max_threads(threads);
    Generator gen(777, 2);
    runs.push_back(fill_n(draw, n, gen));
  }
  set_max_threads(saved);
  QVERIFY2(same_bytes(runs[0], runs[1]), "1 thread and 2 threads differ");
  QVERIFY2(same_bytes(runs[0], runs[2]), "1 thread and 3 threads differ");
}

void TestSampling::degenerate_laws_data() {
  QTest::addColumn<Draw>("draw");
  QTest::addColumn<float>("expected");
  QTest::newRow("normal std 0") << normal_draw(0.37, 0.0) << 0.37f;
  QTest::newRow("normal std 0, mean -2.5") << normal_draw(-2.5, 0.0) << -2.5f;
  QTest::newRow("uniform low == high") << uniform_draw(2.5, 2.5) << 2.5f;
}

// N(m, 0) is m everywhere (also where Box–Muller draws u = 0: 0·∞ would be NaN); U[c, c] is c.
void TestSampling::degenerate_laws() {
  QFETCH(Draw, draw);
  QFETCH(float, expected);
  Generator gen(5, 5);
  const std::vector<float> values = fill_n(draw, 1000003, gen);
  const auto bad =
      std::find_if(values.begin(), values.end(), [&](float v) { return v != expected; });
  if (bad != values.end()) {
    QFAIL(qPrintable(QString("value %1 at index %2").arg(*bad).arg(bad - values.begin())));
  }
}

void TestSampling::invalid_arguments_data() {
  QTest::addColumn<Draw>("draw");
  QTest::newRow("uniform low > high") << uniform_draw(1.0, 0.0);
  QTest::newRow("uniform NaN low") << uniform_draw(kNaN, 1.0);
  QTest::newRow("uniform NaN high") << uniform_draw(0.0, kNaN);
  QTest::newRow("normal negative std") << normal_draw(0.0, -1.0);
  QTest::newRow("normal NaN mean") << normal_draw(kNaN, 1.0);
  QTest::newRow("normal NaN std") << normal_draw(0.0, kNaN);
  QTest::newRow("trunc a == b") << trunc_draw(0.0, 1.0, 1.0, 1.0);
  QTest::newRow("trunc a > b") << trunc_draw(0.0, 1.0, 2.0, -2.0);
  QTest::newRow("trunc std 0") << trunc_draw(0.0, 0.0, -2.0, 2.0);
  QTest::newRow("trunc negative std") << trunc_draw(0.0, -1.0, -2.0, 2.0);
  QTest::newRow("trunc NaN mean") << trunc_draw(kNaN, 1.0, -2.0, 2.0);
  QTest::newRow("trunc NaN std") << trunc_draw(0.0, kNaN, -2.0, 2.0);
  QTest::newRow("trunc NaN a") << trunc_draw(0.0, 1.0, kNaN, 2.0);
  QTest::newRow("trunc NaN b") << trunc_draw(0.0, 1.0, -2.0, kNaN);
}

void TestSampling::invalid_arguments() {
  QFETCH(Draw, draw);
  Generator gen(1);
  std::vector<float> out(16);
  bool thrown = false;
  try {
    draw.fill(out, gen);
  } catch (const InputError&) {
    thrown = true;
  }
  QVERIFY2(thrown, "no InputError");
}

void TestSampling::random_subset_shape_data() {
  QTest::addColumn<qint64>("n");
  QTest::addColumn<qint64>("k");
  QTest::newRow("k = 0") << qint64{10} << qint64{0};
  QTest::newRow("k = n") << qint64{10} << qint64{10};
  QTest::newRow("n = 1, k = 1") << qint64{1} << qint64{1};
  QTest::newRow("n = 1, k = 0") << qint64{1} << qint64{0};
  QTest::newRow("3 of 10") << qint64{10} << qint64{3};
  QTest::newRow("1 of 1000") << qint64{1000} << qint64{1};
  QTest::newRow("999 of 1000") << qint64{1000} << qint64{999};
  QTest::newRow("50000 of 100000") << qint64{100000} << qint64{50000};
}

void TestSampling::random_subset_shape() {
  QFETCH(qint64, n);
  QFETCH(qint64, k);
  Generator gen(31, 4);
  const std::vector<std::int64_t> subset = random_subset(n, k, gen);
  QCOMPARE(static_cast<qint64>(subset.size()), k);
  for (std::size_t i = 0; i < subset.size(); ++i) {
    QVERIFY(subset[i] >= 0 && subset[i] < n);
    if (i > 0) QVERIFY2(subset[i - 1] < subset[i], "not strictly ascending");
  }
  if (k == n) {
    for (std::int64_t i = 0; i < n; ++i) QCOMPARE(subset[i], i);
  }
}

void TestSampling::random_subset_inclusion_data() {
  QTest::addColumn<qint64>("n");
  QTest::addColumn<qint64>("k");
  QTest::addColumn<int>("draws");
  QTest::newRow("7 of 20") << qint64{20} << qint64{7} << 20000;
  QTest::newRow("1 of 20") << qint64{20} << qint64{1} << 20000;
  QTest::newRow("19 of 20") << qint64{20} << qint64{19} << 20000;
  QTest::newRow("10 of 1000") << qint64{1000} << qint64{10} << 20000;
  QTest::newRow("0 of 20") << qint64{20} << qint64{0} << 100;
  QTest::newRow("20 of 20") << qint64{20} << qint64{20} << 100;
}

// Each index is in a uniform k-subset with probability k/n: its count over the draws is
// Binomial(draws, k/n), checked within 5 SE for every index.
void TestSampling::random_subset_inclusion() {
  QFETCH(qint64, n);
  QFETCH(qint64, k);
  QFETCH(int, draws);
  Generator gen(41, 0);
  std::vector<int> hits(n, 0);
  for (int d = 0; d < draws; ++d) {
    for (std::int64_t i : random_subset(n, k, gen)) ++hits[i];
  }
  const double p = static_cast<double>(k) / static_cast<double>(n);
  const double se = std::sqrt(p * (1.0 - p) / draws);
  for (std::int64_t i = 0; i < n; ++i) {
    const double freq = static_cast<double>(hits[i]) / draws;
    QVERIFY2(
        std::abs(freq - p) <= 5.0 * se,
        qPrintable(
            QString("index %1: frequency %2, expected %3 ± %4").arg(i).arg(freq).arg(p).arg(se)));
  }
}

void TestSampling::random_subset_uniform_data() {
  QTest::addColumn<qint64>("n");
  QTest::addColumn<qint64>("k");
  QTest::newRow("2 of 5") << qint64{5} << qint64{2};
  QTest::newRow("3 of 6") << qint64{6} << qint64{3};
}

// Beyond the marginals: every one of the C(n, k) subsets is equally likely.
void TestSampling::random_subset_uniform() {
  QFETCH(qint64, n);
  QFETCH(qint64, k);
  constexpr int draws = 40000;
  Generator gen(43, 0);
  std::vector<int> counts(std::size_t{1} << n, 0);
  for (int d = 0; d < draws; ++d) {
    unsigned mask = 0;
    for (std::int64_t i : random_subset(n, k, gen)) mask |= 1u << i;
    ++counts[mask];
  }
  int subsets = 0;
  for (unsigned mask = 0; mask < counts.size(); ++mask) {
    if (std::popcount(mask) == k) ++subsets;
  }
  const double p = 1.0 / subsets;
  const double se = std::sqrt(p * (1.0 - p) / draws);
  for (unsigned mask = 0; mask < counts.size(); ++mask) {
    const double freq = static_cast<double>(counts[mask]) / draws;
    if (std::popcount(mask) != k) {
      QCOMPARE(counts[mask], 0);
      continue;
    }
    QVERIFY2(
        std::abs(freq - p) <= 5.0 * se,
        qPrintable(QString("subset %1: frequency %2, expected %3").arg(mask).arg(freq).arg(p)));
  }
}

void TestSampling::random_subset_keys_data() {
  QTest::addColumn<qint64>("n");
  QTest::addColumn<qint64>("k");
  // The first three pre-select the keys below a threshold, the others take all.
  QTest::newRow("10 of 1000") << qint64{1000} << qint64{10};
  QTest::newRow("1 of 1001") << qint64{1001} << qint64{1};
  QTest::newRow("700 of 1000") << qint64{1000} << qint64{700};
  QTest::newRow("7 of 20") << qint64{20} << qint64{7};
  QTest::newRow("999 of 1000") << qint64{1000} << qint64{999};
}

// sampling.cpp: index i's key is words 2(i%2) and 2(i%2) + 1 of counter first + i/2, and the subset
// is the k indices with the smallest keys. Recomputed here by sorting all n keys from block().
void TestSampling::random_subset_keys() {
  QFETCH(qint64, n);
  QFETCH(qint64, k);
  Generator gen(47, 2);
  gen.reserve(5);  // not from counter 0
  Generator ref = gen;
  for (int draw = 0; draw < 20; ++draw) {
    const std::uint64_t first = ref.reserve(static_cast<std::uint64_t>((n + 1) / 2));
    std::vector<std::pair<std::uint64_t, std::int64_t>> keyed;
    for (std::int64_t i = 0; i < n; ++i) {
      const PhiloxCounter r = ref.block(first + static_cast<std::uint64_t>(i / 2));
      const std::size_t w = 2 * static_cast<std::size_t>(i % 2);
      keyed.emplace_back((std::uint64_t{r[w]} << 32) | r[w + 1], i);
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::int64_t> want;
    for (std::int64_t i = 0; i < k; ++i) want.push_back(keyed[i].second);
    std::sort(want.begin(), want.end());
    QVERIFY2(random_subset(n, k, gen) == want, qPrintable(QString("draw %1").arg(draw)));
  }
  QCOMPARE(gen.position(), ref.position());
}

// random_subsets(n, k, s) is s successive random_subset calls, whatever the thread count (it runs
// in parallel from 65536 keys on: 400 subsets of 300 here).
void TestSampling::random_subsets_in_parallel() {
  constexpr std::int64_t n = 300, k = 40, subsets = 400;
  Generator one_by_one(53, 1);
  std::vector<std::int64_t> want;
  for (std::int64_t s = 0; s < subsets; ++s) {
    const std::vector<std::int64_t> subset = random_subset(n, k, one_by_one);
    want.insert(want.end(), subset.begin(), subset.end());
  }
  const int saved = max_threads();
  std::vector<std::vector<std::int64_t>> runs;
  std::vector<std::uint64_t> positions;
  for (int threads : {1, 2, 3}) {
    set_max_threads(threads);
    Generator gen(53, 1);
    runs.push_back(random_subsets(n, k, subsets, gen));
    positions.push_back(gen.position());
  }
  set_max_threads(saved);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    QVERIFY2(runs[r] == want, qPrintable(QString("%1 threads").arg(r + 1)));
    QCOMPARE(positions[r], one_by_one.position());
  }
}

void TestSampling::normal_quantile_round_trip_data() {
  QTest::addColumn<double>("p");
  for (double p : {1e-300, 1e-20, 1e-5, 0.3, 0.5, 0.9, 1.0 - 1e-12}) {
    QTest::newRow(qPrintable(QString("p = %1").arg(p, 0, 'g', 13))) << p;
  }
}

// Φ(Φ⁻¹(p)) = p to 1e-12 relative. Above 1/2 the check is on the complement, Φ(−x) = 1 − p, where
// 1 − p is exact (Sterbenz) and carries all the information p has.
void TestSampling::normal_quantile_round_trip() {
  QFETCH(double, p);
  const double x = normal_quantile(p);
  QVERIFY(std::isfinite(x));
  const double want = p < 0.5 ? p : 1.0 - p;
  const double got = p < 0.5 ? normal_cdf(x) : normal_cdf(-x);
  QVERIFY2(std::abs(got - want) <= 1e-12 * want,
           qPrintable(QString("x = %1, round trip %2, want %3")
                          .arg(x, 0, 'g', 17)
                          .arg(got, 0, 'g', 17)
                          .arg(want, 0, 'g', 17)));
}

void TestSampling::normal_quantile_known_values_data() {
  QTest::addColumn<double>("p");
  QTest::addColumn<double>("expected");
  // Φ⁻¹(0.975) = 1.959963984540054 is the textbook 97.5% point (NIST/SEMATECH e-Handbook,
  // table 1.3.6.7.1); the double nearest 0.975 maps to 1.9599639845400539 (mpmath), within 1 ulp.
  QTest::newRow("0.975") << 0.975 << 1.959963984540054;
  QTest::newRow("0.025") << 0.025 << -1.9599639845400542;
  QTest::newRow("0.5, exactly 0 by symmetry") << 0.5 << 0.0;
  // The rest: mpmath 1.3 at 50 digits, root of log Φ(x) = log p for the double p, rounded.
  QTest::newRow("1e-300") << 1e-300 << -37.047096299361199;
  QTest::newRow("1e-20") << 1e-20 << -9.2623400897984076;
  QTest::newRow("1e-5") << 1e-5 << -4.2648907939228246;
  QTest::newRow("0.3") << 0.3 << -0.52440051270804082;
  QTest::newRow("0.9") << 0.9 << 1.2815515655446006;
  QTest::newRow("1 - 1e-12") << 1.0 - 1e-12 << 7.0344869100478352;
}

// "Accurate to a few ulp" (sampling.h): 2e-15 relative is about ten ulp.
void TestSampling::normal_quantile_known_values() {
  QFETCH(double, p);
  QFETCH(double, expected);
  const double got = normal_quantile(p);
  QVERIFY2(std::abs(got - expected) <= 2e-15 * std::abs(expected),
           qPrintable(QString("got %1, want %2").arg(got, 0, 'g', 17).arg(expected, 0, 'g', 17)));
}

void TestSampling::normal_cdf_known_values_data() {
  QTest::addColumn<double>("x");
  QTest::addColumn<double>("expected");
  // mpmath 1.3 ncdf at 60 digits, rounded to 17.
  QTest::newRow("0") << 0.0 << 0.5;
  QTest::newRow("-1") << -1.0 << 0.15865525393145705;
  QTest::newRow("1") << 1.0 << 0.84134474606854295;
  QTest::newRow("-10") << -10.0 << 7.6198530241605261e-24;
  QTest::newRow("-20") << -20.0 << 2.7536241186062337e-89;
  QTest::newRow("-37.5 (near the smallest normal double)") << -37.5 << 4.6053530095819548e-308;
}

// The relative condition number of Φ is x·φ(x)/Φ(x) ≈ x² in the lower tail, so the usual
// erfc(−x/√2)/2, which rounds x/√2, is off by about x²·ε there (scipy.special.ndtr does the same).
// The bound asks for that and no more: 4ε·max(1, x²), exact at 0.
void TestSampling::normal_cdf_known_values() {
  QFETCH(double, x);
  QFETCH(double, expected);
  const double tolerance = 4.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, x * x);
  const double got = normal_cdf(x);
  QVERIFY2(std::abs(got - expected) <= (x == 0.0 ? 0.0 : tolerance * expected),
           qPrintable(QString("got %1, want %2").arg(got, 0, 'g', 17).arg(expected, 0, 'g', 17)));
}

}  // namespace initscope

QTEST_APPLESS_MAIN(initscope::TestSampling)
#include "tst_sampling.moc"
