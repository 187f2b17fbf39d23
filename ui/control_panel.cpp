#include "ui/control_panel.h"
#include "ui/text.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>
#include <vector>

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>

#include "core/io/config_io.h"
#include "core/run.h"
#include "ui/control_panel_impl.h"
#include "ui/control_panel_schemes.h"

namespace initscope::ui {
namespace {

using Items = std::vector<std::pair<QString, int>>;

template <typename E, typename Keep>
Items enum_items(Keep keep) {
  Items items;
  for (std::string_view name : canonical_names<E>()) {
    const E value = *find_by_name<E>(name);
    if (keep(value)) items.emplace_back(to_qstring(name), static_cast<int>(value));
  }
  return items;
}

// Refills a combo only when its items differ, so that redraws that change nothing leave it be.
void set_items(QComboBox* combo, const Items& items) {
  bool same = combo->count() == static_cast<int>(items.size());
  for (int i = 0; same && i < combo->count(); ++i) {
    const auto& [text, data] = items[static_cast<std::size_t>(i)];
    same = combo->itemText(i) == text && combo->itemData(i).toInt() == data;
  }
  if (same) return;
  combo->clear();
  for (const auto& [text, data] : items) combo->addItem(text, data);
}

void select_data(QComboBox* combo, int data) {
  combo->setCurrentIndex(combo->findData(data));
}

// setValue only on a change: setting a spin box rewrites its text, which would drop digits the
// user is typing into it.
void set_count(QSpinBox* box, std::int64_t value) {
  const auto shown =
      static_cast<int>(std::clamp<std::int64_t>(value, box->minimum(), box->maximum()));
  if (box->value() != shown) box->setValue(shown);
}

void set_number(QDoubleSpinBox* box, double value) {
  if (box->value() != value) show_value(box, value);
}

// Sets the text of a form row's label.
void set_label(QFormLayout* form, QWidget* field, const QString& text) {
  if (auto* label = qobject_cast<QLabel*>(form->labelForField(field))) label->setText(text);
}

// The activation parameter's meaning, as the row's label.
QString param_label(Activation activation) {
  switch (activation) {
    case Activation::leaky_relu:
      return QObject::tr("Neg. slope");
    case Activation::prelu:
      return QObject::tr("Slope");
    case Activation::elu:
      return QObject::tr("Alpha");
    case Activation::identity:
    case Activation::sigmoid:
    case Activation::tanh:
    case Activation::relu:
    case Activation::selu:
    case Activation::gelu:
    case Activation::silu:
    case Activation::softplus:
    case Activation::softsign:
      break;
  }
  return QObject::tr("Parameter");
}

}  // namespace

// --- ControlPanel -------------------------------------------------------------------------------

ControlPanel::ControlPanel(QWidget* parent) : QWidget(parent), impl_(new PanelImpl(this)) {}

Config ControlPanel::config() const {
  return impl_->config();
}

void ControlPanel::setConfig(const Config& config) {
  const QSignalBlocker block(this);
  impl_->set_config(config);
}

void ControlPanel::showGainInUse(std::optional<double> gain, const QString& source) {
  impl_->show_gain_in_use(gain, source);
}

// --- PanelImpl ----------------------------------------------------------------------------------

void PanelImpl::set_config(const Config& config) {
  config_ = config;
  sync();
}

void PanelImpl::show_gain_in_use(std::optional<double> gain, const QString& source) {
  if (!gain) {
    gain_in_use_->setText(tr("in use: none, the scheme takes no gain"));
    return;
  }
  const QString value = QString::number(*gain, 'f', 4);
  gain_in_use_->setText(source.isEmpty() ? tr("in use: %1").arg(value)
                                         : tr("in use: %1 = %2").arg(value, source));
}

void PanelImpl::fix_up() {
  Config::NormSetting& norm = config_.norm;
  const std::int64_t width = config_.network.width;
  if (norm.name == Norm::group && width >= 1 && norm.groups >= 1 && width % norm.groups != 0) {
    norm.groups = nearest_divisor_below(width, norm.groups);
  }
}

void PanelImpl::new_seed() {
  std::uint64_t seed = config_.seed;
  // Seeds below 2³¹ stay short enough to read out and type back.
  while (seed == config_.seed) seed = QRandomGenerator::global()->bounded(1u << 31);
  edit([seed](Config& c) { c.seed = seed; });
}

void PanelImpl::sync() {
  const bool was_syncing = syncing_;
  syncing_ = true;
  sync_network();
  sync_init();
  sync_activation();
  sync_input();
  sync_problem();
  syncing_ = was_syncing;
}

void PanelImpl::sync_network() {
  const Config::Network& network = config_.network;
  const bool conv = network.type == NetworkType::conv2d;
  select_data(network_type_, static_cast<int>(network.type));
  const QString layer = conv ? QStringLiteral("Conv2d") : QStringLiteral("Linear");
  depth_->setToolTip(tr("network.depth: the number of blocks %1 → norm → activation (1 to %2)")
                         .arg(layer)
                         .arg(kMaxDepth));
  set_label(network_form_, width_, conv ? tr("Channels") : tr("Width"));
  width_->setToolTip(
      conv ? tr("network.width: the channels of every hidden layer, each Conv2d's "
                "out_channels (1 to %1)")
                 .arg(kMaxWidth)
           : tr("network.width: the features of every hidden layer (1 to %1)").arg(kMaxWidth));
  set_count(kernel_, network.kernel);
  set_row_visible(network_form_, kernel_, conv);
  bias_->setText(tr("Bias in every %1 layer").arg(layer));
  set_count(depth_, network.depth);
  // The slider moves only when its position does not already stand for this depth, so that it
  // does not jump under the mouse while dragged.
  if (std::llround(kDepthScale.value(depth_slider_->value())) != network.depth) {
    depth_slider_->setValue(kDepthScale.position(static_cast<double>(network.depth)));
  }
  set_count(width_, network.width);
  bias_->setChecked(network.bias);
  select_data(bias_init_, static_cast<int>(network.bias_init.kind));
  set_number(bias_value_, network.bias_init.value);
  bias_init_->setEnabled(network.bias);
  bias_value_->setEnabled(network.bias);
  set_row_visible(network_form_, bias_value_, network.bias_init.kind == BiasInit::Kind::constant);
  select_data(residual_, static_cast<int>(network.residual));
}

void PanelImpl::sync_init() {
  const Config::Init& init = config_.init;
  const InitArgs& args = init.args;
  const SchemeControls shown = controls_of(init.scheme);

  select_data(scheme_, static_cast<int>(init.scheme));
  scheme_call_->setText(scheme_call(init.scheme));
  scheme_->setToolTip(tr("init.scheme: %1").arg(scheme_call(init.scheme)));

  select_data(gain_mode_, static_cast<int>(init.gain.kind));
  set_number(gain_value_, init.gain.value);
  if (round_significant(kGainScale.value(gain_slider_->value()), 3) != init.gain.value) {
    gain_slider_->setValue(kGainScale.position(init.gain.value));
  }
  gain_row_->setEnabled(init.gain.kind == GainSetting::Kind::value);
  set_row_visible(init_form_, gain_mode_, shown.gain);
  set_row_visible(init_form_, gain_row_, shown.gain);
  set_row_visible(init_form_, gain_in_use_, shown.gain);

  // fan_avg is offered where it applies, and shown wherever a config holds it.
  set_items(mode_, enum_items<FanMode>([&](FanMode m) {
              return m != FanMode::fan_avg || shown.fan_avg || args.mode == FanMode::fan_avg;
            }));
  select_data(mode_, static_cast<int>(args.mode));
  set_row_visible(init_form_, mode_, shown.mode);

  // A numeric or empirical gain replaces calculate_gain(nonlinearity, a): the two are read with
  // gain auto only.
  const bool from_call = init.gain.kind == GainSetting::Kind::automatic;
  select_data(nonlinearity_, init.nonlinearity ? static_cast<int>(*init.nonlinearity) : -1);
  if (init.a) {
    // The minimum stands for "from activation": keep it below any a a config holds.
    if (*init.a <= a_->minimum()) a_->setMinimum(*init.a - a_->singleStep());
    set_number(a_, *init.a);
  } else if (a_->value() != a_->minimum()) {
    a_->setValue(a_->minimum());
  }
  nonlinearity_->setEnabled(from_call);
  a_->setEnabled(from_call);
  set_row_visible(init_form_, nonlinearity_, shown.kaiming);
  set_row_visible(init_form_, a_, shown.kaiming);

  set_number(mean_, args.mean);
  set_number(std_, args.std.value_or(shown.default_std));
  set_number(low_, args.low);
  set_number(high_, args.high);
  set_number(value_, args.value);
  set_number(trunc_a_, args.trunc_a);
  set_number(trunc_b_, args.trunc_b);
  set_number(sparsity_, args.sparsity);
  set_number(scale_, args.scale);
  select_data(distribution_, static_cast<int>(args.distribution));
  set_count(init_groups_, args.groups);
  set_row_visible(init_form_, mean_, shown.mean);
  set_row_visible(init_form_, std_, shown.std);
  set_row_visible(init_form_, low_, shown.low_high);
  set_row_visible(init_form_, high_, shown.low_high);
  set_row_visible(init_form_, value_, shown.value);
  set_row_visible(init_form_, trunc_a_, shown.trunc);
  set_row_visible(init_form_, trunc_b_, shown.trunc);
  set_row_visible(init_form_, sparsity_, shown.sparsity);
  set_row_visible(init_form_, scale_, shown.variance_scaling);
  set_row_visible(init_form_, distribution_, shown.variance_scaling);
  set_row_visible(init_form_, init_groups_, shown.groups);
}

void PanelImpl::sync_activation() {
  const Config::ActivationSetting& activation = config_.activation;
  select_data(activation_, static_cast<int>(activation.name));
  set_number(activation_param_,
             activation.param.value_or(default_param(activation.name).value_or(0.0)));
  set_label(activation_form_, activation_param_, param_label(activation.name));
  set_row_visible(activation_form_, activation_param_, takes_param(activation.name));

  const Config::NormSetting& norm = config_.norm;
  // The spatial norms need a conv2d stack; one a config holds anyway is shown, not replaced.
  const bool conv = config_.network.type == NetworkType::conv2d;
  set_items(norm_,
            enum_items<Norm>([&](Norm n) { return conv || !is_spatial(n) || n == norm.name; }));
  select_data(norm_, static_cast<int>(norm.name));
  select_data(norm_placement_, static_cast<int>(norm.placement));
  set_number(norm_eps_, norm.eps);

  // GroupNorm's groups must divide the width: the divisors are offered, and a value from a config
  // that does not divide it is listed too, marked.
  const std::int64_t width = std::max<std::int64_t>(1, config_.network.width);
  const bool divides = norm.groups >= 1 && width % norm.groups == 0;
  Items groups;
  int marked = -1;
  for (std::int64_t d : divisors(width)) {
    if (marked < 0 && !divides && norm.groups < d) {
      marked = static_cast<int>(groups.size());
      groups.emplace_back(tr("%1 (does not divide %2)").arg(norm.groups).arg(width),
                          static_cast<int>(norm.groups));
    }
    groups.emplace_back(QString::number(d), static_cast<int>(d));
  }
  if (marked < 0 && !divides) {
    marked = static_cast<int>(groups.size());
    groups.emplace_back(tr("%1 (does not divide %2)").arg(norm.groups).arg(width),
                        static_cast<int>(norm.groups));
  }
  set_items(norm_groups_, groups);
  if (marked >= 0) norm_groups_->setItemData(marked, QColor(0xD5, 0x5E, 0x00), Qt::ForegroundRole);
  select_data(norm_groups_, static_cast<int>(norm.groups));

  set_count(norm_size_, norm.size);
  set_number(norm_alpha_, norm.alpha);
  set_number(norm_beta_, norm.beta);
  set_number(norm_k_, norm.k);
  norm_->setToolTip(
      conv ? tr("norm.name, training mode, γ = 1, β = 0, on N × C × H × W: batch (nn.BatchNorm2d, "
                "over N, H, W), layer (nn.LayerNorm([C, H, W])), group (nn.GroupNorm), instance "
                "(nn.InstanceNorm2d, over H, W), rms (over C, H, W), local_response "
                "(nn.LocalResponseNorm, across neighbouring channels)")
           : tr("norm.name, training mode, γ = 1, β = 0: batch (nn.BatchNorm1d), layer "
                "(nn.LayerNorm), rms (nn.RMSNorm), group (nn.GroupNorm). instance and "
                "local_response need a Conv2d stack."));

  // LocalResponseNorm divides by a power of k + α·mean(a²): it has no eps, and the only sizes.
  const bool lrn = norm.name == Norm::local_response;
  set_row_visible(activation_form_, norm_placement_, norm.name != Norm::none);
  set_row_visible(activation_form_, norm_eps_, norm.name != Norm::none && !lrn);
  set_row_visible(activation_form_, norm_groups_, norm.name == Norm::group);
  set_row_visible(activation_form_, norm_size_, lrn);
  set_row_visible(activation_form_, norm_alpha_, lrn);
  set_row_visible(activation_form_, norm_beta_, lrn);
  set_row_visible(activation_form_, norm_k_, lrn);
}

void PanelImpl::sync_input() {
  const bool conv = config_.network.type == NetworkType::conv2d;
  set_count(input_dim_, config_.input.dim);
  set_count(input_channels_, config_.input.channels);
  set_count(input_height_, config_.input.height);
  set_count(input_width_, config_.input.width);
  set_row_visible(input_form_, input_dim_, !conv);
  set_row_visible(input_form_, input_channels_, conv);
  set_row_visible(input_form_, input_height_, conv);
  set_row_visible(input_form_, input_width_, conv);
  set_count(batch_, config_.input.batch);
  select_data(input_distribution_, static_cast<int>(config_.input.distribution));
  select_data(loss_, static_cast<int>(config_.loss.name));
  if (seed_->value() != config_.seed) seed_->setValue(config_.seed);
}

// What stops this config from running, in the panel: validate()'s message, or the size over the
// memory limit (run() refuses both before allocating anything; the window says so at once).
void PanelImpl::sync_problem() {
  QString problem;
  try {
    validate(config_);
    if (auto refusal = memory_refusal(config_)) {
      const bool conv = config_.network.type == NetworkType::conv2d;
      problem = (conv ? tr("Too large to run: %1. Reduce depth, channels, image size or batch.")
                      : tr("Too large to run: %1. Reduce depth, width or batch."))
                    .arg(QString::fromStdString(*refusal));
    }
  } catch (const std::exception& e) {
    problem = QString::fromUtf8(e.what());
  }
  problem_->setText(problem);
  problem_->setVisible(!problem.isEmpty());
}

}  // namespace initscope::ui
