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
  }
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
    MatrixR<Scalar>& normed = normed_[l - 1];
    normed.resize(z.rows(), z.cols());
    norm_forward<Scalar>(spec_.norm, z, normed, norm_cache_[l - 1]);
    activation_forward<Scalar>(spec_.activation, normed, block);
  } else {
    activation_forward<Scalar>(spec_.activation, z, block);
    MatrixR<Scalar>& normed = normed_[l - 1];
    normed.resize(z.rows(), z.cols());
    norm_forward<Scalar>(spec_.norm, block, normed, norm_cache_[l - 1]);
    block = normed;
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
  MatrixR<Scalar> grad_block, grad_z, grad_w, grad_prev, scratch;
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
    } else if (!spec_.norm_after) {
      // block = φ(u), u = norm(z)
      const MatrixR<Scalar>& u = normed_[l - 1];
      scratch.resize(z.rows(), z.cols());
      activation_backward<Scalar>(spec_.activation, u, grad_into_block, scratch);
      norm_backward<Scalar>(spec_.norm, u, norm_cache_[l - 1], scratch, grad_z);
    } else {
      // block = norm(a), a = φ(z)
      scratch.resize(z.rows(), z.cols());
      norm_backward<Scalar>(spec_.norm, normed_[l - 1], norm_cache_[l - 1], grad_into_block,
                            scratch);
      activation_backward<Scalar>(spec_.activation, z, scratch, grad_z);
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
    if (!visit(l, grad_h, &grad_z, &grad_w)) return false;
    std::swap(grad_h, grad_prev);
  }
  return visit(0, grad_h, nullptr, nullptr);
}

template class Stack<float>;
template class Stack<double>;

}  // namespace initscope
