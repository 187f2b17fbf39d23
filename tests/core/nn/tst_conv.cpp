// Conv2d stacks (SPEC section 7): the convolution against a direct 7-loop reference and central
// finite differences, every norm of a conv stack through the whole stack's backward, the
// LocalResponseNorm against hand-computed values, conv fans and kaiming's std, dirac, and run().

#include <QtTest>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/config.h"
#include "core/nn/conv.h"
#include "core/init/fans.h"
#include "core/nn/loss.h"
#include "core/nn/norm.h"
#include "core/io/report.h"
#include "core/run.h"
#include "core/init/sampling.h"
#include "core/init/schemes.h"
#include "core/nn/stack.h"
#include "tests/support/stack_gradients.h"

using namespace initscope;

namespace {

using MatD = MatrixR<double>;

MatD random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed, double std = 1.0) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, std);
  MatD m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(engine);
  return m;
}

// The direct definition (torch Conv2d, stride 1, padding k/2, zero padded), in NHWC rows:
// z[n, o, y, x] = Σ_c Σ_ky Σ_kx W[o, c, ky, kx] · h[n, c, y + ky − k/2, x + kx − k/2].
MatD naive_conv(const ConvGeometry& g, const MatD& h, const MatD& w) {
  const Eigen::Index in = h.cols(), out = w.rows(), k = g.kernel, pad = k / 2;
  const Eigen::Index batch = h.rows() / g.positions();
  MatD z = MatD::Zero(h.rows(), out);
  for (Eigen::Index n = 0; n < batch; ++n)
    for (Eigen::Index o = 0; o < out; ++o)
      for (Eigen::Index y = 0; y < g.height; ++y)
        for (Eigen::Index x = 0; x < g.width; ++x)
          for (Eigen::Index c = 0; c < in; ++c)
            for (Eigen::Index ky = 0; ky < k; ++ky)
              for (Eigen::Index kx = 0; kx < k; ++kx) {
                const Eigen::Index sy = y + ky - pad, sx = x + kx - pad;
                if (sy < 0 || sy >= g.height || sx < 0 || sx >= g.width) continue;
                z(n * g.positions() + y * g.width + x, o) +=
                    w(o, c * k * k + ky * k + kx) * h(n * g.positions() + sy * g.width + sx, c);
              }
  return z;
}

// Central differences in double: with step 1e-5 the truncation error is h²·|f'''|/6 ≈ 1e-11 and
// the rounding error ε·|L|/h ≈ 1e-10 for losses of order 10, so 1e-6 relative (absolute near 0)
// leaves a margin of 10⁴ and still catches any wrong term (those are of order 1e-2 or more).
bool close(double analytic, double numeric) {
  return std::abs(analytic - numeric) <= 1e-6 * std::max(1.0, std::abs(numeric));
}

constexpr int kBatch = 2;
constexpr int kDepth = 3;

struct StackCase {
  BlockSpec spec;
  int channels = 3;
  int width = 4;
  // Training's affine parameters, away from 1 and 0: 1 row (per channel: batch, group norm), or
  // one per position (layer and rms norm, normalized shape [C, H, W]); 0 rows: none.
  int affine_rows = 0;
};

test::StackProblem make_problem(const StackCase& c) {
  const ConvGeometry& g = *c.spec.conv;
  const Eigen::Index k2 = g.kernel * g.kernel;
  test::StackProblem p;
  p.spec = c.spec;
  unsigned seed = 7;
  for (int l = 1; l <= kDepth; ++l) {
    const int in = l == 1 ? c.channels : c.width;
    Layer<double> layer;
    layer.weight = random_matrix(c.width, in * k2, ++seed, 1.0 / std::sqrt(double(in * k2)));
    layer.bias = random_matrix(1, c.width, ++seed, 0.1);
    if (c.affine_rows > 0) {
      layer.gamma = random_matrix(c.affine_rows, c.width, ++seed, 0.3).array() + 1.0;
      if (c.spec.norm.kind != Norm::rms)
        layer.beta = random_matrix(c.affine_rows, c.width, ++seed, 0.3);
    }
    p.layers.push_back(layer);
  }
  const Eigen::Index rows = kBatch * g.positions();
  // A mean away from 0, so that a norm that forgets to centre is caught.
  p.input = random_matrix(rows, c.channels, ++seed).array() + 0.5;
  p.probe = random_matrix(rows, c.width, ++seed);
  return p;
}

BlockSpec conv_block(Norm norm, bool post, Activation activation = Activation::tanh,
                     std::optional<double> alpha = std::nullopt) {
  BlockSpec spec;
  spec.activation = ActivationFn::make(activation);
  spec.conv = ConvGeometry{3, 4, 3};  // non-square 3 × 4 images, kernel 3
  spec.norm.kind = norm;
  spec.norm.conv = true;
  spec.norm.positions = spec.conv->positions();
  spec.norm.groups = 2;
  // LocalResponseNorm with parameters large enough that its divisor matters (torch's defaults
  // alpha 1e-4 would make it nearly the identity and hide a wrong derivative of the divisor).
  spec.norm.size = 3;
  spec.norm.alpha = 0.5;
  spec.norm.beta = 0.75;
  spec.norm.k = 1.0;
  spec.norm_after = post;
  spec.residual_alpha = alpha;
  return spec;
}

Config small_conv_config() {
  Config c;
  c.network.type = NetworkType::conv2d;
  c.network.depth = 4;
  c.network.width = 32;
  c.input.channels = 3;
  c.input.height = 16;
  c.input.width = 12;
  c.input.batch = 8;
  c.init.scheme = Scheme::kaiming_normal;
  c.activation.name = Activation::relu;
  return c;
}

}  // namespace

Q_DECLARE_METATYPE(StackCase)
Q_DECLARE_METATYPE(initscope::Norm)

class TestConv : public QObject {
  Q_OBJECT

 private slots:
  void forward_matches_direct_convolution_data() {
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("in");
    QTest::addColumn<int>("out");
    QTest::newRow("k1 3→5") << 1 << 3 << 5;
    QTest::newRow("k3 3→5") << 3 << 3 << 5;
    QTest::newRow("k3 4→2") << 3 << 4 << 2;
    QTest::newRow("k5 2→3") << 5 << 2 << 3;
  }
  void forward_matches_direct_convolution() {
    QFETCH(int, kernel);
    QFETCH(int, in);
    QFETCH(int, out);
    const ConvGeometry g{5, 4, kernel};  // non-square; with k = 5 the padding covers all of x
    const MatD h = random_matrix(2 * g.positions(), in, 1);
    const MatD w = random_matrix(out, in * kernel * kernel, 2);
    MatD z(h.rows(), out);
    conv_forward<double>(g, h, w, z);
    const MatD expected = naive_conv(g, h, w);
    QVERIFY2((z - expected).cwiseAbs().maxCoeff() < 1e-12,
             qPrintable(QString::number((z - expected).cwiseAbs().maxCoeff())));
    // float agrees to its precision (sums of ≤ 100 products of order 1).
    MatrixR<float> zf(h.rows(), out);
    conv_forward<float>(g, h.cast<float>(), w.cast<float>(), zf);
    QVERIFY((zf.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-4);
  }

  void gradients_match_finite_differences_data() {
    QTest::addColumn<int>("kernel");
    QTest::newRow("k1") << 1;
    QTest::newRow("k3") << 3;
    QTest::newRow("k5") << 5;
  }
  void gradients_match_finite_differences() {
    // L = Σ z ⊙ G, so ∂L/∂z = G; the analytic ∂L/∂h and ∂L/∂W against central differences.
    QFETCH(int, kernel);
    const ConvGeometry g{3, 4, kernel};
    const int in = 3, out = 2;
    MatD h = random_matrix(2 * g.positions(), in, 3);
    MatD w = random_matrix(out, in * kernel * kernel, 4);
    const MatD probe = random_matrix(h.rows(), out, 5);
    auto loss = [&] {
      MatD z(h.rows(), out);
      conv_forward<double>(g, h, w, z);
      return (z.array() * probe.array()).sum();
    };
    MatD grad_h(h.rows(), in), grad_w(out, w.cols());
    conv_input_grad<double>(g, probe, w, grad_h);
    conv_weight_grad<double>(g, probe, h, grad_w);
    const double step = 1e-5;
    auto numeric = [&](double& v) {
      v += step;
      const double up = loss();
      v -= 2 * step;
      const double down = loss();
      v += step;
      return (up - down) / (2 * step);
    };
    for (Eigen::Index i = 0; i < h.size(); ++i) {
      const double n = numeric(h.data()[i]);
      QVERIFY2(close(grad_h.data()[i], n), qPrintable(QString("dL/dh %1").arg(i)));
    }
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      const double n = numeric(w.data()[i]);
      QVERIFY2(close(grad_w.data()[i], n), qPrintable(QString("dL/dW %1").arg(i)));
    }
  }

  void stack_gradients_match_finite_differences_data() {
    QTest::addColumn<StackCase>("c");
    QTest::newRow("no norm") << StackCase{conv_block(Norm::none, false)};
    for (Norm norm :
         {Norm::batch, Norm::layer, Norm::group, Norm::instance, Norm::rms, Norm::local_response}) {
      for (bool post : {false, true}) {
        const std::string row = std::string(name_of(norm)) + (post ? " post" : " pre");
        QTest::newRow(row.c_str()) << StackCase{conv_block(norm, post)};
      }
    }
    {
      // An even size: the window is [c − 2, c + 1], not symmetric.
      BlockSpec even = conv_block(Norm::local_response, true);
      even.norm.size = 4;
      QTest::newRow("local_response size 4 post") << StackCase{even};
    }
    for (const auto& [norm, rows] : {std::pair{Norm::batch, 1}, std::pair{Norm::group, 1},
                                     std::pair{Norm::layer, 12}, std::pair{Norm::rms, 12}}) {
      for (bool post : {false, true}) {
        const std::string row = std::string(name_of(norm)) + (post ? " post" : " pre") +
                                ", affine of " + std::to_string(rows) + " row(s)";
        QTest::newRow(row.c_str()) << StackCase{conv_block(norm, post), 3, 4, rows};
      }
    }
    QTest::newRow("residual, group post, relu")
        << StackCase{conv_block(Norm::group, true, Activation::relu, 0.5)};
    QTest::newRow("residual identity, 4 → 4 channels")
        << StackCase{conv_block(Norm::local_response, false, Activation::gelu, 1.0), 4, 4};
  }
  void stack_gradients_match_finite_differences() {
    QFETCH(StackCase, c);
    test::StackProblem p = make_problem(c);
    test::verify_stack_gradients(p);
  }

  void spatial_norms_against_direct_statistics() {
    // instance: each (sample, channel) over its H·W positions; layer: each sample over C·H·W;
    // group 2 of 4 channels: each sample and pair of channels over H·W.
    const Eigen::Index positions = 6, channels = 4;
    const MatD x = random_matrix(2 * positions, channels, 9).array() * 2 + 3;
    auto check = [&](Norm kind, Eigen::Index group_size) {
      NormSpec spec;
      spec.kind = kind;
      spec.conv = true;
      spec.positions = positions;
      spec.groups = channels / group_size;
      MatD y(x.rows(), x.cols());
      NormCache<double> cache;
      norm_forward<double>(spec, x, y, cache);
      for (Eigen::Index n = 0; n < 2; ++n) {
        for (Eigen::Index c0 = 0; c0 < channels; c0 += group_size) {
          const auto set = x.block(n * positions, c0, positions, group_size).array();
          const double mu = set.mean();
          const double var = (set - mu).square().mean();
          const MatD expected = (set - mu) / std::sqrt(var + spec.eps);
          const MatD got = y.block(n * positions, c0, positions, group_size);
          if ((got - expected).cwiseAbs().maxCoeff() > 1e-12) return false;
        }
      }
      return true;
    };
    QVERIFY(check(Norm::instance, 1));
    QVERIFY(check(Norm::group, 2));
    QVERIFY(check(Norm::layer, channels));
  }

  void local_response_by_hand() {
    // One image 1×4×1×1, a = (1, 2, 3, 4), so the channels are one row. size 3, alpha 3 (alpha/size
    // = 1), k 1: D_c = 1 + Σ a_j² over j in [c − 1, c + 1] (zero padded):
    //   D = (1+1+4, 1+1+4+9, 1+4+9+16, 1+9+16) = (6, 15, 30, 26).
    // beta 1: y = a/D = (1/6, 2/15, 3/30, 4/26).   beta 0.5: y = a/√D.
    // size 2 (even: window [c − 1, c], torch pads size/2 = 1 before and 0 after), alpha 2:
    //   D = (1+1, 1+1+4, 1+4+9, 1+9+16) = (2, 6, 14, 26), beta 1: y = (1/2, 2/6, 3/14, 4/26).
    const MatD a = (MatD(1, 4) << 1, 2, 3, 4).finished();
    auto lrn = [&](const MatD& x, std::int64_t positions, std::int64_t size, double alpha,
                   double beta) {
      NormSpec spec;
      spec.kind = Norm::local_response;
      spec.conv = true;
      spec.positions = positions;
      spec.size = size;
      spec.alpha = alpha;
      spec.beta = beta;
      spec.k = 1.0;
      MatD y(x.rows(), x.cols());
      NormCache<double> cache;
      norm_forward<double>(spec, x, y, cache);
      return y;
    };
    auto near = [](const MatD& got, std::vector<double> want) {
      for (std::size_t i = 0; i < want.size(); ++i) {
        if (std::abs(got.data()[i] - want[i]) > 1e-15) return false;
      }
      return true;
    };
    QVERIFY(near(lrn(a, 1, 3, 3.0, 1.0), {1.0 / 6, 2.0 / 15, 3.0 / 30, 4.0 / 26}));
    QVERIFY(near(lrn(a, 1, 3, 3.0, 0.5), {1 / std::sqrt(6.0), 2 / std::sqrt(15.0),
                                          3 / std::sqrt(30.0), 4 / std::sqrt(26.0)}));
    QVERIFY(near(lrn(a, 1, 2, 2.0, 1.0), {1.0 / 2, 2.0 / 6, 3.0 / 14, 4.0 / 26}));
    // 1×3×2×1: channels (1, 2, 3) at position 0 and (0, 1, −1) at position 1; the window runs over
    // channels at each position only. size 3, alpha 3, beta 1:
    //   position 0: D = (1+1+4, 1+1+4+9, 1+4+9) = (6, 15, 14), y = (1/6, 2/15, 3/14)
    //   position 1: D = (1+0+1, 1+0+1+1, 1+1+1) = (2, 3, 3),   y = (0, 1/3, −1/3)
    const MatD b = (MatD(2, 3) << 1, 2, 3, 0, 1, -1).finished();
    QVERIFY(near(lrn(b, 2, 3, 3.0, 1.0), {1.0 / 6, 2.0 / 15, 3.0 / 14, 0.0, 1.0 / 3, -1.0 / 3}));
  }

  void conv_fans() {
    const Fans f = fans({16, 3, 3, 3});
    QCOMPARE(f.fan_in, std::int64_t{27});
    QCOMPARE(f.fan_out, std::int64_t{144});
    QCOMPARE(f.receptive, std::int64_t{9});
    const Fans g = fans({64, 32, 5, 5});
    QCOMPARE(g.fan_in, std::int64_t{800});
    QCOMPARE(g.fan_out, std::int64_t{1600});
  }

  void kaiming_normal_uses_the_receptive_field() {
    // kaiming_normal, fan_in, relu: std = √2/√(in·k²): layer 1 in = 3 (√(2/27) ≈ 0.272), the
    // others in = 32 (√(2/288) ≈ 0.0833); a linear fan (in alone) would be 3× larger. The sample
    // std of n normal values has a standard error of std/√(2n): 5 of them is the tolerance
    // (n = 32·27 = 864 and 32·288 = 9216).
    Config c = small_conv_config();
    c.network.depth = 2;
    const Result r = run(c);
    const double expected1 = std::sqrt(2.0 / 27), expected2 = std::sqrt(2.0 / 288);
    QVERIFY(std::abs(*r.layers[1].weight_std - expected1) < 5 * expected1 / std::sqrt(2.0 * 864));
    QVERIFY(std::abs(*r.layers[2].weight_std - expected2) < 5 * expected2 / std::sqrt(2.0 * 9216));
    // The law itself and the inspector's first-layer law.
    InitArgs args;
    args.nonlinearity = Nonlinearity::relu;
    QVERIFY(std::abs(law_of(Scheme::kaiming_normal, args, {32, 3, 3, 3}).std - expected1) < 1e-15);
    QVERIFY(std::abs(r.init.first_layer_law.std - expected1) < 1e-15);
  }

  void dirac_stack_preserves_its_input() {
    Config c;
    c.network.type = NetworkType::conv2d;
    c.network.depth = 50;
    c.network.width = 3;
    c.network.bias = false;
    c.input.channels = 3;
    c.input.height = 6;
    c.input.width = 5;
    c.input.batch = 2;
    c.init.scheme = Scheme::dirac;
    c.activation.name = Activation::identity;
    // Through the engine's own weights: every layer's activation statistics equal the input's.
    const Result r = run(c);
    for (int l = 1; l <= 50; ++l) {
      QCOMPARE(r.layers[l].act_mean, r.layers[0].act_mean);
      QCOMPARE(r.layers[l].act_var, r.layers[0].act_var);
      QCOMPARE(r.histograms[l].activations.counts, r.histograms[0].activations.counts);
    }
    // And bit for bit through a stack with dirac weights.
    std::vector<Layer<float>> layers;
    for (int l = 0; l < 50; ++l) {
      Tensor w = Tensor::for_overwrite({3, 3, 3, 3});
      Generator gen(1);
      sample(law_of(Scheme::dirac, {}, w.shape()), w, gen);
      layers.emplace_back().weight = w.matrix();
    }
    const BlockSpec spec = block_spec(c);
    MatrixR<float> x = random_matrix(2 * 30, 3, 11).cast<float>();
    Stack<float> stack(spec, layers, x);
    stack.forward();
    QVERIFY(stack.output() == x);
  }

  void dirac_groups_match_torch() {
    // torch.nn.init.dirac_(w, groups): for g < groups, d < min(out/groups, in):
    // w[g·out/groups + d, d, k/2, k/2] = 1, every other entry 0.
    for (auto [out, in, k, groups] :
         {std::tuple<int, int, int, int>{6, 2, 3, 3}, {4, 3, 3, 2}, {6, 4, 5, 2}, {3, 5, 1, 1}}) {
      InitArgs args;
      args.groups = groups;
      Tensor w = Tensor::for_overwrite({out, in, k, k});
      Generator gen(1);
      sample(law_of(Scheme::dirac, args, w.shape()), w, gen);
      std::set<std::int64_t> ones;
      const int per_group = out / groups;
      for (int g = 0; g < groups; ++g) {
        for (int d = 0; d < std::min(per_group, in); ++d) {
          const std::int64_t index[] = {g * per_group + d, d, k / 2, k / 2};
          ones.insert(w.offset(index));
        }
      }
      for (std::int64_t i = 0; i < w.numel(); ++i) {
        QCOMPARE(w.values()[static_cast<std::size_t>(i)], ones.count(i) ? 1.0f : 0.0f);
      }
    }
  }

  void run_conv2d_data() {
    QTest::addColumn<Norm>("norm");
    QTest::addColumn<bool>("residual");
    for (Norm norm : {Norm::none, Norm::batch, Norm::layer, Norm::group, Norm::instance, Norm::rms,
                      Norm::local_response}) {
      QTest::newRow(std::string(name_of(norm)).c_str()) << norm << false;
    }
    QTest::newRow("batch, residual") << Norm::batch << true;
  }
  void run_conv2d() {
    QFETCH(Norm, norm);
    QFETCH(bool, residual);
    Config c = small_conv_config();
    c.norm.name = norm;
    c.norm.groups = 4;
    if (residual) c.network.residual = Residual::identity;
    RunOptions one_thread, two_threads;
    one_thread.threads = 1;
    two_threads.threads = 2;
    const Result r = run(c, one_thread);
    QCOMPARE(r.layers.size(), std::size_t(c.network.depth + 1));
    for (const LayerStats& s : r.layers) {
      QVERIFY(!s.overflow);
      QVERIFY(std::isfinite(s.act_var) && s.act_var > 0);
      QVERIFY(std::isfinite(s.grad_act_var) && s.grad_act_var > 0);
    }
    // x ~ N(0, 1) with 8·3·16·12 = 4608 entries: variance within 5 standard errors (√(2/n)).
    QVERIFY(std::abs(r.layers[0].act_var - 1) < 5 * std::sqrt(2.0 / 4608));
    QCOMPARE(stats_csv(run(c, two_threads)), stats_csv(r));
  }

  void input_is_drawn_in_nchw_order() {
    // A conv2d run's input is the mlp's stream of batch·C·H·W values (image by image, channel by
    // channel: torch's contiguous NCHW), only laid out differently: the same values, so the same
    // histogram, and the same variance up to the order of the sums.
    Config conv;
    conv.network.type = NetworkType::conv2d;
    conv.network.depth = 1;
    conv.network.width = 4;
    conv.input.channels = 2;
    conv.input.height = 3;
    conv.input.width = 5;
    conv.input.batch = 2;
    Config mlp;
    mlp.network.depth = 1;
    mlp.network.width = 4;
    mlp.input.dim = 30;
    mlp.input.batch = 2;
    const Result a = run(conv), b = run(mlp);
    QVERIFY(std::abs(a.layers[0].act_var - b.layers[0].act_var) < 1e-12);
    QCOMPARE(a.histograms[0].activations.counts, b.histograms[0].activations.counts);
  }

  void memory_estimate_counts_positions() {
    Config c = small_conv_config();
    const MemoryEstimate small = estimate_memory(c);
    c.input.height *= 4;
    c.input.width *= 4;
    const MemoryEstimate large = estimate_memory(c);
    // 16× the positions: 16× the activations.
    QCOMPARE(large.activations / small.activations, 16.0);
    c.input.height = 4096;
    c.input.width = 4096;
    c.input.batch = 64;
    QVERIFY(memory_refusal(c).has_value());
  }
};

QTEST_APPLESS_MAIN(TestConv)
#include "tst_conv.moc"
