#pragma once

// One cell of the window's 2×2 grid: a title row with the plot's own controls and an enlarge
// button, and the plot.

#include <QFrame>

#include "ui/plots.h"

class QCustomPlot;
class QHBoxLayout;
class QToolButton;

namespace initscope::ui {

class PlotCard : public QFrame {
  Q_OBJECT

 public:
  PlotCard(PlotKind kind, QWidget* parent = nullptr);

  PlotKind kind() const { return kind_; }
  QCustomPlot* plot() const { return plot_; }
  /// Where a plot puts its own controls (layer picker, toggles), right of the title.
  QHBoxLayout* controls() const { return controls_; }
  void setEnlarged(bool enlarged);

 signals:
  void enlargeToggled(bool enlarged);

 protected:
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  PlotKind kind_;
  QCustomPlot* plot_ = nullptr;
  QHBoxLayout* controls_ = nullptr;
  QToolButton* enlarge_ = nullptr;
};

}  // namespace initscope::ui
