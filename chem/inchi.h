// Standard InChI and InChIKey through the IUPAC library (libinchi), from an RDKit molecule.
//
// Stereo is passed as 0D parities derived from RDKit's chiral tags and double-bond stereo,
// so no 2D layout is needed. libinchi keeps global state, so calls are serialised by a
// process-wide mutex (as RDKit's own wrapper does); each call takes well under a millisecond
// for drug-sized molecules.
#pragma once

#include <GraphMol/ROMol.h>

#include <set>
#include <string>

namespace argan::chem {

struct InchiResult {
  std::string inchi;     // "InChI=1S/..."
  std::string inchiKey;  // 27 characters
  std::string message;   // libinchi's warning text, empty when none
};

struct InchiOptions {
  // Atoms whose tetrahedral parity is not passed to libinchi: the centres of AND and OR
  // stereo groups, so that the key of a racemate or a relative configuration does not
  // claim an enantiomer (docs/identity.md §5).
  std::set<unsigned> withoutStereoOf;
};

// Throws argan::Error(InvalidArgument) when libinchi cannot represent the molecule
// (e.g. dummy atoms, more than 1023 atoms) and Internal on library failure. Dative bonds
// are not passed (standard InChI disconnects metal-ligand bonds in any case).
InchiResult computeStandardInchi(const RDKit::ROMol& mol, const InchiOptions& options = {});

// The atoms of every AND and OR stereo group of `mol`.
std::set<unsigned> stereoGroupAtoms(const RDKit::ROMol& mol);

// Computes the InChIKey of an InChI string (used for cross-checks). Throws InvalidArgument.
std::string inchiKeyFromInchi(const std::string& inchi);

}  // namespace argan::chem
