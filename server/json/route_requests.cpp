#include "server/json/route_requests.h"

#include <Poco/JSON/Array.h>

#include "common/error.h"

namespace argan::server {
namespace {

constexpr std::size_t kMaxReactionSmilesBytes = 20000;
constexpr std::size_t kMaxRxnBytes = 2 * 1024 * 1024;

}  // namespace

chem::ComponentInput readComponent(const JsonFields& f) {
  f.allowOnly({"smiles", "name", "compound", "substance", "representative", "role", "amount",
               "unit", "density", "equivalents", "origin", "from_step"});
  chem::ComponentInput c;
  c.smiles = f.optString("smiles", 8000).value_or("");
  c.name = f.optString("name", 200).value_or("");
  if (f.has("compound")) {
    auto v = f.object()->get("compound");
    auto id = jsonInt64(v);
    if (v.isInteger() && !id) {
      throw invalidArgument("'" + f.fieldPath("compound") + "' is not a compound id",
                            {{"field", f.fieldPath("compound")}});
    }
    c.compound = id ? std::to_string(*id) : f.reqString("compound", 40);
  }
  if (f.has("substance")) {
    c.substance = f.reqString("substance", 40);
    if (f.has("compound")) {
      throw invalidArgument("'" + f.fieldPath("compound") + "': a substance component names "
                            "the constituent that stands for it as 'representative'",
                            {{"field", f.fieldPath("compound")}});
    }
    if (f.has("representative")) c.compound = f.reqString("representative", 40);
  } else if (f.has("representative")) {
    throw invalidArgument("'" + f.fieldPath("representative") + "' is the representative "
                          "constituent of a 'substance'; give the substance too",
                          {{"field", f.fieldPath("representative")}});
  }
  c.role = f.optString("role", 20).value_or("");
  c.amount = f.optNumber("amount");
  c.unit = f.optString("unit", 10).value_or("");
  c.density = f.optNumber("density");
  c.equivalents = f.optNumber("equivalents");
  c.origin = f.optString("origin", 20).value_or("");
  c.fromStep = f.optInt("from_step");
  return c;
}

StepDraft readStep(const JsonFields& f) {
  f.allowOnly({"name", "reaction_smiles", "rxn", "components", "conditions", "workup",
               "isolated_yield", "scale", "notes"});
  StepDraft d;
  d.name = f.optString("name", 200).value_or("");
  d.notes = f.optString("notes", 20000).value_or("");
  d.reaction.reactionSmiles = f.optString("reaction_smiles", kMaxReactionSmilesBytes).value_or("");
  d.reaction.rxnBlock = f.optString("rxn", kMaxRxnBytes).value_or("");
  if (auto components = f.optArray("components")) {
    if (components->size() > kMaxStepComponents) {
      throw invalidArgument(
          "too many components (at most " + std::to_string(kMaxStepComponents) + ")",
          {{"field", f.fieldPath("components")}});
    }
    for (std::size_t i = 0; i < components->size(); ++i) {
      std::string path = f.fieldPath("components[" + std::to_string(i) + "]");
      Poco::JSON::Object::Ptr item = components->getObject(static_cast<unsigned>(i));
      if (!item) throw invalidArgument("'" + path + "' must be an object", {{"field", path}});
      d.reaction.components.push_back(readComponent(JsonFields(item, path)));
    }
  }
  if (auto conditions = f.optObject("conditions")) {
    conditions->allowOnly({"temperature_c", "time_h", "pressure_bar", "atmosphere", "mode"});
    d.reaction.conditions.temperatureC = conditions->optNumber("temperature_c");
    d.reaction.conditions.timeH = conditions->optNumber("time_h");
    d.reaction.conditions.pressureBar = conditions->optNumber("pressure_bar");
    d.reaction.conditions.atmosphere = conditions->optString("atmosphere", 100).value_or("");
    d.reaction.conditions.mode = conditions->optString("mode", 10).value_or("");
  }
  if (f.has("workup")) {
    Poco::Dynamic::Var w = f.object()->get("workup");
    if (w.isString()) {
      d.reaction.workup.push_back(f.reqString("workup", 100));
    } else if (auto list = f.optArray("workup")) {
      if (list->size() > 20) {
        throw invalidArgument("at most 20 work-up operations", {{"field", f.fieldPath("workup")}});
      }
      for (std::size_t i = 0; i < list->size(); ++i) {
        Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
        if (!item.isString()) {
          throw invalidArgument("'workup' must be a string or a list of strings",
                                {{"field", f.fieldPath("workup")}});
        }
        d.reaction.workup.push_back(item.extract<std::string>().substr(0, 100));
      }
    }
  }
  d.reaction.isolatedYield = f.optNumber("isolated_yield");
  if (auto scale = f.optObject("scale")) {
    scale->allowOnly({"amount", "unit"});
    d.scaleAmount = scale->optNumber("amount");
    d.scaleUnit = scale->optString("unit", 10).value_or("");
  }
  return d;
}

namespace {

std::vector<StepDraft> readSteps(const Poco::JSON::Array::Ptr& steps) {
  if (steps->size() > kMaxRouteSteps) {
    throw invalidArgument("too many steps (at most " + std::to_string(kMaxRouteSteps) + ")",
                          {{"field", "steps"}});
  }
  std::vector<StepDraft> out;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    std::string path = "steps[" + std::to_string(i) + "]";
    Poco::JSON::Object::Ptr item = steps->getObject(static_cast<unsigned>(i));
    if (!item) throw invalidArgument("'" + path + "' must be an object", {{"field", path}});
    out.push_back(readStep(JsonFields(item, path)));
  }
  return out;
}

}  // namespace

RouteCreation readRouteCreation(const JsonFields& body) {
  body.allowOnly({"start_up", "target_compound", "name", "description", "visibility", "steps"});
  RouteCreation creation;
  creation.startUpId = body.optInt("start_up");
  if (body.has("target_compound")) {
    auto v = body.object()->get("target_compound");
    auto id = jsonInt64(v);
    if (v.isInteger() && !id) {
      throw invalidArgument("'target_compound' is not a compound id", {{"field", "target_compound"}});
    }
    creation.targetCompound = id ? std::to_string(*id) : body.reqString("target_compound", 40);
  }
  creation.name = body.reqString("name", 400);
  creation.description = body.optString("description", 20000).value_or("");
  creation.visibility = body.optString("visibility", 20).value_or("start-up");
  if (auto steps = body.optArray("steps")) creation.steps = readSteps(steps);
  return creation;
}

RouteReplacement readRouteReplacement(const JsonFields& body) {
  body.allowOnly({"name", "description", "steps"});
  RouteReplacement replacement;
  replacement.name = body.optString("name", 400);
  if (replacement.name && replacement.name->empty()) {
    throw invalidArgument("the route needs a name", {{"field", "name"}, {"reason", "required"}});
  }
  replacement.description = body.optString("description", 20000);
  auto steps = body.optArray("steps");
  if (!steps) {
    throw invalidArgument("the steps are required (an empty list removes every step)",
                          {{"field", "steps"}, {"reason", "required"}});
  }
  replacement.steps = readSteps(steps);
  return replacement;
}

}  // namespace argan::server
