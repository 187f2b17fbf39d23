#pragma once

// The weight initializers: every function of torch.nn.init, Keras-style variance scaling, and
// torch's default Linear init. Each scheme is one short function in schemes.cpp that turns its
// arguments and the tensor's fans into a Law, with torch's arithmetic in torch's order, so the
// numbers match torch to the last digit; initialize() then samples that law.

#include <optional>

#include "core/init/fans.h"
#include "core/init/gain.h"
#include "core/init/law.h"
#include "core/init/rng.h"
#include "core/compute/tensor.h"

namespace initscope {

enum class Scheme {
  // torch.nn.init
  uniform,
  normal,
  constant,
  ones,
  zeros,
  eye,
  dirac,
  xavier_uniform,
  xavier_normal,
  kaiming_uniform,
  kaiming_normal,
  trunc_normal,
  orthogonal,
  sparse,
  // Keras-style
  variance_scaling,
  lecun_normal,
  lecun_uniform,
  // other
  torch_default,
  lsuv,
};

template <>
struct EnumNames<Scheme> {
  static constexpr std::string_view family = "scheme";
  static constexpr std::array<NameEntry<Scheme>, 19> table{{
      {Scheme::uniform, "uniform"},
      {Scheme::normal, "normal"},
      {Scheme::constant, "constant"},
      {Scheme::ones, "ones"},
      {Scheme::zeros, "zeros"},
      {Scheme::eye, "eye"},
      {Scheme::dirac, "dirac"},
      {Scheme::xavier_uniform, "xavier_uniform"},
      {Scheme::xavier_normal, "xavier_normal"},
      {Scheme::kaiming_uniform, "kaiming_uniform"},
      {Scheme::kaiming_normal, "kaiming_normal"},
      {Scheme::trunc_normal, "trunc_normal"},
      {Scheme::orthogonal, "orthogonal"},
      {Scheme::sparse, "sparse"},
      {Scheme::variance_scaling, "variance_scaling"},
      {Scheme::lecun_normal, "lecun_normal"},
      {Scheme::lecun_uniform, "lecun_uniform"},
      {Scheme::torch_default, "torch_default"},
      {Scheme::lsuv, "lsuv"},
  }};
};

/// For grouping schemes in the window: torch.nn.init, Keras-style, other.
enum class SchemeFamily { torch, keras, other };
SchemeFamily family_of(Scheme scheme);

/// Keras VarianceScaling's distribution argument.
enum class VsDistribution { truncated_normal, untruncated_normal, uniform };

template <>
struct EnumNames<VsDistribution> {
  static constexpr std::string_view family = "distribution";
  static constexpr std::array<NameEntry<VsDistribution>, 3> table{{
      {VsDistribution::truncated_normal, "truncated_normal"},
      {VsDistribution::untruncated_normal, "untruncated_normal"},
      {VsDistribution::uniform, "uniform"},
  }};
};

/// Every scheme's arguments, with torch's (or Keras') defaults. A scheme reads only its own.
struct InitArgs {
  /// xavier_*, orthogonal: the gain (1 when absent). kaiming_*: when present it replaces
  /// calculate_gain(nonlinearity, a). Other schemes ignore it.
  std::optional<double> gain;
  FanMode mode = FanMode::fan_in;  // kaiming_* (fan_in, fan_out), variance_scaling (also fan_avg)
  Nonlinearity nonlinearity = Nonlinearity::leaky_relu;  // kaiming_*
  double a = 0.0;                                        // kaiming_*: negative slope
  double mean = 0.0;                                     // normal, trunc_normal
  /// normal, trunc_normal (default 1) and sparse (default 0.01).
  std::optional<double> std;
  double low = 0.0;  // uniform
  double high = 1.0;
  double value = 0.0;     // constant
  double trunc_a = -2.0;  // trunc_normal's absolute bounds a and b
  double trunc_b = 2.0;
  double sparsity = 0.1;  // sparse (torch has no default; 0.1 as in its documentation)
  double scale = 1.0;     // variance_scaling
  VsDistribution distribution = VsDistribution::truncated_normal;  // variance_scaling
  std::int64_t groups = 1;                                         // dirac

  bool operator==(const InitArgs&) const = default;
};

/// Keras' truncation correction: the std of N(0,1) truncated to [−2, 2]
/// (scipy.stats.truncnorm.std(a=-2, b=2)), by which Keras divides the target std.
inline constexpr double kKerasTruncatedStd = 0.87962566103423978;

/// The law a scheme draws for a tensor of this shape. Throws InputError for arguments torch
/// refuses (a shape the scheme does not take, negative std, low > high, sparsity outside [0, 1],
/// a mode the scheme lacks, ...), with a message naming the scheme and the problem.
Law law_of(Scheme scheme, const InitArgs& args, const Shape& shape);

/// Fills the tensor from the law.
void sample(const Law& law, Tensor& tensor, Generator& gen);

/// law_of + sample.
void initialize(Tensor& tensor, Scheme scheme, const InitArgs& args, Generator& gen);

}  // namespace initscope
