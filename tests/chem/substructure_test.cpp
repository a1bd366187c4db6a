// Substructure queries: preparing untrusted text, screening bits, matching pickles.
#include <GraphMol/MolPickler.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include <atomic>
#include <chrono>

#include "chem/fingerprints.h"
#include "chem/substructure.h"
#include "test_support.h"

using namespace argan;

namespace {

std::string pickleOf(const std::string& smiles) {
  std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(smiles));
  std::string pickle;
  RDKit::MolPickler::pickleMol(*mol, pickle);
  return pickle;
}

bool covers(const std::string& target, const std::string& query) {
  for (std::size_t i = 0; i < query.size(); ++i) {
    if ((target[i] & query[i]) != query[i]) return false;
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(substructure)

BOOST_AUTO_TEST_CASE(formats_are_detected_and_screens_hold) {
  auto smiles = chem::prepareSubstructureQuery("c1ccccc1O", "");
  BOOST_TEST(smiles.format == "smiles");
  BOOST_TEST(smiles.atoms == 7u);
  BOOST_TEST(smiles.screenBits > 0u);
  auto smarts = chem::prepareSubstructureQuery("[OX2H]-c", "");
  BOOST_TEST(smarts.format == "smarts");
  // Every bit a query sets is set in a structure it matches.
  std::unique_ptr<RDKit::RWMol> phenol(RDKit::SmilesToMol("Oc1ccc(Cl)cc1"));
  std::string target = chem::patternFingerprint(*phenol);
  BOOST_TEST(covers(target, smiles.patternFingerprint));
  BOOST_TEST(covers(target, smarts.patternFingerprint));
}

BOOST_AUTO_TEST_CASE(matching_pickles_returns_atoms_in_query_order) {
  chem::SubstructureMatcher matcher(chem::prepareSubstructureQuery("C(=O)O", "smiles"));
  std::string pickle = pickleOf("CC(=O)Oc1ccccc1");
  std::vector<int> atoms;
  BOOST_TEST(matcher.matchPickle(pickle.data(), pickle.size(), &atoms));
  BOOST_TEST((atoms == std::vector<int>{1, 2, 3}));
  std::string benzene = pickleOf("c1ccccc1");
  BOOST_TEST(!matcher.matchPickle(benzene.data(), benzene.size()));
  test::expectError(ErrorCode::InvalidArgument, [&] { matcher.matchPickle("xx", 2); });
}

BOOST_AUTO_TEST_CASE(untrusted_queries_are_refused_with_reasons) {
  auto message = test::expectError(ErrorCode::InvalidArgument,
                                   [] { chem::prepareSubstructureQuery("[C;X4", "smarts"); });
  BOOST_TEST(!message.empty());
  test::expectError(ErrorCode::InvalidArgument, [] { chem::prepareSubstructureQuery("", ""); });
  test::expectError(ErrorCode::InvalidArgument,
                    [] { chem::prepareSubstructureQuery(std::string(2000, 'C'), "smiles"); });
  test::expectError(ErrorCode::InvalidArgument,
                    [] { chem::prepareSubstructureQuery("CCO", "inchi"); });
  test::expectError(ErrorCode::InvalidArgument,
                    [] { chem::prepareSubstructureQuery("C1CC", "smiles"); });
  // Deep recursive SMARTS is bounded by the branch-depth limit before RDKit sees it.
  std::string deep = "C";
  for (int i = 0; i < 40; ++i) deep = "[$(" + deep + ")]";
  test::expectError(ErrorCode::InvalidArgument, [&] { chem::prepareSubstructureQuery(deep, "smarts"); });
  // A lone wildcard is one atom, like a lone atom (the API refuses queries under two atoms as
  // too general, whatever few screen bits they set; it used to call "*" an empty structure).
  BOOST_TEST(chem::prepareSubstructureQuery("*", "smarts").atoms == 1u);
  auto carbon = chem::prepareSubstructureQuery("C", "smiles");
  BOOST_TEST(carbon.atoms == 1u);
  // It does set bits (RDKit's atom-count bits), so "no screening bit" alone would not
  // catch it: that is why the API also counts atoms.
  BOOST_TEST(carbon.screenBits > 0u);
  BOOST_TEST(chem::prepareSubstructureQuery("[#6]", "smarts").atoms == 1u);
  BOOST_TEST(chem::prepareSubstructureQuery("CC", "smiles").atoms == 2u);
}

namespace {

const char* const kC60 =
    "C12=C3C4=C5C6=C1C7=C8C9=C1C%10=C%11C(=C29)C3=C2C3=C4C4=C5C5=C9C6=C7C6=C7C8=C1C1=C8C%10="
    "C%10C%11=C2C2=C3C3=C4C4=C5C5=C%11C%12=C(C6=C95)C7=C1C1=C%12C5=C%11C4=C3C3=C5C(=C81)C%10="
    "C23";

// "c~c~...~[c;D4]" with n atoms: no atom of C60 has four neighbours, so RDKit explores every
// path of n-1 atoms before it says no; the time grows about 3x per two atoms (20 atoms:
// about 15 s).
std::string pathQuery(int n, bool recursive) {
  std::string q;
  for (int i = 0; i < n - 1; ++i) q += (i ? "~c" : "c");
  return q + (recursive ? "~[$(c~c~c~c~c~c~c~c~c~c~c~c~c~c~[c;D4])]" : "~[c;D4]");
}

}  // namespace

// RDKit's matching has no time limit of its own: the matcher's limit stops it from inside.
BOOST_AUTO_TEST_CASE(a_match_stops_at_its_deadline) {
  std::string c60 = pickleOf(kC60);
  for (bool recursive : {false, true}) {
    chem::SubstructureMatcher matcher(
        chem::prepareSubstructureQuery(pathQuery(20, recursive), "smarts"));
    BOOST_TEST(matcher.recursive() == recursive);
    chem::MatchLimit limit;
    limit.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    auto started = std::chrono::steady_clock::now();
    BOOST_CHECK_THROW(matcher.matchPickle(c60.data(), c60.size(), nullptr, &limit),
                      chem::MatchInterrupted);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    // Unbounded, the plain query takes about 15 s on an idle machine; a loaded one delays
    // the thread noticing its deadline, not the check.
    BOOST_TEST(ms < 3000, "stopped after " << ms << " ms");
  }
  // Cancelling stops it too; a limit that does not run out changes nothing.
  chem::SubstructureMatcher matcher(chem::prepareSubstructureQuery(pathQuery(18, false), "smarts"));
  std::atomic<bool> cancel{true};
  chem::MatchLimit cancelled;
  cancelled.cancel = &cancel;
  BOOST_CHECK_THROW(matcher.matchPickle(c60.data(), c60.size(), nullptr, &cancelled),
                    chem::MatchInterrupted);
  chem::SubstructureMatcher benzene(chem::prepareSubstructureQuery("c1ccccc1", "smiles"));
  chem::MatchLimit generous;
  generous.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::vector<int> atoms;
  BOOST_TEST(benzene.matchPickle(c60.data(), c60.size(), &atoms, &generous));
  BOOST_TEST(atoms.size() == 6u);
}

// Wildcard-only queries are queries with atoms (the search refuses them as too general).
BOOST_AUTO_TEST_CASE(wildcard_queries_have_atoms) {
  BOOST_TEST(chem::prepareSubstructureQuery("*~*", "smarts").atoms == 2u);
  BOOST_TEST(chem::prepareSubstructureQuery("*", "").atoms == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
