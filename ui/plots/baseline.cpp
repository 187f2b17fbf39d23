// Compare mode: the pinned run's series drawn over the current ones, dashed and muted, so the
// eye reads the current run first. The runs may differ in depth (curves of different lengths),
// so the axes are widened to cover both.

#include <algorithm>

#include "ui/plots/common.h"

namespace initscope::ui::detail {
namespace {

constexpr int kMaxBaselineCurves = 8;  // activations: a few layers, or the plot turns to noise

QPen muted(QColor color, const Theme& theme) {
  color.setAlphaF(0.6);
  return series_pen(color, theme, Qt::DashLine);
}

// On two lines: one line ran past the left edge of a plot in the 2×2 grid of a 1500 px window.
QString caption(const QString& label) {
  return QStringLiteral("baseline (dashed):\n") + label;
}

// Widens the layer axis, set for the current run, to the baseline's layers too.
void fit_layers(QCustomPlot& plot, const Result& baseline) {
  const QCPRange current = plot.xAxis->range();
  set_layer_range(plot, baseline.layers);
  const QCPRange pinned = plot.xAxis->range();
  plot.xAxis->setRange(std::min(current.lower, pinned.lower),
                       std::max(current.upper, pinned.upper));
}

QCPGraph* layer_series(QCustomPlot& plot, QCPAxis* axis, const QString& name, const QColor& color,
                       const Result& baseline, LayerValue value, const Theme& theme) {
  Extent unused;
  QCPGraph* graph = add_layer_graph(plot, axis, QStringLiteral("baseline ") + name,
                                    muted(color, theme), baseline.layers, value, unused);
  graph->setScatterStyle(QCPScatterStyle::ssNone);
  return graph;
}

// A density over a histogram's bins, as steps (the current run has bars or lines of its own).
QVector<QCPGraphData> density_steps(const Histogram& h, Extent& x, double& y_max) {
  QVector<QCPGraphData> points;
  double n = 0;
  for (std::int64_t c : h.counts) n += static_cast<double>(c);
  if (n <= 0 || h.edges.size() != h.counts.size() + 1) return points;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    const double left = h.edges[i], right = h.edges[i + 1];
    const double density = static_cast<double>(h.counts[i]) / (n * (right - left));
    if (!std::isfinite(density) || !std::isfinite(left) || !std::isfinite(right)) continue;
    points.append(QCPGraphData((left + right) / 2, density));
    x.add(left);
    x.add(right);
    y_max = std::max(y_max, density);
  }
  return points;
}

// Linear axes of the histogram plots: keep the current range, widened to the baseline's.
void widen_linear(QCustomPlot& plot, const Extent& x, double y_max) {
  if (x.valid()) {
    const QCPRange range = plot.xAxis->range();
    const QCPRange wide = linear_range(x, 0.06);
    plot.xAxis->setRange(std::min(range.lower, wide.lower), std::max(range.upper, wide.upper));
  }
  if (y_max > 0) plot.yAxis->setRangeUpper(std::max(plot.yAxis->range().upper, 1.1 * y_max));
}

void baseline_weights(QCustomPlot& plot, const Result& baseline, const QString& label,
                      const PlotView& view, const Theme& theme) {
  const int depth = static_cast<int>(baseline.layers.size()) - 1;
  const int layer = std::clamp(view.weight_layer, 1, std::max(depth, 1));
  if (depth < 1 || !baseline.histograms[static_cast<std::size_t>(layer)].weights) return;
  Extent x;
  double y_max = 0;
  QCPGraph* graph = plot.addGraph(plot.xAxis, plot.yAxis);
  graph->setName(QStringLiteral("baseline weights"));
  graph->setPen(muted(theme.foreground, theme));
  graph->setLineStyle(QCPGraph::lsStepCenter);
  graph->data()->set(
      density_steps(*baseline.histograms[static_cast<std::size_t>(layer)].weights, x, y_max), true);
  widen_linear(plot, x, y_max);
  add_corner_text(plot, caption(label), theme, Qt::AlignBottom | Qt::AlignRight, theme.foreground);
}

void baseline_activations(QCustomPlot& plot, const Result& baseline, const QString& label,
                          const PlotView& view, const Theme& theme) {
  const int depth = static_cast<int>(baseline.layers.size()) - 1;
  if (depth < 1) return;
  std::vector<int> layers = shown_layers(depth);
  if (layers.size() > kMaxBaselineCurves) {
    std::vector<int> fewer;
    for (int i = 0; i < kMaxBaselineCurves; ++i) {
      fewer.push_back(layers[i * (layers.size() - 1) / (kMaxBaselineCurves - 1)]);
    }
    layers = fewer;
  }
  Extent x;
  double y_max = 0;
  for (int l : layers) {
    const LayerHistograms& h = baseline.histograms[static_cast<std::size_t>(l)];
    const Histogram* histogram =
        view.preactivations ? (h.preactivations ? &*h.preactivations : nullptr) : &h.activations;
    if (histogram == nullptr) continue;
    QCPGraph* graph = plot.addGraph(plot.xAxis, plot.yAxis);
    graph->setName(QStringLiteral("baseline layer %1").arg(l));
    graph->setPen(muted(theme.foreground, theme));
    graph->data()->set(density_steps(*histogram, x, y_max), true);
  }
  widen_linear(plot, x, y_max);
  add_corner_text(plot, caption(label), theme, Qt::AlignBottom | Qt::AlignRight, theme.foreground);
}

}  // namespace

void show_baseline(QCustomPlot& plot, PlotKind kind, const Result& baseline, const QString& label,
                   const PlotView& view, const Theme& theme) {
  switch (kind) {
    case PlotKind::weights:
      baseline_weights(plot, baseline, label, view, theme);
      break;
    case PlotKind::activations:
      baseline_activations(plot, baseline, label, view, theme);
      break;
    case PlotKind::variance: {
      QCPGraph* act = layer_series(
          plot, plot.yAxis, QStringLiteral("act_var"), theme.primary, baseline,
          [](const LayerStats& s) { return std::optional<double>(s.act_var); }, theme);
      layer_series(
          plot, plot.yAxis, QStringLiteral("preact_var"), theme.secondary, baseline,
          [](const LayerStats& s) { return s.preact_var; }, theme);
      add_legend_entry(plot, act, QStringLiteral("baseline (dashed)"));
      add_corner_text(plot, caption(label), theme, Qt::AlignBottom | Qt::AlignRight,
                      theme.foreground);
      fit_log_axis(plot, plot.yAxis);
      break;
    }
    case PlotKind::gradients: {
      QCPGraph* grad = layer_series(
          plot, plot.yAxis, QStringLiteral("grad_act_var"), theme.primary, baseline,
          [](const LayerStats& s) { return std::optional<double>(s.grad_act_var); }, theme);
      if (view.gradient_ratio) {
        layer_series(
            plot, plot.yAxis2, QStringLiteral("grad_data_ratio"), theme.secondary, baseline,
            [](const LayerStats& s) { return s.grad_data_ratio; }, theme);
      } else {
        layer_series(
            plot, plot.yAxis2, QStringLiteral("grad_weight_std"), theme.secondary, baseline,
            [](const LayerStats& s) { return s.grad_weight_std; }, theme);
      }
      add_legend_entry(plot, grad, QStringLiteral("baseline (dashed)"));
      add_corner_text(plot, caption(label), theme, Qt::AlignBottom | Qt::AlignRight,
                      theme.foreground);
      fit_log_axis(plot, plot.yAxis);
      fit_log_axis(plot, plot.yAxis2);
      break;
    }
  }
  // Only the layer plots share an x axis with the baseline's layers.
  if (kind == PlotKind::variance || kind == PlotKind::gradients) {
    fit_layers(plot, baseline);
  }
}

}  // namespace initscope::ui::detail
