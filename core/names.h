#pragma once

// Every enum family of core (scheme, activation, norm, fan mode, ...) owns its names in one
// constexpr table, declared next to the enum as a specialization of EnumNames. The config reader,
// the command line and the window's combo boxes all read that table, so a new entry is one edit.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace initscope {

template <typename E>
struct NameEntry {
  E value;
  std::string_view name;
};

/// Specialize with `static constexpr std::string_view family` (e.g. "scheme") and
/// `static constexpr std::array<NameEntry<E>, N> table`. The first entry of a value is its
/// canonical name; later entries with the same value are aliases.
template <typename E>
struct EnumNames;

template <typename E>
constexpr std::string_view name_of(E value) {
  for (const auto& entry : EnumNames<E>::table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <typename E>
constexpr std::optional<E> find_by_name(std::string_view name) {
  for (const auto& entry : EnumNames<E>::table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

/// The canonical names of a family, in table order, aliases left out.
template <typename E>
std::vector<std::string_view> canonical_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : EnumNames<E>::table) {
    if (name_of(entry.value) == entry.name) names.push_back(entry.name);
  }
  return names;
}

/// ` (did you mean "x"?)` for the closest candidate within a small edit distance, else "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

/// `unknown <family> "<name>"` followed by a did-you-mean hint.
std::string unknown_name_message(std::string_view family, std::string_view name,
                                 std::span<const std::string_view> candidates);

/// Looks a name up in E's table; an unknown name is an InputError naming the family and the
/// nearest known name.
template <typename E>
E parse_name(std::string_view name) {
  if (auto value = find_by_name<E>(name)) return *value;
  std::vector<std::string_view> all;
  for (const auto& entry : EnumNames<E>::table) all.push_back(entry.name);
  throw InputError(unknown_name_message(EnumNames<E>::family, name, all));
}

}  // namespace initscope
