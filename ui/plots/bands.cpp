// Seed bands (issue 9): how far a finite network's statistics move when only the seed changes.
// Per series a translucent min–max band under the single run and the mean over the seeds as a thin
// line, so the run stays the line the eye follows and the band tells whether its wiggles are a
// trend or the luck of one draw. The bands live on their own layer under the data, so neither the
// run, nor the mean-field prediction, nor a baseline is ever covered by a fill.

#include <QPointer>

#include "ui/plots/common.h"

namespace initscope::ui::detail {
namespace {

constexpr const char* kBandsLayer = "bands";
constexpr int kFillAlpha = 55;   // the band: translucent, the grid and other bands show through
constexpr int kEdgeAlpha = 110;  // its edges: just enough to see where a pale band ends
constexpr double kEdgeWidth = 0.8;

// Under "main" (the series, the marks) and over "grid": created once per plot, it survives
// setup_plot and clear_data, which only remove what is drawn on it.
QCPLayer* bands_layer(QCustomPlot& plot) {
  if (plot.layer(kBandsLayer) == nullptr) {
    plot.addLayer(kBandsLayer, plot.layer("main"), QCustomPlot::limBelow);
  }
  return plot.layer(kBandsLayer);
}

QCPGraph* graph_named(QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.graphCount(); ++i) {
    if (plot.graph(i)->name() == name) return plot.graph(i);
  }
  return nullptr;
}

QColor with_alpha(QColor color, int alpha) {
  color.setAlpha(alpha);
  return color;
}

// One band drawn: the graph holding the fill and the mean line, for the legend icon.
struct DrawnBand {
  QCPGraph* high = nullptr;
  QCPGraph* mean = nullptr;
};

// The band of `column` over the layers where it exists and an axis can show all three values,
// in the color and on the axis of the series the plot already shows under that name.
std::optional<DrawnBand> draw_band(QCustomPlot& plot, const Result& result, const SeedBands& bands,
                                   const QString& column, const Theme& theme) {
  QCPGraph* series = graph_named(plot, column);
  if (series == nullptr) return std::nullopt;
  QCPAxis* axis = series->valueAxis();
  const bool log_axis = axis->scaleType() == QCPAxis::stLogarithmic;
  const QColor color = series->pen().color();
  const std::size_t index = band_column(column.toStdString());

  QVector<QCPGraphData> low, mean, high;
  QVariantList counts;
  for (std::size_t l = 0; l < bands.layers.size(); ++l) {
    const std::optional<Band>& band = bands.layers[l][index];
    const bool shown = band && usable(band->min, log_axis) && usable(band->mean, log_axis) &&
                       usable(band->max, log_axis);
    counts << (shown ? band->count : 0);
    if (!shown) continue;
    const double key = result.layers[l].layer;
    low.append(QCPGraphData(key, band->min));
    mean.append(QCPGraphData(key, band->mean));
    high.append(QCPGraphData(key, band->max));
  }

  QCPLayer* layer = bands_layer(plot);
  const QVariant note = series->property(kHoverNoteProperty);
  auto add = [&](const char* part, const QVector<QCPGraphData>& points, const QPen& pen) {
    QCPGraph* graph = plot.addGraph(plot.xAxis, axis);
    graph->setName(QStringLiteral("%1%2 %3").arg(kBandPrefix, part, column));
    graph->setLayer(layer);
    graph->setPen(pen);
    graph->setProperty(kHoverNoteProperty, note);
    graph->data()->set(points, true);
    return graph;
  };
  const QPen edge(with_alpha(color, kEdgeAlpha), kEdgeWidth);
  QCPGraph* min_graph = add("min", low, edge);
  QCPGraph* max_graph = add("max", high, edge);
  max_graph->setBrush(QBrush(with_alpha(color, kFillAlpha)));
  max_graph->setChannelFillGraph(min_graph);
  // Thinner than the run and solid: dotted is the mean-field prediction's, dashed the baseline's.
  QPen mean_pen = series_pen(with_alpha(color, 220), theme);
  mean_pen.setWidthF(std::max(1.0, 0.6 * theme.line_width));
  QCPGraph* mean_graph = add("mean", mean, mean_pen);
  mean_graph->setProperty(kBandCountsProperty, counts);
  return DrawnBand{max_graph, mean_graph};
}

// One legend entry for every band of the plot: its icon a stripe of each band's fill with that
// band's mean line through it, so one entry reads for both series.
class BandsLegendEntry : public TextLegendItem {
 public:
  BandsLegendEntry(QCPLegend* legend, const std::vector<DrawnBand>& drawn, QString text)
      : TextLegendItem(legend, std::move(text)) {
    for (const DrawnBand& band : drawn) drawn_.push_back({band.high, band.mean});
  }

 protected:
  void drawIcon(QCPPainter* painter, const QRectF& icon_rect) override {
    if (drawn_.empty()) return;
    const double stripe = icon_rect.height() / static_cast<double>(drawn_.size());
    for (std::size_t i = 0; i < drawn_.size(); ++i) {
      const auto& [high, mean] = drawn_[i];
      if (!high || !mean) continue;
      const QRectF rect(icon_rect.x(), icon_rect.y() + stripe * static_cast<double>(i),
                        icon_rect.width(), stripe);
      painter->fillRect(rect, high->brush());
      painter->setPen(mean->pen());
      painter->drawLine(QLineF(rect.left(), rect.center().y(), rect.right(), rect.center().y()));
    }
  }

 private:
  std::vector<std::pair<QPointer<QCPGraph>, QPointer<QCPGraph>>> drawn_;
};

}  // namespace

void show_bands(QCustomPlot& plot, PlotKind kind, const Result& result, const SeedBands& bands,
                const PlotView& view, const Theme& theme) {
  if (bands.layers.size() != result.layers.size() || bands.layers.empty()) return;
  QStringList columns;
  switch (kind) {
    case PlotKind::variance:
      columns = {QStringLiteral("act_var"), QStringLiteral("preact_var")};
      break;
    case PlotKind::gradients:
      columns = {QStringLiteral("grad_act_var"), view.gradient_ratio
                                                     ? QStringLiteral("grad_data_ratio")
                                                     : QStringLiteral("grad_weight_std")};
      break;
    case PlotKind::weights:
    case PlotKind::activations:
      return;  // one histogram per run: nothing to band over layers
  }
  std::vector<DrawnBand> drawn;
  for (const QString& column : columns) {
    if (const std::optional<DrawnBand> band = draw_band(plot, result, bands, column, theme)) {
      drawn.push_back(*band);
    }
  }
  if (drawn.empty()) return;
  plot.legend->addItem(new BandsLegendEntry(
      plot.legend, drawn,
      QStringLiteral("%1 seeds: mean, min–max").arg(static_cast<qsizetype>(bands.seeds.size()))));
  fit_log_axis(plot, plot.yAxis);
  if (kind == PlotKind::gradients) fit_log_axis(plot, plot.yAxis2);
}

}  // namespace initscope::ui::detail
