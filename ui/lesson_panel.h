#pragma once

// Teaching: the built-in lessons (Qt resources under :/lessons) and the panel that shows one —
// its summary and what to observe, then its question, with the answer revealed on request.

#include <vector>

#include <QString>
#include <QWidget>

#include "core/lesson.h"

class QLabel;
class QPushButton;

namespace initscope::ui {

struct BuiltinLesson {
  QString path;  // ":/lessons/03_sigmoid_vanishing.json"
  Lesson lesson;
};

/// Every built-in lesson, in file-name order (the files are numbered in teaching order).
/// A lesson that does not parse is left out and its message added to `problems`.
std::vector<BuiltinLesson> builtin_lessons(QStringList* problems = nullptr);

class LessonPanel : public QWidget {
  Q_OBJECT

 public:
  explicit LessonPanel(QWidget* parent = nullptr);

  /// Shows the lesson with its answer hidden.
  void showLesson(const Lesson& lesson);
  bool answerShown() const;

 signals:
  /// "Load the experiment again" after the user changed it.
  void reloadRequested();

 private:
  QLabel* title_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* observe_ = nullptr;
  QLabel* question_ = nullptr;
  QLabel* answer_ = nullptr;
  QPushButton* reveal_ = nullptr;
};

}  // namespace initscope::ui
