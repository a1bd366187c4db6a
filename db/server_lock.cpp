#include "db/server_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace argan::db {
namespace {

std::string plainPath(const std::string& path) {
  if (path.rfind("file:", 0) != 0) return path;
  std::string rest = path.substr(5);
  auto query = rest.find('?');
  return query == std::string::npos ? rest : rest.substr(0, query);
}

std::string lockPathFor(const std::string& databasePath) {
  return plainPath(databasePath) + ".lock";
}

// The pid holding a flock on the file `path` according to /proc/locks ("1: FLOCK ADVISORY
// WRITE 1234 08:01:5678 0 EOF"), when the file exists and is locked.
std::optional<pid_t> flockHolder(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string number, kind, mode, access, pid, device;
    if (!(fields >> number >> kind)) continue;
    if (kind == "->") fields >> kind;  // a waiter, listed under the holder
    if (!(fields >> mode >> access >> pid >> device)) continue;
    if (kind != "FLOCK") continue;
    // device is "MAJOR:MINOR:INODE" in hex:hex:decimal.
    auto first = device.find(':');
    auto last = device.rfind(':');
    if (first == std::string::npos || last == first) continue;
    try {
      if (std::stoull(device.substr(last + 1)) != static_cast<unsigned long long>(st.st_ino) ||
          std::stoul(device.substr(0, first), nullptr, 16) != major(st.st_dev) ||
          std::stoul(device.substr(first + 1, last - first - 1), nullptr, 16) !=
              minor(st.st_dev)) {
        continue;
      }
      return static_cast<pid_t>(std::stol(pid));
    } catch (...) {
      continue;
    }
  }
  return std::nullopt;
}

std::optional<pid_t> pidInFile(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (in >> pid && pid > 0) return static_cast<pid_t>(pid);
  return std::nullopt;
}

}  // namespace

std::unique_ptr<ServerLock> ServerLock::acquire(const std::string& databasePath) {
  std::string path = lockPathFor(databasePath);
  bool writablePid = true;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    // A read-only directory: lock the database file itself.
    path = plainPath(databasePath);
    writablePid = false;
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw unavailable("cannot create the lock file '" + lockPathFor(databasePath) +
                        "' or open the database '" + path + "': " + std::strerror(errno));
    }
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error != EWOULDBLOCK) {
      throw unavailable("cannot lock '" + path + "': " + std::strerror(error));
    }
    std::optional<pid_t> pid = flockHolder(path);
    if (!pid && writablePid) pid = pidInFile(path);
    throw failedPrecondition(
        "the database '" + plainPath(databasePath) + "' is already served by another argan " +
            "serve" + (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
            "; two servers on one database would run the same background jobs. Stop it first, "
            "or serve another --db",
        {{"reason", "database_in_use"}});
  }
  if (writablePid) {
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) {
      [[maybe_unused]] ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
    }
  }
  return std::unique_ptr<ServerLock>(new ServerLock(fd, path));
}

ServerLock::~ServerLock() {
  if (fd_ >= 0) {
    if (path_.size() > 5 && path_.compare(path_.size() - 5, 5, ".lock") == 0) {
      [[maybe_unused]] int rc = ::ftruncate(fd_, 0);  // no stale pid in the file
    }
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

std::optional<pid_t> ServerLock::holder(const std::string& databasePath) {
  std::string path = lockPathFor(databasePath);
  if (auto pid = flockHolder(path)) return pid;
  return flockHolder(plainPath(databasePath));
}

}  // namespace argan::db
