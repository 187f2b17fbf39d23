// The phase diagram panel: the heatmap, the critical line, the region labels and the current
// setting are built once and restyled or refilled in place, so that the worker's result or a new
// setting never rebuilds the plot's layout.

#include "ui/phase_view.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QResizeEvent>
#include <QVBoxLayout>
#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.h"
#include "ui/plots/common.h"
#include "ui/text.h"
#include "ui/theory_card.h"

namespace initscope::ui {

using namespace detail;

PhaseDiagram compute_phase_diagram(Activation activation, std::optional<double> param, int nx,
                                   int ny) {
  const ActivationFn phi = ActivationFn::make(activation, param);
  const PhaseRanges ranges = default_phase_ranges(phi);
  PhaseDiagram diagram{activation, param, phase_grid(phi, ranges, nx, ny), {}, {}};
  // From exactly 0, where the line starts (relu at 2, tanh at 1), to exactly the top.
  const double top = ranges.sigma_b2.hi;
  diagram.line_sigma_b2.reserve(kCriticalLinePoints);
  for (int k = 0; k < kCriticalLinePoints; ++k) {
    diagram.line_sigma_b2.push_back(
        k + 1 == kCriticalLinePoints ? top : top * k / (kCriticalLinePoints - 1));
  }
  diagram.line_sigma_w2 = critical_line(phi, diagram.line_sigma_b2);
  return diagram;
}

double phase_color_limit(const PhaseGrid& grid) {
  std::vector<double> magnitudes;
  magnitudes.reserve(grid.log_chi1.size());
  for (const double v : grid.log_chi1) {
    if (std::isfinite(v)) magnitudes.push_back(std::abs(v));
  }
  if (magnitudes.empty()) return 1.0;
  const auto k = static_cast<std::ptrdiff_t>(std::floor(0.98 * (magnitudes.size() - 1)));
  std::nth_element(magnitudes.begin(), magnitudes.begin() + k, magnitudes.end());
  return std::clamp(magnitudes[static_cast<std::size_t>(k)], 0.1, 2.0);
}

namespace {

constexpr int kArrowLength = 26;  // pixels: the arrow towards a setting off the chart
constexpr int kClickSlop = 4;     // pixels the cursor may move between press and release

// Diverging maps, blue for ordered (ln χ₁ < 0), red for chaotic, neutral at 0 so the critical line
// runs along the palest (light) or darkest (dark) band and the theme's foreground line stands out
// on it. Light: ColorBrewer's RdBu without its two darkest classes (Harrower & Brewer 2003, marked
// safe for color-blind readers). Dark: the same hues around a near-black middle, in the manner of
// Crameri's "berlin" (2018), so the map does not glare on a dark window.
constexpr std::array<QRgb, 9> kLightStops = {0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
                                             0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B};
constexpr std::array<QRgb, 9> kDarkStops = {0x9CC8F2, 0x5E9CD3, 0x336A9C, 0x223D57, 0x252525,
                                            0x5A2A20, 0xA3442C, 0xD9704F, 0xF5AA8F};

bool is_dark(const Theme& theme) {
  return theme.background.lightness() < 128;
}

QCPColorGradient diverging(const Theme& theme) {
  const auto& stops = is_dark(theme) ? kDarkStops : kLightStops;
  QCPColorGradient gradient;
  gradient.clearColorStops();
  for (std::size_t i = 0; i < stops.size(); ++i) {
    gradient.setColorStopAt(static_cast<double>(i) / (stops.size() - 1), QColor(stops[i]));
  }
  gradient.setColorInterpolation(QCPColorGradient::ciRGB);
  gradient.setLevelCount(256);
  gradient.setNanHandling(QCPColorGradient::nhTransparent);
  return gradient;
}

QString fixed3(double v) {
  return QString::number(v, 'f', 3);
}

// ξ as the readout shows it: 4 significant digits, whole layers from 1000 on, ∞ at χ₁ = 1.
QString depth_text(double xi) {
  if (!std::isfinite(xi)) return QStringLiteral("∞");
  if (xi >= 1e6) return QStringLiteral("> 10⁶");
  if (xi >= 1000) return QString::number(xi, 'f', 0);
  return QString::number(xi, 'g', 4);
}

// Two lines: where, and what it means for a deep network.
QString describe(const ActivationFn& phi, double sigma_w2, double sigma_b2) {
  double chi = 0.0;
  try {
    chi = chi1(phi, sigma_w2, sigma_b2);
  } catch (const InputError& e) {
    return QStringLiteral("σ_w² = %1, σ_b² = %2: %3")
        .arg(fixed3(sigma_w2), fixed3(sigma_b2), QString::fromUtf8(e.what()));
  }
  const double xi = depth_scale(chi);
  const QString where = QStringLiteral("σ_w² = %1, σ_b² = %2 · χ₁ = %3")
                            .arg(fixed3(sigma_w2), fixed3(sigma_b2), fixed3(chi));
  QString phase;
  if (!std::isfinite(xi)) {
    phase = QStringLiteral("critical: ξ = ∞, gradients keep their size at any depth");
  } else if (xi >= 1e6) {
    // χ₁ within 10⁻⁶ of 1: a critical setting up to the rounding of σ_w² (relu + kaiming's
    // fan_in·Var(W) is 2 to the last bit or two), not a phase.
    phase = QStringLiteral("critical: ξ > 10⁶, gradients keep their size at any practical depth");
  } else if (chi < 1) {
    phase =
        QStringLiteral("ordered: gradients shrink by e every ξ = %1 layers").arg(depth_text(xi));
  } else {
    phase = QStringLiteral("chaotic: gradients grow by e every ξ = %1 layers").arg(depth_text(xi));
  }
  return where + QLatin1Char('\n') + phase;
}

QString activation_title(const PhaseDiagram& diagram) {
  QString name = to_qstring(name_of(diagram.activation));
  if (takes_param(diagram.activation)) {
    const double param = ActivationFn::make(diagram.activation, diagram.param).param;
    name += QStringLiteral("(%1)").arg(QString::number(param, 'g', 4));
  }
  return QStringLiteral("Order and chaos: %1").arg(name);
}

// σ_w² of the critical line at σ_b² = y, linear between its samples; NaN where it has none.
double line_at(const PhaseDiagram& diagram, double y) {
  const auto& b = diagram.line_sigma_b2;
  const auto& w = diagram.line_sigma_w2;
  for (std::size_t k = 0; k + 1 < std::min(b.size(), w.size()); ++k) {
    if (y < b[k] || y > b[k + 1]) continue;
    if (!std::isfinite(w[k]) || !std::isfinite(w[k + 1])) return std::nan("");
    const double t = b[k + 1] > b[k] ? (y - b[k]) / (b[k + 1] - b[k]) : 0.0;
    return w[k] + t * (w[k + 1] - w[k]);
  }
  return std::nan("");
}

QCPItemText* region_label(QCustomPlot& plot, const char* name) {
  auto* label = new QCPItemText(&plot);
  label->setObjectName(QString::fromLatin1(name));
  label->position->setType(QCPItemPosition::ptPlotCoords);
  label->setPositionAlignment(Qt::AlignCenter);
  label->setTextAlignment(Qt::AlignCenter);
  label->setPadding(QMargins(4, 1, 4, 2));
  return label;
}

}  // namespace

PhaseView::PhaseView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("phase_view"));
  // A dock 360 to 500 px wide: below about 320 the color scale squeezes the heatmap to a strip.
  setMinimumSize(320, 300);

  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("phase_plot"));
  plot_->setMinimumSize(300, 240);
  plot_->setAutoAddPlottableToLegend(false);
  plot_->setInteractions(QCP::Interactions());  // a click picks a point; nothing drags or zooms
  plot_->installEventFilter(this);

  QCPLayoutGrid* layout = plot_->plotLayout();
  title_ = new QCPTextElement(plot_, QStringLiteral("Order and chaos"));
  title_->setObjectName(kTitleName);
  layout->insertRow(0);
  layout->addElement(0, 0, title_);
  layout->setRowStretchFactor(0, 0.001);
  // Row 1 (the axis rect is now row 2); its wrap is fitWidth's, which leaves the color scale room.
  add_legend_row(*plot_, theme_, 2, false);

  scale_ = new QCPColorScale(plot_);
  scale_->setObjectName(QStringLiteral("ln_chi1_scale"));
  scale_->setType(QCPAxis::atRight);
  scale_->setRangeDrag(false);
  scale_->setRangeZoom(false);
  layout->addElement(layout->rowCount() - 1, 1, scale_);
  auto* margins = new QCPMarginGroup(plot_);
  plot_->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
  scale_->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

  // Drawn in this order: the map under the line, the line under the marker, the labels on top.
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setName(QStringLiteral("ln_chi1"));
  map_->setColorScale(scale_);
  map_->setInterpolate(true);
  line_ = new QCPCurve(plot_->xAxis, plot_->yAxis);
  line_->setName(QStringLiteral("critical_line"));
  // The current point as a graph (its legend icon; tests read it back), drawn by the tracer
  // ring_: a plottable clips to the axis rect, and the setting on σ_b² = 0 (the common case,
  // zero bias) would show half a ring.
  marker_ = plot_->addGraph(plot_->xAxis, plot_->yAxis);
  marker_->setName(QStringLiteral("current"));
  marker_->setLineStyle(QCPGraph::lsNone);
  marker_->setVisible(false);
  // Its own text: the curve's name is an identifier, the reader wants "χ₁ = 1 (edge of chaos)".
  add_legend_entry(*plot_, line_, QStringLiteral("χ₁ = 1 (edge of chaos)"));
  add_legend_entry(*plot_, marker_, QStringLiteral("current setting"));

  ordered_ = region_label(*plot_, "ordered");
  ordered_->setText(QStringLiteral("ordered\nχ₁ < 1"));
  chaotic_ = region_label(*plot_, "chaotic");
  chaotic_->setText(QStringLiteral("chaotic\nχ₁ > 1"));
  ring_ = new QCPItemTracer(plot_);
  ring_->setObjectName(QStringLiteral("current_marker"));
  ring_->setStyle(QCPItemTracer::tsCircle);
  ring_->setInterpolating(false);
  ring_->setClipToAxisRect(false);
  ring_->position->setType(QCPItemPosition::ptPlotCoords);
  ring_->setVisible(false);
  arrow_ = new QCPItemLine(plot_);
  arrow_->setObjectName(QStringLiteral("current_arrow"));
  arrow_->setHead(QCPLineEnding::esSpikeArrow);
  for (QCPItemPosition* end : {arrow_->start, arrow_->end}) {
    end->setParentAnchor(ring_->position);
    end->setType(QCPItemPosition::ptAbsolute);
  }
  arrow_->setVisible(false);

  readout_ = make_readout(this, "phase_readout");
  readout_->setMargin(4);
  unavailable_ = make_message(this, "phase_unavailable", 12);

  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(0);
  column->addWidget(plot_, 1);
  column->addWidget(readout_);
  column->addWidget(unavailable_, 1);

  connect(plot_, &QCustomPlot::mouseMove, this, &PhaseView::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &PhaseView::onMousePress);
  connect(plot_, &QCustomPlot::mouseRelease, this, &PhaseView::onMouseRelease);

  setTheme(Theme::make(ThemeName::light));
  setDiagram(nullptr);
}

void PhaseView::setTheme(const Theme& theme) {
  theme_ = theme;
  restyle();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PhaseView::restyle() {
  // The readout and the message under the plot in the plot's colors: one card, as the other views.
  // At most 12 pt: slides' 16 pt would take the plot's height in a dock for three lines of text.
  style_card(*this, theme_, {readout_, unavailable_}, std::min(theme_.font_size, 12));

  restyle_panel_plot(*plot_, theme_);  // also clears the axis labels: set again below
  plot_->xAxis->setLabel(QStringLiteral("σ_w²  (weight variance × fan_in)"));
  plot_->yAxis->setLabel(QStringLiteral("σ_b²  (bias variance)"));
  // Nothing shows through the map; the grid would only dot its edges.
  plot_->xAxis->grid()->setVisible(false);
  plot_->yAxis->grid()->setVisible(false);
  plot_->legend->setColumnSpacing(3 * theme_.font_size);

  // The scale's axis rect is private; its axes are found through their rect (as activations.cpp).
  for (QCPAxis* axis : plot_->findChildren<QCPAxis*>()) {
    if (axis->axisRect() != plot_->axisRect()) style_axis(*plot_, axis, theme_);
  }
  scale_->setLabel(QStringLiteral("ln χ₁"));
  scale_->setBarWidth(theme_.font_size + 4);
  map_->setGradient(diverging(theme_));
  fitWidth(plot_->width());

  QPen line_pen(theme_.foreground, std::max(2.0, theme_.line_width));
  line_pen.setCapStyle(Qt::RoundCap);
  line_->setPen(line_pen);
  // A ring in the foreground around a hole in the background: visible on blue, red and neutral.
  marker_->setPen(Qt::NoPen);
  QCPScatterStyle circle(QCPScatterStyle::ssCircle, theme_.foreground, theme_.background,
                         theme_.font_size + 3);
  circle.setPen(QPen(theme_.foreground, std::max(2.0, theme_.line_width)));
  marker_->setScatterStyle(circle);
  ring_->setPen(circle.pen());
  ring_->setBrush(circle.brush());
  ring_->setSize(circle.size());
  arrow_->setPen(QPen(theme_.foreground, std::max(2.0, theme_.line_width)));

  QColor box = theme_.background;
  box.setAlpha(200);
  for (QCPItemText* label : {ordered_, chaotic_}) {
    QFont font = label_font(*plot_, theme_);
    font.setBold(true);
    label->setFont(font);
    label->setColor(theme_.foreground);
    label->setBrush(QBrush(box));
    label->setPen(Qt::NoPen);
  }
}

void PhaseView::setDiagram(std::shared_ptr<const PhaseDiagram> diagram) {
  diagram_ = std::move(diagram);
  hover_.reset();
  if (!diagram_) {
    unavailable_->setText(tr("No phase diagram yet."));
    plot_->hide();
    readout_->hide();
    unavailable_->show();
    return;
  }
  showDiagram();
  unavailable_->hide();
  plot_->show();
  readout_->show();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PhaseView::showDiagram() {
  const PhaseDiagram& d = *diagram_;
  const PhaseGrid& grid = d.grid;
  const PhaseRanges& r = grid.ranges;
  fitWidth(plot_->width());  // the title, which may need two lines

  // Cell (i, j) at its centre: QCP spreads each cell half a cell around it, so the map tiles the
  // ranges exactly. −∞ (σ_w² = 0) and +∞ go past the color range, to its end colors (QCP's
  // colorize casts the scaled value to int, which an infinity does not survive).
  const double m = phase_color_limit(grid);
  QCPColorMapData* cells = map_->data();
  cells->setSize(grid.nx, grid.ny);
  cells->setRange(QCPRange(grid.sigma_w2(0), grid.sigma_w2(grid.nx - 1)),
                  QCPRange(grid.sigma_b2(0), grid.sigma_b2(grid.ny - 1)));
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const double v = grid.at(i, j);
      cells->setCell(i, j, std::isinf(v) ? std::copysign(2 * m, v) : v);
    }
  }
  map_->setDataRange(QCPRange(-m, m));
  plot_->xAxis->setRange(r.sigma_w2.lo, r.sigma_w2.hi);
  plot_->yAxis->setRange(r.sigma_b2.lo, r.sigma_b2.hi);

  // x as a function of y: a curve, ordered by its parameter, with the NaN points left out.
  QVector<double> t, x, y;
  for (std::size_t k = 0; k < std::min(d.line_sigma_b2.size(), d.line_sigma_w2.size()); ++k) {
    if (!std::isfinite(d.line_sigma_w2[k])) continue;
    t.append(static_cast<double>(k));
    x.append(d.line_sigma_w2[k]);
    y.append(d.line_sigma_b2[k]);
  }
  line_->setData(t, x, y, true);

  placeCurrent();  // and the labels, clear of the marker
}

void PhaseView::placeLabels() {
  const PhaseDiagram& d = *diagram_;
  const PhaseRanges& r = d.grid.ranges;
  const double lo = r.sigma_w2.lo, hi = r.sigma_w2.hi;
  const double bottom = r.sigma_b2.lo, height = r.sigma_b2.hi - r.sigma_b2.lo;
  // The line's σ_w² at height y. χ₁ grows with σ_w² across it (core's critical_line finds the
  // crossing from below), so ordered is on its left. Where there is no line, the whole row is on
  // one side, as the grid's middle cell in that row says.
  auto edge_at = [&](double y) {
    double edge = line_at(d, y);
    if (!std::isfinite(edge)) {
      const int j =
          std::clamp(static_cast<int>((y - bottom) / height * d.grid.ny), 0, d.grid.ny - 1);
      edge = d.grid.at(d.grid.nx / 2, j) < 0 ? hi : lo;
    }
    return std::clamp(edge, lo, hi);
  };
  // The current setting's marker, in fractions of the chart: a label moves from mid height to
  // 80 % or 20 % rather than cover it (the margins are about half a label box and a ring at the
  // dock's size).
  std::optional<QPointF> mark;
  if (current_ && height > 0 && hi > lo) {
    mark = QPointF((std::clamp(current_->x(), lo, hi) - lo) / (hi - lo),
                   (std::clamp(current_->y(), bottom, r.sigma_b2.hi) - bottom) / height);
  }
  for (QCPItemText* label : {ordered_, chaotic_}) {
    for (const double f : {0.5, 0.8, 0.2}) {
      const double y = bottom + f * height;
      const double edge = edge_at(y);
      const double x = label == ordered_ ? (lo + edge) / 2 : (edge + hi) / 2;
      label->setVisible(label == ordered_ ? edge > lo : edge < hi);
      label->position->setCoords(x, y);
      if (!mark || std::abs(mark->y() - f) > 0.13 ||
          std::abs(mark->x() - (x - lo) / (hi - lo)) > 0.16) {
        break;
      }
    }
  }
}

void PhaseView::placeCurrent() {
  if (diagram_) placeLabels();
  marker_->data()->clear();
  ring_->setVisible(false);
  arrow_->setVisible(false);
  if (diagram_ && current_) {
    const PhaseRanges& r = diagram_->grid.ranges;
    const double x = current_->x(), y = current_->y();
    const double cx = std::clamp(x, r.sigma_w2.lo, r.sigma_w2.hi);
    const double cy = std::clamp(y, r.sigma_b2.lo, r.sigma_b2.hi);
    marker_->addData(cx, cy);
    ring_->position->setCoords(cx, cy);
    ring_->setVisible(true);
    if (cx != x || cy != y) {
      // Off the chart: the marker on the edge, an arrow inside pointing at it, the way to go.
      double dx = (x > cx) - (x < cx);
      double dy = (y < cy) - (y > cy);  // pixels grow downwards
      const double norm = std::hypot(dx, dy);
      dx /= norm;
      dy /= norm;
      arrow_->start->setCoords(-dx * kArrowLength, -dy * kArrowLength);
      arrow_->end->setCoords(-dx * 9, -dy * 9);
      arrow_->setVisible(true);
    }
  }
  showReadout();
}

void PhaseView::showReadout() {
  if (!diagram_) return;
  const ActivationFn phi = ActivationFn::make(diagram_->activation, diagram_->param);
  if (hover_) {
    readout_->setText(QStringLiteral("Cursor: ") + describe(phi, hover_->x(), hover_->y()) +
                      tr("  (click to use it)"));
  } else if (current_) {
    const PhaseRanges& r = diagram_->grid.ranges;
    const bool off = current_->x() < r.sigma_w2.lo || current_->x() > r.sigma_w2.hi ||
                     current_->y() < r.sigma_b2.lo || current_->y() > r.sigma_b2.hi;
    readout_->setText(QStringLiteral("Current: ") + describe(phi, current_->x(), current_->y()) +
                      (off ? tr("\n(off the chart: marked at its edge)") : QString()));
  } else {
    readout_->setText(why_none_.isEmpty() ? tr("No current setting to mark.") : why_none_);
  }
}

void PhaseView::setCurrent(std::optional<QPointF> sigma, const QString& why_none) {
  current_ = sigma;
  why_none_ = why_none;
  if (!diagram_) return;
  placeCurrent();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PhaseView::setUnavailable(const QString& reason) {
  hover_.reset();
  unavailable_->setText(reason);
  plot_->hide();
  readout_->hide();
  unavailable_->show();
}

std::optional<QPointF> PhaseView::coordinatesAt(const QPointF& pixel) const {
  if (!diagram_ || !plot_->isVisible()) return std::nullopt;
  if (!plot_->axisRect()->rect().contains(pixel.toPoint())) return std::nullopt;
  const PhaseRanges& r = diagram_->grid.ranges;
  const double x = std::clamp(plot_->xAxis->pixelToCoord(pixel.x()), r.sigma_w2.lo, r.sigma_w2.hi);
  const double y = std::clamp(plot_->yAxis->pixelToCoord(pixel.y()), std::max(0.0, r.sigma_b2.lo),
                              r.sigma_b2.hi);
  return QPointF(x, y);
}

void PhaseView::onMouseMove(QMouseEvent* event) {
  const std::optional<QPointF> at = coordinatesAt(event->position());
  plot_->setCursor(at ? Qt::CrossCursor : Qt::ArrowCursor);
  if (!at && !hover_) return;
  hover_ = at;
  showReadout();
}

void PhaseView::onMousePress(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) pressed_ = event->position();
}

void PhaseView::onMouseRelease(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || !pressed_) return;
  const QPointF moved = event->position() - *pressed_;
  pressed_.reset();
  if (moved.manhattanLength() > kClickSlop) return;  // a drag, not a click
  if (const std::optional<QPointF> at = coordinatesAt(event->position())) {
    emit picked(at->x(), at->y());
  }
}

void PhaseView::fitWidth(int width) {
  // What the plot's first column may take: the color scale's column keeps its bar, tick labels and
  // label. Wider than that, the title or the legend would squeeze the bar to nothing (QCP shrinks
  // every column when the minimum widths do not fit): at slides' 16 pt in a 480 px dock they
  // break onto two lines instead.
  const QFontMetrics ticks(tick_font(*plot_, theme_));
  const QFontMetrics labels(label_font(*plot_, theme_));
  const int scale_column =
      scale_->barWidth() + ticks.horizontalAdvance(QStringLiteral("-0.75")) + labels.height() + 24;
  const int available = width - scale_column;
  QCPLegend* legend = plot_->legend;
  legend->setWrap(2);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
  if (legend->minimumOuterSizeHint().width() > available) {
    legend->setWrap(1);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
  }
  const QString title = diagram_ ? activation_title(*diagram_) : tr("Order and chaos");
  const bool fits = QFontMetrics(title_->font()).horizontalAdvance(title) + 12 <= available;
  title_->setText(fits ? title
                       : QString(title).replace(QStringLiteral(": "), QStringLiteral(":\n")));
}

bool PhaseView::eventFilter(QObject* watched, QEvent* event) {
  // Before the plot's own resize handling, which lays it out and replots.
  if (watched == plot_ && event->type() == QEvent::Resize) {
    fitWidth(static_cast<QResizeEvent*>(event)->size().width());
  }
  // The readout goes back to the current setting when the cursor leaves the plot.
  if (watched == plot_ && event->type() == QEvent::Leave && hover_) {
    hover_.reset();
    plot_->unsetCursor();
    showReadout();
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace initscope::ui
