// Cross-start-up comparison and neighbours: what administrators see, and that another
// start-up's unshared compound never shows up for a member, not even as a signal.
#include <cmath>
#include <map>
#include <set>

#include "chem/fingerprints.h"
#include "chem/scaffold.h"
#include "db/identifiers.h"
#include "server/registry/bulk_registration.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

struct Cluster {
  TestServer server;
  std::int64_t a = server.createStartUp("Argania");
  std::int64_t b = server.createStartUp("Biocactus");
  std::string leadA = server.userToken("lead@argania.ma", db::Role::Lead, a);
  std::string leadB = server.userToken("lead@biocactus.ma", db::Role::Lead, b);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);
  std::vector<std::string> codesA, codesB;

  Cluster() {
    codesA = load(a, {"CC(=O)Oc1ccccc1C(=O)O", "CCCCCCCCCCCCCCCC(=O)OC", "c1ccc2ccccc2c1O"});
    // B: the same aspirin, a near-duplicate of A's methyl ester (ethyl), a distinct amine.
    codesB = load(b, {"CC(=O)Oc1ccccc1C(=O)O", "CCCCCCCCCCCCCCCC(=O)OCC", "NCCCCN"});
  }
  std::vector<std::string> load(std::int64_t startUp, const std::vector<std::string>& smiles) {
    std::vector<server::BulkRecord> records;
    for (const auto& s : smiles) records.push_back({s, "smiles", {}});
    auto result = server::registerBulk(server.services(), db::Principal::system("t"), startUp, records);
    std::vector<std::string> codes;
    for (const auto& v : result.verdicts) codes.push_back(v.compoundCode);
    return codes;
  }
  void share(const std::string& code, const std::string& visibility) {
    auto id = db::parseCode(code)->compoundId;
    server.database().write([&](db::Connection& c) {
      db::Statement st(c, "UPDATE compounds SET visibility = ?, updated_at = ? WHERE id = ?");
      st.bind(1, visibility).bind(2, server.services().clock.nowIso()).bind(3, id).run();
    });
    server.search().compoundsChanged();
  }
};


// The comparison recomputed by brute force for `viewer`: every number the API returns.
struct Expected {
  std::map<std::int64_t, std::map<std::int64_t, std::pair<std::string, double>>> nearest;
  std::map<std::pair<std::int64_t, std::int64_t>, double> matrix;  // (S, T) -> mean of max
  std::map<std::int64_t, std::set<std::string>> scaffolds;  // start-up -> visible scaffolds
  std::set<std::string> sharedScaffolds;
  std::size_t nearDuplicates = 0;
  std::size_t visible = 0;
};

Expected bruteForce(TestServer& server, const db::Principal& viewer, double threshold) {
  struct Row {
    std::int64_t id, startUp;
    std::string fp, scaffold;
  };
  std::vector<Row> rows;
  server.database().read([&](db::Connection& c) {
    db::Statement st(c,
                     "SELECT id, start_up_id, visibility, morgan_fp, mol_pickle FROM compounds"
                     " WHERE retired_at IS NULL ORDER BY id");
    while (st.step()) {
      if (!db::canSee(viewer, st.getInt(1), st.getText(2))) continue;
      rows.push_back({st.getInt(0), st.getInt(1), st.getBlob(3),
                      chem::murckoScaffoldOfPickle(st.getBlob(4))});
    }
  });
  Expected e;
  e.visible = rows.size();
  std::map<std::pair<std::int64_t, std::int64_t>, std::pair<double, int>> sums;
  auto& scaffolds = e.scaffolds;
  std::map<std::string, std::set<std::int64_t>> owners;
  for (const auto& a : rows) {
    if (!a.scaffold.empty()) {
      scaffolds[a.startUp].insert(a.scaffold);
      owners[a.scaffold].insert(a.startUp);
    }
    for (const auto& b : rows) {
      if (b.startUp == a.startUp) continue;
      double s = chem::tanimoto(a.fp, b.fp);
      if (a.id < b.id && s >= threshold) ++e.nearDuplicates;
      auto& best = e.nearest[a.id];
      auto it = best.find(b.startUp);
      if (it == best.end() || s > it->second.second) {  // ascending ids: ties keep the first
        best[b.startUp] = {db::compoundCode(b.id), s};
      }
    }
  }
  for (const auto& [compoundId, perStartUp] : e.nearest) {
    const auto id = compoundId;  // lambdas may not capture a structured binding (Clang)
    auto owner = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.id == id; });
    for (const auto& [t, best] : perStartUp) {
      auto& slot = sums[{owner->startUp, t}];
      slot.first += best.second;
      ++slot.second;
    }
  }
  for (const auto& [key, sum] : sums) e.matrix[key] = sum.first / sum.second;
  for (const auto& [scaffold, who] : owners) {
    if (who.size() >= 2) e.sharedScaffolds.insert(scaffold);
  }
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(compare)

BOOST_AUTO_TEST_CASE(administrators_see_identical_parents_near_duplicates_and_the_matrix) {
  Cluster cl;
  auto r = cl.server.call("GET", "/api/compare/start-ups?threshold=0.6", "", cl.admin);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto body = r.json();
  auto identical = body->getArray("identical");
  BOOST_TEST_REQUIRE(identical->size() == 1u);
  auto members = identical->getObject(0)->getArray("compounds");
  BOOST_TEST(members->size() == 2u);
  BOOST_TEST(members->getObject(0)->getValue<std::string>("id") == cl.codesA[0]);
  BOOST_TEST(members->getObject(1)->getValue<std::string>("id") == cl.codesB[0]);
  // Aspirin pair (1.0) and the ester pair are near-duplicates; nothing else is.
  auto pairs = body->getArray("near_duplicates");
  BOOST_TEST_REQUIRE(pairs->size() == 2u);
  BOOST_TEST(pairs->getObject(0)->getValue<double>("similarity") == 1.0);
  BOOST_TEST(pairs->getObject(1)->getObject("a")->getValue<std::string>("id") == cl.codesA[1]);
  BOOST_TEST(pairs->getObject(1)->getObject("b")->getValue<std::string>("id") == cl.codesB[1]);
  auto matrix = body->getArray("similarity_matrix");
  BOOST_TEST(matrix->size() == 2u);
  double ab = matrix->getArray(0)->getElement<double>(1);
  BOOST_TEST(ab > 0.3);
  BOOST_TEST(ab < 1.0);
  BOOST_TEST(body->getArray("neighbours")->size() == 6u);
  BOOST_TEST(body->getObject("scaffolds")->getArray("shared")->size() == 1u);  // benzene
}

BOOST_AUTO_TEST_CASE(members_never_see_another_start_ups_unshared_compounds) {
  Cluster cl;
  auto r = cl.server.call("GET", "/api/compare/start-ups?threshold=0.6", "", cl.leadA);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  for (const auto& code : cl.codesB) {
    BOOST_TEST(r.body.find(code) == std::string::npos, code << " leaked");
  }
  BOOST_TEST(r.body.find("NCCCCN") == std::string::npos);
  BOOST_TEST(r.body.find("OCC") == std::string::npos);  // B's ethyl ester SMILES
  auto body = r.json();
  BOOST_TEST(body->getArray("near_duplicates")->size() == 0u);
  // B holds the same aspirin privately, and nothing in A's answer says so, whatever the
  // threshold: no signal, no count, no identical group (only A's own compounds are compared),
  // and the same constant notice says where such overlaps go.
  BOOST_TEST(!body->has("private_signals"));
  BOOST_TEST(r.body.find("signal") == std::string::npos);
  BOOST_TEST(body->getArray("identical")->size() == 0u);
  const std::string notice = body->getValue<std::string>("overlap_notice");
  BOOST_TEST(notice.find("administrators") != std::string::npos);
  for (const char* threshold : {"0.3", "0.99"}) {
    auto other = cl.server.call("GET", std::string("/api/compare/start-ups?threshold=") + threshold,
                                "", cl.leadA);
    BOOST_TEST_REQUIRE(other.status == 200, other.body);
    BOOST_TEST(!other.json()->has("private_signals"), threshold);
    BOOST_TEST(other.json()->getArray("identical")->size() == 0u, threshold);
    BOOST_TEST(other.json()->getValue<std::string>("overlap_notice") == notice, threshold);
    for (const auto& code : cl.codesB) BOOST_TEST(other.body.find(code) == std::string::npos);
  }
  // The overlap goes to the cluster's administrators instead, who broker contact.
  auto overlaps = cl.server.call("GET", "/api/overlaps", "", cl.admin);
  BOOST_TEST_REQUIRE(overlaps.status == 200, overlaps.body);
  bool aspirinPair = false;
  auto items = overlaps.json()->getArray("overlaps");
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto item = items->getObject(i);
    std::set<std::string> sides{item->getObject("a")->getValue<std::string>("compound"),
                                item->getObject("b")->getValue<std::string>("compound")};
    if (sides == std::set<std::string>{cl.codesA[0], cl.codesB[0]}) {
      aspirinPair = item->getValue<bool>("identical");
    }
  }
  BOOST_TEST(aspirinPair, overlaps.body);
  BOOST_TEST(overlaps.body.find(cl.codesB[2]) == std::string::npos);  // the amine overlaps nothing
  BOOST_TEST(cl.server.call("GET", "/api/overlaps", "", cl.leadA).status == 403);

  // Once B shares its ester with the cluster, A sees the pair — and only that compound.
  cl.share(cl.codesB[1], "cluster");
  auto after = cl.server.call("GET", "/api/compare/start-ups?threshold=0.6", "", cl.leadA);
  BOOST_TEST_REQUIRE(after.status == 200, after.body);
  BOOST_TEST(after.body.find(cl.codesB[1]) != std::string::npos);
  BOOST_TEST(after.body.find(cl.codesB[0]) == std::string::npos);
  BOOST_TEST(after.body.find(cl.codesB[2]) == std::string::npos);
  BOOST_TEST(after.json()->getArray("near_duplicates")->size() == 1u);

  // Partners and anonymous callers may not compare start-ups.
  BOOST_TEST(cl.server.call("GET", "/api/compare/start-ups", "", cl.partner).status == 403);
  BOOST_TEST(cl.server.call("GET", "/api/compare/start-ups", "").status == 401);
  BOOST_TEST(cl.server.call("GET", "/api/compare/start-ups?threshold=2", "", cl.admin).status == 400);
  BOOST_TEST(cl.server.call("GET", "/api/compare/start-ups?start_ups=99", "", cl.admin).status == 400);
}

BOOST_AUTO_TEST_CASE(neighbours_show_visible_compounds_and_say_nothing_of_hidden_ones) {
  Cluster cl;
  const std::string path = "/api/compounds/" + cl.codesA[1] + "/neighbours?k=5";
  // The signal's floor is the cluster's rule: asking for another is refused.
  auto moved = cl.server.call("GET", path + "&signal_threshold=0.6", "", cl.leadA);
  BOOST_TEST(moved.status == 400);
  BOOST_TEST(moved.body.find("signal_threshold") != std::string::npos);
  auto asA = cl.server.call("GET", path, "", cl.leadA);
  BOOST_TEST_REQUIRE(asA.status == 200, asA.body);
  for (const auto& code : cl.codesB) BOOST_TEST(asA.body.find(code) == std::string::npos);
  BOOST_TEST(!asA.json()->has("signal"));  // B's ethyl ester is below 0.85
  auto aspirin = cl.server.call("GET", "/api/compounds/" + cl.codesA[0] + "/neighbours", "", cl.leadA);
  BOOST_TEST_REQUIRE(aspirin.status == 200, aspirin.body);
  BOOST_TEST(aspirin.body.find(cl.codesB[0]) == std::string::npos);
  // B holds the same parent privately: nothing says so, only the constant notice.
  BOOST_TEST(!aspirin.json()->has("signal"));
  BOOST_TEST(aspirin.json()->getValue<std::string>("overlap_notice") ==
             asA.json()->getValue<std::string>("overlap_notice"));
  auto neighbours = asA.json()->getArray("neighbours");
  BOOST_TEST(neighbours->size() == 2u);  // A's other two, never itself
  auto asAdmin = cl.server.call("GET", path, "", cl.admin);
  BOOST_TEST_REQUIRE(asAdmin.status == 200, asAdmin.body);
  auto first = asAdmin.json()->getArray("neighbours")->getObject(0);
  BOOST_TEST(first->getObject("compound")->getValue<std::string>("id") == cl.codesB[1]);
  BOOST_TEST(!asAdmin.json()->has("signal"));
  // B's private compound is not found for A, exactly like a missing one.
  auto hidden = cl.server.call("GET", "/api/compounds/" + cl.codesB[1] + "/neighbours", "", cl.leadA);
  BOOST_TEST(hidden.status == 404);
  BOOST_TEST(cl.server.call("GET", path + "&k=0", "", cl.leadA).status == 400);
  // No signal on another start-up's compound: C looks at A's ester once A shares it; B's
  // private ethyl ester is close to it, but only A (the owner) learns that.
  std::int64_t c = cl.server.createStartUp("Cedrus");
  std::string leadC = cl.server.userToken("lead@cedrus.ma", db::Role::Lead, c);
  cl.share(cl.codesA[1], "cluster");  // A's methyl ester, close to B's private ethyl ester
  auto asC = cl.server.call("GET", "/api/compounds/" + cl.codesA[1] +
                                       "/neighbours", "", leadC);
  BOOST_TEST_REQUIRE(asC.status == 200, asC.body);
  BOOST_TEST(!asC.json()->has("signal"));
  BOOST_TEST(asC.body.find(cl.codesB[1]) == std::string::npos);
  // The signal's floor is the cluster's rule: a caller cannot lower it to probe similarities.
  BOOST_TEST(cl.server.call("GET", path + "&signal_threshold=0.6", "", cl.leadA).status == 400);
}


BOOST_AUTO_TEST_CASE(every_figure_equals_a_brute_force_recomputation) {
  Cluster cl;
  std::int64_t c = cl.server.createStartUp("Cedrus");
  std::string leadC = cl.server.userToken("lead@cedrus.ma", db::Role::Lead, c);
  auto codesC = cl.load(c, {"c1ccc2ccccc2c1", "Oc1ccc2ccccc2c1", "CC(=O)Oc1ccccc1C(=O)OC",
                            "C1CCC(CC1)c1ccccc1", "O=C(O)c1ccc2ccccc2c1", "NCCCCCN"});
  cl.load(cl.b, {"c1ccc(cc1)C1CCCCC1O", "Cc1ccc2ccccc2c1"});
  // B shares two compounds with the cluster; C publishes one.
  cl.share(cl.codesB[2], "cluster");
  cl.share(cl.codesB[1], "cluster");
  cl.share(codesC[1], "public");
  for (const auto& [token, viewer] :
       std::vector<std::pair<std::string, db::Principal>>{
           {cl.admin, db::Principal::system("admin")},
           {cl.leadA, [&] { db::Principal p; p.role = db::Role::Lead; p.startUpId = cl.a; p.userId = 1; return p; }()},
           {leadC, [&] { db::Principal p; p.role = db::Role::Lead; p.startUpId = c; p.userId = 2; return p; }()}}) {
    auto r = cl.server.call("GET", "/api/compare/start-ups?threshold=0.5", "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    auto body = r.json();
    Expected e = bruteForce(cl.server, viewer, 0.5);
    BOOST_TEST(body->getValue<std::int64_t>("near_duplicate_count") ==
               static_cast<std::int64_t>(e.nearDuplicates));
    // Nearest neighbour of each visible compound in every other start-up's visible set.
    auto neighbours = body->getArray("neighbours");
    BOOST_TEST_REQUIRE(neighbours->size() == e.visible);
    std::size_t checked = 0;
    for (std::size_t i = 0; i < neighbours->size(); ++i) {
      auto row = neighbours->getObject(static_cast<unsigned>(i));
      auto id = db::parseCode(row->getObject("compound")->getValue<std::string>("id"))->compoundId;
      const auto& expected = e.nearest[id];
      auto nearest = row->getArray("nearest");
      for (std::size_t j = 0; j < nearest->size(); ++j) {
        auto nn = nearest->getObject(static_cast<unsigned>(j));
        auto t = nn->getValue<std::int64_t>("start_up");
        auto it = expected.find(t);
        if (it == expected.end()) {
          BOOST_TEST(nn->isNull("neighbour"), "no visible compound in " << t);
          continue;
        }
        BOOST_TEST(nn->getValue<std::string>("neighbour") == it->second.first);
        BOOST_TEST(std::abs(nn->getValue<double>("similarity") - it->second.second) < 6e-5);
        ++checked;
      }
    }
    BOOST_TEST(checked > 0u);
    // Start-up matrix: mean over S's compounds of their best similarity in T.
    std::vector<std::int64_t> order;
    auto startUps = body->getArray("start_ups");
    for (std::size_t i = 0; i < startUps->size(); ++i) {
      order.push_back(startUps->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
    }
    // A start-up appears only when the caller sees one of its compounds (issue 5's rule).
    BOOST_TEST_REQUIRE(order.size() >= 2u);
    BOOST_TEST_REQUIRE(order.size() <= 3u);
    auto matrix = body->getArray("similarity_matrix");
    auto jaccard = body->getObject("scaffolds")->getArray("jaccard_matrix");
    for (std::size_t s = 0; s < order.size(); ++s) {
      for (std::size_t t = 0; t < order.size(); ++t) {
        if (s == t) continue;
        auto m = e.matrix.find({order[s], order[t]});
        auto cell = matrix->getArray(static_cast<unsigned>(s));
        if (m == e.matrix.end()) {
          BOOST_TEST(cell->isNull(static_cast<unsigned>(t)));
        } else {
          BOOST_TEST(std::abs(cell->getElement<double>(static_cast<unsigned>(t)) - m->second) < 6e-5);
        }
        // Scaffold overlap: Jaccard of the visible scaffold sets.
        const auto& setS = e.scaffolds[order[s]];
        const auto& setT = e.scaffolds[order[t]];
        std::size_t inter = 0;
        for (const auto& sc : setS) inter += setT.count(sc);
        const std::size_t uni = setS.size() + setT.size() - inter;
        auto jcell = jaccard->getArray(static_cast<unsigned>(s));
        if (uni == 0) {
          BOOST_TEST(jcell->isNull(static_cast<unsigned>(t)));
        } else {
          BOOST_TEST(std::abs(jcell->getElement<double>(static_cast<unsigned>(t)) -
                              static_cast<double>(inter) / static_cast<double>(uni)) < 6e-5);
        }
      }
    }
    std::set<std::string> shared;
    auto list = body->getObject("scaffolds")->getArray("shared");
    for (std::size_t i = 0; i < list->size(); ++i) {
      shared.insert(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("scaffold"));
    }
    BOOST_TEST(shared == e.sharedScaffolds);
  }
}

BOOST_AUTO_TEST_SUITE_END()
