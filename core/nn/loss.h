#pragma once

// The losses of SPEC section 1 and their gradients with respect to the stack's output.

#include "core/names.h"
#include "core/compute/tensor.h"

namespace initscope {

enum class Loss { random_gradient, mse };
template <>
struct EnumNames<Loss> {
  static constexpr std::string_view family = "loss";
  static constexpr std::array<NameEntry<Loss>, 2> table{{
      {Loss::random_gradient, "random_gradient"},
      {Loss::mse, "mse"},
  }};
};

template <typename Scalar>
struct LossValue {
  double value = 0.0;
  MatrixR<Scalar> gradient;  // ∂L/∂output
};

/// random_gradient: L = Σ output ⊙ probe (the probe G ~ N(0,1) fixed), so ∂L/∂output = G: the
/// standard probe of gradient flow at initialization. mse: L = mean((output − probe)²) with the
/// probe as targets y ~ N(0,1), so ∂L/∂output = 2(output − y)/N over all N entries.
template <typename Scalar>
LossValue<Scalar> evaluate_loss(Loss loss, const MatrixR<Scalar>& output,
                                const MatrixR<Scalar>& probe);

}  // namespace initscope
