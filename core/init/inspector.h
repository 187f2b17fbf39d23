#pragma once

// The formula inspector: for the current scheme and a layer, how torch arrives at the numbers —
// fans (with the receptive-field factor), torch's gain and the empirical gain, the resulting std
// or bound, the equivalent torch (and Keras) code, and the known pitfalls that apply.

#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/init/fans.h"
#include "core/init/law.h"

namespace initscope {

struct Inspection {
  int layer = 1;
  Shape shape;  // of W_layer
  Fans fans;
  /// calculate_gain of the network's activation where torch defines one, and its call text.
  std::optional<double> torch_gain;
  std::string torch_gain_call;        // e.g. `calculate_gain("tanh")`; empty when torch has none
  double empirical_gain = 1.0;        // of the network's activation
  std::optional<double> gain_in_use;  // what this scheme uses (resolve_init), if it takes a gain
  std::string gain_source;
  Law law;               // of W_layer
  std::string law_text;  // e.g. "U(−a, a) with a = 0.1804", "N(0, σ²) with σ = 0.0625"
  /// Runnable code: `torch.nn.init.kaiming_normal_(w, a=0, mode="fan_in", nonlinearity="relu")`
  /// with the values in use; for Keras-style schemes the torch equivalent where one exists.
  std::string torch_code;
  /// `keras.initializers.GlorotUniform()` etc. where a Keras initializer matches; else nullopt.
  std::optional<std::string> keras_code;
  /// The pitfalls that apply to this config, one sentence each (the √5 default, SELU's 3/4 gain,
  /// trunc_normal's absolute bounds, xavier_normal not truncated while GlorotNormal is, ...).
  std::vector<std::string> pitfalls;
};

/// Throws InputError for an invalid config or a layer outside 1..depth.
Inspection inspect(const Config& config, int layer);

}  // namespace initscope
