// Publishing and retiring lab records: the generic, audited state changes every kind of
// record (compound, batch, route, product, document, ...) shares.
//
// A record is named by a RecordRef: the table holding it and how the audit trail names it.
// The table must have `id` and `visibility` columns (changeVisibility) or `retired_at` and
// `retired_reason` (retireRecord); `updated_at` is set when the ref says the table has it.
// The caller has already loaded the record *with the caller's visibility* (a record the
// caller may not see answers NotFound before these are reached) and passes its owner.
// Both run in the caller's write transaction and append one audit entry with the row before
// and after: "publish" (any visibility change, with the reason if given) or "retire".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct RecordRef {
  std::string table;       // "compounds", "batches", "routes"... (never user input)
  std::string recordType;  // audit record type: "compound", "batch", "route"...
  std::string recordId;    // audit record id: "CMP-000001", "CMP-000001-F1-B001", "12"
  std::int64_t id = 0;     // the row id in `table`
  std::int64_t ownerStartUpId = 0;
  bool hasUpdatedAt = true;  // the table has an updated_at column to stamp
  bool hasRetiredAt = true;  // the table has retired_at (retired records are not published)
  std::string visibilityColumn = "visibility";  // the column changeVisibility sets
};

struct VisibilityChange {
  RecordRef record;
  Visibility to = Visibility::StartUp;
  std::optional<std::string> reason = std::nullopt;  // why (kept in the audit entry), <= 2000 bytes
  // The visibility of the record this one is seen through (a batch is seen only where its
  // compound is): raising this record above it is refused, naming `parentRecordId`.
  std::optional<Visibility> parentVisibility = std::nullopt;
  std::string parentRecordId = {};
};

struct VisibilityResult {
  Visibility from = Visibility::StartUp;
  Visibility to = Visibility::StartUp;
  bool changed = false;  // false when the record already had that visibility (no audit entry)
};

// Who may publish (db/access.h canChangeVisibility): administrators and leads of the owning
// start-up set any level; members of the owning start-up share to / unshare from `cluster`
// only (start-up <-> cluster). Throws PermissionDenied otherwise, NotFound if the row is
// absent, FailedPrecondition when raising the visibility of a retired record or above the
// parent's, InvalidArgument for an over-long reason.
VisibilityResult changeVisibility(Connection& c, const Clock& clock, const Principal& actor,
                                  const VisibilityChange& change);

// Retires a record (never deleted): sets retired_at/retired_reason. Only members, leads of
// the owning start-up and administrators (PermissionDenied otherwise). Throws InvalidArgument
// (reason empty or over 2000 bytes), NotFound, FailedPrecondition (already retired).
void retireRecord(Connection& c, const Clock& clock, const Principal& actor,
                  const RecordRef& record, const std::string& reason);

// Ordering start-up < cluster < public.
int visibilityRank(Visibility v);

}  // namespace argan::db
