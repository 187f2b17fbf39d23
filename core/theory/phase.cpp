#include "core/theory/phase.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/theory/quadrature.h"

namespace initscope {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// φ(λx) = λ·φ(x) for λ > 0: E[φ(√q z)²] = E[φ′²]·q exactly.
bool positively_homogeneous(Activation kind) {
  return kind == Activation::identity || kind == Activation::relu ||
         kind == Activation::leaky_relu || kind == Activation::prelu;
}

// Whether V(q)/q = E[(φ(√q z)/√q)²] is nonincreasing in q, as it is when |φ(x)/x| is nonincreasing
// in |x| on each half line: tanh, sigmoid, softsign, elu, selu, softplus (and the homogeneous ones,
// where it is constant). gelu's and silu's x·Φ(x), x·σ(x) have |φ(x)/x| growing for x > 0.
bool ratio_nonincreasing(Activation kind) {
  return kind != Activation::gelu && kind != Activation::silu;
}

// lim_{q→0} E[φ′(√q z)²] and lim_{q→∞}: the mean of the two one-sided limits of φ′², at 0 and at
// ±∞. For φ(0) = 0 they are also the limits of V(q)/q.
double d_at_zero(const ActivationFn& phi) {
  const double tiny = 1e-300;
  const double left = phi.derivative(-tiny);
  const double right = phi.derivative(tiny);
  return (left * left + right * right) / 2;
}
double d_at_infinity(const ActivationFn& phi) {
  const double huge = 1e100;
  const double left = phi.derivative(-huge);
  const double right = phi.derivative(huge);
  return (left * left + right * right) / 2;
}

// φ(−x) = −φ(x): the three integrands below are even, and the mirrored rule (core/theory/quadrature.h)
// gives them from its positive half alone, at half the cost.
bool odd(Activation kind) {
  return kind == Activation::identity || kind == Activation::tanh || kind == Activation::softsign;
}

// One Gauss–Hermite pass at q > 0: V = E[φ²], its derivative dV/dq = E[z·φ·φ′]/√q (Stein's lemma),
// and D = E[φ′²], all at √q·z.
struct Moments {
  double v = 0.0;
  double dv = 0.0;
  double d = 0.0;
};

Moments moments(const ActivationFn& phi, double q) {
  const GaussHermiteRule& rule = gauss_hermite();
  const double s = std::sqrt(q);
  const bool half = odd(phi.kind);
  Moments m;
  double zvd = 0.0;
  for (std::size_t i = half ? rule.nodes.size() / 2 : 0; i < rule.nodes.size(); ++i) {
    const double z = rule.nodes[i];
    const double w = rule.weights[i];
    const double value = phi.value(s * z);
    const double derivative = phi.derivative(s * z);
    m.v += w * (value * value);
    zvd += w * (z * value * derivative);
    m.d += w * (derivative * derivative);
  }
  const double mirror = half ? 2.0 : 1.0;
  m.v *= mirror;
  m.d *= mirror;
  m.dv = mirror * zvd / s;
  return m;
}

// g(q) = f(q) − q at one point, with g′ and D there.
struct Sample {
  double q = 0.0;
  double g = 0.0;
  double dg = 0.0;
  double d = 0.0;
};

class Residual {
 public:
  Residual(const ActivationFn& phi, double sigma_w2, double sigma_b2)
      : phi_(phi), sigma_w2_(sigma_w2), sigma_b2_(sigma_b2) {}

  Sample operator()(double q) {
    ++passes;
    const Moments m = moments(phi_, q);
    return {q, sigma_w2_ * m.v + sigma_b2_ - q, sigma_w2_ * m.dv - 1, m.d};
  }

  double sigma_b2() const { return sigma_b2_; }

  int passes = 0;

 private:
  const ActivationFn& phi_;
  double sigma_w2_;
  double sigma_b2_;
};

FixedPoint at(const Sample& s, int passes) {
  return {s.q, s.d, passes};
}

// Newton's next correction is below the tolerance: s is q* to that precision.
bool converged(const Sample& s) {
  return s.g == 0 || std::abs(s.g / s.dg) <= kFixedPointTolerance * s.q;
}

// The root of g between lo (g > 0) and hi (g < 0), from `cur`, one of them: Newton's step where it
// stays inside the bracket, else the bracket's midpoint (geometric where it spans a factor > 4).
FixedPoint bracketed(Residual& g, Sample lo, Sample hi, Sample cur) {
  while (!converged(cur) && hi.q - lo.q > kFixedPointTolerance * hi.q &&
         g.passes < kFixedPointMaxPasses) {
    double next = cur.q - cur.g / cur.dg;
    if (!(next > lo.q && next < hi.q)) {
      next = lo.q > 0 && hi.q > 4 * lo.q ? std::sqrt(lo.q * hi.q) : (lo.q + hi.q) / 2;
    }
    cur = g(next);
    (cur.g > 0 ? lo : hi) = cur;
  }
  return at(cur, g.passes);
}

// From `cur` towards the root the plain iteration q ↦ f(q) approaches, staying on its side of
// the root as that iteration does (f(q) never passes it): by Newton's step where it points that
// way (at most ×16), else by f(q) or a step of ×2, whichever is longer; once g changes sign, in
// the bracket. With `capped` (gelu, silu), q = ∞ as soon as σ_w²·V(q) ≥ q on the way up: V(q)/q
// is increasing for them, so g ≥ σ_b² > 0 from there on.
FixedPoint march(Residual& g, Sample cur, const ActivationFn& phi, bool capped) {
  const bool up = cur.g > 0;
  while (!converged(cur) && g.passes < kFixedPointMaxPasses) {
    if (capped && up && cur.g >= g.sigma_b2()) return {kInf, d_at_infinity(phi), g.passes};
    const double plain = cur.q + cur.g;
    const double newton = cur.q - cur.g / cur.dg;
    double next = plain;
    if (std::isfinite(newton) && (up ? newton > cur.q : newton < cur.q)) {
      next = up ? std::min(std::max(newton, plain), 16 * cur.q)
                : std::max(std::min(newton, plain), cur.q / 16);
    } else {
      next = up ? std::max(plain, 2 * cur.q) : std::min(plain, cur.q / 2);
    }
    if (next > kFixedPointDiverged) return {kInf, d_at_infinity(phi), g.passes};
    const Sample s = g(next);
    if (s.g != 0 && (s.g > 0) != up) {
      return up ? bracketed(g, cur, s, s) : bracketed(g, s, cur, s);
    }
    cur = s;
  }
  return at(cur, g.passes);
}

// q* with the iteration started at q_1 = σ_w² + σ_b², or (where q* does not depend on the start)
// at `guess` when it is a positive number.
FixedPoint solve(const ActivationFn& phi, double sigma_w2, double sigma_b2, double guess) {
  if (sigma_w2 == 0) {
    Residual g(phi, 0.0, sigma_b2);
    return sigma_b2 > 0 ? at(g(sigma_b2), g.passes) : FixedPoint{0.0, d_at_zero(phi), 0};
  }
  const double d0 = d_at_zero(phi);
  const double d_inf = d_at_infinity(phi);
  if (positively_homogeneous(phi.kind)) {
    const double rate = sigma_w2 * d0;  // V(q) = d0·q, E[φ′²] = d0 at every q
    if (rate < 1) return {sigma_b2 / (1 - rate), d0, 0};
    return {rate == 1 && sigma_b2 == 0 ? sigma_w2 : kInf, d0, 0};
  }
  const double phi0 = phi.value(0.0);
  const bool zero_is_fixed = sigma_w2 * phi0 * phi0 + sigma_b2 == 0;  // f(0) = 0
  const double q1 = sigma_w2 + sigma_b2;
  Residual g(phi, sigma_w2, sigma_b2);
  // g(q)/q = σ_w²·V(q)/q − 1 + σ_b²/q runs from σ_w²·d0 − 1 (f(0) = 0) or +∞ (f(0) > 0) at q → 0
  // to σ_w²·d_inf − 1 at q → ∞, where V(q)/q = E[φ(√q z)²]/q tends to d0 and d_inf.
  if (ratio_nonincreasing(phi.kind)) {
    // Strictly decreasing: g has at most one positive root, the iteration reaches it from any
    // q_1 > 0, and the limits decide whether there is one.
    if (zero_is_fixed && sigma_w2 * d0 <= 1) return {0.0, d0, 0};
    if (sigma_w2 * d_inf >= 1) return {kInf, d_inf, 0};
    return march(g, g(guess > 0 && std::isfinite(guess) ? guess : q1), phi, false);
  }
  // gelu, silu: increasing, plus σ_b²/q: with σ_b² = 0 the sign at q_1 holds all the way.
  const Sample start = g(q1);
  if (zero_is_fixed && start.g < 0) return {0.0, d0, g.passes};
  return march(g, start, phi, true);
}

void check_nonnegative(double value, const char* what) {
  if (!(value >= 0 && std::isfinite(value))) {
    throw InputError(std::string(what) + " must be a finite number ≥ 0, not " +
                     std::to_string(value));
  }
}

// Brent's method (Brent 1973, "zeroin") for a root of f between a and b, f(a)·f(b) < 0.
template <typename F>
double brent(F&& f, double a, double b, double fa, double fb, double rel_tol) {
  double c = a, fc = fa, d = b - a, e = d;
  for (int iter = 0; iter < 200; ++iter) {
    if ((fb > 0) == (fc > 0)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (std::abs(fc) < std::abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol = rel_tol * std::abs(b);
    const double m = (c - b) / 2;
    if (std::abs(m) <= tol || fb == 0) return b;
    if (std::abs(e) >= tol && std::abs(fa) > std::abs(fb)) {
      // Interpolation: secant with two points, inverse quadratic with three.
      const double s = fb / fa;
      double p, q;
      if (a == c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const double r = fb / fc, t = fa / fc;
        p = s * (2 * m * t * (t - r) - (b - a) * (r - 1));
        q = (t - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = std::abs(p);
      if (2 * p < std::min(3 * m * q - std::abs(tol * q), std::abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = e = m;
      }
    } else {
      d = e = m;
    }
    a = b;
    fa = fb;
    b += std::abs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = f(b);
  }
  return b;
}

}  // namespace

FixedPoint fixed_point(const ActivationFn& phi, double sigma_w2, double sigma_b2) {
  check_nonnegative(sigma_w2, "σ_w²");
  check_nonnegative(sigma_b2, "σ_b²");
  return solve(phi, sigma_w2, sigma_b2, 0.0);
}

double chi1(const ActivationFn& phi, double sigma_w2, double sigma_b2) {
  return sigma_w2 * fixed_point(phi, sigma_w2, sigma_b2).mean_square_derivative;
}

double depth_scale(double chi1) {
  return 1 / std::abs(std::log(chi1));
}

double PhaseGrid::sigma_w2(int i) const {
  return ranges.sigma_w2.lo + (i + 0.5) * (ranges.sigma_w2.hi - ranges.sigma_w2.lo) / nx;
}

double PhaseGrid::sigma_b2(int j) const {
  return ranges.sigma_b2.lo + (j + 0.5) * (ranges.sigma_b2.hi - ranges.sigma_b2.lo) / ny;
}

PhaseGrid phase_grid(const ActivationFn& phi, const PhaseRanges& ranges, int nx, int ny) {
  for (const Interval& r : {ranges.sigma_w2, ranges.sigma_b2}) {
    check_nonnegative(r.lo, "a range's lower end");
    check_nonnegative(r.hi - r.lo, "a range's width");
  }
  if (nx < 1 || ny < 1) throw InputError("a phase grid needs at least one cell each way");
  PhaseGrid grid{ranges, nx, ny, {}, {}, 0};
  const std::size_t cells = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  grid.log_chi1.reserve(cells);
  grid.q_star.reserve(cells);
  // Each cell's Newton starts from its left neighbours' q*, extrapolated linearly (the first
  // column from the cell below): 3 to 4 Gauss–Hermite sums a cell instead of 5 to 8 from q_1. The
  // start is used only where q* does not depend on it (see solve), so the values are fixed_point's.
  auto q_at = [&](int i, int j) { return grid.q_star[static_cast<std::size_t>(j) * nx + i]; };
  auto usable = [](double q) { return q > 0 && std::isfinite(q); };
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      double guess = i > 0 ? q_at(i - 1, j) : j > 0 ? q_at(0, j - 1) : 0.0;
      if (i > 1 && usable(guess) && usable(q_at(i - 2, j))) {
        guess = std::max(guess / 2, 2 * guess - q_at(i - 2, j));
      }
      const double sw2 = grid.sigma_w2(i);
      const FixedPoint fp = solve(phi, sw2, grid.sigma_b2(j), guess);
      grid.log_chi1.push_back(std::log(sw2 * fp.mean_square_derivative));
      grid.q_star.push_back(fp.q);
      grid.passes += fp.passes;
    }
  }
  return grid;
}

std::vector<double> critical_line(const ActivationFn& phi, const std::vector<double>& sigma_b2) {
  std::vector<double> line;
  line.reserve(sigma_b2.size());
  double guess = 1.5;
  for (const double sb2 : sigma_b2) {
    check_nonnegative(sb2, "σ_b²");
    double q = 0.0;  // the last q*, where the next fixed point's Newton starts
    auto h = [&](double sw2) {
      const FixedPoint fp = solve(phi, sw2, sb2, q);
      q = fp.q;
      // χ₁ = 1 counts as chaotic: where χ₁ only touches 1 from above (gelu at σ_w² = 2, where q*
      // turns infinite), the line is the crossing from below, not the touch.
      const double log_chi = std::log(sw2 * fp.mean_square_derivative);
      return log_chi == 0 ? std::numeric_limits<double>::denorm_min() : log_chi;
    };
    // Step out geometrically from the guess until ln χ₁ changes sign, then Brent in between.
    double a = guess, fa = h(a);
    double b = a, fb = fa;
    const double factor = fa < 0 ? 1.5 : 1 / 1.5;
    while ((fb > 0) == (fa > 0) && b > 1e-6 && b < 1e6) {
      a = b;
      fa = fb;
      b *= factor;
      fb = h(b);
    }
    const double root = (fb > 0) != (fa > 0) ? brent(h, a, b, fa, fb, 1e-13) : std::nan("");
    line.push_back(root);
    if (std::isfinite(root)) guess = root;
  }
  return line;
}

PhaseRanges default_phase_ranges(const ActivationFn& phi) {
  PhaseRanges ranges;
  const double top = critical_line(phi, {ranges.sigma_b2.hi}).front();
  if (std::isfinite(top) && top > 0) {
    // The smallest of 1, 2, 4, 5 times a power of 10 at or above 1.65·top, and at least 4.
    const double want = 1.65 * top;
    const double decade = std::pow(10.0, std::floor(std::log10(want)));
    double hi = 10 * decade;
    for (const double m : {1.0, 2.0, 4.0, 5.0}) {
      if (m * decade >= want) {
        hi = m * decade;
        break;
      }
    }
    hi = std::max(4.0, hi);
    ranges.sigma_w2 = {hi / 8, hi};
  }
  return ranges;
}

double gain_for_sigma_w2(double sigma_w2, double base) {
  return std::sqrt(sigma_w2 / base);
}

BiasInit bias_init_for_sigma_b2(double sigma_b2) {
  if (sigma_b2 == 0) return {};
  return {BiasInit::Kind::constant, std::sqrt(sigma_b2)};
}

}  // namespace initscope
