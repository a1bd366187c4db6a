// Checks on untrusted structure text before any RDKit parser runs.
//
// Every function throws argan::Error(InvalidArgument) with a message that names the
// problem and its position (0-based character offset or 1-based line), and details
// {"limit": ..., "position": ..., "line": ...} where they apply. They never call RDKit,
// allocate in proportion to declared counts, or take more than linear time.
// Pure functions: safe from any thread.
#pragma once

#include <string>

#include "chem/structure_limits.h"

namespace argan::chem {

enum class StructureFormat { Smiles, Molfile };

const char* formatName(StructureFormat format);

// "smiles" | "molfile" | "" (detect). Throws InvalidArgument on anything else.
// Detection: text with a line break and an "M  END" line or a V2000/V3000 counts line is a
// Molfile, otherwise SMILES.
StructureFormat resolveFormat(const std::string& requested, const std::string& text);

// Result of lexing a SMILES: what the parser will see, counted.
struct SmilesScan {
  std::string smiles;       // the SMILES proper (trimmed; without the CX suffix)
  std::string cxExtension;  // "|...|" or empty
  unsigned atoms = 0;       // atom tokens, bracket H counts excluded
  unsigned heavyAtoms = 0;  // atom tokens other than [H] / [2H] ...
  unsigned fragments = 0;   // '.'-separated pieces
  unsigned ringClosures = 0;
};

// Lexes a SMILES (or, with allowSmarts, a SMARTS query) and checks characters, element
// symbols, branch balance and depth, ring-closure pairing and the limits. Leading and
// trailing whitespace is trimmed; anything else after whitespace must be a CXSMILES
// "|...|" suffix. Non-ASCII bytes, control characters and NUL are refused with their
// position, because RDKit would silently truncate the SMILES at them.
SmilesScan checkSmiles(const std::string& text, const StructureLimits& limits,
                       bool allowSmarts = false);

// Checks a Molfile (V2000 or V3000): size, bytes, the counts line against the limits and
// against the number of lines actually present, and the "M  END" terminator.
void checkMolfile(const std::string& text, const StructureLimits& limits);

}  // namespace argan::chem
