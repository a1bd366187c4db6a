// Synthesis routes over real HTTP: the metrics calculator, route and step CRUD, versions,
// validation, visibility, audit entries, comparison, and bad input that leaves the
// database unchanged.
#include "db/audit.h"
#include "test_server.h"

using namespace argan;
using test::structureBody;
using test::TestServer;

namespace {

struct Lab {
  TestServer server;
  std::int64_t startUp = server.createStartUp("Zitoun");
  std::int64_t otherStartUp = server.createStartUp("Glycera");
  std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  std::string member = server.userToken("member@zitoun.ma", db::Role::Member, startUp);
  std::string other = server.userToken("lead@glycera.ma", db::Role::Lead, otherStartUp);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  test::HttpResult call(const std::string& method, const std::string& path,
                        const std::string& body = "", const std::string& token = "") {
    return server.call(method, path, body, token);
  }
  std::string registerCompound(const std::string& smiles, const std::string& token) {
    auto r = server.call("POST", "/api/compounds", structureBody(smiles), token);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getObject("compound")->getValue<std::string>("id");
  }
};

// Counts of every table a route write touches, plus the audit chain head.
std::string databaseState(TestServer& s) {
  return s.database().read([](db::Connection& c) {
    std::string state;
    for (const char* table : {"routes", "route_steps", "route_step_components", "audit_log"}) {
      state +=
          std::string(table) + "=" +
          std::to_string(c.queryInt(std::string("SELECT COUNT(*) FROM ") + table).value_or(-1)) +
          ";";
    }
    state += c.queryText("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").value_or("");
    return state;
  });
}

double number(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  BOOST_TEST_REQUIRE(!o->isNull(key), key << " is null");
  return o->getValue<double>(key);
}

// The three-step convergent route of tests/chem/route_metrics_test.cpp (PMI 19.297 kg/kg).
const char* kStep1 = R"({"name": "acid chloride",
  "reaction_smiles": "OC(=O)c1ccccc1.O=S(Cl)Cl>Cc1ccccc1>ClC(=O)c1ccccc1.O=S=O.Cl",
  "components": [
    {"smiles": "OC(=O)c1ccccc1", "amount": 12.21, "unit": "g", "origin": "bio-based"},
    {"smiles": "O=S(Cl)Cl", "amount": 14.28, "unit": "g", "origin": "fossil"},
    {"smiles": "Cc1ccccc1", "amount": 50, "unit": "g"},
    {"smiles": "ClC(=O)c1ccccc1", "amount": 12.65, "unit": "g"}],
  "conditions": {"temperature_c": 80, "time_h": 3, "atmosphere": "N2", "mode": "batch"},
  "workup": ["evaporation"]})";
const char* kStep2 = R"({"name": "hydrogenation",
  "reaction_smiles": "[O-][N+](=O)c1ccccc1.[H][H].[H][H].[H][H]>[Pd].CCO>Nc1ccccc1.O.O",
  "components": [
    {"smiles": "[O-][N+](=O)c1ccccc1", "amount": 12.31, "unit": "g"},
    {"smiles": "[H][H]", "amount": 0.61, "unit": "g"},
    {"smiles": "[Pd]", "role": "catalyst", "amount": 0.05, "unit": "g"},
    {"smiles": "OCC", "amount": 40, "unit": "g", "origin": "bio-based"},
    {"smiles": "Nc1ccccc1", "amount": 8.38, "unit": "g"}],
  "conditions": {"temperature_c": 25, "pressure_bar": 3, "mode": "flow"},
  "workup": "filtration"})";
const char* kStep3 = R"json({"name": "amide coupling",
  "reaction_smiles": "ClC(=O)c1ccccc1.Nc1ccccc1.CCN(CC)CC>ClCCl>O=C(Nc1ccccc1)c1ccccc1.(CC[NH+](CC)CC.[Cl-])",
  "components": [
    {"smiles": "ClC(=O)c1ccccc1", "from_step": 1, "amount": 11.25, "unit": "g"},
    {"smiles": "Nc1ccccc1", "from_step": 2, "amount": 7.45, "unit": "g"},
    {"smiles": "CCN(CC)CC", "amount": 8.90, "unit": "g"},
    {"smiles": "ClCCl", "amount": 100, "unit": "g"},
    {"smiles": "O", "role": "solvent", "amount": 50, "unit": "mL"},
    {"smiles": "O=C(Nc1ccccc1)c1ccccc1", "amount": 14.20, "unit": "g"}],
  "conditions": {"temperature_c": 0},
  "workup": ["extraction", "crystallisation"], "isolated_yield": 90})json";

std::string routeBody(const std::string& target, const std::string& name,
                      const std::string& steps) {
  return R"({"target_compound": ")" + target + R"(", "name": ")" + name +
         R"(", "description": "convergent amide route", "steps": [)" + steps + "]}";
}

std::string convergentRoute(const std::string& target) {
  return routeBody(target, "Benzanilide via acid chloride",
                   std::string(kStep1) + "," + kStep2 + "," + kStep3);
}

std::int64_t auditCount(TestServer& s, const std::string& type, const std::string& action) {
  return s.database().read([&](db::Connection& c) {
    db::Statement st(c, "SELECT COUNT(*) FROM audit_log WHERE record_type = ? AND action = ?");
    st.bind(1, type).bind(2, action);
    st.step();
    return st.getInt(0);
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_synthesis)

BOOST_AUTO_TEST_CASE(the_calculator_answers_atom_economy_and_explains_it) {
  Lab lab;
  auto r = lab.call("POST", "/api/reactions/metrics",
                    R"({"reaction_smiles": "C=C.C=C.O=O>[Ag]>C1CO1.C1CO1"})", lab.member);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto body = r.json();
  BOOST_TEST(body->getValue<double>("atom_economy") == 100.0);
  auto ae = body->getObject("metrics")->getObject("atom_economy");
  BOOST_TEST(ae->getValue<std::string>("unit") == "%");
  BOOST_TEST(ae->getValue<std::string>("formula").find("ν_P") != std::string::npos);
  BOOST_TEST(ae->getValue<std::string>("reference").find("Trost") != std::string::npos);
  BOOST_TEST(body->isNull("pmi"));
  BOOST_TEST(
      !body->getObject("metrics")->getObject("pmi")->getValue<std::string>("missing").empty());
  BOOST_TEST(body->getObject("balance")->getValue<bool>("balanced"));
  BOOST_TEST(body->getArray("components")->size() == 4u);
  BOOST_TEST(body->getArray("traffic_lights")->size() == 8u);
  // Anyone signed in may use it (a partner too); anonymous callers may not.
  BOOST_TEST(lab.call("POST", "/api/reactions/metrics",
                      R"({"reaction_smiles": "C=CC=C.C=C>>C1=CCCCC1"})", lab.partner)
                 .status == 200);
  BOOST_TEST(
      lab.call("POST", "/api/reactions/metrics", R"({"reaction_smiles": "C=CC=C.C=C>>C1=CCCCC1"})")
          .status == 401);
}

BOOST_AUTO_TEST_CASE(the_calculator_computes_every_metric_the_amounts_allow) {
  Lab lab;
  auto r = lab.call("POST", "/api/reactions/metrics", kStep1, lab.member);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto body = r.json();
  // 140.57 / (122.12 + 118.97) = 58.3 %
  BOOST_TEST(number(body, "atom_economy") == 58.31, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(number(body, "yield") == 90.0, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(number(body, "pmi") == 6.047, boost::test_tools::tolerance(1e-3));  // 76.49 / 12.65
  BOOST_TEST(number(body, "solvent_intensity") == 3.953, boost::test_tools::tolerance(1e-3));
  auto components = body->getArray("components");
  auto toluene = components->getObject(2);
  BOOST_TEST(toluene->getValue<std::string>("role") == "solvent");
  BOOST_TEST(toluene->getObject("solvent")->getValue<std::string>("name") == "Toluene");
  BOOST_TEST(toluene->getObject("solvent")->getValue<std::string>("ranking") == "Problematic");
}

BOOST_AUTO_TEST_CASE(bad_reactions_answer_400_with_the_reason_and_change_nothing) {
  Lab lab;
  std::string target = lab.registerCompound("O=C(Nc1ccccc1)c1ccccc1", lab.lead);
  auto created = lab.call("POST", "/api/routes", convergentRoute(target), lab.lead);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string id = std::to_string(created.json()->getValue<std::int64_t>("id"));
  std::string before = databaseState(lab.server);

  struct Case {
    std::string body;
    std::string expect;
  };
  std::vector<Case> cases = {
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC(C"})", "product 1"},
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC"})", "unbalanced"},
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O",
           "components": [{"smiles": "CC(=O)O", "amount": -6, "unit": "g"}]})",
       "negative"},
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O", "isolated_yield": 120})", "above 100 %"},
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O",
           "components": [{"smiles": "CC(=O)O", "amount": 6, "unit": "g"},
                          {"smiles": "OCC", "amount": 9, "unit": "g"},
                          {"smiles": "CCOC(C)=O", "amount": 9.5, "unit": "g"}]})",
       "yield above 100 %"},
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O",
           "components": [{"smiles": "CC(=O)O", "from_step": 9}]})",
       "step 9, which does not exist"},
      // Huge numbers used to be stored and turned the metrics into "inf" (not JSON).
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O",
           "components": [{"smiles": "CC(=O)O", "amount": 1e308, "unit": "t"}]})",
       "components[0].amount: an amount is at most"},
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O",
           "components": [{"smiles": "OCC", "amount": 1, "unit": "mL", "density": 1e300}]})",
       "components[0].density"},
      {R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O", "conditions": {"time_h": 1e308}})",
       "time_h is at most"},
  };
  for (const auto& c : cases) {
    auto calc = lab.call("POST", "/api/reactions/metrics", c.body, lab.lead);
    auto add = lab.call("POST", "/api/routes/" + id + "/steps", c.body, lab.lead);
    // The calculator has no route, so a step reference cannot be checked there.
    if (c.expect.find("step 9") == std::string::npos) {
      BOOST_TEST(calc.status == 400, c.body << " -> " << calc.body);
      BOOST_TEST(calc.errorMessage().find(c.expect) != std::string::npos, calc.body);
    }
    BOOST_TEST(add.status == 400, c.body << " -> " << add.body);
    BOOST_TEST(add.errorMessage().find(c.expect) != std::string::npos, add.body);
  }
  auto unparsable = lab.call("POST", "/api/reactions/metrics",
                             R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC(C"})", lab.lead);
  auto details = unparsable.json()->getObject("error")->getObject("details");
  BOOST_TEST(details->getValue<std::string>("field") == "reaction_smiles");
  BOOST_TEST(details->getValue<int>("position") == 22);
  auto unbalanced = lab.call("POST", "/api/reactions/metrics",
                             R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC"})", lab.lead);
  BOOST_TEST(unbalanced.json()->getObject("error")->getObject("details")->getValue<std::string>(
                 "unbalanced") == "H: reactants 10, products 8; O: reactants 3, products 2");

  // A cycle between steps, in a new route: nothing is created.
  std::string cycle = routeBody(target, "cyclic",
                                R"({"reaction_smiles": "CC(=O)O.OCC>>CCOC(C)=O.O",
                                    "components": [{"smiles": "CC(=O)O", "from_step": 2}]},
                                   {"reaction_smiles": "CCOC(C)=O.O>>CC(=O)O.OCC",
                                    "components": [{"smiles": "CCOC(C)=O", "from_step": 1}]})");
  auto cyclic = lab.call("POST", "/api/routes", cycle, lab.lead);
  BOOST_TEST(cyclic.status == 400, cyclic.body);
  BOOST_TEST(cyclic.errorMessage().find("form a cycle") != std::string::npos, cyclic.body);
  BOOST_TEST(cyclic.errorMessage().find("1 → 2 → 1") != std::string::npos, cyclic.body);
  // Replacing step 3 so that it claims a product step 1 does not make.
  std::string wrong = std::string(kStep3);
  wrong.replace(wrong.find(R"("from_step": 2)"), 14, R"("from_step": 1)");
  auto twice = lab.call("PUT", "/api/routes/" + id + "/steps/3", wrong, lab.lead);
  BOOST_TEST(twice.status == 400, twice.body);
  auto hugeScale = lab.call(
      "POST", "/api/routes/" + id + "/steps",
      R"({"reaction_smiles": "CC(=O)O.OCC>>CC(=O)OCC.O", "scale": {"amount": 1e308, "unit": "t"}})",
      lab.lead);
  BOOST_TEST(hugeScale.status == 400, hugeScale.body);
  BOOST_TEST(hugeScale.errorMessage().find("scale is at most") != std::string::npos,
             hugeScale.body);
  BOOST_TEST(databaseState(lab.server) == before);
}

BOOST_AUTO_TEST_CASE(route_crud_versions_and_audit) {
  Lab lab;
  std::string target = lab.registerCompound("O=C(Nc1ccccc1)c1ccccc1", lab.lead);
  std::string aniline = lab.registerCompound("Nc1ccccc1", lab.lead);
  auto created = lab.call("POST", "/api/routes", convergentRoute(target), lab.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  auto route = created.json();
  std::string id = std::to_string(route->getValue<std::int64_t>("id"));
  BOOST_TEST(route->getValue<std::string>("status") == "draft");
  BOOST_TEST(route->getValue<int>("version") == 1);
  BOOST_TEST(route->getValue<std::string>("visibility") == "start-up");
  BOOST_TEST(route->getObject("target_compound")->getValue<std::string>("id") == target);
  auto steps = route->getArray("steps");
  BOOST_TEST_REQUIRE(steps->size() == 3u);
  // Components are linked to registered parents by structure.
  auto step2 = steps->getObject(1);
  auto anilineRow = step2->getArray("components")->getObject(4);
  BOOST_TEST(anilineRow->getValue<std::string>("role") == "product");
  BOOST_TEST(anilineRow->getValue<std::string>("compound") == aniline);
  BOOST_TEST(step2->getObject("conditions")->getValue<std::string>("mode") == "flow");

  // Metrics of the stored route: the PMI worked by hand in tests/chem/route_metrics_test.cpp.
  auto metrics = lab.call("GET", "/api/routes/" + id + "/metrics", "", lab.member);
  BOOST_TEST_REQUIRE(metrics.status == 200, metrics.body);
  auto m = metrics.json();
  BOOST_TEST(m->getValue<bool>("complete"));
  BOOST_TEST(number(m, "pmi") == 19.297, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(number(m, "overall_yield") == 81.0, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(m->getObject("metrics")
                 ->getObject("pmi")
                 ->getValue<std::string>("reference")
                 .find("Jimenez-Gonzalez") != std::string::npos);
  BOOST_TEST(m->getArray("principles")->size() == 12u);
  BOOST_TEST(m->getArray("contributions")->size() == 3u);
  BOOST_TEST(m->getArray("steps")->size() == 3u);

  // Add, replace and retire steps of the draft.
  std::string extra = R"({"name": "recrystallisation check",
      "reaction_smiles": "C=CC=C.C=C>>C1=CCCCC1"})";
  auto added = lab.call("POST", "/api/routes/" + id + "/steps", extra, lab.member);
  BOOST_TEST_REQUIRE(added.status == 201, added.body);
  BOOST_TEST(added.json()->getValue<int>("number") == 4);
  BOOST_TEST(added.json()->getObject("analysis")->getValue<double>("atom_economy") == 100.0);
  auto replaced = lab.call(
      "PUT", "/api/routes/" + id + "/steps/4",
      R"({"reaction_smiles": "C1=CCC=C1.O=C1OC(=O)C=C1>>O=C1OC(=O)C2C3CC(C=C3)C12"})", lab.member);
  BOOST_TEST_REQUIRE(replaced.status == 200, replaced.body);
  BOOST_TEST(replaced.json()->getValue<int>("revision") == 2);
  // Step 1 feeds step 3: it cannot be retired first.
  auto used = lab.call("POST", "/api/routes/" + id + "/steps/1/retire", R"({"reason": "wrong"})",
                       lab.member);
  BOOST_TEST(used.status == 422, used.body);
  auto noReason = lab.call("POST", "/api/routes/" + id + "/steps/4/retire", "{}", lab.member);
  BOOST_TEST(noReason.status == 400, noReason.body);
  auto retired = lab.call("POST", "/api/routes/" + id + "/steps/4/retire",
                          R"({"reason": "not part of this route"})", lab.member);
  BOOST_TEST_REQUIRE(retired.status == 200, retired.body);
  BOOST_TEST(retired.json()->getArray("steps")->size() == 3u);
  BOOST_TEST(lab.call("GET", "/api/routes/" + id + "/steps/4", "", lab.member).status == 404);
  auto one = lab.call("GET", "/api/routes/" + id + "/steps/3", "", lab.member);
  BOOST_TEST_REQUIRE(one.status == 200, one.body);
  BOOST_TEST(one.json()->getObject("analysis")->getValue<double>("yield") == 90.0,
             boost::test_tools::tolerance(1e-3));

  // Rename, then validate: complete, and the final step makes the target.
  auto renamed =
      lab.call("PATCH", "/api/routes/" + id, R"({"name": "Benzanilide, route A"})", lab.member);
  BOOST_TEST_REQUIRE(renamed.status == 200, renamed.body);
  BOOST_TEST(renamed.json()->getValue<std::string>("name") == "Benzanilide, route A");
  auto validated = lab.call("PATCH", "/api/routes/" + id, R"({"status": "validated"})", lab.lead);
  BOOST_TEST_REQUIRE(validated.status == 200, validated.body);
  BOOST_TEST(validated.json()->getValue<std::string>("status") == "validated");
  // A validated route's steps are frozen; a new version is a draft copy.
  BOOST_TEST(lab.call("POST", "/api/routes/" + id + "/steps", extra, lab.member).status == 422);
  BOOST_TEST(lab.call("PATCH", "/api/routes/" + id, R"({"status": "draft"})", lab.member).status ==
             422);
  auto version = lab.call("POST", "/api/routes/" + id + "/versions", "", lab.member);
  BOOST_TEST_REQUIRE(version.status == 201, version.body);
  auto v2 = version.json();
  BOOST_TEST(v2->getValue<int>("version") == 2);
  BOOST_TEST(v2->getValue<std::string>("status") == "draft");
  BOOST_TEST(v2->getValue<std::int64_t>("previous_version") == std::stoll(id));
  BOOST_TEST(v2->getArray("steps")->size() == 3u);
  std::string id2 = std::to_string(v2->getValue<std::int64_t>("id"));
  auto lineage = lab.call("GET", "/api/routes?lineage=" + id, "", lab.member);
  BOOST_TEST(lineage.json()->getValue<int>("total") == 2);
  // Retire version 1 with a reason; retired routes leave the default list.
  BOOST_TEST(lab.call("PATCH", "/api/routes/" + id, R"({"status": "retired"})", lab.lead).status ==
             400);
  auto gone = lab.call("PATCH", "/api/routes/" + id,
                       R"({"status": "retired", "reason": "superseded by version 2"})", lab.lead);
  BOOST_TEST_REQUIRE(gone.status == 200, gone.body);
  BOOST_TEST(gone.json()->getValue<std::string>("retired_reason") == "superseded by version 2");
  auto forCompound = lab.call("GET", "/api/compounds/" + target + "/routes", "", lab.member);
  BOOST_TEST_REQUIRE(forCompound.status == 200, forCompound.body);
  BOOST_TEST(forCompound.json()->getValue<int>("total") == 1);
  BOOST_TEST(forCompound.json()->getArray("items")->getObject(0)->getValue<std::string>("id") ==
             id2);

  auto history = lab.call("GET", "/api/routes/" + id + "/history", "", lab.member);
  BOOST_TEST_REQUIRE(history.status == 200, history.body);
  // create, step 4 added, revised and retired, rename, validate, retire
  BOOST_TEST(history.json()->getValue<int>("total") == 7);
  auto retiredAgain = lab.call("POST", "/api/routes/" + id2 + "/retire",
                               R"({"reason": "not pursued"})", lab.member);
  BOOST_TEST_REQUIRE(retiredAgain.status == 200, retiredAgain.body);
  BOOST_TEST(retiredAgain.json()->getValue<std::string>("status") == "retired");

  // Every write left an audit entry, and nothing was deleted.
  BOOST_TEST(auditCount(lab.server, "route", "create") == 2);
  BOOST_TEST(auditCount(lab.server, "route", "update") == 1);
  BOOST_TEST(auditCount(lab.server, "route", "validate") == 1);
  BOOST_TEST(auditCount(lab.server, "route", "retire") == 2);
  BOOST_TEST(auditCount(lab.server, "route_step", "create") == 1);
  BOOST_TEST(auditCount(lab.server, "route_step", "update") == 1);
  BOOST_TEST(auditCount(lab.server, "route_step", "retire") == 1);
  BOOST_TEST(lab.server.count("route_steps") == 3 + 2 + 3);  // v1 (3 + 2 revisions of 4), v2 (3)
  auto chain =
      lab.server.database().read([](db::Connection& c) { return db::verifyAuditChain(c); });
  BOOST_TEST(chain.ok);
}

// Setting a route to the status (or name) it already has answers 200 with the unchanged route
// and writes nothing: no audit entry, the same updated_at.
BOOST_AUTO_TEST_CASE(a_route_patch_that_changes_nothing_writes_nothing) {
  Lab lab;
  std::string target = lab.registerCompound("O=C(Nc1ccccc1)c1ccccc1", lab.lead);
  auto created = lab.call("POST", "/api/routes", convergentRoute(target), lab.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string id = std::to_string(created.json()->getValue<std::int64_t>("id"));
  std::string name = created.json()->getValue<std::string>("name");
  auto unchanged = [&](const std::string& body, const std::string& status) {
    auto before = lab.call("GET", "/api/routes/" + id, "", lab.member).json();
    const std::int64_t audits = lab.server.count("audit_log");
    auto r = lab.call("PATCH", "/api/routes/" + id, body, lab.lead);
    BOOST_TEST_REQUIRE(r.status == 200, body + ": " + r.body);
    BOOST_TEST(r.json()->getValue<std::string>("status") == status);
    BOOST_TEST(r.json()->getValue<std::string>("name") == name);
    BOOST_TEST(r.json()->getValue<std::string>("updated_at") ==
               before->getValue<std::string>("updated_at"), body);
    BOOST_TEST(lab.server.count("audit_log") == audits, body);
  };
  unchanged(R"({"status": "draft"})", "draft");
  unchanged(R"({"name": ")" + name + R"(", "status": "draft"})", "draft");
  auto validated = lab.call("PATCH", "/api/routes/" + id, R"({"status": "validated"})", lab.lead);
  BOOST_TEST_REQUIRE(validated.status == 200, validated.body);
  unchanged(R"({"status": "validated"})", "validated");
  BOOST_TEST(auditCount(lab.server, "route", "update") == 0);
  BOOST_TEST(auditCount(lab.server, "route", "validate") == 1);
}

BOOST_AUTO_TEST_CASE(validation_needs_the_final_product_to_be_the_target) {
  Lab lab;
  std::string target = lab.registerCompound("CCOC(C)=O", lab.lead);
  auto created = lab.call(
      "POST", "/api/routes",
      routeBody(target, "wrong product", R"({"reaction_smiles": "C=CC=C.C=C>>C1=CCCCC1"})"),
      lab.lead);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string id = std::to_string(created.json()->getValue<std::int64_t>("id"));
  auto refused = lab.call("PATCH", "/api/routes/" + id, R"({"status": "validated"})", lab.lead);
  BOOST_TEST(refused.status == 422, refused.body);
  BOOST_TEST(refused.errorMessage().find("not the target compound") != std::string::npos,
             refused.body);
  auto empty = lab.call("POST", "/api/routes", routeBody(target, "empty", ""), lab.lead);
  BOOST_TEST_REQUIRE(empty.status == 201, empty.body);
  std::string emptyId = std::to_string(empty.json()->getValue<std::int64_t>("id"));
  BOOST_TEST(
      lab.call("PATCH", "/api/routes/" + emptyId, R"({"status": "validated"})", lab.lead).status ==
      422);
}

BOOST_AUTO_TEST_CASE(visibility_rules_apply_to_routes) {
  Lab lab;
  std::string target = lab.registerCompound("O=C(Nc1ccccc1)c1ccccc1", lab.lead);
  auto created = lab.call("POST", "/api/routes", convergentRoute(target), lab.lead);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string id = std::to_string(created.json()->getValue<std::int64_t>("id"));
  // Another start-up, a partner and anonymous visitors see nothing (404 like a missing id).
  for (const std::string& token : {lab.other, lab.partner, std::string()}) {
    BOOST_TEST(lab.call("GET", "/api/routes/" + id, "", token).status == 404);
    BOOST_TEST(lab.call("GET", "/api/routes/" + id + "/metrics", "", token).status == 404);
    BOOST_TEST(lab.call("GET", "/api/routes/" + id + "/steps/1", "", token).status == 404);
    BOOST_TEST(lab.call("GET", "/api/routes", "", token).json()->getValue<int>("total") == 0);
  }
  BOOST_TEST(lab.call("GET", "/api/routes/999", "", lab.lead).status == 404);
  // Another start-up cannot write into it, nor create routes for this start-up.
  BOOST_TEST(lab.call("PATCH", "/api/routes/" + id, R"({"name": "mine"})", lab.other).status ==
             404);
  auto foreign = lab.call("POST", "/api/routes",
                          R"({"start_up": )" + std::to_string(lab.startUp) +
                              R"(, "target_compound": ")" + target + R"(", "name": "x"})",
                          lab.other);
  BOOST_TEST(foreign.status == 403, foreign.body);
  // A route shows its target's structure: it is never more visible than the target.
  auto aboveTarget =
      lab.call("PATCH", "/api/routes/" + id, R"({"visibility": "cluster"})", lab.lead);
  BOOST_TEST(aboveTarget.status == 422, aboveTarget.body);
  BOOST_TEST(lab.call("PATCH", "/api/compounds/" + target, R"({"visibility": "cluster"})", lab.lead)
                 .status == 200);
  // Shared with the cluster (a member may share): other members see it but may not change it.
  auto shared = lab.call("PATCH", "/api/routes/" + id,
                         R"({"visibility": "cluster", "reason": "for the cluster review"})",
                         lab.member);
  BOOST_TEST_REQUIRE(shared.status == 200, shared.body);
  BOOST_TEST(shared.json()->getValue<std::string>("visibility") == "cluster");
  BOOST_TEST(lab.call("GET", "/api/routes/" + id, "", lab.other).status == 200);
  BOOST_TEST(lab.call("PATCH", "/api/routes/" + id, R"({"name": "mine"})", lab.other).status ==
             403);
  BOOST_TEST(lab.call("GET", "/api/routes/" + id, "", lab.partner).status == 404);
  auto seen = lab.call("GET", "/api/routes/" + id, "", lab.other).json();
  BOOST_TEST(seen->getObject("target_compound")->has("inchikey"));
  // Public: only leads and administrators publish; then everyone sees it.
  BOOST_TEST(lab.call("PATCH", "/api/compounds/" + target, R"({"visibility": "public"})", lab.lead)
                 .status == 200);
  BOOST_TEST(lab.call("PATCH", "/api/routes/" + id, R"({"visibility": "public"})", lab.member)
                 .status == 403);
  BOOST_TEST(
      lab.call("PATCH", "/api/routes/" + id, R"({"visibility": "public"})", lab.lead).status ==
      200);
  BOOST_TEST(lab.call("GET", "/api/routes/" + id + "/metrics", "").status == 200);
  BOOST_TEST(
      lab.call("PATCH", "/api/routes/" + id, R"({"visibility": "world"})", lab.lead).status == 400);
  // Comparing with a route the caller may not see answers 404.
  auto privateRoute = lab.call("POST", "/api/routes", convergentRoute(target), lab.lead);
  std::string privateId = std::to_string(privateRoute.json()->getValue<std::int64_t>("id"));
  BOOST_TEST(
      lab.call("GET", "/api/routes/compare?ids=" + id + "," + privateId, "", lab.other).status ==
      404);
}

BOOST_AUTO_TEST_CASE(routes_compare_side_by_side) {
  Lab lab;
  std::string target = lab.registerCompound("O=C(Nc1ccccc1)c1ccccc1", lab.lead);
  auto a = lab.call("POST", "/api/routes", convergentRoute(target), lab.lead);
  BOOST_TEST_REQUIRE(a.status == 201, a.body);
  // Route B: the same coupling from purchased intermediates (one step).
  std::string stepB = kStep3;
  stepB.replace(stepB.find(R"("from_step": 1, )"), 16, "");
  stepB.replace(stepB.find(R"("from_step": 2, )"), 16, "");
  auto b = lab.call("POST", "/api/routes", routeBody(target, "from purchased intermediates", stepB),
                    lab.lead);
  BOOST_TEST_REQUIRE(b.status == 201, b.body);
  std::string ida = std::to_string(a.json()->getValue<std::int64_t>("id"));
  std::string idb = std::to_string(b.json()->getValue<std::int64_t>("id"));
  auto r = lab.call("GET", "/api/routes/compare?ids=" + ida + "," + idb, "", lab.member);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto body = r.json();
  BOOST_TEST(body->getArray("routes")->size() == 2u);
  Poco::JSON::Object::Ptr pmiRow;
  auto rows = body->getArray("metrics");
  for (std::size_t i = 0; i < rows->size(); ++i) {
    if (rows->getObject(static_cast<unsigned>(i))->getValue<std::string>("key") == "pmi") {
      pmiRow = rows->getObject(static_cast<unsigned>(i));
    }
  }
  BOOST_TEST_REQUIRE(!pmiRow.isNull());
  auto values = pmiRow->getArray("values");
  BOOST_TEST(values->getElement<double>(0) == 19.297, boost::test_tools::tolerance(1e-4));
  // Route B: (11.25 + 7.45 + 8.90 + 100 + 50) / 14.20 = 12.507
  BOOST_TEST(values->getElement<double>(1) == 12.507, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(pmiRow->getValue<std::string>("better") == "lower");
  BOOST_TEST(pmiRow->getArray("best")->getElement<std::string>(0) == idb);
  BOOST_TEST(lab.call("GET", "/api/routes/compare?ids=" + ida, "", lab.member).status == 400);
  BOOST_TEST(lab.call("GET", "/api/routes/compare?ids=a,b", "", lab.member).status == 400);
}

// PUT /api/routes/{id} replaces a draft's steps in one transaction: every step is checked
// first, a refusal on step 2 leaves step 1 and everything else as it was; unchanged steps
// keep their revision; steps beyond the new list are retired; the history names the actor by
// their display name.
BOOST_AUTO_TEST_CASE(a_draft_route_is_saved_in_one_request) {
  Lab lab;
  std::string target = lab.registerCompound("O=C(Nc1ccccc1)c1ccccc1", lab.lead);
  auto created = lab.call("POST", "/api/routes", convergentRoute(target), lab.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string path = "/api/routes/" + std::to_string(created.json()->getValue<std::int64_t>("id"));

  // A bad step 2 (a yield above 100 %): 400 naming it, nothing written.
  std::string state = databaseState(lab.server);
  std::string badStep2 = kStep2;
  badStep2.replace(badStep2.find(R"("workup")"), 0, R"("isolated_yield": 140, )");
  auto refused = lab.call(
      "PUT", path,
      std::string(R"({"name": "renamed", "steps": [)") + kStep1 + "," + badStep2 + "," + kStep3 +
          "]}",
      lab.member);
  BOOST_TEST(refused.status == 400, refused.body);
  BOOST_TEST(refused.json()
                 ->getObject("error")
                 ->getObject("details")
                 ->getValue<std::string>("field")
                 .rfind("steps[1].", 0) == 0u,
             refused.body);
  BOOST_TEST(refused.json()->getObject("error")->getObject("details")->getValue<int>("step") == 2);
  BOOST_TEST(refused.errorMessage().find("/api/") == std::string::npos, refused.body);
  BOOST_TEST(databaseState(lab.server) == state);
  // A graph error (step 3 uses a product of a step that is no longer there): nothing written.
  auto broken = lab.call("PUT", path, std::string(R"({"steps": [)") + kStep1 + "," + kStep3 + "]}",
                         lab.member);
  BOOST_TEST(broken.status / 100 == 4, broken.body);
  BOOST_TEST(databaseState(lab.server) == state);
  BOOST_TEST(lab.call("PUT", path, R"({"name": "no steps key"})", lab.member).status == 400);
  BOOST_TEST(databaseState(lab.server) == state);

  // The same steps with step 2 changed and a new name: one new revision, one route update.
  std::string step2 = kStep2;
  step2.replace(step2.find(R"("workup")"), 0, R"("isolated_yield": 85, )");
  auto saved = lab.call("PUT", path,
                        std::string(R"({"name": "renamed", "steps": [)") + kStep1 + "," + step2 +
                            "," + kStep3 + "]}",
                        lab.member);
  BOOST_TEST_REQUIRE(saved.status == 200, saved.body);
  auto route = saved.json();
  BOOST_TEST(route->getValue<std::string>("name") == "renamed");
  auto steps = route->getArray("steps");
  BOOST_TEST_REQUIRE(steps->size() == 3u);
  BOOST_TEST(steps->getObject(0)->getValue<int>("revision") == 1);
  BOOST_TEST(steps->getObject(1)->getValue<int>("revision") == 2);
  BOOST_TEST(steps->getObject(2)->getValue<int>("revision") == 1);
  BOOST_TEST(auditCount(lab.server, "route_step", "update") == 1);
  BOOST_TEST(auditCount(lab.server, "route", "update") == 1);

  // Saving again without a change writes nothing.
  state = databaseState(lab.server);
  auto again = lab.call("PUT", path,
                        std::string(R"({"name": "renamed", "steps": [)") + kStep1 + "," + step2 +
                            "," + kStep3 + "]}",
                        lab.member);
  BOOST_TEST_REQUIRE(again.status == 200, again.body);
  BOOST_TEST(databaseState(lab.server) == state);

  // Fewer steps: the others are retired; a fourth step later reuses number 2 as a revision.
  auto shorter = lab.call("PUT", path, std::string(R"({"steps": [)") + kStep1 + "]}", lab.member);
  BOOST_TEST_REQUIRE(shorter.status == 200, shorter.body);
  BOOST_TEST(shorter.json()->getArray("steps")->size() == 1u);
  BOOST_TEST(auditCount(lab.server, "route_step", "retire") == 2);
  auto longer = lab.call("PUT", path,
                         std::string(R"({"steps": [)") + kStep1 + "," + kStep2 + "]}", lab.member);
  BOOST_TEST_REQUIRE(longer.status == 200, longer.body);
  auto second = longer.json()->getArray("steps")->getObject(1);
  BOOST_TEST(second->getValue<int>("number") == 2);
  BOOST_TEST(second->getValue<int>("revision") == 3);

  // History: the actor's display name for the team, nothing for others.
  auto me = lab.call("GET", "/api/session", "", lab.member);
  std::string userId = std::to_string(me.json()->getObject("user")->getValue<std::int64_t>("id"));
  BOOST_TEST_REQUIRE(
      lab.call("PATCH", "/api/users/" + userId, R"({"display_name": "Salma Idrissi"})", lab.member)
          .status == 200);
  auto history = lab.call("GET", path + "/history", "", lab.lead);
  BOOST_TEST_REQUIRE(history.status == 200, history.body);
  auto items = history.json()->getArray("items");
  auto last = items->getObject(items->size() - 1)->getObject("actor");
  BOOST_TEST(last->getValue<std::string>("name") == "Salma Idrissi");
  auto adminView = lab.call("GET", path + "/history", "", lab.admin);
  BOOST_TEST(adminView.json()->getArray("items")->getObject(0)->getObject("actor")->getValue<std::string>(
                 "name") == "Salma Idrissi");

  // Validated routes do not change: a stable reason, no endpoint in the message.
  auto validated = lab.call("PUT", path, std::string(R"({"steps": [)") + kStep1 + "," + kStep2 +
                                             "," + kStep3 + "]}", lab.member);
  BOOST_TEST_REQUIRE(validated.status == 200, validated.body);
  BOOST_TEST_REQUIRE(
      lab.call("PATCH", path, R"({"status": "validated"})", lab.lead).status == 200);
  auto frozen = lab.call("PUT", path, std::string(R"({"steps": [)") + kStep1 + "]}", lab.member);
  BOOST_TEST(frozen.status == 422, frozen.body);
  BOOST_TEST(frozen.json()->getObject("error")->getObject("details")->getValue<std::string>(
                 "reason") == "route_not_draft");
  BOOST_TEST(frozen.errorMessage().find("/api/") == std::string::npos, frozen.body);
  // Other start-ups and partners: as if it did not exist / not allowed.
  BOOST_TEST(lab.call("PUT", path, R"({"steps": []})", lab.other).status == 404);
  BOOST_TEST(lab.call("PUT", path, R"({"steps": []})", lab.partner).status == 403);
}

// Refusals carry stable reasons the pages translate.
BOOST_AUTO_TEST_CASE(route_refusals_carry_stable_reasons) {
  Lab lab;
  std::string target = lab.registerCompound("CCOC(C)=O", lab.lead);
  auto created = lab.call(
      "POST", "/api/routes",
      routeBody(target, "wrong product", R"({"reaction_smiles": "C=CC=C.C=C>>C1=CCCCC1"})"),
      lab.lead);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string path = "/api/routes/" + std::to_string(created.json()->getValue<std::int64_t>("id"));
  auto reason = [](const test::HttpResult& r) {
    return r.json()->getObject("error")->getObject("details")->getValue<std::string>("reason");
  };
  auto mismatch = lab.call("PATCH", path, R"({"status": "validated"})", lab.lead);
  BOOST_TEST_REQUIRE(mismatch.status == 422, mismatch.body);
  BOOST_TEST(reason(mismatch) == "target_mismatch");
  auto empty = lab.call("POST", "/api/routes", routeBody(target, "empty", ""), lab.lead);
  std::string emptyPath =
      "/api/routes/" + std::to_string(empty.json()->getValue<std::int64_t>("id"));
  auto incomplete = lab.call("PATCH", emptyPath, R"({"status": "validated"})", lab.lead);
  BOOST_TEST_REQUIRE(incomplete.status == 422, incomplete.body);
  BOOST_TEST(reason(incomplete) == "route_incomplete");
  auto publish = lab.call("PATCH", path, R"({"visibility": "public"})", lab.member);
  BOOST_TEST_REQUIRE(publish.status == 403, publish.body);
  BOOST_TEST(reason(publish) == "visibility_rule");
  auto parent = lab.call("PATCH", path, R"({"visibility": "cluster"})", lab.lead);
  BOOST_TEST_REQUIRE(parent.status == 422, parent.body);
  BOOST_TEST(reason(parent) == "parent_visibility");
  BOOST_TEST(lab.call("POST", path + "/retire", R"({"reason": "x"})", lab.lead).status == 200);
  auto again = lab.call("POST", path + "/retire", R"({"reason": "x"})", lab.lead);
  BOOST_TEST_REQUIRE(again.status == 422, again.body);
  BOOST_TEST(reason(again) == "retired");
  auto metrics = lab.call("GET", path + "/metrics", "", lab.lead);
  BOOST_TEST(metrics.json()->getValue<std::string>("basis").find("docs/") == std::string::npos);
}

// GET /api/solvents: the 53 CHEM21 solvents with English and French names and a density.
BOOST_AUTO_TEST_CASE(the_solvent_list_has_names_and_densities) {
  Lab lab;
  auto r = lab.call("GET", "/api/solvents");
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto items = r.json()->getArray("items");
  BOOST_TEST_REQUIRE(items->size() == 53u);
  BOOST_TEST(r.json()->getValue<std::string>("reference").find("10.1039/C5GC01008J") !=
             std::string::npos);
  bool sawEthanol = false;
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto s = items->getObject(static_cast<unsigned>(i));
    BOOST_TEST(!s->getValue<std::string>("name_fr").empty(), s->getValue<std::string>("name"));
    BOOST_TEST(!s->getValue<std::string>("smiles").empty());
    double density = s->getObject("density")->getValue<double>("value");
    BOOST_TEST((density > 0.5 && density < 1.7), s->getValue<std::string>("name"));
    if (s->getValue<std::string>("name") == "Ethanol") {
      sawEthanol = true;
      BOOST_TEST(s->getValue<std::string>("name_fr") == "Éthanol");
      BOOST_TEST(density == 0.789, boost::test_tools::tolerance(1e-9));
      BOOST_TEST(s->getValue<std::string>("ranking") == "Recommended");
    }
  }
  BOOST_TEST(sawEthanol);
  // A volume of a listed solvent with its density is a mass to the metrics: 50 mL ethanol.
  auto m = lab.call("POST", "/api/reactions/metrics",
                    R"({"reaction_smiles": "CC(=O)O.OC>>COC(C)=O.O", "components": [)"
                    R"({"smiles": "CCO", "role": "solvent", "amount": 50, "unit": "mL",)"
                    R"( "density": 0.789}]})",
                    lab.member);
  BOOST_TEST_REQUIRE(m.status == 200, m.body);
  auto components = m.json()->getArray("components");
  auto ethanol = components->getObject(components->size() - 1);
  BOOST_TEST(ethanol->getObject("solvent")->getValue<std::string>("name") == "Ethanol");
  BOOST_TEST(ethanol->getValue<double>("mass_g") == 39.45, boost::test_tools::tolerance(1e-9));
}

// GET /api/routes/{id}/steps/{n}/depiction.svg draws the scheme for whoever may see the
// route; a hidden route answers 404 like a missing one.
BOOST_AUTO_TEST_CASE(step_depictions_follow_route_visibility) {
  Lab lab;
  std::string target = lab.registerCompound("O=C(Nc1ccccc1)c1ccccc1", lab.lead);
  auto created = lab.call("POST", "/api/routes", convergentRoute(target), lab.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string path = "/api/routes/" + std::to_string(created.json()->getValue<std::int64_t>("id"));
  auto svg = lab.call("GET", path + "/steps/3/depiction.svg", "", lab.member);
  BOOST_TEST_REQUIRE(svg.status == 200, svg.body);
  BOOST_TEST(svg.body.find("<svg") != std::string::npos);
  BOOST_TEST(svg.body.find("</svg>") != std::string::npos);
  auto wide = lab.call("GET", path + "/steps/1/depiction.svg?width=900&height=250", "", lab.admin);
  BOOST_TEST_REQUIRE(wide.status == 200, wide.body);
  BOOST_TEST(wide.body.find("width='900px'") != std::string::npos);
  BOOST_TEST(lab.call("GET", path + "/steps/1/depiction.svg?width=9", "", lab.member).status ==
             400);
  BOOST_TEST(lab.call("GET", path + "/steps/9/depiction.svg", "", lab.member).status == 404);
  for (const auto& token : {lab.other, lab.partner, std::string()}) {
    BOOST_TEST(lab.call("GET", path + "/steps/1/depiction.svg", "", token).status == 404);
  }
  BOOST_TEST(lab.call("GET", "/api/routes/999/steps/1/depiction.svg", "", lab.member).status ==
             404);
}

BOOST_AUTO_TEST_SUITE_END()
