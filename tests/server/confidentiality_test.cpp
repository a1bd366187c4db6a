// Confidentiality across start-ups, end to end: a start-up's unpublished work changes nothing
// that anybody outside it sees — not single records (authorization_matrix_test.cpp), and not
// lists, searches, comparisons, exports, counts, overviews, forms of a public parent, import
// reports, and no overlap signal exists.
//
// The main case takes a snapshot of what an outsider (anonymous visitor, partner, a lead of
// another start-up) gets from every listing endpoint, lets start-up A register unpublished
// work (a new parent, a new batch and a new form of its public parent, products, routes, a
// route version, documents), and requires every answer to be the same byte for byte (volatile
// timings removed). The same answers for A's own member DO change: the probe can fail.
#include <Poco/JSON/Array.h>

#include <chrono>
#include <regex>
#include <thread>

#include "db/identifiers.h"
#include "test_server.h"

using namespace argan;
using test::structureBody;
using test::TestServer;

namespace {

// 2-bromo-4-tert-butylphenol: A's unpublished parent, unlike anything else in the fixture.
const char* kSecret = "CC(C)(C)c1ccc(O)c(Br)c1";

struct Cluster {
  TestServer server;
  std::int64_t a = server.createStartUp("Zitoun");
  std::int64_t b = server.createStartUp("Glycera");
  std::int64_t c = server.createStartUp("Nakhla");
  std::string memberA = server.userToken("member@zitoun.ma", db::Role::Member, a);
  std::string leadA = server.userToken("lead@zitoun.ma", db::Role::Lead, a);
  std::string leadB = server.userToken("lead@glycera.ma", db::Role::Lead, b);
  std::string leadC = server.userToken("lead@nakhla.ma", db::Role::Lead, c);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);

  test::HttpResult call(const std::string& method, const std::string& path,
                        const std::string& body, const std::string& token,
                        const std::string& contentType = "application/json") {
    return server.call(method, path, body, token, contentType);
  }
  // Registers `smiles` for the caller's start-up; returns the registration's JSON.
  Poco::JSON::Object::Ptr registerStructure(const std::string& smiles, const std::string& token) {
    auto r = call("POST", "/api/compounds", structureBody(smiles), token);
    BOOST_TEST_REQUIRE((r.status == 201 || r.status == 200), r.body);  // 200: a new batch
    return r.json();
  }
  std::string compound(const std::string& smiles, const std::string& token) {
    return registerStructure(smiles, token)->getObject("compound")->getValue<std::string>("id");
  }
  void ok(const test::HttpResult& r) { BOOST_TEST_REQUIRE((r.status >= 200 && r.status < 300), r.body); }
  void publishCompound(const std::string& code, const std::string& visibility,
                       const std::string& token) {
    ok(call("PATCH", "/api/compounds/" + code, R"({"visibility": ")" + visibility + "\"}", token));
  }
  std::string product(const std::string& name, std::int64_t startUp, const std::string& compound,
                      const std::string& token) {
    auto r = call("POST", "/api/products",
                  R"({"name": ")" + name + R"(", "start_up": )" + std::to_string(startUp) +
                      R"(, "compound_id": ")" + compound + "\"}",
                  token);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  }
  std::string route(const std::string& name, std::int64_t startUp, const std::string& target,
                    const std::string& reaction, const std::string& token) {
    auto r = call("POST", "/api/routes",
                  R"({"name": ")" + name + R"(", "start_up": )" + std::to_string(startUp) +
                      R"(, "target_compound": ")" + target + "\"}",
                  token);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    std::string id = std::to_string(r.json()->getValue<std::int64_t>("id"));
    ok(call("POST", "/api/routes/" + id + "/steps", R"({"reaction_smiles": ")" + reaction + "\"}",
            token));
    return id;
  }
};

// The answer without what legitimately differs between two identical requests.
std::string stable(const test::HttpResult& r) {
  static const std::regex volatileFields(
      R"re("(elapsed_ms|exported_at)"\s*:\s*("[^"]*"|[-+0-9.eE]+))re");
  return std::to_string(r.status) + " " + std::regex_replace(r.body, volatileFields, "\"$1\": 0");
}

struct Probe {
  std::string method, path, body;
};

std::map<std::string, std::string> snapshot(Cluster& cl, const std::vector<Probe>& probes,
                                            const std::string& token) {
  std::map<std::string, std::string> out;
  for (const auto& p : probes) {
    out[p.method + " " + p.path + " " + p.body] = stable(cl.call(p.method, p.path, p.body, token));
  }
  return out;
}

std::string searchBody(const std::string& type, const std::string& query,
                       const std::string& extra = "") {
  return R"({"type": ")" + type + R"(", "query": ")" + query + "\"" + extra + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(confidentiality)

BOOST_AUTO_TEST_CASE(unpublished_work_changes_nothing_outsiders_see) {
  Cluster cl;
  // What everyone may see: A's public succinic acid (with its batch), a public product of it,
  // a public route to it; B's own private and cluster-shared compounds.
  std::string publicParent = cl.compound("OC(=O)CCC(=O)O", cl.memberA);
  cl.publishCompound(publicParent, "public", cl.leadA);
  cl.ok(cl.call("PATCH", "/api/batches/" + publicParent + "-F1-B001", R"({"visibility": "public"})",
                cl.leadA));
  std::string publicProduct = cl.product("Bio-succinic acid", cl.a, publicParent, cl.memberA);
  cl.ok(cl.call("PATCH", "/api/products/" + publicProduct, R"({"visibility": "public"})", cl.leadA));
  std::string publicRoute = cl.route("Hydrogenation", cl.a, publicParent,
                                     "OC(=O)/C=C\\\\C(=O)O.[H][H]>[Pd]>OC(=O)CCC(=O)O", cl.memberA);
  cl.ok(cl.call("PATCH", "/api/routes/" + publicRoute, R"({"visibility": "public"})", cl.leadA));
  std::string ownB = cl.compound("c1ccncc1", cl.leadB);
  std::string sharedB = cl.compound("CCOC(C)=O", cl.leadB);
  cl.publishCompound(sharedB, "cluster", cl.leadB);

  const std::string A = std::to_string(cl.a);
  std::vector<Probe> probes = {
      {"GET", "/api/compounds", ""},
      {"GET", "/api/compounds?start_up=" + A, ""},
      {"GET", "/api/compounds?formula=C10H13BrO", ""},
      {"GET", "/api/compounds?include_retired=true&page_size=500", ""},
      {"GET", "/api/compounds/" + publicParent, ""},
      {"GET", "/api/compounds/" + publicParent + "/forms", ""},
      {"GET", "/api/compounds/" + publicParent + "/batches", ""},
      {"GET", "/api/compounds/" + publicParent + "/history", ""},
      {"GET", "/api/compounds/" + publicParent + "/products", ""},
      {"GET", "/api/compounds/" + publicParent + "/routes", ""},
      {"GET", "/api/compounds/" + publicParent + "/neighbours", ""},
      {"GET", "/api/compounds/" + ownB + "/neighbours", ""},
      {"GET", "/api/compounds/" + sharedB + "/neighbours", ""},
      {"POST", "/api/search", searchBody("exact", kSecret)},
      {"POST", "/api/search", searchBody("exact", "OC(=O)CCC(=O)O")},
      {"POST", "/api/search", searchBody("exact", "OC(=O)CCC(=O)O", R"(, "match": "tautomer")")},
      {"POST", "/api/search", searchBody("substructure", "Brc1ccccc1O")},
      {"POST", "/api/search", searchBody("substructure", "OC(=O)CC", R"(, "count_all": true)")},
      {"POST", "/api/search", searchBody("similarity", kSecret, R"(, "threshold": 0.05)")},
      {"POST", "/api/search", searchBody("similarity", kSecret, R"(, "k": 10)")},
      {"POST", "/api/search",
       searchBody("similarity", "OC(=O)CCC(=O)O", R"(, "k": 10, "filters": {"start_up": )" + A + "}")},
      {"GET", "/api/compare/start-ups", ""},
      {"GET", "/api/compare/start-ups?threshold=0.1", ""},
      {"GET", "/api/compare/start-ups?start_ups=" + A + "," + std::to_string(cl.b), ""},
      {"GET", "/api/export/compounds?format=sdf", ""},
      {"GET", "/api/export/compounds?format=csv&include_retired=true", ""},
      {"GET", "/api/export/compounds?format=json&start_up=" + A, ""},
      {"GET", "/api/overview/funnel", ""},
      {"GET", "/api/overview/start-ups/" + A, ""},
      {"GET", "/api/products", ""},
      {"GET", "/api/products?start_up=" + A + "&include_retired=true", ""},
      {"GET", "/api/products?q=secret", ""},
      {"GET", "/api/catalogue", ""},
      {"GET", "/api/products/" + publicProduct, ""},
      {"GET", "/api/products/" + publicProduct + "/documents", ""},
      {"GET", "/api/routes", ""},
      {"GET", "/api/routes?start_up=" + A + "&include_retired=true", ""},
      {"GET", "/api/routes?lineage=" + publicRoute + "&include_retired=true", ""},
      {"GET", "/api/routes/" + publicRoute, ""},
      {"GET", "/api/routes/" + publicRoute + "/history", ""},
      {"GET", "/api/inquiries", ""},
      {"GET", "/api/imports", ""},
      {"GET", "/api/start-ups", ""},
      {"GET", "/api/start-ups/" + A, ""},
  };
  for (const char* stage : {"lab_discovery", "proof_of_concept", "scale_up", "regulatory_safety",
                            "market_launch", "commercial_sales"}) {
    probes.push_back({"GET", std::string("/api/overview/stages/") + stage + "/compounds", ""});
  }
  const std::vector<std::pair<std::string, std::string>> outsiders = {
      {"anonymous visitor", ""}, {"partner", cl.partner}, {"lead of B", cl.leadB}};
  std::map<std::string, std::map<std::string, std::string>> before;
  for (const auto& [who, token] : outsiders) before[who] = snapshot(cl, probes, token);
  auto insiderBefore = snapshot(cl, probes, cl.memberA);

  // A's unpublished work, all at the default visibility ("start-up").
  std::string secret = cl.compound(kSecret, cl.memberA);
  auto batch = cl.registerStructure("OC(=O)CCC(=O)O", cl.memberA);  // a new batch of the parent
  BOOST_TEST(batch->getValue<std::string>("outcome") == "new_batch");
  auto salt = cl.registerStructure("OC(=O)CCC(=O)[O-].[Na+]", cl.memberA);  // a new form
  BOOST_TEST(salt->getValue<std::string>("outcome") == "new_form");
  BOOST_TEST(salt->getObject("compound")->getValue<std::string>("id") == publicParent);
  std::string secretProduct = cl.product("Secret flame retardant", cl.a, secret, cl.memberA);
  std::string parentProduct = cl.product("Secret succinate blend", cl.a, publicParent, cl.memberA);
  cl.ok(cl.call("POST", "/api/products/" + secretProduct + "/documents?filename=sds.txt",
                "secret safety data sheet", cl.memberA, "text/plain"));
  cl.ok(cl.call("PATCH", "/api/products/" + parentProduct + "/stages/lab_discovery",
                R"({"status": "done"})", cl.memberA));
  cl.ok(cl.call("POST", "/api/products/" + parentProduct + "/stages/proof_of_concept/decisions",
                R"({"decision": "hold", "rationale": "waiting for the supplier"})", cl.memberA));
  cl.route("Bromination", cl.a, secret, "CC(C)(C)c1ccc(O)cc1.BrBr>>CC(C)(C)c1ccc(O)c(Br)c1.Br",
           cl.memberA);
  cl.route("Fermentation", cl.a, publicParent, "OC(=O)/C=C\\\\C(=O)O.[H][H]>>OC(=O)CCC(=O)O",
           cl.memberA);
  cl.ok(cl.call("POST", "/api/routes/" + publicRoute + "/versions", "", cl.memberA));
  cl.server.search().compoundsChanged();

  for (const auto& [who, token] : outsiders) {
    auto after = snapshot(cl, probes, token);
    for (const auto& [request, answer] : after) {
      BOOST_TEST(answer == before[who][request],
                 "as " << who << ", " << request << " changed:\nbefore: "
                       << before[who][request].substr(0, 1500) << "\nafter:  "
                       << answer.substr(0, 1500));
      BOOST_TEST(answer.find(secret) == std::string::npos, who << ": " << request);
      BOOST_TEST(answer.find(secretProduct) == std::string::npos, who << ": " << request);
      BOOST_TEST(answer.find("Secret") == std::string::npos, who << ": " << request);
    }
  }
  // The probe can fail: A's own member sees the new work in the same answers.
  auto insiderAfter = snapshot(cl, probes, cl.memberA);
  for (const std::string& request : std::vector<std::string>{
           "GET /api/compounds ", "GET /api/compounds/" + publicParent + "/forms ",
        "GET /api/export/compounds?format=sdf ", "GET /api/overview/funnel ", "GET /api/routes ",
        "GET /api/products ", "POST /api/search " + searchBody("similarity", kSecret, R"(, "k": 10)"),
        "POST /api/search " + searchBody("substructure", "Brc1ccccc1O")}) {
    BOOST_TEST(insiderAfter.at(request) != insiderBefore.at(request), request);
  }
  const std::string& forms = insiderAfter.at("GET /api/compounds/" + publicParent + "/forms ");
  BOOST_TEST((forms.find("sodium") != std::string::npos || forms.find("Na") != std::string::npos),
             forms);
}

// A guessed identifier finds nothing, exactly like a missing one, in the identifier search.
BOOST_AUTO_TEST_CASE(identifier_search_for_a_hidden_parent_looks_missing) {
  Cluster cl;
  std::string secret = cl.compound(kSecret, cl.memberA);
  for (const std::string& token : {std::string(""), cl.partner, cl.leadB}) {
    auto hidden = cl.call("POST", "/api/search",
                          searchBody("exact", secret, R"(, "format": "identifier")"), token);
    auto missing = cl.call("POST", "/api/search",
                           searchBody("exact", "CMP-999999", R"(, "format": "identifier")"), token);
    BOOST_TEST(hidden.status == 200, hidden.body);
    BOOST_TEST(stable(hidden) == stable(missing));
  }
  auto own = cl.call("POST", "/api/search", searchBody("exact", secret, R"(, "format": "identifier")"),
                     cl.leadA);
  BOOST_TEST(own.json()->getValue<std::int64_t>("total") == 1);
}

// No overlap signal, not even about the caller's own compounds (docs/threat-model.md,
// "Overlap signals"): C's unshared copy of A's aspirin changes nothing that A (the owner) or
// B (who sees A's shared aspirin) get from /neighbours or the comparison; the administrators'
// report holds the overlap instead.
BOOST_AUTO_TEST_CASE(no_overlap_signal_not_even_about_the_callers_own_compounds) {
  Cluster cl;
  const char* aspirin = "CC(=O)Oc1ccccc1C(=O)O";
  std::string aspirinA = cl.compound(aspirin, cl.memberA);
  cl.publishCompound(aspirinA, "cluster", cl.leadA);
  cl.server.search().compoundsChanged();
  const std::vector<Probe> probes = {{"GET", "/api/compounds/" + aspirinA + "/neighbours", ""},
                                     {"GET", "/api/compare/start-ups", ""},
                                     {"GET", "/api/compare/start-ups?threshold=0.3", ""}};
  auto beforeA = snapshot(cl, probes, cl.memberA);
  auto beforeB = snapshot(cl, probes, cl.leadB);
  std::string aspirinC = cl.compound(aspirin, cl.leadC);  // the same parent, unshared
  cl.server.search().compoundsChanged();
  auto afterA = snapshot(cl, probes, cl.memberA);
  auto afterB = snapshot(cl, probes, cl.leadB);
  for (const auto& p : probes) {
    const std::string key = p.method + " " + p.path + " " + p.body;
    BOOST_TEST(afterA[key].rfind("200 ", 0) == 0, afterA[key]);
    BOOST_TEST(afterA[key] == beforeA[key], key);
    BOOST_TEST(afterB[key] == beforeB[key], key);
    for (const auto* answer : {&afterA[key], &afterB[key]}) {
      BOOST_TEST(answer->find("signal") == std::string::npos, *answer);
      BOOST_TEST(answer->find(aspirinC) == std::string::npos, *answer);
      BOOST_TEST(answer->find("overlap_notice") != std::string::npos, *answer);
    }
  }
  // No column for C in B's comparison (C's only compound is hidden from B).
  auto compare = cl.call("GET", "/api/compare/start-ups", "", cl.leadB);
  auto columns = compare.json()->getArray("start_ups");
  for (std::size_t i = 0; i < columns->size(); ++i) {
    BOOST_TEST(columns->getObject(i)->getValue<std::int64_t>("id") != cl.c);
  }
  // The administrators see the overlap, to broker contact.
  auto overlaps = cl.call("GET", "/api/overlaps", "", cl.admin);
  BOOST_TEST_REQUIRE(overlaps.status == 200, overlaps.body);
  BOOST_TEST(overlaps.body.find(aspirinA) != std::string::npos, overlaps.body);
  BOOST_TEST(overlaps.body.find(aspirinC) != std::string::npos, overlaps.body);
}

// Catalogue viewers see a public product's stage in the funnel, never its gate decisions.
BOOST_AUTO_TEST_CASE(the_funnel_shows_gate_decisions_only_where_the_pipeline_is_visible) {
  Cluster cl;
  std::string parent = cl.compound("OC(=O)CCC(=O)O", cl.memberA);
  cl.publishCompound(parent, "public", cl.leadA);
  std::string product = cl.product("Bio-succinic acid", cl.a, parent, cl.memberA);
  cl.ok(cl.call("PATCH", "/api/products/" + product, R"({"visibility": "public"})", cl.leadA));
  cl.ok(cl.call("POST", "/api/products/" + product + "/stages/lab_discovery/decisions",
                R"({"decision": "hold", "rationale": "waiting for the supplier"})", cl.memberA));
  auto onHold = [&](const std::string& token) {
    auto r = cl.call("GET", "/api/overview/funnel", "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    std::int64_t held = 0, products = 0;
    auto stages = r.json()->getArray("stages");
    for (std::size_t i = 0; i < stages->size(); ++i) {
      held += stages->getObject(i)->getValue<std::int64_t>("on_hold");
      products += stages->getObject(i)->getValue<std::int64_t>("products");
    }
    BOOST_TEST(products == 1);
    return held;
  };
  BOOST_TEST(onHold("") == 0);
  BOOST_TEST(onHold(cl.partner) == 0);
  BOOST_TEST(onHold(cl.leadB) == 1);  // a public product's pipeline stays within the cluster
  BOOST_TEST(onHold(cl.memberA) == 1);
}

// An import run by an administrator (or the command line) reports relations as a member of
// the importing start-up would see them: never another start-up's unshared parent.
BOOST_AUTO_TEST_CASE(an_import_report_never_names_another_start_ups_hidden_parent) {
  Cluster cl;
  std::string hidden = cl.compound("c1ccncc1", cl.leadB);
  std::string shared = cl.compound("CCOC(C)=O", cl.leadB);
  cl.publishCompound(shared, "cluster", cl.leadB);
  auto submitted = cl.call("POST", "/api/imports?start_up=" + std::to_string(cl.a),
                           "c1ccncc1 pyridine\nCCOC(C)=O ethyl acetate\n", cl.admin, "text/plain");
  BOOST_TEST_REQUIRE(submitted.status == 202, submitted.body);
  const std::string id = std::to_string(submitted.json()->getValue<std::int64_t>("id"));
  std::string status;
  for (int attempt = 0; attempt < 2400 && status != "finished" && status != "failed"; ++attempt) {
    if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto r = cl.call("GET", "/api/imports/" + id, "", cl.leadA);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    status = r.json()->getValue<std::string>("status");
  }
  BOOST_TEST_REQUIRE(status == "finished");
  for (const char* report : {"/report.json", "/report.csv"}) {
    auto r = cl.call("GET", "/api/imports/" + id + report, "", cl.leadA);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(r.body.find(hidden) == std::string::npos, report << ": " << r.body);
    BOOST_TEST(r.body.find(shared) != std::string::npos, report << ": " << r.body);
  }
}

BOOST_AUTO_TEST_SUITE_END()
