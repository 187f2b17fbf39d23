#pragma once

#include <vector>

namespace initscope {

/// A quadrature rule for the standard normal weight: E[f(z)] ≈ Σ weights[i]·f(nodes[i]),
/// z ~ N(0,1). Nodes ascend; weights sum to 1.
struct GaussHermiteRule {
  std::vector<double> nodes;
  std::vector<double> weights;
};

/// Nodes per half line. With 64 the expectations of every SPEC activation, kinked or smooth,
/// agree with an independent reference to about 1e-14 (tested).
inline constexpr int kGaussHermiteNodes = 64;

/// The half-range Gauss–Hermite rule (Steen, Byrne & Gelbard 1969: Gauss quadrature for the
/// weight φ(z) on [0, ∞)) with n nodes, mirrored onto the negative half: 2n nodes in all, exact
/// for every function that is a polynomial of degree < 2n on each half line separately.
/// The activations have their kinks at z = 0 (relu, elu, selu, ...), where the ordinary full-line
/// rule converges only as 1/n² (192 nodes leave selu's E[φ²] off by 2.4e-5); split at 0, each half
/// is analytic and the rule converges exponentially. Computed once per n and cached; thread-safe.
const GaussHermiteRule& gauss_hermite(int n = kGaussHermiteNodes);

/// E[f(z)], z ~ N(0,1), by the rule above.
template <typename F>
double gaussian_expectation(F&& f, int n = kGaussHermiteNodes) {
  const GaussHermiteRule& rule = gauss_hermite(n);
  double sum = 0.0;
  for (std::size_t i = 0; i < rule.nodes.size(); ++i) sum += rule.weights[i] * f(rule.nodes[i]);
  return sum;
}

}  // namespace initscope
