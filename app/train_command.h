#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace initscope::app {

/// `initscope train CONFIG [--out DIR] [--steps N] [--threads N] [--max-memory SIZE]`: trains the
/// config's network (SPEC section 8), writes DIR/train.csv, DIR/train_layers.csv and step 0's
/// DIR/stats.csv. A progress line on a terminal; Ctrl+C stops after the current step, writes what
/// was done and exits 130.
int train_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace initscope::app
