#include "db/route_store.h"

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/row_snapshot.h"
#include "db/substance_store.h"
#include "db/start_up_store.h"

namespace argan::db {
namespace {

constexpr const char* kRouteColumns =
    "r.id, r.start_up_id, r.visibility, r.target_compound_id, r.lineage_id, r.version,"
    " r.previous_version_id, r.name, r.description, r.status, r.created_at, r.created_by,"
    " r.updated_at, r.validated_at, r.validated_by, r.retired_at, r.retired_reason";

Route readRoute(Statement& st) {
  Route r;
  int i = 0;
  r.id = st.getInt(i++);
  r.startUpId = st.getInt(i++);
  r.visibility = st.getText(i++);
  r.targetCompoundId = st.getInt(i++);
  r.lineageId = st.getOptionalInt(i++).value_or(0);
  r.version = st.getInt(i++);
  r.previousVersionId = st.getOptionalInt(i++);
  r.name = st.getText(i++);
  r.description = st.getText(i++);
  r.status = st.getText(i++);
  r.createdAt = st.getText(i++);
  r.createdBy = st.getOptionalInt(i++);
  r.updatedAt = st.getText(i++);
  r.validatedAt = st.getOptionalText(i++);
  r.validatedBy = st.getOptionalInt(i++);
  r.retiredAt = st.getOptionalText(i++);
  r.retiredReason = st.getOptionalText(i++);
  return r;
}

constexpr const char* kStepColumns =
    "s.id, s.route_id, s.number, s.revision, s.name, s.reaction_smiles, s.rxn_block,"
    " s.canonical_reaction_smiles, s.temperature_c, s.time_h, s.pressure_bar, s.atmosphere,"
    " s.mode, s.workup, s.isolated_yield, s.scale_amount, s.scale_unit, s.notes, s.created_at,"
    " s.created_by, s.retired_at, s.retired_reason";

RouteStepRow readStep(Statement& st) {
  RouteStepRow s;
  int i = 0;
  s.id = st.getInt(i++);
  s.routeId = st.getInt(i++);
  s.number = st.getInt(i++);
  s.revision = st.getInt(i++);
  s.name = st.getText(i++);
  s.reactionSmiles = st.getText(i++);
  s.rxnBlock = st.getOptionalText(i++);
  s.canonicalReactionSmiles = st.getText(i++);
  s.temperatureC = st.getOptionalDouble(i++);
  s.timeH = st.getOptionalDouble(i++);
  s.pressureBar = st.getOptionalDouble(i++);
  s.atmosphere = st.getText(i++);
  s.mode = st.getOptionalText(i++);
  s.workup = st.getText(i++);
  s.isolatedYield = st.getOptionalDouble(i++);
  s.scaleAmount = st.getOptionalDouble(i++);
  s.scaleUnit = st.getOptionalText(i++);
  s.notes = st.getText(i++);
  s.createdAt = st.getText(i++);
  s.createdBy = st.getOptionalInt(i++);
  s.retiredAt = st.getOptionalText(i++);
  s.retiredReason = st.getOptionalText(i++);
  return s;
}

constexpr const char* kComponentColumns =
    "rc.id, rc.position, rc.side, rc.role, rc.coefficient, rc.smiles, rc.name,"
    " rc.canonical_smiles, rc.inchikey, rc.formula, rc.molar_mass, rc.amount, rc.unit,"
    " rc.density, rc.equivalents, rc.origin, rc.from_step, rc.compound_id, rc.substance_id";

RouteComponentRow readComponent(Statement& st) {
  RouteComponentRow r;
  int i = 0;
  r.id = st.getInt(i++);
  r.position = st.getInt(i++);
  r.side = st.getText(i++);
  r.role = st.getText(i++);
  r.coefficient = st.getInt(i++);
  r.smiles = st.getText(i++);
  r.name = st.getText(i++);
  r.canonicalSmiles = st.getOptionalText(i++);
  r.inchiKey = st.getOptionalText(i++);
  r.formula = st.getOptionalText(i++);
  r.molarMass = st.getOptionalDouble(i++);
  r.amount = st.getOptionalDouble(i++);
  r.unit = st.getOptionalText(i++);
  r.density = st.getOptionalDouble(i++);
  r.equivalents = st.getOptionalDouble(i++);
  r.origin = st.getOptionalText(i++);
  r.fromStep = st.getOptionalInt(i++);
  r.compoundId = st.getOptionalInt(i++);
  r.substanceId = st.getOptionalInt(i++);
  return r;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void validateName(const std::string& name) {
  std::string n = trimmed(name);
  if (n.empty()) throw invalidArgument("a route needs a name", {{"field", "name"}});
  if (n.size() > 200) {
    throw invalidArgument("the route name is longer than 200 characters", {{"field", "name"}});
  }
}

void validateDescription(const std::string& d) {
  if (d.size() > 20000) {
    throw invalidArgument("the description is longer than 20000 characters",
                          {{"field", "description"}});
  }
}

void validateVisibility(const std::string& v) {
  if (!parseVisibility(v)) {
    throw invalidArgument("visibility must be start-up, cluster or public",
                          {{"field", "visibility"}});
  }
}

std::optional<Route> loadRouteRaw(Connection& c, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kRouteColumns + " FROM routes r WHERE r.id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readRoute(st);
}

void bindOptionalInt(Statement& st, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    st.bind(index, *v);
  } else {
    st.bindNull(index);
  }
}

std::optional<std::int64_t> actorId(const Principal& actor) {
  if (actor.userId) return actor.userId;
  return std::nullopt;
}

std::vector<RouteComponentRow> loadComponents(Connection& c, const Principal& viewer,
                                              std::int64_t stepId) {
  Statement st(c, std::string("SELECT ") + kComponentColumns +
                      ", cc.id, ss.id FROM route_step_components rc"
                      " LEFT JOIN compounds cc ON cc.id = rc.compound_id AND " +
                      visibleSql(viewer, "cc") +
                      " LEFT JOIN substances ss ON ss.id = rc.substance_id AND " +
                      visibleSql(viewer, "ss") + " WHERE rc.step_id = ? ORDER BY rc.position");
  st.bind(1, stepId);
  std::vector<RouteComponentRow> out;
  while (st.step()) {
    RouteComponentRow r = readComponent(st);
    if (auto visible = st.getOptionalInt(19)) r.compoundCode = compoundCode(*visible);
    if (auto visible = st.getOptionalInt(20)) r.substanceCode = substanceCode(*visible);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t insertStep(Connection& c, const std::string& now, const Principal& actor,
                        std::int64_t routeId, std::int64_t number, std::int64_t revision,
                        const RouteStepRow& s) {
  Statement st(c,
               "INSERT INTO route_steps(route_id, number, revision, name, reaction_smiles,"
               " rxn_block, canonical_reaction_smiles, temperature_c, time_h, pressure_bar,"
               " atmosphere, mode, workup, isolated_yield, scale_amount, scale_unit, notes,"
               " created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, routeId)
      .bind(2, number)
      .bind(3, revision)
      .bind(4, s.name)
      .bind(5, s.reactionSmiles)
      .bind(6, s.rxnBlock)
      .bind(7, s.canonicalReactionSmiles)
      .bind(8, s.temperatureC)
      .bind(9, s.timeH)
      .bind(10, s.pressureBar)
      .bind(11, s.atmosphere)
      .bind(12, s.mode)
      .bind(13, s.workup)
      .bind(14, s.isolatedYield)
      .bind(15, s.scaleAmount)
      .bind(16, s.scaleUnit)
      .bind(17, s.notes)
      .bind(18, now);
  bindOptionalInt(st, 19, actorId(actor));
  st.run();
  std::int64_t stepId = c.lastInsertId();
  std::int64_t position = 0;
  for (const auto& r : s.components) {
    Statement ins(c,
                  "INSERT INTO route_step_components(step_id, position, side, role, coefficient,"
                  " smiles, name, canonical_smiles, inchikey, formula, molar_mass, amount, unit,"
                  " density, equivalents, origin, from_step, compound_id, substance_id)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, stepId)
        .bind(2, position++)
        .bind(3, r.side)
        .bind(4, r.role)
        .bind(5, r.coefficient)
        .bind(6, r.smiles)
        .bind(7, r.name)
        .bind(8, r.canonicalSmiles)
        .bind(9, r.inchiKey)
        .bind(10, r.formula)
        .bind(11, r.molarMass)
        .bind(12, r.amount)
        .bind(13, r.unit)
        .bind(14, r.density)
        .bind(15, r.equivalents)
        .bind(16, r.origin)
        .bind(17, r.fromStep)
        .bind(18, r.compoundId)
        .bind(19, r.substanceId);
    ins.run();
  }
  return stepId;
}

std::string stepSnapshot(Connection& c, std::int64_t stepId) {
  std::string out =
      "{\"step\":" + snapshotRow(c, "route_steps", stepId).value_or("null") + ",\"components\":[";
  Statement st(c, "SELECT id FROM route_step_components WHERE step_id = ? ORDER BY position");
  st.bind(1, stepId);
  bool first = true;
  while (st.step()) {
    out +=
        (first ? "" : ",") + snapshotRow(c, "route_step_components", st.getInt(0)).value_or("null");
    first = false;
  }
  return out + "]}";
}

std::string routeSnapshot(Connection& c, std::int64_t routeId) {
  std::string out =
      "{\"route\":" + snapshotRow(c, "routes", routeId).value_or("null") + ",\"steps\":[";
  Statement st(c,
               "SELECT id FROM route_steps WHERE route_id = ? AND retired_at IS NULL"
               " ORDER BY number");
  st.bind(1, routeId);
  bool first = true;
  while (st.step()) {
    out += (first ? "" : ",") + stepSnapshot(c, st.getInt(0));
    first = false;
  }
  return out + "]}";
}

std::string stepRecordId(std::int64_t routeId, std::int64_t number) {
  return std::to_string(routeId) + "/" + std::to_string(number);
}

Route requireDraft(Connection& c, std::int64_t routeId) {
  auto route = loadRouteRaw(c, routeId);
  if (!route) throw notFound("no route " + std::to_string(routeId));
  if (route->status != "draft") {
    throw failedPrecondition("route " + std::to_string(routeId) + " is " + route->status +
                                 "; only draft routes have their steps changed (create a new "
                                 "version to change a validated route)",
                             {{"field", "status"},
                              {"status", route->status},
                              {"reason", "route_not_draft"}});
  }
  return *route;
}

std::optional<std::int64_t> activeStepId(Connection& c, std::int64_t routeId, std::int64_t number) {
  Statement st(c,
               "SELECT id FROM route_steps WHERE route_id = ? AND number = ? AND"
               " retired_at IS NULL");
  st.bind(1, routeId).bind(2, number);
  if (!st.step()) return std::nullopt;
  return st.getInt(0);
}

void touchRoute(Connection& c, std::int64_t routeId, const std::string& now) {
  Statement st(c, "UPDATE routes SET updated_at = ? WHERE id = ?");
  st.bind(1, now).bind(2, routeId).run();
}

RouteStepRow loadStepById(Connection& c, const Principal& viewer, std::int64_t stepId) {
  Statement st(c, std::string("SELECT ") + kStepColumns + " FROM route_steps s WHERE s.id = ?");
  st.bind(1, stepId);
  if (!st.step()) throw internalError("step " + std::to_string(stepId) + " vanished");
  RouteStepRow s = readStep(st);
  s.components = loadComponents(c, viewer, stepId);
  return s;
}

}  // namespace

std::optional<std::int64_t> findCompoundIdByInchiKey(Connection& c, std::int64_t startUpId,
                                                     const std::string& inchiKey) {
  if (inchiKey.empty()) return std::nullopt;
  Statement st(c,
               "SELECT id FROM compounds WHERE start_up_id = ? AND inchikey = ? AND"
               " retired_at IS NULL ORDER BY id LIMIT 1");
  st.bind(1, startUpId).bind(2, inchiKey);
  if (!st.step()) return std::nullopt;
  return st.getInt(0);
}

Route createRoute(Connection& c, const Clock& clock, const Principal& actor,
                  const RouteDraft& draft, std::vector<RouteStepRow> steps) {
  validateName(draft.name);
  validateDescription(draft.description);
  validateVisibility(draft.visibility);
  if (!findStartUp(c, draft.startUpId)) {
    throw notFound("no start-up " + std::to_string(draft.startUpId), {{"field", "start_up"}});
  }
  {
    Statement st(c, "SELECT start_up_id, retired_at FROM compounds WHERE id = ?");
    st.bind(1, draft.targetCompoundId);
    if (!st.step()) {
      throw notFound("no compound " + compoundCode(draft.targetCompoundId),
                     {{"field", "target_compound"}});
    }
    if (st.getInt(0) != draft.startUpId) {
      throw failedPrecondition("the target compound " + compoundCode(draft.targetCompoundId) +
                                   " is registered by another start-up; a route makes a parent "
                                   "of its own start-up's registry",
                               {{"field", "target_compound"}});
    }
    if (!st.isNull(1)) {
      throw failedPrecondition(
          "the target compound " + compoundCode(draft.targetCompoundId) + " is retired",
          {{"field", "target_compound"}});
    }
  }
  std::string now = clock.nowIso();
  Statement insert(c,
                   "INSERT INTO routes(start_up_id, visibility, target_compound_id, version, name,"
                   " description, status, created_at, created_by, updated_at, id)"
                   " VALUES (?,?,?,1,?,?,'draft',?,?,?,?)");
  const std::int64_t id = allocateRecordId(c, clock, "routes");
  insert.bind(1, draft.startUpId)
      .bind(2, draft.visibility)
      .bind(3, draft.targetCompoundId)
      .bind(4, trimmed(draft.name))
      .bind(5, draft.description)
      .bind(6, now);
  bindOptionalInt(insert, 7, actorId(actor));
  insert.bind(8, now);
  insert.bind(9, id);
  insert.run();
  Statement lineage(c, "UPDATE routes SET lineage_id = id WHERE id = ?");
  lineage.bind(1, id).run();
  std::int64_t number = 0;
  for (auto& s : steps) insertStep(c, now, actor, id, ++number, 1, s);
  appendAudit(
      c, clock, actor,
      {"create", "route", std::to_string(id), std::nullopt, routeSnapshot(c, id), std::nullopt});
  return *findRoute(c, Principal::system("route store"), id);
}

std::optional<Route> findRoute(Connection& c, const Principal& viewer, std::int64_t id,
                               bool withSteps) {
  Statement st(c, std::string("SELECT ") + kRouteColumns + " FROM routes r WHERE r.id = ? AND " +
                      visibleSql(viewer, "r"));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  Route r = readRoute(st);
  if (withSteps) r.steps = activeSteps(c, viewer, id);
  return r;
}

RoutePage listRoutes(Connection& c, const Principal& viewer, const RouteFilter& filter,
                     std::int64_t page, std::int64_t pageSize) {
  if (page < 0) throw invalidArgument("page starts at 0", {{"field", "page"}});
  if (pageSize < 1 || pageSize > 500) {
    throw invalidArgument("page_size must be between 1 and 500", {{"field", "page_size"}});
  }
  if (filter.status && *filter.status != "draft" && *filter.status != "validated" &&
      *filter.status != "retired") {
    throw invalidArgument("status must be draft, validated or retired", {{"field", "status"}});
  }
  // Listing one start-up: the rule for its rows alone, so that the (start_up_id, visibility)
  // index skips the rows the viewer may not see instead of visiting and discarding them.
  std::string where = " WHERE " + (filter.startUpId ? readScope(viewer).sqlForOwner(*filter.startUpId, "r.visibility")
                                       : visibleSql(viewer, "r"));
  if (filter.startUpId) where += " AND r.start_up_id = ?1";
  if (filter.targetCompoundId) where += " AND r.target_compound_id = ?2";
  if (filter.status) where += " AND r.status = ?3";
  if (filter.lineageId) where += " AND r.lineage_id = ?4";
  if (!filter.status && !filter.includeRetired) where += " AND r.status <> 'retired'";
  auto bindFilter = [&](Statement& st) {
    if (filter.startUpId) st.bind(1, *filter.startUpId);
    if (filter.targetCompoundId) st.bind(2, *filter.targetCompoundId);
    if (filter.status) st.bind(3, *filter.status);
    if (filter.lineageId) st.bind(4, *filter.lineageId);
  };
  RoutePage out;
  {
    Statement count(c, "SELECT COUNT(*) FROM routes r" + where);
    bindFilter(count);
    count.step();
    out.total = count.getInt(0);
  }
  // Ordered by "+id" when listing one start-up: sorting the visible rows instead of walking
  // the owner's rows in id order (which visits the hidden ones) keeps the planner on the
  // (start_up_id, visibility) index.
  Statement st(c, std::string("SELECT ") + kRouteColumns + " FROM routes r" + where +
                      (filter.startUpId ? " ORDER BY +r.id DESC" : " ORDER BY r.id DESC") +
                      " LIMIT ?5 OFFSET ?6");
  bindFilter(st);
  st.bind(5, pageSize).bind(6, page * pageSize);
  while (st.step()) out.items.push_back(readRoute(st));
  return out;
}

Route updateRoute(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                  const RouteUpdate& update) {
  auto current = loadRouteRaw(c, id);
  if (!current) throw notFound("no route " + std::to_string(id));
  if (current->status == "retired") {
    throw failedPrecondition("route " + std::to_string(id) + " is retired and cannot change",
                             {{"field", "status"}, {"status", current->status}, {"reason", "retired"}});
  }
  if (update.name) validateName(*update.name);
  if (update.description) validateDescription(*update.description);
  if (update.visibility) {
    throw internalError("route visibility changes go through db::changeVisibility");
  }
  Route next = *current;
  std::string action = "update";
  std::optional<std::string> reason;
  std::string now = clock.nowIso();
  if (update.status && *update.status != current->status) {
    const std::string& to = *update.status;
    if (to == "validated") {
      if (current->status != "draft") {
        throw failedPrecondition("only a draft route can be validated",
                                 {{"field", "status"}, {"reason", "route_not_draft"}});
      }
      next.status = "validated";
      next.validatedAt = now;
      next.validatedBy = actorId(actor);
      action = "validate";
    } else if (to == "retired") {
      std::string why = update.reason ? trimmed(*update.reason) : "";
      if (why.empty()) {
        throw invalidArgument("retiring a route needs a reason", {{"field", "reason"}});
      }
      if (why.size() > 2000) {
        throw invalidArgument("the reason is longer than 2000 characters", {{"field", "reason"}});
      }
      next.status = "retired";
      next.retiredAt = now;
      next.retiredReason = why;
      reason = why;
      action = "retire";
    } else if (to == "draft") {
      throw failedPrecondition(
          "a validated route cannot go back to draft; create a new version of route " +
              std::to_string(id) + " instead",
          {{"field", "status"}, {"reason", "route_not_draft"}});
    } else {
      throw invalidArgument("status must be draft, validated or retired", {{"field", "status"}});
    }
  }
  if (update.name) next.name = trimmed(*update.name);
  if (update.description) next.description = *update.description;
  // Nothing changes (e.g. the status it already has): nothing to write or audit.
  if (next.name == current->name && next.description == current->description &&
      next.status == current->status) {
    return *findRoute(c, Principal::system("route store"), id);
  }
  auto before = snapshotRow(c, "routes", id);
  Statement st(c,
               "UPDATE routes SET name=?, description=?, visibility=?, status=?, updated_at=?,"
               " validated_at=?, validated_by=?, retired_at=?, retired_reason=? WHERE id=?");
  st.bind(1, next.name)
      .bind(2, next.description)
      .bind(3, next.visibility)
      .bind(4, next.status)
      .bind(5, now)
      .bind(6, next.validatedAt);
  bindOptionalInt(st, 7, next.validatedBy);
  st.bind(8, next.retiredAt).bind(9, next.retiredReason).bind(10, id);
  st.run();
  appendAudit(c, clock, actor,
              {action, "route", std::to_string(id), before, snapshotRow(c, "routes", id), reason});
  return *findRoute(c, Principal::system("route store"), id);
}

Route createRouteVersion(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t id) {
  auto source = loadRouteRaw(c, id);
  if (!source) throw notFound("no route " + std::to_string(id));
  std::int64_t version = 1;
  {
    Statement st(c, "SELECT MAX(version) FROM routes WHERE lineage_id = ?");
    st.bind(1, source->lineageId);
    st.step();
    version = st.getInt(0) + 1;
  }
  std::string now = clock.nowIso();
  Statement insert(c,
                   "INSERT INTO routes(start_up_id, visibility, target_compound_id, lineage_id,"
                   " version, previous_version_id, name, description, status, created_at,"
                   " created_by, updated_at, id)"
                   " VALUES (?,'start-up',?,?,?,?,?,?,'draft',?,?,?,?)");
  const std::int64_t newId = allocateRecordId(c, clock, "routes");
  insert.bind(1, source->startUpId)
      .bind(2, source->targetCompoundId)
      .bind(3, source->lineageId)
      .bind(4, version)
      .bind(5, id)
      .bind(6, source->name)
      .bind(7, source->description)
      .bind(8, now);
  bindOptionalInt(insert, 9, actorId(actor));
  insert.bind(10, now);
  insert.bind(11, newId);
  insert.run();
  Principal system = Principal::system("route store");
  for (const auto& s : activeSteps(c, system, id)) {
    insertStep(c, now, actor, newId, s.number, 1, s);
  }
  appendAudit(c, clock, actor,
              {"create", "route", std::to_string(newId), std::nullopt, routeSnapshot(c, newId),
               "version " + std::to_string(version) + " from route " + std::to_string(id)});
  return *findRoute(c, system, newId);
}

std::vector<RouteStepRow> activeSteps(Connection& c, const Principal& viewer,
                                      std::int64_t routeId) {
  std::vector<RouteStepRow> steps;
  {
    Statement st(c, std::string("SELECT ") + kStepColumns +
                        " FROM route_steps s WHERE s.route_id = ? AND s.retired_at IS NULL"
                        " ORDER BY s.number");
    st.bind(1, routeId);
    while (st.step()) steps.push_back(readStep(st));
  }
  for (auto& s : steps) s.components = loadComponents(c, viewer, s.id);
  return steps;
}

std::optional<RouteStepRow> findStep(Connection& c, const Principal& viewer, std::int64_t routeId,
                                     std::int64_t number) {
  auto id = activeStepId(c, routeId, number);
  if (!id) return std::nullopt;
  return loadStepById(c, viewer, *id);
}

std::vector<std::pair<std::string, std::string>> routeAuditKeys(Connection& c,
                                                                std::int64_t routeId) {
  std::vector<std::pair<std::string, std::string>> keys = {{"route", std::to_string(routeId)}};
  std::int64_t last = nextStepNumber(c, routeId) - 1;
  for (std::int64_t n = 1; n <= last; ++n) keys.emplace_back("route_step", stepRecordId(routeId, n));
  return keys;
}

std::int64_t nextStepNumber(Connection& c, std::int64_t routeId) {
  Statement st(c, "SELECT COALESCE(MAX(number), 0) + 1 FROM route_steps WHERE route_id = ?");
  st.bind(1, routeId);
  st.step();
  return st.getInt(0);
}

RouteStepRow addStep(Connection& c, const Clock& clock, const Principal& actor,
                     std::int64_t routeId, RouteStepRow step) {
  requireDraft(c, routeId);
  std::string now = clock.nowIso();
  std::int64_t number = nextStepNumber(c, routeId);
  std::int64_t stepId = insertStep(c, now, actor, routeId, number, 1, step);
  touchRoute(c, routeId, now);
  appendAudit(c, clock, actor,
              {"create", "route_step", stepRecordId(routeId, number), std::nullopt,
               stepSnapshot(c, stepId), std::nullopt});
  return loadStepById(c, Principal::system("route store"), stepId);
}

RouteStepRow replaceStep(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t routeId, std::int64_t number, RouteStepRow step) {
  requireDraft(c, routeId);
  auto oldId = activeStepId(c, routeId, number);
  if (!oldId) {
    throw notFound("route " + std::to_string(routeId) + " has no step " + std::to_string(number));
  }
  std::string before = stepSnapshot(c, *oldId);
  std::int64_t revision = 1;
  {
    Statement st(c, "SELECT revision FROM route_steps WHERE id = ?");
    st.bind(1, *oldId);
    st.step();
    revision = st.getInt(0) + 1;
  }
  std::string now = clock.nowIso();
  Statement retire(c,
                   "UPDATE route_steps SET retired_at = ?, retired_reason = 'revised'"
                   " WHERE id = ?");
  retire.bind(1, now).bind(2, *oldId).run();
  std::int64_t stepId = insertStep(c, now, actor, routeId, number, revision, step);
  touchRoute(c, routeId, now);
  appendAudit(c, clock, actor,
              {"update", "route_step", stepRecordId(routeId, number), before,
               stepSnapshot(c, stepId), std::nullopt});
  return loadStepById(c, Principal::system("route store"), stepId);
}

namespace {

bool sameComponent(const RouteComponentRow& a, const RouteComponentRow& b) {
  return a.side == b.side && a.role == b.role && a.coefficient == b.coefficient &&
         a.smiles == b.smiles && a.name == b.name && a.amount == b.amount &&
         a.unit == b.unit && a.density == b.density && a.equivalents == b.equivalents &&
         a.origin == b.origin && a.fromStep == b.fromStep && a.compoundId == b.compoundId;
}

// What the chemist wrote: everything but ids, revisions, dates and computed columns.
bool sameContent(const RouteStepRow& a, const RouteStepRow& b) {
  if (a.components.size() != b.components.size()) return false;
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    if (!sameComponent(a.components[i], b.components[i])) return false;
  }
  return a.name == b.name && a.reactionSmiles == b.reactionSmiles && a.rxnBlock == b.rxnBlock &&
         a.temperatureC == b.temperatureC && a.timeH == b.timeH &&
         a.pressureBar == b.pressureBar && a.atmosphere == b.atmosphere && a.mode == b.mode &&
         a.workup == b.workup && a.isolatedYield == b.isolatedYield &&
         a.scaleAmount == b.scaleAmount && a.scaleUnit == b.scaleUnit && a.notes == b.notes;
}

}  // namespace

std::int64_t replaceSteps(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t routeId, std::vector<RouteStepRow> steps,
                          const std::string& removedReason) {
  requireDraft(c, routeId);
  const Principal reader = Principal::system("route store");
  std::int64_t changed = 0;
  std::int64_t number = 0;
  for (auto& step : steps) {
    ++number;
    auto oldId = activeStepId(c, routeId, number);
    if (oldId && sameContent(loadStepById(c, reader, *oldId), step)) continue;
    if (oldId) {
      replaceStep(c, clock, actor, routeId, number, step);
    } else {
      std::int64_t revision = 1;
      {
        Statement st(c,
                     "SELECT COALESCE(MAX(revision), 0) + 1 FROM route_steps"
                     " WHERE route_id = ? AND number = ?");
        st.bind(1, routeId).bind(2, number);
        st.step();
        revision = st.getInt(0);
      }
      std::string now = clock.nowIso();
      std::int64_t stepId = insertStep(c, now, actor, routeId, number, revision, step);
      touchRoute(c, routeId, now);
      appendAudit(c, clock, actor,
                  {"create", "route_step", stepRecordId(routeId, number), std::nullopt,
                   stepSnapshot(c, stepId), std::nullopt});
    }
    ++changed;
  }
  std::vector<std::int64_t> extra;
  {
    Statement st(c,
                 "SELECT number FROM route_steps WHERE route_id = ? AND number > ? AND"
                 " retired_at IS NULL ORDER BY number");
    st.bind(1, routeId).bind(2, number);
    while (st.step()) extra.push_back(st.getInt(0));
  }
  for (auto n : extra) {
    retireStep(c, clock, actor, routeId, n, removedReason);
    ++changed;
  }
  return changed;
}

void retireStep(Connection& c, const Clock& clock, const Principal& actor, std::int64_t routeId,
                std::int64_t number, const std::string& reason) {
  requireDraft(c, routeId);
  std::string why = trimmed(reason);
  if (why.empty()) throw invalidArgument("retiring a step needs a reason", {{"field", "reason"}});
  if (why.size() > 2000) {
    throw invalidArgument("the reason is longer than 2000 characters", {{"field", "reason"}});
  }
  auto id = activeStepId(c, routeId, number);
  if (!id) {
    throw notFound("route " + std::to_string(routeId) + " has no step " + std::to_string(number));
  }
  std::string before = stepSnapshot(c, *id);
  std::string now = clock.nowIso();
  Statement st(c, "UPDATE route_steps SET retired_at = ?, retired_reason = ? WHERE id = ?");
  st.bind(1, now).bind(2, why).bind(3, *id).run();
  touchRoute(c, routeId, now);
  appendAudit(
      c, clock, actor,
      {"retire", "route_step", stepRecordId(routeId, number), before, stepSnapshot(c, *id), why});
}

}  // namespace argan::db
