#include "db/identifiers.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "db/sqlite.h"

namespace argan::db {

std::int64_t allocateRecordId(Connection& c, const Clock& clock, const std::string& table) {
  const std::int64_t byTime = clock.nowMicros() / 1000 - kRecordIdEpochMs;
  const std::int64_t largest = c.queryInt("SELECT MAX(id) FROM " + table).value_or(0);
  return std::max(byTime, largest + 1);
}

std::string compoundCode(std::int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "CMP-%06lld", static_cast<long long>(id));
  return buf;
}

std::string formCode(std::int64_t compoundId, std::int64_t formNumber) {
  return compoundCode(compoundId) + "-F" + std::to_string(formNumber);
}

std::string batchCode(std::int64_t compoundId, std::int64_t formNumber, std::int64_t batchNumber) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-B%03lld", static_cast<long long>(batchNumber));
  return formCode(compoundId, formNumber) + buf;
}

namespace {
// Reads digits at `pos`; false when there are none or the value is absurd.
bool readNumber(const std::string& s, std::size_t& pos, std::int64_t& out) {
  std::size_t start = pos;
  std::int64_t value = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    value = value * 10 + (s[pos] - '0');
    if (value > 999999999999LL) return false;
    ++pos;
  }
  out = value;
  return pos > start && value > 0;
}
}  // namespace

std::optional<ParsedCode> parseCode(const std::string& raw) {
  std::string s;
  for (char ch : raw) s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  ParsedCode code;
  std::size_t pos = 0;
  if (s.rfind("CMP-", 0) == 0) {
    pos = 4;
  } else if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) {
    return std::nullopt;
  }
  if (!readNumber(s, pos, code.compoundId)) return std::nullopt;
  if (pos == s.size()) return code;
  if (s.compare(pos, 2, "-F") != 0) return std::nullopt;
  pos += 2;
  std::int64_t form = 0;
  if (!readNumber(s, pos, form)) return std::nullopt;
  code.formNumber = form;
  if (pos == s.size()) return code;
  if (s.compare(pos, 2, "-B") != 0) return std::nullopt;
  pos += 2;
  std::int64_t batch = 0;
  if (!readNumber(s, pos, batch) || pos != s.size()) return std::nullopt;
  code.batchNumber = batch;
  return code;
}

}  // namespace argan::db
