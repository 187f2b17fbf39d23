#pragma once

// The stack's backward pass against central finite differences of its loss, in double: ∂L/∂W_l of
// every layer, ∂L/∂γ and ∂L/∂β of the norms that have them, and ∂L/∂x, through the whole stack.
// Shared by tst_stack (mlp blocks) and tst_conv (conv2d blocks).

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/nn/loss.h"
#include "core/nn/stack.h"

namespace initscope::test {

/// A small stack with its input and the loss's probe (random_gradient's G or mse's target).
struct StackProblem {
  BlockSpec spec;
  Loss loss = Loss::random_gradient;
  std::vector<Layer<double>> layers;
  MatrixR<double> input, probe;
};

inline double stack_loss(const StackProblem& p) {
  Stack<double> stack(p.spec, p.layers, p.input);
  stack.forward();
  return evaluate_loss<double>(p.loss, stack.output(), p.probe).value;
}

/// Fails the current test at the first entry whose analytic gradient differs from the central
/// difference. With step 1e-5 the truncation error is h²·|L'''|/6 ≈ 1e-11 and the rounding error
/// ε·|L|/h ≈ 1e-10 for losses of order 10, so agreement to 1e-6 (relative, or absolute near 0)
/// leaves a margin of 10⁴ and still catches any wrong term (those are of order 1e-2 or more).
inline void verify_stack_gradients(StackProblem& p) {
  const int depth = static_cast<int>(p.layers.size());
  Stack<double> stack(p.spec, p.layers, p.input);
  stack.forward();
  const LossValue<double> loss = evaluate_loss<double>(p.loss, stack.output(), p.probe);
  std::vector<MatrixR<double>> grad_w(static_cast<std::size_t>(depth) + 1);
  MatrixR<double> grad_x;
  std::vector<MatrixR<double>> grad_gamma(grad_w.size()), grad_beta(grad_w.size());
  stack.backward(loss.gradient, [&](const LayerGradients<double>& g) {
    const auto l = static_cast<std::size_t>(g.layer);
    if (l == 0) grad_x = g.grad_h;
    if (g.grad_w != nullptr) grad_w[l] = *g.grad_w;
    if (g.grad_gamma != nullptr) grad_gamma[l] = *g.grad_gamma;
    if (g.grad_beta != nullptr) grad_beta[l] = *g.grad_beta;
    return true;
  });

  const double step = 1e-5;
  auto check = [&](double analytic, double& value, const char* what, int l, Eigen::Index i) {
    value += step;
    const double up = stack_loss(p);
    value -= 2 * step;
    const double down = stack_loss(p);
    value += step;
    const double numeric = (up - down) / (2 * step);
    QVERIFY2(std::abs(analytic - numeric) <= 1e-6 * std::max(1.0, std::abs(numeric)),
             qPrintable(QString("%1 layer %2 entry %3: analytic %4, numeric %5")
                            .arg(what)
                            .arg(l)
                            .arg(i)
                            .arg(analytic, 0, 'g', 12)
                            .arg(numeric, 0, 'g', 12)));
  };
  for (int l = 1; l <= depth && !QTest::currentTestFailed(); ++l) {
    MatrixR<double>& w = p.layers[static_cast<std::size_t>(l - 1)].weight;
    for (Eigen::Index i = 0; i < w.size() && !QTest::currentTestFailed(); ++i) {
      check(grad_w[static_cast<std::size_t>(l)].data()[i], w.data()[i], "dL/dW", l, i);
    }
  }
  // The norms' affine parameters, where the layers have them (a training stack).
  for (int l = 1; l <= depth && !QTest::currentTestFailed(); ++l) {
    Layer<double>& layer = p.layers[static_cast<std::size_t>(l - 1)];
    const auto at = static_cast<std::size_t>(l);
    QCOMPARE(grad_gamma[at].size(), layer.gamma.size());
    QCOMPARE(grad_beta[at].size(), layer.beta.size());
    for (Eigen::Index i = 0; i < layer.gamma.size() && !QTest::currentTestFailed(); ++i)
      check(grad_gamma[at].data()[i], layer.gamma.data()[i], "dL/dgamma", l, i);
    for (Eigen::Index i = 0; i < layer.beta.size() && !QTest::currentTestFailed(); ++i)
      check(grad_beta[at].data()[i], layer.beta.data()[i], "dL/dbeta", l, i);
  }
  for (Eigen::Index i = 0; i < p.input.size() && !QTest::currentTestFailed(); ++i) {
    check(grad_x.data()[i], p.input.data()[i], "dL/dx", 0, i);
  }
}

}  // namespace initscope::test
