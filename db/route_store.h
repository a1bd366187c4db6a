// Synthesis routes: a route (versioned, owned by a start-up, making one registered parent)
// and its steps with their components. db/ stores what the user said and what chem/
// computed about each structure (canonical SMILES, InChIKey, formula, molar mass); the
// metrics are computed from these rows by chem/ and never stored.
//
// Rules kept here:
//   * visibility: every read takes a Principal and filters with visibleSql inside the SQL;
//     a route the viewer may not see is absent (nullopt), exactly like a missing one;
//   * status: draft -> validated -> retired (draft -> retired too); only draft routes have
//     their steps changed (FailedPrecondition otherwise); retired routes do not change;
//   * nothing is deleted: a changed step is a new revision row (the old row retired with the
//     reason "revised"), a removed step is retired with a reason, components never change;
//   * every write appends an audit entry (db/audit.h) in the caller's transaction: record
//     types "route" (id "12") and "route_step" (id "12/3"), before/after snapshots.
// Writers must run inside Database::write; readers take any Connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct RouteComponentRow {
  std::int64_t id = 0;
  std::int64_t position = 0;
  std::string side;  // reactant | agent | product | extra
  std::string role;  // reactant | reagent | catalyst | solvent | product | by-product
  std::int64_t coefficient = 0;
  std::string smiles;
  std::string name;
  std::optional<std::string> canonicalSmiles;
  std::optional<std::string> inchiKey;
  std::optional<std::string> formula;
  std::optional<double> molarMass;
  std::optional<double> amount;
  std::optional<std::string> unit;
  std::optional<double> density;
  std::optional<double> equivalents;
  std::optional<std::string> origin;
  std::optional<std::int64_t> fromStep;
  std::optional<std::int64_t> compoundId;  // for a substance: its representative constituent
  std::optional<std::int64_t> substanceId;  // the component is this substance
  // Filled on read: the linked compound's and substance's codes, only when the viewer may
  // see them.
  std::optional<std::string> compoundCode;
  std::optional<std::string> substanceCode;
};

struct RouteStepRow {
  std::int64_t id = 0;
  std::int64_t routeId = 0;
  std::int64_t number = 0;
  std::int64_t revision = 1;
  std::string name;
  std::string reactionSmiles;
  std::optional<std::string> rxnBlock;
  std::string canonicalReactionSmiles;
  std::optional<double> temperatureC;
  std::optional<double> timeH;
  std::optional<double> pressureBar;
  std::string atmosphere;
  std::optional<std::string> mode;  // batch | flow
  std::string workup;               // comma-separated normalised methods
  std::optional<double> isolatedYield;
  std::optional<double> scaleAmount;
  std::optional<std::string> scaleUnit;
  std::string notes;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  std::vector<RouteComponentRow> components;
};

struct Route {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  std::int64_t targetCompoundId = 0;
  std::int64_t lineageId = 0;
  std::int64_t version = 1;
  std::optional<std::int64_t> previousVersionId;
  std::string name;
  std::string description;
  std::string status;  // draft | validated | retired
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> validatedAt;
  std::optional<std::int64_t> validatedBy;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  std::vector<RouteStepRow> steps;  // active steps by number (when loaded with steps)
};

struct RouteDraft {
  std::int64_t startUpId = 0;
  std::int64_t targetCompoundId = 0;
  std::string name;
  std::string description;
  std::string visibility = "start-up";
};

struct RouteUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
  // Not applied by updateRoute: visibility changes are db::changeVisibility (db/lifecycle.h,
  // audited "publish"); server/route_service.cpp does both in one transaction.
  std::optional<std::string> visibility;
  std::optional<std::string> status;  // "validated" | "retired"
  std::optional<std::string> reason;  // required to retire
};

struct RouteFilter {
  std::optional<std::int64_t> startUpId;
  std::optional<std::int64_t> targetCompoundId;
  std::optional<std::string> status;
  std::optional<std::int64_t> lineageId;
  bool includeRetired = false;  // retired routes are listed only when asked (or by status)
};

struct RoutePage {
  std::vector<Route> items;  // without steps
  std::int64_t total = 0;
};

// Creates a draft route (version 1 of a new lineage) with the given steps, numbered in
// order from 1 (their `number` is ignored). Throws InvalidArgument (fields), NotFound
// (start-up), FailedPrecondition (target compound not of that start-up, or retired).
Route createRoute(Connection& c, const Clock& clock, const Principal& actor,
                  const RouteDraft& draft, std::vector<RouteStepRow> steps);

// The route if it exists and `viewer` may see it; steps (and their components) when asked.
std::optional<Route> findRoute(Connection& c, const Principal& viewer, std::int64_t id,
                               bool withSteps = true);

RoutePage listRoutes(Connection& c, const Principal& viewer, const RouteFilter& filter,
                     std::int64_t page, std::int64_t pageSize);

// Applies name, description and status when set (not visibility: see RouteUpdate). Status:
// validated (from draft) or retired (needs a reason). Throws InvalidArgument, NotFound,
// FailedPrecondition (transition not allowed, retired route). The caller checks that a route
// is complete before validating it. An update that changes nothing (e.g. the status the route
// already has) writes nothing and leaves no audit entry.
Route updateRoute(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                  const RouteUpdate& update);

// A new draft version of the route's lineage (version = highest + 1) with copies of the
// route's active steps. Throws NotFound.
Route createRouteVersion(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t id);

// Active steps of a route, by number, with components (no visibility check: the caller has
// loaded the route for the principal).
std::vector<RouteStepRow> activeSteps(Connection& c, const Principal& viewer, std::int64_t routeId);
std::optional<RouteStepRow> findStep(Connection& c, const Principal& viewer, std::int64_t routeId,
                                     std::int64_t number);

// The audit keys of a route and of every step number it has used ("route" "12",
// "route_step" "12/1", ...), for its history.
std::vector<std::pair<std::string, std::string>> routeAuditKeys(Connection& c,
                                                                std::int64_t routeId);

// Adds a step with the next unused number; replaces step `number` by a new revision;
// retires step `number`. The route must be a draft (FailedPrecondition); NotFound for a
// missing step. Audited.
RouteStepRow addStep(Connection& c, const Clock& clock, const Principal& actor,
                     std::int64_t routeId, RouteStepRow step);
RouteStepRow replaceStep(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t routeId, std::int64_t number, RouteStepRow step);
void retireStep(Connection& c, const Clock& clock, const Principal& actor, std::int64_t routeId,
                std::int64_t number, const std::string& reason);

// Replaces the draft's active steps by `steps`, numbered 1..n in order (their `number` is
// ignored; `fromStep` refers to these numbers). Step k becomes a new revision of the active
// step k when its content changed (name, reaction, conditions, work-up, yield, scale, notes,
// components) and is left alone otherwise; a number with no active step gets a new step (a
// new revision of a retired number); active steps numbered above n are retired with
// `removedReason`. Audited per step ("create", "update", "retire"). FailedPrecondition when
// the route is not a draft. Returns the number of steps written or retired.
std::int64_t replaceSteps(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t routeId, std::vector<RouteStepRow> steps,
                          const std::string& removedReason);

// The number the next added step of the route gets.
std::int64_t nextStepNumber(Connection& c, std::int64_t routeId);

// The registered parent of `startUpId` with this InChIKey (not retired), for linking
// components to the registry.
std::optional<std::int64_t> findCompoundIdByInchiKey(Connection& c, std::int64_t startUpId,
                                                     const std::string& inchiKey);

}  // namespace argan::db
