// The demo pipeline: the five lab-to-market start-ups have products at different stages of
// their way to market, with gate decisions, TRL history, market data, customers, evidence
// and partners' inquiries — loaded through the normal stores, audited, seen over HTTP as a
// user of `argan serve --demo` sees them.
#include <map>
#include <set>

#include "db/audit.h"
#include "db/record_codes.h"
#include "db/start_up_store.h"
#include "db/user_store.h"
#include "server/demo/demo_data.h"
#include "test_server.h"

using namespace argan;

namespace {

// A token for a demo account (the demo's passwords are random; tokens are made here).
std::string tokenFor(test::TestServer& server, const std::string& email) {
  std::string token = server::newApiToken();
  server.database().write([&](db::Connection& c) {
    auto user = db::findUserByEmail(c, email);
    BOOST_TEST_REQUIRE(user.has_value(), email);
    db::createApiToken(c, server.services().clock, db::Principal::system("test"), user->id,
                       server::tokenDigest(token), "demo test");
  });
  return token;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(demo_products)

BOOST_AUTO_TEST_CASE(the_demo_has_a_real_pipeline) {
  test::TestServer server;
  server::DemoLoadReport report = server::loadDemoData(server.services());
  BOOST_TEST_REQUIRE(!report.skipped);
  BOOST_TEST(report.products == 7);
  BOOST_TEST(server.count("products") == 7);

  // Every green-chemicals start-up has at least one product; nobody else has any.
  auto startUps = server.database().read([](db::Connection& c) { return db::listStartUps(c); });
  std::string admin = server.userToken("admin@cise.demo.argan.local", db::Role::Admin);
  auto funnel = server.call("GET", "/api/overview/funnel", "", admin);
  BOOST_TEST_REQUIRE(funnel.status == 200, funnel.body);
  auto f = funnel.json();
  BOOST_TEST(f->getValue<int>("products") == 7);
  std::map<std::string, int> perStartUp;
  auto rows = f->getArray("start_ups");
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto row = rows->getObject(i);
    int total = 0;
    auto byStage = row->getObject("by_stage");
    for (const auto& [key, value] : *byStage) total += value.convert<int>();
    perStartUp[row->getValue<std::string>("name")] = total;
  }
  for (const auto& s : startUps) {
    if (s.sector == "green_chemicals") {
      BOOST_TEST(perStartUp[s.name] >= 1, s.name);
    } else {
      BOOST_TEST(perStartUp[s.name] == 0, s.name);
    }
  }
  // Products sit at five different stages; one on hold, one stopped, one at commercial sales.
  std::set<std::string> stagesInUse;
  auto stages = f->getArray("stages");
  int onHold = 0;
  int stopped = 0;
  for (std::size_t i = 0; i < stages->size(); ++i) {
    auto stage = stages->getObject(i);
    if (stage->getValue<int>("products") > 0)
      stagesInUse.insert(stage->getValue<std::string>("key"));
    onHold += stage->getValue<int>("on_hold");
    stopped += stage->getValue<int>("stopped");
  }
  BOOST_TEST(stagesInUse.size() == 5u);
  BOOST_TEST(stagesInUse.count("commercial_sales") == 1u);
  BOOST_TEST(onHold == 1);
  BOOST_TEST(stopped == 1);

  // A product in detail, as its team sees it: TRL history, decisions, evidence, customers.
  std::string omar = tokenFor(server, "omar.kettani@atlasfuran.demo.argan.local");
  auto list = server.call("GET", "/api/products?q=Valerol", "", omar).json();
  BOOST_TEST_REQUIRE(list->getValue<int>("total") == 1);
  std::string valerol = list->getArray("items")->getObject(0)->getValue<std::string>("id");
  auto product = server.call("GET", "/api/products/" + valerol, "", omar).json();
  BOOST_TEST(product->getValue<int>("trl") == 8);
  BOOST_TEST(product->getValue<std::string>("visibility") == "public");
  BOOST_TEST(product->getObject("stage")->getValue<std::string>("key") == "market_launch");
  BOOST_TEST(product->getObject("compound")->getValue<std::string>("formula") == "C5H8O2");
  auto trl = server.call("GET", "/api/products/" + valerol + "/trl", "", omar).json();
  BOOST_TEST(trl->getValue<int>("total") == 6);  // 1 at creation, then 3 4 6 7 8
  auto decisions = server.call("GET", "/api/products/" + valerol + "/decisions", "", omar).json();
  BOOST_TEST(decisions->getValue<int>("total") == 5);
  auto customers = server.call("GET", "/api/products/" + valerol + "/customers", "", omar).json();
  BOOST_TEST(customers->getValue<int>("total") == 2);
  auto documents = server.call("GET", "/api/products/" + valerol + "/documents", "", omar);
  BOOST_TEST_REQUIRE(documents.status == 200, documents.body);
  BOOST_TEST(documents.json()->getValue<int>("total") >= 1);
  // Stage and decision dates lie in the past, relative to the clock's today.
  std::string today = db::dateOf(server.services().clock.nowIso());
  auto first = product->getArray("stages")->getObject(0);
  BOOST_TEST(first->getValue<std::string>("status") == "done");
  BOOST_TEST(first->getValue<std::string>("actual_end") < today);

  // The zaatar team sees its overdue regulatory milestone; the stopped product shows none.
  std::string leila = tokenFor(server, "leila.mansouri@zaatar.demo.argan.local");
  std::int64_t zaatar = 0;
  std::int64_t souss = 0;
  for (const auto& s : startUps) {
    if (s.name.rfind("Zaatar", 0) == 0) zaatar = s.id;
    if (s.name.rfind("Souss", 0) == 0) souss = s.id;
  }
  auto overview =
      server.call("GET", "/api/overview/start-ups/" + std::to_string(zaatar), "", leila).json();
  auto overdue = overview->getArray("overdue");
  BOOST_TEST_REQUIRE(overdue->size() == 1u);
  BOOST_TEST(overdue->getObject(0)->getValue<std::string>("stage") == "regulatory_safety");
  std::string meryem = tokenFor(server, "meryem.alaoui@souss.demo.argan.local");
  auto soussOverview =
      server.call("GET", "/api/overview/start-ups/" + std::to_string(souss), "", meryem).json();
  BOOST_TEST(soussOverview->getValue<int>("products") == 2);
  BOOST_TEST(soussOverview->getArray("overdue")->size() == 0u);

  // Partners: accounts in the report, the public catalogue, their own inquiry threads.
  std::set<std::string> partners;
  for (const auto& a : report.accounts) {
    if (a.role == "partner") partners.insert(a.email);
  }
  // (the needs board's demo adds its own partners: demo_needs_test.cpp)
  BOOST_TEST(partners.count("youness.alami@atlascoatings.demo.argan.local") == 1u);
  BOOST_TEST(partners.count("ghita.sefrioui@hotelsatlas.demo.argan.local") == 1u);
  std::string buyer = tokenFor(server, "youness.alami@atlascoatings.demo.argan.local");
  auto catalogue = server.call("GET", "/api/catalogue", "", buyer).json();
  BOOST_TEST(catalogue->getValue<int>("total") == 4);
  auto inquiries = server.call("GET", "/api/inquiries", "", buyer).json();
  BOOST_TEST_REQUIRE(inquiries->getValue<int>("total") == 1);
  BOOST_TEST(inquiries->getArray("items")->getObject(0)->getValue<std::string>("status") ==
             "answered");
  auto atlasInquiries = server.call("GET", "/api/inquiries", "", omar).json();
  BOOST_TEST(atlasInquiries->getValue<int>("total") == 1);
  // The pipeline stays inside the cluster: the partner gets the catalogue view.
  auto seenByBuyer = server.call("GET", "/api/products/" + valerol, "", buyer).json();
  BOOST_TEST(seenByBuyer->getValue<std::string>("view") == "catalogue");
  BOOST_TEST(server.call("GET", "/api/products/" + valerol + "/stages", "", buyer).status == 404);

  // Every record was made by a demo person, and the audit chain holds.
  BOOST_TEST(server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM products WHERE created_by IS NULL").value_or(-1);
  }) == 0);
  auto audit =
      server.database().read([](db::Connection& c) { return db::verifyAuditChain(c); });
  BOOST_TEST(audit.ok, audit.reason);
}

BOOST_AUTO_TEST_SUITE_END()
