// An SQLite VFS for fault injection in tests: "argan-fault" wraps the default VFS and, while
// a fault is set, fails writes the way a full disk or a failing/read-only file system does.
// Reads always work. Open a database through it with a URI: faultVfsPath("/tmp/x.db").
//
// The fault is process-wide (SQLite VFSes are); tests that set one must clear it (use
// ScopedFault). Thread-safe.
#pragma once

#include <string>

namespace argan::test {

enum class Fault {
  kNone,
  kDiskFull,  // xWrite: SQLITE_FULL (ENOSPC)
  kIoError,   // xWrite/xSync/xTruncate: SQLITE_IOERR_* (EIO, or EROFS after a remount)
};

// Registers the VFS (once) and returns a URI opening `path` through it.
std::string faultVfsPath(const std::string& path);

void setFault(Fault fault);

class ScopedFault {
 public:
  explicit ScopedFault(Fault fault) { setFault(fault); }
  ~ScopedFault() { setFault(Fault::kNone); }
  ScopedFault(const ScopedFault&) = delete;
  ScopedFault& operator=(const ScopedFault&) = delete;
};

}  // namespace argan::test
