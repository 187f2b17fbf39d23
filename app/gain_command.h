#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace initscope::app {

/// `initscope gain NAME [PARAM]`: torch's calculate_gain and the empirical gain of NAME.
int gain_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace initscope::app
