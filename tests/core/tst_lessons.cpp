// The built-in lessons (resources/lessons): each parses as a lesson with no warnings, and the claim
// its answer makes holds when its config, and the other setting its text names, run through core.
//
// Thresholds come from the mechanism a lesson teaches, with margins for the sampling noise of a
// finite network, never from the numbers of one seed: run with INITSCOPE_LESSON_SEEDS=N to check
// every claim again under N further seeds.
#include <QtTest>

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "core/io/config_io.h"
#include "core/error.h"
#include "core/lesson.h"
#include "core/init/rng.h"
#include "core/run.h"
#include "core/init/sampling.h"
#include "core/init/schemes.h"
#include "core/nn/stack.h"
#include "core/compute/tensor.h"
#include "core/train/train.h"

using namespace initscope;

namespace {

const QString kLessonDir = QStringLiteral(INITSCOPE_SOURCE_DIR "/resources/lessons");

QStringList lesson_files() {
  return QDir(kLessonDir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
}

std::string read_file(const QString& name) {
  QFile file(kLessonDir + '/' + name);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll().toStdString();
}

// --- reading a result ----------------------------------------------------------------------------

int depth_of(const Result& r) {
  return static_cast<int>(r.layers.size()) - 1;
}
double preact_var(const Result& r, int l) {
  return r.layers[l].preact_var.value_or(std::nan(""));
}
double act_var(const Result& r, int l) {
  return r.layers[l].act_var;
}
double grad_var(const Result& r, int l) {
  return r.layers[l].grad_act_var;
}
// Var(relu(x)) for x ~ N(0, 1): E[relu(x)²] = 1/2 minus E[relu(x)]² = 1/(2π).
constexpr double kReluOfGaussianVar = 0.5 - 0.5 / std::numbers::pi;

// E[h²]: what a norm-preserving layer keeps exactly; the variance also subtracts the squared mean.
double act_second_moment(const Result& r, int l) {
  return r.layers[l].act_var + r.layers[l].act_mean * r.layers[l].act_mean;
}

// "seed 0, layer 3: preact_var 2.01, act_var 0.68, ...": failure messages say where and under
// which seed, since the checks also run under other seeds.
QString row(const Result& r, int l) {
  const LayerStats& s = r.layers[l];
  return QString(
             "seed %1, layer %2: preact_var %3, act_mean %4, act_var %5, grad_act_var %6, "
             "weight_std %7, grad_weight_std %8")
      .arg(r.config.seed)
      .arg(l)
      .arg(s.preact_var.value_or(-1))
      .arg(s.act_mean)
      .arg(s.act_var)
      .arg(s.grad_act_var)
      .arg(s.weight_std.value_or(-1))
      .arg(s.grad_weight_std.value_or(-1));
}

// One thread: the results are the same for any thread count (SPEC section 6), and these small runs
// gain nothing from a second.
Result run_serial(const Config& c) {
  RunOptions options;
  options.threads = 1;
  return run(c, options);
}

Result run_variant(Config c, const std::function<void(Config&)>& change) {
  change(c);
  return run_serial(c);
}

// ReLU-like layers of width n: the variance a layer passes on is itself random, with a relative
// spread of about √(5/n) (Hanin & Rolnick 2018), so ln(Var_l/Var_1) is a random walk. After k
// layers its std is σ = √(5k/n) and its drift −σ²/2; we allow four σ around the drift, plus 0.1 for
// the first layers, where σ is tiny and the batch's own sampling error dominates.
bool within_relu_walk(double ratio, int layers, std::int64_t width) {
  const double sigma = std::sqrt(5.0 * layers / static_cast<double>(width));
  return std::abs(std::log(ratio) + sigma * sigma / 2) < 4 * sigma + 0.1;
}

// Two runs whose weights are the same random draws scaled by a constant, through a positively
// homogeneous activation with zero biases, differ by that constant at every layer: the ratio of
// their variances at layer l is exactly scale^l, up to float rounding. Backward the masks of relu′
// also matter: a z that rounds to the other side of 0 in one run (about one entry in 10⁷) switches
// a unit's gradient on or off, so gradients agree to 1e-2 rather than 1e-3.
bool ratio_is(double ratio, double expected, double tolerance = 1e-3) {
  return std::abs(ratio / expected - 1) < tolerance;
}

// --- building the stack of a config by hand, to look at single units -----------------------------

// The config's layers with the weights its scheme draws (own streams: the law is what matters),
// zero biases, and a N(0, 1) input. The symmetry check runs it in double: float rounding, magnified
// by saturated units and by cancellation in the gradients' sums, would blur exact copies at 1e-3.
template <typename Scalar>
Stack<Scalar> stack_of(const Config& c) {
  const InitResolution init = resolve_init(c);
  std::vector<Layer<Scalar>> layers;
  for (std::int64_t l = 1; l <= c.network.depth; ++l) {
    Tensor weight({c.network.width, l == 1 ? c.input.dim : c.network.width});
    Generator gen(c.seed, static_cast<std::uint64_t>(l));
    initialize(weight, init.scheme, init.args, gen);
    Layer<Scalar> layer;
    layer.weight = weight.matrix().cast<Scalar>();
    layer.bias = RowVector<Scalar>::Zero(c.network.width);
    layers.push_back(std::move(layer));
  }
  MatrixRM x(c.input.batch, c.input.dim);
  Generator gen(c.seed, 0);
  fill_normal({x.data(), static_cast<std::size_t>(x.size())}, 0.0, 1.0, gen);
  return Stack<Scalar>(block_spec(c), std::move(layers), x.cast<Scalar>());
}

using MatrixRD = MatrixR<double>;

// How far the columns (rows) of m are from all being equal to the first, relative to m's largest
// entry (0 for a zero matrix).
double column_spread(const MatrixRD& m) {
  const double scale = m.cwiseAbs().maxCoeff();
  return scale == 0 ? 0 : (m.colwise() - m.col(0)).cwiseAbs().maxCoeff() / scale;
}
double row_spread(const MatrixRD& m) {
  const double scale = m.cwiseAbs().maxCoeff();
  return scale == 0 ? 0 : (m.rowwise() - m.row(0)).cwiseAbs().maxCoeff() / scale;
}
// Copies in exact arithmetic differ at most by double rounding, magnified by cancellation in the
// sums; units that genuinely differ do so by a fraction of order 1.
constexpr double kEqual = 1e-9;
constexpr double kDifferent = 0.1;

// --- training (SPEC section 8) ----------------------------------------------------------------------

// Chance on Fashion-MNIST's ten balanced classes is 10%; a network that learns nothing stays within
// a few points of it (a constant guess scores its class's share of the first 1000 test images).
// The learning runs reach 60–80% in the lessons' steps over the seeds tried, far from both bounds.
constexpr double kChanceAtMost = 0.2;

TrainResult train_variant(const Config& c, const std::function<void(Config&)>& change = {}) {
  Config v = c;
  if (change) change(v);
  return train(v);
}

double final_accuracy(const TrainResult& r) {
  return r.steps.back().eval_acc.value_or(std::nan(""));
}

QString accuracies(const TrainResult& r) {
  QString text;
  for (const TrainStepRecord& row : r.steps) {
    if (row.eval_acc) text += QString(" %1:%2").arg(row.step).arg(*row.eval_acc);
  }
  return text;
}

// --- the claims ----------------------------------------------------------------------------------

// A check gets the lesson's config and its run, and may run the other setting the lesson names.
using Check = std::function<void(const Config&, const Result&)>;

const std::map<QString, Check>& checks() {
  static const std::map<QString, Check> table = {
      {"01_zero_init.json",
       [](const Config& c, const Result& r) {
         // ∂L/∂W_l = (∂L/∂z_l)ᵀ·h_{l−1} and ∂L/∂h_{l−1} = ∂L/∂z_l·W_l: with W = 0 and tanh(0) = 0
         // every h_l is 0, so every weight gradient is 0, and nothing passes below layer L.
         const int L = depth_of(r);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(act_var(r, l) == 0 && r.layers[l].act_zero_frac == 1, qPrintable(row(r, l)));
           QVERIFY2(r.layers[l].grad_weight_std == 0.0, qPrintable(row(r, l)));
           // The activations histogram holds everything in one bin.
           const auto& counts = r.histograms[l].activations.counts;
           QCOMPARE(*std::max_element(counts.begin(), counts.end()),
                    c.input.batch * c.network.width);
         }
         for (int l = 0; l < L; ++l) QVERIFY2(grad_var(r, l) == 0, qPrintable(row(r, l)));
         QVERIFY2(grad_var(r, L) > 0.5, qPrintable(row(r, L)));  // G ~ N(0, 1) arrives

         // sigmoid(0) = 0.5: the last layer's input is non-zero, so its weights get a gradient,
         // but the zero W_L still blocks everything below.
         const Result s =
             run_variant(c, [](Config& v) { v.activation.name = Activation::sigmoid; });
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(s.layers[l].act_mean == 0.5 && act_var(s, l) == 0, qPrintable(row(s, l)));
         }
         QVERIFY2(*s.layers[L].grad_weight_std > 0.1, qPrintable(row(s, L)));
         for (int l = 1; l < L; ++l) {
           QVERIFY2(s.layers[l].grad_weight_std == 0.0, qPrintable(row(s, l)));
         }
       }},

      {"02_constant_symmetry.json",
       [](const Config& c, const Result& r) {
         // Equal weights: every unit of a layer computes the same sum of the same inputs, so the
         // units are copies; backward, each receives the same gradient, so ∂L/∂W_l is one number
         // for the hidden layers 2..L−1 (layer 1's rows are equal, layer L's columns).
         Stack<double> stack = stack_of<double>(c);
         stack.forward();
         const int L = stack.depth();
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(column_spread(stack.activation(l)) < kEqual,
                    qPrintable(QString("layer %1: units differ by %2")
                                   .arg(l)
                                   .arg(column_spread(stack.activation(l)))));
         }
         MatrixRM probe(c.input.batch, c.network.width);
         Generator gen(c.seed, 1000);
         fill_normal({probe.data(), static_cast<std::size_t>(probe.size())}, 0.0, 1.0, gen);
         int visited = 0;
         QString failure;
         stack.backward(probe.cast<double>(), [&](const LayerGradients<double>& g) {
           const int l = g.layer;
           const MatrixRD& grad_h = g.grad_h;
           const MatrixRD* grad_w = g.grad_w;
           // ∂L/∂h_l is the same for every unit of a hidden layer (and of the input).
           if (l < L && column_spread(grad_h) >= kEqual) {
             failure = QString("layer %1: the units' gradients differ by %2")
                           .arg(l)
                           .arg(column_spread(grad_h));
             return false;
           }
           if (grad_w == nullptr) return true;
           const double rows = row_spread(*grad_w);
           const double columns = column_spread(*grad_w);
           // Layer 1 sees the real input (its columns differ), layer L the probe (its rows differ).
           const bool ok = l == 1   ? rows < kEqual && columns > kDifferent
                           : l == L ? columns < kEqual && rows > kDifferent
                                    : rows < kEqual && columns < kEqual;
           if (!ok) {
             failure = QString("layer %1: ∂L/∂W rows spread %2, columns spread %3")
                           .arg(l)
                           .arg(rows)
                           .arg(columns);
             return false;
           }
           ++visited;
           return true;
         });
         QVERIFY2(visited == L, qPrintable(failure));

         // 256 × 0.01 = 2.56 > 1: each sample's common value runs to the fixed point
         // h = tanh(2.56·h) ≈ ±0.987, beyond the 0.97 that counts as saturated, and the last
         // layer's histogram holds two spikes, in its first and last bins.
         QVERIFY2(*r.layers[L].act_saturated_frac > 0.9, qPrintable(row(r, L)));
         const auto& counts = r.histograms[L].activations.counts;
         QVERIFY(counts.front() + counts.back() > 0.9 * c.input.batch * c.network.width);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(r.layers[l].weight_std == 0.0, qPrintable(row(r, l)));
         }

         // Random N(0, 0.01²) weights: Var(z) ≤ 256·1e-4 = 0.0256, so |z| > 2.09 would be a
         // 13σ event; nothing saturates.
         const Result n = run_variant(c, [](Config& v) {
           v.init.scheme = Scheme::normal;
           v.init.args.std = 0.01;
         });
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(*n.layers[l].act_saturated_frac == 0, qPrintable(row(n, l)));
         }
       }},

      {"03_small_normal_vanishing.json",
       [](const Config& c, const Result& r) {
         // tanh ≈ identity near 0, so each layer multiplies both the activations' and the
         // gradients' variance by fan·Var(W) = 256 × 1e-4 = 0.0256; we allow twice that.
         const int L = depth_of(r);
         for (int l = 2; l <= L; ++l) {
           QVERIFY2(act_var(r, l) < 0.05 * act_var(r, l - 1), qPrintable(row(r, l)));
         }
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(grad_var(r, l - 1) < 0.05 * grad_var(r, l), qPrintable(row(r, l - 1)));
         }
         // std 1/√256: fan·Var(W) = 1, and only tanh's curvature shrinks the signal, as a power
         // law ≈ 1/(2l) (lesson 6), not a geometric one.
         const Result f = run_variant(c, [](Config& v) { v.init.args.std = 0.0625; });
         QVERIFY2(act_var(f, L) > 0.005, qPrintable(row(f, L)));
         QVERIFY2(grad_var(f, 1) > 1e-3 * grad_var(f, L), qPrintable(row(f, 1)));
       }},

      {"04_large_normal_saturating.json",
       [](const Config& c, const Result& r) {
         // z sums 256 terms of variance E[h²] ∈ (0.5, 1]: Var(z) ≈ 244, std ≈ 16, so
         // P(|tanh z| > 0.97) = P(|z| > 2.09) ≈ 0.89. Backward, a layer multiplies the gradient's
         // variance by 256·E[tanh′(z)²] ≈ 256 × 0.034 ≈ 9; we require 4.
         const int L = depth_of(r);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(*r.layers[l].act_saturated_frac > 0.8, qPrintable(row(r, l)));
           QVERIFY2(preact_var(r, l) > 128 && preact_var(r, l) < 512, qPrintable(row(r, l)));
           QVERIFY2(grad_var(r, l - 1) > 4 * grad_var(r, l), qPrintable(row(r, l - 1)));
         }
         // relu: each layer multiplies act_var by fan·Var(W)/2 = 128; we require 32.
         const Result e = run_variant(c, [](Config& v) { v.activation.name = Activation::relu; });
         for (int l = 2; l <= L; ++l) {
           QVERIFY2(act_var(e, l) > 32 * act_var(e, l - 1), qPrintable(row(e, l)));
         }
         // ... until float32 overflows: act_var ≈ 88·128^(l−1) reaches 1e75 near layer 36, where
         // the largest values pass float32's 3.4e38. Layer 20 (act_var ≈ 1e42) is still finite.
         const Result o = run_variant(c, [](Config& v) {
           v.activation.name = Activation::relu;
           v.network.depth = 50;
         });
         QVERIFY(o.layers[50].overflow);
         QVERIFY(!o.layers[20].overflow);
       }},

      {"05_sigmoid_xavier_vanishing_gradients.json",
       [](const Config& c, const Result& r) {
         // Backward, a layer multiplies the gradient's variance by fan_out·Var(W)·E[σ′(z)²], where
         // fan_out·Var(W) = 1 (Xavier, square layers) and σ′ ≤ 1/4: at most 1/16, with 25% margin
         // for the sampling of W.
         const int L = depth_of(r);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(grad_var(r, l - 1) < 1.25 / 16 * grad_var(r, l), qPrintable(row(r, l - 1)));
         }
         QVERIFY2(grad_var(r, 1) < 1e-3 * grad_var(r, L), qPrintable(row(r, 1)));
         // z is symmetric about 0, so the outputs centre on sigmoid(0) = 0.5.
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(std::abs(r.layers[l].act_mean - 0.5) < 0.05, qPrintable(row(r, l)));
         }
         // tanh, gain 5/3: the factor is (5/3)²·E[tanh′(z)²] ≈ 1.2, so the gradient grows.
         const Result t = run_variant(c, [](Config& v) { v.activation.name = Activation::tanh; });
         QCOMPARE(*t.init.gain, 5.0 / 3.0);
         QVERIFY2(grad_var(t, 1) > grad_var(t, L), qPrintable(row(t, 1)));
       }},

      {"06_tanh_xavier_gain.json",
       [](const Config& c, const Result& r) {
         // Gain 5/3: q ↦ (5/3)²·E[tanh(√q·z)²] has a stable fixed point with E[h²] ≈ 0.42, so
         // act_var settles instead of drifting; at it, χ = (5/3)²·E[tanh′(z)²] ≈ 1.2 > 1, so
         // gradients grow toward the input (≈ 1.2^49 ≈ 7600 over 50 layers; we require 100).
         const int L = depth_of(r);
         QCOMPARE(*r.init.gain, 5.0 / 3.0);
         for (int l = 5; l <= L; ++l) {
           QVERIFY2(act_var(r, l) > 0.3 && act_var(r, l) < 0.6, qPrintable(row(r, l)));
         }
         QVERIFY2(grad_var(r, 1) > 100 * grad_var(r, L), qPrintable(row(r, 1)));
         // Gain 1: the only fixed point is 0 and q ↦ q − 2q² + … approaches it as a power law,
         // ≈ 1/(2l): by layer 50 about 0.01 (we allow 0.03, for the random walk of a finite width),
         // not geometrically (above 1e-3). E[tanh′²] < 1 makes the gradients shrink toward the
         // input.
         const Result g = run_variant(c, [](Config& v) {
           v.init.gain = {GainSetting::Kind::value, 1.0};
         });
         QVERIFY2(act_var(g, L) < 0.03, qPrintable(row(g, L)));
         QVERIFY2(act_var(g, L) > 1e-3, qPrintable(row(g, L)));
         QVERIFY2(act_var(r, L) > 10 * act_var(g, L), qPrintable(row(g, L)));
         QVERIFY2(grad_var(g, 1) < grad_var(g, L), qPrintable(row(g, 1)));
       }},

      {"07_relu_he_vs_xavier.json",
       [](const Config& c, const Result& r) {
         // He: fan_in·Var(W)/2 = 1, so preact_var keeps its level up to the random walk of a
         // finite width; so does the gradient, backward.
         const int L = depth_of(r);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(within_relu_walk(preact_var(r, l) / preact_var(r, 1), l - 1, c.network.width),
                    qPrintable(row(r, l)));
           QVERIFY2(within_relu_walk(grad_var(r, l) / grad_var(r, L), L - l, c.network.width),
                    qPrintable(row(r, l)));
         }
         // Xavier with gain 1 draws the same numbers times 1/√2: forward, layer l is scaled by
         // 2^(−l/2), backward, ∂L/∂h_l by 2^(−(L−l)/2).
         const Result x = run_variant(c, [](Config& v) {
           v.init.scheme = Scheme::xavier_normal;
           v.init.gain = {GainSetting::Kind::value, 1.0};
         });
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(ratio_is(preact_var(x, l) / preact_var(r, l), std::pow(2.0, -l)),
                    qPrintable(row(x, l)));
           QVERIFY2(ratio_is(grad_var(x, l) / grad_var(r, l), std::pow(2.0, -(L - l)), 1e-2),
                    qPrintable(row(x, l)));
         }
         QVERIFY2(preact_var(x, L) < 1e-3 * preact_var(x, 1), qPrintable(row(x, L)));
       }},

      {"08_leaky_relu_gain.json",
       [](const Config& c, const Result& r) {
         // The right gain √(2/(1 + a²)) makes fan_in·Var(W)·(1 + a²)/2 = 1: only the random walk.
         const int L = depth_of(r);
         QVERIFY(std::abs(*r.init.gain - std::sqrt(2 / 1.04)) < 1e-12);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(within_relu_walk(preact_var(r, l) / preact_var(r, 1), l - 1, c.network.width),
                    qPrintable(row(r, l)));
         }
         // a = 0 (gain √2) draws the same numbers times √1.04: the variance gains 4% per layer,
         // 1.04^l at layer l.
         const Result z = run_variant(c, [](Config& v) { v.init.a = 0.0; });
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(ratio_is(preact_var(z, l) / preact_var(r, l), std::pow(1.04, l)),
                    qPrintable(row(z, l)));
         }
       }},

      {"09_torch_default_linear.json",
       [](const Config& c, const Result& r) {
         // U(±1/√n): fan_in·Var(W) = 1/3, and relu halves the second moment: 1/6 per layer (we
         // allow 1/3), forward and backward.
         const int L = depth_of(r);
         for (int l = 2; l <= L; ++l) {
           QVERIFY2(preact_var(r, l) < preact_var(r, l - 1) / 3, qPrintable(row(r, l)));
         }
         QVERIFY2(grad_var(r, 1) < std::pow(3.0, -(L - 1)) * grad_var(r, L), qPrintable(row(r, 1)));
         // kaiming_uniform (a = 0, relu): the same uniform draws times √6, so 6^l at layer l, and
         // its level stays up to the random walk.
         const Result k =
             run_variant(c, [](Config& v) { v.init.scheme = Scheme::kaiming_uniform; });
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(ratio_is(preact_var(k, l) / preact_var(r, l), std::pow(6.0, l)),
                    qPrintable(row(k, l)));
           QVERIFY2(within_relu_walk(preact_var(k, l) / preact_var(k, 1), l - 1, c.network.width),
                    qPrintable(row(k, l)));
         }
       }},

      {"10_selu_lecun_normal.json",
       [](const Config& c, const Result& r) {
         // Var(W) = 1/fan_in makes (mean 0, variance 1) an attracting fixed point of SELU, so the
         // sampling noise does not compound. At it χ = E[selu′(z)²] ≈ 1.07 > 1: the gradients grow
         // toward the input (≈ 1.07^29 ≈ 7; we require 2).
         const int L = depth_of(r);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(act_var(r, l) > 0.8 && act_var(r, l) < 1.25, qPrintable(row(r, l)));
           QVERIFY2(std::abs(r.layers[l].act_mean) < 0.1, qPrintable(row(r, l)));
         }
         QVERIFY2(grad_var(r, 1) > 2 * grad_var(r, L), qPrintable(row(r, 1)));
         // kaiming_normal with nonlinearity selu: gain 3/4, Var(W) = 0.5625/fan_in. The map
         // q ↦ 0.5625·E[selu(√q·z)²] then has its fixed point at act_var ≈ 0.040 (0.048 at layer
         // 30): we require [0.01, 0.1], far from the self-normalizing 1; the gradients now shrink.
         const Result k = run_variant(c, [](Config& v) { v.init.scheme = Scheme::kaiming_normal; });
         QCOMPARE(*k.init.gain, 0.75);
         QVERIFY2(act_var(k, L) > 0.01 && act_var(k, L) < 0.1, qPrintable(row(k, L)));
         QVERIFY2(grad_var(k, 1) < grad_var(k, L), qPrintable(row(k, 1)));
       }},

      {"11_batchnorm_rescue.json",
       [](const Config& c, const Result& r) {
         // Batch norm gives every feature of z variance 1 over the batch (eps = 1e-5 against
         // Var(z) ≈ 0.013 costs 0.1%), and relu of a unit Gaussian has variance
         // 1/2 − 1/(2π) ≈ 0.341; the features are sums of 256 terms, close to Gaussian.
         const int L = depth_of(r);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(act_var(r, l) > 0.3 && act_var(r, l) < 0.42, qPrintable(row(r, l)));
         }
         // Backward, batch-normalized relu layers amplify the gradient by ≈ π/(π − 1) ≈ 1.47
         // (Yang et al. 2019); we require 1.25 per layer.
         QVERIFY2(grad_var(r, 1) > std::pow(1.25, L - 1) * grad_var(r, L), qPrintable(row(r, 1)));
         // Without the norm: 256 × 1e-4 / 2 = 0.0128 per layer (we allow 0.05).
         const Result n = run_variant(c, [](Config& v) { v.norm.name = Norm::none; });
         for (int l = 2; l <= L; ++l) {
           QVERIFY2(act_var(n, l) < 0.05 * act_var(n, l - 1), qPrintable(row(n, l)));
         }
       }},

      {"12_orthogonal_deep_linear.json",
       [](const Config& c, const Result& r) {
         // A square orthogonal W keeps the norm of every row it multiplies: E[h_l²] is the
         // input's, the gradient's likewise backward, and ‖(∂L/∂z_l)ᵀ·h_{l−1}‖ is the same at
         // every layer. Variances also subtract a squared mean of order 1/(batch·width).
         const int L = depth_of(r);
         const double grad_w1 = *r.layers[1].grad_weight_std;
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(ratio_is(act_second_moment(r, l), act_second_moment(r, 0)),
                    qPrintable(row(r, l)));
           QVERIFY2(std::abs(grad_var(r, l) / grad_var(r, L) - 1) < 5e-3, qPrintable(row(r, l)));
           QVERIFY2(std::abs(*r.layers[l].grad_weight_std / grad_w1 - 1) < 5e-3,
                    qPrintable(row(r, l)));
         }
         // Gaussian W of the same scale: each layer multiplies E[h²] by a random factor near 1,
         // with a spread that grows with the depth (≈ √(L² + 4L)/n ≈ 1.6 in log after 100 layers of
         // width 64); it cannot stay within 10% of the input's over the whole depth.
         const Result g = run_variant(c, [](Config& v) { v.init.scheme = Scheme::xavier_normal; });
         double excursion = 0;
         for (int l = 1; l <= L; ++l) {
           excursion = std::max(
               excursion, std::abs(std::log(act_second_moment(g, l) / act_second_moment(g, 0))));
         }
         QVERIFY2(excursion > 0.1, qPrintable(QString("largest |ln ratio| %1").arg(excursion)));

         // The singular values of the product W_L⋯W_1: all 1 for orthogonal layers; for Gaussian
         // ones they spread apart geometrically (the Lyapunov exponents of n = 64 Gaussian
         // layers differ by ≈ 2.7 per layer), so after 100 layers the smallest is lost below
         // double rounding: a condition number far above 1e6.
         auto product_spectrum = [](const Config& v) {
           const Stack<float> stack = stack_of<float>(v);
           Eigen::MatrixXd m = Eigen::MatrixXd::Identity(v.input.dim, v.input.dim);
           for (int l = 1; l <= stack.depth(); ++l) m = stack.layer(l).weight.cast<double>() * m;
           return Eigen::JacobiSVD<Eigen::MatrixXd>(m).singularValues().eval();
         };
         const Eigen::VectorXd orthogonal = product_spectrum(c);
         QVERIFY2((orthogonal.array() - 1).abs().maxCoeff() < 1e-3,
                  qPrintable(QString("orthogonal: σ in [%1, %2]")
                                 .arg(orthogonal.minCoeff())
                                 .arg(orthogonal.maxCoeff())));
         Config gaussian = c;
         gaussian.init.scheme = Scheme::xavier_normal;
         const Eigen::VectorXd spread = product_spectrum(gaussian);
         QVERIFY2(
             spread.maxCoeff() > 1e6 * spread.minCoeff(),
             qPrintable(
                 QString("Gaussian: σ in [%1, %2]").arg(spread.minCoeff()).arg(spread.maxCoeff())));
       }},

      {"13_trunc_normal_transformer.json",
       [](const Config& c, const Result& r) {
         // a = −2, b = 2 are absolute: ±100σ for std 0.02, so the law is N(0, 0.02²), untouched.
         // The std of 65 536 draws is off by ≈ 0.3% (we allow 2%), and their largest |w| exceeds
         // 3σ = 0.06 unless all of them fall inside, with probability 0.9973^65536 ≈ 10⁻⁷⁷.
         const int L = depth_of(r);
         for (int l = 1; l <= L; ++l) {
           const LayerStats& s = r.layers[l];
           QVERIFY2(std::abs(*s.weight_std / 0.02 - 1) < 0.02, qPrintable(row(r, l)));
           QVERIFY2(std::max(-*s.weight_min, *s.weight_max) > 0.06, qPrintable(row(r, l)));
         }
         // a, b = ∓0.04 = ∓2σ: the std of N(0, 1) cut at ±2 is 0.8796, and the law has density at
         // its bounds, so some of 65 536 draws lie within 0.001 of each.
         const Result t = run_variant(c, [](Config& v) {
           v.init.args.trunc_a = -0.04;
           v.init.args.trunc_b = 0.04;
         });
         for (int l = 1; l <= L; ++l) {
           const LayerStats& s = t.layers[l];
           QVERIFY2(std::abs(*s.weight_std / (0.02 * kKerasTruncatedStd) - 1) < 0.02,
                    qPrintable(row(t, l)));
           QVERIFY2(*s.weight_min >= -0.04 && *s.weight_max <= 0.04, qPrintable(row(t, l)));
           QVERIFY2(*s.weight_min < -0.039 && *s.weight_max > 0.039, qPrintable(row(t, l)));
         }
       }},

      {"14_dirac_conv_identity.json",
       [](const Config& c, const Result& r) {
         // One 1 per output channel, at the kernel centre: 16 ones among 16·16·9 entries, a share
         // p = 1/144, so weight_mean p and weight_std √(p(1 − p)), exactly (the sums of 0s and 1s
         // in double are exact).
         const int L = depth_of(r);
         const double p =
             1.0 / static_cast<double>(c.network.width * c.network.kernel * c.network.kernel);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(std::abs(*r.layers[l].weight_mean - p) < 1e-12, qPrintable(row(r, l)));
           QVERIFY2(std::abs(*r.layers[l].weight_std - std::sqrt(p * (1 - p))) < 1e-12,
                    qPrintable(row(r, l)));
         }
         // Every entry of z_l is 1·h plus products with 0, and adding ±0 leaves a float unchanged,
         // in any order of the sums: z_l = h_{l−1} bit for bit (the bias is 0 too). With
         // relu(relu(x)) = relu(x), h_l = relu(x) at every layer: one tensor, so exactly the same
         // statistics, not merely within rounding. Backward, the transposed kernel is the same
         // dirac (the centre stays the centre), so ∂L/∂h_{l−1} = ∂L/∂z_l bit for bit, and the
         // ReLU masks by 1[z > 0] = 1[x > 0] at every layer: ∂L/∂h_l = G·1[x > 0] for l < L.
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(preact_var(r, l) == act_var(r, l - 1), qPrintable(row(r, l)));
           QVERIFY2(act_var(r, l) == act_var(r, 1), qPrintable(row(r, l)));
           QVERIFY2(r.layers[l].act_mean == r.layers[1].act_mean, qPrintable(row(r, l)));
           QVERIFY2(r.layers[l].act_zero_frac == r.layers[1].act_zero_frac, qPrintable(row(r, l)));
         }
         for (int l = 0; l < L; ++l) {
           QVERIFY2(grad_var(r, l) == grad_var(r, 0), qPrintable(row(r, l)));
         }
         // x ~ N(0, 1): Var(relu(x)) = 1/2 − 1/(2π) ≈ 0.341 and P(x ≤ 0) = 1/2. Their sampling
         // errors over 8·16·16·16 = 32 768 entries are ≈ 0.004 and 0.003; we allow 0.03 and 0.02.
         QVERIFY2(std::abs(act_var(r, 1) - kReluOfGaussianVar) < 0.03, qPrintable(row(r, 1)));
         QVERIFY2(std::abs(r.layers[1].act_zero_frac - 0.5) < 0.02, qPrintable(row(r, 1)));
         // The probe G ~ N(0, 1) arrives at layer L (Var ≈ 1 ± 0.008); the mask, independent of G,
         // keeps half of E[G²] (± 0.006): we allow 0.05 for both.
         QVERIFY2(std::abs(grad_var(r, L) - 1) < 0.05, qPrintable(row(r, L)));
         QVERIFY2(std::abs(grad_var(r, L - 1) / grad_var(r, L) - 0.5) < 0.05,
                  qPrintable(row(r, L - 1)));

         // He init keeps the variance only on average over the weights: each layer multiplies it
         // by a random factor, whose spread is set by the 16 channels, as lesson 7's by the width
         // (64×64 images wander as much). Over 40 seeds ln(act_var_50 / act_var_1) was
         // −6.6 ± 2.8, a log-std of ≈ 0.4 per layer (√(5/16) ≈ 0.56 for a 16-unit MLP); staying
         // within ±ln 2 of layer 1 for 49 such steps has a probability far below 10⁻⁶.
         const Result k = run_variant(c, [](Config& v) { v.init.scheme = Scheme::kaiming_normal; });
         double excursion = 0;
         for (int l = 1; l <= L; ++l) {
           excursion = std::max(excursion, std::abs(std::log(act_var(k, l) / act_var(k, 1))));
         }
         QVERIFY2(excursion > std::log(2.0),
                  qPrintable(QString("largest |ln ratio| %1").arg(excursion)));
       }},

      {"15_instance_batch_group_norm_batch2.json",
       [](const Config& c, const Result& r) {
         const int L = depth_of(r);
         // Each set the norm takes (batch: 32 of 128 values, instance: 64 of 64, group: 16 of 256)
         // leaves y with mean 0 and variance 1 exactly, so E[relu(y)] = E|y|/2 and
         // act_var = 1/2 + E[y·|y|]/2 − E|y|²/4: 1/2 − 1/(2π) for a Gaussian, and z, a sum of
         // 288 terms, is close to one. What moves it is each set's sampling skew: E[y·|y|] has an
         // error of √(3/m) ≈ 0.2 over m = 64 values, half of which reaches act_var, averaged over
         // the layer's sets: ≈ 0.014 per layer (measured 0.008 to 0.014 over 100 seeds). We
         // allow 0.08.
         auto relu_of_unit_variance = [&](const Result& x) {
           for (int l = 1; l <= L; ++l) {
             QVERIFY2(std::abs(act_var(x, l) - kReluOfGaussianVar) < 0.08, qPrintable(row(x, l)));
           }
         };
         // The growth of grad_act_var per layer toward the input, as a geometric mean.
         auto growth = [&](const Result& x) {
           return std::pow(grad_var(x, 1) / grad_var(x, L), 1.0 / (L - 1));
         };
         // Backward, He weights (fan·Var(W) = 2) and the ReLU's mask (1/2) keep the gradient's
         // scale, and the norm multiplies it by 1/σ of its set, twice in the variance. A
         // per-channel set (batch, instance) leaves out the channel's mean, which the ReLU's
         // positive outputs put into z: σ² = 2·Var(h) = 1 − 1/π instead of E[z²] = 2·E[h²] = 1,
         // so the gradient grows by π/(π − 1) ≈ 1.47 per layer in wide networks (Yang et al.
         // 2019). With 32 channels and 8×8 maps: 1.41 ± 0.02 per seed over 100 seeds. We require
         // 1.25 to 1.6.
         auto per_channel_growth = [&](const Result& x) {
           const double g = growth(x);
           QVERIFY2(g > 1.25 && g < 1.6, qPrintable(QString("seed %1, norm %2: growth %3 per layer")
                                                        .arg(x.config.seed)
                                                        .arg(name_of(x.config.norm.name).data())
                                                        .arg(g)));
         };
         relu_of_unit_variance(r);
         if (QTest::currentTestFailed()) return;
         per_channel_growth(r);
         if (QTest::currentTestFailed()) return;

         const Result i = run_variant(c, [](Config& v) { v.norm.name = Norm::instance; });
         relu_of_unit_variance(i);
         if (QTest::currentTestFailed()) return;
         per_channel_growth(i);
         if (QTest::currentTestFailed()) return;

         // A group spans 4 channels whose means differ: their spread adds to σ², so the gain is
         // smaller. Over 100 seeds the growth was 1.22 ± 0.03 per layer, and its log 0.155 ± 0.024
         // below instance norm's: we require 1.05 to 1.4, and below instance norm's.
         const Result g = run_variant(c, [](Config& v) { v.norm.name = Norm::group; });
         relu_of_unit_variance(g);
         if (QTest::currentTestFailed()) return;
         QVERIFY2(growth(g) > 1.05 && growth(g) < 1.4 && growth(g) < growth(i),
                  qPrintable(QString("seed %1: group %2, instance %3 per layer")
                                 .arg(c.seed)
                                 .arg(growth(g))
                                 .arg(growth(i))));

         // At batch 1, batch norm's sets (each channel over N·H·W) are instance norm's (each
         // sample and channel over H·W): the same values, the same formula. Only the order of the
         // double sums could differ, which moves a float result by an ulp at most.
         auto same = [](double a, double b) { return std::abs(a - b) <= 1e-6 * std::abs(b); };
         const Result b1 = run_variant(c, [](Config& v) { v.input.batch = 1; });
         const Result i1 = run_variant(c, [](Config& v) {
           v.input.batch = 1;
           v.norm.name = Norm::instance;
         });
         for (int l = 0; l <= L; ++l) {
           QVERIFY2(same(act_var(b1, l), act_var(i1, l)) && same(grad_var(b1, l), grad_var(i1, l)),
                    qPrintable(row(b1, l) + " | " + row(i1, l)));
         }

         // 1×1 maps, batch 2: each channel's set is 2 values, normalized to ±s with
         // s = 1/√(1 + eps/σ²) ≤ 1; after the ReLU each channel is 0 in one image and s in the
         // other: exactly half the entries are 0 (unless the two values are equal as floats).
         // act_var = mean(s²)/2 − mean(s)²/4 is at most 1/4 (s ≤ 1), and at least mean(s)²/4,
         // above 0.2 unless mean(s) < 0.89, which takes many channels whose two values tie to
         // within about √eps. The histogram spans [0, max s], max s within 1% of 1; a channel's
         // s leaves the last bin only when s < 63/64 (σ² < 3·10⁻⁴: a few percent of the
         // channels). We require three quarters of the entries in the first and last bins, which
         // would take 16 such channels of 32 to fail.
         auto one_by_one = [](Config& v) {
           v.input.height = 1;
           v.input.width = 1;
         };
         const Result b = run_variant(c, one_by_one);
         const double entries = static_cast<double>(c.input.batch * c.network.width);
         for (int l = 1; l <= L; ++l) {
           QVERIFY2(b.layers[l].act_zero_frac == 0.5, qPrintable(row(b, l)));
           QVERIFY2(act_var(b, l) > 0.2 && act_var(b, l) <= 0.25 * (1 + 1e-6),
                    qPrintable(row(b, l)));
           const Histogram& h = b.histograms[l].activations;
           QVERIFY2(h.edges.front() == 0 && std::abs(h.edges.back() - 1) < 0.01,
                    qPrintable(row(b, l)));
           QVERIFY2(static_cast<double>(h.counts.front() + h.counts.back()) >= 0.75 * entries,
                    qPrintable(row(b, l)));
         }
         // Group norm normalizes 4 values (4 channels of one image) to mean 0: 1, 2 or 3 of them
         // lie below it (4 exactly equal values aside), so act_zero_frac is within [1/4, 3/4]
         // at every layer. It sits at exactly 1/2 only when the 16 sets' counts add up to 32;
         // over 300 seeds at least 13 of the 20 layers were elsewhere. We require one.
         const Result g1 = run_variant(c, [&](Config& v) {
           one_by_one(v);
           v.norm.name = Norm::group;
         });
         int unpinned = 0;
         for (int l = 1; l <= L; ++l) {
           const double zeros = g1.layers[l].act_zero_frac;
           QVERIFY2(zeros >= 0.25 && zeros <= 0.75, qPrintable(row(g1, l)));
           if (zeros != 0.5) ++unpinned;
         }
         QVERIFY2(unpinned > 0, "group norm on 1×1 maps: act_zero_frac 0.5 at every layer");
         // Instance norm on 1×1 maps would normalize single values, x − μ = 0: refused, as torch
         // refuses it.
         Config i11 = c;
         one_by_one(i11);
         i11.norm.name = Norm::instance;
         QVERIFY_THROWS_EXCEPTION(InputError, validate(i11));
       }},
      {"16_train_zero_init.json",
       [](const Config& c, const Result&) {
         // Zero blocks output tanh(0) = 0: the readout's weight gradient (∂L/∂logits)ᵀ·0 is 0 and
         // nothing below gets one. Only the readout's bias learns the class prior: ln 10 at best.
         const TrainResult r = train(c);
         QVERIFY2(!r.diverged && r.steps_done == c.train->steps, "did not run to the end");
         for (const TrainLayerRecord& l : r.layers) {
           QVERIFY2(l.grad_weight_std == 0.0 && l.weight_std == 0.0,
                    qPrintable(QString("step %1 layer %2").arg(l.step).arg(l.layer)));
         }
         QVERIFY2(final_accuracy(r) <= kChanceAtMost, qPrintable(accuracies(r)));
         QVERIFY(*r.steps.back().eval_loss > std::log(10.0) - 0.01);
       }},
      {"17_train_small_normal_stalls.json",
       [](const Config& c, const Result&) {
         // Each layer scales the signal by about 0.01·√128·√½ ≈ 0.08: nothing reaches the readout.
         const TrainResult bad = train(c);
         QVERIFY2(final_accuracy(bad) <= kChanceAtMost, qPrintable(accuracies(bad)));
         const TrainResult he = train_variant(c, [](Config& v) {
           v.init.scheme = Scheme::kaiming_normal;
           v.init.args.std.reset();
         });
         QVERIFY2(final_accuracy(he) >= 0.6, qPrintable(accuracies(he)));
       }},
      {"18_train_batchnorm_rescue.json",
       [](const Config& c, const Result&) {
         const TrainResult rescued = train(c);
         QVERIFY2(final_accuracy(rescued) >= 0.6, qPrintable(accuracies(rescued)));
         const TrainResult without = train_variant(c, [](Config& v) { v.norm.name = Norm::none; });
         QVERIFY2(final_accuracy(without) <= kChanceAtMost, qPrintable(accuracies(without)));
       }},
      {"19_train_xavier_vs_he_30_layers.json",
       [](const Config& c, const Result& r) {
         // Xavier's gain 1 halves the variance at each ReLU: 2⁻³⁰ after 30 layers at step 0.
         QVERIFY2(act_var(r, depth_of(r)) < 1e-6 * act_var(r, 1), qPrintable(row(r, depth_of(r))));
         const TrainResult xavier = train(c);
         QVERIFY2(final_accuracy(xavier) <= kChanceAtMost, qPrintable(accuracies(xavier)));
         const TrainResult he = train_variant(c, [](Config& v) {
           v.init.scheme = Scheme::kaiming_normal;
           v.init.gain = {};
         });
         QVERIFY2(final_accuracy(he) >= 0.5, qPrintable(accuracies(he)));
       }},
      {"20_train_zero_readout.json",
       [](const Config& c, const Result&) {
         // Zero logits: the uniform softmax, loss ln 10 to the last digits, at step 0.
         const TrainResult zero = train(c);
         QVERIFY(std::abs(*zero.steps.front().eval_loss - std::log(10.0)) < 1e-12);
         const TrainResult same =
             train_variant(c, [](Config& v) { v.train->readout_init = ReadoutInit::same; });
         QVERIFY2(*same.steps.front().eval_loss > std::log(10.0) + 0.2,
                  qPrintable(QString::number(*same.steps.front().eval_loss)));
         QVERIFY2(final_accuracy(zero) >= 0.65, qPrintable(accuracies(zero)));
         QVERIFY2(final_accuracy(same) >= 0.65, qPrintable(accuracies(same)));
       }},
  };
  return table;
}

// The extra seeds of INITSCOPE_LESSON_SEEDS.
int extra_seeds() {
  return qEnvironmentVariableIntValue("INITSCOPE_LESSON_SEEDS");
}

std::string message_of(const std::string& text) {
  try {
    parse_lesson(text, "lesson.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// A valid lesson around a minimal config, with the first `from` in its text replaced by `to`.
std::string lesson_text(const std::string& from = "", const std::string& to = "") {
  std::string text = R"({
  "version": 1,
  "title": "T",
  "summary": "S",
  "observe": "O",
  "question": "Q",
  "answer": "A",
  "network": { "depth": 2, "width": 8 },
  "input": { "dim": 8, "batch": 4 }
})";
  if (!from.empty()) {
    const auto at = text.find(from);
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

class TestLessons : public QObject {
  Q_OBJECT

 private slots:
  void lesson_parses_data() {
    QTest::addColumn<QString>("file");
    for (const QString& f : lesson_files()) QTest::newRow(qPrintable(f)) << f;
  }

  void lesson_parses() {
    QFETCH(QString, file);
    const std::string text = read_file(file);
    QVERIFY(!text.empty());
    const Lesson lesson = parse_lesson(text, file.toStdString());
    QVERIFY2(lesson.warnings.empty(), lesson.warnings.empty() ? "" : lesson.warnings[0].c_str());
    for (const std::string* s :
         {&lesson.title, &lesson.summary, &lesson.observe, &lesson.question, &lesson.answer}) {
      QVERIFY(!s->empty());
    }
    // The lesson's config is exactly what the same file gives as an experiment, lesson keys aside.
    QCOMPARE(config_to_json(lesson.config),
             config_to_json(parse_config(text, file.toStdString()).config));
  }

  void lessons_are_numbered_in_teaching_order() {
    // NN_name.json, numbered 01, 02, ... without gaps: the window lists them in this order.
    const QStringList files = lesson_files();
    QVERIFY2(files.size() >= 12, qPrintable(QString("%1 lessons").arg(files.size())));
    const QRegularExpression pattern(QStringLiteral("^(\\d\\d)_[a-z0-9_]+\\.json$"));
    for (int i = 0; i < files.size(); ++i) {
      const QRegularExpressionMatch m = pattern.match(files[i]);
      QVERIFY2(m.hasMatch(), qPrintable(files[i]));
      QCOMPARE(m.captured(1).toInt(), i + 1);
    }
  }

  void every_lesson_has_a_check() {
    const QStringList files = lesson_files();
    for (const QString& f : files) QVERIFY2(checks().count(f) == 1, qPrintable(f + ": no check"));
    for (const auto& [name, check] : checks()) {
      QVERIFY2(files.contains(name), qPrintable(name + ": a check without its lesson"));
    }
  }

  void claim_holds_data() { lesson_parses_data(); }

  void claim_holds() {
    QFETCH(QString, file);
    const auto it = checks().find(file);
    if (it == checks().end()) QSKIP("no check (every_lesson_has_a_check fails)");
    Config config = parse_lesson(read_file(file), file.toStdString()).config;
    const int seeds = extra_seeds();
    for (int i = 0; i <= seeds; ++i) {
      if (i > 0) config.seed = 1000 + static_cast<std::uint64_t>(i);
      const Result result = run_serial(config);
      QVERIFY2(result.warnings.empty(), result.warnings.empty() ? "" : result.warnings[0].c_str());
      it->second(config, result);
      if (QTest::currentTestFailed()) return;
    }
  }

  void parse_errors() {
    QCOMPARE(message_of(lesson_text()), std::string("no error"));
    QCOMPARE(message_of(lesson_text("  \"question\": \"Q\",\n", "")),
             std::string("lesson.json: question: missing"));
    QCOMPARE(message_of(lesson_text("\"title\": \"T\"", "\"title\": 3")),
             std::string("lesson.json: title: expected a string, got 3"));
    QCOMPARE(message_of(lesson_text("\"answer\": \"A\"", "\"answer\": [\"A\"]")),
             std::string("lesson.json: answer: expected a string, got an array"));
    QCOMPARE(message_of(lesson_text("\"summary\": \"S\"", "\"summary\": \" \"")),
             std::string("lesson.json: summary: must not be empty"));
    QCOMPARE(message_of("[1, 2]"), std::string("lesson.json: the top level must be an object"));

    // Malformed JSON: the same line and column as parse_config gives for the same text.
    const std::string malformed = lesson_text("\"summary\": \"S\",", "\"summary\": \"S\",,");
    std::string expected;
    try {
      parse_config(malformed, "lesson.json");
    } catch (const InputError& e) {
      expected = e.what();
    }
    QVERIFY2(expected.starts_with("lesson.json: line 4, column 18: "), expected.c_str());
    QCOMPARE(message_of(malformed), expected);

    // The config part is checked as an experiment file is.
    const std::string bad_scheme = message_of(
        lesson_text("\"version\": 1,", "\"version\": 1, \"init\": {\"scheme\": \"kaimng\"},"));
    QVERIFY2(bad_scheme.starts_with("lesson.json: init.scheme: "), bad_scheme.c_str());
    QCOMPARE(message_of(lesson_text("\"width\": 8", "\"width\": 0")).substr(0, 28),
             std::string("lesson.json: network.width: "));

    // Unknown keys are warnings, not errors, and not the lesson keys.
    const Lesson lesson = parse_lesson(
        lesson_text("\"title\": \"T\",", "\"title\": \"T\", \"hint\": 1,"), "lesson.json");
    QCOMPARE(lesson.title, std::string("T"));
    QCOMPARE(lesson.answer, std::string("A"));
    QCOMPARE(lesson.config.network.depth, std::int64_t{2});
    QCOMPARE(lesson.warnings.size(), std::size_t{1});
    QVERIFY2(lesson.warnings[0].starts_with("lesson.json: hint: unknown key"),
             lesson.warnings[0].c_str());
  }
};

QTEST_APPLESS_MAIN(TestLessons)
#include "tst_lessons.moc"
