#pragma once

// The readout of SPEC section 8: Linear(width → outputs) after the last block. A conv2d stack's
// output is first pooled: the mean over H and W of each channel (global average pooling), so each
// sample gives one row of `width` values. Forward and backward, in the stack's scalar.

#include "core/compute/tensor.h"

namespace initscope {

template <typename Scalar>
struct Readout {
  MatrixR<Scalar> weight;  // outputs × width
  RowVector<Scalar> bias;  // outputs
};

/// The rows of h (N·positions × width, sample-major as core/nn/conv.h lays them out) averaged per
/// sample: N × width. With positions 1 (an mlp) a copy.
template <typename Scalar>
MatrixR<Scalar> pool_positions(const MatrixR<Scalar>& h, Eigen::Index positions);

/// logits = pooled·Wᵀ + b, N × outputs.
template <typename Scalar>
MatrixR<Scalar> readout_forward(const Readout<Scalar>& readout, const MatrixR<Scalar>& pooled);

template <typename Scalar>
struct ReadoutGradients {
  MatrixR<Scalar> weight;   // ∂L/∂W = ∂L/∂logitsᵀ·pooled
  RowVector<Scalar> bias;   // ∂L/∂b, the column sums of ∂L/∂logits
  MatrixR<Scalar> input;    // ∂L/∂h: ∂L/∂pooled = ∂L/∂logits·W, spread evenly over the positions
};

/// The backward pass from ∂L/∂logits, with the forward's pooled input.
template <typename Scalar>
ReadoutGradients<Scalar> readout_backward(const Readout<Scalar>& readout,
                                          const MatrixR<Scalar>& pooled,
                                          const MatrixR<Scalar>& grad_logits,
                                          Eigen::Index positions);

}  // namespace initscope
