#include "core/init/gain.h"

#include <cmath>

#include "core/theory/quadrature.h"

namespace initscope {

double calculate_gain(Nonlinearity nonlinearity, std::optional<double> param) {
  // torch/nn/init.py, calculate_gain; the arithmetic is torch's, in its order.
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
    case Nonlinearity::leaky_relu: {
      const double negative_slope = param.value_or(0.01);
      return std::sqrt(2.0 / (1 + negative_slope * negative_slope));
    }
    case Nonlinearity::selu:
      // Chosen in torch to keep the pre-activation variance stable in practice; it is not the
      // value that makes SELU self-normalizing, which wants 1 ('linear').
      return 3.0 / 4;
  }
  return 1.0;
}

std::optional<Nonlinearity> torch_nonlinearity(Activation activation) {
  switch (activation) {
    case Activation::identity:
      return Nonlinearity::linear;
    case Activation::sigmoid:
      return Nonlinearity::sigmoid;
    case Activation::tanh:
      return Nonlinearity::tanh;
    case Activation::relu:
      return Nonlinearity::relu;
    case Activation::leaky_relu:
      return Nonlinearity::leaky_relu;
    case Activation::selu:
      return Nonlinearity::selu;
    case Activation::prelu:
    case Activation::elu:
    case Activation::gelu:
    case Activation::silu:
    case Activation::softplus:
    case Activation::softsign:
      return std::nullopt;
  }
  return std::nullopt;
}

Activation activation_of(Nonlinearity nonlinearity) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::identity:
    case Nonlinearity::conv1d:
    case Nonlinearity::conv2d:
    case Nonlinearity::conv3d:
    case Nonlinearity::conv_transpose1d:
    case Nonlinearity::conv_transpose2d:
    case Nonlinearity::conv_transpose3d:
      return Activation::identity;
    case Nonlinearity::sigmoid:
      return Activation::sigmoid;
    case Nonlinearity::tanh:
      return Activation::tanh;
    case Nonlinearity::relu:
      return Activation::relu;
    case Nonlinearity::leaky_relu:
      return Activation::leaky_relu;
    case Nonlinearity::selu:
      return Activation::selu;
  }
  return Activation::identity;
}

double empirical_gain(const ActivationFn& activation) {
  const double second_moment = gaussian_expectation([&](double z) {
    const double h = activation.value(z);
    return h * h;
  });
  return 1.0 / std::sqrt(second_moment);
}

}  // namespace initscope
