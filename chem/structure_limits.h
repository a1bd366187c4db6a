// Documented limits on structure input, checked before RDKit sees the text.
//
// Argan registers small molecules and natural products: a few hundred heavy atoms at most.
// RDKit 2022.09 needs ~60 s to parse a 4 000-atom chain and allocates per *declared* count
// in V3000 Molfiles, so every limit below is enforced on the raw text first (see
// input_check.h) and again on the parsed molecule. docs/limits.md lists them for users.
#pragma once

#include <cstddef>

namespace argan::chem {

struct StructureLimits {
  std::size_t maxSmilesLength = 4000;        // characters in a SMILES (without CX extension)
  std::size_t maxCxExtensionLength = 2000;   // characters in a CXSMILES "|...|" suffix
  std::size_t maxMolfileBytes = 512 * 1024;  // bytes in one Molfile / SD record
  unsigned maxHeavyAtoms = 500;              // non-hydrogen atoms in the whole input
  unsigned maxAtoms = 1000;                  // atoms including explicit H (InChI's own limit: 1023)
  unsigned maxBonds = 1200;                  // bonds in the whole input
  unsigned maxFragments = 32;                // disconnected pieces (parent + counter-ions/solvents)
  unsigned maxBranchDepth = 64;              // nesting of "(" in SMILES, "$(" in SMARTS
  unsigned maxRingClosures = 200;            // ring-closure bonds in a SMILES
};

}  // namespace argan::chem
