#include "app/train_command.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "app/arguments.h"
#include "app/command_line.h"
#include "app/experiment_arguments.h"
#include "core/compute/allocator.h"
#include "core/error.h"
#include "core/io/config_io.h"
#include "core/io/report.h"
#include "core/io/train_report.h"
#include "core/train/train.h"

namespace initscope::app {
namespace {

constexpr const char* kPrefix = "initscope train: ";
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as a shell reports it

std::atomic<bool> interrupted{false};

void on_interrupt(int) {
  interrupted.store(true);
}

// Ctrl+C asks the training to stop after its current step; a second one ends the process.
class InterruptGuard {
 public:
  InterruptGuard() {
    interrupted.store(false);
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptGuard() { sigaction(SIGINT, &previous_, nullptr); }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_ {};
};

// "step 120/300  loss 0.6123  acc 78.1%  41.2 steps/s  4 s left", rewritten in place.
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, std::int64_t steps) : err_(err), steps_(steps) {}

  void show(const TrainResult& so_far, std::int64_t done) {
    const auto now = std::chrono::steady_clock::now();
    if (done < steps_ && now - shown_ < std::chrono::milliseconds(100)) return;
    shown_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const TrainStepRecord& last = so_far.steps.back();
    char text[160];
    int n = std::snprintf(text, sizeof text, "\rstep %lld/%lld  loss %.4g",
                          static_cast<long long>(done), static_cast<long long>(steps_),
                          last.train_loss.value_or(0.0));
    if (last.train_acc) {
      n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "  acc %.1f%%",
                         100 * *last.train_acc);
    }
    if (rate > 0) {
      std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n),
                    "  %.1f steps/s  %.0f s left   ", rate,
                    static_cast<double>(steps_ - done) / rate);
    }
    err_ << text << std::flush;
    drawn_ = true;
  }
  void finish() {
    if (drawn_) err_ << "\n";
  }

 private:
  std::ostream& err_;
  std::int64_t steps_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point shown_{};
  bool drawn_ = false;
};

}  // namespace

int train_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (asks_for_help(args)) {
    out << usage();
    return kExitOk;
  }
  const std::optional<ExperimentArguments> parsed =
      parse_experiment_arguments(args, kPrefix, true, err);
  if (!parsed) return kExitBadInput;

  TrainResult result;
  const bool terminal = isatty(STDERR_FILENO) == 1;
  // Every step allocates the same buffers again: keep them in the heap rather than fault them in
  // anew (20% of a default run's time in this virtual machine).
  keep_freed_memory_for_reuse();
  {
    InterruptGuard guard;
    try {
      const LoadedConfig loaded = load_config(parsed->config_path);
      for (const std::string& warning : loaded.warnings)
        err << kPrefix << "warning: " << warning << "\n";
      if (!loaded.config.train) {
        err << kPrefix << parsed->config_path
            << ": has no \"train\" object, so there is nothing to train (SPEC section 8); add "
               "\"train\": {} for the defaults\n";
        return kExitBadInput;
      }
      TrainOptions options;
      options.max_memory = parsed->max_memory;
      options.threads = parsed->threads;
      options.steps = parsed->steps;
      ProgressLine line(err, parsed->steps.value_or(loaded.config.train->steps));
      result = train(loaded.config, options, [&](const TrainResult& so_far, std::int64_t done) {
        if (terminal) line.show(so_far, done);
        return !interrupted.load();
      });
      line.finish();
    } catch (const DataError& e) {
      err << kPrefix << e.what() << "\n";
      return kExitBadInput;
    } catch (const InputError& e) {
      print_refusal(err, kPrefix, parsed->config_path, e.what());
      return kExitBadInput;
    }
  }
  out << train_summary(result);
  if (parsed->out_dir) {
    const std::string failure =
        write_output_files(*parsed->out_dir, {{"train.csv", train_csv(result)},
                                              {"train_layers.csv", train_layers_csv(result)},
                                              {"stats.csv", stats_csv(result.initial)}});
    if (!failure.empty()) {
      err << kPrefix << failure << "\n";
      return kExitFailure;
    }
    out << "wrote " << (std::filesystem::path(*parsed->out_dir) / "train.csv").string()
        << ", train_layers.csv and stats.csv\n";
  }
  return result.cancelled ? kExitInterrupted : kExitOk;
}

}  // namespace initscope::app
