// The stack's backward pass against central finite differences of the loss, in double: every
// activation, every norm in both placements (with and without training's affine parameters), every
// residual mode and both losses, through the whole stack (weights of every layer, γ and β, and the
// input). Then batch norm's running statistics and evaluation mode.
#include <QtTest>

#include <cmath>

#include "core/nn/loss.h"
#include "core/init/sampling.h"
#include "core/nn/stack.h"
#include "tests/support/stack_gradients.h"

using namespace initscope;

namespace {

struct Case {
  BlockSpec spec;
  Loss loss = Loss::random_gradient;
  int input_dim = 4;
  int width = 6;
  bool affine = false;  // γ, β as training has them (rms: γ only), away from 1 and 0
};

MatrixR<double> random_matrix(Eigen::Index rows, Eigen::Index cols, double std, Generator& gen) {
  MatrixR<float> m(rows, cols);
  fill_normal({m.data(), static_cast<std::size_t>(m.size())}, 0.0, std, gen);
  return m.cast<double>();
}

constexpr int kBatch = 5;
constexpr int kDepth = 3;

test::StackProblem make_problem(const Case& c) {
  Generator gen(42);
  test::StackProblem p;
  p.spec = c.spec;
  p.loss = c.loss;
  for (int l = 1; l <= kDepth; ++l) {
    const int fan_in = l == 1 ? c.input_dim : c.width;
    Layer<double> layer;
    layer.weight = random_matrix(c.width, fan_in, 1.0 / std::sqrt(fan_in), gen);
    layer.bias = random_matrix(1, c.width, 0.1, gen);
    if (c.affine) {
      layer.gamma = random_matrix(1, c.width, 0.3, gen).array() + 1.0;
      if (c.spec.norm.kind != Norm::rms) layer.beta = random_matrix(1, c.width, 0.3, gen);
    }
    p.layers.push_back(layer);
  }
  p.input = random_matrix(kBatch, c.input_dim, 1.0, gen);
  p.probe = random_matrix(kBatch, c.width, 1.0, gen);
  return p;
}

BlockSpec block(Activation activation, Norm norm = Norm::none, bool post = false,
                std::optional<double> alpha = std::nullopt, std::int64_t groups = 2) {
  BlockSpec spec;
  spec.activation = ActivationFn::make(activation);
  spec.norm = {norm, 1e-5, groups};
  spec.norm_after = post;
  spec.residual_alpha = alpha;
  return spec;
}

}  // namespace

Q_DECLARE_METATYPE(Case)

class TestStack : public QObject {
  Q_OBJECT

 private slots:
  void gradients_match_finite_differences_data() {
    QTest::addColumn<Case>("c");
    for (std::string_view name : canonical_names<Activation>()) {
      QTest::newRow(("activation " + std::string(name)).c_str())
          << Case{block(parse_name<Activation>(name))};
    }
    for (Norm norm : {Norm::batch, Norm::layer, Norm::rms, Norm::group}) {
      for (bool post : {false, true}) {
        const std::string row = std::string(name_of(norm)) + (post ? " post" : " pre") + " tanh";
        QTest::newRow(row.c_str()) << Case{block(Activation::tanh, norm, post)};
      }
    }
    for (Norm norm : {Norm::batch, Norm::layer, Norm::rms, Norm::group}) {
      for (bool post : {false, true}) {
        const std::string row =
            std::string(name_of(norm)) + (post ? " post" : " pre") + " gelu, affine";
        Case c{block(Activation::gelu, norm, post)};
        c.affine = true;
        QTest::newRow(row.c_str()) << c;
      }
    }
    QTest::newRow("group 3 groups, relu post")
        << Case{block(Activation::relu, Norm::group, true, {}, 3)};
    // Residuals: the skip applies where the shapes match, so layer 1 (4 → 6) has none.
    QTest::newRow("residual identity") << Case{block(Activation::tanh, Norm::none, false, 1.0)};
    QTest::newRow("residual scaled")
        << Case{block(Activation::relu, Norm::none, false, 1 / std::sqrt(3.0))};
    QTest::newRow("residual rezero") << Case{block(Activation::tanh, Norm::none, false, 0.0)};
    QTest::newRow("residual identity, square layer 1")
        << Case{block(Activation::gelu, Norm::layer, false, 1.0), Loss::random_gradient, 6, 6};
    QTest::newRow("residual with batch norm post")
        << Case{block(Activation::selu, Norm::batch, true, 0.5)};
    QTest::newRow("mse") << Case{block(Activation::tanh), Loss::mse};
    QTest::newRow("mse with batch norm") << Case{block(Activation::silu, Norm::batch), Loss::mse};
  }

  void gradients_match_finite_differences() {
    QFETCH(Case, c);
    test::StackProblem p = make_problem(c);
    test::verify_stack_gradients(p);
  }

  void skip_only_where_shapes_match() {
    Case c{block(Activation::tanh, Norm::none, false, 1.0)};
    test::StackProblem p = make_problem(c);
    Stack<double> stack(c.spec, p.layers, p.input);
    QVERIFY(!stack.has_skip(1));  // 4 → 6
    QVERIFY(stack.has_skip(2));
    QVERIFY(stack.has_skip(3));
  }

  void rezero_passes_the_input_through() {
    // α = 0: every square layer is the identity map in the forward pass.
    Case c{block(Activation::tanh, Norm::none, false, 0.0), Loss::random_gradient, 6, 6};
    test::StackProblem p = make_problem(c);
    Stack<double> stack(c.spec, p.layers, p.input);
    stack.forward();
    QCOMPARE(stack.output(), p.input);
  }

  void float_and_double_agree() {
    Case c{block(Activation::gelu, Norm::layer, false, 1.0)};
    test::StackProblem p = make_problem(c);
    Stack<double> exact(c.spec, p.layers, p.input);
    exact.forward();
    std::vector<Layer<float>> layers;
    for (const Layer<double>& l : p.layers) {
      Layer<float>& single_layer = layers.emplace_back();
      single_layer.weight = l.weight.cast<float>();
      single_layer.bias = l.bias.cast<float>();
    }
    Stack<float> single(c.spec, layers, p.input.cast<float>());
    single.forward();
    QVERIFY((single.output().cast<double>() - exact.output()).cwiseAbs().maxCoeff() < 1e-5);
  }

  // Batch norm's running statistics after two training batches, against the update written out
  // from each batch's z: mean ← 0.9·mean + 0.1·μ, var ← 0.9·var + 0.1·σ²·n/(n − 1), from 0 and 1.
  void batch_norm_running_statistics() {
    Case c{block(Activation::tanh, Norm::batch)};
    test::StackProblem p = make_problem(c);
    for (Layer<double>& layer : p.layers) {
      layer.running_mean = RowVector<double>::Zero(c.width);
      layer.running_var = RowVector<double>::Ones(c.width);
    }
    Stack<double> stack(c.spec, p.layers, p.input);
    std::vector<RowVector<double>> mean(kDepth, RowVector<double>::Zero(c.width));
    std::vector<RowVector<double>> var(kDepth, RowVector<double>::Ones(c.width));
    Generator gen(7);
    for (int step = 0; step < 2; ++step) {
      if (step == 1) stack.set_input(random_matrix(kBatch, c.input_dim, 2.0, gen));
      stack.forward();
      stack.update_running_statistics(0.1);
      for (int l = 1; l <= kDepth; ++l) {
        const MatrixR<double>& z = stack.preactivation(l);
        const RowVector<double> mu = z.colwise().mean();
        const RowVector<double> unbiased =
            (z.rowwise() - mu).array().square().colwise().sum() / (kBatch - 1);
        mean[l - 1] = 0.9 * mean[l - 1] + 0.1 * mu;
        var[l - 1] = 0.9 * var[l - 1] + 0.1 * unbiased;
        QVERIFY((stack.layer(l).running_mean - mean[l - 1]).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((stack.layer(l).running_var - var[l - 1]).cwiseAbs().maxCoeff() < 1e-12);
      }
    }
  }

  // In evaluation mode batch norm uses the running statistics: with mean m and variance v set by
  // hand, layer 1's output is φ(γ·(z − m)/√(v + eps) + β), whatever else is in the batch.
  void batch_norm_evaluation_mode() {
    Case c{block(Activation::tanh, Norm::batch)};
    c.affine = true;
    test::StackProblem p = make_problem(c);
    for (Layer<double>& layer : p.layers) {
      layer.running_mean = RowVector<double>::LinSpaced(c.width, -0.5, 0.5);
      layer.running_var = RowVector<double>::LinSpaced(c.width, 0.5, 2.0);
    }
    Stack<double> stack(c.spec, p.layers, p.input);
    stack.set_training(false);
    stack.forward();
    const Layer<double>& first = stack.layer(1);
    const MatrixR<double>& z = stack.preactivation(1);
    for (Eigen::Index r = 0; r < z.rows(); ++r) {
      for (Eigen::Index k = 0; k < z.cols(); ++k) {
        const double normed =
            (z(r, k) - first.running_mean[k]) / std::sqrt(first.running_var[k] + 1e-5);
        const double expected = std::tanh(first.gamma(0, k) * normed + first.beta(0, k));
        QVERIFY(std::abs(stack.activation(1)(r, k) - expected) < 1e-12);
      }
    }
    // One sample alone gives the same output row: nothing is taken from the batch.
    Stack<double> alone(c.spec, p.layers, p.input.topRows(1));
    alone.set_training(false);
    alone.forward();
    QVERIFY((alone.output().row(0) - stack.output().row(0)).cwiseAbs().maxCoeff() < 1e-12);
  }
};

QTEST_APPLESS_MAIN(TestStack)
#include "tst_stack.moc"
