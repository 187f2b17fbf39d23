// Tests of core/init/schemes.h: every scheme's law against torch.nn.init's (and Keras') formulas written
// out again here in their own order of operations, the sampled tensors against those laws, the
// structured schemes (orthogonal, sparse, eye, dirac, constants) against their definitions (the
// orthogonal one also against a double-precision QR of the same Gaussian matrix), their
// independence from the thread count, and the arguments torch refuses.
//
// References: torch/nn/init.py (PyTorch 2.x: calculate_gain, _calculate_fan_in_and_fan_out,
// xavier_*_, kaiming_*_, orthogonal_, sparse_, eye_, dirac_), torch/nn/modules/linear.py
// (reset_parameters), keras/src/initializers/random_initializers.py (VarianceScaling).

#include <QRegularExpression>
#include <QtTest>

#include <Eigen/Dense>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/init/fans.h"
#include "core/init/gain.h"
#include "core/init/law.h"
#include "core/compute/parallel.h"
#include "core/init/rng.h"
#include "core/init/sampling.h"
#include "core/init/schemes.h"
#include "core/compute/tensor.h"
#include "tests/support/stat_tests.h"

// Rows spell their arguments with designated initializers, leaving the rest at InitArgs' defaults;
// GCC 12 warns about the std::optional members left out that way, which is the intent here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

Q_DECLARE_METATYPE(initscope::Scheme)
Q_DECLARE_METATYPE(initscope::InitArgs)
Q_DECLARE_METATYPE(initscope::FanMode)

namespace initscope {
namespace {

using testing::LawMoments;
using testing::TruncatedNormalRef;

// scipy.stats.truncnorm.std(-2, 2), written here rather than taken from schemes.h.
constexpr double kTruncStd = 0.87962566103423978;

QString qstr(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<int>(s.size()));
}

QString shape_name(const Shape& shape) {
  QStringList parts;
  for (std::int64_t d : shape) parts << QString::number(d);
  return "[" + parts.join(",") + "]";
}

std::int64_t numel_of(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

// ---------------------------------------------------------------------------------------------
// The reference formulas, in the order of torch's (and Keras') source.

struct RefFans {
  std::int64_t fan_in = 0;
  std::int64_t fan_out = 0;
};

// torch.nn.init._calculate_fan_in_and_fan_out: integer arithmetic.
RefFans torch_fans(const Shape& shape) {
  std::int64_t receptive = 1;
  for (std::size_t i = 2; i < shape.size(); ++i) receptive *= shape[i];
  return {shape[1] * receptive, shape[0] * receptive};
}

// torch.nn.init.calculate_gain(nonlinearity, param): `math.sqrt(2.0 / (1 + negative_slope ** 2))`
// for leaky_relu (Python's float ** 2 equals a*a for every a used here), `5.0 / 3` for tanh,
// `3.0 / 4` for selu.
double torch_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::identity:
    case Nonlinearity::conv1d:
    case Nonlinearity::conv2d:
    case Nonlinearity::conv3d:
    case Nonlinearity::conv_transpose1d:
    case Nonlinearity::conv_transpose2d:
    case Nonlinearity::conv_transpose3d:
    case Nonlinearity::sigmoid:
      return 1.0;
    case Nonlinearity::tanh:
      return 5.0 / 3;
    case Nonlinearity::relu:
      return std::sqrt(2.0);
    case Nonlinearity::leaky_relu:
      return std::sqrt(2.0 / (1 + param * param));
    case Nonlinearity::selu:
      return 3.0 / 4;
  }
  return 0.0;
}

/// The law a scheme should draw. Only the fields of its kind are meaningful.
struct RefLaw {
  LawKind kind = LawKind::constant;
  double low = 0.0;
  double high = 0.0;
  double mean = 0.0;
  double std = 0.0;
  double value = 0.0;
};

RefLaw ref_uniform(double low, double high) {
  return {.kind = LawKind::uniform, .low = low, .high = high};
}
RefLaw ref_normal(double mean, double sd) {
  return {.kind = LawKind::normal, .mean = mean, .std = sd};
}
RefLaw ref_trunc(double mean, double sd, double a, double b) {
  return {.kind = LawKind::trunc_normal, .low = a, .high = b, .mean = mean, .std = sd};
}
RefLaw ref_constant(double value) {
  return {.kind = LawKind::constant, .value = value};
}

// keras VarianceScaling.__call__: `scale /= max(1., fan)`, then
// truncated_normal: `stddev = math.sqrt(scale) / .87962566103423978`, truncated at ±2·stddev;
// untruncated_normal: `stddev = math.sqrt(scale)`; uniform: `limit = math.sqrt(3.0 * scale)`.
RefLaw keras_variance_scaling(double scale, FanMode mode, VsDistribution distribution,
                              const Shape& shape) {
  const RefFans f = torch_fans(shape);
  double fan = 0.0;
  switch (mode) {
    case FanMode::fan_in:
      fan = std::max(1.0, static_cast<double>(f.fan_in));
      break;
    case FanMode::fan_out:
      fan = std::max(1.0, static_cast<double>(f.fan_out));
      break;
    case FanMode::fan_avg:
      fan = std::max(1.0, static_cast<double>(f.fan_in + f.fan_out) / 2.0);
      break;
  }
  scale /= fan;
  switch (distribution) {
    case VsDistribution::truncated_normal: {
      const double stddev = std::sqrt(scale) / kTruncStd;
      return ref_trunc(0.0, stddev, -2.0 * stddev, 2.0 * stddev);
    }
    case VsDistribution::untruncated_normal:
      return ref_normal(0.0, std::sqrt(scale));
    case VsDistribution::uniform: {
      const double limit = std::sqrt(3.0 * scale);
      return ref_uniform(-limit, limit);
    }
  }
  return {};
}

/// The reference law of a scheme with a parametric law (not eye, dirac, orthogonal, sparse, lsuv).
RefLaw reference_law(Scheme scheme, const InitArgs& args, const Shape& shape) {
  const RefFans f = torch_fans(shape);
  switch (scheme) {
    case Scheme::uniform:
      return ref_uniform(args.low, args.high);
    case Scheme::normal:
      return ref_normal(args.mean, args.std.value_or(1.0));
    case Scheme::trunc_normal:
      return ref_trunc(args.mean, args.std.value_or(1.0), args.trunc_a, args.trunc_b);
    case Scheme::constant:
      return ref_constant(args.value);
    case Scheme::ones:
      return ref_constant(1.0);
    case Scheme::zeros:
      return ref_constant(0.0);
    case Scheme::xavier_uniform: {
      // std = gain * math.sqrt(2.0 / float(fan_in + fan_out)); a = math.sqrt(3.0) * std
      const double sd =
          args.gain.value_or(1.0) * std::sqrt(2.0 / static_cast<double>(f.fan_in + f.fan_out));
      const double a = std::sqrt(3.0) * sd;
      return ref_uniform(-a, a);
    }
    case Scheme::xavier_normal: {
      const double sd =
          args.gain.value_or(1.0) * std::sqrt(2.0 / static_cast<double>(f.fan_in + f.fan_out));
      return ref_normal(0.0, sd);
    }
    case Scheme::kaiming_uniform:
    case Scheme::kaiming_normal: {
      // gain = calculate_gain(nonlinearity, a); std = gain / math.sqrt(fan);
      // bound = math.sqrt(3.0) * std
      const std::int64_t fan = args.mode == FanMode::fan_out ? f.fan_out : f.fan_in;
      const double gain = args.gain ? *args.gain : torch_gain(args.nonlinearity, args.a);
      const double sd = gain / std::sqrt(static_cast<double>(fan));
      if (scheme == Scheme::kaiming_normal) return ref_normal(0.0, sd);
      const double bound = std::sqrt(3.0) * sd;
      return ref_uniform(-bound, bound);
    }
    case Scheme::torch_default: {
      const double bound = 1.0 / std::sqrt(static_cast<double>(f.fan_in));
      return ref_uniform(-bound, bound);
    }
    case Scheme::variance_scaling:
      return keras_variance_scaling(args.scale, args.mode, args.distribution, shape);
    case Scheme::lecun_normal:
      return keras_variance_scaling(1.0, FanMode::fan_in, VsDistribution::truncated_normal, shape);
    case Scheme::lecun_uniform:
      return keras_variance_scaling(1.0, FanMode::fan_in, VsDistribution::uniform, shape);
    case Scheme::eye:
    case Scheme::dirac:
    case Scheme::orthogonal:
    case Scheme::sparse:
    case Scheme::lsuv:
      break;
  }
  return {};
}

LawMoments moments_of(const RefLaw& law) {
  switch (law.kind) {
    case LawKind::uniform:
      return testing::uniform_moments(law.low, law.high);
    case LawKind::normal:
      return testing::normal_moments(law.mean, law.std);
    case LawKind::trunc_normal:
      return TruncatedNormalRef{law.mean, law.std, law.low, law.high}.moments();
    default:
      return {};
  }
}

std::function<double(double)> cdf_of(const RefLaw& law) {
  switch (law.kind) {
    case LawKind::uniform:
      return [law](double x) { return testing::uniform_cdf(x, law.low, law.high); };
    case LawKind::normal:
      return [law](double x) { return testing::normal_cdf_ref(x, law.mean, law.std); };
    case LawKind::trunc_normal:
      return [law](double x) {
        return TruncatedNormalRef{law.mean, law.std, law.low, law.high}.cdf(x);
      };
    default:
      return {};
  }
}

/// Distance in units in the last place between two finite doubles of the same sign.
std::uint64_t ulp_distance(double a, double b) {
  if (a == b) return 0;
  if (std::signbit(a) != std::signbit(b)) return UINT64_MAX;
  const auto ia = std::bit_cast<std::uint64_t>(a);
  const auto ib = std::bit_cast<std::uint64_t>(b);
  return ia > ib ? ia - ib : ib - ia;
}

/// "" when got is within max_ulps of want, else a description.
QString mismatch(const char* field, double got, double want, int max_ulps) {
  if (ulp_distance(got, want) <= static_cast<std::uint64_t>(max_ulps)) return {};
  return QString("%1: got %2, want %3 (%4 ulp allowed)\n")
      .arg(field)
      .arg(got, 0, 'g', 17)
      .arg(want, 0, 'g', 17)
      .arg(max_ulps);
}

std::vector<float> filled(const Shape& shape, float value) {
  return std::vector<float>(static_cast<std::size_t>(numel_of(shape)), value);
}

/// A tensor of the shape, first filled with 7 so that a scheme must write every entry.
Tensor prefilled(const Shape& shape) {
  Tensor t(shape);
  std::fill(t.values().begin(), t.values().end(), 7.0f);
  return t;
}

Tensor initialized(const Shape& shape, Scheme scheme, const InitArgs& args, std::uint64_t seed) {
  Tensor t = prefilled(shape);
  Generator gen(seed, 0);
  initialize(t, scheme, args, gen);
  return t;
}

/// Row-major strides, computed here rather than by Tensor::offset.
std::vector<std::int64_t> strides_of(const Shape& shape) {
  std::vector<std::int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

const std::vector<Shape> kShapes = {{300, 200}, {64, 512}, {16, 8, 3, 3}, {8, 4, 3, 3, 3}};

QString row_name(Scheme scheme, const Shape& shape, const QString& detail) {
  return qstr(name_of(scheme)) + " " + shape_name(shape) + (detail.isEmpty() ? "" : " " + detail);
}

void add_scheme_columns() {
  QTest::addColumn<Scheme>("scheme");
  QTest::addColumn<InitArgs>("args");
  QTest::addColumn<Shape>("shape");
}

}  // namespace

class TestSchemes : public QObject {
  Q_OBJECT

 private slots:
  void law_parameters_data();
  void law_parameters();
  void torch_default_is_kaiming_sqrt5_data();
  void torch_default_is_kaiming_sqrt5();
  void lecun_is_variance_scaling_data();
  void lecun_is_variance_scaling();
  void sampled_matches_law_data();
  void sampled_matches_law();
  void keras_truncated_std_data();
  void keras_truncated_std();
  void trunc_normal_default_std();
  void orthogonal_is_orthonormal_data();
  void orthogonal_is_orthonormal();
  void orthogonal_is_haar_data();
  void orthogonal_is_haar();
  void orthogonal_is_qr_factor_data();
  void orthogonal_is_qr_factor();
  void sparse_zeros_per_column_data();
  void sparse_zeros_per_column();
  void sparse_nonzeros_normal_data();
  void sparse_nonzeros_normal();
  void sparse_zero_rows_uniform();
  void sparse_zeros_are_random_subsets();
  void structured_thread_count_independent_data();
  void structured_thread_count_independent();
  void eye_data();
  void eye();
  void dirac_data();
  void dirac();
  void constants_data();
  void constants();
  void seed_determines_tensor_data();
  void seed_determines_tensor();
  void errors_data();
  void errors();
};

// ---------------------------------------------------------------------------------------------
// Laws

void TestSchemes::law_parameters_data() {
  add_scheme_columns();
  // 0: the same operations in the same order as torch, so the same bits. Keras' formulas are
  // fixed by the spec but not their order (scale/n then ·3, or 3·scale then /n), so 2 ulp there.
  QTest::addColumn<int>("max_ulps");

  for (const Shape& shape : kShapes) {
    const auto add = [&](Scheme scheme, const InitArgs& args, const QString& detail, int ulps) {
      QTest::newRow(qPrintable(row_name(scheme, shape, detail))) << scheme << args << shape << ulps;
    };
    add(Scheme::uniform, {.low = -0.3, .high = 0.7}, "(-0.3,0.7)", 0);
    add(Scheme::normal, {}, "default", 0);
    add(Scheme::normal, {.mean = 0.5, .std = 2.0}, "(0.5,2)", 0);
    add(Scheme::trunc_normal, {}, "default", 0);
    add(Scheme::trunc_normal, {.mean = 1.0, .std = 0.5, .trunc_a = 0.0, .trunc_b = 3.0},
        "(1,0.5,0,3)", 0);
    add(Scheme::constant, {.value = 0.37}, "0.37", 0);
    add(Scheme::ones, {}, "", 0);
    add(Scheme::zeros, {}, "", 0);
    add(Scheme::torch_default, {}, "", 0);
    for (Scheme scheme : {Scheme::xavier_uniform, Scheme::xavier_normal}) {
      add(scheme, {}, "gain=default", 0);
      add(scheme, {.gain = 1.0}, "gain=1", 0);
      add(scheme, {.gain = 2.0}, "gain=2", 0);
      add(scheme, {.gain = 5.0 / 3}, "gain=5/3", 0);
    }
    struct Nl {
      Nonlinearity nonlinearity;
      double a;
      const char* name;
    };
    const Nl nonlinearities[] = {
        {Nonlinearity::leaky_relu, 0.0, "leaky_relu a=0"},
        {Nonlinearity::leaky_relu, 0.2, "leaky_relu a=0.2"},
        {Nonlinearity::leaky_relu, std::sqrt(5.0), "leaky_relu a=sqrt5"},
        {Nonlinearity::relu, 0.0, "relu"},
        {Nonlinearity::relu, 0.3, "relu a=0.3 (ignored)"},
        {Nonlinearity::tanh, 0.0, "tanh"},
        {Nonlinearity::linear, 0.0, "linear"},
        {Nonlinearity::identity, 0.0, "identity"},
        {Nonlinearity::sigmoid, 0.0, "sigmoid"},
        {Nonlinearity::selu, 0.0, "selu"},
        {Nonlinearity::conv2d, 0.0, "conv2d"},
        {Nonlinearity::conv_transpose3d, 0.0, "conv_transpose3d"},
    };
    for (Scheme scheme : {Scheme::kaiming_uniform, Scheme::kaiming_normal}) {
      for (FanMode mode : {FanMode::fan_in, FanMode::fan_out}) {
        const QString m = qstr(name_of(mode));
        for (const Nl& nl : nonlinearities) {
          add(scheme, {.mode = mode, .nonlinearity = nl.nonlinearity, .a = nl.a},
              QString(nl.name) + " " + m, 0);
        }
        add(scheme, {.gain = 1.7, .mode = mode, .nonlinearity = Nonlinearity::tanh},
            "gain=1.7 overrides tanh " + m, 0);
        add(scheme, {.gain = 0.5, .mode = mode, .nonlinearity = Nonlinearity::leaky_relu, .a = 0.2},
            "gain=0.5 overrides leaky_relu " + m, 0);
      }
    }
    for (double scale : {1.0, 2.5}) {
      for (FanMode mode : {FanMode::fan_in, FanMode::fan_out, FanMode::fan_avg}) {
        for (VsDistribution dist : {VsDistribution::truncated_normal,
                                    VsDistribution::untruncated_normal, VsDistribution::uniform}) {
          add(Scheme::variance_scaling, {.mode = mode, .scale = scale, .distribution = dist},
              QString("scale=%1 %2 %3")
                  .arg(scale)
                  .arg(qstr(name_of(mode)))
                  .arg(qstr(name_of(dist))),
              2);
        }
      }
    }
    add(Scheme::lecun_normal, {}, "", 2);
    add(Scheme::lecun_uniform, {}, "", 2);
  }
}

void TestSchemes::law_parameters() {
  QFETCH(Scheme, scheme);
  QFETCH(InitArgs, args);
  QFETCH(Shape, shape);
  QFETCH(int, max_ulps);
  const Law law = law_of(scheme, args, shape);
  const RefLaw ref = reference_law(scheme, args, shape);
  QCOMPARE(qstr(name_of(law.kind)), qstr(name_of(ref.kind)));
  QString problems;
  switch (ref.kind) {
    case LawKind::uniform:
      problems += mismatch("low", law.low, ref.low, max_ulps);
      problems += mismatch("high", law.high, ref.high, max_ulps);
      break;
    case LawKind::trunc_normal:
      problems += mismatch("low (a)", law.low, ref.low, max_ulps);
      problems += mismatch("high (b)", law.high, ref.high, max_ulps);
      [[fallthrough]];
    case LawKind::normal:
      problems += mismatch("mean", law.mean, ref.mean, max_ulps);
      problems += mismatch("std", law.std, ref.std, max_ulps);
      break;
    case LawKind::constant:
      problems += mismatch("value", law.value, ref.value, 0);
      break;
    default:
      QFAIL("no reference law for this scheme");
  }
  QVERIFY2(problems.isEmpty(), qPrintable(problems));
  if (scheme == Scheme::variance_scaling || scheme == Scheme::lecun_normal) {
    if (law.kind == LawKind::trunc_normal) {
      // Keras truncates at two (corrected) standard deviations: bounds exactly ∓2·std.
      QVERIFY2(law.low == -2.0 * law.std && law.high == 2.0 * law.std,
               qPrintable(QString("bounds %1, %2 for std %3")
                              .arg(law.low, 0, 'g', 17)
                              .arg(law.high, 0, 'g', 17)
                              .arg(law.std, 0, 'g', 17)));
    }
  }
}

void TestSchemes::torch_default_is_kaiming_sqrt5_data() {
  QTest::addColumn<Shape>("shape");
  for (const Shape& shape : kShapes) QTest::newRow(qPrintable(shape_name(shape))) << shape;
  QTest::newRow("[256,3]") << Shape{256, 3};
  QTest::newRow("[10,1000]") << Shape{10, 1000};
}

// nn.Linear.reset_parameters: kaiming_uniform_(weight, a=math.sqrt(5)), whose bound
// √3·√(2/(1+5))/√fan_in is 1/√fan_in up to rounding.
void TestSchemes::torch_default_is_kaiming_sqrt5() {
  QFETCH(Shape, shape);
  const Law def = law_of(Scheme::torch_default, {}, shape);
  const Law kaiming = law_of(Scheme::kaiming_uniform, {.a = std::sqrt(5.0)}, shape);
  const double bound = 1.0 / std::sqrt(static_cast<double>(torch_fans(shape).fan_in));
  QCOMPARE(qstr(name_of(def.kind)), QString("uniform"));
  QVERIFY2(def.high == bound && def.low == -bound, qPrintable(QString("[%1, %2], want ±%3")
                                                                  .arg(def.low, 0, 'g', 17)
                                                                  .arg(def.high, 0, 'g', 17)
                                                                  .arg(bound, 0, 'g', 17)));
  QVERIFY2(std::abs(kaiming.high - def.high) <= 1e-15 * def.high,
           qPrintable(QString("kaiming(a=√5) %1 vs %2")
                          .arg(kaiming.high, 0, 'g', 17)
                          .arg(def.high, 0, 'g', 17)));
}

void TestSchemes::lecun_is_variance_scaling_data() {
  add_scheme_columns();
  for (const Shape& shape : kShapes) {
    QTest::newRow(qPrintable(row_name(Scheme::lecun_normal, shape, "")))
        << Scheme::lecun_normal << InitArgs{} << shape;
    QTest::newRow(qPrintable(row_name(Scheme::lecun_uniform, shape, "")))
        << Scheme::lecun_uniform << InitArgs{} << shape;
  }
  // "A scheme reads only its own [arguments]" (schemes.h): Keras' LecunNormal has none.
  const InitArgs other{
      .mode = FanMode::fan_out, .scale = 3.0, .distribution = VsDistribution::untruncated_normal};
  QTest::newRow("lecun_normal ignores scale/mode/distribution")
      << Scheme::lecun_normal << other << Shape{300, 200};
  QTest::newRow("lecun_uniform ignores scale/mode/distribution")
      << Scheme::lecun_uniform << other << Shape{300, 200};
}

void TestSchemes::lecun_is_variance_scaling() {
  QFETCH(Scheme, scheme);
  QFETCH(InitArgs, args);
  QFETCH(Shape, shape);
  const InitArgs vs{.mode = FanMode::fan_in,
                    .scale = 1.0,
                    .distribution = scheme == Scheme::lecun_normal
                                        ? VsDistribution::truncated_normal
                                        : VsDistribution::uniform};
  const Law got = law_of(scheme, args, shape);
  const Law want = law_of(Scheme::variance_scaling, vs, shape);
  QCOMPARE(qstr(name_of(got.kind)), qstr(name_of(want.kind)));
  QString problems =
      mismatch("low", got.low, want.low, 0) + mismatch("high", got.high, want.high, 0) +
      mismatch("mean", got.mean, want.mean, 0) + mismatch("std", got.std, want.std, 0);
  QVERIFY2(problems.isEmpty(), qPrintable(problems));
}

// ---------------------------------------------------------------------------------------------
// Sampled tensors against their laws

void TestSchemes::sampled_matches_law_data() {
  add_scheme_columns();
  QTest::addColumn<quint64>("seed");
  struct Case {
    Scheme scheme;
    InitArgs args;
    const char* detail;
  };
  const Case cases[] = {
      {Scheme::uniform, {.low = -0.3, .high = 0.7}, "(-0.3,0.7)"},
      {Scheme::normal, {.mean = 0.5, .std = 2.0}, "(0.5,2)"},
      {Scheme::trunc_normal, {}, "default"},
      {Scheme::trunc_normal,
       {.mean = 1.0, .std = 0.5, .trunc_a = 0.0, .trunc_b = 3.0},
       "(1,0.5,0,3)"},
      {Scheme::xavier_uniform, {}, ""},
      {Scheme::xavier_normal, {.gain = 2.0}, "gain=2"},
      {Scheme::kaiming_uniform, {}, "default"},
      {Scheme::kaiming_normal,
       {.mode = FanMode::fan_out, .nonlinearity = Nonlinearity::relu},
       "relu fan_out"},
      {Scheme::variance_scaling,
       {.mode = FanMode::fan_avg, .scale = 2.0, .distribution = VsDistribution::truncated_normal},
       "scale=2 fan_avg truncated"},
      {Scheme::variance_scaling,
       {.mode = FanMode::fan_avg, .scale = 2.0, .distribution = VsDistribution::untruncated_normal},
       "scale=2 fan_avg untruncated"},
      {Scheme::variance_scaling,
       {.mode = FanMode::fan_out, .scale = 2.0, .distribution = VsDistribution::uniform},
       "scale=2 fan_out uniform"},
      {Scheme::lecun_normal, {}, ""},
      {Scheme::lecun_uniform, {}, ""},
      {Scheme::torch_default, {}, ""},
  };
  std::vector<Shape> shapes = kShapes;
  shapes.push_back({512, 256});  // 131072 entries, for a KS test with power
  quint64 seed = 100;
  for (const Shape& shape : shapes) {
    for (const Case& c : cases) {
      QTest::newRow(qPrintable(row_name(c.scheme, shape, c.detail)))
          << c.scheme << c.args << shape << seed++;
    }
  }
}

void TestSchemes::sampled_matches_law() {
  QFETCH(Scheme, scheme);
  QFETCH(InitArgs, args);
  QFETCH(Shape, shape);
  QFETCH(quint64, seed);
  const Tensor t = initialized(shape, scheme, args, seed);
  const std::span<const float> values = t.values();
  const std::size_t n = values.size();
  QCOMPARE(static_cast<std::int64_t>(n), numel_of(shape));
  const RefLaw ref = reference_law(scheme, args, shape);

  for (float v : values) QVERIFY2(std::isfinite(v), "non-finite value");
  if (ref.kind == LawKind::uniform || ref.kind == LawKind::trunc_normal) {
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    QVERIFY2(*lo >= static_cast<float>(ref.low) && *hi <= static_cast<float>(ref.high),
             qPrintable(QString("values in [%1, %2], law on [%3, %4]")
                            .arg(*lo, 0, 'g', 9)
                            .arg(*hi, 0, 'g', 9)
                            .arg(ref.low, 0, 'g', 9)
                            .arg(ref.high, 0, 'g', 9)));
  }

  const LawMoments law = moments_of(ref);
  const testing::SampleMoments got = testing::sample_moments(values);
  const double se_m = testing::se_mean(law, n);
  const double se_s = testing::se_std(law, n);
  QVERIFY2(std::abs(got.mean - law.mean) < 5.0 * se_m,
           qPrintable(QString("mean %1, law %2, SE %3").arg(got.mean).arg(law.mean).arg(se_m)));
  QVERIFY2(std::abs(got.std() - law.std()) < 5.0 * se_s,
           qPrintable(QString("std %1, law %2, SE %3").arg(got.std()).arg(law.std()).arg(se_s)));

  const testing::KsResult ks = testing::ks_test(testing::to_doubles(values), cdf_of(ref));
  QVERIFY2(ks.p > 1e-4,
           qPrintable(QString("KS D = %1, p = %2 (n = %3)").arg(ks.d).arg(ks.p).arg(n)));
}

void TestSchemes::keras_truncated_std_data() {
  QTest::addColumn<double>("scale");
  QTest::addColumn<FanMode>("mode");
  for (double scale : {1.0, 2.0}) {
    for (FanMode mode : {FanMode::fan_in, FanMode::fan_out, FanMode::fan_avg}) {
      QTest::newRow(qPrintable(QString("scale=%1 %2").arg(scale).arg(qstr(name_of(mode)))))
          << scale << mode;
    }
  }
}

// Keras divides by 0.8796… so that the truncated samples have std √(scale/n) exactly.
void TestSchemes::keras_truncated_std() {
  QFETCH(double, scale);
  QFETCH(FanMode, mode);
  const Shape shape{256, 1024};  // 262144 entries; fan_in, fan_out, fan_avg all differ
  const InitArgs args{
      .mode = mode, .scale = scale, .distribution = VsDistribution::truncated_normal};
  const Tensor t = initialized(shape, Scheme::variance_scaling, args, 555);
  const RefFans f = torch_fans(shape);
  const double fan = mode == FanMode::fan_in    ? f.fan_in
                     : mode == FanMode::fan_out ? f.fan_out
                                                : (f.fan_in + f.fan_out) / 2.0;
  const double target = std::sqrt(scale / fan);
  const double sd = target / kTruncStd;
  const LawMoments law = TruncatedNormalRef{0.0, sd, -2.0 * sd, 2.0 * sd}.moments();
  QVERIFY(std::abs(law.std() - target) < 1e-12 * target);
  const double got = testing::sample_moments(t.values()).std();
  const double se = testing::se_std(law, t.values().size());
  QVERIFY2(std::abs(got - target) < 5.0 * se,
           qPrintable(QString("std %1, want %2, SE %3").arg(got).arg(target).arg(se)));
}

// scipy.stats.truncnorm.std(-2, 2) = 0.87962566103423978: torch's trunc_normal_ does not
// correct the variance.
void TestSchemes::trunc_normal_default_std() {
  const Tensor t = initialized({512, 512}, Scheme::trunc_normal, {}, 2718);
  const LawMoments law = TruncatedNormalRef{0.0, 1.0, -2.0, 2.0}.moments();
  const double got = testing::sample_moments(t.values()).std();
  const double se = testing::se_std(law, t.values().size());
  QVERIFY2(std::abs(got - kTruncStd) < 5.0 * se,
           qPrintable(QString("std %1, want %2, SE %3").arg(got).arg(kTruncStd).arg(se)));
}

// ---------------------------------------------------------------------------------------------
// orthogonal

void TestSchemes::orthogonal_is_orthonormal_data() {
  QTest::addColumn<Shape>("shape");
  QTest::addColumn<double>("gain");
  const Shape shapes[] = {{256, 256}, {300, 100}, {100, 300}, {16, 8, 3, 3}, {1024, 1024}};
  for (const Shape& shape : shapes) {
    for (double gain : {1.0, 2.0}) {
      QTest::newRow(qPrintable(QString("%1 gain=%2").arg(shape_name(shape)).arg(gain)))
          << shape << gain;
    }
  }
}

// torch.nn.init.orthogonal_: rows = shape[0], cols = numel/rows; QᵀQ = gain²·I when rows ≥ cols,
// QQᵀ = gain²·I otherwise. The product is taken in double from the stored floats.
void TestSchemes::orthogonal_is_orthonormal() {
  QFETCH(Shape, shape);
  QFETCH(double, gain);
  const Tensor t = initialized(shape, Scheme::orthogonal, {.gain = gain}, 314);
  const std::int64_t rows = shape[0];
  const std::int64_t cols = numel_of(shape) / rows;
  QCOMPARE(static_cast<std::int64_t>(t.matrix().rows()), rows);
  QCOMPARE(static_cast<std::int64_t>(t.matrix().cols()), cols);
  const Eigen::MatrixXd q = t.matrix().cast<double>();
  const Eigen::MatrixXd gram =
      rows >= cols ? Eigen::MatrixXd(q.transpose() * q) : Eigen::MatrixXd(q * q.transpose());
  const Eigen::MatrixXd identity =
      gain * gain * Eigen::MatrixXd::Identity(gram.rows(), gram.cols());
  const double error = (gram - identity).cwiseAbs().maxCoeff();
  QVERIFY2(error <= 1e-5 * gain * gain, qPrintable(QString("max |G − gain²I| = %1").arg(error)));
}

void TestSchemes::orthogonal_is_haar_data() {
  QTest::addColumn<Shape>("shape");
  QTest::newRow("square [8,8]") << Shape{8, 8};
  QTest::newRow("tall [12,4]") << Shape{12, 4};
  QTest::newRow("wide [4,12]") << Shape{4, 12};
}

// The sign correction by diag(R) makes Q Haar-distributed (Mezzadri, "How to generate random
// matrices from the classical compact groups", 2007): every entry then has mean 0 and variance
// 1/max(rows, cols). Without it, Householder QR gives Q₀₀ < 0 every time.
void TestSchemes::orthogonal_is_haar() {
  QFETCH(Shape, shape);
  constexpr int draws = 400;
  const std::int64_t rows = shape[0];
  const std::int64_t cols = shape[1];
  Generator gen(2718, 1);
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(rows, cols);
  for (int d = 0; d < draws; ++d) {
    Tensor t(shape);
    initialize(t, Scheme::orthogonal, {}, gen);
    sum += t.matrix().cast<double>();
  }
  const Eigen::MatrixXd mean = sum / draws;
  const double se = std::sqrt(1.0 / static_cast<double>(std::max(rows, cols)) / draws);
  Eigen::Index i = 0;
  Eigen::Index j = 0;
  const double worst = mean.cwiseAbs().maxCoeff(&i, &j);
  QVERIFY2(worst < 5.0 * se, qPrintable(QString("mean of Q[%1,%2] over %3 draws = %4, SE %5")
                                            .arg(i)
                                            .arg(j)
                                            .arg(draws)
                                            .arg(mean(i, j))
                                            .arg(se)));
}

void TestSchemes::orthogonal_is_qr_factor_data() {
  QTest::addColumn<Shape>("shape");
  QTest::newRow("[64,64]") << Shape{64, 64};
  QTest::newRow("[256,256]") << Shape{256, 256};
  QTest::newRow("[300,100]") << Shape{300, 100};
  QTest::newRow("[100,300]") << Shape{100, 300};
  QTest::newRow("[16,8,3,3]") << Shape{16, 8, 3, 3};
}

// torch.nn.init.orthogonal_ returns the Q of T = QR, T the N(0, 1) matrix of the fill (transposed
// if wide), with the signs that make diag R > 0: the unique such factorization. T is rebuilt from
// a generator in the same state, and both properties checked in double, u = 2⁻²⁴ being float's
// unit roundoff (the QR runs in float):
// - R = QᵀT is upper triangular with a positive diagonal: Householder QR's backward error, a small
//   multiple of u·‖T‖_F (about 5 here; Higham, Accuracy and Stability, thm. 19.4, allows ~m·n),
//   bounds the strictly lower part; 20·u·‖T‖_F is asked for, and for each diagonal entry to be
//   positive by more than that.
// - Q is the factor a QR in double finds, to first order within √2·κ₂(T)·‖ΔT‖_F/‖T‖₂ (Sun 1991)
//   with ‖ΔT‖_F the backward error, about 5·u·‖T‖_F as above (7 allowed for), and
//   ‖T‖_F ≤ √n·‖T‖₂: √2·7 < 10, so 10·κ₂·u·√n.
void TestSchemes::orthogonal_is_qr_factor() {
  QFETCH(Shape, shape);
  const Tensor t = initialized(shape, Scheme::orthogonal, {}, 2357);
  Tensor gaussian(shape);
  Generator gen(2357, 0);
  fill_normal(gaussian.values(), 0.0, 1.0, gen);
  const bool wide = t.matrix().rows() < t.matrix().cols();
  Eigen::MatrixXd tall = gaussian.matrix().cast<double>();
  Eigen::MatrixXd q = t.matrix().cast<double>();
  if (wide) {
    tall.transposeInPlace();
    q.transposeInPlace();
  }
  const Eigen::Index n = tall.cols();
  const double u = 0x1p-24;

  const Eigen::MatrixXd r = q.transpose() * tall;
  const double bound = 20.0 * u * tall.norm();
  const double lower = r.triangularView<Eigen::StrictlyLower>().toDenseMatrix().norm();
  QVERIFY2(lower <= bound,
           qPrintable(QString("‖lower(QᵀT)‖_F = %1, bound %2").arg(lower).arg(bound)));
  Eigen::Index j = 0;
  const double smallest = r.diagonal().minCoeff(&j);
  QVERIFY2(
      smallest > bound,
      qPrintable(QString("R[%1,%1] = %2, not positive beyond %3").arg(j).arg(smallest).arg(bound)));

  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(tall);
  Eigen::MatrixXd want = qr.householderQ() * Eigen::MatrixXd::Identity(tall.rows(), n);
  for (Eigen::Index c = 0; c < n; ++c) {
    if (qr.matrixQR()(c, c) < 0) want.col(c) *= -1.0;
  }
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(tall);
  const double kappa = svd.singularValues()(0) / svd.singularValues()(n - 1);
  const double tolerance = 10.0 * kappa * u * std::sqrt(static_cast<double>(n));
  const double error = (q - want).norm();
  QVERIFY2(error <= tolerance, qPrintable(QString("‖Q − Q_double‖_F = %1, κ₂ = %2, bound %3")
                                              .arg(error)
                                              .arg(kappa)
                                              .arg(tolerance)));
}

// ---------------------------------------------------------------------------------------------
// sparse

void TestSchemes::sparse_zeros_per_column_data() {
  QTest::addColumn<Shape>("shape");
  QTest::addColumn<double>("sparsity");
  // What Python's int(math.ceil(sparsity * rows)) gives (checked in python3): 0.07*100 is
  // 7.000000000000001, so 8; 0.3*10 rounds to exactly 3.0, so 3.
  QTest::addColumn<qint64>("python_zeros");
  QTest::newRow("[100,50] 0.1") << Shape{100, 50} << 0.1 << qint64{10};
  QTest::newRow("[100,50] 0.3") << Shape{100, 50} << 0.3 << qint64{30};
  QTest::newRow("[100,50] 0.07 (ceil of 7.000000000000001)") << Shape{100, 50} << 0.07 << qint64{8};
  QTest::newRow("[100,50] 0") << Shape{100, 50} << 0.0 << qint64{0};
  QTest::newRow("[100,50] 1") << Shape{100, 50} << 1.0 << qint64{100};
  QTest::newRow("[10,7] 0.1") << Shape{10, 7} << 0.1 << qint64{1};
  QTest::newRow("[10,7] 0.3") << Shape{10, 7} << 0.3 << qint64{3};
  QTest::newRow("[10,7] 0") << Shape{10, 7} << 0.0 << qint64{0};
  QTest::newRow("[10,7] 1") << Shape{10, 7} << 1.0 << qint64{10};
}

// torch.nn.init.sparse_: num_zeros = int(math.ceil(sparsity * rows)) zeros in every column.
void TestSchemes::sparse_zeros_per_column() {
  QFETCH(Shape, shape);
  QFETCH(double, sparsity);
  QFETCH(qint64, python_zeros);
  const auto zeros = static_cast<std::int64_t>(std::ceil(sparsity * static_cast<double>(shape[0])));
  QCOMPARE(zeros, python_zeros);
  const Tensor t = initialized(shape, Scheme::sparse, {.sparsity = sparsity}, 161);
  const MatrixRM& m = t.matrix();
  for (Eigen::Index c = 0; c < m.cols(); ++c) {
    const auto count = static_cast<std::int64_t>((m.col(c).array() == 0.0f).count());
    QVERIFY2(count == zeros,
             qPrintable(QString("column %1 has %2 zeros, want %3").arg(c).arg(count).arg(zeros)));
  }
}

void TestSchemes::sparse_nonzeros_normal_data() {
  QTest::addColumn<InitArgs>("args");
  QTest::addColumn<double>("sd");
  QTest::newRow("default std 0.01, sparsity 0.3") << InitArgs{.sparsity = 0.3} << 0.01;
  QTest::newRow("std 0.5, sparsity 0.1") << InitArgs{.std = 0.5, .sparsity = 0.1} << 0.5;
}

// The surviving entries are N(0, std²): zeroing chooses positions, not values.
void TestSchemes::sparse_nonzeros_normal() {
  QFETCH(InitArgs, args);
  QFETCH(double, sd);
  const Tensor t = initialized({1000, 300}, Scheme::sparse, args, 1618);
  std::vector<float> nonzero;
  for (float v : t.values()) {
    if (v != 0.0f) nonzero.push_back(v);
  }
  QVERIFY(nonzero.size() >= 200000);
  const LawMoments law = testing::normal_moments(0.0, sd);
  const testing::SampleMoments got = testing::sample_moments(nonzero);
  const double se_m = testing::se_mean(law, nonzero.size());
  const double se_s = testing::se_std(law, nonzero.size());
  QVERIFY2(std::abs(got.mean) < 5.0 * se_m, qPrintable(QString("mean %1").arg(got.mean)));
  QVERIFY2(std::abs(got.std() - sd) < 5.0 * se_s,
           qPrintable(QString("std %1, want %2, SE %3").arg(got.std()).arg(sd).arg(se_s)));
  const double p = testing::ks_pvalue(
      testing::to_doubles(nonzero), [sd](double x) { return testing::normal_cdf_ref(x, 0.0, sd); });
  QVERIFY2(p > 1e-4, qPrintable(QString("KS p = %1").arg(p)));
}

// torch draws the zero rows of each column with randperm: every row is zero in a share
// num_zeros/rows of the columns, Binomial over 5000 independent columns.
void TestSchemes::sparse_zero_rows_uniform() {
  const Shape shape{20, 5000};
  const Tensor t = initialized(shape, Scheme::sparse, {.sparsity = 0.25}, 2819);
  const MatrixRM& m = t.matrix();
  const double p = 5.0 / 20.0;
  const double se = std::sqrt(p * (1.0 - p) / static_cast<double>(shape[1]));
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    const double share = static_cast<double>((m.row(r).array() == 0.0f).count()) / shape[1];
    QVERIFY2(std::abs(share - p) < 5.0 * se,
             qPrintable(
                 QString("row %1 is zero in %2 of the columns, want %3").arg(r).arg(share).arg(p)));
  }
}

// torch.nn.init.sparse_ fills N(0, std²), then picks each column's zero rows in turn; here with
// random_subset, drawing on after the fill. So the zeros are where successive random_subset calls
// on a generator in the same state put them (fill_sparse draws the columns in parallel).
void TestSchemes::sparse_zeros_are_random_subsets() {
  const Shape shape{200, 300};
  const Tensor t = initialized(shape, Scheme::sparse, {.sparsity = 0.1}, 3141);
  Generator gen(3141, 0);
  std::vector<float> skipped(static_cast<std::size_t>(shape[0] * shape[1]));
  fill_normal(skipped, 0.0, 0.01, gen);
  const MatrixRM& m = t.matrix();
  for (Eigen::Index c = 0; c < m.cols(); ++c) {
    std::vector<std::int64_t> zeros;
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      if (m(r, c) == 0.0f) zeros.push_back(r);
    }
    QVERIFY2(zeros == random_subset(shape[0], 20, gen),
             qPrintable(QString("column %1: zero rows differ").arg(c)));
  }
}

void TestSchemes::structured_thread_count_independent_data() {
  QTest::addColumn<Scheme>("scheme");
  QTest::addColumn<Shape>("shape");
  QTest::newRow("orthogonal [300,300]") << Scheme::orthogonal << Shape{300, 300};
  QTest::newRow("orthogonal [64,600]") << Scheme::orthogonal << Shape{64, 600};
  QTest::newRow("sparse [1000,300]") << Scheme::sparse << Shape{1000, 300};
}

// Both run parts in parallel (the normal fill, sparse's subsets and zeroing): the bytes may not
// depend on the thread count.
void TestSchemes::structured_thread_count_independent() {
  QFETCH(Scheme, scheme);
  QFETCH(Shape, shape);
  const int saved = max_threads();
  std::vector<Tensor> runs;
  for (int threads : {1, 2, 3}) {
    set_max_threads(threads);
    runs.push_back(initialized(shape, scheme, {.sparsity = 0.1}, 1729));
  }
  set_max_threads(saved);
  const std::size_t bytes = runs[0].values().size_bytes();
  for (std::size_t r = 1; r < runs.size(); ++r) {
    QVERIFY2(std::memcmp(runs[0].values().data(), runs[r].values().data(), bytes) == 0,
             qPrintable(QString("1 thread and %1 threads differ").arg(r + 1)));
  }
}

// ---------------------------------------------------------------------------------------------
// eye, dirac, constants

void TestSchemes::eye_data() {
  QTest::addColumn<Shape>("shape");
  QTest::newRow("[5,5]") << Shape{5, 5};
  QTest::newRow("[3,7]") << Shape{3, 7};
  QTest::newRow("[7,3]") << Shape{7, 3};
}

// torch.eye(*shape): 1 on the leading diagonal, 0 elsewhere, exactly.
void TestSchemes::eye() {
  QFETCH(Shape, shape);
  const Tensor t = initialized(shape, Scheme::eye, {}, 1);
  for (std::int64_t i = 0; i < shape[0]; ++i) {
    for (std::int64_t j = 0; j < shape[1]; ++j) {
      const float got = t.values()[i * shape[1] + j];
      QVERIFY2(got == (i == j ? 1.0f : 0.0f),
               qPrintable(QString("entry [%1,%2] = %3").arg(i).arg(j).arg(got, 0, 'g', 9)));
    }
  }
}

void TestSchemes::dirac_data() {
  QTest::addColumn<Shape>("shape");
  QTest::addColumn<qint64>("groups");
  QTest::newRow("3-D [4,4,3]") << Shape{4, 4, 3} << qint64{1};
  QTest::newRow("4-D [6,3,3,3]") << Shape{6, 3, 3, 3} << qint64{1};
  QTest::newRow("4-D [6,4,3,3] groups 2") << Shape{6, 4, 3, 3} << qint64{2};
  QTest::newRow("4-D [2,4,4,2] even kernel, out < in") << Shape{2, 4, 4, 2} << qint64{1};
  QTest::newRow("5-D [4,2,3,3,3]") << Shape{4, 2, 3, 3, 3} << qint64{1};
}

// torch.nn.init.dirac_: zero, then for g < groups, d < min(out_per_group, in):
// tensor[g·out_per_group + d, d, k₂//2, k₃//2, …] = 1.
void TestSchemes::dirac() {
  QFETCH(Shape, shape);
  QFETCH(qint64, groups);
  const Tensor t = initialized(shape, Scheme::dirac, {.groups = groups}, 1);
  std::vector<float> want = filled(shape, 0.0f);
  const std::vector<std::int64_t> strides = strides_of(shape);
  const std::int64_t out_per_group = shape[0] / groups;
  const std::int64_t min_dim = std::min(out_per_group, shape[1]);
  for (std::int64_t g = 0; g < groups; ++g) {
    for (std::int64_t d = 0; d < min_dim; ++d) {
      std::int64_t offset = (g * out_per_group + d) * strides[0] + d * strides[1];
      for (std::size_t k = 2; k < shape.size(); ++k) offset += (shape[k] / 2) * strides[k];
      want[offset] = 1.0f;
    }
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    QVERIFY2(
        t.values()[i] == want[i],
        qPrintable(QString("entry %1: got %2, want %3").arg(i).arg(t.values()[i]).arg(want[i])));
  }
}

void TestSchemes::constants_data() {
  add_scheme_columns();
  QTest::addColumn<float>("expected");
  for (const Shape& shape : {Shape{300, 200}, Shape{8, 4, 3, 3, 3}}) {
    QTest::newRow(qPrintable(row_name(Scheme::constant, shape, "0.37")))
        << Scheme::constant << InitArgs{.value = 0.37} << shape << 0.37f;
    QTest::newRow(qPrintable(row_name(Scheme::ones, shape, "")))
        << Scheme::ones << InitArgs{} << shape << 1.0f;
    QTest::newRow(qPrintable(row_name(Scheme::zeros, shape, "")))
        << Scheme::zeros << InitArgs{} << shape << 0.0f;
  }
}

void TestSchemes::constants() {
  QFETCH(Scheme, scheme);
  QFETCH(InitArgs, args);
  QFETCH(Shape, shape);
  QFETCH(float, expected);
  const Tensor t = initialized(shape, scheme, args, 1);
  const std::vector<float> want = filled(shape, expected);
  QVERIFY(std::memcmp(t.values().data(), want.data(), want.size() * sizeof(float)) == 0);
}

// ---------------------------------------------------------------------------------------------
// Seeds

void TestSchemes::seed_determines_tensor_data() {
  add_scheme_columns();
  const Shape shape{64, 48};
  const std::pair<Scheme, InitArgs> cases[] = {
      {Scheme::uniform, {}},
      {Scheme::normal, {}},
      {Scheme::trunc_normal, {}},
      {Scheme::xavier_uniform, {}},
      {Scheme::xavier_normal, {}},
      {Scheme::kaiming_uniform, {}},
      {Scheme::kaiming_normal, {}},
      {Scheme::orthogonal, {}},
      {Scheme::sparse, {}},
      {Scheme::variance_scaling, {.distribution = VsDistribution::truncated_normal}},
      {Scheme::variance_scaling, {.distribution = VsDistribution::untruncated_normal}},
      {Scheme::variance_scaling, {.distribution = VsDistribution::uniform}},
      {Scheme::lecun_normal, {}},
      {Scheme::lecun_uniform, {}},
      {Scheme::torch_default, {}},
  };
  for (const auto& [scheme, args] : cases) {
    const QString detail =
        scheme == Scheme::variance_scaling ? qstr(name_of(args.distribution)) : QString();
    QTest::newRow(qPrintable(row_name(scheme, shape, detail))) << scheme << args << shape;
  }
}

void TestSchemes::seed_determines_tensor() {
  QFETCH(Scheme, scheme);
  QFETCH(InitArgs, args);
  QFETCH(Shape, shape);
  const Tensor a = initialized(shape, scheme, args, 42);
  const Tensor b = initialized(shape, scheme, args, 42);
  const std::size_t bytes = a.values().size_bytes();
  QVERIFY2(std::memcmp(a.values().data(), b.values().data(), bytes) == 0, "same seed, different");

  // initialize = law_of + sample (schemes.h).
  Tensor c(shape);
  Generator gen(42, 0);
  sample(law_of(scheme, args, shape), c, gen);
  QVERIFY2(std::memcmp(a.values().data(), c.values().data(), bytes) == 0,
           "initialize differs from sample(law_of)");

  const Tensor d = initialized(shape, scheme, args, 43);
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.values().size(); ++i) equal += a.values()[i] == d.values()[i];
  // Sparse zeros may coincide (1% of entries at sparsity 0.1); all else differs.
  QVERIFY2(equal < a.values().size() / 10, qPrintable(QString("%1 equal entries").arg(equal)));
}

// ---------------------------------------------------------------------------------------------
// Errors

void TestSchemes::errors_data() {
  add_scheme_columns();
  // schemes.h: the message names the scheme and the problem; `problem` is a case-insensitive
  // pattern for the latter.
  QTest::addColumn<QString>("problem");
  const QString dims = "dimension|dims|rank|\\d-?d\\b";
  QTest::newRow("xavier_uniform on 1-D")
      << Scheme::xavier_uniform << InitArgs{} << Shape{5} << dims;
  QTest::newRow("kaiming_normal on 1-D")
      << Scheme::kaiming_normal << InitArgs{} << Shape{5} << dims;
  QTest::newRow("eye on 3-D") << Scheme::eye << InitArgs{} << Shape{3, 3, 3} << dims;
  QTest::newRow("dirac on 2-D") << Scheme::dirac << InitArgs{} << Shape{4, 4} << dims;
  QTest::newRow("dirac groups 4 on 6 channels")
      << Scheme::dirac << InitArgs{.groups = 4} << Shape{6, 4, 3, 3} << "group";
  QTest::newRow("sparse on 3-D") << Scheme::sparse << InitArgs{} << Shape{4, 4, 4} << dims;
  QTest::newRow("orthogonal on 1-D") << Scheme::orthogonal << InitArgs{} << Shape{5} << dims;
  QTest::newRow("normal std -1") << Scheme::normal << InitArgs{.std = -1.0} << Shape{4, 4} << "std";
  QTest::newRow("uniform low > high")
      << Scheme::uniform << InitArgs{.low = 1.0, .high = 0.0} << Shape{4, 4} << "low|high";
  QTest::newRow("sparse sparsity -0.1")
      << Scheme::sparse << InitArgs{.sparsity = -0.1} << Shape{10, 10} << "sparsity";
  QTest::newRow("sparse sparsity 1.5")
      << Scheme::sparse << InitArgs{.sparsity = 1.5} << Shape{10, 10} << "sparsity";
  QTest::newRow("kaiming_uniform fan_avg")
      << Scheme::kaiming_uniform << InitArgs{.mode = FanMode::fan_avg} << Shape{4, 4}
      << "mode|fan_avg";
  QTest::newRow("kaiming_normal fan_avg")
      << Scheme::kaiming_normal << InitArgs{.mode = FanMode::fan_avg} << Shape{4, 4}
      << "mode|fan_avg";
  const QString interval = "bound|interval|trunc_[ab]|\\ba\\b|\\bb\\b";
  QTest::newRow("trunc_normal a == b")
      << Scheme::trunc_normal << InitArgs{.trunc_a = 1.0, .trunc_b = 1.0} << Shape{4, 4}
      << interval;
  QTest::newRow("trunc_normal a > b")
      << Scheme::trunc_normal << InitArgs{.trunc_a = 2.0, .trunc_b = -2.0} << Shape{4, 4}
      << interval;
  QTest::newRow("trunc_normal std 0")
      << Scheme::trunc_normal << InitArgs{.std = 0.0} << Shape{4, 4} << "std";
  // Keras: "Argument `scale` must be positive float".
  QTest::newRow("variance_scaling scale 0")
      << Scheme::variance_scaling << InitArgs{.scale = 0.0} << Shape{4, 4} << "scale";
  QTest::newRow("variance_scaling scale -1")
      << Scheme::variance_scaling << InitArgs{.scale = -1.0} << Shape{4, 4} << "scale";
  QTest::newRow("dirac groups 0") << Scheme::dirac << InitArgs{.groups = 0} << Shape{6, 4, 3, 3}
                                  << "group";
}

void TestSchemes::errors() {
  QFETCH(Scheme, scheme);
  QFETCH(InitArgs, args);
  QFETCH(Shape, shape);
  QFETCH(QString, problem);
  const QString scheme_name = qstr(name_of(scheme));
  const QRegularExpression pattern(problem, QRegularExpression::CaseInsensitiveOption);

  QString message;
  bool thrown = false;
  try {
    law_of(scheme, args, shape);
  } catch (const InputError& e) {
    thrown = true;
    message = QString::fromUtf8(e.what());
  }
  QVERIFY2(thrown, "law_of: no InputError");
  QVERIFY2(message.contains(scheme_name),
           qPrintable(QString("message does not name %1: \"%2\"").arg(scheme_name, message)));
  QVERIFY2(message.contains(pattern),
           qPrintable(QString("message does not match /%1/: \"%2\"").arg(problem, message)));

  thrown = false;
  try {
    Tensor t(shape);
    Generator gen(1);
    initialize(t, scheme, args, gen);
  } catch (const InputError&) {
    thrown = true;
  }
  QVERIFY2(thrown, "initialize: no InputError");
}

}  // namespace initscope

QTEST_APPLESS_MAIN(initscope::TestSchemes)
#include "tst_schemes.moc"
