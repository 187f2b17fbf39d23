#pragma once

// The losses of SPEC section 1 and their gradients with respect to the stack's output, and the
// classification loss training uses (SPEC section 8).

#include <cstdint>
#include <span>

#include "core/compute/tensor.h"
#include "core/names.h"

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

template <typename Scalar>
struct ClassificationLoss {
  double value = 0.0;     // mean over the rows
  double accuracy = 0.0;  // share of rows whose largest logit (the first, on a tie) is the label
  MatrixR<Scalar> gradient;  // ∂L/∂logits
};

/// torch's F.cross_entropy(logits, labels): mean over the rows of −log softmax(logits)[label],
/// taken in double through the log-sum-exp with the row's maximum taken out; ∂L/∂logits =
/// (softmax − one_hot(label))/rows. Labels must be in [0, logits.cols()).
template <typename Scalar>
ClassificationLoss<Scalar> cross_entropy(const MatrixR<Scalar>& logits,
                                         std::span<const std::uint8_t> labels);

}  // namespace initscope
