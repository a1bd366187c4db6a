#include "server/demo_data.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>

#include "common/error.h"
#include "common/password.h"
#include "db/lifecycle.h"
#include "db/pipeline_store.h"
#include "db/product_store.h"
#include "db/start_up_store.h"
#include "db/user_store.h"
#include "server/json_fields.h"
#include "server/registration.h"
#include "server/route_service.h"

namespace argan {
extern const char* const kDemoDataJson;
}

namespace argan::server {
namespace {

// One route step of the demo file: the fields of POST /api/routes steps the demo uses.
StepDraft demoStep(const JsonFields& f) {
  StepDraft d;
  d.name = f.reqString("name");
  d.reaction.reactionSmiles = f.reqString("reaction_smiles");
  Poco::JSON::Array::Ptr components = f.optArray("components");
  for (std::size_t i = 0; components && i < components->size(); ++i) {
    JsonFields c(components->getObject(static_cast<unsigned>(i)), "components");
    chem::ComponentInput in;
    in.smiles = c.optString("smiles").value_or("");
    in.name = c.optString("name").value_or("");
    in.role = c.optString("role").value_or("");
    in.amount = c.optNumber("amount");
    in.unit = c.optString("unit").value_or("");
    in.origin = c.optString("origin").value_or("");
    in.fromStep = c.optInt("from_step");
    d.reaction.components.push_back(in);
  }
  if (auto conditions = f.optObject("conditions")) {
    d.reaction.conditions.temperatureC = conditions->optNumber("temperature_c");
    d.reaction.conditions.timeH = conditions->optNumber("time_h");
    d.reaction.conditions.pressureBar = conditions->optNumber("pressure_bar");
    d.reaction.conditions.mode = conditions->optString("mode").value_or("");
  }
  Poco::JSON::Array::Ptr workup = f.optArray("workup");
  for (std::size_t i = 0; workup && i < workup->size(); ++i) {
    d.reaction.workup.push_back(workup->getElement<std::string>(static_cast<unsigned>(i)));
  }
  d.reaction.isolatedYield = f.optNumber("isolated_yield");
  return d;
}

}  // namespace

DemoLoadReport loadDemoData(Services& services) {
  DemoLoadReport report;
  bool empty = services.db.read([](db::Connection& c) { return db::listStartUps(c).empty(); });
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
    auto created = services.db.write([&](db::Connection& c) {
      return db::createStartUp(c, services.clock, demo, in);
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
      user.passwordHash = hashPassword(password, services.config.passwordIterations);
      auto made = services.db.write([&](db::Connection& c) {
        return db::createUser(c, services.clock, demo, user);
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
      services.db.write([&](db::Connection& c) {
        db::updateStartUp(c, services.clock, demo, created.id, change);
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
    RegistrationResult made =
        registerStructure(services, who, owner->second, c.reqString("smiles"), "smiles", batch);
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
      services.db.write([&](db::Connection& conn) {
        db::changeVisibility(conn, services.clock, leads.at(c.reqString("start_up")), change);
      });
    }
    ++report.compounds;
  }
  auto person = [&](const JsonFields& f) {
    auto found = people.find(f.reqString("by"));
    if (found == people.end()) throw internalError("demo data: unknown person " + f.reqString("by"));
    return found->second;
  };
  auto compoundOf = [&](const std::string& startUp, const std::string& name) {
    auto found = compoundIds.find(startUp + "/" + name);
    if (found == compoundIds.end()) throw internalError("demo data: unknown compound " + name);
    return found->second;
  };

  // Routes from the literature (cited in each route's description), by the team members.
  Poco::JSON::Array::Ptr routes = root.optArray("routes");
  for (std::size_t i = 0; routes && i < routes->size(); ++i) {
    JsonFields r(routes->getObject(static_cast<unsigned>(i)), "routes");
    RouteCreation creation;
    creation.startUpId = startUpIds.at(r.reqString("start_up"));
    creation.targetCompound =
        std::to_string(compoundOf(r.reqString("start_up"), r.reqString("target")));
    creation.name = r.reqString("name");
    creation.description = "Demo route. Source: " + r.reqString("source");
    creation.visibility = r.optString("visibility").value_or("start-up");
    Poco::JSON::Array::Ptr steps = r.optArray("steps");
    for (std::size_t k = 0; steps && k < steps->size(); ++k) {
      creation.steps.push_back(demoStep(JsonFields(steps->getObject(static_cast<unsigned>(k)),
                                                   "steps")));
    }
    createRoute(services, person(r), std::move(creation));
    ++report.routes;
  }

  // Products at different stages of the pipeline: the first `stages_done` default stages
  // done, the next one in progress.
  Poco::JSON::Array::Ptr products = root.optArray("products");
  for (std::size_t i = 0; products && i < products->size(); ++i) {
    JsonFields p(products->getObject(static_cast<unsigned>(i)), "products");
    const db::Principal who = person(p);
    const std::int64_t startUp = startUpIds.at(p.reqString("start_up"));
    db::ProductInput in;
    in.name = p.reqString("name");
    in.description = p.reqString("description");
    in.compoundId = compoundOf(p.reqString("start_up"), p.reqString("compound"));
    in.trl = p.optInt("trl");
    in.trlNote = "demo";
    const std::int64_t done = p.optInt("stages_done").value_or(0);
    const std::string visibility = p.optString("visibility").value_or("start-up");
    services.db.write([&](db::Connection& c) {
      db::Product product = db::createProduct(c, services.clock, who, startUp, in);
      std::int64_t n = 0;
      for (const auto& stage : db::listStages(c, product.id)) {
        if (n > done) break;
        db::StageInput change;
        change.status = n < done ? "done" : "in_progress";
        db::updateStage(c, services.clock, who, product.id, stage.key, change);
        ++n;
      }
      if (visibility != "start-up") {
        db::ProductInput publish;
        publish.visibility = visibility;
        publish.visibilityReason = "demo";
        db::updateProduct(c, services.clock, who, product.id, publish);
      }
    });
    ++report.products;
  }
  return report;
}

}  // namespace argan::server
