// Browser sessions and sign-in throttling (tables from migration 0002).
//
// A session is identified by a random secret held in the browser's cookie; only its SHA-256
// (`secretHash`) is stored. A session is usable while it is not revoked, not idle for longer
// than the idle timeout, not past its absolute expiry, and its user is not disabled.
// Failed sign-ins are recorded per e-mail (whether an account exists or not) and per client
// address, and counted in a sliding window. Times are microseconds since the epoch (UTC).
// All functions take a Connection; writers must be called inside Database::write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/sqlite.h"
#include "db/user_store.h"

namespace argan::db {

struct Session {
  std::int64_t id = 0;
  std::int64_t userId = 0;
  std::int64_t createdUs = 0;
  std::int64_t lastSeenUs = 0;
  std::int64_t expiresUs = 0;  // absolute end
  std::optional<std::int64_t> revokedUs;
};

struct NewSession {
  std::int64_t userId = 0;
  std::string secretHash;
  std::int64_t nowUs = 0;
  std::int64_t expiresUs = 0;
  std::string address;    // client address, for the user's own list (truncated to 100)
  std::string userAgent;  // truncated to 300
};

// Stores a session; returns its id.
std::int64_t createSession(Connection& c, const NewSession& session);

struct ActiveSession {
  Session session;
  User user;
};

// The usable session with this secret hash at `nowUs` with the given idle timeout, and its
// user; nullopt when unknown, revoked, idle too long, expired, or the user is disabled.
std::optional<ActiveSession> findActiveSession(Connection& c, const std::string& secretHash,
                                               std::int64_t nowUs, std::int64_t idleTimeoutUs);

// Records activity (last_seen_us = nowUs).
void touchSession(Connection& c, std::int64_t sessionId, std::int64_t nowUs);

// Ends one session; false if it was already revoked or does not exist.
bool revokeSession(Connection& c, std::int64_t sessionId, std::int64_t nowUs);

// Ends the session with this secret hash, if it is still open.
void revokeSessionBySecretHash(Connection& c, const std::string& secretHash, std::int64_t nowUs);

// Ends every session of a user except `keep`.
void revokeUserSessions(Connection& c, std::int64_t nowUs, std::int64_t userId,
                        std::optional<std::int64_t> keep);

// --- Sign-in throttling ---

// Throttling never lets an outsider lock someone else out (docs/threat-model.md, "Sign-in"):
// failures count per e-mail *and* client address together, so wrong passwords typed from an
// attacker's address slow that address's attempts on that account only; the account's owner,
// from their own address, is not delayed. Beyond maxPerAccount failures of one pair within
// the window, each attempt waits baseDelayUs after the last failure, doubled per further
// failure (30 s, 1 min, 2 min... at most the window). An address is also stopped after
// maxPerAddress failures on any e-mails (password spraying).
struct LoginLimits {
  std::int64_t windowUs = 15LL * 60 * 1000000;
  std::int64_t maxPerAccount = 5;   // failures per (e-mail, address) within the window
  std::int64_t maxPerAddress = 20;  // failures per client address within the window
  std::int64_t baseDelayUs = 30LL * 1000000;  // the first delay beyond maxPerAccount
};

// When sign-in for (email, address) is blocked at `nowUs`: the number of seconds until one
// more attempt is let through (>= 1), and which limit applies ("account": this e-mail from
// this address, or "address"). nullopt when not blocked.
struct LoginBlock {
  std::int64_t retryAfterSeconds = 1;
  std::string limit;
};
std::optional<LoginBlock> loginBlocked(Connection& c, const LoginLimits& limits, std::int64_t nowUs,
                                       const std::string& email, const std::string& address);

void recordLoginFailure(Connection& c, std::int64_t nowUs, const std::string& email,
                        const std::string& address);

// Forgets the failures of an e-mail from an address (after a successful sign-in there).
void clearLoginFailures(Connection& c, const std::string& email, const std::string& address);

// Deletes failures older than the window and sessions that ended more than a day ago.
void pruneAuthRecords(Connection& c, const LoginLimits& limits, std::int64_t nowUs);

}  // namespace argan::db
