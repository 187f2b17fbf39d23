// The plots' shared look and layout: fonts, pens, axes, log ticks, the title and legend rows.

#include "ui/plots/common.h"

#include <QPointer>
#include <algorithm>
#include <cmath>

namespace initscope::ui::detail {
namespace {

// Lays the plot out again at once, after an afterLayout handler changed an element's size: what
// QCustomPlot::updateLayout does, without its signal.
void lay_out_again(QCustomPlot& plot) {
  for (const auto phase :
       {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout}) {
    plot.plotLayout()->update(phase);
  }
}

// What set_subtitle keeps on the subtitle element, to fill its lines again at each layout.
constexpr const char* kPiecesProperty = "subtitle_pieces";
constexpr const char* kSeparatorProperty = "subtitle_separator";
constexpr const char* kFirstSeparatorProperty = "subtitle_first_separator";
constexpr const char* kLastLineProperty = "subtitle_last_line";

// The width the subtitle's lines may take: the plot's, less the other columns of its layout (a
// color scale) and the subtitle's margins.
int subtitle_width(const QCustomPlot& plot, const QCPTextElement& subtitle) {
  QCPLayoutGrid* layout = plot.plotLayout();
  // Each column takes what it is laid out at, and at least what it needs (a color scale squeezed
  // by a subtitle too wide is given its width back once the subtitle is filled).
  std::vector<int> widths(static_cast<std::size_t>(layout->columnCount()), 0);
  int column = 0;
  for (int i = 0; i < layout->elementCount(); ++i) {
    const QCPLayoutElement* element = layout->elementAt(i);
    if (element == nullptr) continue;
    int r = 0, c = 0;
    layout->indexToRowCol(i, r, c);
    if (element == &subtitle) column = c;
    int& widest = widths[static_cast<std::size_t>(c)];
    widest =
        std::max({widest, element->outerRect().width(), element->minimumOuterSizeHint().width()});
  }
  int others = 0;
  for (int c = 0; c < layout->columnCount(); ++c) {
    if (c != column) others += widths[static_cast<std::size_t>(c)];
  }
  const QMargins margins = subtitle.margins();
  return plot.viewport().width() - others - margins.left() - margins.right();
}

QString filled_subtitle(const QCustomPlot& plot, const QCPTextElement& subtitle) {
  const QFontMetrics metrics(subtitle.font());
  const int width = subtitle_width(plot, subtitle);
  QString text = fill_lines(subtitle.property(kPiecesProperty).toStringList(), metrics, width,
                            subtitle.property(kSeparatorProperty).toString(),
                            subtitle.property(kFirstSeparatorProperty).toString());
  // The last line is a sentence: broken between its words where it is too wide.
  const QString last_line = subtitle.property(kLastLineProperty).toString();
  if (!last_line.isEmpty()) {
    const QString space = QStringLiteral(" ");
    text += QLatin1Char('\n') + fill_lines(last_line.split(space), metrics, width, space, space);
  }
  return text;
}

QFont sized_font(const QCustomPlot& plot, double points) {
  QFont font = plot.font();
  font.setPointSizeF(points);
  return font;
}

// A plottable's entry: its line through the icon, and a graph's or a curve's scatter symbol on it,
// since QCPAbstractPlottable::drawLegendIcon is only open to QCP's own items.
class PlottableEntry : public TextLegendItem {
 public:
  PlottableEntry(QCPLegend* legend, QCPAbstractPlottable* plottable, QString text)
      : TextLegendItem(legend, std::move(text)), plottable_(plottable) {}

 protected:
  void drawIcon(QCPPainter* painter, const QRectF& icon_rect) override {
    if (!plottable_) return;
    painter->setPen(plottable_->pen());
    const double y = icon_rect.center().y();
    painter->drawLine(QLineF(icon_rect.left(), y, icon_rect.right(), y));
    QCPScatterStyle scatter;
    if (const auto* graph = qobject_cast<const QCPGraph*>(plottable_.data())) {
      scatter = graph->scatterStyle();
    } else if (const auto* curve = qobject_cast<const QCPCurve*>(plottable_.data())) {
      scatter = curve->scatterStyle();
    }
    if (!scatter.isNone()) {
      scatter.applyTo(painter, plottable_->pen());
      scatter.drawShape(painter, icon_rect.center());
    }
  }

 private:
  QPointer<QCPAbstractPlottable> plottable_;
};

// Ticks for a log axis. QCPAxisTickerLog labels powers of ten only, and QCP 2.1 falls back to
// linear ticks on narrow ranges, which "eb" labels then round to duplicates ("2·10¹" twice).
// Here: 1–2–5 steps below two decades, powers of ten (every k-th) above, minor ticks at 2..9
// only while a major step is one decade (QCP spaces minor ticks linearly between majors).
class LogTicker : public QCPAxisTicker {
 protected:
  double getTickStep(const QCPRange&) override { return 1.0; }
  int getSubTickCount(double) override { return sub_ticks_; }

  QVector<double> createTickVector(double, const QCPRange& range) override {
    QVector<double> ticks;
    if (!(range.lower > 0 && range.upper > range.lower)) return ticks;
    const double low = std::log10(range.lower);
    const double high = std::log10(range.upper);
    if (high - low < 2.0) {
      sub_ticks_ = 0;
      for (int e = static_cast<int>(std::floor(low)); e <= static_cast<int>(std::ceil(high)); ++e) {
        for (double mantissa : {1.0, 2.0, 5.0}) ticks.append(mantissa * std::pow(10.0, e));
      }
      return ticks;
    }
    int step = 1;  // decades per major tick: the first of 1, 2, 5, 10, 20, 50, ... giving ≤ 7
    for (int scale = 1; step * 6 < high - low; scale *= 10) {
      for (int m : {1, 2, 5}) {
        step = m * scale;
        if (step * 6 >= high - low) break;
      }
    }
    sub_ticks_ = step == 1 ? 8 : 0;
    for (int e = static_cast<int>(std::floor(low / step)) * step; e <= std::ceil(high) + step;
         e += step) {
      ticks.append(std::pow(10.0, e));
    }
    return ticks;
  }

  QString getTickLabel(double tick, const QLocale& locale, QChar, int) override {
    const double magnitude = std::abs(tick);
    if (magnitude >= 1e-3 && magnitude < 1e4) return locale.toString(tick, 'g', 4);
    return locale.toString(tick, 'e', 0);
  }

 private:
  int sub_ticks_ = 8;
};

}  // namespace

TextLegendItem::TextLegendItem(QCPLegend* legend, QString text)
    : QCPAbstractLegendItem(legend), text_(std::move(text)) {
  setObjectName(text_);  // what the entry says, for tests and accessibility
  // Items clip to their rect, which is one font height: descenders such as "_" need a margin.
  setMargins(QMargins(0, 1, 0, 3));
}

void TextLegendItem::draw(QCPPainter* painter) {
  painter->setFont(mFont);
  painter->setPen(QPen(mTextColor));
  const QSize icon = mParentLegend->iconSize();
  const QRect text_rect =
      painter->fontMetrics().boundingRect(0, 0, 0, icon.height(), Qt::TextDontClip, text_);
  const int height = std::max(text_rect.height(), icon.height());
  painter->drawText(mRect.x() + icon.width() + mParentLegend->iconTextPadding(), mRect.y(),
                    text_rect.width(), height, Qt::TextDontClip, text_);
  drawIcon(painter, QRectF(mRect.topLeft(), icon));
}

QSize TextLegendItem::minimumOuterSizeHint() const {
  const QFontMetrics metrics(mFont);
  const QSize icon = mParentLegend->iconSize();
  const QRect text_rect = metrics.boundingRect(0, 0, 0, icon.height(), Qt::TextDontClip, text_);
  return {icon.width() + mParentLegend->iconTextPadding() + text_rect.width() + mMargins.left() +
              mMargins.right(),
          std::max(text_rect.height(), icon.height()) + mMargins.top() + mMargins.bottom()};
}

void style_axis(QCustomPlot& plot, QCPAxis* axis, const Theme& theme) {
  const QPen pen(theme.foreground, 1.0);
  axis->setBasePen(pen);
  axis->setTickPen(pen);
  axis->setSubTickPen(pen);
  axis->setTickLabelColor(theme.foreground);
  axis->setLabelColor(theme.foreground);
  axis->setTickLabelFont(tick_font(plot, theme));
  axis->setLabelFont(label_font(plot, theme));
  axis->setScaleType(QCPAxis::stLinear);
  axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  axis->setNumberFormat("gb");
  axis->setNumberPrecision(6);
  axis->setLabel(QString());
  axis->grid()->setPen(QPen(theme.grid, 1.0, Qt::SolidLine));
  axis->grid()->setSubGridPen(QPen(theme.grid, 1.0, Qt::DotLine));
  axis->grid()->setSubGridVisible(false);
  axis->grid()->setZeroLinePen(Qt::NoPen);
}

QFont tick_font(const QCustomPlot& plot, const Theme& theme) {
  return sized_font(plot, theme.font_size);
}
QFont label_font(const QCustomPlot& plot, const Theme& theme) {
  return sized_font(plot, theme.font_size + 1);
}
QFont title_font(const QCustomPlot& plot, const Theme& theme) {
  QFont font = sized_font(plot, theme.font_size + 3);
  font.setBold(true);
  return font;
}
QFont note_font(const QCustomPlot& plot, const Theme& theme) {
  return sized_font(plot, std::max(theme.font_size - 1, 7));
}

QPen series_pen(const QColor& color, const Theme& theme, Qt::PenStyle style) {
  QPen pen(color, theme.line_width, style);
  pen.setCapStyle(Qt::FlatCap);
  pen.setJoinStyle(Qt::RoundJoin);
  return pen;
}

void apply_theme(QCustomPlot& plot, const Theme& theme) {
  plot.setBackground(QBrush(theme.background));
  for (QCPAxisRect* rect : plot.axisRects()) {
    rect->setBackground(QBrush(theme.background));
    for (QCPAxis* axis : rect->axes()) style_axis(plot, axis, theme);
  }
  QColor legend_brush = theme.background;
  legend_brush.setAlpha(200);
  plot.legend->setBrush(QBrush(legend_brush));
  plot.legend->setBorderPen(Qt::NoPen);
  plot.legend->setTextColor(theme.foreground);
  plot.legend->setFont(tick_font(plot, theme));
  plot.legend->setIconSize(QSize(static_cast<int>(2.5 * theme.font_size) + 8, theme.font_size));
}

void set_log_scale(QCPAxis* axis) {
  axis->setScaleType(QCPAxis::stLogarithmic);
  axis->setTicker(QSharedPointer<QCPAxisTicker>(new LogTicker));
  axis->setNumberFormat("gb");  // 'b': labels in e-notation are typeset as 10ⁿ
  axis->setNumberPrecision(4);
}
void set_integer_ticks(QCPAxis* axis) {
  QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
  ticker->setTickStep(1.0);
  ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  axis->setTicker(ticker);
  axis->setNumberFormat("g");
  axis->setNumberPrecision(6);
}

void reset_layout(QCustomPlot& plot, PlotKind kind, const Theme& theme) {
  plot.setAutoAddPlottableToLegend(false);
  // Solid polylines drawn in one call: several times faster for thick pens, where the joins
  // (the only loss) are invisible at these point densities.
  plot.setPlottingHint(QCP::phFastPolylines, true);
  clear_data(plot);
  QCPLayoutGrid* layout = plot.plotLayout();
  QCPAxisRect* rect = plot.axisRect(0);
  QCPLegend* legend = plot.legend;
  if (legend->layout() != nullptr) legend->layout()->take(legend);
  rect->setMarginGroup(QCP::msAll, nullptr);
  qDeleteAll(plot.findChildren<QCPMarginGroup*>(QString(), Qt::FindDirectChildrenOnly));
  for (QCPLayoutElement* element : layout->elements(false)) {
    if (element != nullptr && element != rect) layout->remove(element);
  }
  layout->simplify();
  rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
  legend->setVisible(false);

  apply_theme(plot, theme);
  plot.xAxis2->setVisible(false);
  plot.yAxis2->setVisible(false);

  auto* title = new QCPTextElement(&plot, plot_title(kind), title_font(plot, theme));
  title->setObjectName(kTitleName);
  title->setTextColor(theme.foreground);
  layout->insertRow(0);
  layout->addElement(0, 0, title);
  layout->setRowStretchFactor(0, 0.001);
  plot.setProperty(kKindProperty, static_cast<int>(kind));
}

void add_legend_row(QCustomPlot& plot, const Theme& theme, int most_columns, bool fit_to_width) {
  QCPLegend* legend = plot.legend;
  if (legend->layout() != nullptr) legend->layout()->take(legend);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(most_columns);  // that many entries a row, if they fit (below)
  legend->setColumnSpacing(2 * theme.font_size);
  legend->setMargins(QMargins(6, 2, 6, 2));
  // Centred between two stretching spacers, at its natural width.
  auto* row = new QCPLayoutGrid;
  QCPLayoutGrid* layout = plot.plotLayout();
  layout->insertRow(1);
  layout->addElement(1, 0, row);
  layout->setRowStretchFactor(1, 0.001);
  row->addElement(0, 0, new QCPLayoutElement(&plot));
  row->addElement(0, 1, legend);
  row->addElement(0, 2, new QCPLayoutElement(&plot));
  row->setColumnStretchFactors({1000.0, 1.0, 1000.0});
  row->setMargins(QMargins(0, 0, 0, 0));
  legend->setVisible(true);
  if (!fit_to_width) return;
  // As many entries a row as fit side by side, at most most_columns: a narrow plot (a dock beside
  // the grid) would otherwise cut every entry's text. Decided at each layout, from the entries' own
  // widths, then laid out again at once (what QCustomPlot::updateLayout does, without its signal).
  QObject::connect(&plot, &QCustomPlot::afterLayout, row, [&plot, legend, most_columns] {
    std::vector<int> widths;
    for (int i = 0; i < legend->itemCount(); ++i) {
      if (legend->item(i) == nullptr) continue;  // an empty cell of the wrapped grid
      widths.push_back(legend->item(i)->minimumOuterSizeHint().width());
    }
    const QMargins margins = legend->margins();
    int wrap = std::max(most_columns, 1);
    for (; wrap > 1; --wrap) {
      int needed = (wrap - 1) * legend->columnSpacing() + margins.left() + margins.right();
      for (std::size_t column = 0; column < static_cast<std::size_t>(wrap); ++column) {
        int widest = 0;
        for (std::size_t i = column; i < widths.size(); i += static_cast<std::size_t>(wrap)) {
          widest = std::max(widest, widths[i]);
        }
        needed += widest;
      }
      if (needed <= plot.viewport().width()) break;
    }
    if (wrap == legend->wrap()) return;
    legend->setWrap(wrap);
    legend->setFillOrder(legend->fillOrder(), true);  // setWrap leaves the entries where they were
    lay_out_again(plot);
  });
}

QString fill_lines(const QStringList& pieces, const QFontMetrics& metrics, int width,
                   const QString& separator, const QString& first_separator) {
  if (pieces.isEmpty()) return {};
  QString text = pieces.front();
  qsizetype line_start = 0;
  for (qsizetype i = 1; i < pieces.size(); ++i) {
    const QString& joint = i == 1 ? first_separator : separator;
    if (metrics.horizontalAdvance(text.mid(line_start) + joint + pieces[i]) > width) {
      text += QLatin1Char('\n');
      line_start = text.size();
    } else {
      text += joint;
    }
    text += pieces[i];
  }
  return text;
}

void add_subtitle_row(QCustomPlot& plot, const Theme& theme) {
  auto* subtitle = new QCPTextElement(&plot, QString(), note_font(plot, theme));
  subtitle->setObjectName(kSubtitleName);
  subtitle->setTextColor(theme.foreground);
  subtitle->setMargins(QMargins(6, 0, 6, 2));
  QCPLayoutGrid* layout = plot.plotLayout();
  layout->insertRow(1);
  layout->addElement(1, 0, subtitle);
  layout->setRowStretchFactor(1, 0.001);
  // Filled again at each layout: the width is known only then (a dock's, an export's).
  QObject::connect(&plot, &QCustomPlot::afterLayout, subtitle, [&plot, subtitle] {
    const QString text = filled_subtitle(plot, *subtitle);
    if (text == subtitle->text()) return;
    subtitle->setText(text);
    lay_out_again(plot);
  });
}

void set_subtitle(QCustomPlot& plot, const QStringList& pieces, const QString& separator,
                  const QString& first_separator, const QString& last_line) {
  QCPTextElement* subtitle = find_text_element(plot, kSubtitleName);
  if (subtitle == nullptr) return;
  subtitle->setProperty(kPiecesProperty, pieces);
  subtitle->setProperty(kSeparatorProperty, separator);
  subtitle->setProperty(kFirstSeparatorProperty, first_separator);
  subtitle->setProperty(kLastLineProperty, last_line);
  subtitle->setText(filled_subtitle(plot, *subtitle));
}

QCPTextElement* find_text_element(const QCustomPlot& plot, const char* name) {
  for (QCPLayoutElement* element : plot.plotLayout()->elements(true)) {
    auto* text = qobject_cast<QCPTextElement*>(element);
    if (text != nullptr && text->objectName() == name) return text;
  }
  return nullptr;
}

void restyle_panel_plot(QCustomPlot& plot, const Theme& theme) {
  apply_theme(plot, theme);
  plot.xAxis2->setVisible(false);
  plot.yAxis2->setVisible(false);
  if (QCPTextElement* title = find_text_element(plot, kTitleName)) {
    title->setFont(title_font(plot, theme));
    title->setTextColor(theme.foreground);
  }
  if (QCPTextElement* subtitle = find_text_element(plot, kSubtitleName)) {
    subtitle->setFont(note_font(plot, theme));
    subtitle->setTextColor(theme.foreground);
  }
}

void add_legend_entry(QCustomPlot& plot, QCPAbstractPlottable* plottable, const QString& text) {
  plot.legend->addItem(new PlottableEntry(plot.legend, plottable, text));
}

void clear_data(QCustomPlot& plot) {
  plot.legend->clearItems();
  plot.clearItems();
  plot.clearPlottables();
}

}  // namespace initscope::ui::detail
