#pragma once

// Mean-field signal propagation (Poole et al. 2016; Schoenholz et al. 2017): in a wide network at
// initialization the pre-activations of a layer are Gaussian, z ~ N(0, q), so one layer's effect on
// the signal's second moment, and on the gradient's, is a Gaussian expectation over z.

#include <optional>
#include <string>
#include <vector>

#include "core/nn/activation.h"

namespace initscope {

struct Config;
struct InitResolution;

/// E[φ(√q·z)²], z ~ N(0, 1): the second moment a layer's activations have when its pre-activations
/// have second moment q ≥ 0.
double mean_square_activation(const ActivationFn& phi, double q);

/// E[φ′(√q·z)²], z ~ N(0, 1): the factor by which φ scales the gradient's second moment, on
/// average, at pre-activation second moment q ≥ 0.
double mean_square_derivative(const ActivationFn& phi, double q);

/// The same two for pre-activations N(mean, variance): a constant bias c gives every unit the
/// mean c. With mean 0 they equal the two above at q = variance.
double mean_square_activation(const ActivationFn& phi, double mean, double variance);
double mean_square_derivative(const ActivationFn& phi, double mean, double variance);

/// The mean-field prediction of a run's per-layer statistics (SPEC section 4), for an mlp without
/// norm or residual whose weights are zero-mean and exchangeable. Forward, from E[x²] = 1:
///   σ_w²(l) = fan_in(l)·Var(W_l),  σ_b²(l) = E[b_l²],  c_l = E[b_l] (a constant bias, else 0)
///   Var(z_l) = σ_w²(l)·E[h_{l−1}²] + Var(b_l),  E[h_l²] = E[φ(c_l + √Var(z_l)·ξ)²]
/// so that q_l = E[z_l²] = Var(z_l) + c_l² = σ_w²(l)·E[h_{l−1}²] + σ_b²(l), Poole et al.'s q map.
/// Backward, from the top gradient's second moment S_L, with the weights taken independent of
/// the gradient that reaches them (Schoenholz et al.'s assumption):
///   S_{l−1} = S_l·fan_out(l)·Var(W_l)·E[φ′(z_l)²]
/// and χ_l = σ_w²(l)·E[φ′(z_l)²] (Schoenholz et al.'s χ₁); the two factors differ only where
/// fan_out ≠ fan_in, i.e. at layer 1 when input.dim ≠ width. The assumption holds for the
/// random_gradient probe G, drawn apart from the network; mse's gradient 2(h − y)/N depends on
/// the last layer's weights through h, which the theory does not follow (measured: 15% off for
/// tanh, 40% for selu, a factor 17 for relu at width 2048, depth 20), so under mse the backward
/// is left out.
/// Vectors over layers 1..L hold layer l at index l − 1; grad_act_var holds layers 0..L at index l.
struct MeanFieldPrediction {
  bool applies = false;
  std::string reason;               // why not, when !applies; empty when it applies
  std::vector<double> sigma_w2;     // fan_in(l)·Var(W_l)
  std::vector<double> sigma_b2;     // E[b_l²]: 0 without bias, 1/(3·fan_in) torch_default, c²
  std::vector<double> preact_mean;  // c_l: a constant bias, else 0
  std::vector<double> preact_var;   // Var(z_l), as LayerStats::preact_var measures it
  std::vector<double> chi;          // χ_l = σ_w²(l)·E[φ′(z_l)²]
  /// Var(∂L/∂h_l), as LayerStats::grad_act_var measures it; empty when the backward does not
  /// apply, and backward_reason says why.
  std::vector<double> grad_act_var;
  std::string backward_reason;
};

/// The second moment and the mean of ∂L/∂h_depth over all its entries: where the backward starts.
struct TopGradient {
  double second_moment = 1.0;
  double mean = 0.0;
};

/// Why the mean-field prediction does not apply to this config with its resolved init
/// (resolve_init), e.g. "mean-field theory needs a network without norm"; nullopt when it does.
std::optional<std::string> mean_field_inapplicability(const Config& config,
                                                      const InitResolution& init);

/// The prediction (or applies = false and the reason). The backward starts from `top`; run()
/// passes the measured loss gradient's. Without it, from the probe's expectation E[G²] = 1, mean 0.
/// Costs two Gauss–Hermite sums (128 nodes) per layer.
MeanFieldPrediction predict_mean_field(const Config& config, const InitResolution& init,
                                       std::optional<TopGradient> top = std::nullopt);

}  // namespace initscope
