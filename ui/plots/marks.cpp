// Axis ranges that only see usable values, series over the layer index, and the marks drawn over
// the data: overflow bands and labels, corner boxes, vertical lines.

#include <algorithm>
#include <cmath>

#include <QPointer>

#include "ui/plots/common.h"

namespace initscope::ui::detail {
namespace {

// QCPRange refuses ranges beyond ±1e250 (QCPRange::maxRange) and log ranges touching 0.
constexpr double kLogFloor = 1e-250;
constexpr double kLogCeiling = 1e250;

}  // namespace

QCPRange linear_range(const Extent& extent, double pad_fraction) {
  if (!extent.valid()) return {0.0, 1.0};
  double span = extent.high - extent.low;
  if (span <= 0.0) span = extent.low != 0.0 ? std::abs(extent.low) : 1.0;
  return {extent.low - pad_fraction * span, extent.high + pad_fraction * span};
}

QCPRange log_range(const Extent& extent) {
  if (!extent.valid() || extent.low <= 0.0) return {0.1, 10.0};
  double low = std::log10(std::max(extent.low, kLogFloor));
  double high = std::log10(std::min(extent.high, kLogCeiling));
  const double pad = std::max(0.06 * (high - low), 0.08);
  low -= pad;
  high += pad;
  if (high - low < 1.0) {  // less than a decade: widen around the middle
    const double middle = (low + high) / 2;
    low = middle - 0.5;
    high = middle + 0.5;
  }
  return {std::max(std::pow(10.0, low), kLogFloor), std::min(std::pow(10.0, high), kLogCeiling)};
}

QCPGraph* add_layer_graph(QCustomPlot& plot, QCPAxis* value_axis, const QString& name,
                          const QPen& pen, const std::vector<LayerStats>& layers, LayerValue value,
                          Extent& extent) {
  const bool log_axis = value_axis->scaleType() == QCPAxis::stLogarithmic;
  QVector<QCPGraphData> points;
  points.reserve(static_cast<qsizetype>(layers.size()));
  for (const LayerStats& row : layers) {
    const std::optional<double> v = value(row);
    if (!v || !usable(*v, log_axis)) continue;
    points.append(QCPGraphData(row.layer, *v));
    extent.add(*v);
  }
  QCPGraph* graph = plot.addGraph(plot.xAxis, value_axis);
  graph->setName(name);
  graph->setPen(pen);
  // Markers show which layers have a value (gaps are overflowed layers); past ~60 layers they
  // would merge into a thick line.
  if (layers.size() <= 61) {
    graph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, pen.color(), 3.0 + 1.5 * pen.widthF()));
  }
  graph->data()->set(points, true);
  return graph;
}

QCPGraph* add_theory_graph(QCustomPlot& plot, QCPAxis* value_axis, const QString& name,
                           int first_layer, const std::vector<double>& values, const Theme& theme,
                           Extent& extent) {
  const bool log_axis = value_axis->scaleType() == QCPAxis::stLogarithmic;
  QVector<QCPGraphData> points;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!usable(values[i], log_axis)) continue;
    points.append(QCPGraphData(first_layer + static_cast<double>(i), values[i]));
    extent.add(values[i]);
  }
  QCPGraph* graph = plot.addGraph(plot.xAxis, value_axis);
  graph->setName(name);
  QPen pen = series_pen(theme.theory, theme, Qt::DotLine);
  pen.setWidthF(pen.widthF() * 1.5);
  graph->setPen(pen);
  graph->data()->set(points, true);
  return graph;
}

void set_layer_range(QCustomPlot& plot, const std::vector<LayerStats>& layers) {
  const double last = layers.empty() ? 1.0 : std::max(1, layers.back().layer);
  const double pad = std::max(0.5, 0.015 * last);
  plot.xAxis->setRange(-pad, last + pad);
}

void set_log_range(QCPAxis* axis, const Extent& extent) {
  axis->setRange(log_range(extent));
}

void fit_log_axis(QCustomPlot& plot, QCPAxis* axis) {
  Extent extent;
  for (int i = 0; i < plot.graphCount(); ++i) {
    const QCPGraph* graph = plot.graph(i);
    if (graph->valueAxis() != axis) continue;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
      if (usable(it->value, true)) extent.add(it->value);
    }
  }
  set_log_range(axis, extent);
}

std::vector<bool> overflowed(const std::vector<LayerStats>& layers, OverflowScope scope) {
  std::vector<bool> flags(layers.size(), false);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerStats& s = layers[i];
    flags[i] = scope == OverflowScope::any
                   ? s.overflow
                   : !std::isfinite(s.act_var) || (s.preact_var && !std::isfinite(*s.preact_var));
  }
  return flags;
}

QString layer_runs(const std::vector<LayerStats>& layers, const std::vector<bool>& flags) {
  QStringList runs;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!flags[i]) continue;
    std::size_t j = i;
    while (j + 1 < layers.size() && flags[j + 1]) ++j;
    runs << (i == j ? QString::number(layers[i].layer)
                    : QStringLiteral("%1–%2").arg(layers[i].layer).arg(layers[j].layer));
    i = j;
  }
  return runs.join(QStringLiteral(", "));
}

bool mark_overflow_layers(QCustomPlot& plot, const std::vector<LayerStats>& layers,
                          const std::vector<bool>& flags, const Theme& theme) {
  QColor band_color = theme.overflow;
  band_color.setAlpha(40);
  bool labelled = false;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!flags[i]) continue;
    std::size_t j = i;
    while (j + 1 < layers.size() && flags[j + 1]) ++j;
    const double from = layers[i].layer - 0.5;
    const double to = layers[j].layer + 0.5;
    auto* band = new QCPItemRect(&plot);
    for (QCPItemPosition* corner : {band->topLeft, band->bottomRight}) {
      corner->setAxes(plot.xAxis, plot.yAxis);
      corner->setAxisRect(plot.axisRect());
      corner->setTypeX(QCPItemPosition::ptPlotCoords);
      corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    band->topLeft->setCoords(from, 0.0);
    band->bottomRight->setCoords(to, 1.0);
    band->setPen(QPen(theme.overflow, 1.0, Qt::DashLine));
    band->setBrush(QBrush(band_color));
    if (!labelled) {
      // One label, at the first run: inside the band when the band is wide enough for it (a
      // quarter of the axis), else left of it, so that it is never cut at the axis rect's edge.
      // Two short lines keep it narrow; the backdrop keeps it readable over a curve.
      const QCPRange range = plot.xAxis->range();
      const bool near_right =
          to - from < 0.25 * range.size() && from > range.lower + 0.6 * range.size();
      auto* label = new QCPItemText(&plot);
      label->position->setAxes(plot.xAxis, plot.yAxis);
      label->position->setAxisRect(plot.axisRect());
      label->position->setTypeX(QCPItemPosition::ptPlotCoords);
      label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
      label->position->setCoords(from, 0.02);
      label->setPositionAlignment(Qt::AlignTop | (near_right ? Qt::AlignRight : Qt::AlignLeft));
      label->setPadding(QMargins(5, 2, 5, 2));
      QFont font = note_font(plot, theme);
      font.setBold(true);
      label->setFont(font);
      label->setColor(theme.overflow);
      QColor backdrop = theme.background;
      backdrop.setAlpha(215);
      label->setBrush(QBrush(backdrop));
      label->setTextAlignment(near_right ? Qt::AlignRight : Qt::AlignLeft);
      label->setText(
          QStringLiteral("overflow (Inf/NaN)\nlayers %1").arg(layer_runs(layers, flags)));
      labelled = true;
    }
    i = j;
  }
  return labelled;
}

QCPItemText* mark_zero_layers(QCustomPlot& plot, const std::vector<LayerStats>& layers,
                              LayerValue value, const QString& what, const Theme& theme) {
  std::vector<bool> zero(layers.size(), false);
  bool any = false;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::optional<double> v = value(layers[i]);
    zero[i] = !layers[i].overflow && v && *v == 0.0;
    any |= zero[i];
  }
  if (!any) return nullptr;
  // A forward collapse runs to the last layer: the note goes right, under the layers with no
  // point; vanishing gradients reach 0 towards the input: left.
  const bool right = zero.back();
  QColor color = theme.foreground;
  color.setAlphaF(0.8f);
  return add_corner_text(plot,
                         QStringLiteral("%1 = 0 in layers %2 (below any log scale)")
                             .arg(what, layer_runs(layers, zero)),
                         theme, Qt::AlignBottom | (right ? Qt::AlignRight : Qt::AlignLeft), color);
}

QCPItemText* add_corner_text(QCustomPlot& plot, const QString& text, const Theme& theme,
                             Qt::Alignment corner, const QColor& color, QCPItemText* below) {
  auto* item = new QCPItemText(&plot);
  if (below != nullptr) {
    const bool left = (below->positionAlignment() & Qt::AlignLeft) != 0;
    item->position->setParentAnchor(left ? below->bottomLeft : below->bottomRight);
    item->position->setType(QCPItemPosition::ptAbsolute);
    item->position->setCoords(0, 4);
    item->setPositionAlignment(Qt::AlignTop | (left ? Qt::AlignLeft : Qt::AlignRight));
  } else {
    item->position->setAxisRect(plot.axisRect());
    item->position->setType(QCPItemPosition::ptAxisRectRatio);
    item->position->setCoords((corner & Qt::AlignLeft) ? 0.01 : 0.99,
                              (corner & Qt::AlignTop) ? 0.015 : 0.985);
    item->setPositionAlignment(corner);
  }
  item->setTextAlignment(Qt::AlignLeft);
  item->setFont(note_font(plot, theme));
  item->setColor(color);
  QColor brush = theme.background;
  brush.setAlpha(215);
  item->setBrush(QBrush(brush));
  item->setPen(QPen(theme.grid, 1.0));
  item->setPadding(QMargins(6, 4, 6, 4));
  item->setText(text);
  return item;
}

void keep_apart(QCustomPlot& plot, QCPItemText* left, QCPItemText* right) {
  // The right text is the context: a plot clears its items on every new result, and the
  // connection goes with them.
  QObject::connect(&plot, &QCustomPlot::afterLayout, right, [left = QPointer(left), right] {
    if (!left) return;
    constexpr double kGap = 8;
    // Measured in the corner, where the text would be without the left one.
    right->position->setParentAnchor(nullptr);
    right->position->setAxisRect(right->parentPlot()->axisRect());
    right->position->setType(QCPItemPosition::ptAxisRectRatio);
    right->position->setCoords(0.99, 0.015);
    right->setPositionAlignment(Qt::AlignTop | Qt::AlignRight);
    if (left->bottomRight->pixelPosition().x() + kGap <= right->topLeft->pixelPosition().x()) {
      return;
    }
    right->position->setParentAnchor(left->bottomLeft);
    right->position->setType(QCPItemPosition::ptAbsolute);
    right->position->setCoords(0, 4);
    right->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
  });
}

QCPItemText* add_overflow_note(QCustomPlot& plot, const QString& text, const Theme& theme,
                               Qt::Alignment corner, QCPItemText* below) {
  QCPItemText* item = add_corner_text(plot, text, theme, corner, theme.overflow, below);
  item->setPen(QPen(theme.overflow, 1.0));
  QFont font = item->font();
  font.setBold(true);
  item->setFont(font);
  return item;
}

QCPItemStraightLine* add_vertical_line(QCustomPlot& plot, double x, const QPen& pen) {
  auto* line = new QCPItemStraightLine(&plot);
  for (QCPItemPosition* point : {line->point1, line->point2}) {
    point->setAxes(plot.xAxis, plot.yAxis);
    point->setAxisRect(plot.axisRect());
    point->setTypeX(QCPItemPosition::ptPlotCoords);
    point->setTypeY(QCPItemPosition::ptAxisRectRatio);
  }
  line->point1->setCoords(x, 0.0);
  line->point2->setCoords(x, 1.0);
  line->setPen(pen);
  return line;
}

}  // namespace initscope::ui::detail
