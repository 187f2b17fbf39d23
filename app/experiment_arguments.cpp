#include "app/experiment_arguments.h"

#include <filesystem>

#include "app/arguments.h"
#include "core/io/atomic_file.h"

namespace initscope::app {

std::optional<ExperimentArguments> parse_experiment_arguments(const std::vector<std::string>& args,
                                                              const std::string& prefix,
                                                              bool with_steps, std::ostream& err) {
  ExperimentArguments parsed;
  bool have_config = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string* {
      if (i + 1 >= args.size()) {
        err << prefix << arg << " needs a value\n";
        return nullptr;
      }
      return &args[++i];
    };
    if (arg == "--out") {
      const std::string* dir = value();
      if (dir == nullptr) return std::nullopt;
      if (dir->empty()) {
        err << prefix << "--out takes a folder, not an empty string\n";
        return std::nullopt;
      }
      parsed.out_dir = *dir;
    } else if (arg == "--max-memory") {
      const std::string* text = value();
      if (text == nullptr) return std::nullopt;
      const std::optional<std::uint64_t> bytes = parse_bytes(*text);
      if (!bytes || *bytes == 0) {
        err << prefix << "--max-memory takes a size such as 512M or 8G, not \"" << *text << "\"\n";
        return std::nullopt;
      }
      parsed.max_memory = *bytes;
    } else if (arg == "--threads") {
      const std::string* text = value();
      if (text == nullptr) return std::nullopt;
      const std::optional<std::int64_t> threads = parse_integer(*text, 1, 1024);
      if (!threads) {
        err << prefix << "--threads takes a whole number from 1 to 1024, not \"" << *text
            << "\"\n";
        return std::nullopt;
      }
      parsed.threads = static_cast<int>(*threads);
    } else if (with_steps && arg == "--steps") {
      const std::string* text = value();
      if (text == nullptr) return std::nullopt;
      parsed.steps = parse_integer(*text, 0, kMaxTrainSteps);
      if (!parsed.steps) {
        err << prefix << "--steps takes a whole number from 0 to " << kMaxTrainSteps << ", not \""
            << *text << "\"\n";
        return std::nullopt;
      }
    } else if (arg.starts_with("-") && arg.size() > 1) {
      err << prefix << "unknown option " << arg << "; see initscope --help\n";
      return std::nullopt;
    } else if (!have_config) {
      parsed.config_path = arg;
      have_config = true;
    } else {
      err << prefix << "unexpected argument \"" << arg << "\" (one CONFIG only)\n";
      return std::nullopt;
    }
  }
  if (!have_config) {
    err << prefix << "expected CONFIG [--out DIR] [--max-memory SIZE] [--threads N]"
        << (with_steps ? " [--steps N]" : "") << "\n";
    return std::nullopt;
  }
  return parsed;
}

void print_refusal(std::ostream& err, const std::string& prefix, const std::string& config_path,
                   const std::string& message) {
  const bool named = message.starts_with(config_path);
  err << prefix << (named ? "" : config_path + ": ") << message << "\n";
}

std::string write_output_files(const std::string& dir,
                               const std::vector<std::pair<std::string, std::string>>& files) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return "cannot create " + dir + ": " + error.message();
  for (const auto& [name, text] : files) {
    std::string failure = write_file_atomically((std::filesystem::path(dir) / name).string(), text);
    if (!failure.empty()) return failure;
  }
  return {};
}

}  // namespace initscope::app
