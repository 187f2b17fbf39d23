#pragma once

// The four plots, each set up by its own function and fed from a core Result. The window, the
// headless export and the tests all go through these, so what is exported is what is on screen.
//
// Plottables carry names, so that tests (and hover) can find the data:
//   weights:     QCPBars "weights" (the selected layer's histogram, as densities), QCPGraph
//                "density" (the law's theoretical density, when it has one), QCPItemStraightLine
//                markers at ±std and at the bounds; a QCPItemText info box.
//   activations: one QCPGraph per layer named "layer N" (density of h_l, or of z_l when
//                pre-activations are shown), colored by viridis(depth); a QCPColorScale for depth.
//   variance:    QCPGraph "preact_var" and "act_var" over the layer index, log y.
//   gradients:   QCPGraph "grad_act_var" (left axis, log), and on the right axis (log)
//                "grad_weight_std" or "grad_data_ratio" as PlotView says.
//   baseline:    the same series of the pinned run, named "baseline <name>" (weights: a step
//                graph "baseline weights"; activations: up to 8 "baseline layer N" curves).
//   seed bands:  variance and gradients, per series shown: QCPGraphs "band_min <column>" and
//                "band_max <column>" (the max filled down to the min, translucent) and
//                "band_mean <column>" (a thin line), <column> a stats.csv column ("act_var").
// Points whose value is not finite or not positive (on a log axis) are left out, never handed
// to an axis; overflowed layers are marked with an "overflow" label in the theme's overflow color.

#include <QString>

#include "core/names.h"
#include "core/result.h"
#include "ui/theme.h"

class QCustomPlot;

namespace initscope {
struct SeedBands;
}  // namespace initscope

namespace initscope::ui {

enum class PlotKind { weights, activations, variance, gradients };

}  // namespace initscope::ui

template <>
struct initscope::EnumNames<initscope::ui::PlotKind> {
  static constexpr std::string_view family = "plot";
  static constexpr std::array<NameEntry<ui::PlotKind>, 4> table{{
      {ui::PlotKind::weights, "weights"},
      {ui::PlotKind::activations, "activations"},
      {ui::PlotKind::variance, "variance"},
      {ui::PlotKind::gradients, "gradients"},
  }};
};

namespace initscope::ui {

/// The per-plot choices a user makes next to a plot.
struct PlotView {
  int weight_layer = 1;         // weights plot: which layer (clamped to 1..depth)
  bool preactivations = false;  // activations plot: z_l instead of h_l
  bool gradient_ratio = false;  // gradients plot: grad_data_ratio instead of grad_weight_std
  bool operator==(const PlotView&) const = default;
};

/// A pinned earlier run, drawn dashed and muted beside the current one (compare mode).
struct Baseline {
  const Result* result = nullptr;  // none: no baseline
  QString label;                   // what differs, e.g. "gain 1.67 → 1.0"
};

/// "Weights", "Activations", "Variance vs depth", "Gradient flow".
QString plot_title(PlotKind kind);

/// Axes, fonts, colors, legend and the hover behaviour (a tooltip with the exact values under the
/// cursor). Call once per plot widget, and again when the theme changes.
void setup_plot(QCustomPlot& plot, PlotKind kind, const Theme& theme);

/// Replaces the plot's data with the result's (and the baseline's, named "baseline <series>") and
/// rescales the axes to both. With `bands` of the result's depth, the variance and gradients plots
/// also draw the mean and min–max band over its seeds of each series they show; other plots, and
/// bands of another depth (a stale band of an earlier run), draw none. The plot keeps no pointer
/// to the result, the baseline or the bands. Queues one replot (rpQueuedReplot), so several
/// updates merge into one paint.
void show_result(QCustomPlot& plot, PlotKind kind, const Result& result, const PlotView& view,
                 const Theme& theme, const Baseline& baseline = {},
                 const SeedBands* bands = nullptr);

}  // namespace initscope::ui
