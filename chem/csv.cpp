#include "chem/csv.h"

#include "common/error.h"

namespace argan::chem {

std::vector<CsvRow> parseCsv(const std::string& text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted = false;
  bool atLineStart = true;
  bool rowHasContent = false;
  std::size_t i = 0;
  auto endRow = [&]() {
    if (rowHasContent || !field.empty() || !row.empty()) {
      row.push_back(field);
      rows.push_back(row);
    }
    row.clear();
    field.clear();
    rowHasContent = false;
    atLineStart = true;
  };
  while (i < text.size()) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      ++i;
      continue;
    }
    if (atLineStart && c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      ++i;
      continue;
    }
    atLineStart = false;
    if (c == '"') {
      quoted = true;
      rowHasContent = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      rowHasContent = true;
    } else if (c == '\n') {
      endRow();
    } else if (c != '\r') {
      field += c;
      rowHasContent = true;
    }
    ++i;
  }
  if (quoted) throw internalError("CSV table: unterminated quoted field");
  endRow();
  return rows;
}

std::size_t csvColumn(const CsvRow& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw internalError("CSV table: no column '" + name + "'");
}

}  // namespace argan::chem
