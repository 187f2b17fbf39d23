// core's write_file_atomically: the old file or the whole new one, never a mix, and a clear reason
// on failure. A full disk is simulated with RLIMIT_FSIZE, which works for root too; the process's
// SIGXFSZ is left at its default, which would kill it if the write did not guard against it.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <QTemporaryDir>
#include <QtTest>

#include "core/io/atomic_file.h"

using namespace initscope;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return file ? text.str() : "<unreadable>";
}

void write_plain(const fs::path& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 ? (info.st_mode & 07777) : 0;
}

}  // namespace

class TestAtomicFile : public QObject {
  Q_OBJECT

 private slots:
  void a_new_file_has_the_bytes_and_the_umask_mode() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "stats.csv";
    const std::string data("a,b\n1,2\n\0tail", 14);
    QCOMPARE(write_file_atomically(path, data), std::string());
    QCOMPARE(read(path), data);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    QCOMPARE(mode_of(path), static_cast<mode_t>(0666 & ~mask));
    QCOMPARE(names_in(dir.path().toStdString()), std::vector<std::string>{"stats.csv"});
  }

  void an_existing_file_is_replaced_whole_and_keeps_its_mode() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "a.json";
    write_plain(path, std::string(5000, 'o'));
    QCOMPARE(::chmod(path.c_str(), 0640), 0);
    QCOMPARE(write_file_atomically(path, "new"), std::string());
    QCOMPARE(read(path), std::string("new"));
    QCOMPARE(mode_of(path), static_cast<mode_t>(0640));
  }

  void a_symlink_is_replaced_not_followed() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_plain(root / "precious.txt", "keep me");
    fs::create_symlink(root / "precious.txt", root / "stats.csv");
    QCOMPARE(write_file_atomically(root / "stats.csv", "layer\n"), std::string());
    QCOMPARE(read(root / "precious.txt"), std::string("keep me"));
    QVERIFY(!fs::is_symlink(root / "stats.csv"));
    QCOMPARE(read(root / "stats.csv"), std::string("layer\n"));
  }

  void a_full_disk_keeps_the_old_file_and_the_process_data() {
    QTest::addColumn<int>("room");
    QTest::addColumn<int>("size");
    QTest::newRow("16 bytes of room, 300 to write") << 16 << 300;
    QTest::newRow("64 KiB of room, 1 MiB to write") << 64 * 1024 << (1 << 20);
  }
  void a_full_disk_keeps_the_old_file_and_the_process() {
    QFETCH(int, room);
    QFETCH(int, size);
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "stats.csv";
    const std::string old = "layer,act_var\n0,1\n";
    write_plain(path, old);
    ::signal(SIGXFSZ, SIG_DFL);  // what a fresh process has: killed at the limit, if not guarded
    rlimit saved{};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit limit = saved;
    limit.rlim_cur = static_cast<rlim_t>(room);
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limit), 0);
    const std::string error = write_file_atomically(path, std::string(size, 'x'));
    ::setrlimit(RLIMIT_FSIZE, &saved);
    QCOMPARE(QString::fromStdString(error),
             QString::fromStdString("cannot write " + path.string() + ": File too large"));
    QCOMPARE(read(path), old);
    QCOMPARE(names_in(dir.path().toStdString()), std::vector<std::string>{"stats.csv"});
  }

  void a_folder_under_a_file_is_an_error() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_plain(root / "a_file", "x");
    const std::string error = write_file_atomically(root / "a_file" / "out.json", "{}");
    QCOMPARE(QString::fromStdString(error),
             QString::fromStdString("cannot write " + (root / "a_file" / "out.json").string() +
                                    ": Not a directory"));
    QCOMPARE(read(root / "a_file"), std::string("x"));
  }

  void a_folder_in_the_way_is_an_error_and_stays() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directory(root / "stats.csv");
    write_plain(root / "stats.csv" / "inside", "y");
    const std::string error = write_file_atomically(root / "stats.csv", "data");
    QVERIFY2(error.starts_with("cannot write " + (root / "stats.csv").string() + ": "),
             error.c_str());
    QCOMPARE(read(root / "stats.csv" / "inside"), std::string("y"));
    QCOMPARE(names_in(root), std::vector<std::string>{"stats.csv"});
  }
};

QTEST_APPLESS_MAIN(TestAtomicFile)
#include "tst_atomic_file.moc"
