// StructureAnalyser::analyse: the work it shares between steps (AnalysisOptions, and the
// standardiser's skipped steps) gives exactly the results of the plain, step-by-step
// pipeline — every field, byte for byte, on curated and real molecules.
#include "chem/structure_analysis.h"

#include <Poco/InflatingStream.h>

#include <fstream>

#include "test_support.h"

using namespace argan::chem;

namespace {

StructureAnalyser eagerAnalyser() {
  StandardizationOptions plain;
  plain.skipInapplicableSteps = false;
  return StructureAnalyser(StructureLimits{}, plain, AnalysisOptions::eager());
}

struct Outcome {
  bool ok = false;
  StructureAnalysis analysis;
  std::string error;  // code and message when refused
};

Outcome analyse(StructureAnalyser& analyser, const std::string& text) {
  Outcome o;
  try {
    o.analysis = analyser.analyse(text);
    o.ok = true;
  } catch (const argan::Error& e) {
    o.error = std::string(argan::errorCodeName(e.code())) + ": " + e.what();
  }
  return o;
}

// Compares every field; returns how many molecules were analysed (not refused).
std::size_t expectSharedWorkChangesNothing(const std::vector<std::string>& inputs) {
  StructureAnalyser shared;
  StructureAnalyser eager = eagerAnalyser();
  std::size_t analysed = 0;
  for (const auto& text : inputs) {
    Outcome e = analyse(eager, text);
    Outcome s = analyse(shared, text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST_REQUIRE(s.ok == e.ok);
      if (!e.ok) {
        BOOST_TEST(s.error == e.error);
        continue;
      }
      ++analysed;
      const StructureAnalysis& a = s.analysis;
      const StructureAnalysis& b = e.analysis;
      BOOST_TEST((a.format == b.format));
      BOOST_TEST(a.warnings == b.warnings);
      BOOST_TEST(a.identity.formula == b.identity.formula);
      BOOST_TEST(a.identity.canonicalSmiles == b.identity.canonicalSmiles);
      BOOST_TEST(a.identity.tautomerHash == b.identity.tautomerHash);
      BOOST_TEST(a.identity.noStereoSmiles == b.identity.noStereoSmiles);
      BOOST_TEST(a.identity.noStereoTautomerHash == b.identity.noStereoTautomerHash);
      BOOST_TEST(a.identity.skeleton == b.identity.skeleton);
      BOOST_TEST(a.identity.inchi == b.identity.inchi);
      BOOST_TEST(a.identity.inchiKey == b.identity.inchiKey);
      BOOST_TEST(a.identity.fullHash == b.identity.fullHash);
      BOOST_TEST(a.properties.formula == b.properties.formula);
      // Exact equality of doubles: the same RDKit calls on the same molecule.
      BOOST_TEST(a.properties.averageMass == b.properties.averageMass);
      BOOST_TEST(a.properties.monoisotopicMass == b.properties.monoisotopicMass);
      BOOST_TEST(a.properties.clogp == b.properties.clogp);
      BOOST_TEST(a.properties.tpsa == b.properties.tpsa);
      BOOST_TEST(a.properties.hbd == b.properties.hbd);
      BOOST_TEST(a.properties.hba == b.properties.hba);
      BOOST_TEST(a.properties.rotatableBonds == b.properties.rotatableBonds);
      BOOST_TEST(a.properties.heavyAtoms == b.properties.heavyAtoms);
      BOOST_TEST(a.properties.rings == b.properties.rings);
      BOOST_TEST(a.properties.aromaticRings == b.properties.aromaticRings);
      BOOST_TEST(a.properties.fractionSp3 == b.properties.fractionSp3);
      BOOST_TEST(a.properties.formalCharge == b.properties.formalCharge);
      BOOST_TEST(a.morganFingerprint == b.morganFingerprint);
      BOOST_TEST(a.patternFingerprint == b.patternFingerprint);
      BOOST_TEST(a.parentPickle == b.parentPickle);
      BOOST_TEST(a.parentCount == b.parentCount);
      BOOST_TEST_REQUIRE(a.formComponents.size() == b.formComponents.size());
      for (std::size_t i = 0; i < a.formComponents.size(); ++i) {
        BOOST_TEST(a.formComponents[i].smiles == b.formComponents[i].smiles);
        BOOST_TEST(a.formComponents[i].name == b.formComponents[i].name);
        BOOST_TEST(a.formComponents[i].kind == b.formComponents[i].kind);
        BOOST_TEST(a.formComponents[i].count == b.formComponents[i].count);
      }
      BOOST_TEST(a.formKey == b.formKey);
      BOOST_TEST(a.formLabel == b.formLabel);
      BOOST_TEST(a.standardizationSteps == b.standardizationSteps);
      BOOST_TEST(a.standardizer == b.standardizer);
      // The similarity query path shares the parent SMILES too.
      SimilarityQuerySpec qa = shared.similarityQuery(text);
      SimilarityQuerySpec qb = eager.similarityQuery(text);
      BOOST_TEST(qa.canonicalSmiles == qb.canonicalSmiles);
      BOOST_TEST(qa.morganFingerprint == qb.morganFingerprint);
    }
  }
  return analysed;
}

// `count` SMILES from a (gzipped) "SMILES<TAB>name" file, one every `stride` lines.
std::vector<std::string> sampleSmiles(const std::string& path, std::size_t count,
                                      std::size_t stride) {
  std::ifstream file(path, std::ios::binary);
  std::unique_ptr<std::istream> inflated;
  std::istream* in = &file;
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    inflated = std::make_unique<Poco::InflatingInputStream>(
        file, Poco::InflatingStreamBuf::STREAM_GZIP);
    in = inflated.get();
  }
  std::vector<std::string> out;
  std::string line;
  for (std::size_t n = 0; out.size() < count && std::getline(*in, line); ++n) {
    if (n % stride == 0) out.push_back(line.substr(0, line.find_first_of("\t ")));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(structure_analysis)

BOOST_AUTO_TEST_CASE(shared_work_changes_nothing_on_curated_molecules) {
  // Salts and solvates (several fragments), a quaternary ammonium (its chloride is named from
  // the charged fragment), stereo, enhanced stereo, isotopes, explicit and stereo-defining
  // hydrogens, metals, charges the standardiser neutralises, a Molfile, refused inputs.
  const std::vector<std::string> inputs = {
      "CC(=O)Oc1ccccc1C(=O)O", "CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", "C[N+](C)(C)C.[Cl-]",
      "C[N+](C)(C)CCCC.[Br-]", "C[N+](C)(C)CCO.OS(=O)(=O)[O-]", "CN.Cl", "C[NH3+].[Cl-]",
      "O.O.CCO", "CCO.O", "C[C@H](N)C(=O)O", "C[C@H](O)[C@@H](C)O |&1:1,3|",
      "C[C@H](O)CC |&1:1|", "F/C=C/F", "C/C=C\\C", "[2H]C([2H])([2H])O", "[13CH4]",
      "[H]/N=C/c1ccccc1", "[H][C@@](C)(N)O", "OC1=CC=CC=C1", "CC(=O)C", "O=c1cccc[nH]1",
      "C1=CC=C(C=C1)[Fe]", "CC(=O)O[Na]", "[Na+].[Cl-]", "O=[N+]([O-])c1ccccc1",
      "c1cc[n+]([O-])cc1", "CS(C)=O", "[NH3+]CC([O-])=O", "OC(=O)CC(O)(CC(O)=O)C(O)=O",
      "C1CC[C@H]2CCCC[C@@H]2C1", "N", "Cl", "C", "[O-][N+]#N", "CC=[N+]([O-])C",
      "\n  Argan\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    1.2990    0.7500    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "  1  2  1  0\nM  END\n",
      "C1CC", "c1cccc1", "*CC", "C(C)(C)(C)(C)C"};
  BOOST_TEST(expectSharedWorkChangesNothing(inputs) > 30u);
}

// Tests on ../shared/data (ctest chem.structure_analysis.shared_data; skipped when absent).
BOOST_AUTO_TEST_SUITE(shared_data, *argan::test::needsSharedData())

BOOST_AUTO_TEST_CASE(shared_work_changes_nothing_on_nci_molecules) {
  auto smiles = sampleSmiles(argan::test::sharedData("molecules/nci_first_5k.smi"), 800, 6);
  BOOST_TEST_REQUIRE(smiles.size() == 800u);
  BOOST_TEST(expectSharedWorkChangesNothing(smiles) > 700u);
}

BOOST_AUTO_TEST_CASE(shared_work_changes_nothing_on_chembl_molecules) {
  auto smiles =
      sampleSmiles(argan::test::sharedData("molecules/chembl16_50K_sss.smi.gz"), 800, 61);
  BOOST_TEST_REQUIRE(smiles.size() == 800u);
  BOOST_TEST(expectSharedWorkChangesNothing(smiles) > 750u);
}

BOOST_AUTO_TEST_CASE(shared_work_changes_nothing_on_the_benchmark_set) {
  // Spread over the whole 1.1 M ChEMBL + ZINC set that scripts/bench registers.
  auto smiles = sampleSmiles(
      argan::test::sharedData("molecules/chembl_zinc_union_1.1M.smi.gz"), 800, 1373);
  BOOST_TEST_REQUIRE(smiles.size() == 800u);
  BOOST_TEST(expectSharedWorkChangesNothing(smiles) > 750u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
