// The Initialization group: the scheme, its gain, and the scheme's own arguments, each shown only
// for the schemes that read it (sync_init decides), each tooltip citing the torch call.

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "ui/control_panel_impl.h"
#include "ui/control_panel_schemes.h"
#include "ui/text.h"

namespace initscope::ui {

void PanelImpl::build_init(QVBoxLayout* column) {
  QGroupBox* box = make_group("init_group", tr("Initialization"));
  init_form_ = make_form(box);

  // Grouped under disabled, unselectable headers; each entry's tooltip is its torch call.
  scheme_ = make_combo("scheme", tr("init.scheme: the weight initializer"));
  auto* model = qobject_cast<QStandardItemModel*>(scheme_->model());
  const std::pair<SchemeFamily, QString> families[] = {{SchemeFamily::torch, tr("torch.nn.init")},
                                                       {SchemeFamily::keras, tr("Keras-style")},
                                                       {SchemeFamily::other, tr("other")}};
  for (const auto& [family, title] : families) {
    auto* header = new QStandardItem(title);
    header->setFlags(Qt::NoItemFlags);
    QFont font = header->font();
    font.setBold(true);
    header->setFont(font);
    model->appendRow(header);
    fill_enum_combo<Scheme>(scheme_, [family](Scheme s) { return family_of(s) == family; });
  }
  for (int i = 0; i < scheme_->count(); ++i) {
    const QVariant data = scheme_->itemData(i);
    if (data.isValid()) {
      scheme_->setItemData(i, scheme_call(static_cast<Scheme>(data.toInt())), Qt::ToolTipRole);
    }
  }
  connect(scheme_, &QComboBox::currentIndexChanged, this, [this] {
    if (syncing_) return;
    const QVariant data = scheme_->currentData();
    if (!data.isValid()) {  // a header, set from code: show the config's scheme again
      sync();
      return;
    }
    const auto scheme = static_cast<Scheme>(data.toInt());
    edit([scheme](Config& c) {
      c.init.scheme = scheme;
      // fan_avg is variance_scaling's; torch's kaiming refuses it.
      if (!controls_of(scheme).fan_avg && c.init.args.mode == FanMode::fan_avg) {
        c.init.args.mode = FanMode::fan_in;
      }
    });
  });
  init_form_->addRow(tr("Scheme"), scheme_);
  scheme_call_ = make_note("scheme_call");
  init_form_->addRow(scheme_call_);

  gain_mode_ = make_combo(
      "gain_mode",
      tr("init.gain, the gain= of torch.nn.init.xavier_uniform_, xavier_normal_ and orthogonal_; "
         "for kaiming_* a number replaces calculate_gain(nonlinearity, a).\n"
         "auto: torch.nn.init.calculate_gain(activation) where torch defines it, else the "
         "empirical gain.\nempirical: 1/√E[φ(z)²], z ~ N(0, 1).\nmanual: the number below."));
  for (const auto& [kind, name] : EnumNames<GainSetting::Kind>::table) {
    gain_mode_->addItem(to_qstring(name), int(kind));
  }
  connect(gain_mode_, &QComboBox::currentIndexChanged, this, [this] {
    const auto kind = static_cast<GainSetting::Kind>(gain_mode_->currentData().toInt());
    edit([kind](Config& c) { c.init.gain.kind = kind; });
  });
  init_form_->addRow(tr("Gain"), gain_mode_);

  gain_slider_ = make_log_slider("gain_slider", tr("The manual gain on a logarithmic scale, 0.01 "
                                                   "to 10 (gain= of the torch.nn.init call)"));
  gain_value_ = new QDoubleSpinBox;
  gain_value_->setObjectName(QStringLiteral("gain_value"));
  gain_value_->setRange(0.01, 10.0);
  gain_value_->setDecimals(4);
  gain_value_->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  gain_value_->setKeyboardTracking(false);
  gain_value_->setToolTip(tr("The manual gain (gain= of the torch.nn.init call), 0.01 to 10"));
  connect(gain_slider_, &QSlider::valueChanged, this, [this](int position) {
    // Three significant digits: the slider's resolution, and what a saved config should read.
    const double gain = round_significant(kGainScale.value(position), 3);
    edit([gain](Config& c) { c.init.gain.value = gain; });
  });
  connect(gain_value_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.init.gain.value = v; }); });
  gain_row_ = make_pair(gain_value_, gain_slider_);
  init_form_->addRow(tr("Manual gain"), gain_row_);
  gain_in_use_ = make_note("gain_in_use");
  gain_in_use_->setToolTip(tr("The gain the last run used, and where it came from"));
  init_form_->addRow(gain_in_use_);
  gain_in_use_->setText(tr("in use: shown after a run"));

  mode_ = make_combo("mode", tr("mode of torch.nn.init.kaiming_uniform_ / kaiming_normal_ "
                                "(default 'fan_in': keeps the forward variance; 'fan_out' the "
                                "backward). keras VarianceScaling also takes fan_avg."));
  connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
    if (mode_->currentIndex() < 0) return;
    const auto mode = current_enum<FanMode>(mode_);
    edit([mode](Config& c) { c.init.args.mode = mode; });
  });
  init_form_->addRow(tr("Mode"), mode_);

  nonlinearity_ = make_combo(
      "nonlinearity", tr("nonlinearity of torch.nn.init.kaiming_uniform_ / kaiming_normal_ "
                         "(torch's default 'leaky_relu'), the name calculate_gain reads. "
                         "(activation): the network's activation. Read with gain auto only."));
  nonlinearity_->addItem(tr("(activation)"), -1);
  fill_enum_combo<Nonlinearity>(nonlinearity_);
  connect(nonlinearity_, &QComboBox::currentIndexChanged, this, [this] {
    const int data = nonlinearity_->currentData().toInt();
    std::optional<Nonlinearity> nonlinearity;
    if (data >= 0) nonlinearity = static_cast<Nonlinearity>(data);
    edit([nonlinearity](Config& c) { c.init.nonlinearity = nonlinearity; });
  });
  init_form_->addRow(tr("Nonlinearity"), nonlinearity_);

  // The box's minimum is the "from activation" value: one step below 0 reaches it.
  a_ = make_number("a", -0.01, 100, 0.01,
                   tr("a of torch.nn.init.kaiming_uniform_ / kaiming_normal_ (default 0): the "
                      "negative slope calculate_gain('leaky_relu', a) reads. From activation: "
                      "the activation's parameter, else 0. Read with gain auto only."));
  a_->setSpecialValueText(tr("from activation"));
  connect(a_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    std::optional<double> a;
    if (v != a_->minimum()) a = v;
    edit([a](Config& c) { c.init.a = a; });
  });
  init_form_->addRow(tr("a"), a_);

  auto add_number = [this](NumberSpinBox* number, const QString& label, auto field) {
    connect(number, &QDoubleSpinBox::valueChanged, this,
            [this, field](double v) { edit([v, field](Config& c) { field(c.init.args) = v; }); });
    init_form_->addRow(label, number);
    return number;
  };
  mean_ = add_number(make_number("mean", -1000, 1000, 0.1,
                                 tr("mean of torch.nn.init.normal_ / trunc_normal_ (default 0)")),
                     tr("Mean"), [](InitArgs& a) -> double& { return a.mean; });
  std_ = make_number("std", 0, 1000, 0.01,
                     tr("std of torch.nn.init.normal_ / trunc_normal_ (default 1) and sparse_ "
                        "(default 0.01). Left unset, following the scheme's default, until "
                        "changed."));
  connect(std_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.init.args.std = v; }); });
  init_form_->addRow(tr("Std"), std_);
  low_ = add_number(make_number("low", -1000, 1000, 0.1,
                                tr("a, the lower bound of torch.nn.init.uniform_ (default 0)")),
                    tr("Low"), [](InitArgs& a) -> double& { return a.low; });
  high_ = add_number(make_number("high", -1000, 1000, 0.1,
                                 tr("b, the upper bound of torch.nn.init.uniform_ (default 1)")),
                     tr("High"), [](InitArgs& a) -> double& { return a.high; });
  value_ = add_number(make_number("value", -1000, 1000, 0.1, tr("val of torch.nn.init.constant_")),
                      tr("Value"), [](InitArgs& a) -> double& { return a.value; });
  trunc_a_ = add_number(
      make_number("trunc_a", -1000, 1000, 0.1,
                  tr("a of torch.nn.init.trunc_normal_ (default −2): the lower cut, an absolute "
                     "value, not a multiple of std")),
      tr("Trunc a"), [](InitArgs& a) -> double& { return a.trunc_a; });
  trunc_b_ = add_number(
      make_number("trunc_b", -1000, 1000, 0.1,
                  tr("b of torch.nn.init.trunc_normal_ (default 2): the upper cut, an absolute "
                     "value, not a multiple of std")),
      tr("Trunc b"), [](InitArgs& a) -> double& { return a.trunc_b; });
  sparsity_ = add_number(
      make_number("sparsity", 0, 1, 0.05,
                  tr("sparsity of torch.nn.init.sparse_: the share of each column set to zero")),
      tr("Sparsity"), [](InitArgs& a) -> double& { return a.sparsity; });
  scale_ = add_number(make_number("scale", 1e-6, 1000, 0.1,
                                  tr("scale of keras.initializers.VarianceScaling (default 1): "
                                     "Var(W) = scale/fan")),
                      tr("Scale"), [](InitArgs& a) -> double& { return a.scale; });

  distribution_ = make_combo(
      "distribution", tr("distribution of keras.initializers.VarianceScaling: truncated_normal "
                         "(cut at ±2σ, std divided by 0.8796 to keep the variance), "
                         "untruncated_normal, uniform"));
  fill_enum_combo<VsDistribution>(distribution_);
  connect(distribution_, &QComboBox::currentIndexChanged, this, [this] {
    const auto distribution = current_enum<VsDistribution>(distribution_);
    edit([distribution](Config& c) { c.init.args.distribution = distribution; });
  });
  init_form_->addRow(tr("Distribution"), distribution_);

  init_groups_ = make_count("init_groups", 1, kMaxWidth,
                            tr("groups of torch.nn.init.dirac_ (default 1): must divide the "
                               "output channels"));
  connect(init_groups_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.init.args.groups = v; }); });
  init_form_->addRow(tr("Groups"), init_groups_);
  column->addWidget(box);
}

}  // namespace initscope::ui
