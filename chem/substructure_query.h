// Preparing a substructure query from untrusted text: plain data in, plain data out.
//
// prepareSubstructureQuery runs the input checks (checkSmiles with allowSmarts / checkMolfile
// and the query limits) and RDKit's parser once, and returns plain data: the query text as
// the matcher will parse it, and its pattern fingerprint (the screen). It is what a guarded
// chemistry worker runs on untrusted text; the result can cross a process boundary.
// This header includes no RDKit header (the implementation, in substructure.cpp, uses RDKit);
// the matcher that needs RDKit types is in substructure.h.
#pragma once

#include <string>

#include "chem/structure_limits.h"

namespace argan::chem {

// Smaller than registration limits: a query is a pattern, and matching time grows with it.
struct SubstructureQueryLimits {
  StructureLimits structure{/*maxSmilesLength=*/1000,
                            /*maxCxExtensionLength=*/0,
                            /*maxMolfileBytes=*/64 * 1024,
                            /*maxHeavyAtoms=*/100,
                            /*maxAtoms=*/150,
                            /*maxBonds=*/160,
                            /*maxFragments=*/4,
                            /*maxBranchDepth=*/16,
                            /*maxRingClosures=*/20};
  unsigned maxRecursionDepth = 2;  // nesting of recursive SMARTS "$(...)"
};

// A prepared query: plain, serialisable data.
struct SubstructureQuerySpec {
  std::string format;              // "smiles" | "smarts" | "molfile"
  std::string text;                // what the matcher parses (SMILES/SMARTS trimmed, Molfile as is)
  std::string patternFingerprint;  // packed 2048 bits; every bit is set in every match
  unsigned atoms = 0;              // query atoms
  unsigned screenBits = 0;         // set bits of the pattern fingerprint
  bool elementOnly = false;        // one atom constrained by its element at most (C, Cl,
                                   // [#6], *): an element filter, not a structure query
};

// format: "smiles", "smarts", "molfile" or "" (a Molfile when it looks like one, else SMILES
// when RDKit's SMILES parser accepts it, else SMARTS). Throws argan::Error(InvalidArgument)
// for empty, oversized or unparsable queries, naming the problem (field "query").
// Pure; any thread.
SubstructureQuerySpec prepareSubstructureQuery(const std::string& text, const std::string& format,
                                               const SubstructureQueryLimits& limits = {});

}  // namespace argan::chem
