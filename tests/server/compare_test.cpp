// Cross-start-up comparison and neighbours: what administrators see, and that another
// start-up's unshared compound never shows up for a member except as an anonymous signal.
#include "db/identifiers.h"
#include "server/bulk_registration.h"
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
  // A's aspirin carries the anonymous signal (B holds the same parent privately); A's ester
  // does not: B's ethyl ester is above the requested 0.6 but below the cluster's 0.85 floor,
  // which the caller's threshold never moves (else repeated asking would read the score).
  BOOST_TEST(body->getValue<std::int64_t>("private_signals") == 1);
  for (const char* threshold : {"0.3", "0.99"}) {
    auto other = cl.server.call("GET", std::string("/api/compare/start-ups?threshold=") + threshold,
                                "", cl.leadA);
    BOOST_TEST_REQUIRE(other.status == 200, other.body);
    BOOST_TEST(other.json()->getValue<std::int64_t>("private_signals") == 1, threshold);
    BOOST_TEST(other.body.find("at least 0.85 similar") != std::string::npos);
  }
  auto identical = body->getArray("identical");
  BOOST_TEST_REQUIRE(identical->size() == 1u);
  BOOST_TEST(identical->getObject(0)->has("signal"));
  BOOST_TEST(identical->getObject(0)->getArray("compounds")->size() == 1u);

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

BOOST_AUTO_TEST_CASE(neighbours_show_visible_compounds_and_signal_hidden_ones) {
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
  BOOST_TEST(aspirin.json()->has("signal"));  // B holds the same parent privately
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
}

BOOST_AUTO_TEST_SUITE_END()
