#pragma once

#include <optional>

#include "core/nn/activation.h"
#include "core/names.h"

namespace initscope {

/// The names torch.nn.init.calculate_gain accepts.
enum class Nonlinearity {
  linear,
  identity,
  conv1d,
  conv2d,
  conv3d,
  conv_transpose1d,
  conv_transpose2d,
  conv_transpose3d,
  sigmoid,
  tanh,
  relu,
  leaky_relu,
  selu,
};

template <>
struct EnumNames<Nonlinearity> {
  static constexpr std::string_view family = "nonlinearity";
  static constexpr std::array<NameEntry<Nonlinearity>, 13> table{{
      {Nonlinearity::linear, "linear"},
      {Nonlinearity::identity, "identity"},
      {Nonlinearity::conv1d, "conv1d"},
      {Nonlinearity::conv2d, "conv2d"},
      {Nonlinearity::conv3d, "conv3d"},
      {Nonlinearity::conv_transpose1d, "conv_transpose1d"},
      {Nonlinearity::conv_transpose2d, "conv_transpose2d"},
      {Nonlinearity::conv_transpose3d, "conv_transpose3d"},
      {Nonlinearity::sigmoid, "sigmoid"},
      {Nonlinearity::tanh, "tanh"},
      {Nonlinearity::relu, "relu"},
      {Nonlinearity::leaky_relu, "leaky_relu"},
      {Nonlinearity::selu, "selu"},
  }};
};

/// torch.nn.init.calculate_gain: 1 for the linear and conv family and sigmoid, 5/3 for tanh, √2 for
/// relu, √(2/(1 + s²)) for leaky_relu (s = param, 0.01 when absent), 3/4 for selu. Other names do
/// not parse (see parse_name), so there is no silent default.
double calculate_gain(Nonlinearity nonlinearity, std::optional<double> param = std::nullopt);

/// The calculate_gain name of an activation where torch defines one (identity → linear, sigmoid,
/// tanh, relu, leaky_relu, selu); nullopt for prelu, elu, gelu, silu, softplus, softsign.
std::optional<Nonlinearity> torch_nonlinearity(Activation activation);

/// The activation computing a calculate_gain name's function (the linear and conv names are the
/// identity), used for its empirical gain.
Activation activation_of(Nonlinearity nonlinearity);

/// 1/√E[φ(z)²] with z ~ N(0,1), by Gauss–Hermite quadrature: the gain that keeps the second moment
/// of a layer's pre-activations at 1 through φ. √2 for relu, ≈1 for selu, ≈1.5925 for tanh.
double empirical_gain(const ActivationFn& activation);

}  // namespace initscope
