// Is a submitted structure a mixture rather than one compound (a parent, possibly as a salt
// or solvate)? A registry of parents must not turn a mixture into a "form" of its largest
// component: a mixture is a substance (server/registry/substances.h, POST /api/substances).
//
// The rule today: after standardisation, a component that is neither the parent nor a
// known counter-ion or solvent (FormComponent kind "other"), contains carbon, and has no
// acid group or nitrogen that would make it a possible salt former makes the input a
// mixture; unknown inorganic components and possible organic salt formers (an oxalate the
// counter-ion table lacks) stay form components.
// Registration asks this one function, so the identity rule for multi-fragment input
// (docs/identity.md) can replace its body without touching the callers.
// Plain data only (no RDKit): any thread.
#pragma once

#include <string>
#include <vector>

#include "chem/structure_types.h"

namespace argan::chem {

struct MixtureVerdict {
  bool mixture = false;
  std::vector<std::string> components;  // SMILES of the parent and of every other component
};

MixtureVerdict classifyMixture(const StructureAnalysis& analysis);

// Throws argan::Error(InvalidArgument, details field "structure", reason "mixture",
// components "a.b.c") when classifyMixture says mixture, with a message that points to
// registering a substance.
void refuseMixture(const StructureAnalysis& analysis);

}  // namespace argan::chem
