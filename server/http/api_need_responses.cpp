// Responses to needs, their sharing grants and their question threads.
//   GET   /api/responses                          the caller's responses (?need, ?status)
//   GET   /api/responses/{id}                     one response with its grants and thread
//   PATCH /api/responses/{id}                     {summary?} (start-up), {status}
//   POST  /api/responses/{id}/messages            {message}
//   POST  /api/responses/{id}/shares              grant the partner one record {type, id, note?}
//   POST  /api/responses/{id}/shares/{share}/revoke
//   GET   /api/responses/{id}/shares/{share}      the shared record
//   GET   /api/responses/{id}/shares/{share}/content        a shared document's bytes
//   GET   /api/responses/{id}/shares/{share}/depiction.svg  a shared compound's (batch's) structure
// A response is seen by the need's partner, the responding start-up and administrators; a
// shared record is read through its grant only while the grant is active: revoked, unknown
// or not the caller's, it answers 404 like anything else the caller may not see.
#include <algorithm>
#include <set>

#include "chem/depiction_options.h"
#include "common/error.h"
#include "db/document_store.h"
#include "db/identifiers.h"
#include "db/product_store.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "server/http/endpoints.h"
#include "server/http/need_requests.h"
#include "server/http/product_requests.h"
#include "server/http/request_context.h"
#include "server/isolation/chem_service.h"
#include "server/json/compound_json.h"
#include "server/json/json_output.h"
#include "server/json/need_json.h"
#include "server/json/product_json.h"
#include "server/json/route_json.h"
#include "server/registry/needs.h"
#include "server/registry/synthesis_routes.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const db::Principal kSystem = db::Principal::system("shared through a response");

std::int64_t responseIdParam(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("RSP", ctx.param("id"));
  if (!id) throw notFound("no response '" + ctx.param("id") + "'");
  return *id;
}

std::int64_t shareIdParam(RequestContext& ctx) {
  return ctx.positiveIdParam("share", "share");
}

// The response as the caller may see it, with its need (read as the system: the response
// already proves the caller's part in it).
std::pair<db::NeedResponse, db::Need> visibleResponse(RequestContext& ctx) {
  std::int64_t id = responseIdParam(ctx);
  return ctx.runtime().db.read([&](db::Connection& c) {
    auto r = db::findResponse(c, ctx.principal(), id);
    if (!r) throw notFound("no response " + db::responseCode(id));
    return std::make_pair(*r, db::requireNeed(c, kSystem, r->needId));
  });
}

Object::Ptr fullJson(RequestContext& ctx, const db::NeedResponse& r) {
  return ctx.runtime().db.read([&](db::Connection& c) {
    db::Need need = db::requireNeed(c, kSystem, r.needId);
    return responseJson(ctx.principal(), need, r, true);
  });
}

void listHandler(RequestContext& ctx) {
  db::ResponseFilter filter;
  if (auto need = ctx.queryFilter("need")) {
    filter.needId = db::parsePrefixedCode("NEED", *need);
    if (!filter.needId) throw invalidArgument("need names a need (NEED-000001)", {{"field", "need"}});
  }
  filter.status = ctx.queryFilter("status");
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    Array::Ptr items = new Array;
    for (const auto& r : db::listResponses(c, ctx.principal(), filter)) {
      items->add(responseJson(ctx.principal(), db::requireNeed(c, kSystem, r.needId), r, false));
    }
    return itemsJson(items);
  });
  ctx.sendJson(200, out);
}

void getHandler(RequestContext& ctx) {
  auto found = visibleResponse(ctx);  // a lambda may not capture structured bindings (C++17)
  auto out = ctx.runtime().db.read([&](db::Connection&) {
    return responseJson(ctx.principal(), found.second, found.first, true);
  });
  ctx.sendJson(200, out);
}

void patchHandler(RequestContext& ctx) {
  std::int64_t id = responseIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"summary", "status"});
  auto summary = body.optString("summary", 40000);
  auto status = body.optString("status", 20);
  if (!summary && !status) {
    throw invalidArgument("send summary or status", {{"field", "status"}});
  }
  db::NeedResponse r = changeResponse(ctx.runtime(), ctx.principal(), id, summary, status);
  ctx.sendJson(200, fullJson(ctx, r));
}

void messageHandler(RequestContext& ctx) {
  std::int64_t id = responseIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"message"});
  std::string message = body.reqString("message", 10000);
  db::NeedResponse r = postResponseMessage(ctx.runtime(), ctx.principal(), id, message);
  ctx.sendJson(201, fullJson(ctx, r));
}

void shareHandler(RequestContext& ctx) {
  std::int64_t id = responseIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  // The response first: a caller who may not see it learns nothing from the body's errors.
  visibleResponse(ctx);
  ShareDraft draft =
      ctx.runtime().db.read([&](db::Connection& c) { return readShareDraft(c, body); });
  db::ResponseShare share = shareRecord(ctx.runtime(), ctx.principal(), id, draft);
  ctx.sendJson(201, shareJson(share, true));
}

void revokeHandler(RequestContext& ctx) {
  std::int64_t id = responseIdParam(ctx);
  std::int64_t shareId = shareIdParam(ctx);
  db::ResponseShare share = revokeSharedRecord(ctx.runtime(), ctx.principal(), id, shareId);
  ctx.sendJson(200, shareJson(share, true));
}

db::ResponseShare activeShare(RequestContext& ctx) {
  std::int64_t id = responseIdParam(ctx);
  std::int64_t shareId = shareIdParam(ctx);
  auto share = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findActiveShare(c, ctx.principal(), id, shareId); });
  if (!share) {
    throw notFound("no shared record " + std::to_string(shareId) + " in " + db::responseCode(id));
  }
  return *share;
}

// The compound a shared compound or batch shows (with its pickle for depictions).
db::Compound sharedCompound(db::Connection& c, const db::ResponseShare& s) {
  std::int64_t compoundId = s.recordId;
  if (s.recordType == "batch") {
    auto code = db::parseCode(s.recordCode);
    if (!code) throw notFound("the shared batch is gone");
    compoundId = code->compoundId;
  }
  auto compound = db::findCompound(c, kSystem, compoundId, /*withBinary=*/true);
  if (!compound) throw notFound("the shared compound is gone");
  return *compound;
}

void sharedHandler(RequestContext& ctx) {
  db::ResponseShare s = activeShare(ctx);
  Runtime& runtime = ctx.runtime();
  Object::Ptr out = orderedObject();
  out->set("share", shareJson(s, false));
  const std::string base = "/api/responses/" + db::responseCode(s.responseId) + "/shares/" +
                           std::to_string(s.id);
  if (s.recordType == "route") {
    RouteReport report = routeReport(runtime, kSystem, s.recordId);
    auto target = runtime.db.read([&](db::Connection& c) {
      return db::findCompound(c, kSystem, report.route.targetCompoundId);
    });
    out->set("record", routeMetricsJson(report, target));
    ctx.sendJson(200, out);
    return;
  }
  runtime.db.read([&](db::Connection& c) {
    if (s.recordType == "compound") {
      out->set("record", compoundJson(sharedCompound(c, s)));
      out->set("depiction", base + "/depiction.svg");
    } else if (s.recordType == "batch") {
      auto code = db::parseCode(s.recordCode);
      std::optional<db::Batch> batch;
      if (code && code->batchNumber) {
        batch = db::findBatch(c, kSystem, code->compoundId, *code->formNumber, *code->batchNumber);
      }
      if (!batch) throw notFound("the shared batch is gone");
      // What a buyer needs of a lot; not the lab's notebook, researcher, storage or notes.
      Object::Ptr record = orderedObject();
      record->set("id", batch->code());
      record->set("compound", compoundSummaryJson(sharedCompound(c, s)));
      setOptional(record, "amount", batch->amount);
      setOptional(record, "unit", batch->amountUnit);
      setOptional(record, "purity", batch->purity);
      setOptional(record, "prepared_on", batch->preparedOn);
      // The analyses it has (each readable only once shared on its own).
      Array::Ptr documents = new Array;
      for (const auto& d :
           db::listDocuments(c, kSystem, {db::DocumentOwnerType::Batch, batch->id})) {
        Object::Ptr doc = orderedObject();
        doc->set("id", d.code());
        doc->set("kind", d.kind);
        doc->set("title", d.title.empty() ? d.filename : d.title);
        documents->add(doc);
      }
      record->set("analyses", documents);
      out->set("record", record);
      out->set("depiction", base + "/depiction.svg");
    } else if (s.recordType == "product") {
      auto product = db::findProduct(c, kSystem, s.recordId);
      if (!product) throw notFound("the shared product is gone");
      out->set("record", productJson(c, ctx.principal(), *product, false, today(ctx), true));
    } else if (s.recordType == "document") {
      auto doc = db::findDocument(c, kSystem, s.recordId);
      if (!doc || doc->retiredAt) throw notFound("the shared document is gone");
      out->set("record", documentJson(*doc));
      out->set("content", base + "/content");
    } else {
      throw notFound("no shared record " + std::to_string(s.id));
    }
  });
  ctx.sendJson(200, out);
}

void contentHandler(RequestContext& ctx) {
  db::ResponseShare s = activeShare(ctx);
  if (s.recordType != "document") throw notFound("the shared record has no file");
  auto [doc, bytes] = ctx.runtime().db.read([&](db::Connection& c) {
    auto d = db::findDocument(c, kSystem, s.recordId);
    if (!d || d->retiredAt) throw notFound("the shared document is gone");
    return std::make_pair(*d, db::documentContent(c, *d));
  });
  static const std::set<std::string> inlineTypes = {"application/pdf", "image/png",  "image/jpeg",
                                                    "image/gif",       "image/webp", "text/plain"};
  bool inlineView = ctx.query("inline") == std::optional<std::string>("true") &&
                    inlineTypes.count(doc.contentType.substr(0, doc.contentType.find(';')));
  std::string ascii;
  for (char ch : doc.filename) {
    auto u = static_cast<unsigned char>(ch);
    ascii.push_back(u >= 0x20 && u < 0x7F && ch != '"' && ch != '\\' ? ch : '_');
  }
  auto& response = ctx.response();
  response.set("Content-Disposition",
               std::string(inlineView ? "inline" : "attachment") + "; filename=\"" + ascii + "\"");
  response.set("Content-Security-Policy", "sandbox; default-src 'none'");
  response.set("Cache-Control", "no-store");
  ctx.sendText(200, doc.contentType, bytes);
}

void depictionHandler(RequestContext& ctx) {
  db::ResponseShare s = activeShare(ctx);
  if (s.recordType != "compound" && s.recordType != "batch") {
    throw notFound("the shared record has no structure");
  }
  db::Compound compound =
      ctx.runtime().db.read([&](db::Connection& c) { return sharedCompound(c, s); });
  chem::DepictionOptions options;
  options.width = static_cast<int>(std::clamp<std::int64_t>(ctx.queryInt("width").value_or(300), 50, 2000));
  options.height = static_cast<int>(std::clamp<std::int64_t>(ctx.queryInt("height").value_or(200), 50, 2000));
  ctx.response().set("Cache-Control", "no-store");
  ctx.sendText(200, "image/svg+xml",
               ctx.runtime().chem.depictPickle(compound.identity.molPickle, options));
}

}  // namespace

void addNeedResponseEndpoints(Router& router) {
  router.add({"GET", "/api/responses", Access::Authenticated, listHandler,
              "responses to needs the caller takes part in (?need, ?status)"});
  router.add({"GET", "/api/responses/{id}", Access::Authenticated, getHandler,
              "one response with its shared records and its thread"});
  router.add({"PATCH", "/api/responses/{id}", Access::Authenticated, patchHandler,
              "{summary} (the start-up), {status: shortlisted|declined|submitted|withdrawn}"});
  router.add({"POST", "/api/responses/{id}/messages", Access::Authenticated, messageHandler,
              "a question or an answer in the response's thread ({message})"});
  router.add({"POST", "/api/responses/{id}/shares", Access::StartUpMember, shareHandler,
              "share one record with the need's partner ({type, id, note?}); not publishing"});
  router.add({"POST", "/api/responses/{id}/shares/{share}/revoke", Access::StartUpMember,
              revokeHandler, "revoke a sharing grant"});
  router.add({"GET", "/api/responses/{id}/shares/{share}", Access::Authenticated, sharedHandler,
              "a shared record, while its grant is active"});
  router.add({"GET", "/api/responses/{id}/shares/{share}/content", Access::Authenticated,
              contentHandler, "a shared document's bytes, while its grant is active"});
  router.add({"GET", "/api/responses/{id}/shares/{share}/depiction.svg", Access::Authenticated,
              depictionHandler, "a shared compound's structure, while its grant is active"});
}

}  // namespace argan::server
