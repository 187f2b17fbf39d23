#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace initscope::app {

/// `initscope` / `initscope gui [CONFIG]`: opens the window, or, on a machine without a display,
/// says so and renders the experiment's plots into ./initscope-out/.
int gui_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace initscope::app
