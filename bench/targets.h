#pragma once

// Issue 6's targets, each read off the benchmarks of this run and printed next to its goal after
// the benchmarks' own output.

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "core/config.h"

namespace initscope::bench {

/// Issue 6's experiment: depth 10, width 1024, batch 512, input dim 1024, relu + kaiming_normal.
Config big_experiment();

/// The FLOPs of the GEMMs of a forward and backward pass of an MLP: per layer z = h·Wᵀ,
/// ∂W = (∂z)ᵀ·h and ∂h = ∂z·W, each 2·batch·fan_in·width.
double gemm_flops(const Config& c);

/// Issue 8's conv stack: depth 10, 64 channels, 32×32 images, batch 32, 3 input channels, kernel 3,
/// relu + kaiming_normal.
Config conv_experiment();

/// The same for a conv2d stack as im2col + GEMM: each product 2·(batch·H·W)·(in·k²)·width.
double conv_gemm_flops(const Config& c);

/// The console output of Google Benchmark, keeping each benchmark's fastest repetition for the
/// report.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  const std::map<std::string, Run>& runs() const { return runs_; }

 private:
  std::map<std::string, Run> runs_;
};

/// Prints the table of targets: what was measured, the goal, and whether it is met.
void print_targets(const std::map<std::string, benchmark::BenchmarkReporter::Run>& runs);

}  // namespace initscope::bench
