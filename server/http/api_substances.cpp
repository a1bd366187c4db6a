// Substances (docs/substances.md):
//   POST  /api/substances                      register: 201 new substance, 200 new batch
//   GET   /api/substances                      visible substances, filtered and paged
//   GET   /api/substances/{id}                 one substance with its batches
//   PUT   /api/substances/{id}                 replace the specification (audited update)
//   PATCH /api/substances/{id}                 {visibility, reason?} (audited publish)
//   POST  /api/substances/{id}/retire          {reason}
//   GET   /api/substances/{id}/history
//   GET   /api/substances/{id}/batches, POST   batches, with a certificate of analysis
//   GET   /api/substance-batches/{id}          "SUB-000001-B002"
//   PATCH /api/substance-batches/{id}          {visibility, reason?}
//   POST  /api/substance-batches/{id}/certificate, /retire; GET .../history
//   GET   /api/substance-properties, POST      the property vocabulary
// A substance the caller may not see answers 404 like a missing one.
#include "common/error.h"
#include "db/identifiers.h"
#include "db/lifecycle.h"
#include "db/substance_store.h"
#include "server/http/endpoints.h"
#include "server/http/history.h"
#include "server/http/request_context.h"
#include "server/json/json_fields.h"
#include "server/json/json_output.h"
#include "server/json/publication.h"
#include "server/json/substance_json.h"
#include "server/registry/substances.h"
#include "server/transfer/substance_transfer.h"

namespace argan::server {
namespace {

std::int64_t substanceIdFrom(const std::string& text) {
  auto code = db::parseSubstanceCode(text);
  if (!code || code->batchNumber) throw notFound("no substance '" + text + "'");
  return code->substanceId;
}

db::Substance visibleSubstanceIn(db::Connection& c, const db::Principal& who,
                                 const std::string& text) {
  auto substance = db::findSubstance(c, who, substanceIdFrom(text));
  if (!substance) throw notFound("no substance '" + text + "'");
  return *substance;
}

db::SubstanceBatch visibleBatchIn(db::Connection& c, const db::Principal& who,
                                  const std::string& text) {
  auto code = db::parseSubstanceCode(text);
  if (!code || !code->batchNumber) throw notFound("no substance batch '" + text + "'");
  auto batch = db::findSubstanceBatch(c, who, code->substanceId, *code->batchNumber);
  if (!batch) throw notFound("no substance batch '" + text + "'");
  return *batch;
}

std::int64_t resolveStartUp(const RequestContext& ctx, const JsonFields& body) {
  if (auto startUp = body.optInt("start_up")) return *startUp;
  if (ctx.principal().startUpId) return *ctx.principal().startUpId;
  throw invalidArgument("'start_up' is required (the id of the start-up that owns the substance)",
                        {{"field", "start_up"}});
}

void registerHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  SubstanceSubmission submission = readSubstanceSubmission(body, /*creating=*/true);
  std::int64_t startUp = resolveStartUp(ctx, body);
  SubstanceRegistration r =
      registerSubstance(ctx.runtime(), ctx.principal(), startUp, std::move(submission));
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    return substanceRegistrationJson(c, ctx.principal(), r);
  });
  ctx.sendJson(r.outcome == SubstanceOutcome::NewSubstance ? 201 : 200, out);
}

void reviseHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  SubstanceSubmission submission = readSubstanceSubmission(body, /*creating=*/false);
  std::int64_t id = substanceIdFrom(ctx.param("id"));
  SubstanceRegistration r = reviseSubstance(ctx.runtime(), ctx.principal(), id, std::move(submission));
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    return substanceRegistrationJson(c, ctx.principal(), r);
  });
  ctx.sendJson(200, out);
}

db::SubstanceFilter readFilter(RequestContext& ctx) {
  db::SubstanceFilter f;
  f.startUpId = ctx.queryInt("start_up");
  f.kind = ctx.queryFilter("kind");
  f.visibility = ctx.queryFilter("visibility");
  f.text = ctx.queryFilter("q");
  f.source = ctx.queryFilter("source");
  if (auto compound = ctx.queryFilter("compound")) {
    auto code = db::parseCode(*compound);
    if (!code || code->formNumber) {
      throw invalidArgument("compound must be a compound such as CMP-000123", {{"field", "compound"}});
    }
    f.compoundId = code->compoundId;
  }
  f.propertyKey = ctx.queryFilter("property");
  f.propertyMin = ctx.queryNumber("property_min");
  f.propertyMax = ctx.queryNumber("property_max");
  f.includeRetired = ctx.query("include_retired") == std::optional<std::string>("true");
  return f;
}

void listHandler(RequestContext& ctx) {
  db::SubstanceFilter filter = readFilter(ctx);
  std::int64_t page = ctx.queryInt("page").value_or(0);
  std::int64_t pageSize = ctx.queryInt("page_size").value_or(50);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    auto result = db::listSubstances(c, ctx.principal(), filter, page, pageSize);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& s : result.items) items->add(substanceJson(c, ctx.principal(), s));
    Poco::JSON::Object::Ptr o = orderedObject();
    o->set("items", items);
    o->set("total", result.total);
    o->set("page", page);
    o->set("page_size", pageSize);
    return o;
  });
  ctx.sendJson(200, out);
}

Poco::JSON::Array::Ptr batchesJson(db::Connection& c, const db::Principal& who,
                                   const db::Substance& substance) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& b : db::listSubstanceBatches(c, who, substance.id)) {
    items->add(substanceBatchJson(c, who, substance, b));
  }
  return items;
}

void getHandler(RequestContext& ctx) {
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    db::Substance s = visibleSubstanceIn(c, ctx.principal(), ctx.param("id"));
    Poco::JSON::Object::Ptr o = substanceJson(c, ctx.principal(), s);
    o->set("batches", batchesJson(c, ctx.principal(), s));
    return o;
  });
  ctx.sendJson(200, out);
}

void publishHandler(RequestContext& ctx) {
  db::VisibilityChange change = readVisibilityChange(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto out = runtime.db.write([&](db::Connection& c) {
    db::Substance current = visibleSubstanceIn(c, who, ctx.param("id"));
    db::Substance changed = publishSubstance(c, runtime.clock, who, current, change);
    return substanceJson(c, who, changed);
  });
  ctx.sendJson(200, out);
}

void retireHandler(RequestContext& ctx) {
  std::string reason = readRetireReason(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto out = runtime.db.write([&](db::Connection& c) {
    db::Substance current = visibleSubstanceIn(c, who, ctx.param("id"));
    db::retireRecord(c, runtime.clock, who,
                     db::RecordRef{"substances", "substance", current.code(), current.id,
                                   current.startUpId},
                     reason);
    return substanceJson(c, who, visibleSubstanceIn(c, who, ctx.param("id")));
  });
  ctx.sendJson(200, out);
}

void listBatchesHandler(RequestContext& ctx) {
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    db::Substance s = visibleSubstanceIn(c, ctx.principal(), ctx.param("id"));
    Poco::JSON::Array::Ptr items = batchesJson(c, ctx.principal(), s);
    Poco::JSON::Object::Ptr o = orderedObject();
    o->set("items", items);
    o->set("total", static_cast<std::int64_t>(items->size()));
    return o;
  });
  ctx.sendJson(200, out);
}

void addBatchHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody(), "batch");
  db::SubstanceBatchInput input = readSubstanceBatch(body, "batch");
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto out = runtime.db.write([&](db::Connection& c) {
    db::Substance s = visibleSubstanceIn(c, who, ctx.param("id"));
    db::SubstanceBatch b = db::createSubstanceBatch(c, runtime.clock, who, s.id, input);
    return substanceBatchJson(c, who, s, b);
  });
  ctx.sendJson(201, out);
}

void getBatchHandler(RequestContext& ctx) {
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    db::SubstanceBatch b = visibleBatchIn(c, ctx.principal(), ctx.param("id"));
    db::Substance s = *db::findSubstance(c, ctx.principal(), b.substanceId);
    return substanceBatchJson(c, ctx.principal(), s, b);
  });
  ctx.sendJson(200, out);
}

void certificateHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody(), "batch");
  db::SubstanceBatchInput input = readSubstanceBatch(body, "batch");
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto out = runtime.db.write([&](db::Connection& c) {
    db::SubstanceBatch b = visibleBatchIn(c, who, ctx.param("id"));
    db::SubstanceBatch changed =
        db::addBatchCertificate(c, runtime.clock, who, b.substanceId, b.batchNumber, input);
    return substanceBatchJson(c, who, *db::findSubstance(c, who, b.substanceId), changed);
  });
  ctx.sendJson(200, out);
}

db::RecordRef batchRef(const db::SubstanceBatch& b) {
  return db::RecordRef{"substance_batches", "substance_batch", b.code(), b.id, b.startUpId};
}

void publishBatchHandler(RequestContext& ctx) {
  db::VisibilityChange change = readVisibilityChange(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto out = runtime.db.write([&](db::Connection& c) {
    db::SubstanceBatch b = visibleBatchIn(c, who, ctx.param("id"));
    change.record = batchRef(b);
    // A batch is seen only where its substance is.
    change.parentVisibility = db::parseVisibility(b.substanceVisibility);
    change.parentRecordId = db::substanceCode(b.substanceId);
    db::changeVisibility(c, runtime.clock, who, change);
    db::SubstanceBatch changed = visibleBatchIn(c, who, ctx.param("id"));
    return substanceBatchJson(c, who, *db::findSubstance(c, who, b.substanceId), changed);
  });
  ctx.sendJson(200, out);
}

void retireBatchHandler(RequestContext& ctx) {
  std::string reason = readRetireReason(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto out = runtime.db.write([&](db::Connection& c) {
    db::SubstanceBatch b = visibleBatchIn(c, who, ctx.param("id"));
    db::retireRecord(c, runtime.clock, who, batchRef(b), reason);
    db::SubstanceBatch changed = visibleBatchIn(c, who, ctx.param("id"));
    return substanceBatchJson(c, who, *db::findSubstance(c, who, b.substanceId), changed);
  });
  ctx.sendJson(200, out);
}

void termsHandler(RequestContext& ctx) {
  auto terms = ctx.runtime().db.read([](db::Connection& c) { return db::listPropertyTerms(c); });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& t : terms) items->add(propertyTermJson(t));
  Poco::JSON::Object::Ptr o = orderedObject();
  o->set("items", items);
  o->set("total", static_cast<std::int64_t>(terms.size()));
  ctx.sendJson(200, o);
}

void addTermHandler(RequestContext& ctx) {
  db::PropertyTerm term = readPropertyTerm(JsonFields(ctx.jsonBody()));
  auto added = ctx.runtime().db.write([&](db::Connection& c) {
    return db::addPropertyTerm(c, ctx.runtime().clock, ctx.principal(), term);
  });
  ctx.sendJson(201, propertyTermJson(added));
}

// POST /api/substances/import?start_up=&format=csv|json: the file as the body.
void importHandler(RequestContext& ctx) {
  std::int64_t startUp = 0;
  if (auto id = ctx.queryInt("start_up")) {
    startUp = *id;
  } else if (ctx.principal().startUpId) {
    startUp = *ctx.principal().startUpId;
  } else {
    throw invalidArgument("start_up is required (the start-up that receives the substances)",
                          {{"field", "start_up"}});
  }
  const std::string& text = ctx.body();
  if (text.empty()) throw invalidArgument("the file is empty", {{"field", "file"}});
  std::string format = ctx.query("format").value_or("");
  if (format.empty()) {  // from the content: a JSON file starts with '{'
    auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    format = first != std::string::npos && text[first] == '{' ? "json" : "csv";
  }
  SubstanceImportReport report =
      importSubstances(ctx.runtime(), ctx.principal(), startUp, text, format);
  Poco::JSON::Array::Ptr verdicts = new Poco::JSON::Array;
  for (const auto& v : report.verdicts) {
    Poco::JSON::Object::Ptr o = orderedObject();
    o->set("substance", v.key);
    if (v.line) o->set("line", v.line);
    o->set("outcome", v.outcome);
    setTextOrNull(o, "id", v.id);
    o->set("message", v.message);
    setTextOrNull(o, "field", v.field);
    verdicts->add(o);
  }
  Poco::JSON::Object::Ptr counts = orderedObject();
  counts->set("new_substance", report.newSubstances);
  counts->set("new_batch", report.newBatches);
  counts->set("already_registered", report.alreadyRegistered);
  counts->set("rejected", report.rejected);
  Poco::JSON::Object::Ptr out = orderedObject();
  out->set("counts", counts);
  out->set("verdicts", verdicts);
  // 2xx only when a record was stored or found; a file whose every record is refused is a 400.
  if (report.rejected == static_cast<std::int64_t>(report.verdicts.size())) {
    const auto& first = report.verdicts.front();
    throw invalidArgument("no substance could be imported; substance '" + first.key + "'" +
                              (first.line ? " (line " + std::to_string(first.line) + ")" : "") +
                              ": " + first.message,
                          {{"field", first.field.empty() ? "file" : first.field},
                           {"rejected", report.rejected}});
  }
  ctx.sendJson(200, out);
}

HistorySubject substanceHistory(RequestContext& ctx) {
  return ctx.runtime().db.read([&](db::Connection& c) {
    db::Substance s = visibleSubstanceIn(c, ctx.principal(), ctx.param("id"));
    return HistorySubject{{{"substance", s.code()}}, s.startUpId};
  });
}

HistorySubject batchHistory(RequestContext& ctx) {
  return ctx.runtime().db.read([&](db::Connection& c) {
    db::SubstanceBatch b = visibleBatchIn(c, ctx.principal(), ctx.param("id"));
    return HistorySubject{{{"substance_batch", b.code()}}, b.startUpId};
  });
}

}  // namespace

void addSubstanceEndpoints(Router& router) {
  router.add({"POST", "/api/substances", Access::StartUpMember, registerHandler,
              "register a substance {name, kind, start_up, constituents, properties?, ...}: "
              "201 new substance, 200 new batch of the same substance"});
  router.add({"POST", "/api/substances/import", Access::StartUpMember, importHandler,
              "import substances from CSV (one row per constituent) or JSON "
              "(?start_up=&format=csv|json, the file as the body)"});
  router.add({"GET", "/api/substances", Access::Public, listHandler,
              "visible substances (start_up, kind, q, source, compound, property, "
              "property_min, property_max, page, page_size)"});
  router.add({"GET", "/api/substances/{id}", Access::Public, getHandler,
              "one substance with its specification and batches"});
  router.add({"PUT", "/api/substances/{id}", Access::StartUpMember, reviseHandler,
              "replace a substance's specification (audited)"});
  router.add({"PATCH", "/api/substances/{id}", Access::StartUpMember, publishHandler,
              "change a substance's visibility {visibility, reason?} (audited as publish)"});
  router.add({"POST", "/api/substances/{id}/retire", Access::StartUpMember, retireHandler,
              "retire a substance {reason} (never deleted)"});
  addHistoryEndpoint(router, "/api/substances/{id}/history", "a substance's audit history",
                     substanceHistory);
  router.add({"GET", "/api/substances/{id}/batches", Access::Public, listBatchesHandler,
              "a substance's visible batches with their certificates"});
  router.add({"POST", "/api/substances/{id}/batches", Access::StartUpMember, addBatchHandler,
              "add a batch with its certificate of analysis (checked against the "
              "specification; out of specification is flagged)"});
  router.add({"GET", "/api/substance-batches/{id}", Access::Public, getBatchHandler,
              "one substance batch (SUB-000001-B001)"});
  router.add({"PATCH", "/api/substance-batches/{id}", Access::StartUpMember, publishBatchHandler,
              "change a substance batch's visibility {visibility, reason?}"});
  router.add({"POST", "/api/substance-batches/{id}/certificate", Access::StartUpMember,
              certificateHandler, "record the certificate of analysis of a batch that has none"});
  router.add({"POST", "/api/substance-batches/{id}/retire", Access::StartUpMember,
              retireBatchHandler, "retire a substance batch {reason}"});
  addHistoryEndpoint(router, "/api/substance-batches/{id}/history",
                     "a substance batch's audit history", batchHistory);
  router.add({"GET", "/api/substance-properties", Access::Public, termsHandler,
              "the vocabulary of characterising properties (key, name, unit, range)"});
  router.add({"POST", "/api/substance-properties", Access::StartUpMember, addTermHandler,
              "add a property to the vocabulary {key, name, unit, min?, max?, description?} "
              "(leads, administrators)"});
}

}  // namespace argan::server
