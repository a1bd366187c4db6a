// CHEM21 solvents are recognised by structure (InChIKey), however the SMILES is written.
#include "chem/solvent_guide.h"

#include <set>

#include "chem/reaction_analysis.h"
#include "chem/solvent_table.h"
#include "chem/species.h"
#include "test_support.h"

using namespace argan;
using namespace argan::chem;

namespace {

SolventClass classify(const std::string& smiles) {
  return classifySolvent(describeSpecies(smiles, false, StructureLimits{}).inchiKey);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(solvent_guide)

BOOST_AUTO_TEST_CASE(the_shipped_table_has_53_distinct_solvents) {
  const auto& guide = chem21Guide();
  BOOST_TEST(guide.solvents().size() == 53u);
  std::set<std::string> keys;
  for (const auto& s : guide.solvents()) {
    BOOST_TEST_REQUIRE(!s.inchiKeys.empty(), s.name);
    BOOST_TEST(s.inchiKeys[0].size() == 27u, s.name);
    BOOST_TEST(keys.insert(s.inchiKeys[0].substr(0, 14)).second, "duplicate skeleton: " << s.name);
    BOOST_TEST(!s.ranking.empty(), s.name);
  }
  // Spot checks of computed keys against PubChem.
  BOOST_TEST(guide.solvents()[0].name == "Water");
  BOOST_TEST(guide.solvents()[0].inchiKeys[0] == "XLYOFNOQVPJJNP-UHFFFAOYSA-N");
  const Chem21Solvent* dcm = guide.find("YMWUJEATGCHHMB-UHFFFAOYSA-N");
  BOOST_TEST_REQUIRE(dcm != nullptr);
  BOOST_TEST(dcm->name == "Dichloromethane");
}

BOOST_AUTO_TEST_CASE(differently_written_smiles_map_to_their_chem21_class) {
  auto ethylAcetate = classify("O=C(OCC)C");
  BOOST_TEST(ethylAcetate.recognised);
  BOOST_TEST(ethylAcetate.name == "Ethyl acetate");
  BOOST_TEST(ethylAcetate.ranking == "Recommended");
  BOOST_TEST(classify("C(Cl)Cl").ranking == "Hazardous");
  BOOST_TEST(classify("O1CCCC1").name == "Tetrahydrofuran");
  BOOST_TEST(classify("O=CN(C)C").name == "N,N-Dimethylformamide");
  BOOST_TEST(classify("C1=CC=CC=C1").name == "Benzene");
  BOOST_TEST(classify("C1=CC=CC=C1").ranking == "Highly hazardous");
  BOOST_TEST(classify("OC(C)C").name == "Isopropyl alcohol");
}

BOOST_AUTO_TEST_CASE(isotopologues_stereoisomers_and_xylene_isomers_match_their_row) {
  BOOST_TEST(classify("[2H]C(Cl)(Cl)Cl").name == "Chloroform");
  BOOST_TEST(classify("[2H]C([2H])([2H])S(=O)C([2H])([2H])[2H]").name == "Dimethyl sulfoxide");
  BOOST_TEST(classify("C[C@H]1CCCO1").name == "Methyl tetrahydrofuran");
  BOOST_TEST(classify("Cc1cccc(C)c1").name == "Xylenes");
  BOOST_TEST(classify("Cc1ccc(C)cc1").name == "Xylenes");
  BOOST_TEST(classify("[2H]O[2H]").name == "Water");
}

BOOST_AUTO_TEST_CASE(ions_and_other_molecules_are_not_solvents) {
  BOOST_TEST(!classify("CC(=O)[O-]").recognised);
  BOOST_TEST(classify("CC(=O)O").name == "Acetic acid");
  BOOST_TEST(!classify("[OH-]").recognised);
  BOOST_TEST(!classify("Oc1ccccc1").recognised);
  BOOST_TEST(!classify("CCCCCCCC").recognised);
}

BOOST_AUTO_TEST_CASE(agents_in_a_reaction_are_recognised_by_structure) {
  ReactionInput in;
  in.reactionSmiles = "C=CC=C.C=C>O=C(OCC)C>C1=CCCCC1";
  auto a = analyseReaction(in);
  BOOST_TEST_REQUIRE(a.components.size() == 4u);
  const auto& agent = a.components[2];
  BOOST_TEST(agent.side == "agent");
  BOOST_TEST(agent.role == "solvent");
  BOOST_TEST(agent.solvent.name == "Ethyl acetate");
  for (const auto& t : a.trafficLights) {
    if (t.criterion == "solvents") BOOST_TEST(t.flag == "green");
  }
}

// The list offered to chemists: every guide row with a French name and a density, the same
// names as the guide; a density row missing or not a number is refused.
BOOST_AUTO_TEST_CASE(the_solvent_listing_gives_every_solvent_a_density) {
  const auto& listing = chem::solventListing();
  const auto& guide = chem::chem21Guide().solvents();
  BOOST_TEST_REQUIRE(listing.size() == guide.size());
  for (std::size_t i = 0; i < listing.size(); ++i) {
    BOOST_TEST(listing[i].name == guide[i].name);
    BOOST_TEST(listing[i].smiles == guide[i].smiles);
    BOOST_TEST(!listing[i].nameFr.empty(), listing[i].name);
    BOOST_TEST_REQUIRE(listing[i].density.has_value(), listing[i].name);
    BOOST_TEST((*listing[i].density > 0.6 && *listing[i].density < 1.6), listing[i].name);
  }
  BOOST_TEST(listing[32].name == "Dichloromethane");
  BOOST_TEST(*listing[32].density == 1.326, boost::test_tools::tolerance(1e-9));

  const std::string guideCsv =
      "chem21_number,name,alt_name,family,cas,smiles,formula,mw_rdkit,bp_c,safety_score,"
      "health_score,environment_score,ranking_default,ranking_after_discussion\n"
      "1,Water,Water,Water,7732-18-5,O,H2O,18.015,100,1,1,1,Recommended,Recommended\n";
  auto one = chem::parseSolventListing(
      guideCsv, "chem21_number,name,name_fr,density_g_ml,temperature_c\n1,Water,Eau,0.998,20\n");
  BOOST_TEST_REQUIRE(one.size() == 1u);
  BOOST_TEST(one[0].altName.empty());  // the same name as the guide's
  BOOST_TEST(one[0].nameFr == "Eau");
  BOOST_CHECK_THROW(chem::parseSolventListing(
                        guideCsv, "chem21_number,name,name_fr,density_g_ml,temperature_c\n"),
                    Error);
  BOOST_CHECK_THROW(
      chem::parseSolventListing(
          guideCsv, "chem21_number,name,name_fr,density_g_ml,temperature_c\n1,Water,Eau,dense,20\n"),
      Error);
}

BOOST_AUTO_TEST_SUITE_END()
