#include "ui/main_window.h"
#include "ui/text.h"

#include <qcustomplot.h>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QKeyEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>

#include "core/compare.h"
#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/format.h"
#include "core/run.h"
#include "ui/application.h"
#include "ui/atomic_write.h"
#include "ui/control_panel.h"
#include "ui/export.h"
#include "ui/export_dialog.h"
#include "ui/plot_card.h"
#include "ui/theory_panel.h"

namespace initscope::ui {
namespace {

// A change while a run is in flight: a run that took less than this is left to finish and the new
// config runs right after it, so a slider drag keeps showing results; a slower one is superseded
// (cancelled at its next layer) so that the window never waits on an outdated long run.
constexpr double kSupersedeMs = 150;
constexpr int kBusyDelayMs = 200;  // quicker runs show no busy indicator
constexpr int kMaxRecent = 8;
// A config the window saved is a few hundred characters; anything near core's 16 MiB file limit
// in the settings is not one.
constexpr qsizetype kMaxSavedConfigChars = 1 << 20;
const QString kJsonFilter = QStringLiteral("InitScope experiments (*.json);;All files (*)");

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowIcon(QIcon(QString::fromLatin1(kIconPath)));
  runner_ = new RunController(this);
  panel_ = new ControlPanel;
  auto* scroll = new QScrollArea;
  scroll->setWidget(panel_);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  experiment_dock_ = new QDockWidget(tr("Experiment"), this);
  experiment_dock_->setObjectName(QStringLiteral("experiment_dock"));
  experiment_dock_->setWidget(scroll);
  experiment_dock_->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  experiment_dock_->setMinimumWidth(340);
  addDockWidget(Qt::LeftDockWidgetArea, experiment_dock_);

  buildPlots();
  buildMenus();
  buildStatusBar();
  buildTeaching();
  buildTheory();

  busy_delay_.setSingleShot(true);
  busy_delay_.setInterval(kBusyDelayMs);
  connect(&busy_delay_, &QTimer::timeout, this, [this] { busy_->setVisible(runner_->busy()); });

  connect(panel_, &ControlPanel::configChanged, this, [this] {
    setWindowModified(true);
    scheduleRun();
  });
  connect(runner_, &RunController::started, this, [this] {
    if (!busy_delay_.isActive() && !busy_->isVisible()) busy_delay_.start();
  });
  connect(runner_, &RunController::finished, this, &MainWindow::onFinished);
  connect(runner_, &RunController::failed, this, &MainWindow::onFailed);

  restoreSettings();
  lesson_dock_->hide();  // restoreState may show it, but no lesson is open yet
  startRun();
}

MainWindow::~MainWindow() = default;

QCustomPlot* MainWindow::plot(PlotKind kind) const {
  for (PlotCard* card : cards_) {
    if (card->kind() == kind) return card->plot();
  }
  return nullptr;
}

void MainWindow::buildPlots() {
  auto* central = new QWidget;
  auto* grid = new QGridLayout(central);
  grid->setContentsMargins(4, 4, 4, 4);
  grid->setSpacing(4);
  const std::array<PlotKind, 4> kinds{PlotKind::weights, PlotKind::activations, PlotKind::variance,
                                      PlotKind::gradients};
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    cards_[i] = new PlotCard(kinds[i]);
    grid->addWidget(cards_[i], static_cast<int>(i / 2), static_cast<int>(i % 2));
    connect(cards_[i], &PlotCard::enlargeToggled, this,
            [this, card = cards_[i]](bool on) { enlarge(card, on); });
  }
  setCentralWidget(central);

  // The plots' own controls change only what is drawn, never the experiment: no recompute.
  layer_slider_ = new QSlider(Qt::Horizontal);
  layer_slider_->setObjectName(QStringLiteral("weight_layer_slider"));
  layer_slider_->setMaximumWidth(120);
  layer_spin_ = new QSpinBox;
  layer_spin_->setObjectName(QStringLiteral("weight_layer"));
  layer_spin_->setPrefix(tr("layer "));
  layer_spin_->setToolTip(tr("Which layer's weights to show"));
  layer_slider_->setRange(1, 1);
  layer_spin_->setRange(1, 1);
  connect(layer_slider_, &QSlider::valueChanged, layer_spin_, &QSpinBox::setValue);
  connect(layer_spin_, &QSpinBox::valueChanged, layer_slider_, &QSlider::setValue);
  connect(layer_spin_, &QSpinBox::valueChanged, this, [this](int layer) {
    view_.weight_layer = layer;
    refreshPlots();
    updateInspector();
  });
  cards_[0]->controls()->addWidget(layer_slider_);
  cards_[0]->controls()->addWidget(layer_spin_);

  preactivations_ = new QCheckBox(tr("pre-activation"));
  preactivations_->setObjectName(QStringLiteral("show_preactivations"));
  preactivations_->setToolTip(tr("Show z = W·h + b of every layer instead of its output h"));
  connect(preactivations_, &QCheckBox::toggled, this, [this](bool on) {
    view_.preactivations = on;
    refreshPlots();
  });
  cards_[1]->controls()->addWidget(preactivations_);

  ratio_ = new QCheckBox(tr("grad : data"));
  ratio_->setObjectName(QStringLiteral("show_gradient_ratio"));
  ratio_->setToolTip(tr("Right axis: std(∂L/∂W) / std(W) instead of std(∂L/∂W)"));
  connect(ratio_, &QCheckBox::toggled, this, [this](bool on) {
    view_.gradient_ratio = on;
    refreshPlots();
  });
  cards_[3]->controls()->addWidget(ratio_);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openDialog);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  recent_menu_->setObjectName(QStringLiteral("recent_menu"));
  file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::save);
  file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, &MainWindow::saveAs);
  file->addSeparator();
  file->addAction(tr("&Export Plots…"), QKeySequence(tr("Ctrl+E")), this,
                  &MainWindow::exportDialog);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* view = view_menu_ = menuBar()->addMenu(tr("&View"));
  auto* themes = new QActionGroup(this);
  for (std::string_view name : canonical_names<ThemeName>()) {
    QAction* action = view->addAction(tr("%1 theme").arg(to_qstring(name)));
    action->setCheckable(true);
    action->setData(to_qstring(name));
    themes->addAction(action);
    connect(action, &QAction::triggered, this,
            [this, name] { applyTheme(parse_name<ThemeName>(name)); });
  }
  connect(view, &QMenu::aboutToShow, this, [this, themes] {
    for (QAction* action : themes->actions()) {
      action->setChecked(action->data().toString() == to_qstring(name_of(theme_.name)));
    }
  });

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About InitScope"), this, [this] {
    QMessageBox::about(this, tr("About InitScope"),
                       tr("<b>InitScope %1</b><p>See how initialization shapes the weights, the "
                          "activations and the gradients of every layer.</p>")
                           .arg(QCoreApplication::applicationVersion()));
  });
}

void MainWindow::buildStatusBar() {
  status_ = new QLabel;
  status_->setObjectName(QStringLiteral("run_status"));
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusBar()->addWidget(status_, 1);
  busy_ = new QProgressBar;
  busy_->setRange(0, 0);  // indeterminate
  busy_->setMaximumWidth(120);
  busy_->setVisible(false);
  statusBar()->addPermanentWidget(busy_);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  const std::optional<ThemeName> theme =
      find_by_name<ThemeName>(settings.value("view/theme").toString().toStdString());
  applyTheme(theme.value_or(ThemeName::light));
  rebuildRecentMenu();

  // A saved experiment that no longer reads (edited by hand, from another version, out of range,
  // too large to run) falls back to the default experiment rather than stopping the window from
  // opening on something it cannot show.
  Config config;
  const QString saved = settings.value("experiment/config").toString();
  if (!saved.isEmpty() && saved.size() <= kMaxSavedConfigChars) {
    try {
      config = parse_config(saved.toStdString(), "saved settings").config;
      if (memory_refusal(config)) config = Config{};
    } catch (const InputError&) {
      config = Config{};
    }
  }
  panel_->setConfig(config);
  setCurrentFile(settings.value("experiment/file").toString());
  setWindowModified(settings.value("experiment/modified").toBool());
}

void MainWindow::saveSettings() const {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("view/theme", to_qstring(name_of(theme_.name)));
  settings.setValue("experiment/config", QString::fromStdString(config_to_json(panel_->config())));
  settings.setValue("experiment/file", current_file_);
  settings.setValue("experiment/modified", isWindowModified());
}

void MainWindow::scheduleRun() {
  if (runner_->busy() && last_run_ms_ < kSupersedeMs) {
    run_pending_ = true;
  } else {
    startRun();
  }
}

void MainWindow::startRun() {
  run_pending_ = false;
  runner_->request(panel_->config());
}

void MainWindow::startPendingRun() {
  if (run_pending_) startRun();
}

void MainWindow::setConfig(const Config& config) {
  panel_->setConfig(config);
  startRun();
}

void MainWindow::onFinished(quint64, ResultPtr result, double milliseconds) {
  last_run_ms_ = milliseconds;
  startPendingRun();  // computes while this result is drawn
  busy_delay_.stop();
  busy_->setVisible(false);
  result_ = std::move(result);
  const int depth = static_cast<int>(result_->config.network.depth);
  {
    const QSignalBlocker block_spin(layer_spin_), block_slider(layer_slider_);
    layer_spin_->setRange(1, depth);
    layer_slider_->setRange(1, depth);
    view_.weight_layer = layer_spin_->value();
    layer_slider_->setValue(view_.weight_layer);
  }
  panel_->showGainInUse(result_->init.gain, QString::fromStdString(result_->init.gain_source));
  refreshPlots();
  updateInspector();
  updatePresentationSummary();
  theory_->setResult(result_);
  startBands();
  QString text = tr("%1 + %2, depth %3, width %4: %5 ms")
                     .arg(to_qstring(name_of(result_->config.activation.name)),
                          to_qstring(name_of(result_->config.init.scheme)))
                     .arg(depth)
                     .arg(result_->config.network.width)
                     .arg(milliseconds, 0, 'f', 0);
  for (const std::string& warning : result_->warnings)
    text += "  ·  " + QString::fromStdString(warning);
  status_->setStyleSheet(result_->warnings.empty() ? QString() : QStringLiteral("color: #D55E00"));
  status_->setText(text);
}

void MainWindow::onFailed(quint64, const QString& message) {
  startPendingRun();
  busy_delay_.stop();
  busy_->setVisible(false);
  status_->setStyleSheet(QStringLiteral("color: #D55E00"));
  status_->setText(tr("Not run: %1").arg(message));
}

void MainWindow::refreshPlots() {
  if (!result_) return;
  Baseline baseline;
  if (baseline_) {
    baseline.result = baseline_.get();
    baseline.label = QString::fromStdString(difference_label(baseline_->config, result_->config));
  }
  for (PlotCard* card : cards_) {
    show_result(*card->plot(), card->kind(), *result_, view_, theme_, baseline, currentBands());
  }
}

void MainWindow::applyTheme(ThemeName name) {
  theme_ = Theme::make(name);
  for (PlotCard* card : cards_) setup_plot(*card->plot(), card->kind(), theme_);
  if (theory_) theory_->setTheme(theme_);
  refreshPlots();
}

void MainWindow::enlarge(PlotCard* card, bool enlarged) {
  for (PlotCard* other : cards_) {
    other->setVisible(!enlarged || other == card);
    other->setEnlarged(enlarged && other == card);
  }
}

void MainWindow::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape) {
    for (PlotCard* card : cards_) enlarge(card, false);
    if (presentation_action_->isChecked()) presentation_action_->trigger();
    return;
  }
  QMainWindow::keyPressEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // First: a deep run stops at its next layer while the rest closes.
  runner_->cancel();
  band_jobs_->cancel();
  saveSettings();
  event->accept();
}

bool MainWindow::openFile(const QString& path) {
  try {
    const LoadedConfig loaded = load_config(path.toStdString());
    setConfig(loaded.config);
    setCurrentFile(path);
    setWindowModified(false);
    addRecent(path);
    if (!loaded.warnings.empty()) {
      QStringList lines;
      for (const std::string& w : loaded.warnings) lines << QString::fromStdString(w);
      QMessageBox::information(this, tr("Opened with warnings"), lines.join('\n'));
    }
    return true;
  } catch (const InputError& e) {
    QMessageBox::warning(this, tr("Cannot open experiment"), QString::fromUtf8(e.what()));
    return false;
  }
}

void MainWindow::openDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"),
                                                    QFileInfo(current_file_).path(), kJsonFilter);
  if (!path.isEmpty()) openFile(path);
}

bool MainWindow::save() {
  return current_file_.isEmpty() ? saveAs() : saveTo(current_file_);
}

bool MainWindow::saveAs() {
  QString path = QFileDialog::getSaveFileName(
      this, tr("Save experiment"), current_file_.isEmpty() ? "experiment.json" : current_file_,
      kJsonFilter);
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += ".json";
  return saveTo(path);
}

bool MainWindow::saveTo(const QString& path) {
  const std::string json = config_to_json(panel_->config());
  const QString failure =
      write_file_atomically(path, QByteArray(json.data(), static_cast<qsizetype>(json.size())));
  if (!failure.isEmpty()) {
    QMessageBox::warning(this, tr("Cannot save experiment"), failure);
    return false;
  }
  setCurrentFile(path);
  setWindowModified(false);
  addRecent(path);
  statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
  return true;
}

void MainWindow::exportDialog() {
  if (!result_) return;
  ExportDialog dialog(this);
  if (dialog.exec() != QDialog::Accepted) return;
  ExportOptions options = dialog.options();
  options.view = view_;
  options.bands = currentBands();
  QApplication::setOverrideCursor(Qt::WaitCursor);
  const ExportReport report = export_result(*result_, dialog.directory(), options);
  QApplication::restoreOverrideCursor();
  if (!report.ok()) {
    QMessageBox::warning(this, tr("Export failed"), report.error);
    return;
  }
  dialog.remember();
  statusBar()->showMessage(
      tr("Exported %1 files into %2").arg(report.written.size()).arg(dialog.directory()), 6000);
}

void MainWindow::setCurrentFile(const QString& path) {
  current_file_ = path;
  setWindowTitle(tr("%1[*] — InitScope")
                     .arg(path.isEmpty() ? tr("Untitled experiment") : QFileInfo(path).fileName()));
}

void MainWindow::addRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recent").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue("recent", recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  // At most kMaxRecent, non-empty: the list may have been edited by hand.
  QStringList recent = QSettings().value("recent").toStringList();
  recent.removeAll(QString());
  recent = recent.mid(0, kMaxRecent);
  for (const QString& path : recent) {
    recent_menu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })
        ->setToolTip(path);
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

}  // namespace initscope::ui
