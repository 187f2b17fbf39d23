// The batch form of the activations in activation.cpp: the same formulas as Eigen array
// expressions, which vectorize (AVX-512 for float here). Forward and backward side by side.
#include <cmath>
#include <numbers>

#include <unsupported/Eigen/SpecialFunctions>

#include "core/nn/activation.h"

namespace initscope {
namespace {

// torch.nn.Softplus(beta=1, threshold=20): linear above the threshold.
constexpr double kSoftplusThreshold = 20.0;

template <typename Derived>
auto sigmoid(const Eigen::ArrayBase<Derived>& z) {
  using Scalar = typename Derived::Scalar;
  return (Scalar(1) + (-z).exp()).inverse();
}

}  // namespace

template <typename Scalar>
void activation_forward(const ActivationFn& fn, const Eigen::Ref<const MatrixR<Scalar>>& z,
                        Eigen::Ref<MatrixR<Scalar>> h) {
  const auto Z = z.array();
  auto H = h.array();
  const auto p = static_cast<Scalar>(fn.param);
  switch (fn.kind) {
    case Activation::identity:
      H = Z;
      return;
    case Activation::sigmoid:
      H = sigmoid(Z);
      return;
    case Activation::tanh:
      H = Z.tanh();
      return;
    case Activation::relu:
      H = (Z < Scalar(0)).select(Scalar(0), Z);  // NaN stays NaN, as in torch.relu
      return;
    case Activation::leaky_relu:
    case Activation::prelu:
      H = (Z > Scalar(0)).select(Z, p * Z);
      return;
    case Activation::elu:
      H = (Z > Scalar(0)).select(Z, p * Z.expm1());
      return;
    case Activation::selu:
      H = Scalar(kSeluLambda) * (Z > Scalar(0)).select(Z, Scalar(kSeluAlpha) * Z.expm1());
      return;
    case Activation::gelu:
      H = Scalar(0.5) * Z * (Scalar(1) + (Z * Scalar(std::numbers::sqrt2 / 2)).erf());
      return;
    case Activation::silu:
      H = Z * sigmoid(Z);
      return;
    case Activation::softplus:
      H = (Z > Scalar(kSoftplusThreshold)).select(Z, Z.exp().log1p());
      return;
    case Activation::softsign:
      H = Z / (Scalar(1) + Z.abs());
      return;
  }
}

template <typename Scalar>
void activation_backward(const ActivationFn& fn, const Eigen::Ref<const MatrixR<Scalar>>& z,
                         const Eigen::Ref<const MatrixR<Scalar>>& grad_h,
                         Eigen::Ref<MatrixR<Scalar>> grad_z) {
  const auto Z = z.array();
  const auto G = grad_h.array();
  auto D = grad_z.array();
  const auto p = static_cast<Scalar>(fn.param);
  switch (fn.kind) {
    case Activation::identity:
      D = G;
      return;
    case Activation::sigmoid: {
      const auto s = sigmoid(Z);
      D = G * s * (Scalar(1) - s);
      return;
    }
    case Activation::tanh:
      D = G * (Scalar(1) - Z.tanh().square());
      return;
    case Activation::relu:
      D = (Z > Scalar(0)).select(G, Scalar(0));
      return;
    case Activation::leaky_relu:
    case Activation::prelu:
      D = (Z > Scalar(0)).select(G, p * G);
      return;
    case Activation::elu:
      D = (Z > Scalar(0)).select(G, p * Z.exp() * G);
      return;
    case Activation::selu:
      D = Scalar(kSeluLambda) * (Z > Scalar(0)).select(G, Scalar(kSeluAlpha) * Z.exp() * G);
      return;
    case Activation::gelu: {
      // Φ(z) + z·φ(z)
      const auto cdf = Scalar(0.5) * (Scalar(1) + (Z * Scalar(std::numbers::sqrt2 / 2)).erf());
      const auto pdf = (Scalar(-0.5) * Z.square()).exp() *
                       Scalar(0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);
      D = G * (cdf + Z * pdf);
      return;
    }
    case Activation::silu: {
      const auto s = sigmoid(Z);
      D = G * s * (Scalar(1) + Z * (Scalar(1) - s));
      return;
    }
    case Activation::softplus:
      D = (Z > Scalar(kSoftplusThreshold)).select(G, G * sigmoid(Z));
      return;
    case Activation::softsign:
      D = G / (Scalar(1) + Z.abs()).square();
      return;
  }
}

template void activation_forward<float>(const ActivationFn&,
                                        const Eigen::Ref<const MatrixR<float>>&,
                                        Eigen::Ref<MatrixR<float>>);
template void activation_forward<double>(const ActivationFn&,
                                         const Eigen::Ref<const MatrixR<double>>&,
                                         Eigen::Ref<MatrixR<double>>);
template void activation_backward<float>(const ActivationFn&,
                                         const Eigen::Ref<const MatrixR<float>>&,
                                         const Eigen::Ref<const MatrixR<float>>&,
                                         Eigen::Ref<MatrixR<float>>);
template void activation_backward<double>(const ActivationFn&,
                                          const Eigen::Ref<const MatrixR<double>>&,
                                          const Eigen::Ref<const MatrixR<double>>&,
                                          Eigen::Ref<MatrixR<double>>);

}  // namespace initscope
