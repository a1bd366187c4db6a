#include "db/audit.h"

#include <map>
#include <set>

#include "common/digest.h"
#include "common/error.h"
#include "db/audit_seal.h"

namespace argan::db {
namespace {

const std::string kGenesis(64, '0');

std::string field(const std::optional<std::string>& v) { return v ? "1:" + *v : "0:"; }

std::string material(const std::string& prevHash, std::int64_t id, const AuditEntry& e) {
  std::string m = prevHash;
  m += '\x1f' + std::to_string(id);
  m += '\x1f' + e.at;
  m += '\x1f' + (e.actorId ? std::to_string(*e.actorId) : std::string("-"));
  m += '\x1f' + e.actorLabel;
  m += '\x1f' + e.action;
  m += '\x1f' + e.recordType;
  m += '\x1f' + e.recordId;
  m += '\x1f' + field(e.beforeJson);
  m += '\x1f' + field(e.afterJson);
  m += '\x1f' + field(e.reason);
  return m;
}

}  // namespace

std::string auditEntryHash(const std::string& prevHash, std::int64_t id, const AuditEntry& e) {
  return sha256Hex(material(prevHash, id, e));
}

std::string keyedAuditEntryHash(const AuditKey& key, const std::string& prevHash, std::int64_t id,
                                const AuditEntry& e) {
  return key.mac("argan-audit-v2\x1f" + material(prevHash, id, e));
}

AuditHead auditHead(Connection& c) {
  AuditHead head;
  head.hash = kGenesis;
  Statement last(c, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (last.step()) {
    head.entries = last.getInt(0);
    head.hash = last.getText(1);
  }
  return head;
}

void appendAudit(Connection& c, const Clock& clock, const Principal& actor,
                 const AuditEvent& event) {
  const AuditKey* key = c.auditKey();
  if (!key) {
    throw internalError("audit entries are sealed with the audit key; this connection has none "
                        "(open the database through db::Database)");
  }
  AuditHead head = auditHead(c);
  const std::int64_t nextId = head.entries + 1;
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
  std::string hash = keyedAuditEntryHash(*key, head.hash, nextId, e);
  Statement insert(c,
                   "INSERT INTO audit_log(id, at, actor_id, actor_label, action, record_type,"
                   " record_id, before_json, after_json, reason, prev_hash, hash, scheme)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,2)");
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
      .bind(11, head.hash)
      .bind(12, hash)
      .run();
  c.noteAuditAppended();
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
  e.scheme = static_cast<int>(st.getInt(12));
  return e;
}
constexpr const char* kColumns =
    "id, at, actor_id, actor_label, action, record_type, record_id, before_json, after_json,"
    " reason, prev_hash, hash, scheme";

// The protected tables, each as (record id, fields...) rows, and the audit record type that
// names them. Values are compared as text with the latest audit snapshot of the record.
struct ProtectedRecords {
  const char* recordType;
  const char* rows;  // SELECT rid, <fields in order> ...
  std::vector<const char*> fields;
  // The value a field had when a snapshot taken before its column existed does not name it
  // (the column's default when a migration added it), per field; nullptr: none.
  std::vector<const char*> defaults = {};
};

const std::vector<ProtectedRecords>& protectedRecords() {
  static const std::vector<ProtectedRecords> all = {
      {"start_up", "SELECT CAST(id AS TEXT), status FROM start_ups", {"status"}},
      {"user",
       "SELECT CAST(id AS TEXT), role, start_up_id, disabled_at FROM users",
       {"role", "start_up_id", "disabled_at"}},
      {"compound",
       "SELECT printf('CMP-%06d', id), visibility, retired_at FROM compounds",
       {"visibility", "retired_at"}},
      {"batch",
       "SELECT printf('CMP-%06d-F%d-B%03d', f.compound_id, f.form_number, b.batch_number),"
       " b.visibility, b.retired_at FROM batches b JOIN compound_forms f ON f.id = b.form_id",
       {"visibility", "retired_at"}},
      {"route", "SELECT CAST(id AS TEXT), visibility, status, retired_at FROM routes",
       {"visibility", "status", "retired_at"}},
      {"product", "SELECT printf('PRD-%06d', id), visibility, retired_at FROM products",
       {"visibility", "retired_at"}},
      {"document",
       "SELECT printf('DOC-%06d', id), document_visibility, retired_at FROM document_attachments",
       {"document_visibility", "retired_at"},
       {"'start-up'", nullptr}},
      {"substance", "SELECT printf('SUB-%06d', id), visibility, retired_at FROM substances",
       {"visibility", "retired_at"}},
      {"substance_batch",
       "SELECT printf('SUB-%06d-B%03d', substance_id, batch_number), visibility, retired_at"
       " FROM substance_batches",
       {"visibility", "retired_at"}},
  };
  return all;
}

bool hasColumn(Connection& c, const std::string& table, const std::string& column) {
  Statement st(c, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
  st.bind(1, table).bind(2, column);
  return st.step();
}

void compareRecords(Connection& c, AuditVerification& out) {
  // A database older than per-document visibility has no such column to compare.
  const bool documentVisibility = hasColumn(c, "document_attachments", "document_visibility");
  for (const auto& p : protectedRecords()) {
    if (std::string(p.recordType) == "document" && !documentVisibility) continue;
    // The latest snapshot keeps a record's row at the top level, or under "route" / "product"
    // / "substance" / "batch" (creation snapshots that also list steps, components,
    // constituents or results).
    std::string query = "WITH t(rid";
    for (const char* f : p.fields) query += std::string(", ") + f;
    query += ") AS (" + std::string(p.rows) + ") SELECT t.rid";
    for (const char* f : p.fields) query += std::string(", CAST(t.") + f + " AS TEXT)";
    query += ", a.after_json IS NOT NULL";
    for (std::size_t i = 0; i < p.fields.size(); ++i) {
      const std::string name(p.fields[i]);
      const char* fallback = i < p.defaults.size() && p.defaults[i] ? p.defaults[i] : "NULL";
      query += ", CAST(COALESCE(json_extract(a.after_json, '$.\"" + name +
               "\"'), json_extract(a.after_json, '$.route.\"" + name +
               "\"'), json_extract(a.after_json, '$.product.\"" + name +
               "\"'), json_extract(a.after_json, '$.substance.\"" + name +
               "\"'), json_extract(a.after_json, '$.batch.\"" + name + "\"'), " + fallback +
               ") AS TEXT)";
    }
    // "name" entries (db/compound_names.h) snapshot a compound's names, not its row.
    query +=
        " FROM t LEFT JOIN audit_log a ON a.id = (SELECT MAX(x.id) FROM audit_log x"
        " WHERE x.record_type = ? AND x.record_id = t.rid AND x.after_json IS NOT NULL"
        " AND x.action <> 'name')";
    Statement st(c, query);
    st.bind(1, p.recordType);
    const int n = static_cast<int>(p.fields.size());
    while (st.step()) {
      ++out.recordsChecked;
      const std::string rid = st.getText(0);
      const bool audited = st.getInt(1 + n) != 0;
      for (int i = 0; i < n; ++i) {
        auto tableValue = st.getOptionalText(1 + i);
        auto auditedValue = st.getOptionalText(2 + n + i);
        if (audited && tableValue == auditedValue) continue;
        ++out.mismatchCount;
        if (out.mismatches.size() < 100) {
          out.mismatches.push_back({p.recordType, rid, audited ? p.fields[i] : "audit entry",
                                    tableValue, audited ? auditedValue : std::nullopt});
        }
        if (!audited) break;  // one report per record without any entry
      }
    }
  }
}

void describeMismatch(const AuditMismatch& m, std::string& reason) {
  if (m.field == "audit entry") {
    reason = m.recordType + " " + m.recordId + " has no audit entry (written without the audited API)";
    return;
  }
  reason = m.recordType + " " + m.recordId + ": " + m.field + " is '" +
           m.tableValue.value_or("null") + "' in the table but '" +
           m.auditedValue.value_or("null") +
           "' in its latest audit entry (changed without an audit entry)";
}

}  // namespace

AuditVerification verifyAudit(Connection& c, const AuditVerifyOptions& options) {
  AuditVerification result;
  // Checkpoints hold the hash of particular entries; collect those while walking.
  std::set<std::int64_t> wanted;
  if (options.checkpoints) {
    for (const auto& cp : *options.checkpoints) wanted.insert(cp.entries);
  }
  std::map<std::int64_t, std::string> hashAt;
  // A copy from before keying (migration 0080) has no scheme column: every entry is plain.
  std::string columns = kColumns;
  if (!hasColumn(c, "audit_log", "scheme")) {
    columns = columns.substr(0, columns.rfind("scheme")) + "1 AS scheme";
  }
  Statement st(c, "SELECT " + columns + " FROM audit_log ORDER BY id");
  std::string prevHash = kGenesis;
  std::int64_t expectedId = 1;
  bool keyedSeen = false;
  std::int64_t lastId = 0;
  int lastScheme = 0;
  auto fail = [&](std::int64_t id, const std::string& why) {
    if (!result.ok) return;
    result.ok = false;
    result.firstBreak = id;
    result.reason = why;
  };
  while (st.step()) {
    AuditEntry e = readEntry(st);
    ++result.entries;
    lastId = e.id;
    lastScheme = e.scheme;
    if (wanted.count(e.id)) hashAt[e.id] = e.hash;
    if (!result.ok) continue;
    const std::string storedPrev = st.getText(10);
    if (e.id != expectedId) {
      fail(e.id, "entry ids jump from " + std::to_string(expectedId - 1) + " to " +
                     std::to_string(e.id) + " (entries removed)");
    } else if (storedPrev != prevHash) {
      fail(e.id, "prev_hash does not match the previous entry's hash");
    } else if (e.scheme == 1) {
      if (keyedSeen) {
        fail(e.id, "an unkeyed entry follows keyed ones (entry rewritten without the key)");
      } else if (auditEntryHash(prevHash, e.id, e) != e.hash) {
        fail(e.id, "the entry's content does not match its hash (modified)");
      } else {
        ++result.legacyEntries;
      }
    } else if (e.scheme == 2) {
      if (!keyedSeen && result.legacyEntries > 0 &&
          !(e.action == "seal" && e.recordType == "audit_log")) {
        fail(e.id, "keyed entries begin without the sealing entry");
      } else if (!options.key) {
        if (result.ok) result.needsKey = true;
        fail(e.id, "the entry is keyed and no audit key was given to check it");
      } else if (!constantTimeEquals(keyedAuditEntryHash(*options.key, prevHash, e.id, e),
                                     e.hash)) {
        fail(e.id,
             "the entry's content does not match its keyed hash (modified, renumbered, "
             "recomputed without the key, or checked with another key)");
      }
      keyedSeen = true;
    } else {
      fail(e.id, "unknown hash scheme " + std::to_string(e.scheme));
    }
    prevHash = e.hash;
    expectedId = e.id + 1;
  }
  if (result.ok && result.entries > 0 && lastScheme == 1 && options.key) {
    fail(lastId,
         "no entry is keyed: the chain was written before keying, or rewritten without the key");
  }
  if (options.checkpoints) {
    for (const auto& cp : *options.checkpoints) {
      ++result.checkpointsChecked;
      std::string problem;
      std::optional<std::int64_t> entry;
      if (cp.kind == "malformed") {
        problem = "is malformed";
      } else if (!options.key) {
        problem = "cannot be checked without the audit key";
      } else if (!checkpointSigned(*options.key, cp)) {
        problem = "is not signed with this audit key (forged, altered or another key)";
      } else if (cp.entries > result.entries) {
        problem = "records " + std::to_string(cp.entries) + " entries but the trail has " +
                  std::to_string(result.entries) + " (entries removed from the end)";
        entry = result.entries + 1;
      } else if (cp.entries > 0 && hashAt[cp.entries] != cp.head) {
        problem = "records another hash for entry " + std::to_string(cp.entries) +
                  " (the trail was rewritten)";
        entry = cp.entries;
      }
      if (problem.empty()) continue;
      if (!result.checkpointBreak) {
        result.checkpointBreak = cp.line;
        if (result.ok) {
          result.ok = false;
          result.firstBreak = entry;
          result.reason = "checkpoint line " + std::to_string(cp.line) + " " + problem;
        }
      }
    }
  }
  if (options.checkRecords) {
    compareRecords(c, result);
    if (result.mismatchCount && result.ok) {
      result.ok = false;
      describeMismatch(result.mismatches.front(), result.reason);
    }
  }
  return result;
}

AuditVerification verifyAuditChain(Connection& c) {
  AuditVerifyOptions options;
  options.key = c.auditKey();
  return verifyAudit(c, options);
}

bool sealLegacyChain(Connection& c, const Clock& clock) {
  const AuditKey* key = c.auditKey();
  if (!key) throw internalError("sealing the audit chain needs the audit key");
  auto last = c.queryInt("SELECT scheme FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last || *last != 1) return false;
  AuditVerifyOptions plain;
  plain.checkRecords = false;
  AuditVerification legacy = verifyAudit(c, plain);
  AuditHead head = auditHead(c);
  std::string after = "{\"scheme\":\"hmac-sha256\",\"key_id\":\"" + key->id() +
                      "\",\"legacy_entries\":" + std::to_string(head.entries) +
                      ",\"legacy_head\":\"" + head.hash + "\",\"legacy_chain_ok\":" +
                      (legacy.ok ? "true" : "false") + ",\"legacy_first_break\":" +
                      (legacy.firstBreak ? std::to_string(*legacy.firstBreak) : "null") + "}";
  appendAudit(c, clock, Principal::system("audit key"),
              {"seal", "audit_log", "chain", std::nullopt, after,
               std::string("entries before this one were chained with plain SHA-256; from here "
                           "on every entry is sealed with the audit key")});
  return true;
}

void checkAuditKeyMatches(Connection& c) {
  const AuditKey* key = c.auditKey();
  if (!key) return;
  Statement st(c, std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!st.step()) return;
  AuditEntry e = readEntry(st);
  if (e.scheme != 2) return;
  if (constantTimeEquals(keyedAuditEntryHash(*key, st.getText(10), e.id, e), e.hash)) return;
  throw failedPrecondition(
      "the audit key (id " + key->id() + ") does not seal this database's last audit entry (" +
      std::to_string(e.id) +
      "): the key file belongs to another database, or the trail was altered; run `argan "
      "verify-audit` before writing to it");
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
