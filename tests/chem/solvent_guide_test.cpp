// CHEM21 solvents are recognised by structure (InChIKey), however the SMILES is written.
#include "chem/solvent_guide.h"

#include <optional>
#include <set>

#include "chem/reaction_analysis.h"
#include "chem/csv.h"
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

BOOST_AUTO_TEST_CASE(the_shipped_tables_have_61_distinct_solvents) {
  const auto& guide = chem21Guide();
  BOOST_TEST(guide.solvents().size() == 61u);  // 53 published, 8 less classical
  std::size_t published = 0;
  for (const auto& s : guide.solvents()) published += s.rankingSource == "published";
  BOOST_TEST(published == 53u);
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

// The CHEM21 method (chem21Scores) reproduces the published health and environment scores
// and default rankings of every classical row from that row's own inputs; the safety score
// is the flash-point score plus points the table does not hold (autoignition, peroxides,
// resistivity), so it can only be at least the flash-point score.
BOOST_AUTO_TEST_CASE(the_chem21_method_reproduces_the_published_table) {
  std::vector<CsvRow> csv = parseCsv(test::readFile(test::testData("../../chem/data/chem21_solvents.csv")));
  BOOST_TEST_REQUIRE(csv.size() == 54u);
  const CsvRow& h = csv[0];
  auto col = [&](const char* name) { return csvColumn(h, name); };
  for (std::size_t r = 1; r < csv.size(); ++r) {
    const CsvRow& row = csv[r];
    auto number = [](const std::string& s) -> std::optional<double> {
      if (s.empty()) return std::nullopt;
      return s[0] == '>' ? std::stod(s.substr(1)) + 1 : std::stod(s);
    };
    Chem21Scores computed = chem21Scores(number(row[col("bp_c")]), number(row[col("fp_c")]),
                                         row[col("worst_h3xx")], row[col("worst_h4xx")], 0);
    const std::string name = row[col("name")];
    if (name == "Water") continue;  // scored 1/1/1 by definition
    BOOST_TEST(computed.health == std::stoi(row[col("health_score")]), name);
    BOOST_TEST(computed.environment == std::stoi(row[col("environment_score")]), name);
    BOOST_TEST(computed.safety <= std::stoi(row[col("safety_score")]), name);
    const int publishedSafety = std::stoi(row[col("safety_score")]);
    Chem21Scores ranked = chem21Scores(number(row[col("bp_c")]), number(row[col("fp_c")]),
                                       row[col("worst_h3xx")], row[col("worst_h4xx")],
                                       publishedSafety - computed.safety);
    BOOST_TEST(ranked.safety == publishedSafety, name);
    BOOST_TEST(ranked.ranking == row[col("ranking_default")], name);
  }
}

BOOST_AUTO_TEST_CASE(less_classical_solvents_are_recognised_by_structure_and_name) {
  BOOST_TEST(classify("COC1CCCC1").name == "Cyclopentyl methyl ether");
  BOOST_TEST(classify("COC(=O)OC").ranking == "Recommended");
  BOOST_TEST(classify("CC1=CCC(CC1)C(C)=C").name == "D-Limonene");  // any limonene
  BOOST_TEST(classify("Cc1ccc(C(C)C)cc1").ranking == "Problematic");
  BOOST_TEST(classify("CCOC(=O)C(C)O").name == "Ethyl lactate");
  BOOST_TEST(classify("CC1CCC(=O)O1").name == "gamma-Valerolactone");
  BOOST_TEST(classify("OCC(O)CO").name == "Glycerol");
  BOOST_TEST(classify("O=C1CC[C@H]2CO[C@@H]1O2").name == "Cyrene");
  BOOST_TEST(classifySolventByName("DMF").name == "N,N-Dimethylformamide");
  BOOST_TEST(classifySolventByName("ethanol").ranking == "Recommended");
  BOOST_TEST(classifySolventByName("2-MeTHF").name == "Methyl tetrahydrofuran");
  BOOST_TEST(classifySolventByName(" Ethyl Acetate ").name == "Ethyl acetate");
  BOOST_TEST(classifySolventByName("CPME").recognised);
  BOOST_TEST(classifySolventByName("γ-valerolactone").recognised);
  BOOST_TEST(!classifySolventByName("silica gel").recognised);
}

// The list offered to chemists: every guide row with a French name and a density, the same
// names as the guide; a density row missing or not a number is refused.
BOOST_AUTO_TEST_CASE(the_solvent_listing_gives_every_solvent_a_density) {
  const auto& listing = chem::solventListing();
  const auto& guide = chem::chem21Guide().solvents();
  // The listing is the published table (53 rows, first in the guide); the cluster's less
  // classical solvents (chem21_less_classical.csv) have no densities yet and are not listed.
  BOOST_TEST_REQUIRE(listing.size() == 53u);
  BOOST_TEST_REQUIRE(guide.size() > listing.size());
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
