// The run controller: results equal core's, stale requests are dropped, the latest always wins,
// refusals arrive as messages, and destruction during a run ends cleanly.
#include <atomic>
#include <memory>

#include <QSignalSpy>
#include <QtTest>

#include "core/io/report.h"
#include "core/run.h"
#include "ui/run_controller.h"

using namespace initscope;
using namespace initscope::ui;

namespace {

Config small(double gain) {
  Config c;
  c.network.depth = 5;
  c.network.width = 64;
  c.input.dim = 64;
  c.input.batch = 64;
  c.init.gain = {GainSetting::Kind::value, gain};
  return c;
}

Config deep() {
  Config c = small(1);
  c.network.depth = 1000;
  c.network.width = 512;
  c.input.dim = 512;
  c.input.batch = 512;
  return c;
}

}  // namespace

class TestRunController : public QObject {
  Q_OBJECT

 private slots:
  void result_equals_core() {
    RunController controller;
    QSignalSpy finished(&controller, &RunController::finished);
    const Config c = small(1.3);
    const quint64 generation = controller.request(c);
    QVERIFY(controller.busy());
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished[0][0].value<quint64>(), generation);
    const ResultPtr result = finished[0][1].value<ResultPtr>();
    QVERIFY(result);
    QCOMPARE(stats_csv(*result), stats_csv(run(c)));
    QVERIFY(!controller.busy());
  }

  void rapid_requests_end_with_the_last() {
    RunController controller;
    QSignalSpy finished(&controller, &RunController::finished);
    QSignalSpy failed(&controller, &RunController::failed);
    quint64 last = 0;
    for (int i = 0; i < 200; ++i) last = controller.request(small(0.5 + i * 0.01));
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), 60000);
    QVERIFY(failed.isEmpty());
    // Only the latest generation is ever reported, and it carries the last config.
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished[0][0].value<quint64>(), last);
    const ResultPtr result = finished[0][1].value<ResultPtr>();
    QCOMPARE(result->config, small(0.5 + 199 * 0.01));
  }

  void refused_config_is_a_message() {
    RunController controller;
    QSignalSpy failed(&controller, &RunController::failed);
    Config c = small(1);
    c.network.width = 100;
    c.norm.name = Norm::group;  // 32 groups do not divide 100
    controller.request(c);
    QVERIFY(failed.wait(30000));
    QVERIFY2(failed[0][1].toString().contains("does not divide"),
             qPrintable(failed[0][1].toString()));
    QVERIFY(!controller.busy());
    RunOptions tiny;
    tiny.max_memory = 1024;
    controller.request(small(1), tiny);
    QVERIFY(failed.wait(30000));
    QVERIFY(failed[1][1].toString().contains("the run needs about"));
  }

  // Depth 1000 at width 512, batch 512: 3000 layer steps, seconds of work. Destruction neither
  // waits for them nor leaves the worker going: when the destructor returns the run is far from
  // its end and takes no further step. (How soon it stops is counted in the cancel test below,
  // which can read the steps right after the cancel; the destructor uses the same supersession.)
  void destroyed_during_a_long_run() {
    std::shared_ptr<const std::atomic<qint64>> steps;
    {
      RunController controller;
      steps = controller.steps();
      controller.request(deep());
      QVERIFY(QTest::qWaitFor([&] { return steps->load() >= 3; }, 30000));
    }
    const qint64 at_return = steps->load();
    QVERIFY2(at_return < 3000, qPrintable(QString::number(at_return)));
    QTest::qWait(50);
    QCOMPARE(steps->load(), at_return);
  }

  void cancel_stops_the_run_and_reports_nothing() {
    RunController controller;
    QSignalSpy finished(&controller, &RunController::finished);
    QSignalSpy failed(&controller, &RunController::failed);
    const std::shared_ptr<const std::atomic<qint64>> steps = controller.steps();
    const quint64 cancelled = controller.request(deep());
    QVERIFY(QTest::qWaitFor([&] { return steps->load() >= 3; }, 30000));
    controller.cancel();
    // Read after the cancel: every step counted later sees the cancel at its progress call, so the
    // run makes at most one more step, however the two threads are scheduled.
    const qint64 at_cancel = steps->load();
    QVERIFY(!controller.busy());
    // The worker is serial: once a small run after it has finished, the deep one has stopped.
    const quint64 next = controller.request(small(1));
    QVERIFY(finished.wait(30000));
    const qint64 after = steps->load() - at_cancel - 3 * small(1).network.depth;
    QVERIFY2(after <= 1, qPrintable(QString::number(after)));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished[0][0].value<quint64>(), next);
    QVERIFY(next != cancelled);
    QVERIFY(failed.isEmpty());
  }
};

QTEST_GUILESS_MAIN(TestRunController)
#include "tst_run_controller.moc"
