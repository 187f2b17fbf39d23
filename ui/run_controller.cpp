#include "ui/run_controller.h"

#include <chrono>

#include "core/error.h"

namespace initscope::ui {

RunController::RunController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<initscope::Config>();
  qRegisterMetaType<initscope::RunOptions>();
  qRegisterMetaType<initscope::ui::ResultPtr>();
  worker_ = new RunWorker(latest_);
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &RunWorker::started, this, &RunController::started);
  connect(worker_, &RunWorker::progressed, this,
          [this](quint64 generation, qint64 done, qint64 total) {
            if (generation == latest_.load()) emit progressed(generation, done, total);
          });
  // Results of superseded requests can still arrive (finished just before a newer request):
  // only the latest generation reaches the window.
  connect(worker_, &RunWorker::finished, this,
          [this](quint64 generation, ResultPtr result, double milliseconds) {
            if (generation != latest_.load()) return;
            settle(generation);
            emit finished(generation, std::move(result), milliseconds);
          });
  connect(worker_, &RunWorker::failed, this, [this](quint64 generation, QString message) {
    if (generation != latest_.load()) return;
    settle(generation);
    emit failed(generation, message);
  });
  thread_.setObjectName(QStringLiteral("initscope-run"));
  thread_.start();
}

RunController::~RunController() {
  // A generation no request has: the run in progress stops at its next layer boundary.
  latest_.store(~quint64{0});
  thread_.quit();
  thread_.wait();
}

quint64 RunController::request(const Config& config, const RunOptions& options) {
  const quint64 generation = latest_.load() + 1;
  latest_.store(generation);
  QMetaObject::invokeMethod(worker_, "compute", Qt::QueuedConnection, Q_ARG(quint64, generation),
                            Q_ARG(initscope::Config, config),
                            Q_ARG(initscope::RunOptions, options));
  return generation;
}

void RunController::settle(quint64 generation) {
  settled_ = generation;
}

void RunWorker::compute(quint64 generation, initscope::Config config,
                        initscope::RunOptions options) {
  if (generation != latest_.load()) return;  // superseded while queued: never started
  emit started(generation);
  const auto start = std::chrono::steady_clock::now();
  try {
    Result result = run(config, options, [&](std::int64_t done, std::int64_t total) {
      emit progressed(generation, done, total);
      return generation == latest_.load();
    });
    if (result.cancelled) return;
    const double milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    emit finished(generation, std::make_shared<const Result>(std::move(result)), milliseconds);
  } catch (const InputError& e) {
    emit failed(generation, QString::fromUtf8(e.what()));
  } catch (const std::bad_alloc&) {
    emit failed(generation, QStringLiteral("out of memory: reduce depth, width or batch"));
  }
}

}  // namespace initscope::ui
