// Record histories from the audit trail, for any kind of record, in one call:
//
//   addHistoryEndpoint(router, "/api/routes/{id}/history", "a route's history",
//                   [](RequestContext& ctx) {
//                     Endpoint r = visibleRoute(ctx, ctx.param("id"));   // 404 if not visible
//                     return HistorySubject{{{"route", r.code()}}, r.startUpId};
//                   });
//
// The resolver finds the record *as the caller sees it* and throws NotFound otherwise (so a
// hidden record's history answers 404 exactly like a missing one). The answer:
//   {"record": {"type", "id"}, "items": [{"id", "at", "actor": {"id", "label", "name"}, "action",
//    "record_type", "record_id", "before", "after", "reason", "hash"}], "total"}
// oldest first; before/after are the row snapshots (JSON) or null. Actor labels carry the
// e-mail only for administrators and members of the owning start-up, and for them "name" is
// the person's display name today (the e-mail when they have none), null for the others;
// entry ids (which count every audited action of the cluster) only for administrators, null
// for everyone else.
#pragma once

#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/audit.h"
#include "server/http/router.h"

namespace argan::server {

struct HistorySubject {
  std::vector<db::AuditRecordKey> records = {};               // the first names the subject
  std::optional<std::int64_t> ownerStartUpId = std::nullopt;  // the owning start-up, if any
  // Called on every before/after snapshot (parsed JSON) with the entry's record type before
  // it is answered, to remove what this viewer may not see; none when empty.
  std::function<void(const std::string& recordType, Poco::Dynamic::Var& snapshot)> redact = {};
};

using HistoryResolver = std::function<HistorySubject(RequestContext&)>;

// Adds GET `pattern` answering the history of the record `resolve` finds.
void addHistoryEndpoint(Router& router, const std::string& pattern, const std::string& summary,
                     HistoryResolver resolve, Access access = Access::Public);

// The history body for entries already loaded; `names` maps actor ids to display names.
Poco::JSON::Object::Ptr historyJson(const HistorySubject& subject,
                                    const std::vector<db::AuditEntry>& entries,
                                    const db::Principal& viewer,
                                    const std::map<std::int64_t, std::string>& names = {});

// Display names (the e-mail when a person has none) of the given user ids, for actor labels.
std::map<std::int64_t, std::string> userDisplayNames(db::Connection& c,
                                                     const std::vector<std::int64_t>& ids);

}  // namespace argan::server
