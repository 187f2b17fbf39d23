// jacobian_spectrum(): orthogonal weights with the identity make J an isometry times gain^depth;
// Gaussian weights spread its spectrum as free probability predicts; J equals central differences
// of the stack's own forward pass; the network is run()'s; cancellation, overflow and refusals.
#include <QtTest>

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/theory/jacobian.h"
#include "core/run.h"
#include "core/nn/stack.h"
#include "core/stats/summary.h"

using namespace initscope;

namespace {

Config mlp(std::int64_t dim, std::int64_t width, std::int64_t depth, Activation activation,
           Scheme scheme) {
  Config c;
  c.input.dim = dim;
  c.input.batch = 4;
  c.network.width = width;
  c.network.depth = depth;
  c.network.bias = false;
  c.activation.name = activation;
  c.init.scheme = scheme;
  return c;
}

Config with_gain(Config c, double gain) {
  c.init.gain = {GainSetting::Kind::value, gain};
  return c;
}

// Layer l's weight as run() samples it, in double.
MatrixR<double> weight(const Config& c, int l) {
  return sample_layer(c, resolve_init(c), l).weight.cast<double>();
}

// The whole stack of run()'s weights, fed with one row of run()'s input, in double.
MatrixR<double> forward(const Config& c, const MatrixR<double>& x) {
  const InitResolution init = resolve_init(c);
  std::vector<Layer<double>> layers;
  for (int l = 1; l <= c.network.depth; ++l) {
    const Layer<float> sampled = sample_layer(c, init, l);
    Layer<double>& layer = layers.emplace_back();
    layer.weight = sampled.weight.cast<double>();
    layer.bias = sampled.bias.cast<double>();
  }
  Stack<double> stack(block_spec(c), std::move(layers), x);
  stack.forward();
  return stack.output();
}

MatrixR<double> input_row(const Config& c, std::int64_t sample) {
  return sample_input(c).row(sample).cast<double>();
}

QString describe(const JacobianSpectrum& s) {
  return QString("sigma %1..%2, mean_squared %3, normalized_variance %4, log10_std %5")
      .arg(s.singular_values.front(), 0, 'g', 17)
      .arg(s.singular_values.back(), 0, 'g', 17)
      .arg(s.mean_squared, 0, 'g', 10)
      .arg(s.normalized_variance, 0, 'g', 6)
      .arg(s.log10_std, 0, 'g', 6);
}

void expect_refusal(const Config& c, const JacobianOptions& options, const std::string& message) {
  try {
    jacobian_spectrum(c, options);
    QFAIL("no InputError");
  } catch (const InputError& e) {
    QCOMPARE(std::string(e.what()), message);
  }
}

}  // namespace

Q_DECLARE_METATYPE(Config)
Q_DECLARE_METATYPE(Activation)

class TestJacobian : public QObject {
  Q_OBJECT

 private slots:
  void orthogonal_identity_is_an_isometry_data() {
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("depth");
    QTest::addColumn<double>("gain");
    for (double gain : {0.5, 1.0, 2.0}) {
      for (int depth : {1, 4, 16}) {
        QTest::addRow("64 -> 64, depth %d, gain %g", depth, gain) << 64 << 64 << depth << gain;
      }
    }
    // Semi-orthogonal first layers: W_1 has orthonormal columns (wider) or rows (narrower), so its
    // min(width, dim) singular values are all the gain as well, and so are J's.
    QTest::newRow("32 -> 64, depth 8, gain 1.5") << 32 << 64 << 8 << 1.5;
    QTest::newRow("64 -> 32, depth 8, gain 1.5") << 64 << 32 << 8 << 1.5;
  }

  void orthogonal_identity_is_an_isometry() {
    // Saxe et al. 2013: J = gain^depth·Q_depth⋯Q_1 with orthonormal Q, so every singular value is
    // gain^depth. The weights are float32, so each W_l is gain·Q_l only to ~1e-7: its singular
    // values lie in gain·[1 − δ_l, 1 + δ_l]. Exactly (to double rounding), J's lie between
    // Π σ_min(W_l) and Π σ_max(W_l), which this checks to 1e-12; that interval is within
    // depth·max δ_l ≈ 16·1e-7 of gain^depth, checked to 1e-5.
    QFETCH(int, dim);
    QFETCH(int, width);
    QFETCH(int, depth);
    QFETCH(double, gain);
    const Config c =
        with_gain(mlp(dim, width, depth, Activation::identity, Scheme::orthogonal), gain);
    const JacobianSpectrum s = jacobian_spectrum(c);
    QCOMPARE(s.rows, std::int64_t{width});
    QCOMPARE(s.cols, std::int64_t{dim});
    QCOMPARE(static_cast<int>(s.singular_values.size()), std::min(width, dim));
    double low = 1, high = 1;
    for (int l = 1; l <= depth; ++l) {
      const Eigen::VectorXd w = Eigen::JacobiSVD<Eigen::MatrixXd>(weight(c, l)).singularValues();
      low *= w(w.size() - 1);
      high *= w(0);
    }
    const double target = std::pow(gain, depth);
    QVERIFY2(low > target * (1 - 1e-5) && high < target * (1 + 1e-5), qPrintable(describe(s)));
    for (double sigma : s.singular_values) {
      QVERIFY2(sigma >= low * (1 - 1e-12) && sigma <= high * (1 + 1e-12), qPrintable(describe(s)));
    }
    QCOMPARE(s.zero_count, std::int64_t{0});
    QVERIFY2(std::abs(s.mean_squared / (target * target) - 1) < 2e-5, qPrintable(describe(s)));
    // σ within 1e-5 of each other: Var(σ²)/mean(σ²)² ≤ (2e-5)², log10 σ within 5e-6.
    QVERIFY2(s.normalized_variance < 4e-10, qPrintable(describe(s)));
    QVERIFY2(s.log10_std < 5e-6, qPrintable(describe(s)));
    QVERIFY(s.condition < 1 + 2e-5);
    QVERIFY(s.quantile_ratio < 1 + 2e-5);
    // All σ round to one float log10: a single full bin.
    const std::vector<std::int64_t>& counts = s.log10_histogram.counts;
    QCOMPARE(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}),
             static_cast<std::int64_t>(s.singular_values.size()));
  }

  void gaussian_spread_grows_with_depth_data() {
    QTest::addColumn<Activation>("activation");
    QTest::addColumn<double>("per_layer");
    // Free probability (Pennington et al. 2017): v = Var(λ)/E[λ]² of a product of free factors is
    // the sum of theirs. A Gaussian W W ᵀ (Marchenko–Pastur, square) has v = 1; D² = diag φ′(z)²
    // has v = E[φ′⁴]/E[φ′²]² − 1: 0 for the identity, 1 for ReLU (φ′ ∈ {0, 1} with p = ½).
    QTest::newRow("identity, normal(0, 1/width)") << Activation::identity << 1.0;
    QTest::newRow("relu, kaiming_normal") << Activation::relu << 2.0;
  }

  void gaussian_spread_grows_with_depth() {
    // Width 256 at depths 2, 8, 32. normalized_variance ≈ per_layer·depth up to finite-width terms
    // and the noise of one draw, which grows with depth (the spectrum's upper edge, λ_max ≈ e·v,
    // is made of a few eigenvalues). Over seeds 0..19 the ratio measured/theory averaged
    // 1.00–1.03 and ranged 0.94–1.07 (depth 2), 0.92–1.14 (8), 0.71–1.84 (32), and mean_squared
    // (E[σ²] = 1 at criticality) 0.88–1.12, 0.72–1.31, 0.43–2.07: the bands below hold those with
    // a margin. The ratio between depths, 4 in theory and at least 2.4 over those seeds, must
    // exceed 2; the spread in decades, log10_std, must grow too.
    QFETCH(Activation, activation);
    QFETCH(double, per_layer);
    const Scheme scheme = activation == Activation::relu ? Scheme::kaiming_normal : Scheme::normal;
    struct Band {
      int depth;
      double ratio_low, ratio_high, square_low, square_high;
    };
    std::vector<JacobianSpectrum> spectra;
    for (const Band& band : {Band{2, 0.9, 1.1, 0.8, 1.25}, Band{8, 0.8, 1.25, 0.6, 1.6},
                             Band{32, 0.5, 2.0, 0.3, 3.0}}) {
      Config c = mlp(256, 256, band.depth, activation, scheme);
      c.init.args.std = 1.0 / 16;  // normal: 1/√width
      spectra.push_back(jacobian_spectrum(c));
      const JacobianSpectrum& s = spectra.back();
      const double ratio = s.normalized_variance / (per_layer * band.depth);
      QVERIFY2(ratio > band.ratio_low && ratio < band.ratio_high, qPrintable(describe(s)));
      QVERIFY2(s.mean_squared > band.square_low && s.mean_squared < band.square_high,
               qPrintable(describe(s)));
    }
    for (std::size_t i = 1; i < spectra.size(); ++i) {
      QVERIFY2(spectra[i].normalized_variance > 2 * spectra[i - 1].normalized_variance,
               qPrintable(describe(spectra[i])));
      QVERIFY2(spectra[i].log10_std > spectra[i - 1].log10_std, qPrintable(describe(spectra[i])));
      // With ReLU over 5% of the σ are 0, so q95/q05 is +∞ at every depth.
      if (activation == Activation::identity) {
        QVERIFY(spectra[i].quantile_ratio > spectra[i - 1].quantile_ratio);
      } else {
        QVERIFY(std::isinf(spectra[i].quantile_ratio));
      }
    }
  }

  void matches_finite_differences_data() {
    QTest::addColumn<Config>("c");
    auto small = [](Activation activation) {
      Config c = mlp(5, 8, 3, activation, Scheme::xavier_normal);
      c.network.bias = true;
      c.network.bias_init.kind = BiasInit::Kind::torch_default;
      return c;
    };
    QTest::newRow("tanh, bias") << small(Activation::tanh);
    for (Activation a :
         {Activation::relu, Activation::gelu, Activation::selu, Activation::sigmoid}) {
      QTest::newRow(std::string(name_of(a)).c_str()) << small(a);
    }
    for (Norm norm : {Norm::layer, Norm::rms, Norm::group}) {
      for (NormPlacement placement : {NormPlacement::pre, NormPlacement::post}) {
        Config c = small(Activation::tanh);
        c.norm.name = norm;
        c.norm.placement = placement;
        c.norm.groups = 2;
        QTest::addRow("%s %s", std::string(name_of(norm)).c_str(),
                      std::string(name_of(placement)).c_str())
            << c;
      }
    }
    // Layer 1 (5 → 8) has no skip, layers 2 and 3 have.
    for (Residual residual : {Residual::identity, Residual::scaled}) {
      Config c = small(Activation::tanh);
      c.network.residual = residual;
      QTest::addRow("residual %s", std::string(name_of(residual)).c_str()) << c;
    }
    Config square = small(Activation::silu);
    square.input.dim = 8;
    square.network.residual = Residual::identity;
    square.norm.name = Norm::layer;
    QTest::newRow("residual from layer 1, layer norm") << square;
    Config wide = small(Activation::tanh);
    wide.input.dim = 10;
    wide.network.width = 6;
    QTest::newRow("10 -> 6") << wide;
  }

  void matches_finite_differences() {
    // J against central differences of the whole stack's forward pass (core's Stack, in double, on
    // run()'s weights and input row). With step 1e-5 the truncation error is h²·|h'''|/6 ≈ 1e-11
    // and the rounding error ε·|h|/h ≈ 1e-11 for outputs of order 1, so 1e-6 (relative, or
    // absolute below 1) leaves a margin of 10⁴ and still catches any wrong factor.
    QFETCH(Config, c);
    const std::int64_t sample = 2;
    const JacobianSpectrum s = jacobian_spectrum(c, {.sample = sample, .keep_matrix = true});
    QCOMPARE(s.sample, sample);
    QCOMPARE(s.matrix.rows(), c.network.width);
    QCOMPARE(s.matrix.cols(), c.input.dim);
    const MatrixR<double> x = input_row(c, sample);
    const double step = 1e-5;
    for (Eigen::Index i = 0; i < x.cols(); ++i) {
      MatrixR<double> up = x, down = x;
      up(0, i) += step;
      down(0, i) -= step;
      const MatrixR<double> column = (forward(c, up) - forward(c, down)) / (2 * step);
      for (Eigen::Index o = 0; o < column.cols(); ++o) {
        const double numeric = column(0, o), analytic = s.matrix(o, i);
        QVERIFY2(std::abs(analytic - numeric) <= 1e-6 * std::max(1.0, std::abs(numeric)),
                 qPrintable(QString("J(%1, %2): analytic %3, numeric %4")
                                .arg(o)
                                .arg(i)
                                .arg(analytic, 0, 'g', 12)
                                .arg(numeric, 0, 'g', 12)));
      }
    }
    // The mean squared singular value is ‖J‖_F²/n, and the σ carry the same sum to SVD accuracy.
    const double n = static_cast<double>(std::min(c.network.width, c.input.dim));
    QVERIFY(std::abs(s.mean_squared / (s.matrix.squaredNorm() / n) - 1) < 1e-14);
    double squares = 0;
    for (double sigma : s.singular_values) squares += sigma * sigma;
    QVERIFY(std::abs(squares / n / s.mean_squared - 1) < 1e-12);
    QVERIFY(std::is_sorted(s.singular_values.rbegin(), s.singular_values.rend()));
    // And the singular values are J's, by an independent decomposition.
    const Eigen::VectorXd reference =
        Eigen::JacobiSVD<Eigen::MatrixXd>(Eigen::MatrixXd(s.matrix)).singularValues();
    for (Eigen::Index k = 0; k < reference.size(); ++k) {
      QVERIFY(std::abs(s.singular_values[static_cast<std::size_t>(k)] - reference(k)) <=
              1e-12 * reference(0));
    }
  }

  void uses_the_network_run_measures_data() {
    QTest::addColumn<Config>("c");
    auto base = [](Activation activation, Scheme scheme) {
      Config c = mlp(48, 64, 5, activation, scheme);
      c.input.batch = 32;
      c.seed = 7;
      return c;
    };
    QTest::newRow("tanh xavier_uniform") << base(Activation::tanh, Scheme::xavier_uniform);
    QTest::newRow("relu kaiming_uniform") << base(Activation::relu, Scheme::kaiming_uniform);
    QTest::newRow("identity orthogonal") << base(Activation::identity, Scheme::orthogonal);
    QTest::newRow("tanh sparse") << base(Activation::tanh, Scheme::sparse);
    QTest::newRow("tanh lsuv") << base(Activation::tanh, Scheme::lsuv);
    Config rms = base(Activation::gelu, Scheme::lsuv);
    rms.norm.name = Norm::rms;
    QTest::newRow("gelu lsuv, rms norm") << rms;
  }

  void uses_the_network_run_measures() {
    // The same seed gives the same weights: each layer's std equals run()'s weight_std column bit
    // for bit (LSUV included, whose rescaling depends on the whole batch), and the FD reference's
    // input (sample_input) is the batch run() measures.
    QFETCH(Config, c);
    const Result r = run(c);
    const JacobianSpectrum s = jacobian_spectrum(c, {.sample = 5});
    QCOMPARE(static_cast<std::int64_t>(s.weight_std.size()), c.network.depth);
    for (int l = 1; l <= c.network.depth; ++l) {
      QVERIFY2(s.weight_std[static_cast<std::size_t>(l - 1)] ==
                   *r.layers[static_cast<std::size_t>(l)].weight_std,
               qPrintable(QString("layer %1").arg(l)));
    }
    const MatrixRM x = sample_input(c);
    const Summary input = summarize({x.data(), static_cast<std::size_t>(x.size())});
    QVERIFY(input.mean == r.layers[0].act_mean && input.variance == r.layers[0].act_var);
  }

  void the_sample_matters_and_threads_do_not() {
    Config c = mlp(96, 128, 6, Activation::tanh, Scheme::xavier_normal);
    c.input.batch = 8;
    const JacobianSpectrum a = jacobian_spectrum(c, {.sample = 1, .threads = 1});
    const JacobianSpectrum b = jacobian_spectrum(c, {.sample = 1, .threads = 2});
    const JacobianSpectrum other = jacobian_spectrum(c, {.sample = 6});
    QVERIFY(a.singular_values == b.singular_values);
    QVERIFY(a.mean_squared == b.mean_squared);
    QVERIFY(a.singular_values != other.singular_values);
  }

  void relu_switches_directions_off() {
    // Rows of J for the units φ′(z_depth) = 0 switches off are zero, so at least that many σ are.
    Config c = mlp(64, 64, 4, Activation::relu, Scheme::kaiming_normal);
    const JacobianSpectrum s = jacobian_spectrum(c);
    const MatrixR<double> h = forward(c, input_row(c, 0));
    const auto off = static_cast<std::int64_t>((h.array() <= 0).count());
    QVERIFY2(off > 10 && s.zero_count >= off,
             qPrintable(QString("%1 off, %2 zero").arg(off).arg(s.zero_count)));
    QVERIFY(s.singular_values.back() == 0);
    QVERIFY(std::isinf(s.condition));
    const std::vector<std::int64_t>& counts = s.log10_histogram.counts;
    QCOMPARE(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}), 64 - s.zero_count);
    QCOMPARE(static_cast<int>(counts.size()), 64);
  }

  void zero_weights_give_a_zero_spectrum() {
    const JacobianSpectrum s = jacobian_spectrum(mlp(8, 8, 3, Activation::tanh, Scheme::zeros));
    QVERIFY(s.singular_values == std::vector<double>(8, 0.0));
    QCOMPARE(s.zero_count, std::int64_t{8});
    QCOMPARE(s.mean_squared, 0.0);
    QVERIFY(std::isnan(s.condition) && std::isnan(s.quantile_ratio));
    QVERIFY(std::isnan(s.normalized_variance) && std::isnan(s.log10_std));
    const std::vector<std::int64_t>& counts = s.log10_histogram.counts;
    QCOMPARE(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}), std::int64_t{0});
  }

  void progress_counts_and_cancels() {
    for (Scheme scheme : {Scheme::xavier_uniform, Scheme::lsuv}) {
      const Config c = mlp(16, 16, 5, Activation::tanh, scheme);
      const std::int64_t total = scheme == Scheme::lsuv ? 3 * 5 + 1 : 5 + 1;
      std::int64_t last = 0;
      bool in_order = true;
      const JacobianSpectrum full =
          jacobian_spectrum(c, {}, [&](std::int64_t done, std::int64_t t) {
            in_order = in_order && t == total && done == last + 1;
            last = done;
            return true;
          });
      QVERIFY(in_order);
      QCOMPARE(last, total);
      QVERIFY(!full.cancelled);
      for (std::int64_t stop : {std::int64_t{1}, total - 1, total}) {
        const JacobianSpectrum s =
            jacobian_spectrum(c, {}, [&](std::int64_t done, std::int64_t) { return done < stop; });
        QVERIFY(s.cancelled);
        QVERIFY(s.singular_values.empty());
      }
    }
  }

  void overflow_is_reported() {
    // gain 1e30: J = 1e30^l·Q, whose entries pass double's 1.8e308 at layer 11.
    const Config c = with_gain(mlp(64, 64, 20, Activation::identity, Scheme::orthogonal), 1e30);
    const JacobianSpectrum s = jacobian_spectrum(c);
    QCOMPARE(s.overflow_layer, 11);
    QVERIFY(s.singular_values.empty());
    QVERIFY(std::isnan(s.mean_squared));
  }

  void refusals() {
    Config conv;
    conv.network.type = NetworkType::conv2d;
    conv.input.batch = 2;
    expect_refusal(conv, {},
                   "jacobian: network.type \"conv2d\" is not supported: the input-output Jacobian "
                   "of an image stack is (width*H*W) x (channels*H*W), here 262144 x 3072, too "
                   "large to decompose; the spectrum needs an mlp");
    Config batch_norm = mlp(16, 16, 2, Activation::tanh, Scheme::xavier_uniform);
    batch_norm.norm.name = Norm::batch;
    expect_refusal(batch_norm, {},
                   "jacobian: norm.name \"batch\" is not supported: batch norm couples the samples "
                   "of a batch, so one sample's output depends on every other sample's input and "
                   "has no input-output Jacobian of its own; use none, layer, rms or group");
    Config wide = mlp(16, 2048, 2, Activation::tanh, Scheme::xavier_uniform);
    expect_refusal(
        wide, {},
        "jacobian: network.width must be at most 1024 for the Jacobian spectrum, got 2048");
    Config long_input = mlp(1025, 16, 2, Activation::tanh, Scheme::xavier_uniform);
    expect_refusal(long_input, {},
                   "jacobian: input.dim must be at most 1024 for the Jacobian spectrum, got 1025");
    const Config small = mlp(16, 16, 2, Activation::tanh, Scheme::xavier_uniform);
    expect_refusal(small, {.sample = 4},
                   "jacobian: sample must lie in 0..3 (a row of the input batch), got 4");
    expect_refusal(small, {.sample = -1},
                   "jacobian: sample must lie in 0..3 (a row of the input batch), got -1");
    Config lsuv = mlp(1024, 1024, 100, Activation::tanh, Scheme::lsuv);
    lsuv.input.batch = 4096;
    try {
      jacobian_spectrum(lsuv, {.max_memory = 1 << 30});
      QFAIL("no InputError");
    } catch (const InputError& e) {
      QVERIFY2(std::string(e.what()).starts_with(
                   "jacobian: lsuv rescales the weights from the whole batch's forward pass, and "
                   "the run needs about "),
               e.what());
    }
    Config invalid = small;
    invalid.network.depth = 0;
    QVERIFY_THROWS_EXCEPTION(InputError, jacobian_spectrum(invalid));  // validate()'s message
  }

  void widest_allowed_is_accepted() {
    // 1024 × 1024 at depth 2: the bound itself is taken.
    const Config c = mlp(1024, 1024, 2, Activation::tanh, Scheme::orthogonal);
    const JacobianSpectrum s = jacobian_spectrum(c);
    QCOMPARE(static_cast<int>(s.singular_values.size()), 1024);
  }
};

QTEST_APPLESS_MAIN(TestJacobian)
#include "tst_jacobian.moc"
