// GET /api/health — readiness: the database answers and the schema is current; whether writes
// are taken now (probed, not assumed) and how much disk space is left.
#include "chem/versions.h"
#include "server/http/endpoints.h"
#include "server/http/request_context.h"

namespace argan::server {

void addHealthEndpoints(Router& router) {
  router.add({"GET", "/api/health", Access::Public,
              [](RequestContext& ctx) {
                db::Database& database = ctx.runtime().db;
                Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                body->set("status", "ok");
                body->set("schema_version", database.schemaVersion());
                db::StorageHealth storage = database.storageHealth();
                // false while writes are refused: read-only file, full or failing disk
                // (probed again every few seconds), files replaced under the server
                body->set("writable", storage.writable);
                Poco::JSON::Object::Ptr disk = new Poco::JSON::Object;
                disk->set("writable", storage.writable);
                disk->set("reason", storage.writable ? Poco::Dynamic::Var()
                                                     : Poco::Dynamic::Var(storage.reason));
                disk->set("free_bytes", storage.freeBytes
                                            ? Poco::Dynamic::Var(*storage.freeBytes)
                                            : Poco::Dynamic::Var());
                disk->set("total_bytes", storage.totalBytes
                                             ? Poco::Dynamic::Var(*storage.totalBytes)
                                             : Poco::Dynamic::Var());
                body->set("storage", disk);
                body->set("rdkit_version", chem::rdkitVersion());
                body->set("time", ctx.runtime().clock.nowIso());
                ctx.sendJson(200, body);
              },
              "readiness check: 200 when the database answers"});
}

}  // namespace argan::server
