#pragma once

// Conv2d with stride 1 and padding kernel/2 (odd kernel, SPEC section 7), forward and backward, as
// im2col + GEMM over blocks of image positions.
//
// Layout: an activation of N images × C channels × H × W is a row-major matrix of N·H·W rows
// (row = n·H·W + y·W + x) and C columns (NHWC), so that the elementwise steps, the per-column bias
// and the statistics of the MLP apply unchanged. The weight is torch's [out, in, k, k], contiguous:
// a matrix of `out` rows and in·k² columns, column c·k² + ky·k + kx.
//
// Determinism: every partition (position blocks, weight-gradient slices) comes from the sizes
// alone, each output entry is computed by one thread, and the weight gradient's partial sums are
// added in a fixed order, so results are bit-identical for any thread count (SPEC section 6).

#include <cstdint>

#include "core/compute/tensor.h"

namespace initscope {

/// The image of a conv2d stack: height × width positions per sample, a square odd kernel.
struct ConvGeometry {
  std::int64_t height = 1;
  std::int64_t width = 1;
  std::int64_t kernel = 1;
  std::int64_t positions() const { return height * width; }
};

/// z = conv(h, weight): h is (N·H·W) × in, weight out × (in·k²), z (N·H·W) × out. No bias.
template <typename Scalar>
void conv_forward(const ConvGeometry& geometry, const Eigen::Ref<const MatrixR<Scalar>>& h,
                  const Eigen::Ref<const MatrixR<Scalar>>& weight, Eigen::Ref<MatrixR<Scalar>> z);

/// ∂L/∂h from ∂L/∂z: the transposed convolution, computed as a convolution of grad_z with the
/// flipped, transposed kernel (stride 1 and padding k/2 make the two the same), so that each entry
/// of grad_h is a gather rather than a scatter-add.
template <typename Scalar>
void conv_input_grad(const ConvGeometry& geometry, const Eigen::Ref<const MatrixR<Scalar>>& grad_z,
                     const Eigen::Ref<const MatrixR<Scalar>>& weight,
                     Eigen::Ref<MatrixR<Scalar>> grad_h);

/// ∂L/∂W = ∂L/∂zᵀ · im2col(h), out × (in·k²) in torch's order.
template <typename Scalar>
void conv_weight_grad(const ConvGeometry& geometry, const Eigen::Ref<const MatrixR<Scalar>>& grad_z,
                      const Eigen::Ref<const MatrixR<Scalar>>& h,
                      Eigen::Ref<MatrixR<Scalar>> grad_w);

/// The im2col scratch conv_forward and conv_input_grad hold per concurrent block, and the
/// weight-gradient partial sums, in entries: for the memory estimate.
double conv_scratch_entries(const ConvGeometry& geometry, std::int64_t rows, std::int64_t in,
                            std::int64_t out, int threads);

/// values in NCHW order (torch's contiguous images) to the NHWC matrix described above.
template <typename Scalar>
MatrixR<Scalar> nchw_to_rows(const Scalar* values, std::int64_t batch, std::int64_t channels,
                             std::int64_t positions);

}  // namespace initscope
