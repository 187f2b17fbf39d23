#pragma once

// What a run produces: the per-layer statistics of SPEC section 4 and the histograms, as values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/init/law.h"
#include "core/theory/mean_field.h"
#include "core/stats/summary.h"

namespace initscope {

/// One row of stats.csv. Row 0 is the input (h_0 = x, ∂L/∂x): it has no weight, pre-activation or
/// weight-gradient columns. Empty optionals are empty CSV fields.
struct LayerStats {
  int layer = 0;
  std::optional<double> weight_mean, weight_std, weight_min, weight_max;
  std::optional<double> preact_mean, preact_var;
  double act_mean = 0, act_var = 0;
  std::optional<double> act_saturated_frac;  // tanh, softsign, sigmoid only
  double act_zero_frac = 0, dead_unit_frac = 0;
  double grad_act_var = 0;
  std::optional<double> grad_preact_var, grad_weight_std;
  std::optional<double> grad_data_ratio;  // empty where weight_std = 0
  bool overflow = false;                  // the layer produced Inf/NaN, or a layer before it did
};

struct LayerHistograms {
  std::optional<Histogram> weights;         // layers 1..depth
  std::optional<Histogram> preactivations;  // layers 1..depth
  Histogram activations;
  Histogram activation_gradients;
};

/// How the init settings were resolved for this run (what the formula inspector shows).
struct InitResolution {
  Scheme scheme = Scheme::xavier_uniform;
  InitArgs args;               // args.gain set where a gain applies
  std::optional<double> gain;  // the gain in use, where the scheme has one
  std::string gain_source;     // e.g. "calculate_gain(\"tanh\")", "empirical", "init.gain"
  Law first_layer_law;         // the law of layer 1's weights
};

struct Result {
  Config config;
  InitResolution init;
  std::vector<LayerStats> layers;  // 0..depth
  std::vector<LayerHistograms> histograms;
  /// LSUV: for each layer, Var(z_l) before each rescaling round and after the last.
  std::vector<std::vector<double>> lsuv_variances;
  /// The mean-field prediction of preact_var and grad_act_var (core/theory/mean_field.h), or
  /// applies = false and the reason it does not apply. Its backward starts from the measured
  /// ∂L/∂h_depth. Empty (applies = false, no reason) when cancelled.
  MeanFieldPrediction theory;
  std::vector<std::string> warnings;
  bool cancelled = false;  // the progress callback stopped the run; layers and histograms are empty
  double loss = 0.0;
};

}  // namespace initscope
