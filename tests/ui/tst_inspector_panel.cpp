// The inspector panel: it shows core's Inspection as it is, copies the torch code, lists the
// pitfalls, and shows a message instead for a config that cannot be inspected.
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QTextEdit>
#include <QtTest>

#include "core/init/inspector.h"
#include "ui/inspector_panel.h"

using initscope::Activation;
using initscope::Config;
using initscope::Inspection;
using initscope::NetworkType;
using initscope::Scheme;
using initscope::ui::InspectorPanel;

namespace {

Inspection inspection_of(Activation activation, Scheme scheme, int layer = 1) {
  Config c;
  c.network.depth = 10;
  c.network.width = 256;
  c.input.dim = 256;
  c.activation.name = activation;
  c.init.scheme = scheme;
  return initscope::inspect(c, layer);
}

template <typename T>
T* find(const InspectorPanel& panel, const char* name) {
  T* widget = panel.findChild<T*>(name);
  if (!widget) qFatal("no widget named %s", name);
  return widget;
}

}  // namespace

class TestInspectorPanel : public QObject {
  Q_OBJECT

 private slots:
  void shows_the_inspection() {
    InspectorPanel panel;
    panel.resize(340, 700);
    panel.show();
    const Inspection in = inspection_of(Activation::relu, Scheme::kaiming_normal, 2);
    panel.showInspection(in);
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    const QString code = QString::fromStdString(in.torch_code);
    QCOMPARE(find<QTextEdit>(panel, "torch_code")->toPlainText(), code);
    QCOMPARE(panel.torchCode(), code);
    QVERIFY(find<QTextEdit>(panel, "torch_code")->isReadOnly());
    QVERIFY(find<QTextEdit>(panel, "keras_code")->isVisible());
    QCOMPARE(find<QTextEdit>(panel, "keras_code")->toPlainText(),
             QString::fromStdString(*in.keras_code));
    QVERIFY(find<QLabel>(panel, "layer")->text().contains("[256, 256]"));
    QCOMPARE(find<QLabel>(panel, "fans")->text(), QString("fan_in 256\nfan_out 256"));
    QCOMPARE(find<QLabel>(panel, "receptive_field")->text(),
             QString("1: a Linear weight has no kernel"));
    QVERIFY(find<QLabel>(panel, "torch_gain")->text().contains("calculate_gain(\"relu\")"));
    QVERIFY(find<QLabel>(panel, "gain_in_use")->text().contains("1.4142135623730951"));
    QCOMPARE(find<QLabel>(panel, "law")->text(), QString::fromStdString(in.law_text));
    QVERIFY(!find<QLabel>(panel, "problem")->isVisible());
    // The code box grows to its text rather than scrolling inside a scrolling panel.
    auto* box = find<QTextEdit>(panel, "torch_code");
    QVERIFY(box->height() >= box->document()->size().height());
  }

  void copy_puts_the_torch_code_on_the_clipboard() {
    InspectorPanel panel;
    panel.show();
    const Inspection in = inspection_of(Activation::tanh, Scheme::xavier_uniform);
    panel.showInspection(in);
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(find<QPushButton>(panel, "copy_code"), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromStdString(in.torch_code));
    QCOMPARE(QGuiApplication::clipboard()->text(),
             QString("torch.nn.init.xavier_uniform_(w, gain=1.6666666666666667)"));
  }

  void lists_the_pitfalls() {
    InspectorPanel panel;
    panel.show();
    const Inspection in = inspection_of(Activation::selu, Scheme::kaiming_normal);
    QVERIFY(in.pitfalls.size() >= 2);
    panel.showInspection(in);
    auto* list = find<QLabel>(panel, "pitfalls");
    QVERIFY(list->isVisible());
    QVERIFY(list->text().contains("#D55E00", Qt::CaseInsensitive));
    QVERIFY(list->text().contains("3/4"));
    QCOMPARE(list->text().count("\u2022"), static_cast<qsizetype>(in.pitfalls.size()));
    // Text with markup characters is shown, not interpreted.
    QVERIFY(list->text().contains("&quot;selu&quot;") || list->text().contains("\"selu\""));

    // A config without pitfalls and without a Keras match hides both sections.
    const Inspection clean = inspection_of(Activation::tanh, Scheme::lsuv);
    QVERIFY(clean.pitfalls.empty());
    QVERIFY(!clean.keras_code);
    panel.showInspection(clean);
    QVERIFY(!list->isVisible());
    QVERIFY(!find<QLabel>(panel, "pitfalls_label")->isVisible());
    QVERIFY(!find<QTextEdit>(panel, "keras_code")->isVisible());
    QVERIFY(panel.torchCode().contains("orthogonal_"));
  }

  void shows_a_problem_instead() {
    InspectorPanel panel;
    panel.show();
    panel.showInspection(inspection_of(Activation::relu, Scheme::kaiming_uniform));
    const QString message = "network.width: must lie in 1..8192, got 0";
    panel.showProblem(message);
    auto* problem = find<QLabel>(panel, "problem");
    QVERIFY(problem->isVisible());
    QCOMPARE(problem->text(), message);
    QVERIFY(!find<QTextEdit>(panel, "torch_code")->isVisible());
    QVERIFY(!find<QPushButton>(panel, "copy_code")->isEnabled());
    QVERIFY(panel.torchCode().isEmpty());  // stale code is not copyable

    panel.showInspection(inspection_of(Activation::relu, Scheme::kaiming_uniform));
    QVERIFY(!problem->isVisible());
    QVERIFY(find<QTextEdit>(panel, "torch_code")->isVisible());
  }

  void conv_fans_show_the_kernel() {
    Config c;
    c.network.type = NetworkType::conv2d;
    c.network.width = 64;
    c.network.depth = 3;
    c.activation.name = Activation::relu;
    c.init.scheme = Scheme::kaiming_normal;
    InspectorPanel panel;
    panel.showInspection(initscope::inspect(c, 2));
    const QString fans = find<QLabel>(panel, "fans")->text();
    QCOMPARE(fans, QString("fan_in 576 = 64\u00b73\u00b2\nfan_out 576 = 64\u00b73\u00b2"));
    QCOMPARE(find<QLabel>(panel, "receptive_field")->text(),
             QString("9 = 3 \u00d7 3 kernel positions, the factor in both fans"));
    QVERIFY(find<QLabel>(panel, "layer")->text().contains("[64, 64, 3, 3]"));

    // Layer 1 of a 5 × 5 kernel on 3 input channels: fan_in 3·5² = 75, fan_out 64·5² = 1600, and
    // kaiming_normal's σ = √2/√75.
    c.network.kernel = 5;
    const Inspection first = initscope::inspect(c, 1);
    panel.showInspection(first);
    QCOMPARE(find<QLabel>(panel, "fans")->text(),
             QString("fan_in 75 = 3\u00b75\u00b2\nfan_out 1600 = 64\u00b75\u00b2"));
    QCOMPARE(find<QLabel>(panel, "receptive_field")->text(),
             QString("25 = 5 \u00d7 5 kernel positions, the factor in both fans"));
    QCOMPARE(first.law.std, std::sqrt(2.0) / std::sqrt(75.0));
    c.init.scheme = Scheme::torch_default;
    panel.showInspection(initscope::inspect(c, 1));
    QVERIFY2(panel.torchCode().contains("torch.nn.Conv2d(3, 64, 5, padding=2)"),
             qPrintable(panel.torchCode()));
  }

  void renders_readably() {
    // Looked at by eye while developing; kept so that a layout change can be checked the same way.
    const struct {
      const char* file;
      Activation activation;
      Scheme scheme;
    } cases[] = {{"/tmp/inspector_kaiming_relu.png", Activation::relu, Scheme::kaiming_normal},
                 {"/tmp/inspector_torch_default_tanh.png", Activation::tanh, Scheme::torch_default},
                 {"/tmp/inspector_selu_kaiming.png", Activation::selu, Scheme::kaiming_normal},
                 {"/tmp/inspector_lsuv_tanh.png", Activation::tanh, Scheme::lsuv}};
    for (const auto& c : cases) {
      InspectorPanel panel;
      panel.resize(340, 700);
      panel.show();
      panel.showInspection(inspection_of(c.activation, c.scheme, 2));
      QVERIFY(QTest::qWaitForWindowExposed(&panel));
      const QPixmap pixmap = panel.grab();
      QCOMPARE(pixmap.size(), QSize(340, 700));
      if (qEnvironmentVariableIsSet("INITSCOPE_SAVE_PNG")) QVERIFY(pixmap.save(c.file));
    }
  }
};

QTEST_MAIN(TestInspectorPanel)
#include "tst_inspector_panel.moc"
