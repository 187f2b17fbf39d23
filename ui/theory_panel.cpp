#include "ui/theory_panel.h"

#include <QPointF>
#include <QProgressBar>
#include <QShowEvent>
#include <QTabWidget>
#include <QVBoxLayout>

#include "core/theory/jacobian.h"
#include "core/names.h"
#include "ui/lsuv_view.h"
#include "ui/phase_view.h"
#include "ui/spectrum_view.h"
#include "ui/text.h"

namespace initscope::ui {
namespace {

QString spectrum_caption(const Config& config) {
  return QStringLiteral("%1 · %2 · depth %3 · width %4 · sample 0")
      .arg(to_qstring(name_of(config.activation.name)), to_qstring(name_of(config.init.scheme)))
      .arg(config.network.depth)
      .arg(config.network.width);
}

}  // namespace

TheoryPanel::TheoryPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("theory_panel"));
  phase_ = new PhaseView;
  spectrum_ = new SpectrumView;
  lsuv_ = new LsuvView;
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("theory_tabs"));
  tabs_->addTab(phase_, tr("Phase diagram"));
  tabs_->addTab(spectrum_, tr("Jacobian spectrum"));
  tabs_->addTab(lsuv_, tr("LSUV rounds"));
  tabs_->setTabToolTip(0, tr("Order and chaos: ln χ₁ over (σ_w², σ_b²) for this activation; click "
                             "to set the gain and the bias"));
  tabs_->setTabToolTip(1, tr("Singular values of the input–output Jacobian ∂h_L/∂x of one sample "
                             "(width and input dim up to 1024)"));
  tabs_->setTabToolTip(2, tr("LSUV's rescaling of each layer, round by round"));
  progress_ = new QProgressBar;
  progress_->setObjectName(QStringLiteral("theory_progress"));
  progress_->setMaximumHeight(14);
  progress_->setTextVisible(true);
  progress_->hide();

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_, 1);
  layout->addWidget(progress_);

  phase_jobs_ = new JobRunner(QStringLiteral("initscope-phase"), this);
  spectrum_jobs_ = new JobRunner(QStringLiteral("initscope-spectrum"), this);
  progress_->setFormat(tr("computing… %p%"));
  for (JobRunner* jobs : {phase_jobs_, spectrum_jobs_}) {
    connect(jobs, &JobRunner::progressed, this,
            [this, jobs](quint64, qint64 done, qint64 total) { showProgress(jobs, done, total); });
  }
  connect(phase_jobs_, &JobRunner::finished, this, [this](quint64, const Product& product, double) {
    hideProgressUnlessBusy();
    phase_ready_ = true;
    phase_->setDiagram(std::static_pointer_cast<const PhaseDiagram>(product));
    updatePhase();
  });
  connect(phase_jobs_, &JobRunner::failed, this, [this](quint64, const QString& message) {
    hideProgressUnlessBusy();
    phase_->setUnavailable(message);
  });
  connect(spectrum_jobs_, &JobRunner::finished, this,
          [this](quint64, const Product& product, double) {
            hideProgressUnlessBusy();
            spectrum_->setSpectrum(std::static_pointer_cast<const JacobianSpectrum>(product),
                                   spectrum_caption(*spectrum_config_));
          });
  connect(spectrum_jobs_, &JobRunner::failed, this, [this](quint64, const QString& message) {
    hideProgressUnlessBusy();
    spectrum_->setUnavailable(message);
  });
  connect(phase_, &PhaseView::picked, this, &TheoryPanel::picked);
  connect(tabs_, &QTabWidget::currentChanged, this, [this] { updateSpectrum(); });
}

void TheoryPanel::setTheme(const Theme& theme) {
  phase_->setTheme(theme);
  spectrum_->setTheme(theme);
  lsuv_->setTheme(theme);
}

void TheoryPanel::showTab(Tab tab) {
  tabs_->setCurrentIndex(static_cast<int>(tab));
}

TheoryPanel::Tab TheoryPanel::currentTab() const {
  return static_cast<Tab>(tabs_->currentIndex());
}

void TheoryPanel::setResult(ResultPtr result) {
  result_ = std::move(result);
  if (!result_) return;
  const Config& config = result_->config;
  if (phase_activation_ != config.activation) {
    phase_activation_ = config.activation;
    phase_ready_ = false;
    const Activation activation = config.activation.name;
    const std::optional<double> param = config.activation.param;
    phase_jobs_->start([activation, param](const Progress& progress) -> Product {
      // One grid is a fraction of a second; it stops only between its two halves.
      if (!progress(0, 2)) return nullptr;
      auto diagram = std::make_shared<const PhaseDiagram>(compute_phase_diagram(activation, param));
      if (!progress(1, 2)) return nullptr;
      return diagram;
    });
  }
  updatePhase();
  if (config.init.scheme == Scheme::lsuv) {
    lsuv_->setRounds(result_->lsuv_variances);
  } else {
    lsuv_->setUnavailable(
        tr("Choose the lsuv scheme to see its rescaling rounds, layer by layer."));
  }
  updateSpectrum();
}

void TheoryPanel::updatePhase() {
  if (!result_ || !phase_ready_) return;
  const MeanFieldPrediction& theory = result_->theory;
  if (theory.applies && !theory.sigma_w2.empty()) {
    // The last layer: a hidden layer (width × width) whenever there are two or more.
    phase_->setCurrent(QPointF(theory.sigma_w2.back(), theory.sigma_b2.back()));
  } else {
    phase_->setCurrent(
        std::nullopt,
        tr("This setting is not on the diagram: %1")
            .arg(QString::fromStdString(
                theory.reason.empty() ? std::string("no mean-field prediction") : theory.reason)));
  }
}

void TheoryPanel::updateSpectrum() {
  if (!result_ || !isVisible() || currentTab() != Tab::spectrum) return;
  if (spectrum_config_ == result_->config) return;
  spectrum_config_ = result_->config;
  spectrum_jobs_->start([config = result_->config](const Progress& progress) -> Product {
    JacobianSpectrum spectrum = jacobian_spectrum(config, {}, progress);
    if (spectrum.cancelled) return nullptr;
    return std::make_shared<const JacobianSpectrum>(std::move(spectrum));
  });
}

void TheoryPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  updateSpectrum();
}

void TheoryPanel::showProgress(JobRunner* jobs, qint64 done, qint64 total) {
  // The spectrum's count when both run: it is the long one.
  if (jobs == phase_jobs_ && spectrum_jobs_->busy()) return;
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_->show();
}

void TheoryPanel::hideProgressUnlessBusy() {
  if (!phase_jobs_->busy() && !spectrum_jobs_->busy()) progress_->hide();
}

}  // namespace initscope::ui
