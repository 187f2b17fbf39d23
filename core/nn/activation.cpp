#include "core/nn/activation.h"

#include <cmath>
#include <numbers>

namespace initscope {
namespace {

double sigmoid(double z) {
  // Two branches so that exp never overflows.
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

double std_normal_pdf(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}
double std_normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

// torch.nn.Softplus(beta=1, threshold=20): linear above the threshold.
constexpr double kSoftplusThreshold = 20.0;

}  // namespace

bool takes_param(Activation activation) {
  return default_param(activation).has_value();
}

std::optional<double> default_param(Activation activation) {
  switch (activation) {
    case Activation::leaky_relu:
      return 0.01;
    case Activation::prelu:
      return 0.25;
    case Activation::elu:
      return 1.0;
    case Activation::identity:
    case Activation::sigmoid:
    case Activation::tanh:
    case Activation::relu:
    case Activation::selu:
    case Activation::gelu:
    case Activation::silu:
    case Activation::softplus:
    case Activation::softsign:
      return std::nullopt;
  }
  return std::nullopt;
}

ActivationFn ActivationFn::make(Activation kind, std::optional<double> param) {
  const std::optional<double> fallback = default_param(kind);
  return {kind, param && fallback ? *param : fallback.value_or(0.0)};
}

double ActivationFn::value(double z) const {
  switch (kind) {
    case Activation::identity:
      return z;
    case Activation::sigmoid:
      return sigmoid(z);
    case Activation::tanh:
      return std::tanh(z);
    case Activation::relu:
      return z < 0 ? 0.0 : z;  // NaN stays NaN, as in torch.relu
    case Activation::leaky_relu:
    case Activation::prelu:
      return z > 0 ? z : param * z;
    case Activation::elu:
      return z > 0 ? z : param * std::expm1(z);
    case Activation::selu:
      return kSeluLambda * (z > 0 ? z : kSeluAlpha * std::expm1(z));
    case Activation::gelu:
      return z * std_normal_cdf(z);
    case Activation::silu:
      return z * sigmoid(z);
    case Activation::softplus:
      return z > kSoftplusThreshold ? z : std::log1p(std::exp(z));
    case Activation::softsign:
      return z / (1.0 + std::abs(z));
  }
  return z;
}

double ActivationFn::derivative(double z) const {
  switch (kind) {
    case Activation::identity:
      return 1.0;
    case Activation::sigmoid: {
      const double s = sigmoid(z);
      return s * (1.0 - s);
    }
    case Activation::tanh: {
      const double t = std::tanh(z);
      return 1.0 - t * t;
    }
    case Activation::relu:
      return z > 0 ? 1.0 : 0.0;
    case Activation::leaky_relu:
    case Activation::prelu:
      return z > 0 ? 1.0 : param;
    case Activation::elu:
      return z > 0 ? 1.0 : param * std::exp(z);
    case Activation::selu:
      return kSeluLambda * (z > 0 ? 1.0 : kSeluAlpha * std::exp(z));
    case Activation::gelu:
      return std_normal_cdf(z) + z * std_normal_pdf(z);
    case Activation::silu: {
      const double s = sigmoid(z);
      return s * (1.0 + z * (1.0 - s));
    }
    case Activation::softplus:
      return z > kSoftplusThreshold ? 1.0 : sigmoid(z);
    case Activation::softsign: {
      const double d = 1.0 + std::abs(z);
      return 1.0 / (d * d);
    }
  }
  return 1.0;
}

}  // namespace initscope
