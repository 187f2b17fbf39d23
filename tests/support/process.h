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

inline ProcessResult run_initscope(const QStringList& args, int timeout_ms = 120000) {
  QProcess process;
  process.start(QStringLiteral(INITSCOPE_EXE), args);
  if (!process.waitForFinished(timeout_ms)) return {};
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace initscope::testing
