#include "db/user_store.h"

#include "common/error.h"
#include "common/password.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/row_snapshot.h"
#include "db/session_store.h"
#include "db/start_up_store.h"

namespace argan::db {
namespace {

constexpr const char* kSelect =
    "SELECT u.id, u.email, u.display_name, u.role, u.start_up_id,"
    " COALESCE(u.password_hash, ''), u.created_at, u.disabled_at, u.must_change_password,"
    " u.password_changed_at, u.claimed_email FROM users u";

User readUser(Statement& st) {
  User u;
  u.id = st.getInt(0);
  u.email = st.getText(1);
  u.displayName = st.getText(2);
  u.role = parseRole(st.getText(3)).value_or(Role::Member);
  u.startUpId = st.getOptionalInt(4);
  u.passwordHash = st.getText(5);
  u.createdAt = st.getText(6);
  u.disabledAt = st.getOptionalText(7);
  u.mustChangePassword = st.getInt(8) != 0;
  u.passwordChangedAt = st.getOptionalText(9);
  u.claimedEmail = st.getOptionalText(10);
  return u;
}

// The audit copy of a user row never carries the password hash.
std::optional<std::string> userSnapshot(Connection& c, std::int64_t id) {
  return snapshotRow(c, "users", id, {"password_hash"});
}

}  // namespace

Principal User::principal() const {
  Principal p;
  p.userId = id;
  p.role = role;
  if (role == Role::Lead || role == Role::Member) p.startUpId = startUpId;
  p.email = email;
  return p;
}

bool isPlausibleEmail(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= email.size()) return false;
  if (email.find('@', at + 1) != std::string::npos) return false;
  if (email.size() > 254) return false;
  for (unsigned char ch : email) {
    if (ch <= 0x20 || ch >= 0x7F) return false;
  }
  return email.find('.', at) != std::string::npos;
}

User createUser(Connection& c, const Clock& clock, const Principal& actor, const NewUser& u) {
  if (!isPlausibleEmail(u.email)) {
    throw invalidArgument("'" + u.email + "' is not a valid e-mail address", {{"field", "email"}});
  }
  bool needsStartUp = u.role == Role::Lead || u.role == Role::Member;
  if (needsStartUp && !u.startUpId) {
    throw invalidArgument(std::string("a ") + roleName(u.role) + " must belong to a start-up",
                          {{"field", "start_up"}});
  }
  if (!needsStartUp && u.startUpId) {
    throw invalidArgument(std::string("an ") + roleName(u.role) +
                              " does not belong to a start-up",
                          {{"field", "start_up"}});
  }
  if (u.role == Role::Anonymous) {
    throw invalidArgument("role must be admin, lead, member or partner", {{"field", "role"}});
  }
  if (u.startUpId && !findStartUp(c, *u.startUpId)) {
    throw notFound("no start-up with id " + std::to_string(*u.startUpId), {{"field", "start_up"}});
  }
  const auto existing = findUserByEmail(c, u.email);
  std::optional<std::string> claimed;
  std::optional<std::string> why;
  if (existing) {
    const bool inTeam = actor.isStartUpMember() && existing->startUpId == actor.startUpId &&
                        (existing->role == Role::Lead || existing->role == Role::Member);
    if (actor.isAdmin() || inTeam || !actor.isStartUpMember()) {
      throw alreadyExists("a user with the e-mail '" + u.email + "' already exists",
                          {{"field", "email"}});
    }
    claimed = u.email;
    why = "the e-mail has an account elsewhere in the cluster (user " +
          std::to_string(existing->id) + "): a placeholder until an administrator resolves it";
  }
  if (actor.isStartUpMember() && !actor.isAdmin()) {
    Statement placeholder(c,
                          "SELECT 1 FROM users WHERE claimed_email = ? AND start_up_id = ?");
    placeholder.bind(1, u.email).bind(2, actor.startUpId);
    if (placeholder.step()) {
      throw alreadyExists("a user with the e-mail '" + u.email + "' already exists",
                          {{"field", "email"}});
    }
  }
  const std::string stored =
      claimed ? "unclaimed-" + randomHex(12) + "@placeholder.argan.invalid" : u.email;
  // Numbered by time, like the records (db/identifiers.h): a lead who sees a new member's
  // number learns nothing about how many accounts the cluster has.
  const std::int64_t id = allocateRecordId(c, clock, "users");
  Statement insert(c,
                   "INSERT INTO users(email, display_name, role, start_up_id, password_hash,"
                   " created_at, must_change_password, claimed_email, id)"
                   " VALUES (?,?,?,?,?,?,?,?,?)");
  insert.bind(1, stored)
      .bind(2, u.displayName)
      .bind(3, roleName(u.role))
      .bind(4, u.startUpId)
      .bind(5, u.passwordHash.empty() ? std::optional<std::string>() : u.passwordHash)
      .bind(6, clock.nowIso())
      .bind(7, u.mustChangePassword ? 1 : 0)
      .bind(8, claimed)
      .bind(9, id)
      .run();
  appendAudit(c, clock, actor,
              {"create", "user", std::to_string(id), std::nullopt, userSnapshot(c, id), why});
  return *findUser(c, id);
}

std::optional<User> findUserByEmail(Connection& c, const std::string& email) {
  Statement st(c, std::string(kSelect) + " WHERE u.email = ? COLLATE NOCASE");
  st.bind(1, email);
  if (!st.step()) return std::nullopt;
  return readUser(st);
}

std::optional<User> findUser(Connection& c, std::int64_t id) {
  Statement st(c, std::string(kSelect) + " WHERE u.id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readUser(st);
}

std::vector<User> listUsers(Connection& c, std::optional<std::int64_t> startUpId) {
  // By the e-mail the team sees (a placeholder's claimed one): the order must not tell a
  // placeholder from a new account (docs/threat-model.md, "Accounts").
  Statement st(c, std::string(kSelect) +
                      (startUpId ? " WHERE u.start_up_id = ? ORDER BY COALESCE(u.claimed_email, u.email) COLLATE NOCASE"
                                 : " ORDER BY COALESCE(u.claimed_email, u.email) COLLATE NOCASE"));
  if (startUpId) st.bind(1, *startUpId);
  std::vector<User> out;
  while (st.step()) out.push_back(readUser(st));
  return out;
}

std::int64_t countUsers(Connection& c) { return c.queryInt("SELECT COUNT(*) FROM users").value_or(0); }

std::int64_t createApiToken(Connection& c, const Clock& clock, const Principal& actor,
                            std::int64_t userId, const std::string& tokenSha256,
                            const std::string& label) {
  if (!findUser(c, userId)) throw notFound("no user with id " + std::to_string(userId));
  Statement insert(c,
                   "INSERT INTO api_tokens(user_id, token_hash, label, created_at)"
                   " VALUES (?,?,?,?)");
  insert.bind(1, userId).bind(2, tokenSha256).bind(3, label).bind(4, clock.nowIso()).run();
  std::int64_t id = c.lastInsertId();
  appendAudit(c, clock, actor,
              {"create", "api_token", std::to_string(id), std::nullopt,
               snapshotRow(c, "api_tokens", id, {"token_hash"}), std::nullopt});
  return id;
}

std::optional<User> findUserByTokenHash(Connection& c, const std::string& tokenSha256) {
  Statement st(c, std::string(kSelect) +
                      " JOIN api_tokens t ON u.id = t.user_id"
                      " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL");
  st.bind(1, tokenSha256);
  if (!st.step()) return std::nullopt;
  return readUser(st);
}

void revokeApiToken(Connection& c, const Clock& clock, const Principal& actor,
                    std::int64_t userId, std::int64_t tokenId) {
  Statement st(c,
               "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ?"
               " AND revoked_at IS NULL");
  st.bind(1, clock.nowIso()).bind(2, tokenId).bind(3, userId).run();
  if (c.changes() == 0) throw notFound("no active token " + std::to_string(tokenId));
  appendAudit(c, clock, actor,
              {"revoke", "api_token", std::to_string(tokenId), std::nullopt, std::nullopt,
               std::nullopt});
}

}  // namespace argan::db

namespace argan::db {
namespace {

bool isTeamRole(Role role) { return role == Role::Lead || role == Role::Member; }

// Revokes every unrevoked API token of a user; returns how many. A password change or a
// disabled account ends every credential: re-enabling the account later brings none back.
std::int64_t revokeUserTokens(Connection& c, const std::string& nowIso, std::int64_t userId) {
  Statement st(c, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
  st.bind(1, nowIso).bind(2, userId).run();
  return c.changes();
}

std::optional<std::string> credentialsEnded(std::int64_t tokens) {
  if (tokens == 0) return std::nullopt;
  return std::to_string(tokens) + (tokens == 1 ? " API token" : " API tokens") + " revoked";
}

std::string userName(const User& u) { return u.email; }

}  // namespace

bool canSeeUser(const Principal& actor, const User& target) {
  if (actor.isAdmin()) return true;
  if (actor.userId != 0 && actor.userId == target.id) return true;
  return actor.role == Role::Lead && isTeamRole(target.role) && target.startUpId &&
         actor.startUpId == target.startUpId;
}

void authorizeUserCreation(const Principal& actor, const NewUser& user) {
  if (actor.isAdmin()) return;
  if (actor.role != Role::Lead) {
    throw permissionDenied("only administrators and start-up leads may add users");
  }
  if (!isTeamRole(user.role)) {
    throw permissionDenied(std::string("a lead adds leads and members of their own start-up, "
                                       "not ") +
                               (user.role == Role::Admin ? "administrators" : "partners"),
                           {{"field", "role"}});
  }
  if (user.startUpId != actor.startUpId) {
    throw permissionDenied("a lead adds members to their own start-up only",
                           {{"field", "start_up"}});
  }
}

void authorizeUserUpdate(const Principal& actor, const User& target, const UserUpdate& change) {
  if (!canSeeUser(actor, target)) throw notFound("no user " + std::to_string(target.id));
  const bool self = actor.userId != 0 && actor.userId == target.id;
  if (self && (change.disabled || (change.role && *change.role != target.role) ||
               (change.startUpId && change.startUpId != target.startUpId))) {
    throw permissionDenied(
        "you cannot disable your own account or change your own role or start-up; ask " +
        std::string(actor.isAdmin() ? "another administrator" : "an administrator"));
  }
  if (actor.isAdmin()) return;
  if (self && !change.role && !change.startUpId && !change.disabled) return;  // display name
  if (actor.role != Role::Lead) {
    throw permissionDenied("only administrators and start-up leads manage other users");
  }
  if (change.startUpId && change.startUpId != target.startUpId) {
    throw permissionDenied("only administrators move users between start-ups",
                           {{"field", "start_up"}});
  }
  if (change.role && !isTeamRole(*change.role)) {
    throw permissionDenied("a lead may make a team member a lead or a member, nothing else",
                           {{"field", "role"}});
  }
}

User updateUser(Connection& c, const Clock& clock, const Principal& actor, std::int64_t userId,
                const UserUpdate& change) {
  auto current = findUser(c, userId);
  if (!current) throw notFound("no user " + std::to_string(userId));
  if (change.displayName && change.displayName->size() > 200) {
    throw invalidArgument("display_name is longer than 200 characters",
                          {{"field", "display_name"}});
  }
  if (change.role && *change.role == Role::Anonymous) {
    throw invalidArgument("role must be admin, lead, member or partner", {{"field", "role"}});
  }
  User next = *current;
  if (change.displayName) next.displayName = *change.displayName;
  if (change.role) next.role = *change.role;
  if (change.startUpId) next.startUpId = *change.startUpId;
  if (!isTeamRole(next.role)) {
    if (change.startUpId) {
      throw invalidArgument(std::string("an ") + roleName(next.role) +
                                " does not belong to a start-up",
                            {{"field", "start_up"}});
    }
    next.startUpId.reset();
  } else if (!next.startUpId) {
    throw invalidArgument(std::string("a ") + roleName(next.role) + " must belong to a start-up",
                          {{"field", "start_up"}});
  }
  if (next.startUpId && next.startUpId != current->startUpId && !findStartUp(c, *next.startUpId)) {
    throw notFound("no start-up with id " + std::to_string(*next.startUpId),
                   {{"field", "start_up"}});
  }
  const bool disable = change.disabled && *change.disabled && !current->disabled();
  const bool enable = change.disabled && !*change.disabled && current->disabled();

  // The cluster's rule: an active start-up keeps at least kMinimumActiveTeam members.
  const bool countedBefore = isTeamRole(current->role) && !current->disabled();
  const bool countedAfterInSame =
      isTeamRole(next.role) && next.startUpId == current->startUpId && !disable;
  if (countedBefore && !countedAfterInSame && current->startUpId) {
    auto team = findStartUp(c, *current->startUpId);
    if (team && team->status == "active" && team->memberCount - 1 < kMinimumActiveTeam) {
      std::string what = disable ? "disabling" : "removing";
      throw failedPrecondition(
          "'" + team->name + "' is active, and an active start-up needs a team of at least " +
              std::to_string(kMinimumActiveTeam) + " members; " + what + " " +
              userName(*current) + " would leave it with " +
              std::to_string(team->memberCount - 1) +
              ". Add another member first, or have an administrator change its status.",
          {{"rule", "minimum_team"},
           {"members", team->memberCount},
           {"required", kMinimumActiveTeam},
           {"start_up", team->id}});
    }
  }

  auto before = snapshotRow(c, "users", userId, {"password_hash"});
  std::string now = clock.nowIso();
  Statement update(c,
                   "UPDATE users SET display_name = ?, role = ?, start_up_id = ?,"
                   " disabled_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE disabled_at END"
                   " WHERE id = ?");
  update.bind(1, next.displayName)
      .bind(2, roleName(next.role))
      .bind(3, next.startUpId)
      .bind(4, disable ? 1 : 0)
      .bind(5, now)
      .bind(6, enable ? 1 : 0)
      .bind(7, userId)
      .run();
  std::int64_t tokensRevoked = 0;
  if (disable) {
    revokeUserSessions(c, clock.nowMicros(), userId, std::nullopt);
    tokensRevoked = revokeUserTokens(c, now, userId);
  }
  auto after = snapshotRow(c, "users", userId, {"password_hash"});
  if (after != before) {
    appendAudit(c, clock, actor,
                {disable ? "disable" : enable ? "enable" : "update", "user",
                 std::to_string(userId), before, after, credentialsEnded(tokensRevoked)});
  }
  return *findUser(c, userId);
}

void setUserPassword(Connection& c, const Clock& clock, const Principal& actor,
                     std::int64_t userId, const std::string& passwordHash,
                     bool mustChangePassword, std::optional<std::int64_t> keepSessionId) {
  auto before = snapshotRow(c, "users", userId, {"password_hash"});
  if (!before) throw notFound("no user " + std::to_string(userId));
  Statement update(c,
                   "UPDATE users SET password_hash = ?, must_change_password = ?,"
                   " password_changed_at = ? WHERE id = ?");
  update.bind(1, passwordHash)
      .bind(2, mustChangePassword ? 1 : 0)
      .bind(3, clock.nowIso())
      .bind(4, userId)
      .run();
  revokeUserSessions(c, clock.nowMicros(), userId, keepSessionId);
  const std::int64_t tokensRevoked = revokeUserTokens(c, clock.nowIso(), userId);
  appendAudit(c, clock, actor,
              {"change_password", "user", std::to_string(userId), before,
               snapshotRow(c, "users", userId, {"password_hash"}), credentialsEnded(tokensRevoked)});
}

void upgradePasswordHash(Connection& c, std::int64_t userId, const std::string& passwordHash) {
  Statement update(c, "UPDATE users SET password_hash = ? WHERE id = ?");
  update.bind(1, passwordHash).bind(2, userId).run();
}

namespace {

ApiToken readToken(Statement& st) {
  ApiToken t;
  t.id = st.getInt(0);
  t.userId = st.getInt(1);
  t.label = st.getText(2);
  t.createdAt = st.getText(3);
  t.lastUsedAt = st.getOptionalText(4);
  t.revokedAt = st.getOptionalText(5);
  return t;
}

constexpr const char* kTokenSelect =
    "SELECT id, user_id, label, created_at, last_used_at, revoked_at FROM api_tokens";

}  // namespace

std::vector<ApiToken> listApiTokens(Connection& c, std::int64_t userId) {
  Statement st(c, std::string(kTokenSelect) + " WHERE user_id = ? ORDER BY id DESC");
  st.bind(1, userId);
  std::vector<ApiToken> out;
  while (st.step()) out.push_back(readToken(st));
  return out;
}

std::optional<TokenOwner> findActiveToken(Connection& c, const std::string& tokenSha256) {
  Statement st(c,
               "SELECT t.id, t.user_id, t.label, t.created_at, t.last_used_at, t.revoked_at"
               " FROM api_tokens t JOIN users u ON u.id = t.user_id"
               " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL");
  st.bind(1, tokenSha256);
  if (!st.step()) return std::nullopt;
  TokenOwner owner;
  owner.token = readToken(st);
  auto user = findUser(c, owner.token.userId);
  if (!user) return std::nullopt;
  owner.user = *user;
  return owner;
}

void touchApiToken(Connection& c, std::int64_t tokenId, const std::string& nowIso) {
  Statement st(c, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
  st.bind(1, nowIso).bind(2, tokenId).run();
}

std::optional<ApiToken> findApiToken(Connection& c, std::int64_t tokenId) {
  Statement st(c, std::string(kTokenSelect) + " WHERE id = ?");
  st.bind(1, tokenId);
  if (!st.step()) return std::nullopt;
  return readToken(st);
}

}  // namespace argan::db
