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
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/audit.h"
#include "db/audit_seal.h"
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
//
// The trail is checked under `key` (null: the key file beside `path`, "<path>.audit-key", when
// there is one; keyed entries fail without a key) and against the checkpoints of
// "<path>.audit-checkpoints" when there is a key and that file exists (a backup's own
// checkpoint: a copy cut short shows).
FileCheck checkDatabaseFile(const std::string& path, const AuditKey* key = nullptr);

// The check of a database's audit trail that backups and restores rely on: the chain (keyed
// entries under `key`), the protected tables against it, and `checkpoints` (null: none).
AuditVerification verifyTrail(Connection& c, const AuditKey* key,
                              const std::vector<AuditCheckpoint>* checkpoints = nullptr);

struct BackupResult {
  std::string path;
  std::string checkpointFile;  // "" when the database has no audit key
  std::int64_t auditEntries = 0;
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
  std::int64_t auditEntries = 0;
  bool checkpointWritten = false;  // a "restore" checkpoint (needs the target's audit key)
};

// `auditKeyFile`/`checkpointFile`: the target's ("" for the defaults beside it).
RestoreResult restoreDatabase(const std::string& backup, const std::string& target,
                              const Clock& clock, const std::string& auditKeyFile = "",
                              const std::string& checkpointFile = "");

}  // namespace argan::db
