// Throughput of the samplers and of orthogonal init, in values (or matrices) per second.
#include <benchmark/benchmark.h>

#include "core/sampling.h"
#include "core/schemes.h"

namespace {

using initscope::Generator;

void BM_Uniform(benchmark::State& state) {
  std::vector<float> out(static_cast<std::size_t>(state.range(0)));
  Generator gen(0);
  for (auto _ : state) {
    initscope::fill_uniform(out, -1.0, 1.0, gen);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_Normal(benchmark::State& state) {
  std::vector<float> out(static_cast<std::size_t>(state.range(0)));
  Generator gen(0);
  for (auto _ : state) {
    initscope::fill_normal(out, 0.0, 1.0, gen);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_TruncNormal(benchmark::State& state) {
  std::vector<float> out(static_cast<std::size_t>(state.range(0)));
  Generator gen(0);
  for (auto _ : state) {
    initscope::fill_trunc_normal(out, 0.0, 1.0, -2.0, 2.0, gen);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_Orthogonal(benchmark::State& state) {
  const auto n = state.range(0);
  initscope::Tensor w({n, n});
  Generator gen(0);
  for (auto _ : state) {
    initscope::initialize(w, initscope::Scheme::orthogonal, {}, gen);
    benchmark::DoNotOptimize(w.values().data());
  }
}

BENCHMARK(BM_Uniform)->Arg(1 << 20)->UseRealTime();
BENCHMARK(BM_Normal)->Arg(1 << 20)->UseRealTime();
BENCHMARK(BM_TruncNormal)->Arg(1 << 20)->UseRealTime();
BENCHMARK(BM_Orthogonal)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
