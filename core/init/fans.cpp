#include "core/init/fans.h"

#include "core/error.h"

namespace initscope {

Fans fans(const Shape& shape) {
  if (shape.size() < 2) {
    throw InputError(
        "fan in and fan out can not be computed for a tensor with fewer than 2 "
        "dimensions (shape " +
        to_string(shape) + ")");
  }
  Fans result;
  for (std::size_t d = 2; d < shape.size(); ++d) result.receptive *= shape[d];
  result.fan_in = shape[1] * result.receptive;
  result.fan_out = shape[0] * result.receptive;
  return result;
}

double fan_for(const Fans& fans, FanMode mode) {
  switch (mode) {
    case FanMode::fan_in:
      return static_cast<double>(fans.fan_in);
    case FanMode::fan_out:
      return static_cast<double>(fans.fan_out);
    case FanMode::fan_avg:
      return static_cast<double>(fans.fan_in + fans.fan_out) / 2.0;
  }
  return 0.0;
}

}  // namespace initscope
