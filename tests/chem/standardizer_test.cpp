// The standardisation pipeline and the parent / form split.
#include "chem/standardizer.h"

#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "test_support.h"

using namespace argan::chem;

namespace {
StandardizedStructure standardizeSmiles(Standardizer& s, const std::string& smiles) {
  std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(smiles));
  BOOST_REQUIRE(mol);
  return s.standardize(*mol);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(standardizer)

BOOST_AUTO_TEST_CASE(salt_and_free_acid_share_the_parent) {
  Standardizer s;
  auto acid = standardizeSmiles(s, "CC(=O)Oc1ccccc1C(=O)O");
  auto salt = standardizeSmiles(s, "CC(=O)Oc1ccccc1C(=O)[O-].[Na+]");
  auto covalent = standardizeSmiles(s, "CC(=O)Oc1ccccc1C(=O)O[Na]");
  BOOST_TEST(RDKit::MolToSmiles(*acid.parent) == RDKit::MolToSmiles(*salt.parent));
  BOOST_TEST(RDKit::MolToSmiles(*acid.parent) == RDKit::MolToSmiles(*covalent.parent));
  BOOST_TEST(acid.formLabel == "free form");
  BOOST_TEST(salt.formLabel == "sodium salt, 1:1");
  BOOST_TEST(covalent.formKey == salt.formKey);
  BOOST_TEST(acid.formKey != salt.formKey);
}

BOOST_AUTO_TEST_CASE(counter_ions_are_neutralised_and_counted) {
  Standardizer s;
  auto neutral = standardizeSmiles(s, "CN.Cl");
  auto ionic = standardizeSmiles(s, "C[NH3+].[Cl-]");
  BOOST_TEST(neutral.formKey == ionic.formKey);
  BOOST_TEST(ionic.formLabel == "hydrochloride, 1:1");
  auto disodium = standardizeSmiles(s, "[O-]C(=O)CCC(=O)[O-].[Na+].[Na+]");
  BOOST_TEST(disodium.formLabel == "sodium salt, 1:2");
  auto hemihydrate = standardizeSmiles(s, "CC(=O)Nc1ccc(O)cc1.CC(=O)Nc1ccc(O)cc1.O");
  BOOST_TEST(hemihydrate.parentCount == 2);
  BOOST_TEST(hemihydrate.formLabel == "hydrate, 2:1");
  auto reduced = standardizeSmiles(s, "CC(=O)[O-].CC(=O)[O-].[Ca+2].O.O");
  BOOST_TEST(reduced.formLabel == "calcium salt, 2:1; hydrate, 2:2");
}

BOOST_AUTO_TEST_CASE(parent_is_the_largest_organic_fragment) {
  Standardizer s;
  auto r = standardizeSmiles(s, "O.O.CCCCCCCC(=O)[O-].[K+]");
  BOOST_TEST(RDKit::MolToSmiles(*r.parent) == "CCCCCCCC(=O)O");
  BOOST_TEST(r.components.size() == 2u);
  auto unknown = standardizeSmiles(s, "c1ccccc1C(=O)O.C1CC1");
  BOOST_TEST(RDKit::MolToSmiles(*unknown.parent) == "O=C(O)c1ccccc1");
  BOOST_TEST(unknown.components.at(0).kind == "other");
  BOOST_TEST(unknown.formLabel == "C3H6 adduct, 1:1");
}

BOOST_AUTO_TEST_CASE(normalises_functional_groups) {
  Standardizer s;
  // MolVS rules: a sulfoxide is written one way whatever the drawing.
  auto doubleBond = standardizeSmiles(s, "CS(C)=O");
  auto chargeSeparated = standardizeSmiles(s, "C[S+](C)[O-]");
  BOOST_TEST(RDKit::MolToSmiles(*doubleBond.parent) ==
             RDKit::MolToSmiles(*chargeSeparated.parent));
  BOOST_TEST(doubleBond.stepsApplied.size() + chargeSeparated.stepsApplied.size() >= 1u);
  BOOST_TEST(s.description().find("RDKit 2022.09") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
