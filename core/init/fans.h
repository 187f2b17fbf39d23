#pragma once

#include <cstdint>

#include "core/names.h"
#include "core/compute/tensor.h"

namespace initscope {

/// torch.nn.init._calculate_fan_in_and_fan_out: receptive = Π shape[2:],
/// fan_in = shape[1]·receptive, fan_out = shape[0]·receptive.
struct Fans {
  std::int64_t fan_in = 0;
  std::int64_t fan_out = 0;
  std::int64_t receptive = 1;
};

/// Throws InputError for a shape of fewer than 2 dimensions, as torch does.
Fans fans(const Shape& shape);

enum class FanMode { fan_in, fan_out, fan_avg };

template <>
struct EnumNames<FanMode> {
  static constexpr std::string_view family = "mode";
  static constexpr std::array<NameEntry<FanMode>, 3> table{{
      {FanMode::fan_in, "fan_in"},
      {FanMode::fan_out, "fan_out"},
      {FanMode::fan_avg, "fan_avg"},
  }};
};

/// The fan a mode selects: fan_in, fan_out, or (fan_in + fan_out)/2 for fan_avg (Keras).
double fan_for(const Fans& fans, FanMode mode);

}  // namespace initscope
