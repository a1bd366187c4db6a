// Synthesis routes and reaction metrics:
//   POST  /api/reactions/metrics              one step's metrics, without saving
//   GET   /api/solvents                        the CHEM21 solvents with names and densities
//   GET   /api/routes                          visible routes, paged and filtered
//   POST  /api/routes                          create a draft route (steps inline, optional)
//   GET   /api/routes/compare?ids=1,2          metrics of routes side by side
//   GET   /api/routes/{id}                     one route with its steps
//   PATCH /api/routes/{id}                     name, description, visibility, status
//   PUT   /api/routes/{id}                     a draft's name, description and steps at once
//   POST  /api/routes/{id}/retire              retire a route ({"reason"})
//   GET   /api/routes/{id}/history             the route's and its steps' audit entries
//   POST  /api/routes/{id}/versions            a new draft version (copy of the steps)
//   GET   /api/routes/{id}/metrics             route and step metrics, traffic lights, principles
//   GET   /api/routes/{id}/steps               the steps
//   POST  /api/routes/{id}/steps               add a step (draft routes)
//   GET   /api/routes/{id}/steps/{n}           one step with its analysis
//   PUT   /api/routes/{id}/steps/{n}           replace a step (a new revision)
//   GET   /api/routes/{id}/steps/{n}/depiction.svg  the step's reaction scheme
//   POST  /api/routes/{id}/steps/{n}/retire    retire a step ({"reason"})
//   GET   /api/compounds/{id}/routes           visible routes that make a parent
#include <Poco/JSON/Array.h>

#include <set>

#include "chem/depiction_options.h"
#include "common/error.h"
#include "server/isolation/chem_service.h"
#include "db/identifiers.h"
#include "db/registry_store.h"
#include "server/http/endpoints.h"
#include "server/http/history.h"
#include "server/json/json_fields.h"
#include "server/json/publication.h"
#include "server/http/request_context.h"
#include "server/json/route_json.h"
#include "server/json/route_requests.h"
#include "server/registry/synthesis_routes.h"

namespace argan::server {
namespace {

std::int64_t routeIdParam(RequestContext& ctx) {
  return ctx.positiveIdParam("id", "route");
}
std::int64_t stepNumberParam(RequestContext& ctx) {
  return ctx.positiveIdParam("number", "step");
}

// Tags a step's input error with the body field it came from, when it has none.
[[noreturn]] void rethrowStepError(Error& e) {
  if (e.code() == ErrorCode::InvalidArgument && !e.details().count("field")) {
    e.with("field", "reaction_smiles");
  }
  throw;
}

std::optional<db::Compound> visibleTarget(RequestContext& ctx, const db::Route& route) {
  return ctx.runtime().db.read([&](db::Connection& c) {
    return db::findCompound(c, ctx.principal(), route.targetCompoundId);
  });
}

void metricsHandler(RequestContext& ctx) {
  StepDraft draft = readStep(JsonFields(ctx.jsonBody()));
  chem::ReactionAnalysis analysis;
  try {
    analysis = previewStep(ctx.runtime(), ctx.principal(), std::move(draft.reaction));
  } catch (Error& e) {
    rethrowStepError(e);
  }
  ctx.sendJson(200, reactionAnalysisJson(analysis));
}

void solventsHandler(RequestContext& ctx) {
  ctx.sendJson(200, solventListingJson(chem::solventListing(),
                                       "CHEM21 selection guide of classical solvents: D. Prat et "
                                       "al., Green Chem. 2016, 18, 288-296, "
                                       "doi:10.1039/C5GC01008J"));
}

void listHandler(RequestContext& ctx) {
  db::RouteFilter filter;
  filter.startUpId = ctx.queryInt("start_up");
  filter.status = ctx.queryFilter("status");
  filter.lineageId = ctx.queryInt("lineage");
  if (auto retired = ctx.query("include_retired")) filter.includeRetired = *retired == "true";
  if (auto target = ctx.queryFilter("target")) {
    auto code = db::parseCode(*target);
    if (!code || code->formNumber) {
      throw invalidArgument("target must be a compound code such as CMP-000012",
                            {{"field", "target"}});
    }
    filter.targetCompoundId = code->compoundId;
  }
  std::int64_t page = ctx.queryInt("page").value_or(0);
  std::int64_t pageSize = ctx.queryInt("page_size").value_or(50);
  auto result = ctx.runtime().db.read([&](db::Connection& c) {
    return db::listRoutes(c, ctx.principal(), filter, page, pageSize);
  });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& r : result.items) items->add(routeJson(r, visibleTarget(ctx, r), false));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("items", items);
  out->set("total", result.total);
  out->set("page", page);
  out->set("page_size", pageSize);
  ctx.sendJson(200, out);
}

void createHandler(RequestContext& ctx) {
  RouteCreation creation = readRouteCreation(JsonFields(ctx.jsonBody()));
  db::Route route = createRoute(ctx.runtime(), ctx.principal(), std::move(creation));
  ctx.sendJson(201, routeJson(route, visibleTarget(ctx, route), true));
}

void getHandler(RequestContext& ctx) {
  db::Route route = visibleRoute(ctx.runtime(), ctx.principal(), routeIdParam(ctx));
  ctx.sendJson(200, routeJson(route, visibleTarget(ctx, route), true));
}

void patchHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"name", "description", "visibility", "status", "reason"});
  db::RouteUpdate update;
  update.name = body.optString("name", 400);
  update.description = body.optString("description", 20000);
  update.visibility = body.optString("visibility", 20);
  update.status = body.optString("status", 20);
  update.reason = body.optString("reason", 4000);
  db::Route route = updateRoute(ctx.runtime(), ctx.principal(), routeIdParam(ctx), update);
  ctx.sendJson(200, routeJson(route, visibleTarget(ctx, route), true));
}

void putHandler(RequestContext& ctx) {
  RouteReplacement replacement = readRouteReplacement(JsonFields(ctx.jsonBody()));
  db::Route route =
      replaceRouteSteps(ctx.runtime(), ctx.principal(), routeIdParam(ctx), std::move(replacement));
  ctx.sendJson(200, routeJson(route, visibleTarget(ctx, route), true));
}

void retireHandler(RequestContext& ctx) {
  db::RouteUpdate update;
  update.status = "retired";
  update.reason = readRetireReason(JsonFields(ctx.jsonBody()));
  db::Route route = updateRoute(ctx.runtime(), ctx.principal(), routeIdParam(ctx), update);
  ctx.sendJson(200, routeJson(route, visibleTarget(ctx, route), true));
}

HistorySubject routeHistory(RequestContext& ctx) {
  db::Route route = visibleRoute(ctx.runtime(), ctx.principal(), routeIdParam(ctx));
  auto keys = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::routeAuditKeys(c, route.id); });
  HistorySubject subject;
  for (const auto& [type, id] : keys) subject.records.push_back({type, id});
  subject.ownerStartUpId = route.startUpId;
  return subject;
}

void versionHandler(RequestContext& ctx) {
  db::Route route = createRouteVersion(ctx.runtime(), ctx.principal(), routeIdParam(ctx));
  ctx.sendJson(201, routeJson(route, visibleTarget(ctx, route), true));
}

void routeMetricsHandler(RequestContext& ctx) {
  RouteReport report = routeReport(ctx.runtime(), ctx.principal(), routeIdParam(ctx));
  ctx.sendJson(200, routeMetricsJson(report, visibleTarget(ctx, report.route)));
}

void stepsHandler(RequestContext& ctx) {
  db::Route route = visibleRoute(ctx.runtime(), ctx.principal(), routeIdParam(ctx));
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& s : route.steps) items->add(stepJson(route.id, s));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("items", items);
  out->set("total", static_cast<std::int64_t>(route.steps.size()));
  ctx.sendJson(200, out);
}

void addStepHandler(RequestContext& ctx) {
  std::int64_t routeId = routeIdParam(ctx);
  StepDraft draft = readStep(JsonFields(ctx.jsonBody()));
  StepReport report;
  try {
    report = addRouteStep(ctx.runtime(), ctx.principal(), routeId, std::move(draft));
  } catch (Error& e) {
    rethrowStepError(e);
  }
  ctx.sendJson(201, stepJson(routeId, report.row, &report.analysis));
}

void getStepHandler(RequestContext& ctx) {
  std::int64_t routeId = routeIdParam(ctx);
  StepReport report = stepReport(ctx.runtime(), ctx.principal(), routeId, stepNumberParam(ctx));
  ctx.sendJson(200, stepJson(routeId, report.row, &report.analysis));
}

void stepDepictionHandler(RequestContext& ctx) {
  std::int64_t routeId = routeIdParam(ctx);
  std::int64_t number = stepNumberParam(ctx);
  visibleRoute(ctx.runtime(), ctx.principal(), routeId);
  auto step = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findStep(c, ctx.principal(), routeId, number); });
  if (!step) {
    throw notFound("route " + std::to_string(routeId) + " has no step " + std::to_string(number));
  }
  chem::DepictionOptions options;
  options.width = static_cast<int>(ctx.queryInt("width").value_or(600));
  options.height = static_cast<int>(ctx.queryInt("height").value_or(200));
  std::string svg = ctx.runtime().chem.depictStructure(
      step->rxnBlock ? *step->rxnBlock : step->reactionSmiles, "reaction", options);
  ctx.sendText(200, "image/svg+xml", svg);
}

void putStepHandler(RequestContext& ctx) {
  std::int64_t routeId = routeIdParam(ctx);
  std::int64_t number = stepNumberParam(ctx);
  StepDraft draft = readStep(JsonFields(ctx.jsonBody()));
  StepReport report;
  try {
    report = replaceRouteStep(ctx.runtime(), ctx.principal(), routeId, number, std::move(draft));
  } catch (Error& e) {
    rethrowStepError(e);
  }
  ctx.sendJson(200, stepJson(routeId, report.row, &report.analysis));
}

void retireStepHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"reason"});
  std::int64_t routeId = routeIdParam(ctx);
  std::int64_t number = stepNumberParam(ctx);
  retireRouteStep(ctx.runtime(), ctx.principal(), routeId, number, body.reqString("reason", 4000));
  db::Route route = visibleRoute(ctx.runtime(), ctx.principal(), routeId);
  ctx.sendJson(200, routeJson(route, visibleTarget(ctx, route), true));
}

void compareHandler(RequestContext& ctx) {
  auto idsText = ctx.query("ids");
  if (!idsText || idsText->empty()) {
    throw invalidArgument("ids is required: two or more route ids, e.g. ids=3,7",
                          {{"field", "ids"}});
  }
  std::vector<std::int64_t> ids;
  std::set<std::int64_t> seen;
  std::size_t start = 0;
  while (start <= idsText->size()) {
    std::size_t comma = idsText->find(',', start);
    std::string part =
        idsText->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t used = 0;
    long long id = 0;
    try {
      id = std::stoll(part, &used);
    } catch (...) {
      used = 0;
    }
    if (part.empty() || used != part.size() || id <= 0) {
      throw invalidArgument("ids must be route ids separated by commas, e.g. ids=3,7",
                            {{"field", "ids"}});
    }
    if (seen.insert(id).second) ids.push_back(id);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (ids.size() < 2 || ids.size() > 10) {
    throw invalidArgument("compare two to ten different routes", {{"field", "ids"}});
  }
  std::vector<RouteReport> reports;
  std::vector<std::optional<db::Compound>> targets;
  for (auto id : ids) {
    reports.push_back(routeReport(ctx.runtime(), ctx.principal(), id));
    targets.push_back(visibleTarget(ctx, reports.back().route));
  }
  ctx.sendJson(200, routeComparisonJson(reports, targets));
}

void compoundRoutesHandler(RequestContext& ctx) {
  const std::string& idText = ctx.param("id");
  auto code = db::parseCode(idText);
  if (!code || code->formNumber) throw notFound("no compound '" + idText + "'");
  auto compound = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findCompound(c, ctx.principal(), code->compoundId); });
  if (!compound) throw notFound("no compound '" + idText + "'");
  db::RouteFilter filter;
  filter.targetCompoundId = compound->id;
  if (auto retired = ctx.query("include_retired")) filter.includeRetired = *retired == "true";
  auto result = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::listRoutes(c, ctx.principal(), filter, 0, 500); });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& r : result.items) items->add(routeJson(r, compound, false));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("compound", db::compoundCode(compound->id));
  out->set("items", items);
  out->set("total", result.total);
  ctx.sendJson(200, out);
}

}  // namespace

void addSynthesisEndpoints(Router& router) {
  router.add({"POST", "/api/reactions/metrics", Access::Authenticated, metricsHandler,
              "metrics of one reaction step without saving ({reaction_smiles, components?, ...})"});
  router.add({"GET", "/api/solvents", Access::Public, solventsHandler,
              "the CHEM21 solvents with their names (English, French) and densities"});
  router.add({"GET", "/api/routes", Access::Public, listHandler,
              "visible synthesis routes (start_up, target, status, lineage, page, page_size)"});
  router.add({"POST", "/api/routes", Access::StartUpMember, createHandler,
              "create a draft route ({target_compound, name, steps?, ...})"});
  router.add({"GET", "/api/routes/compare", Access::Public, compareHandler,
              "metrics of two to ten routes side by side (ids=1,2)"});
  router.add({"GET", "/api/routes/{id}", Access::Public, getHandler, "one route with its steps"});
  router.add({"PATCH", "/api/routes/{id}", Access::StartUpMember, patchHandler,
              "update a route (name, description, visibility, status validated|retired, reason)"});
  router.add({"PUT", "/api/routes/{id}", Access::StartUpMember, putHandler,
              "replace a draft route's steps (and name, description) in one transaction"});
  router.add({"POST", "/api/routes/{id}/retire", Access::StartUpMember, retireHandler,
              "retire a route ({reason}); never deleted"});
  addHistoryEndpoint(router, "/api/routes/{id}/history",
                  "a route's and its steps' audit entries, oldest first", routeHistory);
  router.add({"POST", "/api/routes/{id}/versions", Access::StartUpMember, versionHandler,
              "a new draft version of a route, with copies of its steps"});
  router.add({"GET", "/api/routes/{id}/metrics", Access::Public, routeMetricsHandler,
              "route and step metrics, CHEM21 traffic lights, 12 principles"});
  router.add(
      {"GET", "/api/routes/{id}/steps", Access::Public, stepsHandler, "the steps of a route"});
  router.add({"POST", "/api/routes/{id}/steps", Access::StartUpMember, addStepHandler,
              "add a step to a draft route"});
  router.add({"GET", "/api/routes/{id}/steps/{number}", Access::Public, getStepHandler,
              "one step with its metrics"});
  router.add({"GET", "/api/routes/{id}/steps/{number}/depiction.svg", Access::Public,
              stepDepictionHandler, "SVG of a step's reaction scheme (width, height)"});
  router.add({"PUT", "/api/routes/{id}/steps/{number}", Access::StartUpMember, putStepHandler,
              "replace a step of a draft route (a new revision)"});
  router.add({"POST", "/api/routes/{id}/steps/{number}/retire", Access::StartUpMember,
              retireStepHandler, "retire a step of a draft route ({reason})"});
  router.add({"GET", "/api/compounds/{id}/routes", Access::Public, compoundRoutesHandler,
              "visible routes that make a parent"});
}

}  // namespace argan::server
