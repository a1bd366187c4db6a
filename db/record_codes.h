// Human identifiers of the market records, like the registry's CMP-000123:
//   product  PRD-000001     document  DOC-000001     inquiry  INQ-000001
// And the calendar dates ("YYYY-MM-DD") the pipeline records carry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace argan::db {

// "<prefix>-" followed by the id zero-padded to 6 digits (more when needed).
std::string prefixedCode(const std::string& prefix, std::int64_t id);

// Accepts "<prefix>-000012" (case-insensitive) or a bare positive integer; nullopt otherwise.
std::optional<std::int64_t> parsePrefixedCode(const std::string& prefix, const std::string& text);

inline std::string productCode(std::int64_t id) {
  return prefixedCode("PRD", id);
}
inline std::string documentCode(std::int64_t id) {
  return prefixedCode("DOC", id);
}
inline std::string inquiryCode(std::int64_t id) {
  return prefixedCode("INQ", id);
}

// True for a real calendar date written YYYY-MM-DD (years 1900..2200).
bool isCalendarDate(const std::string& text);

// The UTC date of an ISO 8601 timestamp ("2026-11-28T05:51:37.123Z" -> "2026-11-28").
inline std::string dateOf(const std::string& isoTimestamp) {
  return isoTimestamp.substr(0, 10);
}

// Whole days from date `from` to date `to` (both valid YYYY-MM-DD); negative if `to` is earlier.
std::int64_t daysBetween(const std::string& from, const std::string& to);

}  // namespace argan::db
