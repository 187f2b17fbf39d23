#include "core/run.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/format.h"
#include "core/init/gain.h"
#include "core/theory/mean_field.h"
#include "core/compute/parallel.h"
#include "core/init/sampling.h"

namespace initscope {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The features (mlp) or channels (conv2d) layer l reads.
std::int64_t inputs_of(const Config& config, std::int64_t l) {
  if (l > 1) return config.network.width;
  return is_conv(config) ? config.input.channels : config.input.dim;
}

// The weight's fan_in (torch's, of the weight's shape): in, or in·kernel² for conv2d.
std::int64_t fan_in_of(const Config& config, std::int64_t l) {
  const std::int64_t k = config.network.kernel;
  return inputs_of(config, l) * (is_conv(config) ? k * k : 1);
}

ConvGeometry geometry_of(const Config& config) {
  return {config.input.height, config.input.width, config.network.kernel};
}

// A batch × features matrix of values drawn from `fill`, or for conv2d batch images drawn in
// torch's NCHW order and laid out as (N·H·W) × channels (core/nn/conv.h).
template <typename Fill>
MatrixRM draw_activation(const Config& config, std::int64_t channels, Fill fill) {
  const std::int64_t batch = config.input.batch;
  const std::int64_t positions = positions_of(config);
  MatrixRM values(batch, channels * positions);
  fill(std::span<float>(values.data(), static_cast<std::size_t>(values.size())));
  if (!is_conv(config)) return values;
  return nchw_to_rows<float>(values.data(), batch, channels, positions);
}

bool is_kaiming(Scheme scheme) {
  return scheme == Scheme::kaiming_uniform || scheme == Scheme::kaiming_normal;
}

// Schemes whose torch (or InitScope) signature has a gain argument.
bool takes_gain(Scheme scheme) {
  return scheme == Scheme::xavier_uniform || scheme == Scheme::xavier_normal ||
         scheme == Scheme::orthogonal || scheme == Scheme::lsuv;
}

std::string call_text(Nonlinearity nonlinearity, std::optional<double> param) {
  std::string text = "calculate_gain(\"" + std::string(name_of(nonlinearity)) + "\"";
  if (param && nonlinearity == Nonlinearity::leaky_relu) text += ", " + format_number(*param);
  return text + ")";
}

// Moments of a tensor that holds Inf or NaN are reported as NaN, as torch's would be.
double moment(const Summary& s, double value) {
  return s.all_finite() ? value : kNaN;
}

// Units are the columns of h (batch × width). A unit is alive once one sample gives it a non-zero
// value; the rows are read in groups, and the scan stops as soon as every unit is alive, which
// with ReLU takes a few rows rather than the whole batch. The group's OR vectorizes.
double dead_unit_share(const MatrixRM& h) {
  constexpr Eigen::Index kRows = 8;  // rows between the checks
  const auto cols = static_cast<std::size_t>(h.cols());
  std::vector<unsigned char> alive(cols, 0);
  for (Eigen::Index r = 0; r < h.rows(); r += kRows) {
    for (Eigen::Index q = r; q < std::min(r + kRows, h.rows()); ++q) {
      const float* row = h.data() + q * h.cols();
      for (std::size_t c = 0; c < cols; ++c) alive[c] |= row[c] != 0.0f;
    }
    if (std::find(alive.begin(), alive.end(), 0) == alive.end()) return 0.0;
  }
  return static_cast<double>(std::count(alive.begin(), alive.end(), 0)) / static_cast<double>(cols);
}

std::optional<double> saturated_share(Activation activation, const MatrixRM& h) {
  switch (activation) {
    case Activation::tanh:
    case Activation::softsign:
      return share_beyond(span_of(h), 1.0, 0.0, 0.97);
    case Activation::sigmoid:
      return share_beyond(span_of(h), 2.0, -1.0, 0.97);
    case Activation::identity:
    case Activation::relu:
    case Activation::leaky_relu:
    case Activation::prelu:
    case Activation::elu:
    case Activation::selu:
    case Activation::gelu:
    case Activation::silu:
    case Activation::softplus:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Generator stream_generator(const Config& config, Stream stream, std::int64_t index) {
  return Generator(config.seed,
                   (static_cast<std::uint64_t>(stream) << 32) | static_cast<std::uint64_t>(index));
}

Layer<float> sample_layer(const Config& config, const InitResolution& init, std::int64_t l) {
  const Shape shape = weight_shape(config, l);
  Tensor weight = Tensor::for_overwrite(shape);
  Generator weight_gen = stream_generator(config, Stream::weight, l);
  sample(law_of(init.scheme, init.args, shape), weight, weight_gen);
  Layer<float> layer;
  layer.weight = std::move(weight.matrix());
  if (config.network.bias) {
    layer.bias.resize(config.network.width);
    const BiasInit& bias = config.network.bias_init;
    switch (bias.kind) {
      case BiasInit::Kind::zeros:
        layer.bias.setZero();
        break;
      case BiasInit::Kind::torch_default: {
        // nn.Linear.reset_parameters: U(±1/√fan_in) with the weight's fan_in.
        const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in_of(config, l)));
        Generator bias_gen = stream_generator(config, Stream::bias, l);
        fill_uniform({layer.bias.data(), static_cast<std::size_t>(layer.bias.size())}, -bound,
                     bound, bias_gen);
        break;
      }
      case BiasInit::Kind::constant:
        layer.bias.setConstant(static_cast<float>(bias.value));
        break;
    }
  }
  return layer;
}

namespace {

// Samples every layer's weight and bias; `keep_going` after each layer may stop it (nullopt), so
// that a cancel is not held up by the sampling of a deep network's weights.
template <typename KeepGoing>
std::optional<std::vector<Layer<float>>> initialize_layers(const Config& config,
                                                           const InitResolution& init,
                                                           KeepGoing keep_going) {
  std::vector<Layer<float>> layers;
  layers.reserve(static_cast<std::size_t>(config.network.depth));
  for (std::int64_t l = 1; l <= config.network.depth; ++l) {
    layers.push_back(sample_layer(config, init, l));
    if (!keep_going()) return std::nullopt;
  }
  return layers;
}

}  // namespace

MatrixRM sample_input(const Config& config) {
  Generator gen = stream_generator(config, Stream::input);
  return draw_activation(config, inputs_of(config, 1), [&](std::span<float> values) {
    switch (config.input.distribution) {
      case InputDistribution::normal:
        fill_normal(values, 0.0, 1.0, gen);
        break;
      case InputDistribution::uniform:
        fill_uniform(values, -std::sqrt(3.0), std::sqrt(3.0), gen);  // unit variance
        break;
    }
  });
}

std::vector<double> lsuv_rescale(Stack<float>& stack, int l) {
  constexpr int kMaxRounds = 10;
  constexpr double kTolerance = 0.1;
  std::vector<double> variances;
  for (int round = 0;; ++round) {
    const double variance = summarize(span_of(stack.preactivation(l))).variance;
    variances.push_back(variance);
    if (std::abs(variance - 1) < kTolerance || round == kMaxRounds || !(variance > 0) ||
        !std::isfinite(variance)) {
      break;
    }
    stack.layer(l).weight *= static_cast<float>(1 / std::sqrt(variance));
    stack.compute_preactivation(l);
  }
  return variances;
}

void measure_forward(const Stack<float>& stack, int l, Activation activation, int bins,
                     LayerStats& stats, LayerHistograms& histograms) {
  stats.layer = l;
  bool finite = true;
  if (l >= 1) {
    const MatrixRM& w = stack.layer(l).weight;
    SummaryHistogram ws = summarize_with_histogram(span_of(w), bins);
    stats.weight_mean = moment(ws.summary, ws.summary.mean);
    stats.weight_std = moment(ws.summary, ws.summary.std());
    stats.weight_min = moment(ws.summary, ws.summary.min);
    stats.weight_max = moment(ws.summary, ws.summary.max);
    SummaryHistogram zs = summarize_with_histogram(span_of(stack.preactivation(l)), bins);
    stats.preact_mean = moment(zs.summary, zs.summary.mean);
    stats.preact_var = moment(zs.summary, zs.summary.variance);
    histograms.weights = std::move(ws.histogram);
    histograms.preactivations = std::move(zs.histogram);
    finite = ws.summary.all_finite() && zs.summary.all_finite();
  }
  const MatrixRM& h = stack.activation(l);
  SummaryHistogram hs = summarize_with_histogram(span_of(h), bins);
  const Summary& s = hs.summary;
  stats.act_mean = moment(s, s.mean);
  stats.act_var = moment(s, s.variance);
  stats.act_saturated_frac = saturated_share(activation, h);
  stats.act_zero_frac = static_cast<double>(s.zeros) / static_cast<double>(s.count);
  // A dead unit is a column of zeros: with fewer zero entries than rows there is none to find.
  stats.dead_unit_frac = s.zeros < h.rows() ? 0.0 : dead_unit_share(h);
  histograms.activations = std::move(hs.histogram);
  stats.overflow = !(finite && s.all_finite());
}

Summary measure_backward(const LayerGradients<float>& grads, int bins, LayerStats& stats,
                         LayerHistograms& histograms) {
  const MatrixRM* grad_z = grads.grad_z;
  const MatrixRM* grad_w = grads.grad_w;
  SummaryHistogram gh = summarize_with_histogram(span_of(grads.grad_h), bins);
  stats.grad_act_var = moment(gh.summary, gh.summary.variance);
  histograms.activation_gradients = std::move(gh.histogram);
  bool finite = gh.summary.all_finite();
  if (grad_z != nullptr && grad_w != nullptr) {
    const Summary gz = summarize(span_of(*grad_z));
    const Summary gw = summarize(span_of(*grad_w));
    stats.grad_preact_var = moment(gz, gz.variance);
    stats.grad_weight_std = moment(gw, gw.std());
    if (stats.weight_std && *stats.weight_std != 0) {
      stats.grad_data_ratio = *stats.grad_weight_std / *stats.weight_std;
    }
    finite = finite && gz.all_finite() && gw.all_finite();
  }
  stats.overflow = stats.overflow || !finite;
  return gh.summary;
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 6) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return text;
}

MemoryEstimate estimate_memory(const Config& config) {
  // In doubles: a refused size may not fit in 64 bits. A conv2d stack's activations have
  // batch·H·W rows (core/nn/conv.h) and its weights in·k² columns.
  const double rows =
      static_cast<double>(config.input.batch) * static_cast<double>(positions_of(config));
  const double dim = static_cast<double>(inputs_of(config, 1));
  const double width = static_cast<double>(config.network.width);
  const double depth = static_cast<double>(config.network.depth);
  const double receptive =
      is_conv(config) ? static_cast<double>(config.network.kernel * config.network.kernel) : 1;
  const double bias = config.network.bias ? width : 0;
  const double widest = std::max(width, dim);
  const double normed = config.norm.name == Norm::none ? 0 : 1;
  // local_response keeps its divisor base per entry (NormCache).
  const double lrn = config.norm.name == Norm::local_response ? 1 : 0;
  MemoryEstimate m;
  m.weights =
      4 * ((width * dim * receptive + bias) + (depth - 1) * (width * width * receptive + bias));
  // x, then z_l, h_l and the norm's output (and cache) for each layer.
  m.activations = 4 * (rows * dim + depth * rows * width * (2 + normed + lrn));
  // Forward: one block buffer and one freshly sampled weight. Backward: grad_h, grad_block,
  // grad_z, scratch and grad_prev of rows × widest, grad_w, and the loss probe.
  m.scratch = 4 * (rows * width + width * widest * receptive + 5 * rows * widest +
                   width * widest * receptive + rows * width);
  if (is_conv(config)) {
    // The NCHW draw of the input or probe before its layout, and the convolutions' im2col blocks,
    // kernel copy and weight-gradient partial sums.
    m.scratch += 4 * (rows * widest + conv_scratch_entries(geometry_of(config),
                                                           static_cast<std::int64_t>(rows),
                                                           static_cast<std::int64_t>(widest),
                                                           config.network.width, max_threads()));
  }
  return m;
}

std::optional<std::string> memory_refusal(const Config& config, const RunOptions& options) {
  const MemoryEstimate memory = estimate_memory(config);
  if (memory.total() <= static_cast<double>(options.max_memory)) return std::nullopt;
  return "the run needs about " + format_bytes(memory.total()) + " (weights " +
         format_bytes(memory.weights) + ", activations " + format_bytes(memory.activations) +
         ", working buffers " + format_bytes(memory.scratch) + "), over the limit of " +
         format_bytes(static_cast<double>(options.max_memory));
}

BlockSpec block_spec(const Config& config) {
  BlockSpec spec;
  spec.activation = ActivationFn::make(config.activation.name, config.activation.param);
  spec.norm.kind = config.norm.name;
  spec.norm.eps = config.norm.eps;
  spec.norm.groups = config.norm.groups;
  spec.norm.size = config.norm.size;
  spec.norm.alpha = config.norm.alpha;
  spec.norm.beta = config.norm.beta;
  spec.norm.k = config.norm.k;
  if (is_conv(config)) {
    spec.norm.conv = true;
    spec.norm.positions = positions_of(config);
    spec.conv = geometry_of(config);
  }
  spec.norm_after = config.norm.placement == NormPlacement::post;
  switch (config.network.residual) {
    case Residual::none:
      break;
    case Residual::identity:
      spec.residual_alpha = 1.0;
      break;
    case Residual::scaled:
      spec.residual_alpha = 1.0 / std::sqrt(static_cast<double>(config.network.depth));
      break;
    case Residual::rezero:
      spec.residual_alpha = 0.0;
      break;
  }
  return spec;
}

InitResolution resolve_init(const Config& config) {
  InitResolution r;
  r.scheme = config.init.scheme;
  r.args = config.init.args;
  r.args.gain.reset();
  const ActivationFn activation =
      ActivationFn::make(config.activation.name, config.activation.param);
  const std::string activation_name(name_of(activation.kind));
  const bool kaiming = is_kaiming(r.scheme);
  auto use_gain = [&](double gain, std::string source) {
    r.args.gain = gain;
    r.gain = gain;
    r.gain_source = std::move(source);
  };

  if (kaiming || takes_gain(r.scheme)) {
    switch (config.init.gain.kind) {
      case GainSetting::Kind::value:
        use_gain(config.init.gain.value, "init.gain");
        break;
      case GainSetting::Kind::empirical:
        use_gain(empirical_gain(activation), "empirical gain of " + activation_name);
        break;
      case GainSetting::Kind::automatic: {
        // kaiming's nonlinearity and a default to the network's activation and its parameter;
        // PReLU is He et al.'s own case, leaky_relu's formula with a = its slope. The other
        // schemes take torch's gain of the activation itself (none for PReLU: empirical).
        std::optional<Nonlinearity> nonlinearity =
            kaiming ? config.init.nonlinearity : std::nullopt;
        if (!nonlinearity) {
          nonlinearity = kaiming && activation.kind == Activation::prelu
                             ? Nonlinearity::leaky_relu
                             : torch_nonlinearity(activation.kind);
        }
        const double param = takes_param(activation.kind) ? activation.param : 0.0;
        if (kaiming && nonlinearity) {
          r.args.nonlinearity = *nonlinearity;
          r.args.a = config.init.a.value_or(param);
          r.gain = calculate_gain(r.args.nonlinearity, r.args.a);
          r.gain_source = call_text(r.args.nonlinearity, r.args.a);
        } else if (nonlinearity) {
          use_gain(calculate_gain(*nonlinearity, param), call_text(*nonlinearity, param));
        } else {
          use_gain(empirical_gain(activation),
                   "empirical gain of " + activation_name + " (torch's calculate_gain has none)");
        }
        break;
      }
    }
  }
  r.first_layer_law = law_of(r.scheme, r.args, weight_shape(config, 1));
  return r;
}

Result run(const Config& config, const RunOptions& options, const Progress& progress) {
  validate(config);
  if (auto refusal = memory_refusal(config, options)) {
    throw InputError(*refusal +
                     (is_conv(config) ? "; reduce depth, width, image size or batch"
                                      : "; reduce depth, width or batch") +
                     ", or raise --max-memory");
  }
  const ThreadLimit threads(options.threads > 0 ? options.threads : max_threads());

  Result result;
  result.config = config;
  result.init = resolve_init(config);
  if (config.init.gain.kind != GainSetting::Kind::automatic && !result.init.gain) {
    result.warnings.push_back("init.gain: " + std::string(name_of(config.init.scheme)) +
                              " takes no gain; ignored");
  }
  // Each layer is three steps: sampling its weights, the forward pass, the backward pass.
  const int depth = static_cast<int>(config.network.depth);
  const std::int64_t steps = 3 * static_cast<std::int64_t>(depth);
  std::int64_t done = 0;
  auto keep_going = [&] { return !progress || progress(++done, steps); };
  auto cancelled = [&] {
    Result stopped;
    stopped.config = config;
    stopped.init = result.init;
    stopped.cancelled = true;
    return stopped;
  };

  std::optional<std::vector<Layer<float>>> layers =
      initialize_layers(config, result.init, keep_going);
  if (!layers) return cancelled();
  Stack<float> stack(block_spec(config), std::move(*layers), sample_input(config));
  const Activation activation = config.activation.name;
  const int bins = options.histogram_bins;
  result.layers.resize(static_cast<std::size_t>(depth) + 1);
  result.histograms.resize(static_cast<std::size_t>(depth) + 1);
  measure_forward(stack, 0, activation, bins, result.layers[0], result.histograms[0]);
  int first_overflow = 0;  // the first layer whose forward pass produced Inf/NaN; 0: none
  for (int l = 1; l <= depth; ++l) {
    stack.compute_preactivation(l);
    if (config.init.scheme == Scheme::lsuv) result.lsuv_variances.push_back(lsuv_rescale(stack, l));
    stack.complete_layer(l);
    measure_forward(stack, l, activation, bins, result.layers[l], result.histograms[l]);
    // Inf or NaN propagates: every layer after the first overflow is marked too.
    if (result.layers[l].overflow && first_overflow == 0) first_overflow = l;
    result.layers[l].overflow = result.layers[l].overflow || result.layers[l - 1].overflow;
    if (!keep_going()) return cancelled();
  }
  for (std::size_t l = 0; l < result.lsuv_variances.size(); ++l) {
    const std::vector<double>& v = result.lsuv_variances[l];
    if (!(std::abs(v.back() - 1) < 0.1)) {
      result.warnings.push_back("lsuv: layer " + std::to_string(l + 1) +
                                " did not reach |Var(z) - 1| < 0.1 in 10 rounds (Var(z) = " +
                                format_number(v.back()) + ")");
    }
  }

  const MatrixRM& output = stack.output();
  Generator probe_gen = stream_generator(config, Stream::probe);
  const MatrixRM probe = draw_activation(config, output.cols(), [&](std::span<float> values) {
    fill_normal(values, 0.0, 1.0, probe_gen);
  });
  LossValue<float> loss = evaluate_loss(config.loss.name, output, probe);
  result.loss = loss.value;
  // The theory's backward starts from the measured top gradient's second moment (the probe's
  // sample, not its expectation 1), so that what it predicts below is the backward pass alone.
  std::optional<TopGradient> measured_top;
  const bool finished = stack.backward(
      std::move(loss.gradient),
      [&](const LayerGradients<float>& grads) {
        const int l = grads.layer;
        const Summary g = measure_backward(grads, bins, result.layers[l], result.histograms[l]);
        if (l == depth && g.all_finite()) {
          measured_top = TopGradient{g.variance + g.mean * g.mean, g.mean};
        }
        return l == 0 || keep_going();
      });
  if (!finished) return cancelled();
  result.theory = predict_mean_field(config, result.init, measured_top);

  if (first_overflow > 0) {
    result.warnings.push_back("overflow: the activations reach Inf/NaN at layer " +
                              std::to_string(first_overflow) +
                              "; that layer, every later one and every gradient are marked");
  } else {
    for (auto it = result.layers.rbegin(); it != result.layers.rend(); ++it) {
      if (it->overflow) {
        result.warnings.push_back("overflow: the gradients reach Inf/NaN at layer " +
                                  std::to_string(it->layer) + " (counting back from the output)");
        break;
      }
    }
  }
  return result;
}

}  // namespace initscope
