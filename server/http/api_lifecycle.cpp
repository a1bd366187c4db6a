// Publishing, retiring and history of registry records and start-ups:
//   PATCH /api/compounds/{id}          {"visibility", "reason"?}  (audited "publish")
//   PATCH /api/batches/{id}            {"visibility", "reason"?}
//   POST  /api/compounds/{id}/retire   {"reason"}                 (audited "retire")
//   POST  /api/batches/{id}/retire     {"reason"}
//   GET   /api/compounds/{id}/history  the parent's and its forms' audit entries
//   GET   /api/batches/{id}/history
//   GET   /api/start-ups/{id}/history
// Who may publish: db::canChangeVisibility (db/access.h). Records the caller may not see
// answer 404 like missing ones, before any permission question is asked.
#include "common/error.h"
#include "db/identifiers.h"
#include "db/lifecycle.h"
#include "db/registry_store.h"
#include "db/start_up_store.h"
#include "server/search/structure_search.h"
#include "server/http/endpoints.h"
#include "server/json/compound_json.h"
#include "server/http/history.h"
#include "server/json/publication.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

std::int64_t compoundNumber(const std::string& idText) {
  auto code = db::parseCode(idText);
  if (!code || code->formNumber) throw notFound("no compound '" + idText + "'");
  return code->compoundId;
}

db::Compound visibleCompoundIn(db::Connection& c, const db::Principal& who,
                               const std::string& idText) {
  auto compound = db::findCompound(c, who, compoundNumber(idText));
  if (!compound) throw notFound("no compound '" + idText + "'");
  return *compound;
}

db::Batch visibleBatchIn(db::Connection& c, const db::Principal& who, const std::string& idText) {
  auto code = db::parseCode(idText);
  if (!code || !code->batchNumber) throw notFound("no batch '" + idText + "'");
  auto batch = db::findBatch(c, who, code->compoundId, *code->formNumber, *code->batchNumber);
  if (!batch) throw notFound("no batch '" + idText + "'");
  return *batch;
}

db::RecordRef compoundRef(const db::Compound& compound) {
  return db::RecordRef{"compounds", "compound", compound.code(), compound.id, compound.startUpId};
}

db::RecordRef batchRef(const db::Batch& batch) {
  return db::RecordRef{"batches", "batch", batch.code(), batch.id, batch.startUpId};
}

void publishCompound(RequestContext& ctx) {
  db::VisibilityChange change = readVisibilityChange(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto compound = runtime.db.write([&](db::Connection& c) {
    db::Compound current = visibleCompoundIn(c, who, ctx.param("id"));
    change.record = compoundRef(current);
    db::changeVisibility(c, runtime.clock, who, change);
    return visibleCompoundIn(c, who, ctx.param("id"));
  });
  notifyCompoundsChanged(runtime);  // the search index sees the new visibility
  ctx.sendJson(200, compoundJson(compound));
}

void publishBatch(RequestContext& ctx) {
  db::VisibilityChange change = readVisibilityChange(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto batch = runtime.db.write([&](db::Connection& c) {
    db::Batch current = visibleBatchIn(c, who, ctx.param("id"));
    change.record = batchRef(current);
    // A batch is seen only where its compound is.
    db::Principal admin = db::Principal::system("visibility check");
    auto compound = db::findCompound(c, admin, current.compoundId);
    if (!compound) throw internalError("batch " + current.code() + " has no compound");
    change.parentVisibility = db::parseVisibility(compound->visibility);
    change.parentRecordId = compound->code();
    db::changeVisibility(c, runtime.clock, who, change);
    return visibleBatchIn(c, who, ctx.param("id"));
  });
  ctx.sendJson(200, batchJson(batch));
}

void retireCompoundHandler(RequestContext& ctx) {
  std::string reason = readRetireReason(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto compound = runtime.db.write([&](db::Connection& c) {
    db::Compound current = visibleCompoundIn(c, who, ctx.param("id"));
    db::retireRecord(c, runtime.clock, who, compoundRef(current), reason);
    return visibleCompoundIn(c, who, ctx.param("id"));
  });
  notifyCompoundsChanged(runtime);  // retired parents leave search results
  ctx.sendJson(200, compoundJson(compound));
}

void retireBatchHandler(RequestContext& ctx) {
  std::string reason = readRetireReason(JsonFields(ctx.jsonBody()));
  Runtime& runtime = ctx.runtime();
  const db::Principal& who = ctx.principal();
  auto batch = runtime.db.write([&](db::Connection& c) {
    db::Batch current = visibleBatchIn(c, who, ctx.param("id"));
    db::retireRecord(c, runtime.clock, who, batchRef(current), reason);
    return visibleBatchIn(c, who, ctx.param("id"));
  });
  ctx.sendJson(200, batchJson(batch));
}

HistorySubject compoundHistory(RequestContext& ctx) {
  return ctx.runtime().db.read([&](db::Connection& c) {
    db::Compound compound = visibleCompoundIn(c, ctx.principal(), ctx.param("id"));
    HistorySubject subject;
    subject.records.push_back({"compound", compound.code()});
    for (const auto& form : db::listForms(c, ctx.principal(), compound.id)) {
      subject.records.push_back({"compound_form", form.code()});
    }
    subject.ownerStartUpId = compound.startUpId;
    return subject;
  });
}

HistorySubject batchHistory(RequestContext& ctx) {
  return ctx.runtime().db.read([&](db::Connection& c) {
    db::Batch batch = visibleBatchIn(c, ctx.principal(), ctx.param("id"));
    return HistorySubject{{{"batch", batch.code()}}, batch.startUpId};
  });
}

HistorySubject startUpHistory(RequestContext& ctx) {
  std::int64_t id = ctx.positiveIdParam("id", "start-up");
  auto startUp = ctx.runtime().db.read([&](db::Connection& c) { return db::findStartUp(c, id); });
  if (!startUp) throw notFound("no start-up " + std::to_string(id));
  return HistorySubject{{{"start_up", std::to_string(id)}}, id};
}

}  // namespace

void addLifecycleEndpoints(Router& router) {
  router.add({"PATCH", "/api/compounds/{id}", Access::StartUpMember, publishCompound,
              "change a parent's visibility {visibility, reason?} (audited as publish)"});
  router.add({"PATCH", "/api/batches/{id}", Access::StartUpMember, publishBatch,
              "change a batch's visibility {visibility, reason?} (audited as publish)"});
  router.add({"POST", "/api/compounds/{id}/retire", Access::StartUpMember, retireCompoundHandler,
              "retire a parent {reason} (never deleted)"});
  router.add({"POST", "/api/batches/{id}/retire", Access::StartUpMember, retireBatchHandler,
              "retire a batch {reason} (never deleted)"});
  addHistoryEndpoint(router, "/api/compounds/{id}/history",
                  "a parent's audit history (with its forms)", compoundHistory);
  addHistoryEndpoint(router, "/api/batches/{id}/history", "a batch's audit history", batchHistory);
  addHistoryEndpoint(router, "/api/start-ups/{id}/history", "a start-up's audit history",
                  startUpHistory);
}

}  // namespace argan::server
