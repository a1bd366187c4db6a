// JSON snapshots of database rows, for the audit trail's before/after.
// BLOB columns are summarised as {"sha256": ..., "bytes": n}; columns named in `redact`
// (secrets such as password hashes) appear as "[redacted]"; everything else is copied.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "db/sqlite.h"

namespace argan::db {

// The row of `table` whose `id` is given, as a JSON object string; nullopt if absent.
// `table` must be one of Argan's own table names (it is not user input).
std::optional<std::string> snapshotRow(Connection& c, const std::string& table, std::int64_t id,
                                       const std::set<std::string>& redact = {});

}  // namespace argan::db
