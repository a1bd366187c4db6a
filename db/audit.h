// The append-only, keyed, hash-chained audit trail.
//
// Every write to a lab record appends one entry in the *same transaction* as the change:
// who (user id + label), when (UTC, from the Clock), action, record type and id, the row
// before and after (JSON), an optional reason. hash = HMAC-SHA256, under the audit key kept
// outside the database (db/audit_seal.h), over the previous entry's hash and this entry's
// fields ("scheme 2"), so editing, deleting or renumbering any row breaks the chain from
// there on and cannot be repaired without the key. SQLite triggers refuse UPDATE and DELETE.
//
// Chains written before keying (scheme 1: plain SHA-256) stay as they are: the first start
// with a key appends a "seal" entry (record "audit_log" "chain") whose prev_hash is the old
// head and whose after_json names the old entry count, head and key id; from there on every
// entry is keyed. Verification checks the plain prefix with SHA-256 and everything after with
// the key, and refuses a plain entry after a keyed one.
//
// Verification also compares the protected tables with the trail (every write path goes
// through an audited function): each record's visibility, retirement, role... must be what
// the latest audit snapshot of that record says. A change made in SQL without an audit entry
// shows up as a mismatch, named by record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct AuditEvent {
  std::string action;      // "create", "update", "retire", "publish", "login", ...
  std::string recordType;  // "compound", "batch", "start_up", ...
  std::string recordId;    // "CMP-000001", "12", ...
  std::optional<std::string> beforeJson;
  std::optional<std::string> afterJson;
  std::optional<std::string> reason;
};

// Appends one entry. Call inside the write transaction that made the change.
void appendAudit(Connection& c, const Clock& clock, const Principal& actor,
                 const AuditEvent& event);

// A protected record whose row differs from its latest audit snapshot.
struct AuditMismatch {
  std::string recordType;  // "compound", "product", "document", ...
  std::string recordId;    // "CMP-000001", ...
  std::string field;       // "visibility", "retired_at", ...
  std::optional<std::string> tableValue;    // in the table now
  std::optional<std::string> auditedValue;  // in the latest audit snapshot (none: no entry)
};

struct AuditVerification {
  bool ok = true;
  std::int64_t entries = 0;
  std::optional<std::int64_t> firstBreak;  // id of the first entry whose hash does not hold
  std::string reason;                      // why it broke, when it did
  bool needsKey = false;  // it broke only because keyed entries were checked without a key
  std::int64_t legacyEntries = 0;          // plain SHA-256 entries written before keying
  std::size_t checkpointsChecked = 0;
  std::optional<std::size_t> checkpointBreak;  // line of the first checkpoint that fails
  std::int64_t recordsChecked = 0;
  std::size_t mismatchCount = 0;
  std::vector<AuditMismatch> mismatches;  // the first 100
};

class AuditKey;
struct AuditCheckpoint;

struct AuditVerifyOptions {
  const AuditKey* key = nullptr;  // needed for keyed entries (without it they fail)
  // Checkpoints to hold the chain to (their signatures, counts and head hashes); null: none.
  const std::vector<AuditCheckpoint>* checkpoints = nullptr;
  bool checkRecords = true;  // compare the protected tables with the trail
};

// Re-walks the chain (ids 1..n without gaps, prev_hash links, each entry's hash under its
// scheme), checks the checkpoints given against it and compares the protected tables with
// the latest audit snapshots. ok only when all hold; `reason` names the first problem.
AuditVerification verifyAudit(Connection& c, const AuditVerifyOptions& options);

// verifyAudit with the connection's key (Database sets it), the records compared, and no
// checkpoints (Database::verifyAudit adds those).
AuditVerification verifyAuditChain(Connection& c);

// The number of entries and the last entry's hash (64 zeros for an empty chain).
struct AuditHead {
  std::int64_t entries = 0;
  std::string hash;
};
AuditHead auditHead(Connection& c);

// When the chain has entries and the last one is not keyed: appends the "seal" entry that
// keys it from here on (see above), reporting the plain prefix's state in its after_json.
// Returns true when it appended one. Call inside a write transaction, with a key set.
bool sealLegacyChain(Connection& c, const Clock& clock);

// Throws FailedPrecondition when the last entry is keyed but not with the connection's key
// (a wrong key file, or an altered last entry): writing on would fork the trail.
void checkAuditKeyMatches(Connection& c);

struct AuditEntry {
  std::int64_t id = 0;
  std::string at;
  std::optional<std::int64_t> actorId;
  std::string actorLabel;
  std::string action;
  std::string recordType;
  std::string recordId;
  std::optional<std::string> beforeJson;
  std::optional<std::string> afterJson;
  std::optional<std::string> reason;
  std::string hash;
  int scheme = 2;  // 1: plain SHA-256 (before keying), 2: HMAC-SHA256 under the audit key
};

// The entries about one record, oldest first.
std::vector<AuditEntry> auditEntriesFor(Connection& c, const std::string& recordType,
                                        const std::string& recordId);

// The entries about any of several records (a compound and its forms...), oldest first.
struct AuditRecordKey {
  std::string recordType;
  std::string recordId;
};
std::vector<AuditEntry> auditEntriesFor(Connection& c, const std::vector<AuditRecordKey>& keys);

// The plain (scheme 1, unkeyed) hash of an entry from its fields and the previous hash; what
// chains were before keying, and what someone without the key can compute (tests use it to
// forge entries).
std::string auditEntryHash(const std::string& prevHash, std::int64_t id, const AuditEntry& e);

// The keyed (scheme 2) hash of an entry.
std::string keyedAuditEntryHash(const AuditKey& key, const std::string& prevHash, std::int64_t id,
                                const AuditEntry& e);

}  // namespace argan::db
