#include "db/compound_names.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

constexpr std::size_t kMaxNameLength = 300;
constexpr std::size_t kMaxSynonyms = 50;
constexpr std::size_t kMaxExternalIds = 20;

void checkText(const std::string& value, std::size_t max, const std::string& field,
               const std::string& what) {
  if (value.empty() || value.size() > max) {
    throw invalidArgument(what + " must be 1 to " + std::to_string(max) + " characters",
                          {{"field", field}});
  }
  for (unsigned char ch : value) {
    if (ch < 0x20 || ch == 0x7f) {
      throw invalidArgument(what + " must not contain control characters", {{"field", field}});
    }
  }
}

std::string namesJson(Connection& c, std::int64_t compoundId) {
  CompoundNames n = loadCompoundNames(c, compoundId);
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("name", n.name);
  if (n.cas)
    o.set("cas", *n.cas);
  else
    o.set("cas", Poco::Dynamic::Var());
  Poco::JSON::Array synonyms;
  for (const auto& s : n.synonyms) synonyms.add(s);
  o.set("synonyms", synonyms);
  Poco::JSON::Array ids;
  for (const auto& [source, value] : n.externalIds) {
    Poco::JSON::Object id(Poco::JSON_PRESERVE_KEY_ORDER);
    id.set("source", source);
    id.set("value", value);
    ids.add(id);
  }
  o.set("external_ids", ids);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

bool isInchiKeyText(const std::string& s) {
  auto block = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i) {
      if (i >= s.size() || !std::isupper(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  };
  if (s.size() == 14) return block(0, 14);
  return s.size() == 27 && s[14] == '-' && s[25] == '-' && block(0, 14) && block(15, 10) &&
         block(26, 1);
}

}  // namespace

bool isValidCas(const std::string& cas) {
  const std::size_t first = cas.find('-');
  const std::size_t second = first == std::string::npos ? first : cas.find('-', first + 1);
  if (first == std::string::npos || second == std::string::npos || first < 2 || first > 7 ||
      second != first + 3 || cas.size() != second + 2) {
    return false;
  }
  std::string digits;
  for (std::size_t i = 0; i < cas.size(); ++i) {
    if (i == first || i == second) continue;
    if (!std::isdigit(static_cast<unsigned char>(cas[i]))) return false;
    digits.push_back(cas[i]);
  }
  const int check = digits.back() - '0';
  int sum = 0;
  int position = 1;
  for (std::size_t k = digits.size() - 1; k-- > 0; ++position) {
    sum += (digits[k] - '0') * position;
  }
  return sum % 10 == check;
}

std::string normaliseName(const std::string& name) {
  std::string out;
  bool gap = false;
  for (unsigned char ch : name) {
    if (std::isalnum(ch) || ch >= 0x80) {  // letters and digits; UTF-8 bytes kept as they are
      if (gap && !out.empty()) out.push_back(' ');
      gap = false;
      out.push_back(static_cast<char>(std::tolower(ch)));
    } else {
      gap = true;
    }
  }
  return out;
}

void validateCompoundNames(const CompoundNames& n) {
  if (!n.name.empty()) checkText(n.name, kMaxNameLength, "name", "a name");
  if (n.synonyms.size() > kMaxSynonyms) {
    throw invalidArgument("at most " + std::to_string(kMaxSynonyms) + " synonyms",
                          {{"field", "synonyms"}});
  }
  for (const auto& s : n.synonyms) checkText(s, kMaxNameLength, "synonyms", "a synonym");
  if (n.cas && !isValidCas(*n.cas)) {
    throw invalidArgument("'" + n.cas->substr(0, 40) +
                              "' is not a CAS Registry Number (digits-dd-d with a correct "
                              "check digit)",
                          {{"field", "cas"}});
  }
  if (n.externalIds.size() > kMaxExternalIds) {
    throw invalidArgument("at most " + std::to_string(kMaxExternalIds) + " external identifiers",
                          {{"field", "external_ids"}});
  }
  for (const auto& [source, value] : n.externalIds) {
    checkText(source, 40, "external_ids", "an identifier's source");
    checkText(value, 100, "external_ids", "an identifier's value");
  }
}

void supersedeCompound(Connection& c, const Clock& clock, const Principal& actor,
                       std::int64_t fromId, std::int64_t intoId, const std::string& reason) {
  if (reason.empty() || reason.size() > 2000) {
    throw invalidArgument("merging needs a reason (1 to 2000 characters)", {{"field", "reason"}});
  }
  if (fromId == intoId) throw failedPrecondition("a parent cannot be merged into itself");
  auto state = [&](std::int64_t id) {
    Statement st(c, "SELECT start_up_id, retired_at FROM compounds WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) throw notFound("no compound " + compoundCode(id));
    if (!st.isNull(1)) throw failedPrecondition(compoundCode(id) + " is retired");
    return st.getInt(0);
  };
  if (state(fromId) != state(intoId)) {
    throw failedPrecondition("only parents of the same start-up can be merged");
  }
  auto before = snapshotRow(c, "compounds", fromId);
  const std::string now = clock.nowIso();
  Statement st(c,
               "UPDATE compounds SET retired_at = ?, retired_reason = ?, superseded_by = ?,"
               " updated_at = ? WHERE id = ?");
  st.bind(1, now)
      .bind(2, "merged into " + compoundCode(intoId) + ": " + reason)
      .bind(3, intoId)
      .bind(4, now)
      .bind(5, fromId)
      .run();
  appendAudit(c, clock, actor,
              {"merge", "compound", compoundCode(fromId), before,
               snapshotRow(c, "compounds", fromId), reason});
}

void fillMissingInchiKeys(Connection& c, std::int64_t formId, const std::string& formKey,
                          std::int64_t batchId, const std::string& submittedKey) {
  if (batchId && !submittedKey.empty()) {
    Statement st(
        c, "UPDATE batches SET submitted_inchikey = ? WHERE id = ? AND submitted_inchikey = ''");
    st.bind(1, submittedKey).bind(2, batchId).run();
  }
  if (formId && !formKey.empty()) {
    Statement st(c, "UPDATE compound_forms SET inchikey = ? WHERE id = ? AND inchikey = ''");
    st.bind(1, formKey).bind(2, formId).run();
  }
}

CompoundNames loadCompoundNames(Connection& c, std::int64_t compoundId) {
  CompoundNames n;
  {
    Statement st(c, "SELECT name, cas FROM compounds WHERE id = ?");
    st.bind(1, compoundId);
    if (!st.step()) throw notFound("no compound " + compoundCode(compoundId));
    n.name = st.getText(0);
    n.cas = st.getOptionalText(1);
  }
  {
    Statement st(c, "SELECT synonym FROM compound_synonyms WHERE compound_id = ? ORDER BY id");
    st.bind(1, compoundId);
    while (st.step()) n.synonyms.push_back(st.getText(0));
  }
  {
    Statement st(c,
                 "SELECT source, value FROM compound_external_ids WHERE compound_id = ?"
                 " ORDER BY id");
    st.bind(1, compoundId);
    while (st.step()) n.externalIds.emplace_back(st.getText(0), st.getText(1));
  }
  return n;
}

bool mergeCompoundNames(Connection& c, const Clock& clock, const Principal& actor,
                        std::int64_t compoundId, const CompoundNames& names) {
  validateCompoundNames(names);
  if (names.empty()) return false;
  CompoundNames current = loadCompoundNames(c, compoundId);
  if (names.cas && current.cas && *names.cas != *current.cas) {
    throw alreadyExists(compoundCode(compoundId) + " already has the CAS number " + *current.cas +
                            ", not " + *names.cas,
                        {{"field", "cas"}, {"compound", compoundCode(compoundId)}});
  }
  const std::string before = namesJson(c, compoundId);
  const std::string now = clock.nowIso();
  std::vector<std::string> synonyms = names.synonyms;
  if (!names.name.empty()) {
    if (current.name.empty()) {
      Statement st(c, "UPDATE compounds SET name = ?, updated_at = ? WHERE id = ?");
      st.bind(1, names.name).bind(2, now).bind(3, compoundId).run();
    } else if (normaliseName(current.name) != normaliseName(names.name)) {
      synonyms.insert(synonyms.begin(), names.name);  // another name: kept as a synonym
    }
  }
  if (names.cas && !current.cas) {
    Statement st(c, "UPDATE compounds SET cas = ?, updated_at = ? WHERE id = ?");
    st.bind(1, *names.cas).bind(2, now).bind(3, compoundId).run();
  }
  const std::string nameKey = normaliseName(current.name.empty() ? names.name : current.name);
  for (const auto& s : synonyms) {
    const std::string key = normaliseName(s);
    if (key.empty() || key == nameKey) continue;
    Statement st(c,
                 "INSERT OR IGNORE INTO compound_synonyms(compound_id, synonym, normalised,"
                 " created_at) VALUES (?,?,?,?)");
    st.bind(1, compoundId).bind(2, s).bind(3, key).bind(4, now).run();
  }
  for (const auto& [source, value] : names.externalIds) {
    Statement st(c,
                 "INSERT OR IGNORE INTO compound_external_ids(compound_id, source, value,"
                 " created_at) VALUES (?,?,?,?)");
    st.bind(1, compoundId).bind(2, source).bind(3, value).bind(4, now).run();
  }
  const std::string after = namesJson(c, compoundId);
  if (after == before) return false;
  appendAudit(c, clock, actor,
              {"name", "compound", compoundCode(compoundId), before, after, std::nullopt});
  return true;
}

CompoundPage searchCompoundsByText(Connection& c, const Principal& viewer, const std::string& text,
                                   std::int64_t page, std::int64_t pageSize,
                                   const CompoundFilter& filter) {
  if (page < 0) throw invalidArgument("page must be 0 or more", {{"field", "page"}});
  if (pageSize < 1 || pageSize > 500) {
    throw invalidArgument("page_size must be between 1 and 500", {{"field", "page_size"}});
  }
  const std::string key = normaliseName(text);
  CompoundPage result;
  if (key.empty() && text.empty()) return result;
  std::string trimmed = text;
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
  std::string pattern;
  for (char ch : key) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
    pattern.push_back(ch);
  }
  pattern = "%" + pattern + "%";
  std::string upper = trimmed;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });

  std::vector<std::string> binds;
  std::string match = "(";
  std::vector<std::string> terms;
  if (!key.empty()) {
    // Names are matched on their normalised form: the name column is normalised on the fly
    // only by case (LIKE is case-insensitive for ASCII), synonyms by their stored key.
    std::string literal;
    for (char ch : trimmed) {
      if (ch == '%' || ch == '_' || ch == '\\') literal.push_back('\\');
      literal.push_back(ch);
    }
    terms.push_back("c.name LIKE ? ESCAPE '\\'");
    binds.push_back("%" + literal + "%");
    terms.push_back(
        "EXISTS (SELECT 1 FROM compound_synonyms s WHERE s.compound_id = c.id AND"
        " s.normalised LIKE ? ESCAPE '\\')");
    binds.push_back(pattern);
  }
  terms.push_back("c.cas = ?");
  binds.push_back(trimmed);
  terms.push_back("c.formula = ?");
  binds.push_back(trimmed);
  if (isInchiKeyText(upper)) {
    if (upper.size() == 27) {
      terms.push_back("c.inchikey = ?");
      binds.push_back(upper);
    } else {
      terms.push_back("(c.inchikey >= ? AND c.inchikey < ?)");
      binds.push_back(upper + "-");
      binds.push_back(upper + ".");
    }
  }
  const bool codeLike = upper.rfind("CMP-", 0) == 0;
  if (auto code = codeLike ? parseCode(trimmed) : std::nullopt) {
    terms.push_back("c.id = " + std::to_string(code->compoundId));
  }
  for (std::size_t i = 0; i < terms.size(); ++i) match += (i ? " OR " : "") + terms[i];
  match += ")";
  std::string where =
      " WHERE " + visibleSql(viewer, "c") + " AND c.retired_at IS NULL AND " + match;
  if (filter.visibility) {
    where += " AND c.visibility = ?";
    binds.push_back(*filter.visibility);
  }
  if (filter.startUpId) where += " AND c.start_up_id = " + std::to_string(*filter.startUpId);
  if (filter.mwMin) where += " AND c.mw >= ?";
  if (filter.mwMax) where += " AND c.mw <= ?";
  auto bindAll = [&](Statement& st) {
    int i = 1;
    for (const auto& b : binds) st.bind(i++, b);
    if (filter.mwMin) st.bind(i++, *filter.mwMin);
    if (filter.mwMax) st.bind(i++, *filter.mwMax);
    return i;
  };
  {
    Statement count(c, "SELECT COUNT(*) FROM compounds c" + where);
    bindAll(count);
    count.step();
    result.total = count.getInt(0);
  }
  Statement st(c, std::string("SELECT ") + compoundColumnsSql() + " FROM compounds c" + where +
                      " ORDER BY c.id DESC LIMIT ? OFFSET ?");
  int next = bindAll(st);
  st.bind(next, pageSize).bind(next + 1, page * pageSize);
  while (st.step()) result.items.push_back(readCompoundRow(st));
  return result;
}

}  // namespace argan::db
