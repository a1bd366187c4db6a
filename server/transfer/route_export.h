// Export of synthesis routes: reaction SMILES, RXN (as an RD file) and the metrics as CSV.
//
// Writes the routes `viewer` may see (db::listRoutes filters with visibleSql), optionally
// only those of one start-up, route by route (memory holds one route). Each route's metrics
// are computed from its stored steps by runtime.chem (the same analysis as
// GET /api/routes/{id}/metrics); nothing is stored.
//   csv     one row per active step (its conditions and step metrics), then one row per
//           route with step "route" (the route metrics: cumulative PMI, overall yield, ...);
//           columns: route_id, route_name, version, status, visibility, start_up_id,
//           start_up, target_compound, step, step_name, reaction_smiles, temperature_c,
//           time_h, pressure_bar, mode, workup, isolated_yield, analysed, problems, one
//           column per exportedMetricKeys() (units as in docs/metrics.md), traffic_lights
//   smiles  one line per active step: the reaction SMILES as stored (canonical when the step
//           was given as an RXN file), a tab, then "<route id>/<step> <route name>: <step name>"
//   rxn     an RD file ("$RDFILE 1"): one "$RFMT" record per active step with its RXN block
//           (the RXN file as given, else written from the reaction SMILES with 2D
//           coordinates) and $DTYPE/$DATUM pairs for the route, the step and its metrics
// Throws argan::Error (Unavailable when the database cannot be read or `out` fails).
// Thread-safe (as the Runtime handles are).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "db/access.h"
#include "server/core/runtime.h"

namespace argan::server {

enum class RouteExportFormat { Csv, Smiles, Rxn };
const char* routeExportFormatName(RouteExportFormat format);  // csv | smiles | rxn
// "csv"; "smiles" (also "smi"); "rxn" (also "rdf"); nullopt otherwise.
std::optional<RouteExportFormat> parseRouteExportFormat(const std::string& name);
const char* routeExportContentType(RouteExportFormat format);
const char* routeExportExtension(RouteExportFormat format);  // csv | smi | rdf

// The metric columns of the CSV, in order (step and route metric keys of chem/green_metrics).
const std::vector<std::string>& exportedMetricKeys();

struct RouteExportOptions {
  RouteExportFormat format = RouteExportFormat::Csv;
  std::optional<std::int64_t> startUpId;  // only this start-up's routes
  bool includeRetired = false;            // retired routes too
};

struct RouteExportSummary {
  std::int64_t routes = 0;
  std::int64_t steps = 0;
};

RouteExportSummary exportRoutes(Runtime& runtime, const db::Principal& viewer,
                                const RouteExportOptions& options, std::ostream& out);

}  // namespace argan::server
