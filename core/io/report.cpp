#include "core/io/report.h"

#include <cstdio>

#include "core/io/config_io.h"
#include "core/io/format.h"
#include "core/io/json.h"

namespace initscope {
namespace {

std::string field(const std::optional<double>& value) {
  return value ? format_number(*value) : std::string();
}

const char* status_of(const LayerStats& s) {
  return s.overflow ? "overflow" : "ok";
}

std::vector<std::string> csv_fields(const LayerStats& s) {
  std::vector<std::string> fields{std::to_string(s.layer)};
  for (const std::optional<double>& value : numeric_stats(s)) fields.push_back(field(value));
  fields.emplace_back(status_of(s));
  return fields;
}

json::Value optional_number(const std::optional<double>& value) {
  return value ? json::Value::number(*value) : json::Value::null();
}

json::Value histogram_value(const Histogram& h) {
  json::Value edges = json::Value::array(), counts = json::Value::array();
  for (double edge : h.edges) edges.push_back(json::Value::number(edge));
  for (std::int64_t count : h.counts) counts.push_back(json::Value::integer(count));
  json::Value v = json::Value::object();
  v.set("edges", std::move(edges));
  v.set("counts", std::move(counts));
  return v;
}

json::Value law_value(const Law& law) {
  json::Value v = json::Value::object();
  v.set("kind", json::Value::string(std::string(name_of(law.kind))));
  switch (law.kind) {
    case LawKind::uniform:
      v.set("low", json::Value::number(law.low));
      v.set("high", json::Value::number(law.high));
      break;
    case LawKind::normal:
      v.set("mean", json::Value::number(law.mean));
      v.set("std", json::Value::number(law.std));
      break;
    case LawKind::trunc_normal:
      v.set("mean", json::Value::number(law.mean));
      v.set("std", json::Value::number(law.std));
      v.set("a", json::Value::number(law.low));
      v.set("b", json::Value::number(law.high));
      break;
    case LawKind::constant:
      v.set("value", json::Value::number(law.value));
      break;
    case LawKind::eye:
      break;
    case LawKind::dirac:
      v.set("groups", json::Value::integer(law.groups));
      break;
    case LawKind::orthogonal:
      v.set("gain", json::Value::number(law.gain));
      break;
    case LawKind::sparse:
      v.set("std", json::Value::number(law.std));
      v.set("sparsity", json::Value::number(law.sparsity));
      break;
  }
  return v;
}

json::Value layer_value(const LayerStats& s, const LayerHistograms& h) {
  json::Value v = json::Value::object();
  v.set("layer", json::Value::integer(s.layer));
  // The numeric columns from their values (not their CSV text), null where empty.
  const auto numbers = numeric_stats(s);
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    v.set(kStatsColumns[i + 1], optional_number(numbers[i]));
  }
  v.set("status", json::Value::string(status_of(s)));
  json::Value histograms = json::Value::object();
  histograms.set("weights", h.weights ? histogram_value(*h.weights) : json::Value::null());
  histograms.set("preactivations",
                 h.preactivations ? histogram_value(*h.preactivations) : json::Value::null());
  histograms.set("activations", histogram_value(h.activations));
  histograms.set("activation_gradients", histogram_value(h.activation_gradients));
  v.set("histograms", std::move(histograms));
  return v;
}

json::Value numbers(const std::vector<double>& values) {
  json::Value v = json::Value::array();
  for (double x : values) v.push_back(json::Value::number(x));
  return v;
}

json::Value theory_value(const MeanFieldPrediction& theory) {
  json::Value v = json::Value::object();
  v.set("applies", json::Value::boolean(theory.applies));
  if (!theory.applies) {
    v.set("reason", json::Value::string(theory.reason));
    return v;
  }
  v.set("sigma_w2", numbers(theory.sigma_w2));
  v.set("sigma_b2", numbers(theory.sigma_b2));
  v.set("preact_mean", numbers(theory.preact_mean));
  v.set("preact_var", numbers(theory.preact_var));
  v.set("chi", numbers(theory.chi));
  if (theory.backward_reason.empty()) {
    v.set("grad_act_var", numbers(theory.grad_act_var));
  } else {
    v.set("grad_act_var", json::Value::null());
    v.set("grad_act_var_reason", json::Value::string(theory.backward_reason));
  }
  return v;
}

std::string cell(const std::optional<double>& value, const char* format = "%11.4g") {
  char text[32];
  if (!value) return std::string(11, ' ').replace(10, 1, "-");
  std::snprintf(text, sizeof text, format, *value);
  return text;
}

}  // namespace

std::array<std::optional<double>, kNumericColumns> numeric_stats(const LayerStats& s) {
  return {s.weight_mean,        s.weight_std,      s.weight_min,     s.weight_max,
          s.preact_mean,        s.preact_var,      s.act_mean,       s.act_var,
          s.act_saturated_frac, s.act_zero_frac,   s.dead_unit_frac, s.grad_act_var,
          s.grad_preact_var,    s.grad_weight_std, s.grad_data_ratio};
}

std::string stats_csv(const Result& result) {
  std::string text;
  for (std::size_t i = 0; i < kStatsColumns.size(); ++i) {
    if (i > 0) text += ',';
    text += kStatsColumns[i];
  }
  text += '\n';
  for (const LayerStats& stats : result.layers) {
    const std::vector<std::string> fields = csv_fields(stats);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) text += ',';
      text += fields[i];
    }
    text += '\n';
  }
  return text;
}

std::string histograms_csv(const Result& result) {
  std::string text = "layer,tensor,bin,left,right,count\n";
  auto rows = [&](int layer, const char* tensor, const Histogram& h) {
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
      text += std::to_string(layer) + ',' + tensor + ',' + std::to_string(i) + ',' +
              format_number(h.edges[i]) + ',' + format_number(h.edges[i + 1]) + ',' +
              std::to_string(h.counts[i]) + '\n';
    }
  };
  for (std::size_t l = 0; l < result.histograms.size(); ++l) {
    const LayerHistograms& h = result.histograms[l];
    const int layer = static_cast<int>(l);
    if (h.weights) rows(layer, "weights", *h.weights);
    if (h.preactivations) rows(layer, "preactivations", *h.preactivations);
    rows(layer, "activations", h.activations);
    rows(layer, "activation_gradients", h.activation_gradients);
  }
  return text;
}

std::string stats_json(const Result& result) {
  json::Value root = json::Value::object();
  root.set("initscope", json::Value::string(INITSCOPE_VERSION));
  root.set("config", json::parse(config_to_json(result.config)));
  json::Value init = json::Value::object();
  init.set("scheme", json::Value::string(std::string(name_of(result.init.scheme))));
  init.set("gain", optional_number(result.init.gain));
  init.set("gain_source",
           result.init.gain ? json::Value::string(result.init.gain_source) : json::Value::null());
  init.set("first_layer_law", law_value(result.init.first_layer_law));
  root.set("init", std::move(init));
  root.set("loss", json::Value::number(result.loss));
  json::Value warnings = json::Value::array();
  for (const std::string& warning : result.warnings)
    warnings.push_back(json::Value::string(warning));
  root.set("warnings", std::move(warnings));
  json::Value layers = json::Value::array();
  for (std::size_t l = 0; l < result.layers.size(); ++l) {
    layers.push_back(layer_value(result.layers[l], result.histograms[l]));
  }
  root.set("layers", std::move(layers));
  if (!result.lsuv_variances.empty()) {
    json::Value lsuv = json::Value::array();
    for (const std::vector<double>& rounds : result.lsuv_variances) {
      lsuv.push_back(numbers(rounds));
    }
    root.set("lsuv_variances", std::move(lsuv));
  }
  root.set("theory", theory_value(result.theory));
  return json::write(root);
}

std::string stats_table(const Result& result) {
  std::string text =
      "layer  weight_std  preact_var     act_var  sat/zero %  grad_act_var  grad_w_std  grad:data  "
      "status\n";
  for (const LayerStats& s : result.layers) {
    char layer[16];
    std::snprintf(layer, sizeof layer, "%5d", s.layer);
    const double share = s.act_saturated_frac.value_or(s.act_zero_frac);
    text += std::string(layer) + cell(s.weight_std) + cell(s.preact_var) + cell(s.act_var) +
            cell(100 * share, "%11.1f") + "  " + cell(s.grad_act_var) + " " +
            cell(s.grad_weight_std) + cell(s.grad_data_ratio) + "  " + status_of(s) + "\n";
  }
  return text;
}

}  // namespace initscope
