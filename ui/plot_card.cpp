#include "ui/plot_card.h"
#include "ui/text.h"

#include "ui/export_dialog.h"

#include <qcustomplot.h>
#include <QContextMenuEvent>
#include <QHBoxLayout>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

namespace initscope::ui {

PlotCard::PlotCard(PlotKind kind, QWidget* parent) : QFrame(parent), kind_(kind) {
  setFrameShape(QFrame::StyledPanel);
  setObjectName(to_qstring(name_of(kind)));
  // The plot draws its own title (exports need it), so the row holds only the plot's controls.
  setAccessibleName(plot_title(kind));
  controls_ = new QHBoxLayout;
  controls_->setContentsMargins(0, 0, 0, 0);
  enlarge_ = new QToolButton(this);
  enlarge_->setCheckable(true);
  enlarge_->setAutoRaise(true);
  enlarge_->setText(QStringLiteral("⤢"));
  enlarge_->setToolTip(tr("Enlarge this plot (double-click the title row; Esc restores)"));
  connect(enlarge_, &QToolButton::toggled, this, &PlotCard::enlargeToggled);

  auto* header = new QHBoxLayout;
  header->setContentsMargins(6, 2, 2, 0);
  header->addStretch();
  header->addLayout(controls_);
  header->addWidget(enlarge_);

  plot_ = new QCustomPlot(this);
  plot_->setObjectName(objectName() + QStringLiteral("_plot"));
  plot_->setMinimumSize(260, 180);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->setSpacing(0);
  layout->addLayout(header);
  layout->addWidget(plot_, 1);
}

void PlotCard::setEnlarged(bool enlarged) {
  const QSignalBlocker blocker(enlarge_);
  enlarge_->setChecked(enlarged);
}

void PlotCard::contextMenuEvent(QContextMenuEvent* event) {
  QMenu menu(this);
  menu.addAction(tr("Copy Image"), this, [this] { copy_plot_to_clipboard(*plot_); });
  menu.addAction(enlarge_->isChecked() ? tr("Show All Plots") : tr("Enlarge"), enlarge_,
                 &QToolButton::toggle);
  menu.exec(event->globalPos());
}

void PlotCard::mouseDoubleClickEvent(QMouseEvent* event) {
  enlarge_->toggle();
  QFrame::mouseDoubleClickEvent(event);
}

}  // namespace initscope::ui
