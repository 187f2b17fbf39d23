#include "ui/theme.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace initscope::ui {
namespace {

// Okabe & Ito (2008), "Color Universal Design": distinguishable by every common form of color
// blindness and in greyscale print.
constexpr QRgb kBlue = 0x0072B2;
constexpr QRgb kSkyBlue = 0x56B4E9;  // the blue's lighter sibling, legible on a dark background
constexpr QRgb kOrange = 0xE69F00;
constexpr QRgb kBluishGreen = 0x009E73;
constexpr QRgb kReddishPurple = 0xCC79A7;
constexpr QRgb kVermillion = 0xD55E00;

// matplotlib's viridis at t = 0, 1/8, ..., 1 (van der Walt & Smith 2015). Linear interpolation
// between these nine stops stays within a few units of the full 256-entry table.
constexpr std::array<QRgb, 9> kViridis = {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E,
                                          0x1F9E89, 0x35B779, 0x6DCD59, 0xFDE725};

}  // namespace

Theme Theme::make(ThemeName name) {
  Theme theme;
  theme.name = name;
  theme.primary = QColor(kBlue);
  theme.secondary = QColor(kOrange);
  theme.tertiary = QColor(kBluishGreen);
  theme.theory = QColor(kReddishPurple);
  theme.overflow = QColor(kVermillion);
  switch (name) {
    case ThemeName::light:
      theme.background = QColor(QRgb{0xFFFFFF});
      theme.foreground = QColor(QRgb{0x1A1A1A});
      theme.grid = QColor(QRgb{0xDDDDDD});
      theme.font_size = 9;
      theme.line_width = 1.5;
      break;
    case ThemeName::dark:
      theme.background = QColor(QRgb{0x1E1E1E});
      theme.foreground = QColor(QRgb{0xE6E6E6});
      theme.grid = QColor(QRgb{0x3A3A3A});
      theme.primary = QColor(kSkyBlue);
      theme.font_size = 9;
      theme.line_width = 1.5;
      break;
    case ThemeName::slides:
      // Projectors wash out pale greys and thin strokes: pure black on white, a darker grid,
      // large type and thick lines.
      theme.background = QColor(QRgb{0xFFFFFF});
      theme.foreground = QColor(QRgb{0x000000});
      theme.grid = QColor(QRgb{0xBBBBBB});
      theme.font_size = 16;
      theme.line_width = 3.0;
      break;
  }
  return theme;
}

QColor viridis(double t) {
  if (!(t > 0.0)) t = 0.0;  // NaN lands on the first stop
  t = std::min(t, 1.0);
  const double scaled = t * static_cast<double>(kViridis.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(scaled), kViridis.size() - 2);
  const double f = scaled - static_cast<double>(i);
  const QColor a(kViridis[i]);
  const QColor b(kViridis[i + 1]);
  auto mix = [f](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * f)); };
  return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

}  // namespace initscope::ui
