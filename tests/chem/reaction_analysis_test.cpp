// One reaction step: atom economies of textbook cases, balance checks, roles, amounts,
// mass metrics worked by hand, CHEM21 traffic lights, and bad input.
#include "chem/reaction_analysis.h"

#include <map>
#include <optional>

#include <cmath>
#include <functional>

#include "chem/green_metrics.h"
#include "test_support.h"

using namespace argan;
using namespace argan::chem;
using test::expectError;

namespace {

ReactionInput reaction(const std::string& smiles) {
  ReactionInput in;
  in.reactionSmiles = smiles;
  return in;
}

ComponentInput component(const std::string& smiles, double amount, const std::string& unit,
                         const std::string& role = "") {
  ComponentInput c;
  c.smiles = smiles;
  c.amount = amount;
  c.unit = unit;
  c.role = role;
  return c;
}

double value(const ReactionAnalysis& a, const std::string& key) {
  const Metric* m = findMetric(a.metrics, key);
  BOOST_TEST_REQUIRE(m != nullptr, "no metric " << key);
  BOOST_TEST_REQUIRE(m->value.has_value(), key << " not computed: " << m->missing);
  return *m->value;
}

std::string missing(const ReactionAnalysis& a, const std::string& key) {
  const Metric* m = findMetric(a.metrics, key);
  BOOST_TEST_REQUIRE(m != nullptr);
  BOOST_TEST(!m->value.has_value(), key << " should not be computed");
  return m->missing;
}

std::string flag(const ReactionAnalysis& a, const std::string& criterion) {
  for (const auto& t : a.trafficLights) {
    if (t.criterion == criterion) return t.flag;
  }
  return "absent";
}

double atomEconomy(const std::string& smiles) {
  return value(analyseReaction(reaction(smiles)), "atom_economy");
}

// Esterification worked by hand below: acetic acid + ethanol -> ethyl acetate + water,
// sulfuric acid catalyst, ether extraction and a water wash.
ReactionInput esterification() {
  ReactionInput in = reaction("CC(=O)O.OCC>OS(=O)(=O)O>CCOC(C)=O.O");
  in.components.push_back(component("CC(=O)O", 6.0, "g"));  // 99.913 mmol
  ComponentInput ethanol = component("CCO", 10.0, "mL");    // 7.89 g, 171.27 mmol
  ethanol.density = 0.789;
  ethanol.origin = "bio-based";
  in.components.push_back(ethanol);
  in.components.push_back(component("OS(=O)(=O)O", 0.2, "g", "catalyst"));
  in.components.push_back(component("CCOC(C)=O", 7.04, "g"));  // isolated product
  ComponentInput ether = component("CCOCC", 30.0, "mL");       // work-up: 21.39 g
  ether.density = 0.713;
  in.components.push_back(ether);
  in.components.push_back(component("O", 20.0, "mL", "solvent"));  // wash: 20 g at 1 g/mL
  in.conditions.temperatureC = 78;
  in.conditions.mode = "batch";
  in.workup = {"extraction", "distillation below 140"};
  return in;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reaction_analysis)

// Published atom economies, within 1 percentage point.
BOOST_AUTO_TEST_CASE(textbook_atom_economies) {
  // Ethylene oxide by the chlorohydrin route, C2H4 + Cl2 + Ca(OH)2 -> C2H4O + CaCl2 + H2O:
  // 25 %. R. A. Sheldon, "The E factor: fifteen years on", Green Chem., 2007, 9, 1273-1283
  // (and Chem. Ind. 1992, 903): 44 / 173 = 25 %.
  double chlorohydrin = atomEconomy("C=C.ClCl.([Ca+2].[OH-].[OH-])>>C1CO1.([Ca+2].[Cl-].[Cl-]).O");
  BOOST_TEST(std::fabs(chlorohydrin - 25.0) <= 1.0, chlorohydrin);
  // Direct silver-catalysed oxidation, 2 C2H4 + O2 -> 2 C2H4O: 100 % (same source). The
  // product written twice counts twice.
  double direct = atomEconomy("C=C.C=C.O=O>[Ag]>C1CO1.C1CO1");
  BOOST_TEST(std::fabs(direct - 100.0) <= 1e-6, direct);
  // Diels-Alder reactions are 100 % atom economic (Trost, Science 1991, 254, 1471):
  // butadiene + ethylene -> cyclohexene; cyclopentadiene + maleic anhydride -> the
  // norbornene anhydride adduct.
  BOOST_TEST(std::fabs(atomEconomy("C=CC=C.C=C>>C1=CCCCC1") - 100.0) <= 1e-6);
  BOOST_TEST(std::fabs(atomEconomy("C1=CCC=C1.O=C1OC(=O)C=C1>>O=C1OC(=O)C2C3CC(C=C3)C12") -
                       100.0) <= 1e-6);
  // 1-Phenylethanol to acetophenone: stoichiometric Jones-type oxidation
  // 3 PhCH(OH)CH3 + 2 CrO3 + 3 H2SO4 -> 3 PhCOCH3 + Cr2(SO4)3 + 6 H2O: 42 %; catalytic
  // aerobic oxidation 2 PhCH(OH)CH3 + O2 -> 2 PhCOCH3 + 2 H2O: 87 %.
  // R. A. Sheldon, Pure Appl. Chem., 2000, 72, 1233-1246 (Fig. 2).
  double jones = atomEconomy(
      "CC(O)c1ccccc1.CC(O)c1ccccc1.CC(O)c1ccccc1.O=[Cr](=O)=O.O=[Cr](=O)=O."
      "OS(=O)(=O)O.OS(=O)(=O)O.OS(=O)(=O)O>>CC(=O)c1ccccc1.CC(=O)c1ccccc1.CC(=O)c1ccccc1."
      "([Cr+3].[Cr+3].[O-]S([O-])(=O)=O.[O-]S([O-])(=O)=O.[O-]S([O-])(=O)=O).O.O.O.O.O.O");
  BOOST_TEST(std::fabs(jones - 42.0) <= 1.0, jones);
  double aerobic =
      atomEconomy("CC(O)c1ccccc1.CC(O)c1ccccc1.O=O>>CC(=O)c1ccccc1.CC(=O)c1ccccc1.O.O");
  BOOST_TEST(std::fabs(aerobic - 87.0) <= 1.0, aerobic);
}

BOOST_AUTO_TEST_CASE(atom_economy_detail_shows_the_arithmetic) {
  auto a = analyseReaction(reaction("C=C.C=C.O=O>>C1CO1.C1CO1"));
  const Metric* ae = findMetric(a.metrics, "atom_economy");
  BOOST_TEST(ae->detail.find("2 × 44.053") != std::string::npos, ae->detail);
  BOOST_TEST(ae->unit == "%");
  BOOST_TEST(ae->reference.find("Trost") != std::string::npos);
  BOOST_TEST(a.components.size() == 3u);
  BOOST_TEST(a.components[0].coefficient == 2);
  BOOST_TEST(a.components[2].coefficient == 2);
  BOOST_TEST(a.balance.balanced);
}

BOOST_AUTO_TEST_CASE(unbalanced_reactions_say_which_elements_are_off) {
  ErrorDetails details;
  std::string message;
  try {
    analyseReaction(reaction("CC(=O)O.OCC>>CCOC(C)=O"));
    BOOST_ERROR("an unbalanced reaction was accepted");
  } catch (const Error& e) {
    message = e.what();
    details = e.details();
  }
  BOOST_TEST(message.find("unbalanced") != std::string::npos, message);
  BOOST_TEST(std::get<std::string>(details.at("unbalanced")) ==
             "H: reactants 10, products 8; O: reactants 3, products 2");
  BOOST_TEST(std::get<std::string>(details.at("suggestion")).find("H2O") != std::string::npos);
  std::string oxygen =
      expectError(ErrorCode::InvalidArgument, [] { analyseReaction(reaction("C=C.O=O>>C1CO1")); });
  BOOST_TEST(oxygen.find("O: reactants 2, products 1") != std::string::npos, oxygen);
  std::string charge = expectError(ErrorCode::InvalidArgument,
                                   [] { analyseReaction(reaction("CC(=O)O>>CC(=O)[O-]")); });
  BOOST_TEST(charge.find("charge") != std::string::npos, charge);
}

BOOST_AUTO_TEST_CASE(the_desired_product_is_the_first_unless_a_component_says_otherwise) {
  // Water written first: it is the desired product by default (AE 17 %).
  auto waterFirst = analyseReaction(reaction("CC(=O)O.OCC>>O.CCOC(C)=O"));
  BOOST_TEST(waterFirst.components[static_cast<std::size_t>(waterFirst.desiredProduct)].formula ==
             "H2O");
  BOOST_TEST(value(waterFirst, "atom_economy") < 20.0);
  ReactionInput in = reaction("CC(=O)O.OCC>>O.CCOC(C)=O");
  ComponentInput ester;
  ester.smiles = "O=C(C)OCC";  // written differently: matched by structure
  ester.role = "product";
  in.components.push_back(ester);
  auto chosen = analyseReaction(in);
  BOOST_TEST(chosen.components[static_cast<std::size_t>(chosen.desiredProduct)].formula ==
             "C4H8O2");
  // 88.106 / (60.052 + 46.069) = 83.0 %
  BOOST_TEST(std::fabs(value(chosen, "atom_economy") - 83.02) < 0.05);
  BOOST_TEST(chosen.components[2].role == "by-product");
}

BOOST_AUTO_TEST_CASE(mass_metrics_of_an_esterification_worked_by_hand) {
  auto a = analyseReaction(esterification());
  // Acetic acid 6.0 g / 60.052 g/mol = 99.913 mmol; ethanol 10 mL × 0.789 g/mL = 7.89 g,
  // / 46.069 = 171.27 mmol. Limiting: acetic acid. Theoretical ester: 99.913 mmol ×
  // 88.106 g/mol = 8.8030 g. Isolated 7.04 g -> yield 7.04 / 8.8030 = 79.97 %.
  BOOST_TEST(a.components[static_cast<std::size_t>(a.limitingReactant)].formula == "C2H4O2");
  BOOST_TEST(value(a, "theoretical_yield") == 8.8030, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(value(a, "yield") == 79.97, boost::test_tools::tolerance(1e-3));
  // RME = 7.04 / (6.0 + 7.89) = 50.68 %
  BOOST_TEST(value(a, "reaction_mass_efficiency") == 50.684, boost::test_tools::tolerance(1e-4));
  // Inputs: 6.0 + 7.89 + 0.2 (H2SO4) + 21.39 (ether) + 20 (water) = 55.48 g.
  // PMI = 55.48 / 7.04 = 7.8807; cEF = 6.8807;
  // sEF = (55.48 - 21.39 - 20 - 7.04) / 7.04 = 1.0014; SI = 21.39 / 7.04 = 3.0384;
  // WI = 20 / 7.04 = 2.8409.
  BOOST_TEST(value(a, "pmi") == 7.8807, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(value(a, "e_factor_complete") == 6.8807, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(value(a, "e_factor_simple") == 1.0014, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(value(a, "solvent_intensity") == 3.0384, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(value(a, "water_intensity") == 2.8409, boost::test_tools::tolerance(1e-4));
  // CE = 79.904 mmol × 4 C / (99.913 × 2 + 171.27 × 2) mmol C = 58.93 %
  BOOST_TEST(value(a, "carbon_efficiency") == 58.93, boost::test_tools::tolerance(1e-3));
  // Ethanol: 171.27 / 99.913 = 1.714 stoichiometric equivalents.
  BOOST_TEST(*a.components[1].equivalents == 1.7142, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(a.components[1].origin == "bio-based");

  // The work-up water matched the by-product's structure but is a solvent: an extra.
  int extras = 0;
  for (const auto& c : a.components) extras += c.side == "extra";
  BOOST_TEST(extras == 2);
  // Traffic lights: yield 80 % amber, AE 83 % amber, diethyl ether (Highly hazardous) red,
  // extraction amber, sulfur (50-500 years) amber, 78 °C amber, batch amber, catalyst green.
  BOOST_TEST(flag(a, "yield") == "amber");
  BOOST_TEST(flag(a, "atom_economy") == "amber");
  BOOST_TEST(flag(a, "solvents") == "red");
  BOOST_TEST(flag(a, "workup") == "amber");
  BOOST_TEST(flag(a, "critical_elements") == "amber");
  BOOST_TEST(flag(a, "temperature") == "amber");
  BOOST_TEST(flag(a, "batch_flow") == "amber");
  BOOST_TEST(flag(a, "catalyst") == "green");
}

BOOST_AUTO_TEST_CASE(missing_amounts_leave_metrics_empty_with_the_reason) {
  auto a = analyseReaction(reaction("CC(=O)O.OCC>>CCOC(C)=O.O"));
  BOOST_TEST(value(a, "atom_economy") == 83.02, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(missing(a, "yield").find("isolated product") != std::string::npos);
  BOOST_TEST(missing(a, "pmi").find("isolated product") != std::string::npos);
  ReactionInput partial = reaction("CC(=O)O.OCC>>CCOC(C)=O.O");
  partial.components.push_back(component("CC(=O)O", 6.0, "g"));
  partial.components.push_back(component("CCOC(C)=O", 7.0, "g"));
  auto b = analyseReaction(partial);
  BOOST_TEST(missing(b, "yield").find("'OCC'") != std::string::npos, missing(b, "yield"));
  BOOST_TEST(missing(b, "pmi").find("mass of reactant 'OCC'") != std::string::npos,
             missing(b, "pmi"));
  BOOST_TEST(flag(b, "yield") == "not_assessed");
}

BOOST_AUTO_TEST_CASE(amounts_from_equivalents_moles_and_the_isolated_yield) {
  ReactionInput in = reaction("CC(=O)O.OCC>>CCOC(C)=O.O");
  ComponentInput acid = component("CC(=O)O", 100, "mmol");
  acid.equivalents = 1;
  in.components.push_back(acid);
  ComponentInput ethanol;
  ethanol.smiles = "CCO";
  ethanol.equivalents = 1.5;
  in.components.push_back(ethanol);
  in.isolatedYield = 80;
  auto a = analyseReaction(in);
  BOOST_TEST(*a.components[0].massG == 6.0052, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(*a.components[1].moles == 0.150, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(a.components[1].amountSource == "equivalents");
  const auto& ester = a.components[2];
  BOOST_TEST(ester.amountSource == "yield");
  BOOST_TEST(*ester.massG == 0.080 * 88.106, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(value(a, "yield") == 80.0);
  BOOST_TEST(flag(a, "catalyst") == "red");  // 1.5 equiv. of ethanol, no catalyst
}

BOOST_AUTO_TEST_CASE(bad_amounts_and_yields_are_refused) {
  ReactionInput tooMuch = esterification();
  tooMuch.components[3].amount = 9.5;  // > 8.803 g theoretical
  std::string over = expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(tooMuch); });
  BOOST_TEST(over.find("yield above 100 %") != std::string::npos, over);
  ReactionInput recorded = reaction("CC(=O)O.OCC>>CCOC(C)=O.O");
  recorded.isolatedYield = 104;
  std::string given = expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(recorded); });
  BOOST_TEST(given.find("above 100 %") != std::string::npos, given);
  ReactionInput negative = esterification();
  negative.components[0].amount = -6.0;
  std::string neg = expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(negative); });
  BOOST_TEST(neg.find("components[0].amount") != std::string::npos, neg);
  BOOST_TEST(neg.find("negative") != std::string::npos, neg);
  ReactionInput badUnit = esterification();
  badUnit.components[0].unit = "lb";
  expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(badUnit); });
  ReactionInput badWorkup = esterification();
  badWorkup.workup = {"magic"};
  std::string workup = expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(badWorkup); });
  BOOST_TEST(workup.find("chromatography") != std::string::npos, workup);
}

// 1e308 t of a reactant used to pass and turn every mass metric into "inf", which is not
// JSON: the calculator and the route pages answered 200 with a body no client could read.
BOOST_AUTO_TEST_CASE(absurdly_large_numbers_are_refused_with_their_field) {
  struct Case {
    std::function<void(ReactionInput&)> set;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](ReactionInput& in) { in.components[0].amount = 1e308; in.components[0].unit = "t"; },
       "components[0].amount"},
      {[](ReactionInput& in) { in.components[1].amount = 2e9; }, "components[1].amount"},
      {[](ReactionInput& in) {
         in.components[1].unit = "mL";
         in.components[1].density = 1e308;
       },
       "components[1].density"},
      {[](ReactionInput& in) { in.components[2].equivalents = 1e300; },
       "components[2].equivalents"},
      {[](ReactionInput& in) { in.conditions.pressureBar = 1e308; }, "conditions.pressure_bar"},
      {[](ReactionInput& in) { in.conditions.timeH = 1e308; }, "conditions.time_h"},
  };
  for (const auto& c : cases) {
    ReactionInput in = esterification();
    c.set(in);
    try {
      analyseReaction(in);
      BOOST_ERROR("accepted a value out of range for " << c.field);
    } catch (const Error& e) {
      BOOST_TEST((e.code() == ErrorCode::InvalidArgument));
      BOOST_TEST(std::get<std::string>(e.details().at("field")) == c.field, e.what());
      BOOST_TEST(std::string(e.what()).find("at most") != std::string::npos, e.what());
    }
  }
  // The largest accepted values still give finite metrics.
  ReactionInput big = esterification();
  for (auto& component : big.components) component.unit = "t";
  auto a = analyseReaction(big);
  BOOST_TEST(std::isfinite(value(a, "pmi")));
}

BOOST_AUTO_TEST_CASE(components_outside_the_reaction_need_a_role_unless_they_are_solvents) {
  ReactionInput in = reaction("C=CC=C.C=C>>C1=CCCCC1");
  ComponentInput silica;
  silica.name = "silica gel";
  silica.amount = 5;
  silica.unit = "g";
  in.components.push_back(silica);
  std::string role = expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(in); });
  BOOST_TEST(role.find("give its role") != std::string::npos, role);
  in.components[0].role = "reagent";
  auto ok = analyseReaction(in);
  BOOST_TEST(ok.components.back().side == "extra");
  BOOST_TEST(*ok.components.back().massG == 5.0);
  ReactionInput moles = reaction("C=CC=C.C=C>>C1=CCCCC1");
  ComponentInput celite;
  celite.name = "celite";
  celite.role = "reagent";
  celite.amount = 2;
  celite.unit = "mmol";
  moles.components.push_back(celite);
  expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(moles); });
  ReactionInput misplaced = reaction("CC(=O)O.OCC.OS(=O)(=O)O>>CCOC(C)=O.O.OS(=O)(=O)O");
  misplaced.components.push_back(component("OS(=O)(=O)O", 0.1, "g", "catalyst"));
  std::string where = expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(misplaced); });
  BOOST_TEST(where.find("between the two '>'") != std::string::npos, where);
}

BOOST_AUTO_TEST_CASE(unparsable_species_name_the_species) {
  std::string valence =
      expectError(ErrorCode::InvalidArgument, [] { analyseReaction(reaction("CC(C)(C)(C)C>>C")); });
  BOOST_TEST(valence.find("reactant 1") != std::string::npos, valence);
  std::string syntax =
      expectError(ErrorCode::InvalidArgument, [] { analyseReaction(reaction("C1CC>>C")); });
  BOOST_TEST(syntax.find("reactant 1") != std::string::npos, syntax);
  expectError(ErrorCode::InvalidArgument, [] { analyseReaction(reaction("")); });
}

BOOST_AUTO_TEST_CASE(atom_maps_and_rxn_files) {
  auto mapped =
      analyseReaction(reaction("[CH2:1]=[CH:2][CH:3]=[CH2:4].[CH2:5]=[CH2:6]>>"
                               "[CH:2]1=[CH:3][CH2:4][CH2:6][CH2:5][CH2:1]1"));
  BOOST_TEST(value(mapped, "atom_economy") == 100.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(mapped.canonicalReactionSmiles.find(':') == std::string::npos,
             mapped.canonicalReactionSmiles);
  ReactionInput rxn;
  rxn.rxnBlock =
      "$RXN\n\n  test\n\n  2  1\n"
      "$MOL\n\n  RDKit\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0\n    1.0000    0.0000    0.0000 C   0  0\n"
      "  1  2  2  0\nM  END\n"
      "$MOL\n\n  RDKit\n\n  4  3  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0\n    1.0000    0.0000    0.0000 C   0  0\n"
      "    2.0000    0.0000    0.0000 C   0  0\n    3.0000    0.0000    0.0000 C   0  0\n"
      "  1  2  2  0\n  2  3  1  0\n  3  4  2  0\nM  END\n"
      "$MOL\n\n  RDKit\n\n  6  6  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0\n    1.0000    0.0000    0.0000 C   0  0\n"
      "    2.0000    0.0000    0.0000 C   0  0\n    3.0000    0.0000    0.0000 C   0  0\n"
      "    4.0000    0.0000    0.0000 C   0  0\n    5.0000    0.0000    0.0000 C   0  0\n"
      "  1  2  2  0\n  2  3  1  0\n  3  4  1  0\n  4  5  1  0\n  5  6  1  0\n  6  1  1  0\n"
      "M  END\n";
  auto fromRxn = analyseReaction(rxn);
  BOOST_TEST(fromRxn.format == "rxn");
  BOOST_TEST(value(fromRxn, "atom_economy") == 100.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(fromRxn.canonicalReactionSmiles == "C=C.C=CC=C>>C1=CCCCC1");
}

BOOST_AUTO_TEST_CASE(workup_vocabulary_and_flags) {
  BOOST_TEST(normaliseWorkup("Crystallization") == "crystallisation");
  BOOST_TEST(normaliseWorkup("column") == "chromatography");
  BOOST_TEST(workupFlag("chromatography") == "red");
  BOOST_TEST(workupFlag("extraction") == "amber");
  BOOST_TEST(workupFlag("filtration") == "green");
  BOOST_TEST(temperatureFlag(25) == "green");
  BOOST_TEST(temperatureFlag(-10) == "amber");
  BOOST_TEST(temperatureFlag(150) == "red");
  BOOST_TEST(percentFlag(90) == "green");
  BOOST_TEST(percentFlag(89.9) == "amber");
  BOOST_TEST(percentFlag(69.9) == "red");
}

// Equivalents are per species: moles over the moles of the limiting reactant, whatever the
// coefficients (they were reported halved for a reactant written twice).
BOOST_AUTO_TEST_CASE(equivalents_are_per_species_and_excess_is_against_the_stoichiometry) {
  ReactionInput in = reaction("OCC(O)CO.CC(=O)O.CC(=O)O>>CC(=O)OCC(O)COC(C)=O.O.O");
  in.components.push_back(component("OCC(O)CO", 1.0, "mmol"));
  in.components.push_back(component("CC(=O)O", 2.0, "mmol"));
  auto a = analyseReaction(in);
  const ResolvedComponent* acid = nullptr;
  for (const auto& c : a.components) {
    if (c.canonicalSmiles == "CC(=O)O") acid = &c;
  }
  BOOST_TEST_REQUIRE(acid != nullptr);
  BOOST_TEST(acid->coefficient == 2);
  BOOST_TEST(*acid->equivalents == 2.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(flag(a, "catalyst") == "green");  // 2.0 equivalents is the stoichiometry
  in.components[1].amount = 3.0;
  auto excess = analyseReaction(in);
  BOOST_TEST(flag(excess, "catalyst") == "red");  // 3.0 > 1.1 x 2
}

// Acids, bases and metal species written as agents are reagents, not solvents: they count
// in the simple E factor. Solvents stay solvents.
BOOST_AUTO_TEST_CASE(bases_and_acids_default_to_reagents) {
  ReactionInput in =
      reaction("CC(=O)Cl.OCc1ccccc1>CCN(CC)CC.ClCCl.c1ccncc1.CC(=O)O.[K+].[K+].[O-]C([O-])=O>"
               "CC(=O)OCc1ccccc1.Cl");
  auto a = analyseReaction(in);
  std::map<std::string, std::string> role;
  for (const auto& c : a.components) role[c.canonicalSmiles] = c.role;
  BOOST_TEST(role["CCN(CC)CC"] == "reagent");
  BOOST_TEST(role["c1ccncc1"] == "reagent");
  BOOST_TEST(role["CC(=O)O"] == "reagent");
  BOOST_TEST(role["ClCCl"] == "solvent");
  // A component given by name only is recognised by the solvent guide's names.
  ReactionInput named = reaction("C=CC=C.C=C>>C1=CCCCC1");
  ComponentInput dmf;
  dmf.name = "DMF";
  dmf.amount = 5;
  dmf.unit = "g";
  named.components.push_back(dmf);
  auto withName = analyseReaction(named);
  BOOST_TEST(withName.components.back().role == "solvent");
  BOOST_TEST(withName.components.back().solvent.name == "N,N-Dimethylformamide");
}

// Only water is taken at 1.00 g/mL; D2O and any other liquid need their density.
BOOST_AUTO_TEST_CASE(a_volume_needs_a_density_except_for_water) {
  ReactionInput in = reaction("C=CC=C.C=C>>C1=CCCCC1");
  in.components.push_back(component("O", 10, "mL", "solvent"));
  auto water = analyseReaction(in);
  BOOST_TEST(*water.components.back().massG == 10.0, boost::test_tools::tolerance(1e-9));
  ReactionInput heavy = reaction("C=CC=C.C=C>>C1=CCCCC1");
  heavy.components.push_back(component("[2H]O[2H]", 10, "mL", "solvent"));
  std::string message = expectError(ErrorCode::InvalidArgument, [&] { analyseReaction(heavy); });
  BOOST_TEST(message.find("density") != std::string::npos, message);
  heavy.components[0].density = 1.107;
  BOOST_TEST(*analyseReaction(heavy).components.back().massG == 11.07,
             boost::test_tools::tolerance(1e-9));
}

// The catalysis light looks at the loading: a "catalyst" at 50 mol % is a reagent.
BOOST_AUTO_TEST_CASE(the_catalysis_light_looks_at_the_loading) {
  auto withCatalyst = [](std::optional<double> mmol) {
    ReactionInput in = reaction("CC(=O)O.OCC>OS(=O)(=O)O>CCOC(C)=O.O");
    in.components.push_back(component("CC(=O)O", 10.0, "mmol"));
    in.components.push_back(component("OCC", 10.0, "mmol"));
    ComponentInput acid = component("OS(=O)(=O)O", mmol.value_or(0), "mmol", "catalyst");
    if (!mmol) acid.amount.reset();
    in.components.push_back(acid);
    return analyseReaction(in);
  };
  BOOST_TEST(flag(withCatalyst(0.5), "catalyst") == "green");   // 5 mol %
  BOOST_TEST(flag(withCatalyst(5.0), "catalyst") == "amber");   // 50 mol %
  BOOST_TEST(flag(withCatalyst(20.0), "catalyst") == "red");    // 2 equivalents
  BOOST_TEST(flag(withCatalyst(std::nullopt), "catalyst") == "not_assessed");
}

BOOST_AUTO_TEST_SUITE_END()
