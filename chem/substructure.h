// Substructure queries: matching a prepared query against stored parents.
//
// Preparing untrusted query text (prepareSubstructureQuery, SubstructureQuerySpec) is plain
// data in substructure_query.h, included here. SubstructureMatcher compiles that prepared
// text again in the search process (RDKit has accepted it already) and matches it against
// RDKit pickles of registered parents, with RDKit's default substructure semantics (no
// chirality), exactly as SubstructMatch does.
#pragma once

#include <GraphMol/ROMol.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "chem/substructure_query.h"

namespace argan::chem {

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
