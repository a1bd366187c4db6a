// Browser sessions:
//   POST   /api/session           sign in {"email","password"} -> session body + cookie
//   GET    /api/session           the current session (or 401)
//   DELETE /api/session           sign out (the session is revoked server-side)
//   POST   /api/session/password  change one's password {"current_password","new_password"}
//
// Session body: {"user": {id, email, display_name, role, start_up}, "csrf_token",
// "must_change_password", "expires_at", "idle_timeout_s", "credential"}.
// Sign-in failures answer one generic 401 whether or not the account exists (an unknown
// e-mail is checked against an unmatchable hash of the same cost), and are throttled per
// e-mail and client address together, with a growing delay, and per address (429 with
// Retry-After; db/session_store.h): nobody can lock another person out. While the database
// cannot be written (read-only file, full disk), sign-in still works: the session is held in
// memory (http/memory_sessions.h) and its audit entry is written once the database takes
// writes.
#include "common/error.h"
#include "common/password.h"
#include "db/audit.h"
#include "db/session_store.h"
#include "db/user_store.h"
#include "server/http/endpoints.h"
#include "server/http/memory_sessions.h"
#include "server/http/authentication.h"
#include "server/json/json_fields.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

db::LoginLimits loginLimits(const AppConfig& config) {
  db::LoginLimits limits;
  limits.windowUs = static_cast<std::int64_t>(config.loginWindowSeconds) * 1000000;
  limits.maxPerAccount = config.loginMaxFailuresPerAccount;
  limits.maxPerAddress = config.loginMaxFailuresPerAddress;
  return limits;
}

std::string clientAddress(RequestContext& ctx) {
  return ctx.request().clientAddress().host().toString();
}

Poco::JSON::Object::Ptr sessionUserJson(const db::User& u) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", u.id);
  o->set("email", u.email);
  o->set("display_name", u.displayName);
  o->set("role", db::roleName(u.role));
  if (u.startUpId) {
    o->set("start_up", *u.startUpId);
  } else {
    o->set("start_up", Poco::Dynamic::Var());
  }
  return o;
}

// The session body; `auth` describes the credential (a session or an API token).
Poco::JSON::Object::Ptr sessionBody(const db::User& user, const Authentication& auth,
                                    const AppConfig& config) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("user", sessionUserJson(user));
  const bool session = auth.kind == CredentialKind::Session;
  if (session) {
    o->set("csrf_token", auth.csrfToken);
  } else {
    o->set("csrf_token", Poco::Dynamic::Var());
  }
  o->set("must_change_password", user.mustChangePassword);
  if (session) {
    o->set("expires_at", isoFromMicros(auth.sessionExpiresUs));
    o->set("idle_timeout_s", config.sessionIdleTimeoutSeconds);
  }
  o->set("credential", session ? "session" : "api_token");
  return o;
}

// The database refuses writes for a reason that outlasts a retry (not a busy writer).
bool cannotBeWritten(const Error& e) {
  if (e.code() != ErrorCode::Unavailable) return false;
  auto cause = e.details().find("cause");
  return cause != e.details().end() && cause->second != DetailValue(std::string("busy"));
}

Error tooManyAttempts(const db::LoginBlock& block) {
  return Error(ErrorCode::ResourceExhausted,
               "too many failed sign-in attempts; try again in " +
                   std::to_string(block.retryAfterSeconds) + " seconds",
               {{"retry_after_s", block.retryAfterSeconds}});
}

db::User currentUser(RequestContext& ctx) {
  auto user = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findUser(c, ctx.principal().userId); });
  if (!user) throw unauthenticated("sign in or send an API token to use this endpoint");
  return *user;
}

void signIn(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"email", "password"});
  const std::string email = body.reqString("email", 320);
  const std::string password = body.reqString("password", kMaxPasswordLength);
  Runtime& runtime = ctx.runtime();
  const AppConfig& config = runtime.config;
  const db::LoginLimits limits = loginLimits(config);
  const std::string address = clientAddress(ctx);
  const std::int64_t now = runtime.clock.nowMicros();

  MemorySessions* memory = runtime.sessions;
  if (memory) memory->flush(runtime.db);
  auto block = runtime.db.read(
      [&](db::Connection& c) { return db::loginBlocked(c, limits, now, email, address); });
  if (!block && memory) block = memory->blocked(limits, now, email, address);
  if (block) throw tooManyAttempts(*block);

  auto user = runtime.db.read([&](db::Connection& c) { return db::findUserByEmail(c, email); });
  bool accepted = false;
  if (user && !user->passwordHash.empty()) {
    accepted = verifyPassword(password, user->passwordHash) && !user->disabled();
  } else {
    verifyPassword(password, unmatchableHash(config.passwordIterations));
  }
  if (!accepted) {
    bool stored = runtime.db.tryWrite(
        [&](db::Connection& c) { db::recordLoginFailure(c, now, email, address); },
        std::chrono::milliseconds(2000));
    if (!stored && memory) memory->recordFailure(now, email, address);
    throw unauthenticated("the e-mail or password is incorrect", {{"reason", "bad_credentials"}});
  }

  // Re-hash at the configured cost when the stored hash is cheaper (outside the write lock).
  std::optional<std::string> upgraded;
  if (passwordHashIterations(user->passwordHash) < config.passwordIterations) {
    upgraded = hashPassword(password, config.passwordIterations);
  }
  const std::string secret = newSessionSecret();
  const std::optional<std::string> previous = sessionCookie(ctx.request());
  Authentication auth;
  auth.kind = CredentialKind::Session;
  auth.csrfToken = csrfTokenFor(secret);
  auth.sessionExpiresUs =
      now + static_cast<std::int64_t>(config.sessionAbsoluteTimeoutSeconds) * 1000000;
  db::NewSession session;
  session.userId = user->id;
  session.secretHash = tokenDigest(secret);
  session.nowUs = now;
  session.expiresUs = auth.sessionExpiresUs;
  session.address = address;
  session.userAgent = ctx.request().get("User-Agent", "");
  try {
    runtime.db.write([&](db::Connection& c) {
      db::clearLoginFailures(c, email, address);
      if (upgraded) db::upgradePasswordHash(c, user->id, *upgraded);
      if (previous) db::revokeSessionBySecretHash(c, tokenDigest(*previous), now);
      auth.sessionId = db::createSession(c, session);
      db::appendAudit(c, runtime.clock, user->principal(),
                      {"login", "user", std::to_string(user->id), std::nullopt, std::nullopt,
                       "browser session " + std::to_string(*auth.sessionId) + " from " +
                           address});
      db::pruneAuthRecords(c, limits, now);
    });
  } catch (const Error& e) {
    if (!memory || !cannotBeWritten(e)) throw;
    // The database cannot take the session now: keep it in memory (until a restart), and
    // its audit entry until the database can take it.
    if (previous) memory->revokeBySecretHash(tokenDigest(*previous));
    memory->clearFailures(email, address);
    auth.sessionId = memory->create(session);
    memory->deferAudit(user->principal(),
                       {"login", "user", std::to_string(user->id), std::nullopt, std::nullopt,
                        "browser session held in memory (the database could not be written: " +
                            std::string(e.what()) + ") from " + address},
                       now);
  }
  ctx.response().add("Set-Cookie", sessionCookieHeader(secret, config));
  ctx.sendJson(200, sessionBody(*user, auth, config));
}

void getSession(RequestContext& ctx) {
  ctx.sendJson(200, sessionBody(currentUser(ctx), ctx.authentication(), ctx.runtime().config));
}

void signOut(RequestContext& ctx) {
  const Authentication& auth = ctx.authentication();
  if (auth.kind != CredentialKind::Session || !auth.sessionId) {
    throw invalidArgument(
        "this request has no browser session to end; an API token is revoked "
        "from the account's token list instead",
        {{"reason", "no_session"}});
  }
  Runtime& runtime = ctx.runtime();
  db::AuditEvent logout{"logout", "user", std::to_string(ctx.principal().userId), std::nullopt,
                        std::nullopt, "browser session " + std::to_string(*auth.sessionId)};
  MemorySessions* memory = runtime.sessions;
  if (*auth.sessionId < 0 && memory) {
    memory->revoke(*auth.sessionId);
    memory->deferAudit(ctx.principal(), logout, runtime.clock.nowMicros());
    memory->flush(runtime.db);
  } else {
    try {
      runtime.db.write([&](db::Connection& c) {
        if (db::revokeSession(c, *auth.sessionId, runtime.clock.nowMicros())) {
          db::appendAudit(c, runtime.clock, ctx.principal(), logout);
        }
      });
    } catch (const Error& e) {
      if (!memory || !cannotBeWritten(e)) throw;
      // Signed out here at once; written down when the database takes writes again.
      memory->revoke(*auth.sessionId);
      memory->deferAudit(ctx.principal(), logout, runtime.clock.nowMicros());
    }
  }
  ctx.response().add("Set-Cookie", clearedSessionCookieHeader(runtime.config));
  ctx.sendNoContent();
}

void changePassword(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"current_password", "new_password"});
  const std::string current = body.reqString("current_password", kMaxPasswordLength);
  const std::string next = body.reqString("new_password", kMaxPasswordLength);
  Runtime& runtime = ctx.runtime();
  const AppConfig& config = runtime.config;
  db::User user = currentUser(ctx);
  const db::LoginLimits limits = loginLimits(config);
  const std::string address = clientAddress(ctx);
  const std::int64_t now = runtime.clock.nowMicros();
  auto block = runtime.db.read(
      [&](db::Connection& c) { return db::loginBlocked(c, limits, now, user.email, address); });
  if (block) throw tooManyAttempts(*block);
  if (user.passwordHash.empty() || !verifyPassword(current, user.passwordHash)) {
    runtime.db.write(
        [&](db::Connection& c) { db::recordLoginFailure(c, now, user.email, address); });
    throw invalidArgument("the current password is incorrect", {{"field", "current_password"}});
  }
  checkPasswordPolicy(next, "new_password");
  if (next == current) {
    throw invalidArgument("the new password must differ from the current one",
                          {{"field", "new_password"}});
  }
  const std::string hash = hashPassword(next, config.passwordIterations);
  const Authentication& auth = ctx.authentication();
  runtime.db.write([&](db::Connection& c) {
    db::setUserPassword(c, runtime.clock, ctx.principal(), user.id, hash, false, auth.sessionId);
    db::clearLoginFailures(c, user.email, address);
  });
  user.mustChangePassword = false;
  ctx.sendJson(200, sessionBody(user, auth, config));
}

}  // namespace

void addSessionEndpoints(Router& router) {
  router.add({"POST", "/api/session", Access::Public, signIn,
              "sign in {email, password}: session cookie + CSRF token", SessionRule::SignIn});
  router.add({"GET", "/api/session", Access::Authenticated, getSession,
              "the current session (user, csrf_token, must_change_password)",
              SessionRule::PasswordChange});
  router.add({"DELETE", "/api/session", Access::Authenticated, signOut,
              "sign out: the session is revoked server-side", SessionRule::PasswordChange});
  router.add({"POST", "/api/session/password", Access::Authenticated, changePassword,
              "change one's password {current_password, new_password}",
              SessionRule::PasswordChange});
}

}  // namespace argan::server
