#include "db/user_store.h"

#include "common/digest.h"
#include "common/password.h"
#include "db_fixture.h"

using namespace argan;

BOOST_AUTO_TEST_SUITE(user_store)

BOOST_AUTO_TEST_CASE(roles_and_start_ups_must_agree) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Team");
  auto create = [&](db::Role role, std::optional<std::int64_t> startUp, const std::string& email) {
    return f.database->write([&](db::Connection& c) {
      db::NewUser u;
      u.email = email;
      u.role = role;
      u.startUpId = startUp;
      return db::createUser(c, f.clock, f.admin, u);
    });
  };
  test::expectError(ErrorCode::InvalidArgument, [&] { create(db::Role::Member, std::nullopt, "m@x.ma"); });
  test::expectError(ErrorCode::InvalidArgument, [&] { create(db::Role::Partner, s, "p@x.ma"); });
  test::expectError(ErrorCode::InvalidArgument, [&] { create(db::Role::Admin, std::nullopt, "not-an-email"); });
  test::expectError(ErrorCode::NotFound, [&] { create(db::Role::Lead, 999, "l@x.ma"); });
  auto lead = create(db::Role::Lead, s, "Lead@Team.ma");
  test::expectError(ErrorCode::AlreadyExists, [&] { create(db::Role::Member, s, "lead@team.ma"); });
  BOOST_TEST(lead.principal().belongsTo(s));
}

BOOST_AUTO_TEST_CASE(tokens_are_stored_hashed_and_revocable) {
  test::DbFixture f;
  auto user = f.database->write([&](db::Connection& c) {
    db::NewUser u;
    u.email = "partner@industry.ma";
    u.role = db::Role::Partner;
    u.passwordHash = hashPassword("correct horse battery", 1000);
    return db::createUser(c, f.clock, f.admin, u);
  });
  std::string token = "argan_" + randomHex(32);
  std::int64_t tokenId = f.database->write([&](db::Connection& c) {
    return db::createApiToken(c, f.clock, f.admin, user.id, sha256Hex(token), "script");
  });
  auto stored = f.database->read(
      [](db::Connection& c) { return c.queryText("SELECT token_hash FROM api_tokens"); });
  BOOST_TEST(*stored != token);
  BOOST_TEST(f.database->read([&](db::Connection& c) {
    return db::findUserByTokenHash(c, sha256Hex(token)).has_value();
  }));
  f.database->write([&](db::Connection& c) { db::revokeApiToken(c, f.clock, f.admin, user.id, tokenId); });
  BOOST_TEST(!f.database->read([&](db::Connection& c) {
    return db::findUserByTokenHash(c, sha256Hex(token)).has_value();
  }));
  // The audit trail never holds the password hash.
  auto audit = f.database->read(
      [](db::Connection& c) { return c.queryText("SELECT group_concat(after_json) FROM audit_log"); });
  BOOST_TEST(audit->find("pbkdf2") == std::string::npos);
  BOOST_TEST(audit->find("[redacted]") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(passwords_use_pbkdf2_at_the_owasp_count) {
  std::string stored = hashPassword("a long passphrase", 1000);
  BOOST_TEST(verifyPassword("a long passphrase", stored));
  BOOST_TEST(!verifyPassword("a long passphrasE", stored));
  BOOST_TEST(!verifyPassword("x", "garbage"));
  BOOST_TEST(hashPassword("same", 1000) != hashPassword("same", 1000));  // per-user salt
  BOOST_TEST(kDefaultPasswordIterations >= 600000);
  BOOST_TEST(passwordHashIterations(hashPassword("p", kDefaultPasswordIterations)) == 600000);
}

BOOST_AUTO_TEST_SUITE_END()
