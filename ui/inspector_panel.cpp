#include "ui/inspector_panel.h"

#include <cmath>
#include <utility>

#include <QAbstractTextDocumentLayout>
#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTextEdit>
#include <QTimer>
#include <QVBoxLayout>

#include "core/io/format.h"

namespace initscope::ui {
namespace {

// Okabe & Ito (2008) vermillion: the palette's warning color, readable on light and dark.
constexpr const char* kPitfallColor = "#D55E00";

// The header declares no members, so the panel finds its parts by objectName, the same names the
// tests use.
template <typename T>
T* part(const QWidget* panel, const char* name) {
  return panel->findChild<T*>(QString::fromLatin1(name));
}

QString number(double x) {
  return QString::fromStdString(format_number(x));
}

// A read-only, selectable monospace box that grows to its wrapped text, so that the panel, not the
// box, scrolls: code is read whole, without a second scroll bar in a narrow dock.
QTextEdit* code_box(const char* name, QWidget* parent) {
  auto* box = new QTextEdit(parent);
  box->setObjectName(QString::fromLatin1(name));
  box->setReadOnly(true);
  box->setAcceptRichText(false);
  // A point smaller than the text, so that a typical call's longest unbreakable run (about 46
  // characters) fits a ~340 px dock instead of breaking mid-number.
  QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  const double points = parent->font().pointSizeF();  // -1 for a font set in pixels
  if (points > 7) font.setPointSizeF(points - 1);
  box->setFont(font);
  box->setLineWrapMode(QTextEdit::WidgetWidth);
  box->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
  box->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  box->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  box->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  box->document()->setDocumentMargin(4);
  QObject::connect(box->document()->documentLayout(),
                   &QAbstractTextDocumentLayout::documentSizeChanged, box, [box](QSizeF size) {
                     const int frame = 2 * box->frameWidth();
                     box->setFixedHeight(static_cast<int>(std::ceil(size.height())) + frame);
                   });
  return box;
}

QLabel* value_label(const char* name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(name));
  label->setWordWrap(true);
  label->setTextFormat(Qt::PlainText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QLabel* heading(const QString& text, const char* name, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setObjectName(QString::fromLatin1(name));
  QFont font = label->font();
  font.setBold(true);
  label->setFont(font);
  return label;
}

// "576 = 64·3²" for a square kernel, "576 = 64·9" otherwise; the bare number without a kernel.
QString fan_text(std::int64_t fan, std::int64_t channels, const Fans& fans) {
  if (fans.receptive == 1) return QString::number(fan);
  const auto k = static_cast<std::int64_t>(std::llround(std::sqrt(fans.receptive)));
  const QString receptive = k * k == fans.receptive ? QString::number(k) + QStringLiteral("\u00b2")
                                                    : QString::number(fans.receptive);
  return QStringLiteral("%1 = %2\u00b7%3").arg(fan).arg(channels).arg(receptive);
}

QString shape_text(const Shape& shape) {
  QStringList dims;
  for (std::int64_t d : shape) dims << QString::number(d);
  return "[" + dims.join(", ") + "]";
}

// A hanging-indent bullet list: a two-column table keeps wrapped lines clear of the bullet, where
// <ul> would indent by 40 px, too much for a narrow dock.
QString bullet_list(const std::vector<std::string>& items) {
  QString html = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\" style=\"color:%1\">")
                     .arg(QLatin1String(kPitfallColor));
  for (const std::string& item : items) {
    html += QStringLiteral("<tr><td valign=\"top\">\u2022&nbsp;</td><td>%1</td></tr>")
                .arg(QString::fromStdString(item).toHtmlEscaped());
  }
  return html + "</table>";
}

}  // namespace

InspectorPanel::InspectorPanel(QWidget* parent) : QWidget(parent) {
  // The width the code boxes are laid out for (see code_box): a dock shown beside the plots would
  // otherwise get a sliver and cut the values.
  setMinimumWidth(320);
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);

  auto* problem = new QLabel(this);
  problem->setObjectName("problem");
  problem->setWordWrap(true);
  problem->setTextFormat(Qt::PlainText);
  problem->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  problem->setMargin(8);
  problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problem->hide();
  outer->addWidget(problem);

  auto* scroll = new QScrollArea(this);
  scroll->setObjectName("inspection");
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  outer->addWidget(scroll);

  auto* content = new QWidget(scroll);
  auto* column = new QVBoxLayout(content);
  column->setContentsMargins(8, 8, 8, 8);
  column->setSpacing(6);

  // A grid rather than a QFormLayout: the grid gives a wrapped value the height it needs at the
  // width it gets, where the form layout cut long values (the law, a gain's source) to one line.
  auto* grid = new QGridLayout;
  grid->setHorizontalSpacing(10);
  grid->setVerticalSpacing(4);
  grid->setColumnStretch(1, 1);
  const std::pair<QString, const char*> rows[] = {{tr("Layer"), "layer"},
                                                  {tr("Fans"), "fans"},
                                                  {tr("Receptive field"), "receptive_field"},
                                                  {tr("torch gain"), "torch_gain"},
                                                  {tr("Empirical gain"), "empirical_gain"},
                                                  {tr("Gain in use"), "gain_in_use"},
                                                  {tr("Law"), "law"}};
  for (const auto& [caption, name] : rows) {
    const int row = grid->rowCount();
    auto* label = new QLabel(caption, content);
    label->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(label, row, 0, Qt::AlignLeft | Qt::AlignTop);
    grid->addWidget(value_label(name, content), row, 1);
  }
  column->addLayout(grid);

  auto* torch_row = new QHBoxLayout;
  torch_row->addWidget(heading(tr("torch"), "torch_label", content));
  torch_row->addStretch();
  auto* copy = new QPushButton(tr("Copy"), content);
  copy->setObjectName("copy_code");
  copy->setToolTip(tr("Copy the torch code to the clipboard"));
  torch_row->addWidget(copy);
  column->addSpacing(4);
  column->addLayout(torch_row);
  column->addWidget(code_box("torch_code", content));

  column->addWidget(heading(tr("Keras"), "keras_label", content));
  column->addWidget(code_box("keras_code", content));

  column->addSpacing(4);
  column->addWidget(heading(tr("Pitfalls"), "pitfalls_label", content));
  auto* pitfalls = new QLabel(content);
  pitfalls->setObjectName("pitfalls");
  pitfalls->setWordWrap(true);
  pitfalls->setTextFormat(Qt::RichText);
  pitfalls->setTextInteractionFlags(Qt::TextSelectableByMouse);
  column->addWidget(pitfalls);
  column->addStretch();
  scroll->setWidget(content);

  connect(copy, &QPushButton::clicked, this, [this, copy] {
    QGuiApplication::clipboard()->setText(torchCode());
    copy->setText(tr("Copied"));
    QTimer::singleShot(1500, copy, [copy] { copy->setText(tr("Copy")); });
  });

  showProblem(tr("No inspection yet."));
}

void InspectorPanel::showInspection(const Inspection& inspection) {
  const Fans& fans = inspection.fans;
  const Shape& shape = inspection.shape;
  part<QLabel>(this, "layer")
      ->setText(tr("%1, W shape %2").arg(inspection.layer).arg(shape_text(shape)));
  part<QLabel>(this, "fans")
      ->setText(
          QStringLiteral("fan_in %1\nfan_out %2")
              .arg(fan_text(fans.fan_in, shape[1], fans), fan_text(fans.fan_out, shape[0], fans)));
  // torch's receptive field is the product of the dimensions after the first two: both fans
  // count each channel once per kernel position.
  QString receptive;
  if (shape.size() == 2) {
    receptive = tr("1: a Linear weight has no kernel");
  } else {
    QStringList sides;
    for (std::size_t d = 2; d < shape.size(); ++d) sides << QString::number(shape[d]);
    receptive = tr("%1 = %2 kernel positions, the factor in both fans")
                    .arg(fans.receptive)
                    .arg(sides.join(QStringLiteral(" \u00d7 ")));
  }
  part<QLabel>(this, "receptive_field")->setText(receptive);

  part<QLabel>(this, "torch_gain")
      ->setText(inspection.torch_gain
                    ? number(*inspection.torch_gain) + "\n" +
                          QString::fromStdString(inspection.torch_gain_call)
                    : tr("none: torch's calculate_gain has no entry for this activation"));
  part<QLabel>(this, "empirical_gain")->setText(number(inspection.empirical_gain));
  part<QLabel>(this, "gain_in_use")
      ->setText(inspection.gain_in_use
                    ? number(*inspection.gain_in_use) + "\n" +
                          tr("from %1").arg(QString::fromStdString(inspection.gain_source))
                    : tr("none: this scheme takes no gain"));
  part<QLabel>(this, "law")->setText(QString::fromStdString(inspection.law_text));

  part<QTextEdit>(this, "torch_code")->setPlainText(QString::fromStdString(inspection.torch_code));
  const bool keras = inspection.keras_code.has_value();
  part<QTextEdit>(this, "keras_code")
      ->setPlainText(keras ? QString::fromStdString(*inspection.keras_code) : QString());
  part<QTextEdit>(this, "keras_code")->setVisible(keras);
  part<QLabel>(this, "keras_label")->setVisible(keras);

  const bool any_pitfall = !inspection.pitfalls.empty();
  part<QLabel>(this, "pitfalls")->setText(any_pitfall ? bullet_list(inspection.pitfalls) : "");
  part<QLabel>(this, "pitfalls")->setVisible(any_pitfall);
  part<QLabel>(this, "pitfalls_label")->setVisible(any_pitfall);

  part<QPushButton>(this, "copy_code")->setEnabled(true);
  part<QLabel>(this, "problem")->hide();
  part<QScrollArea>(this, "inspection")->show();
}

void InspectorPanel::showProblem(const QString& message) {
  // The old code must not stay copyable: it belongs to a config that is no longer shown.
  part<QTextEdit>(this, "torch_code")->clear();
  part<QPushButton>(this, "copy_code")->setEnabled(false);
  part<QScrollArea>(this, "inspection")->hide();
  auto* problem = part<QLabel>(this, "problem");
  problem->setText(message);
  problem->show();
}

QString InspectorPanel::torchCode() const {
  return part<QTextEdit>(this, "torch_code")->toPlainText();
}

}  // namespace initscope::ui
