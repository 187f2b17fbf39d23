#include "ui/application.h"

#include <QCoreApplication>

namespace initscope::ui {

void configure_application() {
  QCoreApplication::setOrganizationName(QStringLiteral("InitScope"));
  QCoreApplication::setApplicationName(QStringLiteral("InitScope"));
  QCoreApplication::setApplicationVersion(QStringLiteral(INITSCOPE_VERSION));
}

}  // namespace initscope::ui
