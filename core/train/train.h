#pragma once

// Training (SPEC section 8): the experiment's stack, initialized as run() initializes it, gets a
// readout and learns its task, step by step, with the records of train.csv and train_layers.csv
// and step 0's statistics. The one entry point, like run(): plain values in and out, a callback
// that may stop it between steps. Byte-identical for any thread count.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace initscope {

/// One row of train.csv. Row s < steps: batch s's loss and accuracy before that step's update,
/// the eval columns at evaluation steps; row `steps`: the final evaluation only.
struct TrainStepRecord {
  std::int64_t step = 0;
  std::optional<double> train_loss, train_acc, eval_loss, eval_acc;  // acc: fashion_mnist only
  bool diverged = false;
};

/// One row of train_layers.csv: block `layer` at evaluation step `step`, on that step's batch.
struct TrainLayerRecord {
  std::int64_t step = 0;
  int layer = 0;
  double weight_std = 0, act_var = 0, act_zero_frac = 0;
  std::optional<double> act_saturated_frac;  // tanh, softsign, sigmoid only
  double grad_weight_std = 0;
  std::optional<double> grad_data_ratio;    // empty where weight_std = 0
  std::optional<double> update_data_ratio;  // std(W after − W before)/std(W before); as above
};

struct TrainResult {
  Config config;  // with its train object
  /// Step 0's statistics (stats.csv): the network on the first training batch, with the task's
  /// loss, before any update.
  Result initial;
  std::vector<TrainStepRecord> steps;
  std::vector<TrainLayerRecord> layers;
  std::int64_t steps_done = 0;  // updates made
  /// "diverged at step 137: loss inf" when a non-finite loss stopped the training.
  std::optional<std::string> diverged;
  bool cancelled = false;  // the callback stopped it; the records hold what was done
};

struct TrainOptions {
  std::uint64_t max_memory = kDefaultMaxMemory;
  int threads = 0;  // 0: every core
  int histogram_bins = 64;
  std::optional<std::int64_t> steps;  // overrides train.steps (the command line's --steps)
};

/// Called after each step with the records so far and the number of updates made; returning
/// false stops the training after that step (cancelled = true, the final evaluation skipped).
using TrainProgress = std::function<bool(const TrainResult& so_far, std::int64_t steps_done)>;

/// Trains the config's network on its task. Throws InputError for a config without `train`, an
/// invalid config or a run over the memory limit (nothing allocated), and DataError (an
/// InputError) for missing or corrupt data files, naming the file and the package.
TrainResult train(const Config& config, const TrainOptions& options = {},
                  const TrainProgress& progress = {});

}  // namespace initscope
