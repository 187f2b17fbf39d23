// The LSUV view: a step slider over LSUV's measurements and the plot of Var(z_l) as it stood
// after each. The y range is that of every measurement at once, so that stepping moves the points,
// never the axis.

#include "ui/lsuv_view.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/plots/common.h"
#include "ui/theory_card.h"

namespace initscope::ui {
namespace {

using detail::compact;

// core/run.cpp lsuv_rescale: the test a layer's variance must pass.
constexpr double kTolerance = 0.1;

QString subscript(int n) {
  static const QString digits = QStringLiteral("₀₁₂₃₄₅₆₇₈₉");
  QString out;
  for (QChar c : QString::number(n)) out += digits[c.digitValue()];
  return out;
}

bool passes(double variance) {
  return std::abs(variance - 1) < kTolerance;
}

QCPGraph* add_graph(QCustomPlot& plot, const char* name, const QPen& pen,
                    const QCPScatterStyle& scatter) {
  QCPGraph* graph = plot.addGraph(plot.xAxis, plot.yAxis);
  graph->setName(QString::fromLatin1(name));
  graph->setPen(pen);
  graph->setScatterStyle(scatter);
  return graph;
}

template <typename T>
T* make_button(const QString& text, const char* name, const QString& tip, QWidget* parent) {
  auto* button = new T(parent);
  button->setText(text);
  button->setObjectName(QString::fromLatin1(name));
  button->setToolTip(tip);
  return button;
}

}  // namespace

std::vector<LsuvStep> lsuv_steps(const std::vector<std::vector<double>>& lsuv_variances) {
  std::vector<LsuvStep> steps;
  for (std::size_t l = 0; l < lsuv_variances.size(); ++l) {
    for (std::size_t r = 0; r < lsuv_variances[l].size(); ++r) {
      steps.push_back({static_cast<int>(l) + 1, static_cast<int>(r)});
    }
  }
  return steps;
}

QString lsuv_step_text(const std::vector<std::vector<double>>& lsuv_variances, int index) {
  const std::vector<LsuvStep> steps = lsuv_steps(lsuv_variances);
  if (index < 0 || index >= static_cast<int>(steps.size())) return {};
  const LsuvStep at = steps[static_cast<std::size_t>(index)];
  const std::vector<double>& rounds = lsuv_variances[static_cast<std::size_t>(at.layer) - 1];
  const double v = rounds[static_cast<std::size_t>(at.round)];
  const QString l = subscript(at.layer);
  QString text = QStringLiteral("Step %1 of %2 · layer %3, round %4 of %5: Var(z%6) = %7")
                     .arg(index + 1)
                     .arg(steps.size())
                     .arg(at.layer)
                     .arg(at.round + 1)
                     .arg(rounds.size())
                     .arg(l, compact(v));
  const bool last = at.round + 1 == static_cast<int>(rounds.size());
  if (!last) {
    return text +
           QStringLiteral(" → W%1 × 1/√%2 = ×%3").arg(l, compact(v), compact(1 / std::sqrt(v)));
  }
  if (passes(v)) {
    return text + QStringLiteral(": within %1 of 1, layer %2 done").arg(kTolerance).arg(at.layer);
  }
  if (!(v > 0) || !std::isfinite(v)) {
    return text +
           QStringLiteral(": cannot be rescaled, layer %1 left as it is (warning)").arg(at.layer);
  }
  const int rescalings = static_cast<int>(rounds.size()) - 1;
  return text + QStringLiteral(": not within %1 of 1 after %2 rescaling round%3 (warning)")
                    .arg(kTolerance)
                    .arg(rescalings)
                    .arg(rescalings == 1 ? "" : "s");
}

LsuvView::LsuvView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("lsuv_view"));
  setFocusPolicy(Qt::StrongFocus);  // Left/Right step
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  outer->setSpacing(4);

  message_ = make_message(this, "lsuv_message", 16);
  outer->addWidget(message_, 1);

  // The plot and the readout on one surface in the plot theme's colors, the controls under it in
  // the window's.
  card_ = new QWidget(this);
  auto* column = new QVBoxLayout(card_);
  column->setContentsMargins(0, 0, 0, 6);
  column->setSpacing(2);
  plot_ = new QCustomPlot(card_);
  plot_->setObjectName(QStringLiteral("lsuv_plot"));
  plot_->setMinimumHeight(200);
  plot_->setAutoAddPlottableToLegend(false);
  auto* title = new QCPTextElement(plot_, tr("LSUV, step by step"));
  title->setObjectName(detail::kTitleName);
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, title);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);
  // All three entries a row, two or one, as the plot's width fits.
  detail::add_legend_row(*plot_, theme_, 3);
  detail::add_subtitle_row(*plot_, theme_);  // above the legend
  column->addWidget(plot_, 1);
  readout_ = make_readout(card_, "lsuv_readout");
  readout_->setContentsMargins(10, 0, 10, 0);
  column->addWidget(readout_);
  outer->addWidget(card_, 1);

  controls_ = new QWidget(this);
  auto* row = new QHBoxLayout(controls_);
  row->setContentsMargins(6, 0, 6, 4);
  auto* previous = make_button<QToolButton>(QStringLiteral("◀"), "lsuv_prev",
                                            tr("Previous step (Left arrow)"), controls_);
  slider_ = new QSlider(Qt::Horizontal, controls_);
  slider_->setObjectName(QStringLiteral("lsuv_step_slider"));
  slider_->setToolTip(tr("LSUV's measurements of Var(z_l), in the order it made them"));
  auto* next = make_button<QToolButton>(QStringLiteral("▶"), "lsuv_next",
                                        tr("Next step (Right arrow)"), controls_);
  spin_ = new QSpinBox(controls_);
  spin_->setObjectName(QStringLiteral("lsuv_step"));
  spin_->setPrefix(tr("step "));
  auto* last = make_button<QPushButton>(tr("Last"), "lsuv_last",
                                        tr("The final state: every layer rescaled"), controls_);
  row->addWidget(previous);
  row->addWidget(slider_, 1);
  row->addWidget(next);
  row->addWidget(spin_);
  row->addWidget(last);
  outer->addWidget(controls_);

  connect(slider_, &QSlider::valueChanged, this, &LsuvView::setStep);
  connect(spin_, &QSpinBox::valueChanged, this, &LsuvView::setStep);
  connect(previous, &QToolButton::clicked, this, [this] { setStep(step_ - 1); });
  connect(next, &QToolButton::clicked, this, [this] { setStep(step_ + 1); });
  connect(last, &QPushButton::clicked, this, [this] { setStep(stepCount()); });

  setRounds({});
}

void LsuvView::setTheme(const Theme& theme) {
  theme_ = theme;
  render();
}

void LsuvView::setRounds(const std::vector<std::vector<double>>& lsuv_variances) {
  variances_ = lsuv_variances;
  steps_ = lsuv_steps(variances_);
  unavailable_.clear();
  step_ = stepCount();
  spin_->blockSignals(true);
  slider_->blockSignals(true);
  spin_->setRange(std::min(1, stepCount()), stepCount());
  spin_->setSuffix(tr(" of %1").arg(stepCount()));
  slider_->setRange(std::min(1, stepCount()), stepCount());
  spin_->setValue(step_);
  slider_->setValue(step_);
  spin_->blockSignals(false);
  slider_->blockSignals(false);
  render();
  emit stepChanged(step_);
}

void LsuvView::setUnavailable(const QString& reason) {
  setRounds({});
  unavailable_ = reason;
  render();
}

void LsuvView::setStep(int step) {
  if (steps_.empty()) return;
  step = std::clamp(step, 1, stepCount());
  if (step == step_) return;
  step_ = step;
  slider_->blockSignals(true);
  spin_->blockSignals(true);
  slider_->setValue(step_);
  spin_->setValue(step_);
  slider_->blockSignals(false);
  spin_->blockSignals(false);
  render();
  emit stepChanged(step_);
}

void LsuvView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Left || event->key() == Qt::Key_Right) {
    setStep(step_ + (event->key() == Qt::Key_Left ? -1 : 1));
    event->accept();
    return;
  }
  QWidget::keyPressEvent(event);
}

void LsuvView::showState(bool available) {
  message_->setVisible(!available);
  card_->setVisible(available);
  controls_->setVisible(available);
}

void LsuvView::render() {
  // The readout at the plot's tick size: large on slides.
  style_card(*card_, theme_, {readout_}, theme_.font_size);

  QCustomPlot& plot = *plot_;
  detail::clear_data(plot);
  detail::restyle_panel_plot(plot, theme_);
  // Two pieces, so that a narrow slides plot breaks the line between them, not inside |…|.
  detail::set_subtitle(plot,
                       {tr("shaded: |Var(z_l) − 1| < %1,").arg(kTolerance), tr("LSUV's test")});
  plot.legend->setColumnSpacing(2 * theme_.font_size);
  if (steps_.empty()) {
    message_->setText(unavailable_.isEmpty()
                          ? tr("Choose the lsuv scheme to see its rescaling rounds.")
                          : unavailable_);
    readout_->clear();
    showState(false);
    plot.replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  showState(true);

  const int depth = static_cast<int>(variances_.size());
  plot.xAxis->setLabel(tr("layer l"));
  plot.yAxis->setLabel(tr("Var(z_l)"));
  detail::set_integer_ticks(plot.xAxis);
  detail::set_log_scale(plot.yAxis);
  const double pad = std::max(0.5, 0.015 * depth);
  plot.xAxis->setRange(1 - pad, depth + pad);
  detail::Extent extent;
  extent.add(1 - kTolerance);
  extent.add(1 + kTolerance);
  for (const std::vector<double>& rounds : variances_) {
    for (double v : rounds) {
      if (detail::usable(v, true)) extent.add(v);
    }
  }
  detail::set_log_range(plot.yAxis, extent);

  // The tolerance band and the target under the points.
  QColor band_color = theme_.tertiary;
  band_color.setAlpha(45);
  auto* band = new QCPItemRect(&plot);
  band->setObjectName(QStringLiteral("lsuv_tolerance"));
  for (QCPItemPosition* corner : {band->topLeft, band->bottomRight}) {
    corner->setAxes(plot.xAxis, plot.yAxis);
    corner->setAxisRect(plot.axisRect());
    corner->setTypeX(QCPItemPosition::ptAxisRectRatio);
    corner->setTypeY(QCPItemPosition::ptPlotCoords);
  }
  band->topLeft->setCoords(0.0, 1 + kTolerance);
  band->bottomRight->setCoords(1.0, 1 - kTolerance);
  band->setPen(Qt::NoPen);
  band->setBrush(QBrush(band_color));
  auto* target = new QCPItemStraightLine(&plot);
  target->setObjectName(QStringLiteral("lsuv_target"));
  for (QCPItemPosition* point : {target->point1, target->point2}) {
    point->setAxes(plot.xAxis, plot.yAxis);
    point->setAxisRect(plot.axisRect());
  }
  target->point1->setCoords(0.0, 1.0);
  target->point2->setCoords(1.0, 1.0);
  target->setPen(QPen(theme_.tertiary, 1.0, Qt::DashLine));

  const LsuvStep at = steps_[static_cast<std::size_t>(step_) - 1];
  const std::vector<double>& rounds = variances_[static_cast<std::size_t>(at.layer) - 1];
  const bool finished = at.round + 1 == static_cast<int>(rounds.size());
  // Finished layers at their final variance; the current one joins them at its last round.
  QVector<QCPGraphData> done;
  const int done_layers = finished ? at.layer : at.layer - 1;
  for (int l = 1; l <= done_layers; ++l) {
    const double v = variances_[static_cast<std::size_t>(l) - 1].back();
    if (detail::usable(v, true)) done.append({static_cast<double>(l), v});
  }
  QVector<QCPGraphData> history;
  for (int r = 0; r < at.round; ++r) {
    const double v = rounds[static_cast<std::size_t>(r)];
    if (detail::usable(v, true)) history.append({static_cast<double>(at.layer), v});
  }
  QVector<QCPGraphData> current;
  const double v = rounds[static_cast<std::size_t>(at.round)];
  if (detail::usable(v, true)) current.append({static_cast<double>(at.layer), v});

  const double marker = 3.0 + 1.5 * theme_.line_width;
  QCPGraph* done_graph =
      add_graph(plot, "done", detail::series_pen(theme_.primary, theme_),
                QCPScatterStyle(QCPScatterStyle::ssCircle, theme_.primary, marker));
  done_graph->data()->set(done, true);
  QColor faded = theme_.secondary;
  faded.setAlphaF(0.45f);
  // Points only (no pen: no line, none in the legend either).
  QCPGraph* history_graph = add_graph(
      plot, "current_history", Qt::NoPen,
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(faded, 1.5), Qt::NoBrush, marker + 1));
  history_graph->setLineStyle(QCPGraph::lsNone);
  history_graph->data()->set(history, true);
  QCPGraph* current_graph =
      add_graph(plot, "current", Qt::NoPen,
                QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(theme_.foreground, 1.0),
                                QBrush(theme_.secondary), 2 * marker));
  current_graph->setLineStyle(QCPGraph::lsNone);
  current_graph->data()->set(current, true);
  detail::add_legend_entry(plot, done_graph, tr("finished layers"));
  detail::add_legend_entry(plot, current_graph, tr("this round"));
  detail::add_legend_entry(plot, history_graph, tr("earlier rounds"));

  readout_->setText(lsuv_step_text(variances_, step_ - 1));
  plot.replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace initscope::ui
