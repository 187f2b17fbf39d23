#include "core/norm.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"

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
void check_spec(const NormSpec& spec, Index features) {
  switch (spec.kind) {
    case Norm::instance:
    case Norm::local_response:
      throw InputError("norm: " + std::string(name_of(spec.kind)) + " needs a conv2d network");
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

// How a row is cut into normalized sets: layer and rms take the whole row, group `groups`
// contiguous pieces. Batch norm works on columns instead.
Index segments_per_row(const NormSpec& spec) {
  return spec.kind == Norm::group ? static_cast<Index>(spec.groups) : 1;
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
    case Norm::local_response:
      return rows * segments_per_row(spec);
  }
  return 0;
}

// One contiguous set of n values: y = (x − μ)·r with r = 1/√(σ² + eps), σ² the biased variance
// (torch LayerNorm, GroupNorm), or, without centering, μ = 0 and σ² = mean(x²) (torch RMSNorm).
// Two passes in double: the mean first, then the squared deviations from it, which avoids the
// cancellation of E[x²] − E[x]². Reads all of x before writing y, so y may alias x.
template <typename Scalar>
Scalar normalize_contiguous(const Scalar* x, Scalar* y, Index n, double eps, bool center) {
  double mean = 0.0;
  if (center) {
    double sum = 0.0;
    for (Index i = 0; i < n; ++i) sum += static_cast<double>(x[i]);
    mean = sum / static_cast<double>(n);
  }
  double squares = 0.0;
  for (Index i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - mean;
    squares += d * d;
  }
  const double inv = 1.0 / std::sqrt(squares / static_cast<double>(n) + eps);
  for (Index i = 0; i < n; ++i)
    y[i] = static_cast<Scalar>((static_cast<double>(x[i]) - mean) * inv);
  return static_cast<Scalar>(inv);
}

// Backward of normalize_contiguous with γ = 1, β = 0. With ŷ = y and r the cached inverse:
//   ∂y_i/∂x_j = r·(δ_ij − 1/m − y_i·y_j/m)   (centered; Ioffe & Szegedy 2015, section 3)
//   ∂y_i/∂x_j = r·(δ_ij − y_i·y_j/m)         (rms: ∂r/∂x_j = −r³·x_j/m)
// so dx = r·(dy − mean(dy) − y·mean(dy·y)), without the mean(dy) term for rms. The eps inside r
// is already in y, so the formula is exact. Sums are taken before any write: dx may alias dy.
template <typename Scalar>
void backward_contiguous(const Scalar* y, const Scalar* dy, Scalar* dx, Index n, Scalar inv_std,
                         bool center) {
  double sum_dy = 0.0;
  double sum_dy_y = 0.0;
  for (Index i = 0; i < n; ++i) {
    sum_dy += static_cast<double>(dy[i]);
    sum_dy_y += static_cast<double>(dy[i]) * static_cast<double>(y[i]);
  }
  const double m = static_cast<double>(n);
  const double mean_dy = center ? sum_dy / m : 0.0;
  const double mean_dy_y = sum_dy_y / m;
  const double inv = static_cast<double>(inv_std);
  for (Index i = 0; i < n; ++i) {
    dx[i] = static_cast<Scalar>(
        inv * (static_cast<double>(dy[i]) - mean_dy - static_cast<double>(y[i]) * mean_dy_y));
  }
}

// Layer, rms and group norm: every row is cut into `segments` contiguous sets. Each set is handled
// wholly by one thread, so the result does not depend on the thread count.
template <typename Scalar>
void forward_rows(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& x,
                  Eigen::Ref<MatrixR<Scalar>> y, NormCache<Scalar>& cache) {
  const Index rows = x.rows();
  const Index segments = segments_per_row(spec);
  const Index length = x.cols() / segments;
  const bool center = spec.kind != Norm::rms;
  parallel_for(
      rows,
      [&](std::int64_t r) {
        const Scalar* x_row = x.data() + r * x.outerStride();
        Scalar* y_row = y.data() + r * y.outerStride();
        for (Index s = 0; s < segments; ++s) {
          cache.inv_std[r * segments + s] = normalize_contiguous(
              x_row + s * length, y_row + s * length, length, spec.eps, center);
        }
      },
      x.size() > kParallelMin);
}

template <typename Scalar>
void backward_rows(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& y,
                   const NormCache<Scalar>& cache, const Eigen::Ref<const MatrixR<Scalar>>& grad_y,
                   Eigen::Ref<MatrixR<Scalar>> grad_x) {
  const Index rows = y.rows();
  const Index segments = segments_per_row(spec);
  const Index length = y.cols() / segments;
  const bool center = spec.kind != Norm::rms;
  parallel_for(
      rows,
      [&](std::int64_t r) {
        const Scalar* y_row = y.data() + r * y.outerStride();
        const Scalar* dy_row = grad_y.data() + r * grad_y.outerStride();
        Scalar* dx_row = grad_x.data() + r * grad_x.outerStride();
        for (Index s = 0; s < segments; ++s) {
          backward_contiguous(y_row + s * length, dy_row + s * length, dx_row + s * length, length,
                              cache.inv_std[r * segments + s], center);
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
  check_spec(spec, x.cols());
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
      forward_columns(spec, x, y, cache);
      return;
    case Norm::layer:
    case Norm::rms:
    case Norm::group:
      forward_rows(spec, x, y, cache);
      return;
    case Norm::instance:
    case Norm::local_response:
      return;  // rejected by check_spec
  }
}

template <typename Scalar>
void norm_backward(const NormSpec& spec, const Eigen::Ref<const MatrixR<Scalar>>& y,
                   const NormCache<Scalar>& cache, const Eigen::Ref<const MatrixR<Scalar>>& grad_y,
                   Eigen::Ref<MatrixR<Scalar>> grad_x) {
  check_spec(spec, y.cols());
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
      backward_rows(spec, y, cache, grad_y, grad_x);
      return;
    case Norm::instance:
    case Norm::local_response:
      return;  // rejected by check_spec
  }
}

template void norm_forward<float>(const NormSpec&, const Eigen::Ref<const MatrixR<float>>&,
                                  Eigen::Ref<MatrixR<float>>, NormCache<float>&);
template void norm_forward<double>(const NormSpec&, const Eigen::Ref<const MatrixR<double>>&,
                                   Eigen::Ref<MatrixR<double>>, NormCache<double>&);
template void norm_backward<float>(const NormSpec&, const Eigen::Ref<const MatrixR<float>>&,
                                   const NormCache<float>&, const Eigen::Ref<const MatrixR<float>>&,
                                   Eigen::Ref<MatrixR<float>>);
template void norm_backward<double>(const NormSpec&, const Eigen::Ref<const MatrixR<double>>&,
                                    const NormCache<double>&,
                                    const Eigen::Ref<const MatrixR<double>>&,
                                    Eigen::Ref<MatrixR<double>>);

}  // namespace initscope
