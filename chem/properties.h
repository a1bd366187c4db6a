// Computed properties of a parent structure (RDKit descriptors). Pure; any thread.
// The result type, MolecularProperties, is plain data in structure_types.h.
#pragma once

#include <GraphMol/ROMol.h>

#include <string>

#include "chem/structure_types.h"  // MolecularProperties

namespace argan::chem {

MolecularProperties computeProperties(const RDKit::ROMol& mol);

// The same, with the Hill formula already computed for `mol` (calcMolFormula with default
// arguments, as IdentityCalculator does): it is copied, not computed again.
MolecularProperties computeProperties(const RDKit::ROMol& mol, const std::string& formula);

}  // namespace argan::chem
