// Substructure queries: matching a prepared query against stored parents.
//
// Preparing untrusted query text (prepareSubstructureQuery, SubstructureQuerySpec) is plain
// data in substructure_query.h, included here. SubstructureMatcher compiles that prepared
// text again in the search process (RDKit has accepted it already) and matches it against
// RDKit pickles of registered parents, with RDKit's default substructure semantics (no
// chirality), exactly as SubstructMatch does.
#pragma once

#include <GraphMol/ROMol.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <vector>

#include "chem/substructure_query.h"

namespace argan::chem {

// How long one match may run. RDKit 2022.09's SubstructMatch has no time limit, and a query
// can make it explore exponentially many partial matches (a long SMARTS path on C60: minutes).
// The matcher's query atoms check the active limit every few hundred atom comparisons and
// throw MatchInterrupted once the deadline has passed or `cancel` is set, which unwinds
// RDKit's search. The limit belongs to the calling thread for the duration of one call.
struct MatchLimit {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const std::atomic<bool>* cancel = nullptr;  // e.g. the server is stopping
};

class MatchInterrupted : public std::exception {
 public:
  const char* what() const noexcept override { return "the substructure match was stopped"; }
};

// A compiled query. Construction parses spec.text (InvalidArgument if it does not parse).
// match() may be called from several threads at once, unless recursive() (recursive SMARTS
// "$(...)"): RDKit keeps per-query state for those, so each thread needs its own matcher.
// After a match threw MatchInterrupted, a recursive() matcher must not be used again.
class SubstructureMatcher {
 public:
  explicit SubstructureMatcher(const SubstructureQuerySpec& spec);
  ~SubstructureMatcher();

  // Does the parent in this RDKit binary pickle contain the query? When `atoms` is given and
  // there is a match, it receives the matched atom indices of the parent (query atom order).
  // Throws InvalidArgument if the pickle cannot be read, MatchInterrupted when `limit` ends it.
  bool matchPickle(const char* pickle, std::size_t size, std::vector<int>* atoms = nullptr,
                   const MatchLimit* limit = nullptr) const;
  bool match(const RDKit::ROMol& mol, std::vector<int>* atoms = nullptr,
             const MatchLimit* limit = nullptr) const;

  bool recursive() const { return recursive_; }

 private:
  std::unique_ptr<RDKit::ROMol> query_;
  bool recursive_ = false;
};

}  // namespace argan::chem
