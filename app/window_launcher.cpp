// `initscope`'s side of the window commands (app/window_commands.h): it replaces itself with the
// window's program, initscope-gui, which loads Qt's GUI libraries and runs the same command line.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "app/command_line.h"
#include "app/window_commands.h"

namespace initscope::app {
namespace {

namespace fs = std::filesystem;

// Beside initscope in the build folder; under libexec once installed (GNU layout).
std::vector<fs::path> gui_program_candidates() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const fs::path dir = self.parent_path();
  return {dir / "initscope-gui", dir.parent_path() / "libexec" / "initscope" / "initscope-gui"};
}

int hand_over(const char* command, const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  const std::vector<fs::path> candidates = gui_program_candidates();
  for (const fs::path& program : candidates) {
    if (::access(program.c_str(), X_OK) != 0) continue;
    std::vector<std::string> words{program.string(), command};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    out.flush();
    err.flush();
    std::cout.flush();
    std::cerr.flush();
    ::execv(program.c_str(), argv.data());
    err << "initscope: cannot start the window's program " << program.string() << ": "
        << std::strerror(errno) << "\n";
    return kExitFailure;
  }
  err << "initscope: the window's program initscope-gui is not installed (looked for";
  for (const fs::path& program : candidates) err << " " << program.string();
  err << "); `initscope run` and `initscope gain` work without it\n";
  return kExitFailure;
}

}  // namespace

int gui_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return hand_over("gui", args, out, err);
}

int export_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return hand_over("export", args, out, err);
}

}  // namespace initscope::app
