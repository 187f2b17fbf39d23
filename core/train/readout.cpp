#include "core/train/readout.h"

#include "core/compute/matmul.h"

namespace initscope {

template <typename Scalar>
MatrixR<Scalar> pool_positions(const MatrixR<Scalar>& h, Eigen::Index positions) {
  if (positions == 1) return h;
  const Eigen::Index samples = h.rows() / positions;
  MatrixR<Scalar> pooled(samples, h.cols());
  for (Eigen::Index n = 0; n < samples; ++n) {
    // In double, as torch accumulates a float mean.
    pooled.row(n) = (h.middleRows(n * positions, positions).template cast<double>().colwise().sum() /
                     static_cast<double>(positions))
                        .template cast<Scalar>();
  }
  return pooled;
}

template <typename Scalar>
MatrixR<Scalar> readout_forward(const Readout<Scalar>& readout, const MatrixR<Scalar>& pooled) {
  MatrixR<Scalar> logits(pooled.rows(), readout.weight.rows());
  matmul_abt<Scalar>(pooled, readout.weight, logits);
  logits.rowwise() += readout.bias;
  return logits;
}

template <typename Scalar>
ReadoutGradients<Scalar> readout_backward(const Readout<Scalar>& readout,
                                          const MatrixR<Scalar>& pooled,
                                          const MatrixR<Scalar>& grad_logits,
                                          Eigen::Index positions) {
  ReadoutGradients<Scalar> g;
  g.weight.resize(readout.weight.rows(), readout.weight.cols());
  matmul_atb<Scalar>(grad_logits, pooled, g.weight);
  g.bias = grad_logits.template cast<double>().colwise().sum().template cast<Scalar>();
  MatrixR<Scalar> grad_pooled(pooled.rows(), pooled.cols());
  matmul_ab<Scalar>(grad_logits, readout.weight, grad_pooled);
  if (positions == 1) {
    g.input = std::move(grad_pooled);
    return g;
  }
  g.input.resize(pooled.rows() * positions, pooled.cols());
  const Scalar share = static_cast<Scalar>(1.0 / static_cast<double>(positions));
  for (Eigen::Index n = 0; n < pooled.rows(); ++n) {
    g.input.middleRows(n * positions, positions).rowwise() = grad_pooled.row(n) * share;
  }
  return g;
}

template MatrixR<float> pool_positions(const MatrixR<float>&, Eigen::Index);
template MatrixR<double> pool_positions(const MatrixR<double>&, Eigen::Index);
template MatrixR<float> readout_forward(const Readout<float>&, const MatrixR<float>&);
template MatrixR<double> readout_forward(const Readout<double>&, const MatrixR<double>&);
template ReadoutGradients<float> readout_backward(const Readout<float>&, const MatrixR<float>&,
                                                  const MatrixR<float>&, Eigen::Index);
template ReadoutGradients<double> readout_backward(const Readout<double>&, const MatrixR<double>&,
                                                   const MatrixR<double>&, Eigen::Index);

}  // namespace initscope
