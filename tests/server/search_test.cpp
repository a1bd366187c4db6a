// Structure search over real HTTP, checked against brute-force RDKit on the same compounds:
// hit sets, paging, caps, filters inside the scan, visibility, bad queries, index updates.
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/MolPickler.h>
#include <GraphMol/ROMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include <Poco/InflatingStream.h>
#include <Poco/JSON/Array.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "chem/fingerprints.h"
#include <chrono>

#include "chem/substructure.h"
#include "db/identifiers.h"
#include "db/product_store.h"
#include "db/registry_store.h"
#include "server/registry/bulk_registration.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

// Drug-like and small molecules, charged and salt forms included.
const std::vector<std::string> kSetA = {
    "CC(=O)Oc1ccccc1C(=O)O", "CC(=O)Nc1ccc(O)cc1", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C",
    "CC(C)Cc1ccc(cc1)C(C)C(=O)O", "c1ccccc1", "Cc1ccccc1", "Oc1ccccc1", "Nc1ccccc1",
    "c1ccc2ccccc2c1", "c1ccncc1", "C1CCCCC1", "OCCO", "CCO", "CCCCO", "CC(=O)O",
    "O=C(O)c1ccccc1", "O=C(O)CCC(=O)O", "NCC(=O)O", "CC(N)C(=O)O", "OC1C=CC=CC1",
    "c1ccc(cc1)C(=O)c1ccccc1", "Clc1ccc(Cl)cc1", "Brc1ccccc1", "FC(F)(F)c1ccccc1",
    "CC(C)(C)c1ccc(O)cc1", "COc1ccc(C=O)cc1", "O=[N+]([O-])c1ccccc1", "Cc1ccc(S(N)(=O)=O)cc1",
    "CCN(CC)CC", "CC(=O)[O-].[Na+]", "C[NH3+].[Cl-]", "c1ccc2[nH]ccc2c1", "c1ccoc1",
    "c1ccsc1", "OC(=O)C=CC(=O)O", "C=CC(=O)OC", "CC1=CC(=O)C=CC1=O", "O=C1CCCCC1",
    "CC(O)C(=O)O", "OCC(O)CO"};
const std::vector<std::string> kSetB = {
    "CC(=O)Oc1ccccc1C(=O)O",  // the same parent as in A
    "Cc1ccc(O)cc1", "CCc1ccccc1", "c1ccc(-c2ccccc2)cc1", "OC(=O)c1ccc(O)cc1",
    "CCOC(=O)c1ccccc1", "Nc1ccc(cc1)S(N)(=O)=O", "c1ccc2ncccc2c1", "CC(C)O", "CCCCCCCC",
    "C[C@H](N)C(=O)O", "C[C@@H](N)C(=O)O", "OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O"};

struct Lab {
  TestServer server;
  std::int64_t a = server.createStartUp("Argania");
  std::int64_t b = server.createStartUp("Biocactus");
  std::string leadA = server.userToken("lead@argania.ma", db::Role::Lead, a);
  std::string leadB = server.userToken("lead@biocactus.ma", db::Role::Lead, b);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  void bulk(std::int64_t startUp, const std::vector<std::string>& smiles) {
    std::vector<server::BulkRecord> records;
    for (const auto& s : smiles) records.push_back({s, "smiles", {}});
    db::Principal system = db::Principal::system("test");
    auto result = server::registerBulk(server.services(), system, startUp, records);
    BOOST_TEST_REQUIRE(result.rejected == 0u);
  }
  void setVisibility(std::int64_t id, const std::string& visibility) {
    server.database().write([&](db::Connection& c) {
      db::Statement st(c, "UPDATE compounds SET visibility = ?, updated_at = ? WHERE id = ?");
      st.bind(1, visibility).bind(2, server.services().clock.nowIso()).bind(3, id).run();
    });
    server.search().compoundsChanged();
  }
  test::HttpResult search(const std::string& body, const std::string& token) {
    return server.call("POST", "/api/search", body, token);
  }
};

std::string searchBody(const std::string& type, const std::string& query,
                       const std::string& extra = "") {
  Poco::JSON::Object o;
  o.set("type", type);
  o.set("query", query);
  std::ostringstream out;
  o.stringify(out);
  std::string text = out.str();
  if (!extra.empty()) text = text.substr(0, text.size() - 1) + "," + extra + "}";
  return text;
}

std::vector<std::string> hitCodes(const test::HttpResult& r) {
  std::vector<std::string> codes;
  auto hits = r.json()->getArray("hits");
  for (std::size_t i = 0; i < hits->size(); ++i) {
    codes.push_back(hits->getObject(static_cast<unsigned>(i))
                        ->getObject("compound")
                        ->getValue<std::string>("id"));
  }
  return codes;
}

struct StoredCompound {
  db::Compound compound;
  std::unique_ptr<RDKit::ROMol> mol;
};

// Every compound, loaded the slow way, for brute-force references.
std::vector<StoredCompound> allCompounds(TestServer& s) {
  std::vector<StoredCompound> out;
  s.database().read([&](db::Connection& c) {
    db::Principal admin = db::Principal::system("test");
    // Every id as stored: numbers derive from creation times (db/identifiers.h), not 1..n.
    std::vector<std::int64_t> ids;
    db::Statement st(c, "SELECT id FROM compounds ORDER BY id");
    while (st.step()) ids.push_back(st.getInt(0));
    for (std::int64_t id : ids) {
      auto compound = db::findCompound(c, admin, id, /*withBinary=*/true);
      if (!compound) continue;
      StoredCompound sc;
      sc.mol = std::make_unique<RDKit::ROMol>(compound->identity.molPickle);
      sc.compound = std::move(*compound);
      out.push_back(std::move(sc));
    }
  });
  return out;
}

// Brute force: codes of compounds `who` may see that contain the query, ascending id.
std::vector<std::string> bruteSubstructure(const std::vector<StoredCompound>& all,
                                           const std::string& query, const std::string& format,
                                           const db::Principal& who,
                                           std::optional<std::int64_t> startUp = std::nullopt) {
  chem::SubstructureMatcher matcher(chem::prepareSubstructureQuery(query, format));
  std::vector<std::string> codes;
  for (const auto& sc : all) {
    if (!db::canSee(who, sc.compound.startUpId, sc.compound.visibility)) continue;
    if (sc.compound.retiredAt) continue;
    if (startUp && sc.compound.startUpId != *startUp) continue;
    if (matcher.match(*sc.mol)) codes.push_back(sc.compound.code());
  }
  return codes;
}

// A V2000 Molfile of a SMILES (as a drawing program would send it).
std::string molBlock(const std::string& smiles) {
  std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(smiles));
  return RDKit::MolToMolBlock(*mol);
}

db::Principal member(std::int64_t startUp) {
  db::Principal p;
  p.role = db::Role::Lead;
  p.startUpId = startUp;
  p.userId = 99;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(search)

BOOST_AUTO_TEST_CASE(substructure_hits_equal_brute_force_rdkit) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  lab.bulk(lab.b, kSetB);
  auto all = allCompounds(lab.server);
  BOOST_TEST_REQUIRE(all.size() == kSetA.size() + kSetB.size() - 1);  // acetate is a form
  for (const auto& [query, format] : std::vector<std::pair<std::string, std::string>>{
           {"c1ccccc1", "smiles"}, {"C(=O)O", "smiles"}, {"[OX2H][#6]", "smarts"},
           {"c1ccccc1O", ""}, {"[#7]~[#6]", "smarts"}, {"C=O", "smiles"}, {"S(=O)(=O)N", "smiles"},
           {"c1ccc2ccccc2c1", "smiles"}, {"[CX4][OH]", "smarts"}, {"CN", "smiles"},
           {molBlock("Oc1ccccc1"), "molfile"}, {molBlock("O=C(O)c1ccccc1"), ""}}) {
    for (const auto& [token, who] : std::vector<std::pair<std::string, db::Principal>>{
             {lab.admin, db::Principal::system("admin")}, {lab.leadA, member(lab.a)},
             {lab.leadB, member(lab.b)}}) {
      auto r = lab.search(searchBody("substructure", query,
                                     "\"format\":\"" + format +
                                         "\",\"count_all\":true,\"page_size\":500"),
                          token);
      BOOST_TEST_REQUIRE(r.status == 200, query << ": " << r.body);
      auto expected = bruteSubstructure(all, query, format, who);
      BOOST_TEST(hitCodes(r) == expected, query);
      BOOST_TEST(r.json()->getValue<std::int64_t>("total") ==
                 static_cast<std::int64_t>(expected.size()));
      BOOST_TEST(r.json()->getValue<bool>("complete"));
    }
  }
}

BOOST_AUTO_TEST_CASE(similarity_hits_equal_brute_force_tanimoto) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  lab.bulk(lab.b, kSetB);
  auto all = allCompounds(lab.server);
  auto prepared = lab.server.services().chem.prepareSimilarityQuery("CC(=O)Oc1ccccc1C(=O)OC", "");
  std::vector<std::pair<double, std::string>> scored;
  for (const auto& sc : all) {
    scored.push_back({chem::tanimoto(prepared.morganFingerprint, sc.compound.identity.morganFp),
                      sc.compound.code()});
  }
  std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
    return x.first > y.first || (x.first == y.first && x.second < y.second);
  });
  // Threshold 0.3: every compound at or above it, best first.
  auto r = lab.search(searchBody("similarity", "CC(=O)Oc1ccccc1C(=O)OC",
                                 "\"threshold\":0.3,\"page_size\":500"),
                      lab.admin);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  std::vector<std::string> expected;
  for (const auto& [score, code] : scored) {
    if (score >= 0.3) expected.push_back(code);
  }
  BOOST_TEST_REQUIRE(!expected.empty());
  BOOST_TEST(hitCodes(r) == expected);
  auto first = r.json()->getArray("hits")->getObject(0);
  BOOST_TEST(first->getValue<double>("score") == scored[0].first,
             boost::test_tools::tolerance(1e-5));

  // Top-5 without threshold: the five best scores.
  auto top = lab.search(searchBody("similarity", "CC(=O)Oc1ccccc1C(=O)OC", "\"k\":5"), lab.admin);
  BOOST_TEST_REQUIRE(top.status == 200, top.body);
  auto hits = top.json()->getArray("hits");
  BOOST_TEST_REQUIRE(hits->size() == 5u);
  for (unsigned i = 0; i < 5; ++i) {
    BOOST_TEST(hits->getObject(i)->getValue<double>("score") == scored[i].first,
               boost::test_tools::tolerance(1e-5));
  }
}

BOOST_AUTO_TEST_CASE(paging_is_stable_and_caps_say_at_least) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  auto all = allCompounds(lab.server);
  auto expected = bruteSubstructure(all, "c1ccccc1", "smiles", db::Principal::system("x"));
  BOOST_TEST_REQUIRE(expected.size() > 12u);
  std::vector<std::string> paged;
  for (int page = 0; page < 3; ++page) {
    auto r = lab.search(searchBody("substructure", "c1ccccc1",
                                   "\"page\":" + std::to_string(page) + ",\"page_size\":5"),
                        lab.admin);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    auto codes = hitCodes(r);
    paged.insert(paged.end(), codes.begin(), codes.end());
    // Not counted past the page: "at least" (page end + 1) and incomplete.
    BOOST_TEST(!r.json()->getValue<bool>("complete"));
    BOOST_TEST(r.json()->getValue<std::int64_t>("total") == (page + 1) * 5 + 1);
    BOOST_TEST(r.json()->getValue<std::string>("stopped_by") == "page");
    // Matched atoms and a highlight link for every hit on the page.
    auto hit = r.json()->getArray("hits")->getObject(0);
    BOOST_TEST(hit->getArray("matched_atoms")->size() == 6u);
    BOOST_TEST(hit->getValue<std::string>("depiction").find("highlight=") != std::string::npos);
  }
  BOOST_TEST(paged == std::vector<std::string>(expected.begin(), expected.begin() + 15));

  auto capped = lab.search(searchBody("substructure", "c1ccccc1", "\"max_hits\":3,\"count_all\":true"),
                           lab.admin);
  BOOST_TEST_REQUIRE(capped.status == 200, capped.body);
  BOOST_TEST(capped.json()->getValue<std::int64_t>("total") == 3);
  BOOST_TEST(!capped.json()->getValue<bool>("complete"));
  BOOST_TEST(capped.json()->getValue<std::string>("stopped_by") == "hit_cap");

  auto highlight = lab.server.call(
      "GET", capped.json()->getArray("hits")->getObject(0)->getValue<std::string>("depiction"), "",
      lab.admin);
  BOOST_TEST(highlight.status == 200);
}

BOOST_AUTO_TEST_CASE(a_filtered_query_never_loses_hits) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  lab.bulk(lab.b, kSetB);
  auto all = allCompounds(lab.server);
  db::Principal admin = db::Principal::system("x");
  // B's benzene rings come after A's many; a page of 2 filtered to B must still fill up.
  auto expected = bruteSubstructure(all, "c1ccccc1", "smiles", admin, lab.b);
  BOOST_TEST_REQUIRE(expected.size() > 4u);
  auto r = lab.search(searchBody("substructure", "c1ccccc1",
                                 "\"page_size\":2,\"filters\":{\"start_up\":" +
                                     std::to_string(lab.b) + "}"),
                      lab.admin);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  BOOST_TEST(hitCodes(r) == std::vector<std::string>(expected.begin(), expected.begin() + 2));

  // MW window, similarity: every hit inside the window, as many as exist.
  auto sim = lab.search(searchBody("similarity", "c1ccccc1O",
                                   "\"threshold\":0.1,\"page_size\":500,"
                                   "\"filters\":{\"mw_min\":100,\"mw_max\":140}"),
                        lab.admin);
  BOOST_TEST_REQUIRE(sim.status == 200, sim.body);
  auto prepared = lab.server.services().chem.prepareSimilarityQuery("c1ccccc1O", "");
  std::set<std::string> expectedSim;
  for (const auto& sc : all) {
    double mw = sc.compound.identity.mw;
    if (mw >= 100 && mw <= 140 &&
        chem::tanimoto(prepared.morganFingerprint, sc.compound.identity.morganFp) >= 0.1) {
      expectedSim.insert(sc.compound.code());
    }
  }
  auto got = hitCodes(sim);
  BOOST_TEST(std::set<std::string>(got.begin(), got.end()) == expectedSim);

  // Visibility filter: B's lead asks for cluster-shared compounds only. Two of A's benzenes
  // are shared, with the largest ids of A; a page of 1 is still filled.
  std::vector<std::int64_t> shared;
  for (auto it = all.rbegin(); it != all.rend() && shared.size() < 2; ++it) {
    if (it->compound.startUpId == lab.a && it->mol->getNumAtoms() > 6 &&
        chem::SubstructureMatcher(chem::prepareSubstructureQuery("c1ccccc1", "smiles"))
            .match(*it->mol)) {
      shared.push_back(it->compound.id);
    }
  }
  BOOST_TEST_REQUIRE(shared.size() == 2u);
  for (auto id : shared) lab.setVisibility(id, "cluster");
  std::sort(shared.begin(), shared.end());
  for (const std::string type : {"substructure", "similarity"}) {
    auto r1 = lab.search(searchBody(type, "c1ccccc1",
                                    "\"page_size\":1,\"filters\":{\"visibility\":\"cluster\"}" +
                                        std::string(type == "similarity" ? ",\"threshold\":0.01" : "")),
                         lab.leadB);
    BOOST_TEST_REQUIRE(r1.status == 200, r1.body);
    BOOST_TEST(hitCodes(r1).size() == 1u, type);
    auto every = lab.search(searchBody(type, "c1ccccc1",
                                       "\"page_size\":500,\"count_all\":true,"
                                       "\"filters\":{\"visibility\":\"cluster\"}" +
                                           std::string(type == "similarity" ? ",\"threshold\":0.01" : "")),
                            lab.leadB);
    BOOST_TEST_REQUIRE(every.status == 200, every.body);
    auto codes = hitCodes(every);
    std::sort(codes.begin(), codes.end());
    BOOST_TEST(codes == (std::vector<std::string>{db::compoundCode(shared[0]),
                                                   db::compoundCode(shared[1])}),
               type);
  }
}

BOOST_AUTO_TEST_CASE(callers_only_ever_get_hits_they_may_see) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  lab.bulk(lab.b, kSetB);
  auto all = allCompounds(lab.server);
  // Publish one of A's compounds, share one with the cluster.
  std::int64_t published = 0, shared = 0;
  for (const auto& sc : all) {
    if (sc.compound.startUpId != lab.a) continue;
    if (sc.compound.identity.canonicalSmiles == "Oc1ccccc1") published = sc.compound.id;
    if (sc.compound.identity.canonicalSmiles == "Nc1ccccc1") shared = sc.compound.id;
  }
  BOOST_TEST_REQUIRE(published > 0);
  BOOST_TEST_REQUIRE(shared > 0);
  lab.setVisibility(published, "public");
  lab.setVisibility(shared, "cluster");
  all = allCompounds(lab.server);

  for (const std::string type : {"substructure", "similarity"}) {
    std::string extra = type == "substructure" ? "\"count_all\":true,\"page_size\":500"
                                               : "\"threshold\":0.05,\"page_size\":500";
    auto asPartner = lab.search(searchBody(type, "c1ccccc1", extra), lab.partner);
    BOOST_TEST_REQUIRE(asPartner.status == 200, asPartner.body);
    BOOST_TEST(hitCodes(asPartner) == std::vector<std::string>{db::compoundCode(published)});
    auto anonymous = lab.search(searchBody(type, "c1ccccc1", extra), "");
    BOOST_TEST(hitCodes(anonymous) == std::vector<std::string>{db::compoundCode(published)});

    auto asB = lab.search(searchBody(type, "c1ccccc1", extra), lab.leadB);
    for (const auto& code : hitCodes(asB)) {
      auto it = std::find_if(all.begin(), all.end(),
                             [&](const StoredCompound& sc) { return sc.compound.code() == code; });
      BOOST_TEST_REQUIRE((it != all.end()));
      BOOST_TEST(db::canSee(member(lab.b), it->compound.startUpId, it->compound.visibility),
                 code);
    }
    auto codes = hitCodes(asB);
    BOOST_TEST((std::find(codes.begin(), codes.end(), db::compoundCode(shared)) != codes.end()));
  }
  // Exact search by structure: B cannot find A's private aspirin, only its own.
  auto exact = lab.search(searchBody("exact", "OC(=O)c1ccccc1OC(C)=O"), lab.leadB);
  BOOST_TEST_REQUIRE(exact.status == 200, exact.body);
  auto exactCodes = hitCodes(exact);
  BOOST_TEST_REQUIRE(exactCodes.size() == 1u);
  auto aspirinB = std::find_if(all.begin(), all.end(), [&](const StoredCompound& sc) {
    return sc.compound.code() == exactCodes[0];
  });
  BOOST_TEST_REQUIRE((aspirinB != all.end()));
  BOOST_TEST(aspirinB->compound.startUpId == lab.b);
  BOOST_TEST(lab.search(searchBody("exact", "OC(=O)c1ccccc1OC(C)=O"), lab.admin)
                 .json()
                 ->getValue<std::int64_t>("total") == 2);
}

namespace {
// CPU time of this process (every thread), in seconds.
double processCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
}  // namespace

// RDKit's matching of one query against one structure can take minutes (a long SMARTS path
// on C60: ~3x per two atoms). The time budget holds inside the match: the answer comes at
// the budget, marked incomplete ("time_budget"), for plain and recursive queries.
BOOST_AUTO_TEST_CASE(the_time_budget_holds_inside_a_runaway_match) {
  Lab lab;
  lab.bulk(lab.a, {"C12=C3C4=C5C6=C1C7=C8C9=C1C%10=C%11C(=C29)C3=C2C3=C4C4=C5C5=C9C6=C7C6=C7C8=C1"
                   "C1=C8C%10=C%10C%11=C2C2=C3C3=C4C4=C5C5=C%11C%12=C(C6=C95)C7=C1C1=C%12C5=C%11"
                   "C4=C3C3=C5C(=C81)C%10=C23",
                   "c1ccccc1O"});
  for (bool recursive : {false, true}) {
    std::string path;
    for (int i = 0; i < 21; ++i) path += i ? "~c" : "c";
    path += recursive ? "~[$(c~c~c~c~c~c~c~c~c~c~c~c~c~c~c~c~[c;D4])]" : "~[c;D4]";
    auto started = std::chrono::steady_clock::now();
    double cpuBefore = processCpuSeconds();
    auto r = lab.search(searchBody("substructure", path,
                                   "\"format\":\"smarts\",\"time_budget_ms\":300"),
                        lab.leadA);
    double cpu = processCpuSeconds() - cpuBefore;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    BOOST_TEST_MESSAGE((recursive ? "recursive: " : "plain: ") << seconds << " s, " << cpu
                                                               << " s of CPU");
    BOOST_TEST(r.status == 200, r.body);
    BOOST_TEST(!r.json()->getValue<bool>("complete"));
    BOOST_TEST(r.json()->getValue<std::string>("stopped_by") == "time_budget");
    // Unbounded, this match takes seconds of CPU (23 s at 24 atoms, ~3x per two atoms). The
    // CPU it may use is the budget plus the query's parsing; the wall time stretches on a
    // machine whose cores are shared.
    BOOST_TEST(cpu < 2.0, (recursive ? "recursive: " : "plain: ") << cpu << " s of CPU");
    BOOST_TEST(seconds < 10.0, (recursive ? "recursive: " : "plain: ") << seconds << " s");
  }
  // The server is free for the next search at once.
  auto phenol = lab.search(searchBody("substructure", "c1ccccc1O"), lab.leadA);
  BOOST_TEST(phenol.json()->getValue<bool>("complete"));
  BOOST_TEST(hitCodes(phenol).size() == 1u);
}

BOOST_AUTO_TEST_CASE(exact_search_by_layer_inchikey_and_identifier) {
  Lab lab;
  lab.bulk(lab.b, kSetB);
  auto d = lab.search(searchBody("exact", "N[C@@H](C)C(=O)O"), lab.leadB);  // L-alanine
  BOOST_TEST_REQUIRE(d.status == 200, d.body);
  BOOST_TEST(d.json()->getValue<std::int64_t>("total") == 1);
  auto stereo = lab.search(searchBody("exact", "CC(N)C(=O)O", "\"match\":\"stereo\""), lab.leadB);
  BOOST_TEST(stereo.json()->getValue<std::int64_t>("total") == 2);  // both enantiomers
  auto none = lab.search(searchBody("exact", "CC(N)C(=O)O"), lab.leadB);
  BOOST_TEST(none.json()->getValue<std::int64_t>("total") == 0);
  auto key = lab.search(searchBody("exact", "BSYNRYMUTXBXSQ-UHFFFAOYSA-N",
                                   "\"format\":\"inchikey\""),
                        lab.leadB);
  BOOST_TEST(key.json()->getValue<std::int64_t>("total") == 1);
  auto block = lab.search(searchBody("exact", "QNAYBMKLOCPYGJ", "\"format\":\"inchikey\""),
                          lab.leadB);
  BOOST_TEST(block.json()->getValue<std::int64_t>("total") == 2);  // alanine, both
  auto code = hitCodes(key)[0];
  auto byId = lab.search(searchBody("exact", code, "\"format\":\"identifier\""), lab.leadB);
  BOOST_TEST(hitCodes(byId) == std::vector<std::string>{code});
  auto hidden = lab.search(searchBody("exact", code, "\"format\":\"identifier\""), lab.leadA);
  BOOST_TEST(hidden.json()->getValue<std::int64_t>("total") == 0);
}

BOOST_AUTO_TEST_CASE(registrations_and_retirements_reach_the_index_without_restart) {
  Lab lab;
  lab.bulk(lab.a, kSetA);  // 39 parents cross the 32-row test tail: a sealed segment
  lab.bulk(lab.b, kSetB);
  BOOST_TEST(lab.server.search().index().snapshot()->segments.size() >= 2u);
  std::string query = searchBody("substructure", "C1CCCCCCCCC1", "\"format\":\"smiles\"");
  BOOST_TEST(lab.search(query, lab.leadA).json()->getValue<std::int64_t>("total") == 0);
  auto reg = lab.server.call("POST", "/api/compounds",
                             test::structureBody("OC1CCCCCCCCC1", "\"start_up\":" + std::to_string(lab.a)),
                             lab.leadA);
  BOOST_TEST_REQUIRE(reg.status == 201, reg.body);
  auto found = lab.search(query, lab.leadA);
  BOOST_TEST(found.json()->getValue<std::int64_t>("total") == 1);
  std::string code = hitCodes(found)[0];
  auto id = db::parseCode(code)->compoundId;
  lab.server.database().write([&](db::Connection& c) {
    db::retireCompound(c, lab.server.services().clock, db::Principal::system("test"), id,
                       "registered by mistake");
  });
  lab.server.search().compoundsChanged();
  BOOST_TEST(lab.search(query, lab.leadA).json()->getValue<std::int64_t>("total") == 0);
  auto withRetired = lab.search(
      searchBody("substructure", "C1CCCCCCCCC1", "\"filters\":{\"include_retired\":true}"),
      lab.leadA);
  BOOST_TEST(withRetired.json()->getValue<std::int64_t>("total") == 1);
}

BOOST_AUTO_TEST_CASE(bad_queries_answer_400) {
  Lab lab;
  lab.bulk(lab.a, {"CCO", "c1ccccc1"});
  struct Case {
    std::string body;
    std::string why;
  };
  std::string huge(5000, 'C');
  for (const auto& c : std::vector<Case>{
           {searchBody("substructure", "[C;X4", "\"format\":\"smarts\""), "invalid SMARTS"},
           {searchBody("substructure", "C1CC", "\"format\":\"smiles\""), "unclosed ring"},
           {searchBody("substructure", "   "), "empty query"},
           {searchBody("substructure", "*", "\"format\":\"smarts\""), "matches everything"},
           {searchBody("substructure", "[#6]", "\"format\":\"smarts\""), "matches everything"},
           {searchBody("substructure", "C", "\"format\":\"smiles\""), "lone carbon"},
           {searchBody("substructure", "Cl"), "lone chlorine"},
           {searchBody("substructure", "c1ccccc1", "\"format\":\"inchi\""), "bad format"},
           {searchBody("substructure", "CCO", "\"max_hits\":0"), "hit cap range"},
           {searchBody("substructure", "CCO", "\"time_budget_ms\":0"), "budget range"},
           {searchBody("substructure", "CCO", "\"filters\":{\"product_stage\":\"\"}"), "empty stage"},
           {searchBody("substructure", huge), "oversized"},
           {searchBody("substructure", "CC\xC3\xA9"), "non-ASCII"},
           {searchBody("similarity", "not a molecule"), "bad SMILES"},
           {searchBody("similarity", "CCO", "\"threshold\":1.5"), "threshold range"},
           {searchBody("similarity", "CCO", "\"k\":0"), "k range"},
           {searchBody("exact", "XYZ", "\"format\":\"inchikey\""), "bad InChIKey"},
           {searchBody("exact", "CCO", "\"match\":\"fuzzy\""), "bad match"},
           {searchBody("fuzzy", "CCO"), "bad type"},
           {searchBody("substructure", "CCO", "\"filters\":{\"colour\":\"red\"}"), "bad filter"},
           {searchBody("substructure", "CCO", "\"page_size\":100000"), "page size"},
           {R"({"type":"substructure"})", "no query"}}) {
    auto r = lab.search(c.body, lab.leadA);
    BOOST_TEST(r.status == 400, c.why << ": " << r.status << " " << r.body);
    if (r.status == 400) BOOST_TEST(r.errorCode() == "INVALID_ARGUMENT");
  }
  // A lone atom is refused as too general even though it sets screening bits (atom counts).
  auto lone = lab.search(searchBody("substructure", "C", "\"format\":\"smiles\""), lab.leadA);
  BOOST_TEST(lone.body.find("too general") != std::string::npos, lone.body);
  // Two atoms that match every structure here are a query, not an error: bounded by the
  // page and the cap, and the answer says "at least".
  lab.bulk(lab.a, {"CCCC", "c1ccncc1", "OCC(O)CO"});
  auto any = lab.search(searchBody("substructure", "[#6]~[#6]", "\"format\":\"smarts\",\"page_size\":2"),
                        lab.admin);
  BOOST_TEST_REQUIRE(any.status == 200, any.body);
  BOOST_TEST(hitCodes(any).size() == 2u);
  BOOST_TEST(!any.json()->getValue<bool>("complete"));
  BOOST_TEST(any.json()->getValue<std::int64_t>("total") == 3);  // "at least 3"
  auto capped = lab.search(searchBody("substructure", "[#6]~[#6]",
                                      "\"format\":\"smarts\",\"count_all\":true,\"max_hits\":4"),
                           lab.admin);
  BOOST_TEST_REQUIRE(capped.status == 200, capped.body);
  BOOST_TEST(capped.json()->getValue<std::int64_t>("total") == 4);
  BOOST_TEST(capped.json()->getValue<std::string>("stopped_by") == "hit_cap");
  auto every = lab.search(searchBody("substructure", "[#6]~[#6]",
                                     "\"format\":\"smarts\",\"count_all\":true"),
                          lab.admin);
  BOOST_TEST(every.json()->getValue<std::int64_t>("total") == 5);  // all five parents
  BOOST_TEST(every.json()->getValue<bool>("complete"));
}

BOOST_AUTO_TEST_CASE(answers_have_the_documented_shape) {
  Lab lab;
  lab.bulk(lab.a, {"Oc1ccccc1", "Nc1ccccc1", "CCO"});
  for (const std::string type : {"exact", "substructure", "similarity"}) {
    auto r = lab.search(searchBody(type, "Oc1ccccc1",
                                   "\"format\":\"smiles\",\"page\":0,\"page_size\":10,"
                                   "\"filters\":{\"start_up\":[" + std::to_string(lab.a) + "]}" +
                                       (type == "similarity" ? ",\"k\":2,\"threshold\":0.1" : "")),
                        lab.leadA);
    BOOST_TEST_REQUIRE(r.status == 200, type << ": " << r.body);
    auto body = r.json();
    BOOST_TEST(body->has("total"));
    BOOST_TEST(body->getValue<bool>("complete"), type);
    auto hits = body->getArray("hits");
    BOOST_TEST_REQUIRE(hits->size() >= 1u, type);
    auto hit = hits->getObject(0);
    auto compound = hit->getObject("compound");
    BOOST_TEST(compound->getValue<std::string>("id").rfind("CMP-", 0) == 0u);
    BOOST_TEST(compound->getValue<std::string>("inchikey") == "ISWSIDIOOBJBQZ-UHFFFAOYSA-N");
    BOOST_TEST(compound->getValue<std::string>("canonical_smiles") == "Oc1ccccc1");
    BOOST_TEST(compound->getObject("links")->getValue<std::string>("depiction") ==
               "/api/compounds/" + compound->getValue<std::string>("id") + "/depiction.svg");
    BOOST_TEST(hit->has("score") == (type == "similarity"), type);
    BOOST_TEST(hit->has("matched_atoms") == (type == "substructure"), type);
    BOOST_TEST(hit->getValue<std::string>("depiction").find("/depiction.svg") != std::string::npos);
    if (type == "similarity") {
      BOOST_TEST(hit->getValue<double>("score") == 1.0);
      BOOST_TEST(hits->size() == 2u);  // k
    }
    if (type == "substructure") {
      BOOST_TEST(hit->getArray("matched_atoms")->size() == 7u);  // query atom order
      BOOST_TEST(hit->getValue<std::string>("depiction").find("?highlight=") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(exact_search_relaxes_one_layer_and_takes_any_input_format) {
  Lab lab;
  lab.bulk(lab.b, kSetB);
  lab.bulk(lab.b, {"O=c1cccc[nH]1"});  // 2-pyridone, registered as drawn
  auto total = [&](const std::string& query, const std::string& extra) {
    auto r = lab.search(searchBody("exact", query, extra), lab.leadB);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r.json()->getValue<std::int64_t>("total");
  };
  // Its tautomer 2-hydroxypyridine: another parent on the full hash, the same one when the
  // tautomer layer is relaxed.
  BOOST_TEST(total("Oc1ccccn1", "") == 0);
  BOOST_TEST(total("Oc1ccccn1", "\"match\":\"tautomer\"") == 1);
  BOOST_TEST(total("Oc1ccccn1", "\"match\":\"stereo_tautomer\"") == 1);
  BOOST_TEST(total("Oc1ccccn1", "\"match\":\"stereo\"") == 0);
  // Alanine without stereo: neither enantiomer on the full hash or the tautomer layer; both
  // when stereo is relaxed (alone or with the tautomer layer).
  BOOST_TEST(total("CC(N)C(=O)O", "\"match\":\"tautomer\"") == 0);
  BOOST_TEST(total("CC(N)C(=O)O", "\"match\":\"stereo_tautomer\"") == 2);
  BOOST_TEST(total("CC(N)C(O)=O", "\"match\":\"stereo\"") == 2);
  // Any input format, standardised as at registration: a Molfile, and a salt form given as
  // SMILES (its parent is the registered compound).
  BOOST_TEST(total(molBlock("Oc1ccc(C(=O)O)cc1"), "\"format\":\"molfile\"") == 1);
  BOOST_TEST(total(molBlock("Oc1ccc(C(=O)O)cc1"), "") == 1);
  BOOST_TEST(total("CCCCCCCC.Cl", "") == 1);
  // Filters apply to exact search too.
  BOOST_TEST(total("CCCCCCCC", "\"filters\":{\"mw_max\":100}") == 0);
  BOOST_TEST(total("CCCCCCCC", "\"filters\":{\"start_up\":" + std::to_string(lab.a) + "}") == 0);
}

BOOST_AUTO_TEST_CASE(product_stage_filter_applies_inside_the_scan) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  auto all = allCompounds(lab.server);
  auto codeOf = [&](const std::string& canonical) {
    for (const auto& sc : all) {
      if (sc.compound.identity.canonicalSmiles == canonical) return sc.compound.code();
    }
    BOOST_FAIL("not registered: " << canonical);
    return std::string();
  };
  auto product = [&](const std::string& name, const std::string& compound) {
    auto r = lab.server.call("POST", "/api/products",
                             R"({"name": ")" + name + R"(", "start_up": )" + std::to_string(lab.a) +
                                 R"(, "compound_id": ")" + compound + R"("})",
                             lab.leadA);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  };
  // Three benzene-containing products and one without a ring; the last benzene lies far
  // down the id order so that a page of 1 filtered to its stage must scan past the others.
  const std::string phenol = codeOf("Oc1ccccc1"), aniline = codeOf("Nc1ccccc1"),
                    toluene = codeOf("Cc1ccccc1"), glycerol = codeOf("OCC(O)CO"),
                    nitro = codeOf("O=[N+]([O-])c1ccccc1");
  product("Phenol P", phenol);
  product("Aniline P", aniline);
  product("Glycerol P", glycerol);
  std::string scaled = product("Nitro P", nitro);
  product("Toluene P", toluene);
  auto advance = lab.server.call("PATCH", "/api/products/" + scaled + "/stages/lab_discovery",
                                 R"({"status": "done"})", lab.leadA);
  BOOST_TEST_REQUIRE(advance.status == 200, advance.body);

  auto search = [&](const std::string& type, const std::string& query, const std::string& stage,
                    const std::string& token, const std::string& extra = "") {
    auto r = lab.search(searchBody(type, query,
                                   "\"filters\":{\"product_stage\":\"" + stage + "\"}" + extra),
                        token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r;
  };
  std::vector<std::string> discovery = {phenol, aniline, toluene};
  std::sort(discovery.begin(), discovery.end());
  BOOST_TEST(hitCodes(search("substructure", "c1ccccc1", "lab_discovery", lab.leadA,
                             ",\"count_all\":true")) == discovery);
  BOOST_TEST(hitCodes(search("substructure", "c1ccccc1", "proof_of_concept", lab.leadA)) ==
             std::vector<std::string>{nitro});
  // A page of one, filtered: filled with the first hit at that stage, not emptied by the
  // unfiltered hits before it.
  auto page = search("substructure", "c1ccccc1", "lab_discovery", lab.leadA,
                     ",\"page\":1,\"page_size\":1");
  BOOST_TEST(hitCodes(page) == std::vector<std::string>{discovery[1]});
  auto similar = search("similarity", "c1ccccc1O", "lab_discovery", lab.leadA,
                        ",\"threshold\":0.01,\"page_size\":500");
  // Brute force over the four compounds of products at that stage.
  auto query = lab.server.services().chem.prepareSimilarityQuery("c1ccccc1O", "");
  std::vector<std::pair<double, std::string>> scored;
  for (const auto& sc : all) {
    const std::string code = sc.compound.code();
    if (code != phenol && code != aniline && code != toluene && code != glycerol) continue;
    double score = chem::tanimoto(query.morganFingerprint, sc.compound.identity.morganFp);
    if (score >= 0.01) scored.push_back({score, code});
  }
  std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
    return x.first > y.first || (x.first == y.first && x.second < y.second);
  });
  std::vector<std::string> expectedSimilar;
  for (const auto& [score, code] : scored) expectedSimilar.push_back(code);
  BOOST_TEST_REQUIRE(expectedSimilar.size() >= 3u);
  BOOST_TEST(hitCodes(similar) == expectedSimilar);
  BOOST_TEST(hitCodes(search("exact", "Oc1ccccc1", "lab_discovery", lab.leadA)) ==
             std::vector<std::string>{phenol});
  BOOST_TEST(search("exact", "Oc1ccccc1", "scale_up", lab.leadA)
                 .json()
                 ->getValue<std::int64_t>("total") == 0);
  // A stage no product is at, and B, who cannot see A's products: nothing.
  BOOST_TEST(hitCodes(search("substructure", "c1ccccc1", "market_launch", lab.leadA)).empty());
  BOOST_TEST(hitCodes(search("substructure", "c1ccccc1", "lab_discovery", lab.leadB)).empty());
  BOOST_TEST(hitCodes(search("substructure", "c1ccccc1", "lab_discovery", lab.admin,
                             ",\"count_all\":true")) == discovery);
}

BOOST_AUTO_TEST_CASE(the_time_budget_stops_a_scan_and_says_so) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  auto& search = lab.server.search();
  auto snapshot = search.index().snapshot();
  auto spec = chem::prepareSubstructureQuery("c1ccccc1", "smiles");
  server::ScanFilter filter;
  filter.viewer = db::Principal::system("t");
  server::SubstructureOptions spent;
  spent.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  auto stopped = search.engine().substructure(*snapshot, spec, filter, spent);
  BOOST_TEST(!stopped.complete);
  BOOST_TEST(stopped.stoppedBy == "time_budget");
  BOOST_TEST(stopped.hits.empty());  // nothing verified after the deadline
  server::SubstructureOptions ample;
  auto full = search.engine().substructure(*snapshot, spec, filter, ample);
  BOOST_TEST(full.complete);
  BOOST_TEST(full.stoppedBy.empty());
  auto all = allCompounds(lab.server);
  BOOST_TEST(full.total ==
             static_cast<std::int64_t>(bruteSubstructure(all, "c1ccccc1", "smiles", filter.viewer).size()));
}

BOOST_AUTO_TEST_CASE(readers_search_while_compounds_are_registered) {
  Lab lab;  // the test index seals its tail every 32 rows
  auto& search = lab.server.search();
  auto spec = chem::prepareSubstructureQuery("c1ccccc1", "smiles");
  auto similar = lab.server.services().chem.prepareSimilarityQuery("Cc1ccccc1", "");
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> rounds{0};
  auto reader = [&] {
    server::ScanFilter filter;
    filter.viewer = db::Principal::system("t");
    std::int64_t lastTotal = 0;
    std::size_t lastCompounds = 0;
    while (!done.load()) {
      auto snapshot = search.index().snapshot();
      const std::size_t compounds = snapshot->compounds();
      auto outcome = search.engine().substructure(*snapshot, spec, filter, {});
      // Ascending ids, no duplicates, never fewer than an earlier snapshot found.
      for (std::size_t i = 1; i < outcome.hits.size(); ++i) {
        if (outcome.hits[i - 1].id >= outcome.hits[i].id) ++failures;
      }
      if (outcome.total < lastTotal || compounds < lastCompounds) ++failures;
      lastTotal = outcome.total;
      lastCompounds = compounds;
      server::SimilarityOptions top;
      top.k = 3;
      auto best = search.engine().similarity(*snapshot, similar.morganFingerprint, filter, top);
      for (std::size_t i = 1; i < best.hits.size(); ++i) {
        if (best.hits[i - 1].score < best.hits[i].score) ++failures;
      }
      ++rounds;
    }
  };
  std::thread r1(reader), r2(reader);
  // One registration at a time (each syncs the index), crossing several tail seals.
  std::vector<std::string> everything = kSetA;
  everything.insert(everything.end(), kSetB.begin() + 1, kSetB.end());
  everything.insert(everything.end(), {"c1ccc(cc1)Cc1ccccc1", "c1ccc(cc1)CCc1ccccc1",
                                       "c1ccc(cc1)CCCc1ccccc1", "Oc1ccc(Cl)cc1", "Oc1ccc(Br)cc1"});
  for (const auto& smiles : everything) lab.bulk(lab.a, {smiles});
  done = true;
  r1.join();
  r2.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(rounds.load() > 0);
  BOOST_TEST(search.index().snapshot()->segments.size() >= 2u);  // sealed while read
  auto all = allCompounds(lab.server);
  server::ScanFilter filter;
  filter.viewer = db::Principal::system("t");
  auto final = search.engine().substructure(*search.index().snapshot(), spec, filter, {});
  BOOST_TEST(final.total ==
             static_cast<std::int64_t>(bruteSubstructure(all, "c1ccccc1", "smiles", filter.viewer).size()));
}

BOOST_AUTO_TEST_CASE(an_index_rebuilt_from_sqlite_answers_like_the_live_one) {
  Lab lab;
  lab.bulk(lab.a, kSetA);
  lab.bulk(lab.b, kSetB);
  auto all = allCompounds(lab.server);
  std::int64_t retired = 0, published = 0;
  for (const auto& sc : all) {
    if (sc.compound.identity.canonicalSmiles == "c1ccc2ccccc2c1") retired = sc.compound.id;
    if (sc.compound.identity.canonicalSmiles == "Oc1ccccc1") published = sc.compound.id;
  }
  BOOST_TEST_REQUIRE(retired > 0);
  lab.setVisibility(published, "public");
  lab.server.database().write([&](db::Connection& c) {
    db::retireCompound(c, lab.server.services().clock, db::Principal::system("test"), retired,
                       "duplicate entry");
  });
  lab.server.search().compoundsChanged();
  // A cold start over the same database, with other segment sizes (several sealed segments).
  server::StructureSearchOptions options;
  options.index.loadSegmentRows = 7;
  options.index.tailCapacity = 5;
  server::StructureSearch cold(lab.server.database(), options);
  BOOST_TEST(cold.index().stats().compounds == lab.server.search().index().stats().compounds);
  BOOST_TEST(cold.index().snapshot()->segments.size() >= 5u);
  for (const db::Principal& who : {db::Principal::system("t"), member(lab.a), member(lab.b),
                                   db::Principal::anonymous()}) {
    server::ScanFilter filter;
    filter.viewer = who;
    for (const std::string query : {"c1ccccc1", "C(=O)O", "c1ccc2ccccc2c1"}) {
      auto spec = chem::prepareSubstructureQuery(query, "smiles");
      auto live = lab.server.search().engine().substructure(*lab.server.search().index().snapshot(),
                                                            spec, filter, {});
      auto rebuilt = cold.engine().substructure(*cold.index().snapshot(), spec, filter, {});
      std::vector<std::int64_t> a, b;
      for (const auto& h : live.hits) a.push_back(h.id);
      for (const auto& h : rebuilt.hits) b.push_back(h.id);
      BOOST_TEST(a == b, query);
      BOOST_TEST((std::find(b.begin(), b.end(), retired) == b.end()));
    }
    auto fp = lab.server.services().chem.prepareSimilarityQuery("Oc1ccccc1C", "").morganFingerprint;
    server::SimilarityOptions top;
    top.k = 10;
    auto live = lab.server.search().engine().similarity(*lab.server.search().index().snapshot(), fp,
                                                         filter, top);
    auto rebuilt = cold.engine().similarity(*cold.index().snapshot(), fp, filter, top);
    BOOST_TEST_REQUIRE(live.hits.size() == rebuilt.hits.size());
    for (std::size_t i = 0; i < live.hits.size(); ++i) {
      BOOST_TEST(live.hits[i].id == rebuilt.hits[i].id);
      BOOST_TEST(live.hits[i].score == rebuilt.hits[i].score);
    }
  }
  // The anonymous caller sees exactly the published phenol among phenol-like structures.
  server::ScanFilter anonymous;
  anonymous.viewer = db::Principal::anonymous();
  auto hits = cold.engine().substructure(*cold.index().snapshot(),
                                         chem::prepareSubstructureQuery("c1ccccc1", "smiles"),
                                         anonymous, {});
  BOOST_TEST_REQUIRE(hits.hits.size() == 1u);
  BOOST_TEST(hits.hits[0].id == published);
}

// Tests on ../shared/data (ctest server.search.shared_data; skipped when it is absent).
BOOST_AUTO_TEST_SUITE(shared_data, *test::needsSharedData())

BOOST_AUTO_TEST_CASE(nci_slice_matches_brute_force) {
  Lab lab;
  std::ifstream in(test::sharedData("molecules/nci_first_5k.smi"));
  std::vector<server::BulkRecord> records;
  std::string line;
  while (records.size() < 300 && std::getline(in, line)) {
    records.push_back({line.substr(0, line.find('\t')), "smiles", {}});
  }
  BOOST_TEST_REQUIRE(records.size() == 300u);
  auto result = server::registerBulk(lab.server.services(), db::Principal::system("t"), lab.a,
                                     records);
  BOOST_TEST(result.newCompounds + result.newForms + result.newBatches + result.rejected ==
             records.size());
  auto all = allCompounds(lab.server);
  for (const std::string query : {"c1ccccc1", "C(=O)N", "[N+](=O)[O-]", "c1ccncc1", "Cl", "C=C",
                                  "OC(=O)", "[#6]~[#7]~[#6]", "S"}) {
    auto r = lab.search(searchBody("substructure", query, "\"count_all\":true,\"page_size\":500"),
                        lab.admin);
    if (r.status == 400) continue;  // too general to screen (one atom)
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    std::string format = r.json()->getObject("query")->getValue<std::string>("format");
    BOOST_TEST(hitCodes(r) == bruteSubstructure(all, query, format, db::Principal::system("x")),
               query);
  }
}

BOOST_AUTO_TEST_CASE(rdkit_benchmark_queries_on_a_chembl_slice_match_brute_force) {
  Lab lab;
  // The first 400 molecules of the database of RDKit's substructure benchmark, and every
  // 17th query of each of its query sets (leads, fragments, lead scaffolds).
  std::ifstream file(test::sharedData("molecules/chembl16_50K_sss.smi.gz"), std::ios::binary);
  Poco::InflatingInputStream in(file, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::vector<server::BulkRecord> records;
  std::string line;
  while (records.size() < 400 && std::getline(in, line)) {
    records.push_back({line.substr(0, line.find('\t')), "smiles", {}});
  }
  BOOST_TEST_REQUIRE(records.size() == 400u);
  auto result = server::registerBulk(lab.server.services(), db::Principal::system("t"), lab.a,
                                     records);
  BOOST_TEST(result.rejected == 0u);
  auto all = allCompounds(lab.server);
  std::size_t queries = 0, hits = 0;
  for (const std::string set :
       {"zinc.leads.500.q.smi", "zinc.frags.500.q.smi", "zinc.leads.500.scaffolds.smi"}) {
    std::ifstream q(test::sharedData("queries/" + set));
    for (int n = 0; std::getline(q, line); ++n) {
      if (n % 17 != 0) continue;  // 30 queries spread over each set
      std::string query = line.substr(0, line.find_first_of("\t "));
      auto r = lab.search(searchBody("substructure", query,
                                     "\"format\":\"smiles\",\"count_all\":true,\"page_size\":500"),
                          lab.admin);
      BOOST_TEST_REQUIRE(r.status == 200, set << " " << query << ": " << r.body);
      auto expected = bruteSubstructure(all, query, "smiles", db::Principal::system("x"));
      BOOST_TEST(hitCodes(r) == expected, set << " " << query);
      BOOST_TEST(r.json()->getValue<bool>("complete"));
      ++queries;
      hits += expected.size();
    }
  }
  BOOST_TEST(queries == 89u);  // 30 + 30 + 29
  BOOST_TEST(hits > 0u);  // the scaffolds find plenty in ChEMBL
}

BOOST_AUTO_TEST_SUITE_END()  // shared_data

BOOST_AUTO_TEST_SUITE_END()
