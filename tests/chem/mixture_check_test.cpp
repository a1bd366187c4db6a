// chem::classifyMixture / refuseMixture: a mixture is refused with its components and a
// pointer to substances; salts, hydrates and unusual inorganic counter-ions stay forms.
#include "chem/mixture_check.h"

#include <algorithm>

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

// The identity rule refuses a mixture while analysing (docs/identity.md section 3), with the
// details the compound registration's answer carries: the substance form's pointer and every
// component, ready to become constituents.
BOOST_AUTO_TEST_CASE(two_organic_compounds_are_a_mixture) {
  struct Case {
    const char* smiles;
    std::size_t components;
  };
  for (const Case& c : {Case{"CCCCCCCCCCCC.Oc1ccccc1", 2}, Case{"CC1=CCC(=CC1)C(C)C.Cc1ccc(C(C)C)cc1O", 2},
                        Case{"OCCc1ccc(O)c(O)c1.Cc1ccc(C(C)C)cc1O", 2},
                        // two molecules beside a salt former: every fragment is a constituent
                        Case{"OCCc1ccc(O)c(O)c1.Cc1ccc(C(C)C)cc1O.Cl", 3},
                        Case{"CCO.O", 2}}) {
    BOOST_TEST_CONTEXT(c.smiles) {
      try {
        analyse(c.smiles);
        BOOST_ERROR("a mixture must be refused");
      } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(ErrorCode::InvalidArgument));
        BOOST_TEST(std::get<std::string>(e.details().at("reason")) == "mixture");
        BOOST_TEST(std::get<std::string>(e.details().at("field")) == "structure");
        BOOST_TEST(std::get<std::string>(e.details().at("register_as")) == "/api/substances");
        const auto components = std::get<std::string>(e.details().at("components"));
        BOOST_TEST(static_cast<std::size_t>(std::count(components.begin(), components.end(), '.')) + 1 ==
                       c.components,
                   components);
        // Each component reads as one molecule (the substance form takes them one by one).
        std::size_t from = 0;
        for (std::size_t i = 0; i < c.components; ++i) {
          const auto to = std::min(components.find('.', from), components.size());
          BOOST_CHECK_NO_THROW(analyse(components.substr(from, to - from)));
          from = to + 1;
        }
        BOOST_TEST(std::string(e.what()).find("/api/substances") != std::string::npos);
      }
    }
  }
}

// classifyMixture, the registration's own guard, judges the analysis it is given: an unlisted
// carbon compound among the form components makes a mixture, with the same answer.
BOOST_AUTO_TEST_CASE(an_unlisted_organic_form_component_is_a_mixture) {
  chem::StructureAnalysis a = analyse("OCCc1ccc(O)c(O)c1");
  BOOST_TEST(!chem::classifyMixture(a).mixture);
  a.formComponents.push_back({"Cc1ccc(C(C)C)cc1O", "C10H14O", "other", 1});
  auto verdict = chem::classifyMixture(a);
  BOOST_TEST(verdict.mixture);
  BOOST_TEST(verdict.components.size() == 2u);
  try {
    chem::refuseMixture(a);
    BOOST_FAIL("a mixture must be refused");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(ErrorCode::InvalidArgument));
    BOOST_TEST(std::get<std::string>(e.details().at("reason")) == "mixture");
    BOOST_TEST(std::get<std::string>(e.details().at("components")) ==
               a.identity.canonicalSmiles + ".Cc1ccc(C(C)C)cc1O");
    BOOST_TEST(std::string(e.what()).find("/api/substances") != std::string::npos);
  }
  // An inorganic fragment the table lacks, or a possible organic salt former, stays a form.
  a.formComponents.back() = {"O=C(O)C(=O)O", "C2H2O4", "other", 1};
  BOOST_TEST(!chem::classifyMixture(a).mixture);
  a.formComponents.back() = {"[O-][Cr](=O)(=O)[O-]", "CrO4", "other", 1};
  BOOST_TEST(!chem::classifyMixture(a).mixture);
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
