// Standard InChI and InChIKey through the IUPAC library (libinchi), from an RDKit molecule.
//
// Stereo is passed as 0D parities derived from RDKit's chiral tags and double-bond stereo,
// so no 2D layout is needed. libinchi keeps global state, so calls are serialised by a
// process-wide mutex (as RDKit's own wrapper does); each call takes well under a millisecond
// for drug-sized molecules.
#pragma once

#include <GraphMol/ROMol.h>

#include <string>

namespace argan::chem {

struct InchiResult {
  std::string inchi;     // "InChI=1S/..."
  std::string inchiKey;  // 27 characters
  std::string message;   // libinchi's warning text, empty when none
};

// Throws argan::Error(InvalidArgument) when libinchi cannot represent the molecule
// (e.g. dummy atoms, more than 1023 atoms) and Internal on library failure.
InchiResult computeStandardInchi(const RDKit::ROMol& mol);

// Computes the InChIKey of an InChI string (used for cross-checks). Throws InvalidArgument.
std::string inchiKeyFromInchi(const std::string& inchi);

}  // namespace argan::chem
