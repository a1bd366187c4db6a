// Reading route- and step-shaped JSON bodies (POST /api/routes, POST/PUT .../steps,
// POST /api/reactions/metrics) into route_service inputs. One reader for every door a route
// comes in by: the API handlers and the demo routes (server/demo_routes.cpp) use it, so a
// demo route is read exactly as a submitted one.
//
// Errors: argan::Error(InvalidArgument) with details {"field": "<path>"} for unknown keys,
// wrong types and over-long values (json_fields.h); chemistry is checked later, by the
// service. Pure; any thread.
#pragma once

#include "server/json/json_fields.h"
#include "server/registry/synthesis_routes.h"

namespace argan::server {

// Limits on the shape of a body (the chemistry limits are in chem::ReactionLimits).
constexpr std::size_t kMaxRouteSteps = 50;
constexpr std::size_t kMaxStepComponents = 100;

// {"smiles", "name", "compound", "role", "amount", "unit", "density", "equivalents",
//  "origin", "from_step"}
chem::ComponentInput readComponent(const JsonFields& f);

// {"name", "reaction_smiles" | "rxn", "components": [...], "conditions": {"temperature_c",
//  "time_h", "pressure_bar", "atmosphere", "mode"}, "workup": "..." | [...],
//  "isolated_yield", "scale": {"amount", "unit"}, "notes"}
StepDraft readStep(const JsonFields& f);

// {"start_up", "target_compound", "name", "description", "visibility", "steps": [...]}
RouteCreation readRouteCreation(const JsonFields& body);

// {"name"?, "description"?, "steps": [...]} (PUT /api/routes/{id}: the draft's steps replaced)
RouteReplacement readRouteReplacement(const JsonFields& body);

}  // namespace argan::server
