// The window's theory side, end to end: the Theory dock shows the phase diagram of the run's
// activation with the run's setting on it, a click on the diagram sets the gain and the bias and
// reruns, the spectrum is core's for the run's very config (and refused where core refuses), the
// LSUV tab steps through the run's rounds, and the seed bands computed on the worker are core's
// and follow the experiment.
#include <qcustomplot.h>
#include <QDockWidget>
#include <QLabel>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QtTest>

#include "core/theory/jacobian.h"
#include "core/theory/phase.h"
#include "core/run.h"
#include "core/stats/seed_bands.h"
#include "ui/control_panel.h"
#include "ui/lsuv_view.h"
#include "ui/main_window.h"
#include "ui/phase_view.h"
#include "ui/spectrum_view.h"
#include "ui/theory_panel.h"

using namespace initscope;
using namespace initscope::ui;

namespace {

Config small() {
  Config c;
  c.network.depth = 6;
  c.network.width = 64;
  c.input.dim = 64;
  c.input.batch = 128;
  return c;
}

QCPGraph* graph_named(QCustomPlot* plot, const QString& name) {
  for (int i = 0; i < plot->graphCount(); ++i) {
    if (plot->graph(i)->name() == name) return plot->graph(i);
  }
  return nullptr;
}

template <class T>
T* child(QObject* parent, const char* name) {
  T* found = parent->findChild<T*>(QString::fromLatin1(name));
  if (!found) qWarning("no child %s", name);
  return found;
}

// Waits until the window shows the run of `config` and no run is in flight.
bool settle(MainWindow& window, const Config& config) {
  return QTest::qWaitFor(
      [&] {
        return !window.runner()->busy() && window.result() && window.result()->config == config;
      },
      60000);
}

void show_theory(MainWindow& window, TheoryPanel::Tab tab) {
  window.theory()->showTab(tab);
  window.theory()->parentWidget()->show();  // the dock
}

}  // namespace

class TestTheoryWindow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("InitScopeTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_theory_window"));
    QSettings().clear();  // a seed count or a dock left from an earlier run of the tests
  }

  void phase_diagram_marks_the_run_and_a_click_sets_gain_and_bias() {
    MainWindow window;
    window.resize(1500, 950);
    window.show();
    Config c = small();
    c.activation.name = Activation::relu;
    c.init.scheme = Scheme::kaiming_normal;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    show_theory(window, TheoryPanel::Tab::phase);
    PhaseView* view = window.theory()->phaseView();
    QTRY_VERIFY_WITH_TIMEOUT(view->diagram() != nullptr, 30000);
    QCOMPARE(view->diagram()->activation, Activation::relu);
    // kaiming_normal with relu's gain √2: σ_w² = 2 in the hidden layers, no bias: the critical
    // point, marked where the run's mean-field prediction puts it.
    auto* plot = child<QCustomPlot>(view, "phase_plot");
    QCPGraph* current = graph_named(plot, QStringLiteral("current"));
    QVERIFY(current && current->data()->size() == 1);
    QCOMPARE(current->data()->at(0)->key, window.result()->theory.sigma_w2.back());
    QCOMPARE(current->data()->at(0)->value, 0.0);
    QVERIFY(std::abs(current->data()->at(0)->key - 2.0) < 1e-12);

    // A click through the widget at (σ_w², σ_b²) = (1.5, 0.09): gain √1.5 to 4 decimals, bias the
    // constant 0.3, and the run that follows uses them.
    plot->replot();
    const QPoint pixel(qRound(plot->xAxis->coordToPixel(1.5)),
                       qRound(plot->yAxis->coordToPixel(0.09)));
    QSignalSpy picked(view, &PhaseView::picked);
    QTest::mouseClick(plot, Qt::LeftButton, {}, pixel);
    QCOMPARE(picked.count(), 1);
    const double sw2 = picked[0][0].toDouble(), sb2 = picked[0][1].toDouble();
    // Within a pixel's worth of the aimed point.
    QVERIFY(std::abs(sw2 - 1.5) < 2 * plot->xAxis->range().size() / plot->axisRect()->width());
    QVERIFY(std::abs(sb2 - 0.09) < 2 * plot->yAxis->range().size() / plot->axisRect()->height());
    const Config picked_config = window.controlPanel()->config();
    QCOMPARE(picked_config.init.scheme, Scheme::kaiming_normal);
    QCOMPARE(picked_config.init.gain.kind, GainSetting::Kind::value);
    QCOMPARE(picked_config.init.gain.value, std::round(std::sqrt(sw2) * 1e4) / 1e4);
    QCOMPARE(picked_config.network.bias_init.kind, BiasInit::Kind::constant);
    QCOMPARE(picked_config.network.bias_init.value, std::round(std::sqrt(sb2) * 1e4) / 1e4);
    QVERIFY(picked_config.network.bias);
    QVERIFY(settle(window, picked_config));
    QCOMPARE(*window.result()->init.gain, picked_config.init.gain.value);
    // The dot moved to the new setting: σ_w² = gain², σ_b² = bias².
    QTRY_COMPARE_WITH_TIMEOUT(current->data()->at(0)->key, window.result()->theory.sigma_w2.back(),
                              10000);
    const double g = picked_config.init.gain.value, b = picked_config.network.bias_init.value;
    QVERIFY(std::abs(current->data()->at(0)->key - g * g) < 1e-12);
    QVERIFY(std::abs(current->data()->at(0)->value - b * b) < 1e-12);
  }

  void a_click_on_a_scheme_without_gain_switches_to_kaiming_normal() {
    MainWindow window;
    Config c = small();
    c.init.scheme = Scheme::normal;
    c.network.bias = false;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    window.setPhasePoint(2.5, 0.0);
    const Config set = window.controlPanel()->config();
    QCOMPARE(set.init.scheme, Scheme::kaiming_normal);
    QCOMPARE(set.init.args.mode, FanMode::fan_in);
    QCOMPARE(set.init.gain.value, 1.5811);  // √2.5 = 1.58113…
    QCOMPARE(set.network.bias_init.kind, BiasInit::Kind::zeros);
    QVERIFY(!set.network.bias);  // σ_b² = 0 needs no bias
    QVERIFY(settle(window, set));
    // kaiming_normal over fan_in: σ_w² = gain² in every layer.
    for (double sigma_w2 : window.result()->theory.sigma_w2) {
      QVERIFY(std::abs(sigma_w2 - 1.5811 * 1.5811) < 1e-12);
    }
  }

  void the_phase_diagram_follows_the_activation_and_says_when_the_setting_is_off_it() {
    MainWindow window;
    Config c = small();
    c.norm.name = Norm::batch;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    show_theory(window, TheoryPanel::Tab::phase);
    PhaseView* view = window.theory()->phaseView();
    QTRY_VERIFY_WITH_TIMEOUT(view->diagram() && view->diagram()->activation == Activation::tanh,
                             30000);
    // Batch norm: no mean-field prediction, so no dot, and the readout says why.
    auto* readout = child<QLabel>(view, "phase_readout");
    QTRY_VERIFY_WITH_TIMEOUT(readout->text().contains(QStringLiteral("norm")), 10000);
    QVERIFY(graph_named(child<QCustomPlot>(view, "phase_plot"), "current")->data()->isEmpty());
    // tanh's critical line starts at σ_w² = 1 on σ_b² = 0.
    QCOMPARE(view->diagram()->line_sigma_b2.front(), 0.0);
    QVERIFY(std::abs(view->diagram()->line_sigma_w2.front() - 1.0) < 1e-9);
    c.activation.name = Activation::selu;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    QTRY_VERIFY_WITH_TIMEOUT(view->diagram()->activation == Activation::selu, 30000);
  }

  void spectrum_is_cores_and_computes_only_when_shown() {
    MainWindow window;
    window.show();
    Config c = small();
    c.activation.name = Activation::identity;
    c.init.scheme = Scheme::orthogonal;
    c.init.gain = {GainSetting::Kind::value, 1.1};
    c.network.bias = false;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    // Hidden tab: nothing computed.
    show_theory(window, TheoryPanel::Tab::phase);
    QTest::qWait(100);
    QCOMPARE(window.theory()->spectrumJobs()->latest_generation(), quint64{0});
    QSignalSpy finished(window.theory()->spectrumJobs(), &JobRunner::finished);
    show_theory(window, TheoryPanel::Tab::spectrum);
    QVERIFY(finished.wait(60000));
    auto* plot = child<QCustomPlot>(window.theory()->spectrumView(), "spectrum_plot");
    QCPBars* bars = nullptr;
    for (int i = 0; i < plot->plottableCount(); ++i) {
      if (plot->plottable(i)->name() == QStringLiteral("singular_values"))
        bars = qobject_cast<QCPBars*>(plot->plottable(i));
    }
    QVERIFY(bars);
    const JacobianSpectrum expected = jacobian_spectrum(c);
    QCOMPARE(bars->data()->size(), 1);
    const std::vector<double>& edges = expected.log10_histogram.edges;
    // The one non-empty bin of the histogram, the one holding log10 1.1⁶ (the σ differ from it,
    // and from each other, by the float32 rounding of the weights: about 1e-6).
    QVERIFY(std::abs(bars->data()->at(0)->key - 6 * std::log10(1.1)) < 1e-5);
    QVERIFY(edges.front() <= bars->data()->at(0)->key && bars->data()->at(0)->key <= edges.back());
    double total = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
      total += it->value;
    QCOMPARE(total, 64.0);
    // Orthogonal weights and the identity: every σ = 1.1⁶, to float32's rounding.
    QVERIFY(std::abs(expected.singular_values.front() / std::pow(1.1, 6) - 1) < 1e-5);
    QVERIFY(std::abs(expected.singular_values.back() / std::pow(1.1, 6) - 1) < 1e-5);

    // Over the extent the spectrum takes: the panel says why instead. One unit over it, with
    // Gaussian weights: an orthogonal init this wide takes the run most of a minute under ASan.
    c.network.width = kMaxJacobianExtent + 1;
    c.init.scheme = Scheme::kaiming_normal;
    c.init.gain = {};
    c.input.batch = 16;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    auto* message = child<QLabel>(window.theory()->spectrumView(), "spectrum_message");
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible() && message->text().contains("1024"), 30000);
  }

  void lsuv_tab_steps_through_the_runs_rounds() {
    MainWindow window;
    Config c = small();
    c.init.scheme = Scheme::lsuv;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    LsuvView* view = window.theory()->lsuvView();
    int rounds = 0;
    for (const std::vector<double>& layer : window.result()->lsuv_variances)
      rounds += static_cast<int>(layer.size());
    QCOMPARE(view->stepCount(), rounds);
    QCOMPARE(view->step(), rounds);
    c.init.scheme = Scheme::orthogonal;
    window.setConfig(c);
    QVERIFY(settle(window, c));
    QCOMPARE(view->stepCount(), 0);
  }

  void seed_bands_are_cores_and_follow_the_experiment() {
    MainWindow window;
    const Config c = small();
    window.setConfig(c);
    QVERIFY(settle(window, c));
    auto* seeds = child<QSpinBox>(&window, "band_seeds");
    QSignalSpy progressed(window.bandJobs(), &JobRunner::progressed);
    QSignalSpy finished(window.bandJobs(), &JobRunner::finished);
    seeds->setValue(4);
    QVERIFY(finished.wait(60000));
    QVERIFY(progressed.count() > 0);
    QCOMPARE(progressed.last()[2].value<qint64>(), progressed.first()[2].value<qint64>());
    const SeedBands expected = seed_bands(run_seeds(c, 4));
    QVERIFY(window.currentBands());
    QCOMPARE(window.currentBands()->seeds, expected.seeds);
    QCPGraph* max = graph_named(window.plot(PlotKind::variance), "band_max act_var");
    QCPGraph* min = graph_named(window.plot(PlotKind::variance), "band_min act_var");
    QCPGraph* grad = graph_named(window.plot(PlotKind::gradients), "band_max grad_act_var");
    QVERIFY(max && min && grad);
    for (int l = 0; l <= 6; ++l) {
      QCOMPARE(max->data()->findBegin(l, false)->value, expected.at(l, "act_var")->max);
      QCOMPARE(min->data()->findBegin(l, false)->value, expected.at(l, "act_var")->min);
    }
    QCOMPARE(grad->data()->findBegin(2, false)->value, expected.at(2, "grad_act_var")->max);

    // Another experiment: the old bands are not drawn over the new result; new ones follow.
    Config wider = c;
    wider.network.width = 96;
    window.setConfig(wider);
    QVERIFY(settle(window, wider));
    QTRY_VERIFY_WITH_TIMEOUT(window.currentBands() && !window.bandJobs()->busy(), 60000);
    const SeedBands wider_expected = seed_bands(run_seeds(wider, 4));
    QCOMPARE(graph_named(window.plot(PlotKind::variance), "band_max act_var")
                 ->data()
                 ->findBegin(3, false)
                 ->value,
             wider_expected.at(3, "act_var")->max);
    // One seed: no band.
    seeds->setValue(1);
    QVERIFY(window.currentBands() == nullptr);
    QVERIFY(graph_named(window.plot(PlotKind::variance), "band_max act_var") == nullptr);
  }
};

QTEST_MAIN(TestTheoryWindow)
#include "tst_theory_window.moc"
