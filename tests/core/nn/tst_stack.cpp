// The stack's backward pass against central finite differences of the loss, in double: every
// activation, every norm in both placements, every residual mode and both losses, through the
// whole stack (weights of every layer and the input).
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
    for (const Layer<double>& l : p.layers)
      layers.push_back({l.weight.cast<float>(), l.bias.cast<float>()});
    Stack<float> single(c.spec, layers, p.input.cast<float>());
    single.forward();
    QVERIFY((single.output().cast<double>() - exact.output()).cwiseAbs().maxCoeff() < 1e-5);
  }
};

QTEST_APPLESS_MAIN(TestStack)
#include "tst_stack.moc"
