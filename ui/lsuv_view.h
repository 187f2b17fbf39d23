#pragma once

// LSUV (Mishkin & Matas 2016) step by step: orthogonal weights, then each layer in turn rescaled
// by 1/√Var(z_l) until |Var(z_l) − 1| < 0.1, at most 10 rounds (core/run.cpp lsuv_rescale). A step
// is one measurement of Var(z_l), in the order LSUV made them; the plot shows the state after it:
// the layers already finished at their final variance, the current one at this round with its
// earlier rounds faded, the layers LSUV has not reached yet not at all (their Var(z) is only known
// once the layers before them are final).
//
// Found by objectName (tests, the window):
//   "lsuv_view" (this), "lsuv_plot" (QCustomPlot), "lsuv_readout" (QLabel), "lsuv_message"
//   (QLabel, shown instead of the rest when there are no rounds), "lsuv_step_slider" (QSlider),
//   "lsuv_step" (QSpinBox), "lsuv_prev", "lsuv_next", "lsuv_last" (QToolButton / QPushButton).
//   In the plot: QCPGraph "done", "current", "current_history" over the layer index (log y);
//   QCPItemRect "lsuv_tolerance" (Var in [0.9, 1.1]) and QCPItemStraightLine "lsuv_target" (1).

#include <QWidget>
#include <vector>

#include "ui/theme.h"

class QCustomPlot;
class QLabel;
class QSlider;
class QSpinBox;

namespace initscope::ui {

/// One measurement of LSUV: layer 1..depth, round 0.. (index into that layer's variances).
struct LsuvStep {
  int layer = 0;
  int round = 0;
  bool operator==(const LsuvStep&) const = default;
};

/// Every measurement in the order LSUV made them: layer 1's rounds, then layer 2's, ….
std::vector<LsuvStep> lsuv_steps(const std::vector<std::vector<double>>& lsuv_variances);

/// The readout for step `index` (0-based) of lsuv_steps(lsuv_variances): the layer and round, the
/// variance and the factor W_l gets, or, at the layer's last value, whether it passed the test.
QString lsuv_step_text(const std::vector<std::vector<double>>& lsuv_variances, int index);

class LsuvView : public QWidget {
  Q_OBJECT

 public:
  explicit LsuvView(QWidget* parent = nullptr);

  void setTheme(const Theme& theme);
  /// Result::lsuv_variances; empty: the view asks for the lsuv scheme. Shows the last step.
  void setRounds(const std::vector<std::vector<double>>& lsuv_variances);
  /// No rounds to show, and why (replaces the plot and the controls).
  void setUnavailable(const QString& reason);

  int stepCount() const { return static_cast<int>(steps_.size()); }
  /// 1..stepCount(); 0 when there are no steps.
  int step() const { return step_; }
  /// Clamped to 1..stepCount().
  void setStep(int step);

 signals:
  void stepChanged(int step);

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void render();
  void showState(bool available);

  Theme theme_ = Theme::make(ThemeName::light);
  std::vector<std::vector<double>> variances_;
  std::vector<LsuvStep> steps_;
  int step_ = 0;
  QString unavailable_;
  QWidget* card_ = nullptr;
  QWidget* controls_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QLabel* readout_ = nullptr;
  QLabel* message_ = nullptr;
  QSlider* slider_ = nullptr;
  QSpinBox* spin_ = nullptr;
};

}  // namespace initscope::ui
