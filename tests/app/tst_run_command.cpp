// `initscope run`, as a separate process: the examples, the files it writes, determinism through
// the binary, and bad input (exit 2, one line, nothing written).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/process.h"

namespace {

using Result = initscope::testing::ProcessResult;

Result run(const QStringList& args) {
  return initscope::testing::run_initscope(args);
}

QByteArray read(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void write(const QString& path, const QByteArray& text) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(text);
}

const QString kExamples = QStringLiteral(INITSCOPE_SOURCE_DIR "/resources/examples");

// A small experiment, quick to run.
const QByteArray kSmall = R"({"version": 1, "input": {"dim": 32, "batch": 64},
  "network": {"depth": 4, "width": 32}, "norm": {"name": "layer"}})";

}  // namespace

class TestRunCommand : public QObject {
  Q_OBJECT

 private slots:
  void every_example_runs_data() {
    QTest::addColumn<QString>("file");
    const QStringList files = QDir(kExamples).entryList({"*.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 6);
    for (const QString& file : files) QTest::newRow(qPrintable(file)) << file;
  }
  void every_example_runs() {
    QFETCH(QString, file);
    QTemporaryDir dir;
    const Result r = run({"run", kExamples + "/" + file, "--out", dir.path()});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("layer  weight_std"), qPrintable(r.out));

    const QList<QByteArray> lines = read(dir.filePath("stats.csv")).trimmed().split('\n');
    QCOMPARE(lines.first(),
             QByteArray("layer,weight_mean,weight_std,weight_min,weight_max,preact_mean,preact_var,"
                        "act_mean,act_var,act_saturated_frac,act_zero_frac,dead_unit_frac,"
                        "grad_act_var,grad_preact_var,grad_weight_std,grad_data_ratio,status"));
    const QJsonObject stats = QJsonDocument::fromJson(read(dir.filePath("stats.json"))).object();
    const int depth = stats["config"].toObject()["network"].toObject()["depth"].toInt();
    QVERIFY(depth > 0);
    QCOMPARE(lines.size(), depth + 2);  // header, input row, one row per layer
    const QJsonArray layers = stats["layers"].toArray();
    QCOMPARE(layers.size(), depth + 1);
    const QJsonObject histograms = layers[1].toObject()["histograms"].toObject();
    QCOMPARE(histograms["weights"].toObject()["counts"].toArray().size(), 64);
    QCOMPARE(histograms["activations"].toObject()["edges"].toArray().size(), 65);
    for (const QByteArray& line : lines.mid(1)) QVERIFY(line.endsWith(",ok"));
  }

  void header_names_what_the_stack_is() {
    QTemporaryDir dir;
    const Result conv =
        run({"run", kExamples + "/conv_relu_kaiming_groupnorm.json", "--out", dir.path()});
    QCOMPARE(conv.exit_code, 0);
    const QString conv_header = conv.out.section('\n', 0, 0);
    QVERIFY2(conv_header.endsWith("group norm pre, depth 20, width 64, kernel 3, input 3×32×32, "
                                  "batch 16, seed 0"),
             qPrintable(conv_header));
    const Result mlp = run({"run", kExamples + "/relu_kaiming_normal.json", "--out", dir.path()});
    const QString mlp_header = mlp.out.section('\n', 0, 0);
    QVERIFY2(mlp_header.endsWith("depth 30, width 512, input 512, batch 256, seed 0"),
             qPrintable(mlp_header));
  }

  void same_config_same_bytes() {
    QTemporaryDir dir;
    write(dir.filePath("c.json"), kSmall);
    QCOMPARE(run({"run", dir.filePath("c.json"), "--out", dir.filePath("a")}).exit_code, 0);
    QCOMPARE(run({"run", dir.filePath("c.json"), "--out", dir.filePath("b"), "--threads", "1"})
                 .exit_code,
             0);
    QCOMPARE(run({"run", dir.filePath("c.json"), "--out", dir.filePath("c"), "--threads", "2"})
                 .exit_code,
             0);
    const QByteArray a = read(dir.filePath("a/stats.csv"));
    QVERIFY(!a.isEmpty());
    QCOMPARE(read(dir.filePath("b/stats.csv")), a);
    QCOMPARE(read(dir.filePath("c/stats.csv")), a);
    QByteArray other = kSmall;
    other.replace("\"version\": 1", "\"version\": 1, \"seed\": 7");
    write(dir.filePath("d.json"), other);
    QCOMPARE(run({"run", dir.filePath("d.json"), "--out", dir.filePath("d")}).exit_code, 0);
    QVERIFY(read(dir.filePath("d/stats.csv")) != a);
  }

  void bad_config_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray("{\"version\": 1,,}") << "bad.json: line 1, column 15:";
    QTest::newRow("NaN") << QByteArray(R"({"version": 1, "init": {"std": NaN}})")
                         << "NaN is not valid JSON";
    QTest::newRow("empty file") << QByteArray("") << "bad.json: line 1, column 1:";
    QTest::newRow("array at top") << QByteArray("[1]") << "the top level must be an object";
    QTest::newRow("no version") << QByteArray("{}") << "version: missing";
    QTest::newRow("version 2") << QByteArray(R"({"version": 2})") << "unsupported version 2";
    QTest::newRow("depth 0") << QByteArray(R"({"version": 1, "network": {"depth": 0}})")
                             << "network.depth: must be between 1 and 1000, got 0";
    QTest::newRow("depth 1001") << QByteArray(R"({"version": 1, "network": {"depth": 1001}})")
                                << "network.depth: must be between 1 and 1000";
    QTest::newRow("negative width") << QByteArray(R"({"version": 1, "network": {"width": -5}})")
                                    << "network.width: must be between 1 and 8192";
    QTest::newRow("width as string") << QByteArray(R"({"version": 1, "network": {"width": "256"}})")
                                     << "network.width: expected an integer";
    QTest::newRow("fractional batch") << QByteArray(R"({"version": 1, "input": {"batch": 2.5}})")
                                      << "input.batch: expected an integer";
    QTest::newRow("huge batch") << QByteArray(R"({"version": 1, "input": {"batch": 1e9}})")
                                << "input.batch: must be between 1 and 65536";
    QTest::newRow("unknown scheme")
        << QByteArray(R"({"version": 1, "init": {"scheme": "kaimng_normal"}})")
        << R"(init.scheme: unknown scheme "kaimng_normal" (did you mean "kaiming_normal"?))";
    QTest::newRow("unknown activation")
        << QByteArray(R"({"version": 1, "activation": {"name": "rellu"}})")
        << R"(did you mean "relu"?)";
    QTest::newRow("unknown norm") << QByteArray(R"({"version": 1, "norm": {"name": "batchnorm"}})")
                                  << R"(unknown norm "batchnorm")";
    QTest::newRow("groups not dividing")
        << QByteArray(
               R"({"version": 1, "network": {"width": 100}, "norm": {"name": "group", "groups": 32}})")
        << "norm.groups: 32 does not divide network.width 100";
    QTest::newRow("instance on mlp")
        << QByteArray(R"({"version": 1, "norm": {"name": "instance"}})")
        << "needs network.type \"conv2d\"";
    QTest::newRow("negative std")
        << QByteArray(R"({"version": 1, "init": {"scheme": "normal", "std": -1}})")
        << "std must be a finite number >= 0";
    QTest::newRow("sparsity 2")
        << QByteArray(R"({"version": 1, "init": {"scheme": "sparse", "sparsity": 2}})")
        << "sparsity must lie in [0, 1]";
    QTest::newRow("dirac on mlp") << QByteArray(R"({"version": 1, "init": {"scheme": "dirac"}})")
                                  << "dirac: needs a 3-D to 5-D tensor";
    QTest::newRow("kaiming fan_avg")
        << QByteArray(R"({"version": 1, "init": {"scheme": "kaiming_normal", "mode": "fan_avg"}})")
        << "mode must be fan_in or fan_out";
    QTest::newRow("bad gain") << QByteArray(R"({"version": 1, "init": {"gain": "large"}})")
                              << "init.gain";
    QTest::newRow("duplicate key")
        << QByteArray("{\"version\": 1, \"seed\": 1, \"seed\": 2}") << "duplicate key \"seed\"";
    QTest::newRow("eps zero") << QByteArray(
                                     R"({"version": 1, "norm": {"name": "layer", "eps": 0}})")
                              << "norm.eps";
    QTest::newRow("batch norm on one sample")
        << QByteArray(R"({"version": 1, "input": {"batch": 1}, "norm": {"name": "batch"}})")
        << "norm.name: batch norm needs input.batch of at least 2, got 1";
    QTest::newRow("bias not bool")
        << QByteArray(R"({"version": 1, "network": {"bias": 1}})") << "network.bias";
  }
  void bad_config() {
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    QTemporaryDir dir;
    write(dir.filePath("bad.json"), text);
    const QString out = dir.filePath("out");
    QDir::setCurrent(dir.path());  // so the message names the file as given: bad.json
    const Result r = run({"run", "bad.json", "--out", out});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.startsWith("initscope run: bad.json: "), qPrintable(r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(!QFileInfo::exists(out), "nothing may be written on bad input");
  }

  void bad_command_lines_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing file") << QStringList{"run", "/nonexistent/x.json"}
                                  << "/nonexistent/x.json";
    QTest::newRow("a directory") << QStringList{"run", "/tmp"} << "/tmp";
    QTest::newRow("no config") << QStringList{"run"} << "expected CONFIG";
    QTest::newRow("--out without value")
        << QStringList{"run", "x.json", "--out"} << "--out needs a value";
    QTest::newRow("unknown option")
        << QStringList{"run", "x.json", "--fast"} << "unknown option --fast";
    QTest::newRow("bad memory") << QStringList{"run", "x.json", "--max-memory", "lots"}
                                << "--max-memory takes a size";
    QTest::newRow("zero threads") << QStringList{"run", "x.json", "--threads", "0"}
                                  << "--threads takes a whole number";
  }
  void bad_command_lines() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.err.count('\n'), 1);
  }

  void over_the_memory_limit() {
    QTemporaryDir dir;
    write(dir.filePath("c.json"), kSmall);
    const Result r =
        run({"run", dir.filePath("c.json"), "--max-memory", "64K", "--out", dir.filePath("o")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.contains("the run needs about") && r.err.contains("over the limit of 64.0 KiB"),
             qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(dir.filePath("o")));
  }

  void unwritable_output_is_exit_1() {
    QTemporaryDir dir;
    write(dir.filePath("c.json"), kSmall);
    write(dir.filePath("a_file"), "x");  // a folder cannot be made under a regular file
    const Result r = run({"run", dir.filePath("c.json"), "--out", dir.filePath("a_file/out")});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.startsWith("initscope run: cannot create"), qPrintable(r.err));
    QCOMPARE(read(dir.filePath("a_file")), QByteArray("x"));
  }

  void warnings_do_not_stop_the_run() {
    QTemporaryDir dir;
    QByteArray text = kSmall;
    text.replace("\"version\": 1", "\"version\": 1, \"sede\": 3");
    write(dir.filePath("c.json"), text);
    const Result r = run({"run", dir.filePath("c.json")});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.err.contains("warning:") && r.err.contains("sede") &&
                 r.err.contains("did you mean \"seed\"?"),
             qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestRunCommand)
#include "tst_run_command.moc"
