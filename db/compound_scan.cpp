#include "db/compound_scan.h"

namespace argan::db {
namespace {

// The index needs no hash; the comparison adds it as a ninth column.
constexpr const char* kScanColumns =
    "id, start_up_id, visibility, retired_at IS NOT NULL, mw, morgan_fp, pattern_fp, mol_pickle";

void emitRows(Statement& st, const std::function<void(const CompoundScanRow&)>& fn) {
  const bool withHash = st.columnCount() > 8;
  const bool withCreated = st.columnCount() > 9;
  while (st.step()) {
    CompoundScanRow row;
    row.id = st.getInt(0);
    row.startUpId = st.getInt(1);
    row.visibility = st.getBlobView(2);
    row.retired = st.getInt(3) != 0;
    row.mw = st.getDouble(4);
    row.morganFp = st.getBlobView(5);
    row.patternFp = st.getBlobView(6);
    row.pickle = st.getBlobView(7);
    if (withHash) row.fullHash = st.getBlobView(8);
    if (withCreated) row.createdAt = st.getBlobView(9);
    fn(row);
  }
}

}  // namespace

void scanCompounds(Connection& c, std::int64_t afterId,
                   const std::function<void(const CompoundScanRow&)>& fn) {
  Statement st(c, std::string("SELECT ") + kScanColumns +
                      " FROM compounds WHERE id > ? ORDER BY id");
  st.bind(1, afterId);
  emitRows(st, fn);
}

void scanLiveCompounds(Connection& c, const std::vector<std::int64_t>& startUps,
                       std::size_t limit, const std::function<void(const CompoundScanRow&)>& fn,
                       const ReadScope* scope) {
  std::string sql = std::string("SELECT ") + kScanColumns +
                    ", full_hash, created_at FROM compounds WHERE retired_at IS NULL";
  if (scope) sql += " AND " + scope->sql("start_up_id", "visibility");
  if (!startUps.empty()) {
    sql += " AND start_up_id IN (";
    for (std::size_t i = 0; i < startUps.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY id LIMIT ?";
  Statement st(c, sql);
  int index = 1;
  for (std::int64_t id : startUps) st.bind(index++, id);
  st.bind(index, static_cast<std::int64_t>(limit));
  emitRows(st, fn);
}

std::string compoundsWatermark(Connection& c) {
  return c.queryText("SELECT MAX(updated_at) FROM compounds").value_or("");
}

void scanChangedCompounds(Connection& c, const std::string& since, std::int64_t maxId,
                          const std::function<void(const CompoundFlagsRow&)>& fn) {
  // "+id": the id bound must not be used as the search key (SQLite would then walk every
  // row below it, a full scan per search); the updated_at index finds the few changed rows.
  Statement st(c,
               "SELECT id, visibility, retired_at IS NOT NULL, updated_at FROM compounds"
               " WHERE updated_at >= ? AND +id <= ?");
  st.bind(1, since).bind(2, maxId);
  while (st.step()) {
    CompoundFlagsRow row;
    row.id = st.getInt(0);
    row.visibility = st.getBlobView(1);
    row.retired = st.getInt(2) != 0;
    row.updatedAt = st.getBlobView(3);
    fn(row);
  }
}

std::int64_t countCompounds(Connection& c) {
  Statement st(c, "SELECT count(*) FROM compounds");
  st.step();
  return st.getInt(0);
}

std::int64_t countCompoundsAfter(Connection& c, std::int64_t id) {
  Statement st(c, "SELECT count(*) FROM compounds WHERE id > ?");
  st.bind(1, id);
  st.step();
  return st.getInt(0);
}

std::vector<std::string> fullHashesOf(Connection& c, const std::vector<std::int64_t>& ids) {
  std::vector<std::string> out;
  Statement st(c, "SELECT full_hash FROM compounds WHERE id = ?");
  for (std::int64_t id : ids) {
    st.reset();
    st.bind(1, id);
    out.push_back(st.step() ? st.getText(0) : std::string());
  }
  return out;
}

std::int64_t schemaVersion(Connection& c) {
  Statement st(c, "SELECT coalesce(max(version), 0) FROM schema_version");
  st.step();
  return st.getInt(0);
}

std::int64_t searchIndexGeneration(Connection& c) {
  Statement st(c, "SELECT generation FROM search_index_generation WHERE id = 1");
  return st.step() ? st.getInt(0) : 0;
}

}  // namespace argan::db
