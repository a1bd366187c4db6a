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
// Confidentiality (docs/threat-model.md, "Overlap signals"): the comparison is computed over
// the compounds the caller may see, and only those are read (db::ReadScope in the scan): a
// compound the caller may not see changes nothing in the answer or in the time it takes — no
// structure, id, owner, score, nor any signal. Administrators see everything.
//
// Overlaps with unshared work are found for the cluster's administrators instead
// (findOverlaps, GET /api/overlaps), who broker contact between the two start-ups: a member
// who registers guesses learns nothing, in real time or later, unless the other start-up
// agrees to talk. The report is always computed over every start-up (never narrowed by the
// request), holds back overlaps whose newer side was registered in bulk or very recently
// (a prober's guesses, which the administrator should not pass on), and raises an alert on
// a start-up whose bulk or recent registrations keep overlapping others' unshared work.
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

// Overlaps reported to administrators: identical parents (full hash) or Tanimoto (Morgan r2,
// 2048 bits) at least this similar, between compounds of two start-ups of which at least one
// is unshared ('start-up' visibility).
constexpr double kOverlapThreshold = 0.85;
// A registration is "bulk" when its start-up registered at least kBulkRegistrations parents
// within kBulkWindowMinutes of it (an import, or a loop of single registrations), "recent"
// when younger than kRecentDays. Overlaps whose newer side is either are held back.
constexpr std::size_t kBulkRegistrations = 20;
constexpr std::int64_t kBulkWindowMinutes = 60;
constexpr std::int64_t kRecentDays = 7;
// A start-up whose held-back registrations overlap at least this many unshared compounds of
// others raises a probing alert.
constexpr std::size_t kProbingAlertOverlaps = 3;

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
};

struct SharedScaffold {
  std::string scaffold;                        // canonical SMILES
  std::map<std::int64_t, std::size_t> counts;  // start-up -> compounds with it
};

// Substances of several start-ups that are the same substance by composition: the same kind
// and the same registered constituents and monomers (by full hash), or, for substances
// without registered constituents, the same source and process (db composition_key).
// Only substances the caller may see are read, counted or listed.
struct SubstanceOverlap {
  std::string kind;
  std::vector<std::int64_t> substances;  // ascending id
  std::vector<std::int64_t> startUps;    // their owners, ascending
};

struct SubstanceComparison {
  std::map<std::int64_t, std::size_t> perStartUp;  // visible live substances per start-up
  std::vector<SubstanceOverlap> overlaps;           // groups held by two start-ups or more
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
  bool complete = true;            // false when maxCompounds cut the set
};

// Throws InvalidArgument (bad threshold, unknown start-up), Unavailable (search disabled).
StartUpComparison compareStartUps(Runtime& runtime, const db::Principal& viewer,
                                  const ComparisonOptions& options);

// One side of an overlap.
struct OverlapSide {
  std::int64_t compound = 0;
  std::int64_t startUp = 0;
  std::string visibility;
  std::string createdAt;
  bool bulk = false;    // registered in a burst (kBulkRegistrations within kBulkWindowMinutes)
  bool recent = false;  // registered less than kRecentDays ago
};

struct Overlap {
  OverlapSide a, b;        // a registered before b
  bool identical = false;  // same full hash
  double similarity = 0;
  // Neither side bulk nor recent: the administrator may broker contact. Otherwise held back.
  bool brokerable = false;
  std::string heldBecause;  // "bulk" | "recent" | "" (of the newer side b)
};

struct ProbingAlert {
  std::int64_t startUp = 0;
  std::size_t heldOverlaps = 0;  // overlaps held back because this start-up's side is bulk/recent
  std::size_t unsharedCompoundsHit = 0;  // distinct unshared compounds of others they touch
};

struct OverlapReport {
  std::vector<Overlap> overlaps;  // brokerable first, then by similarity
  std::vector<ProbingAlert> alerts;
  std::size_t compounds = 0;  // live parents compared
  bool complete = true;       // false when maxCompounds cut the set
};

// The overlaps between start-ups that involve unshared work, for administrators only
// (PermissionDenied otherwise). Always over every start-up; `maxCompounds` live parents at
// most (lowest ids first; complete=false beyond). Uses the clock for "recent".
OverlapReport findOverlaps(Runtime& runtime, const db::Principal& admin,
                           std::size_t maxCompounds = 20000);

}  // namespace argan::server
