#include "core/nn/norm.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/compute/parallel.h"

namespace initscope {
namespace {

using Index = Eigen::Index;

// Below this many entries a norm stays on the calling thread: starting the team costs more.
constexpr Index kParallelMin = 1 << 15;
// Columns a thread takes at a time in batch norm: it walks the rows of this strip, so that each
// read of a row touches one or two cache lines instead of one value per line.
constexpr Index kColumnStrip = 32;

// Rejects what this kernel can not compute: the spatial norms, and groups that do not divide the
// feature count (GroupNorm requires num_channels % num_groups == 0 as well).
void check_spec(const NormSpec& spec, Index rows, Index features) {
  if (spec.positions < 1 || rows % spec.positions != 0) {
    throw std::logic_error("norm: the rows are not whole samples of " +
                           std::to_string(spec.positions) + " positions");
  }
  switch (spec.kind) {
    case Norm::instance:
      if (!spec.conv) {
        throw InputError("norm: " + std::string(name_of(spec.kind)) + " needs a conv2d network");
      }
      return;
    case Norm::local_response:
      if (!spec.conv) {
        throw InputError("norm: " + std::string(name_of(spec.kind)) + " needs a conv2d network");
      }
      if (spec.size < 1) {
        throw InputError("norm: size must be at least 1, got " + std::to_string(spec.size));
      }
      return;
    case Norm::group:
      if (spec.groups < 1) {
        throw InputError("norm: groups must be at least 1, got " + std::to_string(spec.groups));
      }
      if (features % spec.groups != 0) {
        throw InputError("norm: group needs the feature count (" + std::to_string(features) +
                         ") to be a multiple of groups (" + std::to_string(spec.groups) + ")");
      }
      return;
    case Norm::none:
    case Norm::batch:
    case Norm::layer:
    case Norm::rms:
      return;
  }
}

// A shape mismatch between arguments is a bug in the caller, not a user's mistake.
void check_same_shape(Index rows_a, Index cols_a, Index rows_b, Index cols_b, const char* what) {
  if (rows_a != rows_b || cols_a != cols_b) {
    throw std::logic_error(std::string("norm: ") + what + " has shape " + std::to_string(rows_b) +
                           "x" + std::to_string(cols_b) + ", expected " + std::to_string(rows_a) +
                           "x" + std::to_string(cols_a));
  }
}

// How a sample (its `positions` rows) is cut into normalized sets by columns: layer and rms take
// every column, group `groups` contiguous pieces, instance each column alone. Batch norm works on
// whole columns instead, local_response on single rows.
Index segments_per_sample(const NormSpec& spec, Index cols) {
  switch (spec.kind) {
    case Norm::group:
      return static_cast<Index>(spec.groups);
    case Norm::instance:
      return cols;
    case Norm::none:
    case Norm::batch:
    case Norm::layer:
    case Norm::rms:
    case Norm::local_response:
      return 1;
  }
  return 1;
}

// The number of inverse standard deviations the forward stores (see NormCache).
Index cache_size(const NormSpec& spec, Index rows, Index cols) {
  switch (spec.kind) {
    case Norm::none:
      return 0;
    case Norm::batch:
      return cols;
    case Norm::layer:
    case Norm::rms:
    case Norm::group:
    case Norm::instance:
      return rows / spec.positions * segments_per_sample(spec, cols);
    case Norm::local_response:
      return rows * cols;
  }
  return 0;
}

// One set of `rows` runs of n values, run r at x + r·x_stride (an mlp: one run, a row's piece; a
// conv2d sample: one run per position): y = (x − μ)·r with r = 1/√(σ² + eps), σ² the biased
// variance (torch LayerNorm, GroupNorm, InstanceNorm), or, without centering, μ = 0 and
// σ² = mean(x²) (torch RMSNorm). Two passes in double: the mean first, then the squared deviations
// from it, which avoids the cancellation of E[x²] − E[x]². Reads all of x before writing y, so y
// may alias x.
template <typename Scalar>
Scalar normalize_set(const Scalar* x, Index x_stride, Scalar* y, Index y_stride, Index rows,
                     Index n, double eps, bool center) {
  const double m = static_cast<double>(rows * n);
  double mean = 0.0;
  if (center) {
    double sum = 0.0;
    for (Index r = 0; r < rows; ++r) {
      for (Index i = 0; i < n; ++i) sum += static_cast<double>(x[r * x_stride + i]);
    }
    mean = sum / m;
  }
  double squares = 0.0;
  for (Index r = 0; r < rows; ++r) {
    for (Index i = 0; i < n; ++i) {
      const double d = static_cast<double>(x[r * x_stride + i]) - mean;
      squares += d * d;
    }
  }
  const double inv = 1.0 / std::sqrt(squares / m + eps);
  for (Index r = 0; r < rows; ++r) {
    for (Index i = 0; i < n; ++i) {
      y[r * y_stride + i] =
          static_cast<Scalar>((static_cast<double>(x[r * x_stride + i]) - mean) * inv);
    }
  }
  return static_cast<Scalar>(inv);
}

// Backward of normalize_contiguous with γ = 1, β = 0. With ŷ = y and r the cached inverse:
//   ∂y_i/∂x_j = r·(δ_ij − 1/m − y_i·y_j/m)   (centered; Ioffe & Szegedy 2015, section 3)
//   ∂y_i/∂x_j = r·(δ_ij − y_i·y_j/m)         (rms: ∂r/∂x_j = −r³·x_j/m)
// so dx = r·(dy − mean(dy) − y·mean(dy·y)), without the mean(dy) term for rms. The eps inside r
// is already in y, so the formula is exact. Sums are taken before any write: dx may alias dy.
// The set is laid out as in normalize_set; y, dy and dx share one stride.
template <typename Scalar>
void backward_set(const Scalar* y, const Scalar* dy, Scalar* dx, Index stride, Index rows, Index n,
                  Scalar inv_std, bool center) {
  double sum_dy = 0.0;
  double sum_dy_y = 0.0;
  for (Index r = 0; r < rows; ++r) {
    for (Index i = 0; i < n; ++i) {
      const Index at = r * stride + i;
      sum_dy += static_cast<double>(dy[at]);
      sum_dy_y += static_cast<double>(dy[at]) * static_cast<double>(y[at]);
    }
  }
  const double m = static_cast<double>(rows * n);
  const double mean_dy = center ? sum_dy / m : 0.0;
  const double mean_dy_y = sum_dy_y / m;
  const double inv = static_cast<double>(inv_std);
  for (Index r = 0; r < rows; ++r) {
    for (Index i = 0; i < n; ++i) {
      const Index at = r * stride + i;
      dx[at] = static_cast<Scalar>(
          inv * (static_cast<double>(dy[at]) - mean_dy - static_cast<double>(y[at]) * mean_dy_y));
    }
  }
}

// Layer, rms, group and instance norm: every sample (`positions` rows) is cut by columns into
// `segments` sets. Each set is handled wholly by one thread, so the result does not depend on the
// thread count.
template <typename Scalar>
void forward_samples(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                     Eigen::Ref<MatrixR<Scalar>> y, NormCache<Scalar>& cache) {
  const Index positions = spec.positions;
  const Index samples = x.rows() / positions;
  const Index segments = segments_per_sample(spec, x.cols());
  const Index length = x.cols() / segments;
  const bool center = spec.kind != Norm::rms;
  parallel_for(
      samples,
      [&](std::int64_t n) {
        const Scalar* x_sample = x.data() + n * positions * x.outerStride();
        Scalar* y_sample = y.data() + n * positions * y.outerStride();
        for (Index s = 0; s < segments; ++s) {
          cache.inv_std[n * segments + s] =
              normalize_set(x_sample + s * length, x.outerStride(), y_sample + s * length,
                            y.outerStride(), positions, length, spec.eps, center);
        }
      },
      x.size() > kParallelMin);
}

// With an mlp (one position per sample) the strides are never used, so the three matrices may
// have different ones; a conv2d sample spans rows, and needs one stride for all three.
template <typename Scalar>
void backward_samples(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& y,
                      const NormCache<Scalar>& cache,
                      const Eigen::Ref<const MatrixR<Scalar>>& grad_y,
                      Eigen::Ref<MatrixR<Scalar>> grad_x) {
  const Index positions = spec.positions;
  const Index samples = y.rows() / positions;
  const Index segments = segments_per_sample(spec, y.cols());
  const Index length = y.cols() / segments;
  const bool center = spec.kind != Norm::rms;
  const Index stride = y.outerStride();
  if (positions > 1 && (grad_y.outerStride() != stride || grad_x.outerStride() != stride)) {
    const MatrixR<Scalar> y_dense = y, dy_dense = grad_y;
    MatrixR<Scalar> dx_dense(y.rows(), y.cols());
    backward_samples<Scalar>(spec, y_dense, cache, dy_dense, dx_dense);
    grad_x = dx_dense;
    return;
  }
  parallel_for(
      samples,
      [&](std::int64_t n) {
        const Scalar* y_sample = y.data() + n * positions * y.outerStride();
        const Scalar* dy_sample = grad_y.data() + n * positions * grad_y.outerStride();
        Scalar* dx_sample = grad_x.data() + n * positions * grad_x.outerStride();
        for (Index s = 0; s < segments; ++s) {
          backward_set(y_sample + s * length, dy_sample + s * length, dx_sample + s * length,
                       stride, positions, length, cache.inv_std[n * segments + s], center);
        }
      },
      y.size() > kParallelMin);
}

// Batch norm (torch BatchNorm1d, training mode): each column over the rows. A thread takes a
// strip of columns and walks down the rows, accumulating one double per column; each column's sum
// runs over the rows in order whatever the strip or thread, so the result is thread-independent.
// Same two-pass scheme as normalize_contiguous; y may alias x.
template <typename Scalar>
void forward_columns(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                     Eigen::Ref<MatrixR<Scalar>> y, NormCache<Scalar>& cache) {
  const Index rows = x.rows();
  const Index cols = x.cols();
  const Index strips = (cols + kColumnStrip - 1) / kColumnStrip;
  const double m = static_cast<double>(rows);
  parallel_for(
      strips,
      [&](std::int64_t strip) {
        const Index c0 = strip * kColumnStrip;
        const Index width = std::min(kColumnStrip, cols - c0);
        double mean[kColumnStrip] = {};
        double squares[kColumnStrip] = {};
        for (Index r = 0; r < rows; ++r) {
          const Scalar* x_row = x.data() + r * x.outerStride() + c0;
          for (Index j = 0; j < width; ++j) mean[j] += static_cast<double>(x_row[j]);
        }
        for (Index j = 0; j < width; ++j) mean[j] /= m;
        for (Index r = 0; r < rows; ++r) {
          const Scalar* x_row = x.data() + r * x.outerStride() + c0;
          for (Index j = 0; j < width; ++j) {
            const double d = static_cast<double>(x_row[j]) - mean[j];
            squares[j] += d * d;
          }
        }
        double inv[kColumnStrip];
        for (Index j = 0; j < width; ++j) {
          inv[j] = 1.0 / std::sqrt(squares[j] / m + spec.eps);
          cache.inv_std[c0 + j] = static_cast<Scalar>(inv[j]);
          cache.mean[c0 + j] = mean[j];
          cache.variance[c0 + j] = squares[j] / m;
        }
        for (Index r = 0; r < rows; ++r) {
          const Scalar* x_row = x.data() + r * x.outerStride() + c0;
          Scalar* y_row = y.data() + r * y.outerStride() + c0;
          for (Index j = 0; j < width; ++j) {
            y_row[j] = static_cast<Scalar>((static_cast<double>(x_row[j]) - mean[j]) * inv[j]);
          }
        }
      },
      x.size() > kParallelMin);
}

// Backward of forward_columns: the formula of backward_contiguous, per column.
template <typename Scalar>
void backward_columns(const Eigen::Ref<const MatrixR<Scalar>>& y, const NormCache<Scalar>& cache,
                      const Eigen::Ref<const MatrixR<Scalar>>& grad_y,
                      Eigen::Ref<MatrixR<Scalar>> grad_x) {
  const Index rows = y.rows();
  const Index cols = y.cols();
  const Index strips = (cols + kColumnStrip - 1) / kColumnStrip;
  const double m = static_cast<double>(rows);
  parallel_for(
      strips,
      [&](std::int64_t strip) {
        const Index c0 = strip * kColumnStrip;
        const Index width = std::min(kColumnStrip, cols - c0);
        double mean_dy[kColumnStrip] = {};
        double mean_dy_y[kColumnStrip] = {};
        for (Index r = 0; r < rows; ++r) {
          const Scalar* y_row = y.data() + r * y.outerStride() + c0;
          const Scalar* dy_row = grad_y.data() + r * grad_y.outerStride() + c0;
          for (Index j = 0; j < width; ++j) {
            mean_dy[j] += static_cast<double>(dy_row[j]);
            mean_dy_y[j] += static_cast<double>(dy_row[j]) * static_cast<double>(y_row[j]);
          }
        }
        for (Index j = 0; j < width; ++j) {
          mean_dy[j] /= m;
          mean_dy_y[j] /= m;
        }
        for (Index r = 0; r < rows; ++r) {
          const Scalar* y_row = y.data() + r * y.outerStride() + c0;
          const Scalar* dy_row = grad_y.data() + r * grad_y.outerStride() + c0;
          Scalar* dx_row = grad_x.data() + r * grad_x.outerStride() + c0;
          for (Index j = 0; j < width; ++j) {
            const double inv = static_cast<double>(cache.inv_std[c0 + j]);
            dx_row[j] = static_cast<Scalar>(inv * (static_cast<double>(dy_row[j]) - mean_dy[j] -
                                                   static_cast<double>(y_row[j]) * mean_dy_y[j]));
          }
        }
      },
      y.size() > kParallelMin);
}

// LocalResponseNorm (torch.nn.functional.local_response_norm on N × C × H × W): at each position,
// D_c = k + alpha/size·Σ a_j² over j in [c − size/2, c + (size−1)/2] (zero padded), y_c =
// a_c / D_c^beta. Each row (one position) is handled wholly by one thread. The window sums run
// directly over the window, in double.
template <typename Scalar>
void forward_local_response(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                            Eigen::Ref<MatrixR<Scalar>> y, NormCache<Scalar>& cache) {
  const Index cols = x.cols();
  const Index before = static_cast<Index>(spec.size / 2);
  const Index after = static_cast<Index>((spec.size - 1) / 2);
  const double scale = spec.alpha / static_cast<double>(spec.size);
  const Index block = std::max<Index>(1, (1 << 12) / cols);
  parallel_for_ranges(
      x.rows(), block,
      [&](Index first, Index count) {
        std::vector<double> squares(static_cast<std::size_t>(cols));
        for (Index r = first; r < first + count; ++r) {
          const Scalar* a = x.data() + r * x.outerStride();
          Scalar* out = y.data() + r * y.outerStride();
          for (Index c = 0; c < cols; ++c) {
            squares[c] = static_cast<double>(a[c]) * static_cast<double>(a[c]);
          }
          for (Index c = 0; c < cols; ++c) {
            double sum = 0.0;
            for (Index j = std::max<Index>(0, c - before); j <= std::min(cols - 1, c + after);
                 ++j) {
              sum += squares[j];
            }
            const double d = spec.k + scale * sum;
            cache.inv_std[r * cols + c] = static_cast<Scalar>(d);
            out[c] = static_cast<Scalar>(static_cast<double>(a[c]) / std::pow(d, spec.beta));
          }
        }
      },
      x.size() > kParallelMin);
}

// Backward of forward_local_response, with a_j = y_j·D_j^beta recovered from the output:
//   ∂L/∂a_j = g_j / D_j^beta − (2·alpha·beta/size)·a_j·Σ_c g_c·y_c/D_c
// over the c whose window holds j: c in [j − (size−1)/2, j + size/2].
template <typename Scalar>
void backward_local_response(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& y,
                             const NormCache<Scalar>& cache,
                             const Eigen::Ref<const MatrixR<Scalar>>& grad_y,
                             Eigen::Ref<MatrixR<Scalar>> grad_x) {
  const Index cols = y.cols();
  const Index before = static_cast<Index>(spec.size / 2);
  const Index after = static_cast<Index>((spec.size - 1) / 2);
  const double factor = 2.0 * spec.alpha * spec.beta / static_cast<double>(spec.size);
  const Index block = std::max<Index>(1, (1 << 12) / cols);
  parallel_for_ranges(
      y.rows(), block,
      [&](Index first, Index count) {
        std::vector<double> terms(static_cast<std::size_t>(cols));
        std::vector<double> powers(static_cast<std::size_t>(cols));
        for (Index r = first; r < first + count; ++r) {
          const Scalar* out = y.data() + r * y.outerStride();
          const Scalar* g = grad_y.data() + r * grad_y.outerStride();
          Scalar* dx = grad_x.data() + r * grad_x.outerStride();
          const Scalar* d = cache.inv_std.data() + r * cols;
          for (Index c = 0; c < cols; ++c) {
            const double dc = static_cast<double>(d[c]);
            powers[c] = std::pow(dc, spec.beta);
            terms[c] = static_cast<double>(g[c]) * static_cast<double>(out[c]) / dc;
          }
          for (Index j = 0; j < cols; ++j) {
            double sum = 0.0;
            for (Index c = std::max<Index>(0, j - after); c <= std::min(cols - 1, j + before);
                 ++c) {
              sum += terms[c];
            }
            const double a = static_cast<double>(out[j]) * powers[j];
            dx[j] = static_cast<Scalar>(static_cast<double>(g[j]) / powers[j] - factor * a * sum);
          }
        }
      },
      y.size() > kParallelMin);
}

}  // namespace

bool is_spatial(Norm norm) {
  switch (norm) {
    case Norm::instance:
    case Norm::local_response:
      return true;
    case Norm::none:
    case Norm::batch:
    case Norm::layer:
    case Norm::rms:
    case Norm::group:
      return false;
  }
  return false;
}

template <typename Scalar>
void norm_forward(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                  Eigen::Ref<MatrixR<Scalar>> y, NormCache<Scalar>& cache) {
  check_spec(spec, x.rows(), x.cols());
  check_same_shape(x.rows(), x.cols(), y.rows(), y.cols(), "output");
  cache.inv_std.resize(cache_size(spec, x.rows(), x.cols()));
  // An empty input has nothing to normalize, and its sets (if any) no statistics.
  if (x.size() == 0) {
    cache.inv_std.setZero();
    return;
  }
  switch (spec.kind) {
    case Norm::none:
      y = x;
      return;
    case Norm::batch:
      cache.mean.resize(x.cols());
      cache.variance.resize(x.cols());
      forward_columns(spec, x, y, cache);
      return;
    case Norm::layer:
    case Norm::rms:
    case Norm::group:
    case Norm::instance:
      forward_samples(spec, x, y, cache);
      return;
    case Norm::local_response:
      forward_local_response(spec, x, y, cache);
      return;
  }
}

template <typename Scalar>
void batch_norm_inference(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                          const RowVector<Scalar>& mean, const RowVector<Scalar>& var,
                          Eigen::Ref<MatrixR<Scalar>> y) {
  check_same_shape(x.rows(), x.cols(), y.rows(), y.cols(), "output");
  check_same_shape(1, x.cols(), mean.rows(), mean.cols(), "running mean");
  check_same_shape(1, x.cols(), var.rows(), var.cols(), "running variance");
  Eigen::RowVectorXd inv(x.cols());
  for (Index c = 0; c < x.cols(); ++c)
    inv[c] = 1.0 / std::sqrt(static_cast<double>(var[c]) + spec.eps);
  parallel_for_ranges(
      x.rows(), std::max<Index>(1, (1 << 14) / std::max<Index>(1, x.cols())),
      [&](std::int64_t begin, std::int64_t count) {
        for (Index r = begin; r < begin + count; ++r) {
          for (Index c = 0; c < x.cols(); ++c) {
            y(r, c) = static_cast<Scalar>((static_cast<double>(x(r, c)) - mean[c]) * inv[c]);
          }
        }
      },
      x.size() > kParallelMin);
}

template <typename Scalar>
void norm_backward(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& y,
                   const NormCache<Scalar>& cache, const Eigen::Ref<const MatrixR<Scalar>>& grad_y,
                   Eigen::Ref<MatrixR<Scalar>> grad_x) {
  check_spec(spec, y.rows(), y.cols());
  check_same_shape(y.rows(), y.cols(), grad_y.rows(), grad_y.cols(), "grad_y");
  check_same_shape(y.rows(), y.cols(), grad_x.rows(), grad_x.cols(), "grad_x");
  if (cache.inv_std.size() != cache_size(spec, y.rows(), y.cols())) {
    throw std::logic_error("norm: the cache does not come from a forward of this norm and shape");
  }
  if (y.size() == 0) return;
  switch (spec.kind) {
    case Norm::none:
      grad_x = grad_y;
      return;
    case Norm::batch:
      backward_columns(y, cache, grad_y, grad_x);
      return;
    case Norm::layer:
    case Norm::rms:
    case Norm::group:
    case Norm::instance:
      backward_samples(spec, y, cache, grad_y, grad_x);
      return;
    case Norm::local_response:
      backward_local_response(spec, y, cache, grad_y, grad_x);
      return;
  }
}

template void norm_forward<float>(const NormSpec&, const Eigen::Ref<const MatrixR<float>>&,
                                  Eigen::Ref<MatrixR<float>>, NormCache<float>&);
template void norm_forward<double>(const NormSpec&, const Eigen::Ref<const MatrixR<double>>&,
                                   Eigen::Ref<MatrixR<double>>, NormCache<double>&);
template void batch_norm_inference<float>(const NormSpec&, const Eigen::Ref<const MatrixR<float>>&,
                                          const RowVector<float>&, const RowVector<float>&,
                                          Eigen::Ref<MatrixR<float>>);
template void batch_norm_inference<double>(const NormSpec&,
                                           const Eigen::Ref<const MatrixR<double>>&,
                                           const RowVector<double>&, const RowVector<double>&,
                                           Eigen::Ref<MatrixR<double>>);
template void norm_backward<float>(const NormSpec&, const Eigen::Ref<const MatrixR<float>>&,
                                   const NormCache<float>&, const Eigen::Ref<const MatrixR<float>>&,
                                   Eigen::Ref<MatrixR<float>>);
template void norm_backward<double>(const NormSpec&, const Eigen::Ref<const MatrixR<double>>&,
                                    const NormCache<double>&,
                                    const Eigen::Ref<const MatrixR<double>>&,
                                    Eigen::Ref<MatrixR<double>>);

}  // namespace initscope
