#include "db/compound_search.h"

#include <algorithm>
#include <unordered_map>

#include "common/error.h"

namespace argan::db {
namespace {

const char* layerColumn(ExactLayer layer) {
  switch (layer) {
    case ExactLayer::FullHash: return "c.full_hash";
    case ExactLayer::NoStereo: return "c.no_stereo_smiles";
    case ExactLayer::Tautomer: return "c.tautomer_hash";
    case ExactLayer::NoStereoTautomer: return "c.no_stereo_tautomer_hash";
    case ExactLayer::InchiKey:
    case ExactLayer::InchiKeySkeleton: return "c.inchikey";
    case ExactLayer::Skeleton: return "c.skeleton";
  }
  return "c.full_hash";
}

// Appends the filter's conditions to `where`, and returns the values to bind, in order.
struct Bindings {
  std::vector<std::int64_t> ints;  // interleaved below through `order`
  std::vector<double> doubles;
  std::vector<std::string> texts;
  std::vector<char> order;  // 'i', 'd', 't'
  void addInt(std::int64_t v) { ints.push_back(v); order.push_back('i'); }
  void addDouble(double v) { doubles.push_back(v); order.push_back('d'); }
  void addText(std::string v) { texts.push_back(std::move(v)); order.push_back('t'); }
  int bindAll(Statement& st) const {
    int index = 1;
    std::size_t i = 0, d = 0, t = 0;
    for (char kind : order) {
      if (kind == 'i') st.bind(index++, ints[i++]);
      if (kind == 'd') st.bind(index++, doubles[d++]);
      if (kind == 't') st.bind(index++, texts[t++]);
    }
    return index;
  }
};

std::string filterSql(const CompoundSearchFilter& f, Bindings& b) {
  std::string where;
  if (!f.includeRetired) where += " AND c.retired_at IS NULL";
  if (!f.startUps.empty()) {
    where += " AND c.start_up_id IN (";
    for (std::size_t i = 0; i < f.startUps.size(); ++i) {
      where += i ? ",?" : "?";
      b.addInt(f.startUps[i]);
    }
    where += ")";
  }
  if (f.visibility) {
    where += " AND c.visibility = ?";
    b.addText(*f.visibility);
  }
  if (f.mwMin) {
    where += " AND c.mw >= ?";
    b.addDouble(*f.mwMin);
  }
  if (f.mwMax) {
    where += " AND c.mw <= ?";
    b.addDouble(*f.mwMax);
  }
  if (f.compoundIds) {
    // Integers only, written as literals (a bound list would need one parameter each).
    where += " AND c.id IN (";
    for (std::size_t i = 0; i < f.compoundIds->size(); ++i) {
      if (i) where += ",";
      where += std::to_string((*f.compoundIds)[i]);
    }
    where += ")";
  }
  return where;
}

}  // namespace

bool tableExists(Connection& c, const std::string& table) {
  Statement st(c, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?");
  st.bind(1, table);
  return st.step();
}

CompoundPage findCompoundsByLayer(Connection& c, const Principal& viewer, ExactLayer layer,
                                  const std::string& value, const CompoundSearchFilter& filter,
                                  std::int64_t page, std::int64_t pageSize) {
  if (page < 0) throw invalidArgument("page must be 0 or more", {{"field", "page"}});
  if (pageSize < 1 || pageSize > 500) {
    throw invalidArgument("page_size must be between 1 and 500", {{"field", "page_size"}});
  }
  Bindings b;
  std::string where = " WHERE " + visibleSql(viewer, "c") + " AND ";
  if (layer == ExactLayer::InchiKey || layer == ExactLayer::InchiKeySkeleton) {
    // The parent's key, the key of a form (the salt or solvate as stored) or of a submitted
    // structure as drawn, of a batch the viewer may see. The skeleton is the first block of
    // the key, then '-': an index range.
    const bool range = layer == ExactLayer::InchiKeySkeleton;
    auto match = [&](const std::string& column) {
      if (range) {
        b.addText(value + "-");
        b.addText(value + ".");
        return column + " >= ? AND " + column + " < ?";
      }
      b.addText(value);
      return column + " = ?";
    };
    where += "(" + match("c.inchikey") +
             " OR EXISTS (SELECT 1 FROM batch_records br JOIN compound_forms f"
             " ON f.id = br.form_id WHERE br.compound_id = c.id AND ((" +
             match("f.inchikey") + ") OR (" + match("br.submitted_inchikey") + ")) AND " +
             visibleSql(viewer, "br") + "))";
  } else {
    where += std::string(layerColumn(layer)) + " = ?";
    b.addText(value);
  }
  where += filterSql(filter, b);
  CompoundPage result;
  {
    Statement count(c, "SELECT COUNT(*) FROM compounds c" + where);
    b.bindAll(count);
    count.step();
    result.total = count.getInt(0);
  }
  Statement st(c, std::string("SELECT ") + compoundColumnsSql() + " FROM compounds c" + where +
                      " ORDER BY c.id LIMIT ? OFFSET ?");
  int next = b.bindAll(st);
  st.bind(next, pageSize).bind(next + 1, page * pageSize);
  while (st.step()) result.items.push_back(readCompoundRow(st));
  return result;
}

std::vector<Compound> loadCompounds(Connection& c, const Principal& viewer,
                                    const std::vector<std::int64_t>& ids) {
  std::unordered_map<std::int64_t, Compound> found;
  const std::size_t batch = 200;
  for (std::size_t start = 0; start < ids.size(); start += batch) {
    std::size_t end = std::min(ids.size(), start + batch);
    std::string sql = std::string("SELECT ") + compoundColumnsSql() +
                      " FROM compounds c WHERE " + visibleSql(viewer, "c") + " AND c.id IN (";
    for (std::size_t i = start; i < end; ++i) sql += i > start ? ",?" : "?";
    sql += ")";
    Statement st(c, sql);
    for (std::size_t i = start; i < end; ++i) st.bind(static_cast<int>(i - start + 1), ids[i]);
    while (st.step()) {
      Compound compound = readCompoundRow(st);
      std::int64_t id = compound.id;
      found.emplace(id, std::move(compound));
    }
  }
  std::vector<Compound> out;
  out.reserve(found.size());
  for (std::int64_t id : ids) {
    auto it = found.find(id);
    if (it != found.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace argan::db
