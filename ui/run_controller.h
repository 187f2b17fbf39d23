#pragma once

// Live recompute without freezing the window: the run of the four plots on a JobRunner of its own
// (ui/job_runner.h says how requests supersede each other and why nothing but built-in values
// crosses the threads on Qt's queued calls). The window posts immutable config snapshots; a run in
// progress is cancelled at its next layer boundary (core's Progress callback) once a newer request
// arrives.

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>

#include "core/config.h"
#include "core/result.h"
#include "core/run.h"
#include "ui/job_runner.h"

namespace initscope::ui {

using ResultPtr = std::shared_ptr<const Result>;

class RunController : public QObject {
  Q_OBJECT

 public:
  explicit RunController(QObject* parent = nullptr);

  /// Runs this config on the worker thread, superseding every earlier request.
  /// Returns the request's generation.
  quint64 request(const Config& config, const RunOptions& options = {});
  /// Stops the run in progress at its next layer boundary and drops any queued request; nothing
  /// more is emitted for them.
  void cancel() { jobs_->cancel(); }
  quint64 latest_generation() const { return jobs_->latest_generation(); }
  /// Whether a request is queued or running.
  bool busy() const { return jobs_->busy(); }
  /// How many layer steps (core's Progress calls: sampling, forward, backward) the worker computed
  /// over this controller's life. The counter outlives the controller, so a test can see how
  /// much was computed after the destructor cancelled a run.
  std::shared_ptr<const std::atomic<qint64>> steps() const { return jobs_->steps(); }

 signals:
  void started(quint64 generation);
  void progressed(quint64 generation, qint64 done, qint64 total);
  void finished(quint64 generation, initscope::ui::ResultPtr result, double milliseconds);
  /// The config was refused (invalid, over the memory limit) or the run failed.
  void failed(quint64 generation, QString message);

 private:
  JobRunner* jobs_ = nullptr;  // a child: its destructor cancels the run and joins the thread
};

}  // namespace initscope::ui

Q_DECLARE_METATYPE(initscope::ui::ResultPtr)
