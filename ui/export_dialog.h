#pragma once

// File > Export: which plots (each, and/or the 2×2 figure), formats (PNG, SVG, PDF) and data (CSV),
// the size in pixels or in cm at a DPI, and the theme. Remembers the last choices (QSettings).
// The window passes options() to export_result(), the same code as `initscope export`.

#include <utility>
#include <vector>

#include <QDialog>

#include "ui/export.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace initscope::ui {

class ExportDialog : public QDialog {
  Q_OBJECT

 public:
  explicit ExportDialog(QWidget* parent = nullptr);

  /// The choices, as export_result takes them (a size in cm becomes pixels at the DPI).
  ExportOptions options() const;
  QString directory() const;
  /// Shows these choices (the dialog starts from the remembered ones).
  void setChoices(const ExportOptions& options, const QString& directory);

  /// Saves the current choices to QSettings (the window calls it when the export is accepted).
  void remember() const;

 private:
  void build();
  void restore();
  /// The size as shown (in px, or in cm at the DPI) in pixels, rounded.
  QSize pixelSize() const;
  /// Shows a pixel size in the current unit.
  void showPixelSize(QSize pixels);
  /// Converts the shown numbers to the newly chosen unit, keeping the pixel size.
  void unitChanged();
  /// The pixel-size line and the OK button with the reason it is disabled.
  void updateState();
  void browse();

  std::vector<std::pair<PlotKind, QCheckBox*>> plot_boxes_;
  QCheckBox* figure_ = nullptr;
  std::vector<std::pair<ExportFormat, QCheckBox*>> format_boxes_;
  QComboBox* unit_ = nullptr;
  bool shown_in_cm_ = false;  // the unit the spin boxes hold now, to convert from on a change
  QDoubleSpinBox* width_ = nullptr;
  QDoubleSpinBox* height_ = nullptr;
  QSpinBox* dpi_ = nullptr;
  QLabel* pixels_ = nullptr;
  QComboBox* theme_ = nullptr;
  QLineEdit* directory_ = nullptr;
  QLabel* reason_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

/// Copies the plot, as drawn, to the clipboard as an image.
void copy_plot_to_clipboard(QCustomPlot& plot);

}  // namespace initscope::ui
