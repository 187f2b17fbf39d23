// Activations: the distribution of every layer's output (or pre-activation) as one density curve
// per layer, colored by depth, so a collapse towards 0 or a pile-up at saturation shows as a
// drift from dark (first layer) to yellow (last).

#include "ui/plots/common.h"

namespace initscope::ui::detail {
namespace {

// More curves than this blur into one band and slow the replot at depth 1000.
constexpr int kMaxCurves = 64;

// Viridis' darkest quarter vanishes on a dark background: there depth starts at the fourth stop
// (0.25, itself a stop, so the color scale's gradient stays exact).
double first_depth_color(const Theme& theme) {
  return theme.background.lightness() < 128 ? 0.25 : 0.0;
}

QColor depth_color(const Theme& theme, double fraction) {
  const double t0 = first_depth_color(theme);
  return viridis(t0 + (1.0 - t0) * fraction);
}

QString percent(double share) {
  return QString::number(100.0 * share, 'f', 1) + QLatin1Char('%');
}

// The share the reader should watch in layer l: saturated for tanh, sigmoid and softsign (core
// fills act_saturated_frac for those only), exactly zero for the others.
QString share_of(const LayerStats& stats) {
  if (!std::isfinite(stats.act_var)) return QStringLiteral("overflow");
  return percent(stats.act_saturated_frac.value_or(stats.act_zero_frac));
}

QCPColorScale* depth_scale(const QCustomPlot& plot) {
  for (QCPLayoutElement* element : plot.plotLayout()->elements(false)) {
    auto* scale = qobject_cast<QCPColorScale*>(element);
    if (scale != nullptr && scale->objectName() == kDepthScaleName) return scale;
  }
  return nullptr;
}

}  // namespace

std::vector<int> shown_layers(int depth) {
  std::vector<int> layers;
  if (depth <= kMaxCurves) {
    for (int l = 1; l <= depth; ++l) layers.push_back(l);
    return layers;
  }
  // An even subsample including the first and the last layer.
  for (int i = 0; i < kMaxCurves; ++i) {
    const int l =
        1 + static_cast<int>(std::lround(static_cast<double>(i) * (depth - 1) / (kMaxCurves - 1)));
    if (layers.empty() || layers.back() != l) layers.push_back(l);
  }
  return layers;
}

void setup_activations(QCustomPlot& plot, const Theme& theme) {
  reset_layout(plot, PlotKind::activations, theme);
  add_subtitle_row(plot, theme);
  plot.xAxis->setLabel(QStringLiteral("value of h_l"));
  plot.yAxis->setLabel(QStringLiteral("density"));

  auto* scale = new QCPColorScale(&plot);
  scale->setObjectName(kDepthScaleName);
  QCPLayoutGrid* layout = plot.plotLayout();
  layout->addElement(layout->rowCount() - 1, 1, scale);
  scale->setType(QCPAxis::atRight);
  scale->setBarWidth(theme.font_size + 4);
  QCPColorGradient gradient;
  gradient.clearColorStops();
  const double t0 = first_depth_color(theme);
  for (int i = 0; i <= 8; ++i) {
    if (i / 8.0 >= t0) gradient.setColorStopAt((i / 8.0 - t0) / (1.0 - t0), viridis(i / 8.0));
  }
  gradient.setColorInterpolation(QCPColorGradient::ciRGB);  // as ui::viridis interpolates
  gradient.setLevelCount(256);
  scale->setGradient(gradient);
  scale->setRangeDrag(false);
  scale->setRangeZoom(false);
  // The scale's own axis rect is private; its axes are found through their rect.
  for (QCPAxis* axis : plot.findChildren<QCPAxis*>()) {
    if (axis->axisRect() != plot.axisRect()) style_axis(plot, axis, theme);
  }
  set_integer_ticks(scale->axis());
  scale->setLabel(QStringLiteral("layer"));
  scale->setDataRange(QCPRange(1, 2));
  // Bar and plot share their top and bottom edges.
  auto* margins = new QCPMarginGroup(&plot);
  plot.axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
  scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
}

void show_activations(QCustomPlot& plot, const Result& result, const PlotView& view,
                      const Theme& theme) {
  clear_data(plot);
  const int depth = static_cast<int>(result.layers.size()) - 1;
  const QString symbol = view.preactivations ? QStringLiteral("z_l") : QStringLiteral("h_l");
  plot.xAxis->setLabel(QStringLiteral("value of %1").arg(symbol));
  if (QCPTextElement* title = find_text_element(plot, kTitleName)) {
    title->setText(view.preactivations ? QStringLiteral("Pre-activations z_l by layer")
                                       : QStringLiteral("Activations h_l by layer"));
  }
  if (QCPColorScale* scale = depth_scale(plot))
    scale->setDataRange(QCPRange(1, std::max(depth, 2)));
  if (depth < 1 || result.histograms.size() != result.layers.size()) return;

  const bool saturating = result.layers[1].act_saturated_frac.has_value();
  const QString share_name = saturating ? (result.config.activation.name == Activation::sigmoid
                                               ? QStringLiteral("saturated (|2h − 1| > 0.97)")
                                               : QStringLiteral("saturated (|h| > 0.97)"))
                                        : QStringLiteral("zero (h = 0)");

  Extent x_extent;
  double y_max = 0.0;   // the highest density
  double y_rest = 0.0;  // the highest once exact zeros are set aside
  const std::vector<int> layers = shown_layers(depth);
  const double line_width =
      layers.size() > 16 ? std::max(1.0, 0.6 * theme.line_width) : theme.line_width;
  QVector<QCPGraphData> points;
  for (int l : layers) {
    const LayerHistograms& h = result.histograms[static_cast<std::size_t>(l)];
    const Histogram* histogram =
        view.preactivations ? (h.preactivations ? &*h.preactivations : nullptr) : &h.activations;
    if (histogram == nullptr || histogram->edges.size() != histogram->counts.size() + 1) continue;
    double n = 0.0;
    for (std::int64_t c : histogram->counts) n += static_cast<double>(c);
    if (n <= 0) continue;  // no finite entry at all: nothing to draw
    const LayerStats& stats = result.layers[static_cast<std::size_t>(l)];
    // Exact zeros (relu and kin: half of h_l) pile into one bin as a spike that would flatten
    // every other curve; the y range is set by the rest, and the spike runs off the top.
    const double zeros = view.preactivations || !std::isfinite(stats.act_var)
                             ? 0.0
                             : std::round(stats.act_zero_frac * n);
    points.clear();
    points.reserve(static_cast<qsizetype>(histogram->counts.size()));
    for (std::size_t i = 0; i < histogram->counts.size(); ++i) {
      const double left = histogram->edges[i];
      const double right = histogram->edges[i + 1];
      const double density = static_cast<double>(histogram->counts[i]) / (n * (right - left));
      const double centre = (left + right) / 2;
      if (!std::isfinite(density) || !std::isfinite(centre)) continue;
      points.append({centre, density});
      x_extent.add(left);
      x_extent.add(right);
      y_max = std::max(y_max, density);
      const bool holds_zero = left <= 0.0 && (0.0 < right || i + 1 == histogram->counts.size());
      y_rest = std::max(
          y_rest, holds_zero ? std::max(0.0, static_cast<double>(histogram->counts[i]) - zeros) /
                                   (n * (right - left))
                             : density);
    }
    QCPGraph* graph = plot.addGraph(plot.xAxis, plot.yAxis);
    graph->setName(QStringLiteral("layer %1").arg(l));
    graph->setPen(
        QPen(depth_color(theme, depth > 1 ? static_cast<double>(l - 1) / (depth - 1) : 0.0),
             line_width));
    graph->setProperty(kHoverNoteProperty,
                       QStringLiteral("%1: %2").arg(share_name, share_of(stats)));
    graph->data()->set(points, true);
  }

  // First, middle and last layer's share, outside the axis rect so it covers no curve.
  QStringList shares;
  for (int l : {1, (1 + depth) / 2, depth}) {
    const QString entry = QStringLiteral("layer %1 %2")
                              .arg(l)
                              .arg(share_of(result.layers[static_cast<std::size_t>(l)]));
    if (!shares.contains(entry)) shares << entry;
  }
  const bool cut = y_rest > 0 && y_max > 2 * y_rest;
  QStringList parts = {share_name + QStringLiteral(" of h_l:")};
  parts << shares;
  if (layers.size() < static_cast<std::size_t>(depth)) {
    parts << QStringLiteral("(%1 of %2 layers drawn)").arg(layers.size()).arg(depth);
  }
  // Filled line by line to the plot's width: slides fonts would push one line off the edge.
  set_subtitle(plot, parts, QStringLiteral("  ·  "), QStringLiteral("  "),
               cut ? QStringLiteral("the spike of exact zeros at 0 runs off the top") : QString());

  plot.xAxis->setRange(linear_range(x_extent, 0.03));
  const QString runs = layer_runs(result.layers, overflowed(result.layers, OverflowScope::forward));
  const double top = cut ? y_rest : y_max;
  plot.yAxis->setRange(0.0, top > 0 ? top * (runs.isEmpty() ? 1.06 : 1.2) : 1.0);
  if (!runs.isEmpty()) {
    add_overflow_note(
        plot,
        QStringLiteral("overflow (Inf/NaN) in layers %1: non-finite values left out").arg(runs),
        theme, Qt::AlignTop | Qt::AlignLeft);
  }
}

}  // namespace initscope::ui::detail
