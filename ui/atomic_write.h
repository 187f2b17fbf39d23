#pragma once

#include <QByteArray>
#include <QString>

namespace initscope::ui {

/// Writes `data` to `path` through QSaveFile: a temporary file renamed over the target only once
/// complete, so a failure (no permission, a full disk) leaves any existing file intact.
/// Returns an empty string on success, else a sentence saying what failed.
QString write_file_atomically(const QString& path, const QByteArray& data);

}  // namespace initscope::ui
