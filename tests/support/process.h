#pragma once

// Runs the initscope binary as a separate process, as a user would, for the command-line tests.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace initscope::testing {

struct ProcessResult {
  int exit_code = -1;  // -1: crashed or timed out
  QString out;
  QString err;
};

/// `environment` and `directory` default to the test's own.
inline ProcessResult run_initscope(
    const QStringList& args, int timeout_ms = 120000,
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
    const QString& directory = QString()) {
  QProcess process;
  process.setProcessEnvironment(environment);
  if (!directory.isEmpty()) process.setWorkingDirectory(directory);
  process.start(QStringLiteral(INITSCOPE_EXE), args);
  if (!process.waitForFinished(timeout_ms)) return {};
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace initscope::testing
