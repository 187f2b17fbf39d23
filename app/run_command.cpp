#include "app/run_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "app/arguments.h"
#include "app/experiment_arguments.h"
#include "app/command_line.h"
#include "core/compute/allocator.h"
#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/format.h"
#include "core/compute/parallel.h"
#include "core/io/report.h"
#include "core/run.h"

namespace initscope::app {
namespace {

constexpr const char* kPrefix = "initscope run: ";

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

}  // namespace

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (asks_for_help(args)) {
    out << usage();
    return kExitOk;
  }
  const std::optional<ExperimentArguments> parsed =
      parse_experiment_arguments(args, kPrefix, false, err);
  if (!parsed) return kExitBadInput;
  RunOptions options;
  options.max_memory = parsed->max_memory;
  options.threads = parsed->threads;

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
    if (!memory_refusal(loaded.config, options))
      prefer_huge_pages(static_cast<std::size_t>(estimate_memory(loaded.config).total()));
    result = run(loaded.config, options, [&](std::int64_t, std::int64_t) {
      warn();
      return true;
    });
    warn();
  } catch (const InputError& e) {
    print_refusal(err, kPrefix, parsed->config_path, e.what());
    return kExitBadInput;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  out << headline(result) << stats_table(result);
  const int threads = options.threads > 0 ? options.threads : max_threads();
  char timing[96];
  std::snprintf(timing, sizeof timing, "loss %.6g; %.0f ms on %d thread%s\n", result.loss,
                1000 * seconds, threads, threads == 1 ? "" : "s");
  out << timing;
  for (const std::string& warning : result.warnings)
    err << kPrefix << "warning: " << warning << "\n";

  if (parsed->out_dir) {
    const std::string failure = write_output_files(
        *parsed->out_dir, {{"stats.csv", stats_csv(result)}, {"stats.json", stats_json(result)}});
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
