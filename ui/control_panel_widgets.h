#pragma once

// Small widgets and helpers of the control panel: a number box that shows values as they are
// written in a config file (0.01, 1e-05) instead of a fixed count of decimals, a seed box that
// holds the whole 64-bit range of Config::seed, the logarithmic slider scales, and combo boxes
// filled from core's name tables.

#include <cstdint>
#include <vector>

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QString>

#include "core/names.h"

class QFormLayout;
class QGroupBox;
class QLabel;
class QSlider;
class QWidget;

namespace initscope::ui {

/// A QDoubleSpinBox that shows up to 6 significant digits in the shortest form ("0.01", "1e-05")
/// and accepts scientific notation when typed. With log steps, the arrow keys multiply or divide
/// by 10 (for eps, where a linear step means nothing).
class NumberSpinBox : public QDoubleSpinBox {
  Q_OBJECT

 public:
  explicit NumberSpinBox(QWidget* parent = nullptr);

  void setLogSteps(bool log_steps) { log_steps_ = log_steps; }

  QString textFromValue(double value) const override;
  double valueFromText(const QString& text) const override;
  QValidator::State validate(QString& text, int& pos) const override;
  void stepBy(int steps) override;

 private:
  bool log_steps_ = false;
};

/// A QSpinBox that holds odd values only (a conv kernel: padding kernel/2 keeps the image size only
/// for an odd kernel). The arrows step by 2; a typed even number is not accepted, and focus out
/// restores the last odd value.
class OddSpinBox : public QSpinBox {
  Q_OBJECT

 public:
  explicit OddSpinBox(QWidget* parent = nullptr);

  QValidator::State validate(QString& text, int& pos) const override;
};

/// A spin box over the whole range of Config::seed (0 … 2⁶⁴ − 1), which QSpinBox's int cannot
/// hold. valueChanged is emitted on an arrow step and when an edit is finished (Enter, focus out).
class SeedSpinBox : public QAbstractSpinBox {
  Q_OBJECT

 public:
  explicit SeedSpinBox(QWidget* parent = nullptr);

  quint64 value() const { return value_; }
  void setValue(quint64 value);

  void stepBy(int steps) override;
  QValidator::State validate(QString& text, int& pos) const override;
  void fixup(QString& text) const override;
  QSize sizeHint() const override;

 signals:
  void valueChanged(quint64 value);

 protected:
  StepEnabled stepEnabled() const override;

 private:
  void commit();

  quint64 value_ = 0;
};

/// A slider position 0…kLogSteps mapped to [low, high] logarithmically.
struct LogScale {
  static constexpr int kLogSteps = 1000;
  double low = 1.0;
  double high = 10.0;

  double value(int position) const;
  /// The nearest position, clamped to the slider's range.
  int position(double value) const;
};

/// Rounds to `digits` significant digits (a slider's value, so that a config saved after dragging
/// reads 1.23, not 1.2302687708123812).
double round_significant(double value, int digits);

/// The divisors of n in increasing order (n ≥ 1): the group counts GroupNorm accepts.
std::vector<std::int64_t> divisors(std::int64_t n);

/// The largest divisor of n not above `want` (at least 1).
std::int64_t nearest_divisor_below(std::int64_t n, std::int64_t want);

/// Makes the wheel change this spin box, combo box or slider only once it has the focus (a click or
/// Tab gives it): unfocused, the wheel scrolls the panel's scroll area instead of editing whatever
/// control passes under the pointer.
void wheel_only_when_focused(QWidget* control);

// Building the form: each control gets its objectName (how tests and lessons find it) and its
// tooltip.

/// A combo box that long item names do not widen.
QComboBox* make_combo(const char* name, const QString& tip);
/// A NumberSpinBox over [low, high].
NumberSpinBox* make_number(const char* name, double low, double high, double step,
                           const QString& tip);
/// A QSpinBox over [low, high] that commits on Enter or focus out, not at each digit.
QSpinBox* make_count(const char* name, std::int64_t low, std::int64_t high, const QString& tip);
/// make_count for odd values, stepping by 2.
OddSpinBox* make_odd_count(const char* name, std::int64_t low, std::int64_t high,
                           const QString& tip);
/// A horizontal slider over the positions of LogScale.
QSlider* make_log_slider(const char* name, const QString& tip);
/// Two widgets side by side in one form field; the first keeps its size, the second stretches.
QWidget* make_pair(QWidget* first, QWidget* second);
/// A word-wrapped, slightly smaller label for notes under a control.
QLabel* make_note(const char* name);
/// A form whose fields fill the group box's width.
QFormLayout* make_form(QGroupBox* box);
QGroupBox* make_group(const char* name, const QString& title);

/// Shows or hides a form row: the field and its label.
void set_row_visible(QFormLayout* form, QWidget* field, bool visible);

/// Sets a spin box's value, first widening its range if the value lies outside (a config file may
/// hold values the controls' usual range leaves out; they are shown, not clamped).
void show_value(QDoubleSpinBox* box, double value);

/// Fills a combo with the canonical names of E, in table order, each with the enum's integer value
/// as item data; `keep` filters.
template <typename E, typename Keep>
void fill_enum_combo(QComboBox* combo, Keep keep) {
  for (std::string_view name : canonical_names<E>()) {
    const E value = *find_by_name<E>(name);
    if (!keep(value)) continue;
    combo->addItem(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())),
                   static_cast<int>(value));
  }
}

template <typename E>
void fill_enum_combo(QComboBox* combo) {
  fill_enum_combo<E>(combo, [](E) { return true; });
}

/// The enum value of the current item (the combo is filled by fill_enum_combo).
template <typename E>
E current_enum(const QComboBox* combo) {
  return static_cast<E>(combo->currentData().toInt());
}

}  // namespace initscope::ui
