// Generic publish/retire (db/lifecycle.h) and the publishing rule (db/access.h).
#include "db/lifecycle.h"

#include "db/audit.h"
#include "db_fixture.h"

using namespace argan;
using db::Visibility;

namespace {

db::Principal person(std::int64_t userId, db::Role role, std::optional<std::int64_t> startUp) {
  db::Principal p;
  p.userId = userId;
  p.role = role;
  p.startUpId = startUp;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(who_may_change_visibility) {
  const std::int64_t s = 1;
  const auto lead = person(1, db::Role::Lead, s);
  const auto member = person(2, db::Role::Member, s);
  const auto outsider = person(3, db::Role::Lead, 2);
  const auto partner = person(4, db::Role::Partner, std::nullopt);
  const auto admin = person(5, db::Role::Admin, std::nullopt);
  const Visibility all[] = {Visibility::StartUp, Visibility::Cluster, Visibility::Public};
  for (Visibility from : all) {
    for (Visibility to : all) {
      BOOST_TEST(db::canChangeVisibility(admin, s, from, to));
      BOOST_TEST(db::canChangeVisibility(lead, s, from, to));
      BOOST_TEST(!db::canChangeVisibility(outsider, s, from, to));
      BOOST_TEST(!db::canChangeVisibility(partner, s, from, to));
      BOOST_TEST(db::canChangeVisibility(member, s, from, to) ==
                 (from != Visibility::Public && to != Visibility::Public));
    }
  }
}

BOOST_AUTO_TEST_CASE(change_visibility_audits_and_respects_the_parent) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Zitoun");
  auto reg = f.database->write([&](db::Connection& c) {
    return db::registerCompound(c, f.clock, f.admin, s, test::fakeIdentity("a"), test::freeForm(),
                                {});
  });
  const auto member = person(0, db::Role::Member, s);
  db::RecordRef compound{"compounds", "compound", reg.compound.code(), reg.compound.id, s};
  db::RecordRef batch{"batches", "batch", reg.batch.code(), reg.batch.id, s};

  auto shared = f.database->write([&](db::Connection& c) {
    return db::changeVisibility(c, f.clock, member,
                                {compound, Visibility::Cluster, "for the review"});
  });
  BOOST_TEST(shared.changed);
  BOOST_TEST((shared.from == Visibility::StartUp));
  auto again = f.database->write([&](db::Connection& c) {
    return db::changeVisibility(c, f.clock, member, {compound, Visibility::Cluster});
  });
  BOOST_TEST(!again.changed);
  test::expectError(ErrorCode::PermissionDenied, [&] {
    f.database->write([&](db::Connection& c) {
      db::changeVisibility(c, f.clock, member, {compound, Visibility::Public});
    });
  });
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([&](db::Connection& c) {
      db::changeVisibility(
          c, f.clock, f.admin,
          {batch, Visibility::Public, std::nullopt, Visibility::Cluster, reg.compound.code()});
    });
  });
  test::expectError(ErrorCode::NotFound, [&] {
    f.database->write([&](db::Connection& c) {
      db::RecordRef missing = compound;
      missing.id = 999;
      db::changeVisibility(c, f.clock, f.admin, {missing, Visibility::Public});
    });
  });
  auto entries = f.database->read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "compound", reg.compound.code()); });
  BOOST_REQUIRE_EQUAL(entries.size(), 2u);
  BOOST_TEST(entries[1].action == "publish");
  BOOST_TEST(entries[1].reason.value_or("") == "for the review");
  BOOST_TEST(entries[1].beforeJson->find("\"visibility\":\"start-up\"") != std::string::npos);
  BOOST_TEST(entries[1].afterJson->find("\"visibility\":\"cluster\"") != std::string::npos);
  BOOST_TEST(f.database->read([](db::Connection& c) { return db::verifyAuditChain(c).ok; }));
}

BOOST_AUTO_TEST_CASE(retire_needs_a_reason_and_happens_once) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Zitoun");
  std::int64_t t = f.startUp("Glycera");
  auto reg = f.database->write([&](db::Connection& c) {
    return db::registerCompound(c, f.clock, f.admin, s, test::fakeIdentity("b"), test::freeForm(),
                                {});
  });
  db::RecordRef batch{"batches", "batch", reg.batch.code(), reg.batch.id, s};
  auto retire = [&](const db::Principal& who, const std::string& reason) {
    f.database->write([&](db::Connection& c) { db::retireRecord(c, f.clock, who, batch, reason); });
  };
  test::expectError(ErrorCode::InvalidArgument, [&] { retire(f.admin, ""); });
  test::expectError(ErrorCode::PermissionDenied,
                    [&] { retire(person(9, db::Role::Member, t), "not mine"); });
  retire(person(8, db::Role::Member, s), "spilled");
  test::expectError(ErrorCode::FailedPrecondition, [&] { retire(f.admin, "again"); });
  auto reason = f.database->read([&](db::Connection& c) {
    return c.queryText("SELECT retired_reason FROM batches WHERE id = " +
                       std::to_string(reg.batch.id));
  });
  BOOST_TEST(*reason == "spilled");
  test::expectError(ErrorCode::Internal, [&] {
    f.database->write([&](db::Connection& c) {
      db::RecordRef bad = batch;
      bad.table = "batches; DROP TABLE users";
      db::retireRecord(c, f.clock, f.admin, bad, "x");
    });
  });
}

BOOST_AUTO_TEST_SUITE_END()
