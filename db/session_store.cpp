#include "db/session_store.h"

#include <algorithm>

namespace argan::db {
namespace {

constexpr std::int64_t kDayUs = 24LL * 3600 * 1000000;

Session readSession(Statement& st, int i) {
  Session s;
  s.id = st.getInt(i);
  s.userId = st.getInt(i + 1);
  s.createdUs = st.getInt(i + 2);
  s.lastSeenUs = st.getInt(i + 3);
  s.expiresUs = st.getInt(i + 4);
  s.revokedUs = st.getOptionalInt(i + 5);
  return s;
}

// Seconds until the oldest of the failures that keep the count at `max` or above leaves the
// window; nullopt when fewer than `max` failures are in the window.
std::optional<std::int64_t> blockedFor(Connection& c, const std::string& column,
                                       const std::string& value, std::int64_t max,
                                       std::int64_t windowUs, std::int64_t nowUs) {
  const std::string where = " FROM login_failures WHERE " + column + " = ? AND at_us > ?";
  std::int64_t count = 0;
  {
    Statement st(c, "SELECT COUNT(*)" + where);
    st.bind(1, value).bind(2, nowUs - windowUs);
    st.step();
    count = st.getInt(0);
  }
  if (count < max) return std::nullopt;
  Statement st(c, "SELECT at_us" + where + " ORDER BY at_us LIMIT 1 OFFSET ?");
  st.bind(1, value).bind(2, nowUs - windowUs).bind(3, count - max);
  if (!st.step()) return std::nullopt;
  std::int64_t untilUs = st.getInt(0) + windowUs;
  std::int64_t seconds = (untilUs - nowUs + 999999) / 1000000;
  return seconds < 1 ? 1 : seconds;
}

}  // namespace

std::int64_t createSession(Connection& c, const NewSession& s) {
  Statement st(c,
               "INSERT INTO sessions(user_id, secret_hash, created_us, last_seen_us, expires_us,"
               " address, user_agent) VALUES (?,?,?,?,?,?,?)");
  st.bind(1, s.userId)
      .bind(2, s.secretHash)
      .bind(3, s.nowUs)
      .bind(4, s.nowUs)
      .bind(5, s.expiresUs)
      .bind(6, s.address.substr(0, 100))
      .bind(7, s.userAgent.substr(0, 300))
      .run();
  return c.lastInsertId();
}

std::optional<ActiveSession> findActiveSession(Connection& c, const std::string& secretHash,
                                               std::int64_t nowUs, std::int64_t idleTimeoutUs) {
  Statement st(c,
               "SELECT s.id, s.user_id, s.created_us, s.last_seen_us, s.expires_us, s.revoked_us"
               " FROM sessions s JOIN users u ON u.id = s.user_id"
               " WHERE s.secret_hash = ? AND s.revoked_us IS NULL AND s.expires_us > ?"
               " AND s.last_seen_us + ? > ? AND u.disabled_at IS NULL");
  st.bind(1, secretHash).bind(2, nowUs).bind(3, idleTimeoutUs).bind(4, nowUs);
  if (!st.step()) return std::nullopt;
  ActiveSession active;
  active.session = readSession(st, 0);
  auto user = findUser(c, active.session.userId);
  if (!user) return std::nullopt;
  active.user = *user;
  return active;
}

void touchSession(Connection& c, std::int64_t sessionId, std::int64_t nowUs) {
  Statement st(c, "UPDATE sessions SET last_seen_us = ? WHERE id = ? AND last_seen_us < ?");
  st.bind(1, nowUs).bind(2, sessionId).bind(3, nowUs).run();
}

bool revokeSession(Connection& c, std::int64_t sessionId, std::int64_t nowUs) {
  Statement st(c, "UPDATE sessions SET revoked_us = ? WHERE id = ? AND revoked_us IS NULL");
  st.bind(1, nowUs).bind(2, sessionId).run();
  return c.changes() > 0;
}

void revokeSessionBySecretHash(Connection& c, const std::string& secretHash, std::int64_t nowUs) {
  Statement st(c,
               "UPDATE sessions SET revoked_us = ? WHERE secret_hash = ? AND revoked_us IS NULL");
  st.bind(1, nowUs).bind(2, secretHash).run();
}

void revokeUserSessions(Connection& c, std::int64_t nowUs, std::int64_t userId,
                        std::optional<std::int64_t> keep) {
  Statement st(c,
               "UPDATE sessions SET revoked_us = ? WHERE user_id = ? AND revoked_us IS NULL"
               " AND id <> ?");
  st.bind(1, nowUs).bind(2, userId).bind(3, keep.value_or(0)).run();
}

namespace {

// The failures of one e-mail from one address: after maxPerAccount of them within the
// window, each further attempt waits baseDelayUs after the last failure, doubled for every
// failure beyond the limit (capped at the window).
std::optional<std::int64_t> pairBlockedFor(Connection& c, const LoginLimits& limits,
                                           std::int64_t nowUs, const std::string& email,
                                           const std::string& address) {
  Statement st(c,
               "SELECT COUNT(*), MAX(at_us) FROM login_failures"
               " WHERE email = ? AND address = ? AND at_us > ?");
  st.bind(1, email).bind(2, address.substr(0, 100)).bind(3, nowUs - limits.windowUs);
  st.step();
  const std::int64_t count = st.getInt(0);
  if (count < limits.maxPerAccount || st.isNull(1)) return std::nullopt;
  std::int64_t delay = limits.baseDelayUs;
  for (std::int64_t i = limits.maxPerAccount; i < count && delay < limits.windowUs; ++i) delay *= 2;
  delay = std::min(delay, limits.windowUs);
  const std::int64_t untilUs = st.getInt(1) + delay;
  if (untilUs <= nowUs) return std::nullopt;
  return std::max<std::int64_t>(1, (untilUs - nowUs + 999999) / 1000000);
}

}  // namespace

std::optional<LoginBlock> loginBlocked(Connection& c, const LoginLimits& limits, std::int64_t nowUs,
                                       const std::string& email, const std::string& address) {
  std::optional<LoginBlock> block;
  if (auto s = pairBlockedFor(c, limits, nowUs, email, address)) {
    block = LoginBlock{*s, "account"};
  }
  if (auto s = blockedFor(c, "address", address, limits.maxPerAddress, limits.windowUs, nowUs)) {
    if (!block || *s > block->retryAfterSeconds) block = LoginBlock{*s, "address"};
  }
  return block;
}

void recordLoginFailure(Connection& c, std::int64_t nowUs, const std::string& email,
                        const std::string& address) {
  Statement st(c, "INSERT INTO login_failures(at_us, email, address) VALUES (?,?,?)");
  st.bind(1, nowUs).bind(2, email.substr(0, 320)).bind(3, address.substr(0, 100)).run();
}

void clearLoginFailures(Connection& c, const std::string& email, const std::string& address) {
  Statement st(c, "DELETE FROM login_failures WHERE email = ? AND address = ?");
  st.bind(1, email).bind(2, address.substr(0, 100)).run();
}

void pruneAuthRecords(Connection& c, const LoginLimits& limits, std::int64_t nowUs) {
  Statement failures(c, "DELETE FROM login_failures WHERE at_us <= ?");
  failures.bind(1, nowUs - limits.windowUs).run();
  Statement sessions(c,
                     "DELETE FROM sessions WHERE COALESCE(revoked_us, expires_us) < ?"
                     " OR expires_us < ?");
  sessions.bind(1, nowUs - kDayUs).bind(2, nowUs - kDayUs).run();
}

}  // namespace argan::db
