// The maintained list of salt formers and solvates (chem/data/salt_formers.tsv, embedded at
// build time): what the standardiser may split off a parent as a counter-ion or a solvent,
// and how forms are named ("sodium salt", "hydrochloride", "hydrate").
//
// Entries are keyed by the fragment as the standardiser compares it: normalised (RDKit's
// functional-group rules, so DMSO is C[S+](C)[O-]), neutralised, without stereo. So L-, D-
// and DL-lysine are all "lysine"; fumarate and maleate share a key and are told apart by
// their exact SMILES for the name.
#pragma once

#include <string>

namespace argan::chem {

enum class SaltFormerRole { Cation, Base, Acid, Anion, Solvent };

struct SaltFormer {
  std::string smiles;  // as written in the table
  std::string name;    // "sodium", "hydrochloride", "water"
  SaltFormerRole role = SaltFormerRole::Acid;
  bool inorganic = false;  // class column: inorganic (carbonate, cyanide: inorganic carbon)
};

// "cation" | "base" | "acid" | "anion" | "solvent" (the FormComponent::kind words).
const char* saltFormerRoleName(SaltFormerRole role);

// The entry whose key is `noStereoNeutralSmiles` (canonical SMILES of the normalised,
// neutralised fragment with stereo removed), preferring the entry whose own canonical
// SMILES equals `exactSmiles` when several share the key; nullptr when the fragment is not
// listed. Thread-safe: the table is built once, on first use, then immutable. Throws
// argan::Error(Internal) if the embedded table is malformed (a build defect).
const SaltFormer* findSaltFormer(const std::string& noStereoNeutralSmiles,
                                 const std::string& exactSmiles = "");

// Number of entries (for tests).
std::size_t saltFormerCount();

}  // namespace argan::chem
