#pragma once

#include <string>
#include <string_view>

namespace initscope {

/// Writes `data` to `path` so that a reader finds either the old file or the whole new one: the
/// bytes go to a temporary file in the same folder, are flushed to the disk (fsync), and the
/// temporary is renamed over `path`. On any failure (no permission, a full disk, a file-size limit,
/// a folder that cannot exist) the temporary is removed and the old file stays byte for byte.
/// A symlink at `path` is replaced by the new file, never followed. An existing file's permission
/// bits are kept; a new file gets 0666 less the umask, like any file the process creates.
/// Returns an empty string on success, else "cannot write PATH: REASON".
std::string write_file_atomically(const std::string& path, std::string_view data);

}  // namespace initscope
