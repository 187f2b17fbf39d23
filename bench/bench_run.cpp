// The engine end to end: run() of the experiment against the pure GEMMs of the same shapes
// (the roofline), the default window experiment, the whole `initscope run` process with its peak
// memory, and PyTorch's forward+backward of the same experiment when torch is installed.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/processes.h"
#include "bench/run_loops.h"
#include "bench/targets.h"
#include "core/io/config_io.h"
#include "core/compute/matmul.h"
#include "core/compute/parallel.h"
#include "core/run.h"
#include "core/compute/tensor.h"

namespace initscope::bench {
namespace {

// The window's default experiment (depth 20, width 256, batch 512).
Config default_experiment() {
  return Config{};
}

// The GEMMs of a forward and backward pass of the MLP, and nothing else: per layer z = h·Wᵀ,
// ∂W = (∂z)ᵀ·h and ∂h = ∂z·W through core/compute/matmul.h, the products run() makes, on the same threads,
// with no statistics, sampling or activation around them: the roofline run() is measured against.
// bench/bench_gemm.cpp puts this GEMM level with the fastest libraries on these shapes.
void gemm_roofline(benchmark::State& state, const Config& c) {
  const int threads = static_cast<int>(state.range(0));
  const ThreadLimit scope(threads);
  const Eigen::Index batch = c.input.batch, width = c.network.width, dim = c.input.dim;
  MatrixRM x = MatrixRM::Random(batch, dim), first = MatrixRM::Random(width, dim);
  MatrixRM w = MatrixRM::Random(width, width) * 0.05f;
  std::vector<MatrixRM> h(static_cast<std::size_t>(c.network.depth) + 1, MatrixRM(batch, width));
  h[0] = x;
  MatrixRM grad = MatrixRM::Random(batch, width), grad_w_first(width, dim), grad_w(width, width);
  MatrixRM grad_x(batch, dim), grad_next(batch, width);
  for (auto _ : state) {
    for (std::size_t l = 1; l < h.size(); ++l) matmul_abt<float>(h[l - 1], l == 1 ? first : w, h[l]);
    for (std::size_t l = h.size() - 1; l >= 1; --l) {
      matmul_atb<float>(grad, h[l - 1], l == 1 ? grad_w_first : grad_w);
      matmul_ab<float>(grad, l == 1 ? first : w, l == 1 ? grad_x : grad_next);
    }
    benchmark::DoNotOptimize(grad_x.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(gemm_flops(c), benchmark::Counter::kIsIterationInvariantRate);
}

// The whole `initscope run CONFIG` process, wall clock, with its peak resident memory.
void process_run(benchmark::State& state, const Config& c, const std::string& name) {
  const std::string config = write_config(c, name);
  const std::string out = (scratch_dir() / (name + "-out")).string();
  const std::string threads = std::to_string(state.range(0));
  double rss = 0;
  for (auto _ : state) {
    const ProcessRun r =
        spawn_measured({INITSCOPE_EXE, "run", config, "--out", out, "--threads", threads});
    if (r.seconds < 0) {
      state.SkipWithError("initscope run failed");
      return;
    }
    state.SetIterationTime(r.seconds);
    rss = std::max(rss, r.peak_bytes);
  }
  state.counters["peak_rss_bytes"] = rss;
  const MemoryEstimate m = estimate_memory(c);
  state.counters["kept_bytes"] = m.weights + m.activations;
}

// PyTorch's forward+backward of the same experiment (bench/torch_reference.py), when a python3
// with torch is on the machine; the script itself times it, on its best split of torch's and
// OpenBLAS's threads, and writes the seconds and that split (the benchmark's label).
// `at_best`: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, which this machine's environment sets
// and which hold OpenBLAS to AVX2 kernels on an AVX-512 CPU; otherwise torch as configured here.
void torch_reference(benchmark::State& state, const Config& c, bool at_best) {
  for (auto _ : state) {
    const double seconds = torch_seconds(state, c, at_best, {});
    if (seconds < 0) {
      state.SkipWithError("python3 with torch not available");
      return;
    }
    state.SetIterationTime(seconds);
  }
  const double flops = c.network.type == NetworkType::conv2d ? conv_gemm_flops(c) : gemm_flops(c);
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}

// Each torch.nn.init function on 1024×1024 (bench/torch_reference.py --schemes): one counter per
// function, its best time in seconds.
void torch_schemes(benchmark::State& state) {
  const std::string script = std::string(INITSCOPE_SOURCE_DIR) + "/bench/torch_reference.py";
  const std::string result_file = (scratch_dir() / "torch-schemes.txt").string();
  for (auto _ : state) {
    std::filesystem::remove(result_file);
    const ProcessRun r = spawn_and_wait({"/usr/bin/python3", script, "--schemes", "--threads",
                                         std::to_string(state.range(0)), "--out", result_file});
    std::ifstream in(result_file);
    std::string name;
    double seconds = 0;
    int read = 0;
    while (in >> name >> seconds) {
      state.counters[name] = seconds;
      ++read;
    }
    if (r.seconds < 0 || read == 0) {
      state.SkipWithError("python3 with torch not available");
      return;
    }
    state.SetIterationTime(r.seconds);
  }
}

const bool registered = [] {
  static const Config big = big_experiment();
  static const Config window = default_experiment();
  static Config tiny = [] {
    Config c;
    c.input.dim = 1;
    c.input.batch = 1;
    c.network.depth = 1;
    c.network.width = 1;
    return c;
  }();
  for (int t : {1, 2}) {
    const std::string suffix = "/threads:" + std::to_string(t);
    benchmark::RegisterBenchmark(("gemm/big" + suffix).c_str(),
                                 [](benchmark::State& s) { gemm_roofline(s, big); })
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0)
        ->Repetitions(3);
    benchmark::RegisterBenchmark(("run/big" + suffix).c_str(),
                                 [](benchmark::State& s) { timed_runs(s, big, gemm_flops(big)); })
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0)
        ->Repetitions(3);
    benchmark::RegisterBenchmark(("gemm/default" + suffix).c_str(),
                                 [](benchmark::State& s) { gemm_roofline(s, window); })
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->Repetitions(3);
    benchmark::RegisterBenchmark(
        ("run/default" + suffix).c_str(),
        [](benchmark::State& s) { timed_runs(s, window, gemm_flops(window)); })
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->Repetitions(3);
    benchmark::RegisterBenchmark(("process/big" + suffix).c_str(),
                                 [](benchmark::State& s) { process_run(s, big, "big"); })
        ->Arg(t)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(5);
    // Torch at its best on the window's default experiment and issue 8's conv stack too.
    static const Config conv = conv_experiment();
    for (const auto& [name, config] : {std::pair{"default", &window}, std::pair{"conv", &conv}})
      benchmark::RegisterBenchmark(("torch/" + std::string(name) + suffix).c_str(),
                                   [config](benchmark::State& s) { torch_reference(s, *config, true); })
          ->Arg(t)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1)
          ->Repetitions(3);
    for (const bool at_best : {true, false})
      benchmark::RegisterBenchmark(
          ((at_best ? "torch/big" : "torch-configured/big") + suffix).c_str(),
          [at_best](benchmark::State& s) { torch_reference(s, big, at_best); })
          ->Arg(t)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1)
          ->Repetitions(3);
  }
  benchmark::RegisterBenchmark("torch/schemes/threads:1", torch_schemes)
      ->Arg(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::RegisterBenchmark("process/default/threads:2",
                               [](benchmark::State& s) { process_run(s, window, "default"); })
      ->Arg(2)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->Repetitions(5);
  benchmark::RegisterBenchmark("process/tiny/threads:2",
                               [](benchmark::State& s) { process_run(s, tiny, "tiny"); })
      ->Arg(2)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->Repetitions(5);
  return true;
}();

}  // namespace
}  // namespace initscope::bench
