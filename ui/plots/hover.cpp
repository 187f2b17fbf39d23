// Hover: the nearest data point under the cursor gets a marker on its own buffered layer and a
// tooltip with the layer and the exact values; a seed band's three graphs read as one line.

#include <QToolTip>
#include <cmath>

#include "ui/plots/common.h"

namespace initscope::ui::detail {
namespace {

constexpr const char* kHoverLayer = "hover";
constexpr const char* kTracerName = "hover tracer";
constexpr const char* kHoverInstalledProperty = "initscope_hover_installed";
constexpr double kHoverRadius = 24.0;  // pixels: how near a point the cursor must be

QCPItemTracer* hover_tracer(QCustomPlot& plot) {
  for (int i = 0; i < plot.itemCount(); ++i) {
    if (plot.item(i)->objectName() == kTracerName)
      return qobject_cast<QCPItemTracer*>(plot.item(i));
  }
  auto* tracer = new QCPItemTracer(&plot);
  tracer->setObjectName(kTracerName);
  tracer->setLayer(kHoverLayer);
  tracer->setStyle(QCPItemTracer::tsCircle);
  tracer->setSize(11);
  tracer->setPen(QPen(plot.xAxis->basePen().color(), 1.5));
  tracer->setBrush(Qt::NoBrush);
  tracer->setVisible(false);
  return tracer;
}

// Nearest point of a graph to the cursor, looking at the points either side of its key.
void consider_graph(QCPGraph* graph, const QPointF& pixel, HoverHit& best, double& best_distance) {
  const auto data = graph->data();
  if (data->isEmpty()) return;
  const double key = graph->keyAxis()->pixelToCoord(pixel.x());
  auto it = data->findBegin(key);  // the last point at or before key
  for (int step = 0; step < 2 && it != data->constEnd(); ++step, ++it) {
    const QPointF at = graph->coordsToPixels(it->key, it->value);
    const double distance = std::hypot(at.x() - pixel.x(), at.y() - pixel.y());
    if (distance < best_distance) {
      best_distance = distance;
      best = {graph, it->key, it->value, 0.0};
    }
  }
}

// The bar whose column holds the cursor, up to a little above its top.
void consider_bars(QCPBars* bars, const QPointF& pixel, HoverHit& best, double& best_distance) {
  const auto data = bars->data();
  if (data->isEmpty()) return;
  const double key = bars->keyAxis()->pixelToCoord(pixel.x());
  const double half = bars->width() / 2;
  auto it = data->findBegin(key - half, false);
  if (it == data->constEnd() || std::abs(it->key - key) > half) return;
  const QPointF top = bars->coordsToPixels(it->key, it->value);
  const QPointF base = bars->coordsToPixels(it->key, 0.0);
  if (pixel.y() < top.y() - kHoverRadius || pixel.y() > base.y()) return;
  // A curve within a few pixels wins over the bar under it.
  const double distance = kHoverRadius / 2;
  if (distance < best_distance) {
    best_distance = distance;
    best = {bars, it->key, it->value, bars->width()};
  }
}
std::optional<double> value_at(const QCPGraph* graph, double key) {
  const auto it = graph->data()->findBegin(key, false);
  if (it == graph->data()->constEnd() || it->key != key) return std::nullopt;
  return it->value;
}

// "act_var over 8 seeds: mean 1.02, min 0.91, max 1.13" when `graph` is the mean of a seed band
// with a point at `key`; empty otherwise. The count is the runs the band holds at that layer
// (fewer than the seeds where some run overflowed).
QString band_line(QCustomPlot& plot, const QCPGraph* graph, double key) {
  const QString mean_prefix = QLatin1String(kBandPrefix) + QStringLiteral("mean ");
  if (!graph->name().startsWith(mean_prefix)) return {};
  const QString column = graph->name().mid(mean_prefix.size());
  const QCPGraph* low = nullptr;
  const QCPGraph* high = nullptr;
  for (int i = 0; i < plot.graphCount(); ++i) {
    const QString name = plot.graph(i)->name();
    if (name == QLatin1String(kBandPrefix) + QStringLiteral("min ") + column) low = plot.graph(i);
    if (name == QLatin1String(kBandPrefix) + QStringLiteral("max ") + column) high = plot.graph(i);
  }
  const std::optional<double> mean = value_at(graph, key);
  if (low == nullptr || high == nullptr || !mean) return {};
  const std::optional<double> min = value_at(low, key);
  const std::optional<double> max = value_at(high, key);
  if (!min || !max) return {};
  const QVariantList counts = graph->property(kBandCountsProperty).toList();
  const auto layer = static_cast<qsizetype>(std::llround(key));
  const int count = layer >= 0 && layer < counts.size() ? counts[layer].toInt() : 0;
  return QStringLiteral("%1 over %2 seeds: mean %3, min %4, max %5")
      .arg(column)
      .arg(count)
      .arg(exact(*mean), exact(*min), exact(*max));
}

}  // namespace

HoverHit hover_hit(QCustomPlot& plot, const QPointF& pixel) {
  HoverHit best;
  double best_distance = kHoverRadius;
  for (int i = 0; i < plot.plottableCount(); ++i) {
    QCPAbstractPlottable* plottable = plot.plottable(i);
    if (!plottable->visible()) continue;
    if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
      consider_graph(graph, pixel, best, best_distance);
    } else if (auto* bars = qobject_cast<QCPBars*>(plottable)) {
      consider_bars(bars, pixel, best, best_distance);
    }
  }
  return best;
}

QString hover_text(QCustomPlot& plot, const HoverHit& hit) {
  if (!hit) return {};
  QStringList lines;
  const auto kind = static_cast<PlotKind>(plot.property(kKindProperty).toInt());
  switch (kind) {
    case PlotKind::variance:
    case PlotKind::gradients: {
      // Every series at the hovered layer, so the two curves read against each other.
      lines << QStringLiteral("layer %1").arg(static_cast<long long>(std::llround(hit.key)));
      for (int i = 0; i < plot.graphCount(); ++i) {
        const QCPGraph* graph = plot.graph(i);
        if (graph->name().startsWith(QLatin1String(kBandPrefix))) continue;  // one line below
        if (const std::optional<double> v = value_at(graph, hit.key)) {
          lines << QStringLiteral("%1: %2").arg(graph->name(), exact(*v));
        }
      }
      for (int i = 0; i < plot.graphCount(); ++i) {
        const QString band = band_line(plot, plot.graph(i), hit.key);
        if (!band.isEmpty()) lines << band;
      }
      break;
    }
    case PlotKind::activations:
      lines << hit.plottable->name() << QStringLiteral("value %1").arg(exact(hit.key))
            << QStringLiteral("density %1").arg(exact(hit.value));
      break;
    case PlotKind::weights:
      if (hit.width > 0) {
        const double n = hit.plottable->property(kSampleCountProperty).toDouble();
        lines << QStringLiteral("weights in [%1, %2]")
                     .arg(exact(hit.key - hit.width / 2), exact(hit.key + hit.width / 2))
              << QStringLiteral("count %1 of %2")
                     .arg(std::llround(hit.value * n * hit.width))
                     .arg(static_cast<long long>(n))
              << QStringLiteral("density %1").arg(exact(hit.value));
      } else {
        lines << QStringLiteral("theoretical density at %1").arg(exact(hit.key))
              << exact(hit.value);
      }
      break;
  }
  const QString note = hit.plottable->property(kHoverNoteProperty).toString();
  if (!note.isEmpty()) lines << note;
  return lines.join(QLatin1Char('\n'));
}

void install_hover(QCustomPlot& plot) {
  if (plot.property(kHoverInstalledProperty).toBool()) return;
  plot.setProperty(kHoverInstalledProperty, true);
  plot.setMouseTracking(true);
  if (plot.layer(kHoverLayer) == nullptr) {
    // Its own buffered layer: moving the marker repaints only this layer, not the data.
    plot.addLayer(kHoverLayer, plot.layer("main"), QCustomPlot::limAbove);
    plot.layer(kHoverLayer)->setMode(QCPLayer::lmBuffered);
  }
  QCustomPlot* target = &plot;
  QObject::connect(&plot, &QCustomPlot::mouseMove, &plot, [target](QMouseEvent* event) {
    const HoverHit hit = hover_hit(*target, event->position());
    QCPItemTracer* tracer = hover_tracer(*target);
    if (!hit) {
      QToolTip::hideText();
      if (tracer->visible()) {
        tracer->setVisible(false);
        target->layer(kHoverLayer)->replot();
      }
      return;
    }
    tracer->position->setAxes(hit.plottable->keyAxis(), hit.plottable->valueAxis());
    tracer->position->setCoords(hit.key, hit.value);
    tracer->setVisible(true);
    target->layer(kHoverLayer)->replot();
    QToolTip::showText(event->globalPosition().toPoint(), hover_text(*target, hit), target);
  });
}

}  // namespace initscope::ui::detail
