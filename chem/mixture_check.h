// Is a submitted structure a mixture rather than one compound (a parent, possibly as a salt
// or solvate)? A registry of parents must not turn a mixture into a "form" of its largest
// component: a mixture is a substance (server/registry/substances.h, POST /api/substances).
//
// The rule today: after standardisation, a component that is neither the parent nor a
// known counter-ion or solvent (FormComponent kind "other"), contains carbon, and has no
// acid group or nitrogen that would make it a possible salt former makes the input a
// mixture; unknown inorganic components and possible organic salt formers (an oxalate the
// counter-ion table lacks) stay form components.
// The identity rule for multi-fragment input (chem/standardizer.cpp, docs/identity.md
// section 3) already refuses two unlisted organic molecules while analysing, with the same
// answer (throwMixture); registration still asks classifyMixture of every analysis it stores,
// so an analysis that lists an unlisted carbon compound as a form component never becomes a
// form of its parent whatever the analyser's version.
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

// The one shape of a mixture refusal, whoever finds it (the standardiser's identity rule,
// docs/identity.md section 3, during analysis; classifyMixture after it): InvalidArgument with
// details field "structure", reason "mixture", components "a.b.c" (the SMILES of every
// distinct component, as the substance form takes them) and register_as "/api/substances";
// `what` (what is wrong, for people) is followed by the pointer to registering a substance.
[[noreturn]] void throwMixture(const std::string& what, const std::vector<std::string>& components);

// Throws as throwMixture when classifyMixture says mixture.
void refuseMixture(const StructureAnalysis& analysis);

}  // namespace argan::chem
