#include "core/theory/mean_field.h"

#include <cmath>
#include <cstdio>

#include "core/config.h"
#include "core/io/config_io.h"
#include "core/init/law_moments.h"
#include "core/theory/quadrature.h"
#include "core/result.h"

namespace initscope {

namespace {

double square(double x) {
  return x * x;
}

// Beyond this many standard deviations from the mean, a kink at x = 0 is too far in the tail to
// spoil the plain rule.
constexpr double kMaxShift = 8.0;

// E[f(mean + √variance·z)], z ~ N(0, 1). The activations have their kinks at x = 0, where the
// half-range rule splits (core/theory/quadrature.h); a shifted argument would move the kink to
// z = −mean/s, where the rule converges only slowly (1% off for relu′ at mean/s = 1/3). So the
// rule is applied in x/s instead, with the likelihood ratio of N(mean/s, 1) to N(0, 1) as a
// factor: E[f(mean + s·z)] = E[f(s·u)·exp(a·u − a²/2)], a = mean/s, whose integrand is
// analytic on each half line again (exact to about 1e-14 for |a| ≤ 8; tested).
template <typename F>
double normal_expectation(F f, double mean, double variance) {
  const double s = std::sqrt(variance);
  if (mean == 0 || !(std::abs(mean) <= kMaxShift * s)) {
    return gaussian_expectation([&](double z) { return f(mean + s * z); });
  }
  const double a = mean / s;
  return gaussian_expectation([&](double u) { return f(s * u) * std::exp(a * u - 0.5 * a * a); });
}

// The bias's mean c and variance: zeros (or no bias) 0 and 0; torch_default U(±1/√fan_in) 0 and
// 1/(3·fan_in); a constant c, c and 0.
struct BiasMoments {
  double mean = 0.0;
  double variance = 0.0;
};

BiasMoments bias_moments(const Config& config, std::int64_t fan_in) {
  if (!config.network.bias) return {};
  switch (config.network.bias_init.kind) {
    case BiasInit::Kind::zeros:
      return {};
    case BiasInit::Kind::torch_default:
      return {0.0, 1.0 / (3.0 * static_cast<double>(fan_in))};
    case BiasInit::Kind::constant:
      return {config.network.bias_init.value, 0.0};
  }
  return {};
}

}  // namespace

double mean_square_activation(const ActivationFn& phi, double q) {
  return mean_square_activation(phi, 0.0, q);
}

double mean_square_derivative(const ActivationFn& phi, double q) {
  return mean_square_derivative(phi, 0.0, q);
}

double mean_square_activation(const ActivationFn& phi, double mean, double variance) {
  return normal_expectation([&](double x) { return square(phi.value(x)); }, mean, variance);
}

double mean_square_derivative(const ActivationFn& phi, double mean, double variance) {
  return normal_expectation([&](double x) { return square(phi.derivative(x)); }, mean, variance);
}

std::optional<std::string> mean_field_inapplicability(const Config& config,
                                                      const InitResolution& init) {
  const std::string needs = "mean-field theory needs ";
  if (config.network.type != NetworkType::mlp) {
    return needs + "an mlp; a conv2d stack is not covered";
  }
  if (config.norm.name != Norm::none) {
    return needs + "a network without norm (norm is " + std::string(name_of(config.norm.name)) +
           ")";
  }
  if (config.network.residual != Residual::none) {
    return needs + "a network without residual connections (residual is " +
           std::string(name_of(config.network.residual)) + ")";
  }
  const std::string scheme(name_of(init.scheme));
  if (init.scheme == Scheme::lsuv) {
    return needs + "a fixed weight law; lsuv rescales each layer by a factor measured on the batch";
  }
  // Every layer's law has the same kind and mean; layer 1's stands for all.
  const Shape shape = weight_shape(config, 1);
  const Law law = law_of(init.scheme, init.args, shape);
  const std::optional<double> mean = entry_mean(law, shape);
  const std::optional<double> m2 = second_moment(law, shape);
  if (!mean || !m2) {
    return needs + "i.i.d. weights; " + scheme + " draws the same " +
           (law.kind == LawKind::constant ? "value for every weight" : "structured matrix");
  }
  // A weight mean m adds m·Σ_j h_j to every unit alike: a signal the theory does not track.
  if (!(std::abs(*mean) <= 1e-12 * std::sqrt(*m2))) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", *mean);
    return needs + "zero-mean weights; " + scheme + "'s have mean " + text;
  }
  return std::nullopt;
}

MeanFieldPrediction predict_mean_field(const Config& config, const InitResolution& init,
                                       std::optional<TopGradient> top) {
  MeanFieldPrediction p;
  if (auto reason = mean_field_inapplicability(config, init)) {
    p.reason = std::move(*reason);
    return p;
  }
  p.applies = true;
  const ActivationFn phi = ActivationFn::make(config.activation.name, config.activation.param);
  const std::int64_t depth = config.network.depth;
  const double width = static_cast<double>(config.network.width);
  // fan_out(l)·Var(W_l)·E[φ′(z_l)²], the gradient's factor through layer l.
  std::vector<double> backward;
  double act_second_moment = 1.0;  // E[h_0²] = E[x²]: both input distributions have unit variance
  for (std::int64_t l = 1; l <= depth; ++l) {
    const Shape shape = weight_shape(config, l);
    const Law law = law_of(init.scheme, init.args, shape);
    const double mean = *entry_mean(law, shape);
    const double variance = *second_moment(law, shape) - mean * mean;
    const BiasMoments bias = bias_moments(config, shape[1]);
    p.sigma_w2.push_back(static_cast<double>(shape[1]) * variance);
    p.sigma_b2.push_back(bias.variance + bias.mean * bias.mean);
    p.preact_mean.push_back(bias.mean);
    const double z_var = p.sigma_w2.back() * act_second_moment + bias.variance;
    p.preact_var.push_back(z_var);
    const double derivative = mean_square_derivative(phi, bias.mean, z_var);
    p.chi.push_back(p.sigma_w2.back() * derivative);
    backward.push_back(width * variance * derivative);
    act_second_moment = mean_square_activation(phi, bias.mean, z_var);
  }

  if (config.loss.name != Loss::random_gradient) {
    p.backward_reason =
        "mean-field gradients need a loss gradient independent of the weights (random_gradient); " +
        std::string(name_of(config.loss.name)) + "'s depends on them through the output";
    return p;
  }
  // Below the top the gradient's mean is a sum over zero-mean weights, ≈ 0: its variance is its
  // second moment.
  const TopGradient start = top.value_or(TopGradient{});
  p.grad_act_var.assign(static_cast<std::size_t>(depth) + 1, 0.0);
  double gradient_moment = start.second_moment;
  p.grad_act_var[static_cast<std::size_t>(depth)] = gradient_moment - start.mean * start.mean;
  for (std::int64_t l = depth; l >= 1; --l) {
    gradient_moment *= backward[static_cast<std::size_t>(l - 1)];
    p.grad_act_var[static_cast<std::size_t>(l - 1)] = gradient_moment;
  }
  return p;
}

}  // namespace initscope
