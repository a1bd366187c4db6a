// Bulk imports: the import job (who, which file, which start-up, progress) and the verdict
// of every record read from the file.
//
// An import belongs to the start-up it imports into: only that start-up's members and the
// administrators see it (the visibility rule of access.h with visibility 'start-up'); for
// anyone else findImport answers nullopt exactly as for a missing import.
//
// Re-running an import is harmless: every registered record stores a digest of its content
// (recordDigest); importing a record whose digest the start-up already holds gives the verdict
// "already_imported" and registers nothing (findImportedRecord). The verdict row of a record
// is written in the same transaction as the batch it made (insertImportRecord inside the
// registration's write), so a crash never leaves a batch without its verdict or the reverse,
// and an interrupted import resumes after lastRecordNumber().
//
// Writers must run inside Database::write; the import row itself is audited on creation and
// when it finishes or fails.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

enum class ImportVerdict { Registered, NewForm, NewBatch, AlreadyImported, Rejected };
const char* verdictName(ImportVerdict verdict);  // "registered", "new_form", ...
std::optional<ImportVerdict> parseVerdict(const std::string& name);

struct NewImport {
  std::int64_t startUpId = 0;
  std::string source = "api";  // "api" | "cli"
  std::string fileName;
  std::string fileSha256;
  std::int64_t fileBytes = 0;
  std::string format;          // "sdf" | "smiles" | "csv"
  std::string optionsJson = "{}";
};

struct ImportCounts {
  std::int64_t registered = 0;
  std::int64_t newForm = 0;
  std::int64_t newBatch = 0;
  std::int64_t alreadyImported = 0;
  std::int64_t rejected = 0;
  std::int64_t total() const {
    return registered + newForm + newBatch + alreadyImported + rejected;
  }
  void add(ImportVerdict verdict);
};

struct Import {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::optional<std::int64_t> createdBy;
  std::string actorLabel;
  std::string source;
  std::string fileName;
  std::string fileSha256;
  std::int64_t fileBytes = 0;
  std::string format;
  std::string optionsJson;
  std::string status;  // queued | running | finished | failed
  std::int64_t recordsDone = 0;
  std::int64_t bytesDone = 0;
  std::optional<std::string> error;
  std::string createdAt;
  std::optional<std::string> startedAt;
  std::optional<std::string> finishedAt;
  std::optional<std::string> claimedBy;   // the process running it ("" when none)
  std::optional<std::string> leaseUntil;  // its claim holds until then (ISO UTC)
  std::int64_t attempts = 0;              // tries since its last committed chunk
  std::optional<std::string> retryAt;     // waiting: tried again from then on (ISO UTC)
  std::optional<std::string> waiting;     // why it waits ("the disk is full ...")
  ImportCounts counts;  // from the verdict rows
};

struct ImportRecord {
  std::int64_t recordNumber = 0;
  std::int64_t line = 0;
  ImportVerdict verdict = ImportVerdict::Rejected;
  std::string title;
  std::string recordDigest;
  std::optional<std::int64_t> batchId;
  std::string message;
  std::optional<std::string> field;
  // Filled when reading, from the batch: codes of what the record made or matched.
  std::optional<std::int64_t> compoundId;
  std::optional<std::int64_t> formNumber;
  std::optional<std::int64_t> batchNumber;
};

// SHA-256 identifying a record's content within a start-up: the start-up, the structure text
// exactly as submitted and every data field (name and value, in file order).
std::string recordDigest(std::int64_t startUpId, const std::string& structure,
                         const std::vector<std::pair<std::string, std::string>>& fields);

// Creates a queued import. NotFound for an unknown start-up, InvalidArgument for bad fields.
Import createImport(Connection& c, const Clock& clock, const Principal& actor,
                    const NewImport& input);

std::optional<Import> findImport(Connection& c, const Principal& viewer, std::int64_t id);
// The imports `viewer` may see, newest first; of one start-up when given.
std::vector<Import> listImports(Connection& c, const Principal& viewer,
                                std::optional<std::int64_t> startUpId, std::int64_t limit);
// Imports left queued or running (by a restart), oldest first, any source.
std::vector<Import> unfinishedImports(Connection& c, const std::string& source);

// Who runs an import: the process's name (as claimImport stored it) and the lease it renews.
struct ImportClaim {
  std::string claimant;
  std::string leaseUntil;  // ISO UTC
};

// Claims a queued or running import for `claimant` until `leaseUntil` and marks it running.
// Succeeds when nobody holds it, `claimant` already does, the holder's lease has run out, or
// `takeOver` (the caller knows the holder is gone). False when another process holds it.
bool claimImport(Connection& c, const Clock& clock, std::int64_t id, const std::string& claimant,
                 const std::string& leaseUntil, bool takeOver = false);
// Gives up a claim (the import stays queued/running, for the next start to resume).
void releaseImport(Connection& c, std::int64_t id, const std::string& claimant);
// Records progress and renews the lease, in the transaction of the chunk it describes.
// Throws FailedPrecondition when `claim` no longer holds the import: the chunk rolls back.
void updateImportProgress(Connection& c, std::int64_t id, std::int64_t recordsDone,
                          std::int64_t bytesDone, const ImportClaim& claim);
// The import could not go on for a passing reason: counts the attempt, releases the claim,
// and records when to try again and why. Only when `claimant` holds it or nobody does: a
// runner that found another one at work leaves that one's claim and state alone.
void postponeImport(Connection& c, std::int64_t id, const std::string& claimant,
                    const std::string& retryAt, const std::string& why);
// status 'finished' (error empty) or 'failed' (with the error). Audited with the counts.
void finishImport(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                  const std::optional<std::string>& error);

// The batch already imported into `startUpId` from a record with this digest, if any.
std::optional<ImportRecord> findImportedRecord(Connection& c, std::int64_t startUpId,
                                               const std::string& digest);

// Stores a record's verdict. AlreadyExists when the digest is already imported (a race the
// caller turns into "already_imported").
void insertImportRecord(Connection& c, std::int64_t importId, std::int64_t startUpId,
                        const ImportRecord& record);

// The highest record number with a verdict (0 when none): where a resumed import continues.
std::int64_t lastRecordNumber(Connection& c, std::int64_t importId);

ImportCounts importCounts(Connection& c, std::int64_t importId);

// Verdict rows in record order, optionally only one verdict, from record `afterRecord` on
// (exclusive), at most `limit` (0 = all). Calls `fn` per row (streaming: rows are not held).
void forEachImportRecord(Connection& c, std::int64_t importId,
                         std::optional<ImportVerdict> verdict, std::int64_t afterRecord,
                         std::int64_t limit, const std::function<void(const ImportRecord&)>& fn);

}  // namespace argan::db
