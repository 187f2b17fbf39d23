#include "core/init/inspector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>

#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/format.h"
#include "core/init/gain.h"
#include "core/init/law_moments.h"
#include "core/run.h"
#include "core/init/schemes.h"

namespace initscope {
namespace {

// Code carries Python's own repr of every value, so that a pasted line computes torch's numbers
// digit for digit.
std::string py(double x) {
  return format_number(x);
}

std::string quoted(std::string_view name) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about "\"" + std::string(...).
  std::string text(1, '"');
  text.append(name).push_back('"');
  return text;
}

// Formulas are for reading: the same digits as the code, with a typographic minus.
std::string math(double x) {
  std::string text = format_number(x);
  if (!text.empty() && text[0] == '-') text.replace(0, 1, "\u2212");
  return text;
}

// Prose needs only a few digits.
std::string brief(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

bool is_kaiming(Scheme scheme) {
  return scheme == Scheme::kaiming_uniform || scheme == Scheme::kaiming_normal;
}

bool is_relu_like(Activation activation) {
  return activation == Activation::relu || activation == Activation::leaky_relu ||
         activation == Activation::prelu;
}

std::string gain_call(Nonlinearity nonlinearity, std::optional<double> param) {
  std::string text = "calculate_gain(" + quoted(name_of(nonlinearity));
  if (param && nonlinearity == Nonlinearity::leaky_relu) text += ", " + py(*param);
  return text + ")";
}

// gain² as Keras' scale. Squaring a rounded gain leaves a last-digit error (√2² prints as
// 2.0000000000000004), so a square within rounding of a value calculate_gain squares exactly is
// written as that value.
double gain_squared(double gain, std::initializer_list<double> slopes) {
  const double square = gain * gain;
  std::vector<double> exact = {1.0, 2.0, 25.0 / 9, 9.0 / 16};
  for (double s : slopes) exact.push_back(2.0 / (1 + s * s));
  for (double e : exact) {
    if (std::abs(square - e) <= 1e-14 * e) return e;
  }
  return square;
}

// keras.initializers.VarianceScaling, by the name Keras gives it where one fits exactly.
std::string keras_variance_scaling(double scale, FanMode mode, VsDistribution distribution) {
  const bool uniform = distribution == VsDistribution::uniform;
  const bool truncated = distribution == VsDistribution::truncated_normal;
  if (uniform || truncated) {
    const char* name = nullptr;
    if (scale == 1.0 && mode == FanMode::fan_avg) name = uniform ? "GlorotUniform" : "GlorotNormal";
    if (scale == 2.0 && mode == FanMode::fan_in) name = uniform ? "HeUniform" : "HeNormal";
    if (scale == 1.0 && mode == FanMode::fan_in) name = uniform ? "LecunUniform" : "LecunNormal";
    if (name) return std::string("keras.initializers.") + name + "()";
  }
  return "keras.initializers.VarianceScaling(scale=" + py(scale) +
         ", mode=" + quoted(name_of(mode)) + ", distribution=" + quoted(name_of(distribution)) +
         ")";
}

std::string law_text(const Law& law, const Shape& shape, Scheme scheme) {
  switch (law.kind) {
    case LawKind::uniform:
      if (law.low == -law.high && law.high > 0) return "U(\u2212a, a) with a = " + math(law.high);
      return "U(a, b) with a = " + math(law.low) + ", b = " + math(law.high);
    case LawKind::normal:
      if (law.mean == 0) return "N(0, \u03c3\u00b2) with \u03c3 = " + math(law.std);
      return "N(mean, \u03c3\u00b2) with mean = " + math(law.mean) + ", \u03c3 = " + math(law.std);
    case LawKind::trunc_normal:
      if (law.mean == 0 && law.low == -2 * law.std && law.high == 2 * law.std) {
        return "N(0, \u03c3\u00b2) on [\u22122\u03c3, 2\u03c3] with \u03c3 = " + math(law.std);
      }
      return "N(mean, \u03c3\u00b2) on [a, b] with mean = " + math(law.mean) +
             ", \u03c3 = " + math(law.std) + ", a = " + math(law.low) + ", b = " + math(law.high);
    case LawKind::constant:
      return "constant " + math(law.value);
    case LawKind::eye: {
      if (shape[0] == shape[1]) return "identity (eye)";
      const std::int64_t n = std::min(shape[0], shape[1]);
      return "identity (eye) on the leading " + std::to_string(n) + "\u00d7" + std::to_string(n) +
             " block, zeros elsewhere";
    }
    case LawKind::dirac:
      return "Dirac delta at the kernel centre, groups = " + std::to_string(law.groups);
    case LawKind::orthogonal: {
      std::string text = "orthogonal \u00d7 gain " + math(law.gain);
      if (scheme == Scheme::lsuv) text += ", then rescaled until Var(z) \u2248 1";
      return text;
    }
    case LawKind::sparse:
      return "N(0, \u03c3\u00b2) with \u03c3 = " + math(law.std) + ", then \u2308" +
             math(law.sparsity) + "\u00b7" + std::to_string(shape[0]) +
             "\u2309 = " + std::to_string(sparse_zeros(law, shape)) + " zeros per column";
  }
  return "";
}

struct Context {
  const Config& config;
  const InitResolution& resolution;
  const ActivationFn& activation;
  Inspection& out;

  std::string activation_name() const { return std::string(name_of(activation.kind)); }
  std::string scheme_name() const { return std::string(name_of(resolution.scheme)); }
  double fan_in() const { return static_cast<double>(out.fans.fan_in); }
  double scale() const {
    return gain_squared(*resolution.gain, {resolution.args.a, activation.param});
  }
};

std::string torch_call(const std::string& function, const std::string& arguments) {
  return "torch.nn.init." + function + "_(w" + (arguments.empty() ? "" : ", " + arguments) + ")";
}

std::string normal_call(const Law& law) {
  return torch_call("normal", "mean=" + py(law.mean) + ", std=" + py(law.std));
}

std::string uniform_call(const Law& law) {
  return torch_call("uniform", "a=" + py(law.low) + ", b=" + py(law.high));
}

std::string trunc_normal_call(const Law& law) {
  return torch_call("trunc_normal", "mean=" + py(law.mean) + ", std=" + py(law.std) +
                                        ", a=" + py(law.low) + ", b=" + py(law.high));
}

// The torch module whose constructor runs torch_default on its weight.
std::string torch_module(const Config& config, const Shape& shape) {
  const std::string bias = config.network.bias ? "" : ", bias=False";
  if (shape.size() == 4) {
    return "torch.nn.Conv2d(" + std::to_string(shape[1]) + ", " + std::to_string(shape[0]) + ", " +
           std::to_string(shape[2]) + ", padding=" + std::to_string(shape[2] / 2) + bias + ")";
  }
  return "torch.nn.Linear(" + std::to_string(shape[1]) + ", " + std::to_string(shape[0]) + bias +
         ")";
}

void write_code(const Context& c) {
  const InitResolution& r = c.resolution;
  const InitArgs& args = r.args;
  const Law& law = c.out.law;
  std::string& torch = c.out.torch_code;
  std::optional<std::string>& keras = c.out.keras_code;
  const std::string keras_init = "keras.initializers.";
  switch (r.scheme) {
    case Scheme::uniform:
      torch = uniform_call(law);
      keras = keras_init + "RandomUniform(minval=" + py(law.low) + ", maxval=" + py(law.high) + ")";
      break;
    case Scheme::normal:
      torch = normal_call(law);
      keras = keras_init + "RandomNormal(mean=" + py(law.mean) + ", stddev=" + py(law.std) + ")";
      break;
    case Scheme::constant:
      torch = torch_call("constant", "val=" + py(law.value));
      keras = keras_init + "Constant(value=" + py(law.value) + ")";
      break;
    case Scheme::ones:
      torch = torch_call("ones", "");
      keras = keras_init + "Ones()";
      break;
    case Scheme::zeros:
      torch = torch_call("zeros", "");
      keras = keras_init + "Zeros()";
      break;
    case Scheme::eye:
      torch = torch_call("eye", "");
      keras = keras_init + "Identity()";
      break;
    case Scheme::dirac:
      torch = torch_call("dirac", "groups=" + std::to_string(law.groups));
      break;
    case Scheme::xavier_uniform:
    case Scheme::xavier_normal: {
      const bool uniform = r.scheme == Scheme::xavier_uniform;
      torch = torch_call(uniform ? "xavier_uniform" : "xavier_normal", "gain=" + py(*r.gain));
      // GlorotNormal truncates, so xavier_normal's match is the untruncated VarianceScaling.
      keras = keras_variance_scaling(
          c.scale(), FanMode::fan_avg,
          uniform ? VsDistribution::uniform : VsDistribution::untruncated_normal);
      break;
    }
    case Scheme::kaiming_uniform:
    case Scheme::kaiming_normal: {
      const bool uniform = r.scheme == Scheme::kaiming_uniform;
      if (args.gain) {
        // torch's kaiming_*_ takes no gain: the same law through the plain sampler.
        torch = uniform ? uniform_call(law) : normal_call(law);
      } else {
        torch = torch_call(uniform ? "kaiming_uniform" : "kaiming_normal",
                           "a=" + py(args.a) + ", mode=" + quoted(name_of(args.mode)) +
                               ", nonlinearity=" + quoted(name_of(args.nonlinearity)));
      }
      keras = keras_variance_scaling(
          c.scale(), args.mode,
          uniform ? VsDistribution::uniform : VsDistribution::untruncated_normal);
      break;
    }
    case Scheme::trunc_normal:
      torch = trunc_normal_call(law);
      // Keras' TruncatedNormal cuts at mean ± 2·stddev: a match only for those bounds.
      if (law.low == law.mean - 2 * law.std && law.high == law.mean + 2 * law.std) {
        keras =
            keras_init + "TruncatedNormal(mean=" + py(law.mean) + ", stddev=" + py(law.std) + ")";
      }
      break;
    case Scheme::orthogonal:
      torch = torch_call("orthogonal", "gain=" + py(law.gain));
      keras = keras_init + "Orthogonal(gain=" + py(law.gain) + ")";
      break;
    case Scheme::sparse:
      torch = torch_call("sparse", "sparsity=" + py(law.sparsity) + ", std=" + py(law.std));
      break;
    case Scheme::variance_scaling:
    case Scheme::lecun_normal:
    case Scheme::lecun_uniform: {
      // torch has no variance scaling: the call that draws the same law.
      torch = law.kind == LawKind::trunc_normal ? trunc_normal_call(law)
              : law.kind == LawKind::uniform    ? uniform_call(law)
                                                : normal_call(law);
      if (r.scheme == Scheme::variance_scaling) {
        keras = keras_variance_scaling(args.scale, args.mode, args.distribution);
      } else {
        keras =
            keras_init + (r.scheme == Scheme::lecun_normal ? "LecunNormal()" : "LecunUniform()");
      }
      break;
    }
    case Scheme::torch_default:
      torch = torch_module(c.config, c.out.shape) + "  # kaiming_uniform_(w, a=math.sqrt(5))";
      // U(±1/√fan_in) is variance scaling with scale 1/3.
      keras = keras_variance_scaling(1.0 / 3, FanMode::fan_in, VsDistribution::uniform);
      break;
    case Scheme::lsuv: {
      // Mishkin & Matas (2016), as the engine does it: rescale W, not b, by 1/√Var(z) until
      // |Var(z) − 1| < 0.1, at most 10 times, with the population variance.
      const std::string z = c.config.network.bias ? "h @ w.T + b" : "h @ w.T";
      torch = torch_call("orthogonal", "gain=" + py(law.gain)) + "\n";
      torch += "with torch.no_grad():  # LSUV; h: the batch entering this layer\n";
      torch += "    for _ in range(10):\n";
      torch += "        var = (" + z + ").var(unbiased=False)\n";
      torch += "        if abs(var - 1) < 0.1:\n";
      torch += "            break\n";
      torch += "        w /= var.sqrt()";
      break;
    }
  }
}

void write_pitfalls(const Context& c) {
  const Config& config = c.config;
  const InitResolution& r = c.resolution;
  const Law& law = c.out.law;
  std::vector<std::string>& out = c.out.pitfalls;
  const Scheme scheme = r.scheme;
  const bool kaiming = is_kaiming(scheme);
  const std::string fan_in = std::to_string(c.out.fans.fan_in);

  if (scheme == Scheme::torch_default) {
    out.push_back(
        "torch's default init is kaiming_uniform_(w, a=\u221a5): the bound is 1/\u221afan_in = " +
        brief(law.high) +
        ", so Var(W) = 1/(3\u00b7fan_in), a third of the 1/fan_in that keeps a "
        "linear layer's variance. Without a norm, activations shrink with depth.");
  }

  // calculate_gain("selu") is in use, either through kaiming's nonlinearity or as an automatic
  // gain.
  if (r.gain && r.gain_source == gain_call(Nonlinearity::selu, std::nullopt)) {
    out.push_back(
        "torch's calculate_gain(\"selu\") is 3/4, which scales Var(W) by 9/16. SELU's "
        "self-normalization wants Var(W) = 1/fan_in: use lecun_normal, or kaiming with "
        "nonlinearity \"linear\" (torch's documentation says the same).");
  }

  if (scheme == Scheme::trunc_normal) {
    const double below = (law.mean - law.low) / law.std;
    const double above = (law.high - law.mean) / law.std;
    if (below >= 3 && above >= 3) {
      const std::string where = below == above ? "\u00b1" + brief(below) + "\u03c3"
                                               : brief(below) + "\u03c3 below and " + brief(above) +
                                                     "\u03c3 above the mean";
      out.push_back("trunc_normal_'s a and b are absolute values, not multiples of std: [" +
                    math(law.low) + ", " + math(law.high) + "] lies at " + where +
                    " here, so practically nothing is truncated. To cut at \u00b12\u03c3, pass "
                    "a = mean \u2212 2\u00b7std and b = mean + 2\u00b7std, as Keras' "
                    "TruncatedNormal does.");
    }
  }

  if (scheme == Scheme::xavier_normal || scheme == Scheme::kaiming_normal) {
    const std::string keras_name = scheme == Scheme::xavier_normal ? "GlorotNormal" : "HeNormal";
    out.push_back(
        std::string(name_of(scheme)) + "_ is not truncated, while Keras' " + keras_name +
        " is: it cuts at \u00b12\u03c3 and divides \u03c3 by 0.8796 to keep the "
        "variance, so its \u03c3 is 1.137 times torch's and no weight lies beyond \u00b12\u03c3. "
        "The Keras line above is the untruncated equivalent.");
  }

  if (law.kind == LawKind::trunc_normal && family_of(scheme) == SchemeFamily::keras) {
    out.push_back(
        "Keras cuts at \u00b12\u03c3 and divides \u03c3 by 0.8796 so that Var(W) = scale/n after "
        "the cut. torch's trunc_normal_ takes absolute bounds and corrects nothing, so the torch "
        "line passes the corrected \u03c3 and the bounds explicitly; xavier_normal_ and "
        "kaiming_normal_ are not the same law.");
  }

  // Only where leaving nonlinearity out would change the gain.
  if (kaiming && !is_relu_like(c.activation.kind) && *r.gain != std::sqrt(2.0)) {
    const std::string instead =
        r.args.gain ? "the gain in use is " + brief(*r.gain) + " instead"
                    : "the call passes nonlinearity=" + quoted(name_of(r.args.nonlinearity)) +
                          " (gain " + brief(*r.gain) + "); left out, the gain would be \u221a2";
    out.push_back("torch's " + c.scheme_name() +
                  "_ defaults to nonlinearity=\"leaky_relu\" with a=0, i.e. gain \u221a2, made "
                  "for relu. This network's activation is " +
                  c.activation_name() + ": " + instead + ".");
  }

  // An explicit init.nonlinearity that does not describe the network's activation.
  if (kaiming && !r.args.gain && config.init.nonlinearity) {
    std::optional<Nonlinearity> own = c.activation.kind == Activation::prelu
                                          ? std::optional(Nonlinearity::leaky_relu)
                                          : torch_nonlinearity(c.activation.kind);
    const bool selu_linear =
        c.activation.kind == Activation::selu && calculate_gain(*config.init.nonlinearity) == 1.0;
    const double param = takes_param(c.activation.kind) ? c.activation.param : 0.0;
    if (!selu_linear && (!own || calculate_gain(*own, param) != *r.gain)) {
      out.push_back("init.nonlinearity is " + quoted(name_of(*config.init.nonlinearity)) +
                    " but the network's activation is " + c.activation_name() + ": gain " +
                    brief(*r.gain) + " instead of the activation's " +
                    brief(own ? calculate_gain(*own, param) : c.out.empirical_gain) + ".");
    }
  }

  if (kaiming && r.args.gain) {
    const bool uniform = scheme == Scheme::kaiming_uniform;
    const std::string fan = r.args.mode == FanMode::fan_out ? "fan_out" : "fan_in";
    out.push_back("The gain in use, " + brief(*r.gain) + ", comes from " + r.gain_source +
                  " and replaces kaiming's calculate_gain(nonlinearity, a). torch's " +
                  c.scheme_name() +
                  "_ has no gain argument, so the torch line is the same law "
                  "through " +
                  (uniform ? "uniform_ with bound \u221a3\u00b7gain/\u221a" + fan
                           : "normal_ with std = gain/\u221a" + fan) +
                  ".");
  }

  if (config.init.gain.kind != GainSetting::Kind::automatic && !r.gain) {
    out.push_back("init.gain is ignored: " + c.scheme_name() + " takes no gain.");
  }

  if (law.kind == LawKind::constant) {
    out.push_back(
        "A constant init gives every unit the same weights, so all units get the same gradient "
        "and stay identical: the symmetry between them is never broken.");
  }

  // A fixed scale does not follow the fan. A norm rescales z, so only without one does it matter.
  if ((scheme == Scheme::normal || scheme == Scheme::uniform || scheme == Scheme::trunc_normal ||
       scheme == Scheme::sparse) &&
      config.norm.name == Norm::none) {
    if (const auto m2 = second_moment(law, c.out.shape)) {
      const double g = c.out.empirical_gain;
      const double ratio = c.fan_in() * *m2 / (g * g);
      if (ratio < 0.5 || ratio > 2) {
        out.push_back("This scale does not follow the fan: fan_in\u00b7E[W\u00b2] = " +
                      brief(c.fan_in() * *m2) + " here, where keeping E[z\u00b2] steady through " +
                      c.activation_name() + " needs about gain\u00b2 = " + brief(g * g) +
                      ". The signal " + (ratio < 1 ? "vanishes" : "explodes") + " with depth.");
      }
    }
  }
}

// resolve_init, except for dirac: resolve_init also draws up layer 1's law, with an mlp's 2-D
// shape, which dirac refuses even for the conv2d stack it is valid on. dirac takes no gain and no
// resolved argument, so its resolution is the config's own arguments.
InitResolution resolve(const Config& config) {
  if (config.init.scheme != Scheme::dirac) return resolve_init(config);
  InitResolution r;
  r.scheme = Scheme::dirac;
  r.args = config.init.args;
  r.args.gain.reset();
  r.first_layer_law = law_of(r.scheme, r.args, weight_shape(config, 1));
  return r;
}

}  // namespace

Inspection inspect(const Config& config, int layer) {
  validate(config);
  if (layer < 1 || layer > config.network.depth) {
    throw InputError("inspector: layer must lie in 1.." + std::to_string(config.network.depth) +
                     ", not " + std::to_string(layer));
  }
  Inspection in;
  in.layer = layer;
  in.shape = weight_shape(config, layer);
  in.fans = fans(in.shape);

  const ActivationFn activation =
      ActivationFn::make(config.activation.name, config.activation.param);
  if (const auto nonlinearity = torch_nonlinearity(activation.kind)) {
    const std::optional<double> param =
        takes_param(activation.kind) ? std::optional(activation.param) : std::nullopt;
    in.torch_gain = calculate_gain(*nonlinearity, param);
    in.torch_gain_call = gain_call(*nonlinearity, param);
  }
  in.empirical_gain = empirical_gain(activation);

  const InitResolution resolution = resolve(config);
  in.gain_in_use = resolution.gain;
  in.gain_source = resolution.gain_source;
  in.law = law_of(resolution.scheme, resolution.args, in.shape);
  in.law_text = law_text(in.law, in.shape, resolution.scheme);

  const Context context{config, resolution, activation, in};
  write_code(context);
  write_pitfalls(context);
  return in;
}

}  // namespace initscope
