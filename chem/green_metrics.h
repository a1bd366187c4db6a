// Green-chemistry metrics of one reaction step, and the CHEM21 first-pass traffic lights.
// Pure arithmetic on a ReactionAnalysis whose components are resolved (masses in g,
// amounts in mol, molar masses from RDKit): no RDKit, no I/O, any thread.
// docs/metrics.md gives every formula with its reference; the same text travels in each
// Metric (formula, definition, reference) so API answers are self-describing.
//
// Step metric keys, in answer order:
//   atom_economy, theoretical_yield, yield, reaction_mass_efficiency, optimum_efficiency,
//   carbon_efficiency, pmi, e_factor_simple, e_factor_complete, solvent_intensity,
//   water_intensity
// A metric whose inputs are missing has no value and says in `missing` what is needed; a
// metric is never computed from guessed data.
#pragma once

#include <string>
#include <vector>

#include "chem/reaction_types.h"

namespace argan::chem {

// The catalogue entry (name, unit, formula, definition, reference) for a step or route
// metric key, without a value. Throws Internal for an unknown key (a programming error).
Metric metricDefinition(const std::string& key);

// Fills analysis.metrics from the resolved components. Requires a balanced reaction and a
// desired product. Throws argan::Error(InvalidArgument) when the amounts give a yield above
// 100 % (the isolated product exceeds what the limiting reactant can make).
void computeStepMetrics(ReactionAnalysis& analysis, const ReactionInput& input);

// CHEM21 first-pass flags (McElroy et al., Green Chem. 2015, 17, 3111) for yield, atom
// economy, solvents, temperature, work-up, critical elements, batch/flow and catalyst.
std::vector<TrafficLight> stepTrafficLights(const ReactionAnalysis& analysis,
                                            const ReactionInput& input);

// Work-up / isolation vocabulary, each with its CHEM21 flag:
//   green: none, quench, filtration, centrifugation, crystallisation, evaporation,
//          distillation_below_140, sublimation, solvent_exchange
//   amber: extraction
//   red:   chromatography, hplc, ion_exchange, multiple_recrystallisation,
//          distillation_above_140
// normaliseWorkup accepts these words case-insensitively (and "crystallization",
// "column", "distillation <140", ...) and throws InvalidArgument naming the allowed ones.
std::string normaliseWorkup(const std::string& method);
std::string workupFlag(const std::string& method);  // of a normalised method
const std::vector<std::string>& workupMethods();

// Worst of two flags (red > amber > green; not_assessed counts as nothing).
std::string worseFlag(const std::string& a, const std::string& b);

// CHEM21 thresholds shared by the step and route answers.
std::string percentFlag(double percent);      // >= 90 green, >= 70 amber, else red
std::string temperatureFlag(double celsius);  // 0..70 green, -20..140 amber, else red
std::string solventRankingFlag(const std::string& ranking);

}  // namespace argan::chem
