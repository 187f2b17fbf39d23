// calculate_gain against torch.nn.init.calculate_gain, and the empirical gain.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "core/init/gain.h"

using namespace initscope;

class TestGain : public QObject {
  Q_OBJECT

 private slots:
  void torch_gain_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("param");  // NaN: no param
    QTest::addColumn<double>("expected");
    const double none = std::nan("");
    // Expected values are torch's expressions, evaluated in the same order (torch/nn/init.py).
    for (const char* name : {"linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                             "conv_transpose2d", "conv_transpose3d", "sigmoid"}) {
      QTest::newRow(name) << name << none << 1.0;
    }
    QTest::newRow("tanh") << "tanh" << none << 5.0 / 3;
    QTest::newRow("relu") << "relu" << none << std::sqrt(2.0);
    QTest::newRow("leaky_relu default slope 0.01")
        << "leaky_relu" << none << std::sqrt(2.0 / (1 + 0.01 * 0.01));
    QTest::newRow("leaky_relu 0.2") << "leaky_relu" << 0.2 << std::sqrt(2.0 / 1.04);
    QTest::newRow("leaky_relu 0 (kaiming's a=0)") << "leaky_relu" << 0.0 << std::sqrt(2.0);
    QTest::newRow("leaky_relu sqrt5 (torch default Linear)")
        << "leaky_relu" << std::sqrt(5.0) << std::sqrt(2.0 / (1 + std::sqrt(5.0) * std::sqrt(5.0)));
    QTest::newRow("selu") << "selu" << none << 0.75;
    QTest::newRow("tanh ignores param") << "tanh" << 0.3 << 5.0 / 3;
  }
  void torch_gain() {
    QFETCH(QString, name);
    QFETCH(double, param);
    QFETCH(double, expected);
    const Nonlinearity nl = parse_name<Nonlinearity>(name.toStdString());
    const std::optional<double> p = std::isnan(param) ? std::nullopt : std::optional(param);
    QCOMPARE(calculate_gain(nl, p), expected);
  }

  void exact_constants() {
    // The literal values quoted in the SPEC, to the last bit.
    QCOMPARE(calculate_gain(Nonlinearity::tanh), 1.6666666666666667);
    QCOMPARE(calculate_gain(Nonlinearity::relu), 1.4142135623730951);
    QCOMPARE(calculate_gain(Nonlinearity::leaky_relu, 0.2), 1.3867504905630728);
  }

  void unknown_names_are_errors_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("gelu") << "gelu";
    QTest::newRow("typo") << "rleu";
    QTest::newRow("uppercase") << "ReLU";
    QTest::newRow("empty") << "";
  }
  void unknown_names_are_errors() {
    QFETCH(QString, name);
    try {
      parse_name<Nonlinearity>(name.toStdString());
      QFAIL("no error: an unknown name must not fall back to a gain of 1");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("unknown nonlinearity"), e.what());
    }
  }

  void torch_names_of_activations() {
    QCOMPARE(torch_nonlinearity(Activation::identity), std::optional(Nonlinearity::linear));
    QCOMPARE(torch_nonlinearity(Activation::leaky_relu), std::optional(Nonlinearity::leaky_relu));
    QCOMPARE(torch_nonlinearity(Activation::selu), std::optional(Nonlinearity::selu));
    for (Activation a : {Activation::prelu, Activation::elu, Activation::gelu, Activation::silu,
                         Activation::softplus, Activation::softsign}) {
      QVERIFY(!torch_nonlinearity(a).has_value());
    }
  }

  void empirical_gain_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("identity") << "identity" << 1.0 << 1e-12;
    QTest::newRow("relu: E[relu(z)^2] = 1/2") << "relu" << std::sqrt(2.0) << 1e-6;
    // SELU's constants make E[selu(z)²] = 1 (Klambauer et al. 2017, the fixed point (0, 1)).
    QTest::newRow("selu") << "selu" << 1.0 << 1e-3;
    // ≈1.5925 as the issue states; tst_quadrature checks every activation to 1e-12 against an
    // independent integration.
    QTest::newRow("tanh") << "tanh" << 1.5925374197228 << 1e-3;
    // Odd symmetry: E[leaky(z)²] = (1 + s²)/2, so the empirical gain is torch's formula.
    QTest::newRow("leaky_relu") << "leaky_relu" << std::sqrt(2.0 / (1 + 0.01 * 0.01)) << 1e-12;
  }
  void empirical_gain() {
    QFETCH(QString, name);
    QFETCH(double, expected);
    QFETCH(double, tolerance);
    const auto fn = ActivationFn::make(parse_name<Activation>(name.toStdString()));
    const double gain = initscope::empirical_gain(fn);
    QVERIFY2(std::abs(gain - expected) <= tolerance,
             qPrintable(
                 QString("gain %1, expected %2").arg(gain, 0, 'g', 17).arg(expected, 0, 'g', 17)));
  }
};

QTEST_APPLESS_MAIN(TestGain)
#include "tst_gain.moc"
