#pragma once

// A run's results as text: stats.csv (SPEC section 4), stats.json, and the terminal table.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace initscope {

/// stats.csv's columns, in the SPEC's order.
inline constexpr std::array<std::string_view, 17> kStatsColumns{
    "layer",           "weight_mean",    "weight_std",   "weight_min",      "weight_max",
    "preact_mean",     "preact_var",     "act_mean",     "act_var",         "act_saturated_frac",
    "act_zero_frac",   "dead_unit_frac", "grad_act_var", "grad_preact_var", "grad_weight_std",
    "grad_data_ratio", "status"};

/// The numeric columns of stats.csv, kStatsColumns[1 .. kNumericColumns]: all but layer and status.
inline constexpr std::size_t kNumericColumns = kStatsColumns.size() - 2;

/// A layer's values of the numeric columns, in kStatsColumns' order; empty where a column does not
/// apply to the layer.
std::array<std::optional<double>, kNumericColumns> numeric_stats(const LayerStats& s);

/// One row per layer (0 = input), numbers as Python's repr prints them, empty fields where a column
/// does not apply; `ok` or `overflow`. The same result gives the same bytes.
std::string stats_csv(const Result& result);

/// stats.json: the normalized config, how the init was resolved, the loss, the warnings, and per
/// layer the stats.csv columns (null where empty) with the histograms of the weights,
/// pre-activations, activations and activation gradients as {"edges": [...], "counts": [...]};
/// for lsuv the variances of each layer's rounds; and "theory", the mean-field prediction:
/// {"applies": false, "reason": "..."} or {"applies": true, "sigma_w2", "sigma_b2",
/// "preact_mean", "preact_var", "chi": [one per layer 1..depth], "grad_act_var": [0..depth]},
/// where under mse "grad_act_var" is null and "grad_act_var_reason" says why.
std::string stats_json(const Result& result);

/// Every histogram of the run in long form: layer,tensor,bin,left,right,count with tensor one of
/// weights, preactivations, activations, activation_gradients.
std::string histograms_csv(const Result& result);

/// A table for the terminal: the columns that tell the story, aligned.
std::string stats_table(const Result& result);

}  // namespace initscope
