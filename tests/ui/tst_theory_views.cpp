// The theory views: the spectrum view draws exactly core's histogram of log10 σ and reads out its
// numbers (isometry, Gaussian spread growing with depth, zero σ, overflow, no spectrum); the LSUV
// view steps through run()'s measurements in LSUV's order and shows, at each step, exactly the
// values known then.
#include <qcustomplot.h>

#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QtTest>
#include <cmath>
#include <numeric>

#include "core/theory/jacobian.h"
#include "core/run.h"
#include "ui/lsuv_view.h"
#include "ui/plots/common.h"
#include "ui/spectrum_view.h"
#include "ui/theme.h"

using namespace initscope;
using namespace initscope::ui;

Q_DECLARE_METATYPE(initscope::ui::ThemeName)

namespace {

template <typename T>
T* find(const QWidget& parent, const char* name) {
  T* widget = parent.findChild<T*>(name);
  if (widget == nullptr) qFatal("no widget named %s", name);
  return widget;
}

QCPBars* bars_named(QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.plottableCount(); ++i) {
    auto* bars = qobject_cast<QCPBars*>(plot.plottable(i));
    if (bars != nullptr && bars->name() == name) return bars;
  }
  return nullptr;
}

QCPGraph* graph_named(const QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.graphCount(); ++i) {
    if (plot.graph(i)->name() == name) return plot.graph(i);
  }
  return nullptr;
}

template <typename T>
T* item_named(QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.itemCount(); ++i) {
    if (plot.item(i)->objectName() == name) return qobject_cast<T*>(plot.item(i));
  }
  return nullptr;
}

std::vector<std::pair<double, double>> points(const QCPGraph& graph) {
  std::vector<std::pair<double, double>> out;
  for (auto it = graph.data()->constBegin(); it != graph.data()->constEnd(); ++it) {
    out.emplace_back(it->key, it->value);
  }
  return out;
}

Config mlp(std::int64_t width, int depth, Activation activation, Scheme scheme) {
  Config c;
  c.input.dim = width;
  c.input.batch = 4;
  c.network.width = width;
  c.network.depth = depth;
  c.activation.name = activation;
  c.init.scheme = scheme;
  return c;
}

std::shared_ptr<const JacobianSpectrum> spectrum_of(const Config& c) {
  return std::make_shared<const JacobianSpectrum>(jacobian_spectrum(c));
}

// The view laid out at the size of a dock.
void lay_out(QWidget& view) {
  view.resize(480, 400);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  for (QCustomPlot* plot : view.findChildren<QCustomPlot*>()) plot->replot();
}

// The number the readout prints after `label` ("std log₁₀ σ = 0.1234 decades" → 0.1234).
double readout_number(const QString& readout, const QString& label) {
  const QRegularExpression pattern(QRegularExpression::escape(label) +
                                   QStringLiteral(" = ([-+0-9.e]+)"));
  const QRegularExpressionMatch match = pattern.match(readout);
  if (!match.hasMatch()) return std::nan("");
  return match.captured(1).toDouble();
}

std::int64_t total_count(const QCPBars& bars) {
  double total = 0;
  for (auto it = bars.data()->constBegin(); it != bars.data()->constEnd(); ++it) {
    total += it->value;
  }
  return static_cast<std::int64_t>(total);
}

}  // namespace

class TestTheoryViews : public QObject {
  Q_OBJECT

 private slots:
  void numbers_read_as_documented() {
    QCOMPARE(spectrum_number(2.5937424601), QStringLiteral("2.594"));
    QCOMPARE(spectrum_number(std::numeric_limits<double>::infinity()), QStringLiteral("∞"));
    QCOMPARE(spectrum_number(std::nan("")), QStringLiteral("—"));
  }

  void orthogonal_identity_is_one_bar_at_gain_to_the_depth() {
    // J = 1.1⁵·Q with Q orthogonal (Saxe et al. 2013): every σ = 1.1⁵ up to float32 rounding of
    // the weights (core's test: within 1e-5), so one bar at log10 1.1⁵ holds all 64.
    Config c = mlp(64, 5, Activation::identity, Scheme::orthogonal);
    c.init.gain = {GainSetting::Kind::value, 1.1};
    const auto s = spectrum_of(c);
    QCOMPARE(s->zero_count, std::int64_t{0});
    SpectrumView view;
    view.setSpectrum(s, QStringLiteral("identity · orthogonal · depth 5 · width 64 · sample 0"));
    lay_out(view);
    auto* plot = find<QCustomPlot>(view, "spectrum_plot");
    QVERIFY(plot->isVisible());
    QCPBars* bars = bars_named(*plot, "singular_values");
    QVERIFY(bars != nullptr);
    QCOMPARE(total_count(*bars), std::int64_t{64} - s->zero_count);
    QCOMPARE(bars->data()->size(), 1);
    // Its centre is the middle of the histogram's span, which holds every log10 σ, each within
    // 1e-5 of log10 1.1⁵; the bar is drawn wide enough to see (a hundredth of the axis at least),
    // far wider than that.
    const double target = 5 * std::log10(1.1);
    const double centre = bars->data()->constBegin()->key;
    QVERIFY2(std::abs(centre - target) < 1e-5, qPrintable(QString::number(centre - target)));
    const auto [lo, hi] = std::minmax_element(s->singular_values.begin(), s->singular_values.end());
    QCOMPARE(centre, (std::log10(*lo) + std::log10(*hi)) / 2);
    QVERIFY(bars->width() >= plot->xAxis->range().size() / 100);
    QVERIFY(plot->xAxis->range().size() >= 1.0);  // at least a decade: noise is not a spread

    auto* mean_line = item_named<QCPItemStraightLine>(*plot, "mean_squared_line");
    QVERIFY(mean_line != nullptr);
    const double x = mean_line->point1->coords().x();
    QCOMPARE(x, 0.5 * std::log10(s->mean_squared));
    // mean σ² = 1.1¹⁰ to 2e-5 (float32 weights), so its log to 1e-5.
    QVERIFY2(std::abs(x - target) < 1e-5, qPrintable(QString::number(x - target, 'g', 3)));
    auto* isometry = item_named<QCPItemStraightLine>(*plot, "isometry_line");
    QVERIFY(isometry != nullptr);
    QCOMPARE(isometry->point1->coords().x(), 0.0);
    QVERIFY(plot->xAxis->range().contains(0.0) && plot->xAxis->range().contains(target));

    const QString readout = find<QLabel>(view, "spectrum_readout")->text();
    QVERIFY2(readout.contains(QStringLiteral("mean σ² = %1 ").arg(std::pow(1.1, 10), 0, 'g', 4)),
             qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("√mean σ² = %1").arg(std::pow(1.1, 5), 0, 'g', 4)),
             qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("n = 64 σ")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("no zero σ")), qPrintable(readout));
    // The spread is float32 rounding (below 1e-5 decades): it reads "≈ 0".
    QVERIFY(s->log10_std < 1e-5);
    QVERIFY2(readout.contains(QStringLiteral("std log₁₀ σ ≈ 0 decades")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("Var(σ²)/mean(σ²)² ≈ 0")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("σ₁/σₙ = 1 ·")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("q95/q05 = 1")), qPrintable(readout));

    // Hover over the bar: every σ, and the count.
    const QPointF pixel = bars->coordsToPixels(bars->data()->constBegin()->key, 32.0);
    const QString hover = view.hoverText(pixel);
    QVERIFY2(hover.contains(QStringLiteral("count 64 of 64")), qPrintable(hover));
    const QRegularExpressionMatch range =
        QRegularExpression(QStringLiteral("σ from ([0-9.e+-]+) to ([0-9.e+-]+)")).match(hover);
    QVERIFY2(range.hasMatch(), qPrintable(hover));
    const double gain = std::pow(1.1, 5);
    QVERIFY(range.captured(1).toDouble() <= gain * (1 + 1e-5));
    QVERIFY(range.captured(2).toDouble() >= gain * (1 - 1e-5));
    QVERIFY(view.hoverText(bars->coordsToPixels(target + 0.3, 32.0)).isEmpty());
  }

  void gaussian_spread_grows_with_depth() {
    // xavier_normal with the identity: each layer adds about 1 to Var(σ²)/mean(σ²)²
    // (Pennington et al. 2017), and the spread in decades grows with it.
    double spread[2] = {0, 0};
    int depths[2] = {2, 10};
    for (int i = 0; i < 2; ++i) {
      const auto s = spectrum_of(mlp(128, depths[i], Activation::identity, Scheme::xavier_normal));
      SpectrumView view;
      view.setSpectrum(s, QStringLiteral("identity · xavier_normal · depth %1").arg(depths[i]));
      lay_out(view);
      auto* plot = find<QCustomPlot>(view, "spectrum_plot");
      QCPBars* bars = bars_named(*plot, "singular_values");
      QVERIFY(bars != nullptr);
      // The non-empty bins, exactly: centre, count; the bar width is the bin width.
      const Histogram& h = s->log10_histogram;
      auto it = bars->data()->constBegin();
      for (std::size_t b = 0; b < h.counts.size(); ++b) {
        if (h.counts[b] == 0) continue;
        QVERIFY(it != bars->data()->constEnd());
        QCOMPARE(it->key, (h.edges[b] + h.edges[b + 1]) / 2);
        QCOMPARE(it->value, static_cast<double>(h.counts[b]));
        ++it;
      }
      QVERIFY(it == bars->data()->constEnd());
      QCOMPARE(bars->width(), h.edges[1] - h.edges[0]);
      QCOMPARE(total_count(*bars), 128 - s->zero_count);

      const QString readout = find<QLabel>(view, "spectrum_readout")->text();
      spread[i] = readout_number(readout, QStringLiteral("std log₁₀ σ"));
      QVERIFY2(std::isfinite(spread[i]), qPrintable(readout));
      QCOMPARE(QString::number(spread[i], 'g', 4), QString::number(s->log10_std, 'g', 4));
      QCOMPARE(readout_number(readout, QStringLiteral("Var(σ²)/mean(σ²)²")),
               QString::number(s->normalized_variance, 'g', 4).toDouble());

      // Hover over the tallest bar: its σ range and count.
      auto tallest = bars->data()->constBegin();
      for (auto b = bars->data()->constBegin(); b != bars->data()->constEnd(); ++b) {
        if (b->value > tallest->value) tallest = b;
      }
      const QString hover = view.hoverText(bars->coordsToPixels(tallest->key, tallest->value / 2));
      const double half = bars->width() / 2;
      QVERIFY2(hover.contains(QStringLiteral("count %1 of %2")
                                  .arg(static_cast<qint64>(tallest->value))
                                  .arg(128 - s->zero_count)),
               qPrintable(hover));
      QVERIFY2(hover.contains(QStringLiteral("σ from %1 to %2")
                                  .arg(std::pow(10.0, tallest->key - half), 0, 'g', 6)
                                  .arg(std::pow(10.0, tallest->key + half), 0, 'g', 6)),
               qPrintable(hover));
    }
    QVERIFY2(spread[1] > spread[0], qPrintable(QString("%1 %2").arg(spread[0]).arg(spread[1])));
  }

  void zero_singular_values_are_reported() {
    // ReLU switches directions off: the rows of J for the units off at the last layer are 0.
    const auto s = spectrum_of(mlp(64, 4, Activation::relu, Scheme::kaiming_normal));
    QVERIFY(s->zero_count > 0);
    SpectrumView view;
    view.setSpectrum(s, QStringLiteral("relu · kaiming_normal"));
    lay_out(view);
    const QString readout = find<QLabel>(view, "spectrum_readout")->text();
    QVERIFY2(readout.contains(QStringLiteral("\n+ %1 zero σ").arg(s->zero_count)),
             qPrintable(readout));
    QCPBars* bars = bars_named(*find<QCustomPlot>(view, "spectrum_plot"), "singular_values");
    QCOMPARE(total_count(*bars), 64 - s->zero_count);
    // Some σ are 0: σ₁/σₙ and q95/q05 (q05 is 0 with over 5% zeros) are infinite.
    QVERIFY(std::isinf(s->condition));
    QVERIFY2(readout.contains(QStringLiteral("σ₁/σₙ = ∞")), qPrintable(readout));
  }

  void hand_made_edge_cases() {
    // Every σ zero: no histogram, the measures NaN ("—").
    auto zeros = std::make_shared<JacobianSpectrum>();
    zeros->rows = zeros->cols = 4;
    zeros->singular_values = {0, 0, 0, 0};
    zeros->zero_count = 4;
    zeros->log10_histogram = {{0, 0.5, 1}, {0, 0}};
    const double nan = std::nan("");
    zeros->normalized_variance = zeros->log10_std = zeros->condition = zeros->quantile_ratio = nan;
    SpectrumView view;
    view.setSpectrum(zeros, QString());
    lay_out(view);
    QString readout = find<QLabel>(view, "spectrum_readout")->text();
    QVERIFY2(readout.contains(QStringLiteral("+ 4 zero σ")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("std log₁₀ σ = — decades")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("σ₁/σₙ = —")), qPrintable(readout));
    auto* plot = find<QCustomPlot>(view, "spectrum_plot");
    QCOMPARE(total_count(*bars_named(*plot, "singular_values")), std::int64_t{0});
    QVERIFY(item_named<QCPItemStraightLine>(*plot, "mean_squared_line") == nullptr);

    // Overflow: no spectrum, and the layer.
    auto overflow = std::make_shared<JacobianSpectrum>();
    overflow->overflow_layer = 7;
    view.setSpectrum(overflow, QString());
    readout = find<QLabel>(view, "spectrum_readout")->text();
    QVERIFY2(readout.startsWith(QStringLiteral("overflowed at layer 7: no spectrum")),
             qPrintable(readout));
    QVERIFY(bars_named(*plot, "singular_values") == nullptr);
  }

  void isometry_far_off_is_a_note() {
    // Gain 0.5 over 20 layers: every σ = 2⁻²⁰ ≈ 10⁻⁶; σ = 1 would squeeze the bar to the edge,
    // so a note points to it instead of a line.
    Config c = mlp(64, 20, Activation::identity, Scheme::orthogonal);
    c.init.gain = {GainSetting::Kind::value, 0.5};
    SpectrumView view;
    view.setSpectrum(spectrum_of(c), QString());
    lay_out(view);
    auto* plot = find<QCustomPlot>(view, "spectrum_plot");
    QVERIFY(item_named<QCPItemStraightLine>(*plot, "isometry_line") == nullptr);
    QVERIFY(!plot->xAxis->range().contains(0.0));
    QVERIFY(plot->xAxis->range().contains(-20 * std::log10(2.0)));
    bool noted = false;
    for (int i = 0; i < plot->itemCount(); ++i) {
      auto* text = qobject_cast<QCPItemText*>(plot->item(i));
      noted |= text != nullptr && text->text() == QStringLiteral("σ = 1 (log₁₀ σ = 0) →");
    }
    QVERIFY(noted);
  }

  void unavailable_shows_the_reason() {
    SpectrumView view;
    lay_out(view);
    auto* message = find<QLabel>(view, "spectrum_message");
    QVERIFY(message->isVisible());  // no spectrum yet
    view.setSpectrum(spectrum_of(mlp(8, 2, Activation::tanh, Scheme::xavier_normal)), "x");
    QVERIFY(!message->isVisible());
    QVERIFY(find<QCustomPlot>(view, "spectrum_plot")->isVisible());
    const QString reason = QStringLiteral("width 2048 is over the 1024 the spectrum takes");
    view.setUnavailable(reason);
    QVERIFY(message->isVisible());
    QVERIFY(message->text().contains(reason));
    QVERIFY(!find<QCustomPlot>(view, "spectrum_plot")->isVisible());
    QVERIFY(!find<QLabel>(view, "spectrum_readout")->isVisible());
    QVERIFY(view.spectrum() == nullptr);
  }

  void lsuv_steps_through_run_in_order() {
    Config c = mlp(64, 6, Activation::tanh, Scheme::lsuv);
    c.input.batch = 256;
    const Result result = run(c);
    const std::vector<std::vector<double>>& rounds = result.lsuv_variances;
    QCOMPARE(rounds.size(), std::size_t{6});
    // LSUV's order, independently: layer by layer, each measurement of the layer in turn.
    std::vector<std::pair<int, int>> expected;
    for (int l = 1; l <= 6; ++l) {
      for (int r = 0; r < static_cast<int>(rounds[l - 1].size()); ++r) expected.push_back({l, r});
    }
    QVERIFY(expected.size() > 6);  // some layer needed more than one round

    LsuvView view;
    view.setRounds(rounds);
    lay_out(view);
    auto* plot = find<QCustomPlot>(view, "lsuv_plot");
    auto* spin = find<QSpinBox>(view, "lsuv_step");
    auto* slider = find<QSlider>(view, "lsuv_step_slider");
    auto* readout = find<QLabel>(view, "lsuv_readout");
    const int n = static_cast<int>(expected.size());
    QCOMPARE(view.stepCount(), n);
    QCOMPARE(view.step(), n);  // the final state
    QCOMPARE(spin->value(), n);
    QCOMPARE(slider->value(), n);
    QCOMPARE(spin->minimum(), 1);
    QCOMPARE(spin->maximum(), n);

    // The last step: every layer at its final value, exactly.
    std::vector<std::pair<double, double>> finals;
    for (int l = 1; l <= 6; ++l) finals.push_back({l, rounds[l - 1].back()});
    QVERIFY(points(*graph_named(*plot, "done")) == finals);

    for (int s = 1; s <= n; ++s) {
      spin->setValue(s);
      QCOMPARE(view.step(), s);
      QCOMPARE(slider->value(), s);
      const auto [layer, round] = expected[s - 1];
      const std::vector<double>& mine = rounds[layer - 1];
      const bool last = round + 1 == static_cast<int>(mine.size());
      const auto current = points(*graph_named(*plot, "current"));
      QCOMPARE(current.size(), std::size_t{1});
      QCOMPARE(current[0].first, double(layer));
      QVERIFY(current[0].second == mine[round]);
      std::vector<std::pair<double, double>> history;
      for (int r = 0; r < round; ++r) history.push_back({layer, mine[r]});
      QVERIFY(points(*graph_named(*plot, "current_history")) == history);
      std::vector<std::pair<double, double>> done;
      for (int l = 1; l < layer + (last ? 1 : 0); ++l) done.push_back({l, rounds[l - 1].back()});
      QVERIFY(points(*graph_named(*plot, "done")) == done);
      const QString text = readout->text();
      QVERIFY2(text.startsWith(QStringLiteral("Step %1 of %2 · layer %3, round %4 of %5:")
                                   .arg(s)
                                   .arg(n)
                                   .arg(layer)
                                   .arg(round + 1)
                                   .arg(mine.size())),
               qPrintable(text));
      if (!last) {
        QVERIFY2(text.contains(QStringLiteral("× 1/√%1 = ×%2")
                                   .arg(mine[round], 0, 'g', 4)
                                   .arg(1 / std::sqrt(mine[round]), 0, 'g', 4)),
                 qPrintable(text));
      } else if (std::abs(mine.back() - 1) < 0.1) {
        QVERIFY2(text.endsWith(QStringLiteral("within 0.1 of 1, layer %1 done").arg(layer)),
                 qPrintable(text));
      }
    }

    // The buttons and the keys.
    view.setStep(n);
    find<QToolButton>(view, "lsuv_prev")->click();
    QCOMPARE(view.step(), n - 1);
    QCOMPARE(spin->value(), n - 1);
    find<QToolButton>(view, "lsuv_next")->click();
    QCOMPARE(view.step(), n);
    find<QToolButton>(view, "lsuv_next")->click();  // stays at the last
    QCOMPARE(view.step(), n);
    spin->setValue(1);
    QCOMPARE(points(*graph_named(*plot, "current"))[0].second, rounds[0][0]);
    QVERIFY(points(*graph_named(*plot, "done")).empty() == (rounds[0].size() > 1));
    find<QPushButton>(view, "lsuv_last")->click();
    QCOMPARE(view.step(), n);
    QCOMPARE(slider->value(), n);
    view.setFocus();
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.step(), n - 1);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.step(), n);
  }

  void lsuv_warns_about_a_layer_that_did_not_converge() {
    // Layer 2 is still at 2.2 after the 10th rescaling: 11 measurements, the last failing.
    const std::vector<std::vector<double>> rounds = {
        {2.0, 1.01}, {5, 4, 3.5, 3.2, 3, 2.8, 2.6, 2.5, 2.4, 2.3, 2.2}, {0.5, 0.98}};
    QCOMPARE(lsuv_steps(rounds).size(), std::size_t{15});
    QVERIFY((lsuv_steps(rounds)[2] == LsuvStep{2, 0}));
    LsuvView view;
    view.setRounds(rounds);
    lay_out(view);
    auto* readout = find<QLabel>(view, "lsuv_readout");
    view.setStep(1);
    QCOMPARE(readout->text(),
             QStringLiteral("Step 1 of 15 · layer 1, round 1 of 2: Var(z₁) = 2 → W₁ × 1/√2 = "
                            "×0.7071"));
    view.setStep(2);
    QCOMPARE(readout->text(), QStringLiteral("Step 2 of 15 · layer 1, round 2 of 2: Var(z₁) = "
                                             "1.01: within 0.1 of 1, layer 1 done"));
    view.setStep(13);
    QCOMPARE(readout->text(),
             QStringLiteral("Step 13 of 15 · layer 2, round 11 of 11: Var(z₂) = 2.2: not within "
                            "0.1 of 1 after 10 rescaling rounds (warning)"));
    auto* plot = find<QCustomPlot>(view, "lsuv_plot");
    QCOMPARE(points(*graph_named(*plot, "current_history")).size(), std::size_t{10});
    // Layer 3 is not reached yet: nothing is drawn there.
    for (const char* name : {"done", "current", "current_history"}) {
      for (const auto& [key, value] : points(*graph_named(*plot, name))) QVERIFY(key <= 2);
    }
    // The y axis holds every measurement, whatever the step.
    QVERIFY(plot->yAxis->range().contains(5.0) && plot->yAxis->range().contains(0.5));
    QVERIFY(plot->yAxis->scaleType() == QCPAxis::stLogarithmic);
  }

  void lsuv_without_rounds_says_why() {
    LsuvView view;
    lay_out(view);
    auto* message = find<QLabel>(view, "lsuv_message");
    QVERIFY(message->isVisible());
    QVERIFY(message->text().contains(QStringLiteral("Choose the lsuv scheme")));
    QVERIFY(!find<QCustomPlot>(view, "lsuv_plot")->isVisible());
    QVERIFY(!find<QSpinBox>(view, "lsuv_step")->isVisible());
    QCOMPARE(view.stepCount(), 0);
    QCOMPARE(view.step(), 0);
    view.setRounds({{1.5, 1.02}});
    QVERIFY(!message->isVisible());
    QCOMPARE(view.step(), 2);
    view.setUnavailable(QStringLiteral("LSUV rescaling is not recorded for conv2d"));
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), QStringLiteral("LSUV rescaling is not recorded for conv2d"));
    QCOMPARE(view.stepCount(), 0);
  }

  void subtitles_fit_a_narrow_slides_dock() {
    // At 340 px in the slides theme, LSUV's one-line subtitle was wider than the plot and cut at
    // both sides: it now breaks between its pieces, and every line fits.
    const Theme theme = Theme::make(ThemeName::slides);
    Config c = mlp(64, 8, Activation::relu, Scheme::lsuv);
    c.input.batch = 256;
    LsuvView lsuv;
    lsuv.setTheme(theme);
    lsuv.setRounds(run(c).lsuv_variances);
    SpectrumView spectrum;
    spectrum.setTheme(theme);
    spectrum.setSpectrum(spectrum_of(mlp(64, 8, Activation::relu, Scheme::kaiming_normal)),
                         QStringLiteral("relu · kaiming_normal · depth 8 · width 64 · sample 0"));
    for (QWidget* view : {static_cast<QWidget*>(&lsuv), static_cast<QWidget*>(&spectrum)}) {
      view->resize(340, 400);
      view->show();
      QVERIFY(QTest::qWaitForWindowExposed(view));
      auto* plot = view->findChild<QCustomPlot*>();
      QVERIFY(plot);
      plot->replot();
      QCPTextElement* subtitle = detail::find_text_element(*plot, detail::kSubtitleName);
      const QFontMetrics metrics(subtitle->font());
      QVERIFY(plot->viewport().contains(subtitle->outerRect()));
      const QStringList lines = subtitle->text().split(QLatin1Char('\n'));
      QVERIFY2(lines.size() >= 2, qPrintable(subtitle->text()));
      for (const QString& line : lines) {
        QVERIFY2(metrics.horizontalAdvance(line) <= subtitle->rect().width(), qPrintable(line));
      }
    }
  }

  void renders_in_every_theme_data() {
    QTest::addColumn<ThemeName>("theme_name");
    QTest::newRow("light") << ThemeName::light;
    QTest::newRow("dark") << ThemeName::dark;
    QTest::newRow("slides") << ThemeName::slides;
  }

  void renders_in_every_theme() {
    // The plots and their readouts take the plot theme's background; INITSCOPE_THEORY_PNG=<dir>
    // also saves the images there, to look at.
    QFETCH(ThemeName, theme_name);
    const Theme theme = Theme::make(theme_name);
    const QString dir = qEnvironmentVariable("INITSCOPE_THEORY_PNG");
    const QString suffix = QString::fromUtf8(name_of(theme_name));
    Config ortho = mlp(256, 20, Activation::identity, Scheme::orthogonal);
    ortho.init.gain = {GainSetting::Kind::value, 1.02};
    const std::pair<const char*, Config> spectra[] = {
        {"spectrum_orthogonal", ortho},
        {"spectrum_relu", mlp(256, 20, Activation::relu, Scheme::kaiming_normal)},
        {"spectrum_tanh", mlp(256, 20, Activation::tanh, Scheme::xavier_normal)}};
    for (const auto& [name, config] : spectra) {
      SpectrumView view;
      view.setTheme(theme);
      view.setSpectrum(spectrum_of(config),
                       QStringLiteral("%1 · %2 · depth 20 · width 256 · sample 0")
                           .arg(QString::fromUtf8(name_of(config.activation.name)),
                                QString::fromUtf8(name_of(config.init.scheme))));
      lay_out(view);
      const QImage image = view.grab().toImage();
      QCOMPARE(image.pixelColor(2, image.height() - 2), theme.background);
      if (!dir.isEmpty()) image.save(QStringLiteral("%1/%2_%3.png").arg(dir, name, suffix));
    }
    Config c = mlp(64, 8, Activation::relu, Scheme::lsuv);
    c.input.batch = 256;
    LsuvView view;
    view.setTheme(theme);
    const std::vector<std::vector<double>> rounds = run(c).lsuv_variances;
    view.setRounds(rounds);
    lay_out(view);
    // The middle picture: the first step past the middle that is a layer's second round or later.
    const std::vector<LsuvStep> steps = lsuv_steps(rounds);
    const int n = view.stepCount();
    int middle = n / 2;
    while (middle < n && steps[middle - 1].round == 0) ++middle;
    for (int step : {middle, n}) {
      view.setStep(step);
      find<QCustomPlot>(view, "lsuv_plot")->replot();
      const QImage image = view.grab().toImage();
      const QWidget* card = find<QLabel>(view, "lsuv_readout")->parentWidget();
      const QPoint corner = card->mapTo(&view, QPoint(2, card->height() - 2));
      QCOMPARE(image.pixelColor(corner), theme.background);
      if (!dir.isEmpty()) {
        image.save(
            QStringLiteral("%1/lsuv_%2_%3.png")
                .arg(dir, step == n ? QStringLiteral("last") : QStringLiteral("middle"), suffix));
      }
    }
  }
};

QTEST_MAIN(TestTheoryViews)
#include "tst_theory_views.moc"
