#include "db/substance_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/row_snapshot.h"
#include "db/start_up_store.h"

namespace argan::db {
namespace {

constexpr const char* kSubstanceColumns =
    "s.id, s.start_up_id, s.visibility, s.kind, s.name, s.synonyms, s.cas_number,"
    " s.description, s.source_species, s.source_part, s.source_waste_stream, s.source_process,"
    " s.repeat_unit, s.repeat_unit_smiles, s.repeat_unit_formula, s.repeat_unit_mass, s.mn,"
    " s.mw, s.composition_key, s.created_at, s.created_by, s.updated_at, s.retired_at,"
    " s.retired_reason";

constexpr const char* kBatchColumns =
    "b.id, b.substance_id, b.batch_number, b.start_up_id, b.visibility, b.substance_visibility,"
    " b.amount, b.amount_unit, b.prepared_on, b.researcher, b.notebook_ref, b.storage, b.notes,"
    " b.certificate_number, b.analysed_on, b.laboratory, b.created_at, b.created_by,"
    " b.updated_at, b.retired_at, b.retired_reason";

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string lowered(const std::string& s) {
  std::string out;
  for (char ch : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Error fieldError(const std::string& message, const std::string& field) {
  return invalidArgument(message, {{"field", field}});
}

void checkText(const std::string& value, std::size_t max, const std::string& field) {
  if (value.size() > max) {
    throw fieldError(field + " is longer than " + std::to_string(max) + " characters", field);
  }
}

bool finite(double v) { return std::isfinite(v); }

void checkPercent(const std::optional<double>& v, const std::string& field) {
  if (!v) return;
  if (!finite(*v) || *v < 0 || *v > 100) {
    throw fieldError(field + " is a percentage between 0 and 100, not " + number(*v), field);
  }
}

std::string jsonText(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out);
  return out.str();
}

std::string stringsToJson(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const auto& item : items) array->add(item);
  return jsonText(array);
}

std::vector<std::string> stringsFromJson(const std::string& text) {
  std::vector<std::string> out;
  try {
    Poco::JSON::Parser parser;
    auto array = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) out.push_back(array->getElement<std::string>(i));
  } catch (...) {
    // A hand-edited row: show nothing rather than fail the read.
  }
  return out;
}

// The CAS check digit (CAS Registry Number: up to 7 digits, 2 digits, 1 check digit).
bool isCasNumber(const std::string& cas) {
  auto first = cas.find('-');
  auto second = cas.rfind('-');
  if (first == std::string::npos || second == first) return false;
  std::string a = cas.substr(0, first);
  std::string b = cas.substr(first + 1, second - first - 1);
  std::string c = cas.substr(second + 1);
  if (a.size() < 2 || a.size() > 7 || b.size() != 2 || c.size() != 1) return false;
  std::string digits = a + b;
  auto isDigit = [](char ch) { return ch >= '0' && ch <= '9'; };
  if (!std::all_of(digits.begin(), digits.end(), isDigit) || !isDigit(c[0])) return false;
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    sum += static_cast<int>(digits.size() - i) * (digits[i] - '0');
  }
  return sum % 10 == c[0] - '0';
}

bool isUnit(const std::string& unit) {
  static const char* units[] = {"mg", "g", "kg", "t", "uL", "mL", "L", "m3", "umol", "mmol", "mol"};
  return std::any_of(std::begin(units), std::end(units), [&](const char* u) { return unit == u; });
}

Substance readSubstance(Statement& st) {
  Substance s;
  int i = 0;
  s.id = st.getInt(i++);
  s.startUpId = st.getInt(i++);
  s.visibility = st.getText(i++);
  s.spec.kind = st.getText(i++);
  s.spec.name = st.getText(i++);
  s.spec.synonyms = stringsFromJson(st.getText(i++));
  s.spec.casNumber = st.getText(i++);
  s.spec.description = st.getText(i++);
  s.spec.source.species = st.getText(i++);
  s.spec.source.part = st.getText(i++);
  s.spec.source.wasteStream = st.getText(i++);
  s.spec.source.process = st.getText(i++);
  s.spec.repeatUnit.text = st.getText(i++);
  s.spec.repeatUnit.canonicalSmiles = st.getText(i++);
  s.spec.repeatUnit.formula = st.getText(i++);
  s.spec.repeatUnit.mass = st.getOptionalDouble(i++);
  s.spec.mn = st.getOptionalDouble(i++);
  s.spec.mw = st.getOptionalDouble(i++);
  s.compositionKey = st.getText(i++);
  s.createdAt = st.getText(i++);
  s.createdBy = st.getOptionalInt(i++);
  s.updatedAt = st.getText(i++);
  s.retiredAt = st.getOptionalText(i++);
  s.retiredReason = st.getOptionalText(i++);
  return s;
}

void loadParts(Connection& c, Substance& s) {
  {
    Statement st(c,
                 "SELECT compound_id, name, role, typical, min_value, max_value, unit, method"
                 " FROM substance_constituents WHERE substance_id = ? ORDER BY position");
    st.bind(1, s.id);
    while (st.step()) {
      Constituent k;
      k.compoundId = st.getOptionalInt(0);
      k.name = st.getText(1);
      k.role = st.getText(2);
      k.typical = st.getDouble(3);
      k.min = st.getOptionalDouble(4);
      k.max = st.getOptionalDouble(5);
      k.unit = st.getText(6);
      k.method = st.getText(7);
      s.spec.constituents.push_back(std::move(k));
    }
  }
  {
    Statement st(c,
                 "SELECT property_key, typical, min_value, max_value, method"
                 " FROM substance_properties WHERE substance_id = ? ORDER BY position");
    st.bind(1, s.id);
    while (st.step()) {
      PropertyValue p;
      p.key = st.getText(0);
      p.typical = st.getOptionalDouble(1);
      p.min = st.getOptionalDouble(2);
      p.max = st.getOptionalDouble(3);
      p.method = st.getText(4);
      s.spec.properties.push_back(std::move(p));
    }
  }
  {
    Statement st(c,
                 "SELECT compound_id, ratio FROM substance_monomers WHERE substance_id = ?"
                 " ORDER BY position");
    st.bind(1, s.id);
    while (st.step()) s.spec.monomers.push_back({st.getInt(0), st.getDouble(1)});
  }
}

PropertyTerm readTerm(Statement& st) {
  PropertyTerm t;
  t.key = st.getText(0);
  t.name = st.getText(1);
  t.unit = st.getText(2);
  t.min = st.getOptionalDouble(3);
  t.max = st.getOptionalDouble(4);
  t.description = st.getText(5);
  t.createdAt = st.getText(6);
  return t;
}

constexpr const char* kTermColumns =
    "key, name, unit, min_value, max_value, description, created_at";

std::optional<std::int64_t> userOf(const Principal& p) {
  if (p.userId) return p.userId;
  return std::nullopt;
}

Principal teamOf(std::int64_t startUpId) {
  Principal team;
  team.role = Role::Member;
  team.startUpId = startUpId;
  return team;
}

// A registered parent the actor and the owning start-up's team may see; live unless it is
// already part of the specification (`known`).
void checkCompound(Connection& c, const Principal& actor, std::int64_t startUpId,
                   std::int64_t compoundId, const std::string& field,
                   const std::set<std::int64_t>& known) {
  auto compound = findCompound(c, actor, compoundId);
  if (!compound || !canSee(teamOf(startUpId), compound->startUpId, compound->visibility)) {
    throw fieldError("no compound " + compoundCode(compoundId) +
                         " that you and the substance's start-up can see",
                     field);
  }
  if (compound->retiredAt && !known.count(compoundId)) {
    throw failedPrecondition(compoundCode(compoundId) + " is retired (" +
                                 compound->retiredReason.value_or("") +
                                 "); a substance cannot name it",
                             {{"field", field}});
  }
}

void checkCompounds(Connection& c, const Principal& actor, std::int64_t startUpId,
                    const SubstanceSpec& spec, const Substance* current) {
  std::set<std::int64_t> known;
  if (current) {
    for (const auto& k : current->spec.constituents) {
      if (k.compoundId) known.insert(*k.compoundId);
    }
    for (const auto& m : current->spec.monomers) known.insert(m.compoundId);
  }
  for (std::size_t i = 0; i < spec.constituents.size(); ++i) {
    if (spec.constituents[i].compoundId) {
      checkCompound(c, actor, startUpId, *spec.constituents[i].compoundId,
                    "constituents[" + std::to_string(i) + "].compound_id", known);
    }
  }
  for (std::size_t i = 0; i < spec.monomers.size(); ++i) {
    checkCompound(c, actor, startUpId, spec.monomers[i].compoundId,
                  "monomers[" + std::to_string(i) + "].compound_id", known);
  }
}

void checkPropertyValue(const PropertyTerm& term, const std::optional<double>& v,
                        const std::string& field) {
  if (!v) return;
  if (!finite(*v)) throw fieldError(field + " must be a number", field);
  if ((term.min && *v < *term.min) || (term.max && *v > *term.max)) {
    std::string range = (term.min ? number(*term.min) : "-inf") + " to " +
                        (term.max ? number(*term.max) : "inf");
    throw fieldError(field + " = " + number(*v) + " " + term.unit + " is outside what " +
                         term.name + " can be (" + range + " " + term.unit + ")",
                     field);
  }
}

void checkProperties(Connection& c, const SubstanceSpec& spec) {
  for (std::size_t i = 0; i < spec.properties.size(); ++i) {
    const auto& p = spec.properties[i];
    std::string field = "properties[" + std::to_string(i) + "]";
    auto term = findPropertyTerm(c, p.key);
    if (!term) {
      throw fieldError(field + ".key: no property '" + p.key +
                           "' in the vocabulary (GET /api/substance-properties lists them; "
                           "leads may add one)",
                       field + ".key");
    }
    checkPropertyValue(*term, p.typical, field + ".typical");
    checkPropertyValue(*term, p.min, field + ".min");
    checkPropertyValue(*term, p.max, field + ".max");
  }
}

void insertParts(Connection& c, std::int64_t id, const SubstanceSpec& spec) {
  std::int64_t position = 1;
  for (const auto& k : spec.constituents) {
    Statement st(c,
                 "INSERT INTO substance_constituents(substance_id, position, compound_id, name,"
                 " role, typical, min_value, max_value, unit, method) VALUES (?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, id)
        .bind(2, position++)
        .bind(3, k.compoundId)
        .bind(4, trimmed(k.name))
        .bind(5, k.role)
        .bind(6, k.typical)
        .bind(7, k.min)
        .bind(8, k.max)
        .bind(9, k.unit)
        .bind(10, trimmed(k.method))
        .run();
  }
  position = 1;
  for (const auto& p : spec.properties) {
    Statement st(c,
                 "INSERT INTO substance_properties(substance_id, position, property_key, typical,"
                 " min_value, max_value, method) VALUES (?,?,?,?,?,?,?)");
    st.bind(1, id)
        .bind(2, position++)
        .bind(3, p.key)
        .bind(4, p.typical)
        .bind(5, p.min)
        .bind(6, p.max)
        .bind(7, trimmed(p.method))
        .run();
  }
  position = 1;
  for (const auto& m : spec.monomers) {
    Statement st(c,
                 "INSERT INTO substance_monomers(substance_id, position, compound_id, ratio)"
                 " VALUES (?,?,?,?)");
    st.bind(1, id).bind(2, position++).bind(3, m.compoundId).bind(4, m.ratio).run();
  }
}

void deleteParts(Connection& c, std::int64_t id) {
  for (const char* table : {"substance_constituents", "substance_properties", "substance_monomers"}) {
    Statement st(c, std::string("DELETE FROM ") + table + " WHERE substance_id = ?");
    st.bind(1, id).run();
  }
}

std::vector<std::string> cleanSynonyms(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& raw : items) {
    std::string item = trimmed(raw);
    if (!item.empty() && seen.insert(lowered(item)).second) out.push_back(item);
  }
  return out;
}

void bindSpecColumns(Statement& st, int first, const SubstanceSpec& spec,
                     const std::string& compositionKey) {
  int i = first;
  st.bind(i++, trimmed(spec.name));
  st.bind(i++, stringsToJson(cleanSynonyms(spec.synonyms)));
  st.bind(i++, trimmed(spec.casNumber));
  st.bind(i++, spec.description);
  st.bind(i++, trimmed(spec.source.species));
  st.bind(i++, trimmed(spec.source.part));
  st.bind(i++, trimmed(spec.source.wasteStream));
  st.bind(i++, trimmed(spec.source.process));
  st.bind(i++, trimmed(spec.repeatUnit.text));
  st.bind(i++, spec.repeatUnit.canonicalSmiles);
  st.bind(i++, spec.repeatUnit.formula);
  st.bind(i++, spec.repeatUnit.mass);
  st.bind(i++, spec.mn);
  st.bind(i++, spec.mw);
  st.bind(i++, compositionKey);
}

Substance loadAny(Connection& c, std::int64_t id) {
  auto s = findSubstance(c, Principal::system("substance store"), id);
  if (!s) throw internalError("substance " + substanceCode(id) + " vanished");
  return *s;
}

// The WHERE clause (after "WHERE <visible>") and its binder for a filter.
struct FilterSql {
  std::string where;
  std::function<int(Statement&)> bind;
};

std::string likePattern(const std::string& text) {
  std::string pattern;
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
    pattern.push_back(ch);
  }
  return "%" + pattern + "%";
}

FilterSql filterSql(const SubstanceFilter& f) {
  FilterSql out;
  if (!f.includeRetired) out.where += " AND s.retired_at IS NULL";
  if (f.startUpId) out.where += " AND s.start_up_id = ?";
  if (f.kind) out.where += " AND s.kind = ?";
  if (f.visibility) out.where += " AND s.visibility = ?";
  if (f.text) {
    out.where +=
        " AND (s.name LIKE ? ESCAPE '\\' OR s.synonyms LIKE ? ESCAPE '\\'"
        " OR s.cas_number LIKE ? ESCAPE '\\' OR s.description LIKE ? ESCAPE '\\')";
  }
  if (f.source) {
    out.where +=
        " AND (s.source_species LIKE ? ESCAPE '\\' OR s.source_part LIKE ? ESCAPE '\\'"
        " OR s.source_waste_stream LIKE ? ESCAPE '\\' OR s.source_process LIKE ? ESCAPE '\\')";
  }
  if (f.compoundId) {
    out.where +=
        " AND (EXISTS (SELECT 1 FROM substance_constituents k WHERE k.substance_id = s.id"
        " AND k.compound_id = ?) OR EXISTS (SELECT 1 FROM substance_monomers m"
        " WHERE m.substance_id = s.id AND m.compound_id = ?))";
  }
  if (f.propertyKey) {
    out.where +=
        " AND EXISTS (SELECT 1 FROM substance_properties p WHERE p.substance_id = s.id"
        " AND p.property_key = ?";
    if (f.propertyMin) out.where += " AND COALESCE(p.typical, p.max_value, p.min_value) >= ?";
    if (f.propertyMax) out.where += " AND COALESCE(p.typical, p.min_value, p.max_value) <= ?";
    out.where += ")";
  }
  out.bind = [f](Statement& st) {
    int i = 1;
    if (f.startUpId) st.bind(i++, *f.startUpId);
    if (f.kind) st.bind(i++, *f.kind);
    if (f.visibility) st.bind(i++, *f.visibility);
    if (f.text) {
      for (int k = 0; k < 4; ++k) st.bind(i++, likePattern(*f.text));
    }
    if (f.source) {
      for (int k = 0; k < 4; ++k) st.bind(i++, likePattern(*f.source));
    }
    if (f.compoundId) {
      st.bind(i++, *f.compoundId);
      st.bind(i++, *f.compoundId);
    }
    if (f.propertyKey) {
      st.bind(i++, *f.propertyKey);
      if (f.propertyMin) st.bind(i++, *f.propertyMin);
      if (f.propertyMax) st.bind(i++, *f.propertyMax);
    }
    return i;
  };
  return out;
}

void checkFilter(Connection& c, const Principal& viewer, const SubstanceFilter& f) {
  if (f.kind && !isSubstanceKind(*f.kind)) {
    throw fieldError(std::string("kind must be one of ") + substanceKindList(), "kind");
  }
  if (f.visibility && !parseVisibility(*f.visibility)) {
    throw fieldError("visibility must be start-up, cluster or public", "visibility");
  }
  if ((f.propertyMin || f.propertyMax) && !f.propertyKey) {
    throw fieldError("a property range needs the property (property=acid_value)", "property");
  }
  if (f.propertyMin && f.propertyMax && *f.propertyMin > *f.propertyMax) {
    throw fieldError("property_min is above property_max: the range is empty", "property_min");
  }
  if (f.propertyKey && !findPropertyTerm(c, *f.propertyKey)) {
    throw fieldError("no property '" + *f.propertyKey + "' in the vocabulary", "property");
  }
  (void)viewer;
}

BatchResult readResult(Statement& st) {
  BatchResult r;
  r.compoundId = st.getOptionalInt(0);
  r.name = st.getText(1);
  r.propertyKey = st.getOptionalText(2).value_or("");
  r.value = st.getDouble(3);
  r.unit = st.getText(4);
  r.method = st.getText(5);
  return r;
}

SubstanceBatch readBatch(Connection& c, Statement& st) {
  SubstanceBatch b;
  int i = 0;
  b.id = st.getInt(i++);
  b.substanceId = st.getInt(i++);
  b.batchNumber = st.getInt(i++);
  b.startUpId = st.getInt(i++);
  b.visibility = st.getText(i++);
  b.substanceVisibility = st.getText(i++);
  b.amount = st.getOptionalDouble(i++);
  b.amountUnit = st.getOptionalText(i++);
  b.preparedOn = st.getOptionalText(i++);
  b.researcher = st.getText(i++);
  b.notebookRef = st.getText(i++);
  b.storage = st.getText(i++);
  b.notes = st.getText(i++);
  b.certificateNumber = st.getText(i++);
  b.analysedOn = st.getOptionalText(i++);
  b.laboratory = st.getText(i++);
  b.createdAt = st.getText(i++);
  b.createdBy = st.getOptionalInt(i++);
  b.updatedAt = st.getText(i++);
  b.retiredAt = st.getOptionalText(i++);
  b.retiredReason = st.getOptionalText(i++);
  Statement results(c,
                    "SELECT compound_id, name, property_key, value, unit, method"
                    " FROM substance_batch_results WHERE batch_id = ? ORDER BY position");
  results.bind(1, b.id);
  while (results.step()) b.results.push_back(readResult(results));
  return b;
}

std::string batchVisibleSql(const Principal& viewer) {
  return visibleSql(viewer, "b") + " AND " +
         visibleSqlColumns(viewer, "b.start_up_id", "b.substance_visibility");
}

void insertResults(Connection& c, std::int64_t batchId, const std::vector<BatchResult>& results) {
  std::int64_t position = 1;
  for (const auto& r : results) {
    Statement st(c,
                 "INSERT INTO substance_batch_results(batch_id, position, compound_id, name,"
                 " property_key, value, unit, method) VALUES (?,?,?,?,?,?,?,?)");
    st.bind(1, batchId)
        .bind(2, position++)
        .bind(3, r.compoundId)
        .bind(4, trimmed(r.name))
        .bind(5, r.propertyKey.empty() ? std::optional<std::string>() : r.propertyKey)
        .bind(6, r.value)
        .bind(7, r.unit)
        .bind(8, trimmed(r.method))
        .run();
  }
}

// Units of property results default to the term's; compounds must be visible to the team.
std::vector<BatchResult> checkedResults(Connection& c, const Principal& actor,
                                        const Substance& substance,
                                        std::vector<BatchResult> results) {
  std::set<std::int64_t> known;
  for (const auto& k : substance.spec.constituents) {
    if (k.compoundId) known.insert(*k.compoundId);
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    std::string field = "batch.results[" + std::to_string(i) + "]";
    if (!r.propertyKey.empty()) {
      auto term = findPropertyTerm(c, r.propertyKey);
      if (!term) {
        throw fieldError(field + ".property: no property '" + r.propertyKey +
                             "' in the vocabulary",
                         field + ".property");
      }
      if (r.unit.empty()) r.unit = term->unit;
      if (r.unit != term->unit) {
        throw fieldError(field + ".unit: " + term->name + " is recorded in " + term->unit +
                             ", not " + r.unit,
                         field + ".unit");
      }
      checkPropertyValue(*term, r.value, field + ".value");
    } else if (r.compoundId) {
      checkCompound(c, actor, substance.startUpId, *r.compoundId, field + ".compound_id", known);
    }
  }
  return results;
}

}  // namespace

std::string substanceCode(std::int64_t id) { return prefixedCode("SUB", id); }

std::string substanceBatchCode(std::int64_t substanceId, std::int64_t batchNumber) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-B%03lld", static_cast<long long>(batchNumber));
  return substanceCode(substanceId) + buf;
}

std::string Substance::code() const { return substanceCode(id); }
std::string SubstanceBatch::code() const { return substanceBatchCode(substanceId, batchNumber); }

std::optional<SubstanceCodeParts> parseSubstanceCode(const std::string& text) {
  std::string upper;
  for (char ch : text) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  SubstanceCodeParts parts;
  std::string head = upper;
  auto batch = upper.find("-B");
  if (batch != std::string::npos && upper.rfind("SUB-", 0) == 0) {
    head = upper.substr(0, batch);
    std::string digits = upper.substr(batch + 2);
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return std::nullopt;
    }
    std::int64_t n = std::stoll(digits);
    if (n < 1) return std::nullopt;
    parts.batchNumber = n;
  }
  auto id = parsePrefixedCode("SUB", head);
  if (!id) return std::nullopt;
  parts.substanceId = *id;
  return parts;
}

bool isSubstanceKind(const std::string& kind) {
  return kind == "mono_constituent" || kind == "multi_constituent" || kind == "uvcb" ||
         kind == "polymer" || kind == "material";
}

const char* substanceKindList() {
  return "mono_constituent, multi_constituent, uvcb, polymer, material";
}

bool isCompositionUnit(const std::string& unit) {
  return unit == "w/w" || unit == "v/v" || unit == "mol/mol";
}

bool isConstituentRole(const std::string& role) {
  return role == "constituent" || role == "impurity" || role == "additive";
}

void validateSubstanceFields(const SubstanceSpec& spec) {
  if (!isSubstanceKind(spec.kind)) {
    throw fieldError("kind must be one of " + std::string(substanceKindList()) + " (ECHA's "
                     "substance types; 'material' for one with no defined structure)",
                     "kind");
  }
  if (trimmed(spec.name).empty()) throw fieldError("a substance needs a name", "name");
  checkText(spec.name, 200, "name");
  if (spec.synonyms.size() > kMaxSynonyms) {
    throw fieldError("at most " + std::to_string(kMaxSynonyms) + " synonyms", "synonyms");
  }
  for (std::size_t i = 0; i < spec.synonyms.size(); ++i) {
    checkText(spec.synonyms[i], 200, "synonyms[" + std::to_string(i) + "]");
  }
  if (!spec.casNumber.empty() && !isCasNumber(trimmed(spec.casNumber))) {
    throw fieldError("'" + spec.casNumber +
                         "' is not a CAS Registry Number (digits-digits-check digit, e.g. "
                         "8007-46-3 for thyme oil; the check digit must agree)",
                     "cas_number");
  }
  checkText(spec.description, 20000, "description");
  checkText(spec.source.species, 200, "source.species");
  checkText(spec.source.part, 200, "source.part");
  checkText(spec.source.wasteStream, 200, "source.waste_stream");
  checkText(spec.source.process, 2000, "source.process");
  checkText(spec.repeatUnit.text, 2000, "repeat_unit");

  if (spec.constituents.size() > kMaxConstituents) {
    throw fieldError("at most " + std::to_string(kMaxConstituents) + " constituents",
                     "constituents");
  }
  std::set<std::int64_t> compounds;
  std::set<std::string> names;
  for (std::size_t i = 0; i < spec.constituents.size(); ++i) {
    const auto& k = spec.constituents[i];
    std::string field = "constituents[" + std::to_string(i) + "]";
    // Named as people name it: 'oleic acid' (CMP-000003), 'oleic acid', or CMP-000003.
    std::string label = field;
    if (!k.name.empty()) {
      label += " ('" + k.name + "'" + (k.compoundId ? ", " + compoundCode(*k.compoundId) : "") + ")";
    } else if (k.compoundId) {
      label += " (" + compoundCode(*k.compoundId) + ")";
    }
    if (!k.compoundId && trimmed(k.name).empty()) {
      throw fieldError(field + " needs a compound_id (a registered parent) or a name (e.g. "
                               "'phenolic fraction, unidentified')",
                       field);
    }
    checkText(k.name, 200, field + ".name");
    checkText(k.method, 500, field + ".method");
    if (!isConstituentRole(k.role)) {
      throw fieldError(field + ".role must be constituent, impurity or additive", field + ".role");
    }
    if (!isCompositionUnit(k.unit)) {
      throw fieldError(label + ": unit must be w/w, v/v or mol/mol", field + ".unit");
    }
    if (k.unit != spec.constituents[0].unit) {
      throw fieldError(label + " is given in " + k.unit + " but constituents[0] in " +
                           spec.constituents[0].unit +
                           "; a composition is written in one unit",
                       field + ".unit");
    }
    checkPercent(k.typical, field + ".typical");
    checkPercent(k.min, field + ".min");
    checkPercent(k.max, field + ".max");
    if (k.min && k.max && *k.min > *k.max) {
      throw fieldError(label + ": the minimum (" + number(*k.min) + " %) is above the maximum (" +
                           number(*k.max) + " %)",
                       field + ".min");
    }
    if (k.min && k.typical < *k.min) {
      throw fieldError(label + ": the typical value (" + number(k.typical) +
                           " %) is below the minimum (" + number(*k.min) + " %)",
                       field + ".typical");
    }
    if (k.max && k.typical > *k.max) {
      throw fieldError(label + ": the typical value (" + number(k.typical) +
                           " %) is above the maximum (" + number(*k.max) + " %)",
                       field + ".typical");
    }
    if (k.compoundId && !compounds.insert(*k.compoundId).second) {
      throw fieldError(label + " is listed twice; give each constituent once", field + ".compound_id");
    }
    if (!k.compoundId && !names.insert(lowered(trimmed(k.name))).second) {
      throw fieldError(label + " is listed twice; give each constituent once", field + ".name");
    }
  }

  if (spec.properties.size() > kMaxSubstanceProperties) {
    throw fieldError("at most " + std::to_string(kMaxSubstanceProperties) + " properties",
                     "properties");
  }
  std::set<std::string> keys;
  for (std::size_t i = 0; i < spec.properties.size(); ++i) {
    const auto& p = spec.properties[i];
    std::string field = "properties[" + std::to_string(i) + "]";
    if (p.key.empty()) throw fieldError(field + " needs a key", field + ".key");
    if (!keys.insert(p.key).second) {
      throw fieldError(field + ": '" + p.key + "' is given twice", field + ".key");
    }
    if (!p.typical && !p.min && !p.max) {
      throw fieldError(field + " ('" + p.key + "') needs a typical value or a range",
                       field + ".typical");
    }
    if (p.min && p.max && *p.min > *p.max) {
      throw fieldError(field + " ('" + p.key + "'): the minimum is above the maximum",
                       field + ".min");
    }
    if (p.typical && ((p.min && *p.typical < *p.min) || (p.max && *p.typical > *p.max))) {
      throw fieldError(field + " ('" + p.key + "'): the typical value is outside its range",
                       field + ".typical");
    }
    checkText(p.method, 500, field + ".method");
  }

  if (spec.monomers.size() > kMaxMonomers) {
    throw fieldError("at most " + std::to_string(kMaxMonomers) + " monomers", "monomers");
  }
  std::set<std::int64_t> monomers;
  for (std::size_t i = 0; i < spec.monomers.size(); ++i) {
    const auto& m = spec.monomers[i];
    std::string field = "monomers[" + std::to_string(i) + "]";
    if (!finite(m.ratio) || m.ratio <= 0 || m.ratio > 100) {
      throw fieldError(field + ".ratio is a share in mol % above 0 and at most 100", field + ".ratio");
    }
    if (!monomers.insert(m.compoundId).second) {
      throw fieldError(field + " repeats " + compoundCode(m.compoundId), field + ".compound_id");
    }
  }
  for (auto [value, field] : {std::pair{spec.mn, "mn"}, std::pair{spec.mw, "mw"}}) {
    if (value && (!finite(*value) || *value <= 0 || *value > 1e9)) {
      throw fieldError(std::string(field) + " is a molar mass in g/mol above 0", field);
    }
  }
  if (spec.mn && spec.mw && *spec.mw < *spec.mn) {
    throw fieldError("mw (" + number(*spec.mw) + " g/mol) is below mn (" + number(*spec.mn) +
                         " g/mol): the dispersity Mw/Mn is at least 1",
                     "mw");
  }
}

Substance createSubstance(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t startUpId, const SubstanceSpec& spec,
                          const std::string& compositionKey) {
  validateSubstanceFields(spec);
  if (!findStartUp(c, startUpId)) {
    throw notFound("no start-up " + std::to_string(startUpId), {{"field", "start_up"}});
  }
  if (!canWriteFor(actor, startUpId)) {
    throw permissionDenied("you may register substances only for your own start-up",
                           {{"field", "start_up"}});
  }
  checkCompounds(c, actor, startUpId, spec, nullptr);
  checkProperties(c, spec);
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO substances(start_up_id, kind, name, synonyms, cas_number, description,"
               " source_species, source_part, source_waste_stream, source_process, repeat_unit,"
               " repeat_unit_smiles, repeat_unit_formula, repeat_unit_mass, mn, mw,"
               " composition_key, created_at, created_by, updated_at, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  // Numbered by creation time, not 1, 2, 3: a code says nothing about how many substances
  // (private ones included) the cluster has (db/identifiers.h, allocateRecordId).
  const std::int64_t id = allocateRecordId(c, clock, "substances");
  st.bind(1, startUpId).bind(2, spec.kind);
  bindSpecColumns(st, 3, spec, compositionKey);
  st.bind(18, now).bind(19, userOf(actor)).bind(20, now).bind(21, id).run();
  insertParts(c, id, spec);
  appendAudit(c, clock, actor,
              {"create", "substance", substanceCode(id), std::nullopt, snapshotSubstance(c, id),
               std::nullopt});
  return loadAny(c, id);
}

Substance updateSubstance(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t id, const SubstanceSpec& spec,
                          const std::string& compositionKey) {
  validateSubstanceFields(spec);
  Substance current = requireWritableSubstance(c, actor, id);
  if (spec.kind != current.spec.kind) {
    throw fieldError(current.code() + " is a " + current.spec.kind +
                         " substance; its kind does not change (register a new substance)",
                     "kind");
  }
  checkCompounds(c, actor, current.startUpId, spec, &current);
  checkProperties(c, spec);
  auto before = snapshotSubstance(c, id);
  Statement st(c,
               "UPDATE substances SET name=?, synonyms=?, cas_number=?, description=?,"
               " source_species=?, source_part=?, source_waste_stream=?, source_process=?,"
               " repeat_unit=?, repeat_unit_smiles=?, repeat_unit_formula=?, repeat_unit_mass=?,"
               " mn=?, mw=?, composition_key=?, updated_at=? WHERE id=?");
  bindSpecColumns(st, 1, spec, compositionKey);
  st.bind(16, clock.nowIso()).bind(17, id).run();
  deleteParts(c, id);
  insertParts(c, id, spec);
  appendAudit(c, clock, actor,
              {"update", "substance", substanceCode(id), before, snapshotSubstance(c, id),
               std::nullopt});
  return loadAny(c, id);
}

std::optional<Substance> findSubstance(Connection& c, const Principal& viewer, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kSubstanceColumns +
                      " FROM substances s WHERE s.id = ? AND " + visibleSql(viewer, "s"));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  Substance s = readSubstance(st);
  loadParts(c, s);
  return s;
}

Substance requireWritableSubstance(Connection& c, const Principal& actor, std::int64_t id) {
  auto s = findSubstance(c, actor, id);
  if (!s) throw notFound("no substance " + substanceCode(id));
  if (!canWriteFor(actor, s->startUpId)) {
    throw permissionDenied("only members of the start-up that owns " + s->code() +
                           " (or administrators) may change it");
  }
  if (s->retiredAt) {
    throw failedPrecondition(s->code() + " is retired (" + s->retiredReason.value_or("") +
                             "); it can no longer change");
  }
  return *s;
}

SubstancePage listSubstances(Connection& c, const Principal& viewer, const SubstanceFilter& f,
                             std::int64_t page, std::int64_t pageSize) {
  if (page < 0) throw fieldError("page must be 0 or more", "page");
  if (pageSize < 1 || pageSize > 500) {
    throw fieldError("page_size must be between 1 and 500", "page_size");
  }
  checkFilter(c, viewer, f);
  // A compound the viewer may not see matches nothing, exactly as a missing one.
  if (f.compoundId && !findCompound(c, viewer, *f.compoundId)) return SubstancePage{};
  FilterSql filter = filterSql(f);
  std::string where = " WHERE " + visibleSql(viewer, "s") + filter.where;
  SubstancePage result;
  {
    Statement count(c, "SELECT COUNT(*) FROM substances s" + where);
    filter.bind(count);
    count.step();
    result.total = count.getInt(0);
  }
  Statement st(c, std::string("SELECT ") + kSubstanceColumns + " FROM substances s" + where +
                      " ORDER BY s.id DESC LIMIT ? OFFSET ?");
  int next = filter.bind(st);
  st.bind(next, pageSize).bind(next + 1, page * pageSize);
  while (st.step()) result.items.push_back(readSubstance(st));
  for (auto& s : result.items) loadParts(c, s);
  return result;
}

void forEachSubstance(Connection& c, const Principal& viewer, const SubstanceFilter& f,
                      const std::function<void(const Substance&)>& fn) {
  checkFilter(c, viewer, f);
  if (f.compoundId && !findCompound(c, viewer, *f.compoundId)) return;
  FilterSql filter = filterSql(f);
  Statement st(c, std::string("SELECT ") + kSubstanceColumns + " FROM substances s WHERE " +
                      visibleSql(viewer, "s") + filter.where + " ORDER BY s.id");
  filter.bind(st);
  while (st.step()) {
    Substance s = readSubstance(st);
    loadParts(c, s);
    fn(s);
  }
}

std::vector<Substance> liveSubstancesOfKind(Connection& c, std::int64_t startUpId,
                                            const std::string& kind) {
  Statement st(c, std::string("SELECT ") + kSubstanceColumns +
                      " FROM substances s WHERE s.start_up_id = ? AND (? = '' OR s.kind = ?)"
                      " AND s.retired_at IS NULL ORDER BY s.id");
  st.bind(1, startUpId).bind(2, kind).bind(3, kind);
  std::vector<Substance> out;
  while (st.step()) out.push_back(readSubstance(st));
  for (auto& s : out) loadParts(c, s);
  return out;
}

std::vector<SubstanceScanRow> scanLiveSubstances(Connection& c,
                                                 const std::vector<std::int64_t>& startUps) {
  Statement st(c,
               "SELECT id, start_up_id, visibility, kind, name, composition_key FROM substances"
               " WHERE retired_at IS NULL ORDER BY id");
  std::vector<SubstanceScanRow> out;
  while (st.step()) {
    SubstanceScanRow r{st.getInt(0), st.getInt(1), st.getText(2),
                       st.getText(3), st.getText(4), st.getText(5)};
    if (!startUps.empty() &&
        std::find(startUps.begin(), startUps.end(), r.startUpId) == startUps.end()) {
      continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::pair<std::int64_t, std::string>> compoundFullHashes(
    Connection& c, const std::vector<std::int64_t>& ids) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (std::int64_t id : ids) {
    Statement st(c, "SELECT full_hash FROM compounds WHERE id = ?");
    st.bind(1, id);
    if (st.step()) out.emplace_back(id, st.getText(0));
  }
  return out;
}

std::vector<ConstituentRow> searchableConstituents(Connection& c, const Principal& viewer,
                                                   const ConstituentSearchFilter& f) {
  if (f.kind && !isSubstanceKind(*f.kind)) {
    throw fieldError(std::string("filters.kind must be one of ") + substanceKindList(),
                     "filters.kind");
  }
  if (f.propertyKey && !findPropertyTerm(c, *f.propertyKey)) {
    throw fieldError("no property '" + *f.propertyKey + "' in the vocabulary",
                     "filters.property");
  }
  std::string substanceWhere = visibleSql(viewer, "s");
  if (!f.includeRetired) substanceWhere += " AND s.retired_at IS NULL";
  if (!f.startUps.empty()) {
    substanceWhere += " AND s.start_up_id IN (";
    for (std::size_t i = 0; i < f.startUps.size(); ++i) {
      substanceWhere += (i ? "," : "") + std::to_string(f.startUps[i]);
    }
    substanceWhere += ")";
  }
  if (f.kind) substanceWhere += " AND s.kind = :kind";
  if (f.visibility) substanceWhere += " AND s.visibility = :visibility";
  if (f.source) {
    substanceWhere +=
        " AND (s.source_species LIKE :source ESCAPE '\\' OR s.source_part LIKE :source ESCAPE"
        " '\\' OR s.source_waste_stream LIKE :source ESCAPE '\\' OR s.source_process LIKE"
        " :source ESCAPE '\\')";
  }
  if (f.propertyKey) {
    substanceWhere +=
        " AND EXISTS (SELECT 1 FROM substance_properties p WHERE p.substance_id = s.id"
        " AND p.property_key = :property";
    if (f.propertyMin) {
      substanceWhere += " AND COALESCE(p.typical, p.max_value, p.min_value) >= :property_min";
    }
    if (f.propertyMax) {
      substanceWhere += " AND COALESCE(p.typical, p.min_value, p.max_value) <= :property_max";
    }
    substanceWhere += ")";
  }
  std::string percent;
  if (f.percentMin) percent += " AND k.typical >= :percent_min";
  if (f.percentMax) percent += " AND k.typical <= :percent_max";
  std::string monomerPercent;
  if (f.percentMin) monomerPercent += " AND m.ratio >= :percent_min";
  if (f.percentMax) monomerPercent += " AND m.ratio <= :percent_max";
  std::string sql =
      "SELECT k.substance_id, s.start_up_id, k.compound_id, k.position, k.role, k.typical,"
      " k.min_value, k.max_value, k.unit, 0 AS monomer FROM substance_constituents k"
      " JOIN substances s ON s.id = k.substance_id WHERE k.compound_id IS NOT NULL AND " +
      substanceWhere + percent +
      " UNION ALL SELECT m.substance_id, s.start_up_id, m.compound_id, m.position, 'monomer',"
      " m.ratio, NULL, NULL, 'mol/mol', 1 FROM substance_monomers m"
      " JOIN substances s ON s.id = m.substance_id WHERE " +
      substanceWhere + monomerPercent + " ORDER BY 1, 10, 4";
  Statement st(c, sql);
  auto bindNamed = [&](const char* name, auto value) {
    int index = st.parameterIndex(name);
    if (index > 0) st.bind(index, value);
  };
  if (f.kind) bindNamed(":kind", *f.kind);
  if (f.visibility) bindNamed(":visibility", *f.visibility);
  if (f.source) bindNamed(":source", likePattern(*f.source));
  if (f.propertyKey) bindNamed(":property", *f.propertyKey);
  if (f.propertyMin) bindNamed(":property_min", *f.propertyMin);
  if (f.propertyMax) bindNamed(":property_max", *f.propertyMax);
  if (f.percentMin) bindNamed(":percent_min", *f.percentMin);
  if (f.percentMax) bindNamed(":percent_max", *f.percentMax);
  std::vector<ConstituentRow> out;
  while (st.step()) {
    ConstituentRow r;
    r.substanceId = st.getInt(0);
    r.startUpId = st.getInt(1);
    r.compoundId = st.getInt(2);
    r.position = st.getInt(3);
    r.role = st.getText(4);
    r.typical = st.getDouble(5);
    r.min = st.getOptionalDouble(6);
    r.max = st.getOptionalDouble(7);
    r.unit = st.getText(8);
    r.monomer = st.getInt(9) != 0;
    out.push_back(std::move(r));
  }
  return out;
}

// ---- vocabulary --------------------------------------------------------------------------

std::vector<PropertyTerm> listPropertyTerms(Connection& c) {
  Statement st(c, std::string("SELECT ") + kTermColumns +
                      " FROM substance_property_terms ORDER BY key");
  std::vector<PropertyTerm> out;
  while (st.step()) out.push_back(readTerm(st));
  return out;
}

std::optional<PropertyTerm> findPropertyTerm(Connection& c, const std::string& key) {
  Statement st(c, std::string("SELECT ") + kTermColumns +
                      " FROM substance_property_terms WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return readTerm(st);
}

PropertyTerm addPropertyTerm(Connection& c, const Clock& clock, const Principal& actor,
                             const PropertyTerm& term) {
  if (!actor.isAdmin() && actor.role != Role::Lead) {
    throw permissionDenied("only leads and administrators add properties to the vocabulary");
  }
  bool keyOk = !term.key.empty() && term.key.size() <= 60 && term.key[0] >= 'a' &&
               term.key[0] <= 'z' &&
               std::all_of(term.key.begin(), term.key.end(), [](char ch) {
                 return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
               });
  if (!keyOk) {
    throw fieldError("key: lower-case letters, digits and '_', starting with a letter, at most "
                     "60 (e.g. 'lignin_klason')",
                     "key");
  }
  if (trimmed(term.name).empty()) throw fieldError("a property needs a name", "name");
  checkText(term.name, 200, "name");
  checkText(term.unit, 40, "unit");
  checkText(term.description, 2000, "description");
  if ((term.min && !finite(*term.min)) || (term.max && !finite(*term.max))) {
    throw fieldError("min and max must be numbers", "min");
  }
  if (term.min && term.max && *term.min >= *term.max) {
    throw fieldError("min must be below max", "min");
  }
  if (findPropertyTerm(c, term.key)) {
    throw Error(ErrorCode::AlreadyExists, "the vocabulary already has '" + term.key + "'",
                {{"field", "key"}});
  }
  Statement st(c,
               "INSERT INTO substance_property_terms(key, name, unit, min_value, max_value,"
               " description, created_at, created_by) VALUES (?,?,?,?,?,?,?,?)");
  st.bind(1, term.key)
      .bind(2, trimmed(term.name))
      .bind(3, trimmed(term.unit))
      .bind(4, term.min)
      .bind(5, term.max)
      .bind(6, term.description)
      .bind(7, clock.nowIso())
      .bind(8, userOf(actor))
      .run();
  auto added = *findPropertyTerm(c, term.key);
  Poco::JSON::Object::Ptr after = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  after->set("key", added.key);
  after->set("name", added.name);
  after->set("unit", added.unit);
  after->set("min", added.min ? Poco::Dynamic::Var(*added.min) : Poco::Dynamic::Var());
  after->set("max", added.max ? Poco::Dynamic::Var(*added.max) : Poco::Dynamic::Var());
  after->set("description", added.description);
  appendAudit(c, clock, actor,
              {"create", "substance_property_term", added.key, std::nullopt, jsonText(after),
               std::nullopt});
  return added;
}

// ---- batches -----------------------------------------------------------------------------

void validateSubstanceBatchInput(const SubstanceBatchInput& b) {
  if (b.amount && (!finite(*b.amount) || *b.amount < 0 || *b.amount > 1e9)) {
    throw fieldError("amount must be a number from 0 to 1000000000 of its unit", "batch.amount");
  }
  if (b.amount && !b.amountUnit) {
    throw fieldError("an amount needs a unit (mg, g, kg, t, uL, mL, L, m3, umol, mmol, mol)",
                     "batch.unit");
  }
  if (b.amountUnit && !isUnit(*b.amountUnit)) {
    throw fieldError("unknown unit '" + *b.amountUnit +
                         "'; use mg, g, kg, t, uL, mL, L, m3, umol, mmol or mol",
                     "batch.unit");
  }
  if (b.preparedOn && !isCalendarDate(*b.preparedOn)) {
    throw fieldError("prepared_on must be a date written YYYY-MM-DD", "batch.prepared_on");
  }
  if (b.analysedOn && !isCalendarDate(*b.analysedOn)) {
    throw fieldError("analysed_on must be a date written YYYY-MM-DD", "batch.analysed_on");
  }
  checkText(b.researcher, 200, "batch.researcher");
  checkText(b.notebookRef, 200, "batch.notebook_ref");
  checkText(b.storage, 200, "batch.storage");
  checkText(b.notes, 20000, "batch.notes");
  checkText(b.certificateNumber, 200, "batch.certificate_number");
  checkText(b.laboratory, 200, "batch.laboratory");
  if (b.results.size() > kMaxConstituents + kMaxSubstanceProperties) {
    throw fieldError("a certificate has at most " +
                         std::to_string(kMaxConstituents + kMaxSubstanceProperties) + " results",
                     "batch.results");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < b.results.size(); ++i) {
    const auto& r = b.results[i];
    std::string field = "batch.results[" + std::to_string(i) + "]";
    int kinds = (r.compoundId ? 1 : 0) + (!trimmed(r.name).empty() ? 1 : 0) +
                (!r.propertyKey.empty() ? 1 : 0);
    if (kinds != 1) {
      throw fieldError(field + " names one thing measured: a constituent (compound_id or name) "
                               "or a property",
                       field);
    }
    if (!finite(r.value)) throw fieldError(field + ".value must be a number", field + ".value");
    std::string key = r.compoundId ? "c:" + std::to_string(*r.compoundId)
                      : !r.propertyKey.empty() ? "p:" + r.propertyKey
                                               : "n:" + lowered(trimmed(r.name));
    if (!seen.insert(key).second) {
      throw fieldError(field + " measures the same thing as an earlier result", field);
    }
    if (r.propertyKey.empty()) {
      if (r.value < 0 || r.value > 100) {
        throw fieldError(field + ".value is a percentage between 0 and 100", field + ".value");
      }
      if (!isCompositionUnit(r.unit)) {
        throw fieldError(field + ".unit must be w/w, v/v or mol/mol", field + ".unit");
      }
    }
    checkText(r.name, 200, field + ".name");
    checkText(r.method, 500, field + ".method");
  }
}

SubstanceBatch createSubstanceBatch(Connection& c, const Clock& clock, const Principal& actor,
                                    std::int64_t substanceId, const SubstanceBatchInput& batch) {
  validateSubstanceBatchInput(batch);
  Substance substance = requireWritableSubstance(c, actor, substanceId);
  std::vector<BatchResult> results = checkedResults(c, actor, substance, batch.results);
  std::int64_t number = 1;
  {
    Statement st(c, "SELECT MAX(batch_number) FROM substance_batches WHERE substance_id = ?");
    st.bind(1, substanceId);
    st.step();
    if (!st.isNull(0)) number = st.getInt(0) + 1;
  }
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO substance_batches(substance_id, batch_number, amount, amount_unit,"
               " prepared_on, researcher, notebook_ref, storage, notes, certificate_number,"
               " analysed_on, laboratory, created_at, created_by, updated_at, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  // The batch's own row (its documents' owner) is numbered by creation time too; its code
  // counts the batches of its substance only (SUB-…-B001).
  const std::int64_t id = allocateRecordId(c, clock, "substance_batches");
  st.bind(1, substanceId)
      .bind(2, number)
      .bind(3, batch.amount)
      .bind(4, batch.amountUnit)
      .bind(5, batch.preparedOn)
      .bind(6, trimmed(batch.researcher))
      .bind(7, trimmed(batch.notebookRef))
      .bind(8, trimmed(batch.storage))
      .bind(9, batch.notes)
      .bind(10, trimmed(batch.certificateNumber))
      .bind(11, batch.analysedOn)
      .bind(12, trimmed(batch.laboratory))
      .bind(13, now)
      .bind(14, userOf(actor))
      .bind(15, now)
      .bind(16, id)
      .run();
  insertResults(c, id, results);
  appendAudit(c, clock, actor,
              {"create", "substance_batch", substanceBatchCode(substanceId, number), std::nullopt,
               snapshotSubstanceBatch(c, id), std::nullopt});
  return *findSubstanceBatchById(c, Principal::system("substance store"), id);
}

SubstanceBatch addBatchCertificate(Connection& c, const Clock& clock, const Principal& actor,
                                   std::int64_t substanceId, std::int64_t batchNumber,
                                   const SubstanceBatchInput& certificate) {
  validateSubstanceBatchInput(certificate);
  Substance substance = requireWritableSubstance(c, actor, substanceId);
  auto batch = findSubstanceBatch(c, actor, substanceId, batchNumber);
  if (!batch) throw notFound("no batch " + substanceBatchCode(substanceId, batchNumber));
  if (batch->retiredAt) throw failedPrecondition(batch->code() + " is retired");
  if (!batch->results.empty()) {
    throw failedPrecondition(batch->code() +
                                 " already has its certificate of analysis; a certificate is "
                                 "kept as recorded (register a new batch for a new analysis)",
                             {{"field", "results"}});
  }
  if (certificate.results.empty()) {
    throw fieldError("a certificate needs at least one result", "results");
  }
  std::vector<BatchResult> results = checkedResults(c, actor, substance, certificate.results);
  auto before = snapshotSubstanceBatch(c, batch->id);
  Statement st(c,
               "UPDATE substance_batches SET certificate_number = ?, analysed_on = ?,"
               " laboratory = ?, updated_at = ? WHERE id = ?");
  st.bind(1, trimmed(certificate.certificateNumber))
      .bind(2, certificate.analysedOn)
      .bind(3, trimmed(certificate.laboratory))
      .bind(4, clock.nowIso())
      .bind(5, batch->id)
      .run();
  insertResults(c, batch->id, results);
  appendAudit(c, clock, actor,
              {"update", "substance_batch", batch->code(), before,
               snapshotSubstanceBatch(c, batch->id), std::string("certificate of analysis")});
  return *findSubstanceBatchById(c, Principal::system("substance store"), batch->id);
}

std::vector<SubstanceBatch> listSubstanceBatches(Connection& c, const Principal& viewer,
                                                 std::int64_t substanceId) {
  Statement st(c, std::string("SELECT ") + kBatchColumns +
                      " FROM substance_batch_records b WHERE b.substance_id = ? AND " +
                      batchVisibleSql(viewer) + " ORDER BY b.batch_number");
  st.bind(1, substanceId);
  std::vector<SubstanceBatch> out;
  while (st.step()) out.push_back(readBatch(c, st));
  return out;
}

std::optional<SubstanceBatch> findSubstanceBatch(Connection& c, const Principal& viewer,
                                                 std::int64_t substanceId,
                                                 std::int64_t batchNumber) {
  Statement st(c, std::string("SELECT ") + kBatchColumns +
                      " FROM substance_batch_records b WHERE b.substance_id = ?"
                      " AND b.batch_number = ? AND " +
                      batchVisibleSql(viewer));
  st.bind(1, substanceId).bind(2, batchNumber);
  if (!st.step()) return std::nullopt;
  return readBatch(c, st);
}

std::optional<SubstanceBatch> findSubstanceBatchById(Connection& c, const Principal& viewer,
                                                     std::int64_t batchId) {
  Statement st(c, std::string("SELECT ") + kBatchColumns +
                      " FROM substance_batch_records b WHERE b.id = ? AND " +
                      batchVisibleSql(viewer));
  st.bind(1, batchId);
  if (!st.step()) return std::nullopt;
  return readBatch(c, st);
}

std::optional<std::string> snapshotSubstance(Connection& c, std::int64_t id) {
  auto row = snapshotRow(c, "substances", id);
  if (!row) return std::nullopt;
  Poco::JSON::Parser parser;
  Poco::JSON::Object::Ptr snapshot = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  snapshot->set("substance", parser.parse(*row));
  for (const char* table : {"substance_constituents", "substance_properties", "substance_monomers"}) {
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    Statement st(c, std::string("SELECT id FROM ") + table +
                        " WHERE substance_id = ? ORDER BY position");
    st.bind(1, id);
    while (st.step()) {
      parser.reset();
      rows->add(parser.parse(*snapshotRow(c, table, st.getInt(0))));
    }
    std::string key = std::string(table).substr(std::string("substance_").size());
    snapshot->set(key, rows);
  }
  return jsonText(snapshot);
}

std::optional<std::string> snapshotSubstanceBatch(Connection& c, std::int64_t batchId) {
  auto row = snapshotRow(c, "substance_batches", batchId);
  if (!row) return std::nullopt;
  Poco::JSON::Parser parser;
  Poco::JSON::Object::Ptr snapshot = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  snapshot->set("batch", parser.parse(*row));
  Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
  Statement st(c, "SELECT id FROM substance_batch_results WHERE batch_id = ? ORDER BY position");
  st.bind(1, batchId);
  while (st.step()) {
    parser.reset();
    rows->add(parser.parse(*snapshotRow(c, "substance_batch_results", st.getInt(0))));
  }
  snapshot->set("results", rows);
  return jsonText(snapshot);
}

}  // namespace argan::db
