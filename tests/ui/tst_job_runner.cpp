// The job runner under the plots' run, the spectrum, the phase diagram and the seed bands: the
// latest job's product or refusal arrives, an older job is stopped at its next progress call and
// never delivered, cancel() and destruction stop the job in progress.
#include <atomic>
#include <memory>
#include <stdexcept>

#include <QSignalSpy>
#include <QtTest>

#include "core/error.h"
#include "ui/job_runner.h"

using namespace initscope;
using namespace initscope::ui;

namespace {

/// A job that calls progress until it is told to stop, counting its calls; it never finishes on
/// its own. `returned`, when given, is set as it returns.
Job endless(std::shared_ptr<std::atomic<int>> calls,
            std::shared_ptr<std::atomic<bool>> returned = nullptr) {
  return [calls, returned](const Progress& progress) -> Product {
    for (std::int64_t i = 0;; ++i) {
      ++*calls;
      if (!progress(i, 1'000'000'000)) {
        if (returned) returned->store(true);
        return nullptr;
      }
      QThread::usleep(200);
    }
  };
}

/// A job that holds the worker until `open` is set, whatever the runner says: while it runs, the
/// worker cannot take another job.
Job gate(std::shared_ptr<std::atomic<bool>> entered, std::shared_ptr<std::atomic<bool>> open) {
  return [entered, open](const Progress&) -> Product {
    entered->store(true);
    while (!open->load()) QThread::usleep(200);
    return std::make_shared<const int>(-2);
  };
}

Job constant(int value) {
  return [value](const Progress& progress) -> Product {
    if (!progress(0, 1)) return nullptr;
    return std::make_shared<const int>(value);
  };
}

int value_of(const QList<QVariant>& finished_args) {
  return *std::static_pointer_cast<const int>(finished_args[1].value<Product>());
}

}  // namespace

class TestJobRunner : public QObject {
  Q_OBJECT

 private slots:
  void product_and_progress_arrive() {
    JobRunner runner(QStringLiteral("test"));
    QSignalSpy finished(&runner, &JobRunner::finished);
    QSignalSpy progressed(&runner, &JobRunner::progressed);
    const quint64 generation = runner.start([](const Progress& progress) -> Product {
      for (int i = 0; i < 3; ++i) {
        if (!progress(i, 3)) return nullptr;
      }
      return std::make_shared<const int>(42);
    });
    QVERIFY(runner.busy());
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished[0][0].value<quint64>(), generation);
    QCOMPARE(value_of(finished[0]), 42);
    QVERIFY(finished[0][2].toDouble() >= 0);
    QCOMPARE(progressed.count(), 3);
    QCOMPARE(progressed[2][1].value<qint64>(), 2);
    QCOMPARE(progressed[2][2].value<qint64>(), 3);
    QCOMPARE(runner.steps()->load(), 3);
    QVERIFY(!runner.busy());
  }

  void refusal_arrives_as_message() {
    JobRunner runner(QStringLiteral("test"));
    QSignalSpy failed(&runner, &JobRunner::failed);
    QSignalSpy finished(&runner, &JobRunner::finished);
    runner.start([](const Progress&) -> Product { throw InputError("width 2048 is over 1024"); });
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed[0][1].toString(), QStringLiteral("width 2048 is over 1024"));
    QCOMPARE(finished.count(), 0);
    QVERIFY(!runner.busy());
  }

  void a_newer_job_stops_the_older_one() {
    JobRunner runner(QStringLiteral("test"));
    QSignalSpy finished(&runner, &JobRunner::finished);
    QSignalSpy started(&runner, &JobRunner::started);
    auto calls = std::make_shared<std::atomic<int>>(0);
    runner.start(endless(calls));
    QVERIFY(started.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(calls->load() > 0, 10000);
    const quint64 second = runner.start(constant(7));
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished[0][0].value<quint64>(), second);
    QCOMPARE(value_of(finished[0]), 7);
    // The endless job returned: the worker ran the second one after it.
    const int stopped_at = calls->load();
    QTest::qWait(50);
    QCOMPARE(calls->load(), stopped_at);
  }

  void queued_jobs_that_are_superseded_never_run() {
    JobRunner runner(QStringLiteral("test"));
    QSignalSpy finished(&runner, &JobRunner::finished);
    auto entered = std::make_shared<std::atomic<bool>>(false);
    auto open = std::make_shared<std::atomic<bool>>(false);
    auto ran = std::make_shared<std::atomic<int>>(0);
    runner.start(gate(entered, open));
    QTRY_VERIFY_WITH_TIMEOUT(entered->load(), 10000);
    // The worker is held: these five and the last are all queued behind the gate.
    for (int i = 0; i < 5; ++i) {
      runner.start([ran](const Progress&) -> Product {
        ++*ran;
        return std::make_shared<const int>(-1);
      });
    }
    const quint64 last = runner.start(constant(5));
    open->store(true);
    QVERIFY(finished.wait(10000));
    QTest::qWait(50);
    // The gate's product was superseded and the five never started: only the last arrives.
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished[0][0].value<quint64>(), last);
    QCOMPARE(value_of(finished[0]), 5);
    QCOMPARE(ran->load(), 0);
  }

  void cancel_stops_the_job_and_emits_nothing() {
    JobRunner runner(QStringLiteral("test"));
    QSignalSpy finished(&runner, &JobRunner::finished);
    QSignalSpy failed(&runner, &JobRunner::failed);
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto returned = std::make_shared<std::atomic<bool>>(false);
    runner.start(endless(calls, returned));
    QTRY_VERIFY_WITH_TIMEOUT(calls->load() > 0, 10000);
    runner.cancel();
    QVERIFY(!runner.busy());
    // The job returns at its next progress call; nothing of it reaches the window.
    QTRY_VERIFY_WITH_TIMEOUT(returned->load(), 10000);
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(failed.count(), 0);
  }

  void destruction_stops_the_job_in_progress() {
    auto calls = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<const std::atomic<qint64>> steps;
    {
      JobRunner runner(QStringLiteral("test"));
      steps = runner.steps();
      runner.start(endless(calls));
      QTRY_VERIFY_WITH_TIMEOUT(calls->load() > 0, 10000);
    }
    // The destructor returned after the worker thread ended: the job made no call since.
    const qint64 after = steps->load();
    QTest::qWait(50);
    QCOMPARE(steps->load(), after);
    QCOMPARE(static_cast<qint64>(calls->load()), after);
  }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
