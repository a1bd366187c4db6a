#include "db/lifecycle.h"

#include "common/error.h"
#include "db/audit.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

void checkTableName(const std::string& table) {
  bool ok = !table.empty();
  for (char ch : table) ok = ok && ((ch >= 'a' && ch <= 'z') || ch == '_');
  if (!ok) throw internalError("invalid table name in a RecordRef: '" + table + "'");
}

void checkReason(const std::optional<std::string>& reason, bool required) {
  if (required && (!reason || reason->empty())) {
    throw invalidArgument("retiring needs a reason (1 to 2000 characters)", {{"field", "reason"}});
  }
  if (reason && reason->size() > 2000) {
    throw invalidArgument("the reason is longer than 2000 characters", {{"field", "reason"}});
  }
}

}  // namespace

int visibilityRank(Visibility v) {
  switch (v) {
    case Visibility::StartUp:
      return 0;
    case Visibility::Cluster:
      return 1;
    case Visibility::Public:
      return 2;
  }
  return 0;
}

VisibilityResult changeVisibility(Connection& c, const Clock& clock, const Principal& actor,
                                  const VisibilityChange& change) {
  const RecordRef& r = change.record;
  checkTableName(r.table);
  checkTableName(r.visibilityColumn);
  checkReason(change.reason, false);
  std::string current;
  bool retired = false;
  {
    Statement st(c, "SELECT " + r.visibilityColumn + ", " +
                        std::string(r.hasRetiredAt ? "retired_at IS NOT NULL" : "0") + " FROM " +
                        r.table + " WHERE id = ?");
    st.bind(1, r.id);
    if (!st.step()) throw notFound("no " + r.recordType + " " + r.recordId);
    current = st.getText(0);
    retired = st.getInt(1) != 0;
  }
  VisibilityResult result;
  result.from = parseVisibility(current).value_or(Visibility::StartUp);
  result.to = change.to;
  if (!canChangeVisibility(actor, r.ownerStartUpId, result.from, result.to)) {
    if (!actor.isAdmin() && !actor.belongsTo(r.ownerStartUpId)) {
      throw permissionDenied(
          "only the owning start-up and administrators may change the "
          "visibility of " +
              r.recordId,
          {{"field", "visibility"}, {"reason", "not_owner"}});
    }
    throw permissionDenied(
        "members may share " + r.recordId +
            " with the cluster or take that share back; publishing to the public catalogue "
            "(or withdrawing from it) is for the start-up's lead or an administrator",
        {{"field", "visibility"}, {"reason", "visibility_rule"}});
  }
  if (result.from == result.to) return result;  // nothing to do, nothing to audit
  const bool raising = visibilityRank(result.to) > visibilityRank(result.from);
  if (raising && retired) {
    throw failedPrecondition(r.recordId + " is retired; a retired record cannot be published",
                             {{"field", "visibility"}, {"reason", "retired"}});
  }
  if (raising && change.parentVisibility &&
      visibilityRank(result.to) > visibilityRank(*change.parentVisibility)) {
    throw failedPrecondition(r.recordId + " is seen only where " + change.parentRecordId +
                                 " is, which is '" + visibilityName(*change.parentVisibility) +
                                 "'; publish " + change.parentRecordId + " first",
                             {{"field", "visibility"},
                              {"parent", change.parentRecordId},
                              {"reason", "parent_visibility"}});
  }
  auto before = snapshotRow(c, r.table, r.id);
  Statement update(c, "UPDATE " + r.table + " SET " + r.visibilityColumn + " = ?" +
                          (r.hasUpdatedAt ? ", updated_at = ?" : "") + " WHERE id = ?");
  int i = 1;
  update.bind(i++, visibilityName(result.to));
  if (r.hasUpdatedAt) update.bind(i++, clock.nowIso());
  update.bind(i, r.id).run();
  appendAudit(
      c, clock, actor,
      {"publish", r.recordType, r.recordId, before, snapshotRow(c, r.table, r.id), change.reason});
  result.changed = true;
  return result;
}

void retireRecord(Connection& c, const Clock& clock, const Principal& actor, const RecordRef& r,
                  const std::string& reason) {
  checkTableName(r.table);
  checkReason(reason, true);
  if (!canWriteFor(actor, r.ownerStartUpId)) {
    throw permissionDenied("only members of the owning start-up and administrators may retire " +
                           r.recordId);
  }
  auto before = snapshotRow(c, r.table, r.id);
  if (!before) throw notFound("no " + r.recordType + " " + r.recordId);
  std::string now = clock.nowIso();
  Statement update(c, "UPDATE " + r.table + " SET retired_at = ?, retired_reason = ?" +
                          (r.hasUpdatedAt ? ", updated_at = ?" : "") +
                          " WHERE id = ? AND retired_at IS NULL");
  update.bind(1, now).bind(2, reason);
  if (r.hasUpdatedAt) update.bind(3, now);
  update.bind(r.hasUpdatedAt ? 4 : 3, r.id).run();
  if (c.changes() == 0) throw failedPrecondition(r.recordId + " is already retired", {{"reason", "retired"}});
  appendAudit(c, clock, actor,
              {"retire", r.recordType, r.recordId, before, snapshotRow(c, r.table, r.id), reason});
}

}  // namespace argan::db
