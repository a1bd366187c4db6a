// GET /api/health — readiness: the database answers and the schema is current.
#include <RDGeneral/versions.h>

#include "server/api_routes.h"
#include "server/request_context.h"

namespace argan::server {

void addHealthRoutes(Router& router) {
  router.add({"GET", "/api/health", Access::Public,
              [](RequestContext& ctx) {
                Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                body->set("status", "ok");
                body->set("schema_version", ctx.services().db.schemaVersion());
                // false while the database file can only be read (writes answer 503)
                body->set("writable", ctx.services().db.writable());
                body->set("rdkit_version", std::string(RDKit::rdkitVersion));
                body->set("time", ctx.services().clock.nowIso());
                ctx.sendJson(200, body);
              },
              "readiness check: 200 when the database answers"});
}

}  // namespace argan::server
