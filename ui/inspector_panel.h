#pragma once

// The formula inspector as a panel: core's Inspection laid out for reading, with a button that
// copies the torch code to the clipboard.

#include <QWidget>

#include "core/init/inspector.h"

namespace initscope::ui {

class InspectorPanel : public QWidget {
  Q_OBJECT

 public:
  explicit InspectorPanel(QWidget* parent = nullptr);

  void showInspection(const Inspection& inspection);
  /// For a config that cannot be inspected (invalid): shows the message instead.
  void showProblem(const QString& message);
  /// The code the copy button copies.
  QString torchCode() const;
};

}  // namespace initscope::ui
