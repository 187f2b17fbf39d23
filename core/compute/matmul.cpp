#include "core/compute/matmul.h"

#include <algorithm>
#include <type_traits>

#include "core/compute/parallel.h"

namespace initscope {
namespace {

// Double (the gradient checks only): Eigen, one single-threaded product per block of rows. Rows
// per block from the row count alone, so that the sums do not depend on the thread count.
Eigen::Index row_block(Eigen::Index rows) {
  return rows >= 512 ? 256 : 128;
}
// Below this many multiply-adds a product stays on the calling thread.
constexpr double kParallelMinWork = 1 << 22;

template <typename BlockFn>
void for_each_row_block(Eigen::Index rows, double work, BlockFn fn) {
  const Eigen::Index block = row_block(rows);
  parallel_for_ranges(rows, block, fn, work >= kParallelMinWork && rows > block);
}

}  // namespace

template <typename Scalar>
void matmul_abt(const Eigen::Ref<const MatrixR<Scalar>>& a,
                const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out) {
  if constexpr (std::is_same_v<Scalar, float>) {
    gemm(as_view(a), as_view(b).transposed(), out.data(), out.outerStride());
  } else {
    const double work = double(a.rows()) * double(a.cols()) * double(b.rows());
    for_each_row_block(a.rows(), work, [&](Eigen::Index begin, Eigen::Index count) {
      out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b.transpose();
    });
  }
}

template <typename Scalar>
void matmul_ab(const Eigen::Ref<const MatrixR<Scalar>>& a,
               const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out) {
  if constexpr (std::is_same_v<Scalar, float>) {
    gemm(as_view(a), as_view(b), out.data(), out.outerStride());
  } else {
    const double work = double(a.rows()) * double(a.cols()) * double(b.cols());
    for_each_row_block(a.rows(), work, [&](Eigen::Index begin, Eigen::Index count) {
      out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b;
    });
  }
}

template <typename Scalar>
void matmul_atb(const Eigen::Ref<const MatrixR<Scalar>>& a,
                const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out) {
  if constexpr (std::is_same_v<Scalar, float>) {
    gemm(as_view(a).transposed(), as_view(b), out.data(), out.outerStride());
  } else {
    const double work = double(a.rows()) * double(a.cols()) * double(b.cols());
    for_each_row_block(a.cols(), work, [&](Eigen::Index begin, Eigen::Index count) {
      out.middleRows(begin, count).noalias() = a.middleCols(begin, count).transpose() * b;
    });
  }
}

#define INITSCOPE_INSTANTIATE(Scalar)                                        \
  template void matmul_abt<Scalar>(const Eigen::Ref<const MatrixR<Scalar>>&, \
                                   const Eigen::Ref<const MatrixR<Scalar>>&, \
                                   Eigen::Ref<MatrixR<Scalar>>);             \
  template void matmul_ab<Scalar>(const Eigen::Ref<const MatrixR<Scalar>>&,  \
                                  const Eigen::Ref<const MatrixR<Scalar>>&,  \
                                  Eigen::Ref<MatrixR<Scalar>>);              \
  template void matmul_atb<Scalar>(const Eigen::Ref<const MatrixR<Scalar>>&, \
                                   const Eigen::Ref<const MatrixR<Scalar>>&, \
                                   Eigen::Ref<MatrixR<Scalar>>);
INITSCOPE_INSTANTIATE(float)
INITSCOPE_INSTANTIATE(double)
#undef INITSCOPE_INSTANTIATE

}  // namespace initscope
