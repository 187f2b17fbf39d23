// export_result: every plot and the figure in every format, decodable and of the right size; CSV
// equal to core's text; a failure reported, not thrown.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/report.h"
#include "core/run.h"
#include "core/stats/seed_bands.h"
#include "ui/export.h"

using namespace initscope;
using namespace initscope::ui;

namespace {

Config small_config() {
  Config c;
  c.network.depth = 6;
  c.network.width = 64;
  c.input.dim = 64;
  c.input.batch = 128;
  return c;
}

const Result& small_result() {
  static const Result result = run(small_config());
  return result;
}

// Three seeds of the same experiment, the first being small_result's.
const SeedBands& small_bands() {
  static const SeedBands bands = seed_bands(run_seeds(small_config(), 3));
  return bands;
}

QByteArray read(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestExport : public QObject {
  Q_OBJECT

 private slots:
  void every_format_data() {
    QTest::addColumn<int>("theme");
    for (std::string_view name : canonical_names<ThemeName>()) {
      QTest::newRow(std::string(name).c_str()) << int(parse_name<ThemeName>(name));
    }
  }
  void every_format() {
    QFETCH(int, theme);
    QTemporaryDir dir;
    ExportOptions options;
    options.formats = {ExportFormat::png, ExportFormat::svg, ExportFormat::pdf, ExportFormat::csv};
    options.size = QSize(640, 480);
    options.theme = ThemeName(theme);
    const ExportReport report = export_result(small_result(), dir.path(), options);
    QVERIFY2(report.ok(), qPrintable(report.error));
    QCOMPARE(report.written.size(), 3 * 5 + 2);  // 4 plots + figure per image format, 2 CSV
    for (const char* plot : {"weights", "activations", "variance", "gradients", "figure"}) {
      const bool figure = QByteArray(plot) == "figure";
      const QImage png(dir.filePath(QString(plot) + ".png"));
      QVERIFY2(!png.isNull(), plot);
      QCOMPARE(png.size(), figure ? QSize(1280, 960) : QSize(640, 480));
      const QByteArray svg = read(dir.filePath(QString(plot) + ".svg"));
      QVERIFY2(svg.startsWith("<?xml") && svg.contains("<svg"), plot);
      QVERIFY(svg.contains("</svg>"));
      QVERIFY2(read(dir.filePath(QString(plot) + ".pdf")).startsWith("%PDF"), plot);
    }
    QCOMPARE(read(dir.filePath("stats.csv")), QByteArray::fromStdString(stats_csv(small_result())));
    QCOMPARE(read(dir.filePath("histograms.csv")),
             QByteArray::fromStdString(histograms_csv(small_result())));
  }

  void csv_carries_the_bands() {
    QTemporaryDir dir;
    ExportOptions options;
    options.formats = {ExportFormat::csv};
    const ExportReport without = export_result(small_result(), dir.path(), options);
    QVERIFY2(without.ok(), qPrintable(without.error));
    QCOMPARE(without.written.size(), 2);
    QVERIFY(!QFileInfo::exists(dir.filePath("bands.csv")));

    const SeedBands bands = small_bands();  // a copy: export_result only borrows it
    options.bands = &bands;
    const ExportReport with = export_result(small_result(), dir.path(), options);
    QVERIFY2(with.ok(), qPrintable(with.error));
    QCOMPARE(with.written, QStringList({dir.filePath("stats.csv"), dir.filePath("histograms.csv"),
                                        dir.filePath("bands.csv")}));
    const QByteArray written = read(dir.filePath("bands.csv"));
    QCOMPARE(written, QByteArray::fromStdString(bands_csv(bands)));
    QVERIFY(written.startsWith("layer,column,seeds,mean,min,max\n0,"));
  }

  void images_draw_the_bands() {
    // The same plot with and without bands: the bands add pixels, never take the plot away.
    QTemporaryDir dir;
    ExportOptions options;
    options.plots = {PlotKind::variance, PlotKind::gradients};
    options.figure = false;
    options.size = QSize(640, 480);
    QVERIFY(export_result(small_result(), dir.filePath("plain"), options).ok());
    options.bands = &small_bands();
    const ExportReport report = export_result(small_result(), dir.filePath("bands"), options);
    QVERIFY2(report.ok(), qPrintable(report.error));
    QCOMPARE(report.written.size(), 2);  // images only: no bands.csv without the csv format
    for (const char* plot : {"variance.png", "gradients.png"}) {
      const QImage plain(dir.filePath(QString("plain/") + plot));
      const QImage banded(dir.filePath(QString("bands/") + plot));
      QCOMPARE(banded.size(), QSize(640, 480));
      QVERIFY2(plain != banded, plot);
    }
  }

  void png_is_not_blank() {
    QTemporaryDir dir;
    ExportOptions options;
    options.plots = {PlotKind::variance};
    options.figure = false;
    QVERIFY(export_result(small_result(), dir.path(), options).ok());
    const QImage image(dir.filePath("variance.png"));
    // A drawn plot has many colors: background, axes, two series, text.
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 3) {
      for (int x = 0; x < image.width(); x += 3) colors.insert(image.pixel(x, y));
    }
    QVERIFY2(colors.size() > 10, qPrintable(QString::number(colors.size())));
  }

  void histograms_csv_shape() {
    const QList<QByteArray> lines =
        QByteArray::fromStdString(histograms_csv(small_result())).trimmed().split('\n');
    QCOMPARE(lines.first(), QByteArray("layer,tensor,bin,left,right,count"));
    // Input: activations and gradients; 6 layers: all four tensors; 64 bins each.
    QCOMPARE(lines.size() - 1, 64 * (2 + 6 * 4));
  }

  void failure_is_reported() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir("weights.png"));  // a folder where the file should go
    const ExportReport report = export_result(small_result(), dir.path(), {});
    QVERIFY(!report.ok());
    QVERIFY2(report.error.contains("weights.png"), qPrintable(report.error));
    QVERIFY(QFileInfo(dir.filePath("weights.png")).isDir());
    QFile file(dir.filePath("a_file"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const ExportReport nested = export_result(small_result(), dir.filePath("a_file/sub"), {});
    QVERIFY(!nested.ok());
    QVERIFY2(nested.error.startsWith("cannot create"), qPrintable(nested.error));
  }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
