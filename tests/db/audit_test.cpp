// The hash-chained audit trail: appends, verification, tamper detection, append-only.
#include "db/audit.h"

#include "db_fixture.h"

using namespace argan;

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(chain_verifies_and_records_before_after) {
  test::DbFixture f;
  std::int64_t id = f.startUp("Audit Co");
  f.database->write([&](db::Connection& c) {
    db::StartUpInput in;
    in.description = "new text";
    db::updateStartUp(c, f.clock, f.admin, id, in);
  });
  auto result = f.database->read([](db::Connection& c) { return db::verifyAuditChain(c); });
  BOOST_TEST(result.ok);
  BOOST_TEST(result.entries == 2);
  auto entries = f.database->read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "start_up", std::to_string(id)); });
  BOOST_REQUIRE_EQUAL(entries.size(), 2u);
  BOOST_TEST(entries[1].action == "update");
  BOOST_TEST(entries[1].beforeJson->find("\"description\":\"\"") != std::string::npos);
  BOOST_TEST(entries[1].afterJson->find("new text") != std::string::npos);
  BOOST_TEST(entries[1].actorLabel == "system (test)");
}

BOOST_AUTO_TEST_CASE(tampering_is_detected_at_the_first_broken_entry) {
  test::DbFixture f;
  f.startUp("One");
  f.startUp("Two");
  f.startUp("Three");
  // The table refuses changes...
  BOOST_CHECK_THROW(f.database->write([](db::Connection& c) {
    c.exec("UPDATE audit_log SET actor_label = 'mallory' WHERE id = 2");
  }),
                    Error);
  BOOST_CHECK_THROW(
      f.database->write([](db::Connection& c) { c.exec("DELETE FROM audit_log WHERE id = 3"); }),
      Error);
  // ...and someone who drops the guard is still caught.
  f.database->write([](db::Connection& c) {
    c.exec("DROP TRIGGER audit_log_no_update");
    c.exec("UPDATE audit_log SET after_json = replace(after_json, 'Two', 'Deux') WHERE id = 2");
  });
  auto result = f.database->read([](db::Connection& c) { return db::verifyAuditChain(c); });
  BOOST_TEST(!result.ok);
  BOOST_TEST(result.entries == 3);
  BOOST_REQUIRE(result.firstBreak);
  BOOST_TEST(*result.firstBreak == 2);
}

BOOST_AUTO_TEST_CASE(removed_entries_break_the_chain) {
  test::DbFixture f;
  f.startUp("A");
  f.startUp("B");
  f.startUp("C");
  f.database->write([](db::Connection& c) {
    c.exec("DROP TRIGGER audit_log_no_delete");
    c.exec("DELETE FROM audit_log WHERE id = 2");
  });
  auto result = f.database->read([](db::Connection& c) { return db::verifyAuditChain(c); });
  BOOST_TEST(!result.ok);
  BOOST_TEST(*result.firstBreak == 3);
}

BOOST_AUTO_TEST_SUITE_END()
