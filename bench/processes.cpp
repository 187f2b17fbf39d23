#include "bench/processes.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "core/io/config_io.h"

extern char** environ;  // handed to the programs the benchmark starts

namespace initscope::bench {
namespace {

// This process's environment less the variables named in `drop`.
std::vector<char*> environment_without(const std::vector<std::string>& drop) {
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (std::find(drop.begin(), drop.end(), name) == drop.end()) env.push_back(*e);
  }
  env.push_back(nullptr);
  return env;
}

}  // namespace

std::filesystem::path scratch_dir() {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "initscope-bench";
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs a program to completion, standard output discarded; its wall time. Its environment is
// this one's, less the variables named in `drop_env`.
ProcessRun spawn_and_wait(const std::vector<std::string>& args,
                          const std::vector<std::string>& drop_env) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  std::vector<char*> env = environment_without(drop_env);
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  ProcessRun result;
  int status = 0;
  if (spawned != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    result.seconds = -1;
    return result;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// The same through initscope_peak_rss, which also gives the program's peak resident memory. The
// wall time includes that small program's fork, some 0.1 ms.
ProcessRun spawn_measured(const std::vector<std::string>& args) {
  const std::string peak_file = (scratch_dir() / "peak.txt").string();
  std::vector<std::string> wrapped{PEAK_RSS_EXE, peak_file};
  wrapped.insert(wrapped.end(), args.begin(), args.end());
  ProcessRun result = spawn_and_wait(wrapped);
  std::ifstream(peak_file) >> result.peak_bytes;
  return result;
}

std::string write_config(const Config& c, const std::string& name) {
  const std::filesystem::path path = scratch_dir() / (name + ".json");
  std::ofstream(path) << config_to_json(c);
  return path.string();
}

double torch_seconds(benchmark::State& state, const Config& c, bool at_best,
                     const std::vector<std::string>& extra) {
  const std::string threads = std::to_string(state.range(0));
  const std::string script = std::string(INITSCOPE_SOURCE_DIR) + "/bench/torch_reference.py";
  const std::string result_file = (scratch_dir() / "torch.txt").string();
  const std::vector<std::string> drop =
      at_best ? std::vector<std::string>{"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
              : std::vector<std::string>{};
  std::vector<std::string> args{"/usr/bin/python3", script, "--threads", threads, "--depth",
                                std::to_string(c.network.depth), "--width",
                                std::to_string(c.network.width), "--batch",
                                std::to_string(c.input.batch), "--dim", std::to_string(c.input.dim),
                                "--repeats", "10", "--out", result_file};
  if (c.network.type == NetworkType::conv2d) {
    for (const std::string& a :
         {std::string("--conv"), std::string("--channels"), std::to_string(c.input.channels),
          std::string("--size"), std::to_string(c.input.height), std::string("--kernel"),
          std::to_string(c.network.kernel)})
      args.push_back(a);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  std::filesystem::remove(result_file);
  const ProcessRun r = spawn_and_wait(args, drop);
  double seconds = -1;
  std::string how;
  if (std::ifstream in(result_file); in) {
    in >> seconds;
    std::getline(in, how);
  }
  if (r.seconds < 0 || !(seconds > 0)) return -1;
  state.SetLabel(how);
  return seconds;
}

}  // namespace initscope::bench
