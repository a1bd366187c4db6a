// CHEM21 first-pass thresholds at their boundaries, the work-up vocabulary, and the shape of
// the 12-principles summary (docs/metrics.md states each rule; these pin them).
#include "chem/green_metrics.h"

#include "chem/route_metrics.h"
#include "test_support.h"

using namespace argan;
using namespace argan::chem;
using test::expectError;

BOOST_AUTO_TEST_SUITE(green_metrics)

BOOST_AUTO_TEST_CASE(percent_and_temperature_thresholds_at_their_boundaries) {
  BOOST_TEST(percentFlag(100.0) == "green");
  BOOST_TEST(percentFlag(90.0) == "green");
  BOOST_TEST(percentFlag(89.99) == "amber");
  BOOST_TEST(percentFlag(70.0) == "amber");
  BOOST_TEST(percentFlag(69.99) == "red");
  BOOST_TEST(percentFlag(0.0) == "red");
  BOOST_TEST(temperatureFlag(0.0) == "green");
  BOOST_TEST(temperatureFlag(70.0) == "green");
  BOOST_TEST(temperatureFlag(70.5) == "amber");
  BOOST_TEST(temperatureFlag(-0.5) == "amber");
  BOOST_TEST(temperatureFlag(-20.0) == "amber");
  BOOST_TEST(temperatureFlag(-20.5) == "red");
  BOOST_TEST(temperatureFlag(140.0) == "amber");
  BOOST_TEST(temperatureFlag(140.5) == "red");
  BOOST_TEST(solventRankingFlag("Recommended") == "green");
  BOOST_TEST(solventRankingFlag("Problematic") == "amber");
  BOOST_TEST(solventRankingFlag("Hazardous") == "red");
  BOOST_TEST(solventRankingFlag("Highly hazardous") == "red");
  BOOST_TEST(solventRankingFlag("") == "not_assessed");
  BOOST_TEST(worseFlag("green", "red") == "red");
  BOOST_TEST(worseFlag("amber", "green") == "amber");
  BOOST_TEST(worseFlag("not_assessed", "green") == "green");
  BOOST_TEST(worseFlag("red", "not_assessed") == "red");
}

BOOST_AUTO_TEST_CASE(workup_words_are_normalised_and_unknown_ones_refused) {
  BOOST_TEST(normaliseWorkup("Column chromatography") == "chromatography");
  BOOST_TEST(normaliseWorkup("Recrystallization") == "crystallisation");
  BOOST_TEST(normaliseWorkup("distillation >140") == "distillation_above_140");
  BOOST_TEST(workupFlag("chromatography") == "red");
  BOOST_TEST(workupFlag("extraction") == "amber");
  BOOST_TEST(workupFlag("filtration") == "green");
  std::string message = expectError(ErrorCode::InvalidArgument, [] { normaliseWorkup("prayer"); });
  BOOST_TEST(message.find("unknown work-up 'prayer'") != std::string::npos, message);
  BOOST_TEST(message.find("filtration") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(every_metric_key_has_its_definition) {
  for (const char* key :
       {"atom_economy", "theoretical_yield", "yield", "reaction_mass_efficiency",
        "optimum_efficiency", "carbon_efficiency", "pmi", "e_factor_simple", "e_factor_complete",
        "solvent_intensity", "water_intensity", "overall_yield", "renewable_input_share",
        "bio_based_input_share", "waste_derived_input_share", "unspecified_origin_share",
        "step_count", "longest_linear_sequence"}) {
    Metric m = metricDefinition(key);
    BOOST_TEST(!m.name.empty(), key);
    BOOST_TEST(!m.formula.empty(), key);
    BOOST_TEST(!m.definition.empty(), key);
    BOOST_TEST(!m.reference.empty(), key);
  }
  expectError(ErrorCode::Internal, [] { metricDefinition("happiness"); });
}

// One catalytic step at 25 °C in flow, ethanol as solvent, all amounts known: the route
// summary lists the twelve principles in order, each with its flag.
BOOST_AUTO_TEST_CASE(the_twelve_principles_in_order_with_their_evidence) {
  RouteInput route;
  RouteStepInput step;
  step.number = 1;
  // Diels-Alder in ethanol: 100 % atom economy.
  step.reaction.reactionSmiles = "C=CC=C.C=C>CCO>C1=CCCCC1";
  auto grams = [](const std::string& smiles, double g, const std::string& origin) {
    ComponentInput c;
    c.smiles = smiles;
    c.amount = g;
    c.unit = "g";
    c.origin = origin;
    return c;
  };
  step.reaction.components = {grams("C=CC=C", 5.41, "bio-based"), grams("C=C", 2.81, "fossil"),
                              grams("CCO", 20.0, "bio-based"), grams("C1=CCCCC1", 7.39, "")};
  step.reaction.conditions.temperatureC = 25;
  step.reaction.conditions.mode = "flow";
  route.steps.push_back(step);
  RouteAnalysis r = analyseRoute(route);
  BOOST_TEST_REQUIRE(r.complete, (r.problems.empty() ? "" : r.problems.front()));
  BOOST_TEST_REQUIRE(r.principles.size() == 12u);
  for (int i = 0; i < 12; ++i) BOOST_TEST(r.principles[i].number == i + 1);
  BOOST_TEST(r.principles[0].name == "Prevention");
  BOOST_TEST(r.principles[0].flag == "info");
  BOOST_TEST(r.principles[1].flag == "green");  // atom economy 100 %
  BOOST_TEST(r.principles[4].flag == "green");  // ethanol: Recommended
  BOOST_TEST(r.principles[5].flag == "green");  // 25 °C
  // Bio-based: (5.41 + 20) of 28.22 kg raw input = 90.0 % -> green.
  BOOST_TEST(r.principles[6].flag == "green", r.principles[6].evidence);
  BOOST_TEST(r.principles[8].flag == "green");  // no reagents
  BOOST_TEST(r.principles[3].flag == "not_assessed");
  BOOST_TEST(r.principles[9].flag == "not_assessed");
  for (const auto& p : r.principles) BOOST_TEST(!p.evidence.empty(), p.name);
  // The same step at 150 °C in batch: the energy principle turns red.
  route.steps[0].reaction.conditions.temperatureC = 150;
  RouteAnalysis hot = analyseRoute(route);
  BOOST_TEST(hot.principles[5].flag == "red");
}

BOOST_AUTO_TEST_SUITE_END()
