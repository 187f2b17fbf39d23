#include "core/init/law_moments.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace initscope {
namespace {

// The mean and variance of N(mean, std²) conditioned on [low, high].
struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};

Moments truncated_normal_moments(const Law& law) {
  auto pdf = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); };
  auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double alpha = (law.low - law.mean) / law.std;
  const double beta = (law.high - law.mean) / law.std;
  const double mass = cdf(beta) - cdf(alpha);
  const double shift = (pdf(alpha) - pdf(beta)) / mass;
  return {law.mean + law.std * shift,
          law.std * law.std * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / mass - shift * shift)};
}

std::optional<double> finite(double x) {
  return std::isfinite(x) ? std::optional(x) : std::nullopt;
}

}  // namespace

std::int64_t sparse_zeros(const Law& law, const Shape& shape) {
  return static_cast<std::int64_t>(std::ceil(law.sparsity * static_cast<double>(shape[0])));
}

std::optional<double> entry_mean(const Law& law, const Shape& /*shape*/) {
  switch (law.kind) {
    case LawKind::uniform:
      return (law.low + law.high) / 2;
    case LawKind::normal:
      return law.mean;
    case LawKind::trunc_normal:
      return finite(truncated_normal_moments(law).mean);
    case LawKind::sparse:
    case LawKind::orthogonal:
      return 0.0;
    case LawKind::constant:
    case LawKind::eye:
    case LawKind::dirac:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> second_moment(const Law& law, const Shape& shape) {
  switch (law.kind) {
    case LawKind::uniform:
      return (law.low * law.low + law.low * law.high + law.high * law.high) / 3;
    case LawKind::normal:
      return law.mean * law.mean + law.std * law.std;
    case LawKind::trunc_normal: {
      const Moments m = truncated_normal_moments(law);
      return finite(m.variance + m.mean * m.mean);
    }
    case LawKind::sparse: {
      const double rows = static_cast<double>(shape[0]);
      return law.std * law.std * (rows - static_cast<double>(sparse_zeros(law, shape))) / rows;
    }
    case LawKind::orthogonal: {
      // torch flattens to rows = shape[0] and cols = the product of the others.
      const std::int64_t rows = shape[0];
      std::int64_t cols = 1;
      for (std::size_t d = 1; d < shape.size(); ++d) cols *= shape[d];
      return law.gain * law.gain / static_cast<double>(std::max(rows, cols));
    }
    case LawKind::constant:
    case LawKind::eye:
    case LawKind::dirac:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace initscope
