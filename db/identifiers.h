// Human identifiers of registry records:
//   parent  CMP-000123            (compound id, zero-padded to 6 digits, more when needed)
//   form    CMP-000123-F2         (form number within the parent)
//   batch   CMP-000123-F2-B004    (batch number within the form, 3 digits)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace argan::db {

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
