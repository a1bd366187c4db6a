#include "fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <stdexcept>

namespace argan::test {
namespace {

std::atomic<int> currentFault{static_cast<int>(Fault::kNone)};
sqlite3_vfs* realVfs = nullptr;
sqlite3_vfs faultVfs;
sqlite3_io_methods faultMethods;

struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;  // the real VFS's file object, stored right after this struct
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }
Fault fault() { return static_cast<Fault>(currentFault.load()); }

int faultClose(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int faultRead(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return real(f)->pMethods->xRead(real(f), buffer, amount, offset);
}
int faultWrite(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  if (fault() == Fault::kDiskFull) return SQLITE_FULL;
  if (fault() == Fault::kIoError) return SQLITE_IOERR_WRITE;
  return real(f)->pMethods->xWrite(real(f), buffer, amount, offset);
}
int faultTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (fault() == Fault::kIoError) return SQLITE_IOERR_TRUNCATE;
  return real(f)->pMethods->xTruncate(real(f), size);
}
int faultSync(sqlite3_file* f, int flags) {
  if (fault() == Fault::kIoError) return SQLITE_IOERR_FSYNC;
  return real(f)->pMethods->xSync(real(f), flags);
}
int faultFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int faultLock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int faultUnlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int faultCheckReservedLock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int faultFileControl(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int faultSectorSize(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int faultDeviceCharacteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int faultShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int faultShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void faultShmBarrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int faultShmUnmap(sqlite3_file* f, int deleteFlag) {
  return real(f)->pMethods->xShmUnmap(real(f), deleteFlag);
}
int faultFetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real(f)->pMethods->xFetch(real(f), offset, amount, out);
}
int faultUnfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return real(f)->pMethods->xUnfetch(real(f), offset, page);
}

int faultOpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* outFlags) {
  auto* f = reinterpret_cast<FaultFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->base.pMethods = nullptr;
  int rc = realVfs->xOpen(realVfs, name, f->real, flags, outFlags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    return rc;
  }
  if (f->real->pMethods->iVersion < 3) {
    f->real->pMethods->xClose(f->real);
    return SQLITE_CANTOPEN;
  }
  f->base.pMethods = &faultMethods;
  return SQLITE_OK;
}

void install() {
  realVfs = sqlite3_vfs_find(nullptr);
  if (!realVfs) throw std::runtime_error("no default SQLite VFS");
  faultMethods = sqlite3_io_methods{3,
                                    faultClose,
                                    faultRead,
                                    faultWrite,
                                    faultTruncate,
                                    faultSync,
                                    faultFileSize,
                                    faultLock,
                                    faultUnlock,
                                    faultCheckReservedLock,
                                    faultFileControl,
                                    faultSectorSize,
                                    faultDeviceCharacteristics,
                                    faultShmMap,
                                    faultShmLock,
                                    faultShmBarrier,
                                    faultShmUnmap,
                                    faultFetch,
                                    faultUnfetch};
  // Everything but xOpen goes to the real VFS's functions, which read only pAppData and
  // mxPathname from the struct they are given: copied here.
  faultVfs = *realVfs;
  faultVfs.zName = "argan-fault";
  faultVfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + realVfs->szOsFile;
  faultVfs.pNext = nullptr;
  faultVfs.xOpen = faultOpen;
  if (sqlite3_vfs_register(&faultVfs, /*makeDefault=*/0) != SQLITE_OK) {
    throw std::runtime_error("cannot register the fault VFS");
  }
}

}  // namespace

std::string faultVfsPath(const std::string& path) {
  static std::once_flag once;
  std::call_once(once, install);
  return "file:" + path + "?vfs=argan-fault";
}

void setFault(Fault f) { currentFault.store(static_cast<int>(f)); }

}  // namespace argan::test
