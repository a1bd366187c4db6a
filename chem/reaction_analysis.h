// One synthesis step, analysed: the unit of chemistry work on a reaction.
//
// analyseReaction(input) =
//   check the text (reaction_input_check.h) -> parse every species with RDKit
//   -> identity (InChIKey), formula, molar mass, element counts of each species
//   -> group identical species per part (a species written twice has coefficient 2)
//   -> match the components the user described to species by structure (InChIKey),
//      the others become extra components (work-up solvents, drying agents, ...)
//   -> resolve roles (defaults by position; the first product is the desired one unless a
//      component says otherwise) and recognise CHEM21 solvents by structure
//   -> check the balance element by element and the charge
//   -> convert amounts (mass; volume × density; moles × M; equivalents × reference)
//   -> step metrics and CHEM21 traffic lights (green_metrics.h)
//
// Every problem with the input throws argan::Error(InvalidArgument) with a message that
// names the field ("components[2].amount", "reaction_smiles") and, for reaction text, the
// species and position. An unbalanced reaction is refused (details "unbalanced":
// "O: reactants 2, products 1", "suggestion": what is missing) because atom economy and
// stoichiometric yields from it would mislead. Pure function of its input: any thread
// (InChI calls are serialised inside libinchi's wrapper).
#pragma once

#include "chem/reaction_input_check.h"
#include "chem/reaction_types.h"

namespace argan::chem {

ReactionAnalysis analyseReaction(const ReactionInput& input, const ReactionLimits& limits = {});

// The balance of a reaction given as plain species (used by analyseReaction; exposed for
// tests). `species` pairs a side ("reactant" | "product" | other, ignored) with its element
// counts, coefficient and charge.
struct BalanceTerm {
  std::string side;
  int coefficient = 1;
  int charge = 0;
  std::vector<std::pair<std::string, int>> elements;
};
BalanceReport checkBalance(const std::vector<BalanceTerm>& terms);

// Upper bounds on the numbers of a step, refused (InvalidArgument naming the field) above
// them so that no metric overflows: an amount in its own unit (also a step's scale),
// a density in g/mL, equivalents, a reaction time in hours, a pressure in bar.
constexpr double kMaxAmount = 1e9;
constexpr double kMaxDensity = 30;
constexpr double kMaxEquivalents = 1e6;
constexpr double kMaxTimeHours = 1e5;
constexpr double kMaxPressureBar = 1e5;

// Amount units accepted for components ("g", "mL", "mmol", ...): "mass", "volume",
// "amount" (of substance), or "" when unknown. Factor to g, mL or mol in `toBase`.
std::string unitKind(const std::string& unit, double* toBase = nullptr);

}  // namespace argan::chem
