#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/config.h"
#include "ui/export.h"

namespace initscope::app {

/// Runs the config and exports its plots into dir on the offscreen platform; reports what it
/// wrote on `out`, a problem on `err` (prefixed with `prefix`), and returns the exit code.
/// `notes` (the config's warnings, ...) go to `err` once the run has passed its checks, so that a
/// refused run gives one line only.
int export_experiment(const Config& config, const std::string& dir,
                      const ui::ExportOptions& options, const std::string& prefix,
                      const std::vector<std::string>& notes, std::ostream& out, std::ostream& err);

}  // namespace initscope::app
