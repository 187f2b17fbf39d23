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
#include "core/io/config_io.h"
#include "core/compute/matmul.h"
#include "core/compute/parallel.h"
#include "core/run.h"
#include "core/compute/tensor.h"

extern char** environ;  // handed to the programs the benchmark starts

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

struct ProcessRun {
  double seconds = 0;     // wall time; negative if the program failed
  double peak_bytes = 0;  // its peak resident memory, when run through initscope_peak_rss
};

std::filesystem::path scratch_dir() {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "initscope-bench";
  std::filesystem::create_directories(dir);
  return dir;
}

// This process's environment less the variables named in `drop`.
std::vector<char*> environment_without(const std::vector<std::string>& drop) {
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (std::find(drop.begin(), drop.end(), name) == drop.end()) env.push_back(*e);
  }
  env.push_back(nullptr);
  return env;
}

// Runs a program to completion, standard output discarded; its wall time. Its environment is
// this one's, less the variables named in `drop_env`.
ProcessRun spawn_and_wait(const std::vector<std::string>& args,
                          const std::vector<std::string>& drop_env = {}) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  std::vector<char*> env = environment_without(drop_env);
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
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
// with torch is on the machine; the script itself times it, on its best split of torch's and
// OpenBLAS's threads, and writes the seconds and that split (the benchmark's label).
// `at_best`: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, which this machine's environment sets
// and which hold OpenBLAS to AVX2 kernels on an AVX-512 CPU; otherwise torch as configured here.
void torch_reference(benchmark::State& state, const Config& c, bool at_best) {
  const std::string threads = std::to_string(state.range(0));
  const std::string script = std::string(INITSCOPE_SOURCE_DIR) + "/bench/torch_reference.py";
  const std::string result_file = (scratch_dir() / "torch.txt").string();
  const std::vector<std::string> drop =
      at_best ? std::vector<std::string>{"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
              : std::vector<std::string>{};
  std::vector<std::string> args{"/usr/bin/python3", script, "--threads", threads, "--depth",
                                std::to_string(c.network.depth), "--width",
                                std::to_string(c.network.width), "--batch",
                                std::to_string(c.input.batch), "--dim", std::to_string(c.input.dim),
                                "--repeats", "10", "--out", result_file};
  if (c.network.type == NetworkType::conv2d) {
    for (const std::string& a :
         {std::string("--conv"), std::string("--channels"), std::to_string(c.input.channels),
          std::string("--size"), std::to_string(c.input.height), std::string("--kernel"),
          std::to_string(c.network.kernel)})
      args.push_back(a);
  }
  for (auto _ : state) {
    std::filesystem::remove(result_file);
    const ProcessRun r = spawn_and_wait(args, drop);
    double seconds = -1;
    std::string how;
    if (std::ifstream in(result_file); in) {
      in >> seconds;
      std::getline(in, how);
    }
    if (r.seconds < 0 || !(seconds > 0)) {
      state.SkipWithError("python3 with torch not available");
      return;
    }
    state.SetIterationTime(seconds);
    state.SetLabel(how);
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
