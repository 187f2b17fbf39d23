#pragma once

// The order-to-chaos phase diagram of mean-field signal propagation (Poole et al. 2016,
// "Exponential expressivity in deep neural networks through transient chaos"; Schoenholz et al.
// 2017, "Deep information propagation"). In a wide network with weights of variance σ_w²/fan_in and
// zero-mean biases of variance σ_b², a layer maps the pre-activations' second moment q to
//   f(q) = σ_w²·E[φ(√q·z)²] + σ_b²,  z ~ N(0, 1),
// which settles at a fixed point q* = f(q*). There a gradient's second moment is multiplied per
// layer by
//   χ₁ = σ_w²·E[φ′(√q*·z)²],
// which is also the slope of the correlation map at c = 1: χ₁ < 1 is the ordered phase (nearby
// inputs converge, gradients vanish), χ₁ > 1 the chaotic phase (nearby inputs decorrelate,
// gradients explode), χ₁ = 1 the critical line, the edge of chaos. Every expectation is a
// Gauss–Hermite sum of 2·kGaussHermiteNodes = 128 nodes (core/theory/quadrature.h), the rule of
// core/theory/mean_field.h.

#include <limits>
#include <vector>

#include "core/nn/activation.h"
#include "core/config.h"

namespace initscope {

/// The fixed point of q ↦ f(q), as a network reaches it: the limit of q_{l+1} = f(q_l) from
/// q_1 = σ_w² + σ_b², the first layer's second moment for an input with E[x²] = 1 (both of the
/// SPEC's input distributions). f is nondecreasing for every SPEC activation, so the sequence is
/// monotone and its limit is the fixed point nearest to q_1 in the direction it moves. Hence:
///  - σ_w² = 0: q* = σ_b².
///  - q may grow without bound (relu, leaky_relu, prelu and identity at σ_w²·E[φ′²] > 1, or = 1
///    with σ_b² > 0; elu, selu, gelu, silu, softplus for σ_w² large enough): q = +∞, the flag
///    finite() is false. Bounded activations (tanh, sigmoid, softsign) always have a finite q*.
///  - relu at σ_w² = 2, σ_b² = 0 (generally: a positively homogeneous φ at σ_w²·E[φ′²] = 1,
///    σ_b² = 0) fixes every q; the one returned is q_1 = σ_w², where the network starts and stays.
///  - q may decay to 0 when σ_b² = 0 and φ(0) = 0: tanh and softsign for σ_w² ≤ 1, elu for
///    σ_w²·(1 + α²)/2 ≤ 1, ...; then q = 0.
/// Closed form for the positively homogeneous activations (V(q) = E[φ(√q z)²] = E[φ′²]·q). For
/// the others, whether q grows without bound or decays to 0 is decided exactly from how V(q)/q
/// varies with q (it decreases for all but gelu and silu, so g(q) = f(q) − q has at most one
/// positive root and q* does not depend on q_1), and q* itself by Newton's method (f′ by Stein's
/// lemma, f′(q) = σ_w²·E[z·φ(√q z)·φ′(√q z)]/√q), kept on the side of q* the plain iteration
/// stays on until g changes sign, then safeguarded by bisection in the bracket. gelu and silu at
/// σ_b² > 0 can have several fixed points (V(q)/q increases): there the walk from q_1 takes
/// Newton's step where it points onward, else steps of ×2 at most, returns q = +∞ once
/// σ_w²·V(q) ≥ q (from there on g ≥ σ_b² > 0) or past kFixedPointDiverged, and could step over
/// two fixed points closer together than that (not seen; the tests check it against the plain
/// iteration). Where q* ≳ 10³ (unbounded φ near the σ_w² at which q diverges), the 128-node rule
/// no longer resolves φ's shape near 0 at the scale 1/√q* and V, E[φ′²] tend to their relu-like
/// limits: χ₁ there is close to, not exactly, its value.
struct FixedPoint {
  double q = 0.0;  // q*, or +∞
  /// E[φ′(√q*·z)²]; its limit at q* = 0 ((φ′(0⁻)² + φ′(0⁺)²)/2) and at q* = ∞
  /// ((φ′(−∞)² + φ′(+∞)²)/2), where χ₁ is still defined.
  double mean_square_derivative = 0.0;
  int passes = 0;  // Gauss–Hermite sums spent, 128 activation evaluations each
  bool finite() const { return q < std::numeric_limits<double>::infinity(); }
};

/// Newton stops when its next correction |g/g′| is below this fraction of q (or the bracket is
/// this narrow): q* is then good to about 1e-14 relative, and so is f(q*) − q* (tested
/// to 1e-12).
inline constexpr double kFixedPointTolerance = 1e-14;
/// At most this many Gauss–Hermite sums per fixed point (then the last iterate is returned);
/// 3 to 7 are typical, about 35 at worst, near the bifurcations (tanh, softsign at σ_w² → 1⁺,
/// σ_b² = 0, where q* → 0 through a double root).
inline constexpr int kFixedPointMaxPasses = 200;
/// Where a search that keeps growing declares q* = ∞.
inline constexpr double kFixedPointDiverged = 1e30;

/// σ_w² ≥ 0 and σ_b² ≥ 0, finite; throws InputError otherwise.
FixedPoint fixed_point(const ActivationFn& phi, double sigma_w2, double sigma_b2);

/// χ₁ = σ_w²·E[φ′(√q*·z)²] at q* = fixed_point(...).q, with the limits above where q* is 0 or ∞:
/// relu's χ₁ = σ_w²/2 for every σ_b², whether or not q* is finite.
double chi1(const ActivationFn& phi, double sigma_w2, double sigma_b2);

/// The depth scale ξ = 1/|ln χ₁|, +∞ at χ₁ = 1 (and 0 at χ₁ = 0). On the ordered side (χ₁ < 1) it
/// is Schoenholz et al.'s ξ_c = −1/ln χ₁, the depth over which the correlation of two inputs
/// approaches 1 (c* = 1 there, so ξ_c's integral is χ₁), and also their gradient scale ξ_∇ over
/// which gradients vanish by a factor e. On the chaotic side it is 1/ln χ₁ = −ξ_∇, the depth over
/// which gradients grow by a factor e; it is not the chaotic phase's ξ_c, which needs the
/// correlation fixed point c* < 1 and is not computed here. Both diverge at χ₁ = 1, where signals
/// propagate to any depth; Schoenholz et al. find networks trainable to a depth of about 6ξ_c.
double depth_scale(double chi1);

/// A closed interval [lo, hi].
struct Interval {
  double lo = 0.0;
  double hi = 0.0;
};

/// The axes of a phase diagram: σ_w² across, σ_b² up.
struct PhaseRanges {
  Interval sigma_w2{0.5, 4.0};
  Interval sigma_b2{0.0, 0.25};
};

/// Schoenholz et al.'s window for tanh, σ_w² ∈ [1, 4], σ_b² ∈ [0, 0.25], widened to show where
/// the line starts and adapted to φ: σ_b² over [0, 0.25], σ_w² over [w/8, w] with w the smallest
/// of 1, 2, 4, 5 × 10^k at or above 1.65·s, and at least 4, where s is the critical σ_w² at
/// σ_b² = 0.25. tanh (s ≈ 2.40, starting from 1 at σ_b² = 0), relu (2) and most others give
/// [0.5, 4]; sigmoid (s ≈ 103.6) [25, 200]; softsign [1.25, 10].
PhaseRanges default_phase_ranges(const ActivationFn& phi);

/// log χ₁ (natural log) over a grid of cell centres: cell (i, j), i ∈ [0, nx) across σ_w²,
/// j ∈ [0, ny) up σ_b², sits at σ_w² = lo + (i + ½)·(hi − lo)/nx and likewise σ_b², the centres
/// of nx × ny equal cells tiling the ranges. Row-major with σ_b² ascending: value (i, j) at
/// [j·nx + i], row j = 0 is the smallest σ_b² (the bottom of the plot; flip it to fill an image
/// whose first row is the top). log χ₁ < 0 ordered, > 0 chaotic, −∞ where σ_w² = 0.
struct PhaseGrid {
  PhaseRanges ranges;
  int nx = 0;
  int ny = 0;
  std::vector<double> log_chi1;  // nx·ny
  std::vector<double> q_star;    // nx·ny, the fixed points (+∞ where q grows without bound)
  long long passes = 0;          // Gauss–Hermite sums spent on the whole grid

  double sigma_w2(int i) const;
  double sigma_b2(int j) const;
  double at(int i, int j) const { return log_chi1[static_cast<std::size_t>(j) * nx + i]; }
};

/// Every cell's fixed point and χ₁, as fixed_point and chi1 compute them (each Newton started from
/// its neighbours' q* where q* does not depend on the start: about 3 sums a cell). nx, ny ≥ 1 and
/// ranges with 0 ≤ lo ≤ hi; throws InputError otherwise. On one core, 200 × 150 cells take about
/// 0.15 s for tanh, 0.3 s for gelu (the slowest: erfc, no warm start), 1 ms for relu.
PhaseGrid phase_grid(const ActivationFn& phi, const PhaseRanges& ranges, int nx, int ny);

/// For each σ_b², the σ_w² at which χ₁ crosses 1 from below (χ₁ = 1 counts as chaotic): the edge
/// of chaos. Found by stepping ×1.5 from the previous σ_b²'s answer (from 1.5 for the first) until
/// ln χ₁ changes sign, then Brent's method to a relative 1e-13: 0.05 ms a point for tanh, 0.6 ms
/// for gelu. NaN where no sign change lies in [1e-6, 1e6]. In the default windows every row of the
/// grid crosses once (tested), though χ₁ is not monotone in σ_w² everywhere (elu and selu dip back
/// towards 1 where q* turns infinite); gelu near σ_w² = 2 crosses up to three times within 0.005,
/// where q* jumps between its fixed points, and the one found is any of them. relu, leaky_relu,
/// prelu, identity: 1/E[φ′²] for every σ_b² (relu: 2); softplus 2 (χ₁ < σ_w²/2 while q* is
/// finite); tanh: exactly 1 at σ_b² = 0 (χ₁ = σ_w² below, ≈ 1 + (4/3)·q*² above), 1.76 at 0.05.
std::vector<double> critical_line(const ActivationFn& phi, const std::vector<double>& sigma_b2);

/// What a click on the diagram sets. For xavier_uniform, xavier_normal, kaiming_uniform,
/// kaiming_normal (either mode) and orthogonal, a hidden layer's weights ([width, width]) have
/// fan_in·Var(W) = init.gain², so σ_w² = gain² and the click sets init.gain = √σ_w². Pass
/// base = fan_in·Var(W) at gain 1 for a law where it is not 1. (Orthogonal weights are not
/// i.i.d., but their q map is the same.)
double gain_for_sigma_w2(double sigma_w2, double base = 1.0);

/// The bias a click sets: zeros at σ_b² = 0, else the constant √σ_b². The diagram's σ_b² is the
/// variance of a zero-mean bias drawn afresh for every unit, which no network.bias_init draws
/// (torch_default's U(±1/√fan_in) has σ_b² = 1/(3·fan_in), fixed). A constant c has the same
/// second moment c² = σ_b², and so the same q map's σ_b², but it also shifts every
/// pre-activation's mean by c, so the run's χ (MeanFieldPrediction::chi, which accounts for the
/// mean) differs a little from the diagram's χ₁: for tanh by 0.02 % at σ_b² = 0.01, 0.4 % at 0.1
/// and 1.2 to 2.6 % at 0.25 over σ_w² ∈ [1.5, 3], always on the ordered side of it.
BiasInit bias_init_for_sigma_b2(double sigma_b2);

}  // namespace initscope
