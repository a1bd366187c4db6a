// Backups and restores of the database file.
//
// backupDatabase copies a live database (the server may be running and writing) with SQLite's
// online backup API into "<destination>.partial", checks the copy with PRAGMA integrity_check,
// and only then renames it to `destination`: a backup file either is complete and checked or
// does not exist.
//
// restoreDatabase never replaces anything before the backup has passed PRAGMA
// integrity_check and carries a schema this build knows. It refuses while another connection
// has the target open (a running server: stop it first). The checked copy is written beside
// the target and renamed over it in one step, so the target is at every moment either the
// old database or the complete restored one; the old file is kept as
// "<target>.before-restore-<UTC time>". Nothing new is left beside the backup file.
//
// Audit checkpoints (db/audit_seal.h): a backup gets "<destination>.audit-checkpoints", one
// checkpoint of the copy's trail signed with the live database's key, so that the copy can be
// verified on its own later (argan verify-audit --db BACKUP --key KEY). A restore appends a
// "restore" line (the restored trail's count and head) to the target's checkpoint file: the
// checkpoints of the replaced trail no longer apply.
//
// All functions throw argan::Error: FailedPrecondition (damaged or unknown backup, target in
// use, destination exists), Unavailable (I/O). Call from one thread per file.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "db/database.h"

namespace argan::db {

struct FileCheck {
  bool ok = false;
  std::string integrity;   // "ok" or the first problems PRAGMA integrity_check reported
  int schemaVersion = 0;   // highest applied migration (0 when none / not an Argan file)
  bool knownSchema = false;  // every applied migration is one this build has
  std::uint64_t bytes = 0;
};

// PRAGMA integrity_check and the schema versions of a database file, opened read-only; leaves
// no new file beside it (the -wal/-shm SQLite makes for a WAL-mode file are removed).
// Never throws for a damaged file (ok = false says why); Unavailable if it cannot be opened.
FileCheck checkDatabaseFile(const std::string& path);

struct BackupResult {
  std::string path;
  std::string checkpointFile;  // "" when the database has no audit key
  std::int64_t auditEntries = 0;
  std::uint64_t bytes = 0;
  int schemaVersion = 0;
};

BackupResult backupDatabase(Database& database, const std::string& destination,
                            bool overwrite = false);

struct RestoreResult {
  std::string target;
  std::string previous;  // where the replaced file was kept ("" when there was none)
  int schemaVersion = 0;
  std::uint64_t bytes = 0;
  std::int64_t auditEntries = 0;
  bool checkpointWritten = false;  // a "restore" checkpoint (needs the target's audit key)
};

// `auditKeyFile`/`checkpointFile`: the target's ("" for the defaults beside it).
RestoreResult restoreDatabase(const std::string& backup, const std::string& target,
                              const Clock& clock, const std::string& auditKeyFile = "",
                              const std::string& checkpointFile = "");

}  // namespace argan::db
