#pragma once

// The arguments `run` and `train` share, CONFIG [--out DIR] [--max-memory SIZE] [--threads N]
// (and train's --steps N), and the writing of their output files.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"

namespace initscope::app {

struct ExperimentArguments {
  std::string config_path;
  std::optional<std::string> out_dir;
  std::uint64_t max_memory = kDefaultMaxMemory;
  int threads = 0;                    // 0: every core
  std::optional<std::int64_t> steps;  // train only
};

/// Parses the arguments after the command's name; `with_steps` accepts --steps. On a problem
/// writes one line, starting with `prefix` ("initscope run: "), to err and returns nullopt.
std::optional<ExperimentArguments> parse_experiment_arguments(const std::vector<std::string>& args,
                                                              const std::string& prefix,
                                                              bool with_steps, std::ostream& err);

/// Writes a refusal of the config at `config_path` as one line: `prefix`, the path unless the
/// message (from the file's reader) already starts with it, the message.
void print_refusal(std::ostream& err, const std::string& prefix, const std::string& config_path,
                   const std::string& message);

/// Creates `dir` and writes each (file name, text) into it atomically; returns an empty string,
/// or the reason of the first failure.
std::string write_output_files(const std::string& dir,
                               const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace initscope::app
