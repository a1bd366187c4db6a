#include "db/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>

#include "common/error.h"
#include "db/audit.h"
#include "db/audit_seal.h"

namespace argan::db {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::uint64_t fileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

void removeIfExists(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw unavailable("cannot remove '" + path + "': " + std::strerror(errno));
  }
}

void removeWithSidecars(const std::string& path) {
  removeIfExists(path);
  removeIfExists(path + "-wal");
  removeIfExists(path + "-shm");
  removeIfExists(path + "-journal");
}

std::string directoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void fsyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) throw unavailable("cannot open '" + path + "' to sync it: " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw unavailable("cannot sync '" + path + "': " + std::strerror(errno));
}

void renameOver(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    throw unavailable("cannot rename '" + from + "' to '" + to + "': " + std::strerror(errno));
  }
  fsyncPath(directoryOf(to), /*directory=*/true);
}

// Opening a WAL-mode file read-only makes SQLite create its -wal and -shm files, which a
// read-only connection does not remove when it closes. Declared before such a connection,
// this removes, once the connection is closed, the side files that did not exist before it
// (never one that did), and only while the -wal is empty: nothing was written through it.
class ReadOnlySideFiles {
 public:
  explicit ReadOnlySideFiles(const std::string& path) : path_(path) {
    newWal_ = !exists(path + "-wal");
    newShm_ = !exists(path + "-shm");
  }
  ReadOnlySideFiles(const ReadOnlySideFiles&) = delete;
  ReadOnlySideFiles& operator=(const ReadOnlySideFiles&) = delete;
  ~ReadOnlySideFiles() {
    const std::string wal = path_ + "-wal";
    if (exists(wal) && fileSize(wal) != 0) return;
    if (newWal_) ::unlink(wal.c_str());
    if (newShm_) ::unlink((path_ + "-shm").c_str());
  }

 private:
  std::string path_;
  bool newWal_ = false;
  bool newShm_ = false;
};

// Copies `source` (a database file) into the new file `destination` with the backup API.
void copyDatabase(const std::string& source, const std::string& destination) {
  ReadOnlySideFiles sideFiles(source);
  Connection from(source, /*readOnly=*/true, /*create=*/false);
  Connection to(destination, /*readOnly=*/false, /*create=*/true);
  sqlite3_backup* backup = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
  if (!backup) throwSqliteError(to.handle(), sqlite3_errcode(to.handle()), "copying a database");
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throwSqliteError(to.handle(), rc, "copying a database");
}

std::string utcStamp(const Clock& clock) {
  std::string iso = clock.nowIso();  // 2026-11-28T05:51:37.123Z
  std::string out;
  for (char c : iso) {
    if (c != '-' && c != ':' && c != '.') out += c;
  }
  return out;
}

}  // namespace

FileCheck checkDatabaseFile(const std::string& path, const AuditKey* key) {
  if (!exists(path)) throw unavailable("no file '" + path + "'");
  FileCheck result;
  result.bytes = fileSize(path);
  ReadOnlySideFiles sideFiles(path);
  Connection c(path, /*readOnly=*/true, /*create=*/false);
  try {
    Statement st(c, "PRAGMA integrity_check(20)");
    std::string report;
    while (st.step()) {
      if (!report.empty()) report += "; ";
      report += st.getText(0);
    }
    result.integrity = report.empty() ? "no answer" : report;
  } catch (const Error& e) {
    result.integrity = e.what();
    return result;
  }
  if (result.integrity != "ok") return result;
  try {
    result.arganFile = classifyDatabaseFile(c) == FileKind::kArgan;
  } catch (const Error&) {
    result.arganFile = false;
  }
  try {
    std::set<int> known;
    for (const auto& m : builtInMigrations()) known.insert(m.version);
    Statement st(c, "SELECT version FROM schema_version ORDER BY version");
    result.knownSchema = true;
    bool any = false;
    while (st.step()) {
      int version = static_cast<int>(st.getInt(0));
      any = true;
      result.schemaVersion = std::max(result.schemaVersion, version);
      if (!known.count(version)) result.knownSchema = false;
    }
    if (!any) result.knownSchema = false;
  } catch (const Error&) {
    result.knownSchema = false;  // no schema_version table: not an Argan database
  }
  if (result.knownSchema && result.arganFile) {
    try {
      std::optional<AuditKey> beside;
      if (!key && !isInMemoryDatabase(path)) {
        beside = AuditKey::load(defaultAuditKeyPath(path));
        if (beside) key = &*beside;
      }
      std::vector<AuditCheckpoint> checkpoints;
      const std::string checkpointFile = defaultCheckpointPath(path);
      if (key && !checkpointFile.empty()) {
        checkpoints = currentCheckpoints(readCheckpoints(checkpointFile));
      }
      result.audit = verifyTrail(c, key, checkpoints.empty() ? nullptr : &checkpoints);
    } catch (const Error& e) {
      AuditVerification broken;
      broken.ok = false;
      broken.reason = e.what();
      result.audit = broken;
    }
  }
  result.ok = result.knownSchema && result.arganFile && result.audit && result.audit->ok;
  return result;
}

AuditVerification verifyTrail(Connection& c, const AuditKey* key,
                              const std::vector<AuditCheckpoint>* checkpoints) {
  AuditVerifyOptions options;
  options.key = key;
  options.checkpoints = checkpoints;
  return verifyAudit(c, options);
}

BackupResult backupDatabase(Database& database, const std::string& destination,
                            bool overwrite) {
  if (exists(destination) && !overwrite) {
    throw failedPrecondition("the backup file '" + destination +
                             "' already exists; choose another name");
  }
  const std::string partial = destination + ".partial";
  removeWithSidecars(partial);
  try {
    database.backupTo(partial);
    FileCheck check = checkDatabaseFile(partial, database.auditKey());
    if (check.integrity != "ok") {
      throw internalError("the backup copy failed its integrity check: " + check.integrity);
    }
    // A read-only check may leave WAL side files; the backup is the single file.
    {
      Connection c(partial, /*readOnly=*/false, /*create=*/false);
      c.queryText("PRAGMA journal_mode=DELETE");
    }
    removeIfExists(partial + "-wal");
    removeIfExists(partial + "-shm");
    fsyncPath(partial, /*directory=*/false);
    BackupResult result;
    const std::string checkpoints = destination + ".audit-checkpoints";
    removeIfExists(checkpoints);
    if (const AuditKey* key = database.auditKey()) {
      AuditHead head;
      {
        Connection c(partial, /*readOnly=*/true, /*create=*/false);
        head = auditHead(c);
      }
      appendCheckpointLine(checkpoints,
                           checkpointLine(*key, "checkpoint", head.entries, head.hash,
                                          isoFromMicros(SystemClock().nowMicros())),
                           /*sync=*/true);
      result.checkpointFile = checkpoints;
      result.auditEntries = head.entries;
    }
    renameOver(partial, destination);
    result.path = destination;
    result.bytes = fileSize(destination);
    result.schemaVersion = check.schemaVersion;
    if (check.audit) result.audit = *check.audit;
    return result;
  } catch (...) {
    try {
      removeWithSidecars(partial);
    } catch (...) {
    }
    throw;
  }
}

RestoreResult restoreDatabase(const std::string& backup, const std::string& target,
                              const Clock& clock, const std::string& auditKeyFile,
                              const std::string& checkpointFile) {
  // The backup's trail must be sealed with the installation's key (the one it will be served
  // with): a trail sealed with another key could not be extended without forking it. Without
  // a key file for the target, the one beside the backup (if any) checks it.
  const std::string keyPath = auditKeyFile.empty() ? defaultAuditKeyPath(target) : auditKeyFile;
  const std::optional<AuditKey> key = keyPath.empty() ? std::nullopt : AuditKey::load(keyPath);
  FileCheck check = checkDatabaseFile(backup, key ? &*key : nullptr);
  if (check.integrity != "ok") {
    throw failedPrecondition("the backup '" + backup + "' failed PRAGMA integrity_check (" +
                             check.integrity + "); nothing was changed");
  }
  if (!check.knownSchema || !check.arganFile) {
    throw failedPrecondition("'" + backup +
                             "' is not an Argan database this build knows (schema version " +
                             std::to_string(check.schemaVersion) + "); nothing was changed");
  }
  if (key) {
    ReadOnlySideFiles sideFiles(backup);
    Connection c(backup, /*readOnly=*/true, /*create=*/false);
    c.setAuditKey(&*key);
    try {
      checkAuditKeyMatches(c);
    } catch (const Error&) {
      throw failedPrecondition("the audit trail of '" + backup +
                               "' is not sealed with the audit key '" + keyPath +
                               "' (a backup of another installation?); give its key with "
                               "--audit-key; nothing was changed");
    }
  } else if (check.audit && !check.audit->ok && check.audit->needsKey) {
    throw failedPrecondition("the audit trail of '" + backup +
                             "' is sealed with a key, and there is no key file '" + keyPath +
                             "' to check it; give the installation's key with --audit-key; "
                             "nothing was changed",
                             {{"reason", "audit_key_missing"}});
  }
  if (!check.audit || !check.audit->ok) {
    std::string where = check.audit && check.audit->firstBreak
                            ? " at entry " + std::to_string(*check.audit->firstBreak)
                            : std::string();
    throw failedPrecondition(
        "the backup '" + backup + "' has a broken audit trail" + where + " (" +
            (check.audit ? check.audit->reason : std::string("not checked")) +
            "): its history was altered or damaged; nothing was changed",
        {{"reason", "audit_broken"}});
  }
  bool hadTarget = exists(target);
  if (hadTarget) {
    // Leaving WAL mode needs every other connection closed: a running server refuses it.
    // It also folds the target's WAL into the file, so the file kept aside is complete.
    Connection c(target, /*readOnly=*/false, /*create=*/false);
    std::optional<std::string> mode;
    try {
      mode = c.queryText("PRAGMA journal_mode=DELETE");
    } catch (const Error&) {
      mode.reset();
    }
    if (!mode || *mode != "delete") {
      throw failedPrecondition("the database '" + target +
                               "' is in use (is `argan serve` running on it?); stop the server "
                               "before restoring; nothing was changed");
    }
  }
  const std::string restoring = target + ".restoring";
  removeWithSidecars(restoring);
  RestoreResult result;
  result.target = target;
  try {
    copyDatabase(backup, restoring);
    FileCheck copy = checkDatabaseFile(restoring, key ? &*key : nullptr);
    if (copy.integrity != "ok" || !copy.knownSchema || !copy.ok) {
      throw internalError("the restored copy failed its integrity check: " + copy.integrity);
    }
    {
      Connection c(restoring, /*readOnly=*/false, /*create=*/false);
      c.queryText("PRAGMA journal_mode=DELETE");
    }
    removeIfExists(restoring + "-wal");
    removeIfExists(restoring + "-shm");
    fsyncPath(restoring, /*directory=*/false);
    if (hadTarget) {
      result.previous = target + ".before-restore-" + utcStamp(clock);
      if (::link(target.c_str(), result.previous.c_str()) != 0) {
        throw unavailable("cannot keep the current database as '" + result.previous +
                          "': " + std::strerror(errno) + "; nothing was changed");
      }
    }
    removeIfExists(target + "-wal");
    removeIfExists(target + "-shm");
    renameOver(restoring, target);
  } catch (...) {
    try {
      removeWithSidecars(restoring);
    } catch (...) {
    }
    throw;
  }
  result.schemaVersion = check.schemaVersion;
  result.bytes = fileSize(target);
  // The checkpoints of the replaced trail no longer apply: say so, signed, in the file.
  const std::string cpPath = checkpointFile.empty() ? defaultCheckpointPath(target) : checkpointFile;
  if (key && !cpPath.empty()) {
    AuditHead head;
    {
      ReadOnlySideFiles sideFiles(target);
      Connection c(target, /*readOnly=*/true, /*create=*/false);
      head = auditHead(c);
    }
    appendCheckpointLine(cpPath, checkpointLine(*key, "restore", head.entries, head.hash,
                                                clock.nowIso()),
                         /*sync=*/true);
    result.auditEntries = head.entries;
    result.checkpointWritten = true;
  }
  return result;
}

}  // namespace argan::db
