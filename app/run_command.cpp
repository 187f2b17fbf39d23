#include "app/run_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "app/arguments.h"
#include "app/command_line.h"
#include "core/compute/allocator.h"
#include "core/io/atomic_file.h"
#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/format.h"
#include "core/compute/parallel.h"
#include "core/io/report.h"
#include "core/run.h"

namespace initscope::app {
namespace {

constexpr const char* kPrefix = "initscope run: ";

struct RunArguments {
  std::string config_path;
  std::optional<std::string> out_dir;
  RunOptions options;
};

// Parses the arguments; on a problem writes one line to err and returns nullopt.
std::optional<RunArguments> parse(const std::vector<std::string>& args, std::ostream& err) {
  RunArguments parsed;
  bool have_config = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string* {
      if (i + 1 >= args.size()) {
        err << kPrefix << arg << " needs a value\n";
        return nullptr;
      }
      return &args[++i];
    };
    if (arg == "--out") {
      const std::string* dir = value();
      if (dir == nullptr) return std::nullopt;
      if (dir->empty()) {
        err << kPrefix << "--out takes a folder, not an empty string\n";
        return std::nullopt;
      }
      parsed.out_dir = *dir;
    } else if (arg == "--max-memory") {
      const std::string* text = value();
      if (text == nullptr) return std::nullopt;
      const std::optional<std::uint64_t> bytes = parse_bytes(*text);
      if (!bytes || *bytes == 0) {
        err << kPrefix << "--max-memory takes a size such as 512M or 8G, not \"" << *text << "\"\n";
        return std::nullopt;
      }
      parsed.options.max_memory = *bytes;
    } else if (arg == "--threads") {
      const std::string* text = value();
      if (text == nullptr) return std::nullopt;
      const std::optional<std::int64_t> threads = parse_integer(*text, 1, 1024);
      if (!threads) {
        err << kPrefix << "--threads takes a whole number from 1 to 1024, not \"" << *text
            << "\"\n";
        return std::nullopt;
      }
      parsed.options.threads = static_cast<int>(*threads);
    } else if (arg.starts_with("-") && arg.size() > 1) {
      err << kPrefix << "unknown option " << arg << "; see initscope --help\n";
      return std::nullopt;
    } else if (!have_config) {
      parsed.config_path = arg;
      have_config = true;
    } else {
      err << kPrefix << "unexpected argument \"" << arg << "\" (one CONFIG only)\n";
      return std::nullopt;
    }
  }
  if (!have_config) {
    err << kPrefix << "expected CONFIG [--out DIR] [--max-memory SIZE] [--threads N]\n";
    return std::nullopt;
  }
  return parsed;
}

std::string headline(const Result& result) {
  const Config& c = result.config;
  std::string text =
      std::string(name_of(c.activation.name)) + " + " + std::string(name_of(c.init.scheme));
  if (result.init.gain) {
    text += " (gain " + format_number(*result.init.gain) + ", " + result.init.gain_source + ")";
  }
  if (c.norm.name != Norm::none) {
    text += ", " + std::string(name_of(c.norm.name)) + " norm " +
            std::string(name_of(c.norm.placement));
  }
  text +=
      ", depth " + std::to_string(c.network.depth) + ", width " + std::to_string(c.network.width);
  if (c.network.type == NetworkType::conv2d) {
    text += ", kernel " + std::to_string(c.network.kernel) + ", input " +
            std::to_string(c.input.channels) + "×" + std::to_string(c.input.height) + "×" +
            std::to_string(c.input.width);
  } else {
    text += ", input " + std::to_string(c.input.dim);
  }
  text += ", batch " + std::to_string(c.input.batch) + ", seed " + std::to_string(c.seed);
  return text + "\n";
}

// Writes both files; returns an empty string or the reason of the first failure.
std::string write_outputs(const std::string& dir, const Result& result) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return "cannot create " + dir + ": " + error.message();
  const std::pair<const char*, std::string> files[] = {{"stats.csv", stats_csv(result)},
                                                       {"stats.json", stats_json(result)}};
  for (const auto& [name, text] : files) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::string failure = write_file_atomically(path, text);
    if (!failure.empty()) return failure;
  }
  return {};
}

}  // namespace

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (asks_for_help(args)) {
    out << usage();
    return kExitOk;
  }
  const std::optional<RunArguments> parsed = parse(args, err);
  if (!parsed) return kExitBadInput;

  // Everything is checked before anything is written: on bad input the output folder is not
  // even created.
  LoadedConfig loaded;
  Result result;
  const auto start = std::chrono::steady_clock::now();
  // The file's warnings wait until the run has passed its checks (they come with its first layer),
  // so that a refused run, over the memory limit say, still gives one line.
  bool warned = false;
  const auto warn = [&] {
    if (warned) return;
    warned = true;
    for (const std::string& warning : loaded.warnings)
      err << kPrefix << "warning: " << warning << "\n";
  };
  try {
    loaded = load_config(parsed->config_path);
    if (!memory_refusal(loaded.config, parsed->options))
      prefer_huge_pages(static_cast<std::size_t>(estimate_memory(loaded.config).total()));
    result = run(loaded.config, parsed->options, [&](std::int64_t, std::int64_t) {
      warn();
      return true;
    });
    warn();
  } catch (const InputError& e) {
    const std::string message = e.what();
    // Errors from the file itself already name it; those from run() (memory) get the name here.
    const bool named = message.starts_with(parsed->config_path);
    err << kPrefix << (named ? "" : parsed->config_path + ": ") << message << "\n";
    return kExitBadInput;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  out << headline(result) << stats_table(result);
  const int threads = parsed->options.threads > 0 ? parsed->options.threads : max_threads();
  char timing[96];
  std::snprintf(timing, sizeof timing, "loss %.6g; %.0f ms on %d thread%s\n", result.loss,
                1000 * seconds, threads, threads == 1 ? "" : "s");
  out << timing;
  for (const std::string& warning : result.warnings)
    err << kPrefix << "warning: " << warning << "\n";

  if (parsed->out_dir) {
    const std::string failure = write_outputs(*parsed->out_dir, result);
    if (!failure.empty()) {
      err << kPrefix << failure << "\n";
      return kExitFailure;
    }
    out << "wrote " << (std::filesystem::path(*parsed->out_dir) / "stats.csv").string() << " and "
        << "stats.json\n";
  }
  return kExitOk;
}

}  // namespace initscope::app
