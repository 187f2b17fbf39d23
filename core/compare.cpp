#include "core/compare.h"

#include <cmath>
#include <cstdio>
#include <utility>

#include "core/io/config_io.h"
#include "core/io/format.h"
#include "core/io/json.h"
#include "core/run.h"

namespace initscope {
namespace {

// Leaves of the normalized config file as (section, key, text), in file order.
struct Leaf {
  std::string section, key, text;
};

std::vector<Leaf> leaves(const Config& config) {
  std::vector<Leaf> out;
  const json::Value root = json::parse(config_to_json(config));
  for (const json::Member& section : root.members()) {
    if (!section.value.is_object()) continue;  // version, seed: handled below
    for (const json::Member& leaf : section.value.members()) {
      std::string text = leaf.value.is_string()   ? leaf.value.as_string()
                         : leaf.value.is_number() ? leaf.value.number_text()
                         : leaf.value.is_bool()   ? (leaf.value.as_bool() ? "on" : "off")
                                                  : json::describe(leaf.value);
      out.push_back({section.key, leaf.key, std::move(text)});
    }
  }
  out.push_back({"", "seed", std::to_string(config.seed)});
  return out;
}

// The name a legend uses: the key alone where it is unambiguous, the section for the "name" keys
// (activation, norm, loss), and "section key" for the keys two sections share.
std::string label_of(const Leaf& leaf) {
  if (leaf.key == "name") return leaf.section;
  const bool shared = leaf.key == "width" || leaf.key == "distribution" || leaf.key == "groups";
  const bool usual = (leaf.key == "width" && leaf.section == "network") ||
                     (leaf.key == "distribution" && leaf.section == "init");
  return shared && !usual ? leaf.section + " " + leaf.key : leaf.key;
}

std::string rounded(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", x);
  return format_number(std::stod(text));
}

std::string gain_text(const Config& config) {
  try {
    const InitResolution r = resolve_init(config);
    if (r.gain) return rounded(*r.gain);
  } catch (const std::exception&) {
    // An invalid config has no resolved gain: show its setting instead.
  }
  return config.init.gain.kind == GainSetting::Kind::value
             ? rounded(config.init.gain.value)
             : std::string(name_of(config.init.gain.kind));
}

}  // namespace

std::vector<std::string> config_differences(const Config& before, const Config& after) {
  const std::vector<Leaf> a = leaves(before), b = leaves(after);
  std::vector<std::string> out;
  // Optional keys appear in one file only: walk the union, in the order of the longer list.
  auto find = [](const std::vector<Leaf>& list, const Leaf& like) -> const Leaf* {
    for (const Leaf& leaf : list) {
      if (leaf.section == like.section && leaf.key == like.key) return &leaf;
    }
    return nullptr;
  };
  std::vector<Leaf> keys = a;
  for (const Leaf& leaf : b) {
    if (!find(a, leaf)) keys.push_back(leaf);
  }
  for (const Leaf& key : keys) {
    const Leaf* x = find(a, key);
    const Leaf* y = find(b, key);
    const std::string old_text = x ? x->text : "default";
    const std::string new_text = y ? y->text : "default";
    if (old_text == new_text) continue;
    if (key.section == "init" && key.key == "gain") {
      // The values in use; where they agree, the settings that changed (auto → 1.0).
      const std::string from = gain_text(before), to = gain_text(after);
      out.push_back(from != to ? "gain " + from + " → " + to
                               : "gain " + old_text + " → " + new_text);
    } else {
      out.push_back(label_of(key) + " " + old_text + " → " + new_text);
    }
  }
  return out;
}

std::string difference_label(const Config& before, const Config& after) {
  const std::vector<std::string> differences = config_differences(before, after);
  if (differences.empty()) return "same settings";
  std::string text;
  for (const std::string& d : differences) text += (text.empty() ? "" : ", ") + d;
  return text;
}

}  // namespace initscope
