#include "core/nn/stack.h"

#include <algorithm>

#include "core/compute/matmul.h"
#include "core/compute/parallel.h"

namespace initscope {
namespace {

// fn(first_row, row_count) over blocks of about 16k entries, in parallel when the matrix is large:
// for the elementwise steps (bias, activation and its derivative), which are the same whichever
// thread computes a row.
template <typename Fn>
void for_row_blocks(Eigen::Index rows, Eigen::Index cols, Fn fn) {
  const Eigen::Index block = std::max<Eigen::Index>(1, (1 << 14) / std::max<Eigen::Index>(cols, 1));
  parallel_for_ranges(rows, block, fn, rows * cols >= (1 << 15));
}

// y = γ ⊙ x̂ + β, γ and β with rows that repeat down x̂'s rows (beta may be empty: rms norm).
template <typename Scalar>
void apply_affine(const MatrixR<Scalar>& normed, const MatrixR<Scalar>& gamma,
                  const MatrixR<Scalar>& beta, MatrixR<Scalar>& out) {
  out.resize(normed.rows(), normed.cols());
  const Eigen::Index period = gamma.rows();
  for_row_blocks(normed.rows(), normed.cols(), [&](Eigen::Index begin, Eigen::Index count) {
    for (Eigen::Index r = begin; r < begin + count; ++r) {
      const Eigen::Index p = r % period;
      if (beta.size() > 0) {
        out.row(r) = normed.row(r).cwiseProduct(gamma.row(p)) + beta.row(p);
      } else {
        out.row(r) = normed.row(r).cwiseProduct(gamma.row(p));
      }
    }
  });
}

// The affine step backward: ∂L/∂x̂ = γ ⊙ ∂L/∂y, ∂L/∂γ = Σ ∂L/∂y ⊙ x̂ and ∂L/∂β = Σ ∂L/∂y over the
// rows that share a parameter row, summed in double in row order (thread-independent).
template <typename Scalar>
void affine_backward(const MatrixR<Scalar>& normed, const MatrixR<Scalar>& grad_out,
                     const MatrixR<Scalar>& gamma, bool has_beta, MatrixR<Scalar>& grad_normed,
                     MatrixR<Scalar>& grad_gamma, MatrixR<Scalar>& grad_beta) {
  const Eigen::Index period = gamma.rows();
  const Eigen::Index cols = normed.cols();
  grad_normed.resize(normed.rows(), cols);
  for_row_blocks(normed.rows(), cols, [&](Eigen::Index begin, Eigen::Index count) {
    for (Eigen::Index r = begin; r < begin + count; ++r)
      grad_normed.row(r) = grad_out.row(r).cwiseProduct(gamma.row(r % period));
  });
  Eigen::MatrixXd sum_gamma = Eigen::MatrixXd::Zero(period, cols);
  Eigen::MatrixXd sum_beta = Eigen::MatrixXd::Zero(period, cols);
  for (Eigen::Index r = 0; r < normed.rows(); ++r) {
    const Eigen::Index p = r % period;
    for (Eigen::Index c = 0; c < cols; ++c) {
      const double g = static_cast<double>(grad_out(r, c));
      sum_gamma(p, c) += g * static_cast<double>(normed(r, c));
      sum_beta(p, c) += g;
    }
  }
  grad_gamma = sum_gamma.cast<Scalar>();
  if (has_beta) grad_beta = sum_beta.cast<Scalar>();
}

}  // namespace

template <typename Scalar>
Stack<Scalar>::Stack(BlockSpec spec, std::vector<Layer<Scalar>> layers, MatrixR<Scalar> input)
    : spec_(std::move(spec)), layers_(std::move(layers)) {
  h_.resize(layers_.size() + 1);
  h_[0] = std::move(input);
  z_.resize(layers_.size());
  if (spec_.norm.kind != Norm::none) {
    normed_.resize(layers_.size());
    norm_cache_.resize(layers_.size());
    affine_.resize(layers_.size());
  }
}

template <typename Scalar>
void Stack<Scalar>::set_input(MatrixR<Scalar> input) {
  h_[0] = std::move(input);
}

template <typename Scalar>
void Stack<Scalar>::update_running_statistics(double momentum) {
  if (spec_.norm.kind != Norm::batch) return;
  for (int l = 1; l <= depth(); ++l) {
    Layer<Scalar>& layer = this->layer(l);
    const NormCache<Scalar>& cache = norm_cache_[l - 1];
    const double n = static_cast<double>(z_[l - 1].rows());
    const double unbiased = n > 1 ? n / (n - 1) : 1.0;
    for (Eigen::Index c = 0; c < cache.mean.size(); ++c) {
      layer.running_mean[c] = static_cast<Scalar>(
          (1 - momentum) * static_cast<double>(layer.running_mean[c]) + momentum * cache.mean[c]);
      layer.running_var[c] = static_cast<Scalar>((1 - momentum) *
                                                     static_cast<double>(layer.running_var[c]) +
                                                 momentum * cache.variance[c] * unbiased);
    }
  }
}

template <typename Scalar>
void Stack<Scalar>::normalize(int l, const MatrixR<Scalar>& x) {
  MatrixR<Scalar>& normed = normed_[l - 1];
  normed.resize(x.rows(), x.cols());
  const Layer<Scalar>& layer = this->layer(l);
  if (!training_ && spec_.norm.kind == Norm::batch) {
    batch_norm_inference<Scalar>(spec_.norm, x, layer.running_mean, layer.running_var, normed);
  } else {
    norm_forward<Scalar>(spec_.norm, x, normed, norm_cache_[l - 1]);
  }
  if (layer.gamma.size() > 0) apply_affine(normed, layer.gamma, layer.beta, affine_[l - 1]);
}

template <typename Scalar>
const MatrixR<Scalar>& Stack<Scalar>::norm_output(int l) const {
  return layer(l).gamma.size() > 0 ? affine_[l - 1] : normed_[l - 1];
}

template <typename Scalar>
bool Stack<Scalar>::has_skip(int l) const {
  const MatrixR<Scalar>& w = layer(l).weight;
  const Eigen::Index receptive = spec_.conv ? spec_.conv->kernel * spec_.conv->kernel : 1;
  return spec_.residual_alpha.has_value() && w.rows() * receptive == w.cols();
}

template <typename Scalar>
void Stack<Scalar>::compute_preactivation(int l) {
  const Layer<Scalar>& layer = this->layer(l);
  MatrixR<Scalar>& z = z_[l - 1];
  z.resize(h_[l - 1].rows(), layer.weight.rows());
  if (spec_.conv) {
    conv_forward<Scalar>(*spec_.conv, h_[l - 1], layer.weight, z);
  } else {
    matmul_abt<Scalar>(h_[l - 1], layer.weight, z);
  }
  if (layer.bias.size() > 0) {
    for_row_blocks(z.rows(), z.cols(), [&](Eigen::Index begin, Eigen::Index count) {
      z.middleRows(begin, count).rowwise() += layer.bias;
    });
  }
}

template <typename Scalar>
void Stack<Scalar>::complete_layer(int l) {
  const MatrixR<Scalar>& z = z_[l - 1];
  MatrixR<Scalar> block(z.rows(), z.cols());
  if (spec_.norm.kind == Norm::none) {
    for_row_blocks(z.rows(), z.cols(), [&](Eigen::Index begin, Eigen::Index count) {
      activation_forward<Scalar>(spec_.activation, z.middleRows(begin, count),
                                 block.middleRows(begin, count));
    });
  } else if (!spec_.norm_after) {
    normalize(l, z);
    activation_forward<Scalar>(spec_.activation, norm_output(l), block);
  } else {
    activation_forward<Scalar>(spec_.activation, z, block);
    normalize(l, block);
    block = norm_output(l);
  }
  if (has_skip(l)) {
    h_[l] = h_[l - 1] + static_cast<Scalar>(*spec_.residual_alpha) * block;
  } else {
    h_[l] = std::move(block);
  }
}

template <typename Scalar>
void Stack<Scalar>::forward() {
  for (int l = 1; l <= depth(); ++l) {
    compute_preactivation(l);
    complete_layer(l);
  }
}

template <typename Scalar>
bool Stack<Scalar>::backward(MatrixR<Scalar> grad_h, const Visitor& visit) const {
  MatrixR<Scalar> grad_block, grad_z, grad_w, grad_prev, scratch, grad_normed, grad_gamma,
      grad_beta;
  for (int l = depth(); l >= 1; --l) {
    const Layer<Scalar>& layer = this->layer(l);
    const MatrixR<Scalar>& z = z_[l - 1];
    const bool skip = has_skip(l);
    // h_l = [h_{l−1} +] α·block: the block receives α·∂L/∂h_l.
    if (skip) grad_block = static_cast<Scalar>(*spec_.residual_alpha) * grad_h;
    const MatrixR<Scalar>& grad_into_block = skip ? grad_block : grad_h;
    grad_z.resize(z.rows(), z.cols());
    if (spec_.norm.kind == Norm::none) {
      for_row_blocks(z.rows(), z.cols(), [&](Eigen::Index begin, Eigen::Index count) {
        activation_backward<Scalar>(spec_.activation, z.middleRows(begin, count),
                                    grad_into_block.middleRows(begin, count),
                                    grad_z.middleRows(begin, count));
      });
    } else {
      // pre: block = φ(u), u = γ ⊙ x̂ + β, x̂ = norm(z); post: block = γ ⊙ x̂ + β, x̂ = norm(φ(z)).
      const MatrixR<Scalar>& x_hat = normed_[l - 1];
      const bool affine = layer.gamma.size() > 0;
      scratch.resize(z.rows(), z.cols());
      const MatrixR<Scalar>* grad_u = &grad_into_block;
      if (!spec_.norm_after) {
        activation_backward<Scalar>(spec_.activation, norm_output(l), grad_into_block, scratch);
        grad_u = &scratch;
      }
      const MatrixR<Scalar>* grad_x_hat = grad_u;
      if (affine) {
        affine_backward(x_hat, *grad_u, layer.gamma, layer.beta.size() > 0, grad_normed,
                        grad_gamma, grad_beta);
        grad_x_hat = &grad_normed;
      }
      if (!spec_.norm_after) {
        norm_backward<Scalar>(spec_.norm, x_hat, norm_cache_[l - 1], *grad_x_hat, grad_z);
      } else {
        norm_backward<Scalar>(spec_.norm, x_hat, norm_cache_[l - 1], *grad_x_hat, scratch);
        activation_backward<Scalar>(spec_.activation, z, scratch, grad_z);
      }
    }
    const MatrixR<Scalar>& h_prev = h_[l - 1];
    grad_w.resize(layer.weight.rows(), layer.weight.cols());
    grad_prev.resize(h_prev.rows(), h_prev.cols());
    if (spec_.conv) {
      conv_weight_grad<Scalar>(*spec_.conv, grad_z, h_prev, grad_w);
      conv_input_grad<Scalar>(*spec_.conv, grad_z, layer.weight, grad_prev);
    } else {
      matmul_atb<Scalar>(grad_z, h_prev, grad_w);
      matmul_ab<Scalar>(grad_z, layer.weight, grad_prev);
    }
    if (skip) grad_prev += grad_h;
    const bool affine = spec_.norm.kind != Norm::none && layer.gamma.size() > 0;
    const LayerGradients<Scalar> gradients{l,
                                           grad_h,
                                           &grad_z,
                                           &grad_w,
                                           affine ? &grad_gamma : nullptr,
                                           affine && layer.beta.size() > 0 ? &grad_beta : nullptr};
    if (!visit(gradients)) return false;
    std::swap(grad_h, grad_prev);
  }
  return visit(LayerGradients<Scalar>{0, grad_h});
}

template class Stack<float>;
template class Stack<double>;

}  // namespace initscope
