#include "server/transfer/importer.h"

#include <Poco/InflatingStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <unistd.h>
#include <cstring>

#include "common/clock.h"
#include "common/error.h"
#include "common/password.h"
#include "db/identifiers.h"
#include "server/registry/bulk_registration.h"
#include "server/json/json_fields.h"
#include "server/registry/registration.h"
#include "server/search/structure_search.h"
#include "server/isolation/chem_service.h"

namespace argan::server {
namespace {

// Field 22 of /proc/<pid>/stat (start time in clock ticks after boot): with the pid, names
// one process for the life of the machine. "" when the process does not exist.
std::string processStartTime(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return "";
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

// Lower case without spaces, '_', '-', '.', '(', ')', '%' (so "Amount (mg)" -> "amountmg").
std::string squash(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Canonical unit for a written one ("ml" -> "mL", "µl" -> "uL"); empty when unknown.
std::string canonicalUnit(const std::string& written) {
  static const std::map<std::string, std::string> units = {
      {"mg", "mg"},     {"g", "g"},         {"kg", "kg"},       {"t", "t"},
      {"ul", "uL"},     {"\xC2\xB5l", "uL"}, {"\xCE\xBCl", "uL"}, {"ml", "mL"},
      {"l", "L"},       {"m3", "m3"},       {"m\xC2\xB3", "m3"}, {"umol", "umol"},
      {"\xC2\xB5mol", "umol"}, {"\xCE\xBCmol", "umol"},        {"mmol", "mmol"},
      {"mol", "mol"}};
  std::string key;
  for (char c : trim(written)) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = units.find(key);
  return it == units.end() ? "" : it->second;
}

// A decimal number at the start of `text` ("12.5", "12,5", "1e3"); the rest is returned in
// `rest`. nullopt when there is no number.
std::optional<double> leadingNumber(const std::string& text, std::string& rest) {
  std::string t = trim(text);
  std::size_t end = 0;
  while (end < t.size() && (std::isdigit(static_cast<unsigned char>(t[end])) || t[end] == '.' ||
                            t[end] == ',' || t[end] == '-' || t[end] == '+' ||
                            ((t[end] == 'e' || t[end] == 'E') && end > 0 &&
                             std::isdigit(static_cast<unsigned char>(t[end - 1]))))) {
    ++end;
  }
  std::string number = t.substr(0, end);
  if (number.find(',') != std::string::npos) {
    if (number.find('.') != std::string::npos || std::count(number.begin(), number.end(), ',') > 1) {
      return std::nullopt;  // "1,234.5" or "1,2,3": ambiguous
    }
    std::replace(number.begin(), number.end(), ',', '.');
  }
  if (number.empty()) return std::nullopt;
  std::istringstream in(number);
  in.imbue(std::locale::classic());
  double value = 0;
  in >> value;
  if (in.fail() || !in.eof()) return std::nullopt;
  rest = trim(t.substr(end));
  return value;
}

Error fieldError(const chem::RecordField& f, const std::string& batchField,
                 const std::string& what) {
  return invalidArgument("field '" + f.name + "' (line " + std::to_string(f.line) + "): " + what,
                         {{"field", "batch." + batchField},
                          {"line", static_cast<std::int64_t>(f.line)}});
}

std::string cleanText(const chem::RecordField& f, const std::string& batchField) {
  if (!isCleanUtf8(f.value)) {
    throw fieldError(f, batchField, "the value is not UTF-8 text");
  }
  return trim(f.value);
}

// Bytes that are not clean UTF-8 become '?', so a title can always be shown and stored.
std::string printable(const std::string& s, std::size_t max) {
  std::string t = s.substr(0, max);
  if (isCleanUtf8(t)) return t;
  for (auto& c : t) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (u < 0x20 && c != '\t')) c = '?';
  }
  return t;
}

db::ImportVerdict verdictOf(db::RegistrationOutcome outcome) {
  switch (outcome) {
    case db::RegistrationOutcome::NewCompound: return db::ImportVerdict::Registered;
    case db::RegistrationOutcome::NewForm: return db::ImportVerdict::NewForm;
    case db::RegistrationOutcome::NewBatch: return db::ImportVerdict::NewBatch;
  }
  return db::ImportVerdict::Registered;
}

std::string detailText(const Error& e, const char* key) {
  auto it = e.details().find(key);
  if (it == e.details().end()) return "";
  if (std::holds_alternative<std::string>(it->second)) return std::get<std::string>(it->second);
  return "";
}

// Errors that are not one record's fault stop the whole import.
bool stopsTheImport(const Error& e) {
  return e.code() == ErrorCode::Unavailable || e.code() == ErrorCode::Internal;
}

// The importer as a job of the chunked write pipeline (bulk_registration.h): records are read
// a chunk at a time (the reader streams; a chunk holds at most `chunkSize` records and about
// kChunkBytes of structure text), prepared on the analysis threads (batch fields, digest,
// already-imported check, chemistry), and written in one transaction per chunk, each record
// in its own savepoint together with its verdict row; the import's progress row is updated
// in the same transaction.
class ImportJob : public ChunkedWriteJob {
 public:
  static constexpr std::size_t kChunkBytes = 16 * 1024 * 1024;

  ImportJob(Runtime& runtime, const db::Principal& actor, const db::Import& job,
            const ImportOptions& options, chem::RecordReader& reader,
            std::function<std::uint64_t()> progressBytes, std::int64_t resumeAfter,
            ImportObserver& observer, std::string claimant, std::int64_t leaseUs)
      : runtime_(runtime), actor_(actor), job_(job), options_(options), reader_(reader),
        progressBytes_(std::move(progressBytes)), resumeAfter_(resumeAfter),
        observer_(observer), claimant_(std::move(claimant)), leaseUs_(leaseUs) {}

  const db::ImportCounts& counts() const { return counts_; }

  std::size_t read(int slot, std::size_t max) override {
    auto& chunk = slots_[slot];
    chunk.clear();
    std::size_t bytes = 0;
    while (chunk.size() < max && bytes < kChunkBytes && !exhausted_) {
      auto record = reader_.next();
      if (!record) {
        exhausted_ = true;
        break;
      }
      if (static_cast<std::int64_t>(record->number) <= resumeAfter_) continue;
      Pending p;
      p.out.recordNumber = static_cast<std::int64_t>(record->number);
      p.out.line = static_cast<std::int64_t>(record->line);
      p.out.title = printable(record->title, 200);
      p.bytes = progressBytes_();
      bytes += record->structure.size();
      p.record = std::move(*record);
      chunk.push_back(std::move(p));
    }
    return chunk.size();
  }

  void prepare(int slot, std::size_t index) override {
    Pending& p = slots_[slot][index];
    const chem::StructureRecord& record = p.record;
    if (record.problem) {
      reject(p.out, record.problem->message, "structure",
             static_cast<std::int64_t>(record.problem->line));
      p.state = Pending::Done;
      return;
    }
    try {
      db::BatchInput batch = batchFromFields(record.fields, options_);
      db::validateBatchInput(batch);
      p.names = namesFromFields(record.fields, options_);
      db::validateCompoundNames(p.names);
      std::vector<std::pair<std::string, std::string>> fields;
      for (const auto& f : record.fields) fields.emplace_back(f.name, f.value);
      p.out.recordDigest = db::recordDigest(job_.startUpId, record.structure, fields);
      auto prior = runtime_.db.read([&](db::Connection& c) {
        return db::findImportedRecord(c, job_.startUpId, p.out.recordDigest);
      });
      if (prior) {
        fillAlreadyImported(p.out, *prior);
        p.state = Pending::Done;
        return;
      }
      chem::StructureAnalysis analysis =
          runtime_.chem.analyse(record.structure, chem::formatName(record.structureFormat));
      p.warnings = std::move(analysis.warnings);
      p.prepared = prepareRegistration(analysis, record.structure, std::move(batch));
      p.state = Pending::Register;
    } catch (const Error& e) {
      if (stopsTheImport(e)) throw;
      std::string field = detailText(e, "field");
      reject(p.out, e.what(), field.empty() ? "structure" : field, lineOf(e, p.out.line));
      p.state = Pending::Done;
    } catch (const std::exception& e) {
      reject(p.out, std::string("the structure could not be processed: ") + e.what(),
             "structure", p.out.line);
      p.state = Pending::Done;
    }
  }

  void write(db::Connection& c, int slot, std::size_t index) override {
    Pending& p = slots_[slot][index];
    if (p.state == Pending::Register) {
      if (auto prior = db::findImportedRecord(c, job_.startUpId, p.out.recordDigest)) {
        fillAlreadyImported(p.out, *prior);  // the same record earlier in this chunk
      } else {
        db::Registration r = registerPrepared(c, runtime_.clock, actor_, job_.startUpId,
                                              *p.prepared);
        db::mergeCompoundNames(c, runtime_.clock, actor_, r.compound.id, p.names);
        p.out.verdict = verdictOf(r.outcome);
        p.out.batchId = r.batch.id;
        p.out.compoundId = r.compound.id;
        p.out.formNumber = r.form.formNumber;
        p.out.batchNumber = r.batch.batchNumber;
        p.out.message = describe(r, flagsFor(c, r.compound), p.warnings);
      }
    }
    db::insertImportRecord(c, job_.id, job_.startUpId, p.out);
  }

  void writeFailed(db::Connection& c, int slot, std::size_t index, const Error& e) override {
    Pending& p = slots_[slot][index];
    p.out.batchId.reset();
    p.out.compoundId.reset();
    p.out.formNumber.reset();
    p.out.batchNumber.reset();
    std::string field = detailText(e, "field");
    reject(p.out, e.what(), field.empty() ? "structure" : field, p.out.line);
    db::insertImportRecord(c, job_.id, job_.startUpId, p.out);
  }

  void endChunk(db::Connection& c, int slot) override {
    const Pending& last = slots_[slot].back();
    db::ImportClaim claim{claimant_, isoFromMicros(runtime_.clock.nowMicros() + leaseUs_)};
    db::updateImportProgress(c, job_.id, last.out.recordNumber,
                             static_cast<std::int64_t>(last.bytes), claim);
  }

  void committed(int slot) override {
    for (const Pending& p : slots_[slot]) {
      counts_.add(p.out.verdict);
      observer_.onRecord(p.out);
      observer_.onProgress(p.out.recordNumber, p.bytes);
    }
    slots_[slot].clear();
  }

  bool stopRequested() override { return observer_.stopRequested(); }

 private:
  struct Pending {
    enum State { Done, Register };  // Done: the verdict is decided; Register: analysed
    chem::StructureRecord record;
    db::ImportRecord out;
    std::uint64_t bytes = 0;  // input consumed when the record had been read
    State state = Done;
    std::optional<PreparedRegistration> prepared;
    db::CompoundNames names;
    std::vector<std::string> warnings;
  };

  static std::int64_t lineOf(const Error& e, std::int64_t fallback) {
    auto it = e.details().find("line");
    if (it != e.details().end() && std::holds_alternative<std::int64_t>(it->second)) {
      return std::get<std::int64_t>(it->second);
    }
    return fallback;
  }

  // Who reads the import's report: a member of the importing start-up.
  db::Principal reportReader() const {
    db::Principal reader;
    reader.role = db::Role::Member;
    reader.startUpId = job_.startUpId;
    reader.email = "import report";
    return reader;
  }

  // The report is read by the start-up's members: relations are those a member of the
  // importing start-up may see, whoever ran the import (an administrator, the command line).
  // Computed on the write connection, so records registered earlier in the chunk count.
  std::vector<RelationFlag> flagsFor(db::Connection& c, const db::Compound& compound) {
    try {
      return relationFlags(c, runtime_.chem, reportReader(), compound.identity, compound.id);
    } catch (const Error& e) {
      if (stopsTheImport(e)) throw;
      return {};
    }
  }

  static std::string describe(const db::Registration& r, const std::vector<RelationFlag>& flags,
                              const std::vector<std::string>& warnings) {
    std::string message;
    switch (r.outcome) {
      case db::RegistrationOutcome::NewCompound:
        message = "new parent " + r.compound.code();
        break;
      case db::RegistrationOutcome::NewForm:
        message = "new form " + r.form.code() + " (" + r.form.label + ") of " + r.compound.code();
        break;
      case db::RegistrationOutcome::NewBatch:
        message = "new batch " + r.batch.code() + " of " + r.form.code();
        break;
    }
    for (const auto& f : flags) message += "; " + f.message;
    for (std::size_t i = 0; i < warnings.size() && i < 2; ++i) {
      message += "; warning: " + warnings[i];
    }
    return message;
  }

  static void fillAlreadyImported(db::ImportRecord& out, const db::ImportRecord& prior) {
    out.verdict = db::ImportVerdict::AlreadyImported;
    out.batchId = prior.batchId;
    out.compoundId = prior.compoundId;
    out.formNumber = prior.formNumber;
    out.batchNumber = prior.batchNumber;
    out.message = "already imported";
    if (prior.compoundId && prior.formNumber && prior.batchNumber) {
      out.message += " as " + db::batchCode(*prior.compoundId, *prior.formNumber,
                                            *prior.batchNumber);
    }
    out.recordDigest.clear();  // the digest row that counts is the first one
  }

  static void reject(db::ImportRecord& out, const std::string& message, const std::string& field,
                     std::int64_t line) {
    out.verdict = db::ImportVerdict::Rejected;
    out.message = printable(message, 2000);
    out.field = field;
    out.line = line;
    out.recordDigest.clear();
  }

  Runtime& runtime_;
  const db::Principal& actor_;
  const db::Import& job_;
  const ImportOptions& options_;
  chem::RecordReader& reader_;
  std::function<std::uint64_t()> progressBytes_;
  std::int64_t resumeAfter_;
  ImportObserver& observer_;
  std::string claimant_;
  std::int64_t leaseUs_;
  std::vector<Pending> slots_[2];
  bool exhausted_ = false;
  db::ImportCounts counts_;
};

}  // namespace

const char* batchFieldName(BatchField field) {
  switch (field) {
    case BatchField::Amount: return "amount";
    case BatchField::Unit: return "unit";
    case BatchField::Purity: return "purity";
    case BatchField::PreparedOn: return "prepared_on";
    case BatchField::Researcher: return "researcher";
    case BatchField::NotebookRef: return "notebook_ref";
    case BatchField::Storage: return "storage";
    case BatchField::Notes: return "notes";
    case BatchField::Name: return "name";
    case BatchField::Synonyms: return "synonyms";
    case BatchField::Cas: return "cas";
    case BatchField::Property: return "property";
    case BatchField::Ignore: return "ignore";
  }
  return "property";
}

std::optional<BatchField> parseBatchField(const std::string& name) {
  std::string n = trim(name);
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "notebook") return BatchField::NotebookRef;
  for (auto f : {BatchField::Amount, BatchField::Unit, BatchField::Purity, BatchField::PreparedOn,
                 BatchField::Researcher, BatchField::NotebookRef, BatchField::Storage,
                 BatchField::Notes, BatchField::Name, BatchField::Synonyms, BatchField::Cas,
                 BatchField::Property, BatchField::Ignore}) {
    if (n == batchFieldName(f)) return f;
  }
  return std::nullopt;
}

std::pair<BatchField, std::string> defaultBatchField(const std::string& fieldName) {
  std::string n = squash(fieldName);
  for (const char* prefix : {"amount", "quantity", "qty", "mass"}) {
    std::string p = prefix;
    if (n.rfind(p, 0) != 0) continue;
    if (n == p) return {BatchField::Amount, ""};
    std::string unit = canonicalUnit(n.substr(p.size()));
    if (!unit.empty()) return {BatchField::Amount, unit};
  }
  static const std::map<std::string, BatchField> names = {
      {"unit", BatchField::Unit},
      {"units", BatchField::Unit},
      {"amountunit", BatchField::Unit},
      {"purity", BatchField::Purity},
      {"puritypercent", BatchField::Purity},
      {"puritypct", BatchField::Purity},
      {"preparedon", BatchField::PreparedOn},
      {"prepared", BatchField::PreparedOn},
      {"date", BatchField::PreparedOn},
      {"preparationdate", BatchField::PreparedOn},
      {"synthesisdate", BatchField::PreparedOn},
      {"researcher", BatchField::Researcher},
      {"chemist", BatchField::Researcher},
      {"scientist", BatchField::Researcher},
      {"operator", BatchField::Researcher},
      {"notebook", BatchField::NotebookRef},
      {"notebookref", BatchField::NotebookRef},
      {"notebookreference", BatchField::NotebookRef},
      {"labnotebook", BatchField::NotebookRef},
      {"eln", BatchField::NotebookRef},
      {"elnref", BatchField::NotebookRef},
      {"nbref", BatchField::NotebookRef},
      {"storage", BatchField::Storage},
      {"location", BatchField::Storage},
      {"storagelocation", BatchField::Storage},
      {"notes", BatchField::Notes},
      {"note", BatchField::Notes},
      {"comment", BatchField::Notes},
      {"comments", BatchField::Notes},
      {"remarks", BatchField::Notes},
      {"name", BatchField::Name},
      {"compoundname", BatchField::Name},
      {"chemicalname", BatchField::Name},
      {"commonname", BatchField::Name},
      {"preferredname", BatchField::Name},
      {"iupacname", BatchField::Name},
      {"pubchemiupacname", BatchField::Name},
      {"synonyms", BatchField::Synonyms},
      {"synonym", BatchField::Synonyms},
      {"othernames", BatchField::Synonyms},
      {"aliases", BatchField::Synonyms},
      {"cas", BatchField::Cas},
      {"casrn", BatchField::Cas},
      {"casnumber", BatchField::Cas},
      {"casno", BatchField::Cas},
      {"casregistrynumber", BatchField::Cas},
  };
  auto it = names.find(n);
  if (it != names.end()) return {it->second, ""};
  return {BatchField::Property, ""};
}

namespace {

// Where a file field goes: the explicit mapping, else the default one, else a property.
BatchField targetOf(const chem::RecordField& f, const ImportOptions& options,
                    std::string& suffixUnit) {
  for (const auto& [name, where] : options.fieldMap) {
    bool same = name.size() == f.name.size() &&
                std::equal(name.begin(), name.end(), f.name.begin(), [](char a, char b) {
                  return std::tolower(static_cast<unsigned char>(a)) ==
                         std::tolower(static_cast<unsigned char>(b));
                });
    if (same) return where;
  }
  if (options.defaultMapping) {
    auto guess = defaultBatchField(f.name);
    suffixUnit = guess.second;
    return guess.first;
  }
  return BatchField::Property;
}

bool isNameField(BatchField f) {
  return f == BatchField::Name || f == BatchField::Synonyms || f == BatchField::Cas;
}

}  // namespace

db::CompoundNames namesFromFields(const std::vector<chem::RecordField>& fields,
                                  const ImportOptions& options) {
  db::CompoundNames names;
  for (const auto& f : fields) {
    std::string unused;
    BatchField target = targetOf(f, options, unused);
    if (!isNameField(target) || trim(f.value).empty()) continue;
    const std::string value = cleanText(f, batchFieldName(target));
    switch (target) {
      case BatchField::Name:
        if (names.name.empty()) {
          names.name = value;
        } else {
          names.synonyms.push_back(value);
        }
        break;
      case BatchField::Synonyms: {
        std::string part;
        for (char ch : value + ";") {
          if (ch == ';' || ch == '|' || ch == '\n') {
            if (!trim(part).empty()) names.synonyms.push_back(trim(part));
            part.clear();
          } else {
            part.push_back(ch);
          }
        }
        break;
      }
      case BatchField::Cas:
        if (!db::isValidCas(value)) {
          throw fieldError(f, "cas", "'" + value + "' is not a CAS Registry Number with a correct check digit");
        }
        names.cas = value;
        break;
      default:
        break;
    }
  }
  return names;
}

db::BatchInput batchFromFields(const std::vector<chem::RecordField>& fields,
                               const ImportOptions& options) {
  db::BatchInput batch;
  Poco::JSON::Object properties(Poco::JSON_PRESERVE_KEY_ORDER);
  std::size_t propertyCount = 0;
  std::optional<std::string> impliedUnit;
  std::map<BatchField, std::string> setBy;  // batch field -> file field that set it

  for (const auto& f : fields) {
    std::string suffixUnit;
    BatchField target = targetOf(f, options, suffixUnit);
    if (target == BatchField::Ignore) continue;
    if (trim(f.value).empty()) continue;
    if (isNameField(target)) {
      cleanText(f, batchFieldName(target));  // readable text, or the field's error
      continue;  // the parent's names: namesFromFields
    }
    if (target != BatchField::Property && setBy.count(target)) {
      target = BatchField::Property;  // a second field for the same batch field: keep it
    }
    const std::string name = batchFieldName(target);
    switch (target) {
      case BatchField::Amount: {
        std::string rest;
        auto value = leadingNumber(cleanText(f, name), rest);
        if (!value) throw fieldError(f, name, "'" + trim(f.value) + "' is not an amount");
        batch.amount = *value;
        if (!rest.empty()) {
          std::string unit = canonicalUnit(rest);
          if (unit.empty()) {
            throw fieldError(f, "unit",
                             "unknown unit '" + rest +
                                 "'; use mg, g, kg, t, uL, mL, L, m3, umol, mmol or mol");
          }
          impliedUnit = unit;
        } else if (!suffixUnit.empty()) {
          impliedUnit = suffixUnit;
        }
        break;
      }
      case BatchField::Unit: {
        std::string unit = canonicalUnit(cleanText(f, name));
        if (unit.empty()) {
          throw fieldError(f, name,
                           "unknown unit '" + trim(f.value) +
                               "'; use mg, g, kg, t, uL, mL, L, m3, umol, mmol or mol");
        }
        batch.amountUnit = unit;
        break;
      }
      case BatchField::Purity: {
        std::string rest;
        auto value = leadingNumber(cleanText(f, name), rest);
        if (!value || !(rest.empty() || rest == "%")) {
          throw fieldError(f, name, "'" + trim(f.value) + "' is not a percentage");
        }
        batch.purity = *value;
        break;
      }
      case BatchField::PreparedOn: {
        std::string text = cleanText(f, name);
        // ISO dates, also the date part of an ISO date-time ("2026-03-01T10:00:00Z").
        if (text.size() > 10 && (text[10] == 'T' || text[10] == ' ')) text = text.substr(0, 10);
        batch.preparedOn = text;
        break;
      }
      case BatchField::Researcher: batch.researcher = cleanText(f, name); break;
      case BatchField::NotebookRef: batch.notebookRef = cleanText(f, name); break;
      case BatchField::Storage: batch.storage = cleanText(f, name); break;
      case BatchField::Notes: batch.notes = cleanText(f, name); break;
      case BatchField::Property: {
        std::string value = cleanText(f, "properties");
        if (f.name.empty() || f.name.size() > 100 || !isCleanUtf8(f.name)) {
          throw fieldError(f, "properties",
                           "a property name must be 1 to 100 characters of UTF-8 text");
        }
        if (++propertyCount > 200) {
          throw fieldError(f, "properties", "more than 200 data fields to keep as properties");
        }
        std::string key = f.name;
        for (int k = 2; properties.has(key); ++k) key = f.name + " (" + std::to_string(k) + ")";
        properties.set(key, value);
        break;
      }
      case BatchField::Name:
      case BatchField::Synonyms:
      case BatchField::Cas:
      case BatchField::Ignore:
        break;
    }
    if (target != BatchField::Property) setBy[target] = f.name;
  }
  if (batch.amount && !batch.amountUnit && impliedUnit) batch.amountUnit = impliedUnit;
  if (batch.amount && batch.amountUnit && impliedUnit && *batch.amountUnit != *impliedUnit) {
    throw invalidArgument("the amount is given in " + *impliedUnit + " but the unit field says " +
                              *batch.amountUnit,
                          {{"field", "batch.unit"}});
  }
  if (propertyCount > 0) {
    std::ostringstream out;
    properties.stringify(out);
    batch.propertiesJson = out.str();
  }
  return batch;
}

std::string ImportOptions::toJson() const {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("format", chem::recordFileFormatName(format));
  Poco::JSON::Object::Ptr fields = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [name, where] : fieldMap) fields->set(name, batchFieldName(where));
  o.set("fields", fields);
  o.set("default_mapping", defaultMapping);
  if (!reader.structureColumn.empty()) o.set("structure_column", reader.structureColumn);
  if (reader.delimiter) o.set("delimiter", std::string(1, reader.delimiter));
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

ImportOptions ImportOptions::fromJson(const std::string& json) {
  JsonFields o(parseJsonObject(json), "options");
  o.allowOnly({"format", "fields", "default_mapping", "structure_column", "delimiter"});
  ImportOptions options;
  if (auto format = o.optString("format", 20)) {
    auto parsed = chem::parseRecordFileFormat(*format);
    if (!parsed) {
      throw invalidArgument("format must be sdf, smiles or csv", {{"field", "options.format"}});
    }
    options.format = *parsed;
  }
  if (auto fields = o.optObject("fields")) {
    if (fields->object()->size() > 500) {
      throw invalidArgument("options.fields maps more than 500 fields",
                            {{"field", "options.fields"}});
    }
    for (const auto& [name, value] : *fields->object()) {
      std::string where = fields->reqString(name, 50);
      auto target = parseBatchField(where);
      if (!target) {
        throw invalidArgument("options.fields." + name + ": '" + where +
                                  "' is not a batch field (amount, unit, purity, prepared_on, "
                                  "researcher, notebook_ref, storage, notes, name, synonyms, "
                                  "cas, property, ignore)",
                              {{"field", "options.fields." + name}});
      }
      options.fieldMap[name] = *target;
    }
  }
  options.defaultMapping = o.optBool("default_mapping").value_or(true);
  options.reader.structureColumn = o.optString("structure_column", 200).value_or("");
  if (auto d = o.optString("delimiter", 4)) {
    std::string delimiter = *d == "\\t" || *d == "tab" ? "\t" : *d;
    if (delimiter.size() != 1) {
      throw invalidArgument("options.delimiter must be one character (or \"tab\")",
                            {{"field", "options.delimiter"}});
    }
    options.reader.delimiter = delimiter[0];
  }
  return options;
}

namespace {

std::string hostName() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return "localhost";
  std::string name(host);
  for (char& c : name) {
    if (c == ':') c = '_';
  }
  return name;
}

std::vector<std::string> claimantParts(const std::string& claimant) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto colon = claimant.find(':', start);
    parts.push_back(claimant.substr(start, colon == std::string::npos ? std::string::npos
                                                                       : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return parts;
}

}  // namespace

std::string importClaimant(const std::string& role) {
  // role:host:pid:start:nonce (the nonce tells two runners of one process apart).
  return role + ":" + hostName() + ":" + std::to_string(::getpid()) + ":" +
         processStartTime(::getpid()) + ":" + randomHex(4);
}

bool claimantGone(const std::string& claimant) {
  std::vector<std::string> parts = claimantParts(claimant);
  if (parts.size() != 5) return false;
  if (parts[1] != hostName()) return false;  // another machine: only its lease tells
  pid_t pid = 0;
  try {
    pid = static_cast<pid_t>(std::stol(parts[2]));
  } catch (...) {
    return false;
  }
  std::string now = processStartTime(pid);
  return now.empty() || now != parts[3];
}

std::string describeClaimant(const std::string& claimant) {
  std::vector<std::string> parts = claimantParts(claimant);
  if (parts.size() != 5) return claimant;
  return "argan " + parts[0] + " (pid " + parts[2] + " on " + parts[1] + ")";
}

ImportRun runImport(Runtime& runtime, const db::Principal& actor, const db::Import& job,
                    chem::RecordReader& reader, const ImportOptions& options,
                    ImportObserver& observer, std::function<std::uint64_t()> progressBytes,
                    const ImportPace& pace) {
  authorizeRegistration(actor, job.startUpId);
  if (!progressBytes) progressBytes = [&reader] { return reader.bytesRead(); };
  const std::string claimant = pace.claimant.empty() ? importClaimant("import") : pace.claimant;
  const std::int64_t leaseUs =
      std::chrono::duration_cast<std::chrono::microseconds>(pace.lease).count();
  std::int64_t resumeAfter = runtime.db.read(
      [&](db::Connection& c) { return db::lastRecordNumber(c, job.id); });
  runtime.db.write([&](db::Connection& c) {
    db::Principal admin = db::Principal::system("imports");
    auto now = db::findImport(c, admin, job.id);
    if (!now || (now->status != "queued" && now->status != "running")) {
      throw failedPrecondition("import " + std::to_string(job.id) + " has ended");
    }
    bool takeOver = now->claimedBy && claimantGone(*now->claimedBy);
    std::string lease = isoFromMicros(runtime.clock.nowMicros() + leaseUs);
    if (!db::claimImport(c, runtime.clock, job.id, claimant, lease, takeOver)) {
      throw failedPrecondition(
          "import " + std::to_string(job.id) + " is being run by " +
              describeClaimant(now->claimedBy.value_or("another process")),
          {{"reason", "claimed"}, {"claimed_by", now->claimedBy.value_or("")}});
    }
  });
  auto release = [&] {
    runtime.db.tryWrite(
        [&](db::Connection& c) { db::releaseImport(c, job.id, claimant); },
        std::chrono::milliseconds(2000));
  };
  ImportRun run;
  if (observer.stopRequested()) {
    release();
    run.stopped = true;
    return run;
  }
  ImportJob importJob(runtime, actor, job, options, reader, progressBytes, resumeAfter,
                      observer, claimant, leaseUs);
  const unsigned threads =
      pace.threads > 0 ? pace.threads
                       : static_cast<unsigned>(std::max(1, runtime.config.chemWorkers));
  try {
    // Tells the search index after every chunk, also when it fails.
    ChunkedWriteStats stats = runChunkedWrites(runtime, importJob, pace.chunkSize, threads);
    run.counts = importJob.counts();
    run.stopped = stats.stopped;
    run.stats = stats;
    if (run.stopped) {
      release();
      return run;
    }
    runtime.db.write([&](db::Connection& c) {
      db::finishImport(c, runtime.clock, actor, job.id, std::nullopt);
    });
  } catch (const Error& e) {
    bool passing = e.code() == ErrorCode::Unavailable;
    auto reason = e.details().find("reason");
    bool lostClaim = reason != e.details().end() &&
                     reason->second == DetailValue(std::string("claim_lost"));
    if (passing) {
      release();  // resumable after the last committed chunk
    } else if (!lostClaim) {
      try {
        runtime.db.write([&](db::Connection& c) {
          db::finishImport(c, runtime.clock, actor, job.id, std::string(e.what()));
        });
      } catch (...) {
        // The database is what failed; the import stays 'running' and resumes later.
      }
    }
    throw;
  }
  return run;
}

struct ImportFile::Impl {
  std::ifstream file;
  std::unique_ptr<Poco::InflatingInputStream> inflater;
};

ImportFile::ImportFile(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->file.open(path, std::ios::binary);
  if (!impl_->file) throw unavailable("cannot open the import file '" + path + "'");
  impl_->file.seekg(0, std::ios::end);
  size_ = static_cast<std::uint64_t>(impl_->file.tellg());
  impl_->file.seekg(0);
  unsigned char magic[2] = {0, 0};
  impl_->file.read(reinterpret_cast<char*>(magic), 2);
  impl_->file.clear();
  impl_->file.seekg(0);
  compressed_ = magic[0] == 0x1F && magic[1] == 0x8B;
  if (compressed_) {
    impl_->inflater = std::make_unique<Poco::InflatingInputStream>(
        impl_->file, Poco::InflatingStreamBuf::STREAM_GZIP);
  }
}

ImportFile::~ImportFile() = default;

std::istream& ImportFile::stream() {
  if (impl_->inflater) return *impl_->inflater;
  return impl_->file;
}

std::uint64_t ImportFile::position() {
  auto at = impl_->file.tellg();
  return at < 0 ? size_ : static_cast<std::uint64_t>(at);
}

chem::RecordFileFormat detectFileFormat(const std::string& path) {
  ImportFile file(path);
  std::string head(64 * 1024, '\0');
  try {
    file.stream().read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(file.stream().gcount()));
  } catch (const std::exception&) {
    head.clear();  // a damaged gzip stream: the import will report it
  }
  return chem::detectRecordFileFormat(head);
}

std::pair<std::string, std::uint64_t> fileFingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw unavailable("cannot open '" + path + "'");
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  std::vector<char> buffer(1 << 16);
  std::uint64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = in.gcount();
    if (got <= 0) break;
    engine.update(buffer.data(), static_cast<unsigned>(got));
    total += static_cast<std::uint64_t>(got);
  }
  return {Poco::DigestEngine::digestToHex(engine.digest()), total};
}

}  // namespace argan::server
