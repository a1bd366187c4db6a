// Whole-table reads of compounds for the in-memory structure index and the start-up
// comparison, in id order, through a callback (no copies of the fingerprint and pickle
// bytes: the views are valid only during the call).
//
// These reads return every row whatever its visibility: their callers keep the rows in
// memory and apply the visibility rule (db/access.h, RecordAccess) to each row inside their
// scans. Nothing here may be shown to a caller as it is.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct CompoundScanRow {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string_view visibility;  // "start-up" | "cluster" | "public"
  bool retired = false;
  double mw = 0;
  std::string_view morganFp;   // packed fingerprints and the RDKit pickle, as stored
  std::string_view patternFp;
  std::string_view pickle;
  std::string_view fullHash;   // scanLiveCompounds only
  std::string_view createdAt;  // scanLiveCompounds only
};

// Every compound with id > afterId (retired ones included), in id order.
void scanCompounds(Connection& c, std::int64_t afterId,
                   const std::function<void(const CompoundScanRow&)>& fn);

// The live (not retired) compounds of `startUps` (empty: every start-up), in id order, at
// most `limit` rows; with `scope`, only the rows it admits (the others are never read, so
// neither the answer nor the time it takes depends on them).
void scanLiveCompounds(Connection& c, const std::vector<std::int64_t>& startUps,
                       std::size_t limit, const std::function<void(const CompoundScanRow&)>& fn,
                       const ReadScope* scope = nullptr);

// The latest updated_at of any compound ("" for none): a watermark for scanChangedCompounds.
std::string compoundsWatermark(Connection& c);

struct CompoundFlagsRow {
  std::int64_t id = 0;
  std::string_view visibility;
  bool retired = false;
  std::string_view updatedAt;
};

// Compounds with id <= maxId changed at or after `since` (visibility or retirement), through
// the updated_at index.
void scanChangedCompounds(Connection& c, const std::string& since, std::int64_t maxId,
                          const std::function<void(const CompoundFlagsRow&)>& fn);

// For validating the search index snapshot against the database (server/search): the
// number of compounds (all, and those with an id above `id`, through the primary key, cheap
// when few), the full hashes of `ids` ("" for an id with no row), the highest applied
// migration and the search index generation: the change counter that migration 0100's
// triggers bump whenever a compound's indexed columns (id, start-up, mass, fingerprints,
// pickle) are rewritten or a row is deleted — changes the index cannot replay.
std::int64_t countCompounds(Connection& c);
std::int64_t countCompoundsAfter(Connection& c, std::int64_t id);
std::vector<std::string> fullHashesOf(Connection& c, const std::vector<std::int64_t>& ids);
std::int64_t schemaVersion(Connection& c);
std::int64_t searchIndexGeneration(Connection& c);

}  // namespace argan::db
