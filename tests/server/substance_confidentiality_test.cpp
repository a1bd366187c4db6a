// Confidentiality of substances, end to end: start-up A's unpublished substance — its
// constituents (one drawn and registered on the way), a batch with its certificate and a
// document, a product and a synthesis step made of it, a revision of its specification —
// changes nothing that an outsider (anonymous visitor, partner, a lead of another start-up)
// gets from any listing, search, export or comparison: every answer stays the same byte for
// byte (volatile timings removed). The same probes for A's own member DO change, so the probe
// can fail.
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <regex>

#include "db/substance_store.h"
#include "test_server.h"

using namespace argan;
using test::structureBody;
using test::TestServer;

namespace {

// 3-bromo-4-hydroxyphenethyl alcohol: A's secret constituent, unlike anything else here.
const char* kSecret = "OCCc1ccc(O)c(Br)c1";

struct Cluster {
  // A clock only the test moves (it does not): the code A's private substance will get is
  // known before it exists (records are numbered by creation time, db/identifiers.h).
  ManualClock clock{1795000000LL * 1000000};
  TestServer server{server::AppConfig{}, &clock};
  std::int64_t a = server.createStartUp("Zitoun");
  std::int64_t b = server.createStartUp("Zaatar");
  std::string memberA = server.userToken("member@zitoun.ma", db::Role::Member, a);
  std::string leadA = server.userToken("lead@zitoun.ma", db::Role::Lead, a);
  std::string leadB = server.userToken("lead@zaatar.ma", db::Role::Lead, b);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  test::HttpResult call(const std::string& method, const std::string& path,
                        const std::string& body, const std::string& token,
                        const std::string& type = "application/json") {
    return server.call(method, path, body, token, type);
  }
  void ok(const test::HttpResult& r) {
    BOOST_TEST_REQUIRE((r.status >= 200 && r.status < 300), r.body);
  }
  std::string compound(const std::string& smiles, const std::string& token, std::int64_t owner) {
    auto r = call("POST", "/api/compounds",
                  structureBody(smiles, "\"start_up\": " + std::to_string(owner)), token);
    ok(r);
    return r.json()->getObject("compound")->getValue<std::string>("id");
  }
  std::string substance(const std::string& body, const std::string& token) {
    auto r = call("POST", "/api/substances", body, token);
    ok(r);
    return r.json()->getValue<std::string>("id");
  }
};

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

std::string search(const std::string& type, const std::string& query,
                   const std::string& filters = "{}") {
  return R"({"scope": "substances", "type": ")" + type + R"(", "query": ")" + query +
         R"(", "filters": )" + filters + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(substance_confidentiality)

BOOST_AUTO_TEST_CASE(a_private_substance_changes_nothing_outsiders_see) {
  Cluster cl;
  // What outsiders may see: A's public hydroxytyrosol and a public extract made of it; B's
  // own private extract of hydroxytyrosol (the same composition as A's public one).
  std::string ht = cl.compound("OCCc1ccc(O)c(O)c1", cl.memberA, cl.a);
  cl.ok(cl.call("PATCH", "/api/compounds/" + ht, R"({"visibility": "public"})", cl.leadA));
  std::string publicExtract = cl.substance(
      R"({"name": "Public OMW extract", "kind": "uvcb", "start_up": )" + std::to_string(cl.a) +
          R"(, "source": {"waste_stream": "olive-mill wastewater"}, "constituents": [
        {"compound_id": ")" + ht + R"(", "typical": 20, "min": 15, "max": 25}, {"name": "rest", "typical": 80}],
        "properties": [{"key": "total_polyphenols_gae", "typical": 300}]})",
      cl.memberA);
  cl.ok(cl.call("PATCH", "/api/substances/" + publicExtract, R"({"visibility": "public"})", cl.leadA));
  std::string htB = cl.compound("OCCc1ccc(O)c(O)c1", cl.leadB, cl.b);
  std::string zaatarExtract = cl.substance(R"({"name": "Zaatar phenolics", "kind": "uvcb", "start_up": )" + std::to_string(cl.b) +
                   R"(, "source": {"process": "resin adsorption"}, "constituents": [
        {"compound_id": ")" + htB + R"(", "typical": 30}, {"name": "rest", "typical": 70}]})",
               cl.leadB);

  const std::string A = std::to_string(cl.a);
  // The id A's private substance will get: the clock stands still, so one past the last one.
  const std::string next = db::substanceCode(
      std::max(std::stoll(publicExtract.substr(4)), std::stoll(zaatarExtract.substr(4))) + 1);
  std::vector<Probe> probes = {
      {"GET", "/api/substances", ""},
      {"GET", "/api/substances?start_up=" + A, ""},
      {"GET", "/api/substances?include_retired=true&page_size=500", ""},
      {"GET", "/api/substances?q=secret", ""},
      {"GET", "/api/substances?kind=uvcb", ""},
      {"GET", "/api/substances?compound=" + ht, ""},
      {"GET", "/api/substances?property=total_polyphenols_gae&property_min=0", ""},
      {"GET", "/api/substances?source=olive", ""},
      {"GET", "/api/substances/" + publicExtract, ""},
      {"GET", "/api/substances/" + publicExtract + "/batches", ""},
      {"GET", "/api/substances/" + publicExtract + "/history", ""},
      {"GET", "/api/substances/" + publicExtract + "/products", ""},
      {"GET", "/api/substances/" + next, ""},
      {"GET", "/api/substances/" + next + "/batches", ""},
      {"GET", "/api/substances/" + next + "/history", ""},
      {"GET", "/api/substances/" + next + "/products", ""},
      {"GET", "/api/substance-batches/" + next + "-B001", ""},
      {"GET", "/api/substance-batches/" + next + "-B001/documents", ""},
      {"GET", "/api/products?substance=" + next, ""},
      {"GET", "/api/products", ""},
      {"GET", "/api/compounds", ""},
      {"GET", "/api/compounds/" + ht, ""},
      {"GET", "/api/export/substances?format=csv", ""},
      {"GET", "/api/export/substances?format=json", ""},
      {"GET", "/api/export/compounds?format=csv", ""},
      {"GET", "/api/compare/start-ups", ""},
      {"POST", "/api/search", search("exact", "OCCc1ccc(O)c(O)c1")},
      {"POST", "/api/search", search("exact", "OCCc1ccc(O)c(O)c1", R"({"constituent_min": 10})")},
      {"POST", "/api/search", search("exact", kSecret)},
      {"POST", "/api/search", search("substructure", "c1ccc(O)cc1")},
      {"POST", "/api/search", search("substructure", "Brc1ccccc1")},
      {"POST", "/api/search", search("similarity", kSecret)},
      {"POST", "/api/search",
       R"({"scope": "substances", "type": "similarity", "k": 1, "query": "OCCc1ccc(O)c(O)c1"})"},
      {"POST", "/api/search", search("substructure", "c1ccc(O)cc1", R"({"kind": "uvcb", "source": "olive"})")},
      {"POST", "/api/search", R"({"type": "substructure", "query": "Brc1ccccc1"})"},
      {"POST", "/api/search", R"({"type": "exact", "query": ")" + std::string(kSecret) + "\"}"},
  };

  const std::vector<std::pair<std::string, std::string>> outsiders = {
      {"anonymous", ""}, {"partner", cl.partner}, {"lead of B", cl.leadB}};
  std::map<std::string, std::map<std::string, std::string>> before;
  for (const auto& [who, token] : outsiders) before[who] = snapshot(cl, probes, token);
  auto ownBefore = snapshot(cl, probes, cl.memberA);

  // A's unpublished work with substances.
  auto secret = cl.call("POST", "/api/substances",
                        R"({"name": "Secret brominated extract", "kind": "uvcb", "start_up": )" + A +
                            R"(, "source": {"waste_stream": "olive-mill wastewater", "process": "secret"},
      "constituents": [{"compound_id": ")" + ht + R"(", "typical": 30, "min": 25, "max": 35},
        {"structure": ")" + std::string(kSecret) + R"(", "name": "secret phenol", "typical": 10},
        {"name": "rest", "typical": 60}],
      "properties": [{"key": "total_polyphenols_gae", "typical": 420}],
      "batch": {"amount": 3, "unit": "kg", "results": [{"property": "total_polyphenols_gae", "value": 500}]}})",
                        cl.memberA);
  cl.ok(secret);
  BOOST_TEST_REQUIRE(secret.json()->getValue<std::string>("id") == next);
  cl.ok(cl.server.call("POST", "/api/substance-batches/" + next + "-B001/documents?filename=coa.pdf",
                       "%PDF secret certificate", cl.memberA, "application/pdf"));
  cl.ok(cl.call("POST", "/api/products",
                R"({"name": "Secret serum", "start_up": )" + A + R"(, "formulation": [{"substance_id": ")" +
                    next + R"(", "percentage": 5}, {"name": "water", "percentage": 95}]})",
                cl.memberA));
  cl.ok(cl.call("POST", "/api/substances/" + next + "/batches", R"({"amount": 1, "unit": "kg"})",
                cl.memberA));
  std::string revised = R"({"name": "Secret brominated extract", "kind": "uvcb",
      "source": {"waste_stream": "olive-mill wastewater", "process": "secret, revised"},
      "constituents": [{"compound_id": ")" + ht + R"(", "typical": 31, "min": 25, "max": 35},
        {"structure": ")" + std::string(kSecret) + R"(", "typical": 9}, {"name": "rest", "typical": 60}]})";
  cl.ok(cl.call("PUT", "/api/substances/" + next, revised, cl.memberA));

  for (const auto& [who, token] : outsiders) {
    auto after = snapshot(cl, probes, token);
    for (const auto& [probe, answer] : before[who]) {
      BOOST_TEST(after[probe] == answer, who << ": " << probe << " changed:\nbefore " <<
                 answer.substr(0, 300) << "\nafter  " << after[probe].substr(0, 300));
    }
  }
  // The probes see the change where it is legitimately visible: A's own member.
  auto ownAfter = snapshot(cl, probes, cl.memberA);
  int changed = 0;
  for (const auto& [probe, answer] : ownBefore) changed += ownAfter[probe] != answer;
  BOOST_TEST(changed >= 15, changed << " of " << probes.size() << " probes changed for A's member");
}

BOOST_AUTO_TEST_SUITE_END()
