// Variance vs depth: Var(z_l) and Var(h_l) over the layer index on a log scale, where a good
// initialization reads as a flat line and a bad one as a straight slope (geometric growth or
// decay).

#include "ui/plots/common.h"

namespace initscope::ui::detail {

void setup_variance(QCustomPlot& plot, const Theme& theme) {
  reset_layout(plot, PlotKind::variance, theme);
  add_legend_row(plot, theme);
  plot.xAxis->setLabel(QStringLiteral("layer (0 = input)"));
  plot.yAxis->setLabel(QStringLiteral("variance (log scale)"));
  set_integer_ticks(plot.xAxis);
  set_log_scale(plot.yAxis);
}

void show_variance(QCustomPlot& plot, const Result& result, const Theme& theme) {
  clear_data(plot);
  const std::vector<LayerStats>& layers = result.layers;
  Extent extent;
  QCPGraph* preact = add_layer_graph(
      plot, plot.yAxis, QStringLiteral("preact_var"),
      series_pen(theme.secondary, theme, Qt::DashLine), layers,
      [](const LayerStats& s) { return s.preact_var; }, extent);
  QCPGraph* act = add_layer_graph(
      plot, plot.yAxis, QStringLiteral("act_var"), series_pen(theme.primary, theme), layers,
      [](const LayerStats& s) { return std::optional<double>(s.act_var); }, extent);
  act->setProperty(kHoverNoteProperty, QStringLiteral("act_var = Var(h_l), preact_var = Var(z_l)"));
  preact->setProperty(kHoverNoteProperty, act->property(kHoverNoteProperty));
  add_legend_entry(plot, act, QStringLiteral("Var(h_l)  activations"));
  add_legend_entry(plot, preact, QStringLiteral("Var(z_l)  pre-activations"));
  // The mean-field prediction of Var(z_l) (Poole et al. 2016), where it applies.
  if (result.theory.applies) {
    QCPGraph* theory = add_theory_graph(plot, plot.yAxis, QStringLiteral("theory_preact_var"), 1,
                                        result.theory.preact_var, theme, extent);
    add_legend_entry(plot, theory, QStringLiteral("Var(z_l)  mean-field prediction"));
  }

  set_layer_range(plot, layers);
  set_log_range(plot.yAxis, extent);
  // Forward quantities: mark where they overflowed, not where only the gradients did.
  mark_overflow_layers(plot, layers, overflowed(layers, OverflowScope::forward), theme);
  mark_zero_layers(
      plot, layers, [](const LayerStats& s) { return std::optional<double>(s.act_var); },
      QStringLiteral("Var(h_l)"), theme);
}

}  // namespace initscope::ui::detail
