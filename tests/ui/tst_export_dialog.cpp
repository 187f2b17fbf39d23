// File > Export: choices made through the widgets become the ExportOptions export_result takes
// (a size in cm becomes pixels at the DPI); OK is disabled, with a reason, when there is nothing
// to export or nowhere to write; the last choices are remembered, and corrupt settings fall back
// to the defaults; the options write exactly the expected files; a plot copies to the clipboard.
#include <qcustomplot.h>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "core/run.h"
#include "ui/export_dialog.h"

using namespace initscope;
using namespace initscope::ui;

namespace {

const Result& small_result() {
  static const Result result = [] {
    Config c;
    c.network.depth = 4;
    c.network.width = 32;
    c.input.dim = 32;
    c.input.batch = 64;
    return run(c);
  }();
  return result;
}

template <typename E>
QStringList names_of(const std::vector<E>& values) {
  QStringList names;
  for (E value : values) names << QString::fromUtf8(name_of(value).data());
  return names;
}

template <typename T>
T* child(const ExportDialog& dialog, const QString& name) {
  T* widget = dialog.findChild<T*>(name);
  if (!widget) qFatal("no widget named %s", qPrintable(name));
  return widget;
}

QPushButton* ok_button(const ExportDialog& dialog) {
  return dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

// A click on the check box's indicator, when its state is not the one wanted.
void set_checked(QCheckBox* box, bool checked) {
  if (box->isChecked() == checked) return;
  QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(6, box->height() / 2));
  QVERIFY2(box->isChecked() == checked, qPrintable(box->objectName()));
}

// Keyboard selection: Home, then Down to the item.
void choose(QComboBox* combo, const QString& text) {
  const int index = combo->findText(text);
  QVERIFY2(index >= 0, qPrintable(text));
  QTest::keyClick(combo, Qt::Key_Home);
  for (int i = 0; i < index; ++i) QTest::keyClick(combo, Qt::Key_Down);
  QCOMPARE(combo->currentText(), text);
}

// Replaces the box's text by typing, as a user would (no Enter: it would accept the dialog).
void type_into(QAbstractSpinBox* box, const QString& text) {
  QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(box, text);
}

// Size steps, in order: "unit=cm", "dpi=150", "width=10", "height=7.5".
void apply_steps(const ExportDialog& dialog, const QStringList& steps) {
  for (const QString& step : steps) {
    const QString key = step.section('=', 0, 0), value = step.section('=', 1);
    if (key == "unit") {
      choose(child<QComboBox>(dialog, "size_unit"), value);
    } else if (key == "dpi") {
      QSpinBox* dpi = child<QSpinBox>(dialog, "dpi");
      QVERIFY2(dpi->isEnabled(), "the DPI is for cm");
      type_into(dpi, value);
      QCOMPARE(dpi->value(), value.toInt());
    } else {
      QDoubleSpinBox* box = child<QDoubleSpinBox>(dialog, "size_" + key);
      type_into(box, value);
      QCOMPARE(box->value(), value.toDouble());
    }
  }
}

// Sets every check box, the theme and the size through the widgets.
void apply(const ExportDialog& dialog, const QStringList& plots, bool figure,
           const QStringList& formats, const QString& theme, const QStringList& steps) {
  for (std::string_view name : canonical_names<PlotKind>()) {
    const QString text = QString::fromUtf8(name.data());
    set_checked(child<QCheckBox>(dialog, "plot_" + text), plots.contains(text));
  }
  set_checked(child<QCheckBox>(dialog, "figure"), figure);
  for (std::string_view name : canonical_names<ExportFormat>()) {
    const QString text = QString::fromUtf8(name.data());
    set_checked(child<QCheckBox>(dialog, "format_" + text), formats.contains(text));
  }
  choose(child<QComboBox>(dialog, "theme"), theme);
  apply_steps(dialog, steps);
}

void verify_defaults(const ExportDialog& dialog) {
  const ExportOptions defaults, options = dialog.options();
  QCOMPARE(names_of(options.plots), names_of(defaults.plots));
  QCOMPARE(options.figure, defaults.figure);
  QCOMPARE(names_of(options.formats), names_of(defaults.formats));
  QCOMPARE(options.size, QSize(1000, 750));
  QCOMPARE(options.theme, defaults.theme);
  QCOMPARE(dialog.directory(), QString());
  QCOMPARE(child<QComboBox>(dialog, "size_unit")->currentText(), QString("px"));
  QCOMPARE(child<QSpinBox>(dialog, "dpi")->value(), 300);
  QVERIFY(!child<QSpinBox>(dialog, "dpi")->isEnabled());
}

const QStringList kAllPlots{"weights", "activations", "variance", "gradients"};

}  // namespace

class TestExportDialog : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("InitScopeTest");
    QCoreApplication::setApplicationName("tst_export_dialog");
    QLocale::setDefault(QLocale::c());  // "7.5" is typed with a point
    QSettings().clear();
  }
  void init() { QSettings().remove("export"); }
  void cleanupTestCase() { QSettings().clear(); }

  void defaults() {
    ExportDialog dialog;
    verify_defaults(dialog);
    QCOMPARE(child<QComboBox>(dialog, "theme")->count(),
             static_cast<int>(canonical_names<ThemeName>().size()));
    QVERIFY(!ok_button(dialog)->isEnabled());  // no folder yet
    QCOMPARE(child<QLabel>(dialog, "pixel_size")->text(),
             QString("1000 × 750 px each\nthe figure: 2000 × 1500 px"));
  }

  void choices_data() {
    QTest::addColumn<QStringList>("plots");
    QTest::addColumn<bool>("figure");
    QTest::addColumn<QStringList>("formats");
    QTest::addColumn<QString>("theme");
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QStringList>("expected_plots");
    QTest::addColumn<QStringList>("expected_formats");
    QTest::addColumn<QSize>("expected_size");

    const QStringList png{"png"};
    QTest::newRow("defaults") << kAllPlots << true << png << "light" << QStringList() << kAllPlots
                              << png << QSize(1000, 750);
    QTest::newRow("one plot, svg, typed px")
        << QStringList{"variance"} << false << QStringList{"svg"} << "dark"
        << QStringList{"width=640", "height=480"} << QStringList{"variance"} << QStringList{"svg"}
        << QSize(640, 480);
    QTest::newRow("PlotKind and ExportFormat order")
        << QStringList{"gradients", "weights"} << true << QStringList{"csv", "pdf", "png"}
        << "slides" << QStringList() << QStringList{"weights", "gradients"}
        << QStringList{"png", "pdf", "csv"} << QSize(1000, 750);
    QTest::newRow("figure only") << QStringList() << true << QStringList{"pdf"} << "light"
                                 << QStringList{"width=2000", "height=1500"} << QStringList()
                                 << QStringList{"pdf"} << QSize(2000, 1500);
    QTest::newRow("data only") << QStringList() << false << QStringList{"csv"} << "dark"
                               << QStringList() << QStringList() << QStringList{"csv"}
                               << QSize(1000, 750);
    // cm · dpi / 2.54, rounded: 10 cm · 300 / 2.54 = 1181.10, 7.5 cm → 885.83.
    QTest::newRow("10 x 7.5 cm at 300 dpi")
        << kAllPlots << true << png << "light" << QStringList{"unit=cm", "width=10", "height=7.5"}
        << kAllPlots << png << QSize(1181, 886);
    // A5 landscape at 150 dpi: 1240.16 × 874.02.
    QTest::newRow("21 x 14.8 cm at 150 dpi")
        << QStringList{"activations"} << false << QStringList{"png", "svg"} << "slides"
        << QStringList{"unit=cm", "dpi=150", "width=21", "height=14.8"}
        << QStringList{"activations"} << QStringList{"png", "svg"} << QSize(1240, 874);
    QTest::newRow("25.4 x 19.05 cm at 72 dpi")
        << kAllPlots << false << png << "light"
        << QStringList{"unit=cm", "dpi=72", "width=25.4", "height=19.05"} << kAllPlots << png
        << QSize(720, 540);
    // 2362.20 × 1889.76
    QTest::newRow("5 x 4 cm at 1200 dpi")
        << kAllPlots << true << png << "light"
        << QStringList{"unit=cm", "dpi=1200", "width=5", "height=4"} << kAllPlots << png
        << QSize(2362, 1890);
    QTest::newRow("a DPI change in cm changes the pixels")
        << kAllPlots << true << png << "light"
        << QStringList{"unit=cm", "width=10", "height=7.5", "dpi=600"} << kAllPlots << png
        << QSize(2362, 1772);
    QTest::newRow("px to cm keeps the pixels")
        << kAllPlots << true << png << "light" << QStringList{"width=1234", "height=567", "unit=cm"}
        << kAllPlots << png << QSize(1234, 567);
    QTest::newRow("px to cm at 1200 dpi keeps the pixels")
        << kAllPlots << true << png << "light"
        << QStringList{"unit=cm", "dpi=1200", "unit=px", "width=999", "height=777", "unit=cm"}
        << kAllPlots << png << QSize(999, 777);
    QTest::newRow("cm to px keeps the pixels")
        << kAllPlots << true << png << "dark"
        << QStringList{"unit=cm", "width=10", "height=7.5", "unit=px"} << kAllPlots << png
        << QSize(1181, 886);
  }
  void choices() {
    QFETCH(QStringList, plots);
    QFETCH(bool, figure);
    QFETCH(QStringList, formats);
    QFETCH(QString, theme);
    QFETCH(QStringList, steps);
    QFETCH(QStringList, expected_plots);
    QFETCH(QStringList, expected_formats);
    QFETCH(QSize, expected_size);

    ExportDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    apply(dialog, plots, figure, formats, theme, steps);
    if (QTest::currentTestFailed()) return;

    const ExportOptions options = dialog.options();
    QCOMPARE(names_of(options.plots), expected_plots);
    QCOMPARE(options.figure, figure);
    QCOMPARE(names_of(options.formats), expected_formats);
    QCOMPARE(options.size, expected_size);
    QCOMPARE(QString::fromUtf8(name_of(options.theme).data()), theme);
    QCOMPARE(options.view, PlotView{});  // the window's to set
    // The label states the pixel size, and the figure's when it is chosen.
    const QString label = child<QLabel>(dialog, "pixel_size")->text();
    QVERIFY2(label.startsWith(
                 QString("%1 × %2 px").arg(expected_size.width()).arg(expected_size.height())),
             qPrintable(label));
    QCOMPARE(label.contains(QString("figure: %1 × %2 px")
                                .arg(2 * expected_size.width())
                                .arg(2 * expected_size.height())),
             figure);
  }

  void ok_needs_something_to_export_data() {
    QTest::addColumn<QStringList>("plots");
    QTest::addColumn<bool>("figure");
    QTest::addColumn<QStringList>("formats");
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QString>("reason");  // empty: OK is enabled

    const QString dir = "/tmp/initscope-export";
    QTest::newRow("ready") << kAllPlots << true << QStringList{"png"} << dir << QStringList()
                           << QString();
    QTest::newRow("no plot") << QStringList() << false << QStringList{"png", "svg"} << dir
                             << QStringList() << "Choose a plot or the figure.";
    QTest::newRow("no format") << kAllPlots << true << QStringList() << dir << QStringList()
                               << "Choose a format.";
    QTest::newRow("no folder") << kAllPlots << true << QStringList{"png"} << QString()
                               << QStringList() << "Choose a folder.";
    QTest::newRow("blank folder") << kAllPlots << true << QStringList{"png"} << "   "
                                  << QStringList() << "Choose a folder.";
    QTest::newRow("the figure alone")
        << QStringList() << true << QStringList{"svg"} << dir << QStringList() << QString();
    QTest::newRow("data alone") << QStringList() << false << QStringList{"csv"} << dir
                                << QStringList() << QString();
    // 1 cm at 72 dpi is 28 px, under the 100 px that `initscope export --size` accepts too.
    QTest::newRow("too small") << kAllPlots << true << QStringList{"png"} << dir
                               << QStringList{"unit=cm", "dpi=72", "width=1"}
                               << "Each plot must be 100 to 10000 px each way.";
    QTest::newRow("too small, but data alone")
        << QStringList() << false << QStringList{"csv"} << dir
        << QStringList{"unit=cm", "dpi=72", "width=1"} << QString();
  }
  void ok_needs_something_to_export() {
    QFETCH(QStringList, plots);
    QFETCH(bool, figure);
    QFETCH(QStringList, formats);
    QFETCH(QString, directory);
    QFETCH(QStringList, steps);
    QFETCH(QString, reason);

    ExportDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    apply(dialog, plots, figure, formats, "light", steps);
    QTest::keyClicks(child<QLineEdit>(dialog, "directory"), directory);
    if (QTest::currentTestFailed()) return;
    QCOMPARE(ok_button(dialog)->isEnabled(), reason.isEmpty());
    QCOMPARE(child<QLabel>(dialog, "reason")->text(), reason);
  }

  void remembered_data() {
    QTest::addColumn<QStringList>("plots");
    QTest::addColumn<bool>("figure");
    QTest::addColumn<QStringList>("formats");
    QTest::addColumn<QString>("theme");
    QTest::addColumn<QStringList>("steps");

    QTest::newRow("cm at 600 dpi")
        << QStringList{"activations", "gradients"} << false << QStringList{"svg", "csv"} << "slides"
        << QStringList{"unit=cm", "dpi=600", "width=12.5", "height=8"};
    QTest::newRow("px") << QStringList{"weights"} << true << QStringList{"pdf"} << "dark"
                        << QStringList{"width=800", "height=600"};
    // Empty lists are stored differently from one-name and many-name lists.
    QTest::newRow("nothing but the figure")
        << QStringList() << true << QStringList{"png"} << "light" << QStringList();
    QTest::newRow("no format") << kAllPlots << false << QStringList() << "light" << QStringList();
  }
  void remembered() {
    QFETCH(QStringList, plots);
    QFETCH(bool, figure);
    QFETCH(QStringList, formats);
    QFETCH(QString, theme);
    QFETCH(QStringList, steps);

    ExportOptions chosen;
    QString unit;
    int dpi = 0;
    {
      ExportDialog dialog;
      dialog.show();
      QVERIFY(QTest::qWaitForWindowExposed(&dialog));
      apply(dialog, plots, figure, formats, theme, steps);
      QTest::keyClicks(child<QLineEdit>(dialog, "directory"), "/tmp/initscope figures");
      if (QTest::currentTestFailed()) return;
      chosen = dialog.options();
      unit = child<QComboBox>(dialog, "size_unit")->currentText();
      dpi = child<QSpinBox>(dialog, "dpi")->value();
      dialog.remember();
    }
    const ExportDialog restored;
    const ExportOptions options = restored.options();
    QCOMPARE(names_of(options.plots), names_of(chosen.plots));
    QCOMPARE(options.figure, chosen.figure);
    QCOMPARE(names_of(options.formats), names_of(chosen.formats));
    QCOMPARE(options.size, chosen.size);
    QCOMPARE(options.theme, chosen.theme);
    QCOMPARE(restored.directory(), QString("/tmp/initscope figures"));
    QCOMPARE(child<QComboBox>(restored, "size_unit")->currentText(), unit);
    QCOMPARE(child<QSpinBox>(restored, "dpi")->value(), dpi);
  }

  void corrupt_settings_fall_back_data() {
    QTest::addColumn<QVariantMap>("values");  // keys under export/

    QTest::newRow("missing") << QVariantMap();
    QTest::newRow("width not a number") << QVariantMap{{"width", "banana"}};
    QTest::newRow("unknown theme") << QVariantMap{{"theme", "neon"}};
    QTest::newRow("unknown format") << QVariantMap{{"formats", QStringList{"jpg"}}};
    QTest::newRow("one unknown plot")
        << QVariantMap{{"plots", QStringList{"weights", "banana"}}, {"figure", "maybe"}};
    QTest::newRow("negative sizes") << QVariantMap{{"width", -5}, {"height", "-750"}};
    QTest::newRow("zero and huge") << QVariantMap{{"width", 0}, {"height", 1e9}};
    QTest::newRow("dpi not a number") << QVariantMap{{"dpi", "abc"}, {"unit", "cm"}};
    QTest::newRow("dpi out of range") << QVariantMap{{"dpi", 5000}};
    QTest::newRow("unknown unit") << QVariantMap{{"unit", "inch"}, {"width", 1000}};
    QTest::newRow("wrong types") << QVariantMap{{"plots", 5}, {"formats", QVariantMap()}};
    QTest::newRow("everything at once")
        << QVariantMap{{"plots", "banana"}, {"figure", 3.5},     {"formats", QStringList{"jpg"}},
                       {"unit", "furlong"}, {"width", "banana"}, {"height", "nan"},
                       {"dpi", -1},         {"theme", "neon"}};
  }
  void corrupt_settings_fall_back() {
    QFETCH(QVariantMap, values);
    {
      QSettings settings;
      for (auto it = values.cbegin(); it != values.cend(); ++it) {
        settings.setValue("export/" + it.key(), it.value());
      }
    }
    const ExportDialog dialog;
    if (values.value("unit") == "cm") {
      // A valid unit stays; the size, in it, falls back to the default pixel size.
      QCOMPARE(child<QComboBox>(dialog, "size_unit")->currentText(), QString("cm"));
      QCOMPARE(child<QSpinBox>(dialog, "dpi")->value(), 300);
      QCOMPARE(dialog.options().size, QSize(1000, 750));
      return;
    }
    verify_defaults(dialog);
  }

  void set_choices_round_trip() {
    ExportDialog dialog;
    ExportOptions options;
    options.plots = {PlotKind::activations, PlotKind::gradients};
    options.figure = false;
    options.formats = {ExportFormat::svg, ExportFormat::csv};
    options.size = QSize(1357, 913);
    options.theme = ThemeName::dark;
    for (const QString unit : {"px", "cm"}) {
      QComboBox* combo = child<QComboBox>(dialog, "size_unit");
      combo->setCurrentIndex(combo->findText(unit));
      dialog.setChoices(options, "/tmp/somewhere");
      const ExportOptions shown = dialog.options();
      QCOMPARE(names_of(shown.plots), names_of(options.plots));
      QCOMPARE(shown.figure, options.figure);
      QCOMPARE(names_of(shown.formats), names_of(options.formats));
      QCOMPARE(shown.size, options.size);
      QCOMPARE(shown.theme, options.theme);
      QCOMPARE(dialog.directory(), QString("/tmp/somewhere"));
      QVERIFY(ok_button(dialog)->isEnabled());
    }
  }

  void options_write_the_expected_files() {
    QTemporaryDir dir;
    ExportDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // 10.16 cm at 100 dpi is 400 px, 7.62 cm is 300 px.
    apply(dialog, {"weights", "variance"}, true, {"png", "csv"}, "dark",
          {"unit=cm", "dpi=100", "width=10.16", "height=7.62"});
    QTest::keyClicks(child<QLineEdit>(dialog, "directory"), dir.path());
    if (QTest::currentTestFailed()) return;
    QVERIFY(ok_button(dialog)->isEnabled());

    const ExportReport report = export_result(small_result(), dialog.directory(), dialog.options());
    QVERIFY2(report.ok(), qPrintable(report.error));
    const QStringList expected{"figure.png", "histograms.csv", "stats.csv", "variance.png",
                               "weights.png"};
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files, QDir::Name), expected);
    QCOMPARE(report.written.size(), expected.size());
    QCOMPARE(QImage(dir.filePath("weights.png")).size(), QSize(400, 300));
    QCOMPARE(QImage(dir.filePath("variance.png")).size(), QSize(400, 300));
    QCOMPARE(QImage(dir.filePath("figure.png")).size(), QSize(800, 600));
  }

  void copy_plot_to_clipboard_copies_the_image() {
    QGuiApplication::clipboard()->clear();
    const Theme theme = Theme::make(ThemeName::light);
    QCustomPlot plot;
    plot.resize(420, 310);
    setup_plot(plot, PlotKind::variance, theme);
    show_result(plot, PlotKind::variance, small_result(), {}, theme);
    plot.replot(QCustomPlot::rpImmediateRefresh);
    copy_plot_to_clipboard(plot);
    const QImage image = QGuiApplication::clipboard()->image();
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(420, 310));
    QSet<QRgb> colors;  // a drawn plot, not a blank: background, axes, two series, text
    for (int y = 0; y < image.height(); y += 2) {
      for (int x = 0; x < image.width(); x += 2) colors.insert(image.pixel(x, y));
    }
    QVERIFY2(colors.size() > 10, qPrintable(QString::number(colors.size())));
  }
};

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"
