#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace initscope::app {

/// `initscope run CONFIG [--out DIR] [--max-memory SIZE] [--threads N]`: runs the experiment,
/// prints the per-layer table, and writes DIR/stats.csv and DIR/stats.json.
int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace initscope::app
