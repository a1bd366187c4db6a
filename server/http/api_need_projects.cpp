// Research projects against needs (opened with POST /api/needs/{id}/projects).
//   GET    /api/projects                    the caller's projects (?need)
//   GET    /api/projects/{id}               one project (the partner: what the start-up discloses)
//   PATCH  /api/projects/{id}               {title, summary, stage, trl, disclosure,
//                                            show_start_up, status}
//   POST   /api/projects/{id}/links         link one of the start-up's records {type, id}
//   DELETE /api/projects/{id}/links/{link}  remove a link (kept with its date)
#include "common/error.h"
#include "db/need_project_store.h"
#include "db/record_codes.h"
#include "server/http/endpoints.h"
#include "server/http/request_context.h"
#include "server/json/json_output.h"
#include "server/json/need_json.h"
#include "server/json/product_json.h"
#include "server/registry/needs.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::int64_t projectIdParam(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("PRJ", ctx.param("id"));
  if (!id) throw notFound("no project '" + ctx.param("id") + "'");
  return *id;
}

void listHandler(RequestContext& ctx) {
  db::ProjectFilter filter;
  if (auto need = ctx.queryFilter("need")) {
    filter.needId = db::parsePrefixedCode("NEED", *need);
    if (!filter.needId) throw invalidArgument("need names a need (NEED-000001)", {{"field", "need"}});
  }
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    Array::Ptr items = new Array;
    for (const auto& p : db::listProjects(c, ctx.principal(), filter)) {
      items->add(projectJson(ctx.principal(), p));
    }
    return itemsJson(items);
  });
  ctx.sendJson(200, out);
}

void getHandler(RequestContext& ctx) {
  std::int64_t id = projectIdParam(ctx);
  auto p = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::requireProject(c, ctx.principal(), id); });
  ctx.sendJson(200, projectJson(ctx.principal(), p));
}

void patchHandler(RequestContext& ctx) {
  std::int64_t id = projectIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"title", "summary", "stage", "trl", "disclosure", "show_start_up", "status"});
  db::NeedProject p = changeProject(ctx.runtime(), ctx.principal(), id, readProjectInput(body));
  ctx.sendJson(200, projectJson(ctx.principal(), p));
}

void linkHandler(RequestContext& ctx) {
  std::int64_t id = projectIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  // The project first: a caller who may not see it learns nothing from the body's errors.
  ctx.runtime().db.read([&](db::Connection& c) { db::requireProject(c, ctx.principal(), id); });
  LinkDraft draft = ctx.runtime().db.read([&](db::Connection& c) { return readLinkDraft(c, body); });
  db::ProjectLink link = linkToProject(ctx.runtime(), ctx.principal(), id, draft);
  Object::Ptr out = orderedObject();
  out->set("id", link.id);
  out->set("type", link.recordType);
  out->set("record", link.recordCode);
  out->set("label", link.recordLabel);
  out->set("linked_at", link.linkedAt);
  ctx.sendJson(201, out);
}

void unlinkHandler(RequestContext& ctx) {
  std::int64_t id = projectIdParam(ctx);
  std::int64_t linkId = ctx.positiveIdParam("link", "link");
  unlinkFromProject(ctx.runtime(), ctx.principal(), id, linkId);
  ctx.sendNoContent();
}

}  // namespace

void addNeedProjectEndpoints(Router& router) {
  router.add({"GET", "/api/projects", Access::Authenticated, listHandler,
              "research projects against needs that the caller may see (?need)"});
  router.add({"GET", "/api/projects/{id}", Access::Authenticated, getHandler,
              "one project (the need's partner sees what the start-up discloses)"});
  router.add({"PATCH", "/api/projects/{id}", Access::StartUpMember, patchHandler,
              "stage, TRL, disclosure, status, title, summary of a project"});
  router.add({"POST", "/api/projects/{id}/links", Access::StartUpMember, linkHandler,
              "link a route, compound, batch or product of the start-up ({type, id})"});
  router.add({"DELETE", "/api/projects/{id}/links/{link}", Access::StartUpMember, unlinkHandler,
              "remove a link from a project"});
}

}  // namespace argan::server
