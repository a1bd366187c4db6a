#include "db/audit.h"

#include "common/digest.h"

namespace argan::db {
namespace {

const std::string kGenesis(64, '0');

std::string field(const std::optional<std::string>& v) { return v ? "1:" + *v : "0:"; }

}  // namespace

std::string auditEntryHash(const std::string& prevHash, std::int64_t id, const AuditEntry& e) {
  std::string material = prevHash;
  material += '\x1f' + std::to_string(id);
  material += '\x1f' + e.at;
  material += '\x1f' + (e.actorId ? std::to_string(*e.actorId) : std::string("-"));
  material += '\x1f' + e.actorLabel;
  material += '\x1f' + e.action;
  material += '\x1f' + e.recordType;
  material += '\x1f' + e.recordId;
  material += '\x1f' + field(e.beforeJson);
  material += '\x1f' + field(e.afterJson);
  material += '\x1f' + field(e.reason);
  return sha256Hex(material);
}

void appendAudit(Connection& c, const Clock& clock, const Principal& actor,
                 const AuditEvent& event) {
  std::string prevHash = kGenesis;
  std::int64_t nextId = 1;
  {
    Statement last(c, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (last.step()) {
      nextId = last.getInt(0) + 1;
      prevHash = last.getText(1);
    }
  }
  AuditEntry e;
  e.at = clock.nowIso();
  if (actor.userId != 0) e.actorId = actor.userId;
  e.actorLabel = actor.label();
  e.action = event.action;
  e.recordType = event.recordType;
  e.recordId = event.recordId;
  e.beforeJson = event.beforeJson;
  e.afterJson = event.afterJson;
  e.reason = event.reason;
  std::string hash = auditEntryHash(prevHash, nextId, e);
  Statement insert(c,
                   "INSERT INTO audit_log(id, at, actor_id, actor_label, action, record_type,"
                   " record_id, before_json, after_json, reason, prev_hash, hash)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, nextId)
      .bind(2, e.at)
      .bind(3, e.actorId)
      .bind(4, e.actorLabel)
      .bind(5, e.action)
      .bind(6, e.recordType)
      .bind(7, e.recordId)
      .bind(8, e.beforeJson)
      .bind(9, e.afterJson)
      .bind(10, e.reason)
      .bind(11, prevHash)
      .bind(12, hash)
      .run();
}

namespace {
AuditEntry readEntry(Statement& st) {
  AuditEntry e;
  e.id = st.getInt(0);
  e.at = st.getText(1);
  e.actorId = st.getOptionalInt(2);
  e.actorLabel = st.getText(3);
  e.action = st.getText(4);
  e.recordType = st.getText(5);
  e.recordId = st.getText(6);
  e.beforeJson = st.getOptionalText(7);
  e.afterJson = st.getOptionalText(8);
  e.reason = st.getOptionalText(9);
  e.hash = st.getText(11);
  return e;
}
constexpr const char* kColumns =
    "id, at, actor_id, actor_label, action, record_type, record_id, before_json, after_json,"
    " reason, prev_hash, hash";
}  // namespace

AuditVerification verifyAuditChain(Connection& c) {
  AuditVerification result;
  Statement st(c, std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY id");
  std::string prevHash = kGenesis;
  std::int64_t expectedId = 1;
  while (st.step()) {
    AuditEntry e = readEntry(st);
    ++result.entries;
    if (!result.ok) continue;
    std::string storedPrev = st.getText(10);
    auto fail = [&](const std::string& why) {
      result.ok = false;
      result.firstBreak = e.id;
      result.reason = why;
    };
    if (e.id != expectedId) {
      fail("entry ids jump from " + std::to_string(expectedId - 1) + " to " +
           std::to_string(e.id) + " (entries removed)");
    } else if (storedPrev != prevHash) {
      fail("prev_hash does not match the previous entry's hash");
    } else if (auditEntryHash(prevHash, e.id, e) != e.hash) {
      fail("the entry's content does not match its hash (modified)");
    }
    prevHash = e.hash;
    expectedId = e.id + 1;
  }
  return result;
}

std::vector<AuditEntry> auditEntriesFor(Connection& c, const std::string& recordType,
                                        const std::string& recordId) {
  Statement st(c, std::string("SELECT ") + kColumns +
                      " FROM audit_log WHERE record_type = ? AND record_id = ? ORDER BY id");
  st.bind(1, recordType).bind(2, recordId);
  std::vector<AuditEntry> out;
  while (st.step()) out.push_back(readEntry(st));
  return out;
}

std::vector<AuditEntry> auditEntriesFor(Connection& c, const std::vector<AuditRecordKey>& keys) {
  std::vector<AuditEntry> out;
  if (keys.empty()) return out;
  std::string where;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    where += (i ? " OR " : "") + std::string("(record_type = ? AND record_id = ?)");
  }
  Statement st(c, std::string("SELECT ") + kColumns + " FROM audit_log WHERE " + where +
                      " ORDER BY id");
  int n = 1;
  for (const auto& key : keys) {
    st.bind(n, key.recordType).bind(n + 1, key.recordId);
    n += 2;
  }
  while (st.step()) out.push_back(readEntry(st));
  return out;
}

}  // namespace argan::db
