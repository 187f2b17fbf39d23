#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace initscope {

using Shape = std::vector<std::int64_t>;

/// Row-major dynamic matrices, torch's layout: a batch is `batch × features`, row b one sample.
/// The engine runs in float; the gradient checks instantiate the same kernels in double.
template <typename Scalar>
using MatrixR = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixRM = MatrixR<float>;
/// A row of values per column (feature) of such a matrix: a bias, a norm's per-feature statistic.
template <typename Scalar>
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;

/// A float matrix's entries as one span, for the reductions of core/stats.
inline std::span<const float> span_of(const MatrixRM& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}

/// "[16, 8, 3, 3]"
std::string to_string(const Shape& shape);

/// A weight or bias tensor: 1 to 5 dimensions, contiguous row-major float32 storage as in torch.
/// The storage is a row-major Eigen matrix of shape[0] rows and numel/shape[0] columns, which is
/// the layout a Linear layer multiplies with and an im2col convolution uses.
class Tensor {
 public:
  /// Zero-filled. Throws InputError for a rank outside 1..5 or a size below 1.
  explicit Tensor(Shape shape);
  /// Entries unset, for a tensor that sample() is about to fill whole (every law writes every
  /// entry): the engine's weights skip a pass over memory that only the sampler's threads need
  /// touch.
  static Tensor for_overwrite(Shape shape);

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  std::int64_t numel() const { return data_.size(); }

  MatrixRM& matrix() { return data_; }
  const MatrixRM& matrix() const { return data_; }
  std::span<float> values() { return {data_.data(), static_cast<std::size_t>(data_.size())}; }
  std::span<const float> values() const {
    return {data_.data(), static_cast<std::size_t>(data_.size())};
  }

  /// Row-major offset of a multi-index with one entry per dimension.
  std::int64_t offset(std::span<const std::int64_t> index) const;

 private:
  struct Unset {};
  Tensor(Shape shape, Unset);

  Shape shape_;
  MatrixRM data_;
};

}  // namespace initscope
