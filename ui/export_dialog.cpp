#include "ui/export_dialog.h"
#include "ui/text.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include <qcustomplot.h>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/control_panel_widgets.h"

namespace initscope::ui {
namespace {

enum class SizeUnit { px, cm };

}  // namespace
}  // namespace initscope::ui

template <>
struct initscope::EnumNames<initscope::ui::SizeUnit> {
  static constexpr std::string_view family = "unit";
  static constexpr std::array<NameEntry<ui::SizeUnit>, 2> table{{
      {ui::SizeUnit::px, "px"},
      {ui::SizeUnit::cm, "cm"},
  }};
};

namespace initscope::ui {
namespace {

// The pixel range of `initscope export --size`, so that the dialog offers what the command accepts.
constexpr int kMinPixels = 100;
constexpr int kMaxPixels = 10000;
constexpr int kMinDpi = 72;
constexpr int kMaxDpi = 1200;
constexpr int kDefaultDpi = 300;
constexpr double kCmPerInch = 2.54;
// Three decimals keep a round trip px → cm → px exact up to 1200 dpi: half a thousandth of a cm is
// 0.24 px there, under the half pixel that rounding forgives.
constexpr int kCmDecimals = 3;
constexpr double kMinCm = 0.1;
constexpr double kMaxCm = 400;

const QString kGroup = QStringLiteral("export/");

int px_from_cm(double cm, int dpi) {
  return static_cast<int>(std::lround(cm * dpi / kCmPerInch));
}

double cm_from_px(int px, int dpi) {
  return px * kCmPerInch / dpi;
}

// Shows "8.467" and "10" rather than "10.000": the decimals are there for precision, not display.
class SizeSpinBox : public QDoubleSpinBox {
 public:
  QString textFromValue(double value) const override {
    QString text = QDoubleSpinBox::textFromValue(value);
    const QString point = locale().decimalPoint();
    if (decimals() > 0 && text.contains(point)) {
      while (text.endsWith(QLatin1Char('0'))) text.chop(1);
      if (text.endsWith(point)) text.chop(point.size());
    }
    return text;
  }
};

void configure_size_box(QDoubleSpinBox* box, SizeUnit unit) {
  switch (unit) {
    case SizeUnit::px:
      box->setDecimals(0);
      box->setRange(kMinPixels, kMaxPixels);
      box->setSingleStep(10);
      return;
    case SizeUnit::cm:
      box->setDecimals(kCmDecimals);
      box->setRange(kMinCm, kMaxCm);
      box->setSingleStep(0.5);
      return;
  }
}

// Reading settings back: anything missing, of the wrong type or out of range is nullopt, and the
// caller falls back to the default. Settings files get edited by hand and carried across versions.

// QSettings writes an empty list as an invalid value and reads a one-name list back as a string.
std::optional<QStringList> read_list(const QSettings& settings, const QString& key) {
  if (!settings.contains(key)) return std::nullopt;
  const QVariant value = settings.value(key);
  if (!value.isValid()) return QStringList();
  if (value.typeId() == QMetaType::QString) return QStringList{value.toString()};
  if (value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList) {
    return value.toStringList();
  }
  return std::nullopt;
}

template <typename E>
std::optional<std::vector<E>> read_names(const QSettings& settings, const QString& key) {
  const std::optional<QStringList> names = read_list(settings, key);
  if (!names) return std::nullopt;
  std::vector<E> values;
  for (const QString& name : *names) {
    const std::optional<E> value = find_by_name<E>(name.toStdString());
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  return values;
}

template <typename E>
std::optional<E> read_name(const QSettings& settings, const QString& key) {
  if (!settings.contains(key)) return std::nullopt;
  return find_by_name<E>(settings.value(key).toString().toStdString());
}

std::optional<bool> read_bool(const QSettings& settings, const QString& key) {
  const QVariant value = settings.value(key);
  if (value.typeId() == QMetaType::Bool) return value.toBool();
  const QString text = value.toString();
  if (text == QLatin1String("true")) return true;
  if (text == QLatin1String("false")) return false;
  return std::nullopt;
}

std::optional<double> read_number(const QSettings& settings, const QString& key, double low,
                                  double high) {
  bool ok = false;
  const double number = settings.value(key).toDouble(&ok);
  if (!ok || !std::isfinite(number) || number < low || number > high) return std::nullopt;
  return number;
}

template <typename E>
QStringList names_of(const std::vector<E>& values) {
  QStringList names;
  for (E value : values) names << to_qstring(name_of(value));
  return names;
}

template <typename E>
bool contains(const std::vector<E>& values, E value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

ExportDialog::ExportDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Export Plots"));
  build();
  restore();
  updateState();
}

void ExportDialog::build() {
  // The plots, laid out as they are in the window and in the figure.
  auto* plots = new QGroupBox(tr("Plots"));
  auto* plot_grid = new QGridLayout(plots);
  for (std::string_view name : canonical_names<PlotKind>()) {
    const PlotKind kind = parse_name<PlotKind>(name);
    auto* box = new QCheckBox(plot_title(kind));
    box->setObjectName("plot_" + to_qstring(name));
    const int i = static_cast<int>(plot_boxes_.size());
    plot_grid->addWidget(box, i / 2, i % 2);
    plot_boxes_.emplace_back(kind, box);
  }
  figure_ = new QCheckBox(tr("The 2×2 figure of all four (twice the size each way)"));
  figure_->setObjectName(QStringLiteral("figure"));
  plot_grid->addWidget(figure_, 2, 0, 1, 2);

  auto* formats = new QGroupBox(tr("Formats"));
  auto* format_grid = new QGridLayout(formats);
  int images = 0;
  for (std::string_view name : canonical_names<ExportFormat>()) {
    const ExportFormat format = parse_name<ExportFormat>(name);
    const bool is_data = format == ExportFormat::csv;
    auto* box = new QCheckBox(is_data ? tr("data (CSV of stats and histograms)")
                                      : to_qstring(name).toUpper());
    box->setObjectName("format_" + to_qstring(name));
    if (format == ExportFormat::pdf) {
      // export_result lays a PDF page out at 72 dpi, so a size chosen in cm is not the page's.
      box->setToolTip(tr("A PDF page has as many points as the plot has pixels"));
    }
    if (is_data) {
      format_grid->addWidget(box, 1, 0, 1, 4);
    } else {
      format_grid->addWidget(box, 0, images++);
    }
    format_boxes_.emplace_back(format, box);
  }
  format_grid->setColumnStretch(3, 1);

  // Size: width × height in px or cm; the DPI turns cm into pixels.
  auto* look = new QGroupBox(tr("Size and look"));
  auto* form = new QFormLayout(look);
  width_ = new SizeSpinBox;
  width_->setObjectName(QStringLiteral("size_width"));
  height_ = new SizeSpinBox;
  height_->setObjectName(QStringLiteral("size_height"));
  for (QDoubleSpinBox* box : {width_, height_}) {
    configure_size_box(box, SizeUnit::px);
    box->setAccelerated(true);
    box->setMinimumWidth(box->fontMetrics().horizontalAdvance(QStringLiteral("00000.000")) + 32);
  }
  width_->setValue(ExportOptions{}.size.width());
  height_->setValue(ExportOptions{}.size.height());
  unit_ = new QComboBox;
  unit_->setObjectName(QStringLiteral("size_unit"));
  fill_enum_combo<SizeUnit>(unit_);
  auto* size_row = new QHBoxLayout;
  size_row->addWidget(width_);
  size_row->addWidget(new QLabel(QStringLiteral("×")));
  size_row->addWidget(height_);
  size_row->addWidget(unit_);
  size_row->addStretch(1);
  form->addRow(tr("Each plot:"), size_row);

  dpi_ = new QSpinBox;
  dpi_->setObjectName(QStringLiteral("dpi"));
  dpi_->setRange(kMinDpi, kMaxDpi);
  dpi_->setValue(kDefaultDpi);
  dpi_->setSuffix(tr(" dpi"));
  dpi_->setToolTip(tr("Dots per inch, to turn a size in cm into pixels"));
  dpi_->setEnabled(false);
  auto* dpi_row = new QHBoxLayout;
  dpi_row->addWidget(dpi_);
  dpi_row->addStretch(1);
  form->addRow(tr("Resolution:"), dpi_row);

  pixels_ = new QLabel;
  pixels_->setObjectName(QStringLiteral("pixel_size"));
  pixels_->setMinimumHeight(2 * pixels_->fontMetrics().lineSpacing());  // room for the figure's
  form->addRow(QString(), pixels_);

  theme_ = new QComboBox;
  theme_->setObjectName(QStringLiteral("theme"));
  fill_enum_combo<ThemeName>(theme_);
  form->addRow(tr("Theme:"), theme_);

  auto* folder = new QGroupBox(tr("Folder"));
  auto* folder_row = new QHBoxLayout(folder);
  directory_ = new QLineEdit;
  directory_->setObjectName(QStringLiteral("directory"));
  directory_->setPlaceholderText(tr("Where to write the files"));
  auto* browse = new QPushButton(tr("Browse…"));
  browse->setObjectName(QStringLiteral("browse"));
  folder_row->addWidget(directory_, 1);
  folder_row->addWidget(browse);

  reason_ = new QLabel;
  reason_->setObjectName(QStringLiteral("reason"));
  reason_->setMinimumHeight(reason_->fontMetrics().height());
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Export"));
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(reason_, 1);
  bottom->addWidget(buttons_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(plots);
  layout->addWidget(formats);
  layout->addWidget(look);
  layout->addWidget(folder);
  layout->addLayout(bottom);

  for (const auto& [kind, box] : plot_boxes_) {
    connect(box, &QCheckBox::toggled, this, &ExportDialog::updateState);
  }
  connect(figure_, &QCheckBox::toggled, this, &ExportDialog::updateState);
  for (const auto& [format, box] : format_boxes_) {
    connect(box, &QCheckBox::toggled, this, &ExportDialog::updateState);
  }
  connect(unit_, &QComboBox::currentIndexChanged, this, &ExportDialog::unitChanged);
  connect(width_, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateState);
  connect(height_, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateState);
  connect(dpi_, &QSpinBox::valueChanged, this, &ExportDialog::updateState);
  connect(directory_, &QLineEdit::textChanged, this, &ExportDialog::updateState);
  connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void ExportDialog::restore() {
  const QSettings settings;
  const ExportOptions defaults;
  dpi_->setValue(static_cast<int>(
      read_number(settings, kGroup + "dpi", kMinDpi, kMaxDpi).value_or(kDefaultDpi)));
  const SizeUnit unit = read_name<SizeUnit>(settings, kGroup + "unit").value_or(SizeUnit::px);
  unit_->setCurrentIndex(unit_->findData(static_cast<int>(unit)));  // converts the defaults
  const double width = width_->value(), height = height_->value();
  width_->setValue(read_number(settings, kGroup + "width", width_->minimum(), width_->maximum())
                       .value_or(width));
  height_->setValue(read_number(settings, kGroup + "height", height_->minimum(), height_->maximum())
                        .value_or(height));

  const std::vector<PlotKind> plots =
      read_names<PlotKind>(settings, kGroup + "plots").value_or(defaults.plots);
  for (const auto& [kind, box] : plot_boxes_) box->setChecked(contains(plots, kind));
  figure_->setChecked(read_bool(settings, kGroup + "figure").value_or(defaults.figure));
  const std::vector<ExportFormat> formats =
      read_names<ExportFormat>(settings, kGroup + "formats").value_or(defaults.formats);
  for (const auto& [format, box] : format_boxes_) box->setChecked(contains(formats, format));
  const ThemeName theme = read_name<ThemeName>(settings, kGroup + "theme").value_or(defaults.theme);
  theme_->setCurrentIndex(theme_->findData(static_cast<int>(theme)));
  directory_->setText(settings.value(kGroup + "directory").toString());
}

void ExportDialog::remember() const {
  QSettings settings;
  const ExportOptions chosen = options();
  settings.setValue(kGroup + "plots", names_of(chosen.plots));
  settings.setValue(kGroup + "figure", chosen.figure);
  settings.setValue(kGroup + "formats", names_of(chosen.formats));
  settings.setValue(kGroup + "unit", to_qstring(name_of(current_enum<SizeUnit>(unit_))));
  settings.setValue(kGroup + "width", width_->value());
  settings.setValue(kGroup + "height", height_->value());
  settings.setValue(kGroup + "dpi", dpi_->value());
  settings.setValue(kGroup + "theme", to_qstring(name_of(chosen.theme)));
  settings.setValue(kGroup + "directory", directory());
}

ExportOptions ExportDialog::options() const {
  ExportOptions options;
  options.plots.clear();
  for (const auto& [kind, box] : plot_boxes_) {
    if (box->isChecked()) options.plots.push_back(kind);
  }
  options.figure = figure_->isChecked();
  options.formats.clear();
  for (const auto& [format, box] : format_boxes_) {
    if (box->isChecked()) options.formats.push_back(format);
  }
  options.size = pixelSize();
  options.theme = current_enum<ThemeName>(theme_);
  return options;
}

QString ExportDialog::directory() const {
  return directory_->text().trimmed();
}

void ExportDialog::setChoices(const ExportOptions& options, const QString& directory) {
  for (const auto& [kind, box] : plot_boxes_) box->setChecked(contains(options.plots, kind));
  figure_->setChecked(options.figure);
  for (const auto& [format, box] : format_boxes_) {
    box->setChecked(contains(options.formats, format));
  }
  showPixelSize(options.size);
  theme_->setCurrentIndex(theme_->findData(static_cast<int>(options.theme)));
  directory_->setText(directory);
  updateState();
}

QSize ExportDialog::pixelSize() const {
  if (shown_in_cm_) {
    return {px_from_cm(width_->value(), dpi_->value()),
            px_from_cm(height_->value(), dpi_->value())};
  }
  return {static_cast<int>(std::lround(width_->value())),
          static_cast<int>(std::lround(height_->value()))};
}

void ExportDialog::showPixelSize(QSize pixels) {
  if (shown_in_cm_) {
    width_->setValue(cm_from_px(pixels.width(), dpi_->value()));
    height_->setValue(cm_from_px(pixels.height(), dpi_->value()));
  } else {
    width_->setValue(pixels.width());
    height_->setValue(pixels.height());
  }
}

void ExportDialog::unitChanged() {
  const QSize pixels = pixelSize();  // in the unit shown until now
  const SizeUnit unit = current_enum<SizeUnit>(unit_);
  shown_in_cm_ = unit == SizeUnit::cm;
  configure_size_box(width_, unit);
  configure_size_box(height_, unit);
  dpi_->setEnabled(shown_in_cm_);
  showPixelSize(pixels);
  updateState();
}

void ExportDialog::updateState() {
  const QSize pixels = pixelSize();
  QString size = tr("%1 × %2 px each").arg(pixels.width()).arg(pixels.height());
  if (figure_->isChecked()) {
    size += '\n' + tr("the figure: %1 × %2 px").arg(2 * pixels.width()).arg(2 * pixels.height());
  }
  pixels_->setText(size);

  bool any_plot = figure_->isChecked();
  for (const auto& [kind, box] : plot_boxes_) any_plot = any_plot || box->isChecked();
  bool images = false, wants_data = false;
  for (const auto& [format, box] : format_boxes_) {
    if (box->isChecked()) (format == ExportFormat::csv ? wants_data : images) = true;
  }
  const auto in_range = [](int px) { return px >= kMinPixels && px <= kMaxPixels; };

  QString reason;
  if (!images && !wants_data) {
    reason = tr("Choose a format.");
  } else if (!wants_data && !any_plot) {
    reason = tr("Choose a plot or the figure.");
  } else if (images && any_plot && !(in_range(pixels.width()) && in_range(pixels.height()))) {
    reason = tr("Each plot must be %1 to %2 px each way.").arg(kMinPixels).arg(kMaxPixels);
  } else if (directory().isEmpty()) {
    reason = tr("Choose a folder.");
  }
  reason_->setText(reason);
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(reason.isEmpty());
}

void ExportDialog::browse() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into"), directory());
  if (!dir.isEmpty()) directory_->setText(dir);
}

void copy_plot_to_clipboard(QCustomPlot& plot) {
  QGuiApplication::clipboard()->setImage(plot.toPixmap().toImage());
}

}  // namespace initscope::ui
