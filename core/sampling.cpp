#include "core/sampling.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <utility>

#include <Eigen/Core>

#include "core/error.h"
#include "core/format.h"

namespace initscope {
namespace {

// Values per parallel block: a multiple of 4 (one counter gives four words), small enough that a
// block's words stay in L1.
constexpr std::int64_t kBlock = 4096;
// Below this many values a fill stays on the calling thread: starting the team costs more.
constexpr std::int64_t kParallelMin = 1 << 16;

constexpr double kTwoPow32 = 4294967296.0;

// Runs fn(values, words) over consecutive blocks of `out`, where words[i] is the 32-bit random
// word of value i of the block: word i%4 of counter first + (block start + i)/4. Blocks are
// independent, so the thread count does not change a single value.
template <typename BlockFn>
void for_each_block(std::span<float> out, Generator& gen, BlockFn fn) {
  const auto n = static_cast<std::int64_t>(out.size());
  const std::uint64_t first = gen.reserve(static_cast<std::uint64_t>((n + 3) / 4));
  const std::int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t begin = b * kBlock;
    const std::int64_t length = std::min(kBlock, n - begin);
    alignas(64) std::array<std::uint32_t, kBlock> words;
    const std::uint64_t counter0 = first + static_cast<std::uint64_t>(begin / 4);
    for (std::int64_t j = 0; j < (length + 3) / 4; ++j) {
      const PhiloxCounter r = gen.block(counter0 + static_cast<std::uint64_t>(j));
      for (int k = 0; k < 4; ++k) words[4 * j + k] = r[k];
    }
    fn(out.subspan(begin, length), std::span<const std::uint32_t>(words.data(), (length + 3) & ~3));
  }
}

void require(bool ok, const char* what, const std::string& message) {
  if (!ok) throw InputError(std::string(what) + ": " + message);
}

// ln Q(t) for the upper tail Q(t) = P(Z > t), t ≥ 30, by the asymptotic series
// Q(t) = φ(t)/t · (1 − 1/t² + 3/t⁴ − 15/t⁶ + 105/t⁸ − 945/t¹⁰), accurate to ~1e-14 there
// (Abramowitz & Stegun 26.2.12).
double log_upper_tail(double t) {
  if (std::isinf(t)) return -std::numeric_limits<double>::infinity();
  const double s = 1.0 / (t * t);
  const double series = 1 - s * (1 - s * (3 - s * (15 - s * (105 - s * 945))));
  return -0.5 * t * t - std::log(t * std::sqrt(2 * std::numbers::pi)) + std::log(series);
}

// The truncated standard normal on [alpha, beta] as a map from u ∈ (0,1) to x. The interval is
// reflected into the lower half so that Φ of its ends keeps full relative precision; beyond 37σ,
// where Φ underflows, the upper-tail CDF is inverted in log space by Newton's method.
class TruncatedStandardNormal {
 public:
  TruncatedStandardNormal(double alpha, double beta) {
    flip_ = alpha + beta > 0;
    if (flip_) std::tie(alpha, beta) = std::pair(-beta, -alpha);
    alpha_ = alpha;
    beta_ = beta;
    cdf_alpha_ = normal_cdf(alpha);
    mass_ = normal_cdf(beta) - cdf_alpha_;
    log_space_ = beta < -kDirectLimit;
    if (log_space_) {
      // Work with t = −x on [−beta, −alpha], all beyond 37σ.
      log_q_low_ = log_upper_tail(-beta);
      ratio_ = std::exp(log_upper_tail(-alpha) - log_q_low_);  // Q(−alpha)/Q(−beta) < 1
    }
  }

  double operator()(double u) const {
    double x = log_space_ ? -tail_quantile(u) : normal_quantile(cdf_alpha_ + u * mass_);
    x = std::clamp(x, alpha_, beta_);
    return flip_ ? -x : x;
  }

 private:
  static constexpr double kDirectLimit = 37.0;

  // The t ≥ −beta with Q(t) = Q(−beta)·(1 − u·(1 − ratio)), solved for ln Q by Newton's method,
  // starting from the exponential approximation of the tail.
  double tail_quantile(double u) const {
    const double t_low = -beta_;
    const double target = log_q_low_ + std::log1p(-u * (1 - ratio_));
    double t = t_low + (log_q_low_ - target) / t_low;
    for (int iteration = 0; iteration < 50; ++iteration) {
      const double log_q = log_upper_tail(t);
      // d ln Q / dt = −φ(t)/Q(t)
      const double slope = -std::exp(-0.5 * t * t - 0.5 * std::log(2 * std::numbers::pi) - log_q);
      const double step = (log_q - target) / slope;
      t -= step;
      if (std::abs(step) <= 1e-15 * t) break;
    }
    return t;
  }

  bool flip_ = false;
  bool log_space_ = false;
  double alpha_ = 0, beta_ = 0, cdf_alpha_ = 0, mass_ = 0, log_q_low_ = 0, ratio_ = 0;
};

}  // namespace

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

double normal_quantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  // Upper half by symmetry: 1 − p is exact there (Sterbenz), whereas Φ(x) − p near 1 would cancel
  // all but the last few digits of the Halley correction.
  if (p > 0.5) return -normal_quantile(1 - p);
  // P. J. Acklam's rational approximation (relative error 1.15e-9), then one Halley step on
  // Φ(x) − p, which brings it to full double precision.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  auto tail = [&](double q) {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  double x;
  if (p < kLow) {
    x = tail(std::sqrt(-2 * std::log(p)));
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

void fill_uniform(std::span<float> out, double low, double high, Generator& gen) {
  require(std::isfinite(low) && std::isfinite(high), "uniform", "bounds must be finite numbers");
  require(low <= high, "uniform",
          "low must not exceed high (low " + format_number(low) + ", high " + format_number(high) +
              ")");
  const double width = high - low;
  for_each_block(out, gen, [&](std::span<float> values, std::span<const std::uint32_t> words) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double u = static_cast<double>(words[i] >> 8) * 0x1p-24;  // [0, 1), float's resolution
      values[i] = static_cast<float>(low + width * u);
    }
  });
}

void fill_normal(std::span<float> out, double mean, double std, Generator& gen) {
  require(std::isfinite(mean), "normal", "mean must be a finite number");
  require(std::isfinite(std) && std >= 0, "normal",
          "std must be a finite number >= 0, not " + format_number(std));
  const auto fmean = static_cast<float>(mean);
  const auto fstd = static_cast<float>(std);
  for_each_block(out, gen, [&](std::span<float> values, std::span<const std::uint32_t> words) {
    // Box–Muller: values 2p and 2p+1 are r·cos θ and r·sin θ from words 2p and 2p+1, with
    // r = √(−2 ln u₁), u₁ ∈ (0, 1] at 2⁻³³ resolution near 0 (tails out to 6.7σ), θ = 2π·u₂.
    const auto pairs = static_cast<Eigen::Index>(words.size() / 2);
    Eigen::ArrayXf u1(pairs), u2(pairs);
    for (Eigen::Index p = 0; p < pairs; ++p) {
      u1[p] = (static_cast<float>(words[2 * p]) + 0.5f) * 0x1p-32f;
      u2[p] = static_cast<float>(words[2 * p + 1] >> 8) * 0x1p-24f;
    }
    const Eigen::ArrayXf r = (-2.0f * u1.log()).sqrt();
    const Eigen::ArrayXf theta = (2.0f * std::numbers::pi_v<float>)*u2;
    const Eigen::ArrayXf c = r * theta.cos();
    const Eigen::ArrayXf s = r * theta.sin();
    for (std::size_t i = 0; i < values.size(); ++i) {
      const float z = (i % 2 == 0) ? c[i / 2] : s[i / 2];
      values[i] = fmean + fstd * z;
    }
  });
}

void fill_trunc_normal(std::span<float> out, double mean, double std, double a, double b,
                       Generator& gen) {
  require(std::isfinite(mean), "trunc_normal", "mean must be a finite number");
  require(std::isfinite(std) && std > 0, "trunc_normal",
          "std must be a finite number > 0, not " + format_number(std));
  require(!std::isnan(a) && !std::isnan(b) && a < b, "trunc_normal",
          "the bounds need a < b (a " + format_number(a) + ", b " + format_number(b) + ")");
  const TruncatedStandardNormal law((a - mean) / std, (b - mean) / std);
  for_each_block(out, gen, [&](std::span<float> values, std::span<const std::uint32_t> words) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double u = (static_cast<double>(words[i]) + 0.5) / kTwoPow32;  // (0, 1)
      values[i] = static_cast<float>(std::clamp(mean + std * law(u), a, b));
    }
  });
}

std::vector<std::int64_t> random_subset(std::int64_t n, std::int64_t count, Generator& gen) {
  if (n < 0 || count < 0 || count > n) {
    throw InputError("random_subset: need 0 <= count <= n (count " + std::to_string(count) +
                     ", n " + std::to_string(n) + ")");
  }
  // The `count` indices with the smallest 64-bit random keys (ties broken by index): a uniformly
  // random subset, from counter first + i/2 for index i.
  const std::uint64_t first = gen.reserve(static_cast<std::uint64_t>((n + 1) / 2));
  std::vector<std::pair<std::uint64_t, std::int64_t>> keyed(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const PhiloxCounter r = gen.block(first + static_cast<std::uint64_t>(i / 2));
    const int k = 2 * static_cast<int>(i % 2);
    keyed[i] = {(static_cast<std::uint64_t>(r[k]) << 32) | r[k + 1], i};
  }
  std::nth_element(keyed.begin(), keyed.begin() + count, keyed.end());
  std::vector<std::int64_t> chosen;
  chosen.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) chosen.push_back(keyed[i].second);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace initscope
