#pragma once

// Programs the benchmarks start: `initscope` itself (whole-process timings with the peak resident
// memory) and PyTorch's reference script, with the environment they should see.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/config.h"

namespace initscope::bench {

struct ProcessRun {
  double seconds = 0;     // wall time; negative if the program failed
  double peak_bytes = 0;  // its peak resident memory, when run through initscope_peak_rss
};

/// A folder under the system's temporary folder for the benchmarks' files.
std::filesystem::path scratch_dir();

/// Runs a program to completion, standard output discarded; its wall time. Its environment is
/// this one's, less the variables named in `drop_env`.
ProcessRun spawn_and_wait(const std::vector<std::string>& args,
                          const std::vector<std::string>& drop_env = {});

/// The same through initscope_peak_rss, which also gives the program's peak resident memory.
ProcessRun spawn_measured(const std::vector<std::string>& args);

/// Writes the config into the scratch folder as NAME.json; returns its path.
std::string write_config(const Config& c, const std::string& name);

/// The seconds bench/torch_reference.py measures for the mlp (or conv2d) of `c` on state.range(0)
/// threads, with `extra` arguments (--train ...); its thread split becomes the state's label.
/// `at_best`: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset. Negative without python3 and torch.
double torch_seconds(benchmark::State& state, const Config& c, bool at_best,
                     const std::vector<std::string>& extra);

}  // namespace initscope::bench
