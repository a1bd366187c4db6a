// Users and API tokens. Passwords arrive already hashed (common/password.h); tokens are
// stored only as their SHA-256. Writers must run inside Database::write; all are audited.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string displayName;
  Role role = Role::Member;
  std::optional<std::int64_t> startUpId;
  std::string passwordHash;  // empty when the user has no password (token-only)
  std::string createdAt;
  std::optional<std::string> disabledAt;
  bool mustChangePassword = false;  // may only change the password until they do
  std::optional<std::string> passwordChangedAt;
  // A placeholder (see createUser): the e-mail a lead typed, which has an account elsewhere.
  std::optional<std::string> claimedEmail;

  Principal principal() const;
  // The e-mail to show: the claimed one for a placeholder.
  const std::string& shownEmail() const { return claimedEmail ? *claimedEmail : email; }
  bool disabled() const { return disabledAt.has_value(); }
};

struct NewUser {
  std::string email;
  std::string displayName;
  Role role = Role::Member;
  std::optional<std::int64_t> startUpId;
  std::string passwordHash;
  bool mustChangePassword = false;  // someone else chose the password (one-time)
};

// Throws InvalidArgument (bad e-mail; lead/member without a start-up; admin/partner with
// one), NotFound (unknown start-up), AlreadyExists (e-mail taken).
//
// A lead (not an administrator) never learns whether an e-mail has an account outside their
// own start-up: AlreadyExists only for an e-mail already in their team; for one taken
// elsewhere, a placeholder member is created instead (claimedEmail = the e-mail; its own
// e-mail a unique address nobody signs in with), answered and listed exactly like a new
// member who has not signed in yet. An administrator resolves it (audited "create" with the
// reason saying so; docs/threat-model.md, "Accounts").
User createUser(Connection& c, const Clock& clock, const Principal& actor, const NewUser& user);

std::optional<User> findUserByEmail(Connection& c, const std::string& email);
std::optional<User> findUser(Connection& c, std::int64_t id);
std::vector<User> listUsers(Connection& c, std::optional<std::int64_t> startUpId);
std::int64_t countUsers(Connection& c);

// Stores sha256(token) for `userId`; returns the token id.
std::int64_t createApiToken(Connection& c, const Clock& clock, const Principal& actor,
                            std::int64_t userId, const std::string& tokenSha256,
                            const std::string& label);

// The user owning an unrevoked token with this hash, if that user is not disabled.
std::optional<User> findUserByTokenHash(Connection& c, const std::string& tokenSha256);

// Marks a token revoked. NotFound if the token does not belong to `userId`.
void revokeApiToken(Connection& c, const Clock& clock, const Principal& actor,
                    std::int64_t userId, std::int64_t tokenId);

bool isPlausibleEmail(const std::string& email);

// --- Managing users (the rules are the same whichever door the change comes through) ---

// The fields of a user that may change; unset fields stay as they are. A role of admin or
// partner clears the start-up; lead/member keep theirs unless `startUpId` moves them.
struct UserUpdate {
  std::optional<std::string> displayName;
  std::optional<Role> role;
  std::optional<std::int64_t> startUpId;
  std::optional<bool> disabled;
  bool empty() const { return !displayName && !role && !startUpId && !disabled; }
};

// May `actor` see (list, manage) `target`? Administrators: everyone; leads: the leads and
// members of their own start-up; everyone: themselves.
bool canSeeUser(const Principal& actor, const User& target);

// Throws PermissionDenied unless `actor` may create `user`: administrators create anyone;
// a lead creates leads and members of their own start-up only.
void authorizeUserCreation(const Principal& actor, const NewUser& user);

// Throws NotFound when `actor` may not see `target` (canSeeUser), PermissionDenied when the
// change is beyond the actor's powers: a lead changes display names, disables/enables and
// moves between lead and member within their start-up; anybody changes their own display
// name; nobody disables or changes the role of their own account.
void authorizeUserUpdate(const Principal& actor, const User& target, const UserUpdate& change);

// Applies `change` (call authorizeUserUpdate first). Throws InvalidArgument (bad fields),
// NotFound (user or start-up), FailedPrecondition when the change would leave an active
// start-up with fewer than kMinimumActiveTeam members (details: rule=minimum_team). Disabling
// revokes the user's sessions and API tokens (enabling again brings none back). Audited
// ("update", "disable", "enable").
User updateUser(Connection& c, const Clock& clock, const Principal& actor, std::int64_t userId,
                const UserUpdate& change);

// Replaces the stored password hash and sets the one-time flag; revokes every session of the
// user except `keepSessionId` and every API token (a stolen token dies with the old password).
// Audited ("change_password"; the hash is never in the trail).
void setUserPassword(Connection& c, const Clock& clock, const Principal& actor,
                     std::int64_t userId, const std::string& passwordHash,
                     bool mustChangePassword, std::optional<std::int64_t> keepSessionId);

// Replaces the stored hash only (re-hashing at a higher iteration count at sign-in). Not
// audited: the password does not change.
void upgradePasswordHash(Connection& c, std::int64_t userId, const std::string& passwordHash);

struct ApiToken {
  std::int64_t id = 0;
  std::int64_t userId = 0;
  std::string label;
  std::string createdAt;
  std::optional<std::string> lastUsedAt;
  std::optional<std::string> revokedAt;
};

// The unrevoked token with this hash and its user, if that user is not disabled.
struct TokenOwner {
  ApiToken token;
  User user;
};
std::optional<TokenOwner> findActiveToken(Connection& c, const std::string& tokenSha256);

// Records that a token was used at `nowIso` (ISO 8601 UTC).
void touchApiToken(Connection& c, std::int64_t tokenId, const std::string& nowIso);

// The tokens of a user (revoked ones included), newest first.
std::vector<ApiToken> listApiTokens(Connection& c, std::int64_t userId);
std::optional<ApiToken> findApiToken(Connection& c, std::int64_t tokenId);

}  // namespace argan::db
