// The demo's waste side (server/demo/waste_demo.json): loaded with the demo through the
// API's rules, the genealogy of the demo's product batches reaches their waste lots, sources
// and collectors, and the circularity dashboard's tonnes are the lots' masses.
#include "server/demo/demo_waste.h"

#include <map>
#include <set>

#include "db/user_store.h"
#include "db/waste_store.h"
#include "server/demo/demo_data.h"
#include "server/http/authentication.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

struct Demo {
  TestServer server;
  server::DemoLoadReport report = server::loadDemoData(server.services());
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);

  // An API token for a demo person.
  std::string tokenOf(const std::string& email) {
    std::string token = server::newApiToken();
    server.database().write([&](db::Connection& c) {
      auto user = db::findUserByEmail(c, email);
      BOOST_TEST_REQUIRE(user.has_value(), email);
      db::createApiToken(c, server.services().clock, db::Principal::system("test"), user->id,
                         server::tokenDigest(token), "test");
    });
    return token;
  }

  // The batch recorded under a notebook reference.
  std::string batchOf(const std::string& notebookRef) {
    auto code = server.database().read([&](db::Connection& c) {
      return c.queryText(
          "SELECT 'CMP-' || printf('%06d', compound_id) || '-F' || form_number || '-B' ||"
          " printf('%03d', batch_number) FROM batch_records WHERE notebook_ref = '" +
          notebookRef + "' ORDER BY id DESC LIMIT 1");
    });
    BOOST_TEST_REQUIRE(code.has_value(), notebookRef);
    return *code;
  }
};

std::set<std::string> nodesOfKind(const Poco::JSON::Object::Ptr& graph, const std::string& kind) {
  std::set<std::string> out;
  auto nodes = graph->getArray("nodes");
  for (std::size_t i = 0; i < nodes->size(); ++i) {
    auto n = nodes->getObject(static_cast<unsigned>(i));
    if (n->getValue<std::string>("kind") == kind) out.insert(n->getValue<std::string>("id"));
  }
  return out;
}

std::set<std::string> startUpNames(const Poco::JSON::Object::Ptr& graph) {
  std::set<std::string> out;
  auto nodes = graph->getArray("nodes");
  for (std::size_t i = 0; i < nodes->size(); ++i) {
    auto n = nodes->getObject(static_cast<unsigned>(i));
    if (n->getValue<std::string>("kind") == "start_up") out.insert(n->getValue<std::string>("label"));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(demo_waste)

BOOST_AUTO_TEST_CASE(dates_move_by_calendar_days) {
  BOOST_TEST(server::addDays("2026-03-01", -1) == "2026-02-28");
  BOOST_TEST(server::addDays("2024-03-01", -1) == "2024-02-29");
  BOOST_TEST(server::addDays("2026-12-31", 1) == "2027-01-01");
  BOOST_TEST(server::addDays("2026-01-15", -180) == "2025-07-19");
}

BOOST_AUTO_TEST_CASE(the_demo_chains_reach_from_product_batches_to_waste_sources) {
  Demo demo;
  BOOST_TEST(demo.report.lots == 40 + 9 + 8);  // collected, made by transformations, received
  BOOST_TEST(demo.report.transfers == 10);
  BOOST_TEST(demo.server.count("waste_sources") == 17);
  BOOST_TEST(demo.server.count("lot_uses") == 6);
  auto pending = demo.server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM lot_transfers WHERE status = 'pending'");
  });
  BOOST_TEST(*pending == 1);

  // FAME bio-degreaser: the methyl oleate batch of Souss Bio-Solvents, made by the route from
  // used cooking oil collected by Recycl'Oil Casablanca from restaurants.
  const std::string souss = demo.tokenOf("hajar.ouazzani@souss.demo.argan.local");
  const std::string fame = demo.batchOf("SB-2026-015");
  auto g = demo.server.call("GET", "/api/batches/" + fame + "/genealogy", "", souss);
  BOOST_TEST_REQUIRE(g.status == 200, g.body);
  auto graph = g.json();
  BOOST_TEST(nodesOfKind(graph, "route_step").size() == 1u);
  BOOST_TEST(nodesOfKind(graph, "transformation").size() == 1u);
  BOOST_TEST(nodesOfKind(graph, "lot").size() == 1u + 1u + 5u);  // received, filtered, 5 collected
  BOOST_TEST(nodesOfKind(graph, "source").size() == 3u);
  BOOST_TEST(startUpNames(graph).count("Recycl'Oil Casablanca (demo)") == 1u);
  // Souss sees where the oil came from (kind, region), never the restaurants' names.
  BOOST_TEST(g.body.find("casablanca_settat") != std::string::npos);
  BOOST_TEST(g.body.find("Restaurant Le Doukkala") == std::string::npos);
  // The collector, asked about one of those lots, sees it go to Souss; an outsider sees nothing.
  const std::string recycloil = demo.tokenOf("mehdi.sqalli@recycloil.demo.argan.local");
  std::string collected = *nodesOfKind(graph, "lot").begin();
  auto upstream = demo.server.call("GET", "/api/lots/" + collected + "/genealogy", "", recycloil);
  BOOST_TEST_REQUIRE(upstream.status == 200, upstream.body);
  BOOST_TEST(upstream.body.find("Souss Bio-Solvents (demo)") != std::string::npos);
  BOOST_TEST(upstream.body.find(fame) == std::string::npos);
  // Recycl'Oil shares its collections with the cluster: another start-up sees the lot, not
  // the restaurant's name, and not where it went. Plasti-Tri's lots are private: 404.
  const std::string zaatar = demo.tokenOf("leila.mansouri@zaatar.demo.argan.local");
  auto shared = demo.server.call("GET", "/api/lots/" + collected, "", zaatar);
  BOOST_TEST_REQUIRE(shared.status == 200, shared.body);
  BOOST_TEST(shared.json()->getObject("source")->isNull("name"));
  auto sharedGraph = demo.server.call("GET", "/api/lots/" + collected + "/genealogy", "", zaatar);
  BOOST_TEST_REQUIRE(sharedGraph.status == 200, sharedGraph.body);
  BOOST_TEST(sharedGraph.body.find("Souss Bio-Solvents (demo)") == std::string::npos);
  auto nodes = sharedGraph.json()->getArray("nodes");
  std::size_t sources = 0;
  for (std::size_t i = 0; i < nodes->size(); ++i) {
    auto n = nodes->getObject(static_cast<unsigned>(i));
    if (n->getValue<std::string>("kind") != "source") continue;
    ++sources;
    BOOST_TEST(n->getValue<std::string>("label") == n->getValue<std::string>("id"));  // no name
  }
  BOOST_TEST(sources == 1u);
  auto privateLot = demo.server.database().read([](db::Connection& c) {
    return c.queryInt(
        "SELECT l.id FROM lots l JOIN start_ups s ON s.id = l.start_up_id"
        " WHERE s.name = 'Plasti-Tri Rabat (demo)' AND l.visibility = 'start-up' LIMIT 1");
  });
  BOOST_TEST_REQUIRE(privateLot.has_value());
  BOOST_TEST(demo.server.call("GET", "/api/lots/" + db::lotCode(*privateLot), "", zaatar).status ==
             404);

  // OleoHT hydroxytyrosol 99 %: Zitoun's batch from olive-mill wastewater of Grignons Logistics.
  const std::string zitoun = demo.tokenOf("salma.benali@zitoun.demo.argan.local");
  auto ht = demo.server.call("GET", "/api/batches/" + demo.batchOf("ZB-2026-031") + "/genealogy",
                             "", zitoun);
  BOOST_TEST_REQUIRE(ht.status == 200, ht.body);
  auto htGraph = ht.json();
  BOOST_TEST(nodesOfKind(htGraph, "lot").size() == 2u);  // received, collected
  BOOST_TEST(nodesOfKind(htGraph, "source").size() == 1u);
  BOOST_TEST(startUpNames(htGraph).count("Grignons Logistics (demo)") == 1u);
}

BOOST_AUTO_TEST_CASE(the_demo_dashboard_adds_up_to_the_lots) {
  Demo demo;
  auto f = demo.server.call("GET", "/api/circularity", "", demo.admin);
  BOOST_TEST_REQUIRE(f.status == 200, f.body);
  auto figures = f.json();
  auto lots = demo.server.call("GET", "/api/lots?origin=collection&page_size=500", "", demo.admin);
  BOOST_TEST_REQUIRE(lots.status == 200, lots.body);
  std::map<std::pair<std::string, std::string>, double> tonnes;
  double total = 0;
  auto items = lots.json()->getArray("items");
  BOOST_TEST(items->size() == 40u);
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto l = items->getObject(static_cast<unsigned>(i));
    double t = l->getObject("net_mass")->getValue<double>("kg") / 1000;
    tonnes[{l->getValue<std::string>("collected_on").substr(0, 7),
            l->getValue<std::string>("stream")}] += t;
    total += t;
  }
  auto cells = figures->getArray("per_stream_month");
  std::size_t withCollections = 0;
  for (std::size_t i = 0; i < cells->size(); ++i) {
    auto cell = cells->getObject(static_cast<unsigned>(i));
    double collected = cell->getValue<double>("collected_t");
    std::pair<std::string, std::string> key{cell->getValue<std::string>("month"),
                                            cell->getValue<std::string>("stream")};
    BOOST_TEST(collected == tonnes[key], boost::test_tools::tolerance(1e-9));
    withCollections += collected > 0;
  }
  BOOST_TEST(withCollections == tonnes.size());
  BOOST_TEST(figures->getObject("totals")->getValue<double>("collected_t") == total,
             boost::test_tools::tolerance(1e-9));
  // Flows between start-ups: the accepted transfers, by their sent mass.
  auto sent = demo.server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT SUM(mass_mg) FROM lot_transfers WHERE status = 'accepted'");
  });
  double flows = 0;
  auto flowList = figures->getArray("flows");
  for (std::size_t i = 0; i < flowList->size(); ++i) {
    flows += flowList->getObject(static_cast<unsigned>(i))->getValue<double>("t");
  }
  BOOST_TEST(flows == static_cast<double>(*sent) / 1e9, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(figures->getObject("transport")->getValue<double>("co2e_kg") > 0);
  // The methyl oleate route's waste-derived share is visible to the cluster.
  bool fameShare = false;
  auto routes = figures->getArray("routes");
  for (std::size_t i = 0; i < routes->size(); ++i) {
    auto r = routes->getObject(static_cast<unsigned>(i));
    if (r->getValue<std::string>("name").rfind("Methyl oleate", 0) == 0) {
      fameShare = r->getValue<double>("waste_derived_percent") > 80;
    }
  }
  BOOST_TEST(fameShare);

  // A start-up member's dashboard counts what it may read: the lots the three collectors
  // share with the cluster and the ones its own lots come from, not Plasti-Tri's private lots.
  auto member = demo.tokenOf("leila.mansouri@zaatar.demo.argan.local");
  auto mine = demo.server.call("GET", "/api/circularity?shares=false", "", member);
  BOOST_TEST_REQUIRE(mine.status == 200, mine.body);
  auto listed = demo.server.call("GET", "/api/lots?origin=collection&page_size=500", "", member);
  BOOST_TEST_REQUIRE(listed.status == 200, listed.body);
  double visible = 0;
  auto visibleItems = listed.json()->getArray("items");
  for (std::size_t i = 0; i < visibleItems->size(); ++i) {
    auto l = visibleItems->getObject(static_cast<unsigned>(i));
    BOOST_TEST(l->getObject("start_up")->getValue<std::string>("name") != "Plasti-Tri Rabat (demo)");
    visible += l->getObject("net_mass")->getValue<double>("kg") / 1000;
  }
  BOOST_TEST(visibleItems->size() == 35u);
  BOOST_TEST(mine.json()->getValue<std::string>("counted") == "visible");
  BOOST_TEST(mine.json()->getObject("totals")->getValue<double>("collected_t") == visible,
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(visible < total);
  // Plasti-Tri itself counts its own lots.
  auto plastitri = demo.tokenOf("samir.benjelloun@plastitri.demo.argan.local");
  auto theirs = demo.server.call("GET", "/api/circularity?shares=false", "", plastitri).json();
  BOOST_TEST(theirs->getObject("totals")->getValue<double>("collected_t") == total,
             boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
