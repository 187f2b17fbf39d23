#pragma once

// One fuzz input through the config reader, the validator and a run, shared by the libFuzzer
// target (tests/fuzz/fuzz_config.cpp) and the regression test (tests/core/tst_fuzz_regressions.cpp)
// so that a saved input is checked by exactly the logic that found it.
//
// The input is a config file's text. A refusal is an InputError, and expected. A broken invariant
// (a JSON document or a config that does not read back as itself after writing, a run that returns
// the wrong number of layers) is a Finding; anything else that escapes (another exception, a crash,
// a sanitizer report, a hang) is a finding too, left to the caller.

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/json.h"
#include "core/run.h"

namespace initscope::fuzz {

/// A broken invariant: not an InputError, so nothing that expects refusals swallows it.
class Finding : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// The sizes a valid config is clamped to before it runs, so that one input takes well under
/// 10 ms even under the sanitizers.
inline constexpr std::int64_t kMaxDepth = 3;
inline constexpr std::int64_t kMaxWidth = 8;
inline constexpr std::int64_t kMaxBatch = 8;
inline constexpr std::int64_t kMaxDim = 8;
inline constexpr std::int64_t kMaxChannels = 4;
inline constexpr std::int64_t kMaxImageSide = 8;
inline constexpr std::int64_t kMaxKernel = 3;
inline constexpr std::int64_t kMaxNormSize = 8;
/// Far above what the clamped sizes need (a few KiB), far below what a wrong estimate would take.
inline constexpr std::uint64_t kMaxMemory = 1u << 20;

/// The config with every size cut to the bounds above and every other field kept, but `train`. A
/// kernel stays odd (min of an odd kernel and 3); group counts that no longer divide the width
/// become their greatest common divisor with it, so that group norm and dirac keep running.
inline Config clamp_to_tiny(Config c) {
  c.input.dim = std::min(c.input.dim, kMaxDim);
  c.input.batch = std::min(c.input.batch, kMaxBatch);
  c.input.channels = std::min(c.input.channels, kMaxChannels);
  c.input.height = std::min(c.input.height, kMaxImageSide);
  c.input.width = std::min(c.input.width, kMaxImageSide);
  c.network.depth = std::min(c.network.depth, kMaxDepth);
  c.network.width = std::min(c.network.width, kMaxWidth);
  c.network.kernel = std::min(c.network.kernel, kMaxKernel);
  c.norm.size = std::min(c.norm.size, kMaxNormSize);
  if (c.norm.groups > 0 && c.network.width % c.norm.groups != 0) {
    c.norm.groups = std::gcd(c.norm.groups, c.network.width);
  }
  if (c.init.args.groups > 0 && c.network.width % c.init.args.groups != 0) {
    c.init.args.groups = std::gcd(c.init.args.groups, c.network.width);
  }
  // run() does not train, and fashion_mnist's fixed 28 × 28 input would refuse the sizes above;
  // the round trip of the whole config, before the clamp, covers the train object.
  c.train.reset();
  return c;
}

/// A valid config written by config_to_json reads back as the same config.
inline void check_config_round_trip(const Config& config, std::string_view what) {
  const std::string text = config_to_json(config);
  Config again;
  try {
    again = parse_config(text, "round trip").config;
  } catch (const InputError& e) {
    throw Finding(std::string(what) + ": config_to_json wrote a config parse_config refuses: " +
                  e.what() + "\n" + text);
  }
  if (!(again == config)) {
    throw Finding(std::string(what) + ": config_to_json then parse_config changed the config:\n" +
                  text + "read back as\n" + config_to_json(again));
  }
}

/// A JSON document json::write writes reads back as the same document.
inline void check_json_round_trip(const json::Value& value) {
  const std::string text = json::write(value);
  json::Value again;
  try {
    again = json::parse(text);
  } catch (const InputError& e) {
    throw Finding(std::string("json::write wrote a document json::parse refuses: ") + e.what() +
                  "\n" + text);
  }
  if (!(again == value)) {
    throw Finding("json::write then json::parse changed the document:\n" + text + "read back as\n" +
                  json::write(again));
  }
}

enum class Outcome {
  not_json,  // json::parse refused the text
  refused,   // parse_config, validate or run refused the config (an InputError)
  ran,       // the clamped config ran
};

/// Reads `text` as a config, validates it, checks both round trips, clamps it to tiny sizes and
/// runs it on one thread. Returns how far it got; throws Finding for a broken invariant and lets
/// any unexpected exception through.
inline Outcome fuzz_one(std::string_view text) {
  json::Value document;
  try {
    document = json::parse(text);
  } catch (const InputError&) {
    return Outcome::not_json;
  }
  check_json_round_trip(document);

  try {
    const Config config = parse_config(text, "fuzz").config;
    validate(config);
    check_config_round_trip(config, "the config as read");

    const Config tiny = clamp_to_tiny(config);
    validate(tiny);
    check_config_round_trip(tiny, "the clamped config");

    RunOptions options;
    options.max_memory = kMaxMemory;
    options.threads = 1;
    const Result result = run(tiny, options);
    if (result.cancelled ||
        result.layers.size() != static_cast<std::size_t>(tiny.network.depth) + 1 ||
        result.histograms.size() != result.layers.size() || !(result.config == tiny)) {
      throw Finding("run returned " + std::to_string(result.layers.size()) +
                    " layers of statistics for depth " + std::to_string(tiny.network.depth) +
                    (result.cancelled ? " and says it was cancelled" : ""));
    }
  } catch (const InputError&) {
    return Outcome::refused;
  }
  return Outcome::ran;
}

}  // namespace initscope::fuzz
