#include "db/start_up_store.h"

#include "db/user_store.h"
#include "db_fixture.h"

using namespace argan;

BOOST_AUTO_TEST_SUITE(start_up_store)

BOOST_AUTO_TEST_CASE(create_validate_and_update) {
  test::DbFixture f;
  std::int64_t id = f.startUp("Glycera");
  auto s = f.database->read([&](db::Connection& c) { return db::findStartUp(c, id); });
  BOOST_TEST(s->status == "incubating");
  test::expectError(ErrorCode::AlreadyExists, [&] { f.startUp("glycera"); });
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = "X";
      in.sector = "mining";
      db::createStartUp(c, f.clock, f.admin, in);
    });
  });
  test::expectError(ErrorCode::NotFound, [&] {
    f.database->write([&](db::Connection& c) { db::updateStartUp(c, f.clock, f.admin, 999, {}); });
  });
}

BOOST_AUTO_TEST_CASE(active_needs_a_team_of_two) {
  test::DbFixture f;
  std::int64_t id = f.startUp("Small Team");
  auto activate = [&] {
    f.database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.status = "active";
      db::updateStartUp(c, f.clock, f.admin, id, in);
    });
  };
  auto addMember = [&](const std::string& email) {
    f.database->write([&](db::Connection& c) {
      db::NewUser u;
      u.email = email;
      u.role = db::Role::Member;
      u.startUpId = id;
      db::createUser(c, f.clock, f.admin, u);
    });
  };
  std::string m = test::expectError(ErrorCode::FailedPrecondition, activate);
  BOOST_TEST(m.find("at least 2 members") != std::string::npos);
  addMember("a@small.ma");
  test::expectError(ErrorCode::FailedPrecondition, activate);
  addMember("b@small.ma");
  BOOST_CHECK_NO_THROW(activate());
}

BOOST_AUTO_TEST_SUITE_END()
