#pragma once

// The control panel's state and widgets. It lives as a child QObject of the ControlPanel, so that
// control_panel.h stays a plain public interface without private members.
//
// The config is the model: every user edit writes its one field into config_ and then redraws all
// controls from it (sync). So fields a control rounds for display (a spin box shows 6 digits) or
// does not show at all (an mlp's conv2d fields, a hidden scheme's arguments) keep their exact
// value, and setConfig(c); config() gives c back.

#include <optional>

#include <QObject>
#include <QString>

#include "core/config.h"
#include "ui/control_panel.h"
#include "ui/control_panel_widgets.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QVBoxLayout;

namespace initscope::ui {

class PanelImpl : public QObject {
  Q_OBJECT

 public:
  explicit PanelImpl(ControlPanel* panel);

  const Config& config() const { return config_; }
  void set_config(const Config& config);
  void show_gain_in_use(std::optional<double> gain, const QString& source);

  static constexpr LogScale kDepthScale{1.0, static_cast<double>(kMaxDepth)};
  static constexpr LogScale kGainScale{0.01, 10.0};
  /// What a switch from MLP to Conv2d caps the width (channels) and the batch at.
  static constexpr std::int64_t kConvSwitchWidth = 64;
  static constexpr std::int64_t kConvSwitchBatch = 16;

 private:
  // control_panel_build.cpp: one group box each.
  void build_network(QVBoxLayout* column);
  void build_init(QVBoxLayout* column);
  void build_activation(QVBoxLayout* column);
  void build_input(QVBoxLayout* column);

  /// A user edit: applies `change` to the config, keeps it consistent, redraws, emits.
  template <typename Change>
  void edit(Change change);
  /// Edits that keep the config valid where a control made it invalid: a group count that no
  /// longer divides the width snaps to the nearest divisor below.
  void fix_up();
  /// Redraws every control from config_, without signals reaching the edit handlers.
  void sync();
  void sync_network();
  void sync_init();
  void sync_activation();
  void sync_input();
  void sync_problem();
  void new_seed();

  ControlPanel* panel_;
  Config config_;
  bool syncing_ = false;

  QLabel* problem_ = nullptr;

  QFormLayout* network_form_ = nullptr;
  QComboBox* network_type_ = nullptr;
  QSpinBox* depth_ = nullptr;
  QSlider* depth_slider_ = nullptr;
  QSpinBox* width_ = nullptr;
  OddSpinBox* kernel_ = nullptr;
  QCheckBox* bias_ = nullptr;
  QComboBox* bias_init_ = nullptr;
  NumberSpinBox* bias_value_ = nullptr;
  QComboBox* residual_ = nullptr;

  QFormLayout* init_form_ = nullptr;
  QComboBox* scheme_ = nullptr;
  QLabel* scheme_call_ = nullptr;
  QComboBox* gain_mode_ = nullptr;
  QWidget* gain_row_ = nullptr;  // slider and spin box
  QSlider* gain_slider_ = nullptr;
  QDoubleSpinBox* gain_value_ = nullptr;
  QLabel* gain_in_use_ = nullptr;
  QComboBox* mode_ = nullptr;
  QComboBox* nonlinearity_ = nullptr;
  NumberSpinBox* a_ = nullptr;
  NumberSpinBox* mean_ = nullptr;
  NumberSpinBox* std_ = nullptr;
  NumberSpinBox* low_ = nullptr;
  NumberSpinBox* high_ = nullptr;
  NumberSpinBox* value_ = nullptr;
  NumberSpinBox* trunc_a_ = nullptr;
  NumberSpinBox* trunc_b_ = nullptr;
  NumberSpinBox* sparsity_ = nullptr;
  NumberSpinBox* scale_ = nullptr;
  QComboBox* distribution_ = nullptr;
  QSpinBox* init_groups_ = nullptr;

  QFormLayout* activation_form_ = nullptr;
  QComboBox* activation_ = nullptr;
  NumberSpinBox* activation_param_ = nullptr;
  QComboBox* norm_ = nullptr;
  QComboBox* norm_placement_ = nullptr;
  NumberSpinBox* norm_eps_ = nullptr;
  QComboBox* norm_groups_ = nullptr;
  QSpinBox* norm_size_ = nullptr;
  NumberSpinBox* norm_alpha_ = nullptr;
  NumberSpinBox* norm_beta_ = nullptr;
  NumberSpinBox* norm_k_ = nullptr;

  QFormLayout* input_form_ = nullptr;
  QSpinBox* input_dim_ = nullptr;
  QSpinBox* input_channels_ = nullptr;
  QSpinBox* input_height_ = nullptr;
  QSpinBox* input_width_ = nullptr;
  QSpinBox* batch_ = nullptr;
  QComboBox* input_distribution_ = nullptr;
  QComboBox* loss_ = nullptr;
  SeedSpinBox* seed_ = nullptr;
  QPushButton* new_seed_ = nullptr;
};

template <typename Change>
void PanelImpl::edit(Change change) {
  if (syncing_) return;
  change(config_);
  fix_up();
  sync();
  emit panel_->configChanged();
}

}  // namespace initscope::ui
