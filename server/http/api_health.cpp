// GET /api/health — readiness: the database answers and the schema is current.
#include "chem/versions.h"
#include "server/http/endpoints.h"
#include "server/http/request_context.h"

namespace argan::server {

void addHealthEndpoints(Router& router) {
  router.add({"GET", "/api/health", Access::Public,
              [](RequestContext& ctx) {
                Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                body->set("status", "ok");
                body->set("schema_version", ctx.runtime().db.schemaVersion());
                // false while the database file can only be read (writes answer 503)
                body->set("writable", ctx.runtime().db.writable());
                body->set("rdkit_version", chem::rdkitVersion());
                body->set("time", ctx.runtime().clock.nowIso());
                ctx.sendJson(200, body);
              },
              "readiness check: 200 when the database answers"});
}

}  // namespace argan::server
