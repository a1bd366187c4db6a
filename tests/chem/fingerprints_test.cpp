// Packed fingerprints: layout, Tanimoto, and the substructure screen property.
#include "chem/fingerprints.h"

#include <DataStructs/BitOps.h>
#include <GraphMol/Fingerprints/MorganFingerprints.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include "test_support.h"

using namespace argan::chem;

namespace {
std::unique_ptr<RDKit::ROMol> mol(const std::string& smiles) {
  return std::unique_ptr<RDKit::ROMol>(RDKit::SmilesToMol(smiles));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(fingerprints)

BOOST_AUTO_TEST_CASE(packed_morgan_agrees_with_rdkit_tanimoto) {
  auto a = mol("CC(=O)Oc1ccccc1C(=O)O");
  auto b = mol("OC(=O)c1ccccc1O");
  std::string fa = morganFingerprint(*a);
  std::string fb = morganFingerprint(*b);
  BOOST_TEST(fa.size() == kFingerprintBytes);
  std::unique_ptr<ExplicitBitVect> ra(RDKit::MorganFingerprints::getFingerprintAsBitVect(*a, 2, 2048));
  std::unique_ptr<ExplicitBitVect> rb(RDKit::MorganFingerprints::getFingerprintAsBitVect(*b, 2, 2048));
  BOOST_TEST(popcount(fa) == ra->getNumOnBits());
  BOOST_TEST(tanimoto(fa, fb) == TanimotoSimilarity(*ra, *rb), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(tanimoto(fa, fa) == 1.0);
  for (int bit = 0; bit < 2048; ++bit) {
    bool packed = (static_cast<unsigned char>(fa[bit / 8]) >> (bit % 8)) & 1;
    BOOST_REQUIRE(packed == ra->getBit(bit));
  }
}

BOOST_AUTO_TEST_CASE(pattern_fingerprint_of_a_substructure_is_covered) {
  auto whole = mol("CC(=O)Oc1ccccc1C(=O)O");
  auto part = mol("c1ccccc1C(=O)O");
  std::string fw = patternFingerprint(*whole);
  std::string fp = patternFingerprint(*part);
  for (std::size_t i = 0; i < fp.size(); ++i) {
    BOOST_REQUIRE((fp[i] & ~fw[i]) == 0);
  }
}

BOOST_AUTO_TEST_SUITE_END()
