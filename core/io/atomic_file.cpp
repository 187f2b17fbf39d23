#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace initscope {
namespace {

std::string failure(const std::string& path, int error) {
  return "cannot write " + path + ": " + std::strerror(error);
}

// Opens a new file beside `path` that no other writer can have opened (O_EXCL on a random name).
int open_temporary(const std::string& path, std::string& name) {
  std::random_device entropy;
  for (int attempt = 0; attempt < 100; ++attempt) {
    name = path + ".tmp" + std::to_string(entropy() % 1000000000u);
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace

std::string write_file_atomically(const std::string& path, std::string_view data) {
  // Past a file-size limit (ulimit -f) the kernel sends SIGXFSZ, whose default kills the process
  // with the temporary half written; ignored, the write fails with EFBIG like a full disk.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ignore, nullptr);

  std::string temporary;
  const int fd = open_temporary(path, temporary);
  if (fd < 0) return failure(path, errno);
  struct stat existing {};
  const bool keep_mode = ::lstat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode);
  bool ok = write_all(fd, data);
  if (ok && keep_mode) ok = ::fchmod(fd, existing.st_mode & 07777) == 0;
  if (ok) ok = ::fsync(fd) == 0;
  int error = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && ::rename(temporary.c_str(), path.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    ::unlink(temporary.c_str());
    return failure(path, error);
  }
  return {};
}

}  // namespace initscope
