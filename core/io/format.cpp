#include "core/io/format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace initscope {

// Python's float repr: the shortest digits that round-trip, written in fixed notation when the
// decimal exponent lies in [−4, 16) and in scientific notation (at least two exponent digits)
// otherwise: 0.0001, 1e-05, 1234.5, 1e+16, and integral values with ".0".
std::string format_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto end =
      std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific).ptr;
  const std::string scientific(buffer, end);  // "-1.2345e+03": shortest round-trip digits
  const std::size_t e = scientific.find('e');
  const int exponent = std::atoi(scientific.c_str() + e + 1);
  if (exponent < -4 || exponent >= 16) return scientific;

  const bool negative = scientific[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i) {
    if (scientific[i] != '.') digits += scientific[i];
  }
  std::string text = negative ? "-" : "";
  if (exponent < 0) {
    text += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else {
    const auto point = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= point) {
      text += digits + std::string(point - digits.size(), '0') + ".0";
    } else {
      text += digits.substr(0, point) + "." + digits.substr(point);
    }
  }
  return text;
}

}  // namespace initscope
