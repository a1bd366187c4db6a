#include "db/need_match_store.h"

#include <cctype>

namespace argan::db {

std::vector<ProductMatchCandidate> productMatchCandidates(Connection& c, const Principal& viewer,
                                                          std::optional<std::int64_t> startUpId) {
  std::string sql =
      "SELECT p.id, p.start_up_id, p.visibility,"
      " CASE p.catalogue_name WHEN '' THEN p.name ELSE p.catalogue_name END, p.compound_id,"
      " p.name || ' ' || p.catalogue_name || ' ' || p.description || ' ' ||"
      "  p.catalogue_summary || ' ' || p.intended_uses || ' ' ||"
      "  COALESCE((SELECT group_concat(pc.function || ' ' || pc.name, ' ')"
      "   FROM product_components pc WHERE pc.product_id = p.id), '')"
      " FROM products p WHERE p.retired_at IS NULL AND " +
      visibleSql(viewer, "p");
  if (startUpId) sql += " AND p.start_up_id = " + std::to_string(*startUpId);
  sql += " ORDER BY p.id";
  std::vector<ProductMatchCandidate> out;
  {
    Statement st(c, sql);
    while (st.step()) {
      ProductMatchCandidate p;
      p.id = st.getInt(0);
      p.startUpId = st.getInt(1);
      p.visibility = st.getText(2);
      p.label = st.getText(3);
      if (auto compound = st.getOptionalInt(4)) p.compoundIds.push_back(*compound);
      p.text = st.getText(5);
      for (auto& ch : p.text) {
        if (static_cast<unsigned char>(ch) < 0x80) {
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
      }
      out.push_back(std::move(p));
    }
  }
  for (auto& p : out) {
    Statement st(c,
                 "SELECT compound_id FROM product_components WHERE product_id = ? AND"
                 " compound_id IS NOT NULL ORDER BY position");
    st.bind(1, p.id);
    while (st.step()) p.compoundIds.push_back(st.getInt(0));
  }
  return out;
}

std::vector<Visibility> compoundVisibilities(Connection& c, const std::vector<std::int64_t>& ids) {
  std::vector<Visibility> out;
  for (auto id : ids) {
    Statement st(c, "SELECT visibility FROM compounds WHERE id = ?");
    st.bind(1, id);
    out.push_back(st.step() ? parseVisibility(st.getText(0)).value_or(Visibility::StartUp)
                            : Visibility::StartUp);
  }
  return out;
}

std::int64_t newestAuditEntryId(Connection& c) {
  return c.queryInt("SELECT COALESCE(MAX(id), 0) FROM audit_log").value_or(0);
}

std::vector<std::int64_t> allStartUpIds(Connection& c) {
  std::vector<std::int64_t> ids;
  Statement st(c, "SELECT id FROM start_ups ORDER BY id");
  while (st.step()) ids.push_back(st.getInt(0));
  return ids;
}

}  // namespace argan::db
