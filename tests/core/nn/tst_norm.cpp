// Tests of core/nn/norm.h: forward against a direct reference and its moments, backward against
// central finite differences, float against double, the errors, and thread-count independence.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/nn/norm.h"
#include "core/compute/parallel.h"

namespace initscope {
namespace {

using MatD = MatrixR<double>;
using MatF = MatrixR<float>;

/// x ~ N(mean, std²) from a fixed seed. The mean is away from 0 so that a norm that forgets to
/// subtract it fails.
MatD random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed, double mean = 3.0,
                   double std = 2.0) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(mean, std);
  MatD m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(engine);
  return m;
}

NormSpec make_spec(const QString& kind, int groups, double eps) {
  NormSpec spec;
  spec.kind = parse_name<Norm>(kind.toStdString());
  spec.groups = groups;
  spec.eps = eps;
  return spec;
}

/// The normalized sets as lists of (row, column), in the order of NormCache::inv_std.
using Set = std::vector<std::pair<Eigen::Index, Eigen::Index>>;
std::vector<Set> sets_of(const NormSpec& spec, Eigen::Index rows, Eigen::Index cols) {
  std::vector<Set> sets;
  if (spec.kind == Norm::batch) {
    for (Eigen::Index c = 0; c < cols; ++c) {
      Set& set = sets.emplace_back();
      for (Eigen::Index r = 0; r < rows; ++r) set.emplace_back(r, c);
    }
  } else if (spec.kind != Norm::none) {
    const Eigen::Index groups = spec.kind == Norm::group ? spec.groups : 1;
    const Eigen::Index length = cols / groups;
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index g = 0; g < groups; ++g) {
        Set& set = sets.emplace_back();
        for (Eigen::Index c = g * length; c < (g + 1) * length; ++c) set.emplace_back(r, c);
      }
    }
  }
  return sets;
}

bool centers(const NormSpec& spec) {
  return spec.kind != Norm::rms;
}

/// The textbook formula, one set at a time: (x − μ)/√(σ² + eps) with the biased σ², or
/// x/√(mean(x²) + eps) for rms.
MatD reference_forward(const NormSpec& spec, const MatD& x, std::vector<double>& inv_std) {
  MatD y = x;
  inv_std.clear();
  for (const Set& set : sets_of(spec, x.rows(), x.cols())) {
    const double m = static_cast<double>(set.size());
    double mu = 0.0;
    if (centers(spec)) {
      for (auto [r, c] : set) mu += x(r, c) / m;
    }
    double var = 0.0;
    for (auto [r, c] : set) var += (x(r, c) - mu) * (x(r, c) - mu) / m;
    const double inv = 1.0 / std::sqrt(var + spec.eps);
    for (auto [r, c] : set) y(r, c) = (x(r, c) - mu) * inv;
    inv_std.push_back(inv);
  }
  return y;
}

template <typename Scalar>
struct Pass {
  MatrixR<Scalar> y;
  MatrixR<Scalar> grad_x;
  NormCache<Scalar> cache;
};

template <typename Scalar>
Pass<Scalar> run(const NormSpec& spec, const MatrixR<Scalar>& x, const MatrixR<Scalar>& grad_y) {
  Pass<Scalar> p;
  p.y.resize(x.rows(), x.cols());
  p.grad_x.resize(x.rows(), x.cols());
  norm_forward<Scalar>(spec, x, p.y, p.cache);
  norm_backward<Scalar>(spec, p.y, p.cache, grad_y, p.grad_x);
  return p;
}

double loss(const NormSpec& spec, const MatD& x, const MatD& g) {
  MatD y(x.rows(), x.cols());
  NormCache<double> cache;
  norm_forward<double>(spec, x, y, cache);
  return (y.array() * g.array()).sum();
}

double max_abs(const MatD& m) {
  return m.size() == 0 ? 0.0 : m.cwiseAbs().maxCoeff();
}

/// Runs fn and returns the InputError's message, or "" if none was thrown.
template <typename Fn>
std::string input_error_of(Fn fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class TestNorm : public QObject {
  Q_OBJECT

  // One row per norm and shape, shared by the forward, backward and float tests. eps = 0.5 rows
  // make the eps term large, so a backward that mishandles it can not hide below the tolerance.
  static void add_cases() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("groups");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::addColumn<double>("eps");
    QTest::newRow("none 6x8") << "none" << 32 << 6 << 8 << 1e-5;
    QTest::newRow("batch 6x8") << "batch" << 32 << 6 << 8 << 1e-5;
    QTest::newRow("batch 5x1") << "batch" << 32 << 5 << 1 << 1e-5;
    QTest::newRow("batch 6x8 eps 0.5") << "batch" << 32 << 6 << 8 << 0.5;
    // One sample: x − μ = 0 exactly, so y = 0 and the gradient is 0 (torch refuses this case in
    // training mode; here it is well defined).
    QTest::newRow("batch 1x8") << "batch" << 32 << 1 << 8 << 1e-5;
    QTest::newRow("batch 70x40") << "batch" << 32 << 70 << 40 << 1e-5;  // two column strips
    QTest::newRow("layer 6x8") << "layer" << 32 << 6 << 8 << 1e-5;
    QTest::newRow("layer 1x8") << "layer" << 32 << 1 << 8 << 1e-5;
    QTest::newRow("layer 6x8 eps 0.5") << "layer" << 32 << 6 << 8 << 0.5;
    QTest::newRow("rms 6x8") << "rms" << 32 << 6 << 8 << 1e-5;
    QTest::newRow("rms 1x8") << "rms" << 32 << 1 << 8 << 1e-5;
    QTest::newRow("rms 6x8 eps 0.5") << "rms" << 32 << 6 << 8 << 0.5;
    for (int groups : {1, 2, 4}) {
      const QString g = QString::number(groups);
      QTest::newRow(qPrintable("group " + g + " 6x8")) << "group" << groups << 6 << 8 << 1e-5;
      QTest::newRow(qPrintable("group " + g + " 1x8")) << "group" << groups << 1 << 8 << 1e-5;
    }
    QTest::newRow("group 4 6x8 eps 0.5") << "group" << 4 << 6 << 8 << 0.5;
  }

 private slots:
  void forward_matches_reference_data() { add_cases(); }
  void forward_matches_reference() {
    QFETCH(QString, kind);
    QFETCH(int, groups);
    QFETCH(int, rows);
    QFETCH(int, cols);
    QFETCH(double, eps);
    const NormSpec spec = make_spec(kind, groups, eps);
    const MatD x = random_matrix(rows, cols, 1);
    const Pass<double> p = run<double>(spec, x, MatD::Zero(rows, cols));

    std::vector<double> inv_std;
    const MatD expected = reference_forward(spec, x, inv_std);
    QVERIFY2(max_abs(p.y - expected) <= 1e-12,
             qPrintable(QString::number(max_abs(p.y - expected))));
    QCOMPARE(p.cache.inv_std.size(), static_cast<Eigen::Index>(inv_std.size()));
    for (std::size_t k = 0; k < inv_std.size(); ++k) {
      QVERIFY(std::abs(p.cache.inv_std[k] - inv_std[k]) <= 1e-12 * inv_std[k]);
    }

    // The output's moments, set by set, are what the formula says: mean 0 (centered norms), and
    // mean(y²) = σ²/(σ² + eps), which is 1 less the eps effect (σ² = mean(x²) for rms).
    for (const Set& set : sets_of(spec, rows, cols)) {
      const double m = static_cast<double>(set.size());
      double mu_x = 0.0, mu_y = 0.0, y2 = 0.0;
      for (auto [r, c] : set) {
        mu_x += x(r, c) / m;
        mu_y += p.y(r, c) / m;
        y2 += p.y(r, c) * p.y(r, c) / m;
      }
      if (!centers(spec)) mu_x = 0.0;
      double var_x = 0.0;
      for (auto [r, c] : set) var_x += (x(r, c) - mu_x) * (x(r, c) - mu_x) / m;
      if (centers(spec)) QVERIFY2(std::abs(mu_y) <= 1e-12, qPrintable(QString::number(mu_y)));
      const double expected_y2 = var_x / (var_x + eps);
      QVERIFY2(std::abs(y2 - expected_y2) <= 1e-12,
               qPrintable(QString("mean(y^2) %1 vs %2").arg(y2, 0, 'g', 17).arg(expected_y2)));
    }
  }

  void backward_matches_finite_differences_data() { add_cases(); }
  void backward_matches_finite_differences() {
    QFETCH(QString, kind);
    QFETCH(int, groups);
    QFETCH(int, rows);
    QFETCH(int, cols);
    QFETCH(double, eps);
    const NormSpec spec = make_spec(kind, groups, eps);
    const MatD x = random_matrix(rows, cols, 2);
    const MatD g = random_matrix(rows, cols, 3, 0.0, 1.0);
    const Pass<double> p = run<double>(spec, x, g);

    // L = Σ y ⊙ G, so ∂L/∂y = G. Central differences with h = 1e-5 on x of scale 2: truncation
    // h²·|L'''|/6 ≈ 1e-10 and rounding eps_mach·|L|/h ≈ 2e-16·50/1e-5 ≈ 1e-9, both far below the
    // 1e-6 tolerance, which is relative to the largest gradient entry (or absolute where the
    // gradient vanishes, as for one sample in batch norm).
    const double h = 1e-5;
    MatD numeric(rows, cols);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        MatD plus = x, minus = x;
        plus(r, c) += h;
        minus(r, c) -= h;
        numeric(r, c) = (loss(spec, plus, g) - loss(spec, minus, g)) / (2 * h);
      }
    }
    const double error = max_abs(p.grad_x - numeric) / std::max(1.0, max_abs(numeric));
    QVERIFY2(error < 1e-6, qPrintable(QString("relative error %1").arg(error)));
  }

  void float_agrees_with_double_data() { add_cases(); }
  void float_agrees_with_double() {
    QFETCH(QString, kind);
    QFETCH(int, groups);
    QFETCH(int, rows);
    QFETCH(int, cols);
    QFETCH(double, eps);
    const NormSpec spec = make_spec(kind, groups, eps);
    // Both run on the same float inputs, so only the arithmetic differs.
    const MatF xf = random_matrix(rows, cols, 4).cast<float>();
    const MatF gf = random_matrix(rows, cols, 5, 0.0, 1.0).cast<float>();
    const Pass<float> f = run<float>(spec, xf, gf);
    const Pass<double> d = run<double>(spec, xf.cast<double>(), gf.cast<double>());
    const double y_error = max_abs(f.y.cast<double>() - d.y);
    const double grad_error = max_abs(f.grad_x.cast<double>() - d.grad_x);
    QVERIFY2(y_error <= 1e-5, qPrintable(QString::number(y_error)));
    QVERIFY2(grad_error <= 1e-5 * std::max(1.0, max_abs(d.grad_x)),
             qPrintable(QString::number(grad_error)));
    for (Eigen::Index k = 0; k < d.cache.inv_std.size(); ++k) {
      QVERIFY(std::abs(f.cache.inv_std[k] - d.cache.inv_std[k]) <= 1e-6 * d.cache.inv_std[k]);
    }
  }

  void none_is_identity() {
    const NormSpec spec;  // Norm::none
    const MatD x = random_matrix(4, 5, 6);
    const MatD g = random_matrix(4, 5, 7);
    const Pass<double> p = run<double>(spec, x, g);
    QVERIFY(p.y == x);
    QVERIFY(p.grad_x == g);
    QCOMPARE(p.cache.inv_std.size(), Eigen::Index{0});
  }

  void one_group_is_layer_norm() {
    // torch: GroupNorm(1, C) normalizes each sample over all its features, as LayerNorm(C).
    const MatD x = random_matrix(6, 8, 8);
    const MatD g = random_matrix(6, 8, 9);
    NormSpec layer, group;
    layer.kind = Norm::layer;
    group.kind = Norm::group;
    group.groups = 1;
    const Pass<double> a = run<double>(layer, x, g);
    const Pass<double> b = run<double>(group, x, g);
    QVERIFY(a.y == b.y);
    QVERIFY(a.grad_x == b.grad_x);
  }

  void works_on_blocks() {
    // Eigen::Ref with an outer stride: a block of a larger matrix in and out, no copies.
    const MatD big = random_matrix(10, 12, 10);
    const MatD g = random_matrix(6, 8, 11);
    for (Norm kind : {Norm::batch, Norm::layer, Norm::rms, Norm::group}) {
      NormSpec spec;
      spec.kind = kind;
      spec.groups = 4;
      MatD out = MatD::Constant(10, 12, -7.0);
      NormCache<double> cache;
      norm_forward<double>(spec, big.block(2, 3, 6, 8), out.block(2, 3, 6, 8), cache);
      const Pass<double> dense = run<double>(spec, MatD(big.block(2, 3, 6, 8)), g);
      QVERIFY(MatD(out.block(2, 3, 6, 8)) == dense.y);
      // Outside the block nothing was written.
      QCOMPARE((out.array() == -7.0).count(), Eigen::Index{10 * 12 - 6 * 8});
      MatD grad = MatD::Constant(10, 12, -7.0);
      norm_backward<double>(spec, out.block(2, 3, 6, 8), cache, g, grad.block(2, 3, 6, 8));
      QVERIFY(MatD(grad.block(2, 3, 6, 8)) == dense.grad_x);
      QCOMPARE((grad.array() == -7.0).count(), Eigen::Index{10 * 12 - 6 * 8});
    }
  }

  void errors_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("groups");
    QTest::addColumn<QStringList>("message_parts");
    QTest::newRow("instance") << "instance" << 32 << QStringList{"instance", "conv2d"};
    QTest::newRow("local_response")
        << "local_response" << 32 << QStringList{"local_response", "conv2d"};
    QTest::newRow("group 3 of 8") << "group" << 3 << QStringList{"(8)", "(3)"};
    QTest::newRow("group 16 of 8") << "group" << 16 << QStringList{"(8)", "(16)"};
    QTest::newRow("group 0") << "group" << 0 << QStringList{"groups", "0"};
  }
  void errors() {
    QFETCH(QString, kind);
    QFETCH(int, groups);
    QFETCH(QStringList, message_parts);
    const NormSpec spec = make_spec(kind, groups, 1e-5);
    MatF x = MatF::Ones(4, 8), y(4, 8), grad(4, 8);
    NormCache<float> cache;
    const std::string forward = input_error_of([&] { norm_forward<float>(spec, x, y, cache); });
    const std::string backward =
        input_error_of([&] { norm_backward<float>(spec, x, cache, x, grad); });
    for (const std::string& message : {forward, backward}) {
      QVERIFY2(!message.empty(), "no InputError");
      for (const QString& part : message_parts) {
        QVERIFY2(QString::fromStdString(message).contains(part), message.c_str());
      }
    }
  }

  void spatial() {
    QVERIFY(is_spatial(Norm::instance));
    QVERIFY(is_spatial(Norm::local_response));
    for (Norm kind : {Norm::none, Norm::batch, Norm::layer, Norm::rms, Norm::group}) {
      QVERIFY(!is_spatial(kind));
    }
  }

  void thread_count_independent_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("groups");
    QTest::newRow("batch") << "batch" << 32;
    QTest::newRow("layer") << "layer" << 32;
    QTest::newRow("rms") << "rms" << 32;
    QTest::newRow("group 32") << "group" << 32;
  }
  void thread_count_independent() {
    QFETCH(QString, kind);
    QFETCH(int, groups);
    const NormSpec spec = make_spec(kind, groups, 1e-5);
    // Large enough (512 × 1024) to pass the parallel threshold.
    const MatF x = random_matrix(512, 1024, 12).cast<float>();
    const MatF g = random_matrix(512, 1024, 13, 0.0, 1.0).cast<float>();
    const int saved = max_threads();
    set_max_threads(1);
    const Pass<float> one = run<float>(spec, x, g);
    for (int threads : {2, 3}) {
      set_max_threads(threads);
      const Pass<float> many = run<float>(spec, x, g);
      const auto bytes = static_cast<std::size_t>(x.size()) * sizeof(float);
      QVERIFY(std::memcmp(one.y.data(), many.y.data(), bytes) == 0);
      QVERIFY(std::memcmp(one.grad_x.data(), many.grad_x.data(), bytes) == 0);
      QCOMPARE(one.cache.inv_std.size(), many.cache.inv_std.size());
      QVERIFY(std::memcmp(one.cache.inv_std.data(), many.cache.inv_std.data(),
                          static_cast<std::size_t>(one.cache.inv_std.size()) * sizeof(float)) == 0);
    }
    set_max_threads(saved);
  }
};

}  // namespace initscope

QTEST_APPLESS_MAIN(initscope::TestNorm)
#include "tst_norm.moc"
