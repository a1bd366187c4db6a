#include "server/json/waste_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "common/error.h"
#include "db/record_codes.h"
#include "server/json/json_output.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr std::size_t kMaxListItems = 50;

MassInput readMass(const JsonFields& f, const std::string& key) {
  auto o = f.optObject(key);
  if (!o) {
    throw invalidArgument("'" + f.fieldPath(key) + "' is required: {\"amount\": ..., \"unit\": "
                                                    "\"kg\"}",
                          {{"field", f.fieldPath(key)}});
  }
  o->allowOnly({"amount", "unit"});
  MassInput m;
  auto amount = o->optNumber("amount");
  if (!amount) {
    throw invalidArgument("'" + o->fieldPath("amount") + "' is required",
                          {{"field", o->fieldPath("amount")}});
  }
  m.amount = *amount;
  m.unit = o->reqString("unit", 10);
  return m;
}

// Flat {amount, unit} in the object itself.
MassInput readFlatMass(const JsonFields& f) {
  MassInput m;
  auto amount = f.optNumber("amount");
  if (!amount) {
    throw invalidArgument("'" + f.fieldPath("amount") + "' is required",
                          {{"field", f.fieldPath("amount")}});
  }
  m.amount = *amount;
  m.unit = f.reqString("unit", 10);
  return m;
}

Characterisation readCharacterisation(const JsonFields& f, const std::string& key) {
  Characterisation out;
  auto o = f.optObject(key);
  if (!o) return out;
  if (o->object()->size() > 40) {
    throw invalidArgument("at most 40 measured properties", {{"field", f.fieldPath(key)}});
  }
  for (const auto& [name, value] : *o->object()) {
    auto v = o->optNumber(name);
    if (!v) {
      throw invalidArgument("'" + o->fieldPath(name) + "' must be a number",
                            {{"field", o->fieldPath(name)}});
    }
    out[name] = *v;
  }
  return out;
}

Array::Ptr objectList(const JsonFields& f, const std::string& key, std::vector<JsonFields>& out) {
  auto list = f.optArray(key);
  if (!list) return list;
  if (list->size() > kMaxListItems) {
    throw invalidArgument("at most " + std::to_string(kMaxListItems) + " items in '" + key + "'",
                          {{"field", key}});
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string path = f.fieldPath(key + "[" + std::to_string(i) + "]");
    Object::Ptr item = list->getObject(static_cast<unsigned>(i));
    if (!item) throw invalidArgument("'" + path + "' must be an object", {{"field", path}});
    out.emplace_back(item, path);
  }
  return list;
}

// A lot, source or start-up reference: a code string or an integer id.
std::optional<std::string> optReference(const JsonFields& f, const std::string& key) {
  if (!f.has(key)) return std::nullopt;
  if (auto s = f.optString(key, 100); s && !s->empty()) return s;
  return std::nullopt;
}

std::optional<std::string> codeOrId(const JsonFields& f, const std::string& key) {
  if (!f.has(key)) return std::nullopt;
  Poco::Dynamic::Var v = f.object()->get(key);
  if (v.isString()) return f.optString(key, 100);
  if (auto id = jsonInt64(v)) return std::to_string(*id);
  throw invalidArgument("'" + f.fieldPath(key) + "' must be a code or an id",
                        {{"field", f.fieldPath(key)}});
}

double kg(std::int64_t mg) {
  return roundedTo(kgOf(mg), 6);
}

Object::Ptr startUpRef(std::int64_t id, const StartUpNames& names) {
  Object::Ptr o = orderedObject();
  o->set("id", id);
  auto it = names.find(id);
  o->set("name", it == names.end() ? "#" + std::to_string(id) : it->second);
  return o;
}

Object::Ptr transportJson(const std::optional<std::string>& vehicle,
                          const std::optional<double>& km, std::int64_t massMg) {
  if (!vehicle || !km) return nullptr;
  Object::Ptr o = orderedObject();
  o->set("vehicle", *vehicle);
  o->set("distance_km", *km);
  o->set("tonne_km", roundedTo(static_cast<double>(massMg) / 1e9 * *km, 4));
  const EmissionFactor* f = transportEmissionFactors().find(*vehicle);
  if (f) {
    o->set("co2e_kg", roundedTo(*transportCo2eKg(massMg, *km, *vehicle), 3));
    o->set("factor_kg_co2e_per_tonne_km", f->kgCo2ePerTonneKm);
    o->set("factor_source", transportEmissionFactors().source);
  } else {
    o->set("co2e_kg", Poco::Dynamic::Var());
  }
  return o;
}

Object::Ptr parsedObject(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Object::Ptr>();
}

void setNullable(Object::Ptr& o, const std::string& key, const Object::Ptr& value) {
  if (value) {
    o->set(key, value);
  } else {
    o->set(key, Poco::Dynamic::Var());
  }
}

}  // namespace

// ---- requests ----

StreamDraft readStreamDraft(const JsonFields& f) {
  f.allowOnly({"key", "name_fr", "name_en", "low_code", "low_note", "composition", "hazards",
               "characterisation", "substance"});
  StreamDraft d;
  d.key = f.optString("key", 60);
  d.nameFr = f.optString("name_fr", 200);
  d.nameEn = f.optString("name_en", 200);
  if (f.object()->has("low_code")) {
    d.lowCode = f.has("low_code") ? f.optString("low_code", 12) : std::optional<std::string>();
  }
  d.lowNote = f.optString("low_note", 1000);
  d.composition = f.optString("composition", 4000);
  d.hazards = f.optString("hazards", 4000);
  if (auto list = f.optArray("characterisation")) {
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < list->size() && i < 40; ++i) {
      auto v = list->get(static_cast<unsigned>(i));
      if (!v.isString()) {
        throw invalidArgument("'characterisation' is a list of property keys",
                              {{"field", "characterisation"}});
      }
      keys.push_back(v.extract<std::string>());
    }
    d.characterisation = keys;
  }
  if (f.object()->has("substance")) {
    std::optional<std::int64_t> id;
    if (f.has("substance")) {
      Poco::Dynamic::Var v = f.object()->get("substance");
      if (auto i = jsonInt64(v)) {
        id = *i;
      } else if (v.isString()) {
        id = db::parsePrefixedCode("SUB", v.extract<std::string>());
        if (!id) {
          throw invalidArgument("'substance' must be SUB-000123 or an id", {{"field", "substance"}});
        }
      } else {
        throw invalidArgument("'substance' must be SUB-000123 or an id", {{"field", "substance"}});
      }
    }
    d.substanceId = id;
  }
  return d;
}

SourceDraft readSourceDraft(const JsonFields& f) {
  f.allowOnly({"start_up", "name", "kind", "region", "locality", "notes", "active"});
  SourceDraft d;
  d.startUpId = f.optInt("start_up");
  d.name = f.optString("name", 200);
  d.kind = f.optString("kind", 40);
  d.region = f.optString("region", 60);
  d.locality = f.optString("locality", 200);
  d.notes = f.optString("notes", 500);
  d.active = f.optBool("active");
  return d;
}

LotDraft readLotDraft(const JsonFields& f) {
  f.allowOnly({"stream", "source", "start_up", "collected_on", "net_mass", "gross_mass",
               "container", "container_count", "vehicle", "distance_km", "characterisation",
               "notes"});
  LotDraft d;
  d.startUpId = f.optInt("start_up");
  auto stream = codeOrId(f, "stream");
  if (!stream) throw invalidArgument("'stream' is required", {{"field", "stream"}});
  d.stream = *stream;
  d.source = codeOrId(f, "source");
  d.collectedOn = f.reqString("collected_on", 20);
  d.net = readMass(f, "net_mass");
  if (f.has("gross_mass")) d.gross = readMass(f, "gross_mass");
  d.container = optReference(f, "container");
  d.containerCount = f.optInt("container_count");
  d.vehicle = optReference(f, "vehicle");
  d.distanceKm = f.optNumber("distance_km");
  d.characterisation = readCharacterisation(f, "characterisation");
  d.notes = f.optString("notes", 2000).value_or("");
  return d;
}

LotChange readLotChange(const JsonFields& f) {
  f.allowOnly({"characterisation", "status", "notes", "container", "container_count",
               "visibility", "reason"});
  LotChange ch;
  if (f.has("characterisation")) ch.characterisation = readCharacterisation(f, "characterisation");
  ch.status = f.optString("status", 20);
  ch.notes = f.optString("notes", 2000);
  if (f.object()->has("container")) ch.container = f.optString("container", 20);
  if (f.object()->has("container_count")) ch.containerCount = f.optInt("container_count");
  ch.visibility = f.optString("visibility", 20);
  ch.reason = f.optString("reason", 2000);
  return ch;
}

TransformationDraft readTransformationDraft(const JsonFields& f) {
  f.allowOnly({"start_up", "kind", "performed_on", "inputs", "additions", "outputs", "notes"});
  TransformationDraft d;
  d.startUpId = f.optInt("start_up");
  d.kind = f.reqString("kind", 40);
  d.performedOn = f.reqString("performed_on", 20);
  d.notes = f.optString("notes", 2000).value_or("");
  std::vector<JsonFields> items;
  objectList(f, "inputs", items);
  for (const auto& item : items) {
    item.allowOnly({"lot", "amount", "unit"});
    auto lot = codeOrId(item, "lot");
    if (!lot) {
      throw invalidArgument("'" + item.fieldPath("lot") + "' is required",
                            {{"field", item.fieldPath("lot")}});
    }
    d.inputs.push_back({*lot, readFlatMass(item)});
  }
  items.clear();
  objectList(f, "additions", items);
  for (const auto& item : items) {
    item.allowOnly({"name", "amount", "unit"});
    d.additions.push_back({item.reqString("name", 200), readFlatMass(item)});
  }
  items.clear();
  objectList(f, "outputs", items);
  for (const auto& item : items) {
    item.allowOnly({"stream", "amount", "unit", "container", "characterisation"});
    TransformationDraft::Output o;
    o.stream = codeOrId(item, "stream");
    o.mass = readFlatMass(item);
    o.container = optReference(item, "container");
    o.characterisation = readCharacterisation(item, "characterisation");
    d.outputs.push_back(o);
  }
  return d;
}

TransferDraft readTransferDraft(const JsonFields& f) {
  f.allowOnly({"to_start_up", "amount", "unit", "vehicle", "distance_km", "notes"});
  TransferDraft d;
  d.toStartUpId = f.optInt("to_start_up");
  d.mass = readFlatMass(f);
  d.vehicle = optReference(f, "vehicle");
  d.distanceKm = f.optNumber("distance_km");
  d.notes = f.optString("notes", 2000).value_or("");
  return d;
}

TransferAnswer readTransferAnswer(const JsonFields& f) {
  f.allowOnly({"received_on", "received_mass", "container", "reason", "on"});
  TransferAnswer a;
  a.on = f.optString("received_on", 20);
  if (!a.on) a.on = f.optString("on", 20);
  if (f.has("received_mass")) a.receivedMass = readMass(f, "received_mass");
  a.container = optReference(f, "container");
  a.reason = f.optString("reason", 2000);
  return a;
}

UseDraft readUseDraft(const JsonFields& f) {
  f.allowOnly({"amount", "unit", "batch", "route", "step", "component", "used_on", "notes"});
  UseDraft d;
  d.mass = readFlatMass(f);
  d.batch = optReference(f, "batch");
  d.route = f.optInt("route");
  d.step = f.optInt("step");
  d.component = f.optInt("component");
  d.usedOn = f.optString("used_on", 20);
  d.notes = f.optString("notes", 2000).value_or("");
  return d;
}

// ---- answers ----

Object::Ptr streamJson(const db::WasteStream& s) {
  Object::Ptr o = orderedObject();
  o->set("key", s.key);
  o->set("id", s.id);
  o->set("name_fr", s.nameFr);
  o->set("name_en", s.nameEn);
  setOptional(o, "low_code", s.lowCode);
  o->set("low_hazardous", s.lowCode && !s.lowCode->empty() && s.lowCode->back() == '*');
  o->set("low_note", s.lowNote);
  o->set("composition", s.composition);
  o->set("hazards", s.hazards);
  Poco::JSON::Parser parser;
  o->set("characterisation", parser.parse(s.characterisationJson));
  if (s.substanceId) {
    o->set("substance", db::prefixedCode("SUB", *s.substanceId));
  } else {
    o->set("substance", Poco::Dynamic::Var());
  }
  o->set("updated_at", s.updatedAt);
  return o;
}

Object::Ptr sourceJson(const db::WasteSource& s) {
  Object::Ptr o = orderedObject();
  o->set("id", s.code());
  o->set("start_up", s.startUpId);
  o->set("name", s.name);
  o->set("kind", s.kind);
  o->set("region", s.region);
  o->set("locality", s.locality);
  o->set("notes", s.notes);
  o->set("active", s.active);
  o->set("created_at", s.createdAt);
  o->set("updated_at", s.updatedAt);
  return o;
}

Object::Ptr lotJson(const db::Lot& l, const db::Principal& viewer,
                    const std::optional<db::WasteSource>& source, const StartUpNames& names) {
  const bool holder = db::canWriteFor(viewer, l.startUpId);
  Object::Ptr o = orderedObject();
  o->set("id", l.code());
  o->set("stream", l.streamKey);
  o->set("start_up", startUpRef(l.startUpId, names));
  o->set("origin", l.origin);
  if (l.origin == "collection") {
    o->set("collector", startUpRef(l.startUpId, names));
  } else {
    o->set("collector", Poco::Dynamic::Var());
  }
  if (l.sourceId) {
    Object::Ptr s = orderedObject();
    s->set("id", db::sourceCode(*l.sourceId));
    if (source) {
      s->set("name", source->name);
    } else {
      s->set("name", Poco::Dynamic::Var());
    }
    setOptional(s, "kind", l.sourceKind);
    setOptional(s, "region", l.sourceRegion);
    o->set("source", s);
  } else {
    o->set("source", Poco::Dynamic::Var());
  }
  setOptional(o, "parent_lot",
              l.parentLotId ? std::optional<std::string>(db::lotCode(*l.parentLotId)) : std::nullopt);
  setOptional(o, "transfer",
              l.transferId ? std::optional<std::string>(db::transferCode(*l.transferId)) : std::nullopt);
  setOptional(o, "transformation",
              l.transformationId ? std::optional<std::string>(db::transformationCode(*l.transformationId))
                                 : std::nullopt);
  o->set("collected_on", l.collectedOn);
  Object::Ptr net = orderedObject();
  net->set("amount", l.netAmount);
  net->set("unit", l.netUnit);
  net->set("kg", kg(l.netMassMg));
  o->set("net_mass", net);
  if (l.grossMassMg) {
    Object::Ptr gross = orderedObject();
    gross->set("amount", l.grossAmount.value_or(0));
    gross->set("unit", l.grossUnit.value_or("kg"));
    gross->set("kg", kg(*l.grossMassMg));
    o->set("gross_mass", gross);
  } else {
    o->set("gross_mass", Poco::Dynamic::Var());
  }
  setOptional(o, "container", l.container);
  setOptional(o, "container_count", l.containerCount);
  setNullable(o, "transport", transportJson(l.vehicle, l.distanceKm, l.netMassMg));
  o->set("characterisation", parsedObject(l.characterisationJson));
  o->set("status", l.status);
  o->set("visibility", l.visibility);
  // A lot seen only through traceability shows what it is, not its holder's notes.
  if (db::canSee(viewer, l.startUpId, l.visibility)) {
    o->set("notes", l.notes);
  } else {
    o->set("notes", Poco::Dynamic::Var());
  }
  if (holder) {
    Object::Ptr balance = orderedObject();
    balance->set("transformed_kg", kg(l.transformedMg));
    balance->set("transferred_kg", kg(l.transferredMg));
    balance->set("used_kg", kg(l.usedMg));
    balance->set("remaining_kg", kg(l.remainingMg()));
    o->set("balance", balance);
  } else {
    o->set("balance", Poco::Dynamic::Var());
  }
  o->set("held", holder);
  o->set("created_at", l.createdAt);
  o->set("updated_at", l.updatedAt);
  setOptional(o, "retired_at", l.retiredAt);
  setOptional(o, "retired_reason", l.retiredReason);
  return o;
}

Object::Ptr transformationJson(const db::Transformation& t, const StartUpNames& names,
                               const std::optional<std::set<std::int64_t>>& readableOutputs) {
  Object::Ptr o = orderedObject();
  o->set("id", t.code());
  o->set("start_up", startUpRef(t.startUpId, names));
  o->set("kind", t.kind);
  o->set("performed_on", t.performedOn);
  Array::Ptr inputs = new Array;
  for (const auto& in : t.inputs) {
    Object::Ptr i = orderedObject();
    i->set("lot", db::lotCode(in.lotId));
    i->set("amount", in.amount);
    i->set("unit", in.unit);
    i->set("kg", kg(in.massMg));
    inputs->add(i);
  }
  o->set("inputs", inputs);
  Array::Ptr additions = new Array;
  for (const auto& a : t.additions) {
    Object::Ptr i = orderedObject();
    i->set("name", a.name);
    i->set("amount", a.amount);
    i->set("unit", a.unit);
    i->set("kg", kg(a.massMg));
    additions->add(i);
  }
  o->set("additions", additions);
  Array::Ptr outputs = new Array;
  for (const auto& out : t.outputs) {
    if (readableOutputs && !readableOutputs->count(out.lotId)) continue;
    Object::Ptr i = orderedObject();
    i->set("lot", db::lotCode(out.lotId));
    i->set("stream", out.streamKey);
    i->set("kg", kg(out.massMg));
    outputs->add(i);
  }
  o->set("outputs", outputs);
  MassBalance b = massBalanceOf(t);
  Object::Ptr balance = orderedObject();
  balance->set("input_kg", kg(b.inputMg));
  balance->set("added_kg", kg(b.addedMg));
  balance->set("output_kg", kg(b.outputMg));
  balance->set("loss_kg", kg(b.lossMg));
  balance->set("yield_percent", roundedTo(b.yieldPercent, 2));
  balance->set("formula", "yield = outputs / (inputs + additions) x 100; loss = inputs + additions - outputs");
  o->set("mass_balance", balance);
  if (readableOutputs) {
    o->set("notes", Poco::Dynamic::Var());
  } else {
    o->set("notes", t.notes);
  }
  o->set("created_at", t.createdAt);
  return o;
}

Object::Ptr transferJson(const db::Transfer& t, const StartUpNames& names) {
  Object::Ptr o = orderedObject();
  o->set("id", t.code());
  o->set("lot", db::lotCode(t.lotId));
  o->set("stream", t.streamKey);
  o->set("from_start_up", startUpRef(t.fromStartUpId, names));
  o->set("to_start_up", startUpRef(t.toStartUpId, names));
  o->set("amount", t.amount);
  o->set("unit", t.unit);
  o->set("kg", kg(t.massMg));
  setNullable(o, "transport", transportJson(t.vehicle, t.distanceKm, t.massMg));
  o->set("status", t.status);
  o->set("notes", t.notes);
  o->set("created_at", t.createdAt);
  setOptional(o, "decided_at", t.decidedAt);
  setOptional(o, "decided_on", t.decidedOn);
  setOptional(o, "reason", t.decisionReason);
  setOptional(o, "received_lot",
              t.receivedLotId ? std::optional<std::string>(db::lotCode(*t.receivedLotId))
                              : std::nullopt);
  return o;
}

Object::Ptr lotUseJson(const db::LotUse& u) {
  Object::Ptr o = orderedObject();
  o->set("id", u.code());
  o->set("lot", db::lotCode(u.lotId));
  o->set("start_up", u.startUpId);
  o->set("amount", u.amount);
  o->set("unit", u.unit);
  o->set("kg", kg(u.massMg));
  o->set("used_on", u.usedOn);
  setOptional(o, "batch", u.batchCode);
  setOptional(o, "route", u.routeId);
  setOptional(o, "step", u.stepNumber);
  setOptional(o, "component", u.componentPosition);
  o->set("notes", u.notes);
  o->set("created_at", u.createdAt);
  return o;
}

Object::Ptr stockJson(const std::vector<db::StockLine>& stock) {
  Array::Ptr items = new Array;
  std::int64_t total = 0;
  for (const auto& s : stock) {
    Object::Ptr o = orderedObject();
    o->set("stream", s.streamKey);
    o->set("lots", s.lots);
    o->set("remaining_kg", kg(s.remainingMg));
    o->set("quarantined_kg", kg(s.quarantinedMg));
    items->add(o);
    total += s.remainingMg;
  }
  Object::Ptr out = orderedObject();
  out->set("items", items);
  out->set("remaining_kg", kg(total));
  return out;
}

Object::Ptr genealogyJson(const Genealogy& g, const StartUpNames& names) {
  Object::Ptr o = orderedObject();
  o->set("root", g.root);
  o->set("root_kind", g.rootKind);
  Array::Ptr nodes = new Array;
  for (const auto& n : g.nodes) {
    Object::Ptr j = orderedObject();
    j->set("id", n.id);
    j->set("kind", n.kind);
    j->set("label", n.label);
    if (n.startUpId) {
      j->set("start_up", startUpRef(*n.startUpId, names));
    } else {
      j->set("start_up", Poco::Dynamic::Var());
    }
    setOptional(j, "stream", n.stream);
    setOptional(j, "kg", n.massMg ? std::optional<double>(kg(*n.massMg)) : std::nullopt);
    setOptional(j, "remaining_kg",
                n.remainingMg ? std::optional<double>(kg(*n.remainingMg)) : std::nullopt);
    setOptional(j, "date", n.date);
    setOptional(j, "region", n.region);
    setOptional(j, "detail", n.detail);
    nodes->add(j);
  }
  o->set("nodes", nodes);
  Array::Ptr edges = new Array;
  for (const auto& e : g.edges) {
    Object::Ptr j = orderedObject();
    j->set("from", e.from);
    j->set("to", e.to);
    j->set("relation", e.relation);
    setOptional(j, "kg", e.massMg ? std::optional<double>(kg(*e.massMg)) : std::nullopt);
    setOptional(j, "reference", e.reference);
    setOptional(j, "date", e.date);
    edges->add(j);
  }
  o->set("edges", edges);
  o->set("truncated", g.truncated);
  return o;
}

Object::Ptr circularityJson(const CircularityReport& r) {
  Object::Ptr o = orderedObject();
  Object::Ptr filter = orderedObject();
  setOptional(filter, "from", r.filter.fromMonth);
  setOptional(filter, "to", r.filter.toMonth);
  setOptional(filter, "stream", r.filter.streamKey);
  o->set("filter", filter);
  o->set("counted", r.counted);
  o->set("months", stringArray(r.months));
  o->set("streams", stringArray(r.streams));
  auto tonnes = [](std::int64_t mg) { return roundedTo(static_cast<double>(mg) / 1e9, 6); };
  auto figures = [&](const StreamMonthFigures& f) {
    Object::Ptr j = orderedObject();
    if (!f.month.empty()) j->set("month", f.month);
    if (!f.stream.empty()) j->set("stream", f.stream);
    j->set("collected_t", tonnes(f.collectedMg));
    j->set("transformed_t", tonnes(f.transformedMg));
    j->set("transferred_t", tonnes(f.transferredMg));
    j->set("valorised_t", tonnes(f.valorisedMg));
    j->set("lots_collected", f.lotsCollected);
    j->set("transport_co2e_kg", roundedTo(f.transportCo2eKg, 3));
    return j;
  };
  Array::Ptr cells = new Array;
  for (const auto& f : r.perStreamMonth) cells->add(figures(f));
  o->set("per_stream_month", cells);
  auto startUpFigures = [&](const StartUpFigures& s) {
    Object::Ptr j = orderedObject();
    if (!s.month.empty()) j->set("month", s.month);
    j->set("start_up", s.startUpId);
    j->set("name", s.name);
    j->set("sector", s.sector);
    j->set("collected_t", tonnes(s.collectedMg));
    j->set("transformed_t", tonnes(s.transformedMg));
    j->set("transferred_out_t", tonnes(s.transferredOutMg));
    j->set("transferred_in_t", tonnes(s.transferredInMg));
    j->set("valorised_t", tonnes(s.valorisedMg));
    j->set("tonne_km", roundedTo(s.tonneKm, 3));
    j->set("transport_co2e_kg", roundedTo(s.transportCo2eKg, 3));
    return j;
  };
  Array::Ptr startUps = new Array;
  for (const auto& s : r.perStartUp) startUps->add(startUpFigures(s));
  Array::Ptr startUpMonths = new Array;
  for (const auto& s : r.perStartUpMonth) startUpMonths->add(startUpFigures(s));
  o->set("per_start_up_month", startUpMonths);
  o->set("per_start_up", startUps);
  Array::Ptr flows = new Array;
  for (const auto& f : r.flows) {
    Object::Ptr j = orderedObject();
    j->set("from", f.fromStartUpId);
    j->set("to", f.toStartUpId);
    j->set("stream", f.stream);
    j->set("t", tonnes(f.massMg));
    j->set("transfers", f.transfers);
    flows->add(j);
  }
  o->set("flows", flows);
  o->set("totals", figures(r.totals));
  Object::Ptr transport = orderedObject();
  transport->set("co2e_kg", roundedTo(r.transportCo2eKg, 3));
  Array::Ptr vehicles = new Array;
  for (const auto& v : r.vehicles) {
    Object::Ptr j = orderedObject();
    j->set("vehicle", v.vehicle);
    j->set("tonne_km", roundedTo(v.tonneKm, 3));
    j->set("factor_kg_co2e_per_tonne_km", v.factor);
    j->set("co2e_kg", roundedTo(v.co2eKg, 3));
    vehicles->add(j);
  }
  transport->set("vehicles", vehicles);
  transport->set("method", "CO2e = mass (t) x distance (km) x factor (kg CO2e per tonne.km)");
  transport->set("source", transportEmissionFactors().source);
  transport->set("year", transportEmissionFactors().year);
  o->set("transport", transport);
  auto shares = [](const std::vector<WasteShare>& list) {
    Array::Ptr a = new Array;
    for (const auto& s : list) {
      Object::Ptr j = orderedObject();
      j->set("id", s.id);
      j->set("name", s.name);
      j->set("start_up", s.startUpId);
      setOptionalRounded(j, "waste_derived_percent", s.percent, 2);
      Array::Ptr routes = new Array;
      for (auto id : s.routes) routes->add(id);
      j->set("routes", routes);
      setTextOrNull(j, "missing", s.missing);
      a->add(j);
    }
    return a;
  };
  o->set("routes", shares(r.routes));
  o->set("products", shares(r.products));
  return o;
}

Object::Ptr emissionFactorsJson() {
  const EmissionFactorTable& t = transportEmissionFactors();
  Object::Ptr o = orderedObject();
  o->set("about", t.about);
  o->set("source", t.source);
  o->set("publisher", t.publisher);
  o->set("url", t.url);
  o->set("year", t.year);
  o->set("unit", t.unit);
  Array::Ptr items = new Array;
  for (const auto& f : t.factors) {
    Object::Ptr j = orderedObject();
    j->set("vehicle", f.vehicle);
    j->set("label_fr", f.labelFr);
    j->set("label_en", f.labelEn);
    j->set("activity", f.activity);
    j->set("id", f.id);
    j->set("kg_co2e_per_tonne_km", f.kgCo2ePerTonneKm);
    items->add(j);
  }
  o->set("factors", items);
  return o;
}

Object::Ptr wasteVocabularyJson() {
  Object::Ptr o = orderedObject();
  o->set("source_kinds", stringArray(sourceKinds()));
  o->set("regions", stringArray(moroccanRegions()));
  o->set("containers", stringArray(containerKinds()));
  o->set("transformation_kinds", stringArray(transformationKinds()));
  o->set("lot_statuses", stringArray(lotStatuses()));
  Array::Ptr props = new Array;
  for (const auto& p : characterisationProperties()) {
    Object::Ptr j = orderedObject();
    j->set("key", p.key);
    j->set("unit", p.unit);
    j->set("label_fr", p.labelFr);
    j->set("label_en", p.labelEn);
    j->set("min", p.min);
    j->set("max", p.max);
    props->add(j);
  }
  o->set("characterisation", props);
  std::vector<std::string> vehicles;
  for (const auto& f : transportEmissionFactors().factors) vehicles.push_back(f.vehicle);
  o->set("vehicles", stringArray(vehicles));
  return o;
}

}  // namespace argan::server
