#include "server/registry/synthesis_routes.h"

#include <algorithm>
#include <map>

#include "chem/green_metrics.h"
#include "chem/reaction_analysis.h"
#include "chem/route_metrics.h"
#include "common/error.h"
#include "db/identifiers.h"
#include "db/lifecycle.h"
#include "db/registry_store.h"
#include "db/substance_store.h"
#include "server/isolation/chem_service.h"

namespace argan::server {
namespace {

using Linked = std::map<std::size_t, db::Compound>;
using LinkedSubstances = std::map<std::size_t, std::int64_t>;  // component -> substance id

db::Principal storeActor() {
  return db::Principal::system("route service");
}

db::Compound visibleCompound(Runtime& runtime, const db::Principal& who, const std::string& text,
                             const std::string& field) {
  auto code = db::parseCode(text);
  std::optional<db::Compound> compound;
  if (code && !code->formNumber) {
    compound = runtime.db.read(
        [&](db::Connection& c) { return db::findCompound(c, who, code->compoundId); });
  }
  if (!compound) throw notFound("no compound '" + text + "'", {{"field", field}});
  return *compound;
}

// Resolves the "substance" of each component for `who`: the substance must be visible; its
// representative constituent (the component's "compound", given as "representative") must
// be one of its registered constituents or monomers, and then stands for it in the reaction.
// A substance component without one is an input by mass only (chem/reaction_types.h).
LinkedSubstances resolveComponentSubstances(Runtime& runtime, const db::Principal& who,
                                            chem::ReactionInput& reaction) {
  LinkedSubstances linked;
  for (std::size_t i = 0; i < reaction.components.size(); ++i) {
    auto& c = reaction.components[i];
    if (c.substance.empty()) continue;
    std::string field = "components[" + std::to_string(i) + "].substance";
    auto code = db::parseSubstanceCode(c.substance);
    std::optional<db::Substance> substance;
    if (code && !code->batchNumber) {
      substance = runtime.db.read(
          [&](db::Connection& conn) { return db::findSubstance(conn, who, code->substanceId); });
    }
    if (!substance) throw notFound("no substance '" + c.substance + "'", {{"field", field}});
    if (!c.smiles.empty() && c.compound.empty()) {
      throw invalidArgument(
          "components[" + std::to_string(i) + "]: a substance's structure is the one of its "
          "constituents that stands for it; name it as 'representative' (a compound code) "
          "instead of giving 'smiles'",
          {{"field", "components[" + std::to_string(i) + "].smiles"}});
    }
    if (!c.compound.empty()) {
      auto representative = db::parseCode(c.compound);
      bool member = false;
      if (representative && !representative->formNumber) {
        for (const auto& k : substance->spec.constituents) {
          member = member || k.compoundId == representative->compoundId;
        }
        for (const auto& m : substance->spec.monomers) {
          member = member || m.compoundId == representative->compoundId;
        }
      }
      if (!member) {
        throw invalidArgument("'" + c.compound + "' is not a registered constituent of " +
                                  substance->code() + " (" + substance->spec.name +
                                  "); the representative is one of its constituents",
                              {{"field", "components[" + std::to_string(i) + "].representative"}});
      }
    }
    if (c.name.empty()) c.name = substance->spec.name;
    c.substance = substance->code();
    linked.emplace(i, substance->id);
  }
  return linked;
}

// Resolves the "compound" of each component for `who`, filling in missing structures.
Linked resolveComponentCompounds(Runtime& runtime, const db::Principal& who,
                                 chem::ReactionInput& reaction) {
  Linked linked;
  for (std::size_t i = 0; i < reaction.components.size(); ++i) {
    auto& c = reaction.components[i];
    if (c.compound.empty()) continue;
    db::Compound compound = visibleCompound(runtime, who, c.compound,
                                            "components[" + std::to_string(i) + "].compound");
    if (c.smiles.empty()) c.smiles = compound.identity.canonicalSmiles;
    c.compound = compound.code();
    linked.emplace(i, std::move(compound));
  }
  return linked;
}

// A component that names a compound must have its structure (InChIKey connectivity).
void checkLinkedStructures(const chem::ReactionAnalysis& a, const Linked& linked) {
  for (const auto& r : a.components) {
    if (r.inputIndex < 0) continue;
    auto it = linked.find(static_cast<std::size_t>(r.inputIndex));
    if (it == linked.end()) continue;
    const std::string& key = it->second.identity.inchiKey;
    if (r.inchiKey.size() < 14 || key.size() < 14 || r.inchiKey.compare(0, 14, key, 0, 14) != 0) {
      std::string field = "components[" + std::to_string(r.inputIndex) + "].compound";
      throw invalidArgument(field + ": '" + r.smiles + "' is not the structure of " +
                                it->second.code() + " (" + it->second.identity.canonicalSmiles +
                                ")",
                            {{"field", field}, {"reason", "compound_mismatch"}});
    }
  }
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::vector<std::string> splitWorkup(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void validateDraft(const StepDraft& d) {
  if (d.name.size() > 200) {
    throw invalidArgument("the step name is longer than 200 characters", {{"field", "name"}});
  }
  if (d.notes.size() > 20000) {
    throw invalidArgument("notes are longer than 20000 characters", {{"field", "notes"}});
  }
  if (d.scaleAmount) {
    if (*d.scaleAmount < 0) {
      throw invalidArgument("the scale cannot be negative", {{"field", "scale.amount"}});
    }
    if (*d.scaleAmount > chem::kMaxAmount) {
      throw invalidArgument("the scale is at most 1000000000 of its unit",
                            {{"field", "scale.amount"}});
    }
    if (chem::unitKind(d.scaleUnit).empty()) {
      throw invalidArgument(
          "the scale needs a unit: mg, g, kg, t, uL, mL, L, m3, umol, mmol "
          "or mol",
          {{"field", "scale.unit"}});
    }
  }
}

db::RouteStepRow toRow(const StepDraft& d, const chem::ReactionAnalysis& a, const Linked& linked,
                       const LinkedSubstances& substances) {
  db::RouteStepRow row;
  row.name = d.name;
  row.reactionSmiles = d.reaction.reactionSmiles;
  if (!d.reaction.rxnBlock.empty()) row.rxnBlock = d.reaction.rxnBlock;
  row.canonicalReactionSmiles = a.canonicalReactionSmiles;
  row.temperatureC = d.reaction.conditions.temperatureC;
  row.timeH = d.reaction.conditions.timeH;
  row.pressureBar = d.reaction.conditions.pressureBar;
  row.atmosphere = d.reaction.conditions.atmosphere;
  if (!d.reaction.conditions.mode.empty()) row.mode = d.reaction.conditions.mode;
  std::vector<std::string> workup;
  for (const auto& w : d.reaction.workup) workup.push_back(chem::normaliseWorkup(w));
  row.workup = joined(workup);
  row.isolatedYield = d.reaction.isolatedYield;
  row.scaleAmount = d.scaleAmount;
  if (d.scaleAmount) row.scaleUnit = d.scaleUnit;
  row.notes = d.notes;
  for (const auto& r : a.components) {
    db::RouteComponentRow c;
    c.side = r.side;
    c.role = r.role;
    c.coefficient = r.coefficient;
    c.smiles = r.smiles;
    c.name = r.name;
    if (!r.canonicalSmiles.empty()) c.canonicalSmiles = r.canonicalSmiles;
    if (!r.inchiKey.empty()) c.inchiKey = r.inchiKey;
    if (!r.formula.empty()) c.formula = r.formula;
    if (r.molarMass > 0) c.molarMass = r.molarMass;
    c.amount = r.amount;
    if (r.amount) c.unit = r.unit;
    c.density = r.density;
    c.equivalents = r.equivalentsGiven;
    if (!r.origin.empty()) c.origin = r.origin;
    c.fromStep = r.fromStep;
    if (r.inputIndex >= 0) {
      auto it = linked.find(static_cast<std::size_t>(r.inputIndex));
      if (it != linked.end()) c.compoundId = it->second.id;
      auto sub = substances.find(static_cast<std::size_t>(r.inputIndex));
      if (sub != substances.end()) c.substanceId = sub->second;
    }
    row.components.push_back(std::move(c));
  }
  return row;
}

struct PreparedStep {
  db::RouteStepRow row;
  chem::ReactionAnalysis analysis;
};

PreparedStep prepare(Runtime& runtime, const db::Principal& who, StepDraft draft) {
  validateDraft(draft);
  LinkedSubstances substances = resolveComponentSubstances(runtime, who, draft.reaction);
  Linked linked = resolveComponentCompounds(runtime, who, draft.reaction);
  PreparedStep p;
  p.analysis = runtime.chem.analyseReaction(draft.reaction);
  checkLinkedStructures(p.analysis, linked);
  p.row = toRow(draft, p.analysis, linked, substances);
  return p;
}

// Prepares the steps of a whole route; an error names the step ("steps[1].components[0]").
std::vector<db::RouteStepRow> prepareSteps(Runtime& runtime, const db::Principal& who,
                                           std::vector<StepDraft> steps) {
  std::vector<db::RouteStepRow> rows;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    try {
      rows.push_back(prepare(runtime, who, std::move(steps[i])).row);
    } catch (Error& e) {
      std::string field = "steps[" + std::to_string(i) + "]";
      auto f = e.details().find("field");
      if (f != e.details().end() && std::holds_alternative<std::string>(f->second)) {
        field += "." + std::get<std::string>(f->second);
      } else if (e.code() == ErrorCode::InvalidArgument) {
        field += ".reaction_smiles";
      }
      ErrorDetails details(e.details());
      details["step"] = static_cast<std::int64_t>(i + 1);
      throw Error(e.code(), "step " + std::to_string(i + 1) + ": " + e.what(), std::move(details))
          .with("field", field);
    }
  }
  return rows;
}

// Links components to the registered parents of the route's start-up by InChIKey.
void autoLink(db::Connection& c, std::int64_t startUpId, db::RouteStepRow& row) {
  for (auto& comp : row.components) {
    if (comp.compoundId || !comp.inchiKey) continue;
    comp.compoundId = db::findCompoundIdByInchiKey(c, startUpId, *comp.inchiKey);
  }
}

std::string keyOf(const db::RouteComponentRow& r) {
  if (r.inchiKey) return *r.inchiKey;
  return "smiles:" + r.canonicalSmiles.value_or(r.smiles);
}

void checkGraph(const std::vector<db::RouteStepRow>& steps) {
  std::vector<chem::StepLink> links;
  for (const auto& s : steps) {
    chem::StepLink link;
    link.number = s.number;
    for (const auto& c : s.components) {
      if (c.role == "product") {
        link.productKey = keyOf(c);
        link.productSmiles = c.canonicalSmiles.value_or(c.smiles);
      }
      if (c.fromStep) {
        chem::StepLink::Use use;
        use.fromStep = *c.fromStep;
        use.key = keyOf(c);
        use.smiles = c.smiles;
        link.uses.push_back(use);
      }
    }
    links.push_back(std::move(link));
  }
  chem::checkRouteGraph(links);
}

void authorizeWrite(const db::Principal& who, const db::Route& route) {
  if (!db::canWriteFor(who, route.startUpId)) {
    throw permissionDenied("only members of the start-up that owns route " +
                           std::to_string(route.id) + " may change it");
  }
}

db::Route routeForWrite(db::Connection& c, const db::Principal& who, std::int64_t routeId) {
  auto route = db::findRoute(c, who, routeId, /*withSteps=*/false);
  if (!route) throw notFound("no route " + std::to_string(routeId));
  authorizeWrite(who, *route);
  if (route->status != "draft") {
    throw failedPrecondition("route " + std::to_string(routeId) + " is " + route->status +
                                 "; only draft routes have their steps changed (create a new "
                                 "version of it to change it)",
                             {{"field", "status"},
                              {"status", route->status},
                              {"reason", "route_not_draft"}});
  }
  return *route;
}

// Changes a route's visibility through the shared publishing rule (db/lifecycle.h): who may
// publish, audited "publish", and never above the target compound's visibility (a route shows
// its target's structure).
void publishRoute(db::Connection& c, const Clock& clock, const db::Principal& who,
                  const db::Route& route, const std::string& visibility,
                  const std::optional<std::string>& reason) {
  auto to = db::parseVisibility(visibility);
  if (!to) {
    throw invalidArgument("visibility must be start-up, cluster or public",
                          {{"field", "visibility"}});
  }
  db::VisibilityChange change;
  change.record = db::RecordRef{"routes", "route", std::to_string(route.id), route.id,
                                route.startUpId};
  change.to = *to;
  change.reason = reason;
  auto target = db::findCompound(c, storeActor(), route.targetCompoundId);
  if (target) {
    change.parentVisibility = db::parseVisibility(target->visibility);
    change.parentRecordId = target->code();
  }
  db::changeVisibility(c, clock, who, change);
}

}  // namespace

chem::ReactionInput reactionInputOf(const db::RouteStepRow& step) {
  chem::ReactionInput in;
  if (step.rxnBlock) {
    in.rxnBlock = *step.rxnBlock;
  } else {
    in.reactionSmiles = step.reactionSmiles;
  }
  for (const auto& r : step.components) {
    chem::ComponentInput c;
    c.smiles = r.smiles;
    c.name = r.name;
    c.role = r.role;
    c.amount = r.amount;
    c.unit = r.unit.value_or("");
    c.density = r.density;
    c.equivalents = r.equivalents;
    c.origin = r.origin.value_or("");
    c.fromStep = r.fromStep;
    c.compound = r.compoundCode.value_or("");
    // A substance stays a substance for the metrics even when the viewer may not see it.
    if (r.substanceId) c.substance = r.substanceCode.value_or("substance");
    in.components.push_back(std::move(c));
  }
  in.conditions.temperatureC = step.temperatureC;
  in.conditions.timeH = step.timeH;
  in.conditions.pressureBar = step.pressureBar;
  in.conditions.atmosphere = step.atmosphere;
  in.conditions.mode = step.mode.value_or("");
  in.workup = splitWorkup(step.workup);
  in.isolatedYield = step.isolatedYield;
  return in;
}

chem::RouteInput routeInputOf(const db::Route& route) {
  chem::RouteInput in;
  for (const auto& s : route.steps) {
    chem::RouteStepInput step;
    step.number = s.number;
    step.name = s.name;
    step.reaction = reactionInputOf(s);
    in.steps.push_back(std::move(step));
  }
  return in;
}

chem::ReactionAnalysis previewStep(Runtime& runtime, const db::Principal& who,
                                   chem::ReactionInput reaction) {
  resolveComponentSubstances(runtime, who, reaction);
  Linked linked = resolveComponentCompounds(runtime, who, reaction);
  chem::ReactionAnalysis a = runtime.chem.analyseReaction(reaction);
  checkLinkedStructures(a, linked);
  return a;
}

db::Route visibleRoute(Runtime& runtime, const db::Principal& who, std::int64_t routeId) {
  auto route = runtime.db.read([&](db::Connection& c) { return db::findRoute(c, who, routeId); });
  if (!route) throw notFound("no route " + std::to_string(routeId));
  return *route;
}

db::Route createRoute(Runtime& runtime, const db::Principal& who, RouteCreation creation) {
  std::int64_t startUp = 0;
  if (creation.startUpId) {
    startUp = *creation.startUpId;
  } else if (who.startUpId) {
    startUp = *who.startUpId;
  } else {
    throw invalidArgument("'start_up' is required (the id of the start-up that owns the route)",
                          {{"field", "start_up"}});
  }
  if (!db::canWriteFor(who, startUp)) {
    throw permissionDenied("you may create routes only for your own start-up",
                           {{"field", "start_up"}});
  }
  // Who may publish is decided before anything is written, so a refusal never names the id
  // the route would have had (docs/threat-model.md, "Record numbers").
  auto visibility = db::parseVisibility(creation.visibility);
  if (!visibility) {
    throw invalidArgument("visibility must be start-up, cluster or public",
                          {{"field", "visibility"}});
  }
  if (!db::canChangeVisibility(who, startUp, db::Visibility::StartUp, *visibility)) {
    throw permissionDenied(
        "members may create a route shared with the cluster at most; publishing to the public "
        "catalogue is for the start-up's lead or an administrator",
        {{"field", "visibility"}});
  }
  if (creation.targetCompound.empty()) {
    throw invalidArgument("'target_compound' is required (the registered parent the route makes)",
                          {{"field", "target_compound"}});
  }
  db::Compound target = visibleCompound(runtime, who, creation.targetCompound, "target_compound");
  const db::Visibility targetVisibility =
      db::parseVisibility(target.visibility).value_or(db::Visibility::StartUp);
  if (db::visibilityRank(*visibility) > db::visibilityRank(targetVisibility)) {
    throw failedPrecondition("a route is seen only where its target " + target.code() +
                                 " is, which is '" + target.visibility + "'; publish " +
                                 target.code() + " first",
                             {{"field", "visibility"}, {"parent", target.code()}});
  }
  std::vector<db::RouteStepRow> rows = prepareSteps(runtime, who, std::move(creation.steps));
  db::RouteDraft draft;
  draft.startUpId = startUp;
  draft.targetCompoundId = target.id;
  draft.name = creation.name;
  draft.description = creation.description;
  return runtime.db.write([&](db::Connection& c) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      rows[i].number = static_cast<std::int64_t>(i + 1);
      autoLink(c, startUp, rows[i]);
    }
    checkGraph(rows);
    db::Route route = db::createRoute(c, runtime.clock, who, draft, rows);
    if (creation.visibility != "start-up") {
      publishRoute(c, runtime.clock, who, route, creation.visibility, std::nullopt);
    }
    return *db::findRoute(c, who, route.id);
  });
}

db::Route replaceRouteSteps(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                            RouteReplacement replacement) {
  db::Route route = visibleRoute(runtime, who, routeId);
  authorizeWrite(who, route);
  std::vector<db::RouteStepRow> rows =
      prepareSteps(runtime, who, std::move(replacement.steps));
  return runtime.db.write([&](db::Connection& c) {
    db::Route current = routeForWrite(c, who, routeId);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      rows[i].number = static_cast<std::int64_t>(i + 1);
      autoLink(c, current.startUpId, rows[i]);
    }
    try {
      checkGraph(rows);
    } catch (Error& e) {
      if (!e.details().count("field")) e.with("field", "steps");
      throw;
    }
    db::replaceSteps(c, runtime.clock, who, routeId, std::move(rows),
                     "removed when the route's steps were replaced");
    db::RouteUpdate rest;
    if (replacement.name && *replacement.name != current.name) rest.name = replacement.name;
    if (replacement.description && *replacement.description != current.description) {
      rest.description = replacement.description;
    }
    if (rest.name || rest.description) db::updateRoute(c, runtime.clock, who, routeId, rest);
    auto after = db::findRoute(c, who, routeId);
    if (!after) throw internalError("route " + std::to_string(routeId) + " vanished");
    return *after;
  });
}

StepReport addRouteStep(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                        StepDraft draft) {
  db::Route route = visibleRoute(runtime, who, routeId);
  authorizeWrite(who, route);
  PreparedStep p = prepare(runtime, who, std::move(draft));
  StepReport report;
  report.analysis = std::move(p.analysis);
  report.row = runtime.db.write([&](db::Connection& c) {
    db::Route current = routeForWrite(c, who, routeId);
    std::vector<db::RouteStepRow> steps = db::activeSteps(c, storeActor(), routeId);
    p.row.number = db::nextStepNumber(c, routeId);
    autoLink(c, current.startUpId, p.row);
    steps.push_back(p.row);
    checkGraph(steps);
    db::RouteStepRow stored = db::addStep(c, runtime.clock, who, routeId, p.row);
    return *db::findStep(c, who, routeId, stored.number);
  });
  return report;
}

StepReport replaceRouteStep(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                            std::int64_t number, StepDraft draft) {
  db::Route route = visibleRoute(runtime, who, routeId);
  authorizeWrite(who, route);
  PreparedStep p = prepare(runtime, who, std::move(draft));
  StepReport report;
  report.analysis = std::move(p.analysis);
  report.row = runtime.db.write([&](db::Connection& c) {
    db::Route current = routeForWrite(c, who, routeId);
    std::vector<db::RouteStepRow> steps = db::activeSteps(c, storeActor(), routeId);
    auto it = std::find_if(steps.begin(), steps.end(),
                           [&](const db::RouteStepRow& s) { return s.number == number; });
    if (it == steps.end()) {
      throw notFound("route " + std::to_string(routeId) + " has no step " + std::to_string(number));
    }
    p.row.number = number;
    autoLink(c, current.startUpId, p.row);
    *it = p.row;
    checkGraph(steps);
    db::replaceStep(c, runtime.clock, who, routeId, number, p.row);
    return *db::findStep(c, who, routeId, number);
  });
  return report;
}

void retireRouteStep(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                     std::int64_t number, const std::string& reason) {
  db::Route route = visibleRoute(runtime, who, routeId);
  authorizeWrite(who, route);
  runtime.db.write([&](db::Connection& c) {
    routeForWrite(c, who, routeId);
    for (const auto& s : db::activeSteps(c, storeActor(), routeId)) {
      for (const auto& comp : s.components) {
        if (comp.fromStep && *comp.fromStep == number && s.number != number) {
          throw failedPrecondition("step " + std::to_string(s.number) +
                                       " uses the product of step " + std::to_string(number) +
                                       "; change step " + std::to_string(s.number) + " first",
                                   {{"field", "from_step"}, {"step", s.number}});
        }
      }
    }
    db::retireStep(c, runtime.clock, who, routeId, number, reason);
  });
}

db::Route updateRoute(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                      const db::RouteUpdate& update) {
  db::Route route = visibleRoute(runtime, who, routeId);
  authorizeWrite(who, route);
  std::vector<std::int64_t> analysedSteps;
  if (update.status && *update.status == "validated" && route.status == "draft") {
    if (route.steps.empty()) {
      throw failedPrecondition("a route without steps cannot be validated",
                               {{"field", "status"}, {"reason", "route_incomplete"}});
    }
    chem::RouteAnalysis analysis = runtime.chem.analyseRoute(routeInputOf(route));
    std::vector<std::string> problems;
    std::string reason = "route_incomplete";
    for (const auto& s : analysis.steps) {
      if (!s.ok) problems.push_back("step " + std::to_string(s.number) + ": " + s.error);
    }
    if (!analysis.finalStep) {
      problems.insert(problems.end(), analysis.problems.begin(), analysis.problems.end());
    } else if (problems.empty()) {
      const auto& last = std::find_if(analysis.steps.begin(), analysis.steps.end(),
                                      [&](const chem::StepAnalysisResult& s) {
                                        return s.number == *analysis.finalStep;
                                      })
                             ->analysis;
      const auto& product = last.components[static_cast<std::size_t>(last.desiredProduct)];
      auto target = runtime.db.read([&](db::Connection& c) {
        return db::findCompound(c, storeActor(), route.targetCompoundId);
      });
      if (!target || product.inchiKey.size() < 14 ||
          product.inchiKey.compare(0, 14, target->identity.inchiKey, 0, 14) != 0) {
        reason = "target_mismatch";
        problems.push_back("the final step (" + std::to_string(*analysis.finalStep) + ") makes " +
                           product.canonicalSmiles + ", not the target compound " +
                           db::compoundCode(route.targetCompoundId) +
                           (target ? " (" + target->identity.canonicalSmiles + ")" : ""));
      }
    }
    if (!problems.empty()) {
      std::string text;
      for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
      throw failedPrecondition("route " + std::to_string(routeId) + " cannot be validated: " + text,
                               {{"field", "status"}, {"reason", reason}});
    }
    for (const auto& s : route.steps) analysedSteps.push_back(s.id);
  }
  return runtime.db.write([&](db::Connection& c) {
    auto current = db::findRoute(c, who, routeId);
    if (!current) throw notFound("no route " + std::to_string(routeId));
    if (!analysedSteps.empty()) {
      std::vector<std::int64_t> now;
      for (const auto& s : current->steps) now.push_back(s.id);
      if (now != analysedSteps) {
        throw failedPrecondition(
            "the route's steps changed while it was being validated; "
            "try again",
            {{"field", "status"}});
      }
    }
    if (update.visibility) {
      publishRoute(c, runtime.clock, who, *current, *update.visibility,
                   update.status ? std::nullopt : update.reason);
    }
    db::RouteUpdate rest = update;
    rest.visibility.reset();
    if (rest.name || rest.description || rest.status) {
      db::updateRoute(c, runtime.clock, who, routeId, rest);
    }
    auto after = db::findRoute(c, who, routeId);
    if (!after) throw internalError("route " + std::to_string(routeId) + " vanished");
    return *after;
  });
}

db::Route createRouteVersion(Runtime& runtime, const db::Principal& who, std::int64_t routeId) {
  db::Route route = visibleRoute(runtime, who, routeId);
  authorizeWrite(who, route);
  return runtime.db.write([&](db::Connection& c) {
    db::Route created = db::createRouteVersion(c, runtime.clock, who, routeId);
    return *db::findRoute(c, who, created.id);
  });
}

RouteReport routeReport(Runtime& runtime, const db::Principal& who, std::int64_t routeId) {
  RouteReport report;
  report.route = visibleRoute(runtime, who, routeId);
  report.analysis = runtime.chem.analyseRoute(routeInputOf(report.route));
  return report;
}

StepReport stepReport(Runtime& runtime, const db::Principal& who, std::int64_t routeId,
                      std::int64_t number) {
  visibleRoute(runtime, who, routeId);
  auto step =
      runtime.db.read([&](db::Connection& c) { return db::findStep(c, who, routeId, number); });
  if (!step) {
    throw notFound("route " + std::to_string(routeId) + " has no step " + std::to_string(number));
  }
  StepReport report;
  report.row = *step;
  report.analysis = runtime.chem.analyseReaction(reactionInputOf(*step));
  return report;
}

}  // namespace argan::server
