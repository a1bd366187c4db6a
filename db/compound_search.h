// SQL side of structure search: exact look-ups on identity layers, filters as SQL, and
// loading the compounds of a result page. Structure scans (substructure, similarity) run in
// the server's in-memory index; everything here applies the visibility rule inside the SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/registry_store.h"
#include "db/sqlite.h"

namespace argan::db {

struct CompoundSearchFilter {
  std::vector<std::int64_t> startUps;  // empty: any
  std::optional<std::string> visibility;
  std::optional<double> mwMin;
  std::optional<double> mwMax;
  bool includeRetired = false;
  // Pluggable filters (e.g. product stage) resolved to the compound ids they admit; null: any.
  std::optional<std::vector<std::int64_t>> compoundIds;
};

// The identity layer an exact search compares.
enum class ExactLayer {
  FullHash,          // the same parent (full hash)
  NoStereo,          // stereo-insensitive: no_stereo_smiles
  Tautomer,          // tautomer-insensitive: tautomer_hash (HetAtomTautomer, stereo kept)
  NoStereoTautomer,  // both: no_stereo_tautomer_hash
  InchiKey,          // the full 27-character InChIKey of the parent, of one of its forms or
                     // of a submitted structure (of a batch the viewer may see)
  InchiKeySkeleton,  // the first block (14 characters) of any of those: same connectivity
  Skeleton,          // formula + element graph: the candidates of a tautomer search
};

// Visible compounds whose `layer` equals `value` (InchiKeySkeleton: starts with it), matching
// the filter, ascending id. page from 0, pageSize 1..500 (InvalidArgument otherwise).
CompoundPage findCompoundsByLayer(Connection& c, const Principal& viewer, ExactLayer layer,
                                  const std::string& value, const CompoundSearchFilter& filter,
                                  std::int64_t page, std::int64_t pageSize);

// Visible compounds with these ids, in the order given (invisible or unknown ids are left out).
std::vector<Compound> loadCompounds(Connection& c, const Principal& viewer,
                                    const std::vector<std::int64_t>& ids);

// True when the table exists (pluggable filters check for their module's tables).
bool tableExists(Connection& c, const std::string& table);

}  // namespace argan::db
