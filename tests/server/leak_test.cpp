// The leak test (docs/threat-model.md, "What each may learn"): what outsiders see must not
// change when a start-up adds unpublished work.
//
// Two worlds are built the same way, request for request, on a clock that only the test
// moves: the cluster's shared and public records, then — in the second world only — start-up
// S's unpublished work, then more shared and public records. Every request of kRequests is
// then sent by every outsider (anonymous, a partner, a member of another start-up T) to both
// worlds, and the answers (status and body) must be byte-identical once the volatile fields
// are removed (elapsed times; audit hashes, which chain over every entry and are keyed, so
// they differ without telling anything). A difference names the request, the caller and the
// first differing bytes.
//
// Covered: compounds, forms and batches, routes, products with their customers, pipeline and
// documents, waste sources, lots and transformations (#16), needs, responses and projects
// (#17), substances with their batches and documents (#15). Adding a kind of record:
//   1. In kPrivateWork, add an entry: a name and a function that makes S's unpublished
//      records of that kind in the world it is given (through the HTTP API, as S's lead or
//      member: `w.call(...)`), advancing the clock (`w.tick()`) before each, and stores the
//      codes outsiders might try in `w.refs` ("privateSubstance" -> "SUB-...").
//   2. If outsiders should see published records of the kind, make them in World::shared()
//      (before or after the private block) and store their codes in `w.refs` too.
//   3. In kRequests, add the requests outsiders can make about the kind: lists, filters by
//      start_up ({S}), searches, the public record and its history, and the private codes
//      ({privateSubstance}: must answer exactly like a code that does not exist). Placeholders
//      {name} are replaced from `refs` (private codes come from the world that has them).
#include <algorithm>
#include <functional>
#include <map>
#include <regex>

#include "test_server.h"

using namespace argan;
using test::HttpResult;
using test::TestServer;

namespace {

// The cluster, built identically in both worlds except for S's unpublished work.
struct World {
  ManualClock clock{1795000000LL * 1000000};
  TestServer server{server::AppConfig{}, &clock};
  std::int64_t s = 0, t = 0;
  // partner2 posts needs: the outsider partner is not party to them.
  std::string leadS, memberS, leadT, memberT, partner, partner2;
  std::map<std::string, std::string> refs;

  // Each record is made a second after the previous one: record numbers derive from the
  // creation time (db/identifiers.h), and are the same in both worlds when times are.
  void tick() { clock.advanceSeconds(1); }

  HttpResult call(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token, const std::string& type = "application/json") {
    tick();
    auto r = server.call(method, path, body, token, type);
    BOOST_TEST_REQUIRE(r.status / 100 == 2, method << " " << path << ": " << r.body);
    return r;
  }
  std::string compound(const std::string& smiles, const std::string& token) {
    return call("POST", "/api/compounds", test::structureBody(smiles), token)
        .json()->getObject("compound")->getValue<std::string>("id");
  }
  std::string batchOf(const std::string& smiles, const std::string& token) {
    return call("POST", "/api/compounds", test::structureBody(smiles), token)
        .json()->getObject("batch")->getValue<std::string>("id");
  }
  void publish(const std::string& path, const std::string& visibility = "public") {
    call("PATCH", path, R"({"visibility": ")" + visibility + R"("})", leadS);
  }
  std::string route(const std::string& target, const std::string& reaction,
                    const std::string& token) {
    auto r = call("POST", "/api/routes",
                  R"({"target_compound": ")" + target + R"(", "name": "Route to )" + target +
                      R"(", "steps": [{"reaction_smiles": ")" + reaction + R"("}]})",
                  token);
    return std::to_string(r.json()->getValue<std::int64_t>("id"));
  }
  std::string product(const std::string& name, const std::string& compound,
                      std::int64_t startUp, const std::string& token) {
    return call("POST", "/api/products",
                R"({"name": ")" + name + R"(", "start_up": )" + std::to_string(startUp) +
                    R"(, "compound_id": ")" + compound + R"("})",
                token)
        .json()->getValue<std::string>("id");
  }
  std::string document(const std::string& product, const std::string& name,
                       const std::string& bytes) {
    return call("POST", "/api/products/" + product + "/documents?filename=" + name, bytes,
                memberS, "application/pdf")
        .json()->getValue<std::string>("id");
  }

  std::string source(const std::string& name) {
    return call("POST", "/api/sources",
                R"({"name": ")" + name + R"(", "kind": "restaurant", "region": "casablanca_settat",
                    "start_up": )" + std::to_string(s) + "}",
                memberS)
        .json()->getValue<std::string>("id");
  }
  std::string lot(const std::string& from, double kg) {
    return call("POST", "/api/lots",
                R"({"stream": "used_cooking_oil", "source": ")" + from + R"(", "start_up": )" +
                    std::to_string(s) + R"(, "collected_on": "2026-03-02",
                    "net_mass": {"amount": )" + std::to_string(kg) + R"(, "unit": "kg"}})",
                memberS)
        .json()->getValue<std::string>("id");
  }
  // A substance of `startUp` (an extract of `constituent`, the rest water), with one batch.
  std::string substance(const std::string& name, const std::string& constituent,
                        std::int64_t startUp, const std::string& token) {
    return call("POST", "/api/substances",
                R"({"name": ")" + name + R"(", "kind": "uvcb", "start_up": )" +
                    std::to_string(startUp) + R"(, "source": {"process": "distillation"},
                    "constituents": [{"compound_id": ")" + constituent +
                    R"(", "typical": 90, "min": 85, "max": 95}, {"name": "water", "typical": 10}],
                    "batch": {"amount": 3, "unit": "kg"}})",
                token)
        .json()->getValue<std::string>("id");
  }
  std::string need(const std::string& title, const std::string& visibility,
                   const std::string& extra = "") {
    return call("POST", "/api/needs",
                R"({"title": ")" + title + R"(", "statement": "Bio-based, at scale.",
                    "function": "solvent", "visibility": ")" + visibility + R"(")" + extra + "}",
                partner2)
        .json()->getValue<std::string>("id");
  }

  explicit World(const std::function<void(World&)>& privateWork) {
    s = server.createStartUp("Zitoun");
    t = server.createStartUp("Glycera");
    leadS = server.userToken("lead@zitoun.ma", db::Role::Lead, s);
    memberS = server.userToken("member@zitoun.ma", db::Role::Member, s);
    leadT = server.userToken("lead@glycera.ma", db::Role::Lead, t);
    memberT = server.userToken("member@glycera.ma", db::Role::Member, t);
    partner = server.userToken("buyer@industry.ma", db::Role::Partner);
    partner2 = server.userToken("buyer@cosmetics.ma", db::Role::Partner);
    refs["S"] = std::to_string(s);
    refs["T"] = std::to_string(t);
    sharedBefore();
    // The private block: one hour in both worlds, whatever happens in it.
    const std::int64_t resume = clock.nowMicros() + 3600LL * 1000000;
    if (privateWork) privateWork(*this);
    BOOST_TEST_REQUIRE(clock.nowMicros() < resume);
    clock.advanceSeconds((resume - clock.nowMicros()) / 1000000);
    sharedAfter();
  }

  // Published and shared work made before S's private block.
  void sharedBefore() {
    refs["ethanol"] = compound("CCO", leadS);
    publish("/api/compounds/" + refs["ethanol"]);
    refs["ethanolBatch"] = refs["ethanol"] + "-F1-B001";
    publish("/api/batches/" + refs["ethanolBatch"]);
    refs["route"] = route(refs["ethanol"], "CC=O.[H][H]>[Ni]>CCO", leadS);
    publish("/api/routes/" + refs["route"]);
    refs["product"] = product("Bio-ethanol", refs["ethanol"], s, leadS);
    publish("/api/products/" + refs["product"]);
    refs["document"] = document(refs["product"], "datasheet.pdf", "%PDF public datasheet");
    publish("/api/documents/" + refs["document"]);
    refs["glycerol"] = compound("OCC(O)CO", leadT);
    call("PATCH", "/api/compounds/" + refs["glycerol"], R"({"visibility": "cluster"})", leadT);
    // Waste: a collection lot shared with the cluster, from a source (sources are never
    // published: its kind and region only).
    refs["source"] = source("Restaurant Al Mounia");
    refs["lot"] = lot(refs["source"], 420);
    publish("/api/lots/" + refs["lot"], "cluster");
    // Needs: a public need of another partner.
    refs["need"] = need("Green solvent for coatings", "public");
    // Substances: S's public one (and its batch), and one T shares with the cluster.
    refs["substance"] = substance("Ethanol 90", refs["ethanol"], s, memberS);
    publish("/api/substances/" + refs["substance"]);
    publish("/api/substance-batches/" + refs["substance"] + "-B001");
    refs["glycerolSubstance"] = substance("Crude glycerol", refs["glycerol"], t, leadT);
    call("PATCH", "/api/substances/" + refs["glycerolSubstance"], R"({"visibility": "cluster"})",
         leadT);
  }

  // Published and shared work made after it: its numbers must not count the private work.
  void sharedAfter() {
    refs["acid"] = compound("CC(=O)O", leadS);
    publish("/api/compounds/" + refs["acid"]);
    refs["product2"] = product("Bio-vinegar", refs["acid"], s, leadS);
    publish("/api/products/" + refs["product2"]);
    refs["carbonate"] = compound("O=C1OCC(CO)O1", leadT);
    call("PATCH", "/api/compounds/" + refs["carbonate"], R"({"visibility": "public"})", leadT);
    refs["lot2"] = lot(refs["source"], 300);
    publish("/api/lots/" + refs["lot2"], "public");
    refs["need2"] = need("Plasticiser without phthalates", "public");
    refs["substance2"] = substance("Vinegar 90", refs["acid"], s, memberS);
    publish("/api/substances/" + refs["substance2"]);
  }
};

// S's unpublished work, one entry per kind of record (see the top of the file).
const std::vector<std::pair<std::string, std::function<void(World&)>>> kPrivateWork = {
    {"compounds and batches",
     [](World& w) {
       w.refs["privateCompound"] = w.compound("OCCc1ccc(O)cc1", w.memberS);  // tyrosol
       w.refs["privateBatch"] = w.batchOf("CCO", w.memberS);  // a new batch of public ethanol
       w.batchOf("CC[O-].[Na+]", w.memberS);  // a new form (sodium salt) of public ethanol
     }},
    {"routes",
     [](World& w) {
       std::string target = w.compound("Oc1ccc(CC=O)cc1", w.memberS);
       w.refs["privateRoute"] =
           w.route(target, "Oc1ccc(CCO)cc1>[Cu]>Oc1ccc(CC=O)cc1.[H][H]", w.memberS);
       w.call("POST", "/api/routes/" + w.refs["route"] + "/versions", "", w.memberS);
     }},
    {"products, customers and documents",
     [](World& w) {
       std::string target = w.compound("CC(O)C(=O)OCC", w.memberS);  // ethyl lactate
       w.refs["privateProduct"] = w.product("Green solvent", target, w.s, w.memberS);
       w.refs["privateDocument"] =
           w.document(w.refs["privateProduct"], "dossier.pdf", "%PDF internal dossier");
       // On the public product: a private file and a customer.
       w.refs["privateDocumentOfPublicProduct"] =
           w.document(w.refs["product"], "costs.pdf", "%PDF production costs");
       w.call("POST", "/api/products/" + w.refs["product"] + "/customers",
              R"({"name": "Huilerie Atlas", "relation": "customer"})", w.memberS);
       // Pipeline work on the public product: shared with the cluster by design (its stages
       // are cluster-visible), hidden from anonymous visitors and partners.
       w.call("PATCH", "/api/products/" + w.refs["product"] + "/stages/scale_up",
              R"({"status": "in_progress"})", w.memberS);
     }},
    {"waste sources, lots and transformations",
     [](World& w) {
       w.refs["privateSource"] = w.source("Hotel Atlas");
       w.refs["privateLot"] = w.lot(w.refs["privateSource"], 800);
       // A lot of the private source, and one taken from the shared lot, refined.
       auto refined = w.call("POST", "/api/transformations",
                             R"({"start_up": )" + w.refs["S"] +
                                 R"(, "kind": "filtration", "performed_on": "2026-03-05",
                                 "inputs": [{"lot": ")" + w.refs["privateLot"] +
                                 R"(", "amount": 500, "unit": "kg"}, {"lot": ")" + w.refs["lot"] +
                                 R"(", "amount": 100, "unit": "kg"}],
                                 "outputs": [{"amount": 580, "unit": "kg"}]})",
                             w.memberS)
                          .json();
       w.refs["privateTransformation"] = refined->getValue<std::string>("id");
       w.refs["privateRefinedLot"] =
           refined->getArray("outputs")->getObject(0)->getValue<std::string>("lot");
     }},
    {"needs, responses and projects",
     [](World& w) {
       // A need its partner shows to S only, and S's answer to it.
       w.refs["privateNeed"] =
           w.need("Emollient from argan press cake", "named", R"(, "start_ups": [)" + w.refs["S"] + "]");
       w.refs["privateResponse"] =
           w.call("POST", "/api/needs/" + w.refs["privateNeed"] + "/responses",
                  R"({"summary": "Our esters."})", w.memberS)
               .json()->getValue<std::string>("id");
       // On the public need: S's answer (its partner's and S's business only) and a project
       // S keeps to itself.
       w.refs["responseToPublicNeed"] =
           w.call("POST", "/api/needs/" + w.refs["need"] + "/responses",
                  R"({"summary": "Ethyl lactate, 20 t a year."})", w.memberS)
               .json()->getValue<std::string>("id");
       w.refs["privateProject"] =
           w.call("POST", "/api/needs/" + w.refs["need"] + "/projects",
                  R"({"title": "Lactate esters", "disclosure": "hidden"})", w.memberS)
               .json()->getValue<std::string>("id");
     }},
    {"substances and their batches",
     [](World& w) {
       // The same composition as T's shared substance (an overlap T must not learn of), with
       // its batch, a certificate on that batch, and a private batch of the public substance.
       w.refs["privateSubstance"] =
           w.substance("Refined glycerol", w.refs["glycerol"], w.s, w.memberS);
       w.refs["privateSubstanceBatch"] = w.refs["privateSubstance"] + "-B001";
       w.refs["privateSubstanceDocument"] =
           w.call("POST",
                  "/api/substance-batches/" + w.refs["privateSubstanceBatch"] +
                      "/documents?filename=coa.pdf&kind=certificate",
                  "%PDF glycerol certificate", w.memberS, "application/pdf")
               .json()->getValue<std::string>("id");
       w.call("POST", "/api/substances/" + w.refs["substance"] + "/batches",
              R"({"amount": 1, "unit": "kg"})", w.memberS);
       w.refs["privateBatchOfPublicSubstance"] = w.refs["substance"] + "-B002";
     }},
};

struct Request {
  std::string method;
  std::string path;
  std::string body = "";
  // The answer shows the public product's pipeline, which other start-ups' members may see
  // (README, "pipeline visibility"): compared for anonymous callers and partners only.
  bool showsSharedPipeline = false;
};
constexpr bool kPipeline = true;

// What outsiders may ask, about every kind (see the top of the file).
const std::vector<Request> kRequests = {
    // The registry.
    {"GET", "/api/compounds"},
    {"GET", "/api/compounds?start_up={S}"},
    {"GET", "/api/compounds?start_up={S}&page_size=1&page=1"},
    {"GET", "/api/compounds?formula=C8H10O2"},
    {"GET", "/api/compounds/{ethanol}"},
    {"GET", "/api/compounds/{ethanol}/forms"},
    {"GET", "/api/compounds/{ethanol}/batches"},
    {"GET", "/api/compounds/{ethanol}/history"},
    {"GET", "/api/compounds/{ethanol}/neighbours?k=20"},
    {"GET", "/api/compounds/{ethanol}/routes"},
    {"GET", "/api/compounds/{ethanol}/products"},
    {"GET", "/api/compounds/{acid}"},
    {"GET", "/api/compounds/{acid}/neighbours?k=20"},
    {"GET", "/api/compounds/{acid}/history"},
    {"GET", "/api/batches/{ethanolBatch}"},
    {"GET", "/api/batches/{ethanolBatch}/history"},
    {"GET", "/api/batches/{ethanolBatch}/documents"},
    {"GET", "/api/compounds/{privateCompound}"},
    {"GET", "/api/compounds/{privateCompound}/history"},
    {"GET", "/api/compounds/{privateCompound}/neighbours"},
    {"GET", "/api/batches/{privateBatch}"},
    {"POST", "/api/search", R"({"type": "exact", "query": "OCCc1ccc(O)cc1"})"},
    {"POST", "/api/search", R"({"type": "substructure", "query": "c1ccccc1O"})"},
    {"POST", "/api/search", R"({"type": "similarity", "query": "OCCc1ccc(O)cc1", "threshold": 0.1})"},
    {"POST", "/api/search", R"({"type": "exact", "query": "CCO", "count_all": true})"},
    {"GET", "/api/compare/start-ups"},
    {"GET", "/api/compare/start-ups?start_ups={S},{T}"},
    {"GET", "/api/compare/start-ups?start_ups={S}&threshold=0.1"},
    {"GET", "/api/export/compounds?format=json"},
    {"GET", "/api/export/compounds?format=sdf&start_up={S}"},
    // Synthesis routes.
    {"GET", "/api/routes"},
    {"GET", "/api/routes?start_up={S}"},
    {"GET", "/api/routes?target={ethanol}"},
    {"GET", "/api/routes/{route}"},
    {"GET", "/api/routes/{route}/history"},
    {"GET", "/api/routes/{route}/metrics"},
    {"GET", "/api/routes/{route}/steps"},
    {"GET", "/api/routes/{route}/products"},
    {"GET", "/api/routes/{privateRoute}"},
    {"GET", "/api/export/routes?format=csv"},
    // Products, their pipeline and documents.
    {"GET", "/api/products"},
    {"GET", "/api/products?start_up={S}"},
    {"GET", "/api/products?start_up={S}&include=stages", "", kPipeline},
    {"GET", "/api/catalogue"},
    {"GET", "/api/products/{product}", "", kPipeline},
    {"GET", "/api/products/{product}/history", "", kPipeline},
    {"GET", "/api/products/{product}/stages", "", kPipeline},
    {"GET", "/api/products/{product}/timeline", "", kPipeline},
    {"GET", "/api/products/{product}/customers"},
    {"GET", "/api/products/{product}/documents"},
    {"GET", "/api/products/{product}/stages/scale_up/documents"},
    {"GET", "/api/products/{product2}"},
    {"GET", "/api/products/{product2}/history"},
    {"GET", "/api/products/{privateProduct}"},
    {"GET", "/api/documents/{document}"},
    {"GET", "/api/documents/{document}/content"},
    {"GET", "/api/documents/{privateDocument}"},
    {"GET", "/api/documents/{privateDocumentOfPublicProduct}"},
    {"GET", "/api/documents/{privateDocumentOfPublicProduct}/content"},
    {"GET", "/api/overview/funnel"},
    {"GET", "/api/overview/start-ups/{S}"},
    // Waste: sources, lots, transformations, circularity.
    {"GET", "/api/lots"},
    {"GET", "/api/lots?start_up={S}"},
    {"GET", "/api/lots?stream=used_cooking_oil&in_stock=true"},
    {"GET", "/api/lots/{lot}"},
    {"GET", "/api/lots/{lot}/history"},
    {"GET", "/api/lots/{lot}/genealogy"},
    {"GET", "/api/lots/{lot}/documents"},
    {"GET", "/api/lots/{lot2}"},
    {"GET", "/api/lots/{lot2}/genealogy"},
    {"GET", "/api/lots/{privateLot}"},
    {"GET", "/api/lots/{privateRefinedLot}"},
    {"GET", "/api/lots/{privateLot}/genealogy"},
    {"GET", "/api/sources"},
    {"GET", "/api/sources/{source}"},
    {"GET", "/api/sources/{privateSource}"},
    {"GET", "/api/transformations"},
    {"GET", "/api/transformations/{privateTransformation}"},
    {"GET", "/api/transfers"},
    {"GET", "/api/circularity"},
    // Needs, responses, projects.
    {"GET", "/api/needs"},
    {"GET", "/api/needs?status=open&function=solvent"},
    {"GET", "/api/needs?matching=true"},
    {"GET", "/api/needs/{need}"},
    {"GET", "/api/needs/{need}/responses"},
    {"GET", "/api/needs/{need}/projects"},
    {"GET", "/api/needs/{need}/matches"},
    {"GET", "/api/needs/{need2}"},
    {"GET", "/api/needs/{privateNeed}"},
    {"GET", "/api/needs/{privateNeed}/responses"},
    {"GET", "/api/responses"},
    {"GET", "/api/responses/{privateResponse}"},
    {"GET", "/api/responses/{responseToPublicNeed}"},
    {"GET", "/api/projects"},
    {"GET", "/api/projects/{privateProject}"},
    {"GET", "/api/notifications"},
    // Substances and their batches.
    {"GET", "/api/substances"},
    {"GET", "/api/substances?start_up={S}"},
    {"GET", "/api/substances?kind=uvcb&include_retired=true&page_size=500"},
    {"GET", "/api/substances?compound={glycerol}"},
    {"GET", "/api/substances?q=glycerol"},
    {"GET", "/api/substances/{substance}"},
    {"GET", "/api/substances/{substance}/batches"},
    {"GET", "/api/substances/{substance}/history"},
    {"GET", "/api/substances/{substance}/products"},
    {"GET", "/api/substance-batches/{substance}-B001"},
    {"GET", "/api/substance-batches/{substance}-B001/documents"},
    {"GET", "/api/substances/{substance2}"},
    {"GET", "/api/substances/{glycerolSubstance}"},
    {"GET", "/api/substances/{privateSubstance}"},
    {"GET", "/api/substances/{privateSubstance}/history"},
    {"GET", "/api/substance-batches/{privateSubstanceBatch}"},
    {"GET", "/api/substance-batches/{privateSubstanceBatch}/documents"},
    {"GET", "/api/substance-batches/{privateBatchOfPublicSubstance}"},
    {"GET", "/api/documents/{privateSubstanceDocument}"},
    {"GET", "/api/documents/{privateSubstanceDocument}/content"},
    {"POST", "/api/search", R"({"scope": "substances", "type": "exact", "query": "OCC(O)CO"})"},
    {"POST", "/api/search", R"({"scope": "substances", "type": "substructure", "query": "CO"})"},
    {"POST", "/api/search",
     R"({"scope": "substances", "type": "similarity", "query": "OCC(O)CO", "threshold": 0.1})"},
    {"GET", "/api/export/substances?format=json"},
    {"GET", "/api/export/substances?format=csv&start_up={S}"},
    // The cluster.
    {"GET", "/api/start-ups"},
    {"GET", "/api/start-ups/{S}"},
    {"GET", "/api/start-ups/{S}/history"},
};

std::string expand(std::string text, const std::map<std::string, std::string>& refs) {
  for (const auto& [name, value] : refs) {
    const std::string key = "{" + name + "}";
    for (std::size_t at; (at = text.find(key)) != std::string::npos;) text.replace(at, key.size(), value);
  }
  return text;
}

// The answer without what varies by itself: elapsed times, and audit hashes (keyed, chained
// over every entry: they differ between the worlds and reveal nothing without the key).
std::string normalised(const HttpResult& r) {
  static const std::regex elapsed(R"("elapsed_ms":\s*[0-9.]+)");
  static const std::regex hash(R"("hash":\s*"[0-9a-f]{64}")");
  std::string body = std::regex_replace(r.body, elapsed, R"("elapsed_ms":0)");
  body = std::regex_replace(body, hash, R"("hash":"")");
  return std::to_string(r.status) + " " + body;
}

std::string firstDifference(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const std::size_t from = i > 60 ? i - 60 : 0;
  return "\n  without: ..." + a.substr(from, 160) + "\n  with:    ..." + b.substr(from, 160);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(leak)

BOOST_AUTO_TEST_CASE(outsiders_see_the_same_cluster_whatever_a_start_up_keeps_private) {
  World without(nullptr);
  World with([](World& w) {
    for (const auto& [kind, add] : kPrivateWork) add(w);
  });
  // The private codes exist only in the second world; asked of the first, they are codes of
  // nothing, and must answer the same.
  std::map<std::string, std::string> refs = with.refs;
  for (const auto& [name, value] : without.refs) {
    BOOST_TEST_REQUIRE(refs.at(name) == value, "shared record " << name << " numbered differently");
  }
  const std::vector<std::pair<std::string, std::string World::*>> outsiders = {
      {"anonymous", nullptr}, {"a partner", &World::partner}, {"a member of T", &World::memberT}};
  std::size_t compared = 0;
  for (const auto& request : kRequests) {
    const std::string path = expand(request.path, refs);
    const std::string body = expand(request.body, refs);
    for (const auto& [who, token] : outsiders) {
      if (request.showsSharedPipeline && token == &World::memberT) continue;
      auto a = without.server.call(request.method, path, body, token ? without.*token : "");
      auto b = with.server.call(request.method, path, body, token ? with.*token : "");
      const std::string x = normalised(a), y = normalised(b);
      BOOST_TEST(x == y, request.method << " " << path << " by " << who << firstDifference(x, y));
      ++compared;
    }
  }
  const auto pipelineRequests = std::count_if(kRequests.begin(), kRequests.end(),
                                              [](const Request& r) { return r.showsSharedPipeline; });
  BOOST_TEST(compared == kRequests.size() * outsiders.size() - pipelineRequests);
  // The pipeline change is real, and a member of T sees it (the skip above is not hiding a
  // leak of unshared work).
  const std::string stages = "/api/products/" + refs["product"] + "/stages";
  BOOST_TEST(without.server.call("GET", stages, "", without.memberT).body !=
             with.server.call("GET", stages, "", with.memberT).body);
  // The private work exists, and its owner sees it (the comparison above is not vacuous).
  BOOST_TEST(with.server.call("GET", "/api/compounds/" + refs["privateCompound"], "", with.memberS)
                 .status == 200);
  for (const std::string& path :
       {"/api/lots/" + refs["privateLot"], "/api/sources/" + refs["privateSource"],
        "/api/transformations/" + refs["privateTransformation"],
        "/api/needs/" + refs["privateNeed"], "/api/responses/" + refs["privateResponse"],
        "/api/projects/" + refs["privateProject"],
        "/api/substances/" + refs["privateSubstance"],
        "/api/substance-batches/" + refs["privateSubstanceBatch"],
        "/api/substance-batches/" + refs["privateBatchOfPublicSubstance"],
        "/api/documents/" + refs["privateSubstanceDocument"]}) {
    BOOST_TEST(with.server.call("GET", path, "", with.memberS).status == 200, path);
  }
  // Lots and needs after the private block are not numbered after the private ones' count.
  BOOST_TEST(refs["lot2"] != "LOT-000002");
  BOOST_TEST(refs["need2"] != "NEED-000002");
  BOOST_TEST(refs["substance2"] != "SUB-000004");
  // The cluster's administrators see the overlap of S's private substance with T's shared one;
  // a member of T does not (the comparison above): the overlap exists.
  const std::string admin = with.server.userToken("admin@cluster.ma", db::Role::Admin);
  BOOST_TEST(with.server.call("GET", "/api/compare/start-ups", "", admin)
                 .json()->getObject("substances")->getValue<int>("overlap_count") == 1);
  BOOST_TEST(without.server.call("GET", "/api/compounds?start_up=" + refs["S"], "", without.memberS)
                 .json()->getValue<int>("total") <
             with.server.call("GET", "/api/compounds?start_up=" + refs["S"], "", with.memberS)
                 .json()->getValue<int>("total"));
}

BOOST_AUTO_TEST_SUITE_END()
