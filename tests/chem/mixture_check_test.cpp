// chem::classifyMixture / refuseMixture: a mixture is refused with its components and a
// pointer to substances; salts, hydrates and unusual inorganic counter-ions stay forms.
#include "chem/mixture_check.h"

#include "chem/structure_analysis.h"
#include "common/error.h"
#include "test_support.h"

using namespace argan;

namespace {
chem::StructureAnalysis analyse(const std::string& smiles) {
  static chem::StructureAnalyser analyser;
  return analyser.analyse(smiles, "smiles");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(mixture_check)

BOOST_AUTO_TEST_CASE(two_organic_compounds_are_a_mixture) {
  for (const char* smiles : {"CCCCCCCCCCCC.Oc1ccccc1", "CC1=CCC(=CC1)C(C)C.Cc1ccc(C(C)C)cc1O"}) {
    BOOST_TEST(chem::classifyMixture(analyse(smiles)).mixture, smiles);
  }
  auto a = analyse("OCCc1ccc(O)c(O)c1.Cc1ccc(C(C)C)cc1O");
  auto verdict = chem::classifyMixture(a);
  BOOST_TEST(verdict.mixture);
  BOOST_TEST(verdict.components.size() == 2u);
  try {
    chem::refuseMixture(a);
    BOOST_FAIL("a mixture must be refused");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(ErrorCode::InvalidArgument));
    BOOST_TEST(std::get<std::string>(e.details().at("reason")) == "mixture");
    BOOST_TEST(std::string(e.what()).find("/api/substances") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(salts_solvates_and_inorganic_counter_ions_are_not) {
  // ...nor organic salt formers the counter-ion table may lack (oxalate, tosylate, an amine).
  for (const char* smiles : {"CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", "CN.Cl", "OCCc1ccc(O)c(O)c1.O",
                             "OCCc1ccc(O)c(O)c1", "C[N+](C)(C)C.[Cl-]",
                             "O=C(O)C(=O)O.c1ccc(CC2CCN(Cc3ccccn3)CC2)cc1",
                             "Cc1ccc(S(=O)(=O)O)cc1.CN1CCC[C@H]1c1cccnc1",
                             "CCN(CC)CC.OC(=O)c1ccccc1O"}) {
    auto a = analyse(smiles);
    BOOST_TEST(!chem::classifyMixture(a).mixture, smiles);
    BOOST_CHECK_NO_THROW(chem::refuseMixture(a));
  }
}

BOOST_AUTO_TEST_SUITE_END()
