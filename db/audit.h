// The append-only, hash-chained audit trail.
//
// Every write to a lab record appends one entry in the *same transaction* as the change:
// who (user id + label), when (UTC, from the Clock), action, record type and id, the row
// before and after (JSON), an optional reason. hash = SHA-256 over the previous entry's
// hash and this entry's fields, so editing or deleting any row breaks the chain from there
// on; verifyAuditChain() re-walks it. SQLite triggers refuse UPDATE and DELETE on the table.
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

struct AuditVerification {
  bool ok = true;
  std::int64_t entries = 0;
  std::optional<std::int64_t> firstBreak;  // id of the first entry whose hash does not hold
  std::string reason;                      // why it broke, when it did
};

AuditVerification verifyAuditChain(Connection& c);

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

// The hash of an entry from its fields and the previous hash (exposed for tests).
std::string auditEntryHash(const std::string& prevHash, std::int64_t id, const AuditEntry& e);

}  // namespace argan::db
