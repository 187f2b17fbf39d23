// Every file the window writes goes through write_file_atomically (core/io/atomic_file.h): a failed
// write gives a clear error and leaves the file that was there byte for byte, with no temporary
// left behind.
// A full disk is simulated with RLIMIT_FSIZE (writes past the limit fail with EFBIG), which works
// for root too; so does a folder that cannot exist because its parent is a regular file. A
// read-only folder stops only a user without CAP_DAC_OVERRIDE, so that case is skipped as root.
// Through the write itself, an export, and the window's File > Save.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "core/io/config_io.h"
#include "core/run.h"
#include "ui/atomic_write.h"
#include "ui/control_panel.h"
#include "ui/export.h"
#include "ui/main_window.h"

using namespace initscope;
using namespace initscope::ui;

namespace {

QByteArray read(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

void write_plain(const QString& path, const QByteArray& data) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  QCOMPARE(file.write(data), data.size());
}

// While alive, no file of this process may grow past `bytes`: a disk with that much room.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = signal(SIGXFSZ, SIG_IGN);  // else the kernel kills the process at the limit
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &limit) == 0;
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  sighandler_t previous_ = SIG_DFL;
  bool ok_ = false;
};

Result small_result() {
  Config config;
  config.network.depth = 3;
  config.network.width = 16;
  config.input.dim = 16;
  config.input.batch = 32;
  return run(config);
}

}  // namespace

class TestAtomicWrite : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("InitScopeTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_atomic_write"));
  }
  void cleanupTestCase() { QSettings().clear(); }

  void replaces_the_whole_file() {
    QTemporaryDir dir;
    const QString path = dir.filePath("a.json");
    write_plain(path, QByteArray(5000, 'o'));
    QCOMPARE(write_file_atomically(path, "new"), QString());
    QCOMPARE(read(path), QByteArray("new"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"a.json"});
  }

  void a_full_disk_keeps_the_old_file_data() {
    QTest::addColumn<int>("room");
    QTest::addColumn<int>("size");
    // A small file fails only when it is flushed: Qt 6.4's QSaveFile, buffered, then renamed the
    // truncated temporary over the old file and reported success.
    QTest::newRow("small file, 16 bytes of room") << 16 << 300;
    QTest::newRow("1 MiB, 64 KiB of room") << 64 * 1024 << (1 << 20);
  }
  void a_full_disk_keeps_the_old_file() {
    QFETCH(int, room);
    QFETCH(int, size);
    QTemporaryDir dir;
    const QString path = dir.filePath("stats.csv");
    const QByteArray old = "layer,act_var\n0,1\n";
    write_plain(path, old);
    QString error;
    {
      FileSizeLimit limit(static_cast<rlim_t>(room));
      QVERIFY(limit.ok());
      error = write_file_atomically(path, QByteArray(size, 'x'));
    }
    QVERIFY2(error.startsWith("cannot write " + path + ": "), qPrintable(error));
    QCOMPARE(read(path), old);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"stats.csv"});  // no temporary
  }

  void a_folder_under_a_file_is_an_error() {
    QTemporaryDir dir;
    write_plain(dir.filePath("a_file"), "x");
    const QString path = dir.filePath("a_file/out.json");
    const QString error = write_file_atomically(path, "{}");
    QVERIFY2(error.startsWith("cannot write " + path + ": "), qPrintable(error));
    QCOMPARE(read(dir.filePath("a_file")), QByteArray("x"));
  }

  void a_read_only_folder_keeps_the_old_file() {
    if (geteuid() == 0) QSKIP("root writes into read-only folders; the cases above stand in");
    QTemporaryDir dir;
    const QString path = dir.filePath("a.json");
    write_plain(path, "old");
    QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
    const QString error = write_file_atomically(path, "new");
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY2(error.startsWith("cannot write " + path + ": "), qPrintable(error));
    QCOMPARE(read(path), QByteArray("old"));
  }

  // File > Save onto a full disk: a dialog names the file and the reason, the file keeps the
  // experiment it had, and the window still counts the experiment as unsaved.
  void saving_onto_a_full_disk_keeps_the_old_file() {
    QTemporaryDir dir;
    const QString path = dir.filePath("experiment.json");
    Config saved;
    saved.network.depth = 4;
    const std::string text = config_to_json(saved);
    write_plain(path, QByteArray(text.data(), static_cast<qsizetype>(text.size())));
    const QByteArray old = read(path);
    MainWindow window;
    QVERIFY(window.openFile(path));
    Config changed = saved;
    changed.network.depth = 9;
    window.controlPanel()->setConfig(changed);
    window.setWindowModified(true);
    QAction* save = nullptr;
    for (QAction* action : window.findChildren<QAction*>()) {
      if (action->shortcut() == QKeySequence(QKeySequence::Save)) save = action;
    }
    QVERIFY(save);
    QString shown;
    QTimer::singleShot(200, [&] {
      if (QWidget* dialog = QApplication::activeModalWidget()) {
        shown = dialog->findChild<QLabel*>(QStringLiteral("qt_msgbox_label"))->text();
        dialog->close();
      }
    });
    {
      FileSizeLimit room(16);  // less than any config
      QVERIFY(room.ok());
      save->trigger();
    }
    QVERIFY2(shown.startsWith("cannot write " + path + ": "), qPrintable(shown));
    QCOMPARE(read(path), old);
    QVERIFY(window.isWindowModified());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"experiment.json"});
  }

  // The export (File > Export and `initscope export`) stops at the first file that fails, says
  // which, and leaves every file already in the folder as it was.
  void export_into_a_full_disk_keeps_the_old_files() {
    const Result result = small_result();
    QTemporaryDir dir;
    ExportOptions options;
    options.formats = {ExportFormat::csv, ExportFormat::png};
    const ExportReport first = export_result(result, dir.path(), options);
    QVERIFY2(first.ok(), qPrintable(first.error));
    QMap<QString, QByteArray> before;
    for (const QString& name : QDir(dir.path()).entryList(QDir::Files)) {
      before[name] = read(dir.filePath(name));
    }
    QCOMPARE(before.size(), 7);  // stats.csv, histograms.csv, four plots and the figure

    // Different bytes this time (the dark theme), with room for none of the images.
    options.theme = ThemeName::dark;
    ExportReport second;
    {
      FileSizeLimit room(16 * 1024);
      QVERIFY(room.ok());
      second = export_result(result, dir.path(), options);
    }
    QVERIFY(!second.ok());
    QVERIFY2(second.error.startsWith("cannot write " + dir.path() + "/"), qPrintable(second.error));
    QMap<QString, QByteArray> after;
    for (const QString& name : QDir(dir.path()).entryList(QDir::Files)) {
      after[name] = read(dir.filePath(name));
    }
    QCOMPARE(after.keys(), before.keys());  // nothing new, no temporary
    for (const QString& name : before.keys()) {
      // Files the second export wrote completely are new; every other one is the old file.
      const QString path = dir.filePath(name);
      if (!second.written.contains(path)) QVERIFY2(after[name] == before[name], qPrintable(name));
    }
  }
};

QTEST_MAIN(TestAtomicWrite)
#include "tst_atomic_write.moc"
