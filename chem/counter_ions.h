// Names of common counter-ions and solvents, for form labels ("sodium salt, 1:1").
// Keys are canonical SMILES of the neutralised fragment as the Standardizer produces them.
#pragma once

#include <string>

namespace argan::chem {

struct KnownComponent {
  std::string name;  // "sodium", "hydrochloride", "water"
  std::string kind;  // "cation" | "acid" | "base" | "solvent"
};

// Looks up a neutralised fragment's canonical SMILES; false when it is not in the table.
// Thread-safe (the table is built once, on first use).
bool lookupKnownComponent(const std::string& canonicalSmiles, KnownComponent& out);

}  // namespace argan::chem
