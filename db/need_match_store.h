// The reads matchmaking needs (server/registry/need_matching.h) and the records of matches
// already announced: products as candidates with their compounds and texts, the visibility
// of hit compounds, the head of the audit trail (the watcher's "something changed").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

// A live product `viewer` may see, as matching reads it.
struct ProductMatchCandidate {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  std::string label;                      // catalogue name, or the name
  std::vector<std::int64_t> compoundIds;  // its compound, or its formulation's registered ones
  std::string text;  // name, catalogue name and summary, description, intended uses and the
                     // formulation's functions and names, lower-cased (ASCII letters)
};

// Live products `viewer` may see (of `startUpId` only, when given), by id.
std::vector<ProductMatchCandidate> productMatchCandidates(Connection& c, const Principal& viewer,
                                                          std::optional<std::int64_t> startUpId);

// The visibility of each compound id ("start-up" for an unknown id), in the order given.
std::vector<Visibility> compoundVisibilities(Connection& c, const std::vector<std::int64_t>& ids);

// The id of the newest audit entry (0 for an empty trail).
std::int64_t newestAuditEntryId(Connection& c);

// Every start-up's id, ascending.
std::vector<std::int64_t> allStartUpIds(Connection& c);

}  // namespace argan::db
