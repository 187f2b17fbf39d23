#include "ui/theory_card.h"

#include <QLabel>
#include <QWidget>

namespace initscope::ui {
namespace {

QLabel* make_text(QWidget* parent, const char* name) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(name));
  label->setWordWrap(true);
  label->setTextFormat(Qt::PlainText);
  return label;
}

}  // namespace

QLabel* make_readout(QWidget* parent, const char* name) {
  QLabel* label = make_text(parent, name);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QLabel* make_message(QWidget* parent, const char* name, int margin) {
  QLabel* label = make_text(parent, name);
  label->setAlignment(Qt::AlignCenter);
  label->setMargin(margin);
  return label;
}

void style_card(QWidget& card, const Theme& theme, std::initializer_list<QLabel*> labels,
                double points) {
  QPalette palette = card.palette();
  palette.setColor(QPalette::Window, theme.background);
  palette.setColor(QPalette::WindowText, theme.foreground);
  card.setPalette(palette);
  card.setAutoFillBackground(true);
  QFont font = card.font();
  font.setPointSizeF(points);
  for (QLabel* label : labels) label->setFont(font);
}

}  // namespace initscope::ui
