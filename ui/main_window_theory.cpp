// The window's theory side: the Theory dock (phase diagram, Jacobian spectrum, LSUV rounds), a
// click on the phase diagram setting the gain and the bias, and the seed bands drawn in the
// variance and gradient plots.

#include <cmath>
#include <iterator>

#include <QAction>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>

#include "core/theory/phase.h"
#include "core/stats/seed_bands.h"
#include "ui/control_panel.h"
#include "ui/main_window.h"
#include "ui/plot_card.h"
#include "ui/theory_panel.h"

namespace initscope::ui {
namespace {

/// What a seed-band job hands back: the bands and the experiment they are of.
struct BandsProduct {
  Config config;
  SeedBands bands;
};

/// The schemes whose hidden layers ([width, width]) have fan_in·Var(W) = gain²: there the diagram's
/// σ_w² is the gain's square.
bool gain_sets_sigma_w2(Scheme scheme) {
  return scheme == Scheme::xavier_uniform || scheme == Scheme::xavier_normal ||
         scheme == Scheme::kaiming_uniform || scheme == Scheme::kaiming_normal ||
         scheme == Scheme::orthogonal;
}

/// x rounded to `decimals` decimals.
double round_decimals(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

}  // namespace

void MainWindow::buildTheory() {
  theory_ = new TheoryPanel;
  theory_dock_ = new QDockWidget(tr("Theory"), this);
  theory_dock_->setObjectName(QStringLiteral("theory_dock"));
  theory_dock_->setWidget(theory_);
  theory_dock_->setMinimumWidth(380);
  addDockWidget(Qt::RightDockWidgetArea, theory_dock_);
  theory_dock_->hide();
  connect(theory_, &TheoryPanel::picked, this, &MainWindow::setPhasePoint);

  QMenu* menu = menuBar()->addMenu(tr("&Theory"));
  QAction* toggle = theory_dock_->toggleViewAction();
  toggle->setText(tr("Show &Theory Panel"));
  toggle->setShortcut(QKeySequence(tr("Ctrl+T")));
  menu->addAction(toggle);
  menu->addSeparator();
  const auto add_tab = [this, menu](const QString& text, TheoryPanel::Tab tab, const char* key) {
    menu->addAction(text, QKeySequence(tr(key)), this, [this, tab] {
      theory_->showTab(tab);
      theory_dock_->show();
      theory_dock_->raise();
    });
  };
  add_tab(tr("&Phase Diagram"), TheoryPanel::Tab::phase, "Ctrl+Shift+P");
  add_tab(tr("&Jacobian Spectrum"), TheoryPanel::Tab::spectrum, "Ctrl+Shift+J");
  add_tab(tr("&LSUV Rounds"), TheoryPanel::Tab::lsuv, "Ctrl+Shift+L");

  // Seed bands: a control beside the variance plot, its progress in the status bar.
  band_seeds_ = new QSpinBox;
  band_seeds_->setObjectName(QStringLiteral("band_seeds"));
  band_seeds_->setRange(1, kMaxBandSeeds);
  band_seeds_->setSpecialValueText(tr("1 seed"));
  band_seeds_->setSuffix(tr(" seeds"));
  band_seeds_->setKeyboardTracking(false);
  band_seeds_->setToolTip(
      tr("Run the experiment under this many seeds (seed, seed + 1, …) and draw the mean and the "
         "min–max band of the variances and the gradients over them: how much a finite network "
         "varies from draw to draw. 1: the single run only."));
  band_seeds_->setValue(QSettings().value("view/band_seeds", 1).toInt());
  cards_[2]->controls()->addWidget(band_seeds_);
  connect(band_seeds_, &QSpinBox::valueChanged, this, [this](int seeds) {
    QSettings().setValue("view/band_seeds", seeds);
    startBands();
  });
  band_progress_ = new QProgressBar;
  band_progress_->setObjectName(QStringLiteral("band_progress"));
  band_progress_->setMaximumWidth(160);
  band_progress_->setFormat(tr("seed bands %p%"));
  band_progress_->hide();
  statusBar()->addPermanentWidget(band_progress_);

  band_jobs_ = new JobRunner(QStringLiteral("initscope-bands"), this);
  connect(band_jobs_, &JobRunner::progressed, this, [this](quint64, qint64 done, qint64 total) {
    band_progress_->setRange(0, static_cast<int>(total));
    band_progress_->setValue(static_cast<int>(done));
    band_progress_->show();
  });
  connect(band_jobs_, &JobRunner::finished, this, [this](quint64, const Product& product, double) {
    band_progress_->hide();
    const auto bands = std::static_pointer_cast<const BandsProduct>(product);
    bands_ = std::shared_ptr<const SeedBands>(bands, &bands->bands);
    bands_config_ = bands->config;
    refreshPlots();
  });
  connect(band_jobs_, &JobRunner::failed, this, [this](quint64, const QString& message) {
    band_progress_->hide();
    statusBar()->showMessage(tr("No seed bands: %1").arg(message), 6000);
  });
}

const SeedBands* MainWindow::currentBands() const {
  if (!bands_ || !result_ || bands_config_ != result_->config) return nullptr;
  if (static_cast<int>(bands_->seeds.size()) != band_seeds_->value()) return nullptr;
  return bands_.get();
}

void MainWindow::startBands() {
  const int seeds = band_seeds_->value();
  if (seeds <= 1 || !result_) {
    band_jobs_->cancel();
    band_progress_->hide();
    if (bands_) {
      bands_.reset();
      refreshPlots();
    }
    return;
  }
  if (currentBands()) return;
  // The first seed's run is the one on screen (the window runs with the default options too):
  // only seeds + 1 … seeds + k − 1 are computed.
  band_jobs_->start([shown = result_, seeds](const Progress& progress) -> Product {
    Config next = shown->config;
    ++next.seed;  // band_seeds' seed + 1, mod 2⁶⁴
    std::vector<Result> others = run_seeds(next, seeds - 1, {}, progress);
    if (others.empty()) return nullptr;  // cancelled
    std::vector<Result> runs{*shown};
    std::move(others.begin(), others.end(), std::back_inserter(runs));
    return std::make_shared<const BandsProduct>(BandsProduct{shown->config, seed_bands(runs)});
  });
  refreshPlots();  // the bands of another experiment go at once
}

void MainWindow::setPhasePoint(double sigma_w2, double sigma_b2) {
  // Rounded to what the panel shows (the gain to its 4 decimals), so the config holds what the
  // user reads; the dot then sits at the rounded setting.
  const double gain = round_decimals(gain_for_sigma_w2(sigma_w2), 4);
  const double bias = round_decimals(std::sqrt(sigma_b2), 4);
  Config config = panel_->config();
  QString scheme_note;
  if (!gain_sets_sigma_w2(config.init.scheme)) {
    // Another scheme (normal, uniform, torch_default, lsuv, …): kaiming_normal over fan_in has
    // fan_in·Var(W) = gain² in every layer, so it is the one that puts the network at the point.
    config.init.scheme = Scheme::kaiming_normal;
    config.init.args.mode = FanMode::fan_in;
    scheme_note = tr(", scheme kaiming_normal (fan_in)");
  }
  config.init.gain = {GainSetting::Kind::value, gain};
  config.network.bias_init = bias_init_for_sigma_b2(bias * bias);
  if (bias > 0) config.network.bias = true;
  panel_->setConfig(config);
  setWindowModified(true);
  scheduleRun();
  statusBar()->showMessage(tr("Phase diagram: gain %1 (σ_w² = %2), bias %3%4")
                               .arg(gain)
                               .arg(gain * gain, 0, 'g', 4)
                               .arg(bias > 0 ? tr("constant %1").arg(bias) : tr("zeros"))
                               .arg(scheme_note),
                           6000);
}

}  // namespace initscope::ui
