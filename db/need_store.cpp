#include "db/need_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

struct Term {
  const char* key;
  std::vector<std::string> words;  // function words (English, French) or the default unit
};

const std::vector<Term>& sectors() {
  static const std::vector<Term> list = {
      {"cosmetics", {}},    {"paints_coatings", {}}, {"food_packaging", {}}, {"food", {}},
      {"agriculture", {}},  {"pharmaceuticals", {}}, {"detergents", {}},     {"textiles", {}},
      {"plastics", {}},     {"construction", {}},    {"energy", {}},         {"other", {}}};
  return list;
}

const std::vector<Term>& functions() {
  static const std::vector<Term> list = {
      {"solvent", {"solvent", "solvant"}},
      {"coalescent", {"coalescent", "coalescing", "coalescence"}},
      {"surfactant", {"surfactant", "tensioactif", "tensio-actif"}},
      {"emulsifier", {"emulsifier", "emulsifiant"}},
      {"antioxidant", {"antioxidant", "antioxydant"}},
      {"antimicrobial",
       {"antimicrobial", "antimicrobien", "antibacterial", "antibactérien", "antifungal",
        "antifongique", "disinfect", "désinfect"}},
      {"preservative", {"preservative", "conservateur"}},
      {"plasticiser", {"plasticiser", "plasticizer", "plastifiant"}},
      {"fertiliser", {"fertiliser", "fertilizer", "engrais", "amendement"}},
      {"biostimulant", {"biostimulant"}},
      {"lubricant", {"lubricant", "lubrifiant"}},
      {"binder", {"binder", "liant"}},
      {"fragrance", {"fragrance", "parfum", "aroma", "arôme"}},
      {"pigment", {"pigment", "colorant", "dye"}},
      {"thickener", {"thickener", "épaississant"}},
      {"fuel", {"fuel", "biodiesel", "carburant"}},
      {"other", {}}};
  return list;
}

const std::vector<Term>& regulatoryTerms() {
  static const std::vector<Term> list = {
      {"reach_registered", {}}, {"food_contact", {}}, {"cosmetics", {}},
      {"biodegradable", {}},    {"no_svhc", {}},      {"halal", {}},
      {"organic", {}},          {"ecolabel", {}}};
  return list;
}

const std::vector<Term>& propertyKeys() {
  static const std::vector<Term> list = {
      {"boiling_point", {"°C"}},     {"flash_point", {"°C"}},  {"melting_point", {"°C"}},
      {"viscosity", {"mPa·s"}},      {"purity", {"%"}},        {"bio_based_content", {"%"}},
      {"water_solubility", {"g/L"}}, {"voc_content", {"g/L"}}, {"price_per_kg", {"MAD/kg"}},
      {"volume_per_year", {"t/year"}}, {"custom", {""}}};
  return list;
}

const Term* findTerm(const std::vector<Term>& list, const std::string& key) {
  for (const auto& t : list) {
    if (key == t.key) return &t;
  }
  return nullptr;
}

std::string listOf(const std::vector<Term>& list) {
  std::string out;
  for (const auto& t : list) out += (out.empty() ? "" : ", ") + std::string(t.key);
  return out;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string stringify(const Poco::JSON::Array& a) {
  std::ostringstream out;
  a.stringify(out);
  return out.str();
}

std::string propertiesJson(const std::vector<NeedProperty>& props) {
  Poco::JSON::Array a;
  for (const auto& p : props) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("key", p.key);
    o.set("label", p.label);
    if (p.min) o.set("min", *p.min); else o.set("min", Poco::Dynamic::Var());
    if (p.max) o.set("max", *p.max); else o.set("max", Poco::Dynamic::Var());
    o.set("unit", p.unit);
    o.set("required", p.required);
    a.add(o);
  }
  return stringify(a);
}

std::vector<NeedProperty> parseProperties(const std::string& text) {
  std::vector<NeedProperty> out;
  Poco::JSON::Parser parser;
  auto a = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < a->size(); ++i) {
    auto o = a->getObject(static_cast<unsigned>(i));
    NeedProperty p;
    p.key = o->optValue<std::string>("key", "");
    p.label = o->optValue<std::string>("label", "");
    if (o->has("min") && !o->isNull("min")) p.min = o->getValue<double>("min");
    if (o->has("max") && !o->isNull("max")) p.max = o->getValue<double>("max");
    p.unit = o->optValue<std::string>("unit", "");
    p.required = o->optValue<bool>("required", true);
    out.push_back(p);
  }
  return out;
}

std::string stringsJson(const std::vector<std::string>& items) {
  Poco::JSON::Array a;
  for (const auto& s : items) a.add(s);
  return stringify(a);
}

std::vector<std::string> parseStrings(const std::string& text) {
  std::vector<std::string> out;
  Poco::JSON::Parser parser;
  auto a = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
  return out;
}

constexpr const char* kColumns =
    "n.id, n.partner_id, u.email, u.display_name, n.company, n.company_disclosed, n.title,"
    " n.statement, n.sector, n.function, n.properties, n.regulatory, n.deadline,"
    " n.structure_type, n.structure_threshold, n.visibility, n.status, n.outcome,"
    " n.outcome_response_id, n.outcome_note, n.created_at, n.created_by, n.updated_at,"
    " n.closed_at";
constexpr const char* kFrom = " FROM needs n JOIN users u ON u.id = n.partner_id";

Need readNeed(Statement& st) {
  Need n;
  int i = 0;
  n.id = st.getInt(i++);
  n.partnerId = st.getInt(i++);
  n.partnerEmail = st.getText(i++);
  n.partnerName = st.getText(i++);
  n.company = st.getText(i++);
  n.companyDisclosed = st.getInt(i++) != 0;
  n.title = st.getText(i++);
  n.statement = st.getText(i++);
  n.sector = st.getText(i++);
  n.function = st.getText(i++);
  n.properties = parseProperties(st.getText(i++));
  n.regulatory = parseStrings(st.getText(i++));
  n.deadline = st.getOptionalText(i++);
  n.structureType = st.getOptionalText(i++);
  n.structureThreshold = st.getOptionalDouble(i++);
  n.visibility = st.getText(i++);
  n.status = st.getText(i++);
  n.outcome = st.getOptionalText(i++);
  n.outcomeResponseId = st.getOptionalInt(i++);
  n.outcomeNote = st.getText(i++);
  n.createdAt = st.getText(i++);
  n.createdBy = st.getOptionalInt(i++);
  n.updatedAt = st.getText(i++);
  n.closedAt = st.getOptionalText(i++);
  return n;
}

void loadAudience(Connection& c, Need& n) {
  Statement st(c, "SELECT start_up_id FROM need_audience WHERE need_id = ? ORDER BY start_up_id");
  st.bind(1, n.id);
  while (st.step()) n.audience.push_back(st.getInt(0));
}

void loadStructures(Connection& c, Need& n) {
  Statement st(c,
               "SELECT input, input_format, query_format, query_text, pattern_fp, query_atoms,"
               " screen_bits, canonical_smiles, morgan_fp FROM need_structures"
               " WHERE need_id = ? ORDER BY position");
  st.bind(1, n.id);
  while (st.step()) {
    NeedStructure s;
    s.input = st.getText(0);
    s.inputFormat = st.getText(1);
    s.queryFormat = st.getText(2);
    s.queryText = st.getText(3);
    if (!st.isNull(4)) s.patternFp = st.getBlob(4);
    s.queryAtoms = st.getInt(5);
    s.screenBits = st.getInt(6);
    s.canonicalSmiles = st.getText(7);
    if (!st.isNull(8)) s.morganFp = st.getBlob(8);
    n.structures.push_back(std::move(s));
  }
}

void checkText(const std::optional<std::string>& value, const char* field, std::size_t max,
               bool required) {
  if (!value) return;
  std::string t = trimmed(*value);
  if ((required && t.empty()) || value->size() > max) {
    throw invalidArgument(std::string(field) + " must have " + (required ? "1" : "0") + " to " +
                              std::to_string(max) + " characters",
                          {{"field", field}});
  }
}

void checkVocabulary(const std::optional<std::string>& value, const std::vector<Term>& list,
                     const char* field, bool allowEmpty) {
  if (!value) return;
  if (value->empty() && allowEmpty) return;
  if (!findTerm(list, *value)) {
    throw invalidArgument(std::string(field) + " must be one of: " + listOf(list) + " (got '" +
                              *value + "')",
                          {{"field", field}});
  }
}

void checkProperties(std::vector<NeedProperty>& props) {
  if (props.size() > 30) {
    throw invalidArgument("a need lists at most 30 properties", {{"field", "properties"}});
  }
  for (std::size_t i = 0; i < props.size(); ++i) {
    auto& p = props[i];
    const std::string field = "properties[" + std::to_string(i) + "]";
    const Term* term = findTerm(propertyKeys(), p.key);
    if (!term) {
      throw invalidArgument(field + ".key must be one of: " + listOf(propertyKeys()) +
                                " (got '" + p.key + "')",
                            {{"field", field + ".key"}});
    }
    p.label = trimmed(p.label);
    if (p.key == "custom" && p.label.empty()) {
      throw invalidArgument(field + ": a custom property needs a label",
                            {{"field", field + ".label"}});
    }
    if (p.label.size() > 100 || p.unit.size() > 30) {
      throw invalidArgument(field + ": label at most 100 and unit at most 30 characters",
                            {{"field", field + (p.label.size() > 100 ? ".label" : ".unit")}});
    }
    if (!p.min && !p.max) {
      throw invalidArgument(field + " needs a minimum, a maximum or both",
                            {{"field", field + ".min"}});
    }
    for (const auto& [bound, name] : {std::pair{p.min, "min"}, std::pair{p.max, "max"}}) {
      if (bound && !std::isfinite(*bound)) {
        throw invalidArgument(field + "." + name + " must be a finite number",
                              {{"field", field + "." + name}});
      }
    }
    if (p.min && p.max && *p.min > *p.max) {
      throw invalidArgument(field + ": the minimum is above the maximum",
                            {{"field", field + ".min"}});
    }
    if (p.unit.empty()) p.unit = term->words.empty() ? "" : term->words.front();
  }
}

void checkRegulatory(std::vector<std::string>& items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  for (const auto& r : items) {
    if (!findTerm(regulatoryTerms(), r)) {
      throw invalidArgument("regulatory must list values among: " + listOf(regulatoryTerms()) +
                                " (got '" + r + "')",
                            {{"field", "regulatory"}});
    }
  }
}

void checkCriterion(const NeedStructureCriterion& s) {
  if (s.type != "substructure" && s.type != "similarity" && s.type != "replace") {
    throw invalidArgument("structure.type must be substructure, similarity or replace",
                          {{"field", "structure.type"}});
  }
  if (s.molecules.empty() || (s.type != "replace" && s.molecules.size() != 1) ||
      s.molecules.size() > 10) {
    throw invalidArgument(s.type == "replace"
                              ? "structure.query lists 1 to 10 molecules to replace"
                              : "structure.query is one structure",
                          {{"field", "structure.query"}});
  }
  if (s.threshold && (!(*s.threshold > 0) || *s.threshold > 1)) {
    throw invalidArgument("structure.threshold is a Tanimoto similarity in (0, 1]",
                          {{"field", "structure.threshold"}});
  }
  if (s.threshold && s.type == "substructure") {
    throw invalidArgument("a substructure criterion takes no threshold",
                          {{"field", "structure.threshold"}});
  }
}

void writeStructures(Connection& c, std::int64_t needId, const NeedStructureCriterion* s) {
  {
    Statement del(c, "DELETE FROM need_structures WHERE need_id = ?");
    del.bind(1, needId).run();
  }
  Statement up(c,
               "UPDATE needs SET structure_type = ?, structure_threshold = ? WHERE id = ?");
  if (!s) {
    up.bindNull(1).bindNull(2).bind(3, needId).run();
    return;
  }
  up.bind(1, s->type).bind(2, s->threshold).bind(3, needId).run();
  int position = 0;
  for (const auto& m : s->molecules) {
    Statement ins(c,
                  "INSERT INTO need_structures(need_id, position, input, input_format,"
                  " query_format, query_text, pattern_fp, query_atoms, screen_bits,"
                  " canonical_smiles, morgan_fp) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, needId)
        .bind(2, ++position)
        .bind(3, m.input)
        .bind(4, m.inputFormat)
        .bind(5, m.queryFormat)
        .bind(6, m.queryText);
    if (m.patternFp.empty()) ins.bindNull(7); else ins.bindBlob(7, m.patternFp);
    ins.bind(8, m.queryAtoms).bind(9, m.screenBits).bind(10, m.canonicalSmiles);
    if (m.morganFp.empty()) ins.bindNull(11); else ins.bindBlob(11, m.morganFp);
    ins.run();
  }
}

void writeAudience(Connection& c, std::int64_t needId, const std::vector<std::int64_t>& ids) {
  {
    Statement del(c, "DELETE FROM need_audience WHERE need_id = ?");
    del.bind(1, needId).run();
  }
  for (auto id : ids) {
    Statement ins(c, "INSERT INTO need_audience(need_id, start_up_id) VALUES (?,?)");
    ins.bind(1, needId).bind(2, id).run();
  }
}

// The audience after an update: sorted, unique, existing start-ups; required for 'named'.
std::vector<std::int64_t> checkedAudience(Connection& c, const std::string& visibility,
                                          std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (visibility != "named") return {};
  if (ids.empty()) {
    throw invalidArgument("a need shown to named start-ups names at least one",
                          {{"field", "start_ups"}});
  }
  auto existing = existingStartUps(c, ids);
  if (existing.size() != ids.size()) {
    for (auto id : ids) {
      if (!std::binary_search(existing.begin(), existing.end(), id)) {
        throw invalidArgument("no start-up " + std::to_string(id), {{"field", "start_ups"}});
      }
    }
  }
  return ids;
}

void checkDeadline(const std::optional<std::optional<std::string>>& deadline) {
  if (deadline && *deadline && !isCalendarDate(**deadline)) {
    throw invalidArgument("deadline is a date written YYYY-MM-DD", {{"field", "deadline"}});
  }
}

void requireOwnerOrAdmin(const Principal& actor, const Need& need) {
  if (!actor.isAdmin() && !need.isOwner(actor)) {
    throw permissionDenied("only the partner who posted " + need.code() +
                           " (or an administrator) may change it");
  }
}

void audit(Connection& c, const Clock& clock, const Principal& actor, const std::string& action,
           std::int64_t id, std::optional<std::string> before,
           std::optional<std::string> reason = std::nullopt) {
  appendAudit(c, clock, actor,
              {action, "need", needCode(id), std::move(before), snapshotRow(c, "needs", id),
               std::move(reason)});
}

}  // namespace

std::string needCode(std::int64_t id) { return prefixedCode("NEED", id); }
std::string responseCode(std::int64_t id) { return prefixedCode("RSP", id); }
std::string projectCode(std::int64_t id) { return prefixedCode("PRJ", id); }

bool isNeedSector(const std::string& key) { return findTerm(sectors(), key) != nullptr; }
const char* needSectorList() {
  static const std::string list = listOf(sectors());
  return list.c_str();
}
bool isNeedFunction(const std::string& key) { return findTerm(functions(), key) != nullptr; }
const char* needFunctionList() {
  static const std::string list = listOf(functions());
  return list.c_str();
}
bool isNeedRegulatory(const std::string& key) {
  return findTerm(regulatoryTerms(), key) != nullptr;
}
const char* needRegulatoryList() {
  static const std::string list = listOf(regulatoryTerms());
  return list.c_str();
}
bool isNeedPropertyKey(const std::string& key) {
  return findTerm(propertyKeys(), key) != nullptr;
}
const char* needPropertyList() {
  static const std::string list = listOf(propertyKeys());
  return list.c_str();
}
std::string defaultPropertyUnit(const std::string& key) {
  const Term* t = findTerm(propertyKeys(), key);
  return t && !t->words.empty() ? t->words.front() : "";
}
std::vector<std::string> functionWords(const std::string& function) {
  const Term* t = findTerm(functions(), function);
  return t ? t->words : std::vector<std::string>{};
}

std::string needSql(const Principal& viewer, const std::string& n) {
  switch (viewer.role) {
    case Role::Admin:
      return "1";
    case Role::Partner:
      return "(" + n + ".visibility = 'public' OR " + n +
             ".partner_id = " + std::to_string(viewer.userId) + ")";
    case Role::Lead:
    case Role::Member:
      return "(" + n + ".visibility IN ('public', 'cluster') OR EXISTS (SELECT 1 FROM"
             " need_audience na WHERE na.need_id = " + n + ".id AND na.start_up_id = " +
             std::to_string(viewer.startUpId.value_or(-1)) + "))";
    case Role::Anonymous:
      return "(" + n + ".visibility = 'public')";
  }
  return "0";
}

bool startUpSeesNeed(const Need& need, std::int64_t startUpId) {
  return need.visibility == "public" || need.visibility == "cluster" ||
         std::binary_search(need.audience.begin(), need.audience.end(), startUpId);
}

Need createNeed(Connection& c, const Clock& clock, const Principal& actor, const NeedInput& in) {
  std::int64_t partnerId = 0;
  if (actor.role == Role::Partner && actor.userId != 0) {
    if (in.partnerId && *in.partnerId != actor.userId) {
      throw permissionDenied("a partner posts needs for itself only");
    }
    partnerId = actor.userId;
  } else if (actor.isAdmin()) {
    if (!in.partnerId) {
      throw invalidArgument("an administrator posts a need on a partner's behalf: name the partner",
                            {{"field", "partner"}});
    }
    partnerId = *in.partnerId;
  } else {
    throw permissionDenied("needs are posted by industrial partners (or administrators on their "
                           "behalf)");
  }
  {
    Statement st(c, "SELECT role, disabled_at FROM users WHERE id = ?");
    st.bind(1, partnerId);
    if (!st.step() || st.getText(0) != "partner" || !st.isNull(1)) {
      throw invalidArgument("user " + std::to_string(partnerId) + " is not an active partner",
                            {{"field", "partner"}});
    }
  }
  if (!in.title) throw invalidArgument("a need has a title", {{"field", "title"}});
  if (!in.statement) {
    throw invalidArgument("a need states the problem (statement)", {{"field", "statement"}});
  }
  checkText(in.title, "title", 200, true);
  checkText(in.statement, "statement", 20000, true);
  checkText(in.company, "company", 200, false);
  checkVocabulary(in.sector, sectors(), "sector", true);
  checkVocabulary(in.function, functions(), "function", true);
  std::vector<NeedProperty> props = in.properties.value_or(std::vector<NeedProperty>{});
  checkProperties(props);
  std::vector<std::string> regulatory = in.regulatory.value_or(std::vector<std::string>{});
  checkRegulatory(regulatory);
  checkDeadline(in.deadline);
  std::string visibility = in.visibility.value_or("public");
  if (visibility != "public" && visibility != "cluster" && visibility != "named") {
    throw invalidArgument("visibility must be public, cluster (every start-up) or named",
                          {{"field", "visibility"}});
  }
  auto audience = checkedAudience(c, visibility, in.audience.value_or(std::vector<std::int64_t>{}));
  if (in.structure && *in.structure) checkCriterion(**in.structure);

  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO needs(partner_id, company, company_disclosed, title, statement,"
               " sector, function, properties, regulatory, deadline, visibility, status,"
               " created_at, created_by, updated_at, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?)");
  // Numbered by creation time: a need's code tells nothing of how many needs (named ones
  // included) the cluster has (db/identifiers.h, allocateRecordId).
  const std::int64_t id = allocateRecordId(c, clock, "needs");
  st.bind(1, partnerId)
      .bind(2, trimmed(in.company.value_or("")))
      .bind(3, in.companyDisclosed.value_or(false) ? 1 : 0)
      .bind(4, trimmed(*in.title))
      .bind(5, *in.statement)
      .bind(6, in.sector.value_or(""))
      .bind(7, in.function.value_or(""))
      .bind(8, propertiesJson(props))
      .bind(9, stringsJson(regulatory));
  if (in.deadline && *in.deadline) st.bind(10, **in.deadline); else st.bindNull(10);
  st.bind(11, visibility).bind(12, now);
  if (actor.userId) st.bind(13, actor.userId); else st.bindNull(13);
  st.bind(14, now).bind(15, id).run();
  writeAudience(c, id, audience);
  if (in.structure && *in.structure) writeStructures(c, id, &**in.structure);
  audit(c, clock, actor, "create", id, std::nullopt);
  return requireNeed(c, Principal::system("need store"), id);
}

Need updateNeed(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                const NeedInput& in) {
  Need need = requireNeed(c, actor, id);
  requireOwnerOrAdmin(actor, need);
  if (in.partnerId && *in.partnerId != need.partnerId) {
    throw invalidArgument("a need keeps the partner who posted it", {{"field", "partner"}});
  }
  bool onlyDisclosure = !in.title && !in.statement && !in.sector && !in.function &&
                        !in.properties && !in.regulatory && !in.deadline && !in.structure &&
                        !in.visibility && !in.audience && !in.company;
  if (need.status == "closed" && !onlyDisclosure) {
    throw failedPrecondition(need.code() + " is closed; reopen it to change it",
                             {{"field", "status"}});
  }
  checkText(in.title, "title", 200, true);
  checkText(in.statement, "statement", 20000, true);
  checkText(in.company, "company", 200, false);
  checkVocabulary(in.sector, sectors(), "sector", true);
  checkVocabulary(in.function, functions(), "function", true);
  std::optional<std::vector<NeedProperty>> props = in.properties;
  if (props) checkProperties(*props);
  std::optional<std::vector<std::string>> regulatory = in.regulatory;
  if (regulatory) checkRegulatory(*regulatory);
  checkDeadline(in.deadline);
  std::string visibility = in.visibility.value_or(need.visibility);
  if (visibility != "public" && visibility != "cluster" && visibility != "named") {
    throw invalidArgument("visibility must be public, cluster (every start-up) or named",
                          {{"field", "visibility"}});
  }
  std::vector<std::int64_t> audience;
  bool audienceChanged = in.visibility || in.audience;
  if (audienceChanged) audience = checkedAudience(c, visibility, in.audience.value_or(need.audience));
  if (in.structure && *in.structure) checkCriterion(**in.structure);

  auto before = snapshotRow(c, "needs", id);
  std::string sql = "UPDATE needs SET updated_at = ?";
  if (in.title) sql += ", title = ?";
  if (in.statement) sql += ", statement = ?";
  if (in.company) sql += ", company = ?";
  if (in.companyDisclosed) sql += ", company_disclosed = ?";
  if (in.sector) sql += ", sector = ?";
  if (in.function) sql += ", function = ?";
  if (props) sql += ", properties = ?";
  if (regulatory) sql += ", regulatory = ?";
  if (in.deadline) sql += ", deadline = ?";
  if (in.visibility) sql += ", visibility = ?";
  sql += " WHERE id = ?";
  Statement st(c, sql);
  int i = 1;
  st.bind(i++, clock.nowIso());
  if (in.title) st.bind(i++, trimmed(*in.title));
  if (in.statement) st.bind(i++, *in.statement);
  if (in.company) st.bind(i++, trimmed(*in.company));
  if (in.companyDisclosed) st.bind(i++, *in.companyDisclosed ? 1 : 0);
  if (in.sector) st.bind(i++, *in.sector);
  if (in.function) st.bind(i++, *in.function);
  if (props) st.bind(i++, propertiesJson(*props));
  if (regulatory) st.bind(i++, stringsJson(*regulatory));
  if (in.deadline) {
    if (*in.deadline) st.bind(i++, **in.deadline); else st.bindNull(i++);
  }
  if (in.visibility) st.bind(i++, *in.visibility);
  st.bind(i++, id).run();
  if (audienceChanged) writeAudience(c, id, audience);
  if (in.structure) writeStructures(c, id, *in.structure ? &**in.structure : nullptr);
  audit(c, clock, actor, "update", id, before);
  return requireNeed(c, actor, id);
}

Need closeNeed(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
               const std::string& outcome, std::optional<std::int64_t> responseId,
               const std::string& note) {
  Need need = requireNeed(c, actor, id);
  requireOwnerOrAdmin(actor, need);
  if (need.status == "closed") {
    throw failedPrecondition(need.code() + " is already closed", {{"field", "status"}});
  }
  if (outcome != "solution_found" && outcome != "no_suitable_proposal" &&
      outcome != "solved_elsewhere" && outcome != "withdrawn") {
    throw invalidArgument(
        "outcome must be solution_found, no_suitable_proposal, solved_elsewhere or withdrawn",
        {{"field", "outcome"}});
  }
  if (note.size() > 5000) {
    throw invalidArgument("outcome_note has at most 5000 characters", {{"field", "outcome_note"}});
  }
  if (responseId) {
    if (outcome != "solution_found") {
      throw invalidArgument("only the outcome solution_found names a chosen response",
                            {{"field", "response"}});
    }
    Statement st(c, "SELECT status FROM need_responses WHERE id = ? AND need_id = ?");
    st.bind(1, *responseId).bind(2, id);
    if (!st.step()) {
      throw invalidArgument(responseCode(*responseId) + " is not a response to " + need.code(),
                            {{"field", "response"}});
    }
    if (st.getText(0) == "withdrawn") {
      throw failedPrecondition(responseCode(*responseId) + " was withdrawn by its start-up",
                               {{"field", "response"}});
    }
  }
  auto before = snapshotRow(c, "needs", id);
  std::string now = clock.nowIso();
  Statement st(c,
               "UPDATE needs SET status = 'closed', outcome = ?, outcome_response_id = ?,"
               " outcome_note = ?, closed_at = ?, updated_at = ? WHERE id = ?");
  st.bind(1, outcome).bind(2, responseId).bind(3, trimmed(note)).bind(4, now).bind(5, now)
      .bind(6, id).run();
  if (responseId) {
    auto rBefore = snapshotRow(c, "need_responses", *responseId);
    Statement sel(c, "UPDATE need_responses SET status = 'selected', updated_at = ? WHERE id = ?");
    sel.bind(1, now).bind(2, *responseId).run();
    appendAudit(c, clock, actor,
                {"select", "need_response", responseCode(*responseId), rBefore,
                 snapshotRow(c, "need_responses", *responseId), std::nullopt});
  }
  audit(c, clock, actor, "close", id, before, note.empty() ? std::nullopt : std::optional(note));
  return requireNeed(c, actor, id);
}

Need reopenNeed(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id) {
  Need need = requireNeed(c, actor, id);
  requireOwnerOrAdmin(actor, need);
  if (need.status == "open") return need;
  auto before = snapshotRow(c, "needs", id);
  Statement st(c,
               "UPDATE needs SET status = 'open', outcome = NULL, outcome_response_id = NULL,"
               " outcome_note = '', closed_at = NULL, updated_at = ? WHERE id = ?");
  st.bind(1, clock.nowIso()).bind(2, id).run();
  if (need.outcomeResponseId) {
    Statement back(c,
                   "UPDATE need_responses SET status = 'shortlisted' WHERE id = ? AND"
                   " status = 'selected'");
    back.bind(1, *need.outcomeResponseId).run();
  }
  audit(c, clock, actor, "reopen", id, before);
  return requireNeed(c, actor, id);
}

std::optional<Need> findNeed(Connection& c, const Principal& viewer, std::int64_t id) {
  std::optional<Need> need;
  {
    Statement st(c, std::string("SELECT ") + kColumns + kFrom + " WHERE n.id = ? AND " +
                        needSql(viewer, "n"));
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    need = readNeed(st);
  }
  loadAudience(c, *need);
  loadStructures(c, *need);
  return need;
}

Need requireNeed(Connection& c, const Principal& viewer, std::int64_t id) {
  auto need = findNeed(c, viewer, id);
  if (!need) throw notFound("no need " + needCode(id));
  return *need;
}

NeedPage listNeeds(Connection& c, const Principal& viewer, const NeedFilter& filter,
                   std::int64_t page, std::int64_t pageSize) {
  if (page < 0) throw invalidArgument("page starts at 0", {{"field", "page"}});
  if (pageSize < 1 || pageSize > 200) {
    throw invalidArgument("page_size must be 1..200", {{"field", "page_size"}});
  }
  if (filter.status && *filter.status != "open" && *filter.status != "closed") {
    throw invalidArgument("status must be open or closed", {{"field", "status"}});
  }
  checkVocabulary(filter.sector, sectors(), "sector", false);
  checkVocabulary(filter.function, functions(), "function", false);
  std::string where = " WHERE " + needSql(viewer, "n");
  if (filter.status) where += " AND n.status = ?";
  if (filter.sector) where += " AND n.sector = ?";
  if (filter.function) where += " AND n.function = ?";
  if (filter.mine) where += " AND n.partner_id = " + std::to_string(viewer.userId);
  if (filter.text) where += " AND (n.title LIKE ? ESCAPE '\\' OR n.statement LIKE ? ESCAPE '\\')";
  auto bindAll = [&](Statement& st) {
    int i = 1;
    if (filter.status) st.bind(i++, *filter.status);
    if (filter.sector) st.bind(i++, *filter.sector);
    if (filter.function) st.bind(i++, *filter.function);
    if (filter.text) {
      std::string pattern = "%";
      for (char ch : *filter.text) {
        if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
        pattern += ch;
      }
      pattern += "%";
      st.bind(i++, pattern);
      st.bind(i++, pattern);
    }
  };
  NeedPage out;
  {
    Statement st(c, "SELECT COUNT(*) FROM needs n" + where);
    bindAll(st);
    st.step();
    out.total = st.getInt(0);
  }
  Statement st(c, std::string("SELECT ") + kColumns + kFrom + where +
                      " ORDER BY n.status = 'closed', n.created_at DESC, n.id DESC LIMIT " +
                      std::to_string(pageSize) + " OFFSET " + std::to_string(page * pageSize));
  bindAll(st);
  while (st.step()) out.items.push_back(readNeed(st));
  for (auto& n : out.items) loadAudience(c, n);
  return out;
}

std::vector<Need> openNeedsForMatching(Connection& c) {
  std::vector<Need> out;
  {
    Statement st(c, std::string("SELECT ") + kColumns + kFrom +
                        " WHERE n.status = 'open' ORDER BY n.id");
    while (st.step()) out.push_back(readNeed(st));
  }
  for (auto& n : out) {
    loadAudience(c, n);
    loadStructures(c, n);
  }
  return out;
}

std::vector<std::int64_t> startUpUserIds(Connection& c, std::int64_t startUpId) {
  Statement st(c,
               "SELECT id FROM users WHERE start_up_id = ? AND role IN ('lead', 'member') AND"
               " disabled_at IS NULL ORDER BY id");
  st.bind(1, startUpId);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.getInt(0));
  return out;
}

std::vector<std::int64_t> existingStartUps(Connection& c, const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> out;
  for (auto id : ids) {
    Statement st(c, "SELECT 1 FROM start_ups WHERE id = ?");
    st.bind(1, id);
    if (st.step()) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string startUpName(Connection& c, std::int64_t startUpId) {
  Statement st(c, "SELECT name FROM start_ups WHERE id = ?");
  st.bind(1, startUpId);
  return st.step() ? st.getText(0) : "";
}

}  // namespace argan::db
