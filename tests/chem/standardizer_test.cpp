// The standardisation pipeline and the parent / form split.
#include "chem/standardizer.h"

#include <GraphMol/MolPickler.h>
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

// A quaternary ammonium cannot be neutralised, so its chloride is a chloride: it used to be
// neutralised to HCl and labelled "hydrochloride", a form whose charges do not add up
// (choline chloride, the deep-eutectic-solvent component, was "hydrochloride, 1:1").
BOOST_AUTO_TEST_CASE(a_permanent_cation_keeps_its_anion) {
  Standardizer s;
  auto choline = standardizeSmiles(s, "C[N+](C)(C)CCO.[Cl-]");
  BOOST_TEST(RDKit::MolToSmiles(*choline.parent) == "C[N+](C)(C)CCO");
  BOOST_REQUIRE_EQUAL(choline.components.size(), 1u);
  BOOST_TEST(choline.components[0].smiles == "[Cl-]");
  BOOST_TEST(choline.components[0].name == "chloride");
  BOOST_TEST(choline.components[0].kind == "anion");
  BOOST_TEST(choline.formLabel == "chloride, 1:1");
  auto bromide = standardizeSmiles(s, "[Br-].C[N+](C)(C)C");
  BOOST_TEST(bromide.formLabel == "bromide, 1:1");
  auto sulfate = standardizeSmiles(s, "C[N+](C)(C)CCO.C[N+](C)(C)CCO.[O-]S(=O)(=O)[O-]");
  BOOST_TEST(sulfate.formLabel == "sulfate, 2:1");
  BOOST_TEST(sulfate.components[0].smiles == "O=S(=O)([O-])[O-]");
  // An amine salt is still the hydrochloride of the neutral amine.
  BOOST_TEST(standardizeSmiles(s, "C[NH3+].[Cl-]").formLabel == "hydrochloride, 1:1");
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

// Skipping steps that cannot apply must not change a single byte of the parent.
void expectSkippingInapplicableStepsChangesNothing(const std::vector<std::string>& smiles) {
  Standardizer fast;
  StandardizationOptions slowOptions;
  slowOptions.skipInapplicableSteps = false;
  Standardizer slow(slowOptions);
  for (const auto& s : smiles) {
    std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(s));
    if (!mol) continue;
    StandardizedStructure a, b;
    try {
      b = slow.standardize(*mol);
    } catch (const argan::Error&) {
      argan::test::expectError(argan::ErrorCode::InvalidArgument, [&] { fast.standardize(*mol); });
      continue;
    }
    a = fast.standardize(*mol);
    std::string pa, pb;
    RDKit::MolPickler::pickleMol(*a.parent, pa);
    RDKit::MolPickler::pickleMol(*b.parent, pb);
    BOOST_TEST(pa == pb, s);
    BOOST_TEST(a.formKey == b.formKey, s);
    BOOST_TEST(a.formLabel == b.formLabel, s);
    BOOST_TEST(a.stepsApplied == b.stepsApplied, s);
    BOOST_TEST(a.parentCount == b.parentCount, s);
  }
}

BOOST_AUTO_TEST_CASE(skipping_inapplicable_steps_changes_nothing) {
  expectSkippingInapplicableStepsChangesNothing(
      {"CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", "C[N+](C)(C)C.[Cl-]", "O=[N+]([O-])c1ccccc1",
       "ON(=O)=O", "CN(=O)=O", "c1cc[n+]([O-])cc1", "c1ccn(=O)cc1", "CN=[N+]=[N-]", "CN=N#N",
       "C=[N+]=[N-]", "CS(C)=O", "C[S+](C)[O-]", "OP(=O)(O)O", "[O-]P(=O)([O-])O.[K+].[K+]",
       "CC(=O)O[Na]", "[Na+].[Cl-]", "Cl", "C", "O.O.CCO", "CCO.O", "C1=CC=CC=C1[Fe]",
       "[NH3+]CC([O-])=O", "CC(C)(C)[Si](C)(C)OC", "Oc1ccc2c(c1)OCO2", "c1ccc2[nH]ccc2c1",
       "OC(=O)CC(O)(CC(O)=O)C(O)=O", "[O-][N+]#N", "N#N", "CC=[N+]([O-])C"});
}

// Tests on ../shared/data (ctest chem.standardizer.shared_data; skipped when it is absent).
BOOST_AUTO_TEST_SUITE(shared_data, *argan::test::needsSharedData())

BOOST_AUTO_TEST_CASE(skipping_inapplicable_steps_changes_nothing_on_nci_molecules) {
  auto smiles = argan::test::firstSmiles(argan::test::sharedData("molecules/nci_first_5k.smi"),
                                         1500);
  BOOST_TEST_REQUIRE(smiles.size() == 1500u);
  expectSkippingInapplicableStepsChangesNothing(smiles);
}

BOOST_AUTO_TEST_SUITE_END()  // shared_data

BOOST_AUTO_TEST_SUITE_END()
