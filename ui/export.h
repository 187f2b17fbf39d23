#pragma once

// Headless export of the four plots, through the very code the window draws with (setup_plot and
// show_result on an offscreen QCustomPlot). `initscope export`, File > Export and the tests all
// call export_result(). Every file is written atomically.

#include <vector>

#include <QSize>
#include <QString>
#include <QStringList>

#include "core/names.h"
#include "core/result.h"
#include "ui/plots.h"
#include "ui/theme.h"

namespace initscope {
struct SeedBands;
}  // namespace initscope

namespace initscope::ui {

enum class ExportFormat { png, svg, pdf, csv };

}  // namespace initscope::ui

template <>
struct initscope::EnumNames<initscope::ui::ExportFormat> {
  static constexpr std::string_view family = "format";
  static constexpr std::array<NameEntry<ui::ExportFormat>, 4> table{{
      {ui::ExportFormat::png, "png"},
      {ui::ExportFormat::svg, "svg"},
      {ui::ExportFormat::pdf, "pdf"},
      {ui::ExportFormat::csv, "csv"},
  }};
};

namespace initscope::ui {

struct ExportOptions {
  std::vector<PlotKind> plots{PlotKind::weights, PlotKind::activations, PlotKind::variance,
                              PlotKind::gradients};
  bool figure = true;  // also the 2×2 figure of all four plots ("figure.<ext>")
  std::vector<ExportFormat> formats{ExportFormat::png};
  QSize size{1000, 750};  // of each plot in pixels (points for PDF); the figure is twice each way
  ThemeName theme = ThemeName::light;
  PlotView view;
  /// Seed bands of the result's experiment (core/stats/seed_bands.h), or none. Not owned: the caller
  /// keeps them alive until export_result returns. The images draw them as the window does, and
  /// csv adds bands.csv.
  const SeedBands* bands = nullptr;
};

struct ExportReport {
  QStringList written;  // the files, in the order written
  QString error;        // empty when every file was written
  bool ok() const { return error.isEmpty(); }
};

/// Writes `<plot>.<format>` for each plot and image format, `figure.<format>` for the 2×2 figure,
/// and for csv `stats.csv`, `histograms.csv` and (with options.bands) `bands.csv`, into `dir`
/// (created if missing). Stops at the first failure, which the report describes; files already
/// there are left intact.
ExportReport export_result(const Result& result, const QString& dir, const ExportOptions& options);

}  // namespace initscope::ui
