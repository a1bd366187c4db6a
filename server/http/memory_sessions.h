// Sign-in while the database cannot be written (a read-only file, a full disk, a failing or
// replaced file): sessions are then kept in memory, so people can still sign in and read.
//
// A memory session behaves like a stored one (same cookie, CSRF token, idle and absolute
// expiry) but ends at a restart. Its audit entries (login, logout) and the sign-in failures
// counted meanwhile wait here and are written when the database takes writes again
// (flush(): called on every sign-in and by authentication, best effort), with the time they
// happened. Sign-outs of stored sessions that could not be written are remembered here too,
// so a signed-out cookie never works again in this process.
//
// Memory sessions have negative ids (stored ones are positive). Threads: every method is
// thread-safe (one mutex); bounded to kMaxSessions sessions and kMaxPending waiting entries
// (the oldest go first).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/audit.h"
#include "db/database.h"
#include "db/session_store.h"

namespace argan::server {

class MemorySessions {
 public:
  static constexpr std::size_t kMaxSessions = 10000;
  static constexpr std::size_t kMaxPending = 10000;

  struct Session {
    std::int64_t id = 0;  // negative
    std::int64_t userId = 0;
    std::string secretHash;
    std::int64_t createdUs = 0;
    std::int64_t lastSeenUs = 0;
    std::int64_t expiresUs = 0;
    std::string address;
  };

  // A new memory session; returns its (negative) id.
  std::int64_t create(const db::NewSession& session);
  // The usable session with this secret hash (not revoked, idle at most idleUs, not expired);
  // records activity.
  std::optional<Session> find(const std::string& secretHash, std::int64_t nowUs,
                              std::int64_t idleUs);
  // Ends a memory session (id < 0) or marks a stored one (id > 0) as signed out here.
  void revoke(std::int64_t sessionId);
  void revokeBySecretHash(const std::string& secretHash);
  bool revokedStored(std::int64_t sessionId) const;

  // An audit entry to append when the database can be written (at `atUs`).
  void deferAudit(const db::Principal& actor, const db::AuditEvent& event, std::int64_t atUs);
  // Sign-in failures counted while they could not be stored (the rule of db::loginBlocked).
  void recordFailure(std::int64_t nowUs, const std::string& email, const std::string& address);
  std::optional<db::LoginBlock> blocked(const db::LoginLimits& limits, std::int64_t nowUs,
                                        const std::string& email, const std::string& address);
  void clearFailures(const std::string& email, const std::string& address);

  // Writes what waits (audit entries, failures) if the database takes it now; returns false
  // when something still waits.
  bool flush(db::Database& database);
  std::size_t pending() const;

 private:
  struct DeferredAudit {
    db::Principal actor;
    db::AuditEvent event;
    std::int64_t atUs = 0;
  };
  struct Failure {
    std::int64_t atUs = 0;
    std::string email;
    std::string address;
  };

  mutable std::mutex mutex_;
  std::int64_t nextId_ = -1;
  std::map<std::string, Session> sessions_;  // by secret hash
  std::set<std::int64_t> revokedStored_;
  std::deque<DeferredAudit> audit_;
  std::deque<Failure> failures_;       // not yet stored
  std::deque<Failure> failureWindow_;  // counted for throttling (stored or not)
};

}  // namespace argan::server
