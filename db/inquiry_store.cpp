#include "db/inquiry_store.h"

#include "common/error.h"
#include "db/audit.h"
#include "db/product_store.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

// The columns readInquiry reads; the unread count is the viewer's.
std::string columns(const Principal& viewer) {
  const std::string who = std::to_string(viewer.userId);
  return "i.id, i.product_id, CASE p.catalogue_name WHEN '' THEN p.name ELSE p.catalogue_name END,"
         " p.start_up_id, i.partner_id, u.email, i.subject, i.status, i.created_at, i.updated_at,"
         " (SELECT COUNT(*) FROM inquiry_messages m WHERE m.inquiry_id = i.id),"
         " (SELECT COUNT(*) FROM inquiry_messages m WHERE m.inquiry_id = i.id"
         "   AND (m.author_id IS NULL OR m.author_id <> " + who + ")"
         "   AND m.id > COALESCE((SELECT r.last_read_message_id FROM inquiry_reads r"
         "     WHERE r.inquiry_id = i.id AND r.user_id = " + who + "), 0))";
}
constexpr const char* kFrom =
    " FROM inquiries i JOIN products p ON p.id = i.product_id JOIN users u ON u.id = i.partner_id";

Inquiry readInquiry(Statement& st) {
  Inquiry q;
  int i = 0;
  q.id = st.getInt(i++);
  q.productId = st.getInt(i++);
  q.productName = st.getText(i++);
  q.startUpId = st.getInt(i++);
  q.partnerId = st.getInt(i++);
  q.partnerEmail = st.getText(i++);
  q.subject = st.getText(i++);
  q.status = st.getText(i++);
  q.createdAt = st.getText(i++);
  q.updatedAt = st.getText(i++);
  q.messageCount = st.getInt(i++);
  q.unread = st.getInt(i++);
  return q;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void checkBody(const std::string& body) {
  if (trimmed(body).empty() || body.size() > 10000) {
    throw invalidArgument("a message has 1 to 10000 characters", {{"field", "message"}});
  }
}

// Inserts a message; returns its row id.
std::int64_t insertMessage(Connection& c, const std::string& now, const Principal& actor,
                           std::int64_t inquiryId, const std::string& side,
                           const std::string& body) {
  Statement st(c,
               "INSERT INTO inquiry_messages(inquiry_id, author_id, author_label, side, body,"
               " created_at) VALUES (?,?,?,?,?,?)");
  st.bind(1, inquiryId);
  if (actor.userId) {
    st.bind(2, actor.userId);
  } else {
    st.bindNull(2);
  }
  st.bind(3, actor.email.empty() ? actor.label() : actor.email)
      .bind(4, side)
      .bind(5, body)
      .bind(6, now)
      .run();
  return c.lastInsertId();
}

// The audit snapshot of an inquiry with the message just written: the trail keeps what was
// said, not only that something was (messages are append-only rows, their text audited once).
std::optional<std::string> snapshotWithMessage(Connection& c, std::int64_t inquiryId,
                                               std::int64_t messageId) {
  auto inquiry = snapshotRow(c, "inquiries", inquiryId);
  auto message = snapshotRow(c, "inquiry_messages", messageId);
  if (!inquiry || !message) return inquiry;
  return "{\"inquiry\":" + *inquiry + ",\"message\":" + *message + "}";
}

void recordRead(Connection& c, const std::string& now, const Principal& viewer,
                std::int64_t inquiryId) {
  if (viewer.userId <= 0) return;
  Statement st(c,
               "INSERT INTO inquiry_reads(inquiry_id, user_id, last_read_message_id, read_at)"
               " SELECT ?, ?, COALESCE(MAX(id), 0), ? FROM inquiry_messages WHERE inquiry_id = ?"
               " ON CONFLICT(inquiry_id, user_id) DO UPDATE SET"
               " last_read_message_id = excluded.last_read_message_id, read_at = excluded.read_at");
  st.bind(1, inquiryId).bind(2, viewer.userId).bind(3, now).bind(4, inquiryId).run();
}

Inquiry require(Connection& c, const Principal& viewer, std::int64_t id) {
  auto q = findInquiry(c, viewer, id);
  if (!q) throw notFound("no inquiry " + inquiryCode(id));
  return *q;
}

}  // namespace

std::string Inquiry::code() const {
  return inquiryCode(id);
}

std::string inquirySql(const Principal& viewer, const std::string& i, const std::string& p) {
  switch (viewer.role) {
    case Role::Admin:
      return "1";
    case Role::Partner:
      return "(" + i + ".partner_id = " + std::to_string(viewer.userId) + ")";
    case Role::Lead:
    case Role::Member:
      return "(" + p + ".start_up_id = " + std::to_string(viewer.startUpId.value_or(-1)) + ")";
    case Role::Anonymous:
      return "0";
  }
  return "0";
}

Inquiry createInquiry(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t productId, const std::string& subject,
                      const std::string& message) {
  if (actor.role != Role::Partner || actor.userId == 0) {
    throw permissionDenied("inquiries are sent by industrial partners (role partner)");
  }
  std::string cleanSubject = trimmed(subject);
  if (cleanSubject.empty() || cleanSubject.size() > 200) {
    throw invalidArgument("an inquiry needs a subject of 1 to 200 characters",
                          {{"field", "subject"}});
  }
  checkBody(message);
  auto product = findProduct(c, actor, productId);
  if (!product || product->retiredAt) throw notFound("no product " + productCode(productId));
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO inquiries(product_id, partner_id, subject, status, created_at,"
               " updated_at, id) VALUES (?,?,?,'open',?,?,?)");
  const std::int64_t id = allocateRecordId(c, clock, "inquiries");
  st.bind(1, productId)
      .bind(2, actor.userId)
      .bind(3, cleanSubject)
      .bind(4, now)
      .bind(5, now)
      .bind(6, id)
      .run();
  const std::int64_t messageId = insertMessage(c, now, actor, id, "partner", message);
  recordRead(c, now, actor, id);
  appendAudit(c, clock, actor,
              {"create", "inquiry", inquiryCode(id), std::nullopt,
               snapshotWithMessage(c, id, messageId), std::nullopt});
  return require(c, actor, id);
}

std::optional<Inquiry> findInquiry(Connection& c, const Principal& viewer, std::int64_t id) {
  std::optional<Inquiry> q;
  {
    Statement st(c, std::string("SELECT ") + columns(viewer) + kFrom + " WHERE i.id = ? AND " +
                        inquirySql(viewer, "i", "p"));
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    q = readInquiry(st);
  }
  Statement st(c,
               "SELECT id, inquiry_id, author_id, author_label, side, body, created_at"
               " FROM inquiry_messages WHERE inquiry_id = ? ORDER BY id");
  st.bind(1, id);
  while (st.step()) {
    InquiryMessage m;
    m.id = st.getInt(0);
    m.inquiryId = st.getInt(1);
    m.authorId = st.getOptionalInt(2);
    m.authorLabel = st.getText(3);
    m.side = st.getText(4);
    m.body = st.getText(5);
    m.createdAt = st.getText(6);
    q->messages.push_back(m);
  }
  return q;
}

std::vector<Inquiry> listInquiries(Connection& c, const Principal& viewer,
                                   const InquiryFilter& filter) {
  if (filter.status && *filter.status != "open" && *filter.status != "answered" &&
      *filter.status != "closed") {
    throw invalidArgument("status must be open, answered or closed", {{"field", "status"}});
  }
  std::string sql =
      std::string("SELECT ") + columns(viewer) + kFrom + " WHERE " + inquirySql(viewer, "i", "p");
  if (filter.productId) sql += " AND i.product_id = ?";
  if (filter.status) sql += " AND i.status = ?";
  sql += " ORDER BY i.updated_at DESC, i.id DESC";
  Statement st(c, sql);
  int i = 1;
  if (filter.productId) st.bind(i++, *filter.productId);
  if (filter.status) st.bind(i++, *filter.status);
  std::vector<Inquiry> out;
  while (st.step()) out.push_back(readInquiry(st));
  return out;
}

Inquiry addInquiryMessage(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t id, const std::string& body) {
  checkBody(body);
  Inquiry q = require(c, actor, id);
  std::string side;
  if (actor.role == Role::Partner && actor.userId == q.partnerId) {
    side = "partner";
  } else if (actor.belongsTo(q.startUpId)) {
    side = "start_up";
  } else if (actor.isAdmin()) {
    side = "cluster";
  } else {
    throw notFound("no inquiry " + inquiryCode(id));
  }
  if (q.status == "closed") {
    throw failedPrecondition(inquiryCode(id) + " is closed; reopen it to write again",
                             {{"field", "status"}});
  }
  auto before = snapshotRow(c, "inquiries", id);
  std::string now = clock.nowIso();
  const std::int64_t messageId = insertMessage(c, now, actor, id, side, body);
  recordRead(c, now, actor, id);
  std::string status = side == "partner" ? "open" : "answered";
  Statement st(c, "UPDATE inquiries SET status = ?, updated_at = ? WHERE id = ?");
  st.bind(1, status).bind(2, now).bind(3, id).run();
  appendAudit(c, clock, actor,
              {"message", "inquiry", inquiryCode(id), before, snapshotWithMessage(c, id, messageId),
               std::nullopt});
  return require(c, actor, id);
}

Inquiry markInquiryRead(Connection& c, const Clock& clock, const Principal& viewer,
                        std::int64_t id) {
  require(c, viewer, id);
  recordRead(c, clock.nowIso(), viewer, id);
  return require(c, viewer, id);
}

Inquiry setInquiryStatus(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                         const std::string& status) {
  if (status != "closed" && status != "open") {
    throw invalidArgument("status can be set to closed or open (reopen)", {{"field", "status"}});
  }
  Inquiry q = require(c, actor, id);
  if (q.status == status) return q;
  auto before = snapshotRow(c, "inquiries", id);
  Statement st(c, "UPDATE inquiries SET status = ?, updated_at = ? WHERE id = ?");
  st.bind(1, status).bind(2, clock.nowIso()).bind(3, id).run();
  appendAudit(c, clock, actor,
              {status == "closed" ? "close" : "reopen", "inquiry", inquiryCode(id), before,
               snapshotRow(c, "inquiries", id), std::nullopt});
  return require(c, actor, id);
}

}  // namespace argan::db
