// The Jacobian spectrum view. The histogram's axis is log10 σ because spreads span decades; a
// spectrum with no spread at all (orthogonal weights, identity: every σ = gain^depth up to float32
// rounding) has bins narrower than a pixel, so it is drawn as one bar of visible width on an axis
// at least a decade wide, never as a sliver on an axis zoomed into rounding noise.

#include "ui/spectrum_view.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/plots/common.h"
#include "ui/theory_card.h"

namespace initscope::ui {
namespace {

using detail::compact;
using detail::exact;

constexpr const char* kBarsName = "singular_values";
constexpr const char* kMeanSquaredLine = "mean_squared_line";
constexpr const char* kIsometryLine = "isometry_line";

// Histograms narrower than this share of the axis are drawn as one bar (about 2 px in a dock).
constexpr double kMergeShare = 1.0 / 150;
// ... of this share of the axis, so that it reads as a bar, not a line.
constexpr double kMergedBarShare = 1.0 / 80;
// σ = 1 is kept on the axis while it is at most this many decades (or spans of the data) away.
constexpr double kIsometryReach = 2.0;

// Below these, a spread is float32 rounding of the weights, not the network: each weight carries
// a relative error of about 2⁻²⁴ ≈ 6·10⁻⁸, so an orthogonal stack of depth d has σ within about
// d·10⁻⁷ of each other. 10⁻⁵ decades is σ within 2.3·10⁻⁵ of each other (depth ≲ 200 of rounding);
// Var(σ²)/mean(σ²)² ≈ (2·ln 10·std log10 σ)² ≈ 2·10⁻⁹ there.
constexpr double kLogStdFloor = 1e-5;
constexpr double kNormalizedVarianceFloor = 1e-8;

QString spread_number(double value, double floor) {
  if (value > 0 && value < floor) return QStringLiteral("≈ 0");
  return spectrum_number(value);
}

// "= 1.23", or "≈ 0" as it is.
QString equals(const QString& number) {
  return number.startsWith(QStringLiteral("≈")) ? number : QStringLiteral("= ") + number;
}

// The primary color at 47% over the background, opaque (as the weights plot paints its bars).
QColor bar_fill(const Theme& theme) {
  constexpr double kOpacity = 120.0 / 255.0;
  auto mix = [](int over, int under) {
    return static_cast<int>(std::lround(kOpacity * over + (1 - kOpacity) * under));
  };
  return {mix(theme.primary.red(), theme.background.red()),
          mix(theme.primary.green(), theme.background.green()),
          mix(theme.primary.blue(), theme.background.blue())};
}

// A label at the top of a vertical line, on its left or right side, `row` text lines down.
QCPItemText* line_label(QCustomPlot& plot, double x, const QString& text, const QColor& color,
                        bool right_side, int row, const Theme& theme) {
  auto* label = new QCPItemText(&plot);
  label->position->setAxes(plot.xAxis, plot.yAxis);
  label->position->setAxisRect(plot.axisRect());
  label->position->setTypeX(QCPItemPosition::ptPlotCoords);
  label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  label->position->setCoords(x, 0.01 + 0.085 * row);
  label->setPositionAlignment(Qt::AlignTop | (right_side ? Qt::AlignLeft : Qt::AlignRight));
  label->setFont(detail::note_font(plot, theme));
  label->setColor(color);
  QColor brush = theme.background;
  brush.setAlpha(215);
  label->setBrush(QBrush(brush));
  label->setPadding(QMargins(3, 1, 3, 1));
  label->setText(text);
  return label;
}

struct Mark {
  double x = 0;
  QString text;
  QColor color;
  bool right_side = true;
  int row = 0;
};

// Each line's label goes to the side with more room. Two lines close together turn their labels
// outwards, or, where an outer side has no room, stack the second under the first.
void place_labels(std::vector<Mark>& marks, const QCPRange& range) {
  auto share = [&](double x) { return (x - range.lower) / range.size(); };
  for (Mark& m : marks) m.right_side = share(m.x) < 0.5;
  if (marks.size() != 2) return;
  std::sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) { return a.x < b.x; });
  Mark& left = marks[0];
  Mark& right = marks[1];
  if (share(right.x) - share(left.x) >= 0.3) return;
  if (share(left.x) > 0.2 && share(right.x) < 0.8) {
    left.right_side = false;
    right.right_side = true;
  } else {
    right.row = 1;
  }
}

}  // namespace

QString spectrum_number(double value) {
  if (std::isnan(value)) return QStringLiteral("—");
  if (std::isinf(value)) return value > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
  return compact(value);
}

QString spectrum_readout(const JacobianSpectrum& s) {
  if (s.cancelled) return QStringLiteral("stopped before the spectrum was computed");
  if (s.overflow_layer > 0) {
    return QStringLiteral(
               "overflowed at layer %1: no spectrum\n(the sample's activations or the "
               "product reached Inf or NaN)")
        .arg(s.overflow_layer);
  }
  // Short lines, so that a narrow dock wraps none of them inside a formula.
  QStringList lines;
  const QString count = QStringLiteral("n = %1 σ of J (%2 × %3)")
                            .arg(s.singular_values.size())
                            .arg(s.rows)
                            .arg(s.cols);
  if (s.zero_count > 0) {
    lines << count << QStringLiteral("+ %1 zero σ (not on the log axis)").arg(s.zero_count);
  } else {
    lines << count + QStringLiteral(", no zero σ");
  }
  lines << QStringLiteral("mean σ² = %1 · √mean σ² = %2")
               .arg(spectrum_number(s.mean_squared), spectrum_number(std::sqrt(s.mean_squared)));
  lines << QStringLiteral("spread: std log₁₀ σ %1 decades")
               .arg(equals(spread_number(s.log10_std, kLogStdFloor)));
  lines << QStringLiteral("Var(σ²)/mean(σ²)² %1")
               .arg(equals(spread_number(s.normalized_variance, kNormalizedVarianceFloor)));
  lines << QStringLiteral("condition σ₁/σₙ = %1 · q95/q05 = %2")
               .arg(spectrum_number(s.condition), spectrum_number(s.quantile_ratio));
  return lines.join(QLatin1Char('\n'));
}

SpectrumView::SpectrumView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("spectrum_view"));
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  // The plot and its readout on one surface in the plot theme's colors, like a plot card.
  card_ = new QWidget(this);
  outer->addWidget(card_);
  auto* column = new QVBoxLayout(card_);
  column->setContentsMargins(0, 0, 0, 6);
  column->setSpacing(2);

  busy_ = new QLabel(tr("computing…"), card_);
  busy_->setObjectName(QStringLiteral("spectrum_busy"));
  busy_->setAlignment(Qt::AlignRight);
  busy_->setContentsMargins(8, 2, 8, 0);
  busy_->hide();
  column->addWidget(busy_);

  plot_ = new QCustomPlot(card_);
  plot_->setObjectName(QStringLiteral("spectrum_plot"));
  plot_->setMinimumHeight(200);
  plot_->setAutoAddPlottableToLegend(false);
  QCPLayoutGrid* layout = plot_->plotLayout();
  auto* title = new QCPTextElement(plot_, tr("Jacobian spectrum"));
  title->setObjectName(detail::kTitleName);
  layout->insertRow(0);
  layout->addElement(0, 0, title);
  layout->setRowStretchFactor(0, 0.001);
  detail::add_subtitle_row(*plot_, theme_);
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    const QString text = hoverText(event->position());
    if (text.isEmpty()) {
      QToolTip::hideText();
    } else {
      QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
    }
  });
  column->addWidget(plot_, 1);

  message_ = make_message(card_, "spectrum_message", 16);
  message_->setMinimumHeight(200);
  column->addWidget(message_, 1);

  readout_ = make_readout(card_, "spectrum_readout");
  readout_->setContentsMargins(10, 0, 10, 0);
  column->addWidget(readout_);

  render();
}

void SpectrumView::setTheme(const Theme& theme) {
  theme_ = theme;
  render();
}

void SpectrumView::setSpectrum(std::shared_ptr<const JacobianSpectrum> spectrum,
                               const QString& caption) {
  spectrum_ = std::move(spectrum);
  caption_ = caption;
  unavailable_.clear();
  render();
}

void SpectrumView::setUnavailable(const QString& reason) {
  spectrum_.reset();
  unavailable_ = reason.isEmpty() ? tr("no spectrum for this network") : reason;
  render();
}

void SpectrumView::setBusy(bool busy) {
  busy_->setVisible(busy);
}

QString SpectrumView::hoverText(const QPointF& pixel) const {
  if (bars_.empty() || plot_->plottableCount() == 0) return {};
  QCPBars* bars = nullptr;
  for (int i = 0; i < plot_->plottableCount() && bars == nullptr; ++i) {
    auto* candidate = qobject_cast<QCPBars*>(plot_->plottable(i));
    if (candidate != nullptr && candidate->name() == kBarsName) bars = candidate;
  }
  if (bars == nullptr || bars->data()->size() != static_cast<int>(bars_.size())) return {};
  const double key = plot_->xAxis->pixelToCoord(pixel.x());
  const double half = bars->width() / 2;
  const auto it = bars->data()->findBegin(key - half, false);
  if (it == bars->data()->constEnd() || std::abs(it->key - key) > half) return {};
  const QPointF top = bars->coordsToPixels(it->key, it->value);
  const QPointF base = bars->coordsToPixels(it->key, 0.0);
  if (pixel.y() < top.y() - 24 || pixel.y() > base.y()) return {};
  const Bar& bar = bars_[static_cast<std::size_t>(it - bars->data()->constBegin())];
  std::int64_t total = 0;
  for (const Bar& b : bars_) total += b.count;
  QStringList lines;
  lines << QStringLiteral("σ from %1 to %2")
               .arg(exact(std::pow(10.0, bar.lo)), exact(std::pow(10.0, bar.hi)));
  lines << QStringLiteral("log₁₀ σ in [%1, %2]").arg(exact(bar.lo), exact(bar.hi));
  if (merged_) lines << tr("(the whole histogram: too narrow to show its bins)");
  lines << QStringLiteral("count %1 of %2").arg(bar.count).arg(total);
  return lines.join(QLatin1Char('\n'));
}

void SpectrumView::render() {
  // The text at the plot's tick size: large on slides.
  style_card(*card_, theme_, {readout_, message_}, theme_.font_size);

  QCustomPlot& plot = *plot_;
  bars_.clear();
  merged_ = false;
  detail::clear_data(plot);
  detail::restyle_panel_plot(plot, theme_);
  const QString joint = QStringLiteral(" · ");
  detail::set_subtitle(plot, caption_.split(joint), joint, joint);
  plot.xAxis->setLabel(QStringLiteral("log₁₀ σ  (singular value of ∂h_L/∂x)"));
  plot.yAxis->setLabel(QStringLiteral("count"));
  detail::set_integer_ticks(plot.yAxis);

  const bool shown = unavailable_.isEmpty() && spectrum_ != nullptr;
  plot.setVisible(shown);
  readout_->setVisible(shown);
  message_->setVisible(!shown);
  if (!shown) {
    message_->setText(unavailable_.isEmpty() ? tr("No spectrum yet.")
                                             : tr("No Jacobian spectrum: %1").arg(unavailable_));
    readout_->clear();
    plot.replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const JacobianSpectrum& s = *spectrum_;
  readout_->setText(spectrum_readout(s));
  if (s.cancelled || s.overflow_layer > 0) {
    plot.xAxis->setRange(-1, 1);
    plot.yAxis->setRange(0, 1);
    if (s.overflow_layer > 0) {
      detail::add_overflow_note(
          plot, QStringLiteral("overflowed at layer %1: no spectrum").arg(s.overflow_layer), theme_,
          Qt::AlignTop | Qt::AlignLeft);
    }
    plot.replot(QCustomPlot::rpQueuedReplot);
    return;
  }

  // The σ shown: from the first to the last non-empty bin.
  const Histogram& h = s.log10_histogram;
  const std::size_t bins = h.counts.size();
  const bool valid = bins > 0 && h.edges.size() == bins + 1;
  std::size_t first = bins, last = 0;
  std::int64_t total = 0;
  for (std::size_t i = 0; valid && i < bins; ++i) {
    if (h.counts[i] == 0) continue;
    first = std::min(first, i);
    last = i;
    total += h.counts[i];
  }
  detail::Extent values;
  if (total > 0) {
    values.add(h.edges[first]);
    values.add(h.edges[last + 1]);
  }
  const double mean_line = 0.5 * std::log10(s.mean_squared);  // log10 √mean σ²
  detail::Extent x_extent = values;
  if (std::isfinite(mean_line)) x_extent.add(mean_line);
  bool isometry_shown = true;
  if (values.valid()) {
    const double reach = std::max(kIsometryReach, kIsometryReach * (values.high - values.low));
    isometry_shown = values.low - reach <= 0 && 0 <= values.high + reach;
  }
  if (isometry_shown) x_extent.add(0.0);
  // At least a decade, like the log axes of the other plots: rounding noise must not read as a
  // spread.
  if (x_extent.valid() && x_extent.high - x_extent.low < 1.0) {
    const double middle = (x_extent.low + x_extent.high) / 2;
    x_extent.low = middle - 0.5;
    x_extent.high = middle + 0.5;
  }
  plot.xAxis->setRange(detail::linear_range(x_extent, 0.06));
  const QCPRange range = plot.xAxis->range();

  auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
  bars->setName(kBarsName);
  bars->setWidthType(QCPBars::wtPlotCoords);
  bars->setBrush(bar_fill(theme_));
  bars->setPen(QPen(theme_.primary, 1.0));
  bars->setAntialiased(false);
  QVector<QCPBarsData> points;
  double top = 0;
  if (total > 0 && h.edges[last + 1] - h.edges[first] < kMergeShare * range.size()) {
    // Too narrow for the axis: the whole histogram as one bar, centred on the σ it holds (from
    // the σ themselves: a histogram of equal values puts them on a bin's edge, not its centre).
    merged_ = true;
    double lo = h.edges[first];
    double hi = h.edges[last + 1];
    const auto nonzero = std::find(s.singular_values.begin(), s.singular_values.end(), 0.0);
    if (nonzero != s.singular_values.begin()) {  // descending: σ_1, …, the smallest non-zero
      hi = std::log10(s.singular_values.front());
      lo = std::log10(*(nonzero - 1));
    }
    bars_.push_back({lo, hi, total});
    bars->setWidth(std::max(hi - lo, kMergedBarShare * range.size()));
    points.append({(lo + hi) / 2, static_cast<double>(total)});
    top = static_cast<double>(total);
  } else if (valid) {
    bars->setWidth(h.edges[1] - h.edges[0]);
    for (std::size_t i = 0; i < bins; ++i) {
      if (h.counts[i] == 0) continue;  // an empty bin would draw a line along the axis
      bars_.push_back({h.edges[i], h.edges[i + 1], h.counts[i]});
      points.append({(h.edges[i] + h.edges[i + 1]) / 2, static_cast<double>(h.counts[i])});
      top = std::max(top, static_cast<double>(h.counts[i]));
    }
  }
  bars->data()->set(points, true);
  // Headroom for the lines' labels over the bars.
  plot.yAxis->setRange(0, top > 0 ? top * 1.25 : 1.0);

  std::vector<Mark> marks;
  const double width = theme_.line_width >= 2 ? 0.6 * theme_.line_width : 1.0;
  if (std::isfinite(mean_line)) {
    QCPItemStraightLine* line = detail::add_vertical_line(
        plot, mean_line, QPen(theme_.theory, std::max(width, 1.5), Qt::DashLine));
    line->setObjectName(kMeanSquaredLine);
    line->setProperty(kMeanSquaredLine, mean_line);
    marks.push_back({mean_line, QStringLiteral("√mean σ²"), theme_.theory});
  }
  QColor muted = theme_.foreground;
  muted.setAlphaF(0.55f);
  if (isometry_shown) {
    QCPItemStraightLine* line =
        detail::add_vertical_line(plot, 0.0, QPen(muted, width, Qt::DotLine));
    line->setObjectName(kIsometryLine);
    marks.push_back({0.0, QStringLiteral("σ = 1"), muted});
  } else {
    const bool right = values.high < 0;
    QCPItemText* note = detail::add_corner_text(
        plot,
        right ? QStringLiteral("σ = 1 (log₁₀ σ = 0) →") : QStringLiteral("← σ = 1 (log₁₀ σ = 0)"),
        theme_, Qt::AlignTop | (right ? Qt::AlignRight : Qt::AlignLeft), muted);
    note->position->setCoords(right ? 0.99 : 0.01, 0.2);
  }
  place_labels(marks, range);
  for (const Mark& m : marks) line_label(plot, m.x, m.text, m.color, m.right_side, m.row, theme_);
  plot.replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace initscope::ui
