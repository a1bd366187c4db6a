// Pipeline overviews:
//   GET /api/overview/funnel                       products per stage, per start-up
//   GET /api/overview/start-ups/{id}               one start-up: products by stage, overdue
//   GET /api/overview/stages/{key}/compounds       compounds in products at a stage
//   GET /api/products/{id}/timeline                one product's stages and dated events
// "Today" comes from the Runtime clock.
#include "common/error.h"
#include "db/pipeline_overview.h"
#include "db/product_store.h"
#include "db/registry_store.h"
#include "server/http/endpoints.h"
#include "server/json/compound_json.h"
#include "server/json/product_json.h"
#include "server/http/product_requests.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

void funnelHandler(RequestContext& ctx) {
  auto funnel = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::pipelineFunnel(c, ctx.principal()); });
  Object::Ptr out = funnelJson(funnel);
  out->set("as_of", today(ctx));
  ctx.sendJson(200, out);
}

std::int64_t startUpIdParam(RequestContext& ctx) {
  return ctx.positiveIdParam("id", "start-up");
}

void startUpHandler(RequestContext& ctx) {
  std::int64_t id = startUpIdParam(ctx);
  std::string day = today(ctx);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    auto overview = db::startUpOverview(c, ctx.principal(), id, day);
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Object::Ptr startUp = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    startUp->set("id", overview.startUpId);
    startUp->set("name", overview.startUpName);
    o->set("start_up", startUp);
    o->set("as_of", overview.today);
    o->set("products", overview.products);
    Array::Ptr byStage = new Array;
    for (const auto& group : overview.byStage) {
      Object::Ptr g = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      g->set("key", group.key);
      g->set("name", group.name);
      g->set("count", static_cast<std::int64_t>(group.products.size()));
      Array::Ptr items = new Array;
      for (const auto& p : group.products) {
        items->add(productJson(c, ctx.principal(), p, false, day));
      }
      g->set("products", items);
      byStage->add(g);
    }
    o->set("by_stage", byStage);
    Array::Ptr overdue = new Array;
    for (const auto& m : overview.overdue) overdue->add(overdueJson(m));
    o->set("overdue", overdue);
    return o;
  });
  ctx.sendJson(200, out);
}

void stageCompoundsHandler(RequestContext& ctx) {
  const std::string& key = ctx.param("key");
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    Array::Ptr items = new Array;
    for (std::int64_t id : db::compoundIdsAtStage(c, ctx.principal(), key)) {
      auto compound = db::findCompound(c, ctx.principal(), id);
      if (compound) items->add(compoundSummaryJson(*compound));
    }
    Object::Ptr o = itemsJson(items);
    o->set("stage", key);
    return o;
  });
  ctx.sendJson(200, out);
}

void timelineHandler(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  std::string day = today(ctx);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Object::Ptr p = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    p->set("id", product.code());
    p->set("name", product.name);
    p->set("trl", product.trl);
    p->set("status", product.gateStatus());
    o->set("product", p);
    o->set("as_of", day);
    Array::Ptr stages = new Array;
    for (const auto& s : db::listStages(c, product.id)) stages->add(stageJson(ctx.principal(), product, s, day));
    o->set("stages", stages);
    Array::Ptr events = new Array;
    for (const auto& e : db::productTimeline(c, ctx.principal(), product)) {
      events->add(timelineEventJson(e));
    }
    o->set("events", events);
    return o;
  });
  ctx.sendJson(200, out);
}

}  // namespace

void addOverviewEndpoints(Router& router) {
  router.add({"GET", "/api/overview/funnel", Access::Public, funnelHandler,
              "cluster-wide funnel: visible products per stage, per start-up"});
  router.add({"GET", "/api/overview/start-ups/{id}", Access::StartUpMember, startUpHandler,
              "one start-up's products by stage and overdue milestones"});
  router.add({"GET", "/api/overview/stages/{key}/compounds", Access::Public, stageCompoundsHandler,
              "visible compounds of live products whose current stage is {key}"});
  router.add({"GET", "/api/products/{id}/timeline", Access::Public, timelineHandler,
              "a product's stages (planned/actual) and dated events"});
}

}  // namespace argan::server
