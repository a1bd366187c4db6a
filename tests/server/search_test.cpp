// Structure search over real HTTP, checked against brute-force RDKit on the same compounds:
// hit sets, paging, caps, filters inside the scan, visibility, bad queries, index updates.
#include <GraphMol/MolPickler.h>
#include <GraphMol/ROMol.h>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "chem/fingerprints.h"
#include "chem/substructure.h"
#include "db/identifiers.h"
#include "db/registry_store.h"
#include "server/bulk_registration.h"
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
    auto count = c.queryInt("SELECT MAX(id) FROM compounds").value_or(0);
    for (std::int64_t id = 1; id <= count; ++id) {
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
           {"c1ccc2ccccc2c1", "smiles"}, {"[CX4][OH]", "smarts"}, {"N", "smiles"}}) {
    for (const auto& [token, who] : std::vector<std::pair<std::string, db::Principal>>{
             {lab.admin, db::Principal::system("admin")}, {lab.leadA, member(lab.a)},
             {lab.leadB, member(lab.b)}}) {
      auto r = lab.search(searchBody("substructure", query,
                                     "\"format\":\"" + format +
                                         "\",\"count_all\":true,\"page_size\":500"),
                          token);
      if (query == "N" && r.status == 400) continue;  // a lone atom cannot be screened
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
}

BOOST_AUTO_TEST_CASE(shared_data_slice_matches_brute_force, *boost::unit_test::label("data")) {
  if (!test::sharedDataAvailable()) {
    BOOST_TEST_MESSAGE("skipped: ../shared/data is absent (the NCI slice comes from there)");
    return;
  }
  Lab lab;
  std::ifstream in(test::sharedData("molecules/nci_first_5k.smi"));
  std::vector<server::BulkRecord> records;
  std::string line;
  while (records.size() < 300 && std::getline(in, line)) {
    records.push_back({line.substr(0, line.find('\t')), "smiles", {}});
  }
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

BOOST_AUTO_TEST_SUITE_END()
