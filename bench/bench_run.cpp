// The engine end to end: run() of the experiment against the pure GEMMs of the same shapes
// (the roofline), the default window experiment, the whole `initscope run` process with its peak
// memory, and PyTorch's forward+backward of the same experiment when torch is installed.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/run_loops.h"
#include "bench/targets.h"
#include "core/config_io.h"
#include "core/parallel.h"
#include "core/run.h"
#include "core/tensor.h"

extern char** environ;  // handed to the programs the benchmark starts

namespace initscope::bench {
namespace {

// The window's default experiment (depth 20, width 256, batch 512).
Config default_experiment() {
  return Config{};
}

// The GEMMs of a forward and backward pass of the MLP, and nothing else: per layer z = h·Wᵀ,
// ∂W = (∂z)ᵀ·h and ∂h = ∂z·W, as single-threaded Eigen products. On T threads each product's
// output rows are split into T equal parts, one Eigen product per thread: Eigen's GEMM at its own
// speed on every core, with no statistics, sampling or activation around it.
void gemm_roofline(benchmark::State& state, const Config& c) {
  const int threads = static_cast<int>(state.range(0));
  const ThreadLimit scope(threads);
  const Eigen::Index batch = c.input.batch, width = c.network.width, dim = c.input.dim;
  MatrixRM x = MatrixRM::Random(batch, dim), first = MatrixRM::Random(width, dim);
  MatrixRM w = MatrixRM::Random(width, width) * 0.05f;
  std::vector<MatrixRM> h(static_cast<std::size_t>(c.network.depth) + 1, MatrixRM(batch, width));
  h[0] = x;
  MatrixRM grad(batch, width), grad_w_first(width, dim), grad_w(width, width), grad_x(batch, dim);
  auto split = [threads](Eigen::Index rows, auto product) { split_rows(threads, rows, product); };
  for (auto _ : state) {
    for (std::size_t l = 1; l < h.size(); ++l) {
      const MatrixRM& weight = l == 1 ? first : w;
      split(batch, [&](Eigen::Index b, Eigen::Index n) {
        h[l].middleRows(b, n).noalias() = h[l - 1].middleRows(b, n) * weight.transpose();
      });
    }
    for (std::size_t l = h.size() - 1; l >= 1; --l) {
      const MatrixRM& weight = l == 1 ? first : w;
      MatrixRM& gw = l == 1 ? grad_w_first : grad_w;
      split(width, [&](Eigen::Index b, Eigen::Index n) {
        gw.middleRows(b, n).noalias() = grad.middleCols(b, n).transpose() * h[l - 1];
      });
      MatrixRM& gx = l == 1 ? grad_x : grad;
      split(batch, [&](Eigen::Index b, Eigen::Index n) {
        gx.middleRows(b, n).noalias() = grad.middleRows(b, n) * weight;
      });
    }
    benchmark::DoNotOptimize(grad_x.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(gemm_flops(c), benchmark::Counter::kIsIterationInvariantRate);
}

struct ProcessRun {
  double seconds = 0;     // wall time; negative if the program failed
  double peak_bytes = 0;  // its peak resident memory, when run through initscope_peak_rss
};

std::filesystem::path scratch_dir() {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "initscope-bench";
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs a program to completion, standard output discarded; its wall time.
ProcessRun spawn_and_wait(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ProcessRun result;
  int status = 0;
  if (spawned != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    result.seconds = -1;
    return result;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// The same through initscope_peak_rss, which also gives the program's peak resident memory. The
// wall time includes that small program's fork, some 0.1 ms.
ProcessRun spawn_measured(const std::vector<std::string>& args) {
  const std::string peak_file = (scratch_dir() / "peak.txt").string();
  std::vector<std::string> wrapped{PEAK_RSS_EXE, peak_file};
  wrapped.insert(wrapped.end(), args.begin(), args.end());
  ProcessRun result = spawn_and_wait(wrapped);
  std::ifstream(peak_file) >> result.peak_bytes;
  return result;
}

std::string write_config(const Config& c, const std::string& name) {
  const std::filesystem::path path = scratch_dir() / (name + ".json");
  std::ofstream(path) << config_to_json(c);
  return path.string();
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
// with torch is on the machine; the script itself times it and prints seconds.
void torch_reference(benchmark::State& state, const Config& c) {
  const std::string threads = std::to_string(state.range(0));
  const std::string script = std::string(INITSCOPE_SOURCE_DIR) + "/bench/torch_reference.py";
  const std::string result_file = (scratch_dir() / "torch.txt").string();
  for (auto _ : state) {
    std::filesystem::remove(result_file);
    const ProcessRun r =
        spawn_and_wait({"/usr/bin/python3", script, "--threads", threads, "--depth",
                        std::to_string(c.network.depth), "--width", std::to_string(c.network.width),
                        "--batch", std::to_string(c.input.batch), "--dim",
                        std::to_string(c.input.dim), "--out", result_file});
    double seconds = -1;
    if (std::ifstream in(result_file); in) in >> seconds;
    if (r.seconds < 0 || !(seconds > 0)) {
      state.SkipWithError("python3 with torch not available");
      return;
    }
    state.SetIterationTime(seconds);
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(gemm_flops(c), benchmark::Counter::kIsIterationInvariantRate);
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
    benchmark::RegisterBenchmark(("torch/big" + suffix).c_str(),
                                 [](benchmark::State& s) { torch_reference(s, big); })
        ->Arg(t)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
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
