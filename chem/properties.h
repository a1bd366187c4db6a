// Computed properties of a parent structure (RDKit descriptors). Pure; any thread.
// The result type, MolecularProperties, is plain data in structure_types.h.
#pragma once

#include <GraphMol/ROMol.h>

#include "chem/structure_types.h"  // MolecularProperties

namespace argan::chem {

MolecularProperties computeProperties(const RDKit::ROMol& mol);

}  // namespace argan::chem
