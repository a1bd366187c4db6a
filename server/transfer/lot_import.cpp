#include "server/transfer/lot_import.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "common/digest.h"
#include "common/error.h"
#include "db/record_codes.h"
#include "db/waste_store.h"
#include "server/registry/waste.h"

namespace argan::server {
namespace {

struct CsvRecord {
  std::int64_t line = 0;
  std::vector<std::string> cells;
};

// RFC 4180 with a chosen delimiter; each record remembers the line it starts on.
std::vector<CsvRecord> readCsv(const std::string& text, char delimiter) {
  std::vector<CsvRecord> out;
  CsvRecord record;
  std::string cell;
  bool quoted = false;
  bool cellStarted = false;
  std::int64_t line = 1;
  record.line = 1;
  auto endCell = [&] {
    record.cells.push_back(cell);
    cell.clear();
    cellStarted = false;
  };
  auto endRecord = [&] {
    endCell();
    bool blank = std::all_of(record.cells.begin(), record.cells.end(), [](const std::string& c) {
      return c.find_first_not_of(" \t") == std::string::npos;
    });
    if (!blank) out.push_back(record);
    record = CsvRecord{};
    record.line = line;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line;
        cell += ch;
      }
      continue;
    }
    if (ch == '"' && !cellStarted) {
      quoted = true;
      cellStarted = true;
    } else if (ch == delimiter) {
      endCell();
    } else if (ch == '\r') {
      continue;
    } else if (ch == '\n') {
      ++line;
      endRecord();
    } else {
      cell += ch;
      cellStarted = true;
    }
  }
  if (quoted) {
    throw invalidArgument("the file ends inside a quoted cell opened on line " +
                              std::to_string(record.line),
                          {{"field", "file"}, {"line", record.line}});
  }
  if (!cell.empty() || !record.cells.empty()) endRecord();
  return out;
}

char detectDelimiter(const std::string& text) {
  std::size_t end = text.find('\n');
  std::string header = text.substr(0, end);
  std::size_t semicolons = std::count(header.begin(), header.end(), ';');
  std::size_t commas = std::count(header.begin(), header.end(), ',');
  std::size_t tabs = std::count(header.begin(), header.end(), '\t');
  if (tabs > semicolons && tabs > commas) return '\t';
  return semicolons > commas ? ';' : ',';
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Lower case, French accents folded, spaces and hyphens to '_'.
std::string foldName(const std::string& raw) {
  static const std::pair<const char*, char> accents[] = {
      {"\xc3\xa9", 'e'}, {"\xc3\xa8", 'e'}, {"\xc3\xaa", 'e'}, {"\xc3\xab", 'e'},
      {"\xc3\xa0", 'a'}, {"\xc3\xa2", 'a'}, {"\xc3\xae", 'i'}, {"\xc3\xaf", 'i'},
      {"\xc3\xb4", 'o'}, {"\xc3\xbb", 'u'}, {"\xc3\xb9", 'u'}, {"\xc3\xa7", 'c'},
      {"\xc3\x89", 'e'}, {"\xc3\x88", 'e'}, {"\xc3\x80", 'a'}, {"\xc3\x87", 'c'}};
  std::string s = trim(raw);
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool folded = false;
    for (const auto& [utf8, ascii] : accents) {
      if (s.compare(i, 2, utf8) == 0) {
        out += ascii;
        i += 2;
        folded = true;
        break;
      }
    }
    if (folded) continue;
    char ch = s[i++];
    if (ch == ' ' || ch == '-' || ch == '.') {
      if (!out.empty() && out.back() != '_') out += '_';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// The column a header names, and the unit written in it ("Masse nette (kg)").
struct Column {
  std::string key;
  std::string header;
  std::optional<std::string> unit;
};

Column columnFor(const std::string& header) {
  static const std::map<std::string, std::string> aliases = {
      {"collected_on", "collected_on"}, {"date", "collected_on"},
      {"date_collecte", "collected_on"}, {"date_de_collecte", "collected_on"},
      {"stream", "stream"}, {"flux", "stream"}, {"flux_dechet", "stream"},
      {"dechet", "stream"}, {"waste_stream", "stream"},
      {"net_mass", "net_mass"}, {"masse_nette", "net_mass"}, {"poids_net", "net_mass"},
      {"net", "net_mass"},
      {"unit", "unit"}, {"unite", "unit"},
      {"gross_mass", "gross_mass"}, {"masse_brute", "gross_mass"}, {"poids_brut", "gross_mass"},
      {"source", "source"}, {"point_de_collecte", "source"}, {"fournisseur", "source"},
      {"source_kind", "source_kind"}, {"type_source", "source_kind"},
      {"type_de_source", "source_kind"},
      {"region", "region"}, {"locality", "locality"}, {"ville", "locality"},
      {"localite", "locality"},
      {"container", "container"}, {"contenant", "container"},
      {"container_count", "container_count"}, {"nombre_contenants", "container_count"},
      {"nb_contenants", "container_count"},
      {"vehicle", "vehicle"}, {"vehicule", "vehicle"},
      {"distance_km", "distance_km"}, {"distance", "distance_km"},
      {"notes", "notes"}, {"remarques", "notes"}, {"commentaire", "notes"}};
  Column c;
  c.header = trim(header);
  std::string name = c.header;
  auto open = name.find('(');
  auto close = name.find(')', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos) {
    std::string inside = foldName(name.substr(open + 1, close - open - 1));
    if (inside == "g" || inside == "kg" || inside == "t") c.unit = inside;
    name = name.substr(0, open) + name.substr(close + 1);
  }
  std::string folded = foldName(name);
  auto it = aliases.find(folded);
  if (it != aliases.end()) {
    c.key = it->second;
  } else {
    for (const auto& p : characterisationProperties()) {
      if (p.key == folded) c.key = "characterisation." + p.key;
    }
  }
  return c;
}

std::optional<double> number(const std::string& raw, bool decimalComma, const std::string& field) {
  std::string s;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char ch = raw[i];
    if (ch == ' ') continue;
    if (raw.compare(i, 2, "\xc2\xa0") == 0) {  // no-break space (thousands)
      ++i;
      continue;
    }
    if (ch == ',' && decimalComma) ch = '.';
    s += ch;
  }
  if (s.empty()) return std::nullopt;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size()) {
    throw invalidArgument(field + ": '" + raw + "' is not a number", {{"field", field}});
  }
  return value;
}

// YYYY-MM-DD, or DD/MM/YYYY as French spreadsheets write it.
std::string isoDate(const std::string& raw) {
  std::string s = trim(raw);
  auto slash = s.find('/');
  if (slash == std::string::npos) return s;
  auto second = s.find('/', slash + 1);
  if (second == std::string::npos) return s;
  std::string d = s.substr(0, slash), m = s.substr(slash + 1, second - slash - 1),
              y = s.substr(second + 1);
  if (d.size() == 1) d = "0" + d;
  if (m.size() == 1) m = "0" + m;
  return y + "-" + m + "-" + d;
}

struct RowError {
  std::int64_t line = 0;
  std::string field;
  std::string message;
};

}  // namespace

LotImportReport importLots(Runtime& runtime, const db::Principal& who, const std::string& raw,
                           const LotImportOptions& options) {
  std::string text = raw;
  if (text.rfind("\xef\xbb\xbf", 0) == 0) text = text.substr(3);  // byte-order mark
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw invalidArgument("the file is empty; a header row and one row per collection are expected",
                          {{"field", "file"}});
  }
  char delimiter = detectDelimiter(text);
  std::vector<CsvRecord> records = readCsv(text, delimiter);
  LotImportReport report;
  report.delimiter = std::string(1, delimiter);
  report.dryRun = options.dryRun;
  if (records.empty()) {
    throw invalidArgument("the file has no header row", {{"field", "file"}});
  }
  if (records.size() - 1 > kMaxLotImportRows) {
    throw invalidArgument("at most " + std::to_string(kMaxLotImportRows) +
                              " collections per file; split it",
                          {{"field", "file"}});
  }
  std::vector<Column> columns;
  std::set<std::string> seen;
  for (const auto& header : records.front().cells) {
    Column c = columnFor(header);
    if (c.key.empty()) {
      throw invalidArgument(
          "unknown column '" + c.header +
              "' (line 1); known: collected_on, stream, net_mass, unit, source, source_kind, "
              "region, locality, gross_mass, container, container_count, vehicle, distance_km, "
              "notes and the measured properties (moisture, oil_content, ...)",
          {{"field", "header"}, {"line", static_cast<std::int64_t>(1)}, {"column", c.header}});
    }
    if (!seen.insert(c.key).second) {
      throw invalidArgument("two columns mean '" + c.key + "'",
                            {{"field", "header"}, {"column", c.header}});
    }
    columns.push_back(c);
    report.columns.push_back(c.key);
  }
  for (const char* required : {"collected_on", "stream", "net_mass"}) {
    if (!seen.count(required)) {
      throw invalidArgument(std::string("the header needs a '") + required + "' column",
                            {{"field", "header"}, {"column", required}});
    }
  }
  if (records.size() < 2) {
    throw invalidArgument("the file has a header row but no collection", {{"field", "file"}});
  }
  const bool decimalComma = delimiter == ';' || delimiter == '\t';
  const std::string today = todayOf(runtime);
  std::int64_t startUp = 0;
  if (options.startUpId) {
    startUp = *options.startUpId;
  } else if (who.startUpId) {
    startUp = *who.startUpId;
  } else {
    throw invalidArgument("start_up is required (administrators import for a named start-up)",
                          {{"field", "start_up"}});
  }
  report.startUpId = startUp;
  if (!db::canWriteFor(who, startUp)) {
    throw permissionDenied("only members of start-up " + std::to_string(startUp) +
                               " (or administrators) may import its collections",
                           {{"field", "start_up"}});
  }

  std::vector<RowError> errors;
  runtime.db.write([&](db::Connection& c) {
    db::Savepoint all(c, "lot_import");
    std::vector<db::WasteStream> streams = db::listWasteStreams(c);
    for (std::size_t r = 1; r < records.size(); ++r) {
      const CsvRecord& rec = records[r];
      ++report.rows;
      std::map<std::string, std::string> cells;
      std::string digestText = std::to_string(startUp);
      for (std::size_t i = 0; i < columns.size(); ++i) {
        std::string value = i < rec.cells.size() ? trim(rec.cells[i]) : "";
        cells[columns[i].key] = value;
        digestText += "\x1f" + columns[i].key + "=" + value;
      }
      if (rec.cells.size() > columns.size()) {
        bool extra = std::any_of(rec.cells.begin() + static_cast<long>(columns.size()),
                                 rec.cells.end(),
                                 [](const std::string& s) { return !trim(s).empty(); });
        if (extra) {
          errors.push_back({rec.line, "file", "more cells than columns in the header"});
          continue;
        }
      }
      std::string digest = sha256Hex(digestText);
      if (db::lotImportDigestExists(c, startUp, digest)) {
        ++report.alreadyImported;
        report.items.push_back({rec.line, "already_imported", std::nullopt});
        continue;
      }
      db::Savepoint row(c, "lot_import_row");
      try {
        auto unitOf = [&](const std::string& key) {
          for (const auto& col : columns) {
            if (col.key == key && col.unit) return *col.unit;
          }
          std::string u = foldName(cells["unit"]);
          return u.empty() ? std::string("kg") : u;
        };
        LotDraft d;
        d.startUpId = startUp;
        d.collectedOn = isoDate(cells["collected_on"]);
        const std::string streamText = cells["stream"];
        for (const auto& s : streams) {
          if (s.key == streamText || foldName(s.nameFr) == foldName(streamText) ||
              foldName(s.nameEn) == foldName(streamText)) {
            d.stream = s.key;
          }
        }
        if (d.stream.empty()) {
          throw invalidArgument("stream: '" + streamText +
                                    "' is not a waste stream of the cluster (a key such as "
                                    "used_cooking_oil, or its French or English name)",
                                {{"field", "stream"}});
        }
        auto net = number(cells["net_mass"], decimalComma, "net_mass");
        if (!net) throw invalidArgument("net_mass is required", {{"field", "net_mass"}});
        d.net = {*net, unitOf("net_mass")};
        if (auto gross = number(cells["gross_mass"], decimalComma, "gross_mass")) {
          d.gross = MassInput{*gross, unitOf("gross_mass")};
        }
        if (!cells["container"].empty()) d.container = foldName(cells["container"]);
        if (auto n = number(cells["container_count"], decimalComma, "container_count")) {
          d.containerCount = static_cast<std::int64_t>(*n);
        }
        if (!cells["vehicle"].empty()) d.vehicle = foldName(cells["vehicle"]);
        d.distanceKm = number(cells["distance_km"], decimalComma, "distance_km");
        d.notes = cells["notes"];
        for (const auto& col : columns) {
          if (col.key.rfind("characterisation.", 0) != 0) continue;
          auto v = number(cells[col.key], decimalComma, col.key);
          if (v) d.characterisation[col.key.substr(17)] = *v;
        }
        const std::string sourceText = cells["source"];
        if (!sourceText.empty()) {
          if (db::parsePrefixedCode("SRC", sourceText) && sourceText.find_first_not_of("0123456789") != std::string::npos) {
            d.source = sourceText;
          } else if (auto existing = db::findSourceByName(c, startUp, sourceText)) {
            d.source = existing->code();
          } else {
            std::string kind = foldName(cells["source_kind"]);
            std::string region = foldName(cells["region"]);
            if (kind.empty() || region.empty()) {
              throw invalidArgument("source: the start-up has no source named '" + sourceText +
                                        "'; add it first, or give source_kind and region columns "
                                        "to create it with the import",
                                    {{"field", "source"}});
            }
            if (std::find(sourceKinds().begin(), sourceKinds().end(), kind) == sourceKinds().end()) {
              throw invalidArgument("source_kind '" + kind + "' is not a kind of source",
                                    {{"field", "source_kind"}});
            }
            if (std::find(moroccanRegions().begin(), moroccanRegions().end(), region) ==
                moroccanRegions().end()) {
              throw invalidArgument("region '" + cells["region"] + "' is not a region of Morocco",
                                    {{"field", "region"}});
            }
            db::SourceInput in;
            in.name = sourceText;
            in.kind = kind;
            in.region = region;
            in.locality = cells["locality"];
            auto created = db::createSource(c, runtime.clock, who, startUp, in);
            report.sourcesCreated.push_back(created.code());
            d.source = created.code();
          }
        }
        d.importDigest = digest;
        checkLotDraft(d, today);
        db::Lot lot = recordLotIn(c, runtime, who, d);
        row.release();
        ++report.created;
        report.items.push_back({rec.line, options.dryRun ? "valid" : "created",
                                options.dryRun ? std::nullopt : std::optional(lot.code())});
      } catch (const Error& e) {
        row.rollback();
        std::string field;
        auto it = e.details().find("field");
        if (it != e.details().end() && std::holds_alternative<std::string>(it->second)) {
          field = std::get<std::string>(it->second);
        }
        if (e.code() != ErrorCode::InvalidArgument && e.code() != ErrorCode::NotFound &&
            e.code() != ErrorCode::FailedPrecondition && e.code() != ErrorCode::AlreadyExists) {
          throw;
        }
        errors.push_back({rec.line, field, e.what()});
      }
    }
    if (!errors.empty() || options.dryRun) {
      all.rollback();
    } else {
      all.release();
    }
  });
  if (!errors.empty()) {
    std::string message = std::to_string(errors.size()) + " of " + std::to_string(report.rows) +
                          " rows cannot be imported; nothing was stored:";
    for (std::size_t i = 0; i < errors.size() && i < 10; ++i) {
      message += " line " + std::to_string(errors[i].line) +
                 (errors[i].field.empty() ? "" : " (" + errors[i].field + ")") + ": " +
                 errors[i].message + ";";
    }
    if (errors.size() > 10) message += " ...";
    throw invalidArgument(message, {{"field", errors.front().field.empty() ? "file"
                                                                          : errors.front().field},
                                    {"line", errors.front().line},
                                    {"rejected", static_cast<std::int64_t>(errors.size())}});
  }
  if (options.dryRun) report.sourcesCreated.clear();
  return report;
}

}  // namespace argan::server
