// `make bench`: every benchmark of bench/, then the table of issue 6's targets. The window's
// benchmarks need a QApplication; they run offscreen unless a platform is set.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QStandardPaths>

#include <cstdlib>

#include "bench/targets.h"
#include "core/compute/allocator.h"
#include "ui/application.h"

int main(int argc, char** argv) {
  setenv("QT_QPA_PLATFORM", "offscreen", 0);
  QApplication app(argc, argv);
  initscope::keep_freed_memory_for_reuse();  // as the window does (app/gui_command.cpp)
  initscope::ui::configure_application();
  QStandardPaths::setTestModeEnabled(true);  // the benchmark's own settings, not the user's
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  initscope::bench::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  initscope::bench::print_targets(reporter.runs());
  return 0;
}
