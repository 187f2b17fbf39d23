#pragma once

// The main window: the control panel in a dock, the four plots in a 2×2 grid, menus, and a status
// bar with the run time, warnings and a busy indicator. Every change of a setting recomputes on
// the worker thread (RunController); the previous plots stay until the new result arrives.

#include <array>

#include <QMainWindow>
#include <QTimer>

#include "core/config.h"
#include "ui/plots.h"
#include "ui/run_controller.h"
#include "ui/theme.h"

class QCheckBox;
class QCustomPlot;
class QLabel;
class QMenu;
class QProgressBar;
class QSlider;
class QSpinBox;

namespace initscope::ui {

class ControlPanel;
class PlotCard;

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

  // For tests and the export menu.
  ControlPanel* controlPanel() const { return panel_; }
  RunController* runner() const { return runner_; }
  QCustomPlot* plot(PlotKind kind) const;
  ResultPtr result() const { return result_; }
  const PlotView& plotView() const { return view_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void buildPlots();
  void buildMenus();
  void buildStatusBar();
  void restoreSettings();
  void saveSettings() const;

  void scheduleRun();
  void startRun();
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
  QTimer debounce_;
  QTimer busy_delay_;
  QLabel* status_ = nullptr;
  QProgressBar* busy_ = nullptr;
  QSpinBox* layer_spin_ = nullptr;
  QSlider* layer_slider_ = nullptr;
  QCheckBox* preactivations_ = nullptr;
  QCheckBox* ratio_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QString current_file_;
};

}  // namespace initscope::ui
