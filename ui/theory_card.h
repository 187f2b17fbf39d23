#pragma once

// What the theory views (phase diagram, Jacobian spectrum, LSUV) share around their plot: the card,
// the plot and the text under it on one surface in the plot theme's colors, and that text's labels.

#include <initializer_list>

#include "ui/theme.h"

class QLabel;
class QWidget;

namespace initscope::ui {

/// The readout under a view's plot: word-wrapped plain text the reader can select, found by `name`.
QLabel* make_readout(QWidget* parent, const char* name);
/// The message shown in place of a view's plot: word-wrapped plain text, centred, `margin` pixels
/// around it, found by `name`.
QLabel* make_message(QWidget* parent, const char* name, int margin);
/// The card in the plot theme's background and text colors, and its labels in the card's font at
/// `points`.
void style_card(QWidget& card, const Theme& theme, std::initializer_list<QLabel*> labels,
                double points);

}  // namespace initscope::ui
