#pragma once

// The stack of SPEC section 1, forward and backward:
//   z_l = h_{l−1}·W_lᵀ + b_l
//   pre:  h_l = φ(norm(z_l))     post: h_l = norm(φ(z_l))     no norm: h_l = φ(z_l)
//   residual: h_l = h_{l−1} + α·(the above), where the shapes match.
// Templated on the scalar so the finite-difference tests run the very same code in double.

#include <functional>
#include <optional>
#include <vector>

#include "core/nn/activation.h"
#include "core/nn/conv.h"
#include "core/nn/norm.h"
#include "core/compute/tensor.h"

namespace initscope {

/// The resolved shape of one block, the same for every layer.
struct BlockSpec {
  ActivationFn activation;
  NormSpec norm;                         // kind none: no normalization
  bool norm_after = false;               // placement "post": norm(φ(z)); otherwise φ(norm(z))
  std::optional<double> residual_alpha;  // set: h = h_prev + α·block where the shapes match
  // Set: a conv2d stack (SPEC section 7). Activations are (N·H·W) × channels (core/nn/conv.h), each
  // weight out × (in·k²), and z_l = conv(h_{l−1}, W_l) + b_l.
  std::optional<ConvGeometry> conv;
};

template <typename Scalar>
struct Layer {
  MatrixR<Scalar> weight;  // width × fan_in (conv: width × in·k²)
  RowVector<Scalar> bias;  // width, or empty for no bias
  // The norm's affine parameters, y = γ ⊙ x̂ + β, which training learns (SPEC section 8). Empty:
  // γ = 1, β = 0, as every norm starts and as run() takes them. One row per feature (channel), or
  // H·W rows for a conv2d stack's layer and rms norms, whose normalized shape is [C, H, W]; the
  // rows repeat over the samples. rms norm has γ only (beta empty).
  MatrixR<Scalar> gamma, beta;
  // Batch norm's running statistics (torch's buffers), per feature: what evaluation mode uses.
  RowVector<Scalar> running_mean, running_var;
};

/// What the backward pass hands out for one layer, from the last to the input: ∂L/∂h_l, and for
/// l ≥ 1 also ∂L/∂z_l, ∂L/∂W_l and, where the layer has affine parameters, ∂L/∂γ and ∂L/∂β.
/// The references are valid during the visitor's call only.
template <typename Scalar>
struct LayerGradients {
  int layer = 0;
  const MatrixR<Scalar>& grad_h;
  const MatrixR<Scalar>* grad_z = nullptr;
  const MatrixR<Scalar>* grad_w = nullptr;
  const MatrixR<Scalar>* grad_gamma = nullptr;
  const MatrixR<Scalar>* grad_beta = nullptr;
};

/// A stack with its forward trace: everything the backward pass and the statistics read.
template <typename Scalar>
class Stack {
 public:
  Stack(BlockSpec spec, std::vector<Layer<Scalar>> layers, MatrixR<Scalar> input);

  int depth() const { return static_cast<int>(layers_.size()); }
  const BlockSpec& spec() const { return spec_; }
  Layer<Scalar>& layer(int l) { return layers_[l - 1]; }
  const Layer<Scalar>& layer(int l) const { return layers_[l - 1]; }

  /// z_l from h_{l−1}; layers 1..l−1 must be complete. LSUV calls it again after rescaling W_l.
  void compute_preactivation(int l);
  /// Norm, activation and residual of layer l from its z_l, giving h_l.
  void complete_layer(int l);
  /// Both, for every layer.
  void forward();

  /// A new input batch (the same number of columns) for the next forward pass.
  void set_input(MatrixR<Scalar> input);
  /// Training mode (the default) or evaluation mode, torch's model.train() / model.eval(): in
  /// evaluation batch norm normalizes by its running statistics instead of the batch's. No
  /// backward pass after a forward pass in evaluation mode.
  void set_training(bool training) { training_ = training; }
  bool training() const { return training_; }
  /// Batch norm's running statistics after a forward pass in training mode, as torch updates its
  /// buffers: mean ← (1 − m)·mean + m·μ_batch, var ← (1 − m)·var + m·σ²_batch·n/(n − 1).
  void update_running_statistics(double momentum);

  const MatrixR<Scalar>& input() const { return h_[0]; }
  const MatrixR<Scalar>& preactivation(int l) const { return z_[l - 1]; }
  /// h_l for l = 0 (the input) to depth.
  const MatrixR<Scalar>& activation(int l) const { return h_[l]; }
  const MatrixR<Scalar>& output() const { return h_.back(); }
  /// Whether layer l adds its input (the residual applies and the shapes match).
  bool has_skip(int l) const;

  /// Called for each layer by the backward pass (LayerGradients); returning false stops the pass.
  using Visitor = std::function<bool(const LayerGradients<Scalar>&)>;

  /// Backpropagates ∂L/∂h_depth = grad_output through every layer, the input included.
  /// Returns false if the visitor stopped it.
  bool backward(MatrixR<Scalar> grad_output, const Visitor& visit) const;

 private:
  // x̂ of layer l's norm from its input x (z_l, or φ(z_l) post), and γ ⊙ x̂ + β if affine.
  void normalize(int l, const MatrixR<Scalar>& x);
  // What the norm of layer l hands on: γ ⊙ x̂ + β with affine parameters, else x̂.
  const MatrixR<Scalar>& norm_output(int l) const;

  BlockSpec spec_;
  std::vector<Layer<Scalar>> layers_;
  std::vector<MatrixR<Scalar>> h_;  // h_0 .. h_depth
  std::vector<MatrixR<Scalar>> z_;  // z_1 .. z_depth
  // With a norm: its normalized x̂ for each layer (pre: of z_l, post: of φ(z_l)) and its cache;
  // with affine parameters also γ ⊙ x̂ + β.
  std::vector<MatrixR<Scalar>> normed_;
  std::vector<NormCache<Scalar>> norm_cache_;
  std::vector<MatrixR<Scalar>> affine_;
  bool training_ = true;
};

}  // namespace initscope
