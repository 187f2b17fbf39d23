// The window under a moving slider, offscreen: from a change of the gain slider to the four plots
// redrawn (the 95th percentile over 100 moves), and the replot of the four plots at depth 100.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QSettings>
#include <QSlider>
#include <QTimer>

#include <algorithm>
#include <array>
#include <numeric>
#include <vector>

#include "bench/targets.h"
#include "qcustomplot.h"
#include "ui/main_window.h"

namespace initscope::bench {
namespace {

using ui::MainWindow;
using ui::PlotKind;

constexpr std::array<PlotKind, 4> kKinds{PlotKind::weights, PlotKind::activations,
                                         PlotKind::variance, PlotKind::gradients};

// Processes events until `done` holds (or 30 s pass, which counts as a failure). Sleeps while no
// event is pending, so that the wait takes no core from the window's worker; a 1 ms timer wakes it.
template <typename Done>
bool wait_until(Done done) {
  QElapsedTimer elapsed;
  elapsed.start();
  QTimer tick;
  tick.start(1);
  while (!done()) {
    if (elapsed.elapsed() > 30000) return false;
    QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
  }
  return true;
}

// Settings left by an earlier benchmark (the depth-100 experiment) would be restored by the next
// window: each starts from none, on the default experiment.
struct NoSettings {
  NoSettings() { QSettings().clear(); }
};

// A window as a user sees it at 1600×1000, on the default experiment, with its first run drawn.
struct ShownWindow {
  NoSettings no_settings;  // before the window, which reads them
  MainWindow window;
  std::array<int, 4> replots{};  // afterReplot count per plot

  ShownWindow() {
    window.resize(1600, 1000);
    window.show();
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
      QObject::connect(window.plot(kKinds[i]), &QCustomPlot::afterReplot, &window,
                       [this, i] { ++replots[i]; });
    }
    wait_until([this] { return window.result() != nullptr && !window.runner()->busy(); });
  }

  // Waits for the result of the latest request and for all four plots to have been redrawn after
  // it, then lets the pending paint events through.
  // Waits for the result of the latest request and for all four plots to have been redrawn after
  // it, then lets the pending paint events through. Returns the milliseconds from the call to the
  // result's arrival, or a negative number if it did not come within 30 s.
  double wait_for_redraw() {
    QElapsedTimer since_call;
    since_call.start();
    const ui::ResultPtr before = window.result();
    double arrived_ms = -1;
    std::array<int, 4> at_finish{};
    const auto connection =
        QObject::connect(window.runner(), &ui::RunController::finished, &window, [&] {
          arrived_ms = static_cast<double>(since_call.nsecsElapsed()) / 1e6;
          at_finish = replots;
        });
    const bool ok = wait_until([&] {
      if (arrived_ms < 0 || window.runner()->busy()) return false;
      for (std::size_t i = 0; i < replots.size(); ++i) {
        if (replots[i] <= at_finish[i]) return false;
      }
      return true;
    });
    QObject::disconnect(connection);
    QCoreApplication::processEvents();
    return ok && window.result() != before ? arrived_ms : -1;
  }
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::clamp(p * static_cast<double>(v.size() - 1) + 0.5,
                                                     0.0, static_cast<double>(v.size() - 1)));
  return v[i];
}

// 100 moves of the gain slider by one step (a drag), each timed from the slider's change to the
// four plots redrawn with the new result.
void slider_latency(benchmark::State& state) {
  ShownWindow shown;
  auto* mode = shown.window.findChild<QComboBox*>(QStringLiteral("gain_mode"));
  auto* slider = shown.window.findChild<QSlider*>(QStringLiteral("gain_slider"));
  if (mode == nullptr || slider == nullptr) {
    state.SkipWithError("no gain_mode / gain_slider in the control panel");
    return;
  }
  mode->setCurrentIndex(mode->findData(static_cast<int>(GainSetting::Kind::value)));
  shown.wait_for_redraw();
  std::vector<double> ms, run_ms;
  for (auto _ : state) {
    ms.clear();
    const int start = slider->value();
    for (int i = 0; i < 100; ++i) {  // up 10 steps, down 10, ...: every step changes the gain
      QElapsedTimer timer;
      timer.start();
      slider->setValue(start + (i % 20 < 10 ? i % 10 + 1 : 10 - i % 10 - 1));
      const double arrived = shown.wait_for_redraw();
      if (arrived < 0) {
        state.SkipWithError("the window did not redraw within 30 s");
        return;
      }
      ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
      run_ms.push_back(arrived);
    }
  }
  state.counters["p50_ms"] = percentile(ms, 0.50);
  state.counters["p95_ms"] = percentile(ms, 0.95);
  state.counters["result_p50_ms"] = percentile(run_ms, 0.50);  // the change to the result's arrival
  state.counters["max_ms"] = *std::max_element(ms.begin(), ms.end());
}

// show_result and an immediate replot of the four plots of a depth-100 run, as the window does
// when a result arrives.
void replot_depth100(benchmark::State& state) {
  ShownWindow shown;
  Config c;
  c.network.depth = 100;
  shown.window.setConfig(c);
  shown.wait_for_redraw();
  const ui::ResultPtr result = shown.window.result();
  const ui::Theme theme = ui::Theme::make(ui::ThemeName::light);
  std::vector<double> ms;
  for (auto _ : state) {
    QElapsedTimer timer;
    timer.start();
    for (PlotKind kind : kKinds) {
      QCustomPlot& plot = *shown.window.plot(kind);
      ui::show_result(plot, kind, *result, shown.window.plotView(), theme);
      plot.replot(QCustomPlot::rpImmediateRefresh);
    }
    ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
  }
  state.counters["mean_ms"] =
      std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
  state.counters["p95_ms"] = percentile(ms, 0.95);
}

const bool registered = [] {
  benchmark::RegisterBenchmark("gui/slider_latency", slider_latency)
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("gui/replot_depth100", replot_depth100)
      ->Iterations(50)
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace initscope::bench
