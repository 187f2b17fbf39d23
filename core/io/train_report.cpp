#include "core/io/train_report.h"

#include <cstdio>

#include "core/io/format.h"

namespace initscope {
namespace {

std::string field(const std::optional<double>& value) {
  return value ? format_number(*value) : std::string();
}

std::string percent(double share) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * share);
  return text;
}

std::string short_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

std::string train_csv(const TrainResult& result) {
  std::string text = "step,train_loss,train_acc,eval_loss,eval_acc,status\n";
  for (const TrainStepRecord& r : result.steps) {
    text += std::to_string(r.step) + "," + field(r.train_loss) + "," + field(r.train_acc) + "," +
            field(r.eval_loss) + "," + field(r.eval_acc) + "," +
            (r.diverged ? "diverged" : "ok") + "\n";
  }
  return text;
}

std::string train_layers_csv(const TrainResult& result) {
  std::string text =
      "step,layer,weight_std,act_var,act_zero_frac,act_saturated_frac,grad_weight_std,"
      "grad_data_ratio,update_data_ratio\n";
  for (const TrainLayerRecord& r : result.layers) {
    text += std::to_string(r.step) + "," + std::to_string(r.layer) + "," +
            format_number(r.weight_std) + "," + format_number(r.act_var) + "," +
            format_number(r.act_zero_frac) + "," + field(r.act_saturated_frac) + "," +
            format_number(r.grad_weight_std) + "," + field(r.grad_data_ratio) + "," +
            field(r.update_data_ratio) + "\n";
  }
  return text;
}

std::string train_summary(const TrainResult& result) {
  const TrainStepRecord* first = nullptr;
  const TrainStepRecord* last = nullptr;
  for (const TrainStepRecord& r : result.steps) {
    if (!r.eval_loss) continue;
    if (first == nullptr) first = &r;
    last = &r;
  }
  std::string text;
  if (result.diverged) {
    text = *result.diverged;
  } else if (result.cancelled) {
    text = "stopped after " + std::to_string(result.steps_done) + " steps";
  } else {
    text = "trained " + std::to_string(result.steps_done) + " steps";
  }
  if (first != nullptr && last != nullptr) {
    text += "; eval loss " + short_number(*last->eval_loss);
    if (last->eval_acc) text += ", accuracy " + percent(*last->eval_acc);
    if (last != first) {
      text += " (step 0: " + short_number(*first->eval_loss);
      if (first->eval_acc) text += ", " + percent(*first->eval_acc);
      text += ")";
    }
    if (last->step != result.steps_done || result.cancelled || result.diverged) {
      text += ", at step " + std::to_string(last->step);
    }
  }
  return text + "\n";
}

}  // namespace initscope
