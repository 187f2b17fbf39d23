#pragma once

#include <QByteArray>
#include <QString>

namespace initscope::ui {

/// core's write_file_atomically (core/io/atomic_file.h) for Qt's strings: a temporary file renamed
/// over the target only once complete, so a failure (no permission, a full disk) leaves any
/// existing file intact. Returns an empty string on success, else a sentence saying what failed.
QString write_file_atomically(const QString& path, const QByteArray& data);

}  // namespace initscope::ui
