// Products over real HTTP: the interfaces scripts rely on, every bad-input rule (4xx with the
// reason, nothing written), who may do what, and the catalogue view.
#include "product_test_support.h"

using namespace argan;
using test::ProductLab;

namespace {

Poco::JSON::Object::Ptr stageOf(const Poco::JSON::Object::Ptr& product, const std::string& key) {
  auto stages = product->getArray("stages");
  for (std::size_t i = 0; i < stages->size(); ++i) {
    auto s = stages->getObject(i);
    if (s->getValue<std::string>("key") == key) return s;
  }
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_products)

BOOST_AUTO_TEST_CASE(the_interfaces_scripts_rely_on) {
  ProductLab lab;
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  auto created =
      lab.server.call("POST", "/api/products",
                      R"({"name": "GVL green solvent", "start_up": )" +
                          std::to_string(lab.startUp) + R"(, "compound_id": ")" + gvl + R"("})",
                      lab.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  auto product = created.json();
  std::string id = product->getValue<std::string>("id");
  BOOST_TEST(id.rfind("PRD-", 0) == 0u);
  BOOST_TEST(product->getValue<int>("trl") == 1);
  BOOST_TEST(product->getValue<std::string>("visibility") == "start-up");
  BOOST_TEST(product->getValue<std::string>("compound_id") == gvl);
  BOOST_TEST(product->getObject("compound")->getValue<std::string>("formula") == "C5H8O2");
  BOOST_TEST(product->getObject("catalogue")->getValue<std::string>("depiction") ==
             "/api/compounds/" + gvl + "/depiction.svg");
  auto stages = product->getArray("stages");
  BOOST_TEST_REQUIRE(stages->size() == 6u);
  for (std::size_t i = 0; i < stages->size(); ++i) {
    BOOST_TEST(stages->getObject(i)->getValue<std::string>("status") == "not_started");
  }
  BOOST_TEST(stages->getObject(0)->getValue<std::string>("key") == "lab_discovery");
  BOOST_TEST(stages->getObject(3)->getValue<std::string>("key") == "regulatory_safety");
  BOOST_TEST(product->getObject("stage")->getValue<std::string>("key") == "lab_discovery");

  auto done = lab.server.call("PATCH", "/api/products/" + id + "/stages/lab_discovery",
                              R"({"status": "done"})", lab.member);
  BOOST_TEST_REQUIRE(done.status == 200, done.body);
  BOOST_TEST(done.json()->getValue<std::string>("status") == "done");
  BOOST_TEST(!done.json()->isNull("actual_end"));

  auto trl = lab.server.call("PATCH", "/api/products/" + id, R"({"trl": 5})", lab.member);
  BOOST_TEST_REQUIRE(trl.status == 200, trl.body);
  BOOST_TEST(trl.json()->getValue<int>("trl") == 5);
  BOOST_TEST(trl.json()->getValue<std::string>("trl_title") ==
             "technology validated in relevant environment (industrially relevant environment "
             "in the case of key enabling technologies)");
  BOOST_TEST(trl.json()->getObject("stage")->getValue<std::string>("key") == "proof_of_concept");

  auto published =
      lab.server.call("PATCH", "/api/products/" + id, R"({"visibility": "public"})", lab.lead);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  BOOST_TEST(published.json()->getValue<std::string>("visibility") == "public");

  auto funnel = lab.server.call("GET", "/api/overview/funnel", "", lab.admin);
  BOOST_TEST_REQUIRE(funnel.status == 200, funnel.body);
  auto f = funnel.json();
  BOOST_TEST(f->getValue<int>("products") == 1);
  auto poc = f->getArray("stages")->getObject(1);
  BOOST_TEST(poc->getValue<std::string>("key") == "proof_of_concept");
  BOOST_TEST(poc->getValue<int>("products") == 1);
  BOOST_TEST(poc->getArray("by_start_up")->getObject(0)->getValue<std::int64_t>("start_up") ==
             lab.startUp);
  auto row = f->getArray("start_ups")->getObject(0);
  BOOST_TEST(row->getValue<std::string>("name") == "Zitoun Green");
  BOOST_TEST(row->getObject("by_stage")->getValue<int>("proof_of_concept") == 1);
  BOOST_TEST(row->getObject("by_stage")->getValue<int>("lab_discovery") == 0);

  // Bare numbers work as ids too; the list finds it.
  BOOST_TEST_REQUIRE(id.rfind("PRD-", 0) == 0u, id);
  const std::string bare = std::to_string(std::stoll(id.substr(4)));
  auto byNumber = lab.server.call("GET", "/api/products/" + bare, "", lab.member);
  BOOST_TEST_REQUIRE(byNumber.status == 200, byNumber.body);
  BOOST_TEST(byNumber.json()->getValue<std::string>("id") == id);
  auto list = lab.server.call("GET", "/api/products?stage=proof_of_concept", "", lab.member);
  BOOST_TEST(list.json()->getValue<int>("total") == 1);
  auto byCompound = lab.server.call("GET", "/api/compounds/" + gvl + "/products", "", lab.member);
  BOOST_TEST(byCompound.json()->getValue<int>("total") == 1);
}

// Empty list filters (an HTML form's empty fields) are no filter, on products as on
// compounds, routes and inquiries (RequestContext::queryFilter).
BOOST_AUTO_TEST_CASE(empty_list_filters_are_ignored) {
  ProductLab lab;
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  for (const char* name : {"GVL solvent", "GVL fuel additive"}) {
    auto created = lab.server.call(
        "POST", "/api/products",
        std::string(R"({"name": ")") + name + R"(", "start_up": )" + std::to_string(lab.startUp) +
            R"(, "compound_id": ")" + gvl + R"("})",
        lab.member);
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
  }
  for (const char* query : {"", "?stage=", "?compound=", "?route=", "?visibility=", "?q=%20",
                            "?stage=&compound=&route=&visibility=&q="}) {
    auto list = lab.server.call("GET", std::string("/api/products") + query, "", lab.member);
    BOOST_TEST_REQUIRE(list.status == 200, query << ": " << list.body);
    BOOST_TEST(list.json()->getValue<int>("total") == 2, query);
  }
  auto one = lab.server.call("GET", "/api/products?q=fuel", "", lab.member);
  BOOST_TEST(one.json()->getValue<int>("total") == 1);
  for (const char* query : {"?status=", "?target=", "?status=&target="}) {
    auto routes = lab.server.call("GET", std::string("/api/routes") + query, "", lab.member);
    BOOST_TEST(routes.status == 200, query << ": " << routes.body);
  }
}

BOOST_AUTO_TEST_CASE(bad_input_answers_4xx_with_the_reason_and_writes_nothing) {
  ProductLab lab;
  std::string mine = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  std::string theirs = lab.compound("OC1COC(=O)O1", lab.other, lab.otherStartUp);
  std::string id = lab.product("GVL", mine);
  std::string su = std::to_string(lab.startUp);
  std::string before = lab.state();

  struct Case {
    std::string method, path, body;
    int status;
    std::string field;
    std::string words;
  };
  std::string p = "/api/products/" + id;
  std::vector<Case> cases = {
      {"PATCH", p + "/stages/moon_landing", R"({"status": "done"})", 404, "key", "lab_discovery"},
      {"PATCH", p + "/stages/scale_up",
       R"({"planned_start": "2027-05-01", "planned_end": "2027-04-01", "owner": "Salma"})", 400,
       "planned_end", "before planned_start"},
      {"PATCH", p + "/stages/scale_up",
       R"({"status": "done", "actual_start": "2026-03-02", "actual_end": "2026-03-01"})", 400,
       "actual_end", "before actual_start"},
      {"PATCH", p + "/stages/scale_up",
       R"({"actual_start": "2199-01-01", "status": "in_progress"})", 400, "actual_start", "future"},
      {"PATCH", p + "/stages/scale_up", R"({"planned_start": "2027-02-30"})", 400, "planned_start",
       "YYYY-MM-DD"},
      {"PATCH", p + "/stages/scale_up", R"({"status": "finished"})", 400, "status", "in_progress"},
      {"PATCH", p, R"({"trl": 10})", 400, "trl", "1 to 9"},
      {"PATCH", p, R"({"trl": 0})", 400, "trl", "1 to 9"},
      {"PATCH", p, R"({"trl": "five"})", 400, "trl", "integer"},
      {"PATCH", p, R"({"visibility": "world"})", 400, "visibility", "public"},
      {"PATCH", p, R"({"colour": "green"})", 400, "colour", "unknown field"},
      {"PATCH", p,
       R"({"formulation": [{"compound_id": ")" + mine +
           R"(", "percentage": 60}, {"name": "water", "percentage": 30}]})",
       400, "formulation", "sum to 90"},
      {"PATCH", p, R"({"formulation": [{"name": "water", "percentage": 120}]})", 400,
       "formulation[0].percentage", "at most 100"},
      {"PATCH", p, R"({"formulation": [{"percentage": 100}]})", 400, "formulation[0]",
       "compound_id"},
      {"PATCH", p, R"({"compound_id": ")" + theirs + R"("})", 400, "compound_id", theirs},
      {"PATCH", p, R"({"compound_id": "CMP-999999"})", 400, "compound_id", "CMP-999999"},
      {"PATCH", p, R"({"compound_id": "aspirin"})", 400, "compound_id", "CMP-000123"},
      {"PATCH", p, R"({"market": {"price_min": 9, "price_max": 3, "currency": "MAD"}})", 400,
       "market.price_min", "above"},
      {"POST", "/api/products",
       R"({"name": "Copy", "start_up": )" + su + R"(, "compound_id": ")" + theirs + R"("})", 400,
       "compound_id", "can see"},
      {"POST", "/api/products", R"({"name": "Nothing", "start_up": )" + su + "}", 400,
       "compound_id", "formulation"},
      {"POST", "/api/products",
       R"({"name": "GVL", "start_up": )" + su + R"(, "compound_id": ")" + mine + R"("})", 409,
       "name", "already has"},
      {"POST", "/api/products",
       R"({"name": "Too ready", "start_up": )" + su + R"(, "compound_id": ")" + mine +
           R"(", "trl": 11})",
       400, "trl", "1 to 9"},
      {"POST", "/api/products",
       R"({"name": "X", "start_up": 999, "compound_id": ")" + mine + R"("})", 404, "start_up",
       "start-up"},
      {"POST", p + "/stages/scale_up/decisions", R"({"decision": "maybe", "rationale": "x"})", 400,
       "decision", "rework"},
      {"POST", p + "/stages/scale_up/decisions", R"({"decision": "go"})", 400, "rationale",
       "required"},
      {"POST", p + "/stages/nowhere/decisions", R"({"decision": "go", "rationale": "x"})", 404,
       "key", "no stage"},
      {"POST", p + "/stages", R"({"name": "Bad", "key": "Bad Key!"})", 400, "key", "lower-case"},
      {"POST", p + "/stages", R"({"name": "Dup", "key": "scale_up"})", 409, "key", "already"},
      {"PUT", p + "/stage-order", R"({"keys": ["scale_up"]})", 400, "keys", "every stage"},
      {"POST", p + "/customers", R"({"name": "X", "relation": "friend"})", 400, "relation",
       "distributor"},
      {"POST", p + "/retire", R"({"reason": ""})", 400, "reason", "reason"},
      // Integers beyond 64 bits (JSON reads them as unsigned) are bad input, not a 500.
      {"POST", "/api/products",
       R"({"name": "Huge", "start_up": )" + su + R"(, "compound_id": 18446744073709551615})", 400,
       "compound_id", "CMP-000123"},
      {"POST", "/api/products",
       R"({"name": "Huge", "start_up": 18446744073709551615, "compound_id": ")" + mine + R"("})",
       400, "start_up", "integer"},
      {"PATCH", p, R"({"route_ids": [18446744073709551615]})", 400, "route_ids[0]", "route id"},
      {"PATCH", p, R"({"trl": 18446744073709551615})", 400, "trl", "integer"},
  };
  for (const auto& c : cases) {
    auto r = lab.server.call(c.method, c.path, c.body, lab.member);
    BOOST_TEST_CONTEXT(c.method << " " << c.path << " " << c.body) {
      BOOST_TEST(r.status == c.status, r.body);
      if (r.status == c.status) {
        auto error = r.json()->getObject("error");
        BOOST_TEST(error->getValue<std::string>("message").find(c.words) != std::string::npos,
                   error->getValue<std::string>("message"));
        BOOST_TEST(error->getObject("details")->optValue<std::string>("field", "") == c.field);
      }
    }
  }
  auto unparsable = lab.server.call("PATCH", p, "{not json", lab.member);
  BOOST_TEST(unparsable.status == 400);
  BOOST_TEST(lab.state() == before);
  // Deleting a stage with history is refused with the reason.
  lab.server.call("PATCH", p + "/stages/lab_discovery", R"({"status": "in_progress"})", lab.member);
  auto refused = lab.server.call("DELETE", p + "/stages/lab_discovery", "", lab.member);
  BOOST_TEST(refused.status == 422);
  BOOST_TEST(refused.errorMessage().find("history") != std::string::npos);
}

// PATCH {"market": {...}} changes the keys it sends (null clears one) and keeps the others:
// sending a new capacity must not erase the price range.
BOOST_AUTO_TEST_CASE(market_data_is_patched_key_by_key) {
  ProductLab lab;
  std::string p =
      "/api/products/" + lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  auto full = lab.server.call("PATCH", p,
                              R"({"market": {"unit": "kg", "price_min": 10, "price_max": 20,
                                  "currency": "MAD", "capacity": 500,
                                  "capacity_unit": "kg/month"}})",
                              lab.member);
  BOOST_TEST_REQUIRE(full.status == 200, full.body);

  auto capacity = lab.server.call("PATCH", p, R"({"market": {"capacity": 600}})", lab.member);
  BOOST_TEST_REQUIRE(capacity.status == 200, capacity.body);
  auto m = capacity.json()->getObject("market");
  BOOST_TEST(m->getValue<double>("capacity") == 600.0);
  BOOST_TEST(m->getValue<double>("price_min") == 10.0);
  BOOST_TEST(m->getValue<double>("price_max") == 20.0);
  BOOST_TEST(m->getValue<std::string>("currency") == "MAD");
  BOOST_TEST(m->getValue<std::string>("unit") == "kg");
  BOOST_TEST(m->getValue<std::string>("capacity_unit") == "kg/month");

  // The merged market is checked: a minimum above the kept maximum is refused, and nothing
  // changes.
  std::string before = lab.state();
  auto above = lab.server.call("PATCH", p, R"({"market": {"price_min": 50}})", lab.member);
  BOOST_TEST(above.status == 400, above.body);
  BOOST_TEST(above.body.find("market.price_min") != std::string::npos, above.body);
  BOOST_TEST(lab.state() == before);

  auto cleared = lab.server.call("PATCH", p, R"({"market": {"price_min": null, "price_max": null}})",
                                 lab.member);
  BOOST_TEST_REQUIRE(cleared.status == 200, cleared.body);
  m = cleared.json()->getObject("market");
  BOOST_TEST(m->isNull("price_min"));
  BOOST_TEST(m->isNull("price_max"));
  BOOST_TEST(m->getValue<double>("capacity") == 600.0);
  BOOST_TEST(m->getValue<std::string>("currency") == "MAD");
}

// The TRL history of a shared product is readable in the cluster; like GET .../history it
// names the team member who changed it (e-mail) only for the owning start-up and
// administrators, "user:N" for the others.
BOOST_AUTO_TEST_CASE(trl_history_names_team_members_only_to_insiders) {
  ProductLab lab;
  std::string p =
      "/api/products/" + lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  BOOST_TEST_REQUIRE(lab.server.call("PATCH", p, R"({"trl": 4, "trl_note": "lab"})", lab.member)
                         .status == 200);
  BOOST_TEST_REQUIRE(
      lab.server.call("PATCH", p, R"({"visibility": "cluster"})", lab.member).status == 200);
  for (const auto& [token, insider] : {std::pair{lab.member, true}, std::pair{lab.admin, true},
                                       std::pair{lab.other, false}}) {
    auto r = lab.server.call("GET", p + "/trl", "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    auto items = r.json()->getArray("items");
    BOOST_TEST_REQUIRE(items->size() == 2u);
    std::string actor = items->getObject(1)->getValue<std::string>("actor");
    BOOST_TEST((actor.find("chemist@zitoun.ma") != std::string::npos) == insider, actor);
    BOOST_TEST(actor.rfind("user:", 0) == 0u, actor);
  }
}

// decided_by defaults to the deciding member's e-mail. Like the histories, every view of the
// decisions of a cluster-visible product (decisions, stages, product, timeline, history) names
// that e-mail only to the owning start-up and administrators; another start-up reads "user:N".
// A decided_by without an e-mail is shown to everyone who sees the pipeline.
BOOST_AUTO_TEST_CASE(gate_decisions_name_team_members_only_to_insiders) {
  ProductLab lab;
  std::string p =
      "/api/products/" + lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  BOOST_TEST_REQUIRE(
      lab.server.call("PATCH", p, R"({"visibility": "cluster"})", lab.member).status == 200);
  auto made = lab.server.call("POST", p + "/stages/lab_discovery/decisions",
                              R"({"decision": "go", "rationale": "yield above 80 %"})", lab.member);
  BOOST_TEST_REQUIRE(made.status == 201, made.body);
  BOOST_TEST(made.json()->getValue<std::string>("decided_by") == "chemist@zitoun.ma");
  std::int64_t recorder = made.json()->getValue<std::int64_t>("recorded_by");
  BOOST_TEST_REQUIRE(lab.server
                         .call("POST", p + "/stages/proof_of_concept/decisions",
                               R"({"decision": "hold", "rationale": "supplier",)"
                               R"( "decided_by": "Steering committee"})",
                               lab.member)
                         .status == 201);
  const std::string email = "chemist@zitoun.ma";
  for (const auto& [token, insider] : {std::pair{lab.member, true}, std::pair{lab.admin, true},
                                       std::pair{lab.other, false}}) {
    auto list = lab.server.call("GET", p + "/decisions", "", token);
    BOOST_TEST_REQUIRE(list.status == 200, list.body);
    auto items = list.json()->getArray("items");
    BOOST_TEST_REQUIRE(items->size() == 2u);
    BOOST_TEST(items->getObject(0)->getValue<std::string>("decided_by") ==
               (insider ? email : "user:" + std::to_string(recorder)));
    BOOST_TEST(items->getObject(1)->getValue<std::string>("decided_by") == "Steering committee");
    for (const std::string& path :
         {p + "/decisions", p + "/stages/lab_discovery/decisions", p + "/stages",
          p + "/stages/lab_discovery", p, p + "/timeline", p + "/history"}) {
      auto r = lab.server.call("GET", path, "", token);
      BOOST_TEST_REQUIRE(r.status == 200, path + ": " + r.body);
      BOOST_TEST((r.body.find(email) != std::string::npos) == insider, path + ": " + r.body);
    }
  }
}

BOOST_AUTO_TEST_CASE(formulations_over_http) {
  ProductLab lab;
  std::string carvacrol = lab.compound("Cc1ccc(C(C)C)cc1O", lab.member, lab.startUp);
  std::string thymol = lab.compound("Cc1ccc(C(C)C)c(O)c1", lab.member, lab.startUp);
  auto r =
      lab.server.call("POST", "/api/products",
                      R"({"name": "Thyme biocide", "start_up": )" + std::to_string(lab.startUp) +
                          R"(, "formulation": [
              {"compound_id": ")" +
                          carvacrol + R"(", "function": "active", "percentage": 12.5},
              {"compound_id": ")" +
                          thymol + R"(", "function": "active", "percentage": 2.5},
              {"name": "ethanol 96 %", "function": "solvent", "percentage": 85}],
           "target_sectors": ["agriculture", "hygiene"], "intended_uses": ["surface biocide"],
           "catalogue_name": "ThymoClean", "catalogue_summary": "Thyme-oil disinfectant",
           "market": {"unit": "L", "price_min": 40, "price_max": 55, "currency": "MAD",
                      "capacity": 12000, "capacity_unit": "L/year"}})",
                      lab.member);
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  auto p = r.json();
  BOOST_TEST(p->getValue<std::string>("composition") == "formulation");
  BOOST_TEST(p->isNull("compound_id"));
  auto parts = p->getArray("formulation");
  BOOST_TEST_REQUIRE(parts->size() == 3u);
  BOOST_TEST(parts->getObject(0)->getValue<std::string>("compound_id") == carvacrol);
  BOOST_TEST(parts->getObject(2)->isNull("compound_id"));
  BOOST_TEST(parts->getObject(2)->getValue<std::string>("name") == "ethanol 96 %");
  BOOST_TEST(p->getObject("catalogue")->getValue<std::string>("name") == "ThymoClean");
  BOOST_TEST(p->getObject("market")->getValue<double>("price_max") == 55.0);
  BOOST_TEST(p->getArray("target_sectors")->size() == 2u);
}

BOOST_AUTO_TEST_CASE(who_may_do_what) {
  ProductLab lab;
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  std::string body = R"({"name": "GVL", "start_up": )" + std::to_string(lab.startUp) +
                     R"(, "compound_id": ")" + gvl + R"("})";
  BOOST_TEST(lab.server.call("POST", "/api/products", body).status == 401);
  BOOST_TEST(lab.server.call("POST", "/api/products", body, lab.partner).status == 403);
  BOOST_TEST(lab.server.call("POST", "/api/products", body, lab.other).status == 403);
  std::string id = lab.product("GVL", gvl);
  std::string p = "/api/products/" + id;

  // Private: others get 404, exactly as for a missing product.
  for (const auto& token : {lab.other, lab.partner, std::string()}) {
    BOOST_TEST(lab.server.call("GET", p, "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", p + "/stages", "", token).status == 404);
  }
  BOOST_TEST(lab.server.call("PATCH", p, R"({"trl": 2})", lab.other).status == 404);
  BOOST_TEST(lab.server.call("GET", "/api/products/PRD-000099", "", lab.admin).status == 404);
  auto list = lab.server.call("GET", "/api/products", "", lab.other);
  BOOST_TEST(list.json()->getValue<int>("total") == 0);

  // Members share with the cluster; publishing to the catalogue is for the lead.
  BOOST_TEST(lab.server.call("PATCH", p, R"({"visibility": "public"})", lab.member).status == 403);
  BOOST_TEST(lab.server.call("PATCH", p, R"({"visibility": "cluster"})", lab.member).status == 200);
  // Cluster: other start-ups see the full record but may not change it.
  auto seen = lab.server.call("GET", p, "", lab.other);
  BOOST_TEST(seen.status == 200);
  BOOST_TEST(seen.json()->getValue<std::string>("view") == "full");
  BOOST_TEST(lab.server.call("PATCH", p, R"({"trl": 2})", lab.other).status == 403);
  BOOST_TEST(
      lab.server.call("PATCH", p + "/stages/scale_up", R"({"status": "done"})", lab.other).status ==
      403);
  BOOST_TEST(lab.server.call("GET", p, "", lab.partner).status == 404);

  // Public: partners and visitors get the catalogue view, without the pipeline.
  lab.server.call("PATCH", p, R"({"visibility": "public", "catalogue_name": "Valerol"})", lab.lead);
  for (const auto& token : {lab.partner, std::string()}) {
    auto r = lab.server.call("GET", p, "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    auto j = r.json();
    BOOST_TEST(j->getValue<std::string>("view") == "catalogue");
    BOOST_TEST(!j->has("stages"));
    BOOST_TEST(!j->has("status"));
    BOOST_TEST(!j->getObject("market")->has("capacity"));
    BOOST_TEST(j->getObject("catalogue")->getValue<std::string>("name") == "Valerol");
    // The compound is private: neither it nor its depiction shows.
    BOOST_TEST(j->isNull("compound"));
    BOOST_TEST(j->getValue<bool>("hidden"));
    BOOST_TEST(j->getObject("catalogue")->isNull("depiction"));
    BOOST_TEST(lab.server.call("GET", p + "/stages", "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", p + "/timeline", "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", p + "/customers", "", token).status == 404);
  }
  auto catalogue = lab.server.call("GET", "/api/catalogue");
  BOOST_TEST(catalogue.json()->getValue<int>("total") == 1);
  BOOST_TEST(catalogue.json()->getArray("items")->getObject(0)->getValue<std::string>("view") ==
             "catalogue");
}

BOOST_AUTO_TEST_CASE(stages_are_edited_per_product) {
  ProductLab lab;
  std::string id = lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  std::string p = "/api/products/" + id;
  auto added = lab.server.call("POST", p + "/stages",
                               R"({"name": "Ecolabel audit", "position": 5,
                                   "planned_start": "2027-01-01", "owner": "Salma"})",
                               lab.member);
  BOOST_TEST_REQUIRE(added.status == 201, added.body);
  BOOST_TEST(added.json()->getValue<std::string>("key") == "ecolabel_audit");
  BOOST_TEST(added.json()->getValue<int>("position") == 5);
  auto renamed =
      lab.server.call("PATCH", p + "/stages/ecolabel_audit",
                      R"({"name": "EU Ecolabel audit", "planned_start": null})", lab.member);
  BOOST_TEST(renamed.json()->getValue<std::string>("name") == "EU Ecolabel audit");
  BOOST_TEST(renamed.json()->isNull("planned_start"));
  auto order = lab.server.call(
      "PUT", p + "/stage-order",
      R"({"keys": ["lab_discovery", "proof_of_concept", "regulatory_safety", "scale_up",
                   "ecolabel_audit", "market_launch", "commercial_sales"]})",
      lab.member);
  BOOST_TEST_REQUIRE(order.status == 200, order.body);
  BOOST_TEST(order.json()->getArray("items")->getObject(2)->getValue<std::string>("key") ==
             "regulatory_safety");
  BOOST_TEST(lab.server.call("DELETE", p + "/stages/ecolabel_audit", "", lab.member).status == 204);
  auto product = lab.server.call("GET", p, "", lab.member).json();
  BOOST_TEST(product->getArray("stages")->size() == 6u);
  BOOST_TEST(!stageOf(product, "ecolabel_audit"));
  BOOST_TEST(stageOf(product, "scale_up")->getValue<int>("position") == 4);
  BOOST_TEST(lab.server.call("DELETE", p + "/stages/ecolabel_audit", "", lab.member).status == 404);
  auto history = lab.server.call("GET", p + "/trl", "", lab.member);
  BOOST_TEST(history.json()->getValue<int>("total") == 1);
  auto levels = lab.server.call("GET", "/api/trl");
  BOOST_TEST(levels.json()->getArray("levels")->size() == 9u);
  BOOST_TEST(levels.json()->getValue<std::string>("source").find("Annex G") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
