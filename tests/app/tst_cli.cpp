// The command line, run as a separate process: output, exit codes (SPEC section 5), messages.
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/process.h"

#include <cmath>

namespace {

using Result = initscope::testing::ProcessResult;

Result run(const QStringList& args) {
  return initscope::testing::run_initscope(args);
}

// The number after "<label>:" on its line of the gain command's output; NaN when absent.
double value_after(const QString& out, const QString& label) {
  for (const QString& line : out.split('\n')) {
    if (line.startsWith(label + ":")) {
      bool ok = false;
      const double value = line.mid(label.size() + 1).simplified().section(' ', 0, 0).toDouble(&ok);
      return ok ? value : std::nan("");
    }
  }
  return std::nan("");
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT

 private slots:
  void gain_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("torch_text");  // exactly as printed: Python's repr of the double
    QTest::addColumn<double>("empirical");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("tanh") << QStringList{"gain", "tanh"} << "1.6666666666666667" << 1.5925 << 1e-3;
    QTest::newRow("selu") << QStringList{"gain", "selu"} << "0.75" << 1.0 << 1e-3;
    QTest::newRow("relu") << QStringList{"gain", "relu"} << "1.4142135623730951" << std::sqrt(2.0)
                          << 1e-12;
    QTest::newRow("leaky_relu 0.2") << QStringList{"gain", "leaky_relu", "0.2"}
                                    << "1.3867504905630728" << std::sqrt(2 / 1.04) << 1e-12;
    QTest::newRow("linear") << QStringList{"gain", "linear"} << "1.0" << 1.0 << 1e-12;
    QTest::newRow("conv2d") << QStringList{"gain", "conv2d"} << "1.0" << 1.0 << 1e-12;
  }
  void gain() {
    QFETCH(QStringList, args);
    QFETCH(QString, torch_text);
    QFETCH(double, empirical);
    QFETCH(double, tolerance);
    const Result r = run(args);
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("torch gain:      " + torch_text + "  "), qPrintable(r.out));
    const double got = value_after(r.out, "empirical gain");
    QVERIFY2(std::abs(got - empirical) <= tolerance, qPrintable(r.out));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
  }

  void gain_of_an_activation_torch_lacks() {
    const Result r = run({"gain", "gelu"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("torch gain:      none"), qPrintable(r.out));
    QVERIFY(std::abs(value_after(r.out, "empirical gain") - 1.5335304411955) < 1e-9);
  }

  void bad_input_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown name") << QStringList{"gain", "tanhh"}
                                  << R"(unknown nonlinearity "tanhh" (did you mean "tanh"?))";
    QTest::newRow("no name") << QStringList{"gain"} << "expected NAME [PARAM]";
    QTest::newRow("too many") << QStringList{"gain", "relu", "1", "2"} << "expected NAME [PARAM]";
    QTest::newRow("param not a number") << QStringList{"gain", "leaky_relu", "abc"}
                                        << R"(PARAM must be a finite number, not "abc")";
    QTest::newRow("param nan") << QStringList{"gain", "leaky_relu", "nan"}
                               << "PARAM must be a finite number";
    QTest::newRow("unknown command")
        << QStringList{"gian", "relu"} << R"(unknown command "gian" (did you mean "gain"?))";
  }
  void bad_input() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.err.count('\n'), 1);  // one clear line
    QVERIFY(r.out.isEmpty());
  }

  void without_a_display_the_plots_become_files() {
    // No DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM: `initscope` says so and exports instead.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
      environment.remove(name);
    QTemporaryDir dir;
    const Result r = initscope::testing::run_initscope({}, 120000, environment, dir.path());
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.err.contains("no display") && r.err.contains("./initscope-out/"), qPrintable(r.err));
    for (const char* name : {"figure.png", "weights.png", "stats.csv", "histograms.csv"}) {
      QVERIFY2(QFileInfo(dir.filePath(QString("initscope-out/") + name)).size() > 0, name);
    }
  }

  void help_and_version() {
    const Result r = run({"--help"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.contains("Usage:"));
    for (const char* command :
         {"initscope gui [CONFIG]", "initscope run CONFIG", "initscope train CONFIG",
          "initscope export CONFIG --out DIR", "initscope gain NAME [PARAM]"}) {
      QVERIFY2(r.out.contains(command), command);
    }
    const Result v = run({"--version"});
    QCOMPARE(v.exit_code, 0);
    QCOMPARE(v.out, QStringLiteral("initscope " INITSCOPE_VERSION "\n"));
  }

  // `run` and `gain` do not load Qt (it cost 24 ms of start-up): the dynamic loader's own list of
  // what it loads (LD_DEBUG=libs) names no Qt library. `export` does, through initscope-gui.
  void run_and_gain_load_no_qt_library() {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("LD_DEBUG", "libs");
    QTemporaryDir dir;
    const QString config = dir.filePath("tiny.json");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"version": 1, "network": {"depth": 2, "width": 4}, "input": {"dim": 4, "batch": 8}})");
    file.close();
    const QStringList loads_no_qt[] = {{"run", config}, {"gain", "tanh"}, {"--version"}};
    for (const QStringList& args : loads_no_qt) {
      const Result r = initscope::testing::run_initscope(args, 120000, environment);
      QCOMPARE(r.exit_code, 0);
      QVERIFY2(r.err.contains("calling init:"), qPrintable(r.err));  // LD_DEBUG took effect
      QVERIFY2(!r.err.contains("libQt6"), qPrintable(args.join(' ') + "\n" + r.err));
    }
    const Result e = initscope::testing::run_initscope(
        {"export", config, "--out", dir.filePath("out"), "--format", "csv"}, 120000, environment);
    QCOMPARE(e.exit_code, 0);
    QVERIFY(e.err.contains("libQt6Widgets"));
  }

  // Without the window's program beside it, `initscope` still runs experiments and says plainly
  // what is missing for the window.
  void a_lone_initscope_runs_and_names_the_missing_window_program() {
    QTemporaryDir dir;
    const QString lone = dir.filePath("initscope");
    QVERIFY(QFile::copy(QStringLiteral(INITSCOPE_EXE), lone));
    const QString config = dir.filePath("tiny.json");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"version": 1, "network": {"depth": 2, "width": 4}, "input": {"dim": 4, "batch": 8}})");
    file.close();
    QProcess process;
    process.start(lone, {"run", config});
    QVERIFY(process.waitForFinished(120000));
    QCOMPARE(process.exitCode(), 0);
    for (const QStringList& args : {QStringList{}, QStringList{"export", config, "--out", "x"}}) {
      process.start(lone, args);
      QVERIFY(process.waitForFinished(120000));
      QCOMPARE(process.exitCode(), 1);
      const QString err = QString::fromUtf8(process.readAllStandardError());
      QCOMPARE(err.count('\n'), 1);
      QVERIFY2(err.startsWith("initscope: the window's program initscope-gui is not installed "
                              "(looked for " + dir.filePath("initscope-gui")),
               qPrintable(err));
    }
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
