// The control panel's widgets: four group boxes of form rows, created in the order they are shown
// so that the tab order follows the page. Every control has an objectName (the tests and the
// lessons find it by name) and a tooltip citing what it sets; the init controls cite the torch
// call.

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/control_panel_impl.h"
#include "ui/text.h"

namespace initscope::ui {

PanelImpl::PanelImpl(ControlPanel* panel) : QObject(panel), panel_(panel) {
  setObjectName(QStringLiteral("control_panel_impl"));
  auto* column = new QVBoxLayout(panel);
  column->setContentsMargins(4, 4, 4, 4);

  problem_ = make_note("problem");
  problem_->setStyleSheet(QStringLiteral("color: #D55E00"));  // Okabe–Ito vermillion
  column->addWidget(problem_);

  build_network(column);
  build_init(column);
  build_activation(column);
  build_input(column);
  column->addStretch(1);
  sync();

  // One label column for the four groups, so that their fields start at the same x.
  const QFormLayout* forms[] = {network_form_, init_form_, activation_form_, input_form_};
  QList<QWidget*> labels;
  int widest = 0;
  for (const QFormLayout* form : forms) {
    for (int row = 0; row < form->rowCount(); ++row) {
      const QLayoutItem* item = form->itemAt(row, QFormLayout::LabelRole);
      if (!item || !item->widget()) continue;
      labels << item->widget();
      widest = std::max(widest, item->widget()->sizeHint().width());
    }
  }
  for (QWidget* label : labels) label->setMinimumWidth(widest);

  // The panel lives in a scroll area: the wheel scrolls it unless a control has the focus.
  for (auto* control : panel->findChildren<QAbstractSpinBox*>()) wheel_only_when_focused(control);
  for (auto* control : panel->findChildren<QComboBox*>()) wheel_only_when_focused(control);
  for (auto* control : panel->findChildren<QSlider*>()) wheel_only_when_focused(control);
}

void PanelImpl::build_network(QVBoxLayout* column) {
  QGroupBox* box = make_group("network_group", tr("Network"));
  network_form_ = make_form(box);

  network_type_ = make_combo(
      "network_type",
      tr("network.type: MLP, blocks of nn.Linear on vectors; Conv2d, blocks of nn.Conv2d(in, "
         "width, kernel, padding=kernel // 2) on images. Switching to Conv2d caps the channels at "
         "%1 and the batch at %2.")
          .arg(kConvSwitchWidth)
          .arg(kConvSwitchBatch));
  network_type_->addItem(tr("MLP"), int(NetworkType::mlp));
  network_type_->addItem(tr("Conv2d"), int(NetworkType::conv2d));
  connect(network_type_, &QComboBox::currentIndexChanged, this, [this] {
    const auto type = current_enum<NetworkType>(network_type_);
    edit([type](Config& c) {
      c.network.type = type;
      // An mlp's sizes as channels and images would be thousands of times the work: the switch
      // keeps the stack small enough to follow the controls live (about 0.5 s at depth 20).
      if (type == NetworkType::conv2d) {
        c.network.width = std::min(c.network.width, kConvSwitchWidth);
        c.input.batch = std::min(c.input.batch, kConvSwitchBatch);
      }
    });
  });
  network_form_->addRow(tr("Type"), network_type_);

  depth_ = make_count("depth", 1, kMaxDepth, {});  // the tooltip follows the network type
  depth_slider_ =
      make_log_slider("depth_slider", tr("Depth on a logarithmic scale, 1 to %1").arg(kMaxDepth));
  connect(depth_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.network.depth = v; }); });
  connect(depth_slider_, &QSlider::valueChanged, this, [this](int position) {
    const auto depth = std::llround(kDepthScale.value(position));
    edit([depth](Config& c) { c.network.depth = depth; });
  });
  network_form_->addRow(tr("Depth"), make_pair(depth_, depth_slider_));

  width_ = make_count("width", 1, kMaxWidth, {});  // so do the tooltip and the label
  connect(width_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.network.width = v; }); });
  network_form_->addRow(tr("Width"), width_);

  kernel_ = make_odd_count("kernel", 1, kMaxKernel,
                           tr("network.kernel: the side of every Conv2d's square kernel, odd (1 "
                              "to %1), so that padding kernel // 2 keeps the image size")
                               .arg(kMaxKernel));
  connect(kernel_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.network.kernel = v; }); });
  network_form_->addRow(tr("Kernel"), kernel_);

  bias_ = new QCheckBox;  // the text follows the network type
  bias_->setObjectName(QStringLiteral("bias"));
  bias_->setToolTip(tr("network.bias: z = h·Wᵀ + b (nn.Linear(bias=True), nn.Conv2d(bias=True))"));
  connect(bias_, &QCheckBox::toggled, this,
          [this](bool on) { edit([on](Config& c) { c.network.bias = on; }); });
  network_form_->addRow(bias_);

  bias_init_ = make_combo(
      "bias_init",
      tr("network.bias_init: zeros (torch.nn.init.zeros_), torch_default (what nn.Linear does: "
         "torch.nn.init.uniform_(b, −1/√fan_in, 1/√fan_in)) or constant "
         "(torch.nn.init.constant_(b, val))"));
  for (const auto& [kind, name] : EnumNames<BiasInit::Kind>::table) {
    bias_init_->addItem(to_qstring(name), int(kind));
  }
  connect(bias_init_, &QComboBox::currentIndexChanged, this, [this] {
    const auto kind = static_cast<BiasInit::Kind>(bias_init_->currentData().toInt());
    edit([kind](Config& c) { c.network.bias_init.kind = kind; });
  });
  network_form_->addRow(tr("Bias init"), bias_init_);

  bias_value_ = make_number("bias_value", -1000, 1000, 0.01,
                            tr("The constant of torch.nn.init.constant_(b, val)"));
  connect(bias_value_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.network.bias_init.value = v; }); });
  network_form_->addRow(tr("Bias value"), bias_value_);

  residual_ = make_combo("residual", tr("network.residual: h_l = h_{l−1} + α·block(h_{l−1}); "
                                        "identity α = 1, scaled α = 1/√depth, rezero α = 0"));
  fill_enum_combo<Residual>(residual_);
  connect(residual_, &QComboBox::currentIndexChanged, this, [this] {
    const auto residual = current_enum<Residual>(residual_);
    edit([residual](Config& c) { c.network.residual = residual; });
  });
  network_form_->addRow(tr("Residual"), residual_);
  column->addWidget(box);
}

void PanelImpl::build_activation(QVBoxLayout* column) {
  QGroupBox* box = make_group("activation_group", tr("Activation && norm"));
  activation_form_ = make_form(box);

  activation_ = make_combo("activation", tr("activation.name: φ in every block"));
  fill_enum_combo<Activation>(activation_);
  connect(activation_, &QComboBox::currentIndexChanged, this, [this] {
    const auto activation = current_enum<Activation>(activation_);
    edit([activation](Config& c) {
      c.activation.name = activation;
      c.activation.param.reset();  // one activation's slope is not another's α
    });
  });
  activation_form_->addRow(tr("Activation"), activation_);

  activation_param_ = make_number(
      "activation_param", -100, 100, 0.01,
      tr("activation.param: leaky_relu's negative slope (default 0.01), prelu's slope (0.25, "
         "held fixed), elu's α (1). Left unset, at the default, until changed."));
  connect(activation_param_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.activation.param = v; }); });
  activation_form_->addRow(tr("Parameter"), activation_param_);

  norm_ = make_combo("norm", {});  // the tooltip follows the network type
  connect(norm_, &QComboBox::currentIndexChanged, this, [this] {
    if (norm_->currentIndex() < 0) return;
    const auto norm = current_enum<Norm>(norm_);
    edit([norm](Config& c) { c.norm.name = norm; });
  });
  activation_form_->addRow(tr("Norm"), norm_);

  norm_placement_ =
      make_combo("norm_placement", tr("norm.placement: pre h = φ(norm(z)), post h = norm(φ(z))"));
  fill_enum_combo<NormPlacement>(norm_placement_);
  connect(norm_placement_, &QComboBox::currentIndexChanged, this, [this] {
    const auto placement = current_enum<NormPlacement>(norm_placement_);
    edit([placement](Config& c) { c.norm.placement = placement; });
  });
  activation_form_->addRow(tr("Placement"), norm_placement_);

  norm_eps_ = make_number("norm_eps", 1e-12, 1, 1e-5,
                          tr("norm.eps, added to the variance (default 1e-5); the arrows step "
                             "by factors of 10"));
  norm_eps_->setLogSteps(true);
  connect(norm_eps_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.norm.eps = v; }); });
  activation_form_->addRow(tr("Eps"), norm_eps_);

  norm_groups_ = make_combo("norm_groups", tr("norm.groups, num_groups of nn.GroupNorm: only the "
                                              "divisors of the width are offered"));
  connect(norm_groups_, &QComboBox::currentIndexChanged, this, [this] {
    if (norm_groups_->currentIndex() < 0) return;
    const std::int64_t groups = norm_groups_->currentData().toLongLong();
    edit([groups](Config& c) { c.norm.groups = groups; });
  });
  activation_form_->addRow(tr("Groups"), norm_groups_);

  norm_size_ = make_count("norm_size", 1, kMaxWidth,
                          tr("norm.size: the neighbouring channels LocalResponseNorm sums over "
                             "(nn.LocalResponseNorm(size), default 5)"));
  connect(norm_size_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.norm.size = v; }); });
  activation_form_->addRow(tr("Size"), norm_size_);

  norm_alpha_ = make_number("norm_alpha", 0, 1000, 1e-4,
                            tr("norm.alpha of nn.LocalResponseNorm (default 1e-4): "
                               "b = a / (k + α/n·Σa²)^β"));
  connect(norm_alpha_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.norm.alpha = v; }); });
  activation_form_->addRow(tr("Alpha"), norm_alpha_);

  norm_beta_ = make_number("norm_beta", 0, 10, 0.05,
                           tr("norm.beta of nn.LocalResponseNorm (default 0.75): "
                              "b = a / (k + α/n·Σa²)^β"));
  connect(norm_beta_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.norm.beta = v; }); });
  activation_form_->addRow(tr("Beta"), norm_beta_);

  norm_k_ = make_number("norm_k", 0, 1000, 0.1,
                        tr("norm.k of nn.LocalResponseNorm (default 1): "
                           "b = a / (k + α/n·Σa²)^β"));
  connect(norm_k_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { edit([v](Config& c) { c.norm.k = v; }); });
  activation_form_->addRow(tr("K"), norm_k_);
  column->addWidget(box);
}

void PanelImpl::build_input(QVBoxLayout* column) {
  QGroupBox* box = make_group("input_group", tr("Input && loss"));
  input_form_ = make_form(box);

  input_dim_ = make_count(
      "input_dim", 1, kMaxInputDim,
      tr("input.dim: the features of x, the first layer's fan_in (1 to %1)").arg(kMaxInputDim));
  connect(input_dim_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.input.dim = v; }); });
  input_form_->addRow(tr("Input dim"), input_dim_);

  input_channels_ = make_count("input_channels", 1, kMaxImageExtent,
                               tr("input.channels: the channels of each input image, the first "
                                  "Conv2d's in_channels (1 to %1)")
                                   .arg(kMaxImageExtent));
  connect(input_channels_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.input.channels = v; }); });
  input_form_->addRow(tr("In channels"), input_channels_);

  input_height_ =
      make_count("input_height", 1, kMaxImageExtent,
                 tr("input.height: the rows of each image, kept by every layer (1 to %1)")
                     .arg(kMaxImageExtent));
  connect(input_height_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.input.height = v; }); });
  input_form_->addRow(tr("Image height"), input_height_);

  input_width_ = make_count("input_width", 1, kMaxImageExtent,
                            tr("input.width: the columns of each image, kept by every layer (1 "
                               "to %1)")
                                .arg(kMaxImageExtent));
  connect(input_width_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.input.width = v; }); });
  input_form_->addRow(tr("Image width"), input_width_);

  batch_ = make_count("batch", 1, kMaxBatch,
                      tr("input.batch: the samples in the batch (1 to %1)").arg(kMaxBatch));
  connect(batch_, &QSpinBox::valueChanged, this,
          [this](int v) { edit([v](Config& c) { c.input.batch = v; }); });
  input_form_->addRow(tr("Batch"), batch_);

  input_distribution_ = make_combo(
      "input_distribution",
      tr("input.distribution: normal N(0, 1) or uniform U(−√3, √3), both of unit variance"));
  fill_enum_combo<InputDistribution>(input_distribution_);
  connect(input_distribution_, &QComboBox::currentIndexChanged, this, [this] {
    const auto distribution = current_enum<InputDistribution>(input_distribution_);
    edit([distribution](Config& c) { c.input.distribution = distribution; });
  });
  input_form_->addRow(tr("Distribution"), input_distribution_);

  loss_ = make_combo("loss", tr("loss.name: random_gradient, ∂L/∂h = G ~ N(0, 1) (the standard "
                                "probe of gradient flow); mse, mean((h − y)²) with y ~ N(0, 1)"));
  fill_enum_combo<Loss>(loss_);
  connect(loss_, &QComboBox::currentIndexChanged, this, [this] {
    const auto loss = current_enum<Loss>(loss_);
    edit([loss](Config& c) { c.loss.name = loss; });
  });
  input_form_->addRow(tr("Loss"), loss_);

  seed_ = new SeedSpinBox;
  seed_->setObjectName(QStringLiteral("seed"));
  seed_->setToolTip(tr("seed: the same seed gives the same weights, inputs and probe"));
  connect(seed_, &SeedSpinBox::valueChanged, this,
          [this](quint64 v) { edit([v](Config& c) { c.seed = v; }); });
  new_seed_ = new QPushButton(tr("New seed"));
  new_seed_->setObjectName(QStringLiteral("new_seed"));
  new_seed_->setToolTip(tr("Draw another seed: new samples of the same experiment"));
  connect(new_seed_, &QPushButton::clicked, this, &PanelImpl::new_seed);
  auto* seed_row = new QWidget;
  auto* row = new QHBoxLayout(seed_row);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(seed_, 1);
  row->addWidget(new_seed_);
  input_form_->addRow(tr("Seed"), seed_row);
  column->addWidget(box);
}

}  // namespace initscope::ui
