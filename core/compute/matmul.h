#pragma once

// The three products of a Linear layer, with results bit-identical for any number of threads (SPEC
// section 6). Float, the engine's type, runs on core/compute/gemm.h, whose sums do not depend on how the
// work is cut. Double (the gradient checks) runs on Eigen, one single-threaded product per block
// of rows whose size depends on the row count alone; EIGEN_DONT_PARALLELIZE keeps Eigen from
// threading itself, since its own threads pick their blocking from the thread count.

#include "core/compute/gemm.h"
#include "core/compute/tensor.h"

namespace initscope {

/// A float matrix (or block of one) as core/compute/gemm.h reads it.
inline MatrixView as_view(const Eigen::Ref<const MatrixRM>& m) {
  return {m.data(), m.rows(), m.cols(), m.outerStride(), 1};
}

/// out = a · bᵀ  (a: m×k, b: n×k, out: m×n) — the forward z = h·Wᵀ.
template <typename Scalar>
void matmul_abt(const Eigen::Ref<const MatrixR<Scalar>>& a,
                const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out);

/// out = a · b  (a: m×k, b: k×n, out: m×n) — the input gradient ∂L/∂h = ∂L/∂z · W.
template <typename Scalar>
void matmul_ab(const Eigen::Ref<const MatrixR<Scalar>>& a,
               const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out);

/// out = aᵀ · b  (a: m×n1, b: m×n2, out: n1×n2) — the weight gradient ∂L/∂W = (∂L/∂z)ᵀ · h.
/// Partitioned over the rows of out, so the sum over m stays within one thread.
template <typename Scalar>
void matmul_atb(const Eigen::Ref<const MatrixR<Scalar>>& a,
                const Eigen::Ref<const MatrixR<Scalar>>& b, Eigen::Ref<MatrixR<Scalar>> out);

}  // namespace initscope
