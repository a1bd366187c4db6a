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

  Principal principal() const;
};

struct NewUser {
  std::string email;
  std::string displayName;
  Role role = Role::Member;
  std::optional<std::int64_t> startUpId;
  std::string passwordHash;
};

// Throws InvalidArgument (bad e-mail; lead/member without a start-up; admin/partner with
// one), NotFound (unknown start-up), AlreadyExists (e-mail taken).
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

}  // namespace argan::db
