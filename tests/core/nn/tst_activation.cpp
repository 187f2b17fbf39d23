// Activations: values at known points, and every derivative against central finite differences.
#include <QtTest>

#include <cmath>

#include "core/nn/activation.h"

using namespace initscope;

class TestActivation : public QObject {
  Q_OBJECT

 private slots:
  void known_values_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("z");
    QTest::addColumn<double>("expected");
    const double lambda = 1.0507009873554805, alpha = 1.6732632423543772;
    QTest::newRow("identity") << "identity" << -2.5 << -2.5;
    QTest::newRow("linear alias") << "linear" << 3.0 << 3.0;
    QTest::newRow("sigmoid 0") << "sigmoid" << 0.0 << 0.5;
    QTest::newRow("sigmoid -1000 no overflow") << "sigmoid" << -1000.0 << 0.0;
    QTest::newRow("tanh 0.5") << "tanh" << 0.5 << std::tanh(0.5);
    QTest::newRow("relu -1") << "relu" << -1.0 << 0.0;
    QTest::newRow("relu 2") << "relu" << 2.0 << 2.0;
    QTest::newRow("leaky_relu default slope") << "leaky_relu" << -2.0 << -0.02;
    QTest::newRow("prelu default slope") << "prelu" << -2.0 << -0.5;
    QTest::newRow("elu -1") << "elu" << -1.0 << std::exp(-1.0) - 1;
    QTest::newRow("selu -1") << "selu" << -1.0 << lambda * alpha * (std::exp(-1.0) - 1);
    QTest::newRow("selu 2") << "selu" << 2.0 << 2 * lambda;
    // Φ(1) = 0.8413447460685429 (standard normal table), so gelu(1) = Φ(1).
    QTest::newRow("gelu 1") << "gelu" << 1.0 << 0.8413447460685429;
    QTest::newRow("silu 1") << "silu" << 1.0 << 1 / (1 + std::exp(-1.0));
    QTest::newRow("softplus 0") << "softplus" << 0.0 << std::log(2.0);
    QTest::newRow("softplus above threshold") << "softplus" << 30.0 << 30.0;
    QTest::newRow("softplus -1000 no underflow trouble") << "softplus" << -1000.0 << 0.0;
    QTest::newRow("softsign 1") << "softsign" << 1.0 << 0.5;
    QTest::newRow("softsign -3") << "softsign" << -3.0 << -0.75;
  }
  void known_values() {
    QFETCH(QString, name);
    QFETCH(double, z);
    QFETCH(double, expected);
    const auto fn = ActivationFn::make(parse_name<Activation>(name.toStdString()));
    QVERIFY2(
        std::abs(fn.value(z) - expected) <= 1e-15 * std::max(1.0, std::abs(expected)),
        qPrintable(QString("%1 vs %2").arg(fn.value(z), 0, 'g', 17).arg(expected, 0, 'g', 17)));
  }

  void derivative_matches_finite_differences_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("param");
    const double none = std::nan("");
    for (std::string_view name : canonical_names<Activation>()) {
      QTest::newRow(std::string(name).c_str())
          << QString::fromUtf8(name.data(), name.size()) << none;
    }
    QTest::newRow("leaky_relu 0.3") << "leaky_relu" << 0.3;
    QTest::newRow("elu 2") << "elu" << 2.0;
  }
  void derivative_matches_finite_differences() {
    QFETCH(QString, name);
    QFETCH(double, param);
    const auto fn = ActivationFn::make(parse_name<Activation>(name.toStdString()),
                                       std::isnan(param) ? std::nullopt : std::optional(param));
    // Central differences with h = 1e-5 have truncation error h²·|φ'''|/6 ≲ 1e-10 and rounding
    // error eps/h ≈ 1e-11; 1e-7 leaves room for both. Points avoid the kink at 0.
    const double h = 1e-5;
    for (double z : {-6.0, -2.5, -1.0, -0.3, -1e-3, 1e-3, 0.3, 1.0, 2.5, 6.0, 19.0, 21.0}) {
      const double numeric = (fn.value(z + h) - fn.value(z - h)) / (2 * h);
      QVERIFY2(std::abs(fn.derivative(z) - numeric) <= 1e-7,
               qPrintable(QString("z=%1: %2 vs %3")
                              .arg(z)
                              .arg(fn.derivative(z), 0, 'g', 12)
                              .arg(numeric, 0, 'g', 12)));
    }
  }

  void derivative_at_the_kink_follows_torch() {
    // torch's backward uses the z > 0 test: relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = α.
    QCOMPARE(ActivationFn::make(Activation::relu).derivative(0.0), 0.0);
    QCOMPARE(ActivationFn::make(Activation::leaky_relu, 0.2).derivative(0.0), 0.2);
    QCOMPARE(ActivationFn::make(Activation::elu).derivative(0.0), 1.0);
  }

  // An exploding network feeds Inf and NaN into the activations: they must come out as torch's do
  // (NaN stays NaN everywhere; relu(NaN) used to give 0 here and made overflowed layers read 0).
  void non_finite_inputs_follow_torch_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("z");
    QTest::addColumn<double>("expected");
    const double nan = std::nan(""), inf = HUGE_VAL;
    for (std::string_view name : canonical_names<Activation>()) {
      QTest::newRow((std::string(name) + " NaN").c_str())
          << QString::fromUtf8(name.data(), name.size()) << nan << nan;
    }
    QTest::newRow("relu +Inf") << "relu" << inf << inf;
    QTest::newRow("relu -Inf") << "relu" << -inf << 0.0;
    QTest::newRow("tanh -Inf") << "tanh" << -inf << -1.0;
    QTest::newRow("sigmoid +Inf") << "sigmoid" << inf << 1.0;
    QTest::newRow("leaky_relu -Inf") << "leaky_relu" << -inf << -inf;
    QTest::newRow("elu -Inf") << "elu" << -inf << -1.0;
    QTest::newRow("softsign +Inf (Inf/Inf)") << "softsign" << inf << nan;
  }
  void non_finite_inputs_follow_torch() {
    QFETCH(QString, name);
    QFETCH(double, z);
    QFETCH(double, expected);
    const auto fn = ActivationFn::make(parse_name<Activation>(name.toStdString()));
    auto same = [&](double got) {
      return std::isnan(expected) ? std::isnan(got) : got == expected;
    };
    QVERIFY2(same(fn.value(z)), qPrintable(QString("scalar: %1").arg(fn.value(z))));
    // The batch kernels, in both precisions, on a row long enough to take the vector path.
    MatrixR<float> zf = MatrixR<float>::Constant(1, 37, static_cast<float>(z)), hf(1, 37);
    activation_forward<float>(fn, zf, hf);
    MatrixR<double> zd = MatrixR<double>::Constant(1, 37, z), hd(1, 37);
    activation_forward<double>(fn, zd, hd);
    for (int j = 0; j < 37; ++j) {
      QVERIFY2(same(hf(0, j)), qPrintable(QString("float[%1]: %2").arg(j).arg(hf(0, j))));
      QVERIFY2(same(hd(0, j)), qPrintable(QString("double[%1]: %2").arg(j).arg(hd(0, j))));
    }
  }

  void params() {
    QCOMPARE(default_param(Activation::leaky_relu), std::optional(0.01));
    QCOMPARE(default_param(Activation::prelu), std::optional(0.25));
    QCOMPARE(default_param(Activation::elu), std::optional(1.0));
    QVERIFY(!takes_param(Activation::tanh));
    // A parameter given to an activation that has none is dropped.
    QCOMPARE(ActivationFn::make(Activation::tanh, 3.0).param, 0.0);
    QCOMPARE(ActivationFn::make(Activation::elu, 0.5).param, 0.5);
  }
};

QTEST_APPLESS_MAIN(TestActivation)
#include "tst_activation.moc"
