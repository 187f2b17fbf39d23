#include "ui/job_runner.h"

#include <chrono>
#include <new>
#include <utility>

#include "core/error.h"

namespace initscope::ui {

JobRunner::JobRunner(const QString& name, QObject* parent) : QObject(parent) {
  qRegisterMetaType<initscope::ui::Product>();
  worker_ = new JobWorker(*this);
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &JobWorker::started, this, &JobRunner::started);
  connect(worker_, &JobWorker::progressed, this,
          [this](quint64 generation, qint64 done, qint64 total) {
            if (generation == latest_.load()) emit progressed(generation, done, total);
          });
  connect(worker_, &JobWorker::ready, this, &JobRunner::deliver);
  thread_.setObjectName(name);
  thread_.start();
}

JobRunner::~JobRunner() {
  // A generation no job has: the job in progress stops at its next progress call.
  latest_.store(~quint64{0});
  thread_.quit();
  thread_.wait();
  // Empties the mailbox under its lock, so that what the worker last put there is destroyed after
  // the worker's writes in TSan's eyes too (it may not see the join inside QThread::wait).
  const std::lock_guard lock(mailbox_.mutex);
  mailbox_.job.reset();
  mailbox_.outcome.reset();
}

quint64 JobRunner::start(Job job) {
  const quint64 generation = latest_.load() + 1;
  // The generation first: a worker that takes this job then never sees it as superseded.
  latest_.store(generation);
  {
    const std::lock_guard lock(mailbox_.mutex);
    mailbox_.job.emplace(generation, std::move(job));
  }
  QMetaObject::invokeMethod(worker_, "compute", Qt::QueuedConnection);
  return generation;
}

void JobRunner::cancel() {
  // A generation no job has supersedes every job; it counts as settled, so not busy.
  const quint64 generation = latest_.load() + 1;
  latest_.store(generation);
  settled_ = generation;
}

void JobRunner::deliver(quint64 generation) {
  std::optional<Outcome> outcome;
  {
    const std::lock_guard lock(mailbox_.mutex);
    if (mailbox_.outcome && mailbox_.outcome->generation == generation) {
      outcome = std::exchange(mailbox_.outcome, std::nullopt);
    }
  }
  // Outcomes of superseded jobs can still arrive (finished just before a newer start): only the
  // latest generation reaches the window.
  if (!outcome || generation != latest_.load()) return;
  settled_ = generation;
  if (outcome->product) {
    emit finished(generation, std::move(outcome->product), outcome->milliseconds);
  } else {
    emit failed(generation, outcome->message);
  }
}

void JobWorker::compute() {
  // One call per start(), but the mailbox keeps only the latest job: superseded jobs never start,
  // and the calls that find the mailbox empty do nothing.
  std::optional<std::pair<quint64, Job>> job;
  {
    const std::lock_guard lock(runner_.mailbox_.mutex);
    job = std::exchange(runner_.mailbox_.job, std::nullopt);
  }
  if (!job || job->first != runner_.latest_.load()) return;
  const quint64 generation = job->first;
  emit started(generation);
  const auto start = std::chrono::steady_clock::now();
  JobRunner::Outcome outcome;
  outcome.generation = generation;
  try {
    outcome.product = job->second([&](std::int64_t done, std::int64_t total) {
      runner_.steps_->fetch_add(1);
      emit progressed(generation, done, total);
      return generation == runner_.latest_.load();
    });
    if (!outcome.product) return;  // superseded or cancelled
    outcome.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  } catch (const InputError& e) {
    outcome.message = QString::fromUtf8(e.what());
  } catch (const std::bad_alloc&) {
    outcome.message = QStringLiteral("out of memory: reduce depth, width or batch");
  }
  job.reset();  // the job's captures go on this thread, before the outcome is handed over
  {
    const std::lock_guard lock(runner_.mailbox_.mutex);
    runner_.mailbox_.outcome = std::move(outcome);
  }
  emit ready(generation);
}

}  // namespace initscope::ui
