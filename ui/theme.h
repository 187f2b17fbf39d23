#pragma once

// The look of the plots and the window: light, dark, and slides (large fonts, thick lines, high
// contrast). Every color comes from a color-blind-safe palette: Okabe & Ito (2008) for series,
// viridis (van der Walt & Smith 2015) for depth.

#include <QColor>
#include <QString>

#include "core/names.h"

namespace initscope::ui {

enum class ThemeName { light, dark, slides };

}  // namespace initscope::ui

template <>
struct initscope::EnumNames<initscope::ui::ThemeName> {
  static constexpr std::string_view family = "theme";
  static constexpr std::array<NameEntry<ui::ThemeName>, 3> table{{
      {ui::ThemeName::light, "light"},
      {ui::ThemeName::dark, "dark"},
      {ui::ThemeName::slides, "slides"},
  }};
};

namespace initscope::ui {

struct Theme {
  ThemeName name = ThemeName::light;
  QColor background;  // plot and figure background
  QColor foreground;  // text, axes, ticks
  QColor grid;
  QColor primary;     // first series, histogram bars (Okabe–Ito blue)
  QColor secondary;   // second series (Okabe–Ito orange)
  QColor tertiary;    // third series (Okabe–Ito bluish green)
  QColor theory;      // theoretical curves and markers (Okabe–Ito reddish purple)
  QColor overflow;    // overflow markers (Okabe–Ito vermillion)
  int font_size = 9;  // points, for tick labels; titles and labels scale from it
  double line_width = 1.5;

  static Theme make(ThemeName name);
};

/// Viridis at t ∈ [0, 1] (clamped): perceptually uniform, readable in grey and by every common
/// form of color blindness. Used for "layer depth" (dark = first layer, yellow = last).
QColor viridis(double t);

}  // namespace initscope::ui
