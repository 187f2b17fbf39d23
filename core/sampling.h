#pragma once

// Fills of float storage from the elementary laws. Value i of a fill is computed from counter
// (first + i/4) of the generator alone, so fills run in parallel blocks and stay byte-identical
// whatever the thread count.

#include <cstdint>
#include <span>
#include <vector>

#include "core/rng.h"

namespace initscope {

/// U[low, high): low + (high − low)·u with u a 24-bit uniform on [0, 1) (the resolution of a float,
/// as in torch's uniform_). Requires low ≤ high.
void fill_uniform(std::span<float> out, double low, double high, Generator& gen);

/// N(mean, std²) by the Box–Muller transform. Requires std ≥ 0.
void fill_normal(std::span<float> out, double mean, double std, Generator& gen);

/// N(mean, std²) conditioned on [a, b] (absolute bounds), sampled exactly by the inverse CDF in
/// double precision, with the tails handled in the lower half (and in log space beyond 37σ)
/// so that no probability mass piles up at the bounds. Requires std > 0 and a < b.
void fill_trunc_normal(std::span<float> out, double mean, double std, double a, double b,
                       Generator& gen);

/// A uniformly random subset of `count` distinct indices of [0, n), ascending.
std::vector<std::int64_t> random_subset(std::int64_t n, std::int64_t count, Generator& gen);

/// Standard normal CDF Φ = erfc(−x/√2)/2 (relative error about x²·ε in the left tail, from rounding
/// x/√2: 1e-13 at −37) and its inverse, exact to a few ulp of p (Acklam's approximation and one
/// Halley step). Exposed for the truncated-normal law's density and for tests.
double normal_cdf(double x);
double normal_quantile(double p);

}  // namespace initscope
