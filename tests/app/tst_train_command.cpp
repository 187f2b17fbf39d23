// `initscope train`, as a separate process: the three files, --steps, the summary alone when
// stderr is not a terminal, Ctrl+C (exit 130 with what was done), and bad input (exit 2, one line,
// nothing written): no train object, a missing data folder.
#include <signal.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/process.h"

namespace {

using Result = initscope::testing::ProcessResult;

QByteArray read(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString write_config(const QTemporaryDir& dir, const QByteArray& text) {
  const QString path = dir.filePath("config.json");
  QFile file(path);
  if (file.open(QIODevice::WriteOnly)) file.write(text);
  return path;
}

const QByteArray kTeacher = R"({"version": 1, "input": {"dim": 8},
  "network": {"depth": 2, "width": 16}, "norm": {"name": "batch"},
  "train": {"task": "teacher", "steps": 12, "batch": 16, "eval_every": 5, "eval_size": 64}})";

}  // namespace

class TestTrainCommand : public QObject {
  Q_OBJECT

 private slots:
  void writes_the_three_files() {
    QTemporaryDir dir;
    const QString config = write_config(dir, kTeacher);
    const Result r = initscope::testing::run_initscope(
        {"train", config, "--out", dir.filePath("out"), "--threads", "1"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));  // no progress line off a terminal
    QVERIFY2(r.out.startsWith("trained 12 steps; eval loss "), qPrintable(r.out));
    const QList<QByteArray> rows = read(dir.filePath("out/train.csv")).trimmed().split('\n');
    QCOMPARE(rows.size(), 14);  // header, steps 0..12
    QCOMPARE(rows.first(), QByteArray("step,train_loss,train_acc,eval_loss,eval_acc,status"));
    QVERIFY(rows.last().startsWith("12,,,"));
    const QList<QByteArray> layers = read(dir.filePath("out/train_layers.csv")).trimmed().split('\n');
    QCOMPARE(layers.size(), 1 + 3 * 2);  // steps 0, 5, 10 × 2 blocks
    QVERIFY(read(dir.filePath("out/stats.csv")).startsWith("layer,weight_mean,"));

    // --steps overrides the file, and the bytes do not depend on the thread count.
    const Result two = initscope::testing::run_initscope(
        {"train", config, "--out", dir.filePath("two"), "--steps", "12", "--threads", "2"});
    QCOMPARE(two.exit_code, 0);
    for (const char* name : {"train.csv", "train_layers.csv", "stats.csv"}) {
      QVERIFY2(read(dir.filePath(QString("two/") + name)) ==
                   read(dir.filePath(QString("out/") + name)),
               name);
    }
    const Result three = initscope::testing::run_initscope({"train", config, "--steps", "3"});
    QVERIFY2(three.out.startsWith("trained 3 steps"), qPrintable(three.out));
  }

  // Ctrl+C: the step under way finishes, the files hold what was done, the exit code is 130.
  void ctrl_c_stops_after_the_current_step() {
    QTemporaryDir dir;
    QByteArray long_run = kTeacher;
    long_run.replace("\"steps\": 12", "\"steps\": 1000000");
    const QString config = write_config(dir, long_run);
    QProcess process;
    process.start(QStringLiteral(INITSCOPE_EXE), {"train", config, "--out", dir.filePath("out")});
    QVERIFY(process.waitForStarted());
    QTest::qWait(700);
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY2(out.startsWith("stopped after "), qPrintable(out));
    const QList<QByteArray> rows = read(dir.filePath("out/train.csv")).trimmed().split('\n');
    QVERIFY(rows.size() > 2);
    QVERIFY(rows.last().endsWith(",ok"));
    QVERIFY(!rows.last().startsWith("1000000,"));
  }

  void bad_input_is_one_line_and_writes_nothing_data() {
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("message");
    QTest::newRow("no train object")
        << QByteArray(R"({"version": 1})")
        << "has no \"train\" object, so there is nothing to train";
    QTest::newRow("missing data folder")
        << QByteArray(R"({"version": 1, "train": {"data_dir": "/nonexistent/fm"}})")
        << "/nonexistent/fm/train-images-idx3-ubyte.gz: cannot open (No such file or directory); "
           "install Debian's package dataset-fashion-mnist";
    QTest::newRow("bad steps in the file")
        << QByteArray(R"({"version": 1, "train": {"steps": -1}})")
        << "train.steps: must be between 0 and 1000000, got -1";
  }
  void bad_input_is_one_line_and_writes_nothing() {
    QFETCH(QByteArray, config);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = write_config(dir, config);
    const Result r =
        initscope::testing::run_initscope({"train", path, "--out", dir.filePath("out")});
    QCOMPARE(r.exit_code, 2);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.startsWith("initscope train: ") && r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(dir.filePath("out")));
  }

  void bad_arguments() {
    const Result r = initscope::testing::run_initscope({"train", "x.json", "--steps", "many"});
    QCOMPARE(r.exit_code, 2);
    QCOMPARE(r.err, QString("initscope train: --steps takes a whole number from 0 to 1000000, "
                            "not \"many\"\n"));
  }
};

QTEST_GUILESS_MAIN(TestTrainCommand)
#include "tst_train_command.moc"
