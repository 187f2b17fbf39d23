// Weights: the selected layer's histogram as densities, with the law the scheme draws from over it,
// so a reader sees at once whether the sampled weights follow the formula.

#include <QFontMetrics>
#include <numbers>

#include "core/error.h"
#include "core/init/fans.h"
#include "core/init/schemes.h"
#include "ui/plots/common.h"

namespace initscope::ui::detail {
namespace {

constexpr int kCurvePoints = 400;

// The shape of layer l's weight, as the engine builds it (core/run.cpp).
Shape weight_shape(const Config& config, int layer) {
  const std::int64_t width = config.network.width;
  if (config.network.type == NetworkType::conv2d) {
    const std::int64_t in = layer == 1 ? config.input.channels : width;
    return {width, in, config.network.kernel, config.network.kernel};
  }
  return {width, layer == 1 ? config.input.dim : width};
}

// Layer 1's law is in the result; the others see fan_in = width instead of input.dim.
std::optional<Law> law_at(const Result& result, int layer, const Shape& shape) {
  if (layer == 1) return result.init.first_layer_law;
  try {
    return law_of(result.init.scheme, result.init.args, shape);
  } catch (const InputError&) {
    return std::nullopt;
  }
}

// What is drawn for a law: a density (possibly truncated, scaled or approximate), a spike, or
// nothing; plus the words for the info box.
struct Theory {
  bool density = false;
  bool approximate = false;  // orthogonal and LSUV: a normal of the same variance, dashed
  bool flat = false;         // uniform
  double mean = 0.0;
  double std = 0.0;
  double low = -std::numeric_limits<double>::infinity();  // support
  double high = std::numeric_limits<double>::infinity();
  double scale = 1.0;  // sparse: the nonzero share; trunc_normal: 1/(Φ(β) − Φ(α))
  bool bounds = false;
  std::optional<double> spike;  // constant
  QString low_name, high_name;  // bound markers
  QString label;                // next to the curve
  QString parameters;           // info box

  double pdf(double x) const {
    if (x < low || x > high) return 0.0;
    if (flat) return 1.0 / (high - low);
    const double z = (x - mean) / std;
    return scale * std::exp(-0.5 * z * z) / (std * std::sqrt(2 * std::numbers::pi));
  }
};

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

Theory theory_of(const Law& law, Scheme scheme, const Shape& shape,
                 std::optional<double> measured_std) {
  Theory t;
  const std::int64_t rows = shape[0];
  std::int64_t numel = 1;
  for (std::int64_t d : shape) numel *= d;
  const std::int64_t cols = numel / rows;
  switch (law.kind) {
    case LawKind::uniform:
      t.density = law.high > law.low;
      t.flat = true;
      t.low = law.low;
      t.high = law.high;
      t.mean = (law.low + law.high) / 2;
      t.std = (law.high - law.low) / std::sqrt(12.0);
      t.bounds = true;
      if (law.low == -law.high) {
        t.low_name = QStringLiteral("−a");
        t.high_name = QStringLiteral("+a");
        t.label = QStringLiteral("U(−a, a), a = %1").arg(compact(law.high));
        t.parameters =
            QStringLiteral("bound a = %1, std %2").arg(compact(law.high), compact(t.std));
      } else {
        t.low_name = QStringLiteral("low");
        t.high_name = QStringLiteral("high");
        t.label = QStringLiteral("U(%1, %2)").arg(compact(law.low), compact(law.high));
        t.parameters = QStringLiteral("bounds [%1, %2), std %3")
                           .arg(compact(law.low), compact(law.high), compact(t.std));
      }
      break;
    case LawKind::normal:
      t.density = law.std > 0;
      t.mean = law.mean;
      t.std = law.std;
      t.label = QStringLiteral("N(%1, %2²)").arg(compact(law.mean), compact(law.std));
      t.parameters = QStringLiteral("std %1").arg(compact(law.std));
      if (law.mean != 0) t.parameters += QStringLiteral(", mean %1").arg(compact(law.mean));
      break;
    case LawKind::trunc_normal:
      t.density = law.std > 0 && law.high > law.low;
      t.mean = law.mean;
      t.std = law.std;
      t.low = law.low;
      t.high = law.high;
      t.scale = 1.0 / (normal_cdf((law.high - law.mean) / law.std) -
                       normal_cdf((law.low - law.mean) / law.std));
      t.bounds = true;
      t.low_name = QStringLiteral("a");
      t.high_name = QStringLiteral("b");
      t.label = QStringLiteral("N(%1, %2²) on [%3, %4]")
                    .arg(compact(law.mean), compact(law.std), compact(law.low), compact(law.high));
      t.parameters = QStringLiteral("std %1 (before truncation), bounds [%2, %3]")
                         .arg(compact(law.std), compact(law.low), compact(law.high));
      break;
    case LawKind::constant:
      t.spike = law.value;
      t.label = QStringLiteral("every weight = %1").arg(compact(law.value));
      t.parameters = QStringLiteral("constant %1 (no density)").arg(compact(law.value));
      break;
    case LawKind::eye:
      t.parameters = QStringLiteral("identity on the leading square (no density)");
      break;
    case LawKind::dirac:
      t.parameters = QStringLiteral("Dirac delta at the kernel centre, %1 group(s) (no density)")
                         .arg(law.groups);
      break;
    case LawKind::orthogonal:
      // An orthogonal matrix's entries are close to N(0, 1/n), n its longer side (the columns or
      // rows are unit vectors); LSUV then rescales each layer by a measured factor.
      t.approximate = true;
      if (scheme == Scheme::lsuv) {
        t.std = measured_std.value_or(0.0);
        t.label = QStringLiteral("≈ N(0, s²), s measured after LSUV");
        t.parameters = QStringLiteral("LSUV-rescaled orthogonal: ≈ std %1").arg(compact(t.std));
      } else {
        t.std = law.gain / std::sqrt(static_cast<double>(std::max(rows, cols)));
        t.label = QStringLiteral("≈ N(0, gain²/max(rows, cols))");
        t.parameters = QStringLiteral("orthogonal: ≈ std gain/√%1 = %2")
                           .arg(std::max(rows, cols))
                           .arg(compact(t.std));
      }
      t.density = t.std > 0 && std::isfinite(t.std);
      break;
    case LawKind::sparse: {
      // Each column keeps rows − ceil(sparsity·rows) entries of N(0, std²); the zeros form a spike
      // at 0 that the bars show and the curve leaves out.
      const auto zeros =
          static_cast<std::int64_t>(std::ceil(law.sparsity * static_cast<double>(rows)));
      t.density = law.std > 0 && zeros < rows;
      t.std = law.std;
      t.scale = 1.0 - static_cast<double>(zeros) / static_cast<double>(rows);
      t.label = QStringLiteral("%1 · N(0, %2²)").arg(compact(t.scale), compact(law.std));
      t.parameters = QStringLiteral("std %1, %2 of %3 zero per column")
                         .arg(compact(law.std))
                         .arg(zeros)
                         .arg(rows);
      break;
    }
  }
  return t;
}

// The density over [x0, x1] with vertical edges at the support's bounds and a point exactly at
// the mean (so the drawn peak is the true peak).
QVector<QCPGraphData> density_curve(const Theory& t, double x0, double x1) {
  QVector<QCPGraphData> points;
  const double from = std::max(x0, t.low);
  const double to = std::min(x1, t.high);
  if (!(from < to)) return points;
  points.reserve(kCurvePoints + 6);
  if (t.low > x0) {
    points.append({x0, 0.0});
    points.append({t.low, 0.0});
  }
  double previous = -std::numeric_limits<double>::infinity();
  for (int i = 0; i <= kCurvePoints; ++i) {
    const double x = from + (to - from) * i / kCurvePoints;
    if (!t.flat && previous < t.mean && t.mean < x) points.append({t.mean, t.pdf(t.mean)});
    points.append({x, t.pdf(x)});
    previous = x;
  }
  if (t.high < x1) {
    points.append({t.high, 0.0});
    points.append({x1, 0.0});
  }
  return points;
}

QCPItemText* add_marker_label(QCustomPlot& plot, double x, const QString& text,
                              const Theme& theme) {
  auto* label = new QCPItemText(&plot);
  label->position->setAxes(plot.xAxis, plot.yAxis);
  label->position->setAxisRect(plot.axisRect());
  label->position->setTypeX(QCPItemPosition::ptPlotCoords);
  label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  label->position->setCoords(x, 0.99);
  label->setPositionAlignment(Qt::AlignBottom | Qt::AlignHCenter);
  label->setFont(note_font(plot, theme));
  label->setColor(theme.theory);
  QColor brush = theme.background;
  brush.setAlpha(200);
  label->setBrush(QBrush(brush));
  label->setPadding(QMargins(2, 1, 2, 1));
  label->setText(text);
  return label;
}

void add_markers(QCustomPlot& plot, const Theory& t, const Theme& theme) {
  const QCPRange range = plot.xAxis->range();
  auto mark = [&](double x, const QString& name, Qt::PenStyle style) {
    if (!std::isfinite(x) || !range.contains(x)) return;
    // Hairlines unless the theme is bold: dashed thick pens are slow to rasterize.
    const double width = theme.line_width >= 2 ? 0.6 * theme.line_width : 1.0;
    add_vertical_line(plot, x, QPen(theme.theory, width, style));
    add_marker_label(plot, x, name, theme);
  };
  if (t.density && t.std > 0) {
    mark(t.mean - t.std, QStringLiteral("−σ"), Qt::DotLine);
    mark(t.mean + t.std, QStringLiteral("+σ"), Qt::DotLine);
  }
  if (t.bounds) {
    mark(t.low, t.low_name, Qt::DashLine);
    mark(t.high, t.high_name, Qt::DashLine);
  }
}

QString info_text(const Result& result, int layer, const Shape& shape, const Theory& t) {
  QStringList lines;
  QStringList dims;
  for (std::int64_t d : shape) dims << QString::number(d);
  lines << QStringLiteral("%1, W_%2 is %3")
               .arg(QString::fromUtf8(name_of(result.init.scheme)))
               .arg(layer)
               .arg(dims.join(QStringLiteral(" × ")));
  const Fans f = fans(shape);
  lines << QStringLiteral("fan_in %1, fan_out %2").arg(f.fan_in).arg(f.fan_out);
  if (result.init.gain) {
    QString gain = QStringLiteral("gain %1").arg(compact(*result.init.gain));
    if (!result.init.gain_source.empty()) {
      gain += QStringLiteral(" = %1").arg(QString::fromStdString(result.init.gain_source));
    }
    lines << gain;
  } else {
    lines << QStringLiteral("no gain in this scheme");
  }
  lines << t.parameters;
  const LayerStats& stats = result.layers[static_cast<std::size_t>(layer)];
  if (stats.weight_std && stats.weight_mean) {
    lines << QStringLiteral("measured: mean %1, std %2")
                 .arg(compact(*stats.weight_mean), compact(*stats.weight_std));
  }
  return lines.join(QLatin1Char('\n'));
}

// The info box sits in a top corner over the bars; the y range leaves it that much room.
double headroom(const QCustomPlot& plot, const Theme& theme, int box_lines) {
  const QFontMetrics metrics(note_font(plot, theme));
  const double box = (box_lines + 1.5) * metrics.lineSpacing() + 12;
  const double height = plot.height() > 200 ? plot.height() : 600;
  const double axis =
      std::max(150.0, height - 7.0 * QFontMetrics(label_font(plot, theme)).height());
  return 1.0 / (1.0 - std::clamp(box / axis + 0.03, 0.1, 0.65));
}

}  // namespace

void setup_weights(QCustomPlot& plot, const Theme& theme) {
  reset_layout(plot, PlotKind::weights, theme);
  plot.xAxis->setLabel(QStringLiteral("weight value"));
  plot.yAxis->setLabel(QStringLiteral("density"));
}

void show_weights(QCustomPlot& plot, const Result& result, const PlotView& view,
                  const Theme& theme) {
  clear_data(plot);
  const int depth = static_cast<int>(result.layers.size()) - 1;
  if (depth < 1 || result.histograms.size() != result.layers.size()) return;
  const int layer = std::clamp(view.weight_layer, 1, depth);
  if (QCPTextElement* title = find_text_element(plot, kTitleName)) {
    title->setText(QStringLiteral("Weights of layer %1").arg(layer));
  }
  const Shape shape = weight_shape(result.config, layer);
  const std::optional<Law> law = law_at(result, layer, shape);
  const LayerStats& stats = result.layers[static_cast<std::size_t>(layer)];
  Theory theory;
  theory.parameters = QStringLiteral("law unavailable");
  if (law) theory = theory_of(*law, result.init.scheme, shape, stats.weight_std);

  // Bars as densities, count / (n · bin width), so that they share the axis with the law.
  Extent x_extent;
  double y_max = 0.0;
  const std::optional<Histogram>& histogram =
      result.histograms[static_cast<std::size_t>(layer)].weights;
  if (histogram && histogram->edges.size() == histogram->counts.size() + 1) {
    double n = 0.0;
    for (std::int64_t c : histogram->counts) n += static_cast<double>(c);
    const std::size_t bins = histogram->counts.size();
    QVector<QCPBarsData> data;
    data.reserve(static_cast<qsizetype>(bins));
    for (std::size_t i = 0; i < bins && n > 0; ++i) {
      const double left = histogram->edges[i];
      const double right = histogram->edges[i + 1];
      const double density = static_cast<double>(histogram->counts[i]) / (n * (right - left));
      if (!std::isfinite(density) || !std::isfinite(left) || !std::isfinite(right)) continue;
      data.append({(left + right) / 2, density});
      x_extent.add(left);
      x_extent.add(right);
      y_max = std::max(y_max, density);
    }
    auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
    bars->setName(QStringLiteral("weights"));
    bars->setWidthType(QCPBars::wtPlotCoords);
    if (bins > 0) bars->setWidth(histogram->edges[1] - histogram->edges[0]);
    // The look of the primary color at 47% opacity over the background, painted opaque: a
    // translucent fill cost 3.8 ms of blending per replot, most of the 10 ms budget at depth 100.
    constexpr double kOpacity = 120.0 / 255.0;
    auto mix = [&](double over, double under) {
      return static_cast<int>(std::lround(kOpacity * over + (1 - kOpacity) * under));
    };
    bars->setBrush(QColor(mix(theme.primary.red(), theme.background.red()),
                          mix(theme.primary.green(), theme.background.green()),
                          mix(theme.primary.blue(), theme.background.blue())));
    bars->setPen(QPen(theme.primary, 1.0));
    bars->setAntialiased(false);
    bars->setProperty(kSampleCountProperty, n);
    bars->data()->set(data, true);
  }
  if (!x_extent.valid() && theory.density) {  // no finite weight: show the law alone
    x_extent.add(std::max(theory.low, theory.mean - 4 * theory.std));
    x_extent.add(std::min(theory.high, theory.mean + 4 * theory.std));
  }
  plot.xAxis->setRange(linear_range(x_extent, 0.06));
  const QCPRange x_range = plot.xAxis->range();

  if (theory.density) {
    QVector<QCPGraphData> curve = density_curve(theory, x_range.lower, x_range.upper);
    QCPGraph* graph = plot.addGraph(plot.xAxis, plot.yAxis);
    graph->setName(QStringLiteral("density"));
    graph->setPen(
        series_pen(theme.theory, theme, theory.approximate ? Qt::DashLine : Qt::SolidLine));
    graph->setProperty(kHoverNoteProperty, theory.label);
    double peak = 0.0;
    for (const QCPGraphData& p : curve) peak = std::max(peak, p.value);
    graph->data()->set(curve, true);
    y_max = std::max(y_max, peak);
  } else if (theory.spike && x_range.contains(*theory.spike)) {
    add_vertical_line(plot, *theory.spike, series_pen(theme.theory, theme));
    add_marker_label(plot, *theory.spike, theory.label, theme);
  }

  const QString info = info_text(result, layer, shape, theory);
  // Room for the info box's lines, and for the law's line where it has to go under the box.
  const int box_lines = static_cast<int>(info.count('\n')) + 1 + (theory.density ? 1 : 0);
  const double top = y_max > 0 ? y_max * headroom(plot, theme, box_lines) : 1.0;
  plot.yAxis->setRange(0.0, top);
  add_markers(plot, theory, theme);
  QCPItemText* info_box =
      add_corner_text(plot, info, theme, Qt::AlignTop | Qt::AlignLeft, theme.foreground);
  // The law's name in the other corner, in the curve's color and dash, like a legend entry.
  QCPItemText* law_label = nullptr;
  if (theory.density) {
    const QString line = theory.approximate ? QStringLiteral("- - ") : QStringLiteral("—— ");
    law_label = add_corner_text(plot, line + theory.label, theme, Qt::AlignTop | Qt::AlignRight,
                                theme.theory);
    keep_apart(plot, info_box, law_label);
  }
  if (!std::isfinite(stats.act_var)) {
    add_overflow_note(plot, QStringLiteral("overflow: layer %1's output is Inf/NaN").arg(layer),
                      theme, Qt::AlignTop | Qt::AlignRight, law_label);
  }
}

}  // namespace initscope::ui::detail
