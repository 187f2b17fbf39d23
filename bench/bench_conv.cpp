// Issue 8's conv stack: run() of depth 10, 64 channels, 32×32 images, batch 32 (relu +
// kaiming_normal, 3 input channels) against the pure GEMMs of the same shapes, its roofline.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "bench/run_loops.h"
#include "bench/targets.h"
#include "core/compute/matmul.h"
#include "core/compute/parallel.h"
#include "core/run.h"
#include "core/compute/tensor.h"

namespace initscope::bench {
namespace {

// The GEMMs of a conv stack's forward and backward pass as im2col sees them, and nothing else
// (no im2col copies, sampling, norms or statistics): per layer z = cols·Wᵀ, ∂W = (∂z)ᵀ·cols and
// ∂cols = ∂z·W, with cols of N·H·W rows and in·k² columns, core/compute/matmul.h's products. On T threads
// each product's output rows are split into T equal parts, and the N·H·W-row products go in blocks
// of kBlockRows rows (as tall as the run's own blocks): one product over all 32768 rows streams its
// 75 MB operands from memory and is slower than the run itself, which would make a poor roofline.
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
  auto split = [threads](Eigen::Index count, auto product) { split_rows(threads, count, product); };
  constexpr Eigen::Index kBlockRows = 512;
  auto blocks = [&](Eigen::Index count, auto product) {
    split(count, [&](Eigen::Index begin, Eigen::Index n) {
      for (Eigen::Index b = begin; b < begin + n; b += kBlockRows) {
        product(b, std::min(kBlockRows, begin + n - b));
      }
    });
  };
  for (auto _ : state) {
    for (int l = 1; l <= c.network.depth; ++l) {
      const MatrixRM& x = l == 1 ? first_cols : cols;
      const MatrixRM& weight = l == 1 ? first_w : w;
      blocks(rows, [&](Eigen::Index b, Eigen::Index n) {
        matmul_abt<float>(x.middleRows(b, n), weight, z.middleRows(b, n));
      });
    }
    for (int l = static_cast<int>(c.network.depth); l >= 1; --l) {
      const MatrixRM& x = l == 1 ? first_cols : cols;
      const MatrixRM& weight = l == 1 ? first_w : w;
      MatrixRM& gw = l == 1 ? grad_w_first : grad_w;
      MatrixRM& gx = l == 1 ? grad_cols_first : grad_cols;
      split(width, [&](Eigen::Index b, Eigen::Index n) {
        matmul_atb<float>(grad_z.middleCols(b, n), x, gw.middleRows(b, n));
      });
      blocks(rows, [&](Eigen::Index b, Eigen::Index n) {
        matmul_ab<float>(grad_z.middleRows(b, n), weight, gx.middleRows(b, n));
      });
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
