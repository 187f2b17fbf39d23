#include "ui/run_controller.h"

#include <chrono>
#include <utility>

#include "core/error.h"

namespace initscope::ui {

void RunMailbox::post(Request request) {
  const std::lock_guard lock(mutex_);
  request_ = std::move(request);
}

std::optional<RunMailbox::Request> RunMailbox::take_request() {
  const std::lock_guard lock(mutex_);
  return std::exchange(request_, std::nullopt);
}

void RunMailbox::put(Outcome outcome) {
  const std::lock_guard lock(mutex_);
  outcome_ = std::move(outcome);
}

std::optional<RunMailbox::Outcome> RunMailbox::take_outcome(quint64 generation) {
  const std::lock_guard lock(mutex_);
  if (!outcome_ || outcome_->generation != generation) return std::nullopt;
  return std::exchange(outcome_, std::nullopt);
}

void RunMailbox::clear() {
  const std::lock_guard lock(mutex_);
  request_.reset();
  outcome_.reset();
}

RunController::RunController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<initscope::ui::ResultPtr>();
  worker_ = new RunWorker(mailbox_, latest_, steps_);
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &RunWorker::started, this, &RunController::started);
  connect(worker_, &RunWorker::progressed, this,
          [this](quint64 generation, qint64 done, qint64 total) {
            if (generation == latest_.load()) emit progressed(generation, done, total);
          });
  connect(worker_, &RunWorker::ready, this, &RunController::deliver);
  thread_.setObjectName(QStringLiteral("initscope-run"));
  thread_.start();
}

RunController::~RunController() {
  // A generation no request has: the run in progress stops at its next layer boundary.
  latest_.store(~quint64{0});
  thread_.quit();
  thread_.wait();
  // Empties the mailbox under its lock, so that what the worker last put there is destroyed after
  // the worker's writes in TSan's eyes too (it may not see the join inside QThread::wait).
  mailbox_.clear();
}

quint64 RunController::request(const Config& config, const RunOptions& options) {
  const quint64 generation = latest_.load() + 1;
  // The generation first: a worker that takes this request then never sees it as superseded.
  latest_.store(generation);
  mailbox_.post({generation, config, options});
  QMetaObject::invokeMethod(worker_, "compute", Qt::QueuedConnection);
  return generation;
}

void RunController::cancel() {
  // A generation no request has supersedes every request; it counts as settled, so not busy.
  const quint64 generation = latest_.load() + 1;
  latest_.store(generation);
  settled_ = generation;
}

void RunController::deliver(quint64 generation) {
  std::optional<RunMailbox::Outcome> outcome = mailbox_.take_outcome(generation);
  // Results of superseded requests can still arrive (finished just before a newer request): only
  // the latest generation reaches the window.
  if (!outcome || generation != latest_.load()) return;
  settled_ = generation;
  if (outcome->result) {
    emit finished(generation, std::move(outcome->result), outcome->milliseconds);
  } else {
    emit failed(generation, outcome->message);
  }
}

void RunWorker::compute() {
  // One call per request, but the mailbox keeps only the latest: superseded requests never start,
  // and the calls that find the mailbox empty do nothing.
  std::optional<RunMailbox::Request> request = mailbox_.take_request();
  if (!request || request->generation != latest_.load()) return;
  const quint64 generation = request->generation;
  emit started(generation);
  const auto start = std::chrono::steady_clock::now();
  RunMailbox::Outcome outcome;
  outcome.generation = generation;
  try {
    Result result =
        run(request->config, request->options, [&](std::int64_t done, std::int64_t total) {
          steps_->fetch_add(1);
          emit progressed(generation, done, total);
          return generation == latest_.load();
        });
    if (result.cancelled) return;
    outcome.result = std::make_shared<const Result>(std::move(result));
    outcome.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  } catch (const InputError& e) {
    outcome.message = QString::fromUtf8(e.what());
  } catch (const std::bad_alloc&) {
    outcome.message = QStringLiteral("out of memory: reduce depth, width or batch");
  }
  mailbox_.put(std::move(outcome));
  emit ready(generation);
}

}  // namespace initscope::ui
