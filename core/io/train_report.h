#pragma once

// A training run's records as text (SPEC section 8): train.csv and train_layers.csv, numbers as
// Python's repr prints them, empty fields where a column has no value.

#include <string>

#include "core/train/train.h"

namespace initscope {

/// step,train_loss,train_acc,eval_loss,eval_acc,status — status `ok`, or `diverged` on the step
/// whose loss was not finite.
std::string train_csv(const TrainResult& result);

/// step,layer,weight_std,act_var,act_zero_frac,act_saturated_frac,grad_weight_std,
/// grad_data_ratio,update_data_ratio — each block at each evaluation step before the last.
std::string train_layers_csv(const TrainResult& result);

/// One line: "trained 300 steps of ...: eval loss 0.52, accuracy 81.3% (from 2.31, 9.8%)", or how
/// it diverged or was stopped.
std::string train_summary(const TrainResult& result);

}  // namespace initscope
