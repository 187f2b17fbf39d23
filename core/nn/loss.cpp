#include "core/nn/loss.h"

#include <cmath>
#include <stdexcept>

namespace initscope {

template <typename Scalar>
LossValue<Scalar> evaluate_loss(Loss loss, const MatrixR<Scalar>& output,
                                const MatrixR<Scalar>& probe) {
  LossValue<Scalar> result;
  switch (loss) {
    case Loss::random_gradient:
      result.value =
          (output.template cast<double>().array() * probe.template cast<double>().array()).sum();
      result.gradient = probe;
      break;
    case Loss::mse: {
      const double n = static_cast<double>(output.size());
      result.value =
          (output.template cast<double>() - probe.template cast<double>()).squaredNorm() / n;
      result.gradient = (output - probe) * static_cast<Scalar>(2 / n);
      break;
    }
  }
  return result;
}

template <typename Scalar>
ClassificationLoss<Scalar> cross_entropy(const MatrixR<Scalar>& logits,
                                         std::span<const std::uint8_t> labels) {
  const Eigen::Index rows = logits.rows();
  if (static_cast<std::size_t>(rows) != labels.size() || logits.cols() == 0) {
    throw std::logic_error("cross_entropy: one label per row of logits needed");
  }
  ClassificationLoss<Scalar> result;
  result.gradient.resize(rows, logits.cols());
  double total = 0.0;
  std::int64_t correct = 0;
  const double inv_rows = rows > 0 ? 1.0 / static_cast<double>(rows) : 0.0;
  for (Eigen::Index r = 0; r < rows; ++r) {
    const auto label = static_cast<Eigen::Index>(labels[static_cast<std::size_t>(r)]);
    if (label >= logits.cols()) throw std::logic_error("cross_entropy: label out of range");
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < logits.cols(); ++c) {
      if (logits(r, c) > logits(r, best)) best = c;
    }
    correct += best == label;
    const double top = static_cast<double>(logits(r, best));
    double sum = 0.0;
    for (Eigen::Index c = 0; c < logits.cols(); ++c)
      sum += std::exp(static_cast<double>(logits(r, c)) - top);
    const double log_sum = top + std::log(sum);
    total += log_sum - static_cast<double>(logits(r, label));
    for (Eigen::Index c = 0; c < logits.cols(); ++c) {
      const double p = std::exp(static_cast<double>(logits(r, c)) - log_sum);
      result.gradient(r, c) = static_cast<Scalar>((p - (c == label ? 1.0 : 0.0)) * inv_rows);
    }
  }
  result.value = total * inv_rows;
  result.accuracy = static_cast<double>(correct) * inv_rows;
  return result;
}

template ClassificationLoss<float> cross_entropy(const MatrixR<float>&,
                                                 std::span<const std::uint8_t>);
template ClassificationLoss<double> cross_entropy(const MatrixR<double>&,
                                                  std::span<const std::uint8_t>);
template LossValue<float> evaluate_loss(Loss, const MatrixR<float>&, const MatrixR<float>&);
template LossValue<double> evaluate_loss(Loss, const MatrixR<double>&, const MatrixR<double>&);

}  // namespace initscope
