#include "ui/run_controller.h"

#include <utility>

namespace initscope::ui {

RunController::RunController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<initscope::ui::ResultPtr>();
  jobs_ = new JobRunner(QStringLiteral("initscope-run"), this);
  connect(jobs_, &JobRunner::started, this, &RunController::started);
  connect(jobs_, &JobRunner::progressed, this, &RunController::progressed);
  connect(jobs_, &JobRunner::failed, this, &RunController::failed);
  connect(jobs_, &JobRunner::finished, this,
          [this](quint64 generation, const Product& product, double milliseconds) {
            emit finished(generation, std::static_pointer_cast<const Result>(product),
                          milliseconds);
          });
}

quint64 RunController::request(const Config& config, const RunOptions& options) {
  return jobs_->start([config, options](const Progress& progress) -> Product {
    Result result = run(config, options, progress);
    if (result.cancelled) return nullptr;
    return std::make_shared<const Result>(std::move(result));
  });
}

}  // namespace initscope::ui
