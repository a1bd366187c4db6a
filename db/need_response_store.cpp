#include "db/need_response_store.h"

#include <algorithm>
#include <functional>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

const char* const kShareable[] = {"compound", "batch", "route", "product", "document"};
const char* const kLinkable[] = {"compound", "batch", "route", "product"};

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

constexpr const char* kColumns =
    "r.id, r.need_id, n.title, n.partner_id, r.start_up_id, s.name, r.summary, r.status,"
    " r.created_at, r.updated_at,"
    " (SELECT COUNT(*) FROM need_response_messages m WHERE m.response_id = r.id)";
constexpr const char* kFrom =
    " FROM need_responses r JOIN needs n ON n.id = r.need_id"
    " JOIN start_ups s ON s.id = r.start_up_id";

NeedResponse readResponse(Statement& st) {
  NeedResponse r;
  int i = 0;
  r.id = st.getInt(i++);
  r.needId = st.getInt(i++);
  r.needTitle = st.getText(i++);
  r.partnerId = st.getInt(i++);
  r.startUpId = st.getInt(i++);
  r.startUpName = st.getText(i++);
  r.summary = st.getText(i++);
  r.status = st.getText(i++);
  r.createdAt = st.getText(i++);
  r.updatedAt = st.getText(i++);
  r.messageCount = st.getInt(i++);
  return r;
}

// The code and label of a record, whoever owns it (for grants already checked).
void describe(Connection& c, ResponseShare& s) {
  try {
    // Described without the ownership and retirement checks: the grant exists.
    if (s.recordType == "compound") {
      Statement st(c, "SELECT formula FROM compounds WHERE id = ?");
      st.bind(1, s.recordId);
      if (st.step()) s.recordLabel = st.getText(0);
      s.recordCode = compoundCode(s.recordId);
    } else if (s.recordType == "batch") {
      Statement st(c, "SELECT compound_id, form_number, batch_number FROM batch_records WHERE id = ?");
      st.bind(1, s.recordId);
      if (st.step()) s.recordCode = batchCode(st.getInt(0), st.getInt(1), st.getInt(2));
      s.recordLabel = s.recordCode;
    } else if (s.recordType == "route") {
      Statement st(c, "SELECT name FROM routes WHERE id = ?");
      st.bind(1, s.recordId);
      if (st.step()) s.recordLabel = st.getText(0);
      s.recordCode = std::to_string(s.recordId);
    } else if (s.recordType == "product") {
      Statement st(c,
                   "SELECT CASE catalogue_name WHEN '' THEN name ELSE catalogue_name END"
                   " FROM products WHERE id = ?");
      st.bind(1, s.recordId);
      if (st.step()) s.recordLabel = st.getText(0);
      s.recordCode = productCode(s.recordId);
    } else if (s.recordType == "document") {
      Statement st(c, "SELECT filename FROM document_attachments WHERE id = ?");
      st.bind(1, s.recordId);
      if (st.step()) s.recordLabel = st.getText(0);
      s.recordCode = documentCode(s.recordId);
    }
  } catch (const Error&) {
    // A label is a courtesy: an unexpected read failure leaves it empty.
  }
}

// The columns of kShareColumns, without the label (describe() reads other tables).
ResponseShare shareRow(Statement& st) {
  ResponseShare s;
  s.id = st.getInt(0);
  s.responseId = st.getInt(1);
  s.recordType = st.getText(2);
  s.recordId = st.getInt(3);
  s.note = st.getText(4);
  s.grantedAt = st.getText(5);
  s.revokedAt = st.getOptionalText(6);
  return s;
}

ResponseShare readShare(Connection& c, Statement& st) {
  ResponseShare s = shareRow(st);
  describe(c, s);
  return s;
}

constexpr const char* kShareColumns =
    "id, response_id, record_type, record_id, note, granted_at, revoked_at";

ResponseShare loadShare(Connection& c, std::int64_t shareId) {
  ResponseShare s;
  {
    Statement st(c, std::string("SELECT ") + kShareColumns +
                        " FROM need_response_shares WHERE id = ?");
    st.bind(1, shareId);
    if (!st.step()) throw internalError("share " + std::to_string(shareId) + " vanished");
    s = shareRow(st);
  }
  describe(c, s);
  return s;
}

std::string needStatusOf(Connection& c, std::int64_t needId) {
  Statement st(c, "SELECT status FROM needs WHERE id = ?");
  st.bind(1, needId);
  return st.step() ? st.getText(0) : "";
}

void requireStartUpSide(const Principal& actor, const NeedResponse& r) {
  if (!actor.isAdmin() && !actor.belongsTo(r.startUpId)) {
    throw permissionDenied("only the start-up that answered (or an administrator) may do this on " +
                           r.code());
  }
}

void requireLive(Connection& c, const NeedResponse& r) {
  if (needStatusOf(c, r.needId) != "open") {
    throw failedPrecondition(needCode(r.needId) + " is closed", {{"field", "status"}});
  }
  if (r.status == "withdrawn") {
    throw failedPrecondition(r.code() + " was withdrawn; resubmit it first",
                             {{"field", "status"}});
  }
}

void auditResponse(Connection& c, const Clock& clock, const Principal& actor,
                   const std::string& action, std::int64_t id, std::optional<std::string> before,
                   std::optional<std::string> after) {
  appendAudit(c, clock, actor,
              {action, "need_response", responseCode(id), std::move(before), std::move(after),
               std::nullopt});
}

}  // namespace

bool isShareableKind(const std::string& kind) {
  return std::any_of(std::begin(kShareable), std::end(kShareable),
                     [&](const char* k) { return kind == k; });
}
const char* shareableKindList() { return "compound, batch, route, product, document"; }
bool isLinkableKind(const std::string& kind) {
  return std::any_of(std::begin(kLinkable), std::end(kLinkable),
                     [&](const char* k) { return kind == k; });
}
const char* linkableKindList() { return "compound, batch, route, product"; }

OwnRecord requireOwnRecord(Connection& c, std::int64_t startUpId, const std::string& kind,
                           std::int64_t id, const std::string& field) {
  OwnRecord rec;
  rec.kind = kind;
  rec.id = id;
  std::optional<std::int64_t> owner;
  bool retired = false;
  // Each query selects start_up_id, retired_at, then what names the record.
  auto lookUp = [&](const char* sql, const std::function<void(Statement&)>& naming) {
    Statement st(c, sql);
    st.bind(1, id);
    if (!st.step()) return;
    owner = st.getInt(0);
    retired = !st.isNull(1);
    naming(st);
  };
  auto labelFrom2 = [&](Statement& st) { rec.label = st.getText(2); };
  if (kind == "compound") {
    lookUp("SELECT start_up_id, retired_at, formula FROM compounds WHERE id = ?", labelFrom2);
    rec.code = compoundCode(id);
  } else if (kind == "batch") {
    lookUp("SELECT start_up_id, retired_at, compound_id, form_number, batch_number"
           " FROM batch_records WHERE id = ?",
           [&](Statement& st) { rec.code = batchCode(st.getInt(2), st.getInt(3), st.getInt(4)); });
    rec.label = rec.code;
  } else if (kind == "route") {
    lookUp("SELECT start_up_id, retired_at, name FROM routes WHERE id = ?", labelFrom2);
    rec.code = std::to_string(id);
  } else if (kind == "product") {
    lookUp("SELECT start_up_id, retired_at,"
           " CASE catalogue_name WHEN '' THEN name ELSE catalogue_name END"
           " FROM products WHERE id = ?",
           labelFrom2);
    rec.code = productCode(id);
  } else if (kind == "document") {
    lookUp("SELECT start_up_id, retired_at, filename FROM document_records WHERE id = ?",
           labelFrom2);
    rec.code = documentCode(id);
  } else {
    throw invalidArgument("unknown kind of record '" + kind + "'", {{"field", field}});
  }
  if (!owner || *owner != startUpId || retired) {
    throw notFound("the start-up has no live " + kind + " " + (rec.code.empty() ? std::to_string(id) : rec.code),
                   {{"field", field}});
  }
  return rec;
}

std::optional<std::int64_t> recordIdFromCode(Connection& c, const std::string& kind,
                                             const std::string& code) {
  if (kind == "compound") {
    auto parsed = parseCode(code);
    if (!parsed || parsed->formNumber) return std::nullopt;
    return parsed->compoundId;
  }
  if (kind == "batch") {
    auto parsed = parseCode(code);
    if (!parsed || !parsed->batchNumber) return std::nullopt;
    Statement st(c,
                 "SELECT id FROM batch_records WHERE compound_id = ? AND form_number = ? AND"
                 " batch_number = ?");
    st.bind(1, parsed->compoundId).bind(2, *parsed->formNumber).bind(3, *parsed->batchNumber);
    if (!st.step()) return std::nullopt;
    return st.getInt(0);
  }
  if (kind == "route") return parsePrefixedCode("ROUTE", code);
  if (kind == "product") return parsePrefixedCode("PRD", code);
  if (kind == "document") return parsePrefixedCode("DOC", code);
  return std::nullopt;
}

std::string responseSql(const Principal& viewer, const std::string& r, const std::string& n) {
  switch (viewer.role) {
    case Role::Admin:
      return "1";
    case Role::Partner:
      return "(" + n + ".partner_id = " + std::to_string(viewer.userId) + ")";
    case Role::Lead:
    case Role::Member:
      return "(" + r + ".start_up_id = " + std::to_string(viewer.startUpId.value_or(-1)) + ")";
    case Role::Anonymous:
      return "0";
  }
  return "0";
}

NeedResponse createResponse(Connection& c, const Clock& clock, const Principal& actor,
                            std::int64_t needId, std::int64_t startUpId,
                            const std::string& summary) {
  if (!actor.isAdmin() && !actor.belongsTo(startUpId)) {
    if (actor.isStartUpMember()) {
      throw permissionDenied("a start-up answers needs in its own name");
    }
    throw permissionDenied("needs are answered by start-ups");
  }
  Need need = requireNeed(c, actor, needId);
  if (!startUpSeesNeed(need, startUpId)) throw notFound("no need " + need.code());
  if (need.status != "open") {
    throw failedPrecondition(need.code() + " is closed", {{"field", "status"}});
  }
  std::string text = trimmed(summary);
  if (text.empty() || summary.size() > 20000) {
    throw invalidArgument("a response has a summary of 1 to 20000 characters",
                          {{"field", "summary"}});
  }
  {
    Statement st(c, "SELECT id FROM need_responses WHERE need_id = ? AND start_up_id = ?");
    st.bind(1, needId).bind(2, startUpId);
    if (st.step()) {
      throw alreadyExists("the start-up already answered " + need.code() + " with " +
                              responseCode(st.getInt(0)) + "; change that response",
                          {{"field", "need"}, {"response", responseCode(st.getInt(0))}});
    }
  }
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO need_responses(need_id, start_up_id, summary, status, created_at,"
               " created_by, updated_at, id) VALUES (?,?,?,'submitted',?,?,?,?)");
  // Numbered by creation time, not 1, 2, 3 (db/identifiers.h, allocateRecordId).
  const std::int64_t id = allocateRecordId(c, clock, "need_responses");
  st.bind(1, needId).bind(2, startUpId).bind(3, summary).bind(4, now);
  if (actor.userId) st.bind(5, actor.userId); else st.bindNull(5);
  st.bind(6, now).bind(7, id).run();
  auditResponse(c, clock, actor, "create", id, std::nullopt, snapshotRow(c, "need_responses", id));
  return requireResponse(c, actor, id);
}

std::optional<NeedResponse> findResponse(Connection& c, const Principal& viewer, std::int64_t id) {
  std::optional<NeedResponse> r;
  {
    Statement st(c, std::string("SELECT ") + kColumns + kFrom + " WHERE r.id = ? AND " +
                        responseSql(viewer, "r", "n"));
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    r = readResponse(st);
  }
  {
    Statement st(c, std::string("SELECT ") + kShareColumns +
                        " FROM need_response_shares WHERE response_id = ? ORDER BY id");
    st.bind(1, id);
    while (st.step()) r->shares.push_back(readShare(c, st));
  }
  Statement st(c,
               "SELECT id, author_id, side, body, created_at FROM need_response_messages"
               " WHERE response_id = ? ORDER BY id");
  st.bind(1, id);
  while (st.step()) {
    ResponseMessage m;
    m.id = st.getInt(0);
    m.authorId = st.getOptionalInt(1);
    m.side = st.getText(2);
    m.body = st.getText(3);
    m.createdAt = st.getText(4);
    r->messages.push_back(m);
  }
  return r;
}

NeedResponse requireResponse(Connection& c, const Principal& viewer, std::int64_t id) {
  auto r = findResponse(c, viewer, id);
  if (!r) throw notFound("no response " + responseCode(id));
  return *r;
}

std::vector<NeedResponse> listResponses(Connection& c, const Principal& viewer,
                                        const ResponseFilter& filter) {
  static const char* statuses[] = {"submitted", "shortlisted", "declined", "selected", "withdrawn"};
  if (filter.status && std::none_of(std::begin(statuses), std::end(statuses),
                                    [&](const char* s) { return *filter.status == s; })) {
    throw invalidArgument(
        "status must be submitted, shortlisted, declined, selected or withdrawn",
        {{"field", "status"}});
  }
  std::string sql = std::string("SELECT ") + kColumns + kFrom + " WHERE " +
                    responseSql(viewer, "r", "n");
  if (filter.needId) sql += " AND r.need_id = ?";
  if (filter.status) sql += " AND r.status = ?";
  sql += " ORDER BY r.updated_at DESC, r.id DESC";
  Statement st(c, sql);
  int i = 1;
  if (filter.needId) st.bind(i++, *filter.needId);
  if (filter.status) st.bind(i++, *filter.status);
  std::vector<NeedResponse> out;
  while (st.step()) out.push_back(readResponse(st));
  for (auto& r : out) {
    Statement shares(c, std::string("SELECT ") + kShareColumns +
                            " FROM need_response_shares WHERE response_id = ? ORDER BY id");
    shares.bind(1, r.id);
    while (shares.step()) r.shares.push_back(readShare(c, shares));
  }
  return out;
}

NeedResponse updateResponse(Connection& c, const Clock& clock, const Principal& actor,
                            std::int64_t id, const std::optional<std::string>& summary,
                            const std::optional<std::string>& status) {
  NeedResponse r = requireResponse(c, actor, id);
  const bool partnerSide = actor.role == Role::Partner;
  if (needStatusOf(c, r.needId) != "open") {
    throw failedPrecondition(needCode(r.needId) + " is closed; its responses are final",
                             {{"field", "status"}});
  }
  if (summary) {
    if (partnerSide) throw permissionDenied("the summary is the start-up's to write");
    std::string text = trimmed(*summary);
    if (text.empty() || summary->size() > 20000) {
      throw invalidArgument("a response has a summary of 1 to 20000 characters",
                            {{"field", "summary"}});
    }
  }
  if (status) {
    const std::string& s = *status;
    bool partnerStatus = s == "shortlisted" || s == "declined";
    bool startUpStatus = s == "withdrawn";
    if (!partnerStatus && !startUpStatus && s != "submitted") {
      throw invalidArgument(
          "status can be set to shortlisted or declined (the partner), withdrawn (the "
          "start-up) or submitted",
          {{"field", "status"}});
    }
    if (partnerStatus && !partnerSide && !actor.isAdmin()) {
      throw permissionDenied("the partner who posted the need shortlists or declines responses");
    }
    if (startUpStatus && partnerSide) {
      throw permissionDenied("only the start-up withdraws its response");
    }
    if (s == "submitted" && partnerSide && r.status == "withdrawn") {
      throw permissionDenied("only the start-up resubmits a withdrawn response");
    }
    if (r.status == "withdrawn" && s != "submitted" && s != "withdrawn") {
      throw failedPrecondition(r.code() + " was withdrawn by its start-up", {{"field", "status"}});
    }
  }
  if (summary && !actor.isAdmin() && !actor.belongsTo(r.startUpId)) {
    throw permissionDenied("the summary is the start-up's to write");
  }
  auto before = snapshotRow(c, "need_responses", id);
  std::string sql = "UPDATE need_responses SET updated_at = ?";
  if (summary) sql += ", summary = ?";
  if (status) sql += ", status = ?";
  Statement st(c, sql + " WHERE id = ?");
  int i = 1;
  st.bind(i++, clock.nowIso());
  if (summary) st.bind(i++, *summary);
  if (status) st.bind(i++, *status);
  st.bind(i++, id).run();
  auditResponse(c, clock, actor, status && !summary ? "status" : "update", id, before,
                snapshotRow(c, "need_responses", id));
  return requireResponse(c, actor, id);
}

NeedResponse addResponseMessage(Connection& c, const Clock& clock, const Principal& actor,
                                std::int64_t id, const std::string& body) {
  if (trimmed(body).empty() || body.size() > 10000) {
    throw invalidArgument("a message has 1 to 10000 characters", {{"field", "message"}});
  }
  NeedResponse r = requireResponse(c, actor, id);
  std::string side;
  if (actor.role == Role::Partner && actor.userId == r.partnerId) {
    side = "partner";
  } else if (actor.belongsTo(r.startUpId)) {
    side = "start_up";
  } else if (actor.isAdmin()) {
    side = "cluster";
  } else {
    throw notFound("no response " + r.code());
  }
  requireLive(c, r);
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO need_response_messages(response_id, author_id, side, body, created_at)"
               " VALUES (?,?,?,?,?)");
  st.bind(1, id);
  if (actor.userId) st.bind(2, actor.userId); else st.bindNull(2);
  st.bind(3, side).bind(4, body).bind(5, now).run();
  std::int64_t messageId = c.lastInsertId();
  Statement touch(c, "UPDATE need_responses SET updated_at = ? WHERE id = ?");
  touch.bind(1, now).bind(2, id).run();
  auditResponse(c, clock, actor, "message", id, std::nullopt,
                snapshotRow(c, "need_response_messages", messageId));
  return requireResponse(c, actor, id);
}

ResponseShare addShare(Connection& c, const Clock& clock, const Principal& actor,
                       std::int64_t responseId, const std::string& kind, std::int64_t recordId,
                       const std::string& note) {
  NeedResponse r = requireResponse(c, actor, responseId);
  requireStartUpSide(actor, r);
  requireLive(c, r);
  if (!isShareableKind(kind)) {
    throw invalidArgument("type must be one of: " + std::string(shareableKindList()),
                          {{"field", "type"}});
  }
  if (note.size() > 2000) {
    throw invalidArgument("a note has at most 2000 characters", {{"field", "note"}});
  }
  requireOwnRecord(c, r.startUpId, kind, recordId, "id");
  {
    Statement st(c,
                 "SELECT id FROM need_response_shares WHERE response_id = ? AND record_type = ?"
                 " AND record_id = ? AND revoked_at IS NULL");
    st.bind(1, responseId).bind(2, kind).bind(3, recordId);
    if (st.step()) {
      throw alreadyExists("this record is already shared through " + r.code(),
                          {{"field", "id"}, {"share", st.getInt(0)}});
    }
  }
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO need_response_shares(response_id, record_type, record_id, note,"
               " granted_at, granted_by, id) VALUES (?,?,?,?,?,?,?)");
  const std::int64_t shareId = allocateRecordId(c, clock, "need_response_shares");
  st.bind(1, responseId).bind(2, kind).bind(3, recordId).bind(4, trimmed(note)).bind(5, now);
  if (actor.userId) st.bind(6, actor.userId); else st.bindNull(6);
  st.bind(7, shareId);
  st.run();
  Statement touch(c, "UPDATE need_responses SET updated_at = ? WHERE id = ?");
  touch.bind(1, now).bind(2, responseId).run();
  auditResponse(c, clock, actor, "share", responseId, std::nullopt,
                snapshotRow(c, "need_response_shares", shareId));
  return loadShare(c, shareId);
}

ResponseShare revokeShare(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t responseId, std::int64_t shareId) {
  NeedResponse r = requireResponse(c, actor, responseId);
  auto it = std::find_if(r.shares.begin(), r.shares.end(),
                         [&](const ResponseShare& s) { return s.id == shareId; });
  if (it == r.shares.end()) {
    throw notFound("no share " + std::to_string(shareId) + " in " + r.code());
  }
  requireStartUpSide(actor, r);
  if (it->revokedAt) {
    throw failedPrecondition("this grant was already revoked on " + *it->revokedAt);
  }
  auto before = snapshotRow(c, "need_response_shares", shareId);
  std::string now = clock.nowIso();
  Statement st(c,
               "UPDATE need_response_shares SET revoked_at = ?, revoked_by = ? WHERE id = ?");
  st.bind(1, now);
  if (actor.userId) st.bind(2, actor.userId); else st.bindNull(2);
  st.bind(3, shareId).run();
  Statement touch(c, "UPDATE need_responses SET updated_at = ? WHERE id = ?");
  touch.bind(1, now).bind(2, responseId).run();
  auditResponse(c, clock, actor, "revoke_share", responseId, before,
                snapshotRow(c, "need_response_shares", shareId));
  return loadShare(c, shareId);
}

std::optional<ResponseShare> findActiveShare(Connection& c, const Principal& viewer,
                                             std::int64_t responseId, std::int64_t shareId) {
  Statement st(c, std::string("SELECT sh.id, sh.response_id, sh.record_type, sh.record_id,"
                              " sh.note, sh.granted_at, sh.revoked_at"
                              " FROM need_response_shares sh"
                              " JOIN need_responses r ON r.id = sh.response_id"
                              " JOIN needs n ON n.id = r.need_id"
                              " WHERE sh.id = ? AND sh.response_id = ? AND sh.revoked_at IS NULL"
                              " AND ") +
                      responseSql(viewer, "r", "n"));
  st.bind(1, shareId).bind(2, responseId);
  if (!st.step()) return std::nullopt;
  return readShare(c, st);
}

}  // namespace argan::db
