// Plain data for reactions, synthesis steps and routes: what goes into the reaction analysis
// and what comes out. Only strings, numbers, optionals and vectors, so that an
// out-of-process ChemService can serialise them field by field. No RDKit here.
//
// Vocabulary (the same words in the API, the database and docs/metrics.md):
//   side    where a component is written: "reactant" (left of the first '>'), "agent"
//           (between the '>'s), "product" (right), "extra" (not in the reaction text:
//           work-up solvents, drying agents, ...)
//   role    "reactant" | "reagent" | "catalyst" | "solvent" | "product" | "by-product"
//   origin  feedstock origin: "fossil" | "bio-based" | "waste-derived" | "" (not given)
//   flag    CHEM21 traffic light: "green" | "amber" | "red" | "not_assessed"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace argan::chem {

// One component of a step as the user describes it. A component with a structure that is
// written in the reaction (same InChIKey) annotates that species; otherwise it is an extra
// component (reagent, catalyst or solvent outside the reaction text).
struct ComponentInput {
  std::string smiles;             // structure (SMILES); empty for a component known by name only
  std::string name;               // free text ("silica gel", "brine")
  std::string role;               // "" = the default for where it is written
  std::optional<double> amount;   // in `unit`
  std::string unit;               // mg g kg t | uL mL L m3 | umol mmol mol
  std::optional<double> density;  // g/mL, to turn a volume into a mass
  std::optional<double> equivalents;     // as recorded by the chemist
  std::string origin;                    // fossil | bio-based | waste-derived | ""
  std::optional<std::int64_t> fromStep;  // number of the route step that makes it
  std::string compound;                  // registered compound code, if linked ("CMP-000012")
  // A substance (extract, oil, FAME blend...) used as this component ("SUB-000003"). With a
  // structure (`smiles`, its representative constituent) it stands for that species of the
  // reaction; without one it can only be an input outside the reaction text, and a reactant
  // without a structure makes the stoichiometric metrics not apply (see ReactionAnalysis).
  std::string substance;
};

struct ReactionConditions {
  std::optional<double> temperatureC;  // °C
  std::optional<double> timeH;         // hours
  std::optional<double> pressureBar;   // bar (absolute)
  std::string atmosphere;              // "air", "N2", "Ar", "H2 (5 bar)", ...
  std::string mode;                    // "batch" | "flow" | ""
};

// One reaction step as submitted.
struct ReactionInput {
  std::string reactionSmiles;  // "reactants>agents>products"; or
  std::string rxnBlock;        // a V2000 RXN file (exactly one of the two)
  std::vector<ComponentInput> components;
  ReactionConditions conditions;
  std::vector<std::string> workup;      // work-up / isolation operations (see green_metrics.h)
  std::optional<double> isolatedYield;  // percent, as measured
};

struct SolventClass {
  bool recognised = false;     // found in the CHEM21 guide by structure
  int chem21Number = 0;        // row in Prat et al. 2016
  std::string name;            // "Ethyl acetate"
  std::string family;          // "Esters"
  std::string rankingDefault;  // "Recommended" | "Problematic" | "Hazardous" | "Highly hazardous"
  std::string ranking;         // ranking after discussion (the one used for flags)
  int safetyScore = 0;         // 1-10
  int healthScore = 0;         // 1-10
  int environmentScore = 0;    // 1-10
};

// A component after analysis: identity from RDKit, amounts converted, role resolved.
struct ResolvedComponent {
  std::string side;  // reactant | agent | product | extra
  std::string role;
  int coefficient = 0;  // times written in the reaction (0 for extras)
  int inputIndex = -1;  // the ComponentInput that described it, -1 if none
  std::string smiles;   // as written (species text or component SMILES)
  std::string name;
  std::string canonicalSmiles;  // RDKit canonical SMILES (atom maps removed)
  std::string inchiKey;         // standard InChIKey ("" if libinchi cannot represent it)
  std::string formula;
  double molarMass = 0;  // g/mol (RDKit average molecular weight); 0 = no structure
  int carbonAtoms = 0;
  int charge = 0;
  std::vector<std::string> elements;  // element symbols present
  bool water = false;
  SolventClass solvent;
  // Amounts: as given, and converted (mass in g, amount of substance in mol).
  std::optional<double> amount;
  std::string unit;
  std::optional<double> density;
  std::optional<double> equivalentsGiven;
  std::optional<double> massG;
  std::optional<double> moles;
  std::string amountSource;  // given | volume×density | moles×M | equivalents | yield | ""
  std::optional<double> equivalents;  // computed: n / n of the limiting reactant (per species)
  std::string origin;
  std::optional<std::int64_t> fromStep;
  std::string compound;
  std::string substance;  // "SUB-000003" when the component is a substance
};

struct ElementBalance {
  std::string element;
  double reactants = 0;  // atoms on the left, coefficients applied
  double products = 0;   // atoms on the right
};

struct BalanceReport {
  bool balanced = false;
  std::vector<ElementBalance> elements;  // every element present, Hill order
  int chargeReactants = 0;
  int chargeProducts = 0;
  std::string summary;     // "balanced" or "O: reactants 2, products 1; H: ..."
  std::string suggestion;  // e.g. "the products lack 1 × H2O (O): add it as a by-product"
};

// A computed metric with what a chemist needs to check it by hand.
struct Metric {
  std::string key;   // "atom_economy"
  std::string name;  // "Atom economy"
  std::string unit;  // "%", "kg/kg", "g", "mol"
  std::optional<double> value;
  std::string formula;     // "AE = ν_P·M_P / Σ ν_i·M_i × 100"
  std::string definition;  // words, including what counts as an input
  std::string reference;   // literature
  std::string missing;     // why there is no value (empty when there is one)
  std::string detail;      // how this value was obtained (e.g. "yield as given")
};

struct TrafficLight {
  std::string criterion;  // yield | atom_economy | solvents | temperature | workup |
                          // critical_elements | batch_flow | catalyst
  std::string flag;       // green | amber | red | not_assessed
  std::string basis;      // the evidence: "81 %", "ethyl acetate (Recommended)", ...
  std::string rule;       // the CHEM21 first-pass thresholds applied
};

struct ReactionAnalysis {
  std::string format;                         // "reaction_smiles" | "rxn"
  std::string canonicalReactionSmiles;        // canonical species, agents included
  std::vector<ResolvedComponent> components;  // species in reaction order, then extras
  int desiredProduct = -1;                    // index into components
  int limitingReactant = -1;                  // index, -1 when it cannot be determined
  BalanceReport balance;
  std::optional<double> theoreticalProductMassG;
  std::vector<Metric> metrics;  // see green_metrics.h for the catalogue
  std::vector<TrafficLight> trafficLights;
  std::vector<std::string> warnings;
  // Why the stoichiometric metrics (atom economy, theoretical yield, yield from amounts,
  // carbon and optimum efficiency) do not apply: a reactant is a substance without a
  // representative structure, so the balance cannot be checked. Empty when they apply.
  std::string notStoichiometric;
};

// ---- Routes ----

struct RouteStepInput {
  std::int64_t number = 0;  // step number within the route (stable; gaps allowed)
  std::string name;
  ReactionInput reaction;
};

struct RouteInput {
  std::vector<RouteStepInput> steps;  // in step order
};

struct StepAnalysisResult {
  std::int64_t number = 0;
  std::string name;
  bool ok = false;  // false: `error` says why the step could not be analysed
  std::string error;
  ReactionAnalysis analysis;
};

// Per-step figures of the cumulative (convergent) PMI.
struct StepContribution {
  std::int64_t number = 0;
  std::optional<double> productKgPerKgFinal;  // kg of this step's product per kg final product
  std::optional<double> rawInputKg;           // raw materials (not intermediates), per kg final
  std::optional<double> pmiShare;             // percent of the route PMI
  std::optional<double> extentPerMolFinal;    // reaction extent (mol) per mol final product
  std::optional<std::int64_t> feeds;          // step that consumes this step's product
};

struct Principle {
  int number = 0;        // 1..12 (Anastas & Warner)
  std::string name;      // "Atom economy"
  std::string flag;      // green | amber | red | info | not_assessed
  std::string evidence;  // what Argan's data says
};

struct RouteAnalysis {
  std::vector<StepAnalysisResult> steps;
  bool complete = false;  // one final step, every step analysed, masses known
  std::vector<std::string> problems;
  std::optional<std::int64_t> finalStep;
  std::vector<std::int64_t> longestLinearSequence;  // step numbers, first to final
  std::vector<StepContribution> contributions;
  std::vector<Metric> metrics;
  std::vector<TrafficLight> worstTrafficLights;  // per criterion, worst over the steps
  std::vector<Principle> principles;
};

// The metric with `key`, or nullptr.
const Metric* findMetric(const std::vector<Metric>& metrics, const std::string& key);

}  // namespace argan::chem
