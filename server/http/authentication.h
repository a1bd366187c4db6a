// Who is calling: turns request credentials into a db::Principal, and the rules that come
// with the kind of credential.
//
// Credentials, in order:
//   `Authorization: Bearer <token>` — an API token (stored hashed; revocable). Exempt from
//       CSRF checks (a browser never adds this header on its own).
//   Cookie `argan_session=<secret>` — a browser session (db/session_store.h). Its CSRF token
//       is derived from the secret (csrfTokenFor) and must come back in the X-CSRF-Token
//       header on every POST/PATCH/PUT/DELETE.
//   none — the anonymous principal, which sees only public records.
// Bad, revoked or expired credentials are an error (401), never a silent fall-back to
// anonymous. Thread-safe (state lives in the database).
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <optional>
#include <string>

#include "db/access.h"
#include "server/http/router.h"
#include "server/core/runtime.h"

namespace argan::server {

constexpr const char* kSessionCookieName = "argan_session";
constexpr const char* kCsrfHeader = "X-CSRF-Token";

enum class CredentialKind { None, ApiToken, Session };

struct Authentication {
  db::Principal principal;  // anonymous when kind == None
  CredentialKind kind = CredentialKind::None;
  std::optional<std::int64_t> sessionId;  // for sessions
  std::string csrfToken;                  // for sessions: what X-CSRF-Token must carry
  std::int64_t sessionExpiresUs = 0;      // for sessions: the absolute end
  bool mustChangePassword = false;        // the user may only change their password
};

// Authenticates a request. Throws argan::Error(Unauthenticated) for malformed, unknown,
// revoked or expired credentials. A session's last activity is recorded (at most once a
// minute, so reads do not queue behind the writer).
Authentication authenticateRequest(const Poco::Net::HTTPServerRequest& request, Runtime& runtime);

// What the HTTP front door calls for a matched route: authenticateRequest, except that
// sign-in routes (SessionRule::SignIn) ignore every credential; when the session cookie
// names an ended session, the error answer also tells the browser to forget the cookie (so
// its next request is anonymous rather than another 401).
Authentication authenticateForEndpoint(const Endpoint& route, const Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response, Runtime& runtime);

// Set-Cookie values: the session cookie (HttpOnly; SameSite=Strict; Path=/, and Secure when
// config.secureCookies), and the same cookie emptied with Max-Age=0.
std::string sessionCookieHeader(const std::string& secret, const AppConfig& config);
std::string clearedSessionCookieHeader(const AppConfig& config);

// The principal only (for callers that do not care how it was authenticated).
db::Principal authenticate(const Poco::Net::HTTPServerRequest& request, Runtime& runtime);

// The per-request rules that depend on the credential, after the route's access rule:
//   CSRF: a session-authenticated POST/PATCH/PUT/DELETE without the right X-CSRF-Token
//         header -> PermissionDenied (details reason=csrf);
//   one-time password: a user who must change their password may only use routes marked
//         SessionRule::PasswordChange -> PermissionDenied (details reason=password_change).
void enforceCredentialRules(const Endpoint& route, const Poco::Net::HTTPServerRequest& request,
                            const Authentication& auth);

// A new API token: "argan_" followed by 64 hex characters (256 random bits).
std::string newApiToken();

// What the database stores for a token (and for a session secret).
std::string tokenDigest(const std::string& token);

// A new session secret (64 hex characters, 256 random bits) and its CSRF token (a one-way
// derivation, so the database stores neither).
std::string newSessionSecret();
std::string csrfTokenFor(const std::string& sessionSecret);

// The session secret from the request's Cookie header, if one is present.
std::optional<std::string> sessionCookie(const Poco::Net::HTTPServerRequest& request);

// Constant-time string comparison (for secrets).
bool secretsEqual(const std::string& a, const std::string& b);

}  // namespace argan::server
