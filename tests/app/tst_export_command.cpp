// `initscope export`, as a separate process: the files it writes and its bad arguments.
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/process.h"

namespace {

using Result = initscope::testing::ProcessResult;
Result run(const QStringList& args) {
  return initscope::testing::run_initscope(args);
}

const QString kExample =
    QStringLiteral(INITSCOPE_SOURCE_DIR "/resources/examples/tanh_xavier_uniform.json");

}  // namespace

class TestExportCommand : public QObject {
  Q_OBJECT

 private slots:
  void default_export() {
    QTemporaryDir dir;
    const Result r = run({"export", kExample, "--out", dir.path()});
    QCOMPARE(r.exit_code, 0);
    for (const char* name :
         {"weights.png", "activations.svg", "variance.pdf", "gradients.png", "figure.png",
          "figure.svg", "figure.pdf", "stats.csv", "histograms.csv"}) {
      QVERIFY2(QFileInfo(dir.filePath(name)).size() > 0, name);
      QVERIFY2(r.out.contains(dir.filePath(name)), name);
    }
    QCOMPARE(QImage(dir.filePath("weights.png")).size(), QSize(1000, 750));
    QCOMPARE(QImage(dir.filePath("figure.png")).size(), QSize(2000, 1500));
  }

  void chosen_formats_size_and_theme() {
    QTemporaryDir dir;
    const Result r = run({"export", kExample, "--out", dir.path(), "--format", "png,svg", "--size",
                          "800x600", "--theme", "dark"});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(QImage(dir.filePath("variance.png")).size(), QSize(800, 600));
    QVERIFY(QFileInfo::exists(dir.filePath("variance.svg")));
    QVERIFY(!QFileInfo::exists(dir.filePath("variance.pdf")));
    QVERIFY(!QFileInfo::exists(dir.filePath("stats.csv")));
    // Dark theme: the corner of the plot is dark.
    QVERIFY(qGray(QImage(dir.filePath("variance.png")).pixel(2, 2)) < 80);
  }

  void bad_arguments_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no --out") << QStringList{"export", kExample} << "expected CONFIG --out DIR";
    QTest::newRow("no config") << QStringList{"export", "--out", "/tmp/x"}
                               << "expected CONFIG --out DIR";
    QTest::newRow("unknown format")
        << QStringList{"export", kExample, "--out", "/tmp/x", "--format", "png,jpg"}
        << R"(unknown format "jpg")";
    QTest::newRow("format typo") << QStringList{"export", kExample,   "--out",
                                                "/tmp/x", "--format", "svgg"}
                                 << R"(did you mean "svg"?)";
    QTest::newRow("tiny size") << QStringList{"export", kExample, "--out",
                                              "/tmp/x", "--size", "10x10"}
                               << "--size takes WIDTHxHEIGHT";
    QTest::newRow("bad size") << QStringList{"export", kExample, "--out", "/tmp/x", "--size", "big"}
                              << "--size takes WIDTHxHEIGHT";
    QTest::newRow("unknown theme")
        << QStringList{"export", kExample, "--out", "/tmp/x", "--theme", "darkk"}
        << R"(unknown theme "darkk" (did you mean "dark"?))";
    QTest::newRow("missing config")
        << QStringList{"export", "/nonexistent.json", "--out", "/tmp/x"} << "/nonexistent.json";
    QTest::newRow("unknown option")
        << QStringList{"export", kExample, "--out", "/tmp/x", "--dpi", "300"}
        << "unknown option --dpi";
  }
  void bad_arguments() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.err.count('\n'), 1);
  }

  void unwritable_folder_is_exit_1() {
    QTemporaryDir dir;
    QFile file(dir.filePath("a_file"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const Result r = run({"export", kExample, "--out", dir.filePath("a_file/out")});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("cannot create"), qPrintable(r.err));
    QCOMPARE(r.err.count('\n'), 1);
  }
};

QTEST_GUILESS_MAIN(TestExportCommand)
#include "tst_export_command.moc"
