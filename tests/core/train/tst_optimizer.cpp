// The optimizers against values worked out by hand (shown in the comments, in exact arithmetic;
// the float results must agree to float precision), the first Adam step's known size, separate
// state per slot, and the same bits for any thread count.
#include <cmath>
#include <vector>

#include <QtTest>

#include "core/compute/parallel.h"
#include "core/train/optimizer.h"

using namespace initscope;

namespace {

// Relative agreement to a few float roundings.
bool near(float got, double want) {
  return std::abs(static_cast<double>(got) - want) <= 4e-7 * std::max(1.0, std::abs(want));
}

std::vector<float> step_once(Optimizer& optimizer, std::vector<float> param,
                             const std::vector<float>& grad) {
  optimizer.begin_step();
  optimizer.update(0, param, grad);
  return param;
}

}  // namespace

class TestOptimizer : public QObject {
  Q_OBJECT

 private slots:
  // lr 0.5, momentum 0.9, weight decay 0.1; p = 1.
  // Step 1, g = 2:  d = 2 + 0.1·1 = 2.1;  b = d = 2.1;  p = 1 − 0.5·2.1 = −0.05.
  // Step 2, g = −1: d = −1 + 0.1·(−0.05) = −1.005;  b = 0.9·2.1 − 1.005 = 0.885;
  //                 p = −0.05 − 0.5·0.885 = −0.4925.
  void sgd_with_momentum_and_weight_decay() {
    Optimizer sgd({.kind = OptimizerKind::sgd, .lr = 0.5, .momentum = 0.9, .weight_decay = 0.1});
    std::vector<float> p{1.0f};
    p = step_once(sgd, p, {2.0f});
    QVERIFY2(near(p[0], -0.05), qPrintable(QString::number(p[0], 'g', 9)));
    p = step_once(sgd, p, {-1.0f});
    QVERIFY2(near(p[0], -0.4925), qPrintable(QString::number(p[0], 'g', 9)));
    QCOMPARE(sgd.steps(), 2);
  }

  // Without momentum the step is p − lr·g, nothing remembered: step 2 ignores step 1's gradient.
  void plain_sgd() {
    Optimizer sgd({.kind = OptimizerKind::sgd, .lr = 0.25});
    std::vector<float> p{1.0f, -2.0f};
    p = step_once(sgd, p, {4.0f, 1.0f});
    QCOMPARE(p, (std::vector<float>{0.0f, -2.25f}));  // exact in binary
    p = step_once(sgd, p, {0.0f, 0.0f});
    QCOMPARE(p, (std::vector<float>{0.0f, -2.25f}));
  }

  // lr 0.1, betas (0.9, 0.999), eps 1e-8; p = 1.
  // Step 1, g = 0.5:   m = 0.05, v = 0.00025; m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25;
  //                    p = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002.
  // Step 2, g = −0.25: m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225;
  //                    p = 0.900000002 − (0.1/0.19)·0.02/(√0.00031225/√0.001999 + 1e-8)
  //                      = 0.873366299 (√0.00031225 = 0.0176706, √0.001999 = 0.0447102, their ratio 0.395224).
  void adam_two_steps() {
    Optimizer adam({.kind = OptimizerKind::adam, .lr = 0.1});
    std::vector<float> p{1.0f};
    p = step_once(adam, p, {0.5f});
    QVERIFY2(near(p[0], 0.900000002), qPrintable(QString::number(p[0], 'g', 9)));
    p = step_once(adam, p, {-0.25f});
    QVERIFY2(near(p[0], 0.8733662987), qPrintable(QString::number(p[0], 'g', 9)));
  }

  // Adam's L2 weight decay goes into the gradient before the moments: p = 2, g = 1, wd 0.5 gives
  // d = 2, and a first step of lr·d/(|d| + eps) = 0.1·(1 − 5e-9): p = 1.9000000005.
  void adam_weight_decay_enters_the_gradient() {
    Optimizer adam({.kind = OptimizerKind::adam, .lr = 0.1, .weight_decay = 0.5});
    const std::vector<float> p = step_once(adam, {2.0f}, {1.0f});
    QVERIFY2(near(p[0], 1.9000000005), qPrintable(QString::number(p[0], 'g', 9)));
  }

  // Adam's first step moves every entry by lr·|g|/(|g| + eps) against its gradient's sign,
  // whatever the gradient's size.
  void adams_first_step_is_lr_against_the_sign() {
    Optimizer adam({.kind = OptimizerKind::adam, .lr = 0.01});
    const std::vector<float> grad{1e-3f, -2.0f, 300.0f, -0.5f};
    const std::vector<float> p = step_once(adam, std::vector<float>(4, 0.0f), grad);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double g = std::abs(grad[i]);
      QVERIFY2(near(p[i], -std::copysign(0.01 * g / (g + 1e-8), grad[i])),
               qPrintable(QString::number(i)));
    }
  }

  // Each slot keeps its own moments: two tensors stepped together equal each stepped alone.
  void slots_keep_their_own_state() {
    const OptimizerSpec spec{.kind = OptimizerKind::adam, .lr = 0.1};
    Optimizer together(spec), first(spec), second(spec);
    std::vector<float> a{1.0f, 2.0f}, b{-1.0f}, a_alone = a, b_alone = b;
    for (const float g : {0.5f, -0.25f, 1.5f}) {
      together.begin_step();
      first.begin_step();
      second.begin_step();
      const std::vector<float> ga{g, 2 * g}, gb{-g};
      together.update(0, a, ga);
      together.update(1, b, gb);
      first.update(0, a_alone, ga);
      second.update(0, b_alone, gb);
    }
    QCOMPARE(a, a_alone);
    QCOMPARE(b, b_alone);
  }

  void the_same_bits_for_any_thread_count_data() {
    QTest::addColumn<int>("kind");
    QTest::newRow("sgd") << static_cast<int>(OptimizerKind::sgd);
    QTest::newRow("adam") << static_cast<int>(OptimizerKind::adam);
  }
  void the_same_bits_for_any_thread_count() {
    QFETCH(int, kind);
    const OptimizerSpec spec{.kind = static_cast<OptimizerKind>(kind), .lr = 0.01,
                             .momentum = 0.9, .weight_decay = 1e-4};
    const std::size_t n = 100003;
    std::vector<float> grad(n);
    for (std::size_t i = 0; i < n; ++i) grad[i] = std::sin(static_cast<float>(i));
    std::vector<std::vector<float>> results;
    for (const int threads : {1, 2, 3}) {
      ThreadLimit limit(threads);
      Optimizer optimizer(spec);
      std::vector<float> p(n, 0.5f);
      for (int s = 0; s < 3; ++s) {
        optimizer.begin_step();
        optimizer.update(0, p, grad);
      }
      results.push_back(p);
    }
    QVERIFY(results[0] == results[1]);
    QVERIFY(results[0] == results[2]);
  }
};

QTEST_APPLESS_MAIN(TestOptimizer)
#include "tst_optimizer.moc"
