#include "server/json/substance_json.h"

#include <cmath>
#include <map>

#include "common/error.h"
#include "db/identifiers.h"
#include "db/registry_store.h"
#include "server/json/compound_json.h"
#include "server/json/json_output.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string substancePath(const db::Substance& s) { return "/api/substances/" + s.code(); }

// "CMP-000123" or 123 -> the parent's id; InvalidArgument naming `field`.
std::int64_t compoundIdOf(const Poco::Dynamic::Var& value, const std::string& field) {
  std::optional<db::ParsedCode> code;
  if (value.isString()) {
    code = db::parseCode(value.extract<std::string>());
  } else if (auto n = jsonInt64(value)) {
    code = db::parseCode(std::to_string(*n));
  }
  if (!code || code->formNumber) {
    throw invalidArgument("'" + field + "' must name a registered compound such as CMP-000123",
                          {{"field", field}});
  }
  return code->compoundId;
}

Object::Ptr itemAt(const Array::Ptr& array, std::size_t i, const std::string& path,
                   const char* shape) {
  Object::Ptr item = array->getObject(static_cast<unsigned>(i));
  if (!item) {
    throw invalidArgument("'" + path + "' must be an object " + shape, {{"field", path}});
  }
  return item;
}

std::vector<std::string> readStrings(const JsonFields& body, const std::string& key,
                                     std::size_t maxItems) {
  std::vector<std::string> out;
  auto array = body.optArray(key);
  if (!array) return out;
  std::string field = body.fieldPath(key);
  if (array->size() > maxItems) {
    throw invalidArgument("'" + field + "' has more than " + std::to_string(maxItems) + " entries",
                          {{"field", field}});
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    Poco::Dynamic::Var v = array->get(static_cast<unsigned>(i));
    std::string s = v.isString() ? v.extract<std::string>() : std::string();
    if (!v.isString() || s.size() > 200 || !isCleanUtf8(s)) {
      throw invalidArgument("'" + field + "' is a list of names of at most 200 bytes",
                            {{"field", field}});
    }
    out.push_back(s);
  }
  return out;
}

void readConstituents(const JsonFields& body, SubstanceSubmission& out) {
  auto array = body.optArray("constituents");
  if (!array) return;
  if (array->size() > db::kMaxConstituents) {
    throw invalidArgument("at most " + std::to_string(db::kMaxConstituents) + " constituents",
                          {{"field", "constituents"}});
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string path = "constituents[" + std::to_string(i) + "]";
    Object::Ptr item = itemAt(array, i, path, "{compound_id | structure | name, typical, ...}");
    JsonFields f(item, path);
    f.allowOnly({"compound_id", "structure", "format", "name", "role", "typical", "min", "max",
                 "unit", "method"});
    db::Constituent k;
    if (f.has("compound_id")) k.compoundId = compoundIdOf(item->get("compound_id"), f.fieldPath("compound_id"));
    std::string structure = f.optString("structure", 512 * 1024).value_or("");
    if (f.has("structure") && structure.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw invalidArgument("'" + f.fieldPath("structure") + "' is empty",
                            {{"field", f.fieldPath("structure")}});
    }
    k.name = f.optString("name", 200).value_or("");
    k.role = f.optString("role", 20).value_or("constituent");
    auto typical = f.optNumber("typical");
    if (!typical) {
      throw invalidArgument("'" + f.fieldPath("typical") + "' is required (the typical percentage)",
                            {{"field", f.fieldPath("typical")}});
    }
    k.typical = *typical;
    k.min = f.optNumber("min");
    k.max = f.optNumber("max");
    k.unit = f.optString("unit", 10).value_or("w/w");
    k.method = f.optString("method", 500).value_or("");
    out.spec.constituents.push_back(std::move(k));
    out.constituentStructures.push_back(structure);
    out.constituentFormats.push_back(f.optString("format", 20).value_or(""));
  }
}

db::PropertyValue readPropertyObject(const JsonFields& f, const std::string& key) {
  f.allowOnly({"key", "property", "typical", "min", "max", "method"});
  db::PropertyValue p;
  p.key = key;
  p.typical = f.optNumber("typical");
  p.min = f.optNumber("min");
  p.max = f.optNumber("max");
  p.method = f.optString("method", 500).value_or("");
  return p;
}

void readProperties(const JsonFields& body, db::SubstanceSpec& spec) {
  if (!body.has("properties")) return;
  Poco::Dynamic::Var value = body.object()->get("properties");
  if (auto array = body.object()->getArray("properties")) {
    if (array->size() > db::kMaxSubstanceProperties) {
      throw invalidArgument("at most " + std::to_string(db::kMaxSubstanceProperties) +
                                " properties",
                            {{"field", "properties"}});
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      std::string path = "properties[" + std::to_string(i) + "]";
      JsonFields f(itemAt(array, i, path, "{key, typical?, min?, max?, method?}"), path);
      std::string key = f.has("property") ? f.reqString("property", 60) : f.reqString("key", 60);
      spec.properties.push_back(readPropertyObject(f, key));
    }
    return;
  }
  auto object = body.object()->getObject("properties");
  if (!object) {
    throw invalidArgument("'properties' is a list [{key, typical, min, max}] or an object "
                          "{\"moisture\": 5.2}",
                          {{"field", "properties"}});
  }
  if (object->size() > db::kMaxSubstanceProperties) {
    throw invalidArgument("at most " + std::to_string(db::kMaxSubstanceProperties) + " properties",
                          {{"field", "properties"}});
  }
  JsonFields all(object, "properties");
  for (const auto& [key, v] : *object) {
    if (key.size() > 60) {
      throw invalidArgument("a property key is at most 60 characters", {{"field", "properties"}});
    }
    if (v.isNumeric() && v.type() != typeid(bool)) {
      db::PropertyValue p;
      p.key = key;
      p.typical = all.optNumber(key);
      spec.properties.push_back(std::move(p));
    } else if (auto inner = all.optObject(key)) {
      spec.properties.push_back(readPropertyObject(*inner, key));
    } else {
      throw invalidArgument("'properties." + key + "' is a number or {typical, min, max}",
                            {{"field", "properties." + key}});
    }
  }
}

void readMonomers(const JsonFields& body, db::SubstanceSpec& spec) {
  auto array = body.optArray("monomers");
  if (!array) return;
  if (array->size() > db::kMaxMonomers) {
    throw invalidArgument("at most " + std::to_string(db::kMaxMonomers) + " monomers",
                          {{"field", "monomers"}});
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string path = "monomers[" + std::to_string(i) + "]";
    Object::Ptr item = itemAt(array, i, path, "{compound_id, ratio}");
    JsonFields f(item, path);
    f.allowOnly({"compound_id", "ratio"});
    if (!f.has("compound_id")) {
      throw invalidArgument("'" + f.fieldPath("compound_id") + "' is required",
                            {{"field", f.fieldPath("compound_id")}});
    }
    db::Monomer m;
    m.compoundId = compoundIdOf(item->get("compound_id"), f.fieldPath("compound_id"));
    auto ratio = f.optNumber("ratio");
    if (!ratio) {
      throw invalidArgument("'" + f.fieldPath("ratio") + "' is required (mol %)",
                            {{"field", f.fieldPath("ratio")}});
    }
    m.ratio = *ratio;
    spec.monomers.push_back(m);
  }
}

Object::Ptr rangeJson(const std::optional<double>& typical, const std::optional<double>& min,
                      const std::optional<double>& max) {
  Object::Ptr o = orderedObject();
  setOptional(o, "typical", typical);
  setOptional(o, "min", min);
  setOptional(o, "max", max);
  return o;
}

void setCompoundRef(db::Connection& c, const db::Principal& viewer, Object::Ptr& o,
                    const std::optional<std::int64_t>& id) {
  if (!id) {
    o->set("compound_id", Poco::Dynamic::Var());
    o->set("compound", Poco::Dynamic::Var());
    return;
  }
  auto compound = db::findCompound(c, viewer, *id);
  if (compound) {
    o->set("compound_id", compound->code());
    o->set("compound", compoundSummaryJson(*compound));
  } else {
    o->set("compound_id", Poco::Dynamic::Var());
    o->set("compound", Poco::Dynamic::Var());
    o->set("hidden", true);
  }
}

}  // namespace

SubstanceSubmission readSubstanceSubmission(const JsonFields& body, bool creating) {
  if (creating) {
    body.allowOnly({"name", "kind", "start_up", "synonyms", "cas_number", "description", "source",
                    "constituents", "properties", "monomers", "repeat_unit", "repeat_unit_format",
                    "mn", "mw", "batch"});
  } else {
    body.allowOnly({"name", "kind", "synonyms", "cas_number", "description", "source",
                    "constituents", "properties", "monomers", "repeat_unit", "repeat_unit_format",
                    "mn", "mw"});
  }
  SubstanceSubmission out;
  db::SubstanceSpec& spec = out.spec;
  spec.name = body.reqString("name", 1000);
  spec.kind = body.reqString("kind", 40);
  spec.synonyms = readStrings(body, "synonyms", db::kMaxSynonyms);
  spec.casNumber = body.optString("cas_number", 40).value_or("");
  spec.description = body.optString("description", 20000).value_or("");
  if (auto source = body.optObject("source")) {
    source->allowOnly({"species", "part", "waste_stream", "process"});
    spec.source.species = source->optString("species", 200).value_or("");
    spec.source.part = source->optString("part", 200).value_or("");
    spec.source.wasteStream = source->optString("waste_stream", 200).value_or("");
    spec.source.process = source->optString("process", 2000).value_or("");
  }
  readConstituents(body, out);
  readProperties(body, spec);
  readMonomers(body, spec);
  spec.repeatUnit.text = body.optString("repeat_unit", 2000).value_or("");
  out.repeatUnitFormat = body.optString("repeat_unit_format", 20).value_or("");
  spec.mn = body.optNumber("mn");
  spec.mw = body.optNumber("mw");
  if (creating) {
    if (auto batch = body.optObject("batch")) out.batch = readSubstanceBatch(*batch, "batch");
  }
  return out;
}

db::SubstanceBatchInput readSubstanceBatch(const JsonFields& b, const std::string& path) {
  b.allowOnly({"amount", "unit", "prepared_on", "researcher", "notebook_ref", "storage", "notes",
               "certificate_number", "analysed_on", "laboratory", "results"});
  db::SubstanceBatchInput in;
  in.amount = b.optNumber("amount");
  in.amountUnit = b.optString("unit", 10);
  if (in.amountUnit && !in.amount) {
    throw invalidArgument("a unit without an amount: give 'amount' too, or leave both out",
                          {{"field", path + ".unit"}});
  }
  in.preparedOn = b.optString("prepared_on", 10);
  in.researcher = b.optString("researcher", 200).value_or("");
  in.notebookRef = b.optString("notebook_ref", 200).value_or("");
  in.storage = b.optString("storage", 200).value_or("");
  in.notes = b.optString("notes", 20000).value_or("");
  in.certificateNumber = b.optString("certificate_number", 200).value_or("");
  in.analysedOn = b.optString("analysed_on", 10);
  in.laboratory = b.optString("laboratory", 200).value_or("");
  if (auto results = b.optArray("results")) {
    if (results->size() > db::kMaxConstituents + db::kMaxSubstanceProperties) {
      throw invalidArgument("too many results", {{"field", b.fieldPath("results")}});
    }
    for (std::size_t i = 0; i < results->size(); ++i) {
      std::string itemPath = b.fieldPath("results[" + std::to_string(i) + "]");
      Object::Ptr item = itemAt(results, i, itemPath, "{compound_id | name | property, value}");
      JsonFields f(item, itemPath);
      f.allowOnly({"compound_id", "name", "property", "value", "unit", "method"});
      db::BatchResult r;
      if (f.has("compound_id")) r.compoundId = compoundIdOf(item->get("compound_id"), f.fieldPath("compound_id"));
      r.name = f.optString("name", 200).value_or("");
      r.propertyKey = f.optString("property", 60).value_or("");
      auto value = f.optNumber("value");
      if (!value) {
        throw invalidArgument("'" + f.fieldPath("value") + "' is required (the measured value)",
                              {{"field", f.fieldPath("value")}});
      }
      r.value = *value;
      r.unit = f.optString("unit", 40).value_or(r.propertyKey.empty() ? "w/w" : "");
      r.method = f.optString("method", 500).value_or("");
      in.results.push_back(std::move(r));
    }
  }
  return in;
}

db::PropertyTerm readPropertyTerm(const JsonFields& body) {
  body.allowOnly({"key", "name", "unit", "min", "max", "description"});
  db::PropertyTerm t;
  t.key = body.reqString("key", 60);
  t.name = body.reqString("name", 200);
  t.unit = body.optString("unit", 40).value_or("");
  t.min = body.optNumber("min");
  t.max = body.optNumber("max");
  t.description = body.optString("description", 2000).value_or("");
  return t;
}

Poco::JSON::Object::Ptr substanceSummaryJson(const db::Substance& s) {
  Object::Ptr o = orderedObject();
  o->set("id", s.code());
  o->set("name", s.spec.name);
  o->set("kind", s.spec.kind);
  o->set("start_up", s.startUpId);
  o->set("visibility", s.visibility);
  setOptional(o, "retired_at", s.retiredAt);
  Object::Ptr links = orderedObject();
  links->set("self", substancePath(s));
  o->set("links", links);
  return o;
}

Poco::JSON::Object::Ptr substanceJson(db::Connection& c, const db::Principal& viewer,
                                      const db::Substance& s) {
  const db::SubstanceSpec& spec = s.spec;
  Object::Ptr o = orderedObject();
  o->set("id", s.code());
  o->set("number", s.id);
  o->set("name", spec.name);
  o->set("kind", spec.kind);
  o->set("start_up", s.startUpId);
  o->set("visibility", s.visibility);
  o->set("synonyms", stringArray(spec.synonyms));
  setTextOrNull(o, "cas_number", spec.casNumber);
  o->set("description", spec.description);
  Object::Ptr source = orderedObject();
  source->set("species", spec.source.species);
  source->set("part", spec.source.part);
  source->set("waste_stream", spec.source.wasteStream);
  source->set("process", spec.source.process);
  o->set("source", source);

  Array::Ptr constituents = new Array;
  double sum = 0;
  for (std::size_t i = 0; i < spec.constituents.size(); ++i) {
    const auto& k = spec.constituents[i];
    Object::Ptr item = orderedObject();
    item->set("position", static_cast<std::int64_t>(i + 1));
    setCompoundRef(c, viewer, item, k.compoundId);
    setTextOrNull(item, "name", k.name);
    item->set("role", k.role);
    item->set("typical", k.typical);
    setOptional(item, "min", k.min);
    setOptional(item, "max", k.max);
    item->set("unit", k.unit);
    setTextOrNull(item, "method", k.method);
    constituents->add(item);
    sum += k.typical;
  }
  o->set("constituents", constituents);
  Object::Ptr composition = orderedObject();
  setTextOrNull(composition, "unit", spec.constituents.empty() ? "" : spec.constituents[0].unit);
  composition->set("typical_sum", roundedTo(sum, 3));
  o->set("composition", composition);

  std::map<std::string, db::PropertyTerm> terms;
  for (auto& t : db::listPropertyTerms(c)) terms[t.key] = t;
  Array::Ptr properties = new Array;
  for (const auto& p : spec.properties) {
    Object::Ptr item = orderedObject();
    item->set("key", p.key);
    auto t = terms.find(p.key);
    item->set("name", t != terms.end() ? t->second.name : p.key);
    item->set("unit", t != terms.end() ? t->second.unit : "");
    setOptional(item, "typical", p.typical);
    setOptional(item, "min", p.min);
    setOptional(item, "max", p.max);
    setTextOrNull(item, "method", p.method);
    properties->add(item);
  }
  o->set("properties", properties);

  if (spec.kind == "polymer") {
    Object::Ptr polymer = orderedObject();
    Array::Ptr monomers = new Array;
    for (const auto& m : spec.monomers) {
      Object::Ptr item = orderedObject();
      setCompoundRef(c, viewer, item, m.compoundId);
      item->set("ratio", m.ratio);
      monomers->add(item);
    }
    polymer->set("monomers", monomers);
    if (!spec.repeatUnit.text.empty()) {
      Object::Ptr unit = orderedObject();
      unit->set("text", spec.repeatUnit.text);
      unit->set("canonical_smiles", spec.repeatUnit.canonicalSmiles);
      unit->set("formula", spec.repeatUnit.formula);
      setOptionalRounded(unit, "mass", spec.repeatUnit.mass, 3);
      polymer->set("repeat_unit", unit);
    } else {
      polymer->set("repeat_unit", Poco::Dynamic::Var());
    }
    setOptional(polymer, "mn", spec.mn);
    setOptional(polymer, "mw", spec.mw);
    setOptionalRounded(polymer, "dispersity",
                       spec.mn && spec.mw ? std::optional<double>(*spec.mw / *spec.mn)
                                          : std::nullopt,
                       3);
    if (spec.mn && spec.repeatUnit.mass && *spec.repeatUnit.mass > 0) {
      polymer->set("degree_of_polymerisation", roundedTo(*spec.mn / *spec.repeatUnit.mass, 1));
    }
    o->set("polymer", polymer);
  } else {
    o->set("polymer", Poco::Dynamic::Var());
  }
  o->set("created_at", s.createdAt);
  o->set("updated_at", s.updatedAt);
  setOptional(o, "retired_at", s.retiredAt);
  setOptional(o, "retired_reason", s.retiredReason);
  Object::Ptr links = orderedObject();
  links->set("self", substancePath(s));
  links->set("batches", substancePath(s) + "/batches");
  links->set("history", substancePath(s) + "/history");
  o->set("links", links);
  return o;
}

Poco::JSON::Object::Ptr substanceBatchJson(db::Connection& c, const db::Principal& viewer,
                                           const db::Substance& substance,
                                           const db::SubstanceBatch& b) {
  Object::Ptr o = orderedObject();
  o->set("id", b.code());
  o->set("substance", substance.code());
  o->set("number", b.batchNumber);
  o->set("start_up", b.startUpId);
  o->set("visibility", b.visibility);
  setOptional(o, "amount", b.amount);
  setOptional(o, "unit", b.amountUnit);
  setOptional(o, "prepared_on", b.preparedOn);
  setTextOrNull(o, "researcher", b.researcher);
  setTextOrNull(o, "notebook_ref", b.notebookRef);
  setTextOrNull(o, "storage", b.storage);
  setTextOrNull(o, "notes", b.notes);

  CertificateCheck check = checkCertificate(substance, b);
  Object::Ptr certificate = orderedObject();
  setTextOrNull(certificate, "number", b.certificateNumber);
  setOptional(certificate, "analysed_on", b.analysedOn);
  setTextOrNull(certificate, "laboratory", b.laboratory);
  Array::Ptr results = new Array;
  for (std::size_t i = 0; i < b.results.size(); ++i) {
    const auto& r = b.results[i];
    Object::Ptr item = orderedObject();
    if (!r.propertyKey.empty()) {
      item->set("property", r.propertyKey);
    } else {
      setCompoundRef(c, viewer, item, r.compoundId);
      setTextOrNull(item, "name", r.name);
    }
    item->set("value", r.value);
    item->set("unit", r.unit);
    setTextOrNull(item, "method", r.method);
    const ResultCheck& rc = check.results[i];
    item->set("specification", rangeJson(rc.typical, rc.min, rc.max));
    item->set("status", rc.status);
    results->add(item);
  }
  certificate->set("results", results);
  certificate->set("not_measured", stringArray(check.notMeasured));
  certificate->set("out_of_specification", check.outOfSpecification);
  o->set("certificate", certificate);
  o->set("created_at", b.createdAt);
  setOptional(o, "retired_at", b.retiredAt);
  setOptional(o, "retired_reason", b.retiredReason);
  Object::Ptr links = orderedObject();
  std::string self = "/api/substance-batches/" + b.code();
  links->set("self", self);
  links->set("substance", substancePath(substance));
  links->set("documents", self + "/documents");
  links->set("history", self + "/history");
  o->set("links", links);
  return o;
}

Poco::JSON::Object::Ptr propertyTermJson(const db::PropertyTerm& t) {
  Object::Ptr o = orderedObject();
  o->set("key", t.key);
  o->set("name", t.name);
  o->set("unit", t.unit);
  setOptional(o, "min", t.min);
  setOptional(o, "max", t.max);
  o->set("description", t.description);
  return o;
}

Poco::JSON::Array::Ptr substanceFlagsJson(const std::vector<SubstanceFlag>& flags) {
  Array::Ptr out = new Array;
  for (const auto& f : flags) {
    Object::Ptr o = orderedObject();
    o->set("relation", f.relation);
    o->set("substance", f.substanceCode);
    o->set("message", f.message);
    out->add(o);
  }
  return out;
}

Poco::JSON::Object::Ptr substanceRegistrationJson(db::Connection& c, const db::Principal& viewer,
                                                  const SubstanceRegistration& r) {
  Object::Ptr o = substanceJson(c, viewer, r.substance);
  o->set("outcome", substanceOutcomeName(r.outcome));
  o->set("message", r.message);
  o->set("flags", substanceFlagsJson(r.flags));
  o->set("registered_constituents", stringArray(r.registeredConstituents));
  if (r.batch) {
    o->set("batch", substanceBatchJson(c, viewer, r.substance, *r.batch));
  } else {
    o->set("batch", Poco::Dynamic::Var());
  }
  return o;
}

}  // namespace argan::server
