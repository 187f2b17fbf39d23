// Training's readout and classification loss: cross-entropy by hand (values and accuracy ties),
// and every gradient (∂/∂logits, the readout's W and b, its input through the pooling) against
// central finite differences in double.
#include <cmath>
#include <vector>

#include <QtTest>

#include "core/init/sampling.h"
#include "core/nn/loss.h"
#include "core/train/readout.h"

using namespace initscope;

namespace {

MatrixR<double> random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  MatrixR<float> m(rows, cols);
  Generator gen(seed);
  fill_normal({m.data(), static_cast<std::size_t>(m.size())}, 0.0, 1.0, gen);
  return m.cast<double>();
}

// Central differences with step 1e-6: truncation h²·|L'''| ≈ 1e-12, rounding ε·|L|/h ≈ 1e-10 for a
// loss of order 1, so 1e-7 (relative, or absolute near 0) has a margin of 10³.
void check(double analytic, double& value, const std::function<double()>& loss, const char* what,
           Eigen::Index i) {
  const double step = 1e-6;
  value += step;
  const double up = loss();
  value -= 2 * step;
  const double down = loss();
  value += step;
  const double numeric = (up - down) / (2 * step);
  QVERIFY2(std::abs(analytic - numeric) <= 1e-7 * std::max(1.0, std::abs(numeric)),
           qPrintable(QString("%1 %2: analytic %3, numeric %4")
                          .arg(what)
                          .arg(i)
                          .arg(analytic, 0, 'g', 12)
                          .arg(numeric, 0, 'g', 12)));
}

}  // namespace

class TestReadout : public QObject {
  Q_OBJECT

 private slots:
  // logits (0, ln 3): softmax (1/4, 3/4), so the loss is −ln(3/4) for label 1 and ln 4 for label
  // 0; the mean of the two rows is their average. ∂L/∂logits = (p − one-hot)/rows.
  void cross_entropy_by_hand() {
    MatrixR<double> logits(2, 2);
    logits << 0.0, std::log(3.0), 0.0, std::log(3.0);
    const std::vector<std::uint8_t> labels{1, 0};
    const ClassificationLoss<double> loss = cross_entropy<double>(logits, labels);
    QVERIFY(std::abs(loss.value - (-std::log(0.75) + std::log(4.0)) / 2) < 1e-15);
    QCOMPARE(loss.accuracy, 0.5);
    QVERIFY(std::abs(loss.gradient(0, 0) - 0.125) < 1e-15);
    QVERIFY(std::abs(loss.gradient(0, 1) - (-0.125)) < 1e-15);
    QVERIFY(std::abs(loss.gradient(1, 0) - (-0.375)) < 1e-15);
    QVERIFY(std::abs(loss.gradient(1, 1) - 0.375) < 1e-15);
  }

  // Large logits do not overflow (the maximum is taken out), and a tie counts for the first class,
  // as torch's argmax picks it.
  void cross_entropy_is_stable_and_ties_go_first() {
    MatrixR<float> logits(2, 3);
    logits << 1000.0f, 1000.0f, -1000.0f, 5.0f, 5.0f, 5.0f;
    const std::vector<std::uint8_t> labels{0, 1};
    const ClassificationLoss<float> loss = cross_entropy<float>(logits, labels);
    QVERIFY(std::abs(loss.value - (std::log(2.0) + std::log(3.0)) / 2) < 1e-12);
    QCOMPARE(loss.accuracy, 0.5);  // row 0 picks class 0 (right), row 1 picks class 0 (wrong)
  }

  void cross_entropy_gradient() {
    MatrixR<double> logits = random_matrix(4, 10, 3) * 2.0;
    const std::vector<std::uint8_t> labels{3, 0, 9, 3};
    const MatrixR<double> analytic = cross_entropy<double>(logits, labels).gradient;
    for (Eigen::Index i = 0; i < logits.size() && !QTest::currentTestFailed(); ++i) {
      check(analytic.data()[i], logits.data()[i],
            [&] { return cross_entropy<double>(logits, labels).value; }, "dL/dlogits", i);
    }
  }

  void pooling_averages_each_samples_positions() {
    MatrixR<double> h(4, 2);  // 2 samples × 2 positions, 2 channels
    h << 1, 10, 3, 20, -1, 0, -3, 4;
    MatrixR<double> expected(2, 2);
    expected << 2, 15, -2, 2;
    QCOMPARE(pool_positions<double>(h, 2), expected);
  }

  void readout_gradients_data() {
    QTest::addColumn<int>("positions");
    QTest::newRow("mlp") << 1;
    QTest::newRow("conv2d, 3 positions") << 3;
  }
  void readout_gradients() {
    QFETCH(int, positions);
    const Eigen::Index samples = 3, width = 5, outputs = 10;
    Readout<double> readout{random_matrix(outputs, width, 11) * 0.5,
                            random_matrix(1, outputs, 12) * 0.1};
    MatrixR<double> h = random_matrix(samples * positions, width, 13);
    const std::vector<std::uint8_t> labels{7, 2, 2};
    auto loss = [&] {
      return cross_entropy<double>(readout_forward(readout, pool_positions(h, positions)), labels)
          .value;
    };
    const MatrixR<double> pooled = pool_positions(h, positions);
    const ClassificationLoss<double> ce =
        cross_entropy<double>(readout_forward(readout, pooled), labels);
    const ReadoutGradients<double> g = readout_backward(readout, pooled, ce.gradient, positions);
    QCOMPARE(g.input.rows(), h.rows());
    for (Eigen::Index i = 0; i < readout.weight.size() && !QTest::currentTestFailed(); ++i)
      check(g.weight.data()[i], readout.weight.data()[i], loss, "dL/dW", i);
    for (Eigen::Index i = 0; i < readout.bias.size() && !QTest::currentTestFailed(); ++i)
      check(g.bias.data()[i], readout.bias.data()[i], loss, "dL/db", i);
    for (Eigen::Index i = 0; i < h.size() && !QTest::currentTestFailed(); ++i)
      check(g.input.data()[i], h.data()[i], loss, "dL/dh", i);
  }
};

QTEST_APPLESS_MAIN(TestReadout)
#include "tst_readout.moc"
