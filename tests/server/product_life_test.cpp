// One product's whole life over real HTTP, from lab discovery to its first sale: stages,
// evidence, gate decisions, TRL, the route that makes it, publication, a partner's inquiry,
// market data, a customer — then the overviews (funnel, start-up overview, timeline) and the
// audit chain.
#include "db/audit.h"
#include "db/record_codes.h"
#include "product_test_support.h"

using namespace argan;
using test::ProductLab;

namespace {

struct Life {
  ProductLab lab;
  std::string id;
  std::string path;

  test::HttpResult call(const std::string& method, const std::string& suffix,
                        const std::string& body = "", const std::string& token = "") {
    return lab.server.call(method, path + suffix, body, token.empty() ? lab.member : token);
  }

  void stage(const std::string& key, const std::string& body) {
    auto r = call("PATCH", "/stages/" + key, body);
    BOOST_TEST_REQUIRE(r.status == 200, key << ": " << r.body);
  }

  void decide(const std::string& key, const std::string& decision, const std::string& why,
              const std::string& on) {
    auto r =
        call("POST", "/stages/" + key + "/decisions",
             R"({"decision": ")" + decision + R"(", "rationale": ")" + why +
                 R"(", "decided_by": "CISE steering committee", "decided_on": ")" + on + R"("})",
             lab.lead);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
  }

  void attach(const std::string& key, const std::string& filename, const std::string& kind,
              const std::string& bytes) {
    auto r = lab.server.call(
        "POST", path + "/stages/" + key + "/documents?filename=" + filename + "&kind=" + kind,
        bytes, lab.member, "application/octet-stream");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
  }

  void trl(int level, const std::string& note) {
    auto r = call("PATCH", "",
                  R"({"trl": )" + std::to_string(level) + R"(, "trl_note": ")" + note + R"("})");
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(r.json()->getValue<int>("trl") == level);
  }

  std::string currentStage() {
    return call("GET", "").json()->getObject("stage")->getValue<std::string>("key");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(product_life)

BOOST_AUTO_TEST_CASE(from_lab_discovery_to_first_sale) {
  Life life;
  auto& lab = life.lab;
  // γ-valerolactone from biomass-derived levulinic acid: the compound, then the product.
  std::string gvl = lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp);
  life.id = lab.product("Valerol GVL", gvl);
  life.path = "/api/products/" + life.id;

  // 1. Lab discovery.
  life.stage("lab_discovery", R"({"status": "in_progress", "owner": "Dr. Amina Berrada",
      "planned_start": "2025-01-06", "planned_end": "2025-06-30", "actual_start": "2025-01-06"})");
  life.attach("lab_discovery", "hydrogenation-screen.csv", "report", "catalyst,yield\nRu/C,92\n");
  life.stage("lab_discovery", R"({"status": "done", "actual_end": "2025-06-20",
      "notes": "Ru/C hydrogenation of levulinic acid, 92 % isolated"})");
  life.decide("lab_discovery", "go", "92 % yield with a recyclable catalyst", "2025-06-23");
  life.trl(3, "experimental proof of concept");
  BOOST_TEST(life.currentStage() == "proof_of_concept");

  // 2. Proof of concept: a first rework, then go.
  life.stage("proof_of_concept", R"({"status": "in_progress", "actual_start": "2025-07-01"})");
  life.decide("proof_of_concept", "rework", "solvency tests below the NMP benchmark", "2025-09-15");
  life.decide("proof_of_concept", "go", "blend with 5 % water meets the benchmark", "2025-11-03");
  life.stage("proof_of_concept", R"({"status": "done", "actual_end": "2025-11-03"})");
  life.trl(4, "validated in the lab");

  // 3. Scale-up / pilot.
  life.stage("scale_up", R"({"status": "in_progress", "actual_start": "2025-11-10",
      "owner": "Youssef, process"})");
  life.attach("scale_up", "pilot-50L.pdf", "report", "%PDF pilot run");
  life.trl(6, "50 L pilot in an industrially relevant environment");
  // The pilot's process, recorded as a synthesis route, is linked as the route that makes it.
  auto route = lab.server.call(
      "POST", "/api/routes",
      R"({"target_compound": ")" + gvl + R"(", "name": "Ru/C hydrogenation, 50 L pilot",
          "steps": [{"reaction_smiles": "CC(=O)CCC(=O)O.[H][H]>[Ru]>CC1CCC(=O)O1.O"}]})",
      lab.member);
  BOOST_TEST_REQUIRE(route.status == 201, route.body);
  std::string routeId = std::to_string(route.json()->getValue<std::int64_t>("id"));
  auto linked = life.call("PATCH", "", R"({"route_ids": [)" + routeId + "]}");
  BOOST_TEST_REQUIRE(linked.status == 200, linked.body);
  BOOST_TEST(linked.json()->getArray("routes")->size() == 1u);
  life.stage("scale_up", R"({"status": "done", "actual_end": "2026-03-31"})");
  life.decide("scale_up", "go", "cost of goods 2.9 EUR/kg at 200 t/year", "2026-04-02");
  life.trl(7, "prototype in operational environment");

  // 4. Regulatory and safety: GHS, SDS, registration, ecolabel.
  life.stage("regulatory_safety", R"({"status": "in_progress", "actual_start": "2026-04-06"})");
  life.attach("regulatory_safety", "ghs-classification.pdf", "ghs_classification", "%PDF GHS");
  life.attach("regulatory_safety", "sds-gvl-fr.pdf", "sds", "%PDF SDS FR");
  life.attach("regulatory_safety", "onssa-registration.pdf", "registration", "%PDF reg");
  life.attach("regulatory_safety", "ecolabel.pdf", "certificate", "%PDF ecolabel");
  life.stage("regulatory_safety", R"({"status": "done", "actual_end": "2026-07-15"})");
  life.decide("regulatory_safety", "go", "SDS and registration complete", "2026-07-16");
  life.trl(8, "system complete and qualified");

  // 5. Market launch: market data, catalogue, publication, a partner's inquiry.
  auto market = life.call("PATCH", "", R"({"catalogue_name": "Valerol",
      "catalogue_summary": "Bio-based dipolar aprotic solvent, NMP replacement",
      "target_sectors": ["coatings", "agrochemicals"], "intended_uses": ["NMP replacement"],
      "market": {"unit": "kg", "price_min": 28, "price_max": 35, "currency": "MAD",
                 "capacity": 200, "capacity_unit": "t/year"}})");
  BOOST_TEST_REQUIRE(market.status == 200, market.body);
  life.stage("market_launch", R"({"status": "in_progress", "actual_start": "2026-08-01"})");
  auto published = life.call("PATCH", "", R"({"visibility": "public"})", lab.lead);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  auto catalogue = lab.server.call("GET", "/api/catalogue", "", lab.partner);
  BOOST_TEST_REQUIRE(catalogue.json()->getValue<int>("total") == 1);
  auto inquiry =
      lab.server.call("POST", life.path + "/inquiries",
                      R"({"subject": "2 t trial order", "message": "Lead time?"})", lab.partner);
  BOOST_TEST_REQUIRE(inquiry.status == 201, inquiry.body);
  std::string q = inquiry.json()->getValue<std::string>("id");
  auto answer = lab.server.call("POST", "/api/inquiries/" + q + "/messages",
                                R"({"message": "Three weeks from order."})", lab.lead);
  BOOST_TEST(answer.json()->getValue<std::string>("status") == "answered");
  life.stage("market_launch", R"({"status": "done", "actual_end": "2026-09-30"})");
  life.decide("market_launch", "go", "first purchase order received", "2026-10-01");

  // 6. Commercial sales: the first customer and sale.
  auto customer = life.call("POST", "/customers", R"({"name": "Atlas Coatings SA",
      "relation": "customer", "since": "2026-10-01", "notes": "first order: 2 t"})");
  BOOST_TEST_REQUIRE(customer.status == 201, customer.body);
  life.stage("commercial_sales", R"({"status": "in_progress", "actual_start": "2026-10-01"})");
  life.trl(9, "competitive manufacturing");
  BOOST_TEST(life.currentStage() == "commercial_sales");
  life.stage("commercial_sales", R"({"status": "done", "actual_end": "2026-10-20",
      "notes": "first invoice paid"})");

  // The product at the end of its way to market.
  auto product = life.call("GET", "").json();
  BOOST_TEST(product->getValue<bool>("pipeline_complete"));
  BOOST_TEST(product->getValue<std::string>("status") == "active");
  BOOST_TEST(product->getValue<int>("trl") == 9);
  BOOST_TEST(product->getObject("stage")->getValue<std::string>("key") == "commercial_sales");
  BOOST_TEST(std::to_string(product->getArray("routes")->getObject(0)->getValue<std::int64_t>(
                 "id")) == routeId);
  auto stages = product->getArray("stages");
  for (std::size_t i = 0; i < stages->size(); ++i) {
    BOOST_TEST(stages->getObject(i)->getValue<std::string>("status") == "done");
    BOOST_TEST(stages->getObject(i)->isNull("overdue"));
  }
  BOOST_TEST(stages->getObject(3)->getValue<int>("documents") == 4);
  BOOST_TEST(stages->getObject(1)->getValue<int>("decisions") == 2);
  auto history = life.call("GET", "/trl").json();
  BOOST_TEST(history->getValue<int>("total") == 7);  // 1 at creation, then 3 4 6 7 8 9

  // The funnel: one product, at commercial sales.
  auto funnel = lab.server.call("GET", "/api/overview/funnel", "", lab.admin).json();
  BOOST_TEST(funnel->getValue<int>("products") == 1);
  BOOST_TEST(funnel->getValue<int>("pipeline_complete") == 1);
  auto sales = funnel->getArray("stages")->getObject(5);
  BOOST_TEST(sales->getValue<std::string>("key") == "commercial_sales");
  BOOST_TEST(sales->getValue<int>("products") == 1);
  // A visitor sees the public product in the funnel too.
  BOOST_TEST(lab.server.call("GET", "/api/overview/funnel").json()->getValue<int>("products") == 1);

  // The timeline tells the story in date order.
  auto timeline = life.call("GET", "/timeline").json();
  auto events = timeline->getArray("events");
  std::string previous;
  int decisions = 0;
  int documents = 0;
  for (std::size_t i = 0; i < events->size(); ++i) {
    auto e = events->getObject(i);
    std::string date = e->getValue<std::string>("date");
    BOOST_TEST(previous <= date);
    previous = date;
    decisions += e->getValue<std::string>("type") == "gate_decision";
    documents += e->getValue<std::string>("type") == "document_added";
    // The facts behind the English summary, for pages that say it in another language.
    auto details = e->getObject("details");
    BOOST_REQUIRE(details);
    std::string type = e->getValue<std::string>("type");
    if (type == "gate_decision") {
      BOOST_TEST((details->getValue<std::string>("decision") == "go" ||
                  details->getValue<std::string>("decision") == "hold" ||
                  details->getValue<std::string>("decision") == "stop" ||
                  details->getValue<std::string>("decision") == "rework"));
      BOOST_TEST(e->getValue<std::string>("summary").find(details->getValue<std::string>("rationale")) !=
                 std::string::npos);
    }
    if (type == "document_added") {
      BOOST_TEST(e->getValue<std::string>("summary").find(details->getValue<std::string>("filename")) !=
                 std::string::npos);
    }
    if (type == "trl_changed") {
      BOOST_TEST(details->getValue<std::string>("trl") == e->getValue<std::string>("reference"));
    }
    if (type == "stage_started" || type == "stage_completed") BOOST_TEST(details->has("name"));
  }
  BOOST_TEST(events->getObject(0)->getValue<std::string>("type") == "stage_started");
  BOOST_TEST(events->getObject(0)->getValue<std::string>("date") == "2025-01-06");
  BOOST_TEST(decisions == 6);
  BOOST_TEST(documents == 6);
  BOOST_TEST(timeline->getArray("stages")->size() == 6u);

  // Compounds at a stage, for structure search.
  auto atSales =
      lab.server.call("GET", "/api/overview/stages/commercial_sales/compounds", "", lab.member)
          .json();
  BOOST_TEST_REQUIRE(atSales->getValue<int>("total") == 1);
  BOOST_TEST(atSales->getArray("items")->getObject(0)->getValue<std::string>("id") == gvl);

  // Every step was audited, and the chain holds.
  BOOST_TEST(
      lab.server.database().read([](db::Connection& c) { return db::verifyAuditChain(c).ok; }));
  auto entries = lab.server.database().read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "product", life.id); });
  BOOST_TEST(entries.size() >= 9u);
}

BOOST_AUTO_TEST_CASE(start_up_overview_shows_products_by_stage_and_overdue_milestones) {
  ProductLab lab;
  std::string a = lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  std::string b = lab.product("Solketal", lab.compound("CC1(C)OCC(CO)O1", lab.member, lab.startUp));
  // Planned dates far in the past or the future: the answer does not depend on today's date.
  lab.server.call("PATCH", "/api/products/" + a + "/stages/lab_discovery",
                  R"({"planned_start": "2020-01-01", "planned_end": "2020-06-30"})", lab.member);
  lab.server.call("PATCH", "/api/products/" + b + "/stages/lab_discovery", R"({"status": "done"})",
                  lab.member);
  lab.server.call("PATCH", "/api/products/" + b + "/stages/proof_of_concept",
                  R"({"planned_start": "2199-01-01"})", lab.member);
  std::string path = "/api/overview/start-ups/" + std::to_string(lab.startUp);
  auto r = lab.server.call("GET", path, "", lab.member);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto o = r.json();
  BOOST_TEST(o->getValue<int>("products") == 2);
  auto byStage = o->getArray("by_stage");
  BOOST_TEST_REQUIRE(byStage->size() == 2u);
  BOOST_TEST(byStage->getObject(0)->getValue<std::string>("key") == "lab_discovery");
  BOOST_TEST(byStage->getObject(1)->getValue<std::string>("key") == "proof_of_concept");
  auto overdue = o->getArray("overdue");
  BOOST_TEST_REQUIRE(overdue->size() == 1u);
  BOOST_TEST(overdue->getObject(0)->getObject("product")->getValue<std::string>("id") == a);
  BOOST_TEST(overdue->getObject(0)->getValue<std::string>("milestone") == "end");
  BOOST_TEST(overdue->getObject(0)->getValue<int>("days_overdue") > 0);
  // The stage itself says it is overdue.
  auto stage =
      lab.server.call("GET", "/api/products/" + a + "/stages/lab_discovery", "", lab.member);
  BOOST_TEST(stage.json()->getObject("overdue")->getValue<std::string>("planned_date") ==
             "2020-06-30");
  // Another start-up sees none of these private products; partners may not ask.
  auto theirs = lab.server.call("GET", path, "", lab.other).json();
  BOOST_TEST(theirs->getValue<int>("products") == 0);
  BOOST_TEST(theirs->getArray("overdue")->size() == 0u);
  BOOST_TEST(lab.server.call("GET", path, "", lab.partner).status == 403);
  BOOST_TEST(lab.server.call("GET", "/api/overview/start-ups/999", "", lab.admin).status == 404);
}

BOOST_AUTO_TEST_SUITE_END()
