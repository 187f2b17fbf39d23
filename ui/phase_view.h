#pragma once

// The order-to-chaos phase diagram (core/theory/phase.h) as a panel: a heatmap of ln χ₁ over (σ_w², σ_b²)
// with the edge of chaos χ₁ = 1 drawn on it, the ordered and chaotic regions labelled, the current
// setting marked, and the depth scale ξ read out for that setting or for the point under the
// cursor. A click picks a point; the window turns it into a gain and a bias (core's
// gain_for_sigma_w2, bias_init_for_sigma_b2).
//
// The diagram itself is a plain value computed by compute_phase_diagram, off the GUI thread: a
// grid takes 0.1 to 0.3 s for the slow activations, too long for a slot.

#include <QPointF>
#include <QString>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "core/nn/activation.h"
#include "core/theory/phase.h"
#include "ui/theme.h"

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPCurve;
class QCPGraph;
class QCPItemLine;
class QCPItemText;
class QCPItemTracer;
class QCPTextElement;
class QLabel;
class QMouseEvent;

namespace initscope::ui {

/// What the view draws for one activation: the grid of ln χ₁ and the critical line, σ_w² at
/// χ₁ = 1 for each σ_b² of line_sigma_b2 (NaN where core finds no crossing).
struct PhaseDiagram {
  Activation activation = Activation::tanh;
  std::optional<double> param;
  PhaseGrid grid;
  std::vector<double> line_sigma_b2;
  std::vector<double> line_sigma_w2;
};

/// The points of the critical line: this many, evenly spaced from σ_b² = 0 to the top of the range.
inline constexpr int kCriticalLinePoints = 61;

/// The diagram over core's default_phase_ranges for the activation: phase_grid with nx × ny cells
/// and the critical line at kCriticalLinePoints values of σ_b² from exactly 0 to the range's top.
/// Pure (no Qt object): callable from a worker thread. Throws InputError for nx or ny < 1.
PhaseDiagram compute_phase_diagram(Activation activation, std::optional<double> param, int nx = 160,
                                   int ny = 120);

/// The symmetric color range [−m, m] of a diagram: m the 98th percentile of |ln χ₁| over its finite
/// cells, kept within [0.1, 2] so that a nearly flat map is not all extreme colors and one far
/// corner does not wash out the rest. ln χ₁ = 0, the edge of chaos, is the neutral middle color.
double phase_color_limit(const PhaseGrid& grid);

class PhaseView : public QWidget {
  Q_OBJECT

 public:
  explicit PhaseView(QWidget* parent = nullptr);

  void setTheme(const Theme& theme);
  /// Shows the diagram (and the plot, after setUnavailable); null shows "no diagram yet".
  void setDiagram(std::shared_ptr<const PhaseDiagram> diagram);
  std::shared_ptr<const PhaseDiagram> diagram() const { return diagram_; }
  /// The current setting, x = σ_w², y = σ_b²; without one the readout says why_none.
  void setCurrent(std::optional<QPointF> sigma, const QString& why_none = {});
  /// For a setting the mean field does not describe (a conv net, batch norm): the reason, in place
  /// of the plot, until the next setDiagram.
  void setUnavailable(const QString& reason);

 signals:
  /// A left click inside the plot area, at the clicked point, clamped to the diagram's ranges.
  void picked(double sigma_w2, double sigma_b2);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void restyle();
  void fitWidth(int width);
  void showDiagram();
  void placeLabels();
  void placeCurrent();
  void showReadout();
  void onMouseMove(QMouseEvent* event);
  void onMousePress(QMouseEvent* event);
  void onMouseRelease(QMouseEvent* event);
  std::optional<QPointF> coordinatesAt(const QPointF& pixel) const;

  Theme theme_;
  std::shared_ptr<const PhaseDiagram> diagram_;
  std::optional<QPointF> current_;
  QString why_none_;
  std::optional<QPointF> hover_;    // the point under the cursor, shown in place of the current
  std::optional<QPointF> pressed_;  // where the left button went down, in pixels

  QCustomPlot* plot_ = nullptr;
  QLabel* readout_ = nullptr;
  QLabel* unavailable_ = nullptr;
  QCPTextElement* title_ = nullptr;
  QCPColorMap* map_ = nullptr;
  QCPColorScale* scale_ = nullptr;
  QCPCurve* line_ = nullptr;
  QCPGraph* marker_ = nullptr;
  QCPItemTracer* ring_ = nullptr;  // draws the marker; the arrow hangs off its position
  QCPItemLine* arrow_ = nullptr;   // points off the chart when the current setting is outside
  QCPItemText* ordered_ = nullptr;
  QCPItemText* chaotic_ = nullptr;
};

}  // namespace initscope::ui
