// Substructure queries: preparing untrusted text, screening bits, matching pickles.
#include <GraphMol/MolPickler.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

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
  // A lone wildcard counts as no atom; a lone atom is counted as one (the API refuses
  // queries under two atoms as too general, whatever few screen bits they set).
  test::expectError(ErrorCode::InvalidArgument, [] { chem::prepareSubstructureQuery("*", "smarts"); });
  auto carbon = chem::prepareSubstructureQuery("C", "smiles");
  BOOST_TEST(carbon.atoms == 1u);
  // It does set bits (RDKit's atom-count bits), so "no screening bit" alone would not
  // catch it: that is why the API also counts atoms.
  BOOST_TEST(carbon.screenBits > 0u);
  BOOST_TEST(chem::prepareSubstructureQuery("[#6]", "smarts").atoms == 1u);
  BOOST_TEST(chem::prepareSubstructureQuery("CC", "smiles").atoms == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
