#pragma once

// The theory beside the measurement, in one dock with a tab each: the order/chaos phase diagram of
// the network's activation with the current setting on it, the input–output Jacobian's singular
// values, and LSUV's rescaling rounds step by step. The diagram and the spectrum are computed on
// worker threads of their own (JobRunner) with a progress bar, so the plots never wait on them: the
// diagram again only when the activation changes, the spectrum only while its tab is on screen.

#include <memory>
#include <optional>
#include <utility>

#include <QWidget>

#include "core/config.h"
#include "ui/job_runner.h"
#include "ui/run_controller.h"
#include "ui/theme.h"

class QProgressBar;
class QTabWidget;

namespace initscope::ui {

class PhaseView;
class SpectrumView;
class LsuvView;

class TheoryPanel : public QWidget {
  Q_OBJECT

 public:
  enum class Tab { phase, spectrum, lsuv };

  explicit TheoryPanel(QWidget* parent = nullptr);

  void setTheme(const Theme& theme);
  /// The latest run: its activation's diagram (computed again only for another activation), its
  /// setting on it, its LSUV rounds, and its spectrum when that tab shows (else when it is shown).
  void setResult(ResultPtr result);
  void showTab(Tab tab);
  Tab currentTab() const;

  PhaseView* phaseView() const { return phase_; }
  SpectrumView* spectrumView() const { return spectrum_; }
  LsuvView* lsuvView() const { return lsuv_; }
  JobRunner* phaseJobs() const { return phase_jobs_; }
  JobRunner* spectrumJobs() const { return spectrum_jobs_; }

 signals:
  /// A click on the phase diagram: the (σ_w², σ_b²) to set.
  void picked(double sigma_w2, double sigma_b2);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void updatePhase();
  /// Starts the spectrum of the current result if it is not on screen yet and its tab shows.
  void updateSpectrum();
  void showProgress(JobRunner* jobs, qint64 done, qint64 total);
  void hideProgressUnlessBusy();

  QTabWidget* tabs_ = nullptr;
  PhaseView* phase_ = nullptr;
  SpectrumView* spectrum_ = nullptr;
  LsuvView* lsuv_ = nullptr;
  QProgressBar* progress_ = nullptr;
  JobRunner* phase_jobs_ = nullptr;
  JobRunner* spectrum_jobs_ = nullptr;

  ResultPtr result_;
  // The activation whose diagram is shown or being computed.
  std::optional<Config::ActivationSetting> phase_activation_;
  bool phase_ready_ = false;
  // The config whose spectrum is shown or being computed.
  std::optional<Config> spectrum_config_;
};

}  // namespace initscope::ui
