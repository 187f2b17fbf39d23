#pragma once

// Core's names (std::string_view, UTF-8) as Qt text.

#include <string_view>

#include <QString>

namespace initscope::ui {

inline QString to_qstring(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

}  // namespace initscope::ui
