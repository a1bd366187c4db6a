// The demo synthesis routes (server/demo/demo_routes.json): loaded with the demo, created
// through the route service by team members, and every metric a user of `scripts/run`
// sees matches the arithmetic done by hand here from the amounts in the file.
#include "server/demo/demo_routes.h"

#include <map>
#include <set>

#include "server/demo/demo_data.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

struct Demo {
  TestServer server;
  server::DemoLoadReport report = server::loadDemoData(server.services());
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::map<std::string, std::int64_t> ids;  // route name -> id

  Demo() {
    auto list = server.call("GET", "/api/routes?page_size=100", "", admin);
    BOOST_TEST_REQUIRE(list.status == 200, list.body);
    auto items = list.json()->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
      auto r = items->getObject(static_cast<unsigned>(i));
      ids[r->getValue<std::string>("name")] = r->getValue<std::int64_t>("id");
    }
  }
  std::int64_t id(const std::string& name) {
    auto it = ids.find(name);
    BOOST_TEST_REQUIRE((it != ids.end()), "no demo route " << name);
    return it->second;
  }
  Poco::JSON::Object::Ptr metrics(const std::string& name) {
    auto r = server.call("GET", "/api/routes/" + std::to_string(id(name)) + "/metrics", "", admin);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r.json();
  }
};

const char* kDmc = "Glycerol carbonate by transesterification with dimethyl carbonate (CaO)";
const char* kUrea = "Glycerol carbonate by glycerolysis of urea (ZnSO4)";
const char* kGvl = "gamma-Valerolactone by hydrogenation of levulinic acid (Ru/C)";
const char* kGvlTwoSteps = "gamma-Valerolactone from fructose via levulinic acid";
const char* kFame = "Methyl oleate from used cooking oil by base-catalysed methanolysis (KOH)";

double number(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  BOOST_TEST_REQUIRE(!o->isNull(key), key << " is null");
  return o->getValue<double>(key);
}

std::string flagOf(const Poco::JSON::Object::Ptr& metrics, const std::string& criterion) {
  auto lights = metrics->getArray("traffic_lights");
  for (std::size_t i = 0; i < lights->size(); ++i) {
    auto t = lights->getObject(static_cast<unsigned>(i));
    if (t->getValue<std::string>("criterion") == criterion) return t->getValue<std::string>("flag");
  }
  return "absent";
}

std::string principleFlag(const Poco::JSON::Object::Ptr& metrics, int number) {
  auto principles = metrics->getArray("principles");
  return principles->getObject(static_cast<unsigned>(number - 1))->getValue<std::string>("flag");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(demo_routes)

BOOST_AUTO_TEST_CASE(five_cited_routes_by_team_members_all_complete) {
  Demo demo;
  BOOST_TEST(demo.report.routes == 5);
  BOOST_TEST(demo.server.count("routes") == 5);
  BOOST_TEST(demo.ids.size() == 5u);
  for (const auto& [name, id] : demo.ids) {
    auto m = demo.metrics(name);
    BOOST_TEST(m->getValue<bool>("complete"), name);
    BOOST_TEST(m->getArray("problems")->size() == 0u, name);
    auto route = m->getObject("route");
    // Every demo route says it is demo data and cites its chemistry.
    std::string description = route->getValue<std::string>("description");
    BOOST_TEST(description.find("DEMO") == 0u, description);
    BOOST_TEST(description.find(" 20") != std::string::npos, description);
    // Created by a member of the owning start-up, not by the system.
    auto creators = demo.server.database().read([&, id = id](db::Connection& c) {
      db::Statement st(c,
                       "SELECT COUNT(*) FROM routes r JOIN users u ON u.id = r.created_by"
                       " WHERE r.id = ? AND u.start_up_id = r.start_up_id");
      st.bind(1, id);
      st.step();
      return st.getInt(0);
    });
    BOOST_TEST(creators == 1, name);
  }
  std::string status = demo.metrics(kDmc)->getObject("route")->getValue<std::string>("status");
  BOOST_TEST(status == "validated");
  BOOST_TEST(demo.metrics(kUrea)->getObject("route")->getValue<std::string>("status") == "draft");
  BOOST_TEST(demo.metrics(kFame)->getObject("route")->getValue<std::string>("status") ==
             "validated");
}

// Two validated routes of public compounds are published (audited "publish"), so partners and
// visitors see green metrics in the catalogue; drafts and the other routes stay with their
// start-up.
BOOST_AUTO_TEST_CASE(two_validated_routes_are_public_the_rest_private) {
  Demo demo;
  auto anonymous = demo.server.call("GET", "/api/routes?page_size=100");
  BOOST_TEST_REQUIRE(anonymous.status == 200, anonymous.body);
  auto items = anonymous.json()->getArray("items");
  std::set<std::string> visible;
  for (std::size_t i = 0; i < items->size(); ++i) {
    visible.insert(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
  }
  BOOST_TEST((visible == std::set<std::string>{kDmc, kFame}));
  auto metrics = demo.server.call("GET", "/api/routes/" + std::to_string(demo.id(kDmc)) + "/metrics");
  BOOST_TEST(metrics.status == 200, metrics.body);
  for (const char* hidden : {kUrea, kGvl, kGvlTwoSteps}) {
    auto r = demo.server.call("GET", "/api/routes/" + std::to_string(demo.id(hidden)) + "/metrics");
    BOOST_TEST(r.status == 404, hidden);
  }
  BOOST_TEST(demo.server.count("audit_log WHERE action = 'publish' AND record_type = 'route'") == 2);
}

// Hand arithmetic from server/demo/demo_routes.json (M from C 12.011, H 1.008, N 14.007,
// O 15.999, as RDKit's average weights).
BOOST_AUTO_TEST_CASE(metrics_match_the_hand_arithmetic) {
  Demo demo;
  auto tol = boost::test_tools::tolerance(1e-3);
  {
    // Glycerol 92.094 + DMC 90.078 -> glycerol carbonate 118.088 + 2 MeOH: AE 64.82 %.
    // PMI (9.21 + 31.53 + 0.34) / 11.10 = 3.701; yield 11.10/118.088 / (9.21/92.094) = 93.99 %.
    auto m = demo.metrics(kDmc);
    BOOST_TEST(number(m, "atom_economy") == 64.82, tol);
    BOOST_TEST(number(m, "pmi") == 3.701, tol);
    BOOST_TEST(number(m, "overall_yield") == 93.99, tol);
    // Glycerol 9.21 g of 41.08 g raw input is waste-derived: 22.42 %.
    BOOST_TEST(number(m, "waste_derived_input_share") == 22.42, tol);
    BOOST_TEST(flagOf(m, "temperature") == "amber");  // 95 °C
    BOOST_TEST(flagOf(m, "critical_elements") == "green");
  }
  {
    // Glycerol + urea 60.056 -> glycerol carbonate + 2 NH3: AE 77.61 %;
    // PMI (9.21 + 6.61 + 0.81) / 9.45 = 1.760; yield 80.02 %.
    auto m = demo.metrics(kUrea);
    BOOST_TEST(number(m, "atom_economy") == 77.61, tol);
    BOOST_TEST(number(m, "pmi") == 1.760, tol);
    BOOST_TEST(number(m, "overall_yield") == 80.02, tol);
    BOOST_TEST(flagOf(m, "temperature") == "red");        // 145 °C
    BOOST_TEST(flagOf(m, "critical_elements") == "red");  // zinc: 5-50 years
    BOOST_TEST(flagOf(m, "workup") == "red");             // distillation above 140 °C
  }
  {
    // LA 116.116 + H2 2.016 -> GVL 100.117 + H2O: AE 84.75 %. Inputs 5.81 + 0.121 + 0.0145
    // + 0.2755 + 40 mL x 0.792 = 38.901 g over 4.61 g: PMI 8.221.
    auto m = demo.metrics(kGvl);
    BOOST_TEST(number(m, "atom_economy") == 84.75, tol);
    BOOST_TEST(number(m, "pmi") == 8.221, tol);
    BOOST_TEST(number(m, "solvent_intensity") == 6.872, tol);  // 31.68 / 4.61
    BOOST_TEST(number(m, "overall_yield") == 92.03, tol);
  }
  {
    // Two steps. Step 1 inputs 18.02 + 0.98 + 150 (water) + 90 mL x 0.902 = 250.18 g for
    // 6.39 g of LA; step 2 uses 5.81 g of it for 4.61 g of GVL, raw inputs 32.091 g.
    // Per kg of GVL: F1 = 5.81 / 4.61 = 1.26030; PMI = 1.26030 x 250.18 / 6.39 + 32.091 /
    // 4.61 = 49.3430 + 6.9612 = 56.304. Overall yield 55.02 % x 92.03 % = 50.63 %.
    auto m = demo.metrics(kGvlTwoSteps);
    BOOST_TEST(number(m, "pmi") == 56.304, tol);
    BOOST_TEST(number(m, "overall_yield") == 50.63, boost::test_tools::tolerance(1e-3));
    BOOST_TEST(number(m, "water_intensity") == 29.584, tol);  // 1.26030 x 150 / 6.39
    BOOST_TEST(number(m, "bio_based_input_share") == 13.30, tol);
    auto contributions = m->getArray("contributions");
    BOOST_TEST_REQUIRE(contributions->size() == 2u);
    BOOST_TEST(contributions->getObject(0)->getValue<double>("product_kg_per_kg_final") == 1.2603,
               tol);
    BOOST_TEST(m->getArray("longest_linear_sequence_steps")->size() == 2u);
  }
  {
    // Triolein 885.453 + 3 MeOH -> 3 methyl oleate 296.495 + glycerol: AE 90.62 %;
    // PMI (88.55 + 19.23 + 0.89 + 30) / 84.50 = 1.641; waste-derived 88.55 / 108.67 = 81.49 %.
    auto m = demo.metrics(kFame);
    BOOST_TEST(number(m, "atom_economy") == 90.62, tol);
    BOOST_TEST(number(m, "pmi") == 1.641, tol);
    BOOST_TEST(number(m, "overall_yield") == 94.99, tol);
    BOOST_TEST(number(m, "waste_derived_input_share") == 81.49, tol);
    BOOST_TEST(principleFlag(m, 7) == "green");  // renewable feedstocks
  }
}

BOOST_AUTO_TEST_CASE(the_two_glycerol_carbonate_routes_compare_side_by_side) {
  Demo demo;
  std::string dmc = std::to_string(demo.id(kDmc));
  std::string urea = std::to_string(demo.id(kUrea));
  auto r = demo.server.call("GET", "/api/routes/compare?ids=" + dmc + "," + urea, "", demo.admin);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto rows = r.json()->getArray("metrics");
  std::map<std::string, Poco::JSON::Object::Ptr> byKey;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto row = rows->getObject(static_cast<unsigned>(i));
    byKey[row->getValue<std::string>("key")] = row;
  }
  BOOST_TEST_REQUIRE(byKey.count("atom_economy") == 1u);
  auto ae = byKey["atom_economy"];
  BOOST_TEST(ae->getArray("values")->getElement<double>(0) == 64.82,
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(ae->getArray("values")->getElement<double>(1) == 77.61,
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(ae->getArray("best")->getElement<std::int64_t>(0) == demo.id(kUrea));
  BOOST_TEST(byKey["pmi"]->getArray("best")->getElement<std::int64_t>(0) == demo.id(kUrea));
  BOOST_TEST(byKey["overall_yield"]->getArray("best")->getElement<std::int64_t>(0) ==
             demo.id(kDmc));

  // Both are listed on the compound: glycerol carbonate's routes.
  auto target = demo.metrics(kDmc)->getObject("route")->getObject("target_compound");
  std::string code = target->getValue<std::string>("id");
  auto routes = demo.server.call("GET", "/api/compounds/" + code + "/routes", "", demo.admin);
  BOOST_TEST_REQUIRE(routes.status == 200, routes.body);
  BOOST_TEST(routes.json()->getValue<int>("total") == 2);
}

BOOST_AUTO_TEST_SUITE_END()
