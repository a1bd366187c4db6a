// Cross-start-up comparison of the chemistry start-ups' portfolios, within confidentiality.
//
// What it computes (over the live parents of the start-ups compared):
//   * identical parents held by several start-ups (same full hash);
//   * near-duplicates: pairs of compounds of different start-ups with Tanimoto (Morgan r2,
//     2048 bits) >= threshold;
//   * the nearest neighbour of each compound in every other start-up's set;
//   * a similarity matrix between start-ups: mean over S's compounds of their best
//     similarity in T's set;
//   * Bemis–Murcko scaffold overlap: scaffolds shared by several start-ups, and the Jaccard
//     overlap of the scaffold sets.
//
// Confidentiality: everything listed is computed over the compounds the caller may see
// (db::canSee); a compound the caller may not see is never revealed — no structure, id,
// properties, owner or exact score. Its only trace is an anonymous signal on the caller's
// own compounds: "identical to / at least 0.85 similar to a compound another start-up has not
// shared; contact the cluster". Administrators see everything. The signal's similarity floor is
// the cluster's rule (kOverlapSignalThreshold), never the caller's threshold: a caller who could
// move it would read the exact similarity of a hidden compound by asking repeatedly.
//
// Cost: all pairs, O(n^2) Tanimoto on the in-memory fingerprints, n capped by
// maxCompounds (complete=false when the cap cut the set). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "server/core/runtime.h"

namespace argan::server {

// The similarity at or above which a compound the caller cannot see raises the anonymous
// overlap signal (comparison and neighbours alike).
constexpr double kOverlapSignalThreshold = 0.85;

struct ComparisonOptions {
  double threshold = 0.85;  // near-duplicates among visible compounds (not the signal)
  std::vector<std::int64_t> startUps;  // empty: every start-up with compounds
  std::size_t maxCompounds = 20000;    // parents compared in all (lowest ids first)
  std::size_t maxPairs = 1000;         // near-duplicate pairs listed (best first)
};

struct ComparedStartUp {
  std::int64_t id = 0;
  std::string name;
  std::size_t compounds = 0;  // visible to the caller and compared
};

struct IdenticalGroup {
  std::vector<std::int64_t> compounds;  // visible members, ascending id
  std::vector<std::int64_t> startUps;   // their owners
  bool heldPrivatelyElsewhere = false;  // also held by a start-up the caller cannot see into
};

struct NearDuplicate {
  std::int64_t a = 0, b = 0;            // compound ids (a < b)
  std::int64_t startUpA = 0, startUpB = 0;
  double similarity = 0;
};

struct NeighbourInStartUp {
  std::int64_t startUp = 0;
  std::optional<std::int64_t> neighbour;  // none when T has no visible compound
  double similarity = 0;
};

struct CompoundNeighbours {
  std::int64_t compound = 0;
  std::int64_t startUp = 0;
  std::vector<NeighbourInStartUp> nearest;  // one per other compared start-up
  // Caller's own compounds only: anonymous signals about compounds they cannot see.
  bool identicalPrivateElsewhere = false;
  bool similarPrivateElsewhere = false;
};

struct SharedScaffold {
  std::string scaffold;                        // canonical SMILES
  std::map<std::int64_t, std::size_t> counts;  // start-up -> compounds with it
};

// Substances of several start-ups that are the same substance by composition: the same kind
// and the same registered constituents and monomers (by full hash), or, for substances
// without registered constituents, the same source and process (db composition_key).
// Only substances the caller may see are counted or listed; hidden ones only add to the
// caller's privateSignals.
struct SubstanceOverlap {
  std::string kind;
  std::vector<std::int64_t> substances;  // ascending id
  std::vector<std::int64_t> startUps;    // their owners, ascending
};

struct SubstanceComparison {
  std::map<std::int64_t, std::size_t> perStartUp;  // visible live substances per start-up
  std::vector<SubstanceOverlap> overlaps;           // groups held by two start-ups or more
  // The caller's own substances whose composition another start-up holds where the caller
  // may not see it (a count, never which start-up or substance).
  std::size_t privateSignals = 0;
};

struct StartUpComparison {
  double threshold = 0;
  std::vector<ComparedStartUp> startUps;
  std::vector<IdenticalGroup> identical;
  std::vector<NearDuplicate> nearDuplicates;  // best first, at most maxPairs
  std::size_t nearDuplicateCount = 0;
  std::vector<CompoundNeighbours> neighbours;
  std::vector<std::vector<std::optional<double>>> matrix;  // [S][T], startUps order
  std::vector<SharedScaffold> sharedScaffolds;             // by number of start-ups
  std::vector<std::vector<std::optional<double>>> scaffoldJaccard;
  SubstanceComparison substances;
  std::size_t privateSignals = 0;  // own compounds with a signal
  bool complete = true;            // false when maxCompounds cut the set
};

// Throws InvalidArgument (bad threshold, unknown start-up), Unavailable (search disabled).
StartUpComparison compareStartUps(Runtime& runtime, const db::Principal& viewer,
                                  const ComparisonOptions& options);

}  // namespace argan::server
