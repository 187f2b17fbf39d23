#include "core/train/train.h"

#include <cmath>

#include "core/compute/parallel.h"
#include "core/error.h"
#include "core/init/schemes.h"
#include "core/io/config_io.h"
#include "core/io/format.h"
#include "core/nn/loss.h"
#include "core/run.h"
#include "core/stats/summary.h"
#include "core/train/optimizer.h"
#include "core/train/readout.h"
#include "core/train/task_data.h"

namespace initscope {
namespace {

constexpr double kBatchNormMomentum = 0.1;  // torch's default
// Evaluation runs the stack on at most this many rows at a time (a conv2d sample has H·W rows).
constexpr std::int64_t kEvalRows = 65536;

// The samples of one evaluation pass of the stack.
std::int64_t eval_chunk(std::int64_t positions) {
  return std::max<std::int64_t>(1, kEvalRows / positions);
}

// torch's modules: BatchNorm, GroupNorm and LayerNorm have γ and β, RMSNorm γ only; InstanceNorm
// (affine=False by default) and LocalResponseNorm none.
bool has_gamma(Norm norm) {
  return norm == Norm::batch || norm == Norm::group || norm == Norm::layer || norm == Norm::rms;
}

bool has_beta(Norm norm) {
  return has_gamma(norm) && norm != Norm::rms;
}

// The trainable parts every layer gets at step 0: γ = 1, β = 0 of the norm's parameter shape
// (per feature, or [C, H, W] for a conv2d stack's layer and rms norm), batch norm's running mean
// 0 and variance 1.
void add_training_state(const Config& config, Layer<float>& layer) {
  const Norm norm = config.norm.name;
  const std::int64_t width = config.network.width;
  const std::int64_t rows =
      is_conv(config) && (norm == Norm::layer || norm == Norm::rms) ? positions_of(config) : 1;
  if (has_gamma(norm)) layer.gamma = MatrixRM::Ones(rows, width);
  if (has_beta(norm)) layer.beta = MatrixRM::Zero(rows, width);
  if (norm == Norm::batch) {
    layer.running_mean = RowVector<float>::Zero(width);
    layer.running_var = RowVector<float>::Ones(width);
  }
}

Readout<float> sample_readout(const Config& config, const InitResolution& init) {
  const Shape shape{kReadoutOutputs, config.network.width};
  Readout<float> readout;
  readout.bias = RowVector<float>::Zero(kReadoutOutputs);
  if (config.train->readout_init == ReadoutInit::zeros) {
    readout.weight = MatrixRM::Zero(kReadoutOutputs, config.network.width);
    return readout;
  }
  // `same`: the blocks' scheme with its resolved arguments, as model.apply(init_fn) does; lsuv's
  // starting point is orthogonal, and dirac cannot fill a matrix.
  Scheme scheme = config.train->readout_init == ReadoutInit::same ? init.scheme
                                                                   : Scheme::torch_default;
  if (scheme == Scheme::lsuv) scheme = Scheme::orthogonal;
  if (scheme == Scheme::dirac) scheme = Scheme::torch_default;
  const InitArgs args = scheme == Scheme::torch_default ? InitArgs{} : init.args;
  Tensor weight = Tensor::for_overwrite(shape);
  Generator gen = stream_generator(config, Stream::readout);
  sample(law_of(scheme, args, shape), weight, gen);
  readout.weight = std::move(weight.matrix());
  return readout;
}

struct Evaluation {
  double loss = 0.0;
  std::optional<double> accuracy;
};

// The task's loss on the evaluation set, batch norm on its running statistics (model.eval()).
Evaluation evaluate(Stack<float>& stack, const Readout<float>& readout, const TaskData& data,
                    std::int64_t positions) {
  stack.set_training(false);
  const std::int64_t chunk = eval_chunk(positions);
  double loss_sum = 0.0;
  double correct = 0.0;
  Batch batch;
  for (std::int64_t first = 0; first < data.eval_size(); first += chunk) {
    const std::int64_t count = std::min(chunk, data.eval_size() - first);
    data.eval_batch(first, count, batch);
    stack.set_input(std::move(batch.input));
    stack.forward();
    const MatrixRM logits = readout_forward(readout, pool_positions(stack.output(), positions));
    if (data.classifies()) {
      const ClassificationLoss<float> ce = cross_entropy(logits, batch.labels);
      loss_sum += ce.value * static_cast<double>(count);
      correct += std::round(ce.accuracy * static_cast<double>(count));
    } else {
      loss_sum += evaluate_loss(Loss::mse, logits, batch.targets).value * static_cast<double>(count);
    }
  }
  stack.set_training(true);
  const double n = static_cast<double>(data.eval_size());
  Evaluation e{loss_sum / n, std::nullopt};
  if (data.classifies()) e.accuracy = correct / n;
  return e;
}

double std_of(const MatrixRM& m) {
  const Summary s = summarize(span_of(m));
  return s.all_finite() ? s.std() : std::numeric_limits<double>::quiet_NaN();
}

TrainLayerRecord layer_record(std::int64_t step, const LayerStats& stats) {
  TrainLayerRecord r;
  r.step = step;
  r.layer = stats.layer;
  r.weight_std = stats.weight_std.value_or(0.0);
  r.act_var = stats.act_var;
  r.act_zero_frac = stats.act_zero_frac;
  r.act_saturated_frac = stats.act_saturated_frac;
  r.grad_weight_std = stats.grad_weight_std.value_or(0.0);
  r.grad_data_ratio = stats.grad_data_ratio;
  return r;
}

// Slots of the optimizer: W, b, γ, β of each block in order, then the readout's W and b.
std::size_t slot_of(int layer, int part) {
  return static_cast<std::size_t>(4 * (layer - 1) + part);
}

}  // namespace

TrainResult train(const Config& config, const TrainOptions& options,
                  const TrainProgress& progress) {
  if (!config.train) throw InputError("train: the config has no train object (SPEC section 8)");
  validate(config);
  const TrainSetting& setting = *config.train;
  const std::int64_t steps = options.steps.value_or(setting.steps);
  if (steps < 0 || steps > kMaxTrainSteps) {
    throw InputError("steps: must be between 0 and " + std::to_string(kMaxTrainSteps) +
                     ", got " + std::to_string(steps));
  }
  const std::int64_t positions = positions_of(config);
  // The estimate of a run on the larger of a training batch and an evaluation chunk.
  Config sized = config;
  sized.input.batch =
      std::max(setting.batch, std::min(setting.eval_size, eval_chunk(positions)));
  if (auto refusal = memory_refusal(sized, {.max_memory = options.max_memory})) {
    throw InputError(*refusal + "; reduce depth, width or train.batch, or raise --max-memory");
  }
  const ThreadLimit threads(options.threads > 0 ? options.threads : max_threads());
  TaskData data(config);

  TrainResult result;
  result.config = config;
  result.config.train->steps = steps;
  Result& initial = result.initial;
  initial.config = config;
  initial.init = resolve_init(config);
  initial.theory.reason = "the mean-field prediction is not made for a training run";
  const int depth = static_cast<int>(config.network.depth);
  std::vector<Layer<float>> layers;
  for (int l = 1; l <= depth; ++l) {
    layers.push_back(sample_layer(config, initial.init, l));
    add_training_state(config, layers.back());
  }
  Readout<float> readout = sample_readout(config, initial.init);
  Stack<float> stack(block_spec(config), std::move(layers), MatrixRM());
  Batch batch;
  Optimizer optimizer(setting.optimizer);
  const Activation activation = config.activation.name;
  const int bins = options.histogram_bins;

  for (std::int64_t s = 0; s < steps; ++s) {
    const bool eval_step = s % setting.eval_every == 0;
    TrainStepRecord row;
    row.step = s;
    if (eval_step) {
      const Evaluation e = evaluate(stack, readout, data, positions);
      row.eval_loss = e.loss;
      row.eval_acc = e.accuracy;
    }
    data.training_batch(s, batch);
    stack.set_input(std::move(batch.input));
    for (int l = 1; l <= depth; ++l) {
      stack.compute_preactivation(l);
      if (s == 0 && config.init.scheme == Scheme::lsuv)
        initial.lsuv_variances.push_back(lsuv_rescale(stack, l));
      stack.complete_layer(l);
    }
    stack.update_running_statistics(kBatchNormMomentum);

    // Per-layer statistics at evaluation steps (all of SPEC section 4's at step 0).
    std::vector<LayerStats> stats;
    std::vector<LayerHistograms> histograms;
    if (eval_step) {
      stats.resize(static_cast<std::size_t>(depth) + 1);
      histograms.resize(stats.size());
      for (int l = 0; l <= depth; ++l)
        measure_forward(stack, l, activation, bins, stats[l], histograms[l]);
    }

    const MatrixRM pooled = pool_positions(stack.output(), positions);
    const MatrixRM logits = readout_forward(readout, pooled);
    MatrixRM grad_logits;
    if (data.classifies()) {
      ClassificationLoss<float> ce = cross_entropy(logits, batch.labels);
      row.train_loss = ce.value;
      row.train_acc = ce.accuracy;
      grad_logits = std::move(ce.gradient);
    } else {
      LossValue<float> mse = evaluate_loss(Loss::mse, logits, batch.targets);
      row.train_loss = mse.value;
      grad_logits = std::move(mse.gradient);
    }
    if (s == 0) initial.loss = *row.train_loss;
    if (!std::isfinite(*row.train_loss)) {
      row.diverged = true;
      result.steps.push_back(row);
      result.diverged = "diverged at step " + std::to_string(s) + ": loss " +
                        format_number(*row.train_loss);
      break;
    }

    // Backward, each parameter updated as soon as its gradient is known: no later part of the
    // pass reads it (the readout first, then block l once ∂L/∂h_{l−1} is computed).
    optimizer.begin_step();
    ReadoutGradients<float> readout_grads = readout_backward(readout, pooled, grad_logits, positions);
    const auto update = [&](std::size_t slot, auto& param, const auto& grad) {
      optimizer.update(slot, {param.data(), static_cast<std::size_t>(param.size())},
                       {grad.data(), static_cast<std::size_t>(grad.size())});
    };
    stack.backward(std::move(readout_grads.input), [&](const LayerGradients<float>& g) {
      const int l = g.layer;
      if (eval_step) measure_backward(g, bins, stats[l], histograms[l]);
      if (l == 0) return true;
      Layer<float>& layer = stack.layer(l);
      MatrixRM before;
      if (eval_step) before = layer.weight;
      update(slot_of(l, 0), layer.weight, *g.grad_w);
      if (layer.bias.size() > 0) {
        const RowVector<float> grad_b =
            g.grad_z->cast<double>().colwise().sum().cast<float>();
        update(slot_of(l, 1), layer.bias, grad_b);
      }
      if (g.grad_gamma != nullptr) update(slot_of(l, 2), layer.gamma, *g.grad_gamma);
      if (g.grad_beta != nullptr) update(slot_of(l, 3), layer.beta, *g.grad_beta);
      if (eval_step) {
        TrainLayerRecord record = layer_record(s, stats[l]);
        if (record.weight_std != 0) {
          record.update_data_ratio = std_of(layer.weight - before) / record.weight_std;
        }
        result.layers.push_back(record);
      }
      return true;
    });
    const std::size_t readout_slot = slot_of(depth + 1, 0);
    update(readout_slot, readout.weight, readout_grads.weight);
    update(readout_slot + 1, readout.bias, readout_grads.bias);
    // The backward visits the layers from the last: the records go out in layer order.
    if (eval_step) {
      std::reverse(result.layers.end() - depth, result.layers.end());
      if (s == 0) {
        for (int l = 1; l <= depth; ++l)
          stats[l].overflow = stats[l].overflow || stats[l - 1].overflow;
        initial.layers = std::move(stats);
        initial.histograms = std::move(histograms);
      }
    }
    result.steps.push_back(row);
    result.steps_done = s + 1;
    if (progress && !progress(result, result.steps_done)) {
      result.cancelled = true;
      return result;
    }
  }
  if (!result.diverged) {
    TrainStepRecord last;
    last.step = steps;
    const Evaluation e = evaluate(stack, readout, data, positions);
    last.eval_loss = e.loss;
    last.eval_acc = e.accuracy;
    result.steps.push_back(last);
  }
  return result;
}

}  // namespace initscope
