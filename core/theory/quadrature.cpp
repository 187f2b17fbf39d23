#include "core/theory/quadrature.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numbers>

#include <Eigen/Eigenvalues>

#include "core/error.h"

namespace initscope {
namespace {

struct Recurrence {
  std::vector<double> alpha;  // diagonal of the Jacobi matrix
  std::vector<double> beta;   // beta[k] = squared off-diagonal entry (k ≥ 1)
};

// Golub & Welsch (1969): the nodes of the Gauss rule of a measure are the eigenvalues of its Jacobi
// matrix. The weights are the Christoffel numbers 1/Σ_k p_k(x_i)² over the orthonormal polynomials,
// evaluated by the recurrence: unlike squared eigenvector components, whose error is absolute, they
// keep full relative precision in the far tail where the weights are tiny.
std::pair<Eigen::VectorXd, Eigen::VectorXd> golub_welsch(const Recurrence& r, double mass) {
  const auto n = static_cast<Eigen::Index>(r.alpha.size());
  Eigen::VectorXd diagonal(n), off_diagonal(std::max<Eigen::Index>(n - 1, 0));
  for (Eigen::Index k = 0; k < n; ++k) diagonal[k] = r.alpha[k];
  for (Eigen::Index k = 1; k < n; ++k) off_diagonal[k - 1] = std::sqrt(r.beta[k]);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
  solver.computeFromTridiagonal(diagonal, off_diagonal, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& nodes = solver.eigenvalues();
  Eigen::VectorXd weights(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double previous = 0, current = 1 / std::sqrt(mass), sum = current * current;
    for (Eigen::Index k = 0; k + 1 < n; ++k) {
      const double next =
          ((nodes[i] - diagonal[k]) * current - (k > 0 ? off_diagonal[k - 1] : 0.0) * previous) /
          off_diagonal[k];
      previous = current;
      current = next;
      sum += current * current;
    }
    weights[i] = 1 / sum;
  }
  return {nodes, weights};
}

// Gauss–Legendre on [−1, 1]: α = 0, β_k = k²/(4k² − 1), mass 2.
std::pair<Eigen::VectorXd, Eigen::VectorXd> gauss_legendre(int n) {
  Recurrence r{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  for (int k = 1; k < n; ++k) r.beta[k] = k * k / (4.0 * k * k - 1.0);
  return golub_welsch(r, 2.0);
}

// The recurrence coefficients of φ(z) on [0, ∞) by the discretized Stieltjes procedure
// (Gautschi, "Orthogonal Polynomials: Computation and Approximation", 2004, §2.2.3): discretize the
// measure with composite Gauss–Legendre on [0, 40] (φ(40) < 1e-347), then run the three-term
// recurrence on the discrete measure with orthonormalized polynomials.
Recurrence half_normal_recurrence(int n) {
  constexpr int kPanels = 80;
  constexpr double kEnd = 40.0;
  constexpr int kPanelNodes = 64;
  const auto [gl_nodes, gl_weights] = gauss_legendre(kPanelNodes);
  std::vector<double> x, w;
  const double half = kEnd / kPanels / 2;
  for (int panel = 0; panel < kPanels; ++panel) {
    const double centre = (2 * panel + 1) * half;
    for (int i = 0; i < kPanelNodes; ++i) {
      const double z = centre + half * gl_nodes[i];
      x.push_back(z);
      w.push_back(half * gl_weights[i] * std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi));
    }
  }
  const std::size_t m = x.size();
  Recurrence r{std::vector<double>(n), std::vector<double>(n, 0.0)};
  std::vector<double> previous(m, 0.0), current(m), next(m);
  double norm = 0;
  for (std::size_t j = 0; j < m; ++j) norm += w[j];
  for (std::size_t j = 0; j < m; ++j) current[j] = 1.0 / std::sqrt(norm);
  for (int k = 0; k < n; ++k) {
    double alpha = 0;
    for (std::size_t j = 0; j < m; ++j) alpha += w[j] * x[j] * current[j] * current[j];
    r.alpha[k] = alpha;
    const double sqrt_beta = k > 0 ? std::sqrt(r.beta[k]) : 0.0;
    double next_norm = 0;
    for (std::size_t j = 0; j < m; ++j) {
      next[j] = (x[j] - alpha) * current[j] - sqrt_beta * previous[j];
      next_norm += w[j] * next[j] * next[j];
    }
    if (k + 1 < n) r.beta[k + 1] = next_norm;
    for (std::size_t j = 0; j < m; ++j) {
      previous[j] = current[j];
      current[j] = next[j] / std::sqrt(next_norm);
    }
  }
  return r;
}

GaussHermiteRule compute_rule(int n) {
  const auto [nodes, weights] = golub_welsch(half_normal_recurrence(n), 0.5);
  GaussHermiteRule rule;
  for (int i = n - 1; i >= 0; --i) {
    rule.nodes.push_back(-nodes[i]);
    rule.weights.push_back(weights[i]);
  }
  for (int i = 0; i < n; ++i) {
    rule.nodes.push_back(nodes[i]);
    rule.weights.push_back(weights[i]);
  }
  return rule;
}

}  // namespace

const GaussHermiteRule& gauss_hermite(int n) {
  if (n < 1 || n > 256) throw InputError("the Gauss-Hermite rule takes 1 to 256 nodes per half");
  static std::mutex mutex;
  static std::map<int, GaussHermiteRule> cache;  // node-based: references stay valid
  std::lock_guard lock(mutex);
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, compute_rule(n)).first;
  return it->second;
}

}  // namespace initscope
