// Users and API tokens:
//   GET    /api/users          administrators: everyone (?start_up=ID); leads: their team
//   POST   /api/users          administrators: anyone; leads: members/leads of their start-up
//   PATCH  /api/users/{id}     display_name, role, start_up, disabled (within the actor's powers)
//   GET    /api/tokens         the caller's tokens (administrators: ?user=ID)
//   POST   /api/tokens         a new token for the caller (administrators: {"user": ID}), shown
//   once DELETE /api/tokens/{id}    revoke (one's own; administrators: anyone's)
// The rules live in db/user_store.h (authorizeUserCreation / authorizeUserUpdate) so every
// door applies the same ones. A user the caller may not see answers 404.
#include "common/error.h"
#include "common/password.h"
#include "db/user_store.h"
#include "server/http/endpoints.h"
#include "server/http/authentication.h"
#include "server/json/json_fields.h"
#include "server/http/request_context.h"
#include "server/json/user_json.h"

namespace argan::server {
namespace {

std::int64_t idParam(RequestContext& ctx, const char* what) {
  return ctx.positiveIdParam("id", what);
}

db::Role roleField(const JsonFields& body) {
  std::string text = body.reqString("role", 20);
  auto role = db::parseRole(text);
  if (!role) {
    throw invalidArgument("role must be admin, lead, member or partner", {{"field", "role"}});
  }
  return *role;
}

Poco::JSON::Object::Ptr listBody(const Poco::JSON::Array::Ptr& items) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("items", items);
  out->set("total", static_cast<std::int64_t>(items->size()));
  return out;
}

void listUsersHandler(RequestContext& ctx) {
  const db::Principal& who = ctx.principal();
  std::optional<std::int64_t> startUp = ctx.queryInt("start_up");
  if (!who.isAdmin()) {
    if (who.role != db::Role::Lead) {
      throw permissionDenied("only administrators and start-up leads list users");
    }
    if (startUp && startUp != who.startUpId) {
      throw permissionDenied("a lead lists the users of their own start-up only",
                             {{"field", "start_up"}});
    }
    startUp = who.startUpId;
  }
  auto users = ctx.runtime().db.read([&](db::Connection& c) { return db::listUsers(c, startUp); });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& u : users) items->add(userJson(u, who.isAdmin()));
  ctx.sendJson(200, listBody(items));
}

void createUserHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"email", "display_name", "role", "start_up", "password"});
  const db::Principal& who = ctx.principal();
  db::NewUser user;
  user.email = body.reqString("email", 254);
  user.displayName = body.optString("display_name", 200).value_or("");
  user.role = roleField(body);
  user.startUpId = body.optInt("start_up");
  if (!user.startUpId && who.role == db::Role::Lead &&
      (user.role == db::Role::Member || user.role == db::Role::Lead)) {
    user.startUpId = who.startUpId;
  }
  authorizeUserCreation(who, user);
  std::optional<std::string> password = body.optString("password", kMaxPasswordLength);
  std::optional<std::string> generated;
  if (password) {
    checkPasswordPolicy(*password, "password");
  } else {
    generated = randomHex(12);
    password = generated;
  }
  // Someone else knows this password: the user must choose their own at first sign-in.
  user.mustChangePassword = true;
  user.passwordHash = hashPassword(*password, ctx.runtime().config.passwordIterations);
  auto created = ctx.runtime().db.write(
      [&](db::Connection& c) { return db::createUser(c, ctx.runtime().clock, who, user); });
  Poco::JSON::Object::Ptr out = userJson(created, who.isAdmin());
  if (generated) out->set("one_time_password", *generated);
  ctx.sendJson(201, out);
}

void updateUserHandler(RequestContext& ctx) {
  std::int64_t id = idParam(ctx, "user");
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"display_name", "role", "start_up", "disabled"});
  db::UserUpdate change;
  change.displayName = body.optString("display_name", 200);
  if (body.has("role")) change.role = roleField(body);
  change.startUpId = body.optInt("start_up");
  change.disabled = body.optBool("disabled");
  const db::Principal& who = ctx.principal();
  auto updated = ctx.runtime().db.write([&](db::Connection& c) {
    auto target = db::findUser(c, id);
    if (!target || !db::canSeeUser(who, *target)) throw notFound("no user " + std::to_string(id));
    db::authorizeUserUpdate(who, *target, change);
    return db::updateUser(c, ctx.runtime().clock, who, id, change);
  });
  ctx.sendJson(200, userJson(updated, who.isAdmin()));
}

// The user whose tokens a request is about: the caller, or (administrators) `requested`.
db::User tokenOwner(RequestContext& ctx, std::optional<std::int64_t> requested) {
  const db::Principal& who = ctx.principal();
  std::int64_t id = who.userId;
  if (requested && *requested != who.userId) {
    if (!who.isAdmin()) {
      throw permissionDenied("only administrators manage other users' tokens", {{"field", "user"}});
    }
    id = *requested;
  }
  auto user = ctx.runtime().db.read([&](db::Connection& c) { return db::findUser(c, id); });
  if (!user) throw notFound("no user " + std::to_string(id), {{"field", "user"}});
  return *user;
}

void listTokensHandler(RequestContext& ctx) {
  db::User owner = tokenOwner(ctx, ctx.queryInt("user"));
  auto tokens =
      ctx.runtime().db.read([&](db::Connection& c) { return db::listApiTokens(c, owner.id); });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& t : tokens) items->add(tokenJson(t));
  ctx.sendJson(200, listBody(items));
}

void createTokenHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"label", "user"});
  std::string label = body.optString("label", 100).value_or("");
  db::User owner = tokenOwner(ctx, body.optInt("user"));
  if (owner.disabled()) {
    throw failedPrecondition(owner.email + " is disabled; enable the account first",
                             {{"field", "user"}});
  }
  const std::string token = newApiToken();
  auto created = ctx.runtime().db.write([&](db::Connection& c) {
    std::int64_t id = db::createApiToken(c, ctx.runtime().clock, ctx.principal(), owner.id,
                                         tokenDigest(token), label);
    return *db::findApiToken(c, id);
  });
  Poco::JSON::Object::Ptr out = tokenJson(created);
  out->set("token", token);  // shown once; only its SHA-256 is stored
  ctx.sendJson(201, out);
}

void revokeTokenHandler(RequestContext& ctx) {
  std::int64_t id = idParam(ctx, "token");
  const db::Principal& who = ctx.principal();
  ctx.runtime().db.write([&](db::Connection& c) {
    auto token = db::findApiToken(c, id);
    if (!token || (token->userId != who.userId && !who.isAdmin())) {
      throw notFound("no token " + std::to_string(id));
    }
    if (token->revokedAt) {
      throw failedPrecondition("token " + std::to_string(id) + " is already revoked");
    }
    db::revokeApiToken(c, ctx.runtime().clock, who, token->userId, id);
  });
  ctx.sendNoContent();
}

}  // namespace

void addUserEndpoints(Router& router) {
  router.add({"GET", "/api/users", Access::StartUpMember, listUsersHandler,
              "users: administrators see everyone (?start_up=ID), leads their team"});
  router.add({"POST", "/api/users", Access::StartUpMember, createUserHandler,
              "add a user {email, role, start_up?, display_name?, password?}; one-time password"});
  router.add({"PATCH", "/api/users/{id}", Access::Authenticated, updateUserHandler,
              "change a user {display_name?, role?, start_up?, disabled?}"});
  router.add({"GET", "/api/tokens", Access::Authenticated, listTokensHandler,
              "the caller's API tokens (administrators: ?user=ID)"});
  router.add({"POST", "/api/tokens", Access::Authenticated, createTokenHandler,
              "a new API token {label?, user? (administrators)}; the token is shown once"});
  router.add({"DELETE", "/api/tokens/{id}", Access::Authenticated, revokeTokenHandler,
              "revoke an API token"});
}

}  // namespace argan::server
