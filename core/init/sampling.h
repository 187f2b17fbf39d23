#pragma once

// Fills of float storage from the elementary laws. Every value is computed from counters that
// belong to it alone, fixed before the fill starts, so fills run in parallel blocks and stay
// byte-identical whatever the thread count. Value i of a uniform or normal fill, and of a truncated
// normal one by the inverse CDF, comes from counter first + i/4 (a fill of n values reserves
// ceil(n/4)); the truncated normal's rejection sampler gives each block of 4096 values a fixed span
// of 5120 counters (detail::fill_trunc_normal_by_rejection).

#include <cstdint>
#include <span>
#include <vector>

#include "core/init/rng.h"

namespace initscope {

/// U[low, high): low + (high − low)·u with u a 24-bit uniform on [0, 1) (the resolution of a float,
/// as in torch's uniform_). Requires low ≤ high.
void fill_uniform(std::span<float> out, double low, double high, Generator& gen);

/// N(mean, std²) by the Box–Muller transform. Requires std ≥ 0.
void fill_normal(std::span<float> out, double mean, double std, Generator& gen);

/// N(mean, std²) conditioned on [a, b] (absolute bounds), sampled exactly, with no probability mass
/// piled up at the bounds. When [a, b] holds at least 30% of N(mean, std²) (the default [−2, 2] of
/// N(0, 1) among them, and [−2, 2] at std 0.02), by rejection: N(0, 1) values from the normal
/// fill's Box–Muller transform, kept when inside; they reach ±6.76σ. Otherwise by the inverse CDF
/// in double precision, with the tails handled in the lower half (and in log space beyond 37σ).
/// Requires std > 0 and a < b.
void fill_trunc_normal(std::span<float> out, double mean, double std, double a, double b,
                       Generator& gen);

/// A uniformly random subset of `count` distinct indices of [0, n), ascending. Draws from
/// ceil(n/2) counters.
std::vector<std::int64_t> random_subset(std::int64_t n, std::int64_t count, Generator& gen);

/// `subsets` independent random subsets as above, subset s in entries [s·count, (s + 1)·count):
/// the same as that many successive calls of random_subset, drawn in parallel.
std::vector<std::int64_t> random_subsets(std::int64_t n, std::int64_t count, std::int64_t subsets,
                                         Generator& gen);

/// Standard normal CDF Φ = erfc(−x/√2)/2 (relative error about x²·ε in the left tail, from rounding
/// x/√2: 1e-13 at −37) and its inverse, exact to a few ulp of p (Acklam's approximation and one
/// Halley step). Exposed for the truncated-normal law's density and for tests.
double normal_cdf(double x);
double normal_quantile(double p);

namespace detail {

/// fill_trunc_normal's rejection sampler, exposed so that tests can starve it. Block b of 4096
/// values draws its candidates, four per counter in order, from counters first + b·span + j for
/// j < candidate_counters, with span = candidate_counters + 1024; should they run short, the rest
/// of the block comes from the inverse CDF of the 1024 counters after them. fill_trunc_normal
/// passes 4096, which never runs short in practice; a multiple of 16 is required. Arguments as
/// checked by fill_trunc_normal.
void fill_trunc_normal_by_rejection(std::span<float> out, double mean, double std, double a,
                                    double b, Generator& gen, std::int64_t candidate_counters);

}  // namespace detail

}  // namespace initscope
