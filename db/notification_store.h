// The in-app inbox, the e-mail outbox and the record of announced matches.
//
// A notification belongs to one user and is numbered per user (1, 2, 3 ...): the number is
// all a user ever sees, so nobody learns from it how many notifications anybody else got.
// `kind` says what happened (new_match, new_response, response_status, message, need_invited,
// need_closed, project_update); `params` carries the codes and names the page shows (JSON).
// Notifications are derived data: not audited.
//
// The outbox holds e-mails written in the same transaction as their notification; the
// server's mailer (server/http/smtp_mailer.h) sends them when SMTP is configured.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/sqlite.h"

namespace argan::db {

struct NewNotification {
  std::string kind;
  std::optional<std::int64_t> needId;
  std::optional<std::int64_t> responseId;
  std::optional<std::int64_t> projectId;
  std::string paramsJson = "{}";
};

struct Notification {
  std::int64_t number = 0;
  std::string kind;
  std::optional<std::int64_t> needId;
  std::optional<std::int64_t> responseId;
  std::optional<std::int64_t> projectId;
  std::string paramsJson;
  std::string createdAt;
  std::optional<std::string> readAt;
};

// Adds one notification to `userId`'s inbox; returns its number. Call in a write transaction.
std::int64_t addNotification(Connection& c, const Clock& clock, std::int64_t userId,
                             const NewNotification& n);

struct NotificationPage {
  std::vector<Notification> items;  // newest first
  std::int64_t total = 0;
  std::int64_t unread = 0;
};
NotificationPage listNotifications(Connection& c, std::int64_t userId, bool unreadOnly,
                                   std::int64_t page, std::int64_t pageSize);

struct UnreadCount {
  std::int64_t total = 0;
  std::vector<std::pair<std::string, std::int64_t>> byKind;  // kinds with unread items, sorted
};
UnreadCount unreadNotifications(Connection& c, std::int64_t userId);

// Marks one notification read (or unread). NotFound when the user has no such number.
Notification markNotification(Connection& c, const Clock& clock, std::int64_t userId,
                              std::int64_t number, bool read);
// Marks every unread notification of the user read; returns how many.
std::int64_t markAllNotificationsRead(Connection& c, const Clock& clock, std::int64_t userId);

// ---- e-mail outbox ----

struct OutgoingMail {
  std::int64_t id = 0;
  std::string to;
  std::string subject;
  std::string body;
  std::int64_t attempts = 0;
};
void enqueueMail(Connection& c, const Clock& clock, std::optional<std::int64_t> userId,
                 const std::string& to, const std::string& subject, const std::string& body);
// Mails due at `nowMicros`, oldest first (at most `limit`).
std::vector<OutgoingMail> dueMails(Connection& c, std::int64_t nowMicros, std::size_t limit);
void markMailSent(Connection& c, const Clock& clock, std::int64_t id);
// Records a failed attempt; retried at `retryAtMicros`, or given up (failed_at) when
// `giveUp`.
void markMailFailed(Connection& c, const Clock& clock, std::int64_t id, const std::string& error,
                    std::int64_t retryAtMicros, bool giveUp);

// ---- announced matches ----

// Records that (need, audience, record) was announced; true when it is new (first sight).
bool noteMatch(Connection& c, const Clock& clock, std::int64_t needId, const std::string& audience,
               std::int64_t audienceId, const std::string& recordType, std::int64_t recordId);

}  // namespace argan::db
