#pragma once

// The main window: the control panel in a dock, the four plots in a 2×2 grid, menus, and a status
// bar with the run time, warnings and a busy indicator. Every change of a setting recomputes on
// the worker thread (RunController); the previous plots stay until the new result arrives.

#include <array>

#include <QMainWindow>
#include <QTimer>

#include "core/config.h"
#include "core/stats/seed_bands.h"
#include "ui/job_runner.h"
#include "ui/lesson_panel.h"
#include "ui/plots.h"
#include "ui/run_controller.h"
#include "ui/theme.h"

class QAction;
class QCheckBox;
class QDockWidget;
class QToolBar;
class QCustomPlot;
class QLabel;
class QMenu;
class QProgressBar;
class QSlider;
class QSpinBox;

namespace initscope::ui {

class ControlPanel;
class InspectorPanel;
class PlotCard;
class TheoryPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  /// Restores the last experiment, theme and geometry from QSettings (the defaults when there are
  /// none or they are unreadable) and starts its run.
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Loads an experiment file. On a bad file a dialog shows core's message and the current
  /// experiment stays as it was. Returns whether it loaded.
  bool openFile(const QString& path);
  /// Shows and runs a config.
  void setConfig(const Config& config);

  /// Loads a lesson's experiment and shows its text (answer hidden).
  void openLesson(int index);
  const std::vector<BuiltinLesson>& lessons() const { return lessons_; }
  /// Compare mode: pins the current run as the baseline drawn dashed in every plot, or clears it.
  void setBaselinePinned(bool pinned);
  ResultPtr baseline() const { return baseline_; }
  /// Presentation mode: full screen, the control panel folded behind a compact bar.
  void setPresentationMode(bool on);
  /// What a click on the phase diagram does: the gain with σ_w² = gain² in the hidden layers
  /// (switching a scheme that has no such gain to kaiming_normal over fan_in) and the constant bias
  /// √σ_b² (zeros at 0), then a run.
  void setPhasePoint(double sigma_w2, double sigma_b2);
  /// The seed bands drawn with the current result: those of its very experiment under the seed
  /// count chosen, else none (while they compute, or with one seed).
  const SeedBands* currentBands() const;

  // For tests and the export menu.
  ControlPanel* controlPanel() const { return panel_; }
  InspectorPanel* inspector() const { return inspector_; }
  LessonPanel* lessonPanel() const { return lesson_panel_; }
  TheoryPanel* theory() const { return theory_; }
  JobRunner* bandJobs() const { return band_jobs_; }
  RunController* runner() const { return runner_; }
  QCustomPlot* plot(PlotKind kind) const;
  ResultPtr result() const { return result_; }
  const PlotView& plotView() const { return view_; }
  const Theme& theme() const { return theme_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void buildPlots();
  void buildMenus();
  void buildStatusBar();
  void buildTeaching();  // main_window_teaching.cpp: lessons, inspector, compare, presentation
  void buildTheory();    // main_window_theory.cpp: the Theory dock and the seed bands
  /// Computes the seed bands of the current result's experiment when more than one seed is chosen
  /// and they are not at hand.
  void startBands();
  void updateInspector();
  void updatePresentationSummary();
  void restoreSettings();
  void saveSettings() const;

  /// After a change: runs the panel's config now, or right after the run in flight when that one
  /// is quick.
  void scheduleRun();
  /// Runs the panel's config now, superseding any run in flight.
  void startRun();
  /// Starts the run scheduleRun() deferred, if any.
  void startPendingRun();
  void onFinished(quint64 generation, ResultPtr result, double milliseconds);
  void onFailed(quint64 generation, const QString& message);
  void refreshPlots();
  void applyTheme(ThemeName name);
  void enlarge(PlotCard* card, bool enlarged);

  void openDialog();
  bool save();
  bool saveAs();
  bool saveTo(const QString& path);
  void exportDialog();
  void setCurrentFile(const QString& path);
  void addRecent(const QString& path);
  void rebuildRecentMenu();

  ControlPanel* panel_ = nullptr;
  std::array<PlotCard*, 4> cards_{};
  RunController* runner_ = nullptr;
  ResultPtr result_;
  PlotView view_;
  Theme theme_;
  bool run_pending_ = false;  // a change arrived while a quick run was in flight
  double last_run_ms_ = 0;    // how long the last finished run took
  QTimer busy_delay_;
  QLabel* status_ = nullptr;
  QProgressBar* busy_ = nullptr;
  QSpinBox* layer_spin_ = nullptr;
  QSlider* layer_slider_ = nullptr;
  QCheckBox* preactivations_ = nullptr;
  QCheckBox* ratio_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QMenu* view_menu_ = nullptr;
  QString current_file_;

  QDockWidget* experiment_dock_ = nullptr;
  QDockWidget* lesson_dock_ = nullptr;
  QDockWidget* inspector_dock_ = nullptr;
  LessonPanel* lesson_panel_ = nullptr;
  InspectorPanel* inspector_ = nullptr;
  std::vector<BuiltinLesson> lessons_;
  int current_lesson_ = -1;
  ResultPtr baseline_;
  QAction* pin_action_ = nullptr;
  QAction* presentation_action_ = nullptr;
  QToolBar* presentation_bar_ = nullptr;
  QLabel* presentation_summary_ = nullptr;

  QDockWidget* theory_dock_ = nullptr;
  TheoryPanel* theory_ = nullptr;
  QSpinBox* band_seeds_ = nullptr;
  QProgressBar* band_progress_ = nullptr;
  JobRunner* band_jobs_ = nullptr;
  std::shared_ptr<const SeedBands> bands_;
  Config bands_config_;  // the experiment bands_ are of
};

}  // namespace initscope::ui
