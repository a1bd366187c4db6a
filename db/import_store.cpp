#include "db/import_store.h"

#include "common/digest.h"
#include "common/error.h"
#include "db/audit.h"
#include "db/row_snapshot.h"
#include "db/start_up_store.h"

namespace argan::db {
namespace {

constexpr const char* kImportColumns =
    "i.id, i.start_up_id, i.created_by, i.actor_label, i.source, i.file_name, i.file_sha256,"
    " i.file_bytes, i.format, i.options, i.status, i.records_done, i.bytes_done, i.error,"
    " i.created_at, i.started_at, i.finished_at, i.claimed_by, i.lease_until, i.attempts,"
    " i.retry_at, i.waiting";

Import readImport(Statement& st) {
  Import r;
  int i = 0;
  r.id = st.getInt(i++);
  r.startUpId = st.getInt(i++);
  r.createdBy = st.getOptionalInt(i++);
  r.actorLabel = st.getText(i++);
  r.source = st.getText(i++);
  r.fileName = st.getText(i++);
  r.fileSha256 = st.getText(i++);
  r.fileBytes = st.getInt(i++);
  r.format = st.getText(i++);
  r.optionsJson = st.getText(i++);
  r.status = st.getText(i++);
  r.recordsDone = st.getInt(i++);
  r.bytesDone = st.getInt(i++);
  r.error = st.getOptionalText(i++);
  r.createdAt = st.getText(i++);
  r.startedAt = st.getOptionalText(i++);
  r.finishedAt = st.getOptionalText(i++);
  r.claimedBy = st.getOptionalText(i++);
  r.leaseUntil = st.getOptionalText(i++);
  r.attempts = st.getInt(i++);
  r.retryAt = st.getOptionalText(i++);
  r.waiting = st.getOptionalText(i++);
  return r;
}

// An import is seen like a record of visibility 'start-up' owned by its start-up.
std::string importVisibleSql(const Principal& viewer) {
  return visibleSqlColumns(viewer, "i.start_up_id", "'start-up'");
}

constexpr const char* kRecordColumns =
    "r.record_number, r.line, r.verdict, r.title, r.record_digest, r.batch_id, r.message,"
    " r.field, f.compound_id, f.form_number, b.batch_number";
// The batch a verdict names, joined directly: through the batch_records view SQLite
// materialises the whole view for the LEFT JOIN (a scan of every batch per look-up).
constexpr const char* kRecordFrom =
    " FROM import_records r LEFT JOIN batches b ON b.id = r.batch_id"
    " LEFT JOIN compound_forms f ON f.id = b.form_id";

ImportRecord readRecord(Statement& st) {
  ImportRecord r;
  r.recordNumber = st.getInt(0);
  r.line = st.getInt(1);
  r.verdict = parseVerdict(st.getText(2)).value_or(ImportVerdict::Rejected);
  r.title = st.getText(3);
  r.recordDigest = st.getText(4);
  r.batchId = st.getOptionalInt(5);
  r.message = st.getText(6);
  r.field = st.getOptionalText(7);
  r.compoundId = st.getOptionalInt(8);
  r.formNumber = st.getOptionalInt(9);
  r.batchNumber = st.getOptionalInt(10);
  return r;
}

}  // namespace

const char* verdictName(ImportVerdict verdict) {
  switch (verdict) {
    case ImportVerdict::Registered: return "registered";
    case ImportVerdict::NewForm: return "new_form";
    case ImportVerdict::NewBatch: return "new_batch";
    case ImportVerdict::AlreadyImported: return "already_imported";
    case ImportVerdict::Rejected: return "rejected";
  }
  return "rejected";
}

std::optional<ImportVerdict> parseVerdict(const std::string& name) {
  for (auto v : {ImportVerdict::Registered, ImportVerdict::NewForm, ImportVerdict::NewBatch,
                 ImportVerdict::AlreadyImported, ImportVerdict::Rejected}) {
    if (name == verdictName(v)) return v;
  }
  return std::nullopt;
}

void ImportCounts::add(ImportVerdict verdict) {
  switch (verdict) {
    case ImportVerdict::Registered: ++registered; break;
    case ImportVerdict::NewForm: ++newForm; break;
    case ImportVerdict::NewBatch: ++newBatch; break;
    case ImportVerdict::AlreadyImported: ++alreadyImported; break;
    case ImportVerdict::Rejected: ++rejected; break;
  }
}

std::string recordDigest(std::int64_t startUpId, const std::string& structure,
                         const std::vector<std::pair<std::string, std::string>>& fields) {
  // Length-prefixed parts, so no two different records share an encoding.
  std::string encoded = "argan-import-record/1\n" + std::to_string(startUpId) + "\n";
  auto part = [&](const std::string& s) {
    encoded += std::to_string(s.size());
    encoded += ':';
    encoded += s;
  };
  part(structure);
  for (const auto& [name, value] : fields) {
    part(name);
    part(value);
  }
  return sha256Hex(encoded);
}

Import createImport(Connection& c, const Clock& clock, const Principal& actor,
                    const NewImport& in) {
  if (!findStartUp(c, in.startUpId)) {
    throw notFound("no start-up with id " + std::to_string(in.startUpId),
                   {{"field", "start_up"}});
  }
  if (in.source != "api" && in.source != "cli") {
    throw invalidArgument("import source must be api or cli", {{"field", "source"}});
  }
  if (in.format != "sdf" && in.format != "smiles" && in.format != "csv") {
    throw invalidArgument("import format must be sdf, smiles or csv", {{"field", "format"}});
  }
  if (in.fileName.size() > 500) {
    throw invalidArgument("the file name is longer than 500 characters",
                          {{"field", "file_name"}});
  }
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO imports(start_up_id, created_by, actor_label, source, file_name,"
               " file_sha256, file_bytes, format, options, status, created_at)"
               " VALUES (?,?,?,?,?,?,?,?,?,'queued',?)");
  st.bind(1, in.startUpId);
  if (actor.userId) {
    st.bind(2, actor.userId);
  } else {
    st.bindNull(2);
  }
  st.bind(3, actor.label())
      .bind(4, in.source)
      .bind(5, in.fileName)
      .bind(6, in.fileSha256)
      .bind(7, in.fileBytes)
      .bind(8, in.format)
      .bind(9, in.optionsJson)
      .bind(10, now)
      .run();
  std::int64_t id = c.lastInsertId();
  appendAudit(c, clock, actor,
              {"create", "import", std::to_string(id), std::nullopt,
               snapshotRow(c, "imports", id), std::nullopt});
  Principal admin;
  admin.role = Role::Admin;
  return *findImport(c, admin, id);
}

std::optional<Import> findImport(Connection& c, const Principal& viewer, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kImportColumns + " FROM imports i WHERE i.id = ? AND " +
                      importVisibleSql(viewer));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  Import r = readImport(st);
  r.counts = importCounts(c, r.id);
  return r;
}

std::vector<Import> listImports(Connection& c, const Principal& viewer,
                                std::optional<std::int64_t> startUpId, std::int64_t limit) {
  std::string sql = std::string("SELECT ") + kImportColumns + " FROM imports i WHERE " +
                    importVisibleSql(viewer) + (startUpId ? " AND i.start_up_id = ?" : "") +
                    " ORDER BY i.id DESC LIMIT ?";
  Statement st(c, sql);
  int k = 1;
  if (startUpId) st.bind(k++, *startUpId);
  st.bind(k, limit);
  std::vector<Import> out;
  while (st.step()) out.push_back(readImport(st));
  for (auto& i : out) i.counts = importCounts(c, i.id);
  return out;
}

std::vector<Import> unfinishedImports(Connection& c, const std::string& source) {
  Statement st(c, std::string("SELECT ") + kImportColumns +
                      " FROM imports i WHERE i.status IN ('queued','running') AND i.source = ?"
                      " ORDER BY i.id");
  st.bind(1, source);
  std::vector<Import> out;
  while (st.step()) out.push_back(readImport(st));
  return out;
}

bool claimImport(Connection& c, const Clock& clock, std::int64_t id, const std::string& claimant,
                 const std::string& leaseUntil, bool takeOver) {
  Statement st(c,
               "UPDATE imports SET status = 'running', started_at = COALESCE(started_at, ?),"
               " claimed_by = ?, lease_until = ?"
               " WHERE id = ? AND status IN ('queued','running')"
               " AND (claimed_by IS NULL OR claimed_by = ? OR lease_until < ? OR ?)");
  std::string now = clock.nowIso();
  st.bind(1, now).bind(2, claimant).bind(3, leaseUntil).bind(4, id).bind(5, claimant);
  st.bind(6, now).bind(7, takeOver ? 1 : 0).run();
  return c.changes() == 1;
}

void releaseImport(Connection& c, std::int64_t id, const std::string& claimant) {
  Statement st(c,
               "UPDATE imports SET claimed_by = NULL, lease_until = NULL"
               " WHERE id = ? AND claimed_by = ?");
  st.bind(1, id).bind(2, claimant).run();
}

void updateImportProgress(Connection& c, std::int64_t id, std::int64_t recordsDone,
                          std::int64_t bytesDone, const ImportClaim& claim) {
  Statement st(c,
               "UPDATE imports SET records_done = ?, bytes_done = ?, lease_until = ?,"
               " attempts = 0, retry_at = NULL, waiting = NULL"
               " WHERE id = ? AND status = 'running' AND claimed_by = ?");
  st.bind(1, recordsDone).bind(2, bytesDone).bind(3, claim.leaseUntil).bind(4, id);
  st.bind(5, claim.claimant).run();
  if (c.changes() == 0) {
    throw failedPrecondition("import " + std::to_string(id) +
                             " is no longer claimed by this process (another process took it "
                             "over, or it ended): this chunk is not committed",
                             {{"reason", "claim_lost"}});
  }
}

void postponeImport(Connection& c, std::int64_t id, const std::string& claimant,
                    const std::string& retryAt, const std::string& why) {
  Statement st(c,
               "UPDATE imports SET attempts = attempts + 1, retry_at = ?, waiting = ?,"
               " claimed_by = NULL, lease_until = NULL"
               " WHERE id = ? AND status IN ('queued','running')"
               " AND (claimed_by IS NULL OR claimed_by = ?)");
  st.bind(1, retryAt).bind(2, why).bind(3, id).bind(4, claimant).run();
}

void finishImport(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                  const std::optional<std::string>& error) {
  auto before = snapshotRow(c, "imports", id);
  if (!before) throw notFound("no import " + std::to_string(id));
  Statement st(c,
               "UPDATE imports SET status = ?, error = ?, finished_at = ?, claimed_by = NULL,"
               " lease_until = NULL, retry_at = NULL, waiting = NULL WHERE id = ?"
               " AND status IN ('queued','running')");
  st.bind(1, error ? "failed" : "finished").bind(2, error).bind(3, clock.nowIso()).bind(4, id);
  st.run();
  if (c.changes() == 0) throw failedPrecondition("import " + std::to_string(id) + " has ended");
  ImportCounts n = importCounts(c, id);
  std::string reason = "registered " + std::to_string(n.registered) + ", new_form " +
                       std::to_string(n.newForm) + ", new_batch " + std::to_string(n.newBatch) +
                       ", already_imported " + std::to_string(n.alreadyImported) +
                       ", rejected " + std::to_string(n.rejected);
  if (error) reason += "; failed: " + *error;
  appendAudit(c, clock, actor,
              {error ? "fail" : "finish", "import", std::to_string(id), before,
               snapshotRow(c, "imports", id), reason});
}

std::optional<ImportRecord> findImportedRecord(Connection& c, std::int64_t startUpId,
                                               const std::string& digest) {
  Statement st(c, std::string("SELECT ") + kRecordColumns +
                      kRecordFrom + " WHERE r.start_up_id = ? AND r.record_digest = ?"
                      " AND r.verdict IN ('registered','new_form','new_batch')");
  st.bind(1, startUpId).bind(2, digest);
  if (!st.step()) return std::nullopt;
  return readRecord(st);
}

void insertImportRecord(Connection& c, std::int64_t importId, std::int64_t startUpId,
                        const ImportRecord& r) {
  Statement st(c,
               "INSERT INTO import_records(import_id, record_number, line, start_up_id, verdict,"
               " title, record_digest, batch_id, message, field) VALUES (?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, importId)
      .bind(2, r.recordNumber)
      .bind(3, r.line)
      .bind(4, startUpId)
      .bind(5, verdictName(r.verdict))
      .bind(6, r.title.substr(0, 500))
      .bind(7, r.recordDigest)
      .bind(8, r.batchId)
      .bind(9, r.message.substr(0, 2000))
      .bind(10, r.field);
  st.run();
}

std::int64_t lastRecordNumber(Connection& c, std::int64_t importId) {
  Statement st(c, "SELECT MAX(record_number) FROM import_records WHERE import_id = ?");
  st.bind(1, importId);
  st.step();
  return st.isNull(0) ? 0 : st.getInt(0);
}

ImportCounts importCounts(Connection& c, std::int64_t importId) {
  Statement st(c,
               "SELECT verdict, COUNT(*) FROM import_records WHERE import_id = ? GROUP BY verdict");
  st.bind(1, importId);
  ImportCounts n;
  while (st.step()) {
    auto v = parseVerdict(st.getText(0));
    if (!v) continue;
    std::int64_t count = st.getInt(1);
    switch (*v) {
      case ImportVerdict::Registered: n.registered = count; break;
      case ImportVerdict::NewForm: n.newForm = count; break;
      case ImportVerdict::NewBatch: n.newBatch = count; break;
      case ImportVerdict::AlreadyImported: n.alreadyImported = count; break;
      case ImportVerdict::Rejected: n.rejected = count; break;
    }
  }
  return n;
}

void forEachImportRecord(Connection& c, std::int64_t importId,
                         std::optional<ImportVerdict> verdict, std::int64_t afterRecord,
                         std::int64_t limit, const std::function<void(const ImportRecord&)>& fn) {
  std::string sql = std::string("SELECT ") + kRecordColumns +
                    kRecordFrom + " WHERE r.import_id = ? AND r.record_number > ?" +
                    (verdict ? " AND r.verdict = ?" : "") + " ORDER BY r.record_number" +
                    (limit > 0 ? " LIMIT ?" : "");
  Statement st(c, sql);
  int k = 1;
  st.bind(k++, importId);
  st.bind(k++, afterRecord);
  if (verdict) st.bind(k++, verdictName(*verdict));
  if (limit > 0) st.bind(k++, limit);
  while (st.step()) fn(readRecord(st));
}

}  // namespace argan::db
