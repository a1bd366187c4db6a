// The waste side of the cluster (server/registry/waste.h has the rules):
//   GET   /api/waste-streams                 the stream vocabulary (List of Waste codes)
//   POST  /api/waste-streams                 add a stream (administrators)
//   PATCH /api/waste-streams/{key}           change one (administrators): names, code, substance
//   GET   /api/waste/vocabulary              source kinds, regions, containers, properties...
//   GET   /api/waste/emission-factors        the transport emission factors and their source
//   GET, POST /api/sources; GET, PATCH /api/sources/{id}
//   GET, POST /api/lots; GET /api/lots/stock; POST /api/lots/import (CSV)
//   GET, PATCH /api/lots/{id}; POST /api/lots/{id}/retire; GET /api/lots/{id}/history
//   POST  /api/lots/{id}/transfers           offer (part of) a lot to another start-up
//   POST  /api/lots/{id}/uses                use a lot as a batch input or route component
//   GET   /api/lots/{id}/genealogy           where it came from and what it became
//   GET, POST /api/transformations; GET /api/transformations/{id}
//   GET   /api/transfers; GET /api/transfers/{id}; POST .../accept, .../refuse, .../cancel
//   GET   /api/batches/{id}/genealogy        a product batch back to its waste lots
//   GET   /api/circularity                   the cluster's figures (start-up members, admins)
// A record the caller may not see answers 404, like a missing one.
#include <cctype>

#include "common/error.h"
#include "db/record_codes.h"
#include "db/start_up_store.h"
#include "db/waste_figures.h"
#include "server/http/endpoints.h"
#include "server/http/history.h"
#include "server/http/request_context.h"
#include "server/json/json_fields.h"
#include "server/json/json_output.h"
#include "server/json/waste_json.h"
#include "server/registry/circularity.h"
#include "server/registry/genealogy.h"
#include "server/registry/waste.h"
#include "server/transfer/genealogy_export.h"
#include "server/transfer/lot_import.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

StartUpNames startUpNames(db::Connection& c) {
  StartUpNames names;
  for (const auto& s : db::listStartUps(c)) names[s.id] = s.name;
  return names;
}

StartUpNames startUpNames(RequestContext& ctx) {
  return ctx.runtime().db.read([](db::Connection& c) { return startUpNames(c); });
}

std::int64_t codeParam(RequestContext& ctx, const std::string& prefix, const std::string& what) {
  auto id = db::parsePrefixedCode(prefix, ctx.param("id"));
  if (!id) throw notFound("no " + what + " '" + ctx.param("id") + "'");
  return *id;
}

Object::Ptr listBody(Array::Ptr items, std::int64_t total) {
  Object::Ptr o = orderedObject();
  o->set("items", items);
  o->set("total", total);
  return o;
}

bool queryFlag(RequestContext& ctx, const std::string& name) {
  auto v = ctx.queryFilter(name);
  if (!v) return false;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw invalidArgument(name + " must be true or false", {{"field", name}});
}

// ---- streams ----

void listStreams(RequestContext& ctx) {
  auto streams = ctx.runtime().db.read([](db::Connection& c) { return db::listWasteStreams(c); });
  Array::Ptr items = new Array;
  for (const auto& s : streams) items->add(streamJson(s));
  Object::Ptr body = listBody(items, static_cast<std::int64_t>(streams.size()));
  body->set("source", "European List of Waste: Commission Decision 2000/532/EC as replaced by "
                      "Commission Decision 2014/955/EU");
  ctx.sendJson(200, body);
}

void createStreamHandler(RequestContext& ctx) {
  auto s = createStream(ctx.runtime(), ctx.principal(), readStreamDraft(JsonFields(ctx.jsonBody())));
  ctx.sendJson(201, streamJson(s));
}

void patchStreamHandler(RequestContext& ctx) {
  auto s = updateStream(ctx.runtime(), ctx.principal(), ctx.param("key"),
                        readStreamDraft(JsonFields(ctx.jsonBody())));
  ctx.sendJson(200, streamJson(s));
}

// ---- sources ----

void listSourcesHandler(RequestContext& ctx) {
  auto startUp = ctx.queryInt("start_up");
  auto sources = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::listSources(c, ctx.principal(), startUp); });
  Array::Ptr items = new Array;
  for (const auto& s : sources) items->add(sourceJson(s));
  ctx.sendJson(200, listBody(items, static_cast<std::int64_t>(sources.size())));
}

void createSourceHandler(RequestContext& ctx) {
  auto s = createSource(ctx.runtime(), ctx.principal(), readSourceDraft(JsonFields(ctx.jsonBody())));
  ctx.sendJson(201, sourceJson(s));
}

void getSourceHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "SRC", "source");
  auto s = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findSource(c, ctx.principal(), id); });
  if (!s) throw notFound("no source " + db::sourceCode(id));
  ctx.sendJson(200, sourceJson(*s));
}

void patchSourceHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "SRC", "source");
  auto s = updateSource(ctx.runtime(), ctx.principal(), id,
                        readSourceDraft(JsonFields(ctx.jsonBody())));
  ctx.sendJson(200, sourceJson(s));
}

// ---- lots ----

Object::Ptr lotAnswer(db::Connection& c, const db::Principal& who, const db::Lot& lot,
                      const StartUpNames& names) {
  std::optional<db::WasteSource> source;
  if (lot.sourceId) source = db::findSource(c, who, *lot.sourceId);
  return lotJson(lot, who, source, names);
}

// The lot with what the caller may see of where it went.
Object::Ptr lotDetail(db::Connection& c, const db::Principal& who, const db::Lot& lot) {
  StartUpNames names = startUpNames(c);
  Object::Ptr o = lotAnswer(c, who, lot, names);
  db::TransferFilter tf;
  tf.lotId = lot.id;
  Array::Ptr transfers = new Array;
  for (const auto& t : db::listTransfers(c, who, tf)) transfers->add(transferJson(t, names));
  o->set("transfers", transfers);
  db::LotUseFilter uf;
  uf.lotId = lot.id;
  Array::Ptr uses = new Array;
  for (const auto& u : db::listLotUses(c, who, uf)) uses->add(lotUseJson(u));
  o->set("uses", uses);
  Array::Ptr consumedBy = new Array;
  for (std::int64_t id : db::transformationsConsuming(c, lot.id)) {
    if (db::findTransformation(c, who, id)) consumedBy->add(db::transformationCode(id));
  }
  o->set("transformations", consumedBy);
  return o;
}

void listLotsHandler(RequestContext& ctx) {
  db::LotFilter f;
  f.startUpId = ctx.queryInt("start_up");
  f.status = ctx.queryFilter("status");
  f.origin = ctx.queryFilter("origin");
  f.from = ctx.queryFilter("from");
  f.to = ctx.queryFilter("to");
  f.inStockOnly = queryFlag(ctx, "in_stock");
  f.includeRetired = queryFlag(ctx, "include_retired");
  std::int64_t page = ctx.queryInt("page").value_or(0);
  std::int64_t pageSize = ctx.queryInt("page_size").value_or(50);
  if (page < 0) throw invalidArgument("page must be 0 or more", {{"field", "page"}});
  if (pageSize < 1 || pageSize > 500) {
    throw invalidArgument("page_size must be between 1 and 500", {{"field", "page_size"}});
  }
  auto body = ctx.runtime().db.snapshot([&](db::Connection& c) {
    if (auto stream = ctx.queryFilter("stream")) f.streamId = streamNamed(c, *stream, "stream").id;
    auto lots = db::listLots(c, ctx.principal(), f, page, pageSize);
    StartUpNames names = startUpNames(c);
    Array::Ptr items = new Array;
    for (const auto& l : lots.items) items->add(lotAnswer(c, ctx.principal(), l, names));
    return listBody(items, lots.total);
  });
  ctx.sendJson(200, body);
}

void createLotHandler(RequestContext& ctx) {
  LotDraft draft = readLotDraft(JsonFields(ctx.jsonBody()));
  db::Lot lot = recordLot(ctx.runtime(), ctx.principal(), draft);
  auto body = ctx.runtime().db.read([&](db::Connection& c) {
    return lotAnswer(c, ctx.principal(), lot, startUpNames(c));
  });
  ctx.sendJson(201, body);
}

void stockHandler(RequestContext& ctx) {
  const db::Principal& who = ctx.principal();
  auto startUp = ctx.queryInt("start_up");
  if (!startUp) startUp = who.startUpId;  // administrators without one: the whole cluster
  if (startUp && !db::canWriteFor(who, *startUp)) {
    throw permissionDenied("a start-up's stock is for its own team (and administrators)",
                           {{"field", "start_up"}});
  }
  auto stock = ctx.runtime().db.read([&](db::Connection& c) { return db::stockOf(c, startUp); });
  Object::Ptr body = stockJson(stock);
  setOptional(body, "start_up", startUp);
  ctx.sendJson(200, body);
}

void importLotsHandler(RequestContext& ctx) {
  LotImportOptions options;
  options.startUpId = ctx.queryInt("start_up");
  options.dryRun = queryFlag(ctx, "dry_run");
  const std::string& body = ctx.body();
  LotImportReport report = importLots(ctx.runtime(), ctx.principal(), body, options);
  Object::Ptr o = orderedObject();
  o->set("start_up", report.startUpId);
  o->set("dry_run", report.dryRun);
  o->set("rows", report.rows);
  o->set("created", report.created);
  o->set("already_imported", report.alreadyImported);
  o->set("sources_created", stringArray(report.sourcesCreated));
  o->set("delimiter", report.delimiter);
  o->set("columns", stringArray(report.columns));
  Array::Ptr items = new Array;
  for (const auto& row : report.items) {
    Object::Ptr r = orderedObject();
    r->set("line", row.line);
    r->set("status", row.status);
    setOptional(r, "lot", row.lot);
    items->add(r);
  }
  o->set("items", items);
  ctx.sendJson(!report.dryRun && report.created > 0 ? 201 : 200, o);
}

void getLotHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "LOT", "lot");
  auto body = ctx.runtime().db.snapshot([&](db::Connection& c) {
    db::Lot lot = visibleLot(c, ctx.principal(), id);
    return lotDetail(c, ctx.principal(), lot);
  });
  ctx.sendJson(200, body);
}

void patchLotHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "LOT", "lot");
  LotChange change = readLotChange(JsonFields(ctx.jsonBody()));
  changeLot(ctx.runtime(), ctx.principal(), id, change);
  auto body = ctx.runtime().db.snapshot([&](db::Connection& c) {
    return lotDetail(c, ctx.principal(), visibleLot(c, ctx.principal(), id));
  });
  ctx.sendJson(200, body);
}

void retireLotHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "LOT", "lot");
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"reason"});
  std::string reason = body.reqString("reason", 2000);
  retireLot(ctx.runtime(), ctx.principal(), id, reason);
  auto answer = ctx.runtime().db.snapshot([&](db::Connection& c) {
    return lotDetail(c, ctx.principal(), visibleLot(c, ctx.principal(), id));
  });
  ctx.sendJson(200, answer);
}

HistorySubject lotHistory(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "LOT", "lot");
  auto lot = ctx.runtime().db.read(
      [&](db::Connection& c) { return visibleLot(c, ctx.principal(), id); });
  // Tracing a lot does not open its history: that is for its holder and for the viewers
  // its visibility admits.
  if (!db::canSee(ctx.principal(), lot.startUpId, lot.visibility)) {
    throw notFound("no lot " + lot.code());
  }
  return HistorySubject{{{"lot", lot.code()}}, lot.startUpId};
}

void offerTransferHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "LOT", "lot");
  db::Transfer t =
      offerTransfer(ctx.runtime(), ctx.principal(), id, readTransferDraft(JsonFields(ctx.jsonBody())));
  ctx.sendJson(201, transferJson(t, startUpNames(ctx)));
}

void useLotHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "LOT", "lot");
  db::LotUse u = useLot(ctx.runtime(), ctx.principal(), id, readUseDraft(JsonFields(ctx.jsonBody())));
  ctx.sendJson(201, lotUseJson(u));
}

void sendGenealogy(RequestContext& ctx, const Genealogy& g) {
  StartUpNames names = startUpNames(ctx);
  std::string format = ctx.queryFilter("format").value_or("json");
  if (format == "csv") {
    std::string safe = g.root;
    for (char& ch : safe) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') ch = '_';
    }
    ctx.response().set("Content-Disposition",
                       "attachment; filename=\"genealogy-" + safe + ".csv\"");
    ctx.sendText(200, "text/csv; charset=utf-8", genealogyCsv(g, names));
  } else if (format == "json") {
    ctx.sendJson(200, genealogyJson(g, names));
  } else {
    throw invalidArgument("format must be json or csv", {{"field", "format"}});
  }
}

void lotGenealogyHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "LOT", "lot");
  sendGenealogy(ctx, lotGenealogy(ctx.runtime(), ctx.principal(), id));
}

void batchGenealogyHandler(RequestContext& ctx) {
  sendGenealogy(ctx, batchGenealogy(ctx.runtime(), ctx.principal(), ctx.param("id")));
}

// ---- transformations ----

// A transformation as `who` may see it: whole for its start-up and administrators; for a
// start-up tracing one of its outputs, only the output lots it may read, without the notes.
Object::Ptr transformationAnswer(db::Connection& c, const db::Principal& who,
                                 const db::Transformation& t, const StartUpNames& names) {
  if (db::canSee(who, t.startUpId, "start-up")) return transformationJson(t, names);
  std::set<std::int64_t> readable;
  for (const auto& out : t.outputs) {
    if (db::findLot(c, who, out.lotId)) readable.insert(out.lotId);
  }
  return transformationJson(t, names, readable);
}

void listTransformationsHandler(RequestContext& ctx) {
  auto startUp = ctx.queryInt("start_up");
  auto body = ctx.runtime().db.snapshot([&](db::Connection& c) {
    auto list = db::listTransformations(c, ctx.principal(), startUp);
    StartUpNames names = startUpNames(c);
    Array::Ptr items = new Array;
    for (const auto& t : list) items->add(transformationAnswer(c, ctx.principal(), t, names));
    return listBody(items, static_cast<std::int64_t>(list.size()));
  });
  ctx.sendJson(200, body);
}

void createTransformationHandler(RequestContext& ctx) {
  auto t = recordTransformation(ctx.runtime(), ctx.principal(),
                                readTransformationDraft(JsonFields(ctx.jsonBody())));
  ctx.sendJson(201, transformationJson(t, startUpNames(ctx)));
}

void getTransformationHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "TRN", "transformation");
  auto body = ctx.runtime().db.snapshot([&](db::Connection& c) {
    auto t = db::findTransformation(c, ctx.principal(), id);
    if (!t) throw notFound("no transformation " + db::transformationCode(id));
    return transformationAnswer(c, ctx.principal(), *t, startUpNames(c));
  });
  ctx.sendJson(200, body);
}

// ---- transfers ----

void listTransfersHandler(RequestContext& ctx) {
  db::TransferFilter f;
  f.direction = ctx.queryFilter("direction");
  if (f.direction && *f.direction != "in" && *f.direction != "out") {
    throw invalidArgument("direction must be in or out", {{"field", "direction"}});
  }
  f.status = ctx.queryFilter("status");
  f.startUpId = ctx.queryInt("start_up");
  auto body = ctx.runtime().db.snapshot([&](db::Connection& c) {
    auto list = db::listTransfers(c, ctx.principal(), f);
    StartUpNames names = startUpNames(c);
    Array::Ptr items = new Array;
    for (const auto& t : list) items->add(transferJson(t, names));
    return listBody(items, static_cast<std::int64_t>(list.size()));
  });
  ctx.sendJson(200, body);
}

void getTransferHandler(RequestContext& ctx) {
  std::int64_t id = codeParam(ctx, "TRF", "transfer");
  auto t = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findTransfer(c, ctx.principal(), id); });
  if (!t) throw notFound("no transfer " + db::transferCode(id));
  ctx.sendJson(200, transferJson(*t, startUpNames(ctx)));
}

template <typename Verb>
void decideHandler(RequestContext& ctx, Verb verb) {
  std::int64_t id = codeParam(ctx, "TRF", "transfer");
  TransferAnswer answer;
  if (!ctx.body().empty()) answer = readTransferAnswer(JsonFields(ctx.jsonBody()));
  db::Transfer t = verb(ctx.runtime(), ctx.principal(), id, answer);
  ctx.sendJson(200, transferJson(t, startUpNames(ctx)));
}

// ---- circularity ----

void circularityHandler(RequestContext& ctx) {
  db::WasteFigureFilter f;
  f.fromMonth = ctx.queryFilter("from");
  f.toMonth = ctx.queryFilter("to");
  f.streamKey = ctx.queryFilter("stream");
  bool shares = true;
  if (ctx.queryFilter("shares")) shares = queryFlag(ctx, "shares");
  auto report = circularity(ctx.runtime(), ctx.principal(), f, shares);
  ctx.sendJson(200, circularityJson(report));
}

}  // namespace

void addWasteEndpoints(Router& router) {
  router.add({"GET", "/api/waste-streams", Access::Public, listStreams,
              "the cluster's waste streams with their List of Waste codes"});
  router.add({"POST", "/api/waste-streams", Access::Admin, createStreamHandler,
              "add a waste stream ({key, name_fr, name_en, low_code?, ...})"});
  router.add({"PATCH", "/api/waste-streams/{key}", Access::Admin, patchStreamHandler,
              "change a waste stream (names, code, composition, hazards, substance)"});
  router.add({"GET", "/api/waste/vocabulary", Access::Public,
              [](RequestContext& ctx) { ctx.sendJson(200, wasteVocabularyJson()); },
              "source kinds, regions, containers, transformation kinds, measured properties"});
  router.add({"GET", "/api/waste/emission-factors", Access::Public,
              [](RequestContext& ctx) { ctx.sendJson(200, emissionFactorsJson()); },
              "transport emission factors (kg CO2e per tonne.km) with their source"});

  router.add({"GET", "/api/sources", Access::StartUpMember, listSourcesHandler,
              "the caller's sources (?start_up=)"});
  router.add({"POST", "/api/sources", Access::StartUpMember, createSourceHandler,
              "add a source ({name, kind, region, locality?, notes?, start_up?})"});
  router.add({"GET", "/api/sources/{id}", Access::StartUpMember, getSourceHandler, "one source"});
  router.add({"PATCH", "/api/sources/{id}", Access::StartUpMember, patchSourceHandler,
              "change a source"});

  router.add({"GET", "/api/lots", Access::Public, listLotsHandler,
              "lots the caller may see (?start_up=&stream=&status=&from=&to=&in_stock=)"});
  router.add({"POST", "/api/lots", Access::StartUpMember, createLotHandler,
              "record a collection ({stream, source?, start_up, collected_on, net_mass})"});
  router.add({"GET", "/api/lots/stock", Access::StartUpMember, stockHandler,
              "a start-up's stock per stream (?start_up=)"});
  router.add({"POST", "/api/lots/import", Access::StartUpMember, importLotsHandler,
              "import collections from a CSV file (raw body, ?start_up=&dry_run=)"});
  router.add({"GET", "/api/lots/{id}", Access::Public, getLotHandler,
              "one lot, with its transfers and uses the caller may see"});
  router.add({"PATCH", "/api/lots/{id}", Access::StartUpMember, patchLotHandler,
              "characterisation, status, notes, container, visibility of a lot"});
  router.add({"POST", "/api/lots/{id}/retire", Access::StartUpMember, retireLotHandler,
              "retire a lot nothing was taken from ({reason})"});
  addHistoryEndpoint(router, "/api/lots/{id}/history", "a lot's audit history", lotHistory);
  router.add({"POST", "/api/lots/{id}/transfers", Access::StartUpMember, offerTransferHandler,
              "offer (part of) a lot to another start-up ({to_start_up, amount, unit})"});
  router.add({"POST", "/api/lots/{id}/uses", Access::StartUpMember, useLotHandler,
              "use a lot as a batch input or route component ({amount, unit, batch?, route?, "
              "step?, component?})"});
  router.add({"GET", "/api/lots/{id}/genealogy", Access::Public, lotGenealogyHandler,
              "where a lot came from and what it became (?format=json|csv)"});

  router.add({"GET", "/api/transformations", Access::StartUpMember, listTransformationsHandler,
              "transformations the caller may see (?start_up=)"});
  router.add({"POST", "/api/transformations", Access::StartUpMember, createTransformationHandler,
              "record a transformation ({kind, performed_on, inputs, additions?, outputs})"});
  router.add({"GET", "/api/transformations/{id}", Access::StartUpMember, getTransformationHandler,
              "one transformation with its mass balance"});

  router.add({"GET", "/api/transfers", Access::StartUpMember, listTransfersHandler,
              "transfers the caller is a party to (?direction=in|out&status=)"});
  router.add({"GET", "/api/transfers/{id}", Access::StartUpMember, getTransferHandler,
              "one transfer (its two parties)"});
  router.add({"POST", "/api/transfers/{id}/accept", Access::StartUpMember,
              [](RequestContext& ctx) { decideHandler(ctx, acceptTransfer); },
              "accept a transfer (the receiver): makes the received lot"});
  router.add({"POST", "/api/transfers/{id}/refuse", Access::StartUpMember,
              [](RequestContext& ctx) { decideHandler(ctx, refuseTransfer); },
              "refuse a transfer (the receiver)"});
  router.add({"POST", "/api/transfers/{id}/cancel", Access::StartUpMember,
              [](RequestContext& ctx) { decideHandler(ctx, cancelTransfer); },
              "cancel a pending transfer (the sender)"});

  router.add({"GET", "/api/batches/{id}/genealogy", Access::Public, batchGenealogyHandler,
              "a product batch's genealogy down to its waste lots (?format=json|csv)"});
  router.add({"GET", "/api/circularity", Access::StartUpMember, circularityHandler,
              "cluster circularity figures (?from=YYYY-MM&to=YYYY-MM&stream=&shares=)"});
}

}  // namespace argan::server
