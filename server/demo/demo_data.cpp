#include "server/demo/demo_data.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>

#include "common/error.h"
#include "common/password.h"
#include "db/lifecycle.h"
#include "db/start_up_store.h"
#include "db/user_store.h"
#include "server/demo/demo_routes.h"
#include "server/demo/demo_needs.h"
#include "server/demo/demo_products.h"
#include "server/demo/demo_substances.h"
#include "server/demo/demo_waste.h"
#include "server/json/json_fields.h"
#include "server/registry/registration.h"

namespace argan {
extern const char* const kDemoDataJson;
}

namespace argan::server {
DemoLoadReport loadDemoData(Runtime& runtime) {
  DemoLoadReport report;
  bool empty = runtime.db.read([](db::Connection& c) { return db::listStartUps(c).empty(); });
  if (!empty) {
    report.skipped = true;
    return report;
  }
  const db::Principal demo = db::Principal::system("demo");
  JsonFields root(parseJsonObject(kDemoDataJson));
  std::map<std::string, std::int64_t> startUpIds;
  std::map<std::string, db::Principal> people;  // e-mail -> principal
  std::map<std::string, db::Principal> leads;   // start-up key -> its (first) lead
  Poco::JSON::Array::Ptr startUps = root.optArray("start_ups");
  for (std::size_t i = 0; startUps && i < startUps->size(); ++i) {
    JsonFields s(startUps->getObject(static_cast<unsigned>(i)), "start_ups");
    db::StartUpInput in;
    in.name = s.reqString("name");
    in.sector = s.reqString("sector");
    in.description = s.optString("description");
    auto created = runtime.db.write([&](db::Connection& c) {
      return db::createStartUp(c, runtime.clock, demo, in);
    });
    startUpIds[s.reqString("key")] = created.id;
    ++report.startUps;
    Poco::JSON::Array::Ptr team = s.optArray("team");
    for (std::size_t k = 0; team && k < team->size(); ++k) {
      JsonFields m(team->getObject(static_cast<unsigned>(k)), "team");
      db::NewUser user;
      user.email = m.reqString("email");
      user.displayName = m.reqString("name");
      auto role = db::parseRole(m.reqString("role"));
      if (!role) throw internalError("demo data: bad role for " + user.email);
      user.role = *role;
      user.startUpId = created.id;
      std::string password = randomHex(9);
      user.passwordHash = hashPassword(password, runtime.config.passwordIterations);
      auto made = runtime.db.write([&](db::Connection& c) {
        return db::createUser(c, runtime.clock, demo, user);
      });
      people[made.email] = made.principal();
      if (made.role == db::Role::Lead && !leads.count(s.reqString("key"))) {
        leads[s.reqString("key")] = made.principal();
      }
      report.accounts.push_back({made.email, db::roleName(made.role), *in.name, password});
      ++report.users;
    }
    if (auto status = s.optString("status"); status && *status != "incubating") {
      db::StartUpInput change;
      change.status = status;
      runtime.db.write([&](db::Connection& c) {
        db::updateStartUp(c, runtime.clock, demo, created.id, change);
      });
    }
  }
  std::map<std::string, std::int64_t> compoundIds;  // "start-up key/name" -> compound id
  Poco::JSON::Array::Ptr compounds = root.optArray("compounds");
  for (std::size_t i = 0; compounds && i < compounds->size(); ++i) {
    JsonFields c(compounds->getObject(static_cast<unsigned>(i)), "compounds");
    auto owner = startUpIds.find(c.reqString("start_up"));
    if (owner == startUpIds.end()) throw internalError("demo data: unknown start-up key");
    db::Principal who = demo;
    if (auto by = c.optString("by")) {
      auto person = people.find(*by);
      if (person == people.end()) throw internalError("demo data: unknown person " + *by);
      who = person->second;
    }
    db::BatchInput batch;
    if (auto b = c.optObject("batch")) {
      batch.amount = b->optNumber("amount");
      batch.amountUnit = b->optString("unit");
      batch.purity = b->optNumber("purity");
      batch.preparedOn = b->optString("prepared_on");
      batch.researcher = b->optString("researcher").value_or("");
      batch.notebookRef = b->optString("notebook_ref").value_or("");
      batch.storage = b->optString("storage").value_or("");
      batch.notes = b->optString("notes").value_or("");
    }
    batch.notes += (batch.notes.empty() ? "" : " — ") + std::string("demo: ") +
                   c.reqString("name") + "; source: " + c.optString("source").value_or("");
    db::CompoundNames names;  // the parent's name; a salt's name ("sodium lactate") is not
    if (c.reqString("smiles").find('.') == std::string::npos) names.name = c.reqString("name");
    if (auto cas = c.optString("cas")) names.cas = *cas;
    RegistrationResult made = registerStructure(runtime, who, owner->second,
                                                c.reqString("smiles"), "smiles", batch, names);
    const db::Compound& compound = made.registration.compound;
    compoundIds[c.reqString("start_up") + "/" + c.reqString("name")] = compound.id;
    if (auto visibility = c.optString("visibility")) {
      // Published by the start-up's lead (members may not publish).
      db::VisibilityChange change;
      change.record = db::RecordRef{"compounds", "compound", compound.code(), compound.id,
                                    compound.startUpId};
      auto to = db::parseVisibility(*visibility);
      if (!to) throw internalError("demo data: bad visibility " + *visibility);
      change.to = *to;
      change.reason = "demo: " + c.reqString("name") + " in the public catalogue";
      runtime.db.write([&](db::Connection& conn) {
        db::changeVisibility(conn, runtime.clock, leads.at(c.reqString("start_up")), change);
      });
    }
    ++report.compounds;
  }
  report.routes = loadDemoRoutes(runtime);
  loadDemoProducts(runtime, startUpIds, people, report);
  loadDemoSubstances(runtime, startUpIds, people, leads, report);
  DemoWasteReport waste = loadDemoWaste(runtime, startUpIds, people);
  report.lots = waste.lots;
  report.transfers = waste.transfers;
  loadDemoNeeds(runtime, startUpIds, people, report);
  return report;
}

}  // namespace argan::server
