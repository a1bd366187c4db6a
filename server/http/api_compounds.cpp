// The compound registry API:
//   POST /api/compounds                  register (structure + start-up + batch data)
//   POST /api/compounds/preview          what registering would do, without saving
//   GET  /api/compounds                  paged list, filterable
//   GET  /api/compounds/{id}             one parent with its forms, batches and relations
//   GET  /api/compounds/{id}/depiction.svg
//   GET  /api/compounds/{id}/forms | /batches
//   POST /api/compounds/{id}/names       add a name, synonyms, CAS number, external ids
//   GET  /api/batches/{id}               one batch ("CMP-000123-F2-B004")
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "chem/input_check.h"
#include "chem/mixture_check.h"
#include "common/error.h"
#include "db/compound_names.h"
#include "db/identifiers.h"
#include "db/registry_store.h"
#include "server/http/endpoints.h"
#include "server/json/compound_json.h"
#include "server/json/json_fields.h"
#include "server/registry/registration.h"
#include "server/http/request_context.h"
#include "server/isolation/chem_service.h"

namespace argan::server {
namespace {

constexpr std::size_t kMaxStructureBytes = 512 * 1024;

// Resolves "CMP-000123" / "123" to a parent the caller may see; 404 otherwise (never a hint
// that a record of another start-up exists).
db::Compound visibleCompound(RequestContext& ctx, const std::string& idText,
                             bool withBinary = false) {
  auto code = db::parseCode(idText);
  if (!code || code->formNumber) throw notFound("no compound '" + idText + "'");
  auto compound = ctx.runtime().db.read([&](db::Connection& c) {
    return db::findCompound(c, ctx.principal(), code->compoundId, withBinary);
  });
  if (!compound) throw notFound("no compound '" + idText + "'");
  return *compound;
}

std::int64_t resolveStartUp(const RequestContext& ctx, const JsonFields& body) {
  auto startUp = body.optInt("start_up");
  if (startUp) return *startUp;
  if (ctx.principal().startUpId) return *ctx.principal().startUpId;
  throw invalidArgument("'start_up' is required (the id of the start-up that owns the compound)",
                        {{"field", "start_up"}});
}

std::string propertiesText(const Poco::JSON::Object::Ptr& properties, const std::string& field) {
  if (properties->size() > 200) {
    throw invalidArgument("'" + field + "' has more than 200 entries", {{"field", field}});
  }
  for (const auto& [key, value] : *properties) {
    if (key.size() > 100 || !isCleanUtf8(key)) {
      throw invalidArgument("'" + field + "' has an invalid key", {{"field", field}});
    }
    if (value.isArray() || value.type() == typeid(Poco::JSON::Object::Ptr) ||
        value.type() == typeid(Poco::JSON::Array::Ptr)) {
      throw invalidArgument("'" + field + "." + key + "' must be a string, number or boolean",
                            {{"field", field + "." + key}});
    }
  }
  std::ostringstream out;
  properties->stringify(out);
  return out.str();
}

db::BatchInput readBatch(const std::optional<JsonFields>& batch) {
  db::BatchInput in;
  if (!batch) return in;
  batch->allowOnly({"amount", "unit", "purity", "prepared_on", "researcher", "notebook_ref",
                    "storage", "notes", "properties"});
  in.amount = batch->optNumber("amount");
  in.amountUnit = batch->optString("unit", 10);
  if (in.amountUnit && !in.amount) {
    throw invalidArgument("a unit without an amount: give 'amount' too, or leave both out",
                          {{"field", "batch.unit"}});
  }
  in.purity = batch->optNumber("purity");
  in.preparedOn = batch->optString("prepared_on", 10);
  in.researcher = batch->optString("researcher", 200).value_or("");
  in.notebookRef = batch->optString("notebook_ref", 200).value_or("");
  in.storage = batch->optString("storage", 200).value_or("");
  in.notes = batch->optString("notes", 20000).value_or("");
  if (auto props = batch->optObject("properties")) {
    in.propertiesJson = propertiesText(props->object(), "batch.properties");
  }
  return in;
}

// "name", "synonyms", "cas", "external_ids" of a request body (all optional).
db::CompoundNames readNames(const JsonFields& body) {
  db::CompoundNames names;
  names.name = body.optString("name", 300).value_or("");
  names.cas = body.optString("cas", 20);
  if (auto synonyms = body.optArray("synonyms")) {
    for (std::size_t i = 0; i < synonyms->size(); ++i) {
      if (!synonyms->get(i).isString()) {
        throw invalidArgument("synonyms must be a list of strings", {{"field", "synonyms"}});
      }
      names.synonyms.push_back(synonyms->get(i).extract<std::string>());
    }
  }
  if (auto ids = body.optArray("external_ids")) {
    for (std::size_t i = 0; i < ids->size(); ++i) {
      auto object = ids->getObject(static_cast<unsigned>(i));
      if (!object) {
        throw invalidArgument("external_ids must be a list of {\"source\", \"value\"}",
                              {{"field", "external_ids"}});
      }
      JsonFields id(object);
      id.allowOnly({"source", "value"});
      names.externalIds.emplace_back(id.reqString("source", 40), id.reqString("value", 100));
    }
  }
  db::validateCompoundNames(names);
  return names;
}

Poco::JSON::Object::Ptr namesJson(const db::CompoundNames& names) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Array::Ptr synonyms = new Poco::JSON::Array;
  for (const auto& s : names.synonyms) synonyms->add(s);
  out->set("synonyms", synonyms);
  Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
  for (const auto& [source, value] : names.externalIds) {
    Poco::JSON::Object::Ptr id = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    id->set("source", source);
    id->set("value", value);
    ids->add(id);
  }
  out->set("external_ids", ids);
  return out;
}

void registerHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"structure", "format", "start_up", "batch", "name", "synonyms", "cas",
                  "external_ids"});
  db::CompoundNames names = readNames(body);
  std::string structure = body.reqString("structure", kMaxStructureBytes);
  std::string format = body.optString("format", 20).value_or("");
  std::int64_t startUp = resolveStartUp(ctx, body);
  db::BatchInput batch = readBatch(body.optObject("batch"));

  RegistrationResult result;
  try {
    result = registerStructure(ctx.runtime(), ctx.principal(), startUp, structure, format, batch,
                               names);
  } catch (Error& e) {
    // Structure problems concern the "structure" field.
    if (e.code() == ErrorCode::InvalidArgument && !e.details().count("field")) {
      e.with("field", "structure");
    }
    throw;
  }
  const db::Registration& r = result.registration;
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("outcome", db::outcomeName(r.outcome));
  std::string message;
  switch (r.outcome) {
    case db::RegistrationOutcome::NewCompound:
      message = "registered a new parent " + r.compound.code();
      break;
    case db::RegistrationOutcome::NewForm:
      message = "new form " + r.form.code() + " (" + r.form.label + ") of the existing parent " +
                r.compound.code();
      break;
    case db::RegistrationOutcome::NewBatch:
      message = "new batch " + r.batch.code() + " of the existing form " + r.form.code();
      break;
  }
  out->set("message", message);
  out->set("compound", compoundJson(r.compound));
  out->set("form", formJson(r.form));
  out->set("batch", batchJson(r.batch));
  out->set("flags", flagsJson(result.flags));
  Poco::JSON::Array::Ptr warnings = new Poco::JSON::Array;
  for (const auto& w : result.warnings) warnings->add(w);
  out->set("warnings", warnings);
  ctx.sendJson(r.outcome == db::RegistrationOutcome::NewCompound ? 201 : 200, out);
}

void previewHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"structure", "format", "start_up"});
  std::string structure = body.reqString("structure", kMaxStructureBytes);
  std::string format = body.optString("format", 20).value_or("");
  std::int64_t startUp = resolveStartUp(ctx, body);
  authorizeRegistration(ctx.principal(), startUp);
  Runtime& runtime = ctx.runtime();

  chem::StructureAnalysis analysis;
  try {
    analysis = runtime.chem.analyse(structure, format);
    chem::refuseMixture(analysis);  // the same answer registration would give
  } catch (Error& e) {
    if (e.code() == ErrorCode::InvalidArgument && !e.details().count("field")) {
      e.with("field", "structure");
    }
    throw;
  }
  db::CompoundIdentity identity = toCompoundIdentity(analysis);
  auto existing = runtime.db.read([&](db::Connection& c) {
    return db::findCompoundByHash(c, startUp, identity.fullHash);
  });
  std::string outcome = "new_compound";
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (existing) {
    auto form = runtime.db.read([&](db::Connection& c) {
      return db::findFormByKey(c, existing->id, analysis.formKey);
    });
    outcome = form ? "new_batch" : "new_form";
    out->set("existing_compound", compoundSummaryJson(*existing));
    if (form) out->set("existing_form", formJson(*form));
  }
  out->set("outcome", outcome);

  db::Compound preview;
  preview.startUpId = startUp;
  preview.visibility = "start-up";
  preview.identity = identity;
  Poco::JSON::Object::Ptr compound = compoundJson(preview);
  compound->remove("id");
  compound->remove("number");
  compound->remove("links");
  out->set("compound", compound);

  Poco::JSON::Object::Ptr form = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  db::FormIdentity formIdentity = toFormIdentity(analysis);
  form->set("label", formIdentity.label);
  form->set("parent_count", formIdentity.parentCount);
  form->set("components", storedJson(formIdentity.componentsJson));
  out->set("form", form);
  out->set("flags", flagsJson(relationFlags(runtime, ctx.principal(), identity,
                                            existing ? existing->id : 0)));
  chem::DepictionOptions depiction;
  out->set("depiction_svg", runtime.chem.depictPickle(identity.molPickle, depiction));
  Poco::JSON::Array::Ptr warnings = new Poco::JSON::Array;
  for (const auto& w : analysis.warnings) warnings->add(w);
  out->set("warnings", warnings);
  ctx.sendJson(200, out);
}

// POST /api/compounds/{id}/names: members of the owning start-up (and administrators) add
// what chemists call the parent. 200 with the names as they now are.
void namesHandler(RequestContext& ctx) {
  db::Compound compound = visibleCompound(ctx, ctx.param("id"));
  if (!db::canWriteFor(ctx.principal(), compound.startUpId)) {
    throw permissionDenied("only the owning start-up may name its compounds");
  }
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"name", "synonyms", "cas", "external_ids"});
  db::CompoundNames names = readNames(body);
  Runtime& runtime = ctx.runtime();
  auto [updated, current] = runtime.db.write([&](db::Connection& c) {
    db::mergeCompoundNames(c, runtime.clock, ctx.principal(), compound.id, names);
    db::Principal admin;
    admin.role = db::Role::Admin;
    return std::make_pair(*db::findCompound(c, admin, compound.id),
                          db::loadCompoundNames(c, compound.id));
  });
  Poco::JSON::Object::Ptr out = compoundJson(updated);
  Poco::JSON::Object::Ptr nameFields = namesJson(current);
  out->set("synonyms", nameFields->get("synonyms"));
  out->set("external_ids", nameFields->get("external_ids"));
  ctx.sendJson(200, out);
}

void listHandler(RequestContext& ctx) {
  if (auto text = ctx.queryFilter("q")) {
    // Text search: name, synonym, CAS number, formula, InChIKey or code.
    if (text->size() > 300) throw invalidArgument("q is at most 300 characters", {{"field", "q"}});
    for (const char* other : {"formula", "inchikey"}) {
      if (ctx.queryFilter(other)) {
        throw invalidArgument(std::string("q already searches formulas and InChIKeys: give q or ") +
                                  other + ", not both",
                              {{"field", other}});
      }
    }
    db::CompoundFilter narrow;
    narrow.startUpId = ctx.queryInt("start_up");
    narrow.mwMin = ctx.queryNumber("mw_min");
    narrow.mwMax = ctx.queryNumber("mw_max");
    narrow.visibility = ctx.queryFilter("visibility");
    if (narrow.visibility && !db::parseVisibility(*narrow.visibility)) {
      throw invalidArgument("visibility must be start-up, cluster or public",
                            {{"field", "visibility"}});
    }
    std::int64_t page = ctx.queryInt("page").value_or(0);
    std::int64_t pageSize = ctx.queryInt("page_size").value_or(50);
    auto result = ctx.runtime().db.read([&](db::Connection& c) {
      return db::searchCompoundsByText(c, ctx.principal(), *text, page, pageSize, narrow);
    });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& compound : result.items) items->add(compoundJson(compound));
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("items", items);
    out->set("total", result.total);
    out->set("page", page);
    out->set("page_size", pageSize);
    ctx.sendJson(200, out);
    return;
  }
  db::CompoundFilter filter;
  filter.startUpId = ctx.queryInt("start_up");
  filter.formula = ctx.queryFilter("formula");
  filter.mwMin = ctx.queryNumber("mw_min");
  filter.mwMax = ctx.queryNumber("mw_max");
  if (filter.mwMin && filter.mwMax && *filter.mwMin > *filter.mwMax) {
    throw invalidArgument("mw_min is larger than mw_max: the range is empty",
                          {{"field", "mw_min"}});
  }
  filter.inchiKey = ctx.queryFilter("inchikey");
  filter.visibility = ctx.queryFilter("visibility");
  if (auto retired = ctx.query("include_retired")) filter.includeRetired = *retired == "true";
  if (filter.visibility && !db::parseVisibility(*filter.visibility)) {
    throw invalidArgument("visibility must be start-up, cluster or public",
                          {{"field", "visibility"}});
  }
  std::int64_t page = ctx.queryInt("page").value_or(0);
  std::int64_t pageSize = ctx.queryInt("page_size").value_or(50);
  auto result = ctx.runtime().db.read([&](db::Connection& c) {
    return db::listCompounds(c, ctx.principal(), filter, page, pageSize);
  });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& compound : result.items) items->add(compoundJson(compound));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("items", items);
  out->set("total", result.total);
  out->set("page", page);
  out->set("page_size", pageSize);
  ctx.sendJson(200, out);
}

void getHandler(RequestContext& ctx) {
  db::Compound compound = visibleCompound(ctx, ctx.param("id"));
  Poco::JSON::Object::Ptr out = compoundJson(compound);
  auto [forms, batches, names] = ctx.runtime().db.read([&](db::Connection& c) {
    return std::make_tuple(db::listForms(c, ctx.principal(), compound.id),
                           db::listBatches(c, ctx.principal(), compound.id),
                           db::loadCompoundNames(c, compound.id));
  });
  Poco::JSON::Object::Ptr nameFields = namesJson(names);
  out->set("synonyms", nameFields->get("synonyms"));
  out->set("external_ids", nameFields->get("external_ids"));
  Poco::JSON::Array::Ptr formArray = new Poco::JSON::Array;
  for (const auto& f : forms) formArray->add(formJson(f));
  Poco::JSON::Array::Ptr batchArray = new Poco::JSON::Array;
  for (const auto& b : batches) batchArray->add(batchJson(b));
  out->set("forms", formArray);
  out->set("batches", batchArray);
  out->set("related", flagsJson(relationFlags(ctx.runtime(), ctx.principal(), compound.identity,
                                              compound.id)));
  ctx.sendJson(200, out);
}

std::vector<int> parseHighlight(const std::string& text) {
  std::vector<int> atoms;
  std::istringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    if (part.empty()) continue;
    std::size_t used = 0;
    int value = -1;
    try {
      value = std::stoi(part, &used);
    } catch (...) {
      used = 0;
    }
    if (used != part.size() || value < 0) {
      throw invalidArgument("highlight must be a comma-separated list of atom indices",
                            {{"field", "highlight"}});
    }
    atoms.push_back(value);
    if (atoms.size() > 1000) {
      throw invalidArgument("too many highlighted atoms", {{"field", "highlight"}});
    }
  }
  return atoms;
}

void depictionHandler(RequestContext& ctx) {
  db::Compound compound = visibleCompound(ctx, ctx.param("id"), /*withBinary=*/true);
  chem::DepictionOptions options;
  options.width = static_cast<int>(ctx.queryInt("width").value_or(300));
  options.height = static_cast<int>(ctx.queryInt("height").value_or(200));
  if (auto h = ctx.query("highlight")) options.highlightAtoms = parseHighlight(*h);
  if (auto legend = ctx.query("legend")) options.legend = legend->substr(0, 200);
  std::string svg = ctx.runtime().chem.depictPickle(compound.identity.molPickle, options);
  ctx.sendText(200, "image/svg+xml", svg);
}

void formsHandler(RequestContext& ctx) {
  db::Compound compound = visibleCompound(ctx, ctx.param("id"));
  auto forms = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::listForms(c, ctx.principal(), compound.id); });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& f : forms) items->add(formJson(f));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  out->set("items", items);
  out->set("total", static_cast<std::int64_t>(forms.size()));
  ctx.sendJson(200, out);
}

void batchesHandler(RequestContext& ctx) {
  db::Compound compound = visibleCompound(ctx, ctx.param("id"));
  auto batches = ctx.runtime().db.read([&](db::Connection& c) {
    return db::listBatches(c, ctx.principal(), compound.id);
  });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& b : batches) items->add(batchJson(b));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  out->set("items", items);
  out->set("total", static_cast<std::int64_t>(batches.size()));
  ctx.sendJson(200, out);
}

void batchHandler(RequestContext& ctx) {
  const std::string& idText = ctx.param("id");
  auto code = db::parseCode(idText);
  if (!code || !code->batchNumber) throw notFound("no batch '" + idText + "'");
  auto batch = ctx.runtime().db.read([&](db::Connection& c) {
    return db::findBatch(c, ctx.principal(), code->compoundId, *code->formNumber,
                         *code->batchNumber);
  });
  if (!batch) throw notFound("no batch '" + idText + "'");
  ctx.sendJson(200, batchJson(*batch));
}

}  // namespace

void addCompoundEndpoints(Router& router) {
  router.add({"POST", "/api/compounds", Access::StartUpMember, registerHandler,
              "register a structure: new parent, new form or new batch"});
  router.add({"POST", "/api/compounds/preview", Access::StartUpMember, previewHandler,
              "what registering a structure would do, with depiction and flags"});
  router.add({"GET", "/api/compounds", Access::Public, listHandler,
              "visible parents, paged (page, page_size) and filtered"});
  router.add({"GET", "/api/compounds/{id}", Access::Public, getHandler,
              "one parent with forms, batches and related parents"});
  router.add({"GET", "/api/compounds/{id}/depiction.svg", Access::Public, depictionHandler,
              "SVG depiction (width, height, highlight=atom indices)"});
  router.add({"GET", "/api/compounds/{id}/forms", Access::Public, formsHandler,
              "forms (salts, solvates) of a parent"});
  router.add({"GET", "/api/compounds/{id}/batches", Access::Public, batchesHandler,
              "visible batches of a parent"});
  router.add({"GET", "/api/batches/{id}", Access::Public, batchHandler, "one batch"});
  router.add({"POST", "/api/compounds/{id}/names", Access::StartUpMember, namesHandler,
              "add a name, synonyms, CAS number and external identifiers to a parent"});
}

}  // namespace argan::server
