// Training (issue 17): seconds per step of train() against PyTorch's training step on the same MLP
// (bench/torch_reference.py --train, torch at its best), the default training run as a whole
// `initscope train` process, and the step against the GEMMs of its products (gemm/big).
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "bench/processes.h"
#include "bench/targets.h"
#include "core/data/fashion_mnist.h"
#include "core/train/train.h"

namespace initscope::bench {
namespace {

// The window's default training: depth 20, width 256, tanh + xavier_uniform, 300 steps of 128
// Fashion-MNIST images.
Config default_training() {
  Config c;
  c.input.dim = kFashionMnistPixels;
  c.train.emplace();
  return c;
}

// Issue 16's experiment trained on the teacher: depth 10, width 1024, batch 512, input 1024.
Config big_training() {
  Config c = big_experiment();
  TrainSetting t;
  t.task = TrainTask::teacher;
  t.batch = c.input.batch;
  t.optimizer.lr = 1e-4;  // small enough that the relu stack does not diverge in the steps timed
  c.train = t;
  return c;
}

// The seconds per step of train(c): two trainings of `few` and `many` steps with no evaluation
// between their first and last, differenced, so that the data load, step 0's statistics and the
// evaluations cancel.
void timed_steps(benchmark::State& state, Config c, std::int64_t few, std::int64_t many) {
  TrainOptions options;
  options.threads = static_cast<int>(state.range(0));
  c.train->eval_every = kMaxTrainSteps;
  c.train->eval_size = 1;
  const auto seconds_of = [&](std::int64_t steps) {
    options.steps = steps;
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(train(c, options));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  seconds_of(0);  // loads Fashion-MNIST (once per process) and warms the heap up
  for (auto _ : state) {
    const double short_run = seconds_of(few);
    state.SetIterationTime((seconds_of(many) - short_run) / static_cast<double>(many - few));
  }
  Config sized = c;
  sized.input.batch = c.train->batch;
  state.counters["GFLOP/s"] =
      benchmark::Counter(gemm_flops(sized), benchmark::Counter::kIsIterationInvariantRate);
}

// `steps` per timing, the best of 3 (a big step takes a quarter of a second in torch).
void torch_steps(benchmark::State& state, Config c, const char* activation, int steps) {
  c.input.batch = c.train->batch;
  for (auto _ : state) {
    const double seconds = torch_seconds(
        state, c, true,
        {"--train", std::to_string(steps), "--activation", activation, "--repeats", "3"});
    if (seconds < 0) {
      state.SkipWithError("python3 with torch not available");
      return;
    }
    state.SetIterationTime(seconds);
  }
}

// The whole `initscope train` of the default training, wall clock.
void process_training(benchmark::State& state) {
  const std::string config = write_config(default_training(), "default-training");
  for (auto _ : state) {
    const ProcessRun r = spawn_and_wait(
        {INITSCOPE_EXE, "train", config, "--threads", std::to_string(state.range(0))});
    if (r.seconds < 0) {
      state.SkipWithError("initscope train failed (is Fashion-MNIST installed?)");
      return;
    }
    state.SetIterationTime(r.seconds);
  }
}

// Each timing is one manual-time iteration, repeated 3 times (the report keeps the fastest).
void add(const std::string& name, int threads, void (*fn)(benchmark::State&)) {
  benchmark::RegisterBenchmark(name.c_str(), fn)
      ->Arg(threads)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->Repetitions(3);
}

const bool registered = [] {
  for (int t : {1, 2}) {
    const std::string suffix = "/threads:" + std::to_string(t);
    add("train/default" + suffix, t,
        [](benchmark::State& s) { timed_steps(s, default_training(), 5, 45); });
    add("train/big" + suffix, t, [](benchmark::State& s) { timed_steps(s, big_training(), 2, 8); });
    add("torch-train/default" + suffix, t,
        [](benchmark::State& s) { torch_steps(s, default_training(), "tanh", 20); });
    add("torch-train/big" + suffix, t,
        [](benchmark::State& s) { torch_steps(s, big_training(), "relu", 4); });
  }
  add("process/default-training/threads:2", 2, process_training);
  return true;
}();

}  // namespace
}  // namespace initscope::bench
