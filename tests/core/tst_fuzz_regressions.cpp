// Replays what the config fuzzer (tests/fuzz, `make fuzz`) found, through the very logic of the
// fuzz target (tests/fuzz/fuzz_one.h): every saved input in tests/fuzz/regressions must end in a
// run or a refusal (an InputError), never in another exception, a broken round trip or a crash.
// The seeds the fuzzer starts from (the examples, the lessons, tests/fuzz/seeds) go through the
// same logic and must run, so this test checks something even while no finding is saved.
#include <QtTest>

#include <exception>
#include <string>

#include "core/error.h"
#include "tests/fuzz/fuzz_dict.h"
#include "tests/fuzz/fuzz_one.h"

using namespace initscope;

namespace {

const QString kSourceDir = QStringLiteral(INITSCOPE_SOURCE_DIR);

std::string read_file(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll().toStdString();
}

// The files of a folder of the source tree, as data rows named "<folder>/<file>", with the extra
// columns `more` adds.
template <typename... Extra>
void add_rows(const QString& folder, const QStringList& filters, Extra... more) {
  const QDir dir(kSourceDir + '/' + folder);
  for (const QString& name : dir.entryList(filters, QDir::Files, QDir::Name)) {
    ((QTest::newRow(qPrintable(folder + '/' + name)) << dir.filePath(name)) << ... << more);
  }
}

// fuzz_one's outcome, or a failure message naming what escaped.
QString replay(const QString& path, fuzz::Outcome& outcome) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return "cannot read " + path;
  const std::string text = file.readAll().toStdString();
  try {
    outcome = fuzz::fuzz_one(text);
    return {};
  } catch (const fuzz::Finding& e) {
    return QString("broken invariant: ") + e.what();
  } catch (const std::exception& e) {
    return QString("an exception other than InputError: ") + e.what();
  } catch (...) {
    return QStringLiteral("an exception of an unknown type");
  }
}

}  // namespace

class TestFuzzRegressions : public QObject {
  Q_OBJECT

 private slots:
  void regression_is_refused_or_runs_data() {
    QTest::addColumn<QString>("path");
    add_rows(QStringLiteral("tests/fuzz/regressions"), {});
    if (QDir(kSourceDir + "/tests/fuzz/regressions").entryList(QDir::Files).isEmpty()) {
      QTest::newRow("none saved") << QString();
    }
  }
  void regression_is_refused_or_runs() {
    QFETCH(QString, path);
    if (path.isEmpty()) QSKIP("tests/fuzz/regressions holds no input yet");
    fuzz::Outcome outcome{};
    const QString failure = replay(path, outcome);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
  }

  // The seeds are valid configs, and each gets all the way through the clamped run: the examples,
  // the lessons and the hand-written ones of tests/fuzz/seeds (conv2d stacks among them).
  void seed_is_refused_or_runs_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("must_run");
    const QStringList json{QStringLiteral("*.json")};
    add_rows(QStringLiteral("resources/examples"), json, true);
    add_rows(QStringLiteral("resources/lessons"), json, true);
    add_rows(QStringLiteral("tests/fuzz/seeds"), json, true);
  }
  void seed_is_refused_or_runs() {
    QFETCH(QString, path);
    QFETCH(bool, must_run);
    fuzz::Outcome outcome{};
    const QString failure = replay(path, outcome);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    if (must_run) QVERIFY2(outcome == fuzz::Outcome::ran, "the seed was refused");
  }

  // Clamping keeps a config valid where it can: group counts follow the width down.
  void clamp_keeps_groups_dividing_the_width() {
    Config c;
    c.network.width = 12;
    c.norm.name = Norm::group;
    c.norm.groups = 6;
    c.init.args.groups = 4;
    const Config tiny = fuzz::clamp_to_tiny(c);
    QCOMPARE(tiny.network.width, fuzz::kMaxWidth);
    QCOMPARE(tiny.norm.groups, std::int64_t{2});
    QCOMPARE(tiny.init.args.groups, std::int64_t{4});
    validate(tiny);
  }

  void dictionary_is_current() {
    const std::string committed = read_file(kSourceDir + QStringLiteral("/tests/fuzz/config.dict"));
    QVERIFY2(committed == fuzz::dictionary(),
             "tests/fuzz/config.dict differs from what tests/fuzz/fuzz_dict.h generates: run "
             "`make fuzz-dict`");
  }
};

QTEST_APPLESS_MAIN(TestFuzzRegressions)
#include "tst_fuzz_regressions.moc"
