#include "core/format.h"

#include <charconv>
#include <cmath>

namespace initscope {

std::string format_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  std::string text(buffer, result.ptr);
  // Python writes integral values with a trailing ".0"; keep that so 1.0 reads as a float.
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

}  // namespace initscope
