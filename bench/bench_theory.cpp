// Issue 9's theory, timed: the order/chaos phase diagram the window redraws when the activation
// changes (a 200 × 150 grid of χ₁ and a 150-point critical line), and the Jacobian spectrum at the
// issue's largest width.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/theory/jacobian.h"
#include "core/theory/phase.h"

namespace initscope::bench {
namespace {

void phase_diagram(benchmark::State& state, Activation kind) {
  const ActivationFn phi = ActivationFn::make(kind);
  const PhaseRanges ranges = default_phase_ranges(phi);
  for (auto _ : state) {
    const PhaseGrid grid = phase_grid(phi, ranges, 200, 150);
    std::vector<double> sigma_b2;
    for (int j = 0; j < grid.ny; ++j) sigma_b2.push_back(grid.sigma_b2(j));
    benchmark::DoNotOptimize(critical_line(phi, sigma_b2));
  }
}
BENCHMARK_CAPTURE(phase_diagram, tanh, Activation::tanh)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(phase_diagram, gelu, Activation::gelu)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(phase_diagram, relu, Activation::relu)->Unit(benchmark::kMillisecond);

// Width and input dim 1024 (the most the spectrum takes), tanh + xavier_uniform.
void jacobian(benchmark::State& state) {
  Config c;
  c.network.width = 1024;
  c.input.dim = 1024;
  c.input.batch = 16;
  c.network.depth = state.range(0);
  for (auto _ : state) benchmark::DoNotOptimize(jacobian_spectrum(c).mean_squared);
}
BENCHMARK(jacobian)->Arg(20)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace initscope::bench
