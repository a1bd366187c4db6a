#include "server/http/authentication.h"

#include <Poco/Net/NameValueCollection.h>

#include "common/digest.h"
#include "common/error.h"
#include "common/password.h"
#include "db/session_store.h"
#include "db/user_store.h"
#include "server/http/memory_sessions.h"

namespace argan::server {
namespace {

// Session and token activity is recorded at most this often (a write per request would
// serialise reads behind the single writer).
constexpr std::int64_t kTouchIntervalUs = 60LL * 1000000;

bool isLowerHex(const std::string& s) {
  for (char ch : s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

bool isStateChanging(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Error sessionEnded() {
  return unauthenticated(
      "your session has ended (signed out, idle for too long, or expired); sign in again",
      {{"reason", "session_ended"}});
}

}  // namespace

std::string newApiToken() {
  return "argan_" + randomHex(32);
}

std::string tokenDigest(const std::string& token) {
  return sha256Hex(token);
}

std::string newSessionSecret() {
  return randomHex(32);
}

std::string csrfTokenFor(const std::string& sessionSecret) {
  return sha256Hex("argan-csrf\x1f" + sessionSecret);
}

bool secretsEqual(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::optional<std::string> sessionCookie(const Poco::Net::HTTPServerRequest& request) {
  if (!request.has("Cookie")) return std::nullopt;
  Poco::Net::NameValueCollection cookies;
  request.getCookies(cookies);
  if (!cookies.has(kSessionCookieName)) return std::nullopt;
  return cookies.get(kSessionCookieName);
}

Authentication authenticateRequest(const Poco::Net::HTTPServerRequest& request,
                                   Runtime& runtime) {
  Authentication auth;
  // Audit entries of sign-ins made while the database could not be written.
  if (runtime.sessions && runtime.sessions->pending() > 0) runtime.sessions->flush(runtime.db);
  if (request.has("Authorization")) {
    const std::string& header = request.get("Authorization");
    const std::string prefix = "Bearer ";
    if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) {
      throw unauthenticated("the Authorization header must be \"Bearer <token>\"");
    }
    std::string token = header.substr(prefix.size());
    while (!token.empty() && token.back() == ' ') token.pop_back();
    if (token.size() > 200) throw unauthenticated("invalid or revoked API token");
    auto found = runtime.db.read(
        [&](db::Connection& c) { return db::findActiveToken(c, tokenDigest(token)); });
    if (!found) throw unauthenticated("invalid or revoked API token");
    const std::int64_t now = runtime.clock.nowMicros();
    const std::string recent = isoFromMicros(now - kTouchIntervalUs);
    if (!found->token.lastUsedAt || *found->token.lastUsedAt < recent) {
      // A stamp, not a condition: a read-only or full disk, or a busy writer, skips it.
      runtime.db.tryWrite(
          [&](db::Connection& c) { db::touchApiToken(c, found->token.id, isoFromMicros(now)); });
    }
    auth.principal = found->user.principal();
    auth.kind = CredentialKind::ApiToken;
    auth.mustChangePassword = found->user.mustChangePassword;
    return auth;
  }

  auto secret = sessionCookie(request);
  if (!secret) return auth;
  if (secret->size() != 64 || !isLowerHex(*secret)) throw sessionEnded();
  const std::int64_t now = runtime.clock.nowMicros();
  const std::int64_t idleUs =
      static_cast<std::int64_t>(runtime.config.sessionIdleTimeoutSeconds) * 1000000;
  const std::string hash = tokenDigest(*secret);
  auto active = runtime.db.read(
      [&](db::Connection& c) { return db::findActiveSession(c, hash, now, idleUs); });
  if (active && runtime.sessions && runtime.sessions->revokedStored(active->session.id)) {
    active.reset();  // signed out while the database could not record it
  }
  if (!active && runtime.sessions) {
    // A session made while the database could not be written.
    if (auto memory = runtime.sessions->find(hash, now, idleUs)) {
      auto user = runtime.db.read([&](db::Connection& c) { return db::findUser(c, memory->userId); });
      if (user && !user->disabled()) {
        db::ActiveSession from;
        from.session.id = memory->id;
        from.session.userId = memory->userId;
        from.session.createdUs = memory->createdUs;
        from.session.lastSeenUs = memory->lastSeenUs;
        from.session.expiresUs = memory->expiresUs;
        from.user = *user;
        active = from;
      }
    }
  }
  if (!active) throw sessionEnded();
  if (active->session.id > 0 && now - active->session.lastSeenUs >= kTouchIntervalUs) {
    // Activity is recorded when the database takes it; a read-only or full disk, or a busy
    // writer, skips it (the idle timeout then counts from the last recorded activity).
    runtime.db.tryWrite(
        [&](db::Connection& c) { db::touchSession(c, active->session.id, now); });
  }
  auth.principal = active->user.principal();
  auth.kind = CredentialKind::Session;
  auth.sessionId = active->session.id;
  auth.csrfToken = csrfTokenFor(*secret);
  auth.sessionExpiresUs = active->session.expiresUs;
  auth.mustChangePassword = active->user.mustChangePassword;
  return auth;
}

Authentication authenticateForEndpoint(const Endpoint& route, const Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response, Runtime& runtime) {
  if (route.session == SessionRule::SignIn) return Authentication{};
  try {
    return authenticateRequest(request, runtime);
  } catch (const Error& e) {
    auto reason = e.details().find("reason");
    if (reason != e.details().end() &&
        reason->second == DetailValue(std::string("session_ended"))) {
      response.add("Set-Cookie", clearedSessionCookieHeader(runtime.config));
    }
    throw;
  }
}

std::string sessionCookieHeader(const std::string& secret, const AppConfig& config) {
  return std::string(kSessionCookieName) + "=" + secret + "; HttpOnly; SameSite=Strict; Path=/" +
         (config.secureCookies ? "; Secure" : "");
}

std::string clearedSessionCookieHeader(const AppConfig& config) {
  return sessionCookieHeader("", config) + "; Max-Age=0";
}

db::Principal authenticate(const Poco::Net::HTTPServerRequest& request, Runtime& runtime) {
  return authenticateRequest(request, runtime).principal;
}

void enforceCredentialRules(const Endpoint& route, const Poco::Net::HTTPServerRequest& request,
                            const Authentication& auth) {
  if (route.session == SessionRule::SignIn) return;
  if (auth.kind == CredentialKind::Session && isStateChanging(request.getMethod())) {
    const std::string sent = request.get(kCsrfHeader, "");
    if (sent.empty() || !secretsEqual(sent, auth.csrfToken)) {
      throw permissionDenied(
          std::string(sent.empty() ? "missing" : "wrong") +
              " X-CSRF-Token header: a browser request that changes data must send the "
              "token of its session; reload the page and try again",
          {{"reason", "csrf"}});
    }
  }
  if (auth.mustChangePassword && route.session != SessionRule::PasswordChange) {
    throw permissionDenied(
        "you must change your one-time password before doing anything else: "
        "choose a new password of at least 10 characters",
        {{"reason", "password_change"}});
  }
}

}  // namespace argan::server
