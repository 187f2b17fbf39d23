#pragma once

// Live recompute without freezing the window. One worker thread owns the computation; the window
// posts immutable config snapshots. Each request gets a generation number: a request that is no
// longer the latest is dropped unrun, and a run in progress is cancelled at its next layer
// boundary (core's Progress callback) once a newer one arrives. The generation is an atomic read
// by the worker between layers, not a slot: a queued slot could not run while the worker is busy
// in run(), which is exactly when cancellation matters.

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>
#include <QThread>

#include "core/config.h"
#include "core/result.h"
#include "core/run.h"

namespace initscope::ui {

using ResultPtr = std::shared_ptr<const Result>;

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
  quint64 latest_generation() const { return latest_.load(); }
  /// Whether a request is queued or running.
  bool busy() const { return latest_.load() != settled_; }

 signals:
  void started(quint64 generation);
  void progressed(quint64 generation, qint64 done, qint64 total);
  void finished(quint64 generation, initscope::ui::ResultPtr result, double milliseconds);
  /// The config was refused (invalid, over the memory limit) or the run failed.
  void failed(quint64 generation, QString message);

 private:
  void settle(quint64 generation);

  QThread thread_;
  RunWorker* worker_ = nullptr;  // lives on thread_, deleted when it finishes
  std::atomic<quint64> latest_{0};
  quint64 settled_ = 0;  // the latest generation that finished or failed (GUI thread only)
};

/// The worker's side; public for the queued connection only.
class RunWorker : public QObject {
  Q_OBJECT

 public:
  explicit RunWorker(const std::atomic<quint64>& latest) : latest_(latest) {}

 public slots:
  void compute(quint64 generation, initscope::Config config, initscope::RunOptions options);

 signals:
  void started(quint64 generation);
  void progressed(quint64 generation, qint64 done, qint64 total);
  void finished(quint64 generation, initscope::ui::ResultPtr result, double milliseconds);
  void failed(quint64 generation, QString message);

 private:
  const std::atomic<quint64>& latest_;
};

}  // namespace initscope::ui

Q_DECLARE_METATYPE(initscope::Config)
Q_DECLARE_METATYPE(initscope::RunOptions)
Q_DECLARE_METATYPE(initscope::ui::ResultPtr)
