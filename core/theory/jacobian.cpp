#include "core/theory/jacobian.h"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "core/io/config_io.h"
#include "core/error.h"
#include "core/compute/matmul.h"
#include "core/compute/parallel.h"
#include "core/nn/stack.h"

namespace initscope {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

[[noreturn]] void refuse(const std::string& problem) {
  throw InputError("jacobian: " + problem);
}

void check_supported(const Config& config, const JacobianOptions& options) {
  validate(config);
  if (config.network.type == NetworkType::conv2d) {
    const std::int64_t positions = config.input.height * config.input.width;
    refuse(
        "network.type \"conv2d\" is not supported: the input-output Jacobian of an image stack "
        "is (width*H*W) x (channels*H*W), here " +
        std::to_string(config.network.width * positions) + " x " +
        std::to_string(config.input.channels * positions) +
        ", too large to decompose; the spectrum needs an mlp");
  }
  if (config.norm.name == Norm::batch) {
    refuse(
        "norm.name \"batch\" is not supported: batch norm couples the samples of a batch, so "
        "one sample's output depends on every other sample's input and has no input-output "
        "Jacobian of its own; use none, layer, rms or group");
  }
  const std::string limit = std::to_string(kMaxJacobianExtent);
  if (config.network.width > kMaxJacobianExtent) {
    refuse("network.width must be at most " + limit + " for the Jacobian spectrum, got " +
           std::to_string(config.network.width));
  }
  if (config.input.dim > kMaxJacobianExtent) {
    refuse("input.dim must be at most " + limit + " for the Jacobian spectrum, got " +
           std::to_string(config.input.dim));
  }
  if (options.sample < 0 || options.sample >= config.input.batch) {
    refuse("sample must lie in 0.." + std::to_string(config.input.batch - 1) +
           " (a row of the input batch), got " + std::to_string(options.sample));
  }
  if (config.init.scheme == Scheme::lsuv) {
    if (auto refusal = memory_refusal(config, {.max_memory = options.max_memory})) {
      refuse("lsuv rescales the weights from the whole batch's forward pass, and " + *refusal +
             "; reduce depth, width or batch");
    }
  }
}

// The norm's Jacobian at one sample, r·(I − 11ᵀ/m − y·yᵀ/m) on each normalized set (rms: without
// the 11ᵀ/m term; core/nn/norm.cpp), is symmetric. So the backward pass, which maps a row g to g·N,
// maps each row t of the tangents to t·N = (N·tᵀ)ᵀ, the forward-mode product needed here: every
// row of `tangents` goes through it with the sample's output y and statistics.
void apply_norm(const NormSpec& spec, const MatrixR<double>& y, const NormCache<double>& cache,
                MatrixR<double>& tangents) {
  const Eigen::Index n = tangents.rows();
  NormCache<double> tiled;
  tiled.inv_std = cache.inv_std.replicate(n, 1);
  const MatrixR<double> ys = y.replicate(n, 1);
  norm_backward<double>(spec, ys, tiled, tangents, tangents);
}

// Multiplies every column c of `tangents` by φ′(z_c), with the backward pass's own derivative
// (and its convention at the kinks).
void apply_activation(const ActivationFn& fn, const MatrixR<double>& z, MatrixR<double>& tangents) {
  const MatrixR<double> ones = MatrixR<double>::Ones(1, z.cols());
  MatrixR<double> derivative(1, z.cols());
  activation_backward<double>(fn, z, ones, derivative);
  tangents.array().rowwise() *= derivative.row(0).array();
}

// tangents·B_lᵀ for the block's own Jacobian B_l at this sample (z: its pre-activation, 1 × width).
void apply_block(const BlockSpec& spec, const MatrixR<double>& z, MatrixR<double>& tangents) {
  if (spec.norm.kind == Norm::none) {
    apply_activation(spec.activation, z, tangents);
    return;
  }
  MatrixR<double> normed(1, z.cols());
  NormCache<double> cache;
  if (!spec.norm_after) {  // φ(u), u = norm(z): B = diag φ′(u)·N
    norm_forward<double>(spec.norm, z, normed, cache);
    apply_norm(spec.norm, normed, cache, tangents);
    apply_activation(spec.activation, normed, tangents);
  } else {  // norm(a), a = φ(z): B = N·diag φ′(z)
    MatrixR<double> a(1, z.cols());
    activation_forward<double>(spec.activation, z, a);
    norm_forward<double>(spec.norm, a, normed, cache);
    apply_activation(spec.activation, z, tangents);
    apply_norm(spec.norm, normed, cache, tangents);
  }
}

double weight_std_of(const MatrixRM& w) {
  const Summary s = summarize({w.data(), static_cast<std::size_t>(w.size())});
  return s.all_finite() ? s.std() : kNaN;  // as run() reports it
}

// Linear interpolation between the order statistics (numpy's default): `ascending` sorted.
double quantile(const std::vector<double>& ascending, double p) {
  const double at = p * static_cast<double>(ascending.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, ascending.size() - 1);
  return ascending[below] +
         (at - static_cast<double>(below)) * (ascending[above] - ascending[below]);
}

// Fills the singular values and every measure from J (as Jᵀ: the same singular values), which has
// at least one row and one column.
void measure(const MatrixR<double>& transposed, int bins, JacobianSpectrum& out) {
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(transposed);  // singular values only
  const Eigen::VectorXd& sigma = svd.singularValues();   // descending
  const auto n = static_cast<std::size_t>(sigma.size());
  const double noise_floor = sigma(0) * static_cast<double>(std::max(out.rows, out.cols)) *
                             std::numeric_limits<double>::epsilon();
  out.singular_values.resize(n);
  std::vector<float> logs;
  logs.reserve(n);
  double sum = 0, squares = 0, log_sum = 0;
  for (Eigen::Index i = 0; i < sigma.size(); ++i) {
    const double s = sigma(i) > noise_floor ? sigma(i) : 0.0;
    out.singular_values[static_cast<std::size_t>(i)] = s;
    sum += s;
    squares += s * s;
    if (s > 0) {
      logs.push_back(static_cast<float>(std::log10(s)));
      log_sum += std::log10(s);
    } else {
      ++out.zero_count;
    }
  }
  const double count = static_cast<double>(n);
  out.mean_squared = transposed.squaredNorm() / count;
  out.mean = sum / count;
  double deviations = 0, square_deviations = 0, log_deviations = 0;
  const double mean_square = squares / count;
  const double log_mean = logs.empty() ? 0.0 : log_sum / static_cast<double>(logs.size());
  for (double s : out.singular_values) {
    deviations += (s - out.mean) * (s - out.mean);
    square_deviations += (s * s - mean_square) * (s * s - mean_square);
    if (s > 0) log_deviations += (std::log10(s) - log_mean) * (std::log10(s) - log_mean);
  }
  out.std_dev = std::sqrt(deviations / count);
  out.normalized_variance = (square_deviations / count) / (mean_square * mean_square);
  out.log10_std =
      logs.empty() ? kNaN : std::sqrt(log_deviations / static_cast<double>(logs.size()));
  const double largest = out.singular_values.front();
  const double smallest = out.singular_values.back();
  out.condition = largest == 0 ? kNaN : smallest == 0 ? kInf : largest / smallest;
  const std::vector<double> ascending(out.singular_values.rbegin(), out.singular_values.rend());
  const double q05 = quantile(ascending, 0.05), q95 = quantile(ascending, 0.95);
  out.quantile_ratio = q95 == 0 ? kNaN : q05 == 0 ? kInf : q95 / q05;
  out.log10_histogram = histogram(logs, bins);
}

void mark_overflow(int layer, JacobianSpectrum& out) {
  out.overflow_layer = layer;
  out.mean_squared = out.mean = out.std_dev = out.normalized_variance = out.log10_std =
      out.condition = out.quantile_ratio = kNaN;
}

}  // namespace

JacobianSpectrum jacobian_spectrum(const Config& config, const JacobianOptions& options,
                                   const Progress& progress) {
  check_supported(config, options);
  const ThreadLimit threads(options.threads > 0 ? options.threads : max_threads());
  const InitResolution init = resolve_init(config);
  const BlockSpec spec = block_spec(config);
  const int depth = static_cast<int>(config.network.depth);
  const bool lsuv = config.init.scheme == Scheme::lsuv;

  JacobianSpectrum out;
  out.sample = options.sample;
  out.rows = config.network.width;
  out.cols = config.input.dim;
  const std::int64_t steps = depth + 1 + (lsuv ? 2 * static_cast<std::int64_t>(depth) : 0);
  std::int64_t done = 0;
  auto keep_going = [&] { return !progress || progress(++done, steps); };
  auto cancelled = [&] {
    JacobianSpectrum stopped;
    stopped.sample = out.sample;
    stopped.rows = out.rows;
    stopped.cols = out.cols;
    stopped.cancelled = true;
    return stopped;
  };

  MatrixRM batch = sample_input(config);
  MatrixR<double> h = batch.row(options.sample).cast<double>();
  // LSUV: the weights as run() leaves them, rescaled from the whole batch's forward pass.
  std::optional<Stack<float>> rescaled;
  if (lsuv) {
    std::vector<Layer<float>> layers;
    layers.reserve(static_cast<std::size_t>(depth));
    for (int l = 1; l <= depth; ++l) {
      layers.push_back(sample_layer(config, init, l));
      if (!keep_going()) return cancelled();
    }
    rescaled.emplace(spec, std::move(layers), std::move(batch));
    for (int l = 1; l <= depth; ++l) {
      rescaled->compute_preactivation(l);
      lsuv_rescale(*rescaled, l);
      rescaled->complete_layer(l);
      if (!keep_going()) return cancelled();
    }
  }
  batch = MatrixRM();

  // Forward mode: the rows of `tangents` are ∂h_l/∂x_i for each input entry i, i.e. Jᵀ of the
  // stack so far (input.dim × features of h_l); the identity before the first layer.
  MatrixR<double> tangents = MatrixR<double>::Identity(out.cols, out.cols);
  for (int l = 1; l <= depth; ++l) {
    Layer<float> sampled;
    if (!lsuv) sampled = sample_layer(config, init, l);
    const Layer<float>& weights = lsuv ? rescaled->layer(l) : sampled;
    out.weight_std.push_back(weight_std_of(weights.weight));
    // This layer alone, as a stack of one fed with h_{l−1}: the very forward code of run().
    std::vector<Layer<double>> one(1);
    one[0].weight = weights.weight.cast<double>();
    one[0].bias = weights.bias.cast<double>();
    sampled = Layer<float>();
    Stack<double> block(spec, std::move(one), std::move(h));
    block.forward();
    const MatrixR<double>& w = block.layer(1).weight;
    MatrixR<double> next(out.cols, w.rows());
    if (l == 1) {
      next = w.transpose();  // the identity times W_1ᵀ
    } else {
      matmul_abt<double>(tangents, w, next);
    }
    apply_block(spec, block.preactivation(1), next);
    if (block.has_skip(1)) {
      tangents += *spec.residual_alpha * next;
    } else {
      tangents = std::move(next);
    }
    h = block.output();
    if (!h.allFinite() || !tangents.allFinite()) {
      mark_overflow(l, out);
      return out;
    }
    if (!keep_going()) return cancelled();
  }

  measure(tangents, options.histogram_bins, out);
  if (options.keep_matrix) out.matrix = tangents.transpose();
  if (!keep_going()) return cancelled();
  return out;
}

}  // namespace initscope
