// The synthesis routes that make a product, over real HTTP: linked with the product
// (route_ids), checked against its composition and the caller's and owner's visibility,
// kept consistent when the composition changes, audited, and shown only to viewers who may
// see each route.
#include "db/audit.h"
#include "product_test_support.h"

using namespace argan;
using test::ProductLab;

namespace {

// Levulinic acid hydrogenated to gamma-valerolactone over Ru/C (balanced: + H2 -> + H2O).
constexpr const char* kGvlStep =
    R"({"reaction_smiles": "CC(=O)CCC(=O)O.[H][H]>[Ru]>CC1CCC(=O)O1.O"})";
// Levulinic acid from the alpha-angelica lactone hydration, enough for a route to it.
constexpr const char* kLevulinicStep = R"({"reaction_smiles": "CC1=CCC(=O)O1.O>>CC(=O)CCC(=O)O"})";
// Glycerol and acetone to solketal (another start-up's chemistry).
constexpr const char* kSolketalStep =
    R"({"reaction_smiles": "OCC(O)CO.CC(C)=O>>CC1(C)OCC(CO)O1.O"})";

std::string route(ProductLab& lab, const std::string& target, const std::string& name,
                  const char* step, const std::string& token) {
  auto r = lab.server.call("POST", "/api/routes",
                           R"({"target_compound": ")" + target + R"(", "name": ")" + name +
                               R"(", "steps": [)" + step + "]}",
                           token);
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  return std::to_string(r.json()->getValue<std::int64_t>("id"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(product_routes)

BOOST_AUTO_TEST_CASE(routes_are_linked_checked_and_followed_by_the_composition) {
  ProductLab lab;
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  std::string levulinic = lab.compound("CC(=O)CCC(=O)O", lab.member, lab.startUp);
  std::string gvlRoute = route(lab, gvl, "GVL by Ru/C hydrogenation", kGvlStep, lab.member);
  std::string levRoute = route(lab, levulinic, "Levulinic acid", kLevulinicStep, lab.member);
  std::string solketal = lab.compound("CC1(C)OCC(CO)O1", lab.other, lab.otherStartUp);
  std::string theirRoute = route(lab, solketal, "Solketal", kSolketalStep, lab.other);

  auto created =
      lab.server.call("POST", "/api/products",
                      R"({"name": "Valerol", "start_up": )" + std::to_string(lab.startUp) +
                          R"(, "compound_id": ")" + gvl + R"(", "route_ids": [)" + gvlRoute + "]}",
                      lab.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string id = created.json()->getValue<std::string>("id");
  std::string p = "/api/products/" + id;
  auto routes = created.json()->getArray("routes");
  BOOST_TEST_REQUIRE(routes->size() == 1u);
  BOOST_TEST(std::to_string(routes->getObject(0)->getValue<std::int64_t>("id")) == gvlRoute);
  BOOST_TEST(routes->getObject(0)->getValue<std::string>("target_compound") == gvl);
  BOOST_TEST(routes->getObject(0)->getValue<std::string>("name") == "GVL by Ru/C hydrogenation");
  BOOST_TEST(routes->getObject(0)->getObject("links")->getValue<std::string>("metrics") ==
             "/api/routes/" + gvlRoute + "/metrics");

  // Found from the route, and by the list filter.
  auto made = lab.server.call("GET", "/api/routes/" + gvlRoute + "/products", "", lab.member);
  BOOST_TEST_REQUIRE(made.status == 200, made.body);
  BOOST_TEST(made.json()->getValue<int>("total") == 1);
  BOOST_TEST(made.json()->getArray("items")->getObject(0)->getValue<std::string>("id") == id);
  BOOST_TEST(lab.server.call("GET", "/api/routes/" + levRoute + "/products", "", lab.member)
                 .json()
                 ->getValue<int>("total") == 0);
  BOOST_TEST(lab.server.call("GET", "/api/products?route=" + gvlRoute, "", lab.member)
                 .json()
                 ->getValue<int>("total") == 1);
  BOOST_TEST(lab.server.call("GET", "/api/products?route=x", "", lab.member).status == 400);
  // Another start-up may not see the private route: 404, as if it did not exist.
  BOOST_TEST(
      lab.server.call("GET", "/api/routes/" + gvlRoute + "/products", "", lab.other).status == 404);
  BOOST_TEST(lab.server.call("GET", "/api/routes/999/products", "", lab.admin).status == 404);

  // Bad links: 400 with the reason and the field; nothing written.
  std::string before = lab.state();
  struct Case {
    std::string body;
    int status;
    std::string field;
    std::string words;
  };
  std::vector<Case> cases = {
      {R"({"route_ids": [)" + levRoute + "]}", 400, "route_ids[0]", "not made of"},
      {R"({"route_ids": [)" + theirRoute + "]}", 400, "route_ids[0]", "can see"},
      {R"({"route_ids": [999]})", 400, "route_ids[0]", "can see"},
      {R"({"route_ids": ["twelve"]})", 400, "route_ids[0]", "route id"},
      {R"({"route_ids": [0]})", 400, "route_ids[0]", "route id"},
      {R"({"route_ids": [)" + gvlRoute + ", " + gvlRoute + "]}", 400, "route_ids[1]", "repeats"},
      {R"({"route_ids": 5})", 400, "route_ids", "array"},
      // A new composition the linked route makes nothing of, without new route_ids.
      {R"({"formulation": [{"compound_id": ")" + levulinic +
           R"(", "percentage": 40}, {"name": "water", "percentage": 60}]})",
       400, "route_ids", "send route_ids"},
  };
  for (const auto& c : cases) {
    auto r = lab.server.call("PATCH", p, c.body, lab.member);
    BOOST_TEST_CONTEXT(c.body) {
      BOOST_TEST(r.status == c.status, r.body);
      if (r.status == c.status) {
        auto error = r.json()->getObject("error");
        BOOST_TEST(error->getValue<std::string>("message").find(c.words) != std::string::npos,
                   error->getValue<std::string>("message"));
        BOOST_TEST(error->getObject("details")->optValue<std::string>("field", "") == c.field);
      }
    }
  }
  auto foreign =
      lab.server.call("POST", "/api/products",
                      R"({"name": "Copy", "start_up": )" + std::to_string(lab.startUp) +
                          R"(, "compound_id": ")" + gvl + R"(", "route_ids": [)" + levRoute + "]}",
                      lab.member);
  BOOST_TEST(foreign.status == 400);
  BOOST_TEST(lab.state() == before);

  // A formulation keeping GVL keeps the link; one without it needs route_ids with it.
  auto blend = lab.server.call("PATCH", p,
                               R"({"formulation": [{"compound_id": ")" + gvl +
                                   R"(", "percentage": 95}, {"name": "water", "percentage": 5}]})",
                               lab.member);
  BOOST_TEST_REQUIRE(blend.status == 200, blend.body);
  BOOST_TEST(blend.json()->getArray("routes")->size() == 1u);
  auto both = lab.server.call("PATCH", p,
                              R"({"formulation": [{"compound_id": ")" + gvl +
                                  R"(", "percentage": 50}, {"compound_id": ")" + levulinic +
                                  R"(", "percentage": 50}], "route_ids": [)" + levRoute + ", " +
                                  gvlRoute + "]}",
                              lab.member);
  BOOST_TEST_REQUIRE(both.status == 200, both.body);
  auto two = both.json()->getArray("routes");
  BOOST_TEST_REQUIRE(two->size() == 2u);
  BOOST_TEST(std::to_string(two->getObject(0)->getValue<std::int64_t>("id")) == levRoute);

  // Every link change is in the product's audit trail.
  auto entries = lab.server.database().read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "product", id); });
  BOOST_TEST_REQUIRE(!entries.empty());
  BOOST_TEST(entries.back().afterJson->find("\"routes\":[" + levRoute + "," + gvlRoute + "]") !=
                 std::string::npos,
             *entries.back().afterJson);

  // A retired route stays linked (history), but cannot be linked anew.
  auto retired = lab.server.call("POST", "/api/routes/" + levRoute + "/retire",
                                 R"({"reason": "superseded by the furfural route"})", lab.member);
  BOOST_TEST_REQUIRE(retired.status == 200, retired.body);
  auto kept = lab.server.call("PATCH", p, R"({"route_ids": [)" + levRoute + ", " + gvlRoute + "]}",
                              lab.member);
  BOOST_TEST(kept.status == 200, kept.body);
  BOOST_TEST(lab.server.call("PATCH", p, R"({"route_ids": []})", lab.member).status == 200);
  auto relink = lab.server.call("PATCH", p, R"({"route_ids": [)" + levRoute + "]}", lab.member);
  BOOST_TEST(relink.status == 422, relink.body);
  BOOST_TEST(relink.errorMessage().find("retired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(viewers_see_only_the_routes_they_may_see) {
  ProductLab lab;
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  std::string gvlRoute = route(lab, gvl, "GVL by Ru/C hydrogenation", kGvlStep, lab.member);
  auto created = lab.server.call("POST", "/api/products",
                                 R"({"name": "Valerol", "start_up": )" +
                                     std::to_string(lab.startUp) + R"(, "compound_id": ")" + gvl +
                                     R"(", "route_ids": [")" + gvlRoute + R"("]})",
                                 lab.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string p = "/api/products/" + created.json()->getValue<std::string>("id");
  auto published = lab.server.call("PATCH", p, R"({"visibility": "public"})", lab.lead);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  // The route is still the start-up's own: others see the product, not the route.
  for (const auto& token : {lab.other, lab.partner, std::string()}) {
    auto r = lab.server.call("GET", p, "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(r.json()->getArray("routes")->size() == 0u);
    BOOST_TEST(r.json()->getValue<int>("hidden_routes") == 1);
  }
  auto own = lab.server.call("GET", p, "", lab.member).json();
  BOOST_TEST(own->getArray("routes")->size() == 1u);
  BOOST_TEST(own->getValue<int>("hidden_routes") == 0);
  // Once the route (and its target) is shared with the cluster, cluster members see it; partners
  // still not.
  auto compoundShared =
      lab.server.call("PATCH", "/api/compounds/" + gvl, R"({"visibility": "cluster"})", lab.member);
  BOOST_TEST_REQUIRE(compoundShared.status == 200, compoundShared.body);
  auto shared = lab.server.call("PATCH", "/api/routes/" + gvlRoute, R"({"visibility": "cluster"})",
                                lab.member);
  BOOST_TEST_REQUIRE(shared.status == 200, shared.body);
  BOOST_TEST(lab.server.call("GET", p, "", lab.other).json()->getArray("routes")->size() == 1u);
  BOOST_TEST(lab.server.call("GET", p, "", lab.partner).json()->getArray("routes")->size() == 0u);
  BOOST_TEST(lab.server.call("GET", "/api/routes/" + gvlRoute + "/products", "", lab.other)
                 .json()
                 ->getValue<int>("total") == 1);
}

// A public product shows neither its private compound nor its private route to outsiders;
// the list filters ?compound= and ?route= must not reveal them either (a filter on a
// compound or route the viewer may not see matches nothing, as for one that does not exist).
BOOST_AUTO_TEST_CASE(list_filters_do_not_reveal_hidden_compounds_or_routes) {
  ProductLab lab;
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  std::string gvlRoute = route(lab, gvl, "GVL by hydrogenation", kGvlStep, lab.member);
  std::string id = lab.product("Valerol", gvl);
  auto linked = lab.server.call("PATCH", "/api/products/" + id,
                                R"({"route_ids": [)" + gvlRoute + "]}", lab.member);
  BOOST_TEST_REQUIRE(linked.status == 200, linked.body);
  auto published = lab.server.call("PATCH", "/api/products/" + id,
                                   R"({"visibility": "public"})", lab.lead);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);

  for (const std::string& query : {"compound=" + gvl, "route=" + gvlRoute}) {
    BOOST_TEST_CONTEXT(query) {
      auto own = lab.server.call("GET", "/api/products?" + query, "", lab.member);
      BOOST_TEST_REQUIRE(own.status == 200, own.body);
      BOOST_TEST(own.json()->getValue<int>("total") == 1);
      for (const std::string& token : {lab.partner, lab.other, std::string()}) {
        auto r = lab.server.call("GET", "/api/products?" + query, "", token);
        BOOST_TEST_REQUIRE(r.status == 200, r.body);
        BOOST_TEST(r.json()->getValue<int>("total") == 0, r.body);
      }
    }
  }
  // The product itself stays in the catalogue.
  auto catalogue = lab.server.call("GET", "/api/products", "", lab.partner);
  BOOST_TEST(catalogue.body.find(id) != std::string::npos);
}

// The history of a shared product is readable in the cluster, but its audit snapshots hold
// the raw composition: another start-up must not find there the private compound and route
// that the product view hides from it.
BOOST_AUTO_TEST_CASE(history_snapshots_do_not_reveal_hidden_compounds_or_routes) {
  ProductLab lab;
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  std::string gvlRoute = route(lab, gvl, "GVL by hydrogenation", kGvlStep, lab.member);
  std::string id = lab.product("Valerol", gvl);
  std::string p = "/api/products/" + id;
  BOOST_TEST_REQUIRE(
      lab.server.call("PATCH", p, R"({"route_ids": [)" + gvlRoute + "]}", lab.member).status ==
      200);
  BOOST_TEST_REQUIRE(
      lab.server.call("PATCH", p, R"({"visibility": "cluster"})", lab.member).status == 200);
  auto view = lab.server.call("GET", p, "", lab.other);
  BOOST_TEST_REQUIRE(view.status == 200, view.body);
  BOOST_TEST(view.json()->isNull("compound"));
  BOOST_TEST(view.json()->getValue<int>("hidden_routes") == 1);

  std::string number = std::to_string(std::stoll(gvl.substr(4)));  // CMP-000123 -> 123
  auto own = lab.server.call("GET", p + "/history", "", lab.member);
  BOOST_TEST_REQUIRE(own.status == 200, own.body);
  BOOST_TEST(own.body.find("\"compound_id\":" + number) != std::string::npos, own.body);
  BOOST_TEST(own.body.find("\"routes\":[" + gvlRoute + "]") != std::string::npos, own.body);

  auto theirs = lab.server.call("GET", p + "/history", "", lab.other);
  BOOST_TEST_REQUIRE(theirs.status == 200, theirs.body);
  BOOST_TEST(theirs.json()->getValue<int>("total") == own.json()->getValue<int>("total"));
  BOOST_TEST(theirs.body.find("\"compound_id\":" + number) == std::string::npos, theirs.body);
  BOOST_TEST(theirs.body.find("\"routes\":[" + gvlRoute + "]") == std::string::npos,
             theirs.body);
}

BOOST_AUTO_TEST_SUITE_END()
