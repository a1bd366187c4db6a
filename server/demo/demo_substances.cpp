#include "server/demo/demo_substances.h"

#include <Poco/JSON/Object.h>

#include "common/error.h"
#include "db/lifecycle.h"
#include "db/substance_store.h"
#include "server/demo/demo_refs.h"
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
  const demo::DemoRefs refs("demo substances", startUps, people);
  JsonFields root(parseJsonObject(kDemoSubstancesJson));
  demo::forEach(root, "substances", [&](const JsonFields& item) {
    const std::string key = item.reqString("start_up");
    const std::int64_t owner = refs.startUpId(key);
    const db::Principal person = refs.person(item.reqString("by"));
    auto body = item.optObject("body");
    if (!body) throw internalError("demo substances: a substance without its body");
    SubstanceSubmission submission = readSubstanceSubmission(*body, /*creating=*/true);
    SubstanceRegistration r = registerSubstance(runtime, person, owner, std::move(submission));
    ++report.substances;
    demo::forEach(item, "batches", [&](const JsonFields& batch) {
      db::SubstanceBatchInput input = readSubstanceBatch(batch, "batch");
      runtime.db.write([&](db::Connection& c) {
        return db::createSubstanceBatch(c, runtime.clock, person, r.substance.id, input);
      });
    });
    if (auto visibility = item.optString("visibility")) {
      auto lead = leads.find(key);
      if (lead == leads.end()) refs.unknown("lead of", key);
      db::VisibilityChange change;
      auto to = db::parseVisibility(*visibility);
      if (!to) throw internalError("demo substances: bad visibility " + *visibility);
      change.to = *to;
      change.reason = "demo: " + r.substance.spec.name + " in the public catalogue";
      runtime.db.write([&](db::Connection& c) {
        return publishSubstance(c, runtime.clock, lead->second, r.substance, change);
      });
    }
  });
}

}  // namespace argan::server
