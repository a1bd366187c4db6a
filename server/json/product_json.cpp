#include "server/json/product_json.h"

#include <cmath>

#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "db/substance_store.h"
#include "server/json/compound_json.h"
#include "server/json/substance_json.h"
#include "server/json/json_output.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string productPath(const db::Product& p) {
  return "/api/products/" + p.code();
}

Object::Ptr marketJson(const db::MarketData& m, bool withCapacity) {
  Object::Ptr o = orderedObject();
  setOptional(o, "unit", m.unit);
  setOptional(o, "price_min", m.priceMin);
  setOptional(o, "price_max", m.priceMax);
  setOptional(o, "currency", m.currency);
  if (withCapacity) {
    setOptional(o, "capacity", m.capacity);
    setOptional(o, "capacity_unit", m.capacityUnit);
  }
  return o;
}

// The compound a viewer may see, as a summary; null (and "hidden") otherwise.
void setCompound(db::Connection& c, const db::Principal& viewer, Object::Ptr& o,
                 std::int64_t compoundId) {
  auto compound = db::findCompound(c, viewer, compoundId);
  if (compound) {
    o->set("compound_id", compound->code());
    o->set("compound", compoundSummaryJson(*compound));
  } else {
    o->set("compound_id", Poco::Dynamic::Var());
    o->set("compound", Poco::Dynamic::Var());
    o->set("hidden", true);
  }
}

// The substance a viewer may see, as a summary; null (and "hidden") otherwise.
void setSubstance(db::Connection& c, const db::Principal& viewer, Object::Ptr& o,
                  const std::optional<std::int64_t>& substanceId) {
  if (!substanceId) {
    o->set("substance_id", Poco::Dynamic::Var());
    o->set("substance", Poco::Dynamic::Var());
    return;
  }
  auto substance = db::findSubstance(c, viewer, *substanceId);
  if (substance) {
    o->set("substance_id", substance->code());
    o->set("substance", substanceSummaryJson(*substance));
  } else {
    o->set("substance_id", Poco::Dynamic::Var());
    o->set("substance", Poco::Dynamic::Var());
    o->set("hidden", true);
  }
}

// The linked routes the viewer may see, in the product's order; the others are counted.
void setRoutes(db::Connection& c, const db::Principal& viewer, Object::Ptr& o,
               const db::Product& p) {
  Array::Ptr routes = new Array;
  std::int64_t hidden = 0;
  for (std::int64_t id : p.routeIds) {
    auto route = db::findRoute(c, viewer, id, /*withSteps=*/false);
    if (!route) {
      ++hidden;
      continue;
    }
    Object::Ptr r = orderedObject();
    r->set("id", route->id);
    r->set("name", route->name);
    r->set("version", route->version);
    r->set("status", route->status);
    r->set("visibility", route->visibility);
    r->set("target_compound", db::compoundCode(route->targetCompoundId));
    Object::Ptr links = orderedObject();
    links->set("self", "/api/routes/" + std::to_string(route->id));
    links->set("metrics", "/api/routes/" + std::to_string(route->id) + "/metrics");
    r->set("links", links);
    routes->add(r);
  }
  o->set("routes", routes);
  o->set("hidden_routes", hidden);
}

}  // namespace

Object::Ptr itemsJson(const Array::Ptr& items) {
  Object::Ptr o = orderedObject();
  o->set("items", items);
  o->set("total", static_cast<std::int64_t>(items->size()));
  return o;
}

Object::Ptr productJson(db::Connection& c, const db::Principal& viewer, const db::Product& p,
                        bool withStages, const std::string& today, bool catalogueOnly) {
  bool full = !catalogueOnly && db::canSeePipeline(viewer, p);
  Object::Ptr o = orderedObject();
  o->set("id", p.code());
  o->set("number", p.id);
  o->set("start_up", p.startUpId);
  o->set("visibility", p.visibility);
  o->set("view", full ? "full" : "catalogue");
  o->set("name", p.name);
  o->set("description", p.description);
  o->set("composition", p.composition);
  if (p.compoundId) {
    setCompound(c, viewer, o, *p.compoundId);
  } else {
    o->set("compound_id", Poco::Dynamic::Var());
    o->set("compound", Poco::Dynamic::Var());
  }
  setSubstance(c, viewer, o, p.substanceId);
  Array::Ptr formulation = new Array;
  for (const auto& part : p.components) {
    Object::Ptr item = orderedObject();
    if (part.compoundId) {
      setCompound(c, viewer, item, *part.compoundId);
    } else {
      item->set("compound_id", Poco::Dynamic::Var());
      item->set("compound", Poco::Dynamic::Var());
    }
    setSubstance(c, viewer, item, part.substanceId);
    item->set("name", part.name);
    item->set("function", part.function);
    item->set("percentage", part.percentage);
    formulation->add(item);
  }
  o->set("formulation", formulation);
  setRoutes(c, viewer, o, p);
  o->set("target_sectors", stringArray(p.targetSectors));
  o->set("intended_uses", stringArray(p.intendedUses));

  Object::Ptr catalogue = orderedObject();
  catalogue->set("name", p.catalogueName.empty() ? p.name : p.catalogueName);
  catalogue->set("summary", p.catalogueSummary);
  // The depiction of the product's compound, when the viewer may see that compound.
  Poco::Dynamic::Var depiction;
  if (p.compoundId && o->has("compound") && !o->isNull("compound")) {
    depiction = "/api/compounds/" + db::compoundCode(*p.compoundId) + "/depiction.svg";
  }
  catalogue->set("depiction", depiction);
  catalogue->set("badges",
                 Array::Ptr(new Array));  // green-metrics badges: from routes, when linked
  o->set("catalogue", catalogue);

  o->set("trl", p.trl);
  o->set("trl_title", db::trlTitle(c, p.trl));
  Poco::Dynamic::Var stage;
  if (p.currentStage) {
    auto current = db::findStage(c, p.id, *p.currentStage);
    if (current) {
      Object::Ptr s = orderedObject();
      s->set("key", current->key);
      s->set("name", current->name);
      if (full) s->set("status", current->status);
      stage = s;
    }
  }
  o->set("stage", stage);
  o->set("pipeline_complete", p.pipelineComplete);
  o->set("market", marketJson(p.market, full));
  if (full) {
    o->set("status", p.gateStatus());
    setOptional(o, "last_decision", p.lastDecision);
    if (withStages) {
      Array::Ptr stages = new Array;
      for (const auto& s : db::listStages(c, p.id)) stages->add(stageJson(viewer, p, s, today));
      o->set("stages", stages);
    }
    o->set("created_at", p.createdAt);
    o->set("updated_at", p.updatedAt);
    setOptional(o, "retired_at", p.retiredAt);
    setOptional(o, "retired_reason", p.retiredReason);
  }
  Object::Ptr links = orderedObject();
  std::string self = productPath(p);
  links->set("self", self);
  links->set("documents", self + "/documents");
  if (full) {
    links->set("stages", self + "/stages");
    links->set("decisions", self + "/decisions");
    links->set("timeline", self + "/timeline");
    links->set("trl_history", self + "/trl");
    links->set("customers", self + "/customers");
  }
  links->set("inquiries", self + "/inquiries");
  o->set("links", links);
  return o;
}

Object::Ptr stageJson(const db::Principal& viewer, const db::Product& product, const db::Stage& s,
                      const std::string& today) {
  Object::Ptr o = orderedObject();
  o->set("key", s.key);
  o->set("name", s.name);
  o->set("description", s.description);
  o->set("position", s.position);
  o->set("status", s.status);
  o->set("owner", s.owner);
  setOptional(o, "planned_start", s.plannedStart);
  setOptional(o, "planned_end", s.plannedEnd);
  setOptional(o, "actual_start", s.actualStart);
  setOptional(o, "actual_end", s.actualEnd);
  o->set("notes", s.notes);
  // A product stopped at a gate has no milestones left to miss.
  std::optional<db::OverdueMilestone> overdue;
  if (product.gateStatus() != "stopped") overdue = db::overdueMilestone(s, today);
  if (overdue) {
    Object::Ptr od = orderedObject();
    od->set("milestone", overdue->milestone);
    od->set("planned_date", overdue->plannedDate);
    od->set("days_overdue", overdue->daysOverdue);
    o->set("overdue", od);
  } else {
    o->set("overdue", Poco::Dynamic::Var());
  }
  o->set("documents", s.documentCount);
  o->set("decisions", s.decisionCount);
  if (s.lastDecision) {
    o->set("last_decision", decisionJson(viewer, product, *s.lastDecision));
  } else {
    o->set("last_decision", Poco::Dynamic::Var());
  }
  o->set("updated_at", s.updatedAt);
  Object::Ptr links = orderedObject();
  std::string self = productPath(product) + "/stages/" + s.key;
  links->set("self", self);
  links->set("decisions", self + "/decisions");
  links->set("documents", self + "/documents");
  o->set("links", links);
  return o;
}

Object::Ptr decisionJson(const db::Principal& viewer, const db::Product& product,
                         const db::GateDecision& d) {
  Object::Ptr o = orderedObject();
  o->set("id", d.id);
  o->set("product", product.code());
  o->set("stage", d.stageKey);
  o->set("decision", d.decision);
  o->set("rationale", d.rationale);
  o->set("decided_by", db::decidedByFor(viewer, product, d));
  o->set("decided_on", d.decidedOn);
  o->set("recorded_at", d.recordedAt);
  setOptional(o, "recorded_by", d.recordedBy);
  return o;
}

Object::Ptr trlLevelJson(const db::TrlLevel& level) {
  Object::Ptr o = orderedObject();
  o->set("level", level.level);
  o->set("title", level.title);
  return o;
}

Object::Ptr trlChangeJson(const db::TrlChange& t) {
  Object::Ptr o = orderedObject();
  o->set("trl", t.trl);
  setOptional(o, "previous", t.previous);
  o->set("note", t.note);
  o->set("changed_at", t.changedAt);
  setOptional(o, "changed_by", t.changedBy);
  o->set("actor", t.actorLabel);
  return o;
}

Object::Ptr customerJson(const db::Customer& r) {
  Object::Ptr o = orderedObject();
  o->set("id", r.id);
  o->set("product", db::productCode(r.productId));
  o->set("name", r.name);
  o->set("relation", r.relation);
  o->set("contact", r.contact);
  setOptional(o, "since", r.since);
  o->set("notes", r.notes);
  o->set("created_at", r.createdAt);
  o->set("updated_at", r.updatedAt);
  return o;
}

Object::Ptr documentJson(const db::Document& d) {
  Object::Ptr o = orderedObject();
  o->set("id", d.code());
  o->set("filename", d.filename);
  o->set("content_type", d.contentType);
  o->set("size", d.size);
  o->set("sha256", d.sha256);
  o->set("kind", d.kind);
  o->set("title", d.title);
  Object::Ptr owner = orderedObject();
  owner->set("type", d.ownerType);
  if (d.productId) owner->set("product", db::productCode(*d.productId));
  if (d.stageKey) owner->set("stage", *d.stageKey);
  if (d.batchCode) owner->set(d.ownerType == "substance_batch" ? "substance_batch" : "batch", *d.batchCode);
  if (d.lotId) owner->set("lot", db::prefixedCode("LOT", *d.lotId));
  o->set("owner", owner);
  o->set("start_up", d.startUpId);
  o->set("visibility", d.visibility);
  o->set("document_visibility", d.documentVisibility);
  o->set("owner_visibility", d.ownerVisibility);
  o->set("created_at", d.createdAt);
  setOptional(o, "created_by", d.createdBy);
  setOptional(o, "retired_at", d.retiredAt);
  setOptional(o, "retired_reason", d.retiredReason);
  Object::Ptr links = orderedObject();
  links->set("self", "/api/documents/" + d.code());
  links->set("content", "/api/documents/" + d.code() + "/content");
  o->set("links", links);
  return o;
}

Object::Ptr inquiryJson(const db::Inquiry& q, bool withMessages) {
  Object::Ptr o = orderedObject();
  o->set("id", q.code());
  Object::Ptr product = orderedObject();
  product->set("id", db::productCode(q.productId));
  product->set("name", q.productName);
  product->set("start_up", q.startUpId);
  o->set("product", product);
  o->set("partner", q.partnerEmail);
  o->set("subject", q.subject);
  o->set("status", q.status);
  o->set("message_count", q.messageCount);
  o->set("unread", q.unread);
  o->set("created_at", q.createdAt);
  o->set("updated_at", q.updatedAt);
  if (withMessages) {
    Array::Ptr messages = new Array;
    for (const auto& m : q.messages) {
      Object::Ptr item = orderedObject();
      item->set("id", m.id);
      item->set("side", m.side);
      item->set("author", m.authorLabel);
      item->set("body", m.body);
      item->set("created_at", m.createdAt);
      messages->add(item);
    }
    o->set("messages", messages);
  }
  Object::Ptr links = orderedObject();
  links->set("self", "/api/inquiries/" + q.code());
  links->set("messages", "/api/inquiries/" + q.code() + "/messages");
  o->set("links", links);
  return o;
}

Object::Ptr funnelJson(const db::Funnel& f) {
  Object::Ptr o = orderedObject();
  Array::Ptr stages = new Array;
  for (const auto& s : f.stages) {
    Object::Ptr item = orderedObject();
    item->set("key", s.key);
    item->set("name", s.name);
    item->set("products", s.products);
    item->set("on_hold", s.onHold);
    item->set("stopped", s.stopped);
    Array::Ptr by = new Array;
    for (const auto& b : s.byStartUp) {
      Object::Ptr row = orderedObject();
      row->set("start_up", b.startUpId);
      row->set("name", b.startUpName);
      row->set("products", b.products);
      by->add(row);
    }
    item->set("by_start_up", by);
    stages->add(item);
  }
  o->set("stages", stages);
  Array::Ptr startUps = new Array;
  for (const auto& su : f.startUps) {
    Object::Ptr item = orderedObject();
    item->set("start_up", su.startUpId);
    item->set("name", su.startUpName);
    item->set("products", su.products);
    Object::Ptr byStage = orderedObject();
    for (const auto& s : f.stages) byStage->set(s.key, su.byStage.at(s.key));
    item->set("by_stage", byStage);
    startUps->add(item);
  }
  o->set("start_ups", startUps);
  o->set("products", f.products);
  o->set("pipeline_complete", f.pipelineComplete);
  o->set("counts",
         "live products the caller may see, each at its current stage (the first "
         "stage not done, or the last stage when all are done)");
  return o;
}

Object::Ptr overdueJson(const db::OverdueMilestone& m) {
  Object::Ptr o = orderedObject();
  Object::Ptr product = orderedObject();
  product->set("id", db::productCode(m.productId));
  product->set("name", m.productName);
  o->set("product", product);
  o->set("stage", m.stageKey);
  o->set("stage_name", m.stageName);
  o->set("status", m.status);
  o->set("milestone", m.milestone);
  o->set("planned_date", m.plannedDate);
  o->set("days_overdue", m.daysOverdue);
  return o;
}

Object::Ptr timelineEventJson(const db::TimelineEvent& e) {
  Object::Ptr o = orderedObject();
  o->set("date", e.date);
  o->set("type", e.type);
  setOptional(o, "stage", e.stageKey);
  o->set("summary", e.summary);
  setOptional(o, "reference", e.reference);
  if (!e.at.empty()) o->set("recorded_at", e.at);
  Object::Ptr details = orderedObject();
  for (const auto& [key, value] : e.details) details->set(key, value);
  o->set("details", details);
  return o;
}

}  // namespace argan::server
