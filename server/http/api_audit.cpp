// GET /api/audit/verify (administrators): re-walks the audit hash chain.
//   {"ok": true|false, "entries": n, "first_break": <entry id or null>, "reason": "..."}
#include "db/audit.h"
#include "server/http/endpoints.h"
#include "server/http/request_context.h"

namespace argan::server {

void addAuditEndpoints(Router& router) {
  router.add({"GET", "/api/audit/verify", Access::Admin,
              [](RequestContext& ctx) {
                auto result = ctx.runtime().db.read(
                    [](db::Connection& c) { return db::verifyAuditChain(c); });
                Poco::JSON::Object::Ptr body =
                    new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                body->set("ok", result.ok);
                body->set("entries", result.entries);
                if (result.firstBreak) {
                  body->set("first_break", *result.firstBreak);
                } else {
                  body->set("first_break", Poco::Dynamic::Var());
                }
                if (!result.ok) body->set("reason", result.reason);
                ctx.sendJson(200, body);
              },
              "re-walk the audit hash chain: {ok, entries, first_break}"});
}

}  // namespace argan::server
