#include "ui/export.h"
#include "ui/text.h"

#include <map>
#include <memory>

#include <qcustomplot.h>
#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include "core/io/report.h"
#include "core/stats/seed_bands.h"
#include "ui/atomic_write.h"

namespace initscope::ui {
namespace {

const std::array<PlotKind, 4> kFigureOrder{PlotKind::weights, PlotKind::activations,
                                           PlotKind::variance, PlotKind::gradients};

// An offscreen plot drawn by the window's own code.
std::unique_ptr<QCustomPlot> render_plot(PlotKind kind, const Result& result,
                                         const ExportOptions& options, const Theme& theme) {
  auto plot = std::make_unique<QCustomPlot>();
  plot->resize(options.size);
  setup_plot(*plot, kind, theme);
  show_result(*plot, kind, result, options.view, theme, {}, options.bands);
  plot->replot(QCustomPlot::rpImmediateRefresh);
  return plot;
}

// The plots laid out on one canvas: a single plot, or the 2×2 figure.
struct Layout {
  std::vector<std::pair<QCustomPlot*, QPoint>> plots;
  QSize size;
};

QByteArray encode_png(const Layout& layout, const Theme& theme) {
  QImage image(layout.size, QImage::Format_ARGB32);
  image.fill(theme.background);
  QPainter painter(&image);
  for (const auto& [plot, offset] : layout.plots) {
    painter.drawPixmap(offset, plot->toPixmap(plot->width(), plot->height()));
  }
  painter.end();
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  image.save(&buffer, "PNG");
  return bytes;
}

// Vector output: QCustomPlot draws itself onto any paint device through QCPPainter.
void paint_vector(QPaintDevice& device, const Layout& layout, const Theme& theme) {
  QCPPainter painter(&device);
  painter.setMode(QCPPainter::pmVectorized);
  painter.setMode(QCPPainter::pmNoCaching);
  painter.fillRect(QRect(QPoint(0, 0), layout.size), theme.background);
  for (const auto& [plot, offset] : layout.plots) {
    painter.save();
    painter.translate(offset);
    plot->toPainter(&painter, plot->width(), plot->height());
    painter.restore();
  }
  painter.end();
}

QByteArray encode_svg(const Layout& layout, const Theme& theme, const QString& title) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  QSvgGenerator svg;
  svg.setOutputDevice(&buffer);
  svg.setSize(layout.size);
  svg.setViewBox(QRect(QPoint(0, 0), layout.size));
  svg.setTitle(title);
  svg.setDescription(QStringLiteral("InitScope"));
  paint_vector(svg, layout, theme);
  return bytes;
}

QByteArray encode_pdf(const Layout& layout, const Theme& theme, const QString& title) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  {
    // At 72 dpi a pixel of the layout is a point of the page.
    QPdfWriter pdf(&buffer);
    pdf.setResolution(72);
    pdf.setPageSize(QPageSize(QSizeF(layout.size), QPageSize::Point));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
    pdf.setTitle(title);
    pdf.setCreator(QStringLiteral("InitScope"));
    paint_vector(pdf, layout, theme);
  }
  return bytes;
}

QByteArray encode(ExportFormat format, const Layout& layout, const Theme& theme,
                  const QString& title) {
  switch (format) {
    case ExportFormat::png:
      return encode_png(layout, theme);
    case ExportFormat::svg:
      return encode_svg(layout, theme, title);
    case ExportFormat::pdf:
      return encode_pdf(layout, theme, title);
    case ExportFormat::csv:
      break;
  }
  return {};
}

QByteArray bytes_of(const std::string& text) {
  return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

}  // namespace

ExportReport export_result(const Result& result, const QString& dir, const ExportOptions& options) {
  ExportReport report;
  if (!QDir().mkpath(dir)) {
    report.error = QStringLiteral("cannot create %1").arg(dir);
    return report;
  }
  const QDir out(dir);
  auto save = [&](const QString& name, const QByteArray& bytes) {
    const QString path = out.filePath(name);
    report.error = write_file_atomically(path, bytes);
    if (report.ok()) report.written << path;
    return report.ok();
  };

  const Theme theme = Theme::make(options.theme);
  std::map<PlotKind, std::unique_ptr<QCustomPlot>> plots;  // each drawn once, for every format
  auto plot_of = [&](PlotKind kind) {
    std::unique_ptr<QCustomPlot>& plot = plots[kind];
    if (!plot) plot = render_plot(kind, result, options, theme);
    return plot.get();
  };

  for (ExportFormat format : options.formats) {
    const QString extension = to_qstring(name_of(format));
    if (format == ExportFormat::csv) {
      if (!save(QStringLiteral("stats.csv"), bytes_of(stats_csv(result))) ||
          !save(QStringLiteral("histograms.csv"), bytes_of(histograms_csv(result)))) {
        return report;
      }
      if (options.bands != nullptr &&
          !save(QStringLiteral("bands.csv"), bytes_of(bands_csv(*options.bands)))) {
        return report;
      }
      continue;
    }
    for (PlotKind kind : options.plots) {
      const Layout layout{{{plot_of(kind), QPoint(0, 0)}}, options.size};
      const QString name = to_qstring(name_of(kind));
      if (!save(name + "." + extension, encode(format, layout, theme, plot_title(kind)))) {
        return report;
      }
    }
    if (options.figure) {
      const int w = options.size.width(), h = options.size.height();
      Layout figure{{}, QSize(2 * w, 2 * h)};
      for (std::size_t i = 0; i < kFigureOrder.size(); ++i) {
        figure.plots.emplace_back(plot_of(kFigureOrder[i]),
                                  QPoint(static_cast<int>(i % 2) * w, static_cast<int>(i / 2) * h));
      }
      if (!save("figure." + extension,
                encode(format, figure, theme, QStringLiteral("InitScope figure")))) {
        return report;
      }
    }
  }
  return report;
}

}  // namespace initscope::ui
