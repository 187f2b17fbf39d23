#include "ui/atomic_write.h"

#include <QSaveFile>

namespace initscope::ui {

QString write_file_atomically(const QString& path, const QByteArray& data) {
  QSaveFile file(path);
  // Unbuffered, so that a failed write (a full disk) shows in write() itself. Buffered, a small
  // file fails only in the flush inside commit(), and Qt 6.4's commit() then renames the truncated
  // temporary over the target and returns true (seen in tst_atomic_write).
  if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) {
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
