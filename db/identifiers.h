// Human identifiers of registry records:
//   parent  CMP-000123            (compound id, zero-padded to 6 digits, more when needed)
//   form    CMP-000123-F2         (form number within the parent)
//   batch   CMP-000123-F2-B004    (batch number within the form, 3 digits)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"

namespace argan::db {

class Connection;

// The id of a new record that other start-ups may come to see (compounds, products, routes,
// documents, inquiries: their codes CMP-…, PRD-…, DOC-…, INQ-… and route numbers show it).
// A shared counter would let anyone who sees two records count, from the gap between their
// numbers, what other start-ups created privately in between (docs/threat-model.md,
// "Record numbers"). The id is therefore the creation time in milliseconds since
// 2025-01-01T00:00:00Z — what a record's created_at already says — or, when that is not
// above the largest id in `table` (records created within the same millisecond, a clock
// set back, or rows numbered 1, 2, 3… before this rule), one more than that largest id.
// Ids stay unique and increasing, so "newest first" and the search index's incremental
// sync keep working; records numbered before the rule keep their codes. Call inside the
// write transaction that inserts the row; `table` is one of Argan's own table names.
std::int64_t allocateRecordId(Connection& c, const Clock& clock, const std::string& table);

// 2025-01-01T00:00:00Z in milliseconds since the Unix epoch.
constexpr std::int64_t kRecordIdEpochMs = 1735689600000LL;

std::string compoundCode(std::int64_t compoundId);
std::string formCode(std::int64_t compoundId, std::int64_t formNumber);
std::string batchCode(std::int64_t compoundId, std::int64_t formNumber, std::int64_t batchNumber);

struct ParsedCode {
  std::int64_t compoundId = 0;
  std::optional<std::int64_t> formNumber;
  std::optional<std::int64_t> batchNumber;
};

// Accepts "CMP-000123", "CMP-000123-F2", "CMP-000123-F2-B004" (case-insensitive) and, for a
// parent, a bare positive integer. nullopt for anything else.
std::optional<ParsedCode> parseCode(const std::string& text);

}  // namespace argan::db
