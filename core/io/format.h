#pragma once

#include <string>

namespace initscope {

/// The shortest text that reads back as the same double, as Python's repr prints it
/// ("1.6666666666666667", "0.01", "1e-05", "inf", "nan"), so that printed values can be compared
/// with torch's digit for digit.
std::string format_number(double x);

}  // namespace initscope
