#include "ui/atomic_write.h"

#include <QSaveFile>

namespace initscope::ui {

QString write_file_atomically(const QString& path, const QByteArray& data) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
  }
  if (file.write(data) != data.size()) {
    const QString reason = file.errorString();
    file.cancelWriting();
    return QStringLiteral("cannot write %1: %2").arg(path, reason);
  }
  if (!file.commit()) return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
  return {};
}

}  // namespace initscope::ui
