#pragma once

// The input–output Jacobian's singular values (core/theory/jacobian.h) as a histogram on a log10 σ axis,
// with the two references a reader measures them against: σ = 1 (an isometry: a small change of
// the input keeps its size) and √mean σ² (the network's average gain on a random direction), and a
// readout of the spread that says how far from dynamical isometry the network is.
//
// Found by objectName (tests, the window):
//   "spectrum_view" (this), "spectrum_plot" (QCustomPlot), "spectrum_readout" (QLabel, the
//   numbers), "spectrum_message" (QLabel, shown instead of the plot when there is no spectrum),
//   "spectrum_busy" (QLabel, "computing…").
//   In the plot: QCPBars "singular_values" (bin centres of log10 σ, width the bin width, counts);
//   QCPItemStraightLine "mean_squared_line" (at log10 √mean σ²) and "isometry_line" (at 0).

#include <QWidget>
#include <memory>
#include <vector>

#include "core/theory/jacobian.h"
#include "ui/theme.h"

class QCustomPlot;
class QLabel;

namespace initscope::ui {

class SpectrumView : public QWidget {
  Q_OBJECT

 public:
  explicit SpectrumView(QWidget* parent = nullptr);

  void setTheme(const Theme& theme);
  /// Shows a spectrum; `caption` names the network it belongs to (under the title). A null
  /// spectrum is shown as "no spectrum yet".
  void setSpectrum(std::shared_ptr<const JacobianSpectrum> spectrum, const QString& caption);
  /// No spectrum for this network, and why ("width 2048 is over the 1024 the spectrum takes"):
  /// the reason replaces the plot.
  void setUnavailable(const QString& reason);
  /// A new spectrum is being computed: the current one stays, marked as about to be replaced.
  void setBusy(bool busy);

  std::shared_ptr<const JacobianSpectrum> spectrum() const { return spectrum_; }
  /// What hovering at `pixel` (in the plot's coordinates) shows: the bar's σ range and count, or
  /// empty off the bars.
  QString hoverText(const QPointF& pixel) const;

 private:
  // One bar as drawn: the σ it covers (log10 lo…hi) and how many. Several bins too narrow for
  // the axis to tell apart are drawn as one bar (see render()).
  struct Bar {
    double lo = 0, hi = 0;
    std::int64_t count = 0;
  };

  void render();

  Theme theme_ = Theme::make(ThemeName::light);
  std::shared_ptr<const JacobianSpectrum> spectrum_;
  QString caption_;
  QString unavailable_;    // non-empty: shown instead of the plot
  std::vector<Bar> bars_;  // in the order of their keys
  bool merged_ = false;    // bars_ is the whole histogram drawn as one bar
  QWidget* card_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QLabel* readout_ = nullptr;
  QLabel* message_ = nullptr;
  QLabel* busy_ = nullptr;
};

/// How the spectrum's numbers read: 4 significant digits, "∞" for ±∞ (with its sign when
/// negative), "—" for NaN.
QString spectrum_number(double value);

/// The readout's text for a spectrum (several lines): n, mean σ², √mean σ², the spread (std of
/// log10 σ in decades, Var(σ²)/mean(σ²)²), σ₁/σₙ and q95/q05, the zeros; or why there is none.
/// Spreads below float32's resolution of the weights read "≈ 0" (see spectrum_view.cpp).
QString spectrum_readout(const JacobianSpectrum& spectrum);

}  // namespace initscope::ui
