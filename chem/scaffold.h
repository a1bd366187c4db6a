// Bemis–Murcko scaffolds (RDKit MurckoDecompose): ring systems and the linkers between them.
// Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace argan::chem {

// Canonical SMILES of the scaffold of the parent in an RDKit pickle; "" for acyclic
// molecules. Throws argan::Error(InvalidArgument) if the pickle cannot be read.
std::string murckoScaffoldOfPickle(std::string_view pickle);

}  // namespace argan::chem
