// Matchmaking between a need and the cluster's records, computed per audience so that it
// leaks nothing.
//
// An *audience* is whose view of the matches is being computed:
//   * the need's partner (and any partner or visitor): public records only — the catalogue;
//   * a start-up: its own records only (any visibility: "your private CMP-000123 matches");
//   * an administrator: every record.
// Structure hits are found with the audience's own visibility inside the scan (the search
// engine applies the visibility rule to each candidate before verifying it), so computing the
// partner's view never touches a private compound: the partner's answer, its size and its
// time do not depend on what start-ups hold privately.
//
// Sources. Matching is a list of sources, one per kind of record (NeedMatchSource). The
// structure criterion is run once against the compound index; each source then lists the
// records of its kind that the audience may be shown: compounds that hit; products made of a
// hit compound (alone or in a formulation) or whose texts name the need's function
// (English or French words). A new kind of record (substances, when they exist) is one more
// source in needMatchSources(): constituents among the hits, or its function.
//
// Currency: matches are recomputed on every read (always current when records or needs
// change). The match watcher (need_watch.h) runs the same computation after changes and
// announces matches that were not seen before.
//
// Thread-safe (as the Runtime handles are). Throws argan::Error (Unavailable when structure
// search is not configured and the need has a structure criterion).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/need_store.h"
#include "db/sqlite.h"
#include "server/core/runtime.h"

namespace argan::server {

struct MatchAudience {
  db::Principal viewer;                    // the visibility the records are read with
  std::optional<std::int64_t> ownStartUp;  // list only this start-up's records

  // The audience of a caller: partners and visitors see public records, start-up members
  // their own start-up's, administrators everything.
  static MatchAudience of(const db::Principal& caller);
  // The audience of start-up `startUpId` (as any of its members), and of partner `userId`.
  static MatchAudience startUp(std::int64_t startUpId);
  static MatchAudience partner(std::int64_t userId);
  // "public", "own" or "all" (for answers that say what they cover).
  const char* scopeName() const;
};

// One compound found by the structure criterion.
struct StructureHit {
  std::int64_t compoundId = 0;
  std::int64_t startUpId = 0;
  db::Visibility visibility = db::Visibility::StartUp;
  std::optional<double> score;  // Tanimoto for similarity and replace
  std::string replaces;         // replace: the molecule (canonical SMILES) it is close to
};

struct StructureHits {
  bool searched = false;  // the need has a structure criterion
  std::vector<StructureHit> hits;  // by compound id
  bool complete = true;            // false: the hit cap or the time budget stopped a scan

  const StructureHit* find(std::int64_t compoundId) const;
  // The hits `viewer` may see (for an audience derived from a wider search).
  StructureHits visibleTo(const db::Principal& viewer) const;
};

struct NeedMatch {
  std::string kind;   // compound | product
  std::int64_t id = 0;
  std::string code;   // CMP-000012, PRD-000003
  std::string label;  // formula, product name
  std::string smiles; // compounds: canonical SMILES
  std::int64_t startUpId = 0;
  std::string visibility;
  std::optional<double> score;
  std::vector<std::string> reasons;  // substructure | similarity | replaces | contains | function
  std::string replaces;              // replace: the molecule it could replace
  std::string via;                   // products: the hit compound it contains (CMP-...)
};

struct NeedMatches {
  std::string scope;  // public | own | all
  std::vector<NeedMatch> items;  // compounds (best score first, then id), then products (id)
  bool complete = true;
};

// A source of matches of one kind of record.
class NeedMatchSource {
 public:
  virtual ~NeedMatchSource() = default;
  virtual const char* kind() const = 0;
  // Appends the records of this kind that match `need` and that `audience` may be shown;
  // `hits` are the structure hits visible to audience.viewer.
  virtual void collect(db::Connection& c, const db::Need& need, const MatchAudience& audience,
                       const StructureHits& hits, std::vector<NeedMatch>& out) const = 0;
};

// The sources, in the order their matches are listed.
const std::vector<const NeedMatchSource*>& needMatchSources();

// Runs the need's structure criterion with `viewer`'s visibility inside the scan.
StructureHits findStructureHits(Runtime& runtime, const db::Need& need,
                                const db::Principal& viewer);

// The matches of `need` for `audience` (structure hits searched with the audience's
// visibility). `need` must carry its structure molecules (db::findNeed does).
NeedMatches matchNeed(Runtime& runtime, const db::Need& need, const MatchAudience& audience);

// The same from hits already found with a viewer who sees at least what the audience sees
// (the watcher searches once as an administrator and derives every audience from it).
NeedMatches matchesFromHits(db::Connection& c, const db::Need& need,
                            const MatchAudience& audience, const StructureHits& hits);

}  // namespace argan::server
