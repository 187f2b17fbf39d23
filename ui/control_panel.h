#pragma once

// Every experiment setting of SPEC section 3 as a control. The combo boxes are filled from core's
// name tables (EnumNames), never from a list of their own. A scheme's own parameters are shown only
// when the scheme reads them.

#include <optional>

#include <QWidget>

#include "core/config.h"

namespace initscope::ui {

class PanelImpl;

class ControlPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ControlPanel(QWidget* parent = nullptr);

  /// The settings as the controls show them.
  Config config() const;
  /// Shows a config without emitting configChanged.
  void setConfig(const Config& config);

  /// The gain the last run used and where it came from (shown next to the gain controls, e.g.
  /// "in use: 1.6667 = calculate_gain("tanh")"); nullopt when the scheme has no gain.
  void showGainInUse(std::optional<double> gain, const QString& source);

 signals:
  /// After every user edit (each step of a slider too: the window runs the latest config as soon as
  /// the worker is free).
  void configChanged();

 private:
  PanelImpl* impl_;  // the controls and the config they edit; a QObject child of the panel
};

}  // namespace initscope::ui
