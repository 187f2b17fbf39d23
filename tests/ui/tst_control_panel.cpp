// The control panel: every setting of SPEC section 3 as a control, round trips through
// setConfig/config(), edits through the widgets, and what is shown for which scheme.
#include <functional>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtTest>

#include "core/io/config_io.h"
#include "core/run.h"
#include "ui/control_panel.h"
#include "ui/control_panel_widgets.h"

using initscope::Activation;
using initscope::BiasInit;
using initscope::Config;
using initscope::FanMode;
using initscope::GainSetting;
using initscope::InputDistribution;
using initscope::Loss;
using initscope::NetworkType;
using initscope::Nonlinearity;
using initscope::Norm;
using initscope::NormPlacement;
using initscope::Residual;
using initscope::Scheme;
using initscope::VsDistribution;
using initscope::ui::ControlPanel;

using Change = std::function<void(Config&)>;
Q_DECLARE_METATYPE(Config)
Q_DECLARE_METATYPE(Change)
Q_DECLARE_METATYPE(Scheme)
Q_DECLARE_METATYPE(Activation)

namespace {

QString json_of(const Config& c) {
  return QString::fromStdString(initscope::config_to_json(c));
}

// "expected … got …" as JSON, so that a failing row shows which field differs.
QByteArray difference(const Config& want, const Config& got) {
  return ("\nwant " + json_of(want) + "\n got " + json_of(got)).toUtf8();
}

QStringList item_texts(const QComboBox* combo) {
  QStringList texts;
  for (int i = 0; i < combo->count(); ++i) texts << combo->itemText(i);
  return texts;
}

QStringList names(const std::vector<std::string_view>& list) {
  QStringList out;
  for (std::string_view s : list) out << QString::fromUtf8(s.data(), qsizetype(s.size()));
  return out;
}

// The scheme-dependent init controls, for the visibility table.
const QStringList kSchemeControls = {
    "gain_mode", "gain_value", "gain_slider", "mode",         "nonlinearity", "a",
    "mean",      "std",        "low",         "high",         "value",        "trunc_a",
    "trunc_b",   "sparsity",   "scale",       "distribution", "init_groups"};

Config with(const Change& change) {
  Config c;
  change(c);
  return c;
}

}  // namespace

class TestControlPanel : public QObject {
  Q_OBJECT

 public:
  template <typename T>
  static T* child(const ControlPanel& panel, const char* name) {
    T* widget = panel.findChild<T*>(QLatin1String(name));
    if (!widget) qFatal("no control named %s", name);
    return widget;
  }

 private slots:
  void round_trip_data();
  void round_trip();
  void set_config_emits_nothing();
  void scheme_combo_lists_core_schemes_grouped();
  void scheme_header_cannot_be_chosen();
  void activation_combo_lists_core_activations();
  void norm_combo_needs_conv2d_for_spatial_norms();
  void network_type_shows_its_controls();
  void kernel_takes_odd_values_only();
  void local_response_controls();
  void visibility_per_scheme_data();
  void visibility_per_scheme();
  void activation_param_only_where_taken_data();
  void activation_param_only_where_taken();
  void pick_in_combo_data();
  void pick_in_combo();
  void type_in_box_data();
  void type_in_box();
  void bias_check_box();
  void depth_slider_is_logarithmic();
  void gain_slider_is_logarithmic();
  void gain_controls_follow_gain_mode();
  void std_stays_unset_until_changed();
  void kaiming_a_from_activation();
  void fan_avg_only_for_variance_scaling();
  void activation_change_resets_param();
  void new_seed_changes_seed();
  void norm_groups_are_divisors_of_width();
  void norm_groups_snap_when_width_changes();
  void norm_groups_not_dividing_are_marked();
  void gain_in_use_label();
  void problem_shown_for_invalid_config();
  void names_tooltips_and_tab_order();
  void wheel_edits_only_focused_controls();
  void fits_and_renders_at_340_px();
};

void TestControlPanel::round_trip_data() {
  QTest::addColumn<Config>("config");
  QTest::newRow("default") << Config{};
  QTest::newRow("kaiming_normal relu fan_out") << with([](Config& c) {
    c.seed = 42;
    c.network.depth = 50;
    c.network.width = 512;
    c.activation.name = Activation::relu;
    c.init.scheme = Scheme::kaiming_normal;
    c.init.args.mode = FanMode::fan_out;
    c.init.nonlinearity = Nonlinearity::relu;
    c.init.a = 0.2;
  });
  QTest::newRow("trunc_normal gelu layer post") << with([](Config& c) {
    c.init.scheme = Scheme::trunc_normal;
    c.init.args.mean = 0.1;
    c.init.args.std = 0.02;
    c.init.args.trunc_a = -0.04;
    c.init.args.trunc_b = 0.04;
    c.activation.name = Activation::gelu;
    c.norm.name = Norm::layer;
    c.norm.placement = NormPlacement::post;
    c.norm.eps = 1e-6;
  });
  QTest::newRow("sparse leaky_relu group norm") << with([](Config& c) {
    c.init.scheme = Scheme::sparse;
    c.init.args.sparsity = 0.3;
    c.activation.name = Activation::leaky_relu;
    c.activation.param = 0.2;
    c.network.width = 64;
    c.norm.name = Norm::group;
    c.norm.groups = 8;
  });
  QTest::newRow("variance_scaling fan_avg selu mse") << with([](Config& c) {
    c.init.scheme = Scheme::variance_scaling;
    c.init.args.scale = 2.0;
    c.init.args.mode = FanMode::fan_avg;
    c.init.args.distribution = VsDistribution::uniform;
    c.activation.name = Activation::selu;
    c.network.residual = Residual::scaled;
    c.loss.name = Loss::mse;
    c.input.distribution = InputDistribution::uniform;
  });
  QTest::newRow("uniform no bias constant bias_init") << with([](Config& c) {
    c.init.scheme = Scheme::uniform;
    c.init.args.low = -0.5;
    c.init.args.high = 0.5;
    c.network.bias = false;
    c.network.bias_init = {BiasInit::Kind::constant, 0.1};
  });
  QTest::newRow("constant rms torch_default bias") << with([](Config& c) {
    c.init.scheme = Scheme::constant;
    c.init.args.value = 0.05;
    c.network.bias_init = {BiasInit::Kind::torch_default};
    c.norm.name = Norm::rms;
  });
  QTest::newRow("orthogonal manual gain, largest sizes") << with([](Config& c) {
    c.init.scheme = Scheme::orthogonal;
    c.init.gain = {GainSetting::Kind::value, 1.3};
    c.network.depth = 1000;
    c.network.width = 8192;
    c.input.dim = 8192;
    c.input.batch = 65536;
  });
  QTest::newRow("lsuv empirical elu batch norm") << with([](Config& c) {
    c.init.scheme = Scheme::lsuv;
    c.init.gain.kind = GainSetting::Kind::empirical;
    c.activation.name = Activation::elu;
    c.activation.param = 0.5;
    c.norm.name = Norm::batch;
    c.network.depth = 1;
    c.network.width = 1;
    c.input.dim = 1;
    c.input.batch = 2;
  });
  QTest::newRow("xavier_normal 64-bit seed prelu") << with([](Config& c) {
    c.init.scheme = Scheme::xavier_normal;
    c.init.gain = {GainSetting::Kind::value, 2.5};
    c.seed = 18446744073709551615ull;
    c.activation.name = Activation::prelu;
  });
  QTest::newRow("lecun_normal softsign rezero, conv2d fields kept") << with([](Config& c) {
    c.init.scheme = Scheme::lecun_normal;
    c.activation.name = Activation::softsign;
    c.network.residual = Residual::rezero;
    c.input.channels = 1;
    c.input.height = 28;
    c.input.width = 28;
    c.network.kernel = 5;
    c.norm.size = 3;
    c.norm.alpha = 2e-4;
    c.norm.beta = 0.5;
    c.norm.k = 2.0;
  });
  QTest::newRow("normal with std set to its default") << with([](Config& c) {
    c.init.scheme = Scheme::normal;
    c.init.args.std = 1.0;
  });
  QTest::newRow("kaiming_uniform manual gain, unset a") << with([](Config& c) {
    c.init.scheme = Scheme::kaiming_uniform;
    c.init.gain = {GainSetting::Kind::value, 0.5};
    c.activation.name = Activation::silu;
  });
  QTest::newRow("conv2d dirac instance norm") << with([](Config& c) {
    c.network.type = NetworkType::conv2d;
    c.network.width = 16;
    c.init.scheme = Scheme::dirac;
    c.init.args.groups = 4;
    c.norm.name = Norm::instance;
    c.input.batch = 8;
  });
  QTest::newRow("torch_default with hidden arguments set") << with([](Config& c) {
    c.init.scheme = Scheme::torch_default;
    c.init.args.mean = 3.0;
    c.init.args.low = -1.0;
    c.init.args.sparsity = 0.9;
    c.init.args.mode = FanMode::fan_avg;
    c.activation.name = Activation::identity;
    c.norm.groups = 7;  // no group norm, so it need not divide the width
  });
}

void TestControlPanel::round_trip() {
  QFETCH(Config, config);
  initscope::validate(config);  // every row is a valid config
  ControlPanel panel;
  panel.setConfig(config);
  const Config got = panel.config();
  QVERIFY2(got == config, difference(config, got).constData());
  // The controls show it.
  QCOMPARE(child<QSpinBox>(panel, "depth")->value(), int(config.network.depth));
  QCOMPARE(child<QSpinBox>(panel, "width")->value(), int(config.network.width));
  QCOMPARE(child<QSpinBox>(panel, "batch")->value(), int(config.input.batch));
  QCOMPARE(child<QComboBox>(panel, "scheme")->currentData().toInt(), int(config.init.scheme));
  QCOMPARE(child<QComboBox>(panel, "activation")->currentData().toInt(),
           int(config.activation.name));
  QCOMPARE(child<QComboBox>(panel, "norm")->currentData().toInt(), int(config.norm.name));
  QCOMPARE(child<initscope::ui::SeedSpinBox>(panel, "seed")->value(), quint64(config.seed));
  // Every row is valid; only one too large to run (the largest sizes) shows a problem.
  QCOMPARE(child<QLabel>(panel, "problem")->isHidden(),
           !initscope::memory_refusal(config).has_value());
}

void TestControlPanel::set_config_emits_nothing() {
  ControlPanel panel;
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  for (Scheme s : {Scheme::kaiming_normal, Scheme::variance_scaling, Scheme::sparse}) {
    Config c;
    c.init.scheme = s;
    c.norm.name = Norm::group;
    c.network.width = 100;  // groups 32 does not divide it: shown as is, not snapped
    panel.setConfig(c);
    QVERIFY(panel.config() == c);
  }
  QCOMPARE(spy.count(), 0);
}

void TestControlPanel::scheme_combo_lists_core_schemes_grouped() {
  ControlPanel panel;
  const auto* combo = child<QComboBox>(panel, "scheme");
  QStringList schemes, headers;
  for (int i = 0; i < combo->count(); ++i) {
    const QVariant data = combo->itemData(i);
    if (data.isValid()) {
      schemes << combo->itemText(i);
      QCOMPARE(combo->itemText(i),
               QString::fromUtf8(initscope::name_of(static_cast<Scheme>(data.toInt())).data()));
      QVERIFY(!combo->itemData(i, Qt::ToolTipRole).toString().isEmpty());
    } else {
      headers << combo->itemText(i);
    }
  }
  QCOMPARE(schemes, names(initscope::canonical_names<Scheme>()));
  QCOMPARE(headers, (QStringList{"torch.nn.init", "Keras-style", "other"}));
  // Each header comes right before the first scheme of its family.
  QCOMPARE(combo->itemText(combo->findText("variance_scaling") - 1), QString("Keras-style"));
  QCOMPARE(combo->itemText(combo->findText("torch_default") - 1), QString("other"));
}

void TestControlPanel::scheme_header_cannot_be_chosen() {
  ControlPanel panel;
  auto* combo = child<QComboBox>(panel, "scheme");
  const auto* model = qobject_cast<const QStandardItemModel*>(combo->model());
  QVERIFY(model);
  QCOMPARE(model->item(0)->flags() & (Qt::ItemIsSelectable | Qt::ItemIsEnabled), Qt::ItemFlags());
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  combo->setCurrentIndex(0);  // the "torch.nn.init" header
  QCOMPARE(spy.count(), 0);
  QCOMPARE(combo->currentText(), QString("xavier_uniform"));
  QCOMPARE(panel.config().init.scheme, Scheme::xavier_uniform);
}

void TestControlPanel::activation_combo_lists_core_activations() {
  ControlPanel panel;
  QCOMPARE(item_texts(child<QComboBox>(panel, "activation")),
           names(initscope::canonical_names<Activation>()));
  QCOMPARE(item_texts(child<QComboBox>(panel, "residual")),
           names(initscope::canonical_names<Residual>()));
  QCOMPARE(item_texts(child<QComboBox>(panel, "loss")), names(initscope::canonical_names<Loss>()));
  QCOMPARE(item_texts(child<QComboBox>(panel, "input_distribution")),
           names(initscope::canonical_names<InputDistribution>()));
  QCOMPARE(item_texts(child<QComboBox>(panel, "distribution")),
           names(initscope::canonical_names<VsDistribution>()));
  QStringList nonlinearities{"(activation)"};
  nonlinearities << names(initscope::canonical_names<Nonlinearity>());
  QCOMPARE(item_texts(child<QComboBox>(panel, "nonlinearity")), nonlinearities);
}

void TestControlPanel::norm_combo_needs_conv2d_for_spatial_norms() {
  ControlPanel panel;
  auto* norm = child<QComboBox>(panel, "norm");
  QCOMPARE(item_texts(norm), (QStringList{"none", "batch", "layer", "rms", "group"}));
  Config conv;
  conv.network.type = NetworkType::conv2d;
  panel.setConfig(conv);
  QCOMPARE(item_texts(norm), names(initscope::canonical_names<Norm>()));
  panel.setConfig(Config{});
  QCOMPARE(item_texts(norm).size(), 5);
}

void TestControlPanel::visibility_per_scheme_data() {
  QTest::addColumn<Scheme>("scheme");
  QTest::addColumn<QStringList>("shown");  // of kSchemeControls, from SPEC section 2
  const QStringList gain{"gain_mode", "gain_value", "gain_slider"};
  const QStringList none;
  QTest::newRow("uniform") << Scheme::uniform << QStringList{"low", "high"};
  QTest::newRow("normal") << Scheme::normal << QStringList{"mean", "std"};
  QTest::newRow("constant") << Scheme::constant << QStringList{"value"};
  QTest::newRow("ones") << Scheme::ones << none;
  QTest::newRow("zeros") << Scheme::zeros << none;
  QTest::newRow("eye") << Scheme::eye << none;
  QTest::newRow("dirac") << Scheme::dirac << QStringList{"init_groups"};
  QTest::newRow("xavier_uniform") << Scheme::xavier_uniform << gain;
  QTest::newRow("xavier_normal") << Scheme::xavier_normal << gain;
  QTest::newRow("kaiming_uniform")
      << Scheme::kaiming_uniform << gain + QStringList{"mode", "nonlinearity", "a"};
  QTest::newRow("kaiming_normal") << Scheme::kaiming_normal
                                  << gain + QStringList{"mode", "nonlinearity", "a"};
  QTest::newRow("trunc_normal") << Scheme::trunc_normal
                                << QStringList{"mean", "std", "trunc_a", "trunc_b"};
  QTest::newRow("orthogonal") << Scheme::orthogonal << gain;
  QTest::newRow("sparse") << Scheme::sparse << QStringList{"std", "sparsity"};
  QTest::newRow("variance_scaling")
      << Scheme::variance_scaling << QStringList{"mode", "scale", "distribution"};
  QTest::newRow("lecun_normal") << Scheme::lecun_normal << none;
  QTest::newRow("lecun_uniform") << Scheme::lecun_uniform << none;
  QTest::newRow("torch_default") << Scheme::torch_default << none;
  QTest::newRow("lsuv") << Scheme::lsuv << gain;
}

void TestControlPanel::visibility_per_scheme() {
  QFETCH(Scheme, scheme);
  QFETCH(QStringList, shown);
  ControlPanel panel;
  // Chosen through the combo, as a user would.
  auto* combo = child<QComboBox>(panel, "scheme");
  combo->setCurrentIndex(combo->findData(int(scheme)));
  QCOMPARE(panel.config().init.scheme, scheme);
  for (const QString& name : kSchemeControls) {
    const auto* widget = panel.findChild<QWidget*>(name);
    QVERIFY2(widget, qPrintable(name));
    QVERIFY2(widget->isVisibleTo(&panel) == shown.contains(name), qPrintable(name));
    // Its form label goes with it.
    for (auto* form : panel.findChildren<QFormLayout*>()) {
      QWidget* field = const_cast<QWidget*>(widget);
      while (field && !form->labelForField(field) && field->parentWidget() != form->parentWidget())
        field = field->parentWidget();
      if (QWidget* label = field ? form->labelForField(field) : nullptr) {
        QCOMPARE(label->isVisibleTo(&panel), shown.contains(name));
      }
    }
  }
  QCOMPARE(child<QLabel>(panel, "gain_in_use")->isVisibleTo(&panel), shown.contains("gain_mode"));
  // The call it stands for, under the combo and as the entry's tooltip.
  const QString call = child<QLabel>(panel, "scheme_call")->text();
  QVERIFY(call.contains("torch") || call.contains("keras"));
  QCOMPARE(call, combo->itemData(combo->currentIndex(), Qt::ToolTipRole).toString());
}

void TestControlPanel::activation_param_only_where_taken_data() {
  QTest::addColumn<Activation>("activation");
  QTest::addColumn<bool>("shown");
  QTest::addColumn<double>("fallback");
  for (std::string_view name : initscope::canonical_names<Activation>()) {
    const Activation a = *initscope::find_by_name<Activation>(name);
    QTest::newRow(name.data()) << a << initscope::takes_param(a)
                               << initscope::default_param(a).value_or(0.0);
  }
}

void TestControlPanel::activation_param_only_where_taken() {
  QFETCH(Activation, activation);
  QFETCH(bool, shown);
  QFETCH(double, fallback);
  ControlPanel panel;
  auto* combo = child<QComboBox>(panel, "activation");
  combo->setCurrentIndex(combo->findData(int(activation)));
  QCOMPARE(panel.config().activation.name, activation);
  const auto* param = child<QDoubleSpinBox>(panel, "activation_param");
  QCOMPARE(param->isVisibleTo(&panel), shown);
  if (shown) QCOMPARE(param->value(), fallback);  // unset shows the default
  QVERIFY(!panel.config().activation.param);
}

void TestControlPanel::pick_in_combo_data() {
  QTest::addColumn<Config>("base");
  QTest::addColumn<QString>("control");
  QTest::addColumn<QString>("item");
  QTest::addColumn<Change>("change");
  const Config d;
  const Config kaiming = with([](Config& c) { c.init.scheme = Scheme::kaiming_normal; });
  const Config vs = with([](Config& c) { c.init.scheme = Scheme::variance_scaling; });
  const Config layer = with([](Config& c) { c.norm.name = Norm::layer; });
  const Config biased = with([](Config& c) { c.network.bias = true; });
  const Config conv = with([](Config& c) { c.network.type = NetworkType::conv2d; });
  QTest::newRow("scheme") << d << "scheme"
                          << "kaiming_normal"
                          << Change([](Config& c) { c.init.scheme = Scheme::kaiming_normal; });
  QTest::newRow("scheme keras") << d << "scheme"
                                << "variance_scaling" << Change([](Config& c) {
                                     c.init.scheme = Scheme::variance_scaling;
                                   });
  QTest::newRow("gain manual") << d << "gain_mode"
                               << "manual" << Change([](Config& c) {
                                    c.init.gain.kind = GainSetting::Kind::value;
                                  });
  QTest::newRow("gain empirical") << d << "gain_mode"
                                  << "empirical" << Change([](Config& c) {
                                       c.init.gain.kind = GainSetting::Kind::empirical;
                                     });
  QTest::newRow("mode") << kaiming << "mode"
                        << "fan_out"
                        << Change([](Config& c) { c.init.args.mode = FanMode::fan_out; });
  QTest::newRow("mode fan_avg") << vs << "mode"
                                << "fan_avg"
                                << Change([](Config& c) { c.init.args.mode = FanMode::fan_avg; });
  QTest::newRow("nonlinearity") << kaiming << "nonlinearity"
                                << "relu" << Change([](Config& c) {
                                     c.init.nonlinearity = Nonlinearity::relu;
                                   });
  QTest::newRow("distribution") << vs << "distribution"
                                << "untruncated_normal" << Change([](Config& c) {
                                     c.init.args.distribution = VsDistribution::untruncated_normal;
                                   });
  QTest::newRow("activation") << d << "activation"
                              << "relu"
                              << Change([](Config& c) { c.activation.name = Activation::relu; });
  QTest::newRow("norm") << d << "norm"
                        << "layer" << Change([](Config& c) { c.norm.name = Norm::layer; });
  QTest::newRow("norm group") << d << "norm"
                              << "group" << Change([](Config& c) { c.norm.name = Norm::group; });
  QTest::newRow("placement") << layer << "norm_placement"
                             << "post"
                             << Change([](Config& c) { c.norm.placement = NormPlacement::post; });
  QTest::newRow("norm groups") << with([](Config& c) { c.norm.name = Norm::group; })
                               << "norm_groups"
                               << "64" << Change([](Config& c) { c.norm.groups = 64; });
  QTest::newRow("residual") << d << "residual"
                            << "identity"
                            << Change([](Config& c) { c.network.residual = Residual::identity; });
  QTest::newRow("bias_init") << biased << "bias_init"
                             << "torch_default" << Change([](Config& c) {
                                  c.network.bias_init.kind = BiasInit::Kind::torch_default;
                                });
  QTest::newRow("network type") << d << "network_type"
                                << "Conv2d" << Change([](Config& c) {
                                     c.network.type = NetworkType::conv2d;
                                     c.network.width = 64;  // capped, see network_type_shows_...
                                     c.input.batch = 16;
                                   });
  QTest::newRow("network type back")
      << conv << "network_type"
      << "MLP" << Change([](Config& c) { c.network.type = NetworkType::mlp; });
  QTest::newRow("norm instance") << conv << "norm"
                                 << "instance"
                                 << Change([](Config& c) { c.norm.name = Norm::instance; });
  QTest::newRow("norm local_response")
      << conv << "norm"
      << "local_response" << Change([](Config& c) { c.norm.name = Norm::local_response; });
  QTest::newRow("loss") << d << "loss"
                        << "mse" << Change([](Config& c) { c.loss.name = Loss::mse; });
  QTest::newRow("input distribution")
      << d << "input_distribution"
      << "uniform" << Change([](Config& c) { c.input.distribution = InputDistribution::uniform; });
}

void TestControlPanel::pick_in_combo() {
  QFETCH(Config, base);
  QFETCH(QString, control);
  QFETCH(QString, item);
  QFETCH(Change, change);
  ControlPanel panel;
  panel.setConfig(base);
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  auto* combo = panel.findChild<QComboBox*>(control);
  QVERIFY(combo);
  QVERIFY(combo->isVisibleTo(&panel));
  const int index = combo->findText(item);
  QVERIFY2(index >= 0, qPrintable(item_texts(combo).join(", ")));
  combo->setCurrentIndex(index);
  QCOMPARE(spy.count(), 1);
  Config want = base;
  change(want);
  const Config got = panel.config();
  QVERIFY2(got == want, difference(want, got).constData());
}

void TestControlPanel::type_in_box_data() {
  QTest::addColumn<Config>("base");
  QTest::addColumn<QString>("control");
  QTest::addColumn<QString>("text");
  QTest::addColumn<Change>("change");
  const Config d;
  auto scheme = [](Scheme s) { return with([s](Config& c) { c.init.scheme = s; }); };
  QTest::newRow("depth") << d << "depth"
                         << "100" << Change([](Config& c) { c.network.depth = 100; });
  QTest::newRow("width") << d << "width"
                         << "64" << Change([](Config& c) { c.network.width = 64; });
  QTest::newRow("input dim") << d << "input_dim"
                             << "32" << Change([](Config& c) { c.input.dim = 32; });
  QTest::newRow("batch") << d << "batch"
                         << "1024" << Change([](Config& c) { c.input.batch = 1024; });
  QTest::newRow("seed") << d << "seed"
                        << "12345" << Change([](Config& c) { c.seed = 12345; });
  QTest::newRow("gain") << with([](Config& c) { c.init.gain.kind = GainSetting::Kind::value; })
                        << "gain_value"
                        << "2.5" << Change([](Config& c) { c.init.gain.value = 2.5; });
  QTest::newRow("mean") << scheme(Scheme::normal) << "mean"
                        << "0.25" << Change([](Config& c) { c.init.args.mean = 0.25; });
  QTest::newRow("std") << scheme(Scheme::normal) << "std"
                       << "0.5" << Change([](Config& c) { c.init.args.std = 0.5; });
  QTest::newRow("low") << scheme(Scheme::uniform) << "low"
                       << "-1" << Change([](Config& c) { c.init.args.low = -1; });
  QTest::newRow("high") << scheme(Scheme::uniform) << "high"
                        << "3" << Change([](Config& c) { c.init.args.high = 3; });
  QTest::newRow("value") << scheme(Scheme::constant) << "value"
                         << "0.5" << Change([](Config& c) { c.init.args.value = 0.5; });
  QTest::newRow("trunc_a") << scheme(Scheme::trunc_normal) << "trunc_a"
                           << "-3" << Change([](Config& c) { c.init.args.trunc_a = -3; });
  QTest::newRow("trunc_b") << scheme(Scheme::trunc_normal) << "trunc_b"
                           << "1.5" << Change([](Config& c) { c.init.args.trunc_b = 1.5; });
  QTest::newRow("sparsity") << scheme(Scheme::sparse) << "sparsity"
                            << "0.4" << Change([](Config& c) { c.init.args.sparsity = 0.4; });
  QTest::newRow("scale") << scheme(Scheme::variance_scaling) << "scale"
                         << "2" << Change([](Config& c) { c.init.args.scale = 2; });
  QTest::newRow("a") << scheme(Scheme::kaiming_uniform) << "a"
                     << "0.1" << Change([](Config& c) { c.init.a = 0.1; });
  QTest::newRow("dirac groups") << scheme(Scheme::dirac) << "init_groups"
                                << "2" << Change([](Config& c) { c.init.args.groups = 2; });
  QTest::newRow("eps, scientific")
      << with([](Config& c) { c.norm.name = Norm::layer; }) << "norm_eps"
      << "1e-6" << Change([](Config& c) { c.norm.eps = 1e-6; });
  QTest::newRow("activation param")
      << with([](Config& c) { c.activation.name = Activation::leaky_relu; }) << "activation_param"
      << "0.2" << Change([](Config& c) { c.activation.param = 0.2; });
  const Config conv = with([](Config& c) { c.network.type = NetworkType::conv2d; });
  const Config lrn = with([](Config& c) {
    c.network.type = NetworkType::conv2d;
    c.norm.name = Norm::local_response;
  });
  QTest::newRow("kernel") << conv << "kernel"
                          << "7" << Change([](Config& c) { c.network.kernel = 7; });
  QTest::newRow("input channels") << conv << "input_channels"
                                  << "1" << Change([](Config& c) { c.input.channels = 1; });
  QTest::newRow("image height") << conv << "input_height"
                                << "28" << Change([](Config& c) { c.input.height = 28; });
  QTest::newRow("image width") << conv << "input_width"
                               << "20" << Change([](Config& c) { c.input.width = 20; });
  QTest::newRow("channels") << conv << "width"
                            << "64" << Change([](Config& c) { c.network.width = 64; });
  QTest::newRow("lrn size") << lrn << "norm_size"
                            << "3" << Change([](Config& c) { c.norm.size = 3; });
  QTest::newRow("lrn alpha") << lrn << "norm_alpha"
                             << "0.001" << Change([](Config& c) { c.norm.alpha = 0.001; });
  QTest::newRow("lrn beta") << lrn << "norm_beta"
                            << "0.5" << Change([](Config& c) { c.norm.beta = 0.5; });
  QTest::newRow("lrn k") << lrn << "norm_k"
                         << "2" << Change([](Config& c) { c.norm.k = 2; });
  QTest::newRow("bias value") << with([](Config& c) {
    c.network.bias_init.kind = BiasInit::Kind::constant;
  }) << "bias_value"
                              << "0.1"
                              << Change([](Config& c) { c.network.bias_init.value = 0.1; });
}

void TestControlPanel::type_in_box() {
  QFETCH(Config, base);
  QFETCH(QString, control);
  QFETCH(QString, text);
  QFETCH(Change, change);
  ControlPanel panel;
  panel.setConfig(base);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  auto* box = panel.findChild<QAbstractSpinBox*>(control);
  QVERIFY(box);
  QVERIFY(box->isVisible());
  QVERIFY(box->isEnabled());
  box->setFocus();
  box->selectAll();
  QTest::keyClicks(box, text);
  QCOMPARE(spy.count(), 0);  // a run starts when the number is complete, not at each digit
  QTest::keyClick(box, Qt::Key_Return);
  QCOMPARE(spy.count(), 1);
  Config want = base;
  change(want);
  const Config got = panel.config();
  QVERIFY2(got == want, difference(want, got).constData());
}

void TestControlPanel::bias_check_box() {
  ControlPanel panel;
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  auto* bias = child<QCheckBox>(panel, "bias");
  QVERIFY(bias->isChecked());
  QTest::mouseClick(bias, Qt::LeftButton);
  QCOMPARE(spy.count(), 1);
  QCOMPARE(panel.config().network.bias, false);
  QVERIFY(!child<QComboBox>(panel, "bias_init")->isEnabled());
  bias->click();
  QVERIFY(panel.config() == Config{});
}

void TestControlPanel::depth_slider_is_logarithmic() {
  ControlPanel panel;
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  auto* slider = child<QSlider>(panel, "depth_slider");
  auto* spin = child<QSpinBox>(panel, "depth");
  slider->setValue(slider->maximum());
  QCOMPARE(panel.config().network.depth, std::int64_t{1000});
  QCOMPARE(spin->value(), 1000);
  slider->setValue(slider->minimum());
  QCOMPARE(panel.config().network.depth, std::int64_t{1});
  slider->setValue((slider->minimum() + slider->maximum()) / 2);  // 10^1.5
  QCOMPARE(panel.config().network.depth, std::int64_t{32});
  QCOMPARE(spy.count(), 3);
  // The spin box moves the slider.
  spin->setValue(100);
  QCOMPARE(slider->value(), 667);  // 1000·log(100)/log(1000), rounded
}

void TestControlPanel::gain_slider_is_logarithmic() {
  ControlPanel panel;
  Config manual;
  manual.init.gain.kind = GainSetting::Kind::value;
  panel.setConfig(manual);
  auto* slider = child<QSlider>(panel, "gain_slider");
  slider->setValue(slider->maximum());
  QCOMPARE(panel.config().init.gain.value, 10.0);
  slider->setValue(slider->minimum());
  QCOMPARE(panel.config().init.gain.value, 0.01);
  slider->setValue(slider->maximum() / 2);  // 10^-0.5, to three digits
  QCOMPARE(panel.config().init.gain.value, 0.316);
  QCOMPARE(child<QDoubleSpinBox>(panel, "gain_value")->value(), 0.316);
  QCOMPARE(panel.config().init.gain.kind, GainSetting::Kind::value);
}

void TestControlPanel::gain_controls_follow_gain_mode() {
  ControlPanel panel;
  Config kaiming;
  kaiming.init.scheme = Scheme::kaiming_normal;
  panel.setConfig(kaiming);
  auto* mode = child<QComboBox>(panel, "gain_mode");
  const auto* value = child<QDoubleSpinBox>(panel, "gain_value");
  const auto* nonlinearity = child<QComboBox>(panel, "nonlinearity");
  QVERIFY(!value->isEnabled());
  QVERIFY(nonlinearity->isEnabled());
  mode->setCurrentIndex(mode->findText("manual"));
  QVERIFY(value->isEnabled());
  QVERIFY(child<QSlider>(panel, "gain_slider")->isEnabled());
  // A number replaces calculate_gain(nonlinearity, a): the two are not read any more.
  QVERIFY(!nonlinearity->isEnabled());
  QVERIFY(!child<QDoubleSpinBox>(panel, "a")->isEnabled());
}

void TestControlPanel::std_stays_unset_until_changed() {
  ControlPanel panel;
  auto* scheme = child<QComboBox>(panel, "scheme");
  auto* std = child<QDoubleSpinBox>(panel, "std");
  scheme->setCurrentIndex(scheme->findText("normal"));
  QCOMPARE(std->value(), 1.0);
  scheme->setCurrentIndex(scheme->findText("sparse"));
  QCOMPARE(std->value(), 0.01);  // torch's sparse_ default
  QVERIFY(!panel.config().init.args.std);
  std->setValue(0.05);
  QCOMPARE(panel.config().init.args.std, std::optional<double>(0.05));
  scheme->setCurrentIndex(scheme->findText("normal"));
  QCOMPARE(std->value(), 0.05);  // set now: it stays
}

void TestControlPanel::kaiming_a_from_activation() {
  ControlPanel panel;
  Config kaiming;
  kaiming.init.scheme = Scheme::kaiming_uniform;
  kaiming.init.a = 0.0;
  panel.setConfig(kaiming);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  auto* a = child<QDoubleSpinBox>(panel, "a");
  QCOMPARE(a->text(), QString("0"));
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  a->setFocus();
  QTest::keyClick(a, Qt::Key_Down);  // one step below 0
  QCOMPARE(spy.count(), 1);
  QCOMPARE(a->text(), QString("from activation"));
  QVERIFY(!panel.config().init.a);
  QTest::keyClick(a, Qt::Key_Up);
  QCOMPARE(panel.config().init.a, std::optional<double>(0.0));
  // A negative a from a file is shown, and "from activation" still lies below it.
  kaiming.init.a = -0.5;
  panel.setConfig(kaiming);
  QCOMPARE(a->text(), QString("-0.5"));
  QVERIFY(panel.config() == kaiming);
  a->setValue(a->minimum());
  QVERIFY(!panel.config().init.a);
  // "(activation)" is an unset nonlinearity.
  auto* nonlinearity = child<QComboBox>(panel, "nonlinearity");
  nonlinearity->setCurrentIndex(nonlinearity->findText("tanh"));
  QCOMPARE(panel.config().init.nonlinearity, std::optional(Nonlinearity::tanh));
  nonlinearity->setCurrentIndex(0);
  QVERIFY(!panel.config().init.nonlinearity);
}

void TestControlPanel::fan_avg_only_for_variance_scaling() {
  ControlPanel panel;
  auto* scheme = child<QComboBox>(panel, "scheme");
  auto* mode = child<QComboBox>(panel, "mode");
  scheme->setCurrentIndex(scheme->findText("variance_scaling"));
  QCOMPARE(item_texts(mode), (QStringList{"fan_in", "fan_out", "fan_avg"}));
  mode->setCurrentIndex(mode->findText("fan_avg"));
  QCOMPARE(panel.config().init.args.mode, FanMode::fan_avg);
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  // torch's kaiming refuses fan_avg: choosing kaiming takes fan_in.
  scheme->setCurrentIndex(scheme->findText("kaiming_normal"));
  QCOMPARE(spy.count(), 1);
  QCOMPARE(item_texts(mode), (QStringList{"fan_in", "fan_out"}));
  QCOMPARE(panel.config().init.args.mode, FanMode::fan_in);
  QCOMPARE(mode->currentText(), QString("fan_in"));
}

void TestControlPanel::activation_change_resets_param() {
  ControlPanel panel;
  Config leaky;
  leaky.activation.name = Activation::leaky_relu;
  leaky.activation.param = 0.2;
  panel.setConfig(leaky);
  QCOMPARE(child<QDoubleSpinBox>(panel, "activation_param")->value(), 0.2);
  auto* activation = child<QComboBox>(panel, "activation");
  activation->setCurrentIndex(activation->findText("elu"));
  QVERIFY(!panel.config().activation.param);  // a slope is not an α
  QCOMPARE(child<QDoubleSpinBox>(panel, "activation_param")->value(), 1.0);
}

void TestControlPanel::new_seed_changes_seed() {
  ControlPanel panel;
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  auto* button = child<QPushButton>(panel, "new_seed");
  for (int i = 1; i <= 20; ++i) {
    const std::uint64_t before = panel.config().seed;
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(spy.count(), i);
    QVERIFY(panel.config().seed != before);
    QCOMPARE(child<initscope::ui::SeedSpinBox>(panel, "seed")->value(),
             quint64(panel.config().seed));
  }
}

void TestControlPanel::norm_groups_are_divisors_of_width() {
  ControlPanel panel;
  Config c;
  c.norm.name = Norm::group;
  c.network.width = 96;
  c.norm.groups = 12;
  panel.setConfig(c);
  const auto* groups = child<QComboBox>(panel, "norm_groups");
  QCOMPARE(item_texts(groups),
           (QStringList{"1", "2", "3", "4", "6", "8", "12", "16", "24", "32", "48", "96"}));
  QCOMPARE(groups->currentText(), QString("12"));
  QVERIFY(groups->isVisibleTo(&panel));
  c.norm.name = Norm::layer;
  panel.setConfig(c);
  QVERIFY(!groups->isVisibleTo(&panel));
}

void TestControlPanel::norm_groups_snap_when_width_changes() {
  ControlPanel panel;
  Config c;
  c.norm.name = Norm::group;  // width 256, groups 32
  panel.setConfig(c);
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  child<QSpinBox>(panel, "width")->setValue(100);
  QCOMPARE(spy.count(), 1);
  QCOMPARE(panel.config().norm.groups,
           std::int64_t{25});  // the largest divisor of 100 not above 32
  QCOMPARE(item_texts(child<QComboBox>(panel, "norm_groups")),
           (QStringList{"1", "2", "4", "5", "10", "20", "25", "50", "100"}));
  initscope::validate(panel.config());
}

void TestControlPanel::norm_groups_not_dividing_are_marked() {
  ControlPanel panel;
  Config c;
  c.norm.name = Norm::group;
  c.network.width = 100;  // groups 32 does not divide it
  panel.setConfig(c);
  QVERIFY(panel.config() == c);  // shown as it is, not changed behind the user's back
  const auto* groups = child<QComboBox>(panel, "norm_groups");
  QCOMPARE(groups->currentText(), QString("32 (does not divide 100)"));
  QCOMPARE(groups->itemData(groups->currentIndex(), Qt::ForegroundRole).value<QColor>(),
           QColor(0xD5, 0x5E, 0x00));
  const auto* problem = child<QLabel>(panel, "problem");
  QVERIFY(!problem->isHidden());
  QVERIFY2(problem->text().contains("norm.groups"), qPrintable(problem->text()));
}

void TestControlPanel::gain_in_use_label() {
  ControlPanel panel;
  const auto* label = child<QLabel>(panel, "gain_in_use");
  panel.showGainInUse(5.0 / 3.0, QStringLiteral("calculate_gain(\"tanh\")"));
  QCOMPARE(label->text(), QString("in use: 1.6667 = calculate_gain(\"tanh\")"));
  QVERIFY(label->wordWrap());
  panel.showGainInUse(std::nullopt, {});
  QVERIFY(!label->text().contains("1.6667"));
}

void TestControlPanel::network_type_shows_its_controls() {
  ControlPanel panel;
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  auto visible = [&](const char* name) { return child<QWidget>(panel, name)->isVisible(); };
  auto label_of = [&](const char* name) {
    const QWidget* field = child<QWidget>(panel, name);
    for (auto* form : panel.findChildren<QFormLayout*>()) {
      if (auto* label = qobject_cast<QLabel*>(form->labelForField(const_cast<QWidget*>(field)))) {
        return label->isVisible() ? label->text() : QString("(hidden)");
      }
    }
    return QString("(none)");
  };
  const char* conv_only[] = {"kernel", "input_channels", "input_height", "input_width"};

  // MLP, the default: the vector controls.
  QCOMPARE(child<QComboBox>(panel, "network_type")->currentText(), QString("MLP"));
  QVERIFY(visible("input_dim"));
  for (const char* name : conv_only) QVERIFY2(!visible(name) && label_of(name) == "(hidden)", name);
  QCOMPARE(label_of("width"), QString("Width"));
  QCOMPARE(child<QCheckBox>(panel, "bias")->text(), QString("Bias in every Linear layer"));
  QVERIFY(child<QWidget>(panel, "depth")->toolTip().contains("Linear"));

  // The switch, through the widget: the image controls, with the config's values.
  auto* type = child<QComboBox>(panel, "network_type");
  type->setCurrentIndex(type->findText("Conv2d"));
  const Config conv = panel.config();
  QCOMPARE(conv.network.type, NetworkType::conv2d);
  // The default MLP's 256 features × 512 samples would be 256 channels × 512 images of 32 × 32, a
  // forward pass of 12 TFLOP, over the memory limit: the switch takes the channels and the batch
  // down to sizes that run in about half a second, and keeps the rest.
  Config want;
  want.network.type = NetworkType::conv2d;
  want.network.width = 64;
  want.input.batch = 16;
  QVERIFY2(conv == want, difference(want, conv).constData());
  QVERIFY(!initscope::memory_refusal(conv).has_value());
  QVERIFY(child<QLabel>(panel, "problem")->isHidden());
  QVERIFY(!visible("input_dim"));
  for (const char* name : conv_only) QVERIFY2(visible(name), name);
  QCOMPARE(label_of("width"), QString("Channels"));
  QCOMPARE(label_of("kernel"), QString("Kernel"));
  QCOMPARE(label_of("input_channels"), QString("In channels"));
  QCOMPARE(child<QSpinBox>(panel, "kernel")->value(), int(conv.network.kernel));
  QCOMPARE(child<QSpinBox>(panel, "input_channels")->value(), int(conv.input.channels));
  QCOMPARE(child<QSpinBox>(panel, "input_height")->value(), int(conv.input.height));
  QCOMPARE(child<QSpinBox>(panel, "input_width")->value(), int(conv.input.width));
  QCOMPARE(child<QCheckBox>(panel, "bias")->text(), QString("Bias in every Conv2d layer"));
  QVERIFY(child<QWidget>(panel, "depth")->toolTip().contains("Conv2d"));
  QVERIFY(child<QWidget>(panel, "norm")->toolTip().contains("BatchNorm2d"));
  // The spatial norms are offered now; one chosen, switching back to MLP keeps it and says why
  // the config no longer runs, rather than dropping the user's choice.
  auto* norm = child<QComboBox>(panel, "norm");
  norm->setCurrentIndex(norm->findText("instance"));
  QCOMPARE(panel.config().norm.name, Norm::instance);
  QVERIFY(child<QLabel>(panel, "problem")->isHidden());
  type->setCurrentIndex(type->findText("MLP"));
  QCOMPARE(panel.config().norm.name, Norm::instance);
  QCOMPARE(norm->currentText(), QString("instance"));
  const QString problem = child<QLabel>(panel, "problem")->text();
  QVERIFY(!child<QLabel>(panel, "problem")->isHidden());
  QVERIFY2(problem.contains("instance") && problem.contains("conv2d"), qPrintable(problem));
  QCOMPARE(label_of("width"), QString("Width"));
  for (const char* name : conv_only) QVERIFY2(!visible(name), name);
}

void TestControlPanel::kernel_takes_odd_values_only() {
  Config conv;
  conv.network.type = NetworkType::conv2d;
  ControlPanel panel;
  panel.setConfig(conv);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  auto* kernel = child<QSpinBox>(panel, "kernel");
  QCOMPARE(kernel->value(), 3);
  // The arrows step from odd to odd.
  kernel->setFocus();
  QTest::keyClick(kernel, Qt::Key_Up);
  QCOMPARE(panel.config().network.kernel, 5);
  QTest::keyClick(kernel, Qt::Key_Down);
  QTest::keyClick(kernel, Qt::Key_Down);
  QCOMPARE(panel.config().network.kernel, 1);
  QTest::keyClick(kernel, Qt::Key_Down);  // 1 is the least
  QCOMPARE(panel.config().network.kernel, 1);
  QCOMPARE(spy.count(), 3);
  // An even kernel typed is not taken: Enter leaves the config as it was, and focus out shows the
  // kernel in use again.
  kernel->selectAll();
  QTest::keyClicks(kernel, "4");
  QTest::keyClick(kernel, Qt::Key_Return);
  QCOMPARE(spy.count(), 3);
  QCOMPARE(panel.config().network.kernel, 1);
  child<QWidget>(panel, "depth")->setFocus();
  QCOMPARE(kernel->value(), 1);
  QCOMPARE(kernel->text(), QString("1"));
  kernel->setFocus();
  kernel->selectAll();
  QTest::keyClicks(kernel, "15");
  QTest::keyClick(kernel, Qt::Key_Return);
  QCOMPARE(panel.config().network.kernel, 15);
  QCOMPARE(spy.count(), 4);
}

void TestControlPanel::local_response_controls() {
  Config c;
  c.network.type = NetworkType::conv2d;
  ControlPanel panel;
  panel.setConfig(c);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  const char* lrn_only[] = {"norm_size", "norm_alpha", "norm_beta", "norm_k"};
  for (const char* name : lrn_only) QVERIFY2(!child<QWidget>(panel, name)->isVisible(), name);
  auto* norm = child<QComboBox>(panel, "norm");
  norm->setCurrentIndex(norm->findText("local_response"));
  for (const char* name : lrn_only) QVERIFY2(child<QWidget>(panel, name)->isVisible(), name);
  // nn.LocalResponseNorm has no eps; its defaults are shown as the config holds them.
  QVERIFY(!child<QWidget>(panel, "norm_eps")->isVisible());
  QVERIFY(child<QWidget>(panel, "norm_placement")->isVisible());
  QCOMPARE(child<QSpinBox>(panel, "norm_size")->value(), 5);
  QCOMPARE(child<QDoubleSpinBox>(panel, "norm_alpha")->text(), QString("0.0001"));
  QCOMPARE(child<QDoubleSpinBox>(panel, "norm_beta")->text(), QString("0.75"));
  QCOMPARE(child<QDoubleSpinBox>(panel, "norm_k")->text(), QString("1"));
  norm->setCurrentIndex(norm->findText("group"));
  for (const char* name : lrn_only) QVERIFY2(!child<QWidget>(panel, name)->isVisible(), name);
  QVERIFY(child<QWidget>(panel, "norm_eps")->isVisible());
}

void TestControlPanel::problem_shown_for_invalid_config() {
  ControlPanel panel;
  Config dirac;
  dirac.init.scheme = Scheme::dirac;  // 3-D to 5-D only: an mlp refuses it
  panel.setConfig(dirac);
  const auto* problem = child<QLabel>(panel, "problem");
  QVERIFY(!problem->isHidden());
  QVERIFY2(problem->text().contains("dirac"), qPrintable(problem->text()));
  panel.setConfig(Config{});
  QVERIFY(problem->isHidden());

  // Valid, but over the memory limit: the panel says so, with the size, before any run.
  Config big;
  big.network.depth = 1000;
  big.network.width = 8192;
  big.input.batch = 4096;
  panel.setConfig(big);
  QVERIFY(!problem->isHidden());
  QVERIFY2(problem->text().startsWith("Too large to run: the run needs about") &&
               problem->text().contains("over the limit of 4.0 GiB") &&
               problem->text().endsWith("Reduce depth, width or batch."),
           qPrintable(problem->text()));
  // Typing a depth that fits (2 layers: about 2.4 GiB in all) clears it.
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  auto* depth = panel.findChild<QSpinBox*>("depth");
  depth->setFocus();
  depth->selectAll();
  QTest::keyClicks(depth, "2");
  QTest::keyClick(depth, Qt::Key_Return);
  QCOMPARE(panel.config().network.depth, 2);
  QVERIFY(!initscope::memory_refusal(panel.config()).has_value());
  QVERIFY(problem->isHidden());

  // A conv2d stack names its own sizes.
  Config conv;
  conv.network.type = NetworkType::conv2d;
  conv.input.height = 2048;
  conv.input.width = 2048;
  panel.setConfig(conv);
  QVERIFY(!problem->isHidden());
  QVERIFY2(problem->text().startsWith("Too large to run: ") &&
               problem->text().endsWith("Reduce depth, channels, image size or batch."),
           qPrintable(problem->text()));
}

void TestControlPanel::names_tooltips_and_tab_order() {
  ControlPanel panel;
  // In the order of the page, which is the tab order.
  const QStringList controls = {"network_type",
                                "depth",
                                "depth_slider",
                                "width",
                                "kernel",
                                "bias",
                                "bias_init",
                                "bias_value",
                                "residual",
                                "scheme",
                                "gain_mode",
                                "gain_value",
                                "gain_slider",
                                "mode",
                                "nonlinearity",
                                "a",
                                "mean",
                                "std",
                                "low",
                                "high",
                                "value",
                                "trunc_a",
                                "trunc_b",
                                "sparsity",
                                "scale",
                                "distribution",
                                "init_groups",
                                "activation",
                                "activation_param",
                                "norm",
                                "norm_placement",
                                "norm_eps",
                                "norm_groups",
                                "norm_size",
                                "norm_alpha",
                                "norm_beta",
                                "norm_k",
                                "input_dim",
                                "input_channels",
                                "input_height",
                                "input_width",
                                "batch",
                                "input_distribution",
                                "loss",
                                "seed",
                                "new_seed"};
  QList<QWidget*> widgets;
  for (const QString& name : controls) {
    auto* widget = panel.findChild<QWidget*>(name);
    QVERIFY2(widget, qPrintable(name));
    QVERIFY2(!widget->toolTip().isEmpty(), qPrintable(name));
    widgets << widget;
  }
  for (const char* name : {"scheme", "gain_mode", "mode", "nonlinearity", "a", "mean", "std", "low",
                           "high", "value", "trunc_a", "trunc_b", "sparsity", "init_groups"}) {
    QVERIFY2(child<QWidget>(panel, name)->toolTip().contains("torch"), name);
  }
  // Walk the focus chain from the first control: each next one comes later.
  QList<QWidget*> chain;
  for (QWidget* w = widgets.first(); chain.size() < 400; w = w->nextInFocusChain()) {
    if (widgets.contains(w) && !chain.contains(w)) chain << w;
    if (w->nextInFocusChain() == widgets.first()) break;
  }
  QCOMPARE(chain, widgets);
}

void TestControlPanel::wheel_edits_only_focused_controls() {
  ControlPanel panel;
  panel.show();
  panel.activateWindow();
  QVERIFY(QTest::qWaitForWindowActive(&panel));
  QSignalSpy spy(&panel, &ControlPanel::configChanged);
  auto* residual = child<QComboBox>(panel, "residual");
  auto wheel_down = [](QWidget* widget) {
    const QPointF centre(widget->width() / 2.0, widget->height() / 2.0);
    QWheelEvent event(centre, widget->mapToGlobal(centre), QPoint(), QPoint(0, -120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &event);
  };
  // Passing over it while the panel scrolls: nothing changes.
  wheel_down(residual);
  wheel_down(child<QSpinBox>(panel, "width"));
  QCOMPARE(spy.count(), 0);
  QVERIFY(panel.config() == Config{});
  // Once chosen, the wheel edits it.
  residual->setFocus();
  QVERIFY(residual->hasFocus());
  wheel_down(residual);
  QCOMPARE(spy.count(), 1);
  QCOMPARE(panel.config().network.residual, Residual::identity);
}

void TestControlPanel::fits_and_renders_at_340_px() {
  const struct {
    Scheme scheme;
    const char* file;
    NetworkType type = NetworkType::mlp;
  } views[] = {{Scheme::xavier_uniform, "/tmp/control_panel.png"},
               {Scheme::trunc_normal, "/tmp/control_panel_trunc_normal.png"},
               {Scheme::kaiming_normal, "/tmp/control_panel_kaiming_normal.png"},
               {Scheme::variance_scaling, "/tmp/control_panel_variance_scaling.png"},
               {Scheme::dirac, "/tmp/control_panel_dirac.png"},  // with a problem shown
               {Scheme::dirac, "/tmp/control_panel_conv2d.png", NetworkType::conv2d}};
  for (const auto& view : views) {
    ControlPanel panel;
    Config c;
    c.init.scheme = view.scheme;
    c.network.type = view.type;
    c.norm.name = view.type == NetworkType::conv2d ? Norm::local_response : Norm::group;
    c.activation.name = Activation::leaky_relu;
    c.network.bias_init.kind = BiasInit::Kind::constant;
    if (view.scheme == Scheme::kaiming_normal) c.init.gain.kind = GainSetting::Kind::value;
    panel.setConfig(c);
    panel.showGainInUse(1.4142, QStringLiteral("calculate_gain(\"leaky_relu\", 0.01)"));
    QVERIFY(panel.minimumSizeHint().width() <= 300);
    panel.resize(340, 1000);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    // No label is cut, and no two visible controls of a form overlap.
    for (auto* label : panel.findChildren<QLabel*>()) {
      if (!label->isVisible() || label->wordWrap()) continue;
      QVERIFY2(label->width() >= label->sizeHint().width(), qPrintable(label->text()));
    }
    for (auto* form : panel.findChildren<QFormLayout*>()) {
      QList<QRect> rects;
      for (int i = 0; i < form->count(); ++i) {
        QWidget* w = form->itemAt(i)->widget();
        if (!w || !w->isVisible()) continue;
        const QRect rect(w->mapTo(&panel, QPoint(0, 0)), w->size());
        QVERIFY(rect.right() < panel.width());
        for (const QRect& other : rects) QVERIFY(!rect.intersects(other));
        rects << rect;
      }
    }
    QVERIFY(panel.grab().save(QString::fromLatin1(view.file)));
  }
}

QTEST_MAIN(TestControlPanel)
#include "tst_control_panel.moc"
