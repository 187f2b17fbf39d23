#include "ui/plots.h"

#include <qcustomplot.h>

#include "ui/plots/common.h"

namespace initscope::ui {

QString plot_title(PlotKind kind) {
  switch (kind) {
    case PlotKind::weights:
      return QStringLiteral("Weights");
    case PlotKind::activations:
      return QStringLiteral("Activations");
    case PlotKind::variance:
      return QStringLiteral("Variance vs depth");
    case PlotKind::gradients:
      return QStringLiteral("Gradient flow");
  }
  return {};
}

void setup_plot(QCustomPlot& plot, PlotKind kind, const Theme& theme) {
  switch (kind) {
    case PlotKind::weights:
      detail::setup_weights(plot, theme);
      break;
    case PlotKind::activations:
      detail::setup_activations(plot, theme);
      break;
    case PlotKind::variance:
      detail::setup_variance(plot, theme);
      break;
    case PlotKind::gradients:
      detail::setup_gradients(plot, theme);
      break;
  }
  detail::install_hover(plot);
  plot.replot(QCustomPlot::rpQueuedReplot);
}

void show_result(QCustomPlot& plot, PlotKind kind, const Result& result, const PlotView& view,
                 const Theme& theme, const Baseline& baseline, const SeedBands* bands) {
  switch (kind) {
    case PlotKind::weights:
      detail::show_weights(plot, result, view, theme);
      break;
    case PlotKind::activations:
      detail::show_activations(plot, result, view, theme);
      break;
    case PlotKind::variance:
      detail::show_variance(plot, result, theme);
      break;
    case PlotKind::gradients:
      detail::show_gradients(plot, result, view, theme);
      break;
  }
  if (bands != nullptr) detail::show_bands(plot, kind, result, *bands, view, theme);
  if (baseline.result != nullptr) {
    detail::show_baseline(plot, kind, *baseline.result, baseline.label, view, theme);
  }
  plot.replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace initscope::ui
