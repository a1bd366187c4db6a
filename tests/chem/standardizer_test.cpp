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

// The parent is the active part, chosen by chem/data/salt_formers.tsv, not by size: pamoic
// acid (C23) outweighs pyrantel (C11) but is a listed salt former.
BOOST_AUTO_TEST_CASE(parent_is_chosen_by_the_salt_former_list_not_by_size) {
  Standardizer s;
  auto r = standardizeSmiles(s, "O.O.CCCCCCCC(=O)[O-].[K+]");
  BOOST_TEST(RDKit::MolToSmiles(*r.parent) == "CCCCCCCC(=O)O");
  BOOST_TEST(r.components.size() == 2u);
  auto pamoate = standardizeSmiles(
      s, "CN1CCCN=C1/C=C/c1cccs1.OC(=O)c1cc2ccccc2c(Cc2c(O)c(C(=O)O)cc3ccccc23)c1O");
  BOOST_TEST(RDKit::MolToSmiles(*pamoate.parent) == "CN1CCCN=C1/C=C/c1cccs1");
  BOOST_REQUIRE_EQUAL(pamoate.components.size(), 1u);
  BOOST_TEST(pamoate.components[0].name == "pamoate");
  BOOST_TEST(pamoate.formLabel == "pamoate, 1:1");
  auto trometamol = standardizeSmiles(s, "C[C@@H]1O[C@@H]1P(=O)(O)[O-].[NH3+]C(CO)(CO)CO");
  BOOST_TEST(RDKit::MolToSmiles(*trometamol.parent) == "C[C@@H]1O[C@@H]1P(=O)(O)O");
  BOOST_TEST(trometamol.formLabel == "trometamol salt, 1:1");
}

std::string refusalReason(Standardizer& s, const std::string& smiles) {
  try {
    standardizeSmiles(s, smiles);
  } catch (const argan::Error& e) {
    BOOST_TEST((e.code() == argan::ErrorCode::InvalidArgument), e.what());
    auto it = e.details().find("reason");
    return it == e.details().end() ? "" : std::get<std::string>(it->second);
  }
  return "stored";
}

BOOST_AUTO_TEST_CASE(mixtures_are_refused_never_made_a_form) {
  Standardizer s;
  BOOST_TEST(refusalReason(s, "C[C@H](N)C(=O)O.C[C@@H](N)C(=O)O") == "mixture");
  BOOST_TEST(refusalReason(s, "CCO.O") == "mixture");
  BOOST_TEST(refusalReason(s, "C[N+](C)(C)CCO.[Cl-].NC(N)=O.NC(N)=O") == "mixture");
  BOOST_TEST(refusalReason(s, "CCCCCCCC/C=C\\CCCCCCCC(=O)OC.CCCCCCCCCCCCCCCC(=O)OC") == "mixture");
  // A solvate has a solute, a salt a charged parent or neutral acid/base components.
  BOOST_TEST(refusalReason(s, "CCO.CC(=O)Nc1ccc(O)cc1") == "stored");
  BOOST_TEST(refusalReason(s, "CN(C)C(=N)NC(=N)N.Cl") == "stored");
}

BOOST_AUTO_TEST_CASE(polymers_and_star_atoms_are_refused_with_their_reason) {
  Standardizer s;
  BOOST_TEST(refusalReason(s, "*CC(*)c1ccccc1 |Sg:n:1,2::ht|") == "polymer");
  BOOST_TEST(refusalReason(s, "CC(O) |Sg:n:0,1,2::ht|") == "polymer");
  BOOST_TEST(refusalReason(s, "*CC*") == "star_atom");
}

// Inorganic inputs and metal compounds are their own parent: nothing is disconnected,
// neutralised or split off (RDKit's MetalDisconnector made [Ca]=O calcium hydride).
BOOST_AUTO_TEST_CASE(metal_and_inorganic_inputs_are_their_own_parent) {
  Standardizer s;
  auto cao = standardizeSmiles(s, "[Ca]=O");
  BOOST_TEST(RDKit::MolToSmiles(*cao.parent) == "[Ca+2].[O-2]");
  BOOST_TEST(cao.formLabel == "free form");
  auto koh = standardizeSmiles(s, "O[K]");
  BOOST_TEST(RDKit::MolToSmiles(*koh.parent) == "[K+].[OH-]");
  auto pd = standardizeSmiles(s, "CC(=O)[O-].CC(=O)[O-].[Pd+2]");
  BOOST_TEST(RDKit::MolToSmiles(*pd.parent) == "CC(=O)[O-].CC(=O)[O-].[Pd+2]");
  BOOST_TEST(pd.containsMetal);
  auto vitriol = standardizeSmiles(s, "[Cu+2].[O-]S([O-])(=O)=O.O.O.O.O.O");
  BOOST_TEST(vitriol.formLabel == "hydrate, 1:5");
  auto grignard = standardizeSmiles(s, "C[Mg]Br");
  BOOST_TEST(RDKit::MolToSmiles(*grignard.parent) == "C[Mg]Br");
  auto ferrocene = standardizeSmiles(s, "[cH-]1cccc1.[cH-]1cccc1.[Fe+2]");
  BOOST_TEST(ferrocene.parent->getNumAtoms() == 11u);
  auto acetate = standardizeSmiles(s, "CC(=O)O[Na]");
  BOOST_TEST(RDKit::MolToSmiles(*acetate.parent) == "CC(=O)O");
  BOOST_TEST(acetate.formLabel == "sodium salt, 1:1");
}

BOOST_AUTO_TEST_CASE(inner_salts_and_charge_sites) {
  Standardizer s;
  auto betaineHcl = standardizeSmiles(s, "C[N+](C)(C)CC(=O)O.[Cl-]");
  BOOST_TEST(RDKit::MolToSmiles(*betaineHcl.parent) == "C[N+](C)(C)CC(=O)[O-]");
  BOOST_TEST(betaineHcl.formLabel == "hydrochloride, 1:1");
  auto n1 = standardizeSmiles(s, "[Na+].COc1ccc2[n-]c(S(=O)Cc3ncc(C)c(OC)c3C)nc2c1");
  auto n3 = standardizeSmiles(s, "[Na+].COc1ccc2nc(S(=O)Cc3ncc(C)c(OC)c3C)[n-]c2c1");
  auto free = standardizeSmiles(s, "COc1ccc2[nH]c(S(=O)Cc3ncc(C)c(OC)c3C)nc2c1");
  BOOST_TEST(RDKit::MolToSmiles(*n1.parent) == RDKit::MolToSmiles(*n3.parent));
  BOOST_TEST(RDKit::MolToSmiles(*n1.parent) == RDKit::MolToSmiles(*free.parent));
  auto metformin = standardizeSmiles(s, "CN(C)C(=N)NC(=N)N");
  auto charged = standardizeSmiles(s, "CN(C)C(=[NH2+])N=C(N)N.[Cl-]");
  BOOST_TEST(RDKit::MolToSmiles(*metformin.parent) == RDKit::MolToSmiles(*charged.parent));
  // Other tautomers stay as drawn.
  BOOST_TEST(RDKit::MolToSmiles(*standardizeSmiles(s, "O=c1cccc[nH]1").parent) == "O=c1cccc[nH]1");
}

BOOST_AUTO_TEST_CASE(stereo_groups_survive_and_are_canonical) {
  Standardizer s;
  auto a = standardizeSmiles(s, "C[C@H](N)C(=O)O.Cl |&1:1|");
  auto b = standardizeSmiles(s, "C[C@@H](N)C(=O)O.Cl |&1:1|");
  BOOST_REQUIRE_EQUAL(a.parent->getStereoGroups().size(), 1u);
  BOOST_TEST(RDKit::MolToCXSmiles(*a.parent) == RDKit::MolToCXSmiles(*b.parent));
  auto abs = standardizeSmiles(s, "C[C@H](N)C(=O)O |a:1|");
  BOOST_TEST(abs.parent->getStereoGroups().empty());
  auto mapped = standardizeSmiles(s, "[CH3:1][CH2:2][OH:3]");
  BOOST_TEST(RDKit::MolToSmiles(*mapped.parent) == "CCO");
}

BOOST_AUTO_TEST_CASE(hill_formulas) {
  auto formula = [](const std::string& smiles) {
    std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(smiles));
    return hillFormula(*mol);
  };
  BOOST_TEST(formula("Cl") == "ClH");
  BOOST_TEST(formula("[K+].[OH-]") == "HKO");
  BOOST_TEST(formula("[Na+].[BH4-]") == "BH4Na");
  BOOST_TEST(formula("CCO") == "C2H6O");
  BOOST_TEST(formula("C[N+](C)(C)CCO") == "C5H14NO+");
  BOOST_TEST(formula("[2H]O[2H]") == "D2O");
  BOOST_TEST(formula("[Ca+2]") == "Ca+2");
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
