#pragma once

namespace initscope::ui {

/// Names the application for QSettings and the window system, so that settings and recent files
/// land under one key whatever front end (window or headless export) starts the process.
void configure_application();

/// The application icon's resource path.
inline constexpr const char* kIconPath = ":/icons/initscope.svg";

}  // namespace initscope::ui
