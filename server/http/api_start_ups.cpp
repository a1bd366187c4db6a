// Start-ups: GET list/one (public directory), POST (administrators), PATCH (administrators;
// a lead may edit the description of their own start-up).
#include "common/error.h"
#include "db/start_up_store.h"
#include "server/http/endpoints.h"
#include "server/json/json_fields.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

Poco::JSON::Object::Ptr toJson(const db::StartUp& s) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("id", s.id);
  o->set("name", s.name);
  o->set("sector", s.sector);
  o->set("status", s.status);
  o->set("description", s.description);
  o->set("member_count", s.memberCount);
  o->set("created_at", s.createdAt);
  o->set("updated_at", s.updatedAt);
  return o;
}

std::int64_t startUpIdParam(RequestContext& ctx) {
  return ctx.positiveIdParam("id", "start-up");
}

db::StartUpInput readInput(const JsonFields& f) {
  f.allowOnly({"name", "sector", "status", "description"});
  db::StartUpInput in;
  in.name = f.optString("name", 200);
  in.sector = f.optString("sector", 50);
  in.status = f.optString("status", 50);
  in.description = f.optString("description", 10000);
  return in;
}

}  // namespace

void addStartUpEndpoints(Router& router) {
  router.add({"GET", "/api/start-ups", Access::Public,
              [](RequestContext& ctx) {
                auto list = ctx.runtime().db.read(
                    [](db::Connection& c) { return db::listStartUps(c); });
                Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                for (const auto& s : list) items->add(toJson(s));
                Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                body->set("items", items);
                body->set("total", static_cast<std::int64_t>(list.size()));
                ctx.sendJson(200, body);
              },
              "the cluster's start-ups"});

  router.add({"GET", "/api/start-ups/{id}", Access::Public,
              [](RequestContext& ctx) {
                std::int64_t id = startUpIdParam(ctx);
                auto s = ctx.runtime().db.read(
                    [&](db::Connection& c) { return db::findStartUp(c, id); });
                if (!s) throw notFound("no start-up " + std::to_string(id));
                ctx.sendJson(200, toJson(*s));
              },
              "one start-up"});

  router.add({"POST", "/api/start-ups", Access::Admin,
              [](RequestContext& ctx) {
                db::StartUpInput in = readInput(JsonFields(ctx.jsonBody()));
                auto s = ctx.runtime().db.write([&](db::Connection& c) {
                  return db::createStartUp(c, ctx.runtime().clock, ctx.principal(), in);
                });
                ctx.sendJson(201, toJson(s));
              },
              "create a start-up ({name, sector, status?, description?})"});

  router.add({"PATCH", "/api/start-ups/{id}", Access::StartUpMember,
              [](RequestContext& ctx) {
                std::int64_t id = startUpIdParam(ctx);
                db::StartUpInput in = readInput(JsonFields(ctx.jsonBody()));
                const db::Principal& who = ctx.principal();
                if (!who.isAdmin()) {
                  bool ownLead = who.role == db::Role::Lead && who.startUpId == id;
                  if (!ownLead || in.name || in.sector || in.status) {
                    throw permissionDenied(
                        "only administrators may change a start-up's name, sector or status; "
                        "its lead may edit the description");
                  }
                }
                auto s = ctx.runtime().db.write([&](db::Connection& c) {
                  return db::updateStartUp(c, ctx.runtime().clock, who, id, in);
                });
                ctx.sendJson(200, toJson(s));
              },
              "update a start-up"});
}

}  // namespace argan::server
