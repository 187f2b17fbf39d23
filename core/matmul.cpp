#include "core/matmul.h"

#include <algorithm>

namespace initscope {
namespace {

// Rows per block: large enough that each product runs near Eigen's peak, small enough that a
// typical batch (512) splits into work for both cores.
constexpr Eigen::Index kRowBlock = 128;
// Below this many multiply-adds a product stays on the calling thread.
constexpr double kParallelMinWork = 1 << 22;

template <typename BlockFn>
void for_each_row_block(Eigen::Index rows, double work, BlockFn fn) {
  const Eigen::Index blocks = (rows + kRowBlock - 1) / kRowBlock;
#pragma omp parallel for schedule(static) if (work >= kParallelMinWork && blocks > 1)
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const Eigen::Index begin = b * kRowBlock;
    fn(begin, std::min(kRowBlock, rows - begin));
  }
}

}  // namespace

template <typename Scalar>
void matmul_abt(const Eigen::Ref<const MatrixR<Scalar>>& a,
                const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out) {
  const double work = double(a.rows()) * double(a.cols()) * double(b.rows());
  for_each_row_block(a.rows(), work, [&](Eigen::Index begin, Eigen::Index count) {
    out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b.transpose();
  });
}

template <typename Scalar>
void matmul_ab(const Eigen::Ref<const MatrixR<Scalar>>& a,
               const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out) {
  const double work = double(a.rows()) * double(a.cols()) * double(b.cols());
  for_each_row_block(a.rows(), work, [&](Eigen::Index begin, Eigen::Index count) {
    out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b;
  });
}

template <typename Scalar>
void matmul_atb(const Eigen::Ref<const MatrixR<Scalar>>& a,
                const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out) {
  const double work = double(a.rows()) * double(a.cols()) * double(b.cols());
  for_each_row_block(a.cols(), work, [&](Eigen::Index begin, Eigen::Index count) {
    out.middleRows(begin, count).noalias() = a.middleCols(begin, count).transpose() * b;
  });
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
