// The window: a control changed through its widget recomputes, and the plotted data equal core's
// result for the same config; rapid changes end on the last config (closing mid-run:
// tst_window_reliability); a bad file leaves the experiment as it was.
#include <qcustomplot.h>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QtTest>

#include "core/run.h"
#include "ui/control_panel.h"
#include "ui/inspector_panel.h"
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

// The threads of this process, from /proc.
int thread_count() {
  return static_cast<int>(
      QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
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

  void network_type_switch_runs_a_conv_stack() {
    // The MLP/Conv2d switch, through the widget: the same window and plots, now over a conv2d
    // stack, with the plotted data equal to core's and the inspector on 4-D weights.
    MainWindow window;
    window.setConfig(small());
    QTRY_VERIFY_WITH_TIMEOUT(
        !window.runner()->busy() && window.result() && window.result()->config == small(), 30000);
    window.inspector()->parentWidget()->show();
    auto* type = window.controlPanel()->findChild<QComboBox*>(QStringLiteral("network_type"));
    QVERIFY(type);
    type->setCurrentIndex(type->findText(QStringLiteral("Conv2d")));
    const Config conv = window.controlPanel()->config();
    QCOMPARE(conv.network.type, NetworkType::conv2d);
    QTRY_VERIFY_WITH_TIMEOUT(
        !window.runner()->busy() && window.result() && window.result()->config == conv, 60000);
    verify_plots_match_core(window, conv);
    // Layer 1 is Conv2d(3, 64, 3): its weights are 64 × 3 × 3 × 3, fan_in 27.
    QCustomPlot* weights = window.plot(PlotKind::weights);
    bool shape_shown = false;
    for (int i = 0; i < weights->itemCount(); ++i) {
      if (auto* text = qobject_cast<QCPItemText*>(weights->item(i))) {
        shape_shown |=
            text->text().contains(QStringLiteral("W_1 is 64 \u00d7 3 \u00d7 3 \u00d7 3"));
      }
    }
    QVERIFY(shape_shown);
    const QString torch = window.inspector()->torchCode();
    QVERIFY2(torch.contains("xavier_uniform_"), qPrintable(torch));
    auto* fans = window.inspector()->findChild<QLabel*>(QStringLiteral("fans"));
    QVERIFY(fans);
    QVERIFY2(fans->text().startsWith(QStringLiteral("fan_in 27 = 3\u00b73\u00b2")),
             qPrintable(fans->text()));
    // And back: the MLP again, with the image sizes kept in the config for the next switch.
    type->setCurrentIndex(type->findText(QStringLiteral("MLP")));
    const Config mlp = window.controlPanel()->config();
    QCOMPARE(mlp.network.type, NetworkType::mlp);
    QCOMPARE(mlp.input.height, conv.input.height);
    QTRY_VERIFY_WITH_TIMEOUT(
        !window.runner()->busy() && window.result() && window.result()->config == mlp, 30000);
    verify_plots_match_core(window, mlp);
  }

  void rapid_changes_end_on_the_last_config() {
    // 1000 changes as fast as the event loop takes them (well under 2 s), through the widget as a
    // user would: no crash, no thread left behind, and the plots end on core's result for the
    // last setting.
    const int threads_before = thread_count();
    {
      MainWindow window;
      window.setConfig(small());
      auto* width = window.controlPanel()->findChild<QSpinBox*>(QStringLiteral("width"));
      QVERIFY(width);
      QElapsedTimer timer;
      timer.start();
      for (int i = 0; i < 1000; ++i) {
        QTest::keyClick(width, i % 3 == 2 ? Qt::Key_Down : Qt::Key_Up);
        QCoreApplication::processEvents();
      }
      qInfo("1000 changes sent in %lld ms", static_cast<long long>(timer.elapsed()));
      const Config last = window.controlPanel()->config();
      QCOMPARE(last.network.width, 64 + 1000 - 2 * 333);
      QTRY_VERIFY_WITH_TIMEOUT(
          !window.runner()->busy() && window.result() && window.result()->config == last, 60000);
      verify_plots_match_core(window, last);
    }
    // The window's worker has joined; the engine's pool keeps at most one helper per core, started
    // by whichever run came first.
    QVERIFY2(thread_count() <= std::max(threads_before, 1) + QThread::idealThreadCount(),
             qPrintable(
                 QString("threads: %1 before, %2 after").arg(threads_before).arg(thread_count())));
  }

  void a_drag_over_quick_runs_cancels_none() {
    // Quick runs are left to finish while the drag goes on, and the latest setting runs right
    // after: every run started also finishes (none is superseded), the plots follow the drag
    // (results arrive before it ends), and the drag ends on its last setting.
    MainWindow window;
    window.setConfig(small());
    QTRY_VERIFY_WITH_TIMEOUT(!window.runner()->busy() && window.result(), 30000);
    QSignalSpy started(window.runner(), &RunController::started);
    QSignalSpy finished(window.runner(), &RunController::finished);
    auto* slider = window.controlPanel()->findChild<QSlider*>(QStringLiteral("depth_slider"));
    QVERIFY(slider);
    // At least 40 moves 2 ms apart, and on until a result has come (a slow machine's runs may take
    // longer than 80 ms); a window that restarted its run at every move would never get one.
    const int first = slider->value();
    int moves = 0;
    while (moves < 40 || (finished.count() == 0 && moves < 4000)) {
      ++moves;
      slider->setValue(first + moves % 8);
      QTest::qWait(2);
    }
    const int during = finished.count();
    const Config last = window.controlPanel()->config();
    QTRY_VERIFY_WITH_TIMEOUT(
        !window.runner()->busy() && window.result() && window.result()->config == last, 30000);
    QVERIFY2(during > 0, "no result reached the window during the drag");
    QCOMPARE(finished.count(), started.count());
    QVERIFY(started.count() <= moves + 1);
    verify_plots_match_core(window, last);
  }

  void compare_mode_across_depths() {
    MainWindow window;
    window.setConfig(small());
    QTRY_VERIFY_WITH_TIMEOUT(!window.runner()->busy() && window.result(), 30000);
    window.setBaselinePinned(true);
    QVERIFY(window.baseline());
    Config deeper = small();
    deeper.network.depth = 9;
    window.setConfig(deeper);
    QTRY_VERIFY_WITH_TIMEOUT(!window.runner()->busy() && window.result()->config == deeper, 30000);
    QCustomPlot* variance = window.plot(PlotKind::variance);
    QCPGraph* pinned = graph_named(variance, "baseline act_var");
    QCPGraph* current = graph_named(variance, "act_var");
    QVERIFY(pinned && current);
    QCOMPARE(pinned->data()->size(), 7);    // layers 0..6 of the baseline
    QCOMPARE(current->data()->size(), 10);  // layers 0..9 now
    QVERIFY(pinned->pen().style() == Qt::DashLine);
    QVERIFY(variance->xAxis->range().contains(9));
    QStringList legend, notes;
    for (int i = 0; i < variance->legend->itemCount(); ++i) {
      legend << variance->legend->item(i)->objectName();
    }
    for (int i = 0; i < variance->itemCount(); ++i) {
      if (auto* text = qobject_cast<QCPItemText*>(variance->item(i))) notes << text->text();
    }
    QVERIFY2(legend.contains("baseline (dashed)"), qPrintable(legend.join(" | ")));
    QVERIFY2(notes.contains("baseline (dashed):\ndepth 6 → 9"), qPrintable(notes.join(" | ")));
    QVERIFY(graph_named(window.plot(PlotKind::gradients), "baseline grad_act_var"));
    QVERIFY(graph_named(window.plot(PlotKind::weights), "baseline weights"));
    QVERIFY(graph_named(window.plot(PlotKind::activations), "baseline layer 6"));
    window.setBaselinePinned(false);
    QVERIFY(!graph_named(window.plot(PlotKind::variance), "baseline act_var"));
  }

  void presentation_mode() {
    MainWindow window;
    window.show();
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("experiment_dock"));
    auto* bar = window.findChild<QToolBar*>(QStringLiteral("presentation_bar"));
    QVERIFY(dock && bar);
    QVERIFY(dock->isVisible() && !bar->isVisible());
    window.setPresentationMode(true);
    QVERIFY(!dock->isVisible() && bar->isVisible());
    window.setPresentationMode(false);
    QVERIFY(dock->isVisible() && !bar->isVisible());
  }

  void every_lesson_loads() {
    MainWindow window;
    QVERIFY(window.lessons().size() >= 10);
    for (int i = 0; i < static_cast<int>(window.lessons().size()); ++i) {
      window.openLesson(i);
      const Config& expected = window.lessons()[static_cast<std::size_t>(i)].lesson.config;
      QCOMPARE(window.controlPanel()->config(), expected);
      QTRY_VERIFY_WITH_TIMEOUT(
          !window.runner()->busy() && window.result() && window.result()->config == expected,
          60000);
      QVERIFY(!window.lessonPanel()->answerShown());
      auto* reveal = window.lessonPanel()->findChild<QPushButton*>(QStringLiteral("reveal_answer"));
      QVERIFY(reveal);
      QTest::mouseClick(reveal, Qt::LeftButton);
      QVERIFY(window.lessonPanel()->answerShown());
    }
  }

  void inspector_follows_the_run() {
    MainWindow window;
    Config c = small();
    c.activation.name = Activation::relu;
    c.init.scheme = Scheme::kaiming_normal;
    window.setConfig(c);
    QTRY_VERIFY_WITH_TIMEOUT(
        !window.runner()->busy() && window.result() && window.result()->config == c, 30000);
    QVERIFY2(window.inspector()->torchCode().contains("kaiming_normal_"),
             qPrintable(window.inspector()->torchCode()));
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
