#pragma once

// Statistical checks shared by the sampling and scheme tests: the one-sample Kolmogorov–Smirnov
// test, sample moments with their standard errors, and the exact CDFs and moments of the laws the
// initializers draw from. The references are written from the textbook formulas with std::erfc
// and std::exp only, so that they stay independent of the code under test (core/init/sampling.h has
// its own normal_cdf; it must not be used here).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

namespace initscope::testing {

// ---------------------------------------------------------------------------------------------
// Kolmogorov–Smirnov

/// Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²), the asymptotic survival function of √n·D
/// (Numerical Recipes, 3rd ed., §6.14.12). For small λ the alternating series converges slowly, so
/// there Q = 1 − P with the Jacobi-theta form P(λ) = √(2π)/λ Σ_{k≥1} exp(−(2k−1)²π²/(8λ²)).
inline double kolmogorov_q(double lambda) {
  if (!(lambda > 0.0)) return 1.0;
  if (lambda < 1.18) {
    const double y = std::exp(-std::numbers::pi * std::numbers::pi / (8.0 * lambda * lambda));
    const double p = std::sqrt(2.0 * std::numbers::pi) / lambda *
                     (y + std::pow(y, 9.0) + std::pow(y, 25.0) + std::pow(y, 49.0));
    return std::clamp(1.0 - p, 0.0, 1.0);
  }
  double sum = 0.0;
  double sign = 1.0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * lambda * lambda);
    sum += sign * term;
    if (term < 1e-17 * sum) break;
    sign = -sign;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

struct KsResult {
  double d = 0.0;  // sup |F_n − F|
  double p = 1.0;  // asymptotic p-value
};

/// One-sample KS test of `samples` against a continuous `cdf`. D is taken on both sides of each
/// step of the empirical CDF, which stays exact with tied samples (float data has ties). The
/// p-value uses Stephens' small-sample correction λ = (√n + 0.12 + 0.11/√n)·D (Numerical Recipes
/// §14.3.3).
inline KsResult ks_test(std::vector<double> samples, const std::function<double(double)>& cdf) {
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  double d = 0.0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double f = cdf(samples[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  const double root_n = std::sqrt(n);
  return {d, kolmogorov_q((root_n + 0.12 + 0.11 / root_n) * d)};
}

inline double ks_pvalue(std::vector<double> samples, std::function<double(double)> cdf) {
  return ks_test(std::move(samples), cdf).p;
}

inline std::vector<double> to_doubles(std::span<const float> values) {
  return {values.begin(), values.end()};
}

// ---------------------------------------------------------------------------------------------
// Moments and their standard errors

struct SampleMoments {
  double mean = 0.0;
  double variance = 0.0;  // population (biased), as everywhere in InitScope
  std::size_t n = 0;
  double std() const { return std::sqrt(variance); }
};

/// Two passes in double, so that a law far from 0 (trunc_normal on [40, 41]) keeps its variance.
inline SampleMoments sample_moments(std::span<const float> values) {
  SampleMoments m;
  m.n = values.size();
  if (m.n == 0) return m;
  double sum = 0.0;
  for (float v : values) sum += v;
  m.mean = sum / static_cast<double>(m.n);
  double squares = 0.0;
  for (float v : values) squares += (v - m.mean) * (v - m.mean);
  m.variance = squares / static_cast<double>(m.n);
  return m;
}

/// Mean, variance and fourth central moment of a law.
struct LawMoments {
  double mean = 0.0;
  double variance = 0.0;
  double mu4 = 0.0;
  double std() const { return std::sqrt(variance); }
};

/// Standard error of the sample mean: σ/√n.
inline double se_mean(const LawMoments& law, std::size_t n) {
  return std::sqrt(law.variance / static_cast<double>(n));
}

/// Standard error of the sample variance: √((μ4 − σ⁴)/n) (2σ⁴/n for a normal law, where μ4 = 3σ⁴).
inline double se_variance(const LawMoments& law, std::size_t n) {
  return std::sqrt(std::max(law.mu4 - law.variance * law.variance, 0.0) / static_cast<double>(n));
}

/// Standard error of the sample standard deviation by the delta method: SE(s²)/(2σ).
inline double se_std(const LawMoments& law, std::size_t n) {
  return se_variance(law, n) / (2.0 * law.std());
}

/// Standard error of a binomial share p over n trials. A rate of at least one in n is used for the
/// variance, since the normal approximation says nothing useful when n·p is far below 1.
inline double se_share(double p, std::size_t n) {
  const double nn = static_cast<double>(n);
  const double floor_p = std::max(p, 1.0 / nn);
  return std::sqrt(floor_p * (1.0 - std::min(floor_p, 1.0)) / nn);
}

// ---------------------------------------------------------------------------------------------
// Uniform on [a, b]

inline double uniform_cdf(double x, double a, double b) {
  if (x <= a) return 0.0;
  if (x >= b) return 1.0;
  return (x - a) / (b - a);
}

/// Mean (a+b)/2, variance (b−a)²/12, μ4 = (b−a)⁴/80.
inline LawMoments uniform_moments(double a, double b) {
  const double w = b - a;
  return {0.5 * (a + b), w * w / 12.0, w * w * w * w / 80.0};
}

// ---------------------------------------------------------------------------------------------
// Normal

/// Φ((x − mean)/std) = erfc(−z/√2)/2, accurate in the lower tail.
inline double normal_cdf_ref(double x, double mean, double std) {
  return 0.5 * std::erfc(-(x - mean) / (std * std::numbers::sqrt2));
}

/// Mean, variance std², μ4 = 3·std⁴.
inline LawMoments normal_moments(double mean, double std) {
  const double v = std * std;
  return {mean, v, 3.0 * v * v};
}

// ---------------------------------------------------------------------------------------------
// Truncated normal. Works on the standardized bounds α = (a − μ)/σ, β = (b − μ)/σ. Intervals that
// lie above 0 are handled with upper-tail probabilities Q(x) = 1 − Φ(x) in log space, intervals
// below 0 by reflection, so that an interval 40σ out (where Φ rounds to 1 and Q underflows) stays
// exact.

namespace detail {

inline constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log √(2π)

/// Mills ratio R(x) = Q(x)/φ(x) for x ≥ 0: directly from erfc while φ(x) is far from underflow,
/// else Laplace's continued fraction R(x) = 1/(x + 1/(x + 2/(x + 3/(x + …)))) (Abramowitz & Stegun
/// 26.2.14), evaluated from the tail; at x ≥ 20 two hundred terms are far more than enough.
inline double mills_ratio(double x) {
  if (x < 20.0) {
    const double q = 0.5 * std::erfc(x / std::numbers::sqrt2);
    return q / std::exp(-0.5 * x * x - kLogSqrt2Pi);
  }
  double t = x;
  for (int k = 200; k >= 1; --k) t = x + k / t;
  return 1.0 / t;
}

/// log Q(x), finite for every finite x (−∞ at +∞).
inline double log_upper_tail(double x) {
  if (x == std::numeric_limits<double>::infinity()) return -std::numeric_limits<double>::infinity();
  if (x < 0.0) return std::log1p(-0.5 * std::erfc(-x / std::numbers::sqrt2));
  return -0.5 * x * x - kLogSqrt2Pi + std::log(mills_ratio(x));
}

/// x^k·p with the convention that the term vanishes at an infinite bound (x^k φ(x) → 0).
inline double tail_term(double x, int k, double p) {
  if (std::isinf(x)) return 0.0;
  return std::pow(x, k) * p;
}

}  // namespace detail

/// N(mean, std²) conditioned on [a, b], a and b absolute (either may be infinite).
struct TruncatedNormalRef {
  double mean = 0.0;
  double std = 1.0;
  double a = -2.0;
  double b = 2.0;

  double cdf(double x) const {
    const double alpha = (a - mean) / std;
    const double beta = (b - mean) / std;
    const double xi = (x - mean) / std;
    if (xi <= alpha) return 0.0;
    if (xi >= beta) return 1.0;
    if (alpha >= 0.0) return upper_cdf(alpha, beta, xi);
    if (beta <= 0.0) return 1.0 - upper_cdf(-beta, -alpha, -xi);
    const double phi_a = 0.5 * std::erfc(-alpha / std::numbers::sqrt2);
    const double phi_b = 0.5 * std::erfc(-beta / std::numbers::sqrt2);
    const double phi_x = 0.5 * std::erfc(-xi / std::numbers::sqrt2);
    return (phi_x - phi_a) / (phi_b - phi_a);
  }

  /// Raw moments of the standard law on [α, β] by the recursion
  /// M_k = (k−1)·M_{k−2} + (α^{k−1}φ(α) − β^{k−1}φ(β))/Z, Z = Φ(β) − Φ(α)
  /// (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions, vol. 1, §10.1),
  /// then central moments, scaled back by σ.
  LawMoments moments() const {
    double alpha = (a - mean) / std;
    double beta = (b - mean) / std;
    double sign = 1.0;
    if (beta <= 0.0) {  // reflect: X on [α, β] is −Y with Y on [−β, −α]
      sign = -1.0;
      const double t = alpha;
      alpha = -beta;
      beta = -t;
    }
    double pa = 0.0;  // φ(α)/Z
    double pb = 0.0;  // φ(β)/Z
    if (alpha >= 0.0) {
      // Z = Q(α)(1 − Q(β)/Q(α)) and φ(α)/Q(α) = 1/R(α): no underflow however far out α is.
      const double ratio = std::expm1(detail::log_upper_tail(beta) - detail::log_upper_tail(alpha));
      pa = 1.0 / (detail::mills_ratio(alpha) * -ratio);
      pb = std::isinf(beta) ? 0.0 : std::exp(-0.5 * (beta - alpha) * (beta + alpha)) * pa;
    } else {
      const double z =
          0.5 * (std::erfc(-beta / std::numbers::sqrt2) - std::erfc(-alpha / std::numbers::sqrt2));
      const auto density = [](double x) {
        return std::isinf(x) ? 0.0 : std::exp(-0.5 * x * x - detail::kLogSqrt2Pi);
      };
      pa = density(alpha) / z;
      pb = density(beta) / z;
    }
    using detail::tail_term;
    const double m1 = pa - pb;
    const double m2 = 1.0 + tail_term(alpha, 1, pa) - tail_term(beta, 1, pb);
    const double m3 = 2.0 * m1 + tail_term(alpha, 2, pa) - tail_term(beta, 2, pb);
    const double m4 = 3.0 * m2 + tail_term(alpha, 3, pa) - tail_term(beta, 3, pb);
    const double var = m2 - m1 * m1;
    const double mu4 = m4 - 4.0 * m1 * m3 + 6.0 * m1 * m1 * m2 - 3.0 * m1 * m1 * m1 * m1;
    const double s2 = std * std;
    return {mean + sign * std * m1, s2 * var, s2 * s2 * mu4};
  }

 private:
  /// CDF on [α, β] with 0 ≤ α: (Q(α) − Q(ξ))/(Q(α) − Q(β)), written with lQ = log Q as
  /// expm1(lQ(ξ) − lQ(α)) / expm1(lQ(β) − lQ(α)).
  static double upper_cdf(double alpha, double beta, double xi) {
    const double la = detail::log_upper_tail(alpha);
    return std::expm1(detail::log_upper_tail(xi) - la) /
           std::expm1(detail::log_upper_tail(beta) - la);
  }
};

}  // namespace initscope::testing
