#pragma once

// What differs between two experiments, in words a legend can carry: "gain 1.67 → 1.0",
// "depth 20 → 30", "activation tanh → relu". Used by the window's compare mode.

#include <string>
#include <vector>

#include "core/config.h"

namespace initscope {

/// One entry per setting that differs, in SPEC section 3's order. Gains are shown as the values
/// in use (resolve_init), rounded to 3 significant digits; absent optional settings as "default".
std::vector<std::string> config_differences(const Config& before, const Config& after);

/// The differences joined with ", ", or "same settings".
std::string difference_label(const Config& before, const Config& after);

}  // namespace initscope
