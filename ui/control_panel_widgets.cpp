#include "ui/control_panel_widgets.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QEvent>
#include <QFontMetrics>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionSpinBox>

namespace initscope::ui {
namespace {

// The widget's locale without group separators: "1000", never "1,000", so that what is shown can
// be typed back.
QLocale number_locale(const QWidget* widget) {
  QLocale locale = widget->locale();
  locale.setNumberOptions(QLocale::OmitGroupSeparator);
  return locale;
}

// Stepping 0.1 three times gives 0.30000000000000004; 12 significant digits bring it back to 0.3
// and stay far finer than any step.
constexpr int kStepDigits = 12;

}  // namespace

// --- NumberSpinBox ------------------------------------------------------------------------------

OddSpinBox::OddSpinBox(QWidget* parent) : QSpinBox(parent) {
  setSingleStep(2);
}

QValidator::State OddSpinBox::validate(QString& text, int& pos) const {
  const QValidator::State state = QSpinBox::validate(text, pos);
  if (state != QValidator::Acceptable) return state;
  return valueFromText(text) % 2 != 0 ? QValidator::Acceptable : QValidator::Intermediate;
}

NumberSpinBox::NumberSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
  // QDoubleSpinBox rounds every value to decimals(); 17 keeps what is typed (1e-12 included). The
  // text shows 6 significant digits.
  setDecimals(17);
  setKeyboardTracking(false);
}

QString NumberSpinBox::textFromValue(double value) const {
  return number_locale(this).toString(value, 'g', 6);
}

double NumberSpinBox::valueFromText(const QString& text) const {
  const QString trimmed = text.trimmed();
  if (!specialValueText().isEmpty() && trimmed == specialValueText()) return minimum();
  bool ok = false;
  const double value = number_locale(this).toDouble(trimmed, &ok);
  return ok ? value : this->value();
}

QValidator::State NumberSpinBox::validate(QString& text, int& /*pos*/) const {
  const QString trimmed = text.trimmed();
  const QString special = specialValueText();
  if (!special.isEmpty() && trimmed == special) return QValidator::Acceptable;
  if (trimmed.isEmpty()) return QValidator::Intermediate;
  if (!special.isEmpty() && special.startsWith(trimmed, Qt::CaseInsensitive)) {
    return QValidator::Intermediate;
  }
  bool ok = false;
  const double value = number_locale(this).toDouble(trimmed, &ok);
  if (ok) {
    return value >= minimum() && value <= maximum() ? QValidator::Acceptable
                                                    : QValidator::Intermediate;
  }
  // A number being typed: "-", "0.", "1e", "1e-".
  static const QRegularExpression partial(QStringLiteral(R"(^[+-]?\d*[.,]?\d*([eE][+-]?\d*)?$)"));
  return partial.match(trimmed).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

void NumberSpinBox::stepBy(int steps) {
  double next = value() + steps * singleStep();
  if (log_steps_ && value() > 0) next = value() * std::pow(10.0, steps);
  setValue(std::clamp(round_significant(next, kStepDigits), minimum(), maximum()));
  selectAll();
}

// --- SeedSpinBox --------------------------------------------------------------------------------

SeedSpinBox::SeedSpinBox(QWidget* parent) : QAbstractSpinBox(parent) {
  setKeyboardTracking(false);
  lineEdit()->setText(QStringLiteral("0"));
  connect(this, &QAbstractSpinBox::editingFinished, this, &SeedSpinBox::commit);
}

void SeedSpinBox::setValue(quint64 value) {
  value_ = value;
  lineEdit()->setText(QString::number(value));
}

void SeedSpinBox::commit() {
  bool ok = false;
  const quint64 typed = lineEdit()->text().toULongLong(&ok);
  if (!ok) {
    setValue(value_);
    return;
  }
  if (typed == value_) return;
  setValue(typed);
  emit valueChanged(typed);
}

void SeedSpinBox::stepBy(int steps) {
  commit();
  constexpr quint64 kMax = std::numeric_limits<quint64>::max();
  const auto step = static_cast<quint64>(std::abs(static_cast<qint64>(steps)));
  quint64 next = value_;
  if (steps > 0) next = kMax - value_ < step ? kMax : value_ + step;
  if (steps < 0) next = value_ < step ? 0 : value_ - step;
  if (next == value_) return;
  setValue(next);
  emit valueChanged(next);
}

QValidator::State SeedSpinBox::validate(QString& text, int& /*pos*/) const {
  if (text.isEmpty()) return QValidator::Intermediate;
  for (QChar c : text) {
    if (!c.isDigit()) return QValidator::Invalid;
  }
  bool ok = false;
  text.toULongLong(&ok);
  return ok ? QValidator::Acceptable : QValidator::Invalid;
}

void SeedSpinBox::fixup(QString& text) const {
  if (text.isEmpty()) text = QString::number(value_);
}

QSize SeedSpinBox::sizeHint() const {
  // Room for a 10-digit seed; longer ones scroll inside the box.
  ensurePolished();
  QStyleOptionSpinBox option;
  initStyleOption(&option);
  const QFontMetrics metrics(font());
  const QSize content(metrics.horizontalAdvance(QStringLiteral("2147483647 ")),
                      lineEdit()->sizeHint().height());
  return style()->sizeFromContents(QStyle::CT_SpinBox, &option, content, this);
}

QAbstractSpinBox::StepEnabled SeedSpinBox::stepEnabled() const {
  StepEnabled enabled = StepNone;
  if (value_ < std::numeric_limits<quint64>::max()) enabled |= StepUpEnabled;
  if (value_ > 0) enabled |= StepDownEnabled;
  return enabled;
}

// --- helpers ------------------------------------------------------------------------------------

double LogScale::value(int position) const {
  return low * std::pow(high / low, static_cast<double>(position) / kLogSteps);
}

int LogScale::position(double value) const {
  if (!(value > low)) return 0;
  if (!(value < high)) return kLogSteps;
  return static_cast<int>(std::lround(kLogSteps * std::log(value / low) / std::log(high / low)));
}

double round_significant(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return value;
  const int exponent = static_cast<int>(std::floor(std::log10(std::abs(value))));
  const double scale = std::pow(10.0, digits - 1 - exponent);
  return std::round(value * scale) / scale;
}

std::vector<std::int64_t> divisors(std::int64_t n) {
  std::vector<std::int64_t> low, high;
  for (std::int64_t d = 1; d * d <= n; ++d) {
    if (n % d != 0) continue;
    low.push_back(d);
    if (d != n / d) high.push_back(n / d);
  }
  low.insert(low.end(), high.rbegin(), high.rend());
  return low;
}

std::int64_t nearest_divisor_below(std::int64_t n, std::int64_t want) {
  std::int64_t best = 1;
  for (std::int64_t d : divisors(n)) {
    if (d <= want) best = d;
  }
  return best;
}

namespace {

class WheelGuard : public QObject {
 public:
  using QObject::QObject;

  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() != QEvent::Wheel) return false;
    const auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget || widget->hasFocus()) return false;
    event->ignore();  // not for the control; the event goes on to its parents
    return true;
  }
};

}  // namespace

void wheel_only_when_focused(QWidget* control) {
  control->setFocusPolicy(Qt::StrongFocus);
  control->installEventFilter(new WheelGuard(control));
}

void set_row_visible(QFormLayout* form, QWidget* field, bool visible) {
  if (QWidget* label = form->labelForField(field)) label->setVisible(visible);
  field->setVisible(visible);
}

void show_value(QDoubleSpinBox* box, double value) {
  if (std::isfinite(value)) {
    if (value < box->minimum()) box->setMinimum(value);
    if (value > box->maximum()) box->setMaximum(value);
  }
  box->setValue(value);
}

// --- building the form ---------------------------------------------------------------------

QComboBox* make_combo(const char* name, const QString& tip) {
  auto* combo = new QComboBox;
  combo->setObjectName(QLatin1String(name));
  combo->setToolTip(tip);
  // The longest names ("conv_transpose3d", "untruncated_normal") must not widen the panel.
  combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo->setMinimumContentsLength(8);
  return combo;
}

NumberSpinBox* make_number(const char* name, double low, double high, double step,
                           const QString& tip) {
  auto* box = new NumberSpinBox;
  box->setObjectName(QLatin1String(name));
  box->setRange(low, high);
  box->setSingleStep(step);
  box->setToolTip(tip);
  return box;
}

namespace {

template <typename Box>
Box* make_count_box(const char* name, std::int64_t low, std::int64_t high, const QString& tip) {
  auto* box = new Box;
  box->setObjectName(QLatin1String(name));
  box->setRange(static_cast<int>(low), static_cast<int>(high));
  // A run starts on Enter or when the box loses focus, not at each digit typed ("8", "81", ...).
  box->setKeyboardTracking(false);
  box->setAccelerated(true);
  box->setToolTip(tip);
  return box;
}

}  // namespace

QSpinBox* make_count(const char* name, std::int64_t low, std::int64_t high, const QString& tip) {
  return make_count_box<QSpinBox>(name, low, high, tip);
}

OddSpinBox* make_odd_count(const char* name, std::int64_t low, std::int64_t high,
                           const QString& tip) {
  return make_count_box<OddSpinBox>(name, low, high, tip);
}

QSlider* make_log_slider(const char* name, const QString& tip) {
  auto* slider = new QSlider(Qt::Horizontal);
  slider->setObjectName(QLatin1String(name));
  slider->setRange(0, LogScale::kLogSteps);
  slider->setSingleStep(5);
  slider->setPageStep(100);
  slider->setToolTip(tip);
  return slider;
}

QWidget* make_pair(QWidget* first, QWidget* second) {
  auto* pair = new QWidget;
  auto* row = new QHBoxLayout(pair);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(first);
  row->addWidget(second, 1);
  return pair;
}

QLabel* make_note(const char* name) {
  auto* label = new QLabel;
  label->setObjectName(QLatin1String(name));
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont font = label->font();
  font.setPointSizeF(font.pointSizeF() * 0.9);
  label->setFont(font);
  return label;
}

QFormLayout* make_form(QGroupBox* box) {
  auto* form = new QFormLayout(box);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setRowWrapPolicy(QFormLayout::DontWrapRows);
  form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  form->setContentsMargins(6, 6, 6, 6);
  return form;
}

QGroupBox* make_group(const char* name, const QString& title) {
  auto* box = new QGroupBox(title);
  box->setObjectName(QLatin1String(name));
  return box;
}

}  // namespace initscope::ui
