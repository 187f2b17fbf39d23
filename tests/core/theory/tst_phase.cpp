// The order-to-chaos phase diagram (core/theory/phase.h): fixed points, χ₁, the critical line, the grid.
//
// Reference values marked "mpmath" were computed independently of the Gauss–Hermite rule, with
// mpmath at 25 to 30 digits: adaptive tanh-sinh integration of the Gaussian integrals (split at
// 0 and ±5), findroot on q = f(q) after 60 to 200 plain iterations from q_1, and findroot on
// χ₁(σ_w²) = 1 for the critical line. The rule and the solvers reproduce them to 3e-14 (q*),
// 4e-15 (χ₁), 4e-14 (tanh's line) and 5e-13 (sigmoid's line, at q* ≈ 40); the tolerances below
// leave a factor of 2 to 10 over that.
#include <QtTest>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/theory/mean_field.h"
#include "core/theory/phase.h"
#include "core/init/schemes.h"

using namespace initscope;

namespace {

const double kInf = std::numeric_limits<double>::infinity();

ActivationFn fn(Activation kind) {
  return ActivationFn::make(kind);
}

bool close(double got, double want, double rel) {
  return std::abs(got - want) <= rel * std::max(1.0, std::abs(want));
}

QString show(double got, double want) {
  return QString("%1 vs %2").arg(got, 0, 'g', 17).arg(want, 0, 'g', 17);
}

// The limit of q_{l+1} = f(q_l) from q_1 = σ_w² + σ_b² by the plain iteration, stopped when a step
// is below 1e-15·q (error ≈ step·r/(1 − r) at contraction rate r), past 1e12 (∞) or below 1e-200
// (0). NaN if it has not settled in 100000 steps.
double plain_iteration(const ActivationFn& phi, double sw2, double sb2) {
  double q = sw2 + sb2;
  for (int l = 0; l < 100000; ++l) {
    const double next = sw2 * mean_square_activation(phi, q) + sb2;
    if (next > 1e12) return kInf;
    if (next < 1e-200) return 0.0;
    if (std::abs(next - q) <= 1e-15 * next) return next;
    q = next;
  }
  return std::nan("");
}

}  // namespace

class TestPhase : public QObject {
  Q_OBJECT

 private slots:
  void relu_critical_point() {
    // Kaiming's σ_w² = 2: χ₁ = 2·E[relu′²] = 2·½, and every q is fixed; the network's is q_1 = 2.
    const FixedPoint fp = fixed_point(fn(Activation::relu), 2.0, 0.0);
    QVERIFY(fp.finite());
    QCOMPARE(fp.q, 2.0);
    QVERIFY(std::abs(chi1(fn(Activation::relu), 2.0, 0.0) - 1) <= 1e-12);
    QCOMPARE(depth_scale(chi1(fn(Activation::relu), 2.0, 0.0)), kInf);
  }

  void relu_chi_is_half_sigma_w2_data() {
    QTest::addColumn<double>("sw2");
    QTest::addColumn<double>("sb2");
    for (double sw2 : {0.25, 1.0, 1.9, 2.0, 2.1, 3.0, 4.0})
      for (double sb2 : {0.0, 0.1}) QTest::addRow("sw2=%g sb2=%g", sw2, sb2) << sw2 << sb2;
  }
  void relu_chi_is_half_sigma_w2() {
    // V(q) = q/2 and E[relu′²] = ½ at every q: χ₁ = σ_w²/2, q* = σ_b²/(1 − σ_w²/2) below 2, and
    // q grows without bound from 2 on (at 2 only with σ_b² > 0).
    QFETCH(double, sw2);
    QFETCH(double, sb2);
    const ActivationFn relu = fn(Activation::relu);
    QVERIFY(std::abs(chi1(relu, sw2, sb2) - sw2 / 2) <= 1e-15 * sw2);
    const FixedPoint fp = fixed_point(relu, sw2, sb2);
    if (sw2 < 2) {
      QVERIFY(close(fp.q, sb2 / (1 - sw2 / 2), 1e-15));
    } else {
      QCOMPARE(fp.finite(), sw2 == 2 && sb2 == 0);
    }
    // The closed form agrees with the quadrature of the same expectation at any q > 0 (at q = 0
    // the quadrature sees relu′(0) = 0 only; the limit q → 0⁺ is ½).
    QVERIFY(std::abs(fp.mean_square_derivative - mean_square_derivative(relu, 0.7)) <= 1e-15);
  }

  void homogeneous_critical_line() {
    // χ₁ = σ_w²·E[φ′²] whatever σ_b²: the line is σ_w² = 1/E[φ′²], 2 for relu.
    const std::vector<double> sb2{0.0, 0.05, 0.25, 1.0};
    for (const double s : critical_line(fn(Activation::relu), sb2)) QVERIFY(std::abs(s - 2) < 1e-9);
    for (const double s : critical_line(fn(Activation::identity), sb2)) {
      QVERIFY(std::abs(s - 1) < 1e-9);
    }
    const ActivationFn leaky = ActivationFn::make(Activation::leaky_relu, 0.2);
    for (const double s : critical_line(leaky, sb2)) QVERIFY(std::abs(s - 2 / 1.04) < 1e-9);
  }

  void identity_fixed_point() {
    // Linear: q = σ_w²·q + σ_b², q* = σ_b²/(1 − σ_w²) for σ_w² < 1.
    const ActivationFn id = fn(Activation::identity);
    for (double sw2 : {0.0, 0.3, 0.9, 0.99}) {
      for (double sb2 : {0.0, 0.2, 1.0}) {
        QVERIFY(close(fixed_point(id, sw2, sb2).q, sb2 / (1 - sw2), 1e-14));
        QVERIFY(close(chi1(id, sw2, sb2), sw2, 1e-15));
      }
    }
    QCOMPARE(fixed_point(id, 1.0, 0.0).q, 1.0);  // every q fixed: the network's q_1 = σ_w²
    QVERIFY(!fixed_point(id, 1.0, 0.1).finite());
    QVERIFY(!fixed_point(id, 1.5, 0.0).finite());
  }

  void tanh_critical_line() {
    // φ′(0) = 1: for σ_w² ≤ 1 at σ_b² = 0, q* = 0 and χ₁ = σ_w²; above 1, q* > 0 and
    // χ₁ ≈ 1 + (4/3)·q*² > 1 (series of tanh²), so the line starts at exactly σ_w² = 1.
    const ActivationFn tanh = fn(Activation::tanh);
    const std::vector<double> sb2{0.0, 0.01, 0.05, 0.1, 0.25};
    const std::vector<double> line = critical_line(tanh, sb2);
    QVERIFY2(std::abs(line[0] - 1) < 1e-12, qPrintable(show(line[0], 1)));
    // mpmath: the root of χ₁(σ_w², σ_b²) = 1 (1.76 at σ_b² = 0.05, as the issue has it).
    const double mpmath[] = {1.4242052904885957378, 1.7609546396067391473, 1.9860726411358642279,
                             2.401489235108370674};
    for (std::size_t k = 1; k < sb2.size(); ++k) {
      QVERIFY2(close(line[k], mpmath[k - 1], 2e-13), qPrintable(show(line[k], mpmath[k - 1])));
      QVERIFY(line[k] > line[k - 1]);
      QVERIFY(std::abs(chi1(tanh, line[k], sb2[k]) - 1) < 1e-12);
    }
  }

  void depth_scale_values() {
    // ξ = 1/|ln χ₁|: −1/ln χ₁ on the ordered side, 1/ln χ₁ on the chaotic side, ∞ at 1.
    QVERIFY(close(depth_scale(std::exp(-0.1)), 10, 1e-14));
    QVERIFY(close(depth_scale(std::exp(0.25)), 4, 1e-14));
    QCOMPARE(depth_scale(1.0), kInf);
    QCOMPARE(depth_scale(0.0), 0.0);
    // tanh at (1.5, 0.05), χ₁ = 0.938636…: ξ = 15.790994034122879793 (mpmath).
    const double xi = depth_scale(chi1(fn(Activation::tanh), 1.5, 0.05));
    QVERIFY2(close(xi, 15.790994034122879793, 1e-12), qPrintable(show(xi, 15.790994034122879793)));
    // relu at σ_w² = 1.8: χ₁ = 0.9, ξ = −1/ln 0.9 = 9.4912…
    QVERIFY(close(depth_scale(chi1(fn(Activation::relu), 1.8, 0.1)), -1 / std::log(0.9), 1e-14));
  }

  void zero_and_infinite_fixed_points() {
    const ActivationFn tanh = fn(Activation::tanh);
    // tanh, σ_b² = 0, σ_w² ≤ 1: q decays to 0 and χ₁ = σ_w²·tanh′(0)² = σ_w².
    for (double sw2 : {0.3, 0.9, 1.0}) {
      QCOMPARE(fixed_point(tanh, sw2, 0.0).q, 0.0);
      QCOMPARE(chi1(tanh, sw2, 0.0), sw2);
    }
    // Just above 1, the small positive root of the series 1/σ_w² = 1 − 2q + (17/3)q² − …
    const double eps = 1e-4;
    const double q = fixed_point(tanh, 1 + eps, 0.0).q;
    QVERIFY2(std::abs(q - eps / 2) < eps * eps, qPrintable(show(q, eps / 2)));
    // σ_w² = 0: q* = σ_b², χ₁ = 0, log χ₁ = −∞ and ξ = 0.
    QCOMPARE(fixed_point(tanh, 0.0, 0.3).q, 0.3);
    QCOMPARE(chi1(tanh, 0.0, 0.3), 0.0);
    // elu (α = 1, elu′(0±) = 1): like tanh at the origin.
    QCOMPARE(fixed_point(fn(Activation::elu), 0.8, 0.0).q, 0.0);
    QCOMPARE(chi1(fn(Activation::elu), 0.8, 0.0), 0.8);
    // Unbounded activations that grow like relu: q* = ∞ beyond σ_w² = 2 (elu: V(q) > q/2), and
    // χ₁ is the limit σ_w²·(φ′(−∞)² + φ′(∞)²)/2.
    for (Activation kind : {Activation::elu, Activation::softplus, Activation::gelu}) {
      const FixedPoint fp = fixed_point(fn(kind), 3.0, 0.1);
      QVERIFY(!fp.finite());
      QCOMPARE(chi1(fn(kind), 3.0, 0.1), 1.5);
    }
    // SELU's slope λ on the right: q* = ∞ from σ_w² = 2/λ², and χ₁ → σ_w²·λ²/2.
    const double lambda2 = kSeluLambda * kSeluLambda;
    QVERIFY(!fixed_point(fn(Activation::selu), 2.0 / lambda2, 0.0).finite());
    QVERIFY(close(chi1(fn(Activation::selu), 2.5, 0.0), 2.5 * lambda2 / 2, 1e-15));
    // Bounded ones never diverge.
    for (Activation kind : {Activation::tanh, Activation::sigmoid, Activation::softsign}) {
      QVERIFY(fixed_point(fn(kind), 1e6, 1.0).finite());
    }
  }

  void reference_points_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("sw2");
    QTest::addColumn<double>("sb2");
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("chi");
    // mpmath (softplus as log(1 + eˣ), without torch's linear branch past 20: 2e-9 of its mass).
    struct Row {
      const char* name;
      double sw2, sb2, q, chi;
    };
    const Row rows[] = {
        {"tanh", 1.5, 0.05, 0.41803720053347786017, 0.93863626819885115122},  // ordered
        {"tanh", 2.0, 0.1, 0.81464401006600072292, 1.0030069150756670503},    // near critical
        {"tanh", 3.0, 0.25, 1.7333100230475788236, 1.1148637985625119936},    // chaotic
        {"tanh", 1.2, 0.0, 0.1070787479798470258, 1.0093777959156476074},     // chaotic, σ_b² = 0
        {"elu", 1.5, 0.0, 0.740075326274573634, 1.03118661438148989},
        {"elu", 1.5, 0.1, 1.43904410055268904, 0.969107647182658741},
        {"softplus", 1.0, 0.05, 0.947450992801338994, 0.291716999119627436},
        {"gelu", 1.5, 0.1, 0.191925429224034993, 0.507109867464707247},
        {"sigmoid", 4.0, 0.1, 1.30930814100515804, 0.167592902418946129},
        {"softsign", 2.0, 0.05, 0.19838808979503292, 0.810329814474803207},
    };
    for (const Row& r : rows) {
      QTest::addRow("%s %g, %g", r.name, r.sw2, r.sb2)
          << QString(r.name) << r.sw2 << r.sb2 << r.q << r.chi;
    }
  }
  void reference_points() {
    QFETCH(QString, name);
    QFETCH(double, sw2);
    QFETCH(double, sb2);
    QFETCH(double, q);
    QFETCH(double, chi);
    const ActivationFn phi = fn(parse_name<Activation>(name.toStdString()));
    const double got_q = fixed_point(phi, sw2, sb2).q;
    const double got_chi = chi1(phi, sw2, sb2);
    // The references carry 18+ digits; the rule and Newton agree with them to a few 1e-15.
    QVERIFY2(close(got_q, q, 1e-13), qPrintable(show(got_q, q)));
    QVERIFY2(close(got_chi, chi, 1e-13), qPrintable(show(got_chi, chi)));
  }

  void fixed_point_equation_data() {
    QTest::addColumn<QString>("name");
    for (std::string_view name : canonical_names<Activation>()) {
      QTest::newRow(std::string(name).c_str()) << QString::fromUtf8(name.data(), name.size());
    }
  }
  void fixed_point_equation() {
    // q* solves q = σ_w²·E[φ(√q z)²] + σ_b² (to 1e-12), carries E[φ′(√q* z)²] as
    // mean_square_derivative computes it, and is the limit the plain iteration reaches.
    QFETCH(QString, name);
    const ActivationFn phi = fn(parse_name<Activation>(name.toStdString()));
    int checked = 0;
    for (double sw2 : {0.5, 1.2, 1.9, 2.5, 3.5, 6.0}) {
      for (double sb2 : {0.0, 0.01, 0.05, 0.3}) {
        const FixedPoint fp = fixed_point(phi, sw2, sb2);
        const double plain = plain_iteration(phi, sw2, sb2);
        if (fp.finite() && fp.q > 0) {
          const double residual = sw2 * mean_square_activation(phi, fp.q) + sb2 - fp.q;
          QVERIFY2(std::abs(residual) <= 1e-12 * fp.q,
                   qPrintable(QString("σ_w² %1 σ_b² %2: q* %3, residual %4")
                                  .arg(sw2)
                                  .arg(sb2)
                                  .arg(fp.q, 0, 'g', 17)
                                  .arg(residual)));
          // Summed in another order (tanh, softsign: half the rule, doubled): 1e-14.
          QVERIFY(std::abs(fp.mean_square_derivative - mean_square_derivative(phi, fp.q)) <=
                  1e-14 * std::max(1.0, fp.mean_square_derivative));
        }
        if (std::isnan(plain)) continue;  // too slow to settle by plain iteration
        ++checked;
        QVERIFY2(fp.q == plain || close(fp.q, plain, 1e-10),
                 qPrintable(QString("σ_w² %1 σ_b² %2: ").arg(sw2).arg(sb2) + show(fp.q, plain)));
        QVERIFY(fp.passes <= 60);
      }
    }
    QVERIFY(checked >= 20);
  }

  void grid_orientation() {
    const ActivationFn tanh = fn(Activation::tanh);
    const PhaseRanges ranges{{0.5, 4.0}, {0.0, 0.3}};
    const PhaseGrid grid = phase_grid(tanh, ranges, 7, 5);
    QCOMPARE(grid.nx, 7);
    QCOMPARE(grid.ny, 5);
    QCOMPARE(grid.log_chi1.size(), std::size_t(35));
    QCOMPARE(grid.q_star.size(), std::size_t(35));
    // Cell centres: σ_w² = 0.5 + (i + ½)·0.5, σ_b² = (j + ½)·0.06.
    QVERIFY(close(grid.sigma_w2(0), 0.75, 1e-15));
    QVERIFY(close(grid.sigma_w2(6), 3.75, 1e-15));
    QVERIFY(close(grid.sigma_b2(0), 0.03, 1e-15));
    QVERIFY(close(grid.sigma_b2(4), 0.27, 1e-15));
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const double sw2 = grid.sigma_w2(i);
        const double sb2 = grid.sigma_b2(j);
        const std::size_t k = static_cast<std::size_t>(j) * 7 + static_cast<std::size_t>(i);
        // QCOMPARE: to 1e-12; the grid's warm-started Newton and the cold one agree to ~1e-14.
        QCOMPARE(grid.log_chi1[k], std::log(chi1(tanh, sw2, sb2)));
        QCOMPARE(grid.at(i, j), grid.log_chi1[k]);
        QCOMPARE(grid.q_star[k], fixed_point(tanh, sw2, sb2).q);
      }
    }
    // The corners: ordered at small σ_w² and large σ_b², chaotic at large σ_w² and small σ_b².
    QVERIFY(grid.at(0, 4) < 0);
    QVERIFY(grid.at(6, 0) > 0);
    // One cell grid: the centre of the ranges.
    const PhaseGrid one = phase_grid(tanh, ranges, 1, 1);
    QVERIFY(close(one.sigma_w2(0), 2.25, 1e-15));
    QVERIFY(close(one.sigma_b2(0), 0.15, 1e-15));
  }

  void one_crossing_per_row_data() { fixed_point_equation_data(); }
  void one_crossing_per_row() {
    // Along every row of the default diagram χ₁ crosses 1 once (from below, with σ_w²), in the
    // cell where critical_line puts the line, and critical_line's values are sign changes. χ₁ is
    // not monotone everywhere: elu's and selu's dips back towards 1 where q* turns infinite.
    QFETCH(QString, name);
    const ActivationFn phi = fn(parse_name<Activation>(name.toStdString()));
    const PhaseGrid grid = phase_grid(phi, default_phase_ranges(phi), 100, 12);
    std::vector<double> sb2;
    for (int j = 0; j < grid.ny; ++j) sb2.push_back(grid.sigma_b2(j));
    const std::vector<double> line = critical_line(phi, sb2);
    for (int j = 0; j < grid.ny; ++j) {
      QVERIFY(std::log(chi1(phi, line[j] * (1 - 1e-9), sb2[j])) < 0);
      QVERIFY(std::log(chi1(phi, line[j] * (1 + 1e-9), sb2[j])) >= 0);
      int crossings = 0;
      for (int i = 1; i < grid.nx; ++i) {
        if ((grid.at(i - 1, j) < 0) == (grid.at(i, j) < 0)) continue;
        ++crossings;
        QVERIFY(grid.at(i - 1, j) < 0);
        // gelu, near σ_w² = 2, has χ₁ crossing 1 up to three times within one cell, where q*
        // jumps between fixed points: critical_line finds one of them.
        if (phi.kind != Activation::gelu) {
          QVERIFY2(line[j] >= grid.sigma_w2(i - 1) && line[j] <= grid.sigma_w2(i),
                   qPrintable(QString("row %1: line at %2").arg(j).arg(line[j])));
        }
      }
      QCOMPARE(crossings, 1);
    }
  }

  void default_ranges() {
    // tanh and relu: Schoenholz et al.'s σ_w² ∈ [1, 4], σ_b² ∈ [0, 0.25], widened to 0.5 to show
    // tanh's line start at σ_w² = 1.
    for (Activation kind : {Activation::tanh, Activation::relu}) {
      const PhaseRanges r = default_phase_ranges(fn(kind));
      QCOMPARE(r.sigma_w2.lo, 0.5);
      QCOMPARE(r.sigma_w2.hi, 4.0);
      QCOMPARE(r.sigma_b2.lo, 0.0);
      QCOMPARE(r.sigma_b2.hi, 0.25);
    }
    // sigmoid: φ′(0) = ¼ and φ(0) = ½ put its line near σ_w² = 103.
    const PhaseRanges r = default_phase_ranges(fn(Activation::sigmoid));
    QCOMPARE(r.sigma_w2.lo, 25.0);
    QCOMPARE(r.sigma_w2.hi, 200.0);
  }

  void sigmoid_critical_line() {
    // mpmath: 103.007553855519322 at σ_b² = 0, 103.609181759993098 at 0.25.
    const std::vector<double> line = critical_line(fn(Activation::sigmoid), {0.0, 0.25});
    QVERIFY2(close(line[0], 103.007553855519322, 1e-12), qPrintable(show(line[0], 103.0075538555)));
    QVERIFY2(close(line[1], 103.609181759993098, 1e-12), qPrintable(show(line[1], 103.6091817600)));
  }

  void click_sets_gain_and_bias() {
    // A hidden layer [width, width] of the gain-taking schemes has fan_in·Var(W) = gain².
    const std::int64_t width = 256;
    const double sw2 = 2.7;
    const double gain = gain_for_sigma_w2(sw2);
    QVERIFY(close(gain, std::sqrt(2.7), 1e-15));
    InitArgs args;
    args.gain = gain;
    for (Scheme scheme : {Scheme::xavier_uniform, Scheme::xavier_normal, Scheme::kaiming_uniform,
                          Scheme::kaiming_normal}) {
      const Law law = law_of(scheme, args, {width, width});
      const double variance = law.kind == LawKind::uniform
                                  ? (law.high - law.low) * (law.high - law.low) / 12
                                  : law.std * law.std;
      QVERIFY2(close(width * variance, sw2, 1e-14), name_of(scheme).data());
    }
    QVERIFY(close(gain_for_sigma_w2(2.0, 0.5), 2.0, 1e-15));
    const BiasInit zero = bias_init_for_sigma_b2(0.0);
    QVERIFY(zero.kind == BiasInit::Kind::zeros);
    const BiasInit bias = bias_init_for_sigma_b2(0.04);
    QVERIFY(bias.kind == BiasInit::Kind::constant);
    QVERIFY(close(bias.value, 0.2, 1e-15));
  }

  void bad_input() {
    const ActivationFn tanh = fn(Activation::tanh);
    QVERIFY_THROWS_EXCEPTION(InputError, fixed_point(tanh, -1.0, 0.0));
    QVERIFY_THROWS_EXCEPTION(InputError, chi1(tanh, 1.0, -0.1));
    QVERIFY_THROWS_EXCEPTION(InputError, chi1(tanh, std::nan(""), 0.0));
    QVERIFY_THROWS_EXCEPTION(InputError, phase_grid(tanh, {{2.0, 1.0}, {0.0, 0.1}}, 4, 4));
    QVERIFY_THROWS_EXCEPTION(InputError, phase_grid(tanh, {}, 0, 4));
    QVERIFY_THROWS_EXCEPTION(InputError, critical_line(tanh, {-0.1}));
  }
};

QTEST_GUILESS_MAIN(TestPhase)
#include "tst_phase.moc"
