#pragma once

// The config file of SPEC section 3: JSON, version 1. Reading refuses a bad file with one line
// naming the file, the JSON path and the problem; unknown keys are warned about, not errors, so a
// file written for a later minor addition still runs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace initscope {

/// The largest config file load_config reads: far beyond any real config, small enough that a
/// wrong path (a dataset, a binary) is refused before it is read into memory.
inline constexpr std::uintmax_t kMaxConfigFileBytes = 16u << 20;

struct LoadedConfig {
  Config config;
  /// `<source>: <json path>: <problem>`, one line each, in file order.
  std::vector<std::string> warnings;
};

/// Parses and validates. `source` names the file in messages (e.g. "lesson.json"). Throws
/// InputError `<source>: <json path>: <problem>`, or `<source>: line L, column C: <problem>` for
/// malformed JSON.
LoadedConfig parse_config(std::string_view text, std::string_view source);

/// Reads the file then parse_config, with the path as the source. A missing file, a directory,
/// an unreadable file or one over 16 MiB is an InputError naming the path.
LoadedConfig load_config(const std::string& path);

/// The config as JSON: every key with its value in SPEC section 3's order, optional keys only when
/// set, a parameter only for an activation that takes one. For a config as parse_config returns
/// it, parse_config(config_to_json(c), ...).config == c.
std::string config_to_json(const Config& config);

/// The shape of layer l's weight (l = 1..depth), as torch holds it: [width, in] for an mlp,
/// [width, in, kernel, kernel] for a conv2d stack (SPEC section 7), where `in` is the input's dim
/// or channels for layer 1 and the width after it.
Shape weight_shape(const Config& config, std::int64_t layer);

/// The checks that do not depend on how the file was written: sizes and bounds, finite numbers,
/// norms against the network, the scheme's arguments against the first layer's weight shape.
/// Throws InputError `<json path>: <problem>` (no file name).
void validate(const Config& config);

}  // namespace initscope
