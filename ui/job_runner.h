#pragma once

// Computation off the window's thread. A JobRunner owns one worker thread and runs one job at a
// time: a job is a function of core's Progress callback that returns its product. Each start()
// gets a generation number; a job that is no longer the latest is dropped unrun, and the one in
// progress is cancelled at its next progress call (core calls it between layers, seeds, rows of a
// grid) once a newer one arrives. Only the latest generation's outcome reaches the window. The run
// of the four plots (RunController), the Jacobian spectrum, the seed bands and the phase diagram
// each have their own runner, so a slow spectrum never delays the plots.
//
// The payload (the job, its product or its refusal message) does not ride on the queued calls: it
// goes through a mailbox guarded by a std::mutex, and the queued calls between the threads carry
// only built-in values (generation, progress counts), which QtCore copies itself. The reason is
// ThreadSanitizer (`make test-tsan`): Qt is not built with it, and Qt's own hand-over of a queued
// call (QMutex on futexes, the event queue) is invisible to it, while a job or shared_ptr argument
// would be copied and destroyed by our instrumented code on both threads, with nothing TSan is sure
// to see ordering the two. A std::mutex is a pthread mutex, which it sees: the window's tests run
// under it and a real race between the two threads is still reported.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include <QObject>
#include <QString>
#include <QThread>

#include "core/run.h"

namespace initscope::ui {

/// A job's product, type-erased: each caller knows what its own jobs return
/// (std::static_pointer_cast).
using Product = std::shared_ptr<const void>;

/// Runs on the worker thread. Returns the product, or null when `progress` returned false (the job
/// was superseded or cancelled; nothing is delivered). Throws InputError to refuse: its message is
/// delivered by JobRunner::failed.
using Job = std::function<Product(const Progress& progress)>;

class JobWorker;

class JobRunner : public QObject {
  Q_OBJECT

 public:
  /// `name` names the worker thread (seen in a debugger and in sanitizer reports).
  explicit JobRunner(const QString& name, QObject* parent = nullptr);
  /// Cancels the job in progress and waits for the worker thread to end.
  ~JobRunner() override;

  /// Runs this job on the worker thread, superseding every earlier one. Returns its generation.
  quint64 start(Job job);
  /// Stops the job in progress at its next progress call and drops any queued one; nothing more is
  /// emitted for them.
  void cancel();
  quint64 latest_generation() const { return latest_.load(); }
  /// Whether a job is queued or running.
  bool busy() const { return latest_.load() != settled_; }
  /// How many progress calls the jobs made over this runner's life. The counter outlives the
  /// runner, so a test can see how much was computed after the destructor cancelled a job.
  std::shared_ptr<const std::atomic<qint64>> steps() const { return steps_; }

 signals:
  void started(quint64 generation);
  /// Only for the latest generation.
  void progressed(quint64 generation, qint64 done, qint64 total);
  void finished(quint64 generation, initscope::ui::Product product, double milliseconds);
  /// The job refused (InputError) or ran out of memory.
  void failed(quint64 generation, QString message);

 private:
  friend class JobWorker;
  struct Outcome {
    quint64 generation = 0;
    Product product;  // null when the job failed
    QString message;  // why it failed
    double milliseconds = 0;
  };
  /// The mailbox: the latest job, the latest outcome. Each holds one item, so a newer job replaces
  /// one the worker has not taken yet.
  struct Mailbox {
    std::mutex mutex;
    std::optional<std::pair<quint64, Job>> job;
    std::optional<Outcome> outcome;
  };

  void deliver(quint64 generation);

  Mailbox mailbox_;
  std::atomic<quint64> latest_{0};
  std::shared_ptr<std::atomic<qint64>> steps_ = std::make_shared<std::atomic<qint64>>(0);
  quint64 settled_ = 0;  // the latest generation that finished or failed (GUI thread only)
  QThread thread_;
  JobWorker* worker_ = nullptr;  // lives on thread_, deleted when it finishes
};

/// The worker's side; public for the queued calls only.
class JobWorker : public QObject {
  Q_OBJECT

 public:
  explicit JobWorker(JobRunner& runner) : runner_(runner) {}

 public slots:
  /// Runs the job waiting in the mailbox, if any.
  void compute();

 signals:
  void started(quint64 generation);
  void progressed(quint64 generation, qint64 done, qint64 total);
  /// This generation's outcome is in the mailbox.
  void ready(quint64 generation);

 private:
  // Reads only the runner's mailbox (under its mutex), latest_ and steps_ (atomics): the runner's
  // destructor waits for this thread before they go.
  JobRunner& runner_;
};

}  // namespace initscope::ui

Q_DECLARE_METATYPE(initscope::ui::Product)
