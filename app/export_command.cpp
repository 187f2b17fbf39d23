#include "app/export_command.h"

#include <optional>
#include <sstream>

#include "app/arguments.h"
#include "app/command_line.h"
#include "app/qt_app.h"
#include "app/window_commands.h"
#include "core/io/config_io.h"
#include "core/error.h"
#include "core/run.h"

namespace initscope::app {
namespace {

constexpr const char* kPrefix = "initscope export: ";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

struct ExportArguments {
  std::string config_path;
  std::string out_dir;
  ui::ExportOptions options;
};

std::optional<ExportArguments> parse(const std::vector<std::string>& args, std::ostream& err) {
  ExportArguments parsed;
  parsed.options.formats = {ui::ExportFormat::png, ui::ExportFormat::svg, ui::ExportFormat::pdf,
                            ui::ExportFormat::csv};
  bool have_config = false, have_out = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool takes_value =
        arg == "--out" || arg == "--format" || arg == "--size" || arg == "--theme";
    if (takes_value && i + 1 >= args.size()) {
      err << kPrefix << arg << " needs a value\n";
      return std::nullopt;
    }
    try {
      if (arg == "--out") {
        parsed.out_dir = args[++i];
        if (parsed.out_dir.empty()) throw InputError("--out takes a folder, not an empty string");
        have_out = true;
      } else if (arg == "--format") {
        parsed.options.formats.clear();
        for (const std::string& name : split(args[++i], ',')) {
          parsed.options.formats.push_back(parse_name<ui::ExportFormat>(name));
        }
        if (parsed.options.formats.empty()) throw InputError("--format names no format");
      } else if (arg == "--size") {
        const std::vector<std::string> wh = split(args[++i], 'x');
        const auto w = wh.size() == 2 ? parse_integer(wh[0], 100, 10000) : std::nullopt;
        const auto h = wh.size() == 2 ? parse_integer(wh[1], 100, 10000) : std::nullopt;
        if (!w || !h) {
          throw InputError("--size takes WIDTHxHEIGHT in pixels, each 100 to 10000, not \"" +
                           args[i] + "\"");
        }
        parsed.options.size = QSize(static_cast<int>(*w), static_cast<int>(*h));
      } else if (arg == "--theme") {
        parsed.options.theme = parse_name<ui::ThemeName>(args[++i]);
      } else if (arg.starts_with("-") && arg.size() > 1) {
        throw InputError("unknown option " + arg + "; see initscope --help");
      } else if (!have_config) {
        parsed.config_path = arg;
        have_config = true;
      } else {
        throw InputError("unexpected argument \"" + arg + "\" (one CONFIG only)");
      }
    } catch (const InputError& e) {
      err << kPrefix << e.what() << "\n";
      return std::nullopt;
    }
  }
  if (!have_config || !have_out) {
    err << kPrefix << "expected CONFIG --out DIR [--format png,svg,pdf,csv] [--size WxH] "
        << "[--theme light|dark|slides]\n";
    return std::nullopt;
  }
  return parsed;
}

}  // namespace

int export_experiment(const Config& config, const std::string& dir,
                      const ui::ExportOptions& options, const std::string& prefix,
                      const std::vector<std::string>& notes, std::ostream& out, std::ostream& err) {
  Result result;
  try {
    result = run(config);
  } catch (const InputError& e) {
    err << prefix << e.what() << "\n";
    return kExitBadInput;
  }
  for (const std::string& note : notes) err << note << "\n";
  // Only now: refused input never starts Qt, whose platform plugin may have things to say.
  const std::unique_ptr<QApplication> app = make_qt_application(true);
  const ui::ExportReport report = ui::export_result(result, QString::fromStdString(dir), options);
  for (const QString& path : report.written) out << "wrote " << path.toStdString() << "\n";
  if (!report.ok()) {
    err << prefix << report.error.toStdString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int export_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (asks_for_help(args)) {
    out << usage();
    return kExitOk;
  }
  const std::optional<ExportArguments> parsed = parse(args, err);
  if (!parsed) return kExitBadInput;
  LoadedConfig loaded;
  try {
    loaded = load_config(parsed->config_path);
  } catch (const InputError& e) {
    err << kPrefix << e.what() << "\n";
    return kExitBadInput;
  }
  std::vector<std::string> notes;
  for (const std::string& warning : loaded.warnings)
    notes.push_back(kPrefix + std::string("warning: ") + warning);
  return export_experiment(loaded.config, parsed->out_dir, parsed->options,
                           kPrefix + parsed->config_path + ": ", notes, out, err);
}

}  // namespace initscope::app
