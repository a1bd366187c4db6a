#include "server/demo/demo_substances.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "common/error.h"
#include "db/lifecycle.h"
#include "db/substance_store.h"
#include "server/json/json_fields.h"
#include "server/json/substance_json.h"
#include "server/registry/substances.h"

namespace argan {
extern const char* const kDemoSubstancesJson;
}

namespace argan::server {

void loadDemoSubstances(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                        const std::map<std::string, db::Principal>& people,
                        const std::map<std::string, db::Principal>& leads,
                        DemoLoadReport& report) {
  JsonFields root(parseJsonObject(kDemoSubstancesJson));
  Poco::JSON::Array::Ptr list = root.optArray("substances");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    JsonFields item(list->getObject(static_cast<unsigned>(i)), "substances");
    std::string key = item.reqString("start_up");
    auto owner = startUps.find(key);
    if (owner == startUps.end()) throw internalError("demo substances: unknown start-up " + key);
    auto person = people.find(item.reqString("by"));
    if (person == people.end()) {
      throw internalError("demo substances: unknown person " + item.reqString("by"));
    }
    auto body = item.optObject("body");
    if (!body) throw internalError("demo substances: a substance without its body");
    SubstanceSubmission submission = readSubstanceSubmission(*body, /*creating=*/true);
    SubstanceRegistration r =
        registerSubstance(runtime, person->second, owner->second, std::move(submission));
    ++report.substances;
    if (auto batches = item.optArray("batches")) {
      for (std::size_t b = 0; b < batches->size(); ++b) {
        JsonFields batch(batches->getObject(static_cast<unsigned>(b)), "batch");
        db::SubstanceBatchInput input = readSubstanceBatch(batch, "batch");
        runtime.db.write([&](db::Connection& c) {
          return db::createSubstanceBatch(c, runtime.clock, person->second, r.substance.id, input);
        });
      }
    }
    if (auto visibility = item.optString("visibility")) {
      db::VisibilityChange change;
      auto to = db::parseVisibility(*visibility);
      if (!to) throw internalError("demo substances: bad visibility " + *visibility);
      change.to = *to;
      change.reason = "demo: " + r.substance.spec.name + " in the public catalogue";
      runtime.db.write([&](db::Connection& c) {
        return publishSubstance(c, runtime.clock, leads.at(key), r.substance, change);
      });
    }
  }
}

}  // namespace argan::server
