// The words compare mode puts in the legend.
#include <QtTest>

#include "core/compare.h"

using namespace initscope;

class TestCompare : public QObject {
  Q_OBJECT

 private slots:
  void differences_data() {
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");
    QTest::newRow("none") << "none"
                          << "same settings";
    // Default tanh + xavier_uniform: auto gain = calculate_gain("tanh") = 5/3.
    QTest::newRow("manual gain") << "gain"
                                 << "gain 1.67 → 1.0";
    QTest::newRow("same gain, other setting") << "gain_same"
                                              << "gain auto → 1.0";
    QTest::newRow("depth") << "depth"
                           << "depth 20 → 30";
    QTest::newRow("activation") << "activation"
                                << "activation tanh → relu";
    QTest::newRow("norm and its groups") << "norm"
                                         << "norm none → group, norm groups 32 → 8";
    QTest::newRow("input width vs network width") << "widths"
                                                  << "input width 32 → 16, width 256 → 128";
    QTest::newRow("optional std") << "std"
                                  << "std default → 0.02";
    QTest::newRow("seed and scheme") << "seed"
                                     << "scheme xavier_uniform → normal, seed 0 → 7";
    QTest::newRow("bias off") << "bias"
                              << "bias on → off";
  }
  void differences() {
    QFETCH(QString, change);
    QFETCH(QString, expected);
    Config before;
    if (change == "gain_same") before.activation.name = Activation::sigmoid;
    Config after = before;
    if (change == "gain") after.init.gain = {GainSetting::Kind::value, 1.0};
    if (change == "depth") after.network.depth = 30;
    if (change == "gain_same") {  // sigmoid's auto gain is 1: only the setting differs
      after.init.gain = {GainSetting::Kind::value, 1.0};
    }
    if (change == "gain_same") {  // sigmoid's auto gain is 1: only the setting differs
      after.init.gain = {GainSetting::Kind::value, 1.0};
    }
    if (change == "activation") after.activation.name = Activation::relu;
    if (change == "norm") {
      after.norm.name = Norm::group;
      after.norm.groups = 8;
    }
    if (change == "widths") {
      after.input.width = 16;
      after.network.width = 128;
    }
    if (change == "std") after.init.args.std = 0.02;
    if (change == "seed") {
      after.seed = 7;
      after.init.scheme = Scheme::normal;
    }
    if (change == "bias") after.network.bias = false;
    QCOMPARE(QString::fromStdString(difference_label(before, after)), expected);
  }

  void reversed_direction() {
    Config deeper;
    deeper.network.depth = 50;
    QCOMPARE(QString::fromStdString(difference_label(deeper, Config{})), QString("depth 50 → 20"));
  }
};

QTEST_APPLESS_MAIN(TestCompare)
#include "tst_compare.moc"
