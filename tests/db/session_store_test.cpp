// Sessions and sign-in throttling in the database (db/session_store.h).
#include "db/session_store.h"

#include "db_fixture.h"

using namespace argan;

namespace {

constexpr std::int64_t kMinute = 60LL * 1000000;

std::int64_t makeUser(test::DbFixture& f, const std::string& email) {
  return f.database->write([&](db::Connection& c) {
    db::NewUser u;
    u.email = email;
    u.role = db::Role::Partner;
    return db::createUser(c, f.clock, f.admin, u).id;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(session_store)

BOOST_AUTO_TEST_CASE(sessions_end_by_idle_time_absolute_time_revocation_or_disabling) {
  test::DbFixture f;
  std::int64_t user = makeUser(f, "p@industry.ma");
  const std::int64_t t0 = f.clock.nowMicros();
  auto open = [&](const std::string& hash) {
    return f.database->write([&](db::Connection& c) {
      db::NewSession s;
      s.userId = user;
      s.secretHash = hash;
      s.nowUs = t0;
      s.expiresUs = t0 + 60 * kMinute;
      return db::createSession(c, s);
    });
  };
  auto find = [&](const std::string& hash, std::int64_t at) {
    return f.database->read(
        [&](db::Connection& c) { return db::findActiveSession(c, hash, at, 10 * kMinute); });
  };
  std::int64_t a = open("hash-a");
  BOOST_TEST(find("hash-a", t0 + 9 * kMinute).has_value());
  BOOST_TEST(!find("hash-a", t0 + 10 * kMinute).has_value());  // idle
  f.database->write([&](db::Connection& c) { db::touchSession(c, a, t0 + 9 * kMinute); });
  BOOST_TEST(find("hash-a", t0 + 18 * kMinute).has_value());
  f.database->write([&](db::Connection& c) { db::touchSession(c, a, t0 + 55 * kMinute); });
  BOOST_TEST(find("hash-a", t0 + 59 * kMinute).has_value());
  BOOST_TEST(!find("hash-a", t0 + 60 * kMinute).has_value());  // absolute, even if touched
  BOOST_TEST(!find("unknown", t0).has_value());

  std::int64_t b = open("hash-b");
  open("hash-c");
  BOOST_TEST(f.database->write([&](db::Connection& c) { return db::revokeSession(c, b, t0); }));
  BOOST_TEST(!f.database->write([&](db::Connection& c) { return db::revokeSession(c, b, t0); }));
  BOOST_TEST(!find("hash-b", t0).has_value());
  BOOST_TEST(find("hash-c", t0).has_value());
  f.database->write([&](db::Connection& c) {
    c.exec("UPDATE users SET disabled_at = 'now' WHERE id = " + std::to_string(user));
  });
  BOOST_TEST(!find("hash-c", t0).has_value());
}

// Threat model, finding 7: failures count per e-mail and address together, with a growing
// delay, so wrong passwords from one address never lock the account's owner out elsewhere.
BOOST_AUTO_TEST_CASE(throttling_counts_failures_per_account_and_address_with_a_growing_delay) {
  test::DbFixture f;
  db::LoginLimits limits;  // 5 per account and address, 20 per address, 15 min, 30 s
  const std::int64_t t0 = f.clock.nowMicros();
  const std::int64_t kSecond = 1000000;
  auto fail = [&](const std::string& email, const std::string& address, std::int64_t at) {
    f.database->write([&](db::Connection& c) { db::recordLoginFailure(c, at, email, address); });
  };
  auto blocked = [&](const std::string& email, const std::string& address, std::int64_t at) {
    return f.database->read(
        [&](db::Connection& c) { return db::loginBlocked(c, limits, at, email, address); });
  };
  for (int i = 0; i < 4; ++i) fail("a@x.ma", "10.0.0.1", t0 + i * kMinute);
  BOOST_TEST(!blocked("a@x.ma", "10.0.0.1", t0 + 4 * kMinute).has_value());
  fail("A@X.MA", "10.0.0.1", t0 + 4 * kMinute);  // e-mails compare case-insensitively
  auto block = blocked("a@x.ma", "10.0.0.1", t0 + 4 * kMinute + 10 * kSecond);
  BOOST_REQUIRE(block.has_value());
  BOOST_TEST(block->limit == "account");
  BOOST_TEST(block->retryAfterSeconds == 20);  // 30 s after the fifth failure
  // The owner, from their own address, is not delayed at all.
  BOOST_TEST(!blocked("a@x.ma", "10.0.0.2", t0 + 4 * kMinute + 10 * kSecond).has_value());
  // Each further failure doubles the wait: 60 s, then 120 s.
  BOOST_TEST(!blocked("a@x.ma", "10.0.0.1", t0 + 4 * kMinute + 30 * kSecond).has_value());
  fail("a@x.ma", "10.0.0.1", t0 + 5 * kMinute);
  BOOST_TEST(blocked("a@x.ma", "10.0.0.1", t0 + 5 * kMinute)->retryAfterSeconds == 60);
  fail("a@x.ma", "10.0.0.1", t0 + 6 * kMinute);
  BOOST_TEST(blocked("a@x.ma", "10.0.0.1", t0 + 6 * kMinute)->retryAfterSeconds == 120);
  // Failures leave the window after 15 minutes.
  BOOST_TEST(!blocked("a@x.ma", "10.0.0.1", t0 + 21 * kMinute + 1).has_value());
  BOOST_TEST(!blocked("b@x.ma", "10.0.0.3", t0 + 5 * kMinute).has_value());

  for (int i = 0; i < 20; ++i) fail("u" + std::to_string(i) + "@x.ma", "10.0.0.9", t0);
  auto byAddress = blocked("new@x.ma", "10.0.0.9", t0 + kMinute);
  BOOST_REQUIRE(byAddress.has_value());
  BOOST_TEST(byAddress->limit == "address");
  BOOST_TEST(byAddress->retryAfterSeconds == 14 * 60);

  f.database->write([&](db::Connection& c) { db::clearLoginFailures(c, "a@x.ma", "10.0.0.1"); });
  BOOST_TEST(!blocked("a@x.ma", "10.0.0.1", t0 + 6 * kMinute).has_value());
  f.database->write([&](db::Connection& c) { db::pruneAuthRecords(c, limits, t0 + 16 * kMinute); });
  BOOST_TEST(f.count("login_failures") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
