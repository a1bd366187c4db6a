// Identity layers: InChIKeys against PubChem, the registration hash, tautomer and stereo
// relations.
#include "chem/identity.h"

#include "chem/inchi.h"
#include <GraphMol/SmilesParse/SmilesParse.h>
#include "chem/structure_analysis.h"
#include "chem/standardizer.h"
#include "test_support.h"

using namespace argan;
using namespace argan::chem;

BOOST_AUTO_TEST_SUITE(identity)

BOOST_AUTO_TEST_CASE(inchikeys_match_pubchem) {
  auto rows = test::readTsv(test::testData("pubchem_inchikeys.tsv"));
  BOOST_REQUIRE_GE(rows.size(), 20u);
  StructureAnalyser analyser;
  for (const auto& row : rows) {
    BOOST_REQUIRE_EQUAL(row.size(), 3u);
    auto a = analyser.analyse(row[1], "smiles");
    BOOST_TEST(a.identity.inchiKey == row[2], row[0] << ": " << a.identity.inchi);
  }
}

BOOST_AUTO_TEST_CASE(stereo_inchikeys_match_the_inchi_reference_tool) {
  // Keys from Debian's inchi_main on RDKit-drawn Molfiles: checks the 0D stereo parities.
  auto rows = test::readTsv(test::testData("chembl_stereo_inchi_main.tsv"));
  BOOST_REQUIRE_GE(rows.size(), 15u);
  StructureAnalyser analyser;
  for (const auto& row : rows) {
    auto a = analyser.analyse(row[0], "smiles");
    BOOST_TEST(a.identity.inchiKey == row[1], row[0]);
  }
}

BOOST_AUTO_TEST_CASE(same_molecule_written_differently_has_one_full_hash) {
  StructureAnalyser analyser;
  auto a = analyser.analyse("CC(=O)Oc1ccccc1C(=O)O");
  auto b = analyser.analyse("OC(=O)c1ccccc1OC(C)=O");       // other atom order
  auto c = analyser.analyse("CC(=O)OC1=CC=CC=C1C(O)=O");    // Kekulé
  BOOST_TEST(a.identity.fullHash == b.identity.fullHash);
  BOOST_TEST(a.identity.fullHash == c.identity.fullHash);
  BOOST_TEST(a.identity.fullHash.size() == 64u);
  BOOST_TEST(a.identity.fullHash == fullHashOfLayers(a.identity));
}

BOOST_AUTO_TEST_CASE(enantiomers_differ_but_share_the_no_stereo_layers) {
  StructureAnalyser analyser;
  auto l = analyser.analyse("N[C@@H](C)C(=O)O");
  auto d = analyser.analyse("N[C@H](C)C(=O)O");
  auto racemic = analyser.analyse("NC(C)C(=O)O");
  BOOST_TEST(l.identity.fullHash != d.identity.fullHash);
  BOOST_TEST(l.identity.fullHash != racemic.identity.fullHash);
  BOOST_TEST(l.identity.noStereoSmiles == d.identity.noStereoSmiles);
  BOOST_TEST(l.identity.noStereoTautomerHash == d.identity.noStereoTautomerHash);
  BOOST_TEST(l.identity.inchiKey.substr(0, 14) == d.identity.inchiKey.substr(0, 14));
}

BOOST_AUTO_TEST_CASE(enhanced_stereo_groups_are_part_of_identity) {
  StructureAnalyser analyser;
  auto absolute = analyser.analyse("C[C@H](O)CC");
  auto racemic = analyser.analyse("C[C@H](O)CC |&1:1|");
  BOOST_TEST(absolute.identity.fullHash != racemic.identity.fullHash);
  BOOST_TEST(racemic.identity.canonicalSmiles.find("&1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tautomers_are_distinct_parents_but_recognised) {
  StructureAnalyser analyser;
  IdentityCalculator calculator;
  auto keto = analyser.analyse("CC(=O)C");
  auto enol = analyser.analyse("CC(O)=C");
  BOOST_TEST(keto.identity.fullHash != enol.identity.fullHash);
  BOOST_TEST(keto.identity.skeleton == enol.identity.skeleton);
  BOOST_TEST(calculator.areTautomers(keto.identity.canonicalSmiles, enol.identity.canonicalSmiles));

  auto pyridone = analyser.analyse("O=c1cccc[nH]1");
  auto hydroxypyridine = analyser.analyse("Oc1ccccn1");
  BOOST_TEST(pyridone.identity.fullHash != hydroxypyridine.identity.fullHash);
  BOOST_TEST(pyridone.identity.tautomerHash == hydroxypyridine.identity.tautomerHash);
  BOOST_TEST(calculator.areTautomers(pyridone.identity.canonicalSmiles,
                                     hydroxypyridine.identity.canonicalSmiles));

  // Same skeleton, not tautomers: positional isomers of a C=C bond without a heteroatom.
  auto but1ene = analyser.analyse("C=CCC");
  auto but2ene = analyser.analyse("CC=CC");
  BOOST_TEST(but1ene.identity.skeleton == but2ene.identity.skeleton);
  BOOST_TEST(!calculator.areTautomers(but1ene.identity.canonicalSmiles,
                                      but2ene.identity.canonicalSmiles));
  // Stereoisomers are not tautomers.
  BOOST_TEST(!calculator.areTautomers("N[C@@H](C)C(=O)O", "N[C@H](C)C(=O)O"));
}

BOOST_AUTO_TEST_CASE(inchi_refuses_dummy_atoms) {
  std::unique_ptr<RDKit::ROMol> mol(RDKit::SmilesToMol("*CC"));
  argan::test::expectError(ErrorCode::InvalidArgument, [&] { computeStandardInchi(*mol); });
}

// Copying the no-stereo layers of stereo-free parents must give exactly the computed layers.
void expectReusedLayersEqualComputedOnes(const std::vector<std::string>& smiles) {
  Standardizer standardizer;
  IdentityCalculator fast;
  IdentityOptions slowOptions;
  slowOptions.reuseLayersWithoutStereo = false;
  IdentityCalculator slow(slowOptions);
  RDKit::SmilesParserParams params;
  params.allowCXSMILES = true;
  for (const auto& s : smiles) {
    std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(s, params));
    if (!mol) continue;
    std::unique_ptr<RDKit::ROMol> parent;
    try {
      parent = std::move(standardizer.standardize(*mol).parent);
    } catch (const argan::Error&) {
      continue;
    }
    IdentityLayers a, b;
    try {
      b = slow.compute(*parent);
    } catch (const argan::Error&) {
      continue;  // e.g. InChI refuses it: the fast path changes nothing there
    }
    a = fast.compute(*parent);
    BOOST_TEST(a.noStereoSmiles == b.noStereoSmiles, s);
    BOOST_TEST(a.noStereoTautomerHash == b.noStereoTautomerHash, s);
    BOOST_TEST(a.fullHash == b.fullHash, s);
    BOOST_TEST(a.skeleton == b.skeleton, s);
  }
}

BOOST_AUTO_TEST_CASE(reused_no_stereo_layers_equal_computed_ones) {
  expectReusedLayersEqualComputedOnes(
      {"CC(=O)Oc1ccccc1C(=O)O", "C/C=C/C", "C[C@H](N)C(=O)O", "C[C@H](O)[C@@H](C)O |&1:1,3|",
       "[2H]C([2H])([2H])O", "[H]/N=C/c1ccccc1", "OC1=CC=CC=C1", "CC(=O)C", "C1=CC=CN1",
       "F/C=C/F", "C1CC[C@H]2CCCC[C@@H]2C1", "[13CH4]", "N"});
}

// Tests on ../shared/data (ctest chem.identity.shared_data; skipped when it is absent).
BOOST_AUTO_TEST_SUITE(shared_data, *test::needsSharedData())

BOOST_AUTO_TEST_CASE(reused_no_stereo_layers_equal_computed_ones_on_nci_molecules) {
  auto smiles = test::firstSmiles(test::sharedData("molecules/nci_first_5k.smi"), 1500);
  BOOST_TEST_REQUIRE(smiles.size() == 1500u);
  expectReusedLayersEqualComputedOnes(smiles);
}

BOOST_AUTO_TEST_SUITE_END()  // shared_data

BOOST_AUTO_TEST_SUITE_END()
