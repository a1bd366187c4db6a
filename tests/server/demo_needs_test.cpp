// The demo needs board: needs from Moroccan industries, loaded through the board's verbs and
// seen over HTTP as the demo's partners and start-ups see them.
#include <algorithm>
#include <sstream>

#include "db/need_store.h"
#include "db/record_codes.h"
#include "db/sqlite.h"
#include "db/user_store.h"
#include "server/demo/demo_data.h"
#include "server/registry/need_watch.h"
#include "test_server.h"

using namespace argan;

namespace {

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

// A demo product's code, by its name (record numbers are creation times, not 1, 2, 3).
std::string productNamed(test::TestServer& server, const std::string& name) {
  return server.database().read([&](db::Connection& c) {
    db::Statement st(c, "SELECT id FROM products WHERE name = ?");
    st.bind(1, name);
    BOOST_TEST_REQUIRE(st.step(), name);
    return db::productCode(st.getInt(0));
  });
}

// The code of the demo's `n`-th need (1: the first loaded) or of its only response: loaded in
// that order, numbered by creation time.
std::string nthNeed(test::TestServer& server, int n) {
  return server.database().read([&](db::Connection& c) {
    db::Statement st(c, "SELECT id FROM needs ORDER BY id LIMIT 1 OFFSET ?");
    st.bind(1, static_cast<std::int64_t>(n - 1));
    BOOST_TEST_REQUIRE(st.step(), "need " << n);
    return db::needCode(st.getInt(0));
  });
}

std::string onlyResponse(test::TestServer& server) {
  return server.database().read([&](db::Connection& c) {
    return db::responseCode(c.queryInt("SELECT id FROM need_responses").value_or(0));
  });
}

std::vector<std::string> ids(const Poco::JSON::Array::Ptr& items) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(demo_needs)

BOOST_AUTO_TEST_CASE(the_demo_board_has_needs_a_response_and_a_project) {
  test::TestServer server;
  server::DemoLoadReport report = server::loadDemoData(server.services());
  BOOST_TEST_REQUIRE(!report.skipped);
  BOOST_TEST(report.needs == 4);
  BOOST_TEST(report.projects == 1);
  BOOST_TEST(server.count("needs") == 4);
  BOOST_TEST(server.count("need_responses") == 1);
  std::string nawal = tokenFor(server, "nawal.berrada@arganiacosmetics.demo.argan.local");
  std::string salma = tokenFor(server, "salma.benali@zitoun.demo.argan.local");
  std::string leila = tokenFor(server, "leila.mansouri@zaatar.demo.argan.local");
  std::string meryem = tokenFor(server, "meryem.alaoui@souss.demo.argan.local");
  std::string youness = tokenFor(server, "youness.alami@atlascoatings.demo.argan.local");

  const std::string cosmetics = nthNeed(server, 1), paint = nthNeed(server, 2),
                    packager = nthNeed(server, 3), hotels = nthNeed(server, 4);
  BOOST_TEST(cosmetics != "NEED-000001");  // numbered by creation time

  // The cosmetics maker's need: public, answered by Zitoun, shortlisted, two messages.
  auto need = server.call("GET", "/api/needs/" + cosmetics, "", nawal).json();
  BOOST_TEST(need->getValue<std::string>("function") == "antioxidant");
  auto responses = need->getArray("responses");
  BOOST_TEST_REQUIRE(responses->size() == 1u);
  auto response = server.call("GET", "/api/responses/" + onlyResponse(server), "", nawal).json();
  BOOST_TEST(response->getValue<std::string>("status") == "shortlisted");
  BOOST_TEST(response->getArray("messages")->size() == 2u);
  auto shares = response->getArray("shares");
  BOOST_TEST_REQUIRE(shares->size() == 3u);
  // The private lot and its analysis reach the partner through the response only.
  for (std::size_t i = 0; i < shares->size(); ++i) {
    auto share = shares->getObject(static_cast<unsigned>(i));
    std::string link = share->getValue<std::string>("link");
    BOOST_TEST(server.call("GET", link, "", nawal).status == 200, link);
    BOOST_TEST(server.call("GET", link, "", youness).status == 404, link);
    if (share->getValue<std::string>("type") == "batch") {
      // What a buyer needs of a lot (purity, amount, its analyses by title), not the lab's
      // notebook reference, researcher, storage or notes.
      auto lot = server.call("GET", link, "", nawal).json()->getObject("record");
      BOOST_TEST(lot->has("purity"));
      BOOST_TEST(lot->getArray("analyses")->size() >= 1u);
      BOOST_TEST(!lot->has("notebook_ref"));
      BOOST_TEST(!lot->has("researcher"));
      BOOST_TEST(!lot->has("storage"));
      BOOST_TEST(!lot->has("notes"));
    }
    if (share->getValue<std::string>("type") == "document") {
      std::string doc = share->getValue<std::string>("record");
      BOOST_TEST(server.call("GET", "/api/documents/" + doc, "", nawal).status == 404);
      BOOST_TEST(server.call("GET", link + "/content", "", nawal).body.find("DEMO") == 0u);
    }
  }
  // Its matches: the public catalogue for the partner (hydroxytyrosol, OleoHT).
  auto matches = server.call("GET", "/api/needs/" + cosmetics + "/matches", "", nawal).json();
  auto found = ids(matches->getArray("items"));
  const std::string oleoHT = productNamed(server, "OleoHT hydroxytyrosol 99 %");
  BOOST_TEST((std::find(found.begin(), found.end(), oleoHT) != found.end()));

  // The paint maker's need: shown to the cluster, anonymous to start-ups, Glycera's project
  // disclosed at stage and TRL without its name.
  auto coalescent = server.call("GET", "/api/needs/" + paint, "", meryem).json();
  BOOST_TEST(coalescent->isNull("company"));
  auto projects = server.call("GET", "/api/needs/" + paint + "/projects", "", youness).json();
  BOOST_TEST_REQUIRE(projects->getArray("items")->size() == 1u);
  auto project = projects->getArray("items")->getObject(0);
  BOOST_TEST(project->getValue<std::string>("stage") == "lab");
  BOOST_TEST(project->getValue<int>("trl") == 3);
  BOOST_TEST(project->isNull("start_up"));
  // Souss's own ethyl lactate could replace the coalescents; the partner sees the public one.
  auto sousMatches = server.call("GET", "/api/needs/" + paint + "/matches", "", meryem).json();
  BOOST_TEST(sousMatches->getArray("items")->size() >= 1u);

  // The packager's need is shown to Zaatar and Zitoun only.
  BOOST_TEST(server.call("GET", "/api/needs/" + packager, "", leila).status == 200);
  BOOST_TEST(server.call("GET", "/api/needs/" + packager, "", meryem).status == 404);
  auto zaatarMatches = server.call("GET", "/api/needs/" + packager + "/matches", "", leila).json();
  // Carvacrol, thymol, ThymoClean, and p-cymene (C10H14), a constituent of Zaatar's thyme
  // oil registered with it (server/demo/substances_demo.json).
  std::ostringstream zaatarIds;
  zaatarMatches->getArray("items")->stringify(zaatarIds);
  BOOST_TEST(ids(zaatarMatches->getArray("items")).size() == 4u, zaatarIds.str());

  // The hotels' need, without a structure, matches ThymoClean by its function.
  std::string ghita = tokenFor(server, "ghita.sefrioui@hotelsatlas.demo.argan.local");
  auto hotel = server.call("GET", "/api/needs/" + hotels + "/matches", "", ghita).json();
  BOOST_TEST(ids(hotel->getArray("items")) ==
             std::vector<std::string>{productNamed(server, "ThymoClean surface disinfectant")});

  // The watcher's first sweep tells each audience of its matches.
  server::NeedWatch watch(server.services());
  BOOST_TEST(watch.sweep().announced > 0);
  auto inbox = server.call("GET", "/api/notifications?unread=true", "", leila).json();
  BOOST_TEST(inbox->getValue<int>("total") >= 2);
  auto overview = server.call("GET", "/api/overview/needs", "", salma);
  BOOST_TEST(overview.status == 403);
}

BOOST_AUTO_TEST_SUITE_END()
