#pragma once

// What the engine benchmarks share: run() timed with its GEMMs' FLOP rate, and the split of one
// product's output rows over T threads that the GEMM rooflines use.

#include <benchmark/benchmark.h>

#include <cstdint>

#include "core/compute/parallel.h"
#include "core/run.h"
#include "core/compute/tensor.h"

namespace initscope::bench {

/// Times run(c) on state.range(0) threads; the counter is `flops` per run as GFLOP/s.
inline void timed_runs(benchmark::State& state, const Config& c, double flops) {
  RunOptions options;
  options.threads = static_cast<int>(state.range(0));
  const ThreadLimit scope(options.threads);
  for (auto _ : state) benchmark::DoNotOptimize(run(c, options));
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}

/// Splits `count` output rows into `threads` equal parts, product(begin, rows) on each: Eigen's
/// single-threaded GEMM at its own speed on every core.
template <typename Product>
void split_rows(int threads, Eigen::Index count, Product product) {
  parallel_for(threads, [&](std::int64_t t) {
    const Eigen::Index begin = count * t / threads, end = count * (t + 1) / threads;
    product(begin, end - begin);
  });
}

}  // namespace initscope::bench
