#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace initscope::app {

/// Exit codes of SPEC section 5.
enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitBadInput = 2 };

/// The text of `initscope --help`, which each command's --help prints too.
std::string_view usage();

/// Runs `initscope ARGS...` (args without the program name), writing results to `out` and
/// diagnostics to `err`; returns the exit code.
int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace initscope::app
