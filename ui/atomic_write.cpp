#include "ui/atomic_write.h"

#include <QFile>

#include "core/io/atomic_file.h"

namespace initscope::ui {

QString write_file_atomically(const QString& path, const QByteArray& data) {
  const QByteArray local = QFile::encodeName(path);
  const std::string failure = initscope::write_file_atomically(
      std::string(local.constData(), static_cast<std::size_t>(local.size())),
      std::string_view(data.constData(), static_cast<std::size_t>(data.size())));
  // The reason names the path in the file system's encoding; say it as the user typed it.
  if (failure.empty()) return {};
  const std::string prefix = "cannot write " + std::string(local.constData()) + ": ";
  return QStringLiteral("cannot write %1: %2")
      .arg(path, QString::fromLocal8Bit(failure.substr(prefix.size())));
}

}  // namespace initscope::ui
