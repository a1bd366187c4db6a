#include "server/json/route_json.h"

#include <cmath>

#include "db/identifiers.h"
#include "server/json/compound_json.h"
#include "server/json/json_output.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

int digitsFor(const std::string& unit) {
  if (unit == "%") return 2;
  if (unit == "kg/kg") return 3;
  if (unit == "g") return 4;
  return 3;
}

Object::Ptr solventJson(const chem::SolventClass& s) {
  Object::Ptr o = orderedObject();
  o->set("guide", "CHEM21");
  o->set("chem21_number", s.chem21Number);
  o->set("name", s.name);
  o->set("family", s.family);
  o->set("ranking", s.ranking);
  o->set("ranking_default", s.rankingDefault);
  o->set("safety_score", s.safetyScore);
  o->set("health_score", s.healthScore);
  o->set("environment_score", s.environmentScore);
  return o;
}

Object::Ptr componentAnalysisJson(std::size_t index, const chem::ResolvedComponent& c) {
  Object::Ptr o = orderedObject();
  o->set("index", static_cast<int>(index));
  o->set("side", c.side);
  o->set("role", c.role);
  o->set("coefficient", c.coefficient);
  setTextOrNull(o, "smiles", c.smiles);
  setTextOrNull(o, "name", c.name);
  setTextOrNull(o, "canonical_smiles", c.canonicalSmiles);
  setTextOrNull(o, "inchikey", c.inchiKey);
  setTextOrNull(o, "formula", c.formula);
  setOptionalRounded(o, "molar_mass", c.molarMass > 0 ? std::optional<double>(c.molarMass) : std::nullopt,
               3);
  o->set("carbon_atoms", c.carbonAtoms);
  o->set("elements", stringArray(c.elements));
  o->set("water", c.water);
  if (c.solvent.recognised) {
    o->set("solvent", solventJson(c.solvent));
  } else {
    o->set("solvent", Poco::Dynamic::Var());
  }
  if (c.amount) {
    Object::Ptr amount = orderedObject();
    amount->set("value", *c.amount);
    amount->set("unit", c.unit);
    o->set("amount", amount);
  } else {
    o->set("amount", Poco::Dynamic::Var());
  }
  setOptional(o, "density", c.density);
  setOptional(o, "equivalents_given", c.equivalentsGiven);
  setOptionalRounded(o, "mass_g", c.massG, 4);
  setOptionalRounded(o, "mmol", c.moles ? std::optional<double>(*c.moles * 1000.0) : std::nullopt, 4);
  setTextOrNull(o, "amount_source", c.amountSource);
  setOptionalRounded(o, "equivalents", c.equivalents, 3);
  setTextOrNull(o, "origin", c.origin);
  setOptional(o, "from_step", c.fromStep);
  setTextOrNull(o, "compound", c.compound);
  // Only a code the viewer may see (reactionInputOf marks a hidden one without its code).
  setTextOrNull(o, "substance", c.substance.rfind("SUB-", 0) == 0 ? c.substance : "");
  return o;
}

Object::Ptr trafficLightJson(const chem::TrafficLight& t) {
  Object::Ptr o = orderedObject();
  o->set("criterion", t.criterion);
  o->set("flag", t.flag);
  o->set("basis", t.basis);
  o->set("rule", t.rule);
  return o;
}

Object::Ptr storedComponentJson(const db::RouteComponentRow& c) {
  Object::Ptr o = orderedObject();
  o->set("position", c.position);
  o->set("side", c.side);
  o->set("role", c.role);
  o->set("coefficient", c.coefficient);
  setTextOrNull(o, "smiles", c.smiles);
  setTextOrNull(o, "name", c.name);
  setOptional(o, "canonical_smiles", c.canonicalSmiles);
  setOptional(o, "inchikey", c.inchiKey);
  setOptional(o, "formula", c.formula);
  setOptionalRounded(o, "molar_mass", c.molarMass, 3);
  if (c.amount) {
    Object::Ptr amount = orderedObject();
    amount->set("value", *c.amount);
    amount->set("unit", c.unit.value_or(""));
    o->set("amount", amount);
  } else {
    o->set("amount", Poco::Dynamic::Var());
  }
  setOptional(o, "density", c.density);
  setOptional(o, "equivalents", c.equivalents);
  setOptional(o, "origin", c.origin);
  setOptional(o, "from_step", c.fromStep);
  setOptional(o, "compound", c.compoundCode);
  setOptional(o, "substance", c.substanceCode);
  return o;
}

// Top-level numbers for every metric (rounded), plus the self-describing "metrics" object.
void addMetrics(Object::Ptr& o, const std::vector<chem::Metric>& metrics) {
  Object::Ptr described = orderedObject();
  for (const auto& m : metrics) {
    setOptionalRounded(o, m.key, m.value, digitsFor(m.unit));
    described->set(m.key, metricJson(m));
  }
  o->set("metrics", described);
}

std::string better(const std::string& key) {
  if (key == "atom_economy" || key == "overall_yield" || key == "renewable_input_share" ||
      key == "bio_based_input_share" || key == "waste_derived_input_share") {
    return "higher";
  }
  return "lower";
}

}  // namespace

Object::Ptr metricJson(const chem::Metric& m) {
  Object::Ptr o = orderedObject();
  o->set("name", m.name);
  setOptionalRounded(o, "value", m.value, digitsFor(m.unit));
  o->set("unit", m.unit);
  o->set("formula", m.formula);
  o->set("definition", m.definition);
  o->set("reference", m.reference);
  setTextOrNull(o, "detail", m.detail);
  setTextOrNull(o, "missing", m.missing);
  return o;
}

Object::Ptr reactionAnalysisJson(const chem::ReactionAnalysis& a) {
  Object::Ptr o = orderedObject();
  o->set("reaction_smiles", a.canonicalReactionSmiles);
  o->set("format", a.format);
  Object::Ptr balance = orderedObject();
  balance->set("balanced", a.balance.balanced);
  balance->set("summary", a.balance.summary);
  Array::Ptr elements = new Array;
  for (const auto& e : a.balance.elements) {
    Object::Ptr row = orderedObject();
    row->set("element", e.element);
    row->set("reactants", e.reactants);
    row->set("products", e.products);
    elements->add(row);
  }
  balance->set("elements", elements);
  Object::Ptr charge = orderedObject();
  charge->set("reactants", a.balance.chargeReactants);
  charge->set("products", a.balance.chargeProducts);
  balance->set("charge", charge);
  o->set("balance", balance);
  Array::Ptr components = new Array;
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    components->add(componentAnalysisJson(i, a.components[i]));
  }
  o->set("components", components);
  o->set("desired_product", a.desiredProduct);
  if (a.limitingReactant >= 0) {
    o->set("limiting_reactant", a.limitingReactant);
  } else {
    o->set("limiting_reactant", Poco::Dynamic::Var());
  }
  addMetrics(o, a.metrics);
  Array::Ptr lights = new Array;
  for (const auto& t : a.trafficLights) lights->add(trafficLightJson(t));
  o->set("traffic_lights", lights);
  o->set("warnings", stringArray(a.warnings));
  return o;
}

Object::Ptr stepJson(std::int64_t routeId, const db::RouteStepRow& s,
                     const chem::ReactionAnalysis* analysis) {
  Object::Ptr o = orderedObject();
  o->set("number", s.number);
  o->set("revision", s.revision);
  o->set("name", s.name);
  setTextOrNull(o, "reaction_smiles", s.reactionSmiles);
  setOptional(o, "rxn", s.rxnBlock);
  o->set("canonical_reaction_smiles", s.canonicalReactionSmiles);
  Object::Ptr conditions = orderedObject();
  setOptional(conditions, "temperature_c", s.temperatureC);
  setOptional(conditions, "time_h", s.timeH);
  setOptional(conditions, "pressure_bar", s.pressureBar);
  setTextOrNull(conditions, "atmosphere", s.atmosphere);
  setOptional(conditions, "mode", s.mode);
  o->set("conditions", conditions);
  std::vector<std::string> workup;
  std::size_t start = 0;
  while (start < s.workup.size()) {
    std::size_t comma = s.workup.find(',', start);
    workup.push_back(
        s.workup.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  o->set("workup", stringArray(workup));
  setOptional(o, "isolated_yield", s.isolatedYield);
  if (s.scaleAmount) {
    Object::Ptr scale = orderedObject();
    scale->set("amount", *s.scaleAmount);
    scale->set("unit", s.scaleUnit.value_or(""));
    o->set("scale", scale);
  } else {
    o->set("scale", Poco::Dynamic::Var());
  }
  o->set("notes", s.notes);
  o->set("created_at", s.createdAt);
  setOptional(o, "created_by", s.createdBy);
  Array::Ptr components = new Array;
  for (const auto& c : s.components) components->add(storedComponentJson(c));
  o->set("components", components);
  if (analysis) o->set("analysis", reactionAnalysisJson(*analysis));
  Object::Ptr links = orderedObject();
  links->set("self",
             "/api/routes/" + std::to_string(routeId) + "/steps/" + std::to_string(s.number));
  o->set("links", links);
  return o;
}

Object::Ptr routeJson(const db::Route& r, const std::optional<db::Compound>& target,
                      bool withSteps) {
  Object::Ptr o = orderedObject();
  std::string self = "/api/routes/" + std::to_string(r.id);
  o->set("id", r.id);
  o->set("name", r.name);
  o->set("version", r.version);
  o->set("lineage", r.lineageId);
  setOptional(o, "previous_version", r.previousVersionId);
  o->set("status", r.status);
  o->set("start_up", r.startUpId);
  o->set("visibility", r.visibility);
  if (target) {
    o->set("target_compound", compoundSummaryJson(*target));
  } else {
    Object::Ptr t = orderedObject();
    t->set("id", db::compoundCode(r.targetCompoundId));
    o->set("target_compound", t);
  }
  o->set("description", r.description);
  o->set("created_at", r.createdAt);
  setOptional(o, "created_by", r.createdBy);
  o->set("updated_at", r.updatedAt);
  setOptional(o, "validated_at", r.validatedAt);
  setOptional(o, "validated_by", r.validatedBy);
  setOptional(o, "retired_at", r.retiredAt);
  setOptional(o, "retired_reason", r.retiredReason);
  if (withSteps) {
    Array::Ptr steps = new Array;
    for (const auto& s : r.steps) steps->add(stepJson(r.id, s));
    o->set("steps", steps);
    o->set("step_count", static_cast<std::int64_t>(r.steps.size()));
  }
  Object::Ptr links = orderedObject();
  links->set("self", self);
  links->set("steps", self + "/steps");
  links->set("metrics", self + "/metrics");
  links->set("versions",
             "/api/routes?lineage=" + std::to_string(r.lineageId) + "&include_retired=true");
  links->set("target_compound", "/api/compounds/" + db::compoundCode(r.targetCompoundId));
  o->set("links", links);
  return o;
}

Object::Ptr routeMetricsJson(const RouteReport& report, const std::optional<db::Compound>& target) {
  const chem::RouteAnalysis& a = report.analysis;
  Object::Ptr o = orderedObject();
  o->set("route", routeJson(report.route, target, /*withSteps=*/false));
  o->set("basis",
         "per kg of final product; cumulative mass metrics follow the ACS GCI "
         "convergent PMI convention");
  o->set("complete", a.complete);
  o->set("problems", stringArray(a.problems));
  setOptional(o, "final_step", a.finalStep);
  Array::Ptr lls = new Array;
  for (auto n : a.longestLinearSequence) lls->add(n);
  o->set("longest_linear_sequence_steps", lls);
  addMetrics(o, a.metrics);
  Array::Ptr contributions = new Array;
  for (const auto& c : a.contributions) {
    Object::Ptr row = orderedObject();
    row->set("step", c.number);
    setOptionalRounded(row, "product_kg_per_kg_final", c.productKgPerKgFinal, 4);
    setOptionalRounded(row, "raw_input_kg_per_kg_final", c.rawInputKg, 4);
    setOptionalRounded(row, "pmi_share", c.pmiShare, 2);
    setOptionalRounded(row, "extent_mol_per_mol_final", c.extentPerMolFinal, 4);
    setOptional(row, "feeds", c.feeds);
    contributions->add(row);
  }
  o->set("contributions", contributions);
  Array::Ptr lights = new Array;
  for (const auto& t : a.worstTrafficLights) lights->add(trafficLightJson(t));
  o->set("traffic_lights", lights);
  Array::Ptr principles = new Array;
  for (const auto& p : a.principles) {
    Object::Ptr row = orderedObject();
    row->set("number", p.number);
    row->set("name", p.name);
    row->set("flag", p.flag);
    row->set("evidence", p.evidence);
    principles->add(row);
  }
  o->set("principles", principles);
  Array::Ptr steps = new Array;
  for (const auto& s : a.steps) {
    Object::Ptr row = orderedObject();
    row->set("number", s.number);
    row->set("name", s.name);
    row->set("ok", s.ok);
    setTextOrNull(row, "error", s.error);
    if (s.ok) {
      row->set("analysis", reactionAnalysisJson(s.analysis));
    } else {
      row->set("analysis", Poco::Dynamic::Var());
    }
    steps->add(row);
  }
  o->set("steps", steps);
  return o;
}

Object::Ptr routeComparisonJson(const std::vector<RouteReport>& reports,
                                const std::vector<std::optional<db::Compound>>& targets) {
  Object::Ptr o = orderedObject();
  Array::Ptr routes = new Array;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    Object::Ptr row = routeJson(reports[i].route, targets[i], /*withSteps=*/false);
    row->set("complete", reports[i].analysis.complete);
    row->set("problems", stringArray(reports[i].analysis.problems));
    row->set("step_count", static_cast<std::int64_t>(reports[i].route.steps.size()));
    routes->add(row);
  }
  o->set("routes", routes);
  o->set("basis", "per kg of final product (ACS GCI convergent PMI convention)");
  Array::Ptr metrics = new Array;
  if (!reports.empty()) {
    for (const auto& first : reports[0].analysis.metrics) {
      Object::Ptr row = orderedObject();
      row->set("key", first.key);
      row->set("name", first.name);
      row->set("unit", first.unit);
      row->set("formula", first.formula);
      row->set("definition", first.definition);
      row->set("reference", first.reference);
      std::string direction = better(first.key);
      row->set("better", direction);
      Array::Ptr values = new Array;
      std::optional<double> best;
      for (const auto& r : reports) {
        const chem::Metric* m = chem::findMetric(r.analysis.metrics, first.key);
        if (m && m->value) {
          double v = roundedTo(*m->value, digitsFor(m->unit));
          values->add(v);
          if (!best || (direction == "higher" ? v > *best : v < *best)) best = v;
        } else {
          values->add(Poco::Dynamic::Var());
        }
      }
      row->set("values", values);
      Array::Ptr bestIds = new Array;
      for (std::size_t i = 0; i < reports.size() && best; ++i) {
        const chem::Metric* m = chem::findMetric(reports[i].analysis.metrics, first.key);
        if (m && m->value && roundedTo(*m->value, digitsFor(m->unit)) == *best) {
          bestIds->add(reports[i].route.id);
        }
      }
      row->set("best", bestIds);
      metrics->add(row);
    }
  }
  o->set("metrics", metrics);
  Array::Ptr lights = new Array;
  if (!reports.empty()) {
    for (std::size_t k = 0; k < reports[0].analysis.worstTrafficLights.size(); ++k) {
      Object::Ptr row = orderedObject();
      row->set("criterion", reports[0].analysis.worstTrafficLights[k].criterion);
      Array::Ptr flags = new Array;
      for (const auto& r : reports) flags->add(r.analysis.worstTrafficLights[k].flag);
      row->set("flags", flags);
      lights->add(row);
    }
  }
  o->set("traffic_lights", lights);
  Array::Ptr principles = new Array;
  if (!reports.empty()) {
    for (std::size_t k = 0; k < reports[0].analysis.principles.size(); ++k) {
      Object::Ptr row = orderedObject();
      row->set("number", reports[0].analysis.principles[k].number);
      row->set("name", reports[0].analysis.principles[k].name);
      Array::Ptr flags = new Array;
      for (const auto& r : reports) flags->add(r.analysis.principles[k].flag);
      row->set("flags", flags);
      principles->add(row);
    }
  }
  o->set("principles", principles);
  return o;
}

Object::Ptr solventListingJson(const std::vector<chem::SolventListing>& solvents,
                               const std::string& reference) {
  Array::Ptr items = new Array;
  for (const auto& s : solvents) {
    Object::Ptr o = orderedObject();
    o->set("chem21_number", s.number);
    o->set("name", s.name);
    o->set("alt_name", s.altName);
    o->set("name_fr", s.nameFr);
    o->set("family", s.family);
    o->set("cas", s.cas);
    o->set("smiles", s.smiles);
    o->set("formula", s.formula);
    setOptional(o, "molar_mass", s.molarMass);
    setOptional(o, "boiling_point_c", s.boilingPointC);
    if (s.density) {
      Object::Ptr d = orderedObject();
      d->set("value", *s.density);
      d->set("unit", "g/mL");
      setOptional(d, "temperature_c", s.densityTemperatureC);
      o->set("density", d);
    } else {
      o->set("density", Poco::Dynamic::Var());
    }
    o->set("ranking", s.ranking);
    o->set("ranking_default", s.rankingDefault);
    o->set("safety_score", s.safetyScore);
    o->set("health_score", s.healthScore);
    o->set("environment_score", s.environmentScore);
    items->add(o);
  }
  Object::Ptr out = orderedObject();
  out->set("items", items);
  out->set("total", static_cast<std::int64_t>(solvents.size()));
  out->set("reference", reference);
  return out;
}

}  // namespace argan::server
