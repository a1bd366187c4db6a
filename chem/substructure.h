// Substructure queries: preparing untrusted query text, and matching a prepared query
// against stored parents.
//
// prepareSubstructureQuery runs the input checks (checkSmiles with allowSmarts / checkMolfile
// and the query limits) and RDKit's parser once, and returns plain data: the query text as
// the matcher will parse it, and its pattern fingerprint (the screen). It is what a guarded
// chemistry worker runs on untrusted text; the result can cross a process boundary.
// SubstructureMatcher compiles that prepared text again in the search process (RDKit has
// accepted it already) and matches it against RDKit pickles of registered parents, with
// RDKit's default substructure semantics (no chirality), exactly as SubstructMatch does.
#pragma once

#include <GraphMol/ROMol.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chem/structure_limits.h"

namespace argan::chem {

// Smaller than registration limits: a query is a pattern, and matching time grows with it.
struct SubstructureQueryLimits {
  StructureLimits structure{/*maxSmilesLength=*/1000, /*maxCxExtensionLength=*/0,
                            /*maxMolfileBytes=*/64 * 1024, /*maxHeavyAtoms=*/100,
                            /*maxAtoms=*/150, /*maxBonds=*/160, /*maxFragments=*/4,
                            /*maxBranchDepth=*/16, /*maxRingClosures=*/20};
  unsigned maxRecursionDepth = 2;  // nesting of recursive SMARTS "$(...)"
};

// A prepared query: plain, serialisable data.
struct SubstructureQuerySpec {
  std::string format;              // "smiles" | "smarts" | "molfile"
  std::string text;                // what the matcher parses (SMILES/SMARTS trimmed, Molfile as is)
  std::string patternFingerprint;  // packed 2048 bits; every bit is set in every match
  unsigned atoms = 0;              // query atoms
  unsigned screenBits = 0;         // set bits of the pattern fingerprint
};

// format: "smiles", "smarts", "molfile" or "" (a Molfile when it looks like one, else SMILES
// when RDKit's SMILES parser accepts it, else SMARTS). Throws argan::Error(InvalidArgument)
// for empty, oversized or unparsable queries, naming the problem (field "query").
SubstructureQuerySpec prepareSubstructureQuery(const std::string& text, const std::string& format,
                                               const SubstructureQueryLimits& limits = {});

// A compiled query. Construction parses spec.text (InvalidArgument if it does not parse).
// match() may be called from several threads at once.
class SubstructureMatcher {
 public:
  explicit SubstructureMatcher(const SubstructureQuerySpec& spec);
  ~SubstructureMatcher();

  // Does the parent in this RDKit binary pickle contain the query? When `atoms` is given and
  // there is a match, it receives the matched atom indices of the parent (query atom order).
  // Throws InvalidArgument if the pickle cannot be read.
  bool matchPickle(const char* pickle, std::size_t size, std::vector<int>* atoms = nullptr) const;
  bool match(const RDKit::ROMol& mol, std::vector<int>* atoms = nullptr) const;

 private:
  std::unique_ptr<RDKit::ROMol> query_;
};

}  // namespace argan::chem
