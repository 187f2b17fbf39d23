#pragma once

// Live recompute without freezing the window. One worker thread owns the computation; the window
// posts immutable config snapshots. Each request gets a generation number: a request that is no
// longer the latest is dropped unrun, and a run in progress is cancelled at its next layer
// boundary (core's Progress callback) once a newer one arrives. The generation is an atomic read
// by the worker between layers, not a slot: a queued slot could not run while the worker is busy
// in run(), which is exactly when cancellation matters.
//
// The payload (the request's Config and RunOptions, the outcome's Result or refusal message) does
// not ride on the queued calls: it goes through a RunMailbox guarded by a std::mutex, and the
// queued calls between the threads carry only built-in values (generation, progress counts),
// which QtCore copies itself. The reason is ThreadSanitizer (`make test-tsan`): Qt is not built
// with it, and Qt's own hand-over of a queued call (QMutex on futexes, the event queue) is
// invisible to it, while a Config or shared_ptr argument would be copied and destroyed by our
// instrumented code on both threads, with nothing TSan is sure to see ordering the two. A
// std::mutex is a pthread mutex, which it sees: the window's tests run under it and a real race
// between the two threads is still reported.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include <QObject>
#include <QString>
#include <QThread>

#include "core/config.h"
#include "core/result.h"
#include "core/run.h"

namespace initscope::ui {

using ResultPtr = std::shared_ptr<const Result>;

/// What crosses between the window's thread and the worker: the latest request, the latest outcome.
/// Each holds one item, so a newer request replaces one the worker has not taken yet.
class RunMailbox {
 public:
  struct Request {
    quint64 generation = 0;
    Config config;
    RunOptions options;
  };
  struct Outcome {
    quint64 generation = 0;
    ResultPtr result;  // null when the run failed
    QString message;   // why it failed
    double milliseconds = 0;
  };

  void post(Request request);
  std::optional<Request> take_request();
  void put(Outcome outcome);
  /// The outcome of this generation, if it is the one waiting.
  std::optional<Outcome> take_outcome(quint64 generation);
  void clear();

 private:
  std::mutex mutex_;
  std::optional<Request> request_;
  std::optional<Outcome> outcome_;
};

class RunWorker;

class RunController : public QObject {
  Q_OBJECT

 public:
  explicit RunController(QObject* parent = nullptr);
  /// Cancels the run in progress and waits for the worker thread to end.
  ~RunController() override;

  /// Runs this config on the worker thread, superseding every earlier request.
  /// Returns the request's generation.
  quint64 request(const Config& config, const RunOptions& options = {});
  /// Stops the run in progress at its next layer boundary and drops any queued request; nothing
  /// more is emitted for them.
  void cancel();
  quint64 latest_generation() const { return latest_.load(); }
  /// Whether a request is queued or running.
  bool busy() const { return latest_.load() != settled_; }
  /// How many layer steps (core's Progress calls: sampling, forward, backward) the worker computed
  /// over this controller's life. The counter outlives the controller, so a test can see how
  /// much was computed after the destructor cancelled a run.
  std::shared_ptr<const std::atomic<qint64>> steps() const { return steps_; }

 signals:
  void started(quint64 generation);
  void progressed(quint64 generation, qint64 done, qint64 total);
  void finished(quint64 generation, initscope::ui::ResultPtr result, double milliseconds);
  /// The config was refused (invalid, over the memory limit) or the run failed.
  void failed(quint64 generation, QString message);

 private:
  void deliver(quint64 generation);

  RunMailbox mailbox_;
  std::atomic<quint64> latest_{0};
  std::shared_ptr<std::atomic<qint64>> steps_ = std::make_shared<std::atomic<qint64>>(0);
  quint64 settled_ = 0;  // the latest generation that finished or failed (GUI thread only)
  QThread thread_;
  RunWorker* worker_ = nullptr;  // lives on thread_, deleted when it finishes
};

/// The worker's side; public for the queued calls only.
class RunWorker : public QObject {
  Q_OBJECT

 public:
  RunWorker(RunMailbox& mailbox, const std::atomic<quint64>& latest,
            std::shared_ptr<std::atomic<qint64>> steps)
      : mailbox_(mailbox), latest_(latest), steps_(std::move(steps)) {}

 public slots:
  /// Runs the request waiting in the mailbox, if any.
  void compute();

 signals:
  void started(quint64 generation);
  void progressed(quint64 generation, qint64 done, qint64 total);
  /// This generation's outcome is in the mailbox.
  void ready(quint64 generation);

 private:
  RunMailbox& mailbox_;
  const std::atomic<quint64>& latest_;
  std::shared_ptr<std::atomic<qint64>> steps_;
};

}  // namespace initscope::ui

Q_DECLARE_METATYPE(initscope::ui::ResultPtr)
