// A small RFC 4180 CSV reader for the reference tables embedded in chem/ (quoted fields,
// "" inside quotes, CRLF or LF). Lines starting with '#' outside quotes are comments.
// Pure; any thread.
#pragma once

#include <string>
#include <vector>

namespace argan::chem {

using CsvRow = std::vector<std::string>;

// All rows, the header included. Throws argan::Error(Internal) on an unterminated quote.
std::vector<CsvRow> parseCsv(const std::string& text);

// Index of `name` in the header row; throws Internal if absent.
std::size_t csvColumn(const CsvRow& header, const std::string& name);

}  // namespace argan::chem
