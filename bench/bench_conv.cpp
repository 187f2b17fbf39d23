// Issue 8's conv stack: run() of depth 10, 64 channels, 32×32 images, batch 32 (relu +
// kaiming_normal, 3 input channels) against the pure GEMMs of the same shapes, its roofline.
#include <benchmark/benchmark.h>


#include "bench/run_loops.h"
#include "bench/targets.h"
#include "core/matmul.h"
#include "core/parallel.h"
#include "core/run.h"
#include "core/tensor.h"

namespace initscope::bench {
namespace {

// The GEMMs of a conv stack's forward and backward pass as im2col sees them, and nothing else
// (no im2col copies, sampling, norms or statistics): per layer z = cols·Wᵀ, ∂W = (∂z)ᵀ·cols and
// ∂cols = ∂z·W, with cols of N·H·W rows and in·k² columns, each one core/matmul.h product over
// all rows on the same threads as the run.
void conv_gemm_roofline(benchmark::State& state, const Config& c) {
  const int threads = static_cast<int>(state.range(0));
  const ThreadLimit scope(threads);
  const Eigen::Index rows = c.input.batch * c.input.height * c.input.width;
  const Eigen::Index k2 = c.network.kernel * c.network.kernel, width = c.network.width;
  const Eigen::Index first_in = c.input.channels * k2, in = width * k2;
  const MatrixRM first_cols = MatrixRM::Random(rows, first_in), cols = MatrixRM::Random(rows, in);
  const MatrixRM first_w = MatrixRM::Random(width, first_in), w = MatrixRM::Random(width, in);
  MatrixRM z(rows, width), grad_w(width, in), grad_w_first(width, first_in);
  MatrixRM grad_cols(rows, in), grad_cols_first(rows, first_in);
  const MatrixRM grad_z = MatrixRM::Random(rows, width);
  for (auto _ : state) {
    for (int l = 1; l <= c.network.depth; ++l)
      matmul_abt<float>(l == 1 ? first_cols : cols, l == 1 ? first_w : w, z);
    for (int l = static_cast<int>(c.network.depth); l >= 1; --l) {
      matmul_atb<float>(grad_z, l == 1 ? first_cols : cols, l == 1 ? grad_w_first : grad_w);
      matmul_ab<float>(grad_z, l == 1 ? first_w : w, l == 1 ? grad_cols_first : grad_cols);
    }
    benchmark::DoNotOptimize(grad_cols_first.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(conv_gemm_flops(c), benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
  static const Config conv = conv_experiment();
  for (int t : {1, 2}) {
    const std::string suffix = "/threads:" + std::to_string(t);
    benchmark::RegisterBenchmark(("gemm/conv" + suffix).c_str(),
                                 [](benchmark::State& s) { conv_gemm_roofline(s, conv); })
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0)
        ->Repetitions(3);
    benchmark::RegisterBenchmark(
        ("run/conv" + suffix).c_str(),
        [](benchmark::State& s) { timed_runs(s, conv, conv_gemm_flops(conv)); })
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0)
        ->Repetitions(3);
  }
  return true;
}();

}  // namespace
}  // namespace initscope::bench
