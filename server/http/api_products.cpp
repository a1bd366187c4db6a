// Products and their pipeline:
//   /api/products                       list (filters) / create
//   /api/products/{id}                  one product / PATCH (fields, trl, visibility)
//   /api/products/{id}/retire           retire with a reason
//   /api/products/{id}/stages[/{key}]   the pipeline: list, add, one, PATCH, DELETE
//   /api/products/{id}/stage-order      reorder the stages
//   /api/products/{id}[/stages/{key}]/decisions   gate decisions
//   /api/products/{id}/trl              TRL history; /api/trl the H2020 definitions
//   /api/products/{id}/customers[/{cid}] market records
//   /api/catalogue                      public products, catalogue view
//   /api/compounds/{id}/products        products made of a compound
//   /api/routes/{id}/products           products a synthesis route makes
//   /api/pipeline/defaults              default stages, statuses, decisions, document kinds
#include <Poco/JSON/Array.h>

#include "common/error.h"
#include "db/compound_names.h"
#include "db/document_store.h"
#include "db/identifiers.h"
#include "db/pipeline_store.h"
#include "db/product_store.h"
#include "db/substance_store.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "server/http/endpoints.h"
#include "server/http/history.h"
#include "server/json/compound_json.h"
#include "server/json/json_fields.h"
#include "server/json/product_json.h"
#include "server/http/product_requests.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::int64_t pageParam(RequestContext& ctx) {
  return ctx.queryInt("page").value_or(0);
}
std::int64_t pageSizeParam(RequestContext& ctx) {
  return ctx.queryInt("page_size").value_or(50);
}

Object::Ptr pageJson(db::Connection& c, RequestContext& ctx, const db::ProductPage& page,
                     bool withStages, bool catalogueOnly) {
  Array::Ptr items = new Array;
  std::string day = today(ctx);
  for (const auto& p : page.items) {
    items->add(productJson(c, ctx.principal(), p, withStages, day, catalogueOnly));
  }
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("items", items);
  out->set("total", page.total);
  out->set("page", pageParam(ctx));
  out->set("page_size", pageSizeParam(ctx));
  return out;
}

// A synthesis route id ("12"); InvalidArgument naming `field` otherwise.
std::int64_t routeIdParam(const std::string& text, const std::string& field) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) < 1) {
    throw invalidArgument("'" + field + "' must be a synthesis route id such as 12",
                          {{"field", field}});
  }
  return std::stoll(text);
}

void listHandler(RequestContext& ctx) {
  db::ProductFilter filter;
  filter.startUpId = ctx.queryInt("start_up");
  filter.stage = ctx.queryFilter("stage");
  if (auto compound = ctx.queryFilter("compound")) {
    filter.compoundId = compoundIdValue(Poco::Dynamic::Var(*compound), "compound");
  }
  if (auto substance = ctx.queryFilter("substance")) {
    filter.substanceId = substanceIdValue(Poco::Dynamic::Var(*substance), "substance");
  }
  if (auto route = ctx.queryFilter("route")) filter.routeId = routeIdParam(*route, "route");
  filter.visibility = ctx.queryFilter("visibility");
  filter.text = ctx.queryFilter("q");
  filter.includeRetired = ctx.query("include_retired") == std::optional<std::string>("true");
  bool withStages = ctx.query("include") == std::optional<std::string>("stages");
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    auto page = db::listProducts(c, ctx.principal(), filter, pageParam(ctx), pageSizeParam(ctx));
    return pageJson(c, ctx, page, withStages, false);
  });
  ctx.sendJson(200, out);
}

void catalogueHandler(RequestContext& ctx) {
  db::ProductFilter filter;
  filter.visibility = "public";
  filter.startUpId = ctx.queryInt("start_up");
  filter.text = ctx.queryFilter("q");
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    auto page = db::listProducts(c, ctx.principal(), filter, pageParam(ctx), pageSizeParam(ctx));
    auto json = pageJson(c, ctx, page, false, true);
    if (filter.text) {
      // The catalogue's text box also finds the public compounds by name, synonym, CAS
      // number, formula, InChIKey or code (the first 20; GET /api/compounds?q= pages them).
      db::CompoundFilter publicOnly;
      publicOnly.visibility = std::string("public");
      auto compounds = db::searchCompoundsByText(c, ctx.principal(), *filter.text, 0, 20, publicOnly);
      Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
      for (const auto& compound : compounds.items) items->add(compoundSummaryJson(compound));
      json->set("compounds", items);
      json->set("compounds_total", compounds.total);
    }
    return json;
  });
  ctx.sendJson(200, out);
}

void substanceProductsHandler(RequestContext& ctx) {
  auto code = db::parseSubstanceCode(ctx.param("id"));
  if (!code || code->batchNumber) throw notFound("no substance '" + ctx.param("id") + "'");
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    if (!db::findSubstance(c, ctx.principal(), code->substanceId)) {
      throw notFound("no substance '" + ctx.param("id") + "'");
    }
    db::ProductFilter filter;
    filter.substanceId = code->substanceId;
    auto page = db::listProducts(c, ctx.principal(), filter, pageParam(ctx), pageSizeParam(ctx));
    return pageJson(c, ctx, page, false, false);
  });
  ctx.sendJson(200, out);
}

void compoundProductsHandler(RequestContext& ctx) {
  auto code = db::parseCode(ctx.param("id"));
  if (!code || code->formNumber) throw notFound("no compound '" + ctx.param("id") + "'");
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    if (!db::findCompound(c, ctx.principal(), code->compoundId)) {
      throw notFound("no compound '" + ctx.param("id") + "'");
    }
    db::ProductFilter filter;
    filter.compoundId = code->compoundId;
    auto page = db::listProducts(c, ctx.principal(), filter, pageParam(ctx), pageSizeParam(ctx));
    return pageJson(c, ctx, page, false, false);
  });
  ctx.sendJson(200, out);
}

void routeProductsHandler(RequestContext& ctx) {
  const std::string& text = ctx.param("id");
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    throw notFound("no route '" + text + "'");
  }
  std::int64_t routeId = std::stoll(text);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    if (!db::findRoute(c, ctx.principal(), routeId, /*withSteps=*/false)) {
      throw notFound("no route " + text);
    }
    db::ProductFilter filter;
    filter.routeId = routeId;
    auto page = db::listProducts(c, ctx.principal(), filter, pageParam(ctx), pageSizeParam(ctx));
    return pageJson(c, ctx, page, false, false);
  });
  ctx.sendJson(200, out);
}

void createHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  db::ProductInput in = readProductInput(body, /*creating=*/true);
  std::optional<std::int64_t> startUp = body.optInt("start_up");
  if (!startUp) startUp = ctx.principal().startUpId;
  if (!startUp) {
    throw invalidArgument("'start_up' is required (the id of the start-up that owns the product)",
                          {{"field", "start_up"}});
  }
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    auto product = db::createProduct(c, ctx.runtime().clock, ctx.principal(), *startUp, in);
    return productJson(c, ctx.principal(), product, true, today(ctx));
  });
  ctx.sendJson(201, out);
}

void getHandler(RequestContext& ctx) {
  db::Product product = visibleProduct(ctx);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    return productJson(c, ctx.principal(), product, true, today(ctx));
  });
  ctx.sendJson(200, out);
}

// PATCH semantics for "market": the keys sent replace their values (null clears one), the
// keys not sent keep theirs.
db::MarketData mergedMarket(const db::MarketData& current, const db::MarketData& sent,
                            const Object& keys) {
  db::MarketData out = current;
  if (keys.has("unit")) out.unit = sent.unit;
  if (keys.has("price_min")) out.priceMin = sent.priceMin;
  if (keys.has("price_max")) out.priceMax = sent.priceMax;
  if (keys.has("currency")) out.currency = sent.currency;
  if (keys.has("capacity")) out.capacity = sent.capacity;
  if (keys.has("capacity_unit")) out.capacityUnit = sent.capacityUnit;
  return out;
}

void patchHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  JsonFields body(ctx.jsonBody());
  db::ProductInput in = readProductInput(body, /*creating=*/false);
  Object::Ptr marketKeys = in.market ? body.object()->getObject("market") : nullptr;
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    if (marketKeys) {
      // Merged in the write transaction, so the checks see the market as it will be.
      if (auto current = db::findProduct(c, ctx.principal(), id)) {
        in.market = mergedMarket(current->market, *in.market, *marketKeys);
      }
    }
    auto product = db::updateProduct(c, ctx.runtime().clock, ctx.principal(), id, in);
    return productJson(c, ctx.principal(), product, true, today(ctx));
  });
  ctx.sendJson(200, out);
}

void retireHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"reason"});
  std::string reason = body.reqString("reason", 2000);
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    auto product = db::retireProduct(c, ctx.runtime().clock, ctx.principal(), id, reason);
    return productJson(c, ctx.principal(), product, true, today(ctx));
  });
  ctx.sendJson(200, out);
}

void trlLevelsHandler(RequestContext& ctx) {
  auto levels = ctx.runtime().db.read([](db::Connection& c) { return db::trlLevels(c); });
  Array::Ptr items = new Array;
  for (const auto& level : levels) items->add(trlLevelJson(level));
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("levels", items);
  if (!levels.empty()) {
    out->set("source", levels.front().source);
    out->set("source_url", levels.front().sourceUrl);
  }
  ctx.sendJson(200, out);
}

void trlHistoryHandler(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  std::map<std::int64_t, std::string> names;
  auto history = ctx.runtime().db.read([&](db::Connection& c) {
    auto found = db::trlHistory(c, product.id);
    std::vector<std::int64_t> ids;
    for (const auto& t : found) {
      if (t.changedBy) ids.push_back(*t.changedBy);
    }
    names = userDisplayNames(c, ids);
    return found;
  });
  Array::Ptr items = new Array;
  // As in GET .../history: who in the team changed it, only for insiders.
  const auto& viewer = ctx.principal();
  const bool insider = viewer.isAdmin() || viewer.belongsTo(product.startUpId);
  for (auto t : history) {
    if (!insider && t.changedBy) t.actorLabel = "user:" + std::to_string(*t.changedBy);
    Object::Ptr o = trlChangeJson(t);
    auto name = t.changedBy ? names.find(*t.changedBy) : names.end();
    if (insider && name != names.end()) {
      o->set("actor_name", name->second);
    } else {
      o->set("actor_name", Poco::Dynamic::Var());
    }
    items->add(o);
  }
  Object::Ptr out = itemsJson(items);
  out->set("product", product.code());
  out->set("trl", product.trl);
  ctx.sendJson(200, out);
}

void defaultsHandler(RequestContext& ctx) {
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Array::Ptr stages = new Array;
  std::int64_t position = 1;
  for (const auto& d : db::defaultStages()) {
    Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    s->set("key", d.key);
    s->set("name", d.name);
    s->set("description", d.description);
    s->set("position", position++);
    stages->add(s);
  }
  out->set("stages", stages);
  Array::Ptr statuses = new Array;
  for (const char* s : {"not_started", "in_progress", "done", "blocked"}) statuses->add(s);
  out->set("statuses", statuses);
  Array::Ptr decisions = new Array;
  for (const char* d : {"go", "hold", "stop", "rework"}) decisions->add(d);
  out->set("decisions", decisions);
  Array::Ptr kinds = new Array;
  for (const char* k : {"analysis", "certificate", "datasheet", "ghs_classification",
                        "registration", "report", "sds", "other"}) {
    kinds->add(k);
  }
  out->set("document_kinds", kinds);
  Array::Ptr relations = new Array;
  for (const char* r : {"customer", "partner", "distributor", "prospect", "other"}) {
    relations->add(r);
  }
  out->set("customer_relations", relations);
  out->set("max_upload_bytes", static_cast<std::int64_t>(ctx.runtime().config.maxUploadBytes));
  ctx.sendJson(200, out);
}

// ---- stages ----

void stagesHandler(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  std::string day = today(ctx);
  auto stages =
      ctx.runtime().db.read([&](db::Connection& c) { return db::listStages(c, product.id); });
  Array::Ptr items = new Array;
  for (const auto& s : stages) items->add(stageJson(ctx.principal(), product, s, day));
  Object::Ptr out = itemsJson(items);
  out->set("product", product.code());
  out->set("current_stage",
           product.currentStage ? Poco::Dynamic::Var(*product.currentStage) : Poco::Dynamic::Var());
  ctx.sendJson(200, out);
}

void stageHandler(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  const std::string& key = ctx.param("key");
  auto stage =
      ctx.runtime().db.read([&](db::Connection& c) { return db::findStage(c, product.id, key); });
  if (!stage) throw notFound("no stage '" + key + "' in " + product.code(), {{"field", "key"}});
  ctx.sendJson(200, stageJson(ctx.principal(), product, *stage, today(ctx)));
}

void patchStageHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"name", "description", "status", "owner", "planned_start", "planned_end",
                  "actual_start", "actual_end", "notes"});
  db::StageInput in = readStageInput(body);
  std::string key = ctx.param("key");
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    auto stage = db::updateStage(c, ctx.runtime().clock, ctx.principal(), id, key, in);
    auto product = db::findProduct(c, ctx.principal(), id);
    return stageJson(ctx.principal(), *product, stage, today(ctx));
  });
  ctx.sendJson(200, out);
}

void addStageHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"key", "name", "position", "description", "status", "owner", "planned_start",
                  "planned_end", "actual_start", "actual_end", "notes"});
  db::NewStage stage;
  stage.key = body.optString("key", 40);
  stage.name = body.reqString("name", 200);
  stage.position = body.optInt("position");
  stage.fields = readStageInput(body);
  stage.fields.name.reset();
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    auto added = db::addStage(c, ctx.runtime().clock, ctx.principal(), id, stage);
    auto product = db::findProduct(c, ctx.principal(), id);
    return stageJson(ctx.principal(), *product, added, today(ctx));
  });
  ctx.sendJson(201, out);
}

void deleteStageHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  std::string key = ctx.param("key");
  ctx.runtime().db.write([&](db::Connection& c) {
    db::removeStage(c, ctx.runtime().clock, ctx.principal(), id, key);
  });
  ctx.sendNoContent();
}

void reorderHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"keys"});
  auto keys = readStringList(body, "keys", 100);
  if (!keys)
    throw invalidArgument("'keys' is required: every stage key in the new order",
                          {{"field", "keys"}});
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    auto stages = db::reorderStages(c, ctx.runtime().clock, ctx.principal(), id, *keys);
    auto product = db::findProduct(c, ctx.principal(), id);
    Array::Ptr items = new Array;
    std::string day = today(ctx);
    for (const auto& s : stages) items->add(stageJson(ctx.principal(), *product, s, day));
    return itemsJson(items);
  });
  ctx.sendJson(200, out);
}

// ---- gate decisions ----

Object::Ptr decisionsJson(const db::Principal& viewer, const db::Product& product,
                          const std::vector<db::GateDecision>& decisions) {
  Array::Ptr items = new Array;
  for (const auto& d : decisions) items->add(decisionJson(viewer, product, d));
  Object::Ptr out = itemsJson(items);
  out->set("product", product.code());
  return out;
}

void productDecisionsHandler(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  auto decisions =
      ctx.runtime().db.read([&](db::Connection& c) { return db::listDecisions(c, product.id); });
  ctx.sendJson(200, decisionsJson(ctx.principal(), product, decisions));
}

void stageDecisionsHandler(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  const std::string& key = ctx.param("key");
  auto decisions = ctx.runtime().db.read([&](db::Connection& c) {
    if (!db::findStage(c, product.id, key)) {
      throw notFound("no stage '" + key + "' in " + product.code(), {{"field", "key"}});
    }
    return db::listDecisions(c, product.id, key);
  });
  ctx.sendJson(200, decisionsJson(ctx.principal(), product, decisions));
}

void addDecisionHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"decision", "rationale", "decided_by", "decided_on"});
  db::DecisionInput in;
  in.decision = body.reqString("decision", 20);
  in.rationale = body.reqString("rationale", 5000);
  in.decidedBy = body.optString("decided_by", 200);
  in.decidedOn = body.optString("decided_on", 20);
  std::string key = ctx.param("key");
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    auto decision = db::addDecision(c, ctx.runtime().clock, ctx.principal(), id, key, in);
    auto product = db::findProduct(c, ctx.principal(), id);
    return decisionJson(ctx.principal(), *product, decision);
  });
  ctx.sendJson(201, out);
}

// ---- customers ----

db::CustomerInput readCustomer(const JsonFields& body) {
  body.allowOnly({"name", "relation", "contact", "since", "notes"});
  db::CustomerInput in;
  in.name = body.optString("name", 200);
  in.relation = body.optString("relation", 40);
  in.contact = body.optString("contact", 500);
  if (body.object()->has("since")) {
    in.since = body.object()->isNull("since")
                   ? db::Update<std::string>(std::in_place, std::nullopt)
                   : db::Update<std::string>(std::in_place, body.optString("since", 20));
  }
  in.notes = body.optString("notes", 10000);
  return in;
}

std::int64_t customerIdParam(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("CUS", ctx.param("cid"));
  if (!id) throw notFound("no customer record '" + ctx.param("cid") + "'");
  return *id;
}

// Customers are the owning start-up's business (docs/threat-model.md): its team and the
// cluster's administrators see them, nobody else, whatever the product's visibility.
void customersHandler(RequestContext& ctx) {
  db::Product product = visibleProduct(ctx);
  const db::Principal& who = ctx.principal();
  if (!who.isAdmin() && !who.belongsTo(product.startUpId)) {
    throw notFound("no customer list for " + product.code() +
                   " (customers are seen by the owning start-up only)");
  }
  auto customers =
      ctx.runtime().db.read([&](db::Connection& c) { return db::listCustomers(c, product.id); });
  Array::Ptr items = new Array;
  for (const auto& r : customers) items->add(customerJson(r));
  Object::Ptr out = itemsJson(items);
  out->set("product", product.code());
  ctx.sendJson(200, out);
}

void addCustomerHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  db::CustomerInput in = readCustomer(JsonFields(ctx.jsonBody()));
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    return customerJson(db::addCustomer(c, ctx.runtime().clock, ctx.principal(), id, in));
  });
  ctx.sendJson(201, out);
}

void patchCustomerHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  std::int64_t cid = customerIdParam(ctx);
  db::CustomerInput in = readCustomer(JsonFields(ctx.jsonBody()));
  auto out = ctx.runtime().db.write([&](db::Connection& c) {
    return customerJson(db::updateCustomer(c, ctx.runtime().clock, ctx.principal(), id, cid, in));
  });
  ctx.sendJson(200, out);
}

void deleteCustomerHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  std::int64_t cid = customerIdParam(ctx);
  ctx.runtime().db.write([&](db::Connection& c) {
    db::removeCustomer(c, ctx.runtime().clock, ctx.principal(), id, cid);
  });
  ctx.sendNoContent();
}

// Removes the composition's compound ids and the linked route ids from a product snapshot
// (the row alone, or {"product", "components", "routes", ...}).
void withoutCompositionIds(const std::string& recordType, Poco::Dynamic::Var& snapshot) {
  if (recordType != "product" || snapshot.type() != typeid(Object::Ptr)) return;
  Object::Ptr o = snapshot.extract<Object::Ptr>();
  if (!o) return;
  o->remove("compound_id");
  o->remove("substance_id");
  o->remove("routes");
  if (Object::Ptr row = o->getObject("product")) {
    row->remove("compound_id");
    row->remove("substance_id");
  }
  if (Array::Ptr parts = o->getArray("components")) {
    for (std::size_t i = 0; i < parts->size(); ++i) {
      if (Object::Ptr part = parts->getObject(i)) {
        part->remove("compound_id");
        part->remove("substance_id");
        // A substance component's name column holds its code.
        if (part->has("name") && part->get("name").isString() &&
            part->getValue<std::string>("name").rfind("SUB-", 0) == 0) {
          part->set("name", std::string());
        }
      }
    }
  }
}

// Replaces a team e-mail in a gate decision snapshot's decided_by as db::decidedByFor does
// for an outsider.
void withoutDeciderEmail(const db::Principal& viewer, const db::Product& product,
                         const std::string& recordType, Poco::Dynamic::Var& snapshot) {
  if (recordType != "gate_decision" || snapshot.type() != typeid(Object::Ptr)) return;
  Object::Ptr o = snapshot.extract<Object::Ptr>();
  if (!o || !o->has("decided_by") || !o->get("decided_by").isString()) return;
  db::GateDecision d;
  d.decidedBy = o->getValue<std::string>("decided_by");
  if (o->has("recorded_by") && o->get("recorded_by").isInteger()) {
    d.recordedBy = o->getValue<std::int64_t>("recorded_by");
  }
  o->set("decided_by", db::decidedByFor(viewer, product, d));
}

// The product's own entries and those of its stages, decisions, customers and documents.
// Pipeline data: visible where the pipeline is (never to catalogue-only viewers). Outside
// the owning start-up the snapshots carry no compound or route ids (the product's view
// shows those the viewer may see, the raw rows would show the private ones too) and gate
// decisions name no team e-mail.
HistorySubject productHistory(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  HistorySubject subject;
  subject.records.push_back({"product", product.code()});
  const auto& viewer = ctx.principal();
  const bool insider = viewer.isAdmin() || viewer.belongsTo(product.startUpId);
  ctx.runtime().db.read([&](db::Connection& c) {
    for (const auto& [type, id] : db::productAuditRecords(c, product.id)) {
      if (type == "product") continue;
      // Outsiders: no customer records, and only the documents they may see.
      if (!insider && type == "product_customer") continue;
      if (!insider && type == "document") {
        auto number = db::parsePrefixedCode("DOC", id);
        if (!number || !db::findDocument(c, viewer, *number)) continue;
      }
      subject.records.push_back({type, id});
    }
  });
  subject.ownerStartUpId = product.startUpId;
  if (!viewer.isAdmin() && !viewer.belongsTo(product.startUpId)) {
    subject.redact = [viewer, product](const std::string& type, Poco::Dynamic::Var& snapshot) {
      withoutCompositionIds(type, snapshot);
      withoutDeciderEmail(viewer, product, type, snapshot);
    };
  }
  return subject;
}

}  // namespace

void addProductEndpoints(Router& router) {
  router.add({"GET", "/api/products", Access::Public, listHandler,
              "visible products, paged; filters start_up, stage, compound, route, visibility, q; "
              "include=stages"});
  router.add({"POST", "/api/products", Access::StartUpMember, createHandler,
              "create a product ({name, start_up, compound_id | formulation, route_ids?, ...}) "
              "with the default stages"});
  router.add({"GET", "/api/products/{id}", Access::Public, getHandler,
              "one product (full view with stages, or the catalogue view)"});
  router.add({"PATCH", "/api/products/{id}", Access::StartUpMember, patchHandler,
              "update a product's fields, route_ids, trl ({trl, trl_note}) or visibility"});
  router.add({"POST", "/api/products/{id}/retire", Access::StartUpMember, retireHandler,
              "retire a product ({reason})"});
  addHistoryEndpoint(router, "/api/products/{id}/history",
                  "a product's audit history with its stages, decisions, customers and documents",
                  productHistory);
  router.add({"GET", "/api/catalogue", Access::Public, catalogueHandler,
              "public products in their catalogue view"});
  router.add({"GET", "/api/substances/{id}/products", Access::Public, substanceProductsHandler,
              "visible products made of a substance (alone or in a formulation)"});
  router.add({"GET", "/api/compounds/{id}/products", Access::Public, compoundProductsHandler,
              "visible products made of a compound (alone or in a formulation)"});
  router.add({"GET", "/api/routes/{id}/products", Access::Public, routeProductsHandler,
              "visible products made by a synthesis route"});
  router.add({"GET", "/api/pipeline/defaults", Access::Public, defaultsHandler,
              "default stages, statuses, decisions, document kinds and upload limit"});
  router.add({"GET", "/api/trl", Access::Public, trlLevelsHandler,
              "the EU Horizon 2020 TRL definitions, with their source"});
  router.add({"GET", "/api/products/{id}/trl", Access::Public, trlHistoryHandler,
              "a product's TRL history"});

  router.add({"GET", "/api/products/{id}/stages", Access::Public, stagesHandler,
              "a product's stages in order"});
  router.add({"POST", "/api/products/{id}/stages", Access::StartUpMember, addStageHandler,
              "add a stage ({name, key?, position?, ...})"});
  router.add({"GET", "/api/products/{id}/stages/{key}", Access::Public, stageHandler, "one stage"});
  router.add({"PATCH", "/api/products/{id}/stages/{key}", Access::StartUpMember, patchStageHandler,
              "update a stage: status, owner, name, dates (null clears), notes"});
  router.add({"DELETE", "/api/products/{id}/stages/{key}", Access::StartUpMember,
              deleteStageHandler, "remove a stage that has no history"});
  router.add({"PUT", "/api/products/{id}/stage-order", Access::StartUpMember, reorderHandler,
              "reorder the stages ({keys: [...]})"});

  router.add({"GET", "/api/products/{id}/decisions", Access::Public, productDecisionsHandler,
              "every gate decision of a product"});
  router.add({"GET", "/api/products/{id}/stages/{key}/decisions", Access::Public,
              stageDecisionsHandler, "gate decisions of a stage"});
  router.add({"POST", "/api/products/{id}/stages/{key}/decisions", Access::StartUpMember,
              addDecisionHandler,
              "record a gate decision ({decision: go|hold|stop|rework, rationale, ...})"});

  router.add({"GET", "/api/products/{id}/customers", Access::Public, customersHandler,
              "a product's customers, partners and distributors"});
  router.add({"POST", "/api/products/{id}/customers", Access::StartUpMember, addCustomerHandler,
              "add a customer record ({name, relation?, ...})"});
  router.add({"PATCH", "/api/products/{id}/customers/{cid}", Access::StartUpMember,
              patchCustomerHandler, "update a customer record"});
  router.add({"DELETE", "/api/products/{id}/customers/{cid}", Access::StartUpMember,
              deleteCustomerHandler, "remove a customer record"});
}

}  // namespace argan::server
