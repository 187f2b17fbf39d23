#include "core/nn/loss.h"

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

template LossValue<float> evaluate_loss(Loss, const MatrixR<float>&, const MatrixR<float>&);
template LossValue<double> evaluate_loss(Loss, const MatrixR<double>&, const MatrixR<double>&);

}  // namespace initscope
