#pragma once

// The activations of SPEC section 1, as scalar functions with their derivatives side by side.
// The layer code applies the same formulas element-wise over a batch.

#include <optional>

#include "core/names.h"
#include "core/compute/tensor.h"

namespace initscope {

enum class Activation {
  identity,
  sigmoid,
  tanh,
  relu,
  leaky_relu,
  prelu,
  elu,
  selu,
  gelu,
  silu,
  softplus,
  softsign,
};

template <>
struct EnumNames<Activation> {
  static constexpr std::string_view family = "activation";
  static constexpr std::array<NameEntry<Activation>, 13> table{{
      {Activation::identity, "identity"},
      {Activation::identity, "linear"},
      {Activation::sigmoid, "sigmoid"},
      {Activation::tanh, "tanh"},
      {Activation::relu, "relu"},
      {Activation::leaky_relu, "leaky_relu"},
      {Activation::prelu, "prelu"},
      {Activation::elu, "elu"},
      {Activation::selu, "selu"},
      {Activation::gelu, "gelu"},
      {Activation::silu, "silu"},
      {Activation::softplus, "softplus"},
      {Activation::softsign, "softsign"},
  }};
};

/// SELU's constants (Klambauer et al. 2017), as in torch.
inline constexpr double kSeluLambda = 1.0507009873554805;
inline constexpr double kSeluAlpha = 1.6732632423543772;

/// Whether the activation reads a parameter: leaky_relu (negative slope), prelu (slope), elu (α).
bool takes_param(Activation activation);

/// torch's default parameter: leaky_relu 0.01, prelu 0.25, elu 1; nullopt where there is none.
std::optional<double> default_param(Activation activation);

/// An activation with its parameter resolved (the default where none was given).
struct ActivationFn {
  Activation kind = Activation::identity;
  double param = 0.0;

  static ActivationFn make(Activation kind, std::optional<double> param = std::nullopt);

  double value(double z) const;
  /// dφ/dz at z. At a kink (0 for relu, leaky_relu, prelu, elu, selu) it takes the left branch's
  /// value as torch's backward does: relu'(0) = 0, leaky_relu'(0) = slope.
  double derivative(double z) const;
};

/// h = φ(z) element-wise over a batch; the same formulas as ActivationFn::value, vectorized.
template <typename Scalar>
void activation_forward(const ActivationFn& fn, const Eigen::Ref<const MatrixR<Scalar>>& z,
                        Eigen::Ref<MatrixR<Scalar>> h);

/// grad_z = grad_h ⊙ φ'(z), with ActivationFn::derivative's convention at the kinks.
template <typename Scalar>
void activation_backward(const ActivationFn& fn, const Eigen::Ref<const MatrixR<Scalar>>& z,
                         const Eigen::Ref<const MatrixR<Scalar>>& grad_h,
                         Eigen::Ref<MatrixR<Scalar>> grad_z);

}  // namespace initscope
