#include "ui/lesson_panel.h"

#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/error.h"

namespace initscope::ui {
namespace {

QLabel* text_label(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QString heading(const QString& text) {
  return QStringLiteral("<b>%1</b>").arg(text);
}

}  // namespace

std::vector<BuiltinLesson> builtin_lessons(QStringList* problems) {
  QStringList paths;
  QDirIterator it(QStringLiteral(":/lessons"), {QStringLiteral("*.json")}, QDir::Files);
  while (it.hasNext()) paths << it.next();
  paths.sort();
  std::vector<BuiltinLesson> lessons;
  for (const QString& path : paths) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) continue;
    const QByteArray text = file.readAll();
    try {
      lessons.push_back({path, parse_lesson(text.toStdString(), path.toStdString())});
    } catch (const InputError& e) {
      if (problems != nullptr) *problems << QString::fromUtf8(e.what());
    }
  }
  return lessons;
}

LessonPanel::LessonPanel(QWidget* parent) : QWidget(parent) {
  title_ = text_label(QStringLiteral("lesson_title"), this);
  QFont big = title_->font();
  big.setPointSizeF(big.pointSizeF() * 1.25);
  big.setBold(true);
  title_->setFont(big);
  summary_ = text_label(QStringLiteral("lesson_summary"), this);
  observe_ = text_label(QStringLiteral("lesson_observe"), this);
  question_ = text_label(QStringLiteral("lesson_question"), this);
  answer_ = text_label(QStringLiteral("lesson_answer"), this);
  reveal_ = new QPushButton(tr("Reveal the answer"), this);
  reveal_->setObjectName(QStringLiteral("reveal_answer"));
  reveal_->setToolTip(tr("Make a prediction first, then look"));
  connect(reveal_, &QPushButton::clicked, this, [this] {
    answer_->setVisible(true);
    reveal_->setVisible(false);
  });
  auto* reload = new QPushButton(tr("Load the lesson's experiment again"), this);
  reload->setObjectName(QStringLiteral("reload_lesson"));
  connect(reload, &QPushButton::clicked, this, &LessonPanel::reloadRequested);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addWidget(summary_);
  layout->addWidget(observe_);
  layout->addWidget(question_);
  layout->addWidget(reveal_, 0, Qt::AlignLeft);
  layout->addWidget(answer_);
  layout->addStretch(1);
  layout->addWidget(reload, 0, Qt::AlignLeft);
  showLesson({});
}

void LessonPanel::showLesson(const Lesson& lesson) {
  title_->setText(QString::fromStdString(lesson.title));
  summary_->setText(QString::fromStdString(lesson.summary));
  observe_->setText(heading(tr("Observe")) + "<br>" +
                    QString::fromStdString(lesson.observe).toHtmlEscaped());
  question_->setText(heading(tr("Predict first")) + "<br>" +
                     QString::fromStdString(lesson.question).toHtmlEscaped());
  answer_->setText(heading(tr("Answer")) + "<br>" +
                   QString::fromStdString(lesson.answer).toHtmlEscaped());
  answer_->setVisible(false);
  reveal_->setVisible(true);
  setEnabled(!lesson.title.empty());
}

bool LessonPanel::answerShown() const {
  return !answer_->isHidden();
}

}  // namespace initscope::ui
