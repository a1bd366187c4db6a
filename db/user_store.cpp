#include "db/user_store.h"

#include "common/error.h"
#include "db/audit.h"
#include "db/row_snapshot.h"
#include "db/start_up_store.h"

namespace argan::db {
namespace {

constexpr const char* kSelect =
    "SELECT id, email, display_name, role, start_up_id, COALESCE(password_hash, ''),"
    " created_at, disabled_at FROM users";

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
  if (findUserByEmail(c, u.email)) {
    throw alreadyExists("a user with the e-mail '" + u.email + "' already exists",
                        {{"field", "email"}});
  }
  Statement insert(c,
                   "INSERT INTO users(email, display_name, role, start_up_id, password_hash,"
                   " created_at) VALUES (?,?,?,?,?,?)");
  insert.bind(1, u.email)
      .bind(2, u.displayName)
      .bind(3, roleName(u.role))
      .bind(4, u.startUpId)
      .bind(5, u.passwordHash.empty() ? std::optional<std::string>() : u.passwordHash)
      .bind(6, clock.nowIso())
      .run();
  std::int64_t id = c.lastInsertId();
  appendAudit(c, clock, actor,
              {"create", "user", std::to_string(id), std::nullopt, userSnapshot(c, id),
               std::nullopt});
  return *findUser(c, id);
}

std::optional<User> findUserByEmail(Connection& c, const std::string& email) {
  Statement st(c, std::string(kSelect) + " WHERE email = ? COLLATE NOCASE");
  st.bind(1, email);
  if (!st.step()) return std::nullopt;
  return readUser(st);
}

std::optional<User> findUser(Connection& c, std::int64_t id) {
  Statement st(c, std::string(kSelect) + " WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readUser(st);
}

std::vector<User> listUsers(Connection& c, std::optional<std::int64_t> startUpId) {
  Statement st(c, std::string(kSelect) +
                      (startUpId ? " WHERE start_up_id = ? ORDER BY email" : " ORDER BY email"));
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
  Statement st(c,
               "SELECT u.id, u.email, u.display_name, u.role, u.start_up_id,"
               " COALESCE(u.password_hash, ''), u.created_at, u.disabled_at"
               " FROM api_tokens t JOIN users u ON u.id = t.user_id"
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
