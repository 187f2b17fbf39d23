#include "app/qt_app.h"

#include <cstdio>

#include "ui/application.h"

namespace initscope::app {
namespace {

// On a machine without a desktop session (CI, ssh, root) Qt warns that XDG_RUNTIME_DIR is unset
// and falls back to /tmp: harmless, and it would break the promise of one clear line on stderr
// for the headless commands. Every other message still goes to Qt's default handler.
QtMessageHandler default_handler = nullptr;
void quiet_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (type == QtWarningMsg &&
      message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR"))) {
    return;
  }
  if (default_handler != nullptr) {
    default_handler(type, context, message);
  } else {
    std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
  }
}

}  // namespace

std::unique_ptr<QApplication> make_qt_application(bool offscreen) {
  // QApplication keeps references to argc and argv for its whole life.
  static int argc = 1;
  static char name[] = "initscope";
  static char* argv[] = {name, nullptr};
  if (offscreen) {
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    if (default_handler == nullptr) default_handler = qInstallMessageHandler(quiet_handler);
  }
  auto app = std::make_unique<QApplication>(argc, argv);
  ui::configure_application();
  return app;
}

}  // namespace initscope::app
