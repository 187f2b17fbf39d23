#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace initscope::app {

// The commands that need Qt's GUI libraries. The window's program, initscope-gui, defines them
// (gui_command.cpp, export_command.cpp); `initscope` itself stays free of Qt, so that `run` and
// `gain` start in a few milliseconds, and defines them as hand-overs to initscope-gui
// (window_launcher.cpp), which gets the same arguments, standard streams and exit code.

/// `initscope` / `initscope gui [CONFIG]`: opens the window, or, on a machine without a display,
/// says so and renders the experiment's plots into ./initscope-out/.
int gui_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// `initscope export CONFIG --out DIR [--format png,svg,pdf,csv] [--size WxH]
/// [--theme light|dark|slides]`: renders the plots headless.
int export_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace initscope::app
