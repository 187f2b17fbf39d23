#pragma once

// What the four plots share: the theme's fonts and pens, the layout (title, a row for the legend or
// a subtitle, the axis rect), axis ranges that only ever see finite (and, on log axes, positive)
// values, the overflow marks, and the hover tooltip. Each plot kind lives in its own file;
// the shared parts in common.cpp (look, layout), marks.cpp (ranges, series, marks), hover.cpp.

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "core/result.h"
#include "core/stats/seed_bands.h"
#include "ui/plots.h"
#include "ui/theme.h"

namespace initscope::ui::detail {

// Object names by which show_result (and tests) find the layout elements setup_plot created.
inline constexpr const char* kTitleName = "title";
inline constexpr const char* kSubtitleName = "subtitle";
inline constexpr const char* kDepthScaleName = "depth scale";
// Dynamic properties: the plot's kind (for hover), a plottable's extra hover line.
inline constexpr const char* kKindProperty = "initscope_plot_kind";
inline constexpr const char* kHoverNoteProperty = "initscope_hover_note";
inline constexpr const char* kSampleCountProperty = "initscope_sample_count";
// On a "band_mean <column>" graph: a QVariantList, per layer the runs its band is taken over.
inline constexpr const char* kBandCountsProperty = "initscope_band_counts";
// Band graphs are named kBandPrefix + "min|max|mean " + column.
inline constexpr const char* kBandPrefix = "band_";

// --- per kind (ui/plots/<kind>.cpp) --------------------------------------------------------------

void setup_weights(QCustomPlot& plot, const Theme& theme);
void show_weights(QCustomPlot& plot, const Result& result, const PlotView& view,
                  const Theme& theme);
void setup_activations(QCustomPlot& plot, const Theme& theme);
/// Layers 1..depth, or at most 64 of them evenly spread with the first and the last.
std::vector<int> shown_layers(int depth);
void show_activations(QCustomPlot& plot, const Result& result, const PlotView& view,
                      const Theme& theme);
void setup_variance(QCustomPlot& plot, const Theme& theme);
void show_variance(QCustomPlot& plot, const Result& result, const Theme& theme);
void setup_gradients(QCustomPlot& plot, const Theme& theme);
void show_gradients(QCustomPlot& plot, const Result& result, const PlotView& view,
                    const Theme& theme);

/// The pinned run's series over the current ones, dashed and muted; axes widened to both
/// (ui/plots/baseline.cpp).
void show_baseline(QCustomPlot& plot, PlotKind kind, const Result& baseline, const QString& label,
                   const PlotView& view, const Theme& theme);

/// Seed bands over the current series of the variance and gradients plots: per series a min–max
/// band under it and the mean over the seeds as a thin line, one legend entry for all; the value
/// axes widened to the bands. Nothing for other plots or for bands of another depth than `result`
/// (ui/plots/bands.cpp).
void show_bands(QCustomPlot& plot, PlotKind kind, const Result& result, const SeedBands& bands,
                const PlotView& view, const Theme& theme);

// --- look and layout (common.cpp) ----------------------------------------------------------------

QFont tick_font(const QCustomPlot& plot, const Theme& theme);
QFont label_font(const QCustomPlot& plot, const Theme& theme);
QFont title_font(const QCustomPlot& plot, const Theme& theme);
QFont note_font(const QCustomPlot& plot, const Theme& theme);
QPen series_pen(const QColor& color, const Theme& theme, Qt::PenStyle style = Qt::SolidLine);

/// Pens, fonts, grid and a linear scale with default ticks for one axis.
void style_axis(QCustomPlot& plot, QCPAxis* axis, const Theme& theme);
/// Background, axes, grids and fonts of the whole plot in the theme; every axis back to linear.
void apply_theme(QCustomPlot& plot, const Theme& theme);
/// Log scale with ticks that label narrow ranges too (1–2–5) and wide ones as 10ⁿ.
void set_log_scale(QCPAxis* axis);
/// Ticks on whole numbers only (layer indices).
void set_integer_ticks(QCPAxis* axis);

/// Empties the plot down to its main axis rect (title, legend row, color scale removed), hides the
/// legend and the secondary axes, and adds a title row. The legend row is added by add_legend_row.
void reset_layout(QCustomPlot& plot, PlotKind kind, const Theme& theme);
/// A row under the title holding the legend, laid out horizontally outside the axis rect, so it
/// never covers data: up to `most_columns` entries a row, as many as the plot's width fits. A plot
/// whose layout has more than one column (a color scale beside the axis rect) passes
/// fit_to_width = false and sets the legend's wrap itself.
void add_legend_row(QCustomPlot& plot, const Theme& theme, int most_columns = 2,
                    bool fit_to_width = true);
/// A row under the title holding small text (found again by kSubtitleName), set by set_subtitle.
void add_subtitle_row(QCustomPlot& plot, const Theme& theme);
/// The subtitle's text: `pieces` joined by `separator` (the first two by `first_separator`), and
/// `last_line`, when not empty, on a line of its own (broken between its words where too wide).
/// Filled line by line to the plot's width again at each layout, so that a slides font or a narrow
/// dock breaks it into lines instead of cutting it at both sides.
void set_subtitle(QCustomPlot& plot, const QStringList& pieces,
                  const QString& separator = QStringLiteral(" "),
                  const QString& first_separator = QStringLiteral(" "),
                  const QString& last_line = {});
/// `pieces` joined as set_subtitle says, with a line break instead of the joint wherever the next
/// piece would take its line past `width` (a single piece wider than that keeps a line of its own).
QString fill_lines(const QStringList& pieces, const QFontMetrics& metrics, int width,
                   const QString& separator, const QString& first_separator);
QCPTextElement* find_text_element(const QCustomPlot& plot, const char* name);
/// A plot built once and refilled (the theory views): apply_theme, the secondary axes hidden, the
/// title and subtitle rows (found by kTitleName, kSubtitleName) in the theme's fonts and color.
void restyle_panel_plot(QCustomPlot& plot, const Theme& theme);

/// A legend entry whose text is its own, not a plottable's name: names are identifiers
/// ("act_var"), the legend speaks the reader's language ("Var(h_l)"). It draws the text after an
/// icon of the legend's icon size, which a subclass draws in drawIcon; objectName is the text (for
/// tests and accessibility).
class TextLegendItem : public QCPAbstractLegendItem {
 public:
  TextLegendItem(QCPLegend* legend, QString text);

 protected:
  void draw(QCPPainter* painter) override;
  QSize minimumOuterSizeHint() const override;
  virtual void drawIcon(QCPPainter* painter, const QRectF& icon_rect) = 0;

 private:
  QString text_;
};

/// A legend entry with its own text (the plottable keeps its name, which tests and hover use); the
/// icon is the plottable's line (and a graph's or curve's scatter symbol).
void add_legend_entry(QCustomPlot& plot, QCPAbstractPlottable* plottable, const QString& text);

/// Removes the plottables and items of a previous result.
void clear_data(QCustomPlot& plot);

// --- numbers (marks.cpp) -------------------------------------------------------------------------

inline bool usable(double value, bool log_axis) {
  return std::isfinite(value) && (!log_axis || value > 0.0);
}

/// Running extremes of the values an axis will show.
struct Extent {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  bool valid() const { return low <= high; }
};

/// A padded linear range around [low, high]; a sane default when the extent is empty or a point.
QCPRange linear_range(const Extent& extent, double pad_fraction);
/// A padded log range spanning at least a decade around the (positive) extent, so that noise
/// around a flat line does not read as a trend.
QCPRange log_range(const Extent& extent);
/// Sets a log axis to log_range(extent).
void set_log_range(QCPAxis* axis, const Extent& extent);
/// Sets a log value axis to the range of every usable value of the graphs on it (the run's series,
/// a prediction, a baseline, bands alike).
void fit_log_axis(QCustomPlot& plot, QCPAxis* axis);

/// Full precision for hover: 6 significant digits.
inline QString exact(double v) {
  return QString::number(v, 'g', 6);
}
/// Compact, for labels: 4 significant digits.
inline QString compact(double v) {
  return QString::number(v, 'g', 4);
}

/// One value of a layer's stats row, empty where the row has none.
using LayerValue = std::optional<double> (*)(const LayerStats&);

/// A graph over the layer index of `value` for every layer that has a usable one (finite, and
/// positive on a log axis); the values shown are added to `extent`.
QCPGraph* add_layer_graph(QCustomPlot& plot, QCPAxis* value_axis, const QString& name,
                          const QPen& pen, const std::vector<LayerStats>& layers, LayerValue value,
                          Extent& extent);
/// A theoretical curve over the layers first_layer, first_layer + 1, …: a dotted line in the
/// theme's theory color without markers, so that it reads as a prediction under the measured
/// points; values that a log axis cannot show are left out.
QCPGraph* add_theory_graph(QCustomPlot& plot, QCPAxis* value_axis, const QString& name,
                           int first_layer, const std::vector<double>& values, const Theme& theme,
                           Extent& extent);
/// x from just before the first layer to just after the last.
void set_layer_range(QCustomPlot& plot, const std::vector<LayerStats>& layers);

/// Which layers count as overflowed. `any` is LayerStats::overflow: the forward or the backward
/// pass hit Inf/NaN there, so one bad forward layer marks every gradient. `forward` is where
/// the forward quantities themselves (z_l, h_l) are not finite: what the forward plots can show.
enum class OverflowScope { forward, any };
/// One flag per row of `layers`.
std::vector<bool> overflowed(const std::vector<LayerStats>& layers, OverflowScope scope);

/// "3", "3–5", "3–5, 9": the layers whose flag is set.
QString layer_runs(const std::vector<LayerStats>& layers, const std::vector<bool>& flags);

// --- marks (marks.cpp) ---------------------------------------------------------------------------

/// On a layer x-axis: a translucent band over each run of overflowed layers, and one "overflow"
/// label at the first. Returns whether any layer overflowed.
bool mark_overflow_layers(QCustomPlot& plot, const std::vector<LayerStats>& layers,
                          const std::vector<bool>& flags, const Theme& theme);
/// On a layer x-axis with a log value axis: where `value` is exactly 0 in a layer that did not
/// overflow, a note at the bottom, on the side of those layers ("Var(h_l) = 0 in layers 40–100
/// (below any log scale)"), so that a collapse to 0 does not read as missing data. Returns the note
/// or null.
QCPItemText* mark_zero_layers(QCustomPlot& plot, const std::vector<LayerStats>& layers,
                              LayerValue value, const QString& what, const Theme& theme);
/// An "overflow …" label in a corner of the axis rect (plots whose x-axis is not the layer).
QCPItemText* add_overflow_note(QCustomPlot& plot, const QString& text, const Theme& theme,
                               Qt::Alignment corner, QCPItemText* below = nullptr);
/// A vertical line at x (plot coordinates) across the whole axis rect.
QCPItemStraightLine* add_vertical_line(QCustomPlot& plot, double x, const QPen& pen);
/// A boxed text item in a corner of the axis rect, with a translucent background; with `below`,
/// stacked under that item instead.
QCPItemText* add_corner_text(QCustomPlot& plot, const QString& text, const Theme& theme,
                             Qt::Alignment corner, const QColor& color,
                             QCPItemText* below = nullptr);
/// Keeps a top-right corner text clear of a top-left one: at every layout, when the two would
/// overlap (a narrow plot, a long first line), the right one moves under the left one, and back to
/// its corner when there is room again.
void keep_apart(QCustomPlot& plot, QCPItemText* left, QCPItemText* right);

// --- hover (hover.cpp) ---------------------------------------------------------------------------

/// The data point nearest the cursor, within a few pixels (graphs), or the bar under it.
struct HoverHit {
  QCPAbstractPlottable* plottable = nullptr;
  double key = 0.0;
  double value = 0.0;
  double width = 0.0;  // bars: the bar's width
  explicit operator bool() const { return plottable != nullptr; }
};
HoverHit hover_hit(QCustomPlot& plot, const QPointF& pixel);
/// The tooltip for a hit: the layer and the exact values.
QString hover_text(QCustomPlot& plot, const HoverHit& hit);
/// Connects mouseMove to the tooltip once per widget.
void install_hover(QCustomPlot& plot);

}  // namespace initscope::ui::detail
