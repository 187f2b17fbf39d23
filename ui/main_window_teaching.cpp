// The window's classroom side: the lessons menu and panel, the formula inspector, compare mode
// (a pinned baseline run) and presentation mode.

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>

#include "core/error.h"
#include "core/init/inspector.h"
#include "ui/control_panel.h"
#include "ui/inspector_panel.h"
#include "ui/main_window.h"
#include "ui/text.h"

namespace initscope::ui {

void MainWindow::buildTeaching() {
  lesson_panel_ = new LessonPanel;
  lesson_dock_ = new QDockWidget(tr("Lesson"), this);
  lesson_dock_->setObjectName(QStringLiteral("lesson_dock"));
  lesson_dock_->setWidget(lesson_panel_);
  addDockWidget(Qt::RightDockWidgetArea, lesson_dock_);
  lesson_dock_->hide();  // until a lesson is opened
  connect(lesson_panel_, &LessonPanel::reloadRequested, this, [this] {
    if (current_lesson_ >= 0) openLesson(current_lesson_);
  });

  inspector_ = new InspectorPanel;
  inspector_dock_ = new QDockWidget(tr("Formula inspector"), this);
  inspector_dock_->setObjectName(QStringLiteral("inspector_dock"));
  inspector_dock_->setWidget(inspector_);
  addDockWidget(Qt::RightDockWidgetArea, inspector_dock_);
  inspector_dock_->hide();

  QMenu* lessons = menuBar()->addMenu(tr("&Lessons"));
  QStringList problems;
  lessons_ = builtin_lessons(&problems);
  for (int i = 0; i < static_cast<int>(lessons_.size()); ++i) {
    lessons->addAction(QStringLiteral("%1. %2").arg(i + 1).arg(QString::fromStdString(
                           lessons_[static_cast<std::size_t>(i)].lesson.title)),
                       this, [this, i] { openLesson(i); });
  }
  lessons->setEnabled(!lessons_.empty());
  for (const QString& problem : problems) qWarning("lesson not loaded: %s", qPrintable(problem));

  // Compare and presentation live in the View menu, beside the themes.
  QMenu* view = view_menu_;
  view->addSeparator();
  pin_action_ = view->addAction(tr("Compare with &Baseline"));
  pin_action_->setObjectName(QStringLiteral("pin_baseline"));
  pin_action_->setCheckable(true);
  pin_action_->setShortcut(QKeySequence(tr("Ctrl+B")));
  pin_action_->setToolTip(
      tr("Pin the current run; its curves stay, dashed, while you change things"));
  connect(pin_action_, &QAction::toggled, this, &MainWindow::setBaselinePinned);
  view->addAction(inspector_dock_->toggleViewAction());
  inspector_dock_->toggleViewAction()->setShortcut(QKeySequence(tr("Ctrl+I")));
  view->addAction(lesson_dock_->toggleViewAction());
  presentation_action_ = view->addAction(tr("&Presentation Mode"));
  presentation_action_->setObjectName(QStringLiteral("presentation_mode"));
  presentation_action_->setCheckable(true);
  presentation_action_->setShortcut(QKeySequence(Qt::Key_F11));
  connect(presentation_action_, &QAction::toggled, this, &MainWindow::setPresentationMode);

  // The compact bar of presentation mode: what runs, and a way back to the controls.
  presentation_bar_ = new QToolBar(tr("Presentation"), this);
  presentation_bar_->setObjectName(QStringLiteral("presentation_bar"));
  presentation_bar_->setMovable(false);
  presentation_summary_ = new QLabel;
  presentation_summary_->setObjectName(QStringLiteral("presentation_summary"));
  presentation_bar_->addWidget(presentation_summary_);
  presentation_bar_->addSeparator();
  presentation_bar_->addAction(experiment_dock_->toggleViewAction());
  presentation_bar_->addAction(pin_action_);
  presentation_bar_->addAction(presentation_action_);
  addToolBar(Qt::TopToolBarArea, presentation_bar_);
  presentation_bar_->hide();
}

void MainWindow::openLesson(int index) {
  if (index < 0 || index >= static_cast<int>(lessons_.size())) return;
  current_lesson_ = index;
  const Lesson& lesson = lessons_[static_cast<std::size_t>(index)].lesson;
  setConfig(lesson.config);
  setCurrentFile(QString());
  setWindowModified(false);
  lesson_panel_->showLesson(lesson);
  lesson_dock_->show();
  lesson_dock_->raise();
}

void MainWindow::setBaselinePinned(bool pinned) {
  baseline_ = pinned ? result_ : nullptr;
  {
    const QSignalBlocker block(pin_action_);
    pin_action_->setChecked(baseline_ != nullptr);
  }
  statusBar()->showMessage(baseline_ ? tr("Baseline pinned: change a setting to compare; Ctrl+B "
                                          "clears it")
                                     : tr("Baseline cleared"),
                           5000);
  refreshPlots();
}

void MainWindow::setPresentationMode(bool on) {
  {
    const QSignalBlocker block(presentation_action_);
    presentation_action_->setChecked(on);
  }
  experiment_dock_->setVisible(!on);
  presentation_bar_->setVisible(on);
  menuBar()->setVisible(!on);
  if (on) {
    showFullScreen();
  } else {
    showNormal();
  }
  updatePresentationSummary();
}

void MainWindow::updatePresentationSummary() {
  if (!presentation_summary_ || !result_) return;
  const Config& c = result_->config;
  const std::string_view activation = name_of(c.activation.name), scheme = name_of(c.init.scheme);
  QString text = QStringLiteral("  %1 + %2").arg(to_qstring(activation), to_qstring(scheme));
  if (result_->init.gain) text += tr(", gain %1").arg(*result_->init.gain, 0, 'g', 4);
  text += tr(", depth %1, width %2  ").arg(c.network.depth).arg(c.network.width);
  presentation_summary_->setText(text);
}

void MainWindow::updateInspector() {
  if (!result_) return;
  try {
    inspector_->showInspection(inspect(result_->config, view_.weight_layer));
  } catch (const InputError& e) {
    inspector_->showProblem(QString::fromUtf8(e.what()));
  }
}

}  // namespace initscope::ui
