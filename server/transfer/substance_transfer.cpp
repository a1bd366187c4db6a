#include "server/transfer/substance_transfer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "common/error.h"
#include "db/identifiers.h"
#include "db/registry_store.h"
#include "db/substance_store.h"
#include "server/json/json_fields.h"
#include "server/json/substance_json.h"
#include "server/registry/substances.h"

namespace argan::server {
namespace {

const std::vector<std::string> kColumns = {
    "substance",       "name",          "kind",           "synonyms",
    "cas_number",      "description",   "source_species", "source_part",
    "source_waste_stream", "source_process", "visibility", "record",
    "compound_id",     "smiles",        "constituent_name", "role",
    "typical",         "min",           "max",            "unit",
    "method",          "property",      "ratio"};

std::string csvField(const std::string& value) {
  bool quote = value.find_first_of(",\"\r\n") != std::string::npos ||
               (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return value;
  std::string out = "\"";
  for (char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string number(const std::optional<double>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", *v);
  return buf;
}

void writeRow(std::ostream& out, const std::map<std::string, std::string>& row) {
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    if (i) out << ',';
    auto it = row.find(kColumns[i]);
    if (it != row.end()) out << csvField(it->second);
  }
  out << "\r\n";
}

std::map<std::string, std::string> substanceColumns(const db::Substance& s) {
  std::string synonyms;
  for (const auto& name : s.spec.synonyms) synonyms += (synonyms.empty() ? "" : "|") + name;
  return {{"substance", s.code()},
          {"name", s.spec.name},
          {"kind", s.spec.kind},
          {"synonyms", synonyms},
          {"cas_number", s.spec.casNumber},
          {"description", s.spec.description},
          {"source_species", s.spec.source.species},
          {"source_part", s.spec.source.part},
          {"source_waste_stream", s.spec.source.wasteStream},
          {"source_process", s.spec.source.process},
          {"visibility", s.visibility}};
}

// The compound's code and canonical SMILES when `viewer` may see it.
void compoundColumns(db::Connection& c, const db::Principal& viewer, std::int64_t id,
                     std::map<std::string, std::string>& row) {
  if (auto compound = db::findCompound(c, viewer, id)) {
    row["compound_id"] = compound->code();
    row["smiles"] = compound->identity.canonicalSmiles;
  }
}

void exportCsv(db::Connection& c, const db::Principal& viewer, const db::Substance& s,
               std::ostream& out) {
  auto base = substanceColumns(s);
  bool any = false;
  for (const auto& k : s.spec.constituents) {
    auto row = base;
    row["record"] = "constituent";
    if (k.compoundId) compoundColumns(c, viewer, *k.compoundId, row);
    row["constituent_name"] = k.name;
    row["role"] = k.role;
    row["typical"] = number(k.typical);
    row["min"] = number(k.min);
    row["max"] = number(k.max);
    row["unit"] = k.unit;
    row["method"] = k.method;
    writeRow(out, row);
    any = true;
  }
  for (const auto& p : s.spec.properties) {
    auto row = base;
    row["record"] = "property";
    row["property"] = p.key;
    row["typical"] = number(p.typical);
    row["min"] = number(p.min);
    row["max"] = number(p.max);
    row["method"] = p.method;
    writeRow(out, row);
    any = true;
  }
  for (const auto& m : s.spec.monomers) {
    auto row = base;
    row["record"] = "monomer";
    compoundColumns(c, viewer, m.compoundId, row);
    row["ratio"] = number(m.ratio);
    writeRow(out, row);
    any = true;
  }
  if (!any) writeRow(out, base);
}

// ---- CSV reading ----

struct CsvLine {
  std::int64_t line = 0;
  std::vector<std::string> fields;
};

std::vector<CsvLine> readCsv(const std::string& text) {
  std::vector<CsvLine> rows;
  CsvLine row;
  std::string field;
  bool quoted = false, fieldStarted = false;
  std::int64_t line = 1, rowStart = 1;
  std::size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // a UTF-8 byte-order mark
  auto endRow = [&] {
    row.fields.push_back(field);
    field.clear();
    fieldStarted = false;
    bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) {
      row.line = rowStart;
      rows.push_back(std::move(row));
    }
    row = CsvLine{};
    rowStart = line;
  };
  for (; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
      continue;
    }
    if (ch == '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (ch == ',') {
      row.fields.push_back(field);
      field.clear();
      fieldStarted = false;
    } else if (ch == '\r') {
      continue;
    } else if (ch == '\n') {
      ++line;
      endRow();
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) {
    throw invalidArgument("line " + std::to_string(rowStart) + ": a quoted field is not closed",
                          {{"field", "file"}, {"line", rowStart}});
  }
  if (fieldStarted || !row.fields.empty()) endRow();
  return rows;
}

std::optional<double> parseNumber(const std::string& text, const std::string& column,
                                  std::int64_t line) {
  std::string t = text;
  while (!t.empty() && t.back() == ' ') t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(0, 1);
  if (t.empty()) return std::nullopt;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(t, &used);
  } catch (...) {
    used = 0;
  }
  if (used != t.size() || !std::isfinite(v)) {
    throw invalidArgument("line " + std::to_string(line) + ": " + column + " '" + text +
                              "' is not a number",
                          {{"field", column}, {"line", line}});
  }
  return v;
}

struct ParsedRecord {
  std::string key;
  std::int64_t line = 0;
  SubstanceSubmission submission;
  std::optional<Error> error;
};

std::vector<ParsedRecord> parseCsvRecords(const std::string& text) {
  std::vector<CsvLine> rows = readCsv(text);
  if (rows.empty()) throw invalidArgument("the file is empty", {{"field", "file"}});
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < rows[0].fields.size(); ++i) column[rows[0].fields[i]] = i;
  for (const char* required : {"substance", "name", "kind"}) {
    if (!column.count(required)) {
      throw invalidArgument(std::string("the header lacks the column '") + required +
                                "' (the columns are those of GET /api/export/substances?format=csv)",
                            {{"field", "file"}, {"line", std::int64_t{1}}});
    }
  }
  std::vector<ParsedRecord> records;
  std::map<std::string, std::size_t> byKey;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvLine& row = rows[r];
    auto get = [&](const std::string& name) -> std::string {
      auto it = column.find(name);
      if (it == column.end() || it->second >= row.fields.size()) return "";
      return row.fields[it->second];
    };
    std::string key = get("substance");
    if (key.empty()) key = "line " + std::to_string(row.line);
    auto found = byKey.find(key);
    if (found == byKey.end()) {
      ParsedRecord rec;
      rec.key = key;
      rec.line = row.line;
      db::SubstanceSpec& spec = rec.submission.spec;
      spec.name = get("name");
      spec.kind = get("kind");
      std::string synonyms = get("synonyms");
      for (std::size_t start = 0; start <= synonyms.size() && !synonyms.empty();) {
        std::size_t bar = synonyms.find('|', start);
        std::string s = synonyms.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
        if (!s.empty()) spec.synonyms.push_back(s);
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
      spec.casNumber = get("cas_number");
      spec.description = get("description");
      spec.source.species = get("source_species");
      spec.source.part = get("source_part");
      spec.source.wasteStream = get("source_waste_stream");
      spec.source.process = get("source_process");
      rec.submission.sameNameIsExisting = true;
      byKey[key] = records.size();
      records.push_back(std::move(rec));
      found = byKey.find(key);
    }
    ParsedRecord& rec = records[found->second];
    if (rec.error) continue;
    try {
      std::string record = get("record");
      auto& spec = rec.submission.spec;
      if (record == "constituent") {
        db::Constituent k;
        std::string compound = get("compound_id");
        if (!compound.empty()) {
          auto code = db::parseCode(compound);
          if (!code || code->formNumber) {
            throw invalidArgument("line " + std::to_string(row.line) + ": compound_id '" +
                                      compound + "' is not a compound code",
                                  {{"field", "compound_id"}, {"line", row.line}});
          }
          k.compoundId = code->compoundId;
        }
        k.name = get("constituent_name");
        k.role = get("role").empty() ? "constituent" : get("role");
        auto typical = parseNumber(get("typical"), "typical", row.line);
        if (!typical) {
          throw invalidArgument("line " + std::to_string(row.line) + ": typical is required",
                                {{"field", "typical"}, {"line", row.line}});
        }
        k.typical = *typical;
        k.min = parseNumber(get("min"), "min", row.line);
        k.max = parseNumber(get("max"), "max", row.line);
        k.unit = get("unit").empty() ? "w/w" : get("unit");
        k.method = get("method");
        spec.constituents.push_back(k);
        rec.submission.constituentStructures.push_back(get("smiles"));
        rec.submission.constituentFormats.push_back("smiles");
      } else if (record == "property") {
        db::PropertyValue p;
        p.key = get("property");
        p.typical = parseNumber(get("typical"), "typical", row.line);
        p.min = parseNumber(get("min"), "min", row.line);
        p.max = parseNumber(get("max"), "max", row.line);
        p.method = get("method");
        spec.properties.push_back(p);
      } else if (record == "monomer") {
        auto code = db::parseCode(get("compound_id"));
        if (!code || code->formNumber) {
          throw invalidArgument("line " + std::to_string(row.line) +
                                    ": a monomer row needs its compound_id",
                                {{"field", "compound_id"}, {"line", row.line}});
        }
        auto ratio = parseNumber(get("ratio"), "ratio", row.line);
        spec.monomers.push_back({code->compoundId, ratio.value_or(0)});
      } else if (!record.empty()) {
        throw invalidArgument("line " + std::to_string(row.line) + ": record '" + record +
                                  "' must be constituent, property, monomer or empty",
                              {{"field", "record"}, {"line", row.line}});
      }
    } catch (const Error& e) {
      rec.error = e;
    }
  }
  return records;
}

// The export's substance JSON (or a POST body) as a submission.
SubstanceSubmission submissionFromJson(const Poco::JSON::Object::Ptr& o) {
  if (!o->has("id")) {
    SubstanceSubmission s = readSubstanceSubmission(JsonFields(o), /*creating=*/true);
    s.sameNameIsExisting = true;
    return s;
  }
  // An exported record: rebuild the POST body from the fields that make the specification.
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  for (const char* key : {"name", "kind", "synonyms", "description"}) {
    if (o->has(key)) body->set(key, o->get(key));
  }
  if (o->has("cas_number") && !o->isNull("cas_number")) body->set("cas_number", o->get("cas_number"));
  if (o->has("source")) body->set("source", o->get("source"));
  Poco::JSON::Array::Ptr constituents = new Poco::JSON::Array;
  if (auto list = o->getArray("constituents")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto k = list->getObject(static_cast<unsigned>(i));
      if (!k) continue;
      Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
      if (auto compound = k->getObject("compound")) {
        c->set("structure", compound->get("canonical_smiles"));
      }
      for (const char* key : {"name", "role", "typical", "min", "max", "unit", "method"}) {
        if (k->has(key) && !k->isNull(key)) c->set(key, k->get(key));
      }
      constituents->add(c);
    }
  }
  body->set("constituents", constituents);
  Poco::JSON::Array::Ptr properties = new Poco::JSON::Array;
  if (auto list = o->getArray("properties")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto p = list->getObject(static_cast<unsigned>(i));
      if (!p) continue;
      Poco::JSON::Object::Ptr q = new Poco::JSON::Object;
      for (const char* key : {"key", "typical", "min", "max", "method"}) {
        if (p->has(key) && !p->isNull(key)) q->set(key, p->get(key));
      }
      properties->add(q);
    }
  }
  body->set("properties", properties);
  if (auto polymer = o->getObject("polymer")) {
    Poco::JSON::Array::Ptr monomers = new Poco::JSON::Array;
    if (auto list = polymer->getArray("monomers")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        auto m = list->getObject(static_cast<unsigned>(i));
        if (!m || m->isNull("compound_id")) continue;
        Poco::JSON::Object::Ptr n = new Poco::JSON::Object;
        n->set("compound_id", m->get("compound_id"));
        n->set("ratio", m->get("ratio"));
        monomers->add(n);
      }
    }
    if (monomers->size()) body->set("monomers", monomers);
    if (auto unit = polymer->getObject("repeat_unit")) body->set("repeat_unit", unit->get("text"));
    for (const char* key : {"mn", "mw"}) {
      if (polymer->has(key) && !polymer->isNull(key)) body->set(key, polymer->get(key));
    }
  }
  SubstanceSubmission s = readSubstanceSubmission(JsonFields(body), /*creating=*/true);
  s.sameNameIsExisting = true;
  return s;
}

std::vector<ParsedRecord> parseJsonRecords(const std::string& text) {
  Poco::JSON::Object::Ptr root = parseJsonObject(text);
  Poco::JSON::Array::Ptr list = root->getArray("substances");
  if (!list) {
    throw invalidArgument("a JSON import is {\"substances\": [...]} (as GET "
                          "/api/export/substances?format=json writes it)",
                          {{"field", "file"}});
  }
  std::vector<ParsedRecord> records;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ParsedRecord rec;
    rec.key = std::to_string(i + 1);
    try {
      auto o = list->getObject(static_cast<unsigned>(i));
      if (!o) {
        throw invalidArgument("substances[" + std::to_string(i) + "] is not an object",
                              {{"field", "substances[" + std::to_string(i) + "]"}});
      }
      rec.submission = submissionFromJson(o);
    } catch (const Error& e) {
      rec.error = e;
    }
    records.push_back(std::move(rec));
  }
  return records;
}

std::string fieldOf(const Error& e) {
  auto f = e.details().find("field");
  if (f != e.details().end() && std::holds_alternative<std::string>(f->second)) {
    return std::get<std::string>(f->second);
  }
  return "";
}

// A constituent given both by code and by SMILES keeps the code only if the start-up may
// see that compound (a file from another start-up or installation carries its codes).
void preferVisibleCodes(Runtime& runtime, std::int64_t startUpId, SubstanceSubmission& s) {
  db::Principal team;
  team.role = db::Role::Member;
  team.startUpId = startUpId;
  runtime.db.read([&](db::Connection& c) {
    for (std::size_t i = 0; i < s.spec.constituents.size(); ++i) {
      auto& k = s.spec.constituents[i];
      if (i >= s.constituentStructures.size() || s.constituentStructures[i].empty()) continue;
      if (k.compoundId && db::findCompound(c, team, *k.compoundId)) {
        s.constituentStructures[i].clear();
      } else {
        k.compoundId.reset();
      }
    }
    return 0;
  });
}

}  // namespace

std::int64_t exportSubstances(Runtime& runtime, const db::Principal& viewer,
                              const SubstanceExportOptions& options, std::ostream& out) {
  if (options.format != "csv" && options.format != "json") {
    throw invalidArgument("format must be csv or json", {{"field", "format"}});
  }
  db::SubstanceFilter filter;
  filter.startUpId = options.startUpId;
  filter.includeRetired = options.includeRetired;
  std::int64_t count = 0;
  runtime.db.snapshot([&](db::Connection& c) {
    if (options.format == "csv") {
      for (std::size_t i = 0; i < kColumns.size(); ++i) out << (i ? "," : "") << kColumns[i];
      out << "\r\n";
      db::forEachSubstance(c, viewer, filter, [&](const db::Substance& s) {
        exportCsv(c, viewer, s, out);
        ++count;
      });
    } else {
      Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
      db::forEachSubstance(c, viewer, filter, [&](const db::Substance& s) {
        Poco::JSON::Object::Ptr o = substanceJson(c, viewer, s);
        Poco::JSON::Array::Ptr batches = new Poco::JSON::Array;
        for (const auto& b : db::listSubstanceBatches(c, viewer, s.id)) {
          batches->add(substanceBatchJson(c, viewer, s, b));
        }
        o->set("batches", batches);
        items->add(o);
        ++count;
      });
      Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      root->set("format", "argan-substances/1");
      root->set("exported_at", runtime.clock.nowIso());
      root->set("count", count);
      root->set("substances", items);
      root->stringify(out, 1);
      out << "\n";
    }
  });
  return count;
}

SubstanceImportReport importSubstances(Runtime& runtime, const db::Principal& who,
                                       std::int64_t startUpId, const std::string& text,
                                       const std::string& format) {
  if (!db::canWriteFor(who, startUpId)) {
    throw permissionDenied("you may import substances only into your own start-up",
                           {{"field", "start_up"}});
  }
  std::vector<ParsedRecord> records;
  if (format == "csv") {
    records = parseCsvRecords(text);
  } else if (format == "json") {
    records = parseJsonRecords(text);
  } else {
    throw invalidArgument("format must be csv or json", {{"field", "format"}});
  }
  if (records.empty()) throw invalidArgument("the file holds no substance", {{"field", "file"}});
  SubstanceImportReport report;
  for (auto& rec : records) {
    SubstanceImportVerdict v;
    v.key = rec.key;
    v.line = rec.line;
    try {
      if (rec.error) throw *rec.error;
      preferVisibleCodes(runtime, startUpId, rec.submission);
      SubstanceRegistration r =
          registerSubstance(runtime, who, startUpId, std::move(rec.submission));
      v.outcome = substanceOutcomeName(r.outcome);
      v.id = r.batch ? r.batch->code() : r.substance.code();
      v.message = r.message;
      if (r.outcome == SubstanceOutcome::NewSubstance) ++report.newSubstances;
      if (r.outcome == SubstanceOutcome::NewBatch) ++report.newBatches;
      if (r.outcome == SubstanceOutcome::AlreadyRegistered) ++report.alreadyRegistered;
    } catch (const Error& e) {
      if (e.code() == ErrorCode::Unavailable || e.code() == ErrorCode::Internal) throw;
      v.outcome = "rejected";
      v.message = e.what();
      v.field = fieldOf(e);
      ++report.rejected;
    }
    report.verdicts.push_back(std::move(v));
  }
  return report;
}

}  // namespace argan::server
