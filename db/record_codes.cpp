#include "db/record_codes.h"

#include <cctype>
#include <cstdio>

namespace argan::db {

std::string prefixedCode(const std::string& prefix, std::int64_t id) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(id));
  return prefix + "-" + digits;
}

std::optional<std::int64_t> parsePrefixedCode(const std::string& prefix, const std::string& text) {
  std::size_t pos = 0;
  if (text.size() > prefix.size() + 1 && text[prefix.size()] == '-') {
    bool same = true;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      same = same && std::toupper(static_cast<unsigned char>(text[i])) ==
                         std::toupper(static_cast<unsigned char>(prefix[i]));
    }
    if (!same) return std::nullopt;
    pos = prefix.size() + 1;
  }
  if (pos >= text.size() || text.size() - pos > 12) return std::nullopt;
  std::int64_t value = 0;
  for (std::size_t i = pos; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  if (value <= 0) return std::nullopt;
  return value;
}

namespace {

bool isLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

bool isCalendarDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  int year = std::stoi(d.substr(0, 4));
  int month = std::stoi(d.substr(5, 2));
  int day = std::stoi(d.substr(8, 2));
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int limit = days[month - 1] + (month == 2 && isLeap(year) ? 1 : 0);
  return day <= limit;
}

std::int64_t daysBetween(const std::string& from, const std::string& to) {
  auto days = [](const std::string& d) {
    return daysFromCivil(std::stoi(d.substr(0, 4)),
                         static_cast<unsigned>(std::stoi(d.substr(5, 2))),
                         static_cast<unsigned>(std::stoi(d.substr(8, 2))));
  };
  return days(to) - days(from);
}

}  // namespace argan::db
