#include "db/notification_store.h"

#include "common/error.h"

namespace argan::db {
namespace {

constexpr const char* kColumns =
    "number, kind, need_id, response_id, project_id, params, created_at, read_at";

Notification readNotification(Statement& st) {
  Notification n;
  n.number = st.getInt(0);
  n.kind = st.getText(1);
  n.needId = st.getOptionalInt(2);
  n.responseId = st.getOptionalInt(3);
  n.projectId = st.getOptionalInt(4);
  n.paramsJson = st.getText(5);
  n.createdAt = st.getText(6);
  n.readAt = st.getOptionalText(7);
  return n;
}

}  // namespace

std::int64_t addNotification(Connection& c, const Clock& clock, std::int64_t userId,
                             const NewNotification& n) {
  std::int64_t number = 1;
  {
    Statement st(c, "SELECT COALESCE(MAX(number), 0) + 1 FROM notifications WHERE user_id = ?");
    st.bind(1, userId);
    if (st.step()) number = st.getInt(0);
  }
  Statement st(c,
               "INSERT INTO notifications(user_id, number, kind, need_id, response_id, project_id,"
               " params, created_at) VALUES (?,?,?,?,?,?,?,?)");
  st.bind(1, userId)
      .bind(2, number)
      .bind(3, n.kind)
      .bind(4, n.needId)
      .bind(5, n.responseId)
      .bind(6, n.projectId)
      .bind(7, n.paramsJson)
      .bind(8, clock.nowIso())
      .run();
  return number;
}

NotificationPage listNotifications(Connection& c, std::int64_t userId, bool unreadOnly,
                                   std::int64_t page, std::int64_t pageSize) {
  if (page < 0) throw invalidArgument("page starts at 0", {{"field", "page"}});
  if (pageSize < 1 || pageSize > 200) {
    throw invalidArgument("page_size must be 1..200", {{"field", "page_size"}});
  }
  NotificationPage out;
  std::string where = " WHERE user_id = ?";
  if (unreadOnly) where += " AND read_at IS NULL";
  {
    Statement st(c, "SELECT COUNT(*) FROM notifications" + where);
    st.bind(1, userId);
    st.step();
    out.total = st.getInt(0);
  }
  {
    Statement st(c, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL");
    st.bind(1, userId);
    st.step();
    out.unread = st.getInt(0);
  }
  Statement st(c, std::string("SELECT ") + kColumns + " FROM notifications" + where +
                      " ORDER BY number DESC LIMIT " + std::to_string(pageSize) + " OFFSET " +
                      std::to_string(page * pageSize));
  st.bind(1, userId);
  while (st.step()) out.items.push_back(readNotification(st));
  return out;
}

UnreadCount unreadNotifications(Connection& c, std::int64_t userId) {
  UnreadCount out;
  Statement st(c,
               "SELECT kind, COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL"
               " GROUP BY kind ORDER BY kind");
  st.bind(1, userId);
  while (st.step()) {
    out.byKind.emplace_back(st.getText(0), st.getInt(1));
    out.total += st.getInt(1);
  }
  return out;
}

Notification markNotification(Connection& c, const Clock& clock, std::int64_t userId,
                              std::int64_t number, bool read) {
  {
    Statement st(c,
                 read ? "UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE user_id = ?"
                        " AND number = ?"
                      : "UPDATE notifications SET read_at = NULL WHERE user_id = ? AND number = ?");
    int i = 1;
    if (read) st.bind(i++, clock.nowIso());
    st.bind(i, userId);
    st.bind(i + 1, number);
    st.run();
  }
  Statement st(c, std::string("SELECT ") + kColumns +
                      " FROM notifications WHERE user_id = ? AND number = ?");
  st.bind(1, userId).bind(2, number);
  if (!st.step()) throw notFound("no notification " + std::to_string(number));
  return readNotification(st);
}

std::int64_t markAllNotificationsRead(Connection& c, const Clock& clock, std::int64_t userId) {
  Statement st(c,
               "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL");
  st.bind(1, clock.nowIso()).bind(2, userId).run();
  return c.changes();
}

void enqueueMail(Connection& c, const Clock& clock, std::optional<std::int64_t> userId,
                 const std::string& to, const std::string& subject, const std::string& body) {
  Statement st(c,
               "INSERT INTO mail_outbox(user_id, to_address, subject, body, created_at,"
               " next_attempt_us) VALUES (?,?,?,?,?,?)");
  st.bind(1, userId).bind(2, to).bind(3, subject).bind(4, body).bind(5, clock.nowIso())
      .bind(6, clock.nowMicros()).run();
}

std::vector<OutgoingMail> dueMails(Connection& c, std::int64_t nowMicros, std::size_t limit) {
  Statement st(c,
               "SELECT id, to_address, subject, body, attempts FROM mail_outbox WHERE sent_at IS"
               " NULL AND failed_at IS NULL AND next_attempt_us <= ? ORDER BY id LIMIT " +
                   std::to_string(limit));
  st.bind(1, nowMicros);
  std::vector<OutgoingMail> out;
  while (st.step()) {
    OutgoingMail m;
    m.id = st.getInt(0);
    m.to = st.getText(1);
    m.subject = st.getText(2);
    m.body = st.getText(3);
    m.attempts = st.getInt(4);
    out.push_back(m);
  }
  return out;
}

void markMailSent(Connection& c, const Clock& clock, std::int64_t id) {
  Statement st(c, "UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?");
  st.bind(1, clock.nowIso()).bind(2, id).run();
}

void markMailFailed(Connection& c, const Clock& clock, std::int64_t id, const std::string& error,
                    std::int64_t retryAtMicros, bool giveUp) {
  Statement st(c,
               "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?,"
               " next_attempt_us = ?, failed_at = ? WHERE id = ?");
  st.bind(1, error.substr(0, 1000)).bind(2, retryAtMicros);
  if (giveUp) st.bind(3, clock.nowIso()); else st.bindNull(3);
  st.bind(4, id).run();
}

bool noteMatch(Connection& c, const Clock& clock, std::int64_t needId, const std::string& audience,
               std::int64_t audienceId, const std::string& recordType, std::int64_t recordId) {
  Statement st(c,
               "INSERT OR IGNORE INTO need_match_notices(need_id, audience, audience_id,"
               " record_type, record_id, first_seen_at) VALUES (?,?,?,?,?,?)");
  st.bind(1, needId).bind(2, audience).bind(3, audienceId).bind(4, recordType).bind(5, recordId)
      .bind(6, clock.nowIso()).run();
  return c.changes() > 0;
}

}  // namespace argan::db
