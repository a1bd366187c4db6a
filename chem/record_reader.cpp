#include "chem/record_reader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "common/error.h"

namespace argan::chem {
namespace {

bool isBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  });
}

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string limitOf(const Error& e) {
  auto it = e.details().find("limit");
  if (it != e.details().end() && std::holds_alternative<std::string>(it->second)) {
    return std::get<std::string>(it->second);
  }
  return "";
}

std::size_t lineOf(const Error& e) {
  auto it = e.details().find("line");
  if (it != e.details().end() && std::holds_alternative<std::int64_t>(it->second)) {
    return static_cast<std::size_t>(std::max<std::int64_t>(1, std::get<std::int64_t>(it->second)));
  }
  return 1;
}

// Reads a stream line by line through a fixed buffer. Lines longer than `maxLine` bytes are
// cut (the rest is consumed and dropped), so one huge line costs no more than maxLine bytes.
class LineSource {
 public:
  LineSource(std::istream& in, std::size_t maxLine) : in_(in), maxLine_(maxLine) {}

  // The next line without its "\n" / "\r\n"; false at the end of the input.
  bool next(std::string& line, bool& overlong) {
    line.clear();
    overlong = false;
    bool any = false;
    for (;;) {
      if (pos_ == end_ && !refill()) {
        if (!any) return false;
        break;
      }
      any = true;
      const char* start = buffer_.data() + pos_;
      const char* stop = buffer_.data() + end_;
      const char* nl = std::find(start, stop, '\n');
      std::size_t take = static_cast<std::size_t>(nl - start);
      append(line, start, take, overlong);
      pos_ += take;
      if (nl != stop) {
        ++pos_;
        break;
      }
    }
    ++lineNumber_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lineNumber_ == 1 && startsWith(line, "\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 BOM
    return true;
  }

  std::size_t lineNumber() const { return lineNumber_; }
  std::uint64_t bytesRead() const { return consumed_ - (end_ - pos_); }

 private:
  bool refill() {
    if (!in_) return false;
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    std::size_t got = static_cast<std::size_t>(in_.gcount());
    pos_ = 0;
    end_ = got;
    consumed_ += got;
    return got > 0;
  }

  void append(std::string& line, const char* data, std::size_t n, bool& overlong) {
    std::size_t room = line.size() < maxLine_ ? maxLine_ - line.size() : 0;
    if (n > room) {
      overlong = true;
      n = room;
    }
    line.append(data, n);
  }

  std::istream& in_;
  std::size_t maxLine_;
  std::array<char, 64 * 1024> buffer_{};
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t consumed_ = 0;
  std::size_t lineNumber_ = 0;
};

RecordProblem tooLarge(std::size_t limit, std::size_t line) {
  return {"the record is larger than " + std::to_string(limit) +
              " bytes; it was skipped without being read",
          line, "max_record_bytes"};
}

// ---- SD files --------------------------------------------------------------------------

class SdfReader : public RecordReader {
 public:
  SdfReader(std::istream& in, RecordReaderOptions options)
      : options_(std::move(options)), lines_(in, options_.maxRecordBytes + 1) {}

  std::optional<StructureRecord> next() override {
    StructureRecord record;
    std::string line;
    bool overlong = false;
    bool sawContent = false;   // a non-blank line in this record
    bool sawAnyLine = false;
    bool inData = false;       // after "M  END"
    bool tooBig = false;
    RecordProblem sizeProblem;
    bool terminated = false;   // "$$$$" seen
    std::size_t bytes = 0;
    bool inValue = false;      // reading the value lines of the last data item
    std::size_t valueLines = 0;

    while (lines_.next(line, overlong)) {
      if (!sawAnyLine) record.line = lines_.lineNumber();
      sawAnyLine = true;
      if (startsWith(line, "$$$$")) {
        terminated = true;
        break;
      }
      if (!isBlank(line)) sawContent = true;
      bytes += line.size() + 1;
      bool molfileTooBig = !inData && bytes > options_.limits.maxMolfileBytes;
      if (overlong || bytes > options_.maxRecordBytes || molfileTooBig) {
        if (!tooBig) {
          tooBig = true;
          sizeProblem = molfileTooBig
                            ? RecordProblem{"the Molfile is larger than " +
                                                std::to_string(options_.limits.maxMolfileBytes) +
                                                " bytes; the record was skipped",
                                            record.line, "max_molfile_bytes"}
                            : tooLarge(options_.maxRecordBytes, record.line);
          record.structure.clear();
          record.structure.shrink_to_fit();
          record.fields.clear();
          inValue = false;
        }
      }
      if (tooBig) continue;
      if (!inData) {
        record.structure += line;
        record.structure += '\n';
        if (startsWith(line, "M  END")) inData = true;
        continue;
      }
      // Data items: a "> <NAME> (n)" header, value lines, a blank line (as RDKit reads them:
      // inside a value every line is text; between items only header lines count).
      if (!inValue) {
        if (!line.empty() && line[0] == '>') {
          record.fields.push_back({fieldName(line), "", lines_.lineNumber()});
          inValue = true;
          valueLines = 0;
        }
        continue;
      }
      if (isBlank(line)) {
        inValue = false;
        continue;
      }
      RecordField& field = record.fields.back();
      if (valueLines++ > 0) field.value += '\n';
      field.value += line;
    }
    if (!sawAnyLine) return std::nullopt;
    if (!terminated && !sawContent) return std::nullopt;  // trailing blank lines
    record.number = ++count_;
    record.structureFormat = StructureFormat::Molfile;
    if (tooBig) {
      record.problem = sizeProblem;
      return record;
    }
    if (!sawContent) {
      record.problem = RecordProblem{"empty record: nothing between two \"$$$$\" lines",
                                     record.line, "empty"};
      return record;
    }
    std::size_t firstBreak = record.structure.find('\n');
    record.title = trim(record.structure.substr(0, firstBreak));
    try {
      checkMolfile(record.structure, options_.limits);
    } catch (const Error& e) {
      record.problem = RecordProblem{e.what(), record.line + lineOf(e) - 1, limitOf(e)};
    }
    return record;
  }

  std::uint64_t bytesRead() const override { return lines_.bytesRead(); }

 private:
  static std::string fieldName(const std::string& header) {
    auto open = header.find('<');
    if (open != std::string::npos) {
      auto close = header.find('>', open + 1);
      if (close != std::string::npos) return header.substr(open + 1, close - open - 1);
    }
    return trim(header.substr(1));
  }

  RecordReaderOptions options_;
  LineSource lines_;
  std::size_t count_ = 0;
};

// ---- SMILES files ----------------------------------------------------------------------

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  for (;;) {
    std::size_t tab = line.find('\t', start);
    cells.push_back(trim(line.substr(start, tab == std::string::npos ? std::string::npos
                                                                       : tab - start)));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return cells;
}

// Splits on runs of spaces; a CXSMILES "|...|" suffix stays with the SMILES (token 0).
// The last token keeps the rest of the line when `keepRestFrom` tokens are reached.
std::vector<std::string> splitSpaces(const std::string& line, std::size_t maxTokens) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  auto skipSpace = [&] {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  };
  skipSpace();
  while (i < line.size()) {
    if (tokens.size() + 1 == maxTokens) {
      tokens.push_back(trim(line.substr(i)));
      break;
    }
    std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    tokens.push_back(line.substr(start, i - start));
    skipSpace();
    if (tokens.size() == 1 && i < line.size() && line[i] == '|') {
      std::size_t close = line.find('|', i + 1);
      if (close != std::string::npos) {
        tokens[0] += " " + line.substr(i, close + 1 - i);
        i = close + 1;
        skipSpace();
      }
    }
  }
  return tokens;
}

class SmilesReader : public RecordReader {
 public:
  SmilesReader(std::istream& in, RecordReaderOptions options)
      : options_(std::move(options)), lines_(in, options_.maxRecordBytes + 1) {}

  std::optional<StructureRecord> next() override {
    std::string line;
    bool overlong = false;
    while (lines_.next(line, overlong)) {
      if (isBlank(line) || line[line.find_first_not_of(" \t")] == '#') continue;
      StructureRecord record;
      record.line = lines_.lineNumber();
      record.structureFormat = StructureFormat::Smiles;
      if (overlong) {
        record.number = ++count_;
        record.problem = tooLarge(options_.maxRecordBytes, record.line);
        firstLine_ = false;
        return record;
      }
      bool tabs = line.find('\t') != std::string::npos;
      std::vector<std::string> cells =
          tabs ? splitTabs(line) : splitSpaces(line, header_.empty() ? 2 : header_.size() + 1);
      if (firstLine_) {
        firstLine_ = false;
        if (!cells.empty() && lower(cells[0]) == "smiles") {
          header_ = tabs ? splitTabs(line) : splitSpaces(line, 0);
          continue;
        }
      }
      record.number = ++count_;
      record.structure = cells.empty() ? "" : cells[0];
      for (std::size_t k = 1; k < cells.size(); ++k) {
        if (cells[k].empty()) continue;
        std::string name = k < header_.size() ? header_[k]
                           : header_.empty() && k == 1 ? std::string("name")
                                                       : "column" + std::to_string(k + 1);
        record.fields.push_back({name, cells[k], record.line});
      }
      if (cells.size() > 1) record.title = cells[1];
      try {
        checkSmiles(record.structure, options_.limits);
      } catch (const Error& e) {
        record.problem = RecordProblem{e.what(), record.line, limitOf(e)};
      }
      return record;
    }
    return std::nullopt;
  }

  std::uint64_t bytesRead() const override { return lines_.bytesRead(); }

 private:
  RecordReaderOptions options_;
  LineSource lines_;
  std::vector<std::string> header_;
  bool firstLine_ = true;
  std::size_t count_ = 0;
};

// ---- CSV -------------------------------------------------------------------------------

class CsvReader : public RecordReader {
 public:
  CsvReader(std::istream& in, RecordReaderOptions options)
      : options_(std::move(options)), lines_(in, options_.maxRecordBytes + 1) {}

  std::optional<StructureRecord> next() override {
    if (!headerRead_) readHeader();
    for (;;) {
      Row row;
      if (!readRow(row)) return std::nullopt;
      if (!row.tooBig && !row.unterminated &&
          std::all_of(row.cells.begin(), row.cells.end(), [](auto& c) { return isBlank(c); })) {
        continue;
      }
      StructureRecord record;
      record.number = ++count_;
      record.line = row.line;
      if (row.tooBig) {
        record.problem = tooLarge(options_.maxRecordBytes, row.line);
        return record;
      }
      if (row.unterminated) {
        record.problem = RecordProblem{
            "a quoted field opened on this line is never closed (missing '\"')", row.line,
            "csv_syntax"};
        return record;
      }
      if (row.cells.size() > header_.size()) {
        record.problem = RecordProblem{"the row has " + std::to_string(row.cells.size()) +
                                           " cells but the header names " +
                                           std::to_string(header_.size()) + " columns",
                                       row.line, "csv_syntax"};
        return record;
      }
      for (std::size_t k = 0; k < row.cells.size(); ++k) {
        if (k == structureColumn_) continue;
        if (isBlank(row.cells[k])) continue;
        record.fields.push_back({header_[k], row.cells[k], row.line});
        if (titleColumn_ && *titleColumn_ == k) record.title = trim(row.cells[k]);
      }
      std::string structure =
          structureColumn_ < row.cells.size() ? row.cells[structureColumn_] : std::string();
      record.structureFormat = resolveFormat("", structure);
      record.structure = record.structureFormat == StructureFormat::Smiles ? trim(structure)
                                                                           : structure;
      if (record.structureFormat == StructureFormat::Molfile && record.title.empty()) {
        record.title = trim(structure.substr(0, structure.find('\n')));
      }
      try {
        if (record.structureFormat == StructureFormat::Molfile) {
          checkMolfile(record.structure, options_.limits);
        } else {
          checkSmiles(record.structure, options_.limits);
        }
      } catch (const Error& e) {
        std::size_t offset =
            record.structureFormat == StructureFormat::Molfile ? lineOf(e) - 1 : 0;
        record.problem = RecordProblem{e.what(), record.line + offset, limitOf(e)};
      }
      return record;
    }
  }

  std::uint64_t bytesRead() const override { return lines_.bytesRead(); }

 private:
  struct Row {
    std::vector<std::string> cells;
    std::size_t line = 0;
    bool tooBig = false;
    bool unterminated = false;
  };

  static char detectDelimiter(const std::string& line) {
    std::size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      comma += c == ',';
      semicolon += c == ';';
      tab += c == '\t';
    }
    if (tab > comma && tab >= semicolon) return '\t';
    if (semicolon > comma) return ';';
    return ',';
  }

  // Reads one row (possibly several physical lines when a quoted cell holds line breaks).
  bool readRow(Row& row) {
    std::string line;
    bool overlong = false;
    if (!pending_) {
      if (!lines_.next(line, overlong)) return false;
    } else {
      line = std::move(*pending_);
      overlong = pendingOverlong_;
      pending_.reset();
    }
    row.line = lines_.lineNumber();
    std::string cell;
    bool inQuotes = false;
    bool cellQuoted = false;
    std::size_t bytes = 0;
    for (;;) {
      bytes += line.size() + 1;
      if (overlong || bytes > options_.maxRecordBytes) {
        row.tooBig = true;
        row.cells.clear();
        cell.clear();
      }
      for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (inQuotes) {
          if (c == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              if (!row.tooBig) cell += '"';
              ++i;
            } else {
              inQuotes = false;
            }
          } else if (!row.tooBig) {
            cell += c;
          }
        } else if (c == delimiter_) {
          if (!row.tooBig) row.cells.push_back(cellQuoted ? cell : trim(cell));
          cell.clear();
          cellQuoted = false;
        } else if (c == '"' && isBlank(cell)) {
          inQuotes = true;
          cellQuoted = true;
          cell.clear();
        } else if (!row.tooBig) {
          cell += c;
        }
      }
      if (!inQuotes) break;
      if (!row.tooBig) cell += '\n';
      if (!lines_.next(line, overlong)) {
        row.unterminated = true;
        break;
      }
    }
    if (!row.tooBig) row.cells.push_back(cellQuoted ? cell : trim(cell));
    return true;
  }

  void readHeader() {
    headerRead_ = true;
    std::string line;
    bool overlong = false;
    while (lines_.next(line, overlong)) {
      if (isBlank(line)) continue;
      delimiter_ = options_.delimiter ? options_.delimiter : detectDelimiter(line);
      pending_ = line;
      pendingOverlong_ = overlong;
      Row row;
      readRow(row);
      if (row.tooBig || row.unterminated) {
        throw invalidArgument("the CSV header (line " + std::to_string(row.line) +
                                  ") is malformed or too long",
                              {{"line", static_cast<std::int64_t>(row.line)}});
      }
      header_ = row.cells;
      break;
    }
    if (header_.empty()) {
      // An empty file: no records, and no structure column to look for.
      return;
    }
    static const char* kCandidates[] = {"smiles",   "structure", "molfile",         "molblock",
                                        "mol",      "cxsmiles",  "canonical_smiles"};
    std::optional<std::size_t> found;
    if (!options_.structureColumn.empty()) {
      for (std::size_t k = 0; k < header_.size() && !found; ++k) {
        if (lower(header_[k]) == lower(options_.structureColumn)) found = k;
      }
      if (!found) {
        throw invalidArgument("the CSV header has no column '" + options_.structureColumn + "'",
                              {{"field", "structure_column"}});
      }
    } else {
      for (const char* candidate : kCandidates) {
        for (std::size_t k = 0; k < header_.size() && !found; ++k) {
          if (lower(header_[k]) == candidate) found = k;
        }
        if (found) break;
      }
      if (!found) {
        throw invalidArgument(
            "the CSV header has no structure column: name it \"smiles\", \"structure\" or "
            "\"molfile\", or say which column holds the structures",
            {{"field", "structure_column"}});
      }
    }
    structureColumn_ = *found;
    for (const char* candidate : {"name", "title", "id", "compound_id"}) {
      for (std::size_t k = 0; k < header_.size() && !titleColumn_; ++k) {
        if (k != structureColumn_ && lower(header_[k]) == candidate) titleColumn_ = k;
      }
    }
  }

  RecordReaderOptions options_;
  LineSource lines_;
  bool headerRead_ = false;
  std::vector<std::string> header_;
  char delimiter_ = ',';
  std::size_t structureColumn_ = 0;
  std::optional<std::size_t> titleColumn_;
  std::optional<std::string> pending_;
  bool pendingOverlong_ = false;
  std::size_t count_ = 0;
};

}  // namespace

const char* recordFileFormatName(RecordFileFormat format) {
  switch (format) {
    case RecordFileFormat::Sdf: return "sdf";
    case RecordFileFormat::Smiles: return "smiles";
    case RecordFileFormat::Csv: return "csv";
  }
  return "sdf";
}

std::optional<RecordFileFormat> parseRecordFileFormat(const std::string& name) {
  std::string n = lower(name);
  if (n == "sdf" || n == "sd" || n == "mol") return RecordFileFormat::Sdf;
  if (n == "smiles" || n == "smi") return RecordFileFormat::Smiles;
  if (n == "csv" || n == "tsv") return RecordFileFormat::Csv;
  return std::nullopt;
}

std::optional<RecordFileFormat> formatFromFileName(const std::string& fileName) {
  std::string name = lower(fileName);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
    name.resize(name.size() - 3);
  }
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  std::string ext = name.substr(dot + 1);
  if (ext == "txt" || ext == "smiles" || ext == "smi") return RecordFileFormat::Smiles;
  return parseRecordFileFormat(ext);
}

RecordFileFormat detectRecordFileFormat(const std::string& head) {
  std::size_t start = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  std::vector<std::string> lines;
  {
    std::istringstream in(head.substr(start));
    std::string line;
    while (lines.size() < 4096 && std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
    }
  }
  // A CSV header naming a structure column comes first: a CSV file may hold Molfiles in a
  // cell, so "M  END" further down says nothing.
  auto first = std::find_if(lines.begin(), lines.end(),
                            [](const std::string& l) { return !isBlank(l); });
  if (first != lines.end() && first->find_first_of(",;\t") != std::string::npos) {
    std::string cell;
    for (char c : *first + ",") {
      if (c == ',' || c == ';' || c == '\t') {
        std::string name = lower(trim(cell));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
          name = name.substr(1, name.size() - 2);
        }
        for (const char* candidate : {"smiles", "structure", "molfile", "molblock", "mol",
                                      "cxsmiles", "canonical_smiles"}) {
          if (name == candidate) return RecordFileFormat::Csv;
        }
        cell.clear();
      } else {
        cell += c;
      }
    }
  }
  // A Molfile: its fourth line is the counts line (V2000 / V3000), and "M  END" closes it.
  if (lines.size() >= 4 && (lines[3].find("V2000") != std::string::npos ||
                            lines[3].find("V3000") != std::string::npos)) {
    return RecordFileFormat::Sdf;
  }
  for (const auto& line : lines) {
    if (trim(line) == "M  END") return RecordFileFormat::Sdf;
  }
  return RecordFileFormat::Smiles;
}

std::unique_ptr<RecordReader> RecordReader::create(RecordFileFormat format, std::istream& in,
                                                   RecordReaderOptions options) {
  switch (format) {
    case RecordFileFormat::Sdf: return std::make_unique<SdfReader>(in, std::move(options));
    case RecordFileFormat::Smiles: return std::make_unique<SmilesReader>(in, std::move(options));
    case RecordFileFormat::Csv: return std::make_unique<CsvReader>(in, std::move(options));
  }
  return nullptr;
}

std::vector<StructureRecord> readRecords(RecordFileFormat format, const std::string& bytes,
                                         const RecordReaderOptions& options) {
  std::istringstream in(bytes);
  auto reader = RecordReader::create(format, in, options);
  std::vector<StructureRecord> records;
  while (auto record = reader->next()) records.push_back(std::move(*record));
  return records;
}

}  // namespace argan::chem
