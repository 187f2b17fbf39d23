// The window under conditions a student meets: experiments that explode or collapse, a size over
// the memory limit, settings that no longer read, and closing while a deep run computes.
#include <qcustomplot.h>

#include <atomic>
#include <cmath>
#include <memory>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "core/io/config_io.h"
#include "core/run.h"
#include "ui/control_panel.h"
#include "ui/main_window.h"
#include "ui/text.h"

using namespace initscope;
using namespace initscope::ui;

Q_DECLARE_METATYPE(initscope::Config)

namespace {

constexpr int kTimeoutMs = 60000;

// The issue's experiments, at width 256 so each takes about a tenth of a second.
Config experiment(Activation activation, Scheme scheme, int depth) {
  Config c;
  c.network.depth = depth;
  c.network.width = 256;
  c.input.dim = 256;
  c.input.batch = 128;
  c.activation.name = activation;
  c.init.scheme = scheme;
  return c;
}

bool has_text(QCustomPlot& plot, const QString& part, const QColor& color = {}) {
  for (int i = 0; i < plot.itemCount(); ++i) {
    auto* text = qobject_cast<QCPItemText*>(plot.item(i));
    if (text && text->text().contains(part) && (!color.isValid() || text->color() == color)) {
      return true;
    }
  }
  return false;
}

// Every point handed to the plot is finite (and positive on a log axis), every axis range is
// finite and not empty: nothing for QCustomPlot to hang or mis-scale on.
void verify_drawable(QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.plottableCount(); ++i) {
    QCPAbstractPlottable* p = plot.plottable(i);
    const bool log = p->valueAxis()->scaleType() == QCPAxis::stLogarithmic;
    auto check = [&](double key, double value) {
      return std::isfinite(key) && std::isfinite(value) && (!log || value > 0);
    };
    int bad = 0;
    if (auto* g = qobject_cast<QCPGraph*>(p)) {
      for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
        bad += !check(it->key, it->value);
      }
    } else if (auto* b = qobject_cast<QCPBars*>(p)) {
      for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) {
        bad += !check(it->key, it->value);
      }
    }
    QVERIFY2(bad == 0,
             qPrintable(QString("%1/%2: %3 unusable points").arg(name, p->name()).arg(bad)));
  }
  for (QCPAxis* axis : plot.axisRect()->axes()) {
    const QCPRange r = axis->range();
    QVERIFY2(std::isfinite(r.lower) && std::isfinite(r.upper) && r.lower < r.upper,
             qPrintable(QString("%1: axis %2..%3").arg(name).arg(r.lower).arg(r.upper)));
  }
}

// How many threads of this process carry this name (/proc/self/task/*/comm).
int threads_named(const QByteArray& name) {
  int count = 0;
  const QDir tasks(QStringLiteral("/proc/self/task"));
  for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    QFile comm(tasks.filePath(task + "/comm"));
    if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == name) ++count;
  }
  return count;
}

Config wait_for_result(MainWindow& window, const Config& config) {
  window.setConfig(config);
  const bool done = QTest::qWaitFor(
      [&] {
        return !window.runner()->busy() && window.result() && window.result()->config == config;
      },
      kTimeoutMs);
  if (!done) qWarning("no result for the config");
  return window.result() ? window.result()->config : Config{};
}

}  // namespace

class TestWindowReliability : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("InitScopeTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_window_reliability"));
    QSettings().clear();
  }
  void cleanupTestCase() { QSettings().clear(); }

  void exploding_and_collapsing_runs_are_marked_data() {
    QTest::addColumn<Config>("config");
    QTest::addColumn<QString>("status");  // what the status bar must say
    QTest::addColumn<bool>("forward");    // the forward pass overflows, not only the gradients
    Config normal10 = experiment(Activation::tanh, Scheme::normal, 100);
    normal10.init.args.std = 10.0;
    QTest::newRow("normal std 10, depth 100 (tanh)")
        << normal10 << "overflow: the gradients reach Inf/NaN" << false;
    Config normal10_relu = normal10;
    normal10_relu.activation.name = Activation::relu;
    QTest::newRow("normal std 10, depth 100 (relu)")
        << normal10_relu << "overflow: the activations reach Inf/NaN" << true;
    Config relu5 = experiment(Activation::relu, Scheme::kaiming_normal, 100);
    relu5.init.gain = {GainSetting::Kind::value, 5.0};
    QTest::newRow("relu gain 5") << relu5 << "overflow: the activations reach Inf/NaN" << true;
    // The other way: Var(h) shrinks 8000-fold per layer and reaches exactly 0 in float32.
    Config collapse = experiment(Activation::relu, Scheme::normal, 100);
    collapse.init.args.std = 1e-3;
    QTest::newRow("normal std 0.001 collapses to 0") << collapse << "" << false;
  }
  void exploding_and_collapsing_runs_are_marked() {
    QFETCH(Config, config);
    QFETCH(QString, status);
    QFETCH(bool, forward);
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QCOMPARE(wait_for_result(window, config), config);
    const auto* label = window.findChild<QLabel*>(QStringLiteral("run_status"));
    QVERIFY(label);
    if (status.isEmpty()) {
      // Collapse: zero rows, no overflow; the log plots leave the zeros out instead of failing.
      const Result& r = *window.result();
      QCOMPARE(r.layers.back().act_var, 0.0);
      QVERIFY(!r.layers.back().overflow);
      QVERIFY2(!label->text().contains("overflow"), qPrintable(label->text()));
      QVERIFY(has_text(*window.plot(PlotKind::variance), "Var(h_l) = 0 in layers"));
    } else {
      QVERIFY2(label->text().contains(status), qPrintable(label->text()));
      QVERIFY2(label->styleSheet().contains("#D55E00"), qPrintable(label->styleSheet()));
    }
    const QColor vermillion = window.theme().overflow;
    for (PlotKind kind :
         {PlotKind::weights, PlotKind::activations, PlotKind::variance, PlotKind::gradients}) {
      QCustomPlot* plot = window.plot(kind);
      const QString name = to_qstring(name_of(kind));
      verify_drawable(*plot, name);
      const bool marked = has_text(*plot, "overflow", vermillion);
      // Layer 1's weights are fine in every row; the gradient plot marks any overflow, the
      // activation and variance plots a forward one.
      const bool want = kind == PlotKind::weights     ? false
                        : kind == PlotKind::gradients ? !status.isEmpty()
                                                      : forward;
      QVERIFY2(marked == want, qPrintable(name));
      plot->replot(QCustomPlot::rpImmediateRefresh);
      QVERIFY(!plot->toPixmap(600, 400).isNull());
    }
  }

  void too_large_is_refused_without_running() {
    MainWindow window;
    const Config fits = experiment(Activation::tanh, Scheme::xavier_uniform, 4);
    QCOMPARE(wait_for_result(window, fits), fits);
    const ResultPtr shown = window.result();
    QSignalSpy failed(window.runner(), &RunController::failed);
    QSignalSpy progressed(window.runner(), &RunController::progressed);
    Config big = fits;
    big.network.depth = 1000;
    big.network.width = 8192;
    big.input.batch = 4096;
    window.setConfig(big);
    // The panel says why at once, before the worker answers.
    const auto* problem = window.controlPanel()->findChild<QLabel*>(QStringLiteral("problem"));
    QVERIFY(problem && !problem->isHidden());
    QVERIFY2(problem->text().contains("Too large to run") &&
                 problem->text().contains("over the limit of 4.0 GiB"),
             qPrintable(problem->text()));
    QVERIFY(failed.wait(kTimeoutMs));
    QVERIFY2(failed.back().at(1).toString().startsWith("the run needs about"),
             qPrintable(failed.back().at(1).toString()));
    QCOMPARE(progressed.count(), 0);  // refused before its first layer
    const auto* label = window.findChild<QLabel*>(QStringLiteral("run_status"));
    QVERIFY2(label->text().startsWith("Not run: the run needs about"), qPrintable(label->text()));
    QCOMPARE(window.result(), shown);  // the last plots stay
    QCOMPARE(wait_for_result(window, fits), fits);
    QVERIFY(problem->isHidden());
  }

  // Depth 1000 at width 512 and batch 512 is 3000 layer steps (sampling, forward, backward) of
  // 2 ms or less each here, 4.5 s in all (tens of seconds under the sanitizers). Closing must not
  // wait for them: the window's destructor cancels the run, which stops at its next layer boundary,
  // and joins the worker. Counted in steps, not timed: the steps are read once close() has
  // returned, after its cancel, so every later step sees the cancel at its progress call and at
  // most one is counted after it.
  void closing_during_a_depth_1000_run() {
    auto* window = new MainWindow;
    window->show();
    Config c = experiment(Activation::tanh, Scheme::xavier_uniform, 1000);
    c.network.width = 512;
    c.input.dim = 512;
    c.input.batch = 512;
    QVERIFY(!memory_refusal(c).has_value());
    const std::shared_ptr<const std::atomic<qint64>> steps = window->runner()->steps();
    // The remembered experiment's run first, then the deep one, three layers in.
    QVERIFY(QTest::qWaitFor([&] { return !window->runner()->busy(); }, kTimeoutMs));
    const qint64 before = steps->load();
    window->setConfig(c);
    QVERIFY(QTest::qWaitFor([&] { return steps->load() >= before + 3; }, kTimeoutMs));
    QCOMPARE(threads_named("initscope-run"), 1);
    QElapsedTimer clock;
    clock.start();
    window->close();
    const qint64 at_close = steps->load();
    delete window;
    const qint64 after = steps->load() - at_close;
    qInfo("closed %lld ms after the request to close, %lld layer steps after it (of 3000)",
          static_cast<long long>(clock.elapsed()), static_cast<long long>(after));
    QVERIFY2(after <= 1, qPrintable(QString::number(after)));
    QVERIFY(at_close + after < 2000);  // the run did not complete
    // The worker thread has ended. (QThread::wait returns once its run is over; the system thread
    // may take a moment more to leave /proc.)
    QTRY_COMPARE_WITH_TIMEOUT(threads_named("initscope-run"), 0, 10000);
  }

  void corrupt_settings_fall_back_to_defaults_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("value");
    Config over;
    over.network.depth = 1000;
    over.network.width = 8192;
    over.input.batch = 65536;
    QTest::newRow("config not JSON") << "experiment/config" << QVariant("{\"version\": 1, \"net");
    QTest::newRow("config out of range")
        << "experiment/config" << QVariant(R"({"version": 1, "network": {"depth": -5}})");
    QTest::newRow("config NaN") << "experiment/config"
                                << QVariant(R"({"version": 1, "init": {"std": NaN}})");
    QTest::newRow("config over the memory limit")
        << "experiment/config" << QVariant(QString::fromStdString(config_to_json(over)));
    QTest::newRow("config a number") << "experiment/config" << QVariant(42);
    QTest::newRow("config 2 MB") << "experiment/config" << QVariant(QString(2 << 20, ' '));
    QTest::newRow("theme unknown") << "view/theme" << QVariant("purple");
    QTest::newRow("theme a list") << "view/theme" << QVariant(QStringList{"dark", "light"});
    QTest::newRow("geometry garbage") << "window/geometry" << QVariant(QByteArray(300, '\xff'));
    QTest::newRow("state a number") << "window/state" << QVariant(3.5);
    QTest::newRow("file a list") << "experiment/file" << QVariant(QStringList{"a", "b"});
    QTest::newRow("modified text") << "experiment/modified" << QVariant("maybe");
    QStringList many;
    for (int i = 0; i < 10000; ++i) many << QString("/nowhere/%1.json").arg(i);
    QTest::newRow("10000 recent files") << "recent" << QVariant(many);
    QTest::newRow("recent a number") << "recent" << QVariant(7);
  }
  void corrupt_settings_fall_back_to_defaults() {
    QFETCH(QString, key);
    QFETCH(QVariant, value);
    {
      QSettings settings;
      settings.clear();
      settings.setValue(key, value);
    }
    MainWindow window;
    QCOMPARE(window.controlPanel()->config(), Config{});
    QCOMPARE(window.theme().name, ThemeName::light);
    auto* recent = window.findChild<QMenu*>(QStringLiteral("recent_menu"));
    QVERIFY(recent);
    QVERIFY(recent->actions().size() <= 8);
    QVERIFY(!window.windowTitle().contains("\n"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(
        QTest::qWaitFor([&] { return !window.runner()->busy() && window.result(); }, kTimeoutMs));
    QCOMPARE(window.result()->config, Config{});
    QSettings().clear();
  }
};

QTEST_MAIN(TestWindowReliability)
#include "tst_window_reliability.moc"
