#include "bench/targets.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>

#include "core/names.h"
#include "core/run.h"
#include "core/init/schemes.h"

namespace initscope::bench {
namespace {

using Run = benchmark::BenchmarkReporter::Run;
using Runs = std::map<std::string, Run>;

// PyTorch 1.13 on this machine as issue 6 quotes it, for when no torch is installed here.
constexpr double kIssueTorchNormal = 0.26e9;          // normal_, values/s
constexpr double kIssueTorchTruncNormal = 0.024e9;    // trunc_normal_, values/s
constexpr double kIssueTorchOrthogonal = 0.096;       // orthogonal_ 1024×1024, best seconds

const Run* find(const Runs& runs, const std::string& name) {
  const auto it = runs.find(name);
  return it == runs.end() || it->second.error_occurred ? nullptr : &it->second;
}

std::optional<double> seconds(const Runs& runs, const std::string& name) {
  const Run* r = find(runs, name);
  if (r == nullptr || r->iterations == 0) return std::nullopt;
  return r->real_accumulated_time / static_cast<double>(r->iterations);
}

std::optional<double> counter(const Runs& runs, const std::string& name, const std::string& key) {
  const Run* r = find(runs, name);
  if (r == nullptr) return std::nullopt;
  const auto it = r->counters.find(key);
  if (it == r->counters.end()) return std::nullopt;
  return it->second.value;
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// "12.3 ms (median 10.1 ms)", or nothing when the figure was not measured.
std::optional<std::string> milliseconds(std::optional<double> ms, const char* other_name,
                                        std::optional<double> other) {
  if (!ms) return std::nullopt;
  return format("%.1f ms", *ms) + " (" + other_name + format(" %.1f ms)", other.value_or(0));
}

struct Row {
  std::string target;
  std::string measured;  // empty: not measured in this run
  std::string goal;      // empty: a figure for reference, with no goal
  bool met = false;
};

class Table {
 public:
  void add(std::string target, std::optional<std::string> measured, std::string goal, bool met) {
    rows_.push_back({std::move(target), measured.value_or(""), std::move(goal), measured && met});
  }
  void print() const {
    std::printf("\n%-46s %-48s %-14s %s\n", "target", "measured", "goal", "");
    std::printf("%s\n", std::string(118, '-').c_str());
    for (const Row& r : rows_) {
      const char* verdict = r.measured.empty() || r.goal.empty() ? "" : (r.met ? "met" : "MISSED");
      std::printf("%-46s %-48s %-14s %s\n", r.target.c_str(),
                  r.measured.empty() ? "(not run)" : r.measured.c_str(),
                  r.goal.empty() ? "-" : r.goal.c_str(), verdict);
    }
  }

 private:
  std::vector<Row> rows_;
};

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

// "12.3 ms", or nothing.
std::optional<std::string> ms_text(std::optional<double> s) {
  return s ? std::optional(format("%.1f ms", 1e3 * *s)) : std::nullopt;
}

// A measured figure as the table shows it, and its value for the verdict (0 when not measured).
struct Figure {
  std::optional<std::string> text;
  double value = 0;
};

// How many times faster ours is: "1.23x (100 ms vs 123 ms)".
Figure speedup(std::optional<double> ours, std::optional<double> theirs) {
  if (!ours || !theirs) return {};
  return {format("%.2fx", *theirs / *ours) + format(" (%.0f ms vs ", 1e3 * *ours) +
              format("%.0f ms)", 1e3 * *theirs),
          *theirs / *ours};
}

// The GEMMs' share of a whole: "80% (run 212.5 ms, GEMMs 170.2 ms)".
Figure share_of_gemm(std::optional<double> whole, std::optional<double> gemm, const char* name) {
  if (!whole || !gemm) return {};
  return {format("%.0f%%", 100 * *gemm / *whole) + " (" + name + format(" %.1f ms", 1e3 * *whole) +
              format(", GEMMs %.1f ms)", 1e3 * *gemm),
          *gemm / *whole};
}

// Issue 16: the run against core's GEMM on the same shapes (level with OpenBLAS and oneDNN here,
// bench/bench_gemm.cpp), the whole process and the run against PyTorch at its best
// (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, its best split of torch and OpenBLAS threads), and
// issue 8's conv stack against its GEMMs.
void engine_targets(const Runs& runs, Table& table) {
  for (int t : {1, 2}) {
    const std::string threads = "/threads:" + std::to_string(t);
    const std::string on = t == 1 ? ", 1 thread" : ", 2 threads";
    for (const std::string experiment : {"big", "conv"}) {
      const Figure f = share_of_gemm(seconds(runs, "run/" + experiment + threads),
                                     seconds(runs, "gemm/" + experiment + threads), "run");
      const double goal = experiment == "big" ? 0.9 : 0.8;
      table.add((experiment == "big" ? "16. run / best GEMM" : "8. conv run / best GEMM") + on,
                f.text, format(">= %.0f%%", 100 * goal), f.value >= goal);
    }
  }
  for (int t : {1, 2}) {
    const std::string threads = "/threads:" + std::to_string(t);
    const std::string on = t == 1 ? ", 1 thr" : ", 2 thr";
    const auto torch = seconds(runs, "torch/big" + threads);
    const double goal = t == 1 ? 1.0 : 1.5;
    const Figure whole = speedup(seconds(runs, "process/big" + threads), torch);
    table.add("16. initscope run vs torch at best" + on, whole.text, format(">= %.1fx", goal),
              whole.value >= goal);
    table.add("16. run() vs torch at best" + on, speedup(seconds(runs, "run/big" + threads), torch).text,
              "", false);
    table.add("    (torch as configured here" + on + ")",
              ms_text(seconds(runs, "torch-configured/big" + threads)), "", false);
    for (const std::string experiment : {"default", "conv"}) {
      const Figure f = speedup(seconds(runs, "run/" + experiment + threads),
                               seconds(runs, "torch/" + experiment + threads));
      table.add("16. run() vs torch, " + experiment + on, f.text, "> 1x", f.value > 1);
    }
  }
  const Figure process = share_of_gemm(seconds(runs, "process/big/threads:1"),
                                       seconds(runs, "gemm/big/threads:1"), "process");
  table.add("16. process / best GEMM, 1 thread", process.text, ">= 85%", process.value >= 0.85);
}

// Issue 17: a training step against the GEMMs of its products and against torch's training step,
// and the default training run as a whole process.
void training_targets(const Runs& runs, Table& table) {
  for (int t : {1, 2}) {
    const std::string threads = "/threads:" + std::to_string(t);
    const std::string on = t == 1 ? ", 1 thr" : ", 2 thr";
    const Figure step = share_of_gemm(seconds(runs, "train/big" + threads),
                                      seconds(runs, "gemm/big" + threads), "step");
    table.add("17. train step / best GEMM, big" + on, step.text, ">= 80%", step.value >= 0.8);
    for (const std::string experiment : {"default", "big"}) {
      const Figure f = speedup(seconds(runs, "train/" + experiment + threads),
                               seconds(runs, "torch-train/" + experiment + threads));
      table.add("17. steps/s vs torch, " + experiment + on, f.text, "> 1x", f.value > 1);
    }
  }
  const auto whole = seconds(runs, "process/default-training/threads:2");
  table.add("17. default training run, 2 thr", ms_text(whole), "< 3000 ms",
            whole && *whole < 3.0);
}

// The PyTorch function each scheme matches, for the "2x faster than torch" row.
std::string torch_counterpart(Scheme s) {
  switch (s) {
    case Scheme::lecun_normal:
    case Scheme::variance_scaling:
      return "trunc_normal";
    case Scheme::lecun_uniform:
      return "uniform";
    case Scheme::torch_default:
      return "kaiming_uniform";
    case Scheme::lsuv:
      return "orthogonal";
    default:
      return std::string(name_of(s));
  }
}

void sampling_targets(const Runs& runs, Table& table) {
  struct Law {
    const char* name;
    double goal;
  };
  for (const Law law : {Law{"uniform", 1e9}, Law{"normal", 1e9}, Law{"trunc_normal", 0.5e9}}) {
    const auto rate = counter(runs, std::string("sampling/") + law.name + "/threads:1", "values/s");
    table.add(std::string("2. ") + law.name + ", 1 core",
              rate ? std::optional(format("%.2f G values/s", *rate / 1e9)) : std::nullopt,
              format(">= %.1f G/s", law.goal / 1e9), rate && *rate >= law.goal);
  }
  for (int t : {1, 2}) {
    const auto s = seconds(runs, "scheme/orthogonal/threads:" + std::to_string(t));
    table.add("2. orthogonal 1024x1024, " + std::to_string(t) + " thr",
              s ? std::optional(format("%.1f ms", 1e3 * *s)) : std::nullopt, "<= 50 ms",
              s && *s <= 0.050);
  }
  // Every scheme against the torch function it matches. Issue 6 quotes torch for normal_,
  // trunc_normal_ and orthogonal_: the goal (2x faster) is on the schemes built on those. The
  // others are shown against torch measured here, when it is installed, for reference.
  for (const auto& entry : EnumNames<Scheme>::table) {
    if (entry.value == Scheme::dirac) continue;
    const auto ours = seconds(runs, "scheme/" + std::string(entry.name) + "/threads:1");
    const std::string counterpart = torch_counterpart(entry.value);
    const double values = 1024.0 * 1024.0;
    std::optional<double> quoted;
    if (counterpart == "orthogonal") {
      quoted = kIssueTorchOrthogonal;
    } else if (counterpart == "trunc_normal") {
      quoted = values / kIssueTorchTruncNormal;
    } else if (counterpart.find("normal") != std::string::npos) {
      quoted = values / kIssueTorchNormal;
    }
    const std::optional<double> here = counter(runs, "torch/schemes/threads:1", counterpart);
    std::optional<std::string> measured;
    bool met = true;
    if (ours) {
      measured = format("%.2f ms", 1e3 * *ours);
      if (here) {
        measured = *measured + format(", %.1fx", *here / *ours) + " torch " + counterpart + "_";
        met = met && (!quoted || *here / *ours >= 2);
      }
      if (quoted) {
        measured = *measured + format(", %.1fx quoted", *quoted / *ours);
        met = met && *quoted / *ours >= 2;
      }
    }
    table.add("2. scheme " + std::string(entry.name) + " 1024x1024, 1 thr", measured,
              quoted ? ">= 2x torch" : "", met);
  }
}

void window_targets(const Runs& runs, Table& table) {
  const auto recompute = seconds(runs, "run/default/threads:2");
  table.add("3. default experiment recompute, 2 thr",
            recompute ? std::optional(format("%.1f ms", 1e3 * *recompute)) : std::nullopt,
            "<= 30 ms", recompute && *recompute <= 0.030);
  const auto p95 = counter(runs, "gui/slider_latency", "p95_ms");
  table.add("3. gain slider to repainted plots, p95",
            milliseconds(p95, "median", counter(runs, "gui/slider_latency", "p50_ms")), "<= 50 ms",
            p95 && *p95 <= 50);
}

void thread_targets(const Runs& runs, Table& table) {
  struct Pair {
    const char* label;
    const char* name;
  };
  for (const Pair p : {Pair{"run (GEMM, sampling, statistics)", "run/big"},
                       Pair{"sampling normal", "sampling/normal"},
                       Pair{"statistics", "statistics/summary+histogram"}}) {
    const auto one = seconds(runs, std::string(p.name) + "/threads:1");
    const auto two = seconds(runs, std::string(p.name) + "/threads:2");
    std::optional<std::string> measured;
    double speedup = 0;
    if (one && two) {
      speedup = *one / *two;
      measured = format("%.2fx", speedup);
    }
    table.add(std::string("4. 2 threads vs 1: ") + p.label, measured, ">= 1.5x", speedup >= 1.5);
  }
}

void memory_targets(const Runs& runs, Table& table) {
  const auto tiny = counter(runs, "process/tiny/threads:2", "peak_rss_bytes");
  for (const char* name : {"big", "default"}) {
    const std::string run_name =
        std::string("process/") + name + (std::string(name) == "big" ? "/threads:2" : "/threads:2");
    const auto peak = counter(runs, run_name, "peak_rss_bytes");
    const auto kept = counter(runs, run_name, "kept_bytes");
    std::optional<std::string> measured;
    double ratio = 0;
    if (peak && kept && tiny) {
      ratio = (*peak - *tiny) / *kept;
      measured = format("%.2fx", ratio) + " (" + format_bytes(*peak - *tiny) + " of " +
                 format_bytes(*kept) + ")";
    }
    table.add(std::string("5. peak memory / kept bytes, ") + name, measured, "<= 1.5x",
              ratio > 0 && ratio <= 1.5);
  }
}

void replot_targets(const Runs& runs, Table& table) {
  const auto p95 = counter(runs, "gui/replot_depth100", "p95_ms");
  table.add("6. replot of the four plots, depth 100, p95",
            milliseconds(p95, "mean", counter(runs, "gui/replot_depth100", "mean_ms")), "<= 10 ms",
            p95 && *p95 <= 10);
}

}  // namespace

Config big_experiment() {
  Config c;
  c.input.dim = 1024;
  c.input.batch = 512;
  c.network.depth = 10;
  c.network.width = 1024;
  c.activation.name = Activation::relu;
  c.init.scheme = Scheme::kaiming_normal;
  return c;
}

double gemm_flops(const Config& c) {
  const double batch = static_cast<double>(c.input.batch);
  const double width = static_cast<double>(c.network.width);
  const double first = static_cast<double>(c.input.dim);
  const double depth = static_cast<double>(c.network.depth);
  return 3 * 2 * batch * width * (first + (depth - 1) * width);
}

Config conv_experiment() {
  Config c;
  c.network.type = NetworkType::conv2d;
  c.input.channels = 3;
  c.input.height = 32;
  c.input.width = 32;
  c.input.batch = 32;
  c.network.depth = 10;
  c.network.width = 64;
  c.network.kernel = 3;
  c.activation.name = Activation::relu;
  c.init.scheme = Scheme::kaiming_normal;
  return c;
}

double conv_gemm_flops(const Config& c) {
  const double rows = static_cast<double>(c.input.batch * c.input.height * c.input.width);
  const double k2 = static_cast<double>(c.network.kernel * c.network.kernel);
  const double width = static_cast<double>(c.network.width);
  const double first = static_cast<double>(c.input.channels) * k2;
  const double depth = static_cast<double>(c.network.depth);
  return 3 * 2 * rows * width * (first + (depth - 1) * width * k2);
}

void CollectingReporter::ReportRuns(const std::vector<Run>& runs) {
  // Of repeated runs the fastest: other programs on the machine only ever slow a run down.
  for (const Run& r : runs) {
    if (r.run_type == Run::RT_Aggregate || r.error_occurred) continue;
    const auto [it, inserted] = runs_.emplace(r.run_name.function_name, r);
    const auto per_iteration = [](const Run& x) {
      return x.real_accumulated_time /
             static_cast<double>(std::max<benchmark::IterationCount>(x.iterations, 1));
    };
    if (!inserted && per_iteration(r) < per_iteration(it->second)) it->second = r;
  }
  ConsoleReporter::ReportRuns(runs);
}

void print_targets(const Runs& runs) {
  std::printf("\nIssue 6 targets on %s, %u cores, -march=native: %s\n", cpu_model().c_str(),
              std::thread::hardware_concurrency(),
#ifdef __AVX512F__
              "yes (AVX-512)"
#elif defined(__AVX2__)
              "yes (AVX2)"
#else
              "no"
#endif
  );
  Table table;
  engine_targets(runs, table);
  training_targets(runs, table);
  sampling_targets(runs, table);
  window_targets(runs, table);
  thread_targets(runs, table);
  memory_targets(runs, table);
  replot_targets(runs, table);
  table.print();
  std::printf(
      "\nThe run's results are byte-identical for any thread count: tests tst_run "
      "(deterministic) and tst_sampling check it; timings are never asserted in tests.\n");
}

}  // namespace initscope::bench
