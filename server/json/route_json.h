// JSON for synthesis routes, steps and reaction analyses: the one place they become JSON.
// Every metric travels with its name, unit, formula, definition and reference, so an answer
// explains itself (docs/metrics.md has the same text).
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <vector>

#include "chem/reaction_types.h"
#include "chem/solvent_table.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "server/registry/synthesis_routes.h"

namespace argan::server {

// {"reaction_smiles", "format", "balance", "components", "desired_product",
//  "limiting_reactant", "<metric key>": number|null for every metric,
//  "metrics": {"<key>": {"name","value","unit","formula","definition","reference","detail",
//  "missing"}}, "traffic_lights": [...], "warnings": [...]}
Poco::JSON::Object::Ptr reactionAnalysisJson(const chem::ReactionAnalysis& analysis);

// A stored step: number, name, reaction text, conditions, work-up, yield, scale, notes,
// components (as stored, with the linked compound when visible); with "analysis" when given.
Poco::JSON::Object::Ptr stepJson(std::int64_t routeId, const db::RouteStepRow& step,
                                 const chem::ReactionAnalysis* analysis = nullptr);

// A route: id, name, version, status, start_up, visibility, target_compound (a summary
// when the caller may see it), description, dates, steps (when loaded), links.
Poco::JSON::Object::Ptr routeJson(const db::Route& route, const std::optional<db::Compound>& target,
                                  bool withSteps);

// GET /api/routes/{id}/metrics: route summary, per-step analyses, route metrics,
// contributions to the cumulative PMI, worst traffic lights and the 12 principles.
Poco::JSON::Object::Ptr routeMetricsJson(const RouteReport& report,
                                         const std::optional<db::Compound>& target);

// GET /api/routes/compare: the routes side by side, one row per metric.
Poco::JSON::Object::Ptr routeComparisonJson(
    const std::vector<RouteReport>& reports,
    const std::vector<std::optional<db::Compound>>& targets);

Poco::JSON::Object::Ptr metricJson(const chem::Metric& metric);

// GET /api/solvents: {"items": [{"chem21_number", "name", "alt_name", "name_fr", "family",
// "cas", "smiles", "formula", "molar_mass", "boiling_point_c", "density": {"value", "unit",
// "temperature_c"}, "ranking", "ranking_default", "safety_score", "health_score",
// "environment_score"}], "total", "reference"}
Poco::JSON::Object::Ptr solventListingJson(const std::vector<chem::SolventListing>& solvents,
                                           const std::string& reference);

}  // namespace argan::server
