// The per-layer statistics: summary (moments, extremes, counts) and the 64-bin histogram of one
// 1024×1024 tensor together, as run() computes them for a weight, values per second.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/compute/parallel.h"
#include "core/init/sampling.h"
#include "core/stats/summary.h"

namespace initscope::bench {
namespace {

constexpr std::int64_t kValues = 1 << 20;

std::vector<float> normal_values() {
  std::vector<float> values(kValues);
  Generator gen(1);
  fill_normal(values, 0.0, 1.0, gen);
  return values;
}

void summary_and_histogram(benchmark::State& state) {
  const ThreadLimit threads(static_cast<int>(state.range(0)));
  const std::vector<float> values = normal_values();
  for (auto _ : state) {
    benchmark::DoNotOptimize(summarize_with_histogram(values, 64));
  }
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(kValues),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
  for (int t : {1, 2}) {
    benchmark::RegisterBenchmark(
        ("statistics/summary+histogram/threads:" + std::to_string(t)).c_str(),
        summary_and_histogram)
        ->Arg(t)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace
}  // namespace initscope::bench
