#pragma once

// The Qt application object for the commands that need one (the window, the headless export).

#include <memory>

#include <QApplication>

namespace initscope::app {

/// A QApplication named for QSettings. `offscreen` selects Qt's offscreen platform (no display
/// needed) unless QT_QPA_PLATFORM already names one. The caller keeps it alive while Qt is used.
std::unique_ptr<QApplication> make_qt_application(bool offscreen);

}  // namespace initscope::app
