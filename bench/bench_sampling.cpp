// Sampling throughput: the elementary laws (values per second) and every scheme on a 1024×1024
// weight, with the thread count as the last argument.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "core/compute/parallel.h"
#include "core/init/sampling.h"
#include "core/init/schemes.h"

namespace initscope::bench {
namespace {

constexpr std::int64_t kValues = 1 << 22;

void sample_law(benchmark::State& state, void (*fill)(std::vector<float>&, Generator&)) {
  const ThreadLimit threads(static_cast<int>(state.range(0)));
  std::vector<float> out(kValues);
  Generator gen(0);
  for (auto _ : state) {
    fill(out, gen);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(kValues),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

void scheme(benchmark::State& state, Scheme s) {
  const ThreadLimit threads(static_cast<int>(state.range(0)));
  Tensor w({1024, 1024});
  Generator gen(0);
  InitArgs args;
  if (s == Scheme::sparse) args.sparsity = 0.1;
  for (auto _ : state) {
    initialize(w, s, args, gen);
    benchmark::DoNotOptimize(w.values().data());
    benchmark::ClobberMemory();
  }
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(w.values().size()),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
  using Fill = void (*)(std::vector<float>&, Generator&);
  const std::pair<const char*, Fill> laws[] = {
      {"uniform",
       [](std::vector<float>& out, Generator& gen) { fill_uniform(out, -1.0, 1.0, gen); }},
      {"normal", [](std::vector<float>& out, Generator& gen) { fill_normal(out, 0.0, 1.0, gen); }},
      {"trunc_normal", [](std::vector<float>& out,
                          Generator& gen) { fill_trunc_normal(out, 0.0, 1.0, -2.0, 2.0, gen); }},
  };
  for (int t : {1, 2}) {
    for (const auto& [name, fill] : laws) {
      const std::string label = "sampling/" + std::string(name) + "/threads:" + std::to_string(t);
      benchmark::RegisterBenchmark(
          label.c_str(), [fill = fill](benchmark::State& state) { sample_law(state, fill); })
          ->Arg(t)
          ->UseRealTime();
    }
  }
  for (int t : {1, 2}) {
    for (const auto& entry : EnumNames<Scheme>::table) {
      if (entry.value == Scheme::dirac) continue;  // 3-D to 5-D shapes only
      const std::string label =
          "scheme/" + std::string(entry.name) + "/threads:" + std::to_string(t);
      benchmark::RegisterBenchmark(label.c_str(),
                                   [s = entry.value](benchmark::State& state) { scheme(state, s); })
          ->Arg(t)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

}  // namespace
}  // namespace initscope::bench
