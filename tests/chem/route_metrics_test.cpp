// Routes: overall atom economy of the two industrial ibuprofen syntheses, a three-step
// convergent route whose cumulative PMI is worked by hand, and the step-graph checks.
#include "chem/route_metrics.h"

#include <cmath>

#include "chem/green_metrics.h"
#include "test_support.h"

using namespace argan;
using namespace argan::chem;
using test::expectError;

namespace {

ComponentInput intermediate(const std::string& smiles, std::int64_t fromStep,
                            std::optional<double> grams = std::nullopt) {
  ComponentInput c;
  c.smiles = smiles;
  c.fromStep = fromStep;
  if (grams) {
    c.amount = *grams;
    c.unit = "g";
  }
  return c;
}

ComponentInput grams(const std::string& smiles, double g, const std::string& role = "",
                     const std::string& origin = "") {
  ComponentInput c;
  c.smiles = smiles;
  c.amount = g;
  c.unit = "g";
  c.role = role;
  c.origin = origin;
  return c;
}

RouteStepInput step(std::int64_t number, const std::string& smiles,
                    std::vector<ComponentInput> components = {}) {
  RouteStepInput s;
  s.number = number;
  s.reaction.reactionSmiles = smiles;
  s.reaction.components = std::move(components);
  return s;
}

double routeValue(const RouteAnalysis& r, const std::string& key) {
  const Metric* m = findMetric(r.metrics, key);
  BOOST_TEST_REQUIRE(m != nullptr, "no metric " << key);
  BOOST_TEST_REQUIRE(m->value.has_value(), key << ": " << m->missing);
  return *m->value;
}

const char* kIsobutylbenzene = "CC(C)Cc1ccccc1";
const char* kKetone = "CC(C)Cc1ccc(cc1)C(C)=O";  // 4-isobutylacetophenone
const char* kIbuprofen = "CC(C)Cc1ccc(cc1)C(C)C(=O)O";

StepLink link(std::int64_t number, const std::string& productKey,
              std::vector<StepLink::Use> uses = {}) {
  StepLink s;
  s.number = number;
  s.productKey = productKey;
  s.productSmiles = productKey;
  s.uses = std::move(uses);
  return s;
}

StepLink::Use use(std::int64_t from, const std::string& key) {
  StepLink::Use u;
  u.fromStep = from;
  u.key = key;
  u.smiles = key;
  return u;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(route_metrics)

// Overall atom economy of the two ibuprofen processes: BHC (Hoechst-Celanese) 77 %, Boots
// 40 %. M. C. Cann and M. E. Connelly, "Real-World Cases in Green Chemistry", American
// Chemical Society, 2000 (the BHC ibuprofen process, 1997 Presidential Green Chemistry
// Challenge award): 206 / 266 = 77 % and 206 / 514.5 = 40 %.
BOOST_AUTO_TEST_CASE(ibuprofen_bhc_and_boots_routes) {
  RouteInput bhc;
  // 1. Friedel-Crafts acylation (HF catalyst, recycled)
  bhc.steps.push_back(
      step(1, std::string(kIsobutylbenzene) + ".CC(=O)OC(C)=O>F>" + kKetone + ".CC(=O)O"));
  // 2. Hydrogenation (Raney nickel)
  bhc.steps.push_back(step(2, std::string(kKetone) + ".[H][H]>[Ni]>CC(C)Cc1ccc(cc1)C(C)O",
                           {intermediate(kKetone, 1)}));
  // 3. Palladium-catalysed carbonylation
  bhc.steps.push_back(step(3, std::string("CC(C)Cc1ccc(cc1)C(C)O.[C-]#[O+]>[Pd]>") + kIbuprofen,
                           {intermediate("CC(C)Cc1ccc(cc1)C(C)O", 2)}));
  auto b = analyseRoute(bhc);
  BOOST_TEST_REQUIRE(b.finalStep.has_value());
  BOOST_TEST(*b.finalStep == 3);
  // 206.285 / (134.222 + 102.089 + 2.016 + 28.010) = 77.45 %
  double bhcAe = routeValue(b, "atom_economy");
  BOOST_TEST(std::fabs(bhcAe - 77.0) <= 1.0, bhcAe);

  RouteInput boots;
  boots.steps.push_back(step(
      1, std::string(kIsobutylbenzene) + ".CC(=O)OC(C)=O>Cl[Al](Cl)Cl>" + kKetone + ".CC(=O)O"));
  // 2. Darzens condensation with ethyl chloroacetate and sodium ethoxide
  const char* epoxyEster = "CC(C)Cc1ccc(cc1)C1(C)OC1C(=O)OCC";
  boots.steps.push_back(step(
      2, std::string(kKetone) + ".ClCC(=O)OCC.(CC[O-].[Na+])>>" + epoxyEster + ".([Na+].[Cl-]).CCO",
      {intermediate(kKetone, 1)}));
  // 3. Hydrolysis and decarboxylation (H3O+)
  const char* aldehyde = "CC(C)Cc1ccc(cc1)C(C)C=O";
  boots.steps.push_back(step(3,
                             std::string(epoxyEster) + ".[OH3+]>>" + aldehyde + ".CCO.O=C=O.[H+]",
                             {intermediate(epoxyEster, 2)}));
  // 4. Oxime with hydroxylamine
  const char* oxime = "CC(C)Cc1ccc(cc1)C(C)C=NO";
  boots.steps.push_back(
      step(4, std::string(aldehyde) + ".NO>>" + oxime + ".O", {intermediate(aldehyde, 3)}));
  // 5. Dehydration to the nitrile
  const char* nitrile = "CC(C)Cc1ccc(cc1)C(C)C#N";
  boots.steps.push_back(
      step(5, std::string(oxime) + ">>" + nitrile + ".O", {intermediate(oxime, 4)}));
  // 6. Hydrolysis of the nitrile
  boots.steps.push_back(
      step(6, std::string(nitrile) + ".O.O>>" + kIbuprofen + ".N", {intermediate(nitrile, 5)}));
  auto o = analyseRoute(boots);
  BOOST_TEST_REQUIRE(o.problems.size() <= 1u);  // no masses: only the mass metrics missing
  // 206.285 / (134.222 + 102.089 + 122.550 + 68.051 + 19.023 + 33.030 + 2 × 18.015) = 40.06 %
  double bootsAe = routeValue(o, "atom_economy");
  BOOST_TEST(std::fabs(bootsAe - 40.0) <= 1.0, bootsAe);
  BOOST_TEST(o.longestLinearSequence.size() == 6u);
  BOOST_TEST(!o.complete);
  BOOST_TEST(findMetric(o.metrics, "pmi")->missing.find("step") != std::string::npos);
}

// benzoic acid -> benzoyl chloride (1); nitrobenzene -> aniline (2); both -> benzanilide (3).
BOOST_AUTO_TEST_CASE(convergent_pmi_worked_by_hand) {
  RouteInput route;
  // Step 1: PhCOOH 12.21 g + SOCl2 14.28 g in toluene 50 g -> PhCOCl 12.65 g (90 %).
  // Inputs 12.21 + 14.28 + 50 = 76.49 g; step PMI = 76.49 / 12.65 = 6.0466.
  route.steps.push_back(
      step(1, "OC(=O)c1ccccc1.O=S(Cl)Cl>Cc1ccccc1>ClC(=O)c1ccccc1.O=S=O.Cl",
           {grams("OC(=O)c1ccccc1", 12.21, "", "bio-based"), grams("O=S(Cl)Cl", 14.28),
            grams("Cc1ccccc1", 50.0), grams("ClC(=O)c1ccccc1", 12.65)}));
  // Step 2: PhNO2 12.31 g + H2 0.61 g, Pd 0.05 g, ethanol 40 g -> aniline 8.38 g (90 %).
  // Inputs 12.31 + 0.61 + 0.05 + 40 = 52.97 g; step PMI = 52.97 / 8.38 = 6.3210.
  route.steps.push_back(step(
      2, "[O-][N+](=O)c1ccccc1.[H][H].[H][H].[H][H]>[Pd].CCO>Nc1ccccc1.O.O",
      {grams("[O-][N+](=O)c1ccccc1", 12.31), grams("[H][H]", 0.61), grams("[Pd]", 0.05, "catalyst"),
       grams("CCO", 40.0, "", "bio-based"), grams("Nc1ccccc1", 8.38)}));
  // Step 3: PhCOCl 11.25 g (from 1) + aniline 7.45 g (from 2) + Et3N 8.90 g in DCM 100 g,
  // water wash 50 g -> benzanilide 14.20 g (90 %).
  // Raw inputs (intermediates excluded) 8.90 + 100 + 50 = 158.9 g.
  ComponentInput water = grams("O", 50.0, "solvent");
  route.steps.push_back(
      step(3,
           "ClC(=O)c1ccccc1.Nc1ccccc1.CCN(CC)CC>ClCCl>"
           "O=C(Nc1ccccc1)c1ccccc1.(CC[NH+](CC)CC.[Cl-])",
           {intermediate("ClC(=O)c1ccccc1", 1, 11.25), intermediate("Nc1ccccc1", 2, 7.45),
            grams("CCN(CC)CC", 8.90), grams("ClCCl", 100.0), water,
            grams("O=C(Nc1ccccc1)c1ccccc1", 14.20)}));
  auto r = analyseRoute(route);
  BOOST_TEST_REQUIRE(r.problems.empty(), (r.problems.empty() ? "" : r.problems.front()));
  BOOST_TEST(r.complete);
  // Per kg of benzanilide (ACS GCI convergent PMI):
  //   F3 = 1; F1 = 11.25 / 14.20 = 0.792254 kg PhCOCl; F2 = 7.45 / 14.20 = 0.524648 kg PhNH2
  //   step 1: F1 × 76.49 / 12.65 = 0.792254 × 6.046640 = 4.790472
  //   step 2: F2 × 52.97 / 8.38  = 0.524648 × 6.321002 = 3.316301
  //   step 3: 1  × 158.9 / 14.20                       = 11.190141
  //   PMI = 4.790472 + 3.316301 + 11.190141 = 19.296913 kg/kg
  BOOST_TEST(routeValue(r, "pmi") == 19.296913, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(routeValue(r, "e_factor_complete") == 18.296913, boost::test_tools::tolerance(1e-6));
  // Simple E factor: solvents (toluene, ethanol, DCM) and the wash water left out:
  //   0.792254 × 26.49 / 12.65 + 0.524648 × 12.97 / 8.38 + 8.90 / 14.20 - 1
  //   = 1.659035 + 0.812015 + 0.626761 - 1 = 2.097810
  BOOST_TEST(routeValue(r, "e_factor_simple") == 2.097810, boost::test_tools::tolerance(1e-5));
  // Water: 50 / 14.20 = 3.521127 kg/kg.
  BOOST_TEST(routeValue(r, "water_intensity") == 3.521127, boost::test_tools::tolerance(1e-5));
  // Bio-based: benzoic acid 0.792254 × 12.21 / 12.65 = 0.764697 and ethanol
  // 0.524648 × 40 / 8.38 = 2.504286 kg, over 19.296913 - 3.521127 = 15.775786 kg of raw
  // input without water: 20.7215 %.
  BOOST_TEST(routeValue(r, "renewable_input_share") == 20.7215, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(routeValue(r, "bio_based_input_share") == 20.7215, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(routeValue(r, "waste_derived_input_share") == 0.0);
  // Overall yield along a longest linear sequence (both branches have two steps; equal
  // yields): 90 % × 90 % = 81 %.
  BOOST_TEST(routeValue(r, "overall_yield") == 81.0, boost::test_tools::tolerance(0.01));
  BOOST_TEST(r.longestLinearSequence.size() == 2u);
  BOOST_TEST(routeValue(r, "step_count") == 3.0);
  // Route atom economy: 197.24 / (122.12 + 118.97 + 123.11 + 3 × 2.016 + 101.19) = 41.8 %
  BOOST_TEST(std::fabs(routeValue(r, "atom_economy") - 41.84) < 0.05);
  // Contributions add up to the PMI.
  double sum = 0;
  for (const auto& c : r.contributions) sum += *c.pmiShare;
  BOOST_TEST(sum == 100.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(*r.contributions[0].productKgPerKgFinal == 0.792254,
             boost::test_tools::tolerance(1e-5));
  BOOST_TEST(*r.contributions[0].feeds == 3);
  BOOST_TEST(r.principles.size() == 12u);
  BOOST_TEST(r.principles[4].flag == "red");    // dichloromethane: Hazardous
  BOOST_TEST(r.principles[6].flag == "amber");  // 20.7 % renewable
}

BOOST_AUTO_TEST_CASE(routes_without_one_final_step_say_so) {
  RouteInput two;
  two.steps.push_back(step(1, "C=CC=C.C=C>>C1=CCCCC1"));
  two.steps.push_back(step(2, "C=C.C=C.O=O>>C1CO1.C1CO1"));
  auto r = analyseRoute(two);
  BOOST_TEST(!r.complete);
  BOOST_TEST_REQUIRE(!r.problems.empty());
  BOOST_TEST(r.problems[0].find("steps 1, 2 all end the route") != std::string::npos,
             r.problems[0]);
  BOOST_TEST(!findMetric(r.metrics, "atom_economy")->value.has_value());
  RouteInput broken;
  broken.steps.push_back(step(1, "CC(=O)O.OCC>>CCOC(C)=O"));  // unbalanced: reported, not thrown
  auto b = analyseRoute(broken);
  BOOST_TEST(!b.steps[0].ok);
  BOOST_TEST(b.steps[0].error.find("unbalanced") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(step_graph_errors) {
  // A missing step.
  std::string missing = expectError(ErrorCode::InvalidArgument, [] {
    checkRouteGraph({link(1, "A"), link(2, "B", {use(7, "A")})});
  });
  BOOST_TEST(missing.find("step 7, which does not exist") != std::string::npos, missing);
  // A cycle: 2 uses 3's product and 3 uses 2's.
  std::string cycle = expectError(ErrorCode::InvalidArgument, [] {
    checkRouteGraph({link(1, "A"), link(2, "B", {use(3, "C")}), link(3, "C", {use(2, "B")})});
  });
  BOOST_TEST(cycle.find("form a cycle") != std::string::npos, cycle);
  BOOST_TEST(cycle.find("2 → 3 → 2") != std::string::npos, cycle);
  std::string self = expectError(ErrorCode::InvalidArgument,
                                 [] { checkRouteGraph({link(1, "A", {use(1, "A")})}); });
  BOOST_TEST(self.find("cycle") != std::string::npos, self);
  // A later step without a cycle.
  std::string later = expectError(ErrorCode::InvalidArgument, [] {
    checkRouteGraph({link(1, "A", {use(2, "B")}), link(2, "B")});
  });
  BOOST_TEST(later.find("later step") != std::string::npos, later);
  // One product feeding two steps.
  std::string twice = expectError(ErrorCode::InvalidArgument, [] {
    checkRouteGraph({link(1, "A"), link(2, "B", {use(1, "A")}), link(3, "C", {use(1, "A")})});
  });
  BOOST_TEST(twice.find("a route is a tree") != std::string::npos, twice);
  // The component is not what the step makes.
  std::string structure = expectError(ErrorCode::InvalidArgument, [] {
    checkRouteGraph({link(1, "A"), link(2, "B", {use(1, "X")})});
  });
  BOOST_TEST(structure.find("step 1 makes 'A'") != std::string::npos, structure);
  // A proper convergent tree passes.
  checkRouteGraph({link(1, "A"), link(2, "B"), link(3, "C", {use(1, "A"), use(2, "B")})});
}

BOOST_AUTO_TEST_SUITE_END()
