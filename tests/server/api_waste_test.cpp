// The waste side over real HTTP: collections (the scripts' contract), bad input naming its
// field, transformations and their mass balance, transfers and their acceptance, uses by the
// chemistry start-up, the genealogy of a product batch down to its waste lots, confidentiality
// between start-ups, the circularity figures recomputed from the lots, and the CSV import.
#include <cmath>
#include <map>
#include <set>

#include "server/registry/waste.h"
#include "waste_test_support.h"

using namespace argan;
using test::WasteChain;

namespace {

std::string errorField(const test::HttpResult& r) {
  auto details = r.json()->getObject("error")->getObject("details");
  return details && details->has("field") ? details->getValue<std::string>("field") : "";
}

std::string errorDetail(const test::HttpResult& r, const std::string& key) {
  auto details = r.json()->getObject("error")->getObject("details");
  return details && details->has(key) ? details->get(key).toString() : "";
}

// The chemistry start-up's glycerol carbonate (batch B001) and a route making it from
// glycerol marked waste-derived (component 0). Returns {batch code, route id}.
std::pair<std::string, std::string> chemistrySide(WasteChain& w) {
  auto reg = w.call("POST", "/api/compounds",
                    test::structureBody("OCC1COC(=O)O1",
                                        "\"start_up\": " + WasteChain::str(w.chemistry) +
                                            R"(, "batch": {"amount": 25, "unit": "g"})"),
                    w.chemistryMember);
  BOOST_TEST_REQUIRE(reg.status == 201, reg.body);
  std::string compound = reg.json()->getObject("compound")->getValue<std::string>("id");
  std::string batch = reg.json()->getObject("batch")->getValue<std::string>("id");
  auto route = w.call("POST", "/api/routes",
                      R"({"start_up": )" + WasteChain::str(w.chemistry) +
                          R"(, "target_compound": ")" + compound + R"(",
          "name": "Glycerol carbonate from crude glycerol",
          "steps": [{"name": "transesterification",
            "reaction_smiles": "OCC(O)CO.COC(=O)OC>[Ca]=O>O=C1OCC(CO)O1.CO.CO",
            "components": [
              {"smiles": "OCC(O)CO", "name": "glycerol, crude and refined", "amount": 9.21, "unit": "g", "origin": "waste-derived"},
              {"smiles": "COC(=O)OC", "name": "dimethyl carbonate", "amount": 31.53, "unit": "g", "origin": "fossil"},
              {"smiles": "[Ca]=O", "name": "calcium oxide", "role": "catalyst", "amount": 0.34, "unit": "g"},
              {"smiles": "O=C1OCC(CO)O1", "name": "glycerol carbonate", "amount": 11.1, "unit": "g"}]}]})",
                      w.chemistryMember);
  BOOST_TEST_REQUIRE(route.status == 201, route.body);
  std::string routeId = std::to_string(route.json()->getValue<std::int64_t>("id"));
  auto components = route.json()->getArray("steps")->getObject(0)->getArray("components");
  bool wasteAtZero = false;
  for (std::size_t i = 0; i < components->size(); ++i) {
    auto c = components->getObject(static_cast<unsigned>(i));
    if (c->getValue<int>("position") == 0) {
      wasteAtZero = c->getValue<std::string>("origin") == "waste-derived";
    }
  }
  BOOST_TEST_REQUIRE(wasteAtZero);
  return {batch, routeId};
}

const Poco::JSON::Object::Ptr nodeOf(const Poco::JSON::Object::Ptr& graph, const std::string& id) {
  auto nodes = graph->getArray("nodes");
  for (std::size_t i = 0; i < nodes->size(); ++i) {
    auto n = nodes->getObject(static_cast<unsigned>(i));
    if (n->getValue<std::string>("id") == id) return n;
  }
  return nullptr;
}

bool hasEdge(const Poco::JSON::Object::Ptr& graph, const std::string& from, const std::string& to,
             const std::string& relation) {
  auto edges = graph->getArray("edges");
  for (std::size_t i = 0; i < edges->size(); ++i) {
    auto e = edges->getObject(static_cast<unsigned>(i));
    if (e->getValue<std::string>("from") == from && e->getValue<std::string>("to") == to &&
        e->getValue<std::string>("relation") == relation) {
      return true;
    }
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_waste)

BOOST_AUTO_TEST_CASE(a_collection_through_the_scripts_contract) {
  WasteChain w;
  std::string source = w.source("Restaurant Al Mounia");
  auto r = w.call("POST", "/api/lots",
                  R"({"stream": "used_cooking_oil", "source": ")" + source + R"(", "start_up": )" +
                      WasteChain::str(w.collector) +
                      R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 0.42, "unit": "t"},
                      "gross_mass": {"amount": 455, "unit": "kg"}, "container": "drum",
                      "container_count": 2, "vehicle": "van", "distance_km": 18.5,
                      "characterisation": {"free_fatty_acids": 3.4, "moisture": 0.6}})",
                  w.collectorMember);
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  auto lot = r.json();
  // Lots are numbered by creation time, not 1, 2, 3 (docs/threat-model.md, "Record numbers").
  const std::string first = lot->getValue<std::string>("id");
  BOOST_TEST(first.rfind("LOT-", 0) == 0u);
  BOOST_TEST(first != "LOT-000001");
  BOOST_TEST(lot->getValue<std::string>("stream") == "used_cooking_oil");
  BOOST_TEST(lot->getObject("net_mass")->getValue<double>("kg") == 420.0);
  BOOST_TEST(lot->getObject("gross_mass")->getValue<double>("kg") == 455.0);
  BOOST_TEST(lot->getObject("source")->getValue<std::string>("name") == "Restaurant Al Mounia");
  BOOST_TEST(lot->getObject("collector")->getValue<std::int64_t>("id") == w.collector);
  BOOST_TEST(lot->getObject("characterisation")->getValue<double>("free_fatty_acids") == 3.4);
  // Transport CO2e is computed from mass, distance and the van's factor (never typed in).
  auto transport = lot->getObject("transport");
  double factor = server::transportEmissionFactors().find("van")->kgCo2ePerTonneKm;
  BOOST_TEST(transport->getValue<double>("factor_kg_co2e_per_tonne_km") == factor);
  BOOST_TEST(transport->getValue<double>("co2e_kg") == 0.42 * 18.5 * factor,
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(lot->getObject("balance")->getValue<double>("remaining_kg") == 420.0);

  auto got = w.call("GET", "/api/lots/" + first, "", w.collectorMember);
  BOOST_TEST_REQUIRE(got.status == 200, got.body);
  BOOST_TEST(got.json()->getArray("transfers")->size() == 0u);
  auto history = w.call("GET", "/api/lots/" + first + "/history", "", w.collectorMember);
  BOOST_TEST_REQUIRE(history.status == 200, history.body);
  BOOST_TEST(history.json()->getArray("items")->getObject(0)->getValue<std::string>("action") ==
             "create");

  // The minimal body of the contract: no source.
  auto minimal = w.call("POST", "/api/lots",
                        R"({"stream": "olive_mill_wastewater", "start_up": )" +
                            WasteChain::str(w.collector) +
                            R"(, "collected_on": "2026-01-15", "net_mass": {"amount": 12, "unit": "t"}})",
                        w.collectorMember);
  BOOST_TEST_REQUIRE(minimal.status == 201, minimal.body);
  const std::string second = minimal.json()->getValue<std::string>("id");
  BOOST_TEST(second.rfind("LOT-", 0) == 0u);
  BOOST_TEST(second > first);

  auto stock = w.call("GET", "/api/lots/stock", "", w.collectorMember);
  BOOST_TEST_REQUIRE(stock.status == 200, stock.body);
  BOOST_TEST(stock.json()->getValue<double>("remaining_kg") == 12420.0);

  // Photos of the lot go to the document store; the lot's holder only.
  auto photo = w.server.call("POST", "/api/lots/" + first + "/documents?filename=drums.jpg&kind=photo",
                             std::string("\xff\xd8\xff\xe0 jpeg bytes"), w.collectorMember,
                             "image/jpeg");
  BOOST_TEST_REQUIRE(photo.status == 201, photo.body);
  BOOST_TEST(photo.json()->getObject("owner")->getValue<std::string>("lot") == first);
  auto photos = w.call("GET", "/api/lots/" + first + "/documents", "", w.collectorMember);
  BOOST_TEST(photos.json()->getValue<int>("total") == 1);
  auto foreignPhoto = w.server.call("POST", "/api/lots/" + first + "/documents?filename=x.jpg",
                                    std::string("jpeg"), w.outsiderMember, "image/jpeg");
  BOOST_TEST(foreignPhoto.status == 404);
}

BOOST_AUTO_TEST_CASE(bad_collections_name_the_field_and_store_nothing) {
  WasteChain w;
  const std::string su = WasteChain::str(w.collector);
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 200, "unit": "L"}})",
       400, "net_mass.unit"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": -5, "unit": "kg"}})",
       400, "net_mass.amount"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02"})",
       400, "net_mass"},
      {R"({"stream": "motor_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"}})",
       404, "stream"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2031-02-30", "net_mass": {"amount": 20, "unit": "kg"}})",
       400, "collected_on"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2099-01-01", "net_mass": {"amount": 20, "unit": "kg"}})",
       400, "collected_on"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"},
             "gross_mass": {"amount": 10, "unit": "kg"}})",
       400, "gross_mass.amount"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"},
             "vehicle": "van"})",
       400, "distance_km"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"},
             "vehicle": "camel", "distance_km": 3})",
       400, "vehicle"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"},
             "characterisation": {"colour": 3}})",
       400, "characterisation.colour"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"},
             "characterisation": {"moisture": 130}})",
       400, "characterisation.moisture"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"},
             "source": "SRC-000099"})",
       404, "source"},
      {R"({"stream": "used_cooking_oil", "start_up": )" + su +
           R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"},
             "colour": "brown"})",
       400, "colour"},
  };
  auto before = w.count("lots");
  auto audit = w.count("audit_log");
  for (const auto& c : cases) {
    auto r = w.call("POST", "/api/lots", c.body, w.collectorMember);
    BOOST_TEST(r.status == c.status, c.body << " -> " << r.body);
    if (r.status >= 400) BOOST_TEST(errorField(r) == c.field, r.body);
  }
  BOOST_TEST(w.count("lots") == before);
  BOOST_TEST(w.count("audit_log") == audit);
  // Another start-up's lots are not written by this one's members.
  auto foreign = w.call("POST", "/api/lots",
                        R"({"stream": "used_cooking_oil", "start_up": )" + su +
                            R"(, "collected_on": "2026-03-02", "net_mass": {"amount": 20, "unit": "kg"}})",
                        w.outsiderMember);
  BOOST_TEST(foreign.status == 403);
}

BOOST_AUTO_TEST_CASE(transformations_keep_the_mass_balance) {
  WasteChain w;
  std::string pomace = w.lot("olive_pomace", 1000, "2026-02-01");
  std::string other = w.lot("olive_pomace", 500, "2026-02-02");
  const std::string su = WasteChain::str(w.collector);
  auto lotsBefore = w.count("lots");
  auto transformationsBefore = w.count("transformations");

  // Drying 1000 kg + 500 kg cannot give 1600 kg of dried pomace.
  auto heavy = w.call("POST", "/api/transformations",
                      R"({"start_up": )" + su + R"(, "kind": "drying", "performed_on": "2026-02-10",
                        "inputs": [{"lot": ")" + pomace + R"(", "amount": 1000, "unit": "kg"},
                                   {"lot": ")" + other + R"(", "amount": 500, "unit": "kg"}],
                        "outputs": [{"amount": 1.6, "unit": "t"}]})",
                      w.collectorMember);
  BOOST_TEST_REQUIRE(heavy.status == 400, heavy.body);
  BOOST_TEST(errorField(heavy) == "outputs");
  BOOST_TEST(errorDetail(heavy, "rule") == "mass_balance");
  BOOST_TEST(w.count("lots") == lotsBefore);
  BOOST_TEST(w.count("transformations") == transformationsBefore);

  // More than a lot holds: 422 on that input.
  auto tooMuch = w.call("POST", "/api/transformations",
                        R"({"start_up": )" + su + R"(, "kind": "drying", "performed_on": "2026-02-10",
                          "inputs": [{"lot": ")" + other + R"(", "amount": 501, "unit": "kg"}],
                          "outputs": [{"amount": 300, "unit": "kg"}]})",
                        w.collectorMember);
  BOOST_TEST_REQUIRE(tooMuch.status == 422, tooMuch.body);
  BOOST_TEST(errorField(tooMuch) == "inputs[0].amount");
  BOOST_TEST(errorDetail(tooMuch, "rule") == "mass_left");

  // Drying: 1000 kg at 60 % moisture -> 450 kg; losses and yield computed.
  auto dried = w.call("POST", "/api/transformations",
                      R"({"start_up": )" + su + R"(, "kind": "drying", "performed_on": "2026-02-10",
                        "inputs": [{"lot": ")" + pomace + R"(", "amount": 1000, "unit": "kg"}],
                        "outputs": [{"amount": 450, "unit": "kg", "characterisation": {"moisture": 9}}]})",
                      w.collectorMember);
  BOOST_TEST_REQUIRE(dried.status == 201, dried.body);
  auto balance = dried.json()->getObject("mass_balance");
  BOOST_TEST(balance->getValue<double>("input_kg") == 1000.0);
  BOOST_TEST(balance->getValue<double>("output_kg") == 450.0);
  BOOST_TEST(balance->getValue<double>("loss_kg") == 550.0);
  BOOST_TEST(balance->getValue<double>("yield_percent") == 45.0);
  std::string driedLot =
      dried.json()->getArray("outputs")->getObject(0)->getValue<std::string>("lot");
  BOOST_TEST(w.remainingKg(pomace, w.collectorMember) == 0.0);
  BOOST_TEST(w.remainingKg(driedLot, w.collectorMember) == 450.0);
  auto driedJson = w.call("GET", "/api/lots/" + driedLot, "", w.collectorMember).json();
  BOOST_TEST(driedJson->getValue<std::string>("origin") == "transformation");
  BOOST_TEST(driedJson->getValue<std::string>("stream") == "olive_pomace");
  // The used-up lot cannot feed another step.
  auto again = w.call("POST", "/api/transformations",
                      R"({"start_up": )" + su + R"(, "kind": "grinding", "performed_on": "2026-02-11",
                        "inputs": [{"lot": ")" + pomace + R"(", "amount": 1, "unit": "kg"}],
                        "outputs": [{"amount": 1, "unit": "kg"}]})",
                      w.collectorMember);
  BOOST_TEST(again.status == 422, again.body);

  // Decanting with stated water: an output heavier than the lot is fine when the step says
  // what it added.
  auto decanted = w.call("POST", "/api/transformations",
                         R"({"start_up": )" + su + R"(, "kind": "decanting", "performed_on": "2026-02-12",
                           "inputs": [{"lot": ")" + other + R"(", "amount": 500, "unit": "kg"}],
                           "additions": [{"name": "process water", "amount": 200, "unit": "kg"}],
                           "outputs": [{"amount": 620, "unit": "kg"},
                                       {"stream": "olive_mill_wastewater", "amount": 60, "unit": "kg"}]})",
                         w.collectorMember);
  BOOST_TEST_REQUIRE(decanted.status == 201, decanted.body);
  auto b2 = decanted.json()->getObject("mass_balance");
  BOOST_TEST(b2->getValue<double>("added_kg") == 200.0);
  BOOST_TEST(b2->getValue<double>("loss_kg") == 20.0);
  BOOST_TEST(b2->getValue<double>("yield_percent") == 680.0 / 700.0 * 100,
             boost::test_tools::tolerance(0.01));
  // Without the water the same outputs break the balance.
  std::string third = w.lot("olive_pomace", 500, "2026-02-03");
  auto noWater = w.call("POST", "/api/transformations",
                        R"({"start_up": )" + su + R"(, "kind": "decanting", "performed_on": "2026-02-12",
                          "inputs": [{"lot": ")" + third + R"(", "amount": 500, "unit": "kg"}],
                          "outputs": [{"amount": 620, "unit": "kg"}]})",
                        w.collectorMember);
  BOOST_TEST(noWater.status == 400);
  BOOST_TEST(errorDetail(noWater, "rule") == "mass_balance");

  // The pure rule, at the milligram.
  BOOST_CHECK_NO_THROW(server::checkMassBalance(1000, 0, 1000));
  BOOST_CHECK_THROW(server::checkMassBalance(1000, 0, 1001), Error);
  BOOST_CHECK_NO_THROW(server::checkMassBalance(1000, 1, 1001));
}

BOOST_AUTO_TEST_CASE(transfers_need_the_receivers_acceptance) {
  WasteChain w;
  std::string lot = w.lot("crude_glycerol", 800, "2026-03-01");
  std::string transfer = w.offer(lot, 300, R"("vehicle": "truck_small", "distance_km": 42)");
  // Offered kilograms are reserved at once.
  BOOST_TEST(w.remainingKg(lot, w.collectorMember) == 500.0);
  auto t = w.call("GET", "/api/transfers/" + transfer, "", w.chemistryMember);
  BOOST_TEST_REQUIRE(t.status == 200, t.body);
  BOOST_TEST(t.json()->getValue<std::string>("status") == "pending");
  BOOST_TEST(t.json()->isNull("received_lot"));

  // The sender cannot accept its own transfer; a third start-up does not see it.
  auto self = w.call("POST", "/api/transfers/" + transfer + "/accept", "{}", w.collectorMember);
  BOOST_TEST(self.status == 403, self.body);
  auto third = w.call("POST", "/api/transfers/" + transfer + "/accept", "{}", w.outsiderMember);
  BOOST_TEST(third.status == 404, third.body);
  BOOST_TEST(w.call("GET", "/api/transfers/" + transfer, "", w.outsiderMember).status == 404);
  BOOST_TEST(w.count("lots") == 1);

  // A received mass above what was sent is refused.
  auto heavier = w.call("POST", "/api/transfers/" + transfer + "/accept",
                        R"({"received_mass": {"amount": 301, "unit": "kg"}})", w.chemistryMember);
  BOOST_TEST(heavier.status == 400);
  BOOST_TEST(errorField(heavier) == "received_mass.amount");

  std::string received = w.accept(transfer, "2026-03-05");
  BOOST_TEST(received.rfind("LOT-", 0) == 0u);
  BOOST_TEST(received > lot);
  auto r = w.call("GET", "/api/lots/" + received, "", w.chemistryMember).json();
  BOOST_TEST(r->getValue<std::string>("origin") == "transfer");
  BOOST_TEST(r->getValue<std::string>("parent_lot") == lot);
  BOOST_TEST(r->getObject("start_up")->getValue<std::int64_t>("id") == w.chemistry);
  BOOST_TEST(r->getObject("balance")->getValue<double>("remaining_kg") == 300.0);
  // Decided once.
  auto twice = w.call("POST", "/api/transfers/" + transfer + "/accept", "{}", w.chemistryMember);
  BOOST_TEST(twice.status == 422);
  auto late = w.call("POST", "/api/transfers/" + transfer + "/cancel", "{}", w.collectorMember);
  BOOST_TEST(late.status == 422);
  // The received lot belongs to the receiver: the sender cannot use or transfer it.
  auto senderUse = w.call("POST", "/api/lots/" + received + "/transfers",
                          R"({"to_start_up": )" + WasteChain::str(w.outsider) +
                              R"(, "amount": 1, "unit": "kg"})",
                          w.collectorMember);
  BOOST_TEST(senderUse.status == 404);

  // More than is left cannot be offered; refused and cancelled transfers give the mass back.
  auto tooMuch = w.call("POST", "/api/lots/" + lot + "/transfers",
                        R"({"to_start_up": )" + WasteChain::str(w.chemistry) +
                            R"(, "amount": 0.6, "unit": "t"})",
                        w.collectorMember);
  BOOST_TEST(tooMuch.status == 422);
  BOOST_TEST(errorField(tooMuch) == "amount");
  std::string refused = w.offer(lot, 200);
  BOOST_TEST(w.remainingKg(lot, w.collectorMember) == 300.0);
  auto refusal = w.call("POST", "/api/transfers/" + refused + "/refuse",
                        R"({"reason": "free fatty acids too high for our catalyst"})",
                        w.chemistryMember);
  BOOST_TEST_REQUIRE(refusal.status == 200, refusal.body);
  BOOST_TEST(refusal.json()->getValue<std::string>("status") == "refused");
  BOOST_TEST(w.remainingKg(lot, w.collectorMember) == 500.0);
  std::string cancelled = w.offer(lot, 100);
  auto receiverCancel = w.call("POST", "/api/transfers/" + cancelled + "/cancel", "{}",
                               w.chemistryMember);
  BOOST_TEST(receiverCancel.status == 403);
  auto cancel = w.call("POST", "/api/transfers/" + cancelled + "/cancel", "{}", w.collectorMember);
  BOOST_TEST_REQUIRE(cancel.status == 200, cancel.body);
  BOOST_TEST(w.remainingKg(lot, w.collectorMember) == 500.0);

  // Both parties list it; the outsider lists nothing.
  auto in = w.call("GET", "/api/transfers?direction=in", "", w.chemistryMember);
  BOOST_TEST(in.json()->getValue<int>("total") == 3);
  auto out = w.call("GET", "/api/transfers?direction=out&status=accepted", "", w.collectorMember);
  BOOST_TEST(out.json()->getValue<int>("total") == 1);
  auto none = w.call("GET", "/api/transfers", "", w.outsiderMember);
  BOOST_TEST(none.json()->getValue<int>("total") == 0);
}

BOOST_AUTO_TEST_CASE(a_product_batch_traces_back_to_its_waste_lots_and_sources) {
  WasteChain w;
  auto [batch, route] = chemistrySide(w);
  std::string source = w.source("Huilerie Souss", "food_industry", "souss_massa");
  std::string collected = w.lot("crude_glycerol", 1200, "2026-04-01", source,
                                R"("vehicle": "truck_medium", "distance_km": 60)");
  std::string filtration;  // the transformation's code, as the answer gives it
  std::string refined = [&] {
    auto r = w.call("POST", "/api/transformations",
                    R"({"start_up": )" + WasteChain::str(w.collector) +
                        R"(, "kind": "filtration", "performed_on": "2026-04-03",
                      "inputs": [{"lot": ")" + collected + R"(", "amount": 1000, "unit": "kg"}],
                      "outputs": [{"amount": 940, "unit": "kg"}]})",
                    w.collectorMember);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    filtration = r.json()->getValue<std::string>("id");
    return r.json()->getArray("outputs")->getObject(0)->getValue<std::string>("lot");
  }();
  std::string transfer = w.offer(refined, 40);
  std::string received = w.accept(transfer, "2026-04-10");

  // The chemistry start-up uses 9.21 g... of the received glycerol as the route's waste-derived
  // component, for its batch.
  auto use = w.call("POST", "/api/lots/" + received + "/uses",
                    R"({"amount": 9.21, "unit": "g", "batch": ")" + batch + R"(", "route": )" +
                        route + R"(, "step": 1, "component": 0, "used_on": "2026-04-12"})",
                    w.chemistryMember);
  BOOST_TEST_REQUIRE(use.status == 201, use.body);
  // A component not marked waste-derived is refused, naming it.
  auto fossil = w.call("POST", "/api/lots/" + received + "/uses",
                       R"({"amount": 1, "unit": "g", "route": )" + route +
                           R"(, "step": 1, "component": 1})",
                       w.chemistryMember);
  BOOST_TEST(fossil.status == 422);
  BOOST_TEST(errorField(fossil) == "component");
  // Another start-up's batch is not a use of this lot.
  auto notMine = w.call("POST", "/api/lots/" + received + "/uses",
                        R"({"amount": 1, "unit": "g", "batch": ")" + batch + R"("})",
                        w.collectorMember);
  BOOST_TEST(notMine.status == 404);

  auto g = w.call("GET", "/api/batches/" + batch + "/genealogy", "", w.chemistryMember);
  BOOST_TEST_REQUIRE(g.status == 200, g.body);
  auto graph = g.json();
  BOOST_TEST(graph->getValue<std::string>("root") == batch);
  const std::string step = "route:" + route + "/step:1";
  for (const std::string& id : {batch, step, received, refined, collected, source,
                                std::string("start-up:") + WasteChain::str(w.collector)}) {
    BOOST_TEST(nodeOf(graph, id) != nullptr, id << " in " << g.body);
  }
  BOOST_TEST(hasEdge(graph, received, step, "used_in"));
  BOOST_TEST(hasEdge(graph, step, batch, "step_of"));
  BOOST_TEST(hasEdge(graph, refined, received, "transfer"));
  BOOST_TEST(filtration.rfind("TRN-", 0) == 0u);
  BOOST_TEST(hasEdge(graph, collected, filtration, "input"));
  BOOST_TEST(hasEdge(graph, filtration, refined, "output"));
  BOOST_TEST(hasEdge(graph, source, collected, "collected_at"));
  BOOST_TEST(hasEdge(graph, "start-up:" + WasteChain::str(w.collector), collected, "collected_by"));
  // The receiver sees the source's kind and region, not its name.
  auto sourceNode = nodeOf(graph, source);
  BOOST_TEST(sourceNode->getValue<std::string>("label") == source);
  BOOST_TEST(sourceNode->getValue<std::string>("region") == "souss_massa");
  BOOST_TEST(g.body.find("Huilerie Souss") == std::string::npos);
  // The collector's own view of that lot names the source.
  auto collectorView = w.call("GET", "/api/lots/" + collected + "/genealogy", "", w.collectorMember);
  BOOST_TEST_REQUIRE(collectorView.status == 200, collectorView.body);
  BOOST_TEST(collectorView.body.find("Huilerie Souss") != std::string::npos);
  // Forward: the collector sees where its lot went, up to the transfer it was party to,
  // not the receiver's batch.
  BOOST_TEST(hasEdge(collectorView.json(), refined,
                     "start-up:" + WasteChain::str(w.chemistry), "transferred_to"));
  BOOST_TEST(collectorView.body.find(batch) == std::string::npos);
  // The receiver's forward view of its lot reaches the batch.
  auto forward = w.call("GET", "/api/lots/" + received + "/genealogy", "", w.chemistryMember);
  BOOST_TEST(hasEdge(forward.json(), step, batch, "step_of"));

  // CSV export: one row per edge.
  auto csv = w.call("GET", "/api/batches/" + batch + "/genealogy?format=csv", "", w.chemistryMember);
  BOOST_TEST_REQUIRE(csv.status == 200, csv.body);
  BOOST_TEST(csv.headers["Content-Type"].find("text/csv") == 0u);
  BOOST_TEST(csv.body.find("root,from_id,from_kind") == 0u);
  std::size_t rows = 0;
  for (char ch : csv.body) rows += ch == '\n';
  BOOST_TEST(rows == graph->getArray("edges")->size() + 1);
  BOOST_TEST(csv.body.find(collected + ",lot,") != std::string::npos);

  // Nobody else reads the batch's genealogy, or the lots.
  BOOST_TEST(w.call("GET", "/api/batches/" + batch + "/genealogy", "", w.outsiderMember).status ==
             404);
  BOOST_TEST(w.call("GET", "/api/batches/" + batch + "/genealogy", "", w.partner).status == 404);
  BOOST_TEST(w.call("GET", "/api/lots/" + collected + "/genealogy", "", w.outsiderMember).status ==
             404);
}

BOOST_AUTO_TEST_CASE(lots_sources_and_transfers_stay_with_their_start_up) {
  WasteChain w;
  std::string source = w.source("Moulin Zitoune", "olive_mill", "fes_meknes");
  std::string lot = w.lot("olive_mill_wastewater", 6000, "2026-01-20", source);
  std::string untouched = w.lot("olive_mill_wastewater", 3000, "2026-01-21", source);
  std::string transfer = w.offer(lot, 2000);

  // The outsider sees none of it: 404 like a missing record, and empty lists.
  for (const std::string& path :
       {"/api/lots/" + lot, "/api/lots/" + untouched, "/api/sources/" + source,
        "/api/transfers/" + transfer, "/api/lots/" + lot + "/history",
        "/api/lots/" + lot + "/documents", std::string("/api/transformations/TRN-000001")}) {
    BOOST_TEST(w.call("GET", path, "", w.outsiderMember).status == 404, path);
  }
  BOOST_TEST(w.call("GET", "/api/lots/LOT-999999", "", w.outsiderMember).status == 404);
  BOOST_TEST(w.call("GET", "/api/lots", "", w.outsiderMember).json()->getValue<int>("total") == 0);
  BOOST_TEST(w.call("GET", "/api/sources", "", w.outsiderMember).json()->getValue<int>("total") == 0);
  BOOST_TEST(w.call("GET", "/api/lots", "", w.partner).json()->getValue<int>("total") == 0);
  BOOST_TEST(w.call("GET", "/api/lots", "", "").json()->getValue<int>("total") == 0);
  BOOST_TEST(w.call("GET", "/api/lots/" + lot, "", "").status == 404);
  auto stock = w.call("GET", "/api/lots/stock?start_up=" + WasteChain::str(w.collector), "",
                      w.outsiderMember);
  BOOST_TEST(stock.status == 403);
  auto patch = w.call("PATCH", "/api/lots/" + lot, R"({"status": "quarantine"})", w.outsiderMember);
  BOOST_TEST(patch.status == 404);

  // The receiver of a transfer sees the lot offered to it (without the source's name), not the
  // collector's other lots, nor its sources.
  auto offered = w.call("GET", "/api/lots/" + lot, "", w.chemistryMember);
  BOOST_TEST_REQUIRE(offered.status == 200, offered.body);
  BOOST_TEST(offered.json()->getObject("source")->isNull("name"));
  BOOST_TEST(offered.json()->getObject("source")->getValue<std::string>("region") == "fes_meknes");
  BOOST_TEST(offered.json()->isNull("balance"));
  BOOST_TEST(offered.json()->isNull("notes"));
  BOOST_TEST(offered.body.find("Moulin Zitoune") == std::string::npos);
  BOOST_TEST(w.call("GET", "/api/lots/" + untouched, "", w.chemistryMember).status == 404);
  BOOST_TEST(w.call("GET", "/api/sources/" + source, "", w.chemistryMember).status == 404);
  BOOST_TEST(w.call("GET", "/api/lots/" + lot + "/history", "", w.chemistryMember).status == 404);
  // ... and may not act on it.
  auto receiverPatch =
      w.call("PATCH", "/api/lots/" + lot, R"({"status": "quarantine"})", w.chemistryMember);
  BOOST_TEST(receiverPatch.status == 403);

  // Sharing a lot with the cluster (members may) opens it to every start-up member, still
  // without the source's name.
  auto share = w.call("PATCH", "/api/lots/" + untouched, R"({"visibility": "cluster"})",
                      w.collectorMember);
  BOOST_TEST_REQUIRE(share.status == 200, share.body);
  auto shared = w.call("GET", "/api/lots/" + untouched, "", w.outsiderMember);
  BOOST_TEST_REQUIRE(shared.status == 200, shared.body);
  BOOST_TEST(shared.body.find("Moulin Zitoune") == std::string::npos);
  BOOST_TEST(w.call("GET", "/api/lots/" + untouched, "", w.partner).status == 404);

  // A transformation seen from downstream shows the outputs the receiver may read, not the
  // collector's other output lots nor its notes; its mass balance stays the whole step's.
  std::string pomace = w.lot("olive_pomace", 1000, "2026-01-25");
  auto split = w.call("POST", "/api/transformations",
                      R"({"start_up": )" + WasteChain::str(w.collector) +
                          R"(, "kind": "decanting", "performed_on": "2026-01-26",
                        "notes": "decanter 2, night shift",
                        "inputs": [{"lot": ")" + pomace + R"(", "amount": 1000, "unit": "kg"}],
                        "outputs": [{"amount": 700, "unit": "kg"},
                                    {"stream": "olive_mill_wastewater", "amount": 250, "unit": "kg"}]})",
                      w.collectorMember);
  BOOST_TEST_REQUIRE(split.status == 201, split.body);
  const std::string step = split.json()->getValue<std::string>("id");
  const std::string keptOutput =
      split.json()->getArray("outputs")->getObject(0)->getValue<std::string>("lot");
  const std::string soldOutput =
      split.json()->getArray("outputs")->getObject(1)->getValue<std::string>("lot");
  BOOST_TEST(w.call("GET", "/api/transformations/" + step, "", w.chemistryMember).status == 404);
  w.offer(soldOutput, 250);
  auto downstream = w.call("GET", "/api/transformations/" + step, "", w.chemistryMember);
  BOOST_TEST_REQUIRE(downstream.status == 200, downstream.body);
  BOOST_TEST(downstream.json()->getArray("outputs")->size() == 1u);
  BOOST_TEST(downstream.json()->getArray("outputs")->getObject(0)->getValue<std::string>("lot") ==
             soldOutput);
  BOOST_TEST(downstream.body.find(keptOutput) == std::string::npos);
  BOOST_TEST(downstream.json()->isNull("notes"));
  BOOST_TEST(downstream.json()->getObject("mass_balance")->getValue<double>("output_kg") == 950.0);
  auto listed = w.call("GET", "/api/transformations", "", w.chemistryMember);
  BOOST_TEST_REQUIRE(listed.status == 200, listed.body);
  BOOST_TEST(listed.body.find(keptOutput) == std::string::npos);
  BOOST_TEST(listed.body.find("night shift") == std::string::npos);
  auto own = w.call("GET", "/api/transformations/" + step, "", w.collectorMember).json();
  BOOST_TEST(own->getArray("outputs")->size() == 2u);
  BOOST_TEST(own->getValue<std::string>("notes") == "decanter 2, night shift");
  BOOST_TEST(w.call("GET", "/api/lots/" + keptOutput, "", w.chemistryMember).status == 404);

  // Cluster figures aggregate without naming sources.
  auto figures = w.call("GET", "/api/circularity", "", w.outsiderMember);
  BOOST_TEST_REQUIRE(figures.status == 200, figures.body);
  BOOST_TEST(figures.body.find("Moulin Zitoune") == std::string::npos);
  BOOST_TEST(figures.body.find(source) == std::string::npos);
  BOOST_TEST(figures.body.find(lot) == std::string::npos);
  BOOST_TEST(w.call("GET", "/api/circularity", "", w.partner).status == 403);
  BOOST_TEST(w.call("GET", "/api/circularity", "", "").status == 401);
}

// The circularity figures count the lots the caller may read: a private lot of another
// start-up changes none of its tonnes, counts, flows or CO2e. A refused offer opens nothing.
BOOST_AUTO_TEST_CASE(a_private_lot_counts_only_where_it_may_be_seen) {
  WasteChain w;
  std::string kept = w.lot("olive_pomace", 2500, "2026-02-20", "",
                           R"("vehicle": "truck_large", "distance_km": 35)");
  std::string sent = w.lot("used_cooking_oil", 400, "2026-02-05");
  std::string shared = w.lot("used_cooking_oil", 300, "2026-02-06");
  auto share = w.call("PATCH", "/api/lots/" + shared, R"({"visibility": "cluster"})",
                      w.collectorMember);
  BOOST_TEST_REQUIRE(share.status == 200, share.body);
  w.accept(w.offer(sent, 350, R"("vehicle": "van", "distance_km": 10)"), "2026-02-10");

  // Offered, the kept lot is open to the receiver; refused, it is closed again.
  std::string offer = w.offer(kept, 100);
  BOOST_TEST(w.call("GET", "/api/lots/" + kept, "", w.chemistryMember).status == 200);
  auto refusal = w.call("POST", "/api/transfers/" + offer + "/refuse", R"({"reason": "too wet"})",
                        w.chemistryMember);
  BOOST_TEST_REQUIRE(refusal.status == 200, refusal.body);
  BOOST_TEST(w.call("GET", "/api/lots/" + kept, "", w.chemistryMember).status == 404);
  BOOST_TEST(w.call("GET", "/api/transfers/" + offer, "", w.chemistryMember).status == 200);

  struct Seen {
    double collected = 0, transferred = 0, co2e = 0, listed = 0;
    std::int64_t lots = 0;
    std::size_t flows = 0;
    std::string counted;
  };
  auto seen = [&](const std::string& token) {
    auto r = w.call("GET", "/api/circularity?shares=false", "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    auto f = r.json();
    Seen s;
    s.counted = f->getValue<std::string>("counted");
    s.collected = f->getObject("totals")->getValue<double>("collected_t");
    s.transferred = f->getObject("totals")->getValue<double>("transferred_t");
    s.lots = f->getObject("totals")->getValue<std::int64_t>("lots_collected");
    s.co2e = f->getObject("transport")->getValue<double>("co2e_kg");
    s.flows = f->getArray("flows")->size();
    auto cells = f->getArray("per_stream_month");
    std::int64_t cellLots = 0;
    for (std::size_t i = 0; i < cells->size(); ++i) {
      cellLots += cells->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("lots_collected");
    }
    BOOST_TEST(cellLots == s.lots);
    // The same tonnes as the lots this caller can list.
    auto lots = w.call("GET", "/api/lots?origin=collection&page_size=500", "", token).json();
    auto items = lots->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
      s.listed += items->getObject(static_cast<unsigned>(i))
                      ->getObject("net_mass")->getValue<double>("kg") / 1000;
    }
    BOOST_TEST(s.collected == s.listed, boost::test_tools::tolerance(1e-9));
    return s;
  };
  const auto& factors = server::transportEmissionFactors();
  const double keptTrip = 2.5 * 35 * factors.find("truck_large")->kgCo2ePerTonneKm;
  const double vanTrip = 0.35 * 10 * factors.find("van")->kgCo2ePerTonneKm;

  Seen admin = seen(w.admin);
  BOOST_TEST(admin.counted == "all");
  BOOST_TEST(admin.collected == 3.2, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(admin.lots == 3);
  BOOST_TEST(admin.co2e == keptTrip + vanTrip, boost::test_tools::tolerance(1e-3));
  Seen collector = seen(w.collectorMember);
  BOOST_TEST(collector.counted == "visible");
  BOOST_TEST(collector.collected == 3.2, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(collector.lots == 3);
  // The receiver: the lot it received from and the shared one; not the refused one.
  Seen chemistry = seen(w.chemistryMember);
  BOOST_TEST(chemistry.collected == 0.7, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(chemistry.lots == 2);
  BOOST_TEST(chemistry.transferred == 0.35, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(chemistry.co2e == vanTrip, boost::test_tools::tolerance(1e-3));
  // A third start-up: the shared lot only; no flow, no trip.
  Seen outsider = seen(w.outsiderMember);
  BOOST_TEST(outsider.collected == 0.3, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(outsider.lots == 1);
  BOOST_TEST(outsider.transferred == 0.0);
  BOOST_TEST(outsider.flows == 0u);
  BOOST_TEST(outsider.co2e == 0.0);
  auto byMonth = w.call("GET", "/api/circularity?shares=false&stream=olive_pomace", "",
                        w.outsiderMember).json();
  BOOST_TEST(byMonth->getArray("per_stream_month")->size() == 0u);
  BOOST_TEST(byMonth->getArray("per_start_up")->size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_dashboard_adds_up_to_the_lots) {
  WasteChain w;
  std::string a = w.lot("used_cooking_oil", 420, "2026-01-05", "",
                        R"("vehicle": "van", "distance_km": 20)");
  std::string b = w.lot("used_cooking_oil", 380.5, "2026-01-28");
  std::string c = w.lot("used_cooking_oil", 512.25, "2026-02-14");
  std::string d = w.lot("olive_mill_wastewater", 8000, "2026-02-03", "",
                        R"("vehicle": "truck_large", "distance_km": 35)");
  std::string e = w.lot("olive_pomace", 2500, "2026-02-20");
  std::string retired = w.lot("olive_pomace", 999, "2026-02-21");
  auto retire = w.call("POST", "/api/lots/" + retired + "/retire",
                       R"({"reason": "weighed twice"})", w.collectorMember);
  BOOST_TEST_REQUIRE(retire.status == 200, retire.body);
  w.accept(w.offer(a, 400, R"("vehicle": "truck_small", "distance_km": 55)"), "2026-01-10");
  w.accept(w.offer(d, 3000), "2026-03-02");
  std::string received = w.accept(w.offer(c, 500), "2026-02-16");
  auto used = w.call("POST", "/api/lots/" + received + "/uses",
                     R"({"amount": 120, "unit": "kg", "route": )" + std::string("0") + "}",
                     w.chemistryMember);
  BOOST_TEST(used.status == 404);  // no route 0
  auto f = w.call("GET", "/api/circularity?shares=false", "", w.admin);
  BOOST_TEST_REQUIRE(f.status == 200, f.body);
  auto figures = f.json();

  // Recompute from the lots as the API lists them (retired lots excluded).
  auto lots = w.call("GET", "/api/lots?origin=collection&page_size=500", "", w.admin).json();
  std::map<std::pair<std::string, std::string>, double> collected;
  double total = 0;
  auto items = lots->getArray("items");
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto l = items->getObject(static_cast<unsigned>(i));
    double kg = l->getObject("net_mass")->getValue<double>("kg");
    collected[{l->getValue<std::string>("collected_on").substr(0, 7),
               l->getValue<std::string>("stream")}] += kg / 1000;
    total += kg / 1000;
  }
  BOOST_TEST(collected.size() == 4u);
  auto cells = figures->getArray("per_stream_month");
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < cells->size(); ++i) {
    auto cell = cells->getObject(static_cast<unsigned>(i));
    std::pair<std::string, std::string> key{cell->getValue<std::string>("month"),
                                            cell->getValue<std::string>("stream")};
    double value = cell->getValue<double>("collected_t");
    if (value == 0) continue;
    seen.insert(key);
    BOOST_TEST(value == collected[key], boost::test_tools::tolerance(1e-9));
  }
  BOOST_TEST(seen.size() == collected.size());
  BOOST_TEST(figures->getObject("totals")->getValue<double>("collected_t") == total,
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(total == (420 + 380.5 + 512.25 + 8000 + 2500) / 1000.0,
             boost::test_tools::tolerance(1e-12));
  // Per start-up and month: the collector's January.
  auto months = figures->getArray("per_start_up_month");
  double january = -1;
  for (std::size_t i = 0; i < months->size(); ++i) {
    auto m = months->getObject(static_cast<unsigned>(i));
    if (m->getValue<std::string>("month") == "2026-01" &&
        m->getValue<std::int64_t>("start_up") == w.collector) {
      january = m->getValue<double>("collected_t");
    }
  }
  BOOST_TEST(january == 0.8005, boost::test_tools::tolerance(1e-9));
  // Transfers: by month of receipt, and as flows between the two start-ups.
  BOOST_TEST(figures->getObject("totals")->getValue<double>("transferred_t") == 3.9,
             boost::test_tools::tolerance(1e-9));
  auto flows = figures->getArray("flows");
  double flowTotal = 0;
  for (std::size_t i = 0; i < flows->size(); ++i) {
    auto flow = flows->getObject(static_cast<unsigned>(i));
    BOOST_TEST(flow->getValue<std::int64_t>("from") == w.collector);
    BOOST_TEST(flow->getValue<std::int64_t>("to") == w.chemistry);
    flowTotal += flow->getValue<double>("t");
  }
  BOOST_TEST(flowTotal == 3.9, boost::test_tools::tolerance(1e-9));
  // Transport CO2e: collection trips and the one transfer with a vehicle.
  const auto& factors = server::transportEmissionFactors();
  double expected = 0.42 * 20 * factors.find("van")->kgCo2ePerTonneKm +
                    8.0 * 35 * factors.find("truck_large")->kgCo2ePerTonneKm +
                    0.4 * 55 * factors.find("truck_small")->kgCo2ePerTonneKm;
  BOOST_TEST(figures->getObject("transport")->getValue<double>("co2e_kg") == expected,
             boost::test_tools::tolerance(1e-3));
  // Filters.
  auto feb = w.call("GET", "/api/circularity?shares=false&from=2026-02&to=2026-02&stream=used_cooking_oil",
                    "", w.admin).json();
  BOOST_TEST(feb->getObject("totals")->getValue<double>("collected_t") == 0.51225,
             boost::test_tools::tolerance(1e-9));
  auto badMonth = w.call("GET", "/api/circularity?from=2026-13", "", w.admin);
  BOOST_TEST(badMonth.status == 400);
  BOOST_TEST(errorField(badMonth) == "from");
}

BOOST_AUTO_TEST_CASE(a_collectors_spreadsheet_is_imported_once) {
  WasteChain w;
  const std::string csv =
      "\xef\xbb\xbf" "Date;Flux;Point de collecte;Type source;Région;Ville;Masse nette (kg);"
      "Contenant;Véhicule;Distance;free_fatty_acids\r\n"
      "02/03/2026;Huiles alimentaires usagées;Restaurant Dar Tajine;restaurant;Casablanca-Settat;"
      "Casablanca;1 250,5;drum;van;12,5;4,2\r\n"
      "03/03/2026;used_cooking_oil;Restaurant Dar Tajine;;;;310;jerrycan;van;8;\r\n"
      "\r\n"
      "2026-03-04;used_cooking_oil;\"Hôtel Atlas, cuisine\";hotel;casablanca_settat;;88,75;;;;\r\n";
  const std::string path = "/api/lots/import?start_up=" + WasteChain::str(w.collector);
  auto dry = w.server.call("POST", path + "&dry_run=true", csv, w.collectorMember, "text/csv");
  BOOST_TEST_REQUIRE(dry.status == 200, dry.body);
  BOOST_TEST(dry.json()->getValue<int>("created") == 3);
  BOOST_TEST(w.count("lots") == 0);
  BOOST_TEST(w.count("waste_sources") == 0);

  auto first = w.server.call("POST", path, csv, w.collectorMember, "text/csv");
  BOOST_TEST_REQUIRE(first.status == 201, first.body);
  auto report = first.json();
  BOOST_TEST(report->getValue<int>("rows") == 3);
  BOOST_TEST(report->getValue<int>("created") == 3);
  BOOST_TEST(report->getArray("sources_created")->size() == 2u);
  BOOST_TEST(report->getValue<std::string>("delimiter") == ";");
  BOOST_TEST(report->getArray("items")->getObject(2)->getValue<int>("line") == 5);
  const std::string firstLot = report->getArray("items")->getObject(0)->getValue<std::string>("lot");
  auto lot = w.call("GET", "/api/lots/" + firstLot, "", w.collectorMember).json();
  BOOST_TEST(lot->getValue<std::string>("collected_on") == "2026-03-02");
  BOOST_TEST(lot->getObject("net_mass")->getValue<double>("kg") == 1250.5);
  BOOST_TEST(lot->getObject("transport")->getValue<double>("distance_km") == 12.5);
  BOOST_TEST(lot->getObject("characterisation")->getValue<double>("free_fatty_acids") == 4.2);
  BOOST_TEST(lot->getObject("source")->getValue<std::string>("name") == "Restaurant Dar Tajine");

  auto again = w.server.call("POST", path, csv, w.collectorMember, "text/csv");
  BOOST_TEST_REQUIRE(again.status == 200, again.body);
  BOOST_TEST(again.json()->getValue<int>("already_imported") == 3);
  BOOST_TEST(w.count("lots") == 3);

  // One wrong row: nothing stored, the line and column named.
  const std::string bad =
      "collected_on,stream,net_mass,unit\n"
      "2026-03-05,used_cooking_oil,100,kg\n"
      "2026-03-06,used_cooking_oil,abc,kg\n";
  auto refused = w.server.call("POST", path, bad, w.collectorMember, "text/csv");
  BOOST_TEST_REQUIRE(refused.status == 400, refused.body);
  BOOST_TEST(errorField(refused) == "net_mass");
  BOOST_TEST(errorDetail(refused, "line") == "3");
  BOOST_TEST(w.count("lots") == 3);
  auto unknownColumn = w.server.call("POST", path, "collected_on,stream,net_mass,colour\n",
                                     w.collectorMember, "text/csv");
  BOOST_TEST(unknownColumn.status == 400);
  BOOST_TEST(errorField(unknownColumn) == "header");
  auto foreign = w.server.call("POST", path, bad, w.outsiderMember, "text/csv");
  BOOST_TEST(foreign.status == 403);
}

BOOST_AUTO_TEST_CASE(streams_are_a_cluster_vocabulary_with_list_of_waste_codes) {
  WasteChain w;
  auto list = w.call("GET", "/api/waste-streams", "", "");
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  std::map<std::string, std::string> codes;
  auto items = list.json()->getArray("items");
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto s = items->getObject(static_cast<unsigned>(i));
    codes[s->getValue<std::string>("key")] =
        s->isNull("low_code") ? "" : s->getValue<std::string>("low_code");
  }
  BOOST_TEST(codes["used_cooking_oil"] == "20 01 25");
  BOOST_TEST(codes["olive_mill_wastewater"] == "02 03 01");
  BOOST_TEST(codes["olive_pomace"] == "02 03 04");
  BOOST_TEST(codes["agricultural_plastic_film"] == "02 01 04");
  BOOST_TEST(codes["crude_glycerol"] == "");

  auto created = w.call("POST", "/api/waste-streams",
                        R"({"key": "coffee_grounds", "name_fr": "Marc de café", "name_en": "Spent coffee grounds",
                            "low_code": "20 01 08", "characterisation": ["moisture", "oil_content"]})",
                        w.admin);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  auto byMember = w.call("POST", "/api/waste-streams",
                         R"({"key": "x_stream", "name_fr": "x", "name_en": "x"})", w.collectorMember);
  BOOST_TEST(byMember.status == 403);
  auto badCode = w.call("PATCH", "/api/waste-streams/coffee_grounds", R"({"low_code": "200108"})",
                        w.admin);
  BOOST_TEST(badCode.status == 400);
  BOOST_TEST(errorField(badCode) == "low_code");
  // The substance that describes a stream: a nullable reference to a substance the registry
  // holds. One that does not exist is refused and leaves the stream as it was.
  auto missing = w.call("PATCH", "/api/waste-streams/used_cooking_oil", R"({"substance": "SUB-000404"})",
                        w.admin);
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(errorField(missing) == "substance");
  auto oil = w.call("POST", "/api/substances",
                    R"({"name": "Used frying oil", "kind": "material", "start_up": )" +
                        w.str(w.collector) +
                        R"(, "source": {"species": "Olea europaea", "process": "frying"}})",
                    w.collectorMember);
  BOOST_TEST_REQUIRE(oil.status == 201, oil.body);
  std::string oilCode = oil.json()->getValue<std::string>("id");
  // Anyone reads the stream vocabulary: a substance visible to its start-up or to the cluster
  // only is refused, located, and the stream keeps no substance.
  for (const char* visibility : {"", "cluster"}) {
    if (*visibility) {
      BOOST_TEST_REQUIRE(w.call("PATCH", "/api/substances/" + oilCode,
                                std::string(R"({"visibility": ")") + visibility + R"("})",
                                w.collectorMember)
                             .status == 200);
    }
    auto hidden = w.call("PATCH", "/api/waste-streams/used_cooking_oil",
                         R"({"substance": ")" + oilCode + R"("})", w.admin);
    BOOST_TEST(hidden.status == 400, hidden.body);
    BOOST_TEST(errorField(hidden) == "substance");
    BOOST_TEST(hidden.errorMessage().find("publish") != std::string::npos, hidden.body);
  }
  auto streamsNow = w.call("GET", "/api/waste-streams", "", "");
  BOOST_TEST_REQUIRE(streamsNow.status == 200);
  BOOST_TEST(streamsNow.body.find(oilCode) == std::string::npos);
  BOOST_TEST_REQUIRE(w.call("PATCH", "/api/substances/" + oilCode,
                            R"({"visibility": "public", "reason": "the stream's description"})",
                            w.admin)
                         .status == 200);
  auto linked = w.call("PATCH", "/api/waste-streams/used_cooking_oil",
                       R"({"substance": ")" + oilCode + R"("})", w.admin);
  BOOST_TEST_REQUIRE(linked.status == 200, linked.body);
  BOOST_TEST(linked.json()->getValue<std::string>("substance") == oilCode);
  auto unlinked = w.call("PATCH", "/api/waste-streams/used_cooking_oil", R"({"substance": null})",
                         w.admin);
  BOOST_TEST_REQUIRE(unlinked.status == 200, unlinked.body);
  BOOST_TEST(unlinked.json()->get("substance").isEmpty());
  // A retired substance describes no stream.
  auto retired = w.call("POST", "/api/substances",
                        R"({"name": "Old frying oil", "kind": "material", "start_up": )" +
                            w.str(w.collector) + R"(, "source": {"process": "frying"}})",
                        w.collectorMember);
  BOOST_TEST_REQUIRE(retired.status == 201, retired.body);
  std::string retiredCode = retired.json()->getValue<std::string>("id");
  BOOST_TEST_REQUIRE(w.call("PATCH", "/api/substances/" + retiredCode,
                            R"({"visibility": "public", "reason": "r"})", w.admin)
                         .status == 200);
  BOOST_TEST_REQUIRE(w.call("POST", "/api/substances/" + retiredCode + "/retire",
                            R"({"reason": "duplicate"})", w.admin)
                         .status == 200);
  auto linkRetired = w.call("PATCH", "/api/waste-streams/used_cooking_oil",
                            R"({"substance": ")" + retiredCode + R"("})", w.admin);
  BOOST_TEST(linkRetired.status == 400, linkRetired.body);
  BOOST_TEST(errorField(linkRetired) == "substance");
  auto factors = w.call("GET", "/api/waste/emission-factors", "", "");
  BOOST_TEST_REQUIRE(factors.status == 200);
  BOOST_TEST(factors.json()->getValue<int>("year") == 2025);
  BOOST_TEST(factors.json()->getValue<std::string>("source").find("UK Government GHG Conversion "
                                                                  "Factors") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
