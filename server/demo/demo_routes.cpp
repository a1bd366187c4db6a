#include "server/demo/demo_routes.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

#include "common/error.h"
#include "db/route_store.h"
#include "db/start_up_store.h"
#include "db/user_store.h"
#include "server/json/json_fields.h"
#include "server/json/route_requests.h"
#include "server/registry/synthesis_routes.h"
#include "server/isolation/chem_service.h"

namespace argan {
extern const char* const kDemoRoutesJson;
}

namespace argan::server {

int loadDemoRoutes(Runtime& runtime) {
  JsonFields root(parseJsonObject(kDemoRoutesJson));
  Poco::JSON::Array::Ptr routes = root.optArray("routes");
  std::vector<db::StartUp> startUps =
      runtime.db.read([](db::Connection& c) { return db::listStartUps(c); });
  int created = 0;
  for (std::size_t i = 0; routes && i < routes->size(); ++i) {
    std::string path = "routes[" + std::to_string(i) + "]";
    JsonFields entry(routes->getObject(static_cast<unsigned>(i)), path);
    entry.allowOnly({"start_up", "by", "target_smiles", "status", "visibility", "published_by",
                     "route"});
    std::string startUpName = entry.reqString("start_up");
    auto startUp = std::find_if(startUps.begin(), startUps.end(),
                                [&](const db::StartUp& s) { return s.name == startUpName; });
    if (startUp == startUps.end()) {
      throw internalError("demo routes: " + path + " names an unknown start-up " + startUpName);
    }
    std::string email = entry.reqString("by");
    auto user = runtime.db.read([&](db::Connection& c) { return db::findUserByEmail(c, email); });
    if (!user) throw internalError("demo routes: " + path + " names an unknown user " + email);
    db::Principal who = user->principal();

    chem::StructureAnalysis target =
        runtime.chem.analyse(entry.reqString("target_smiles"), "smiles");
    auto targetId = runtime.db.read([&](db::Connection& c) {
      return db::findCompoundIdByInchiKey(c, startUp->id, target.identity.inchiKey);
    });
    if (!targetId) {
      throw internalError("demo routes: the target of " + path + " (" +
                          target.identity.canonicalSmiles + ") is not registered by " +
                          startUpName);
    }
    auto body = entry.optObject("route");
    if (!body) throw internalError("demo routes: " + path + " has no route");
    RouteCreation creation = readRouteCreation(*body);
    creation.startUpId = startUp->id;
    creation.targetCompound = std::to_string(*targetId);
    db::Route route = createRoute(runtime, who, std::move(creation));
    ++created;
    // Status first (a route is validated before it is published), then visibility, through
    // the same audited rules as PATCH /api/routes/{id}.
    std::string status = entry.optString("status").value_or("draft");
    if (status != "draft") {
      db::RouteUpdate update;
      update.status = status;
      updateRoute(runtime, who, route.id, update);
    }
    if (auto visibility = entry.optString("visibility")) {
      // Publishing is the start-up lead's decision: published_by names the lead.
      std::string leadEmail = entry.reqString("published_by");
      auto lead =
          runtime.db.read([&](db::Connection& c) { return db::findUserByEmail(c, leadEmail); });
      if (!lead) throw internalError("demo routes: " + path + " names an unknown user " + leadEmail);
      db::RouteUpdate update;
      update.visibility = *visibility;
      update.reason = "demo: a validated route of a catalogue product";
      updateRoute(runtime, lead->principal(), route.id, update);
    }
  }
  return created;
}

}  // namespace argan::server
