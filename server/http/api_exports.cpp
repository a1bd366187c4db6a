// Export of the registry:
//   GET /api/export/compounds?format=sdf|csv|json[&start_up=ID][&include_retired=true]
//   GET /api/export/routes?format=csv|smiles|rxn[&start_up=ID][&include_retired=true]
// Anyone may call them; the file holds exactly the parents (routes) the caller may see
// (anonymous visitors and partners: the public catalogue). The file is spooled to disk and sent whole,
// so a failure answers an error instead of a truncated file. An unknown start_up answers 404
// naming it (as `argan export` exits 1), not an empty file.
#include <Poco/TemporaryFile.h>

#include <fstream>

#include "common/error.h"
#include "db/start_up_store.h"
#include "server/http/endpoints.h"
#include "server/transfer/export.h"
#include "server/http/request_context.h"
#include "server/transfer/route_export.h"
#include "server/transfer/substance_transfer.h"

namespace argan::server {
namespace {

// The start_up query parameter, which must name an existing start-up (NotFound otherwise).
std::optional<std::int64_t> startUpParam(RequestContext& ctx) {
  auto id = ctx.queryInt("start_up");
  if (!id) return id;
  bool known = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findStartUp(c, *id).has_value(); });
  if (!known) throw notFound("no start-up with id " + std::to_string(*id), {{"field", "start_up"}});
  return id;
}

void exportHandler(RequestContext& ctx) {
  ExportOptions options;
  std::string formatName = ctx.query("format").value_or("sdf");
  auto format = parseExportFormat(formatName);
  if (!format) throw invalidArgument("format must be sdf, csv or json", {{"field", "format"}});
  options.format = *format;
  options.startUpId = startUpParam(ctx);
  options.includeRetired = ctx.query("include_retired").value_or("") == "true";
  Poco::TemporaryFile spool;
  {
    std::ofstream out(spool.path(), std::ios::binary);
    exportCompounds(ctx.runtime().db, ctx.runtime().clock, ctx.principal(), options, out);
    out.flush();
    if (!out) throw unavailable("the export could not be written");
  }
  ctx.sendFile(200, exportContentType(options.format), spool.path(),
               std::string("argan-compounds.") + exportFormatName(options.format));
}

void routeExportHandler(RequestContext& ctx) {
  RouteExportOptions options;
  auto format = parseRouteExportFormat(ctx.query("format").value_or("csv"));
  if (!format) throw invalidArgument("format must be csv, smiles or rxn", {{"field", "format"}});
  options.format = *format;
  options.startUpId = startUpParam(ctx);
  options.includeRetired = ctx.query("include_retired").value_or("") == "true";
  Poco::TemporaryFile spool;
  {
    std::ofstream out(spool.path(), std::ios::binary);
    exportRoutes(ctx.runtime(), ctx.principal(), options, out);
    out.flush();
    if (!out) throw unavailable("the export could not be written");
  }
  ctx.sendFile(200, routeExportContentType(options.format), spool.path(),
               std::string("argan-routes.") + routeExportExtension(options.format));
}

void substanceExportHandler(RequestContext& ctx) {
  SubstanceExportOptions options;
  options.format = ctx.query("format").value_or("csv");
  if (options.format != "csv" && options.format != "json") {
    throw invalidArgument("format must be csv or json", {{"field", "format"}});
  }
  options.startUpId = startUpParam(ctx);
  options.includeRetired = ctx.query("include_retired").value_or("") == "true";
  Poco::TemporaryFile spool;
  {
    std::ofstream out(spool.path(), std::ios::binary);
    exportSubstances(ctx.runtime(), ctx.principal(), options, out);
    out.flush();
    if (!out) throw unavailable("the export could not be written");
  }
  ctx.sendFile(200, options.format == "csv" ? "text/csv; charset=utf-8" : "application/json",
               spool.path(), "argan-substances." + options.format);
}

}  // namespace

void addExportEndpoints(Router& router) {
  router.add({"GET", "/api/export/substances", Access::Public, substanceExportHandler,
              "the visible substances as CSV (one row per constituent, property or monomer) "
              "or JSON (format, start_up)"});
  router.add({"GET", "/api/export/compounds", Access::Public, exportHandler,
              "the visible parents as an SD file, CSV or JSON (format, start_up)"});
  router.add({"GET", "/api/export/routes", Access::Public, routeExportHandler,
              "the visible synthesis routes as reaction SMILES, RXN (RD file) or metrics CSV "
              "(format, start_up)"});
}

}  // namespace argan::server
