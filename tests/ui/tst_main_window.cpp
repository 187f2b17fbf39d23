// The window: a control changed through its widget recomputes, and the plotted data equal core's
// result for the same config; rapid changes end on the last config; closing mid-run is clean;
// a bad file leaves the experiment as it was.
#include <qcustomplot.h>
#include <QApplication>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "core/run.h"
#include "ui/control_panel.h"
#include "ui/main_window.h"

using namespace initscope;
using namespace initscope::ui;

namespace {

QCPGraph* graph_named(QCustomPlot* plot, const QString& name) {
  for (int i = 0; i < plot->graphCount(); ++i) {
    if (plot->graph(i)->name() == name) return plot->graph(i);
  }
  return nullptr;
}

// The window's variance plot holds exactly core's preact_var and act_var for `config`.
void verify_plots_match_core(MainWindow& window, const Config& config) {
  const Result expected = run(config);
  QCPGraph* preact = graph_named(window.plot(PlotKind::variance), "preact_var");
  QCPGraph* act = graph_named(window.plot(PlotKind::variance), "act_var");
  QCPGraph* grad = graph_named(window.plot(PlotKind::gradients), "grad_act_var");
  QVERIFY(preact && act && grad);
  QCOMPARE(preact->data()->size(), static_cast<int>(config.network.depth));  // layers 1..depth
  for (int l = 1; l <= config.network.depth; ++l) {
    const auto point = preact->data()->findBegin(l, false);
    QCOMPARE(point->key, double(l));
    QCOMPARE(point->value, *expected.layers[l].preact_var);
  }
  QCOMPARE(act->data()->size(), static_cast<int>(config.network.depth) + 1);
  QCOMPARE(act->data()->at(0)->value, expected.layers[0].act_var);
  QCOMPARE(grad->data()->at(1)->value, expected.layers[1].grad_act_var);
}

Config small() {
  Config c;
  c.network.depth = 6;
  c.network.width = 64;
  c.input.dim = 64;
  c.input.batch = 128;
  return c;
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    // Settings of the tests' own, away from the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("InitScopeTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
  }

  void control_change_recomputes() {
    MainWindow window;
    QSignalSpy finished(window.runner(), &RunController::finished);
    window.setConfig(small());
    QTRY_VERIFY_WITH_TIMEOUT(
        !window.runner()->busy() && window.result() && window.result()->config == small(), 30000);
    auto* depth = window.controlPanel()->findChild<QSpinBox*>(QStringLiteral("depth"));
    QVERIFY(depth);
    const int before = finished.count();
    QTest::keyClick(depth, Qt::Key_Up);  // through the widget, as a user would
    QCOMPARE(window.controlPanel()->config().network.depth, 7);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before && !window.runner()->busy(), 30000);
    QCOMPARE(window.result()->config.network.depth, 7);
    verify_plots_match_core(window, window.controlPanel()->config());
  }

  void rapid_changes_end_on_the_last_config() {
    MainWindow window;
    window.setConfig(small());
    auto* width = window.controlPanel()->findChild<QSpinBox*>(QStringLiteral("width"));
    QVERIFY(width);
    for (int i = 0; i < 200; ++i) {
      QTest::keyClick(width, i % 3 == 2 ? Qt::Key_Down : Qt::Key_Up);
      QCoreApplication::processEvents();
    }
    const Config last = window.controlPanel()->config();
    QCOMPARE(last.network.width, 64 + 200 - 2 * 66);
    QTRY_VERIFY_WITH_TIMEOUT(
        !window.runner()->busy() && window.result() && window.result()->config == last, 60000);
    verify_plots_match_core(window, last);
  }

  void closing_during_a_long_run() {
    auto* window = new MainWindow;
    QSignalSpy started(window->runner(), &RunController::started);
    Config c = small();
    c.network.depth = 1000;
    c.network.width = 512;
    c.input.batch = 512;
    window->setConfig(c);
    QVERIFY(started.wait(30000));
    window->close();
    delete window;  // cancels the run at its next layer and joins the worker
    QVERIFY(true);
  }

  void bad_file_keeps_the_experiment() {
    MainWindow window;
    window.setConfig(small());
    QTemporaryDir dir;
    QFile file(dir.filePath("bad.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"version": 1, "init": {"scheme": "kaimng_normal"}})");
    file.close();
    QString shown;
    QTimer::singleShot(200, [&] {
      if (QWidget* dialog = QApplication::activeModalWidget()) {
        shown = dialog->findChild<QLabel*>(QStringLiteral("qt_msgbox_label"))->text();
        dialog->close();
      }
    });
    QVERIFY(!window.openFile(file.fileName()));
    QVERIFY2(shown.contains("did you mean \"kaiming_normal\"?"), qPrintable(shown));
    QCOMPARE(window.controlPanel()->config(), small());
  }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
