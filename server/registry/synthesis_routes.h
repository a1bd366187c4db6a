// Synthesis routes: chemistry (ChemService) + storage (db/route_store.h) under the route
// rules. The API handlers (api_synthesis.cpp) and bulk tools (import, demo data, CSV export)
// go through here, so a step is checked, linked and stored the same way whatever door it
// comes in by.
//
// Writes: the step is analysed by ChemService first (outside the write lock); then, in one
// write transaction, the route's current steps are reloaded, the step graph is checked with
// the new step in place (chem::checkRouteGraph: missing steps, cycles, later steps, a
// product used twice, a component that is not what its step makes), components are linked
// to registered parents of the route's start-up by InChIKey, and the rows and the audit
// entry are written. Any failure leaves the database unchanged.
//
// Errors: argan::Error — InvalidArgument (bad step, bad graph), NotFound (route or compound
// the caller may not see), PermissionDenied (not a member of the owning start-up),
// FailedPrecondition (route not a draft; validation of an incomplete route).
// Thread-safe (as the Runtime handles are).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chem/reaction_types.h"
#include "db/access.h"
#include "db/route_store.h"
#include "server/core/runtime.h"

namespace argan::server {

// One step as submitted (parsed from JSON by the handler, or built by an importer).
struct StepDraft {
  std::string name;
  chem::ReactionInput reaction;  // components may name a registered compound ("compound")
  std::optional<double> scaleAmount;
  std::string scaleUnit;
  std::string notes;
};

struct RouteCreation {
  std::optional<std::int64_t> startUpId;  // default: the caller's start-up
  std::string targetCompound;             // "CMP-000012" or "12"
  std::string name;
  std::string description;
  std::string visibility = "start-up";
  std::vector<StepDraft> steps;
};

// A draft route's new name, description and steps, all saved together (PUT /api/routes/{id}).
struct RouteReplacement {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::vector<StepDraft> steps;  // numbered 1..n in order; from_step refers to these numbers
};

// A stored step with its analysis.
struct StepReport {
  db::RouteStepRow row;
  chem::ReactionAnalysis analysis;
};

// A route with the analysis of every step and the route metrics.
struct RouteReport {
  db::Route route;
  chem::RouteAnalysis analysis;
};

// Analyses a step without saving it (the calculator). Component "compound" codes are
// resolved for `who` (NotFound if not visible) and fill in missing structures.
chem::ReactionAnalysis previewStep(Runtime& runtime, const db::Principal& who,
                                   chem::ReactionInput reaction);

db::Route createRoute(Runtime& runtime, const db::Principal& who, RouteCreation creation);
StepReport addRouteStep(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                        StepDraft draft);
StepReport replaceRouteStep(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                            std::int64_t number, StepDraft draft);
// Replaces a draft's steps (and name, description) in one transaction: every step is
// analysed first, then the graph of the new steps is checked and everything is written, or
// nothing is (errors name "steps[i].<field>" as creating a route does). Unchanged steps keep
// their revision; steps beyond the new list are retired. FailedPrecondition (reason
// "route_not_draft") for a validated or retired route.
db::Route replaceRouteSteps(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                            RouteReplacement replacement);
// FailedPrecondition when another step uses this step's product.
void retireRouteStep(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                     std::int64_t number, const std::string& reason);
// Validation (status "validated") needs a complete route: every step analysed, one final
// step, and the final product is the target compound (same InChIKey connectivity).
db::Route updateRoute(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                      const db::RouteUpdate& update);
db::Route createRouteVersion(Runtime& runtime, const db::Principal& who, std::int64_t routeId);

// The route if `who` may see it (NotFound otherwise).
db::Route visibleRoute(Runtime& runtime, const db::Principal& who, std::int64_t routeId);

// Metrics of a stored route (every step re-analysed from its stored rows).
RouteReport routeReport(Runtime& runtime, const db::Principal& who, std::int64_t routeId);
StepReport stepReport(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                      std::int64_t number);

// Stored rows back to analysis input (exposed for exports and tests).
chem::ReactionInput reactionInputOf(const db::RouteStepRow& step);
chem::RouteInput routeInputOf(const db::Route& route);

}  // namespace argan::server
