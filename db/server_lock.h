// One server per database: `argan serve` holds an exclusive lock on "<database>.lock" for as
// long as it runs, and writes its pid into the file.
//
// The lock is flock(2) on that file: the kernel releases it when the process ends, however
// it ends (kill -9 included), so a stale file never blocks a restart; the pid in it only
// serves the message. Command-line tools (import, backup, ...) do not take it: they share
// the database with a running server through SQLite's own locking.
//
// A database in a directory where the lock file cannot be created (a read-only mount) is
// locked through the database file itself (flock, which SQLite's POSIX locks ignore).
//
// Threads: acquire from one thread; the lock is released by the destructor.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace argan::db {

class ServerLock {
 public:
  // Takes the lock for `databasePath` (a path or an SQLite "file:" URI). Throws
  // FailedPrecondition naming the holder's pid when another process holds it, Unavailable
  // when no lock can be taken at all.
  static std::unique_ptr<ServerLock> acquire(const std::string& databasePath);
  ~ServerLock();
  ServerLock(const ServerLock&) = delete;
  ServerLock& operator=(const ServerLock&) = delete;

  const std::string& path() const { return path_; }

  // The pid of the process holding the lock on `databasePath`, if one does (it is not
  // taken). For messages of other commands ("argan serve, pid 1234, is using it").
  static std::optional<pid_t> holder(const std::string& databasePath);

 private:
  ServerLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace argan::db
