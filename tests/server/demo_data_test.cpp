// The demo data set: the cluster's 13 start-ups by sector, teams of at least two invented
// people with random one-time passwords, cited chemistry registered by the team members.
#include "server/demo/demo_data.h"

#include <map>
#include <set>

#include "common/password.h"
#include "db/product_store.h"
#include "db/start_up_store.h"
#include "db/user_store.h"
#include "test_server.h"

using namespace argan;

BOOST_AUTO_TEST_SUITE(demo_data)

BOOST_AUTO_TEST_CASE(loads_the_cluster_with_teams_and_cited_chemistry_once) {
  test::TestServer server;
  server::DemoLoadReport report = server::loadDemoData(server.services());
  BOOST_TEST(!report.skipped);
  BOOST_TEST(report.startUps == 13);
  auto startUps = server.database().read([](db::Connection& c) { return db::listStartUps(c); });
  BOOST_TEST_REQUIRE(startUps.size() == 13u);
  std::map<std::string, int> sectors;
  std::map<std::string, int> statuses;
  for (const auto& s : startUps) {
    ++sectors[s.sector];
    ++statuses[s.status];
    BOOST_TEST(s.name.find("(demo)") != std::string::npos, s.name);
    BOOST_TEST(s.memberCount >= 2, s.name);
  }
  BOOST_TEST(sectors["green_chemicals"] == 5);
  BOOST_TEST(sectors["waste_collection"] + sectors["waste_transport"] +
                 sectors["waste_transformation"] == 4);
  BOOST_TEST(sectors["valorisation"] == 4);
  // All 13 are incubated (the README's "13 incubated start-ups"): none has graduated; those
  // with a team in place are active.
  BOOST_TEST(statuses["graduated"] == 0);
  BOOST_TEST(statuses["incubating"] == 9);
  BOOST_TEST(statuses["active"] == 4);

  // Every account: invented and marked, a lead per team, a random password shown once.
  std::set<std::string> passwords;
  for (const auto& account : report.accounts) {
    BOOST_TEST(account.email.find(".demo.argan.local") != std::string::npos);
    BOOST_TEST(account.password.size() == 18u);
    passwords.insert(account.password);
    auto user = server.database().read(
        [&](db::Connection& c) { return db::findUserByEmail(c, account.email); });
    BOOST_TEST_REQUIRE(user.has_value());
    BOOST_TEST(user->displayName.find("(demo)") != std::string::npos);
    BOOST_TEST(verifyPassword(account.password, user->passwordHash));
    BOOST_TEST(user->passwordHash.find(account.password) == std::string::npos);
  }
  BOOST_TEST(passwords.size() == report.accounts.size());
  BOOST_TEST(report.users == static_cast<int>(report.accounts.size()));
  BOOST_TEST(report.users >= 26);

  // The chemistry: registered by team members, every batch citing its source.
  BOOST_TEST(report.compounds == 18);
  // 17 parents (hydroxytyrosol has two batches), and 10 constituents of the demo substances
  // registered with them (p-cymene, gamma-terpinene, three methyl esters, five fatty acids).
  BOOST_TEST(server.count("compounds") == 27);
  BOOST_TEST(report.substances == 6);
  BOOST_TEST(server.count("substances") == 6);
  // Every batch cites its source: the compound's own, or the substance it was registered
  // with, whose description cites the literature.
  BOOST_TEST(server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM batches WHERE notes NOT LIKE '%source: %'"
                      " AND notes NOT LIKE 'registered as a constituent of the substance %'")
        .value_or(-1);
  }) == 0);
  BOOST_TEST(server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM substances WHERE description NOT LIKE '%Source%'"
                      " AND description NOT LIKE '%source%'")
        .value_or(-1);
  }) == 0);
  BOOST_TEST(server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM compounds WHERE created_by IS NULL").value_or(-1);
  }) == 0);
  auto salts = server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM compound_forms WHERE label LIKE '%sodium%'").value_or(-1);
  });
  BOOST_TEST(salts == 1);

  // Some of it in the public catalogue, some shared with the cluster, the rest private.
  auto visibilityCount = [&](const std::string& table, const std::string& visibility) {
    return server.database().read([&](db::Connection& c) {
      return c.queryInt("SELECT COUNT(*) FROM " + table + " WHERE visibility = '" + visibility +
                        "'")
          .value_or(-1);
    });
  };
  BOOST_TEST(visibilityCount("compounds", "public") == 7);
  BOOST_TEST(visibilityCount("compounds", "cluster") == 2);
  BOOST_TEST(visibilityCount("compounds", "start-up") == 18);
  BOOST_TEST(visibilityCount("substances", "public") == 1);
  auto catalogue = server.call("GET", "/api/compounds");
  BOOST_TEST_REQUIRE(catalogue.status == 200, catalogue.body);
  BOOST_TEST(catalogue.json()->getValue<int>("total") == 7);

  // Routes and products of the demo: tests/server/demo_routes_test.cpp, demo_products_test.cpp.

  server::DemoLoadReport again = server::loadDemoData(server.services());
  BOOST_TEST(again.skipped);
  BOOST_TEST(again.accounts.empty());
}

BOOST_AUTO_TEST_SUITE_END()
