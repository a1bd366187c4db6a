#include "server/registry/waste.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "common/error.h"
#include "db/access.h"
#include "db/identifiers.h"
#include "db/lifecycle.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "db/start_up_store.h"
#include "db/substance_store.h"

namespace argan {
extern const char* const kTransportEmissionFactorsJson;
}

namespace argan::server {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void checkVocabulary(const std::string& value, const std::vector<std::string>& list,
                     const std::string& field, const std::string& what) {
  if (!contains(list, value)) {
    throw invalidArgument(field + " must be one of: " + joined(list) + " (got '" + value + "')",
                          {{"field", field}, {"vocabulary", what}});
  }
}

void checkText(const std::string& value, const std::string& field, std::size_t maxBytes,
               bool required) {
  bool blank = value.find_first_not_of(" \t\r\n") == std::string::npos;
  if (required && blank) throw invalidArgument(field + " must not be empty", {{"field", field}});
  if (value.size() > maxBytes) {
    throw invalidArgument(field + " is longer than " + std::to_string(maxBytes) + " bytes",
                          {{"field", field}});
  }
}

// A date the user gave: a real calendar date, not after tomorrow (clocks and time zones).
void checkDate(const std::string& date, const std::string& field, const std::string& today) {
  if (!db::isCalendarDate(date)) {
    throw invalidArgument(field + " must be a date written YYYY-MM-DD (got '" + date + "')",
                          {{"field", field}});
  }
  if (db::daysBetween(today, date) > 1) {
    throw invalidArgument(field + " " + date + " is in the future", {{"field", field}});
  }
}

std::int64_t startUpFor(const db::Principal& who, const std::optional<std::int64_t>& given,
                        const std::string& field) {
  if (given) return *given;
  if (who.startUpId) return *who.startUpId;
  throw invalidArgument(field + " is required (administrators act for a named start-up)",
                        {{"field", field}});
}

void requireWriter(db::Connection& c, const db::Principal& who, std::int64_t startUpId,
                   const std::string& field) {
  if (!db::findStartUp(c, startUpId)) {
    throw notFound("no start-up " + std::to_string(startUpId), {{"field", field}});
  }
  if (!db::canWriteFor(who, startUpId)) {
    throw permissionDenied(
        "only members of start-up " + std::to_string(startUpId) + " (or administrators) may do this",
        {{"field", field}});
  }
}

void checkTransport(const std::optional<std::string>& vehicle, const std::optional<double>& km) {
  if (vehicle.has_value() != km.has_value()) {
    throw invalidArgument("give the vehicle and the distance together (or neither)",
                          {{"field", vehicle ? "distance_km" : "vehicle"}});
  }
  if (vehicle && !transportEmissionFactors().find(*vehicle)) {
    std::vector<std::string> kinds;
    for (const auto& f : transportEmissionFactors().factors) kinds.push_back(f.vehicle);
    checkVocabulary(*vehicle, kinds, "vehicle", "vehicle");
  }
  if (km && (!std::isfinite(*km) || *km < 0 || *km > 20000)) {
    throw invalidArgument("distance_km must be a number of kilometres between 0 and 20000",
                          {{"field", "distance_km"}});
  }
}

void checkCharacterisation(const Characterisation& values, const std::string& field) {
  for (const auto& [key, value] : values) {
    const auto& props = characterisationProperties();
    const std::string& name = key;  // a lambda may not capture a structured binding (C++17)
    auto it = std::find_if(props.begin(), props.end(),
                           [&](const CharacterisationProperty& p) { return p.key == name; });
    if (it == props.end()) {
      std::vector<std::string> keys;
      for (const auto& p : props) keys.push_back(p.key);
      throw invalidArgument(field + "." + key + " is not a measured property; known: " +
                                joined(keys),
                            {{"field", field + "." + key}});
    }
    if (!std::isfinite(value) || value < it->min || value > it->max) {
      std::ostringstream range;
      range << it->min << " and " << it->max;
      throw invalidArgument(field + "." + key + " must be between " + range.str() + " " +
                                it->unit,
                            {{"field", field + "." + key}});
    }
  }
}

std::string characterisationJson(const Characterisation& values) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [key, value] : values) o.set(key, value);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

Characterisation parseCharacterisation(const std::string& json) {
  Characterisation out;
  Poco::JSON::Parser parser;
  auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  for (const auto& [key, value] : *o) out[key] = value.convert<double>();
  return out;
}

std::int64_t lotIdFrom(const std::string& text, const std::string& field) {
  auto id = db::parsePrefixedCode("LOT", text);
  if (!id) throw notFound("no lot '" + text + "'", {{"field", field}});
  return *id;
}

std::string kgText(std::int64_t mg) {
  std::ostringstream out;
  out << kgOf(mg) << " kg";
  return out.str();
}

void requireMassLeft(const db::Lot& lot, std::int64_t wantedMg, const std::string& field) {
  if (wantedMg > lot.remainingMg()) {
    throw failedPrecondition(
        lot.code() + " has " + kgText(lot.remainingMg()) + " left; " + kgText(wantedMg) +
            " cannot be taken from it",
        {{"field", field},
         {"rule", "mass_left"},
         {"remaining_kg", kgOf(lot.remainingMg())},
         {"requested_kg", kgOf(wantedMg)}});
  }
}

void requireAvailable(const db::Lot& lot, const std::string& field) {
  if (lot.status == "quarantine") {
    throw failedPrecondition(lot.code() + " is in quarantine; release it before using it",
                             {{"field", field}, {"rule", "quarantine"}});
  }
}

EmissionFactorTable loadFactors() {
  Poco::JSON::Parser parser;
  auto root = parser.parse(kTransportEmissionFactorsJson).extract<Poco::JSON::Object::Ptr>();
  EmissionFactorTable t;
  t.about = root->getValue<std::string>("about");
  t.source = root->getValue<std::string>("source");
  t.publisher = root->getValue<std::string>("publisher");
  t.url = root->getValue<std::string>("url");
  t.year = root->getValue<std::int64_t>("year");
  t.unit = root->getValue<std::string>("unit");
  auto factors = root->getArray("factors");
  for (std::size_t i = 0; i < factors->size(); ++i) {
    auto f = factors->getObject(static_cast<unsigned>(i));
    EmissionFactor e;
    e.vehicle = f->getValue<std::string>("vehicle");
    e.labelFr = f->getValue<std::string>("label_fr");
    e.labelEn = f->getValue<std::string>("label_en");
    e.activity = f->getValue<std::string>("activity");
    e.id = f->getValue<std::string>("id");
    e.kgCo2ePerTonneKm = f->getValue<double>("kg_co2e_per_tonne_km");
    if (!(e.kgCo2ePerTonneKm > 0)) throw internalError("emission factor of " + e.vehicle);
    t.factors.push_back(e);
  }
  return t;
}

}  // namespace

// ---- vocabularies ----

const std::vector<std::string>& sourceKinds() {
  static const std::vector<std::string> kinds = {
      "olive_mill",    "restaurant", "hotel",  "canteen",          "packing_station", "farm",
      "cooperative",   "food_industry", "market", "collection_point", "other"};
  return kinds;
}

const std::vector<std::string>& moroccanRegions() {
  static const std::vector<std::string> regions = {
      "tanger_tetouan_al_hoceima", "oriental",          "fes_meknes",
      "rabat_sale_kenitra",        "beni_mellal_khenifra", "casablanca_settat",
      "marrakech_safi",            "draa_tafilalet",    "souss_massa",
      "guelmim_oued_noun",         "laayoune_sakia_el_hamra", "dakhla_oued_ed_dahab"};
  return regions;
}

const std::vector<std::string>& transformationKinds() {
  static const std::vector<std::string> kinds = {"drying",     "grinding",  "pressing",
                                                 "filtration", "decanting", "pelletising"};
  return kinds;
}

const std::vector<std::string>& containerKinds() {
  static const std::vector<std::string> kinds = {"drum", "jerrycan", "ibc",  "tank", "bag",
                                                 "big_bag", "crate", "bulk", "other"};
  return kinds;
}

const std::vector<std::string>& lotStatuses() {
  static const std::vector<std::string> statuses = {"available", "quarantine"};
  return statuses;
}

const std::vector<CharacterisationProperty>& characterisationProperties() {
  static const std::vector<CharacterisationProperty> props = {
      {"moisture", "% w/w", "Humidité", "Moisture", 0, 100},
      {"dry_matter", "% w/w", "Matière sèche", "Dry matter", 0, 100},
      {"oil_content", "% w/w", "Teneur en huile", "Oil content", 0, 100},
      {"free_fatty_acids", "% (as oleic acid)", "Acides gras libres", "Free fatty acids", 0, 100},
      {"acid_value", "mg KOH/g", "Indice d'acide", "Acid value", 0, 400},
      {"peroxide_value", "meq O2/kg", "Indice de peroxyde", "Peroxide value", 0, 1000},
      {"impurities", "% w/w", "Impuretés", "Impurities", 0, 100},
      {"polyphenols", "g/L", "Polyphénols totaux", "Total polyphenols", 0, 100},
      {"polyphenols_dry", "mg/g dry matter", "Polyphénols (matière sèche)",
       "Polyphenols (dry matter)", 0, 1000},
      {"cod", "g O2/L", "DCO", "Chemical oxygen demand", 0, 1000},
      {"ph", "pH", "pH", "pH", 0, 14},
      {"ash", "% of dry matter", "Cendres", "Ash", 0, 100},
      {"density", "kg/L", "Densité", "Density", 0.05, 3},
  };
  return props;
}

// ---- masses ----

std::int64_t massMg(const MassInput& mass, const std::string& field) {
  double factor = 0;
  if (mass.unit == "g") {
    factor = 1e3;
  } else if (mass.unit == "kg") {
    factor = 1e6;
  } else if (mass.unit == "t") {
    factor = 1e9;
  } else {
    throw invalidArgument(field + ".unit must be g, kg or t (got '" + mass.unit +
                              "'); a lot is weighed: convert volumes with the density",
                          {{"field", field + ".unit"}});
  }
  double mg = mass.amount * factor;
  if (!std::isfinite(mass.amount) || !(mass.amount > 0) || mg > 1e15) {
    throw invalidArgument(field + ".amount must be a positive mass below 1 000 000 t",
                          {{"field", field + ".amount"}});
  }
  auto rounded = static_cast<std::int64_t>(std::llround(mg));
  if (rounded < 1) {
    throw invalidArgument(field + ".amount is below one milligram",
                          {{"field", field + ".amount"}});
  }
  return rounded;
}

double kgOf(std::int64_t mg) {
  return static_cast<double>(mg) / db::kMgPerKg;
}

// ---- emission factors ----

const EmissionFactor* EmissionFactorTable::find(const std::string& vehicle) const {
  for (const auto& f : factors) {
    if (f.vehicle == vehicle) return &f;
  }
  return nullptr;
}

const EmissionFactorTable& transportEmissionFactors() {
  static const EmissionFactorTable table = loadFactors();
  return table;
}

std::optional<double> transportCo2eKg(std::int64_t massMg, double distanceKm,
                                      const std::string& vehicle) {
  const EmissionFactor* f = transportEmissionFactors().find(vehicle);
  if (!f) return std::nullopt;
  return static_cast<double>(massMg) / 1e9 * distanceKm * f->kgCo2ePerTonneKm;
}

std::string todayOf(const Runtime& runtime) {
  return db::dateOf(runtime.clock.nowIso());
}

// ---- streams ----

db::WasteStream streamNamed(db::Connection& c, const std::string& text, const std::string& field) {
  std::optional<db::WasteStream> s = db::findWasteStreamByKey(c, text);
  if (!s && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
      text.size() < 12) {
    s = db::findWasteStream(c, std::stoll(text));
  }
  if (!s) throw notFound("no waste stream '" + text + "'", {{"field", field}});
  return *s;
}

namespace {

db::WasteStreamInput streamInput(const StreamDraft& d) {
  db::WasteStreamInput in;
  if (d.key) {
    bool ok = d.key->size() >= 2 && d.key->size() <= 60 &&
              d.key->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (!ok) {
      throw invalidArgument("key must be 2 to 60 characters a-z, 0-9 and _",
                            {{"field", "key"}});
    }
  }
  if (d.nameFr) checkText(*d.nameFr, "name_fr", 200, true);
  if (d.nameEn) checkText(*d.nameEn, "name_en", 200, true);
  if (d.lowCode && *d.lowCode) {
    const std::string& code = **d.lowCode;
    auto digit = [&](std::size_t i) { return i < code.size() && code[i] >= '0' && code[i] <= '9'; };
    bool ok = (code.size() == 8 || (code.size() == 9 && code[8] == '*')) && digit(0) &&
              digit(1) && code[2] == ' ' && digit(3) && digit(4) && code[5] == ' ' && digit(6) &&
              digit(7);
    if (!ok) {
      throw invalidArgument(
          "low_code must be a List of Waste code written '20 01 25' (an asterisk after a "
          "hazardous entry: '20 01 26*')",
          {{"field", "low_code"}});
    }
  }
  if (d.lowNote) checkText(*d.lowNote, "low_note", 1000, false);
  if (d.composition) checkText(*d.composition, "composition", 4000, false);
  if (d.hazards) checkText(*d.hazards, "hazards", 4000, false);
  if (d.substanceId && *d.substanceId && **d.substanceId < 1) {
    throw invalidArgument("substance must be a substance id", {{"field", "substance"}});
  }
  in.key = d.key;
  in.nameFr = d.nameFr;
  in.nameEn = d.nameEn;
  in.lowCode = d.lowCode;
  in.lowNote = d.lowNote;
  in.composition = d.composition;
  in.hazards = d.hazards;
  if (d.characterisation) {
    Poco::JSON::Array keys;
    for (const auto& k : *d.characterisation) {
      const auto& props = characterisationProperties();
      bool known = std::any_of(props.begin(), props.end(),
                               [&](const CharacterisationProperty& p) { return p.key == k; });
      if (!known) {
        throw invalidArgument("characterisation names '" + k + "', which is not a measured property",
                              {{"field", "characterisation"}});
      }
      keys.add(k);
    }
    std::ostringstream out;
    keys.stringify(out);
    in.characterisationJson = out.str();
  }
  in.substanceId = d.substanceId;
  return in;
}

// The substance a stream names must be one the caller may see (a hidden substance is refused
// as a missing one), not retired, and one every reader of the stream vocabulary may see: the
// vocabulary is public (GET /api/waste-streams answers anyone), so its substance is too.
void checkStreamSubstance(db::Connection& c, const db::Principal& who,
                          const db::WasteStreamInput& in) {
  if (!in.substanceId || !*in.substanceId) return;
  std::int64_t id = **in.substanceId;
  auto substance = db::findSubstance(c, who, id);
  if (!substance) {
    throw invalidArgument("substance: no substance " + db::substanceCode(id),
                          {{"field", "substance"}});
  }
  if (substance->retiredAt) {
    throw invalidArgument("substance: " + db::substanceCode(id) + " is retired",
                          {{"field", "substance"}});
  }
  if (!db::canSee(db::Principal::anonymous(), substance->startUpId, substance->visibility)) {
    throw invalidArgument("substance: " + db::substanceCode(id) + " is visible to " +
                              (substance->visibility == "cluster" ? "the cluster"
                                                                  : "its start-up") +
                              " only, and anyone reads the waste streams; publish it first",
                          {{"field", "substance"}, {"visibility", substance->visibility}});
  }
}

}  // namespace

db::WasteStream createStream(Runtime& runtime, const db::Principal& who, const StreamDraft& d) {
  if (!who.isAdmin()) throw permissionDenied("the stream vocabulary is kept by administrators");
  if (!d.key) throw invalidArgument("key is required", {{"field", "key"}});
  if (!d.nameFr) throw invalidArgument("name_fr is required", {{"field", "name_fr"}});
  if (!d.nameEn) throw invalidArgument("name_en is required", {{"field", "name_en"}});
  db::WasteStreamInput in = streamInput(d);
  return runtime.db.write([&](db::Connection& c) {
    checkStreamSubstance(c, who, in);
    return db::createWasteStream(c, runtime.clock, who, in);
  });
}

db::WasteStream updateStream(Runtime& runtime, const db::Principal& who, const std::string& key,
                             const StreamDraft& d) {
  if (d.key) throw invalidArgument("a stream's key does not change", {{"field", "key"}});
  db::WasteStreamInput in = streamInput(d);
  return runtime.db.write([&](db::Connection& c) {
    db::WasteStream s = streamNamed(c, key, "key");
    if (!who.isAdmin()) throw permissionDenied("the stream vocabulary is kept by administrators");
    checkStreamSubstance(c, who, in);
    return db::updateWasteStream(c, runtime.clock, who, s.id, in);
  });
}

// ---- sources ----

namespace {

db::SourceInput sourceInput(const SourceDraft& d) {
  if (d.name) checkText(*d.name, "name", 200, true);
  if (d.kind) checkVocabulary(*d.kind, sourceKinds(), "kind", "source_kind");
  if (d.region) checkVocabulary(*d.region, moroccanRegions(), "region", "region");
  if (d.locality) checkText(*d.locality, "locality", 200, false);
  if (d.notes) checkText(*d.notes, "notes", 500, false);
  db::SourceInput in;
  in.name = d.name;
  in.kind = d.kind;
  in.region = d.region;
  in.locality = d.locality;
  in.notes = d.notes;
  in.active = d.active;
  return in;
}

}  // namespace

db::WasteSource createSource(Runtime& runtime, const db::Principal& who, const SourceDraft& d) {
  std::int64_t startUp = startUpFor(who, d.startUpId, "start_up");
  if (!d.name) throw invalidArgument("name is required", {{"field", "name"}});
  if (!d.kind) throw invalidArgument("kind is required", {{"field", "kind"}});
  if (!d.region) throw invalidArgument("region is required", {{"field", "region"}});
  db::SourceInput in = sourceInput(d);
  return runtime.db.write([&](db::Connection& c) {
    requireWriter(c, who, startUp, "start_up");
    return db::createSource(c, runtime.clock, who, startUp, in);
  });
}

db::WasteSource updateSource(Runtime& runtime, const db::Principal& who, std::int64_t id,
                             const SourceDraft& d) {
  if (d.startUpId) throw invalidArgument("a source stays with its start-up", {{"field", "start_up"}});
  db::SourceInput in = sourceInput(d);
  return runtime.db.write([&](db::Connection& c) {
    auto s = db::findSource(c, who, id);
    if (!s) throw notFound("no source " + db::sourceCode(id));
    requireWriter(c, who, s->startUpId, "id");
    return db::updateSource(c, runtime.clock, who, id, in);
  });
}

// ---- lots ----

db::Lot visibleLot(db::Connection& c, const db::Principal& who, std::int64_t lotId) {
  auto lot = db::findLot(c, who, lotId);
  if (!lot) throw notFound("no lot " + db::lotCode(lotId));
  return *lot;
}

db::Lot heldLot(db::Connection& c, const db::Principal& who, std::int64_t lotId,
                const std::string& field) {
  auto lot = db::findLot(c, who, lotId);
  if (!lot) throw notFound("no lot " + db::lotCode(lotId), {{"field", field}});
  if (!db::canWriteFor(who, lot->startUpId)) {
    throw permissionDenied("only the start-up that holds " + lot->code() +
                               " (or an administrator) may do this",
                           {{"field", field}});
  }
  if (lot->retiredAt) {
    throw failedPrecondition(lot->code() + " is retired", {{"field", field}, {"rule", "retired"}});
  }
  return *lot;
}

void checkLotDraft(const LotDraft& d, const std::string& today) {
  checkText(d.stream, "stream", 100, true);
  checkDate(d.collectedOn, "collected_on", today);
  std::int64_t net = massMg(d.net, "net_mass");
  if (d.gross) {
    std::int64_t gross = massMg(*d.gross, "gross_mass");
    if (gross < net) {
      throw invalidArgument("gross_mass is lighter than net_mass (the container weighs nothing "
                            "less than zero)",
                            {{"field", "gross_mass.amount"}});
    }
  }
  if (d.container) checkVocabulary(*d.container, containerKinds(), "container", "container");
  if (d.containerCount && (*d.containerCount < 1 || *d.containerCount > 100000)) {
    throw invalidArgument("container_count must be between 1 and 100000",
                          {{"field", "container_count"}});
  }
  checkTransport(d.vehicle, d.distanceKm);
  checkCharacterisation(d.characterisation, "characterisation");
  checkText(d.notes, "notes", 2000, false);
}

db::Lot recordLotIn(db::Connection& c, Runtime& runtime, const db::Principal& who,
                    const LotDraft& d) {
  std::int64_t startUp = startUpFor(who, d.startUpId, "start_up");
  checkLotDraft(d, todayOf(runtime));
  requireWriter(c, who, startUp, "start_up");
  db::WasteStream stream = streamNamed(c, d.stream, "stream");
  db::NewLot lot;
  lot.startUpId = startUp;
  lot.streamId = stream.id;
  if (d.source) {
    auto id = db::parsePrefixedCode("SRC", *d.source);
    auto source = id ? db::findSource(c, who, *id) : std::nullopt;
    if (!source) throw notFound("no source '" + *d.source + "'", {{"field", "source"}});
    if (source->startUpId != startUp) {
      throw failedPrecondition(source->code() + " is a source of another start-up",
                               {{"field", "source"}});
    }
    lot.sourceId = source->id;
  }
  lot.collectedOn = d.collectedOn;
  lot.netMassMg = massMg(d.net, "net_mass");
  lot.netAmount = d.net.amount;
  lot.netUnit = d.net.unit;
  if (d.gross) {
    lot.grossMassMg = massMg(*d.gross, "gross_mass");
    lot.grossAmount = d.gross->amount;
    lot.grossUnit = d.gross->unit;
  }
  lot.container = d.container;
  lot.containerCount = d.containerCount;
  lot.vehicle = d.vehicle;
  lot.distanceKm = d.distanceKm;
  lot.characterisationJson = characterisationJson(d.characterisation);
  lot.notes = d.notes;
  lot.importDigest = d.importDigest;
  return db::insertLot(c, runtime.clock, who, lot);
}

db::Lot recordLot(Runtime& runtime, const db::Principal& who, const LotDraft& d) {
  return runtime.db.write([&](db::Connection& c) { return recordLotIn(c, runtime, who, d); });
}

db::Lot changeLot(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                  const LotChange& ch) {
  if (ch.characterisation) checkCharacterisation(*ch.characterisation, "characterisation");
  if (ch.status) checkVocabulary(*ch.status, lotStatuses(), "status", "lot_status");
  if (ch.notes) checkText(*ch.notes, "notes", 2000, false);
  if (ch.container && *ch.container) {
    checkVocabulary(**ch.container, containerKinds(), "container", "container");
  }
  if (ch.containerCount && *ch.containerCount &&
      (**ch.containerCount < 1 || **ch.containerCount > 100000)) {
    throw invalidArgument("container_count must be between 1 and 100000",
                          {{"field", "container_count"}});
  }
  std::optional<db::Visibility> visibility;
  if (ch.visibility) {
    visibility = db::parseVisibility(*ch.visibility);
    if (!visibility) {
      throw invalidArgument("visibility must be start-up, cluster or public",
                            {{"field", "visibility"}});
    }
  }
  return runtime.db.write([&](db::Connection& c) {
    db::Lot lot = visibleLot(c, who, lotId);
    if (!db::canWriteFor(who, lot.startUpId)) {
      throw permissionDenied("only the start-up that holds " + lot.code() +
                             " (or an administrator) may change it");
    }
    db::LotUpdate u;
    if (ch.characterisation) {
      Characterisation merged = parseCharacterisation(lot.characterisationJson);
      for (const auto& [k, v] : *ch.characterisation) merged[k] = v;
      u.characterisationJson = characterisationJson(merged);
    }
    u.status = ch.status;
    u.notes = ch.notes;
    u.container = ch.container;
    u.containerCount = ch.containerCount;
    bool fieldsChange = u.characterisationJson || u.status || u.notes || u.container ||
                        u.containerCount;
    if (fieldsChange && lot.retiredAt) {
      throw failedPrecondition(lot.code() + " is retired", {{"rule", "retired"}});
    }
    if (fieldsChange) db::updateLot(c, runtime.clock, who, lotId, u);
    if (visibility) {
      db::VisibilityChange change{{"lots", "lot", lot.code(), lot.id, lot.startUpId}, *visibility};
      change.reason = ch.reason;
      db::changeVisibility(c, runtime.clock, who, change);
    }
    return visibleLot(c, who, lotId);
  });
}

db::Lot retireLot(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                  const std::string& reason) {
  return runtime.db.write([&](db::Connection& c) {
    db::Lot lot = heldLot(c, who, lotId, "id");
    if (lot.takenMg() > 0) {
      throw failedPrecondition(
          lot.code() + " has already gone into transformations, transfers or uses; it stays",
          {{"rule", "lot_in_use"}});
    }
    db::retireRecord(c, runtime.clock, who, {"lots", "lot", lot.code(), lot.id, lot.startUpId},
                     reason);
    return visibleLot(c, who, lotId);
  });
}

// ---- transformations ----

MassBalance massBalanceOf(const db::Transformation& t) {
  MassBalance b;
  for (const auto& in : t.inputs) b.inputMg += in.massMg;
  for (const auto& add : t.additions) b.addedMg += add.massMg;
  for (const auto& out : t.outputs) b.outputMg += out.massMg;
  b.lossMg = b.inputMg + b.addedMg - b.outputMg;
  std::int64_t fed = b.inputMg + b.addedMg;
  b.yieldPercent = fed > 0 ? 100.0 * static_cast<double>(b.outputMg) / static_cast<double>(fed) : 0;
  return b;
}

void checkMassBalance(std::int64_t inputMg, std::int64_t addedMg, std::int64_t outputMg) {
  if (outputMg > inputMg + addedMg) {
    throw invalidArgument(
        "the outputs weigh " + kgText(outputMg) + ", more than the " + kgText(inputMg) +
            " of input lots" + (addedMg > 0 ? " and " + kgText(addedMg) + " added" : "") +
            "; state what the step adds (water, binder...) under additions",
        {{"field", "outputs"},
         {"rule", "mass_balance"},
         {"input_kg", kgOf(inputMg)},
         {"added_kg", kgOf(addedMg)},
         {"output_kg", kgOf(outputMg)}});
  }
}

db::Transformation recordTransformation(Runtime& runtime, const db::Principal& who,
                                        const TransformationDraft& d) {
  std::int64_t startUp = startUpFor(who, d.startUpId, "start_up");
  checkVocabulary(d.kind, transformationKinds(), "kind", "transformation_kind");
  const std::string today = todayOf(runtime);
  checkDate(d.performedOn, "performed_on", today);
  checkText(d.notes, "notes", 2000, false);
  if (d.inputs.empty()) throw invalidArgument("a transformation needs input lots", {{"field", "inputs"}});
  if (d.outputs.empty()) throw invalidArgument("a transformation makes output lots", {{"field", "outputs"}});
  if (d.inputs.size() > 50 || d.outputs.size() > 50 || d.additions.size() > 20) {
    throw invalidArgument("at most 50 inputs, 50 outputs and 20 additions", {{"field", "inputs"}});
  }
  std::vector<std::int64_t> inputMg;
  std::int64_t totalIn = 0;
  for (std::size_t i = 0; i < d.inputs.size(); ++i) {
    inputMg.push_back(massMg(d.inputs[i].mass, "inputs[" + std::to_string(i) + "]"));
    totalIn += inputMg.back();
  }
  std::int64_t totalAdded = 0;
  for (std::size_t i = 0; i < d.additions.size(); ++i) {
    const std::string f = "additions[" + std::to_string(i) + "]";
    checkText(d.additions[i].name, f + ".name", 200, true);
    totalAdded += massMg(d.additions[i].mass, f);
  }
  std::int64_t totalOut = 0;
  for (std::size_t i = 0; i < d.outputs.size(); ++i) {
    const std::string f = "outputs[" + std::to_string(i) + "]";
    totalOut += massMg(d.outputs[i].mass, f);
    if (d.outputs[i].container) {
      checkVocabulary(*d.outputs[i].container, containerKinds(), f + ".container", "container");
    }
    checkCharacterisation(d.outputs[i].characterisation, f + ".characterisation");
  }
  checkMassBalance(totalIn, totalAdded, totalOut);

  return runtime.db.write([&](db::Connection& c) {
    requireWriter(c, who, startUp, "start_up");
    db::NewTransformation t;
    t.startUpId = startUp;
    t.kind = d.kind;
    t.performedOn = d.performedOn;
    t.notes = d.notes;
    std::set<std::int64_t> seen;
    std::optional<std::int64_t> firstStream;
    for (std::size_t i = 0; i < d.inputs.size(); ++i) {
      const std::string f = "inputs[" + std::to_string(i) + "]";
      db::Lot lot = heldLot(c, who, lotIdFrom(d.inputs[i].lot, f + ".lot"), f + ".lot");
      if (lot.startUpId != startUp) {
        throw failedPrecondition(lot.code() + " is held by another start-up",
                                 {{"field", f + ".lot"}});
      }
      if (!seen.insert(lot.id).second) {
        throw invalidArgument(lot.code() + " is named twice among the inputs", {{"field", f + ".lot"}});
      }
      requireAvailable(lot, f + ".lot");
      requireMassLeft(lot, inputMg[i], f + ".amount");
      if (d.performedOn < lot.collectedOn) {
        throw invalidArgument("performed_on is before " + lot.code() + " existed (" +
                                  lot.collectedOn + ")",
                              {{"field", "performed_on"}});
      }
      if (!firstStream) firstStream = lot.streamId;
      t.inputs.push_back({lot.id, inputMg[i], d.inputs[i].mass.amount, d.inputs[i].mass.unit});
    }
    for (std::size_t i = 0; i < d.additions.size(); ++i) {
      const auto& a = d.additions[i];
      t.additions.push_back({a.name, massMg(a.mass, "additions[" + std::to_string(i) + "]"),
                             a.mass.amount, a.mass.unit});
    }
    std::vector<db::NewLot> outputs;
    for (std::size_t i = 0; i < d.outputs.size(); ++i) {
      const auto& o = d.outputs[i];
      const std::string f = "outputs[" + std::to_string(i) + "]";
      db::NewLot lot;
      lot.startUpId = startUp;
      lot.streamId = o.stream ? streamNamed(c, *o.stream, f + ".stream").id : *firstStream;
      lot.origin = "transformation";
      lot.collectedOn = d.performedOn;
      lot.netMassMg = massMg(o.mass, f);
      lot.netAmount = o.mass.amount;
      lot.netUnit = o.mass.unit;
      lot.container = o.container;
      lot.characterisationJson = characterisationJson(o.characterisation);
      outputs.push_back(lot);
    }
    std::int64_t id = db::insertTransformation(c, runtime.clock, who, t);
    for (auto& lot : outputs) {
      lot.transformationId = id;
      db::insertLot(c, runtime.clock, who, lot);
    }
    db::auditTransformation(c, runtime.clock, who, id);
    return *db::findTransformation(c, who, id);
  });
}

// ---- transfers ----

db::Transfer offerTransfer(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                           const TransferDraft& d) {
  if (!d.toStartUpId) throw invalidArgument("to_start_up is required", {{"field", "to_start_up"}});
  std::int64_t mg = massMg(d.mass, "amount");
  checkTransport(d.vehicle, d.distanceKm);
  checkText(d.notes, "notes", 2000, false);
  return runtime.db.write([&](db::Connection& c) {
    db::Lot lot = heldLot(c, who, lotId, "id");
    if (!db::findStartUp(c, *d.toStartUpId)) {
      throw notFound("no start-up " + std::to_string(*d.toStartUpId), {{"field", "to_start_up"}});
    }
    if (*d.toStartUpId == lot.startUpId) {
      throw invalidArgument("a transfer goes to another start-up than the lot's holder",
                            {{"field", "to_start_up"}});
    }
    requireAvailable(lot, "id");
    requireMassLeft(lot, mg, "amount");
    db::NewTransfer t;
    t.lotId = lot.id;
    t.fromStartUpId = lot.startUpId;
    t.toStartUpId = *d.toStartUpId;
    t.massMg = mg;
    t.amount = d.mass.amount;
    t.unit = d.mass.unit;
    t.vehicle = d.vehicle;
    t.distanceKm = d.distanceKm;
    t.notes = d.notes;
    return db::insertTransfer(c, runtime.clock, who, t);
  });
}

namespace {

db::Transfer pendingTransferFor(db::Connection& c, const db::Principal& who, std::int64_t id,
                                bool receiver) {
  auto t = db::findTransfer(c, who, id);
  if (!t) throw notFound("no transfer " + db::transferCode(id));
  std::int64_t party = receiver ? t->toStartUpId : t->fromStartUpId;
  if (!who.isAdmin() && !who.belongsTo(party)) {
    throw permissionDenied(receiver ? "only the receiving start-up accepts or refuses " + t->code()
                                    : "only the sending start-up cancels " + t->code());
  }
  if (t->status != "pending") {
    throw failedPrecondition(t->code() + " was already " + t->status,
                             {{"field", "status"}, {"rule", "decided"}, {"status", t->status}});
  }
  return *t;
}

}  // namespace

db::Transfer acceptTransfer(Runtime& runtime, const db::Principal& who, std::int64_t id,
                            const TransferAnswer& a) {
  const std::string today = todayOf(runtime);
  std::string on = a.on.value_or(today);
  checkDate(on, "received_on", today);
  std::optional<std::int64_t> receivedMg;
  if (a.receivedMass) receivedMg = massMg(*a.receivedMass, "received_mass");
  if (a.container) checkVocabulary(*a.container, containerKinds(), "container", "container");
  return runtime.db.write([&](db::Connection& c) {
    db::Transfer t = pendingTransferFor(c, who, id, /*receiver=*/true);
    if (receivedMg && *receivedMg > t.massMg) {
      throw invalidArgument("received_mass is more than the " + kgText(t.massMg) + " sent",
                            {{"field", "received_mass.amount"}, {"rule", "mass_balance"}});
    }
    auto parent = db::findLot(c, db::Principal::system("transfer"), t.lotId);
    if (!parent) throw internalError("the lot of " + t.code() + " is missing");
    if (on < parent->collectedOn) {
      throw invalidArgument("received_on is before " + parent->code() + " existed (" +
                                parent->collectedOn + ")",
                            {{"field", "received_on"}});
    }
    db::NewLot lot;
    lot.startUpId = t.toStartUpId;
    lot.streamId = parent->streamId;
    lot.origin = "transfer";
    lot.parentLotId = parent->id;
    lot.transferId = t.id;
    lot.collectedOn = on;
    lot.netMassMg = receivedMg.value_or(t.massMg);
    lot.netAmount = a.receivedMass ? a.receivedMass->amount : t.amount;
    lot.netUnit = a.receivedMass ? a.receivedMass->unit : t.unit;
    lot.container = a.container;
    lot.characterisationJson = parent->characterisationJson;
    db::Lot received = db::insertLot(c, runtime.clock, who, lot);
    db::TransferDecision decision;
    decision.status = "accepted";
    decision.decidedOn = on;
    decision.reason = a.reason;
    decision.receivedLotId = received.id;
    return db::decideTransfer(c, runtime.clock, who, id, decision);
  });
}

db::Transfer refuseTransfer(Runtime& runtime, const db::Principal& who, std::int64_t id,
                            const TransferAnswer& a) {
  if (a.reason) checkText(*a.reason, "reason", 2000, false);
  return runtime.db.write([&](db::Connection& c) {
    pendingTransferFor(c, who, id, /*receiver=*/true);
    db::TransferDecision decision;
    decision.status = "refused";
    decision.decidedOn = a.on.value_or(todayOf(runtime));
    decision.reason = a.reason;
    return db::decideTransfer(c, runtime.clock, who, id, decision);
  });
}

db::Transfer cancelTransfer(Runtime& runtime, const db::Principal& who, std::int64_t id,
                            const TransferAnswer& a) {
  if (a.reason) checkText(*a.reason, "reason", 2000, false);
  return runtime.db.write([&](db::Connection& c) {
    pendingTransferFor(c, who, id, /*receiver=*/false);
    db::TransferDecision decision;
    decision.status = "cancelled";
    decision.decidedOn = todayOf(runtime);
    decision.reason = a.reason;
    return db::decideTransfer(c, runtime.clock, who, id, decision);
  });
}

// ---- uses ----

db::LotUse useLot(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                  const UseDraft& d) {
  std::int64_t mg = massMg(d.mass, "amount");
  const std::string today = todayOf(runtime);
  std::string usedOn = d.usedOn.value_or(today);
  checkDate(usedOn, "used_on", today);
  checkText(d.notes, "notes", 2000, false);
  if (!d.batch && !d.route) {
    throw invalidArgument("name the batch the lot went into, or the route (and step) it feeds",
                          {{"field", "batch"}});
  }
  if (d.step && !d.route) throw invalidArgument("a step needs its route", {{"field", "route"}});
  if (d.component && !d.step) {
    throw invalidArgument("a component needs its step", {{"field", "step"}});
  }
  return runtime.db.write([&](db::Connection& c) {
    db::Lot lot = heldLot(c, who, lotId, "id");
    requireAvailable(lot, "id");
    requireMassLeft(lot, mg, "amount");
    if (usedOn < lot.collectedOn) {
      throw invalidArgument("used_on is before " + lot.code() + " existed (" + lot.collectedOn +
                                ")",
                            {{"field", "used_on"}});
    }
    db::NewLotUse u;
    u.lotId = lot.id;
    u.startUpId = lot.startUpId;
    u.massMg = mg;
    u.amount = d.mass.amount;
    u.unit = d.mass.unit;
    u.usedOn = usedOn;
    u.notes = d.notes;
    if (d.batch) {
      auto code = db::parseCode(*d.batch);
      std::optional<db::Batch> batch;
      if (code && code->formNumber && code->batchNumber) {
        batch = db::findBatch(c, who, code->compoundId, *code->formNumber, *code->batchNumber);
      }
      if (!batch) throw notFound("no batch '" + *d.batch + "'", {{"field", "batch"}});
      if (batch->startUpId != lot.startUpId) {
        throw failedPrecondition(batch->code() + " is a batch of another start-up than " +
                                     lot.code() + "'s holder",
                                 {{"field", "batch"}});
      }
      if (batch->retiredAt) {
        throw failedPrecondition(batch->code() + " is retired", {{"field", "batch"}});
      }
      u.batchId = batch->id;
    }
    if (d.route) {
      auto route = db::findRoute(c, who, *d.route, /*withSteps=*/false);
      if (!route) throw notFound("no route " + std::to_string(*d.route), {{"field", "route"}});
      if (route->startUpId != lot.startUpId) {
        throw failedPrecondition("route " + std::to_string(route->id) +
                                     " belongs to another start-up than " + lot.code() + "'s holder",
                                 {{"field", "route"}});
      }
      u.routeId = route->id;
      if (d.step) {
        auto step = db::findStep(c, who, route->id, *d.step);
        if (!step) {
          throw notFound("route " + std::to_string(route->id) + " has no step " +
                             std::to_string(*d.step),
                         {{"field", "step"}});
        }
        u.stepNumber = step->number;
        if (d.component) {
          auto it = std::find_if(step->components.begin(), step->components.end(),
                                 [&](const db::RouteComponentRow& r) {
                                   return r.position == *d.component;
                                 });
          if (it == step->components.end()) {
            throw notFound("step " + std::to_string(step->number) + " has no component " +
                               std::to_string(*d.component),
                           {{"field", "component"}});
          }
          if (it->origin != std::optional<std::string>("waste-derived")) {
            throw failedPrecondition(
                "component " + std::to_string(*d.component) + " (" +
                    (it->name.empty() ? it->smiles : it->name) +
                    ") is not marked waste-derived; mark its feedstock origin first",
                {{"field", "component"}, {"rule", "waste_derived"}});
          }
          u.componentPosition = it->position;
        }
      }
    }
    return db::insertLotUse(c, runtime.clock, who, u);
  });
}

}  // namespace argan::server
