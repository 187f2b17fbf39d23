// Tests of core/compute/parallel.h: every index runs exactly once for any count and thread limit; loops
// inside a loop's body and loops started by two threads at once still run every index; with one
// thread everything runs on the caller; with two, a second thread really takes part.

#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/compute/parallel.h"

namespace initscope {
namespace {

// How many times each index of a loop over `count` ran.
std::vector<int> run_counts(std::int64_t count) {
  std::vector<std::atomic<int>> hits(static_cast<std::size_t>(count));
  parallel_for(count, [&](std::int64_t i) { hits[static_cast<std::size_t>(i)].fetch_add(1); });
  std::vector<int> result;
  for (const auto& h : hits) result.push_back(h.load());
  return result;
}

}  // namespace

class TestParallel : public QObject {
  Q_OBJECT

 private slots:
  void two_threads_take_part() {
    // Index 0 waits until another thread has run an index; run serially it would wait in vain
    // (up to 20 s, then fail). First of the tests, so that the pool starts its helper during this
    // very loop: a helper started then must still take part in it.
    const ThreadLimit limit(2);
    const auto caller = std::this_thread::get_id();
    std::atomic<bool> other_seen{false};
    parallel_for(64, [&](std::int64_t i) {
      if (std::this_thread::get_id() != caller) other_seen = true;
      if (i != 0) return;
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!other_seen && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    });
    QVERIFY(other_seen.load());
  }

  void every_index_once_data() {
    QTest::addColumn<int>("threads");
    QTest::addColumn<qint64>("count");
    for (int threads : {1, 2, 3, 8}) {
      for (qint64 count : {0, 1, 2, 7, 1000}) {
        QTest::addRow("%d threads, %lld indices", threads, count) << threads << count;
      }
    }
  }
  void every_index_once() {
    QFETCH(int, threads);
    QFETCH(qint64, count);
    const ThreadLimit limit(threads);
    for (int repeat = 0; repeat < 20; ++repeat) {
      QCOMPARE(run_counts(count), std::vector<int>(static_cast<std::size_t>(count), 1));
    }
  }

  void limit_is_scoped() {
    set_max_threads(0);
    const int all = max_threads();
    QVERIFY(all >= 1);
    {
      const ThreadLimit limit(3);
      QCOMPARE(max_threads(), 3);
    }
    QCOMPARE(max_threads(), all);
  }

  void one_thread_runs_on_the_caller() {
    const ThreadLimit limit(1);
    const auto caller = std::this_thread::get_id();
    std::atomic<int> elsewhere{0};
    parallel_for(1000, [&](std::int64_t) { elsewhere += std::this_thread::get_id() != caller; });
    QCOMPARE(elsewhere.load(), 0);
  }

  void loops_inside_a_body_run_every_index() {
    const ThreadLimit limit(2);
    std::vector<std::atomic<int>> hits(50 * 40);
    parallel_for(50, [&](std::int64_t outer) {
      parallel_for(40, [&](std::int64_t inner) {
        hits[static_cast<std::size_t>(outer * 40 + inner)].fetch_add(1);
      });
    });
    for (const auto& h : hits) QCOMPARE(h.load(), 1);
  }

  void two_callers_at_once() {
    // The window's worker and a test or export on another thread: each loop runs every index,
    // whichever of them holds the pool.
    const ThreadLimit limit(2);
    std::atomic<int> bad{0};
    auto caller = [&] {
      for (int repeat = 0; repeat < 200; ++repeat) {
        std::vector<int> counts = run_counts(257);
        bad += counts != std::vector<int>(257, 1);
      }
    };
    std::thread a(caller), b(caller);
    a.join();
    b.join();
    QCOMPARE(bad.load(), 0);
  }
};

}  // namespace initscope

QTEST_APPLESS_MAIN(initscope::TestParallel)
#include "tst_parallel.moc"
