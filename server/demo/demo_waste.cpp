#include "server/demo/demo_waste.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cstdio>

#include "common/error.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "server/demo/demo_refs.h"
#include "server/json/json_fields.h"
#include "server/registry/waste.h"

namespace argan {
extern const char* const kDemoWasteJson;
}

namespace argan::server {
namespace {

// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
  return buf;
}

class WasteLoader {
 public:
  WasteLoader(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
              const std::map<std::string, db::Principal>& people)
      : runtime_(runtime), refs_("demo waste", startUps, people), today_(todayOf(runtime)) {}

  DemoWasteReport load() {
    JsonFields root(parseJsonObject(kDemoWasteJson));
    root.allowOnly({"about", "sources", "lots", "transformations", "transfers", "uses"});
    demo::forEach(root, "sources", [&](const JsonFields& f) { source(f); });
    demo::forEach(root, "lots", [&](const JsonFields& f) { lot(f); });
    demo::forEach(root, "transformations", [&](const JsonFields& f) { transformation(f); });
    demo::forEach(root, "transfers", [&](const JsonFields& f) { transfer(f); });
    demo::forEach(root, "uses", [&](const JsonFields& f) { use(f); });
    return report_;
  }

 private:
  std::int64_t startUp(const std::string& key) const { return refs_.startUpId(key); }
  db::Principal person(const std::string& email) const { return refs_.person(email); }

  std::string lotCode(const std::string& key) const {
    auto it = lots_.find(key);
    if (it == lots_.end()) throw internalError("demo waste: unknown lot key " + key);
    return db::lotCode(it->second);
  }

  std::string daysAgo(const JsonFields& f, const std::string& key = "days_ago") const {
    auto days = f.optInt(key);
    if (!days) throw internalError("demo waste: " + f.fieldPath(key) + " is missing");
    return addDays(today_, -static_cast<int>(*days));
  }

  static MassInput kg(const JsonFields& f, const std::string& key) {
    auto v = f.optNumber(key);
    if (!v) throw internalError("demo waste: " + f.fieldPath(key) + " is missing");
    return {*v, "kg"};
  }

  static Characterisation characterisation(const JsonFields& f) {
    Characterisation out;
    if (auto o = f.optObject("characterisation")) {
      for (const auto& [name, value] : *o->object()) out[name] = value.convert<double>();
    }
    return out;
  }

  void source(const JsonFields& f) {
    SourceDraft d;
    d.startUpId = startUp(f.reqString("start_up"));
    d.name = f.reqString("name");
    d.kind = f.reqString("kind");
    d.region = f.reqString("region");
    d.locality = f.optString("locality");
    db::WasteSource s = createSource(runtime_, person(f.reqString("by")), d);
    sources_[f.reqString("start_up") + "/" + s.name] = s.code();
    ++report_.sources;
  }

  void lot(const JsonFields& f) {
    LotDraft d;
    d.startUpId = startUp(f.reqString("start_up"));
    d.stream = f.reqString("stream");
    if (auto name = f.optString("source")) {
      auto it = sources_.find(f.reqString("start_up") + "/" + *name);
      if (it == sources_.end()) throw internalError("demo waste: unknown source " + *name);
      d.source = it->second;
    }
    d.collectedOn = daysAgo(f);
    d.net = kg(f, "net_kg");
    if (f.has("gross_kg")) d.gross = kg(f, "gross_kg");
    d.container = f.optString("container");
    d.containerCount = f.optInt("container_count");
    d.vehicle = f.optString("vehicle");
    d.distanceKm = f.optNumber("distance_km");
    d.characterisation = characterisation(f);
    d.notes = "DEMO record";
    db::Lot made = recordLot(runtime_, person(f.reqString("by")), d);
    if (auto visibility = f.optString("visibility")) {
      // Shared with the cluster by its collector, as a member would on the lot's page.
      LotChange share;
      share.visibility = *visibility;
      changeLot(runtime_, person(f.reqString("by")), made.id, share);
    }
    lots_[f.reqString("key")] = made.id;
    ++report_.lots;
  }

  void transformation(const JsonFields& f) {
    TransformationDraft d;
    d.startUpId = startUp(f.reqString("start_up"));
    d.kind = f.reqString("kind");
    d.performedOn = daysAgo(f);
    d.notes = f.optString("notes").value_or("");
    std::vector<std::string> outputKeys;
    demo::forEach(f, "inputs", [&](const JsonFields& in) {
      d.inputs.push_back({lotCode(in.reqString("lot")), kg(in, "kg")});
    });
    demo::forEach(f, "additions", [&](const JsonFields& add) {
      d.additions.push_back({add.reqString("name"), kg(add, "kg")});
    });
    demo::forEach(f, "outputs", [&](const JsonFields& out) {
      TransformationDraft::Output o;
      o.stream = out.optString("stream");
      o.mass = kg(out, "kg");
      o.container = out.optString("container");
      o.characterisation = characterisation(out);
      d.outputs.push_back(o);
      outputKeys.push_back(out.reqString("key"));
    });
    db::Transformation t = recordTransformation(runtime_, person(f.reqString("by")), d);
    if (t.outputs.size() != outputKeys.size()) {
      throw internalError("demo waste: a transformation made an unexpected number of lots");
    }
    for (std::size_t i = 0; i < outputKeys.size(); ++i) lots_[outputKeys[i]] = t.outputs[i].lotId;
    report_.lots += static_cast<int>(outputKeys.size());
    ++report_.transformations;
  }

  void transfer(const JsonFields& f) {
    TransferDraft d;
    d.toStartUpId = startUp(f.reqString("to"));
    d.mass = kg(f, "kg");
    d.vehicle = f.optString("vehicle");
    d.distanceKm = f.optNumber("distance_km");
    d.notes = "DEMO record";
    auto lotId = db::parsePrefixedCode("LOT", lotCode(f.reqString("lot")));
    db::Transfer t = offerTransfer(runtime_, person(f.reqString("by")), *lotId, d);
    ++report_.transfers;
    auto answer = f.optString("answer");
    if (!answer) return;
    TransferAnswer a;
    a.on = daysAgo(f, "answer_days_ago");
    a.reason = f.optString("reason");
    db::Principal by = person(f.reqString("answer_by"));
    if (*answer == "accept") {
      if (f.has("received_kg")) a.receivedMass = kg(f, "received_kg");
      db::Transfer done = acceptTransfer(runtime_, by, t.id, a);
      lots_[f.reqString("received_key")] = *done.receivedLotId;
      ++report_.lots;
    } else if (*answer == "refuse") {
      refuseTransfer(runtime_, by, t.id, a);
    } else {
      throw internalError("demo waste: unknown answer " + *answer);
    }
  }

  // The code of the start-up's batch recorded under a notebook reference.
  std::string batchCode(std::int64_t startUpId, const std::string& ref) const {
    return runtime_.db.read([&](db::Connection& c) {
      const db::Principal system = db::Principal::system("demo");
      db::CompoundFilter filter;
      filter.startUpId = startUpId;
      for (const auto& compound : db::listCompounds(c, system, filter, 0, 500).items) {
        for (const auto& batch : db::listBatches(c, system, compound.id)) {
          if (batch.notebookRef == ref) return batch.code();
        }
      }
      throw internalError("demo waste: no batch with notebook reference " + ref);
    });
  }

  void use(const JsonFields& f) {
    db::Principal by = person(f.reqString("by"));
    auto lotId = db::parsePrefixedCode("LOT", lotCode(f.reqString("lot")));
    UseDraft d;
    d.mass = kg(f, "kg");
    d.usedOn = daysAgo(f);
    d.notes = f.optString("notes").value_or("");
    if (auto batch = f.optObject("batch")) {
      d.batch = batchCode(startUp(batch->reqString("start_up")), batch->reqString("notebook_ref"));
    }
    if (auto routeName = f.optString("route")) {
      runtime_.db.read([&](db::Connection& c) {
        db::RouteFilter filter;
        filter.startUpId = by.startUpId;
        for (const auto& route : db::listRoutes(c, by, filter, 0, 100).items) {
          if (route.name != *routeName) continue;
          d.route = route.id;
          d.step = f.optInt("step").value_or(1);
          auto step = db::findStep(c, by, route.id, *d.step);
          if (!step) throw internalError("demo waste: route " + *routeName + " has no such step");
          for (const auto& component : step->components) {
            if (component.origin == std::optional<std::string>("waste-derived")) {
              d.component = component.position;
            }
          }
        }
      });
      if (!d.route) throw internalError("demo waste: unknown route " + *routeName);
    }
    useLot(runtime_, by, *lotId, d);
    ++report_.uses;
  }

  Runtime& runtime_;
  demo::DemoRefs refs_;
  std::string today_;
  std::map<std::string, std::string> sources_;  // "start-up key/name" -> SRC code
  std::map<std::string, std::int64_t> lots_;    // key -> lot id
  DemoWasteReport report_;
};

}  // namespace

std::string addDays(const std::string& date, int days) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%u-%u", &y, &m, &d) != 3) {
    throw internalError("not a date: " + date);
  }
  return civilFromDays(daysFromCivil(y, m, d) + days);
}

DemoWasteReport loadDemoWaste(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                              const std::map<std::string, db::Principal>& people) {
  return WasteLoader(runtime, startUps, people).load();
}

}  // namespace argan::server
