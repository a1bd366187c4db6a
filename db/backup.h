// Backups and restores of the database file.
//
// backupDatabase copies a live database (the server may be running and writing) with SQLite's
// online backup API into "<destination>.partial", checks the copy with PRAGMA integrity_check,
// and only then renames it to `destination`: a backup file either is complete and checked or
// does not exist.
//
// restoreDatabase never replaces anything before the backup has passed PRAGMA
// integrity_check, is an Argan database with a schema this build knows, and its audit trail
// holds (verifyTrail: a backup whose history was edited is refused, naming the first broken
// entry). It refuses while another connection
// has the target open (a running server: stop it first). The checked copy is written beside
// the target and renamed over it in one step, so the target is at every moment either the
// old database or the complete restored one; the old file is kept as
// "<target>.before-restore-<UTC time>". Nothing new is left beside the backup file.
//
// All functions throw argan::Error: FailedPrecondition (damaged or unknown backup, target in
// use, destination exists), Unavailable (I/O). Call from one thread per file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "db/audit.h"
#include "db/database.h"

namespace argan::db {

struct FileCheck {
  bool ok = false;
  std::string integrity;   // "ok" or the first problems PRAGMA integrity_check reported
  int schemaVersion = 0;   // highest applied migration (0 when none / not an Argan file)
  bool knownSchema = false;  // every applied migration is one this build has
  bool arganFile = false;  // Argan's application_id, or an older Argan file (database.h)
  std::uint64_t bytes = 0;
  // The audit trail (verifyTrail below), checked when the file is sound and Argan's.
  std::optional<AuditVerification> audit;
};

// PRAGMA integrity_check, the kind of file, the schema versions and the audit trail of a
// database file, opened read-only; leaves no new file beside it (the -wal/-shm SQLite makes
// for a WAL-mode file are removed). ok needs all of them to hold. Never throws for a damaged
// file (ok = false says why); Unavailable if it cannot be opened.
FileCheck checkDatabaseFile(const std::string& path);

// The check of a database's audit trail that backups and restores rely on. Today the hash
// chain (verifyAuditChain); the one place to extend when the trail gains more (signed
// checkpoints).
AuditVerification verifyTrail(Connection& c);

struct BackupResult {
  std::string path;
  std::uint64_t bytes = 0;
  int schemaVersion = 0;
  // The copy's audit trail: a backup is made even when it is broken (it is the data there is),
  // but says so; restore refuses such a file.
  AuditVerification audit;
};

BackupResult backupDatabase(Database& database, const std::string& destination,
                            bool overwrite = false);

struct RestoreResult {
  std::string target;
  std::string previous;  // where the replaced file was kept ("" when there was none)
  int schemaVersion = 0;
  std::uint64_t bytes = 0;
};

RestoreResult restoreDatabase(const std::string& backup, const std::string& target,
                              const Clock& clock);

}  // namespace argan::db
