#include "app/window_commands.h"

#include "app/arguments.h"
#include "app/command_line.h"
#include "app/export_command.h"
#include "app/qt_app.h"
#include "core/compute/allocator.h"
#include "core/io/config_io.h"
#include "core/error.h"
#include "ui/main_window.h"

namespace initscope::app {
namespace {

bool has_display() {
  return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
         qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

}  // namespace

int gui_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (asks_for_help(args)) {
    out << usage();
    return kExitOk;
  }
  if (args.size() > 1) {
    err << "initscope gui: expected at most one CONFIG\n";
    return kExitBadInput;
  }
  if (!has_display()) {
    // Not silently: say why there is no window, and still show the plots, as files.
    Config config;
    if (!args.empty()) {
      try {
        config = load_config(args[0]).config;
      } catch (const InputError& e) {
        err << "initscope: " << e.what() << "\n";
        return kExitBadInput;
      }
    }
    const std::string note =
        "initscope: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window; "
        "rendering the " +
        (args.empty() ? std::string("default") : args[0]) +
        " experiment's plots into ./initscope-out/ instead";
    ui::ExportOptions options;
    options.formats = {ui::ExportFormat::png, ui::ExportFormat::csv};
    return export_experiment(config, "initscope-out", options, "initscope: ", {note}, out, err);
  }
  const std::unique_ptr<QApplication> app = make_qt_application(false);
  // The window runs one experiment after another: their buffers are reused rather than faulted in
  // again. (A one-shot `initscope run` gains nothing from it: its two threads fault in a growing
  // heap more slowly than in separate mappings.)
  keep_freed_memory_for_reuse();
  ui::MainWindow window;
  if (!args.empty() && !window.openFile(QString::fromStdString(args[0]))) return kExitBadInput;
  window.show();
  return app->exec();
}

}  // namespace initscope::app
