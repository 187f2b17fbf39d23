#pragma once

// Normalization layers in training mode with γ = 1, β = 0 (SPEC section 1), forward and backward
// side by side. The backward carries the gradient through the batch or sample statistics.

#include <cstdint>

#include "core/names.h"
#include "core/compute/tensor.h"

namespace initscope {

enum class Norm { none, batch, layer, rms, group, instance, local_response };

template <>
struct EnumNames<Norm> {
  static constexpr std::string_view family = "norm";
  static constexpr std::array<NameEntry<Norm>, 7> table{{
      {Norm::none, "none"},
      {Norm::batch, "batch"},
      {Norm::layer, "layer"},
      {Norm::rms, "rms"},
      {Norm::group, "group"},
      {Norm::instance, "instance"},
      {Norm::local_response, "local_response"},
  }};
};

/// Whether the norm needs a spatial (conv2d) tensor: instance and local_response.
bool is_spatial(Norm norm);

struct NormSpec {
  Norm kind = Norm::none;
  double eps = 1e-5;
  std::int64_t groups = 32;  // group: contiguous feature groups; must divide the feature count
  // A conv2d tensor (SPEC section 7): rows are the N·H·W positions (sample-major), columns the
  // channels, and a sample is `positions` = H·W consecutive rows. An mlp: false and 1.
  bool conv = false;
  std::int64_t positions = 1;
  // local_response (torch LocalResponseNorm): size neighbouring channels, alpha, beta, k.
  std::int64_t size = 5;
  double alpha = 1e-4;
  double beta = 0.75;
  double k = 1.0;
};

/// What the backward pass needs from the forward: one inverse standard deviation (or inverse RMS)
/// per normalized set — per feature (channel) for batch; per sample for layer and rms; per sample
/// and group (sample-major: index = sample·groups + group) for group; per sample and channel
/// (sample·channels + channel) for instance. local_response keeps instead its divisor base
/// D = k + alpha/size·Σ a² of every entry (y = a·D^−beta), in the entries' order.
template <typename Scalar>
struct NormCache {
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> inv_std;
  // Batch norm also keeps each feature's batch mean and biased variance, for its running
  // statistics (training, SPEC section 8).
  Eigen::VectorXd mean, variance;
};

/// y = norm(x) for x of shape batch × features, or (N·H·W) × channels with spec.conv. Statistics
/// are biased (population) and accumulate in double. Norm::none copies. Throws InputError for a
/// spatial norm without spec.conv or groups not dividing the feature count.
template <typename Scalar>
void norm_forward(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                  Eigen::Ref<MatrixR<Scalar>> y, NormCache<Scalar>& cache);

/// Batch norm in evaluation mode (torch's model.eval()): y = (x − mean)/√(var + eps) per feature
/// (channel), from the running statistics instead of the batch's.
template <typename Scalar>
void batch_norm_inference(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                          const RowVector<Scalar>& mean, const RowVector<Scalar>& var,
                          Eigen::Ref<MatrixR<Scalar>> y);

/// grad_x = ∂L/∂x given grad_y = ∂L/∂y, from the forward's output y and cache.
template <typename Scalar>
void norm_backward(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& y,
                   const NormCache<Scalar>& cache, const Eigen::Ref<const MatrixR<Scalar>>& grad_y,
                   Eigen::Ref<MatrixR<Scalar>> grad_x);

}  // namespace initscope
