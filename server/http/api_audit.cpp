// GET /api/audit/verify (administrators): checks the audit trail (db::Database::verifyAudit):
// the keyed hash chain, the signed checkpoints kept outside the database, and the protected
// tables against the trail.
//   {"ok", "entries", "first_break": <entry id or null>, "reason"?, "legacy_entries",
//    "checkpoints", "records", "mismatches": [{record_type, record_id, field, table, audit}]}
#include <Poco/JSON/Array.h>

#include "db/audit.h"
#include "db/database.h"
#include "server/http/endpoints.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

Poco::Dynamic::Var optionalText(const std::optional<std::string>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

void verifyHandler(RequestContext& ctx) {
  db::AuditVerification result = ctx.runtime().db.verifyAudit();
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("ok", result.ok);
  body->set("entries", result.entries);
  if (result.firstBreak) {
    body->set("first_break", *result.firstBreak);
  } else {
    body->set("first_break", Poco::Dynamic::Var());
  }
  if (!result.ok) body->set("reason", result.reason);
  body->set("legacy_entries", result.legacyEntries);
  body->set("checkpoints", static_cast<std::int64_t>(result.checkpointsChecked));
  body->set("records", result.recordsChecked);
  Poco::JSON::Array::Ptr mismatches = new Poco::JSON::Array;
  for (const auto& m : result.mismatches) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("record_type", m.recordType);
    o->set("record_id", m.recordId);
    o->set("field", m.field);
    o->set("table", optionalText(m.tableValue));
    o->set("audit", optionalText(m.auditedValue));
    mismatches->add(o);
  }
  body->set("mismatches", mismatches);
  const std::string checkpointError = ctx.runtime().db.lastCheckpointError();
  if (!checkpointError.empty()) body->set("checkpoint_error", checkpointError);
  ctx.sendJson(200, body);
}

}  // namespace

void addAuditEndpoints(Router& router) {
  router.add({"GET", "/api/audit/verify", Access::Admin, verifyHandler,
              "check the audit trail (keyed chain, signed checkpoints, records against the "
              "trail): {ok, entries, first_break}"});
}

}  // namespace argan::server
