#pragma once

// Parsing of the command line's option values, shared by the commands.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace initscope::app {

/// Whether the arguments ask for help: --help or -h anywhere (it wins over any other problem).
bool asks_for_help(const std::vector<std::string>& args);

/// A finite decimal number, the whole text.
std::optional<double> parse_number(const std::string& text);

/// A whole number in [low, high], the whole text.
std::optional<std::int64_t> parse_integer(const std::string& text, std::int64_t low,
                                          std::int64_t high);

/// A size in bytes: a number with an optional unit K, M, G, T (powers of 1024, optionally followed
/// by "iB" or "B"), e.g. "512M", "4G", "1.5GiB", "1000000".
std::optional<std::uint64_t> parse_bytes(const std::string& text);

}  // namespace initscope::app
