// The half-range Gauss–Hermite rule: exact moments, and every activation's E[φ(z)²] against an
// independent integration (composite Simpson on each half line, where the integrands are smooth).
#include <QtTest>

#include <cmath>
#include <numbers>

#include "core/nn/activation.h"
#include "core/theory/quadrature.h"

using namespace initscope;

namespace {

// Composite Simpson on [a, b] with n (even) intervals: error ~ (b−a)·h⁴·max|f⁗|/180 ≈ 1e-16 here.
template <typename F>
double simpson(F f, double a, double b, int n) {
  const double h = (b - a) / n;
  double sum = f(a) + f(b);
  for (int i = 1; i < n; ++i) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return sum * h / 3;
}

double normal_pdf(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
}

}  // namespace

class TestQuadrature : public QObject {
  Q_OBJECT

 private slots:
  void rule_shape() {
    const GaussHermiteRule& rule = gauss_hermite();
    QCOMPARE(rule.nodes.size(), std::size_t(2 * kGaussHermiteNodes));
    QVERIFY(kGaussHermiteNodes >= 64);  // SPEC: at least 64 nodes
    double total = 0;
    for (std::size_t i = 0; i < rule.nodes.size(); ++i) {
      total += rule.weights[i];
      QVERIFY(rule.weights[i] > 0);
      if (i > 0) QVERIFY(rule.nodes[i] > rule.nodes[i - 1]);
      QCOMPARE(rule.nodes[i], -rule.nodes[rule.nodes.size() - 1 - i]);
    }
    QVERIFY(std::abs(total - 1) < 1e-14);
  }

  void half_line_moments_data() {
    QTest::addColumn<int>("k");
    for (int k : {0, 1, 2, 3, 5, 8, 13, 21, 30, 40})
      QTest::newRow(qPrintable(QString::number(k))) << k;
  }
  void half_line_moments() {
    // ∫₀^∞ z^k φ(z) dz = 2^{k/2} Γ((k+1)/2) / (2√π): exact for the rule up to degree 2n − 1.
    QFETCH(int, k);
    const double exact =
        std::pow(2.0, k / 2.0) * std::tgamma((k + 1) / 2.0) / (2 * std::sqrt(std::numbers::pi));
    const double got = gaussian_expectation([k](double z) { return z > 0 ? std::pow(z, k) : 0.0; });
    QVERIFY2(std::abs(got - exact) <= 1e-12 * exact,
             qPrintable(QString("%1 vs %2").arg(got, 0, 'g', 17).arg(exact, 0, 'g', 17)));
  }

  void activation_second_moment_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("param");  // NaN: the default
    const double none = std::nan("");
    for (std::string_view name : canonical_names<Activation>()) {
      QTest::newRow(std::string(name).c_str())
          << QString::fromUtf8(name.data(), name.size()) << none;
    }
    QTest::newRow("leaky_relu 0.2") << "leaky_relu" << 0.2;
    QTest::newRow("elu 0.5") << "elu" << 0.5;
    QTest::newRow("prelu -0.3") << "prelu" << -0.3;
  }
  void activation_second_moment() {
    QFETCH(QString, name);
    QFETCH(double, param);
    const auto fn = ActivationFn::make(parse_name<Activation>(name.toStdString()),
                                       std::isnan(param) ? std::nullopt : std::optional(param));
    auto integrand = [&](double z) {
      const double h = fn.value(z);
      return h * h * normal_pdf(z);
    };
    // Split at the kink at 0; beyond ±40 the density is below 1e-347.
    const double reference = simpson(integrand, -40, 0, 400000) + simpson(integrand, 0, 40, 400000);
    const double got = gaussian_expectation([&](double z) {
      const double h = fn.value(z);
      return h * h;
    });
    QVERIFY2(std::abs(got - reference) <= 1e-12 * reference,
             qPrintable(QString("%1 vs %2").arg(got, 0, 'g', 17).arg(reference, 0, 'g', 17)));
  }

  void rules_are_cached_and_sized() {
    QCOMPARE(&gauss_hermite(32), &gauss_hermite(32));
    QCOMPARE(gauss_hermite(1).nodes.size(), std::size_t(2));
    // One node per half: the half-normal mean √(2/π), weight 1/2 each.
    QVERIFY(std::abs(gauss_hermite(1).nodes[1] - std::sqrt(2 / std::numbers::pi)) < 1e-14);
  }
};

QTEST_APPLESS_MAIN(TestQuadrature)
#include "tst_quadrature.moc"
