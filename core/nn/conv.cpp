#include "core/nn/conv.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/compute/matmul.h"
#include "core/compute/parallel.h"

namespace initscope {
namespace {

using Index = Eigen::Index;

// Below this many multiply-adds a convolution stays on the calling thread (as core/compute/matmul.cpp).
constexpr double kParallelMinWork = 1 << 22;
// The im2col block holds about this many entries (1 MiB of floats): large enough for the GEMM
// to run near its peak, small enough to stay in the last-level cache with the packed weight.
constexpr Index kBlockEntries = 1 << 18;
constexpr Index kMinBlockRows = 16;
// The weight gradient sums over all positions: it is cut into at most this many slices, each a
// partial sum of its own, added in order at the end. Its partial sums are capped at this many
// entries in all.
constexpr Index kMaxSlices = 8;
constexpr Index kMaxPartialEntries = 1 << 23;

Index block_rows(Index columns) {
  return std::max(kMinBlockRows, kBlockEntries / std::max<Index>(columns, 1));
}

Index slice_count(Index blocks, Index weight_entries) {
  const Index by_memory =
      std::max<Index>(1, kMaxPartialEntries / std::max<Index>(weight_entries, 1));
  return std::max<Index>(1, std::min({kMaxSlices, blocks, by_memory}));
}

void check(bool ok, const char* what) {
  if (!ok) throw std::logic_error(std::string("conv: ") + what);
}

// Rows [first, first + count) of im2col(x) into cols, in the internal column order
// (ky·k + kx)·C + c, so that each kernel offset copies one contiguous row of C channels.
template <typename Scalar>
void im2col(const ConvGeometry& g, const Eigen::Ref<const MatrixR<Scalar>>& x, Index first,
            Index count, MatrixR<Scalar>& cols) {
  const Index channels = x.cols();
  const Index k = g.kernel;
  const Index pad = k / 2;
  const Index positions = g.positions();
  cols.resize(count, k * k * channels);
  for (Index i = 0; i < count; ++i) {
    const Index row = first + i;
    const Index n = row / positions;
    const Index p = row % positions;
    const Index y = p / g.width;
    const Index xx = p % g.width;
    Scalar* dst = cols.data() + i * cols.cols();
    for (Index ky = 0; ky < k; ++ky) {
      const Index sy = y + ky - pad;
      for (Index kx = 0; kx < k; ++kx, dst += channels) {
        const Index sx = xx + kx - pad;
        if (sy < 0 || sy >= g.height || sx < 0 || sx >= g.width) {
          std::fill(dst, dst + channels, Scalar(0));
        } else {
          const Scalar* src = x.data() + (n * positions + sy * g.width + sx) * x.outerStride();
          std::copy(src, src + channels, dst);
        }
      }
    }
  }
}

// out = im2col(x) · kernelᵀ, kernel in the internal column order: one block of rows at a time.
template <typename Scalar>
void convolve(const ConvGeometry& g, const Eigen::Ref<const MatrixR<Scalar>>& x,
              const MatrixR<Scalar>& kernel, Eigen::Ref<MatrixR<Scalar>> out) {
  const Index rows = x.rows();
  const Index columns = kernel.cols();
  const double work = double(rows) * double(columns) * double(kernel.rows());
  const Index block = block_rows(columns);
  parallel_for_ranges(
      rows, block,
      [&](Index first, Index count) {
        MatrixR<Scalar> cols;
        im2col(g, x, first, count, cols);
        if constexpr (std::is_same_v<Scalar, float>) {
          gemm(as_view(cols), as_view(kernel).transposed(), out.row(first).data(),
               out.outerStride());
        } else {
          out.middleRows(first, count).noalias() = cols * kernel.transpose();
        }
      },
      work >= kParallelMinWork && rows > block);
}

// The torch-ordered weight (column c·k² + q) in the internal order (column q·in + c), or, with
// flip, the kernel of the transposed convolution: in × (k²·out), entry [c, q·out + o] =
// W[o, c, k²−1−q] (the kernel rotated by 180°).
template <typename Scalar>
MatrixR<Scalar> internal_kernel(const Eigen::Ref<const MatrixR<Scalar>>& w, Index in, Index k2,
                                bool flip) {
  const Index out = w.rows();
  MatrixR<Scalar> result = flip ? MatrixR<Scalar>(in, k2 * out) : MatrixR<Scalar>(out, k2 * in);
  for (Index o = 0; o < out; ++o) {
    for (Index c = 0; c < in; ++c) {
      for (Index q = 0; q < k2; ++q) {
        const Scalar v = w(o, c * k2 + q);
        if (flip) {
          result(c, (k2 - 1 - q) * out + o) = v;
        } else {
          result(o, q * in + c) = v;
        }
      }
    }
  }
  return result;
}

}  // namespace

template <typename Scalar>
void conv_forward(const ConvGeometry& g, const Eigen::Ref<const MatrixR<Scalar>>& h,
                  const Eigen::Ref<const MatrixR<Scalar>>& weight, Eigen::Ref<MatrixR<Scalar>> z) {
  const Index k2 = g.kernel * g.kernel;
  check(g.kernel % 2 == 1, "the kernel must be odd");
  check(h.rows() % g.positions() == 0, "rows are not whole images");
  check(weight.cols() == h.cols() * k2, "weight columns are not in·k²");
  check(z.rows() == h.rows() && z.cols() == weight.rows(), "output shape");
  convolve<Scalar>(g, h, internal_kernel<Scalar>(weight, h.cols(), k2, false), z);
}

template <typename Scalar>
void conv_input_grad(const ConvGeometry& g, const Eigen::Ref<const MatrixR<Scalar>>& grad_z,
                     const Eigen::Ref<const MatrixR<Scalar>>& weight,
                     Eigen::Ref<MatrixR<Scalar>> grad_h) {
  const Index k2 = g.kernel * g.kernel;
  check(weight.rows() == grad_z.cols() && weight.cols() == grad_h.cols() * k2, "weight shape");
  check(grad_h.rows() == grad_z.rows(), "gradient rows");
  convolve<Scalar>(g, grad_z, internal_kernel<Scalar>(weight, grad_h.cols(), k2, true), grad_h);
}

template <typename Scalar>
void conv_weight_grad(const ConvGeometry& g, const Eigen::Ref<const MatrixR<Scalar>>& grad_z,
                      const Eigen::Ref<const MatrixR<Scalar>>& h,
                      Eigen::Ref<MatrixR<Scalar>> grad_w) {
  const Index k2 = g.kernel * g.kernel;
  const Index in = h.cols();
  const Index out = grad_z.cols();
  const Index columns = k2 * in;
  check(grad_z.rows() == h.rows(), "gradient rows");
  check(grad_w.rows() == out && grad_w.cols() == columns, "weight gradient shape");
  const Index rows = h.rows();
  const Index block = block_rows(columns);
  const Index blocks = (rows + block - 1) / block;
  const Index slices = slice_count(blocks, out * columns);
  std::vector<MatrixR<Scalar>> partial(static_cast<std::size_t>(slices));
  const double work = double(rows) * double(columns) * double(out);
  parallel_for(
      slices,
      [&](std::int64_t s) {
        MatrixR<Scalar>& sum = partial[static_cast<std::size_t>(s)];
        sum.setZero(out, columns);
        MatrixR<Scalar> cols;
        for (Index b = s * blocks / slices; b < (s + 1) * blocks / slices; ++b) {
          const Index first = b * block;
          const Index count = std::min(block, rows - first);
          im2col(g, h, first, count, cols);
          if constexpr (std::is_same_v<Scalar, float>) {
            gemm(as_view(grad_z.middleRows(first, count)).transposed(), as_view(cols), sum.data(),
                 sum.outerStride(), GemmUpdate::add);
          } else {
            sum.noalias() += grad_z.middleRows(first, count).transpose() * cols;
          }
        }
      },
      work >= kParallelMinWork && slices > 1);
  for (std::size_t s = 1; s < partial.size(); ++s) partial[0] += partial[s];
  // Back to torch's column order c·k² + q.
  for (Index o = 0; o < out; ++o) {
    for (Index c = 0; c < in; ++c) {
      for (Index q = 0; q < k2; ++q) grad_w(o, c * k2 + q) = partial[0](o, q * in + c);
    }
  }
}

double conv_scratch_entries(const ConvGeometry& g, std::int64_t rows, std::int64_t in,
                            std::int64_t out, int threads) {
  const double k2 = double(g.kernel) * double(g.kernel);
  const double widest = double(std::max(in, out)) * k2;
  const double block = double(std::min<std::int64_t>(rows, block_rows(static_cast<Index>(widest))));
  const double blocks = std::ceil(double(rows) / block);
  const double weight = double(out) * double(in) * k2;
  const double slices = std::max(
      1.0, std::min({double(kMaxSlices), blocks, std::floor(double(kMaxPartialEntries) / weight)}));
  // im2col blocks in flight, the internal kernel, the partial sums of the weight gradient.
  return double(std::max(threads, 1)) * block * widest + weight + slices * weight;
}

template <typename Scalar>
MatrixR<Scalar> nchw_to_rows(const Scalar* values, std::int64_t batch, std::int64_t channels,
                             std::int64_t positions) {
  MatrixR<Scalar> rows(batch * positions, channels);
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t c = 0; c < channels; ++c) {
      const Scalar* src = values + (n * channels + c) * positions;
      for (std::int64_t p = 0; p < positions; ++p) rows(n * positions + p, c) = src[p];
    }
  }
  return rows;
}

#define INITSCOPE_INSTANTIATE(Scalar)                                                      \
  template void conv_forward<Scalar>(                                                      \
      const ConvGeometry&, const Eigen::Ref<const MatrixR<Scalar>>&,                       \
      const Eigen::Ref<const MatrixR<Scalar>>&, Eigen::Ref<MatrixR<Scalar>>);              \
  template void conv_input_grad<Scalar>(                                                   \
      const ConvGeometry&, const Eigen::Ref<const MatrixR<Scalar>>&,                       \
      const Eigen::Ref<const MatrixR<Scalar>>&, Eigen::Ref<MatrixR<Scalar>>);              \
  template void conv_weight_grad<Scalar>(                                                  \
      const ConvGeometry&, const Eigen::Ref<const MatrixR<Scalar>>&,                       \
      const Eigen::Ref<const MatrixR<Scalar>>&, Eigen::Ref<MatrixR<Scalar>>);              \
  template MatrixR<Scalar> nchw_to_rows<Scalar>(const Scalar*, std::int64_t, std::int64_t, \
                                                std::int64_t);
INITSCOPE_INSTANTIATE(float)
INITSCOPE_INSTANTIATE(double)
#undef INITSCOPE_INSTANTIATE

}  // namespace initscope
