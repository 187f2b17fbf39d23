// The phase diagram panel: it draws core's grid and critical line as they are (relu's edge at
// σ_w² = 2, tanh's starting at exactly 1), labels each region where its sign of ln χ₁ holds, reads
// χ₁ and ξ out for the current setting as core computes them, turns a click into the point
// clicked, and shows a reason in place of the plot where the mean field does not apply.
#include <qcustomplot.h>

#include <QLabel>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>
#include <memory>

#include "core/theory/phase.h"
#include "ui/phase_view.h"
#include "ui/theme.h"

using namespace initscope;
using namespace initscope::ui;

Q_DECLARE_METATYPE(initscope::Activation)
Q_DECLARE_METATYPE(initscope::ui::ThemeName)

namespace {

std::shared_ptr<const PhaseDiagram> diagram_of(Activation activation) {
  return std::make_shared<const PhaseDiagram>(compute_phase_diagram(activation, std::nullopt));
}

QCustomPlot* plot_of(const PhaseView& view) {
  auto* plot = view.findChild<QCustomPlot*>("phase_plot");
  if (!plot) qFatal("no phase_plot");
  return plot;
}

QLabel* label_named(const PhaseView& view, const char* name) {
  auto* label = view.findChild<QLabel*>(name);
  if (!label) qFatal("no label named %s", name);
  return label;
}

template <typename T>
T* plottable_named(QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.plottableCount(); ++i) {
    auto* p = qobject_cast<T*>(plot.plottable(i));
    if (p != nullptr && p->name() == name) return p;
  }
  return nullptr;
}

template <typename T>
T* item_named(QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.itemCount(); ++i) {
    auto* item = qobject_cast<T*>(plot.item(i));
    if (item != nullptr && item->objectName() == name) return item;
  }
  return nullptr;
}

QCPColorMap* color_map(QCustomPlot& plot) {
  for (int i = 0; i < plot.plottableCount(); ++i) {
    if (auto* map = qobject_cast<QCPColorMap*>(plot.plottable(i))) return map;
  }
  return nullptr;
}

// The grid cell (i, j) whose area holds the point (x, y).
double cell_at(const PhaseGrid& grid, double x, double y) {
  const PhaseRanges& r = grid.ranges;
  const int i = static_cast<int>((x - r.sigma_w2.lo) / (r.sigma_w2.hi - r.sigma_w2.lo) * grid.nx);
  const int j = static_cast<int>((y - r.sigma_b2.lo) / (r.sigma_b2.hi - r.sigma_b2.lo) * grid.ny);
  return grid.at(std::clamp(i, 0, grid.nx - 1), std::clamp(j, 0, grid.ny - 1));
}

// A view at dock size, laid out and painted, so that pixel positions are valid.
void show_at_dock_size(PhaseView& view, QSize size = {480, 420}) {
  view.resize(size);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  plot_of(view)->replot();
}

QPoint pixel_of(QCustomPlot& plot, double sigma_w2, double sigma_b2) {
  return QPoint(static_cast<int>(std::lround(plot.xAxis->coordToPixel(sigma_w2))),
                static_cast<int>(std::lround(plot.yAxis->coordToPixel(sigma_b2))));
}

}  // namespace

class TestPhaseView : public QObject {
  Q_OBJECT

 private slots:
  void computes_core_grid_and_line() {
    const PhaseDiagram d = compute_phase_diagram(Activation::tanh, std::nullopt, 40, 30);
    const ActivationFn tanh = ActivationFn::make(Activation::tanh);
    const PhaseRanges ranges = default_phase_ranges(tanh);
    QCOMPARE(d.grid.ranges.sigma_w2.lo, ranges.sigma_w2.lo);
    QCOMPARE(d.grid.ranges.sigma_w2.hi, ranges.sigma_w2.hi);
    QCOMPARE(d.grid.nx, 40);
    QCOMPARE(d.grid.ny, 30);
    QVERIFY(d.grid.log_chi1 == phase_grid(tanh, ranges, 40, 30).log_chi1);
    QCOMPARE(static_cast<int>(d.line_sigma_b2.size()), kCriticalLinePoints);
    QCOMPARE(d.line_sigma_b2.front(), 0.0);
    QCOMPARE(d.line_sigma_b2.back(), ranges.sigma_b2.hi);
    QVERIFY(d.line_sigma_w2 == critical_line(tanh, d.line_sigma_b2));
    QVERIFY_THROWS_EXCEPTION(InputError, compute_phase_diagram(Activation::relu, {}, 0, 10));
  }

  void relu_edge_is_two() {
    PhaseView view;
    const auto d = diagram_of(Activation::relu);
    view.setDiagram(d);
    QCustomPlot& plot = *plot_of(view);

    // relu: χ₁ = σ_w²·E[relu′²] = σ_w²/2 whatever σ_b², so the line is σ_w² = 2 from (2, 0) up.
    auto* line = plottable_named<QCPCurve>(plot, "critical_line");
    QVERIFY(line != nullptr);
    QCOMPARE(line->data()->size(), kCriticalLinePoints);
    const auto first = line->data()->constBegin();
    QCOMPARE(first->value, 0.0);
    QVERIFY(std::abs(first->key - 2) <= 1e-12);
    double previous = -1;
    for (auto it = line->data()->constBegin(); it != line->data()->constEnd(); ++it) {
      QVERIFY2(std::abs(it->key - 2) <= 1e-12, qPrintable(QString::number(it->key, 'g', 17)));
      QVERIFY(it->value > previous);
      previous = it->value;
    }
    QCOMPARE(previous, d->grid.ranges.sigma_b2.hi);

    // The map holds phase_grid's values, computed here again, at the grid's cell centres; and
    // for relu they are ln(σ_w²/2) exactly (to rounding), negative left of 2, positive right.
    QCPColorMap* map = color_map(plot);
    QVERIFY(map != nullptr);
    const ActivationFn relu = ActivationFn::make(Activation::relu);
    const PhaseGrid grid = phase_grid(relu, default_phase_ranges(relu), 160, 120);
    QCOMPARE(map->data()->keySize(), 160);
    QCOMPARE(map->data()->valueSize(), 120);
    QCOMPARE(map->data()->keyRange().lower, grid.sigma_w2(0));
    QCOMPARE(map->data()->keyRange().upper, grid.sigma_w2(159));
    QCOMPARE(map->data()->valueRange().lower, grid.sigma_b2(0));
    QCOMPARE(map->data()->valueRange().upper, grid.sigma_b2(119));
    for (const auto& [i, j] : {std::pair{0, 0}, {68, 0}, {69, 0}, {159, 0}, {17, 61}, {101, 119}}) {
      QCOMPARE(map->data()->cell(i, j), grid.at(i, j));
    }
    for (int j = 0; j < 120; j += 7) {
      for (int i = 0; i < 160; ++i) {
        const double cell = map->data()->cell(i, j);
        const double sw2 = grid.sigma_w2(i);
        QVERIFY(std::abs(cell - std::log(sw2 / 2)) <= 1e-15);
        QCOMPARE(cell < 0, sw2 < 2);
      }
    }
    // Symmetric about 0, so the line χ₁ = 1 is the gradient's neutral middle.
    QCOMPARE(map->dataRange().lower, -map->dataRange().upper);
    QVERIFY(map->dataRange().upper >= 0.1 && map->dataRange().upper <= 2.0);
    QVERIFY(map->colorScale() != nullptr);
    QCOMPARE(map->colorScale()->label(), QString("ln χ₁"));
  }

  void tanh_edge_starts_at_one() {
    PhaseView view;
    const auto d = diagram_of(Activation::tanh);
    view.setDiagram(d);
    auto* line = plottable_named<QCPCurve>(*plot_of(view), "critical_line");
    QVERIFY(line != nullptr);
    QCOMPARE(line->data()->size(), kCriticalLinePoints);
    // tanh′(0) = 1: χ₁ = σ_w² while q* = 0, so the line starts at exactly σ_w² = 1 (core).
    QCOMPARE(line->data()->constBegin()->value, 0.0);
    QVERIFY(std::abs(line->data()->constBegin()->key - 1) <= 1e-6);
    // The map's cells are the grid's, row j at σ_b²(j) (not flipped): checked against core's chi1
    // at the cell centres, where ln χ₁ varies with both coordinates.
    QCPColorMap* map = color_map(*plot_of(view));
    const ActivationFn tanh = ActivationFn::make(Activation::tanh);
    for (const auto& [i, j] : {std::pair{5, 3}, {40, 100}, {120, 10}, {150, 115}}) {
      const double want = std::log(chi1(tanh, d->grid.sigma_w2(i), d->grid.sigma_b2(j)));
      QVERIFY(std::abs(map->data()->cell(i, j) - want) <= 1e-12);
      double x = 0, y = 0;
      map->data()->cellToCoord(i, j, &x, &y);
      QVERIFY(std::abs(x - d->grid.sigma_w2(i)) <= 1e-12 &&
              std::abs(y - d->grid.sigma_b2(j)) <= 1e-12);
    }
    double previous = 0;
    for (auto it = line->data()->constBegin(); it != line->data()->constEnd(); ++it) {
      QVERIFY(it->key > previous);  // more bias needs more weight variance to be chaotic
      previous = it->key;
      // The 13th point is σ_b² = 0.05, where mpmath puts the line at 1.76095463960673914.
      if (it->value == 0.05) QVERIFY(std::abs(it->key - 1.7609546396067391473) <= 1e-12);
    }
  }

  void region_labels_data() {
    QTest::addColumn<Activation>("activation");
    QTest::addRow("relu") << Activation::relu;
    QTest::addRow("tanh") << Activation::tanh;
    QTest::addRow("sigmoid") << Activation::sigmoid;
  }
  void region_labels() {
    QFETCH(Activation, activation);
    PhaseView view;
    const auto d = diagram_of(activation);
    view.setDiagram(d);
    show_at_dock_size(view);
    QCustomPlot& plot = *plot_of(view);
    auto* ordered = item_named<QCPItemText>(plot, "ordered");
    auto* chaotic = item_named<QCPItemText>(plot, "chaotic");
    QVERIFY(ordered && chaotic);
    QVERIFY(ordered->visible() && chaotic->visible());
    QVERIFY(ordered->text().startsWith("ordered"));
    QVERIFY(chaotic->text().startsWith("chaotic"));
    const QPointF o = ordered->position->coords();
    const QPointF c = chaotic->position->coords();
    QVERIFY2(cell_at(d->grid, o.x(), o.y()) < 0, qPrintable(QString::number(o.x())));
    QVERIFY2(cell_at(d->grid, c.x(), c.y()) > 0, qPrintable(QString::number(c.x())));
    // At dock size each box lies wholly on its own side of the line and inside the plot area.
    const QRectF area = plot.axisRect()->rect();
    const double edge = plot.xAxis->coordToPixel(
        critical_line(ActivationFn::make(activation), {(o.y() + c.y()) / 2}).front());
    const QRectF o_box(ordered->topLeft->pixelPosition(), ordered->bottomRight->pixelPosition());
    const QRectF c_box(chaotic->topLeft->pixelPosition(), chaotic->bottomRight->pixelPosition());
    QVERIFY(area.contains(o_box) && area.contains(c_box));
    QVERIFY(o_box.right() < edge && c_box.left() > edge);

    // A current setting where a label was: the label moves off the marker, still on its side.
    for (QCPItemText* label : {ordered, chaotic}) {
      const QPointF at = label->position->coords();
      view.setCurrent(at);
      plot.replot();
      const QPointF moved = label->position->coords();
      QVERIFY(moved != at);
      QCOMPARE(cell_at(d->grid, moved.x(), moved.y()) < 0, label == ordered);
      const QRectF box(label->topLeft->pixelPosition(), label->bottomRight->pixelPosition());
      const QPointF ring =
          item_named<QCPItemTracer>(plot, "current_marker")->position->pixelPosition();
      QVERIFY(!box.adjusted(-8, -8, 8, 8).contains(ring));
    }
  }

  void readout_matches_core_data() {
    QTest::addColumn<Activation>("activation");
    QTest::addColumn<double>("sw2");
    QTest::addColumn<double>("sb2");
    QTest::addColumn<QString>("chi");  // χ₁ to 3 decimals
    QTest::addColumn<QString>("xi");   // ξ to 4 significant digits
    QTest::addColumn<QString>("phase");
    // relu at 2: χ₁ = 2·½ = 1 exactly, ξ = 1/|ln 1| = ∞.
    QTest::addRow("relu critical") << Activation::relu << 2.0 << 0.0 << "1.000"
                                   << "∞"
                                   << "critical";
    // tanh at 0.5, 0: q* = 0, χ₁ = 0.5·tanh′(0)² = 0.5, ξ = 1/ln 2 = 1.4427.
    QTest::addRow("tanh ordered") << Activation::tanh << 0.5 << 0.0 << "0.500"
                                  << "1.443"
                                  << "ordered";
    // tanh at 1.5, 0.05: χ₁ = 0.938636…, ξ = 15.790994… (mpmath, tests/core/theory/tst_phase.cpp).
    QTest::addRow("tanh near edge") << Activation::tanh << 1.5 << 0.05 << "0.939"
                                    << "15.79"
                                    << "ordered";
    // relu at 3: χ₁ = 1.5, ξ = 1/ln 1.5 = 2.4663.
    QTest::addRow("relu chaotic") << Activation::relu << 3.0 << 0.1 << "1.500"
                                  << "2.466"
                                  << "chaotic";
  }
  void readout_matches_core() {
    QFETCH(Activation, activation);
    QFETCH(double, sw2);
    QFETCH(double, sb2);
    QFETCH(QString, chi);
    QFETCH(QString, xi);
    QFETCH(QString, phase);
    // The expected strings above come from the closed forms; core must agree with them.
    const ActivationFn phi = ActivationFn::make(activation);
    const double core_chi = chi1(phi, sw2, sb2);
    QCOMPARE(QString::number(core_chi, 'f', 3), chi);
    const double core_xi = depth_scale(core_chi);
    QCOMPARE(std::isinf(core_xi) ? QString("∞") : QString::number(core_xi, 'g', 4), xi);

    PhaseView view;
    view.setDiagram(diagram_of(activation));
    view.setCurrent(QPointF(sw2, sb2));
    auto* marker = plottable_named<QCPGraph>(*plot_of(view), "current");
    QVERIFY(marker != nullptr);
    QCOMPARE(marker->data()->size(), 1);
    QCOMPARE(marker->data()->constBegin()->key, sw2);
    QCOMPARE(marker->data()->constBegin()->value, sb2);
    auto* ring = item_named<QCPItemTracer>(*plot_of(view), "current_marker");
    QVERIFY(ring->visible());
    QCOMPARE(ring->position->coords(), QPointF(sw2, sb2));
    QVERIFY(!item_named<QCPItemLine>(*plot_of(view), "current_arrow")->visible());
    const QString text = label_named(view, "phase_readout")->text();
    QVERIFY2(text.contains(QString("χ₁ = %1").arg(chi)), qPrintable(text));
    QVERIFY2(text.contains(QString("ξ = %1").arg(xi)), qPrintable(text));
    QVERIFY2(text.contains(phase), qPrintable(text));
    QVERIFY2(text.contains(QString("σ_w² = %1, σ_b² = %2").arg(sw2, 0, 'f', 3).arg(sb2, 0, 'f', 3)),
             qPrintable(text));
  }

  // relu + kaiming over fan_in 256: the run's σ_w² = 256·(√2/16)² is 2 up to rounding, χ₁ is 1 to
  // within 1e-15 and ξ about 10¹⁵: critical, not "chaotic, ξ > 10⁶".
  void rounding_off_the_critical_point_reads_critical() {
    const double sw2 = std::nextafter(2.0, 3.0);
    const double chi = chi1(ActivationFn::make(Activation::relu), sw2, 0.0);
    QVERIFY(chi > 1 && depth_scale(chi) > 1e6 && std::isfinite(depth_scale(chi)));
    PhaseView view;
    view.setDiagram(diagram_of(Activation::relu));
    view.setCurrent(QPointF(sw2, 0.0));
    const QString text = label_named(view, "phase_readout")->text();
    QVERIFY2(text.contains("critical: ξ > 10⁶"), qPrintable(text));
    QVERIFY2(!text.contains("chaotic"), qPrintable(text));
  }

  void current_off_chart_and_none() {
    PhaseView view;
    view.setDiagram(diagram_of(Activation::relu));  // σ_w² over [0.5, 4], σ_b² over [0, 0.25]
    QCustomPlot& plot = *plot_of(view);
    auto* marker = plottable_named<QCPGraph>(plot, "current");
    auto* ring = item_named<QCPItemTracer>(plot, "current_marker");
    auto* arrow = item_named<QCPItemLine>(plot, "current_arrow");
    view.setCurrent(QPointF(9.0, 0.1));
    show_at_dock_size(view);
    QCOMPARE(marker->data()->size(), 1);
    QCOMPARE(marker->data()->constBegin()->key, 4.0);  // on the right edge
    QCOMPARE(marker->data()->constBegin()->value, 0.1);
    QCOMPARE(ring->position->coords(), QPointF(4.0, 0.1));
    // The arrow lies inside the plot area, level with the marker, and points right, off the chart.
    QVERIFY(arrow->visible());
    const QPointF from = arrow->start->pixelPosition(), to = arrow->end->pixelPosition();
    QVERIFY(from.x() < to.x() && to.x() < ring->position->pixelPosition().x());
    QCOMPARE(from.y(), to.y());
    QVERIFY(plot.axisRect()->rect().contains(from.toPoint()));
    const QString off = label_named(view, "phase_readout")->text();
    QVERIFY2(off.contains("off the chart") && off.contains("χ₁ = 4.500"), qPrintable(off));

    view.setCurrent(std::nullopt, "no hidden layer to map");
    QCOMPARE(marker->data()->size(), 0);
    QVERIFY(!ring->visible());
    QVERIFY(!arrow->visible());
    QCOMPARE(label_named(view, "phase_readout")->text(), QString("no hidden layer to map"));
  }

  void click_picks_the_point() {
    PhaseView view;
    view.setDiagram(diagram_of(Activation::tanh));
    show_at_dock_size(view);
    QCustomPlot& plot = *plot_of(view);
    QSignalSpy spy(&view, &PhaseView::picked);
    // One pixel's worth of each coordinate.
    const double dx = plot.xAxis->range().size() / plot.axisRect()->width();
    const double dy = plot.yAxis->range().size() / plot.axisRect()->height();
    for (const auto& [x, y] : {std::pair{1.5, 0.1}, {3.2, 0.02}, {0.9, 0.22}}) {
      QTest::mouseClick(&plot, Qt::LeftButton, {}, pixel_of(plot, x, y));
      QCOMPARE(spy.count(), 1);
      const QList<QVariant> args = spy.takeFirst();
      QVERIFY(std::abs(args[0].toDouble() - x) <= dx);
      QVERIFY(std::abs(args[1].toDouble() - y) <= dy);
    }
    // The lower left corner pixel: clamped into the ranges, σ_b² ≥ 0.
    const QRect area = plot.axisRect()->rect();
    QTest::mouseClick(&plot, Qt::LeftButton, {}, area.bottomLeft());
    QCOMPARE(spy.count(), 1);
    const QList<QVariant> corner = spy.takeFirst();
    QVERIFY(corner[0].toDouble() >= 0.5 && corner[0].toDouble() <= 0.5 + dx);
    QVERIFY(corner[1].toDouble() >= 0.0 && corner[1].toDouble() <= dy);
    // Outside the plot area: the title, the color scale, the x-axis labels; a right click.
    QTest::mouseClick(&plot, Qt::LeftButton, {}, QPoint(area.center().x(), 4));
    QTest::mouseClick(&plot, Qt::LeftButton, {}, QPoint(area.right() + 30, area.center().y()));
    QTest::mouseClick(&plot, Qt::LeftButton, {}, QPoint(area.center().x(), area.bottom() + 12));
    QTest::mouseClick(&plot, Qt::RightButton, {}, area.center());
    QCOMPARE(spy.count(), 0);
  }

  void hover_reads_out_the_cursor() {
    PhaseView view;
    view.setDiagram(diagram_of(Activation::tanh));
    view.setCurrent(QPointF(1.5, 0.05));
    show_at_dock_size(view);
    QCustomPlot& plot = *plot_of(view);
    const QPoint at = pixel_of(plot, 3.0, 0.15);
    QMouseEvent move(QEvent::MouseMove, QPointF(at), plot.mapToGlobal(QPointF(at)), Qt::NoButton,
                     Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(&plot, &move);
    const double x = plot.xAxis->pixelToCoord(at.x());
    const double y = plot.yAxis->pixelToCoord(at.y());
    const double chi = chi1(ActivationFn::make(Activation::tanh), x, y);
    const QString text = label_named(view, "phase_readout")->text();
    QVERIFY2(text.startsWith("Cursor") && text.contains(QString("χ₁ = %1").arg(chi, 0, 'f', 3)) &&
                 text.contains(QString("ξ = %1").arg(depth_scale(chi), 0, 'g', 4)),
             qPrintable(text));
    // Leaving the plot brings the current setting back.
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(&plot, &leave);
    QVERIFY(label_named(view, "phase_readout")->text().startsWith("Current: σ_w² = 1.500"));
  }

  void unavailable_then_back() {
    PhaseView view;
    show_at_dock_size(view);
    QVERIFY(label_named(view, "phase_unavailable")->isVisible());  // no diagram yet
    QVERIFY(!plot_of(view)->isVisible());
    const auto d = diagram_of(Activation::relu);
    view.setDiagram(d);
    QVERIFY(plot_of(view)->isVisible());
    QVERIFY(!label_named(view, "phase_unavailable")->isVisible());

    const QString reason = "The mean field describes fully connected layers without batch norm.";
    view.setUnavailable(reason);
    QVERIFY(label_named(view, "phase_unavailable")->isVisible());
    QCOMPARE(label_named(view, "phase_unavailable")->text(), reason);
    QVERIFY(!plot_of(view)->isVisible());
    QVERIFY(!label_named(view, "phase_readout")->isVisible());
    QSignalSpy spy(&view, &PhaseView::picked);
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.rect().center());
    QCOMPARE(spy.count(), 0);

    view.setDiagram(d);
    QVERIFY(plot_of(view)->isVisible());
    QVERIFY(label_named(view, "phase_readout")->isVisible());
    QVERIFY(!label_named(view, "phase_unavailable")->isVisible());
  }

  void renders_in_every_theme_data() {
    QTest::addColumn<ThemeName>("theme");
    QTest::addRow("light") << ThemeName::light;
    QTest::addRow("dark") << ThemeName::dark;
    QTest::addRow("slides") << ThemeName::slides;
  }
  void renders_in_every_theme() {
    // Looked at by eye while developing (INITSCOPE_SAVE_PNG=1 writes /tmp/phase_*.png); checked
    // here: the parts keep their size at a dock's size.
    QFETCH(ThemeName, theme);
    // Slides' 16 pt type goes with a projector's large window: a wider dock.
    const QSize size = theme == ThemeName::slides ? QSize(600, 560) : QSize(480, 420);
    // The last two: a setting off the chart (up and to the right), a parameter in the title.
    const struct {
      const char* tag;
      Activation activation;
      std::optional<double> param;
      QPointF current;
    } cases[] = {{"relu", Activation::relu, {}, {2.0, 0.0}},
                 {"tanh", Activation::tanh, {}, {1.5, 0.05}},
                 {"sigmoid_off_chart", Activation::sigmoid, {}, {260.0, 0.4}},
                 {"leaky_relu", Activation::leaky_relu, 0.2, {1.0, 0.1}}};
    for (const auto& c : cases) {
      PhaseView view;
      view.setTheme(Theme::make(theme));
      view.setDiagram(
          std::make_shared<const PhaseDiagram>(compute_phase_diagram(c.activation, c.param)));
      view.setCurrent(c.current);
      show_at_dock_size(view, size);
      QCustomPlot& plot = *plot_of(view);
      // Nothing squeezed: each legend entry and the title at their full width, the color bar at
      // its own (QCP shrinks every column when the minimum widths do not fit).
      QCOMPARE(plot.legend->itemCount(), 2);
      for (int i = 0; i < plot.legend->itemCount(); ++i) {
        QCPAbstractLegendItem* entry = plot.legend->item(i);
        QVERIFY2(entry->outerRect().width() >= entry->minimumOuterSizeHint().width(),
                 qPrintable(entry->objectName()));
      }
      auto* title = qobject_cast<QCPTextElement*>(plot.plotLayout()->element(0, 0));
      QVERIFY(title != nullptr &&
              title->outerRect().width() >=
                  static_cast<QCPLayoutElement*>(title)->minimumOuterSizeHint().width());
      auto* scale = plot.findChild<QCPColorScale*>();
      QCOMPARE(scale->axis()->axisRect()->rect().width(), scale->barWidth());
      QVERIFY(plot.axisRect()->width() >= 240);
      QVERIFY(plot.axisRect()->height() >= 160);
      const QPixmap pixmap = view.grab();
      QCOMPARE(pixmap.size(), size);
      if (qEnvironmentVariableIsSet("INITSCOPE_SAVE_PNG")) {
        QVERIFY(pixmap.save(
            QString("/tmp/phase_%1_%2.png")
                .arg(QString::fromLatin1(c.tag), QString::fromUtf8(name_of(theme).data()))));
      }
    }
  }
};

QTEST_MAIN(TestPhaseView)
#include "tst_phase_view.moc"
