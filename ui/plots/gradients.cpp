// Gradient flow: Var(∂L/∂h_l) on the left axis and the weight gradient's size on the right, both
// log scale over the layer index, so vanishing (a slope down towards the input) and exploding
// gradients read at a glance.

#include "ui/plots/common.h"

namespace initscope::ui::detail {

void setup_gradients(QCustomPlot& plot, const Theme& theme) {
  reset_layout(plot, PlotKind::gradients, theme);
  add_legend_row(plot, theme);
  plot.xAxis->setLabel(QStringLiteral("layer (0 = input)"));
  plot.yAxis->setLabel(QStringLiteral("Var(∂L/∂h_l)  (log scale)"));
  set_integer_ticks(plot.xAxis);
  set_log_scale(plot.yAxis);
  set_log_scale(plot.yAxis2);
  plot.yAxis2->setVisible(true);
  plot.yAxis2->setTickLabels(true);
}

void show_gradients(QCustomPlot& plot, const Result& result, const PlotView& view,
                    const Theme& theme) {
  clear_data(plot);
  const std::vector<LayerStats>& layers = result.layers;
  Extent left;
  Extent right;
  QCPGraph* activation = add_layer_graph(
      plot, plot.yAxis, QStringLiteral("grad_act_var"), series_pen(theme.primary, theme), layers,
      [](const LayerStats& s) { return std::optional<double>(s.grad_act_var); }, left);
  QCPGraph* weight = view.gradient_ratio
                         ? add_layer_graph(
                               plot, plot.yAxis2, QStringLiteral("grad_data_ratio"),
                               series_pen(theme.secondary, theme, Qt::DashLine), layers,
                               [](const LayerStats& s) { return s.grad_data_ratio; }, right)
                         : add_layer_graph(
                               plot, plot.yAxis2, QStringLiteral("grad_weight_std"),
                               series_pen(theme.secondary, theme, Qt::DashLine), layers,
                               [](const LayerStats& s) { return s.grad_weight_std; }, right);
  const QString weight_text = view.gradient_ratio ? QStringLiteral("std(∂L/∂W_l) / std(W_l)")
                                                  : QStringLiteral("std(∂L/∂W_l)");
  plot.yAxis2->setLabel(weight_text + QStringLiteral("  (log scale)"));
  add_legend_entry(plot, activation, QStringLiteral("Var(∂L/∂h_l)  left axis"));
  add_legend_entry(plot, weight, weight_text + QStringLiteral("  right axis"));
  // The mean-field prediction ∏χ from the top layer down (Schoenholz et al. 2017), where it
  // applies.
  if (result.theory.applies && !result.theory.grad_act_var.empty()) {
    QCPGraph* theory = add_theory_graph(plot, plot.yAxis, QStringLiteral("theory_grad_act_var"), 0,
                                        result.theory.grad_act_var, theme, left);
    add_legend_entry(plot, theory, QStringLiteral("Var(∂L/∂h_l)  mean-field prediction"));
  }

  set_layer_range(plot, layers);
  set_log_range(plot.yAxis, left);
  set_log_range(plot.yAxis2, right);
  mark_overflow_layers(plot, layers, overflowed(layers, OverflowScope::any), theme);
  mark_zero_layers(
      plot, layers, [](const LayerStats& s) { return std::optional<double>(s.grad_act_var); },
      QStringLiteral("Var(∂L/∂h_l)"), theme);
}

}  // namespace initscope::ui::detail
