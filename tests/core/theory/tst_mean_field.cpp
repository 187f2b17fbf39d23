// The mean-field prediction (core/theory/mean_field.h; Poole et al. 2016, Schoenholz et al. 2017): exact
// values where the recursion has a closed form, when it does not apply and why, its place in
// stats.json, and how close a wide network comes to it.
#include <QtTest>

#include <cmath>
#include <limits>
#include <numbers>

#include "core/io/json.h"
#include "core/init/law_moments.h"
#include "core/theory/mean_field.h"
#include "core/io/report.h"
#include "core/run.h"
#include "core/stats/seed_bands.h"

using namespace initscope;

Q_DECLARE_METATYPE(Config)

namespace {

Config mlp(Activation activation, Scheme scheme, std::int64_t width = 100, std::int64_t dim = 100,
           std::int64_t depth = 10) {
  Config c;
  c.network.width = width;
  c.input.dim = dim;
  c.network.depth = depth;
  c.input.batch = 16;
  c.activation.name = activation;
  c.init.scheme = scheme;
  return c;
}

MeanFieldPrediction predict(const Config& c) {
  return predict_mean_field(c, resolve_init(c));
}

bool close(double got, double want, double tolerance) {
  return std::abs(got - want) <= tolerance * std::abs(want);
}

QString pair(double got, double want) {
  return QString("%1 vs %2").arg(got, 0, 'g', 17).arg(want, 0, 'g', 17);
}

}  // namespace

class TestMeanField : public QObject {
  Q_OBJECT

 private slots:
  // (a) He et al.'s init is the critical point of relu: q and the gradient stay put.
  void relu_kaiming_is_constant() {
    // input.dim ≠ width: σ_w²(1) = fan_in·2/fan_in = 2 all the same, but the gradient through
    // layer 1 grows by fan_out·Var(W_1)·½ = width/dim.
    Config c = mlp(Activation::relu, Scheme::kaiming_normal, 256, 100, 50);
    c.network.bias = false;
    const MeanFieldPrediction p = predict(c);
    QVERIFY2(p.applies, p.reason.c_str());
    QCOMPARE(p.preact_var.size(), std::size_t(50));
    QCOMPARE(p.grad_act_var.size(), std::size_t(51));
    for (std::size_t i = 0; i < 50; ++i) {
      QVERIFY2(close(p.sigma_w2[i], 2.0, 1e-15), qPrintable(pair(p.sigma_w2[i], 2)));
      QCOMPARE(p.sigma_b2[i], 0.0);
      QVERIFY2(close(p.preact_var[i], 2.0, 1e-12), qPrintable(pair(p.preact_var[i], 2)));
      QVERIFY2(close(p.chi[i], 1.0, 1e-12), qPrintable(pair(p.chi[i], 1)));
    }
    for (std::size_t l = 1; l <= 50; ++l) {
      QVERIFY2(close(p.grad_act_var[l], 1.0, 1e-12), qPrintable(pair(p.grad_act_var[l], 1)));
    }
    QVERIFY2(close(p.grad_act_var[0], 2.56, 1e-12), qPrintable(pair(p.grad_act_var[0], 2.56)));
  }

  // (c) Closed forms.
  void identity_is_a_geometric_series() {
    // φ = identity: Var(z_l) = s·Var(z_{l−1}) + σ_b², so Var(z_l) = s^l + σ_b²·(1 − s^l)/(1 − s)
    // with s = fan_in·std² and σ_b² = 1/(3·fan_in) for torch's default bias.
    Config c = mlp(Activation::identity, Scheme::normal, 100, 100, 12);
    c.init.args.std = 0.12;
    c.network.bias_init.kind = BiasInit::Kind::torch_default;
    const MeanFieldPrediction p = predict(c);
    QVERIFY2(p.applies, p.reason.c_str());
    const double s = 100 * 0.12 * 0.12, b = 1.0 / 300;
    for (int l = 1; l <= 12; ++l) {
      const double want = std::pow(s, l) + b * (1 - std::pow(s, l)) / (1 - s);
      QVERIFY2(close(p.preact_var[l - 1], want, 1e-13),
               qPrintable(pair(p.preact_var[l - 1], want)));
      QVERIFY2(close(p.sigma_b2[l - 1], b, 1e-15), qPrintable(pair(p.sigma_b2[l - 1], b)));
      QVERIFY2(close(p.chi[l - 1], s, 1e-14), qPrintable(pair(p.chi[l - 1], s)));
      QCOMPARE(p.preact_mean[l - 1], 0.0);
    }
    for (int l = 0; l <= 12; ++l) {
      const double want = std::pow(s, 12 - l);
      QVERIFY2(close(p.grad_act_var[l], want, 1e-13), qPrintable(pair(p.grad_act_var[l], want)));
    }
  }

  void constant_bias_shifts_the_mean() {
    // A constant bias c: z_l = c + N(0, v_l), E[h²] = v + c² through identity, so
    // v_l = s·(v_{l−1} + c²) from v_1 = s·E[x²] = s: v_l = s^l + c²·(s + … + s^{l−1}).
    // σ_b² = E[b²] = c², and stats' preact_var (a variance) is q_l − c².
    Config c = mlp(Activation::identity, Scheme::normal, 100, 100, 8);
    c.init.args.std = 0.09;
    c.network.bias_init = {BiasInit::Kind::constant, 0.3};
    const MeanFieldPrediction p = predict(c);
    QVERIFY2(p.applies, p.reason.c_str());
    const double s = 100 * 0.09 * 0.09, c2 = 0.09;
    for (int l = 1; l <= 8; ++l) {
      double want = std::pow(s, l);
      for (int k = 1; k < l; ++k) want += c2 * std::pow(s, k);
      QVERIFY2(close(p.preact_var[l - 1], want, 1e-13),
               qPrintable(pair(p.preact_var[l - 1], want)));
      QCOMPARE(p.preact_mean[l - 1], 0.3);
      QVERIFY2(close(p.sigma_b2[l - 1], c2, 1e-15), qPrintable(pair(p.sigma_b2[l - 1], c2)));
    }
    // relu sees the mean: E[relu(c + √v·ξ)'²] = P(z > 0) = Φ(c/√v).
    c.activation.name = Activation::relu;
    const MeanFieldPrediction r = predict(c);
    const double v1 = r.preact_var[0];
    const double want = s * 0.5 * std::erfc(-0.3 / std::sqrt(2 * v1));
    QVERIFY2(close(r.chi[0], want, 1e-12), qPrintable(pair(r.chi[0], want)));
  }

  void relu_halves_the_second_moment() {
    // E[relu(√q·z)²] = q/2 and E[relu′²] = ½, so Var(z_l) = σ_w²·(σ_w²/2)^{l−1} and χ = σ_w²/2.
    Config c = mlp(Activation::relu, Scheme::normal, 100, 100, 10);
    c.init.args.std = std::sqrt(0.03);  // σ_w² = 3
    c.network.bias = false;
    const MeanFieldPrediction p = predict(c);
    for (int l = 1; l <= 10; ++l) {
      const double want = 3 * std::pow(1.5, l - 1);
      QVERIFY2(close(p.preact_var[l - 1], want, 1e-12),
               qPrintable(pair(p.preact_var[l - 1], want)));
      QVERIFY2(close(p.chi[l - 1], 1.5, 1e-12), qPrintable(pair(p.chi[l - 1], 1.5)));
    }
    QVERIFY2(close(mean_square_activation(ActivationFn::make(Activation::relu), 0.7), 0.35, 1e-14),
             "E[relu(√q z)²] = q/2");
  }

  void shifted_expectations_data() {
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("variance");
    for (double mean : {-12.0, -5.0, -1.0, 0.0, 0.3, 2.0, 7.9, 8.1, 20.0}) {
      QTest::newRow(qPrintable(QString("mean %1").arg(mean))) << mean << 1.0;
    }
    QTest::newRow("variance 0.01") << 0.3 << 0.01;
    QTest::newRow("variance 0") << 0.3 << 0.0;
    QTest::newRow("variance 0, mean -0.3") << -0.3 << 0.0;
  }
  void shifted_expectations() {
    // relu at z = m + s·ξ: E[relu′(z)²] = Φ(m/s), E[relu(z)²] = (m² + s²)·Φ(m/s) + m·s·φ(m/s),
    // with its kink off the rule's split point unless m = 0.
    QFETCH(double, mean);
    QFETCH(double, variance);
    const ActivationFn relu = ActivationFn::make(Activation::relu);
    const double s = std::sqrt(variance);
    const double a =
        s > 0 ? mean / s : std::copysign(std::numeric_limits<double>::infinity(), mean);
    const double cdf = 0.5 * std::erfc(-a / std::sqrt(2.0));
    const double pdf = s > 0 ? std::exp(-0.5 * a * a) / std::sqrt(2 * std::numbers::pi) : 0.0;
    const double square = (mean * mean + variance) * cdf + mean * s * pdf;
    QVERIFY2(std::abs(mean_square_derivative(relu, mean, variance) - cdf) <= 1e-13,
             qPrintable(pair(mean_square_derivative(relu, mean, variance), cdf)));
    QVERIFY2(std::abs(mean_square_activation(relu, mean, variance) - square) <=
                 1e-13 * (mean * mean + variance),
             qPrintable(pair(mean_square_activation(relu, mean, variance), square)));
  }

  void tanh_at_small_q_is_linear() {
    // tanh(x)² = x² − (2/3)x⁴ + (17/45)x⁶ − (62/315)x⁸ + …, sech⁴(x) = 1 − 2x² + (7/3)x⁴ − …;
    // with E[z⁴] = 3, E[z⁶] = 15, E[z⁸] = 105: E[tanh(√q z)²] = q − 2q² + (17/3)q³ − (62/3)q⁴
    // + O(q⁵) (92·q⁵ ≈ 1e-13 here), E[tanh′²] = 1 − 2q + 7q² + O(q³).
    const ActivationFn tanh = ActivationFn::make(Activation::tanh);
    const double q = 1e-3;
    auto series = [](double x) {
      return x - 2 * x * x + 17.0 / 3 * x * x * x - 62.0 / 3 * x * x * x * x;
    };
    const double square = series(q);
    const double derivative = 1 - 2 * q + 7 * q * q;
    QVERIFY2(std::abs(mean_square_activation(tanh, q) - square) < 1e-3 * q * q * q,
             qPrintable(pair(mean_square_activation(tanh, q), square)));
    QVERIFY2(std::abs(mean_square_derivative(tanh, q) - derivative) < 1e-7,
             qPrintable(pair(mean_square_derivative(tanh, q), derivative)));
    // Through the prediction: tiny weights keep tanh in its linear range.
    Config c = mlp(Activation::tanh, Scheme::normal, 100, 100, 3);
    c.init.args.std = 0.001;  // σ_w² = 1e-4: the q⁵ term is 1e-14 of q
    const MeanFieldPrediction p = predict(c);
    const double s = 100 * 0.001 * 0.001;
    const double q2 = s * series(s);
    QVERIFY2(close(p.preact_var[1], q2, 1e-12), qPrintable(pair(p.preact_var[1], q2)));
  }

  void selu_lecun_is_its_fixed_point() {
    // Klambauer et al.: with Var(W) = 1/fan_in (lecun_normal: a truncated normal whose variance
    // Keras corrects to exactly 1/fan_in) SELU maps E[z²] = 1 to itself.
    const MeanFieldPrediction p = predict(mlp(Activation::selu, Scheme::lecun_normal, 100, 40, 30));
    QVERIFY2(p.applies, p.reason.c_str());
    for (std::size_t i = 0; i < 30; ++i) {
      QVERIFY2(close(p.sigma_w2[i], 1.0, 1e-12), qPrintable(pair(p.sigma_w2[i], 1)));
      QVERIFY2(close(p.preact_var[i], 1.0, 1e-6), qPrintable(pair(p.preact_var[i], 1)));
    }
  }

  void weight_variance_of_each_law() {
    // uniform, orthogonal and sparse: σ_w² from each law's exact second moment.
    Config c = mlp(Activation::tanh, Scheme::uniform, 100, 300, 3);
    c.init.args.low = -0.1;
    c.init.args.high = 0.1;
    MeanFieldPrediction p = predict(c);
    QVERIFY2(close(p.sigma_w2[0], 300 * 0.01 / 3, 1e-14), qPrintable(pair(p.sigma_w2[0], 1)));
    QVERIFY2(close(p.sigma_w2[1], 100 * 0.01 / 3, 1e-14), qPrintable(pair(p.sigma_w2[1], 1)));

    // orthogonal: E[W²] = gain²/max(rows, cols). Wide layer 1 (100 × 300): orthonormal rows,
    // σ_w² = 300·g²/300 = g²; tall layer 1 (100 × 50): orthonormal columns, σ_w² = 50·g²/100.
    c.init.scheme = Scheme::orthogonal;
    c.init.gain = {GainSetting::Kind::value, 1.5};
    p = predict(c);
    QVERIFY2(p.applies, p.reason.c_str());
    QVERIFY2(close(p.sigma_w2[0], 2.25, 1e-14), qPrintable(pair(p.sigma_w2[0], 2.25)));
    QVERIFY2(close(p.sigma_w2[1], 2.25, 1e-14), qPrintable(pair(p.sigma_w2[1], 2.25)));
    c.input.dim = 50;
    p = predict(c);
    QVERIFY2(close(p.sigma_w2[0], 1.125, 1e-14), qPrintable(pair(p.sigma_w2[0], 1.125)));

    // sparse: ceil(0.25·100) = 25 zeros in each column of 100, so E[W²] = std²·75/100.
    c.init.scheme = Scheme::sparse;
    c.init.args.sparsity = 0.25;
    c.init.args.std = 0.2;
    p = predict(c);
    QVERIFY2(p.applies, p.reason.c_str());
    QVERIFY2(close(p.sigma_w2[1], 100 * 0.04 * 0.75, 1e-14), qPrintable(pair(p.sigma_w2[1], 3)));
  }

  // (d) Where the theory does not apply, and why.
  void reasons_data() {
    QTest::addColumn<Config>("config");
    QTest::addColumn<QString>("reason");
    const Config base = mlp(Activation::tanh, Scheme::xavier_uniform);
    Config c = base;
    c.norm.name = Norm::batch;
    QTest::newRow("batch norm") << c
                                << "mean-field theory needs a network without norm (norm is batch)";
    c = base;
    c.norm.name = Norm::layer;
    QTest::newRow("layer norm") << c
                                << "mean-field theory needs a network without norm (norm is layer)";
    c = base;
    c.network.residual = Residual::identity;
    QTest::newRow("residual")
        << c
        << "mean-field theory needs a network without residual connections (residual is identity)";
    c = base;
    c.network.type = NetworkType::conv2d;
    c.network.width = 8;
    QTest::newRow("conv2d") << c << "mean-field theory needs an mlp; a conv2d stack is not covered";
    c = base;
    c.init.scheme = Scheme::constant;
    c.init.args.value = 0.01;
    QTest::newRow("constant")
        << c
        << "mean-field theory needs i.i.d. weights; constant draws the same value for every weight";
    c.init.scheme = Scheme::zeros;
    QTest::newRow("zeros")
        << c
        << "mean-field theory needs i.i.d. weights; zeros draws the same value for every weight";
    c.init.scheme = Scheme::eye;
    QTest::newRow("eye")
        << c << "mean-field theory needs i.i.d. weights; eye draws the same structured matrix";
    c.init.scheme = Scheme::lsuv;
    QTest::newRow("lsuv") << c
                          << "mean-field theory needs a fixed weight law; lsuv rescales each layer "
                             "by a factor measured "
                             "on the batch";
    c.init.scheme = Scheme::uniform;  // U(0, 1)
    QTest::newRow("uniform(0, 1)")
        << c << "mean-field theory needs zero-mean weights; uniform's have mean 0.5";
    c.init.scheme = Scheme::normal;
    c.init.args.mean = -0.02;
    QTest::newRow("normal mean -0.02")
        << c << "mean-field theory needs zero-mean weights; normal's have mean -0.02";
    c.init.scheme = Scheme::trunc_normal;
    c.init.args.mean = 0;
    c.init.args.trunc_a = -1;
    c.init.args.trunc_b = 3;
    QTest::newRow("trunc_normal on [-1, 3]")
        << c << "mean-field theory needs zero-mean weights; trunc_normal's have mean 0.2828";
  }
  void reasons() {
    QFETCH(Config, config);
    QFETCH(QString, reason);
    const MeanFieldPrediction p = predict(config);
    QVERIFY(!p.applies);
    QCOMPARE(QString::fromStdString(p.reason), reason);
    QVERIFY(p.preact_var.empty() && p.grad_act_var.empty());
    QCOMPARE(QString::fromStdString(*mean_field_inapplicability(config, resolve_init(config))),
             reason);
  }

  void mse_leaves_out_the_backward() {
    Config c = mlp(Activation::tanh, Scheme::xavier_uniform);
    c.loss.name = Loss::mse;
    const MeanFieldPrediction p = predict(c);
    QVERIFY(p.applies);
    QCOMPARE(p.preact_var.size(), std::size_t(10));
    QCOMPARE(p.chi.size(), std::size_t(10));
    QVERIFY(p.grad_act_var.empty());
    QCOMPARE(QString::fromStdString(p.backward_reason),
             QString("mean-field gradients need a loss gradient independent of the weights "
                     "(random_gradient); mse's depends on them through the output"));
  }

  // (e) stats.json carries the prediction, digit for digit.
  void stats_json_carries_the_theory() {
    Config c = mlp(Activation::tanh, Scheme::xavier_uniform, 64, 32, 5);
    c.network.bias_init.kind = BiasInit::Kind::torch_default;
    const Result r = run(c);
    const MeanFieldPrediction& p = r.theory;
    QVERIFY2(p.applies, p.reason.c_str());
    // run() starts the backward from the measured probe: the top row is the measurement itself.
    QVERIFY2(close(p.grad_act_var[5], r.layers[5].grad_act_var, 1e-12),
             qPrintable(pair(p.grad_act_var[5], r.layers[5].grad_act_var)));
    const json::Value root = json::parse(stats_json(r));
    const json::Value* theory = root.find("theory");
    QVERIFY(theory && theory->is_object());
    QStringList keys;
    for (const json::Member& m : theory->members()) keys << QString::fromStdString(m.key);
    QCOMPARE(keys, QStringList({"applies", "sigma_w2", "sigma_b2", "preact_mean", "preact_var",
                                "chi", "grad_act_var"}));
    QVERIFY(theory->find("applies")->as_bool());
    auto check = [&](const char* key, const std::vector<double>& want) {
      const std::vector<json::Value>& items = theory->find(key)->items();
      QCOMPARE(items.size(), want.size());
      for (std::size_t i = 0; i < want.size(); ++i) QCOMPARE(items[i].as_number(), want[i]);
    };
    check("sigma_w2", p.sigma_w2);
    check("sigma_b2", p.sigma_b2);
    check("preact_mean", p.preact_mean);
    check("preact_var", p.preact_var);
    check("chi", p.chi);
    check("grad_act_var", p.grad_act_var);
    QCOMPARE(p.sigma_w2.size(), std::size_t(5));
    QCOMPARE(p.grad_act_var.size(), std::size_t(6));

    c.norm.name = Norm::rms;
    const json::Value off = json::parse(stats_json(run(c)));
    const json::Value& not_applicable = *off.find("theory");
    QCOMPARE(not_applicable.size(), std::size_t(2));
    QVERIFY(!not_applicable.find("applies")->as_bool());
    QCOMPARE(QString::fromStdString(not_applicable.find("reason")->as_string()),
             QString("mean-field theory needs a network without norm (norm is rms)"));

    c.norm.name = Norm::none;
    c.loss.name = Loss::mse;
    const json::Value mse = json::parse(stats_json(run(c)));
    const json::Value& forward_only = *mse.find("theory");
    QVERIFY(forward_only.find("applies")->as_bool());
    QCOMPARE(forward_only.find("preact_var")->size(), std::size_t(5));
    QVERIFY(forward_only.find("grad_act_var")->is_null());
    QVERIFY(forward_only.find("grad_act_var_reason")->is_string());
  }

  // (b′) The 10% for relu at width 2048 and depth 20, on what the theory predicts: the
  // expectation over networks. A single network strays from it by a random walk of about
  // √(5k/n) after k layers (22% at layer 20, see below); the mean over 32 seeds (the window's
  // largest seed band) strays by √(5k/n)/√32 ≈ 3.9% at layer 20, so 10% is 2.5 of its standard
  // deviations there and more at every earlier layer.
  void relu_seed_mean_follows_the_prediction() {
    Config config = mlp(Activation::relu, Scheme::kaiming_normal, 2048, 1024, 20);
    config.input.batch = 16;  // the deviation is the network's: a larger batch does not shrink it
    const std::vector<Result> runs = run_seeds(config, kMaxBandSeeds);
    const SeedBands bands = seed_bands(runs);
    const MeanFieldPrediction& p = runs.front().theory;
    QVERIFY2(p.applies, p.reason.c_str());
    double forward = 0, backward = 0;
    for (int l = 1; l <= 20; ++l) {
      // The forward prediction does not depend on the seed.
      QCOMPARE(runs.back().theory.preact_var[l - 1], p.preact_var[l - 1]);
      const double mean = bands.at(l, "preact_var")->mean;
      forward = std::max(forward, std::abs(mean / p.preact_var[l - 1] - 1));
      QVERIFY2(
          close(mean, p.preact_var[l - 1], 0.10),
          qPrintable(QString("preact_var, layer %1: ").arg(l) + pair(mean, p.preact_var[l - 1])));
    }
    // Backward, each run's prediction starts from its own measured top gradient: the mean of the
    // ratios.
    for (int l = 0; l < 20; ++l) {
      double sum = 0;
      for (const Result& r : runs) sum += r.layers[l].grad_act_var / r.theory.grad_act_var[l];
      const double ratio = sum / static_cast<double>(runs.size());
      backward = std::max(backward, std::abs(ratio - 1));
      QVERIFY2(std::abs(ratio - 1) <= 0.10,
               qPrintable(QString("grad_act_var, layer %1: mean ratio %2").arg(l).arg(ratio)));
    }
    qInfo("relu, mean over 32 seeds: worst layer %.1f%% forward, %.1f%% backward", 100 * forward,
          100 * backward);
  }

  // (b) A wide network against the prediction, layer by layer.
  void wide_network_follows_the_prediction_data() {
    QTest::addColumn<Config>("config");
    // tanh: the default config's pairing, xavier_uniform with gain 5/3 (σ_w² = 25/9, the chaotic
    // side); input.dim ≠ width, so layer 1's σ_w² = dim·Var(W) and fan_out factor are tested.
    // relu: kaiming_normal; selu: lecun_normal (a truncated normal).
    QTest::newRow("tanh xavier_uniform")
        << mlp(Activation::tanh, Scheme::xavier_uniform, 2048, 1024, 20);
    QTest::newRow("relu kaiming_normal")
        << mlp(Activation::relu, Scheme::kaiming_normal, 2048, 1024, 20);
    QTest::newRow("selu lecun_normal")
        << mlp(Activation::selu, Scheme::lecun_normal, 2048, 512, 20);
  }
  void wide_network_follows_the_prediction() {
    // How far a network of width n strays from its n → ∞ limit. Each layer multiplies a sample's
    // E[z²] (and, going back, E[g²]) by a factor of relative variance about 5/n for relu (2/n
    // from the χ²_n of the weights, 3/n from which half of the units is on), so after k layers
    // one sample is off by σ_k ≈ √(5k/n): 22% at k = 20, n = 2048. The batch's average is off
    // by no more than that, and by much less where the samples stay decorrelated: tanh at
    // σ_w² = 25/9 and selu have an attracting fixed point q* and a correlation c* < 1, so the
    // errors neither add up over the layers nor survive the average over the batch (they fall
    // as 1/√batch). Over seeds 0–11 of these very configs the worst layer was off by ≤ 1.1%
    // forward and ≤ 5.2% backward for tanh, ≤ 1.9% and ≤ 4.4% for selu (backward up to 8.7% at
    // batch 64): the 10% holds with a margin of 2 at batch 128.
    // ReLU at kaiming is exactly critical (q_l = q_{l−1}): nothing pulls a deviation back, the
    // samples' correlation tends to 1 so the batch does not average it out, and log q performs a
    // random walk of step √(5/n). Its worst layer was 9% to 53% off over seeds 0–11, so 10% at
    // width 2048 and depth 20 is out of reach for relu (3σ ≤ 10% would need n ≈ 90 000).
    // The bound for relu is 4σ_k on |log(measured/predicted)| after k layers: 0.2 at layer 1
    // (a wrong factor 2 in σ_w² or in E[relu²] fails there), 0.88 at layer 20; the seeds used
    // up to 68% of it.
    QFETCH(Config, config);
    const bool relu = config.activation.name == Activation::relu;
    // relu's deviation does not shrink with the batch; tanh's and selu's do.
    config.input.batch = relu ? 32 : 128;
    const Result r = run(config);
    const MeanFieldPrediction& p = r.theory;
    QVERIFY2(p.applies, p.reason.c_str());
    const int depth = static_cast<int>(config.network.depth);
    const double n = static_cast<double>(config.network.width);
    // Within 10% for tanh and selu; for relu |log(measured/predicted)| ≤ 4·√(5k/n).
    auto within = [&](double ratio, int k) {
      return relu ? std::abs(std::log(ratio)) <= 4 * std::sqrt(5 * k / n)
                  : std::abs(ratio - 1) <= 0.10;
    };
    double forward = 0, backward = 0;
    for (int l = 1; l <= depth; ++l) {
      const double ratio = *r.layers[l].preact_var / p.preact_var[l - 1];
      forward = std::max(forward, std::abs(ratio - 1));
      QVERIFY2(within(ratio, l), qPrintable(QString("preact_var, layer %1: ").arg(l) +
                                            pair(*r.layers[l].preact_var, p.preact_var[l - 1])));
    }
    for (int l = 0; l < depth; ++l) {
      const double ratio = r.layers[l].grad_act_var / p.grad_act_var[l];
      backward = std::max(backward, std::abs(ratio - 1));
      QVERIFY2(within(ratio, depth - l),
               qPrintable(QString("grad_act_var, layer %1: ").arg(l) +
                          pair(r.layers[l].grad_act_var, p.grad_act_var[l])));
    }
    qInfo("worst layer: forward %.2f%%, backward %.2f%%", 100 * forward, 100 * backward);
  }
};

QTEST_APPLESS_MAIN(TestMeanField)
#include "tst_mean_field.moc"
